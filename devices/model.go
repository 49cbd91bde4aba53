package devices

import (
	"fmt"
	"math"
	"time"
)

// Model is a Device Model: one manufacturer, model, hardware version and firmware version as the
// CPL lists it, with the behaviour smetsim gives devices of that model. A new firmware version is
// a new Model. The same profile is the expectation when the device is real hardware.
type Model struct {
	// ID names the model in fleets and scenarios: the profile's family id, "@", the firmware
	// version (e.g. "acme-e470@1.5.0").
	ID string
	// Family is the id of the profile file the model comes from (e.g. "acme-e470").
	Family string

	Kind            Kind
	Manufacturer    string
	ModelName       string // the CPL's model field
	HardwareVersion string
	FirmwareVersion string
	// ManufacturerCode is the ZigBee manufacturer code the device reports.
	ManufacturerCode uint16
	Description      string

	// Unsupported lists the SRVs (by variant, e.g. "4.11") this model does not support, with the
	// response code the DCC returns for them.
	Unsupported map[string]string
	// Variations lists SRVs this model executes with different steps from the standard ones
	// (the DCC's "Device Model Variations to Equivalent Steps").
	Variations map[string]Variation

	// Latency is the distribution of the device's response time to a WAN command.
	Latency Latency
	// WakeInterval is how often a GSME wakes to talk to its GPF; zero for mains-powered kinds.
	WakeInterval time.Duration
	// AwakeWindow is how long a GSME stays awake after waking to receive queued commands.
	AwakeWindow time.Duration
	// PollInterval is how often a PPMID refreshes the credit it shows from the ESME and GPF.
	PollInterval time.Duration
	// Tiers is the number of TOU registers (1–4) an ESME or GSME keeps.
	Tiers int
	// Export says the ESME has an export register.
	Export bool

	// Faults are the model's known defects, declared so that tests can expect them.
	Faults []Fault
	fault  compiledFaults
}

// Variation describes how a model deviates from an SRV's standard equivalent steps.
type Variation struct {
	Steps []string // the steps the model needs instead
	Note  string
}

// Supports reports whether the model supports the SRV variant, and if not the response code the
// DCC gives.
func (m *Model) Supports(srv string) (bool, string) {
	if code, ok := m.Unsupported[srv]; ok {
		return false, code
	}
	return true, ""
}

// LatencyDist names a response-time distribution.
type LatencyDist uint8

// Latency distributions a profile may declare.
const (
	LatencyFixed LatencyDist = iota
	LatencyUniform
	LatencyLogNormal
)

// Latency is a response-time distribution. Fixed uses Median; Uniform spreads between Min and
// Max; LogNormal has the given median and 95th percentile, clipped to [Min, Max] when set.
type Latency struct {
	Dist   LatencyDist
	Min    time.Duration
	Median time.Duration
	P95    time.Duration
	Max    time.Duration
}

// Sample draws a latency from the distribution given u, a uniform number in [0, 1) from the run's
// seeded randomness.
func (l Latency) Sample(u float64) time.Duration {
	var d time.Duration
	switch l.Dist {
	case LatencyUniform:
		d = l.Min + time.Duration(u*float64(l.Max-l.Min))
	case LatencyLogNormal:
		if l.Median <= 0 {
			return 0
		}
		// z from u by the inverse normal CDF; sigma so that the 95th percentile lands on P95.
		sigma := 0.0
		if l.P95 > l.Median {
			sigma = math.Log(float64(l.P95)/float64(l.Median)) / 1.6448536269514722
		}
		z := math.Sqrt2 * math.Erfinv(2*math.Max(math.Min(u, 1-1e-12), 1e-12)-1)
		d = time.Duration(float64(l.Median) * math.Exp(sigma*z))
	default:
		d = l.Median
	}
	if l.Min > 0 && d < l.Min {
		d = l.Min
	}
	if l.Max > 0 && d > l.Max {
		d = l.Max
	}
	return d
}

// FaultKind names a declared defect of a Device Model.
type FaultKind uint8

// Faults a profile may declare. Each changes behaviour in one observable way.
const (
	// FaultForgetBlockThresholds: after a tariff update the ESME loses its block thresholds, so
	// all consumption is charged at the block 1 price and counted in block 1.
	FaultForgetBlockThresholds FaultKind = iota + 1
	// FaultWrongDivisor: the meter reports the Metering Divisor attribute as Divisor instead of
	// the value its register actually uses, so every reading a HAN client scales is off.
	FaultWrongDivisor
	// FaultMissWakeups: the GSME skips every Every-th scheduled wake-up, so its GPF mirror goes
	// stale for two intervals and queued commands wait one wake longer.
	FaultMissWakeups
	// FaultClockDrift: the device clock gains DriftPerDay (negative: loses) every day since it was
	// last set.
	FaultClockDrift
)

var faultNames = map[FaultKind]string{
	FaultForgetBlockThresholds: "forget_block_thresholds",
	FaultWrongDivisor:          "wrong_divisor",
	FaultMissWakeups:           "miss_wakeups",
	FaultClockDrift:            "clock_drift",
}

// FaultKinds lists the fault kinds with the device kinds they apply to.
var FaultKinds = map[FaultKind][]Kind{
	FaultForgetBlockThresholds: {KindESME},
	FaultWrongDivisor:          {KindESME, KindGSME},
	FaultMissWakeups:           {KindGSME},
	FaultClockDrift:            {KindESME, KindGSME, KindCHF, KindPPMID},
}

// String returns the fault's name as profiles write it.
func (f FaultKind) String() string {
	if n, ok := faultNames[f]; ok {
		return n
	}
	return fmt.Sprintf("FaultKind(%d)", uint8(f))
}

// ParseFaultKind reads a fault name as profiles write it.
func ParseFaultKind(s string) (FaultKind, error) {
	for k, n := range faultNames {
		if n == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown fault %q (want one of forget_block_thresholds, wrong_divisor, miss_wakeups, clock_drift)", s)
}

// Fault is one declared defect with its parameters.
type Fault struct {
	Kind        FaultKind
	Divisor     uint32        // FaultWrongDivisor: the divisor reported
	Every       int           // FaultMissWakeups: skip every Every-th wake-up (≥ 2)
	DriftPerDay time.Duration // FaultClockDrift
	Note        string
}

type compiledFaults struct {
	forgetBlocks bool
	divisor      uint32
	missEvery    int
	driftPerDay  time.Duration
}

// Compile checks the model and prepares its faults for fast lookup. It must be called once after
// the Model is filled in and before devices use it.
func (m *Model) Compile() error {
	m.fault = compiledFaults{}
	for _, f := range m.Faults {
		ok := false
		for _, k := range FaultKinds[f.Kind] {
			ok = ok || k == m.Kind
		}
		if !ok {
			return fmt.Errorf("fault %s does not apply to a %s", f.Kind, m.Kind)
		}
		switch f.Kind {
		case FaultForgetBlockThresholds:
			m.fault.forgetBlocks = true
		case FaultWrongDivisor:
			if f.Divisor == 0 || f.Divisor > 0xFFFFFF {
				return fmt.Errorf("fault wrong_divisor: divisor must be 1–16777215, got %d", f.Divisor)
			}
			m.fault.divisor = f.Divisor
		case FaultMissWakeups:
			if f.Every < 2 {
				return fmt.Errorf("fault miss_wakeups: every must be at least 2, got %d", f.Every)
			}
			m.fault.missEvery = f.Every
		case FaultClockDrift:
			if f.DriftPerDay == 0 {
				return fmt.Errorf("fault clock_drift: per_day must not be zero")
			}
			m.fault.driftPerDay = f.DriftPerDay
		}
	}
	if m.Kind == KindGSME && m.WakeInterval <= 0 {
		return fmt.Errorf("a GSME model needs a wake interval")
	}
	if m.Tiers < 0 || m.Tiers > MaxTiers {
		return fmt.Errorf("tiers must be 1–%d, got %d", MaxTiers, m.Tiers)
	}
	if m.Tiers == 0 {
		m.Tiers = 1
	}
	return nil
}

// HasFault reports whether the model declares a fault of the given kind.
func (m *Model) HasFault(k FaultKind) bool {
	for _, f := range m.Faults {
		if f.Kind == k {
			return true
		}
	}
	return false
}
