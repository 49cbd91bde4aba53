package dcc

import (
	"strconv"
	"time"

	"github.com/smetsim/smetsim/devices"
)

// The gas-only configuration SRVs: 6.6 and 6.7 reach the GSME through its GPF's queue, 6.2.8
// reads the GSME's configuration from the GPF.

// readGasConfig is 6.2.8, from the GPF's copy of the GSME's configuration.
func readGasConfig(j *job, now time.Time) ([]byte, *failure) {
	c, f := gsmeConfig(j)
	if f != nil {
		return nil, f
	}
	cv, cf := j.p.GSME.GasConversion()
	return finish(success("ReadDeviceConfigurationGasRsp").Leaf("CalorificValue", formatDecimal(uint64(cv), 3)).
		Leaf("ConversionFactor", formatDecimal(uint64(cf), 6)).Leaf("UncontrolledGasFlowRate", formatDecimal(uint64(c.Flow.Rate), 4)).
		Leaf("FlowStabilisationPeriod", strconv.Itoa(int(c.Flow.Stabilisation))).
		Leaf("FlowMeasurementPeriod", strconv.Itoa(int(c.Flow.Measurement))).End())
}

type gasConversionBody struct {
	CalorificValue   string `xml:"CalorificValue"`
	ConversionFactor string `xml:"ConversionFactor"`
}

// gasConversionOf reads a 6.6 body as the calorific value in MJ/m³ × 1000 and the conversion
// factor × 1e6, the units the GSME converts with.
func gasConversionOf(j *job) (cv, cf uint32, f *failure) {
	const root = "UpdateDeviceConfigurationGasConversion"
	var b gasConversionBody
	if f := decodeBody(j, &b); f != nil {
		return 0, 0, f
	}
	v, f := parseDecimal(root+"/CalorificValue", b.CalorificValue, 1, 3, 1<<32-1)
	if f != nil {
		return 0, 0, f
	}
	w, f := parseDecimal(root+"/ConversionFactor", b.ConversionFactor, 5, 6, 1<<32-1)
	if f != nil {
		return 0, 0, f
	}
	if v == 0 || w == 0 {
		return 0, 0, fail(E100, "%s: CalorificValue and ConversionFactor must not be zero", root)
	}
	return uint32(v), uint32(w), nil
}

// updateGasConversion is 6.6: the GSME took the new values at its wake-up and converts m³ to kWh
// (and charges) with them from then on.
func updateGasConversion(j *job, now time.Time) ([]byte, *failure) {
	cv, cf, f := gasConversionOf(j)
	if f != nil {
		return nil, f
	}
	if gcv, gcf := j.p.GSME.GasConversion(); gcv != cv || gcf != cf {
		return nil, fail(E21, "the GSME did not take the gas conversion")
	}
	return finish(success("UpdateDeviceConfigurationGasConversionRsp").End())
}

func queueGasConversion(j *job, now time.Time) error {
	cv, cf, f := gasConversionOf(j)
	if f != nil {
		return bodyError{f}
	}
	return j.p.GPF.QueueGasConversion(now, cv, cf)
}

type gasFlowBody struct {
	Rate          *string `xml:"UncontrolledGasFlowRate"`
	RateDecimal   *string `xml:"UncontrolledGasFlowRateDecimal"`
	Depletion     string  `xml:"SupplyDepletionState"`
	Tamper        string  `xml:"SupplyTamperState"`
	Stabilisation string  `xml:"StabilisationPeriod"`
	Measurement   string  `xml:"MeasurementPeriod"`
}

type gasFlow struct {
	flow              devices.GasFlow
	depletion, tamper bool
}

// gasFlowOf reads a 6.7 body. UncontrolledGasFlowRate (an integer) is taken in the same unit as
// the decimal form's last digit, 0.0001 m³/h: an assumption, DUIS does not say.
func gasFlowOf(j *job) (gasFlow, *failure) {
	const root = "UpdateDeviceConfigurationGasFlow"
	var b gasFlowBody
	var g gasFlow
	if f := decodeBody(j, &b); f != nil {
		return g, f
	}
	var rate uint64
	var f *failure
	switch {
	case b.Rate != nil && b.RateDecimal == nil:
		rate, f = parseDecimal(root+"/UncontrolledGasFlowRate", *b.Rate, 0, 0, 65535)
	case b.RateDecimal != nil && b.Rate == nil:
		rate, f = parseDecimal(root+"/UncontrolledGasFlowRateDecimal", *b.RateDecimal, 4, 4, 65535)
	default:
		f = fail(E100, "%s: one of UncontrolledGasFlowRate and UncontrolledGasFlowRateDecimal is needed", root)
	}
	if f != nil {
		return g, f
	}
	g.flow.Rate = uint16(rate)
	if g.depletion, f = lockedState(root+"/SupplyDepletionState", b.Depletion); f != nil {
		return g, f
	}
	if g.tamper, f = lockedState(root+"/SupplyTamperState", b.Tamper); f != nil {
		return g, f
	}
	s, f := intIn(root+"/StabilisationPeriod", b.Stabilisation, 1, 255)
	if f != nil {
		return g, f
	}
	mp, f := intIn(root+"/MeasurementPeriod", b.Measurement, 1, 65535)
	if f != nil {
		return g, f
	}
	g.flow.Stabilisation, g.flow.Measurement = uint8(s), uint16(mp)
	return g, nil
}

// updateGasFlow is 6.7.
func updateGasFlow(j *job, now time.Time) ([]byte, *failure) {
	g, f := gasFlowOf(j)
	if f != nil {
		return nil, f
	}
	c := j.p.GSME.Configuration()
	if c.Flow != g.flow || c.SupplyDepletionLocked != g.depletion || c.SupplyTamperLocked != g.tamper {
		return nil, fail(E21, "the GSME did not take the gas flow settings")
	}
	return finish(success("UpdateDeviceConfigurationGasFlowRsp").End())
}

func queueGasFlow(j *job, now time.Time) error {
	g, f := gasFlowOf(j)
	if f != nil {
		return bodyError{f}
	}
	return j.p.GPF.QueueGasFlow(now, g.flow, g.depletion, g.tamper)
}
