package devices

import (
	"fmt"
	"time"

	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/zcl"
)

// A GSME's configuration changes travel on the HAN as ZCL Write Attributes that the GPF queues
// until the GSME wakes. ZCL has attributes for the MPRN (Metering SiteID) and the conversion
// (Price ConversionFactor, CalorificValue); the rest have none in the public ZCL, so smetsim uses
// private attribute ids of the Metering cluster (0xFF00–0xFF06) and one per event code for alert
// behaviour (0xF000 | the code's low 12 bits), which dissectors show as unknown attributes.
const (
	attrGasBillingStart    uint16 = 0xFF00 // UTC time
	attrGasBillingPeriod   uint16 = 0xFF01 // enum8 BillingPeriod
	attrGasFlowRate        uint16 = 0xFF02 // uint16, m³/h × 10,000
	attrGasFlowStabilise   uint16 = 0xFF03 // uint8, s
	attrGasFlowMeasure     uint16 = 0xFF04 // uint16, s
	attrGasDepletionLocked uint16 = 0xFF05 // bool
	attrGasTamperLocked    uint16 = 0xFF06 // bool
	attrAlertBase          uint16 = 0xF000 // | code & 0x0FFF: bitmap8 AlertBehaviour
)

// maxWriteRecords keeps a Write Attributes frame within one HAN payload.
const maxWriteRecords = 16

func alertAttr(code AlertCode) uint16 { return attrAlertBase | uint16(code)&0x0FFF }

func isAlertAttr(id uint16) bool { return id&0xF000 == attrAlertBase && id < attrGasBillingStart }

func alertOfAttr(id uint16) AlertCode { return AlertCode(0x8000 | id&0x0FFF) }

// queueWrite queues Write Attributes frames for the GSME.
func (p *GPF) queueWrite(cluster uint16, recs []zcl.AttributeRecord) error {
	if n := (len(recs) + maxWriteRecords - 1) / maxWriteRecords; len(p.queue)+n > maxGPFQueue {
		return fmt.Errorf("GPF %s: no room for %d more commands for the GSME (%d already wait)", p.eui, n, len(p.queue))
	}
	for len(recs) > 0 {
		n := min(len(recs), maxWriteRecords)
		chunk := append([]zcl.AttributeRecord(nil), recs[:n]...)
		recs = recs[n:]
		if !p.hasGSME {
			return fmt.Errorf("GPF %s has no GSME", p.eui)
		}
		// Write Attributes is profile-wide, so it is framed here rather than by enqueue.
		seq := p.nextSeq()
		frame, err := zcl.AppendFrame(nil, zcl.Header{Direction: zcl.ClientToServer, Sequence: seq}, &zcl.WriteAttributes{Records: chunk})
		if err != nil {
			return err
		}
		p.queue = append(p.queue, queuedCommand{cluster: cluster, frame: frame, seq: seq})
	}
	return nil
}

// QueueGasConversion queues a new calorific value (MJ/m³ × 1000) and conversion factor (× 1e6)
// for the GSME, as 6.6 Update Device Configuration (Gas Conversion) does.
func (p *GPF) QueueGasConversion(now time.Time, cv, cf uint32) error {
	return p.queueWrite(zcl.ClusterPrice, []zcl.AttributeRecord{
		{ID: zcl.AttrPriceCalorificValue, Value: zcl.Uint(zcl.TypeUint32, uint64(cv))},
		{ID: zcl.AttrPriceConversionFactor, Value: zcl.Uint(zcl.TypeUint32, uint64(cf))},
	})
}

// QueueGasFlow queues the uncontrolled gas flow settings and the depletion and tamper states for
// the GSME, as 6.7 Update Device Configuration (Gas Flow) does.
func (p *GPF) QueueGasFlow(now time.Time, f GasFlow, depletionLocked, tamperLocked bool) error {
	return p.queueWrite(zcl.ClusterMetering, []zcl.AttributeRecord{
		{ID: attrGasFlowRate, Value: zcl.Uint(zcl.TypeUint16, uint64(f.Rate))},
		{ID: attrGasFlowStabilise, Value: zcl.Uint(zcl.TypeUint8, uint64(f.Stabilisation))},
		{ID: attrGasFlowMeasure, Value: zcl.Uint(zcl.TypeUint16, uint64(f.Measurement))},
		{ID: attrGasDepletionLocked, Value: zcl.Uint(zcl.TypeBool, b2u(depletionLocked))},
		{ID: attrGasTamperLocked, Value: zcl.Uint(zcl.TypeBool, b2u(tamperLocked))},
	})
}

// QueueBillingCalendar queues a gas billing calendar for the GSME, as 6.8 does.
func (p *GPF) QueueBillingCalendar(now time.Time, c BillingCalendar) error {
	start, err := zcl.UTCFromTime(c.Start)
	if err != nil {
		return fmt.Errorf("billing calendar start: %w", err)
	}
	return p.queueWrite(zcl.ClusterMetering, []zcl.AttributeRecord{
		{ID: attrGasBillingStart, Value: zcl.UTC(start)},
		{ID: attrGasBillingPeriod, Value: zcl.Uint(zcl.TypeEnum8, uint64(c.Period))},
	})
}

// QueueMPRN queues a new MPRN for the GSME, as 6.20.1 does.
func (p *GPF) QueueMPRN(now time.Time, mprn string) error {
	return p.queueWrite(zcl.ClusterMetering, []zcl.AttributeRecord{{ID: zcl.AttrMeteringSiteID, Value: zcl.OctetString([]byte(mprn))}})
}

// AlertSetting is one event code's new behaviour: the bits of Mask take those of Value.
type AlertSetting struct {
	Code        AlertCode
	Mask, Value AlertBehaviour
}

// QueueAlertBehaviours queues alert behaviour changes for the GSME, as 6.22 does: each record
// carries the bits to change (high nibble) and their new values (low nibble).
func (p *GPF) QueueAlertBehaviours(now time.Time, settings []AlertSetting) error {
	recs := make([]zcl.AttributeRecord, 0, len(settings))
	for _, s := range settings {
		v := uint64(s.Mask&AlertEverything)<<4 | uint64(s.Value&s.Mask)
		recs = append(recs, zcl.AttributeRecord{ID: alertAttr(s.Code), Value: zcl.Uint(zcl.TypeBitmap8, v)})
	}
	return p.queueWrite(zcl.ClusterMetering, recs)
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// writeAttributes applies configuration the GPF forwarded and answers with the attributes it
// could not write.
func (g *GSME) writeAttributes(now time.Time, m *han.Message, h zcl.Header, c *zcl.WriteAttributes) {
	var rsp zcl.WriteAttributesResponse
	cfg := g.meterConfig()
	cv, cf := g.GasConversion()
	conv := false
	for _, r := range c.Records {
		ok := true
		switch m.Cluster {
		case zcl.ClusterPrice:
			switch r.ID {
			case zcl.AttrPriceCalorificValue:
				cv, conv = uint32(r.Value.Num), true
			case zcl.AttrPriceConversionFactor:
				cf, conv = uint32(r.Value.Num), true
			default:
				ok = false
			}
		case zcl.ClusterMetering:
			ok = g.writeMeteringConfig(now, cfg, r)
		default:
			ok = false
		}
		if !ok {
			rsp.Records = append(rsp.Records, zcl.AttributeStatus{Status: zcl.StatusUnsupportedAttribute, ID: r.ID})
		}
	}
	if conv {
		if err := g.SetGasConversion(now, cv, cf); err != nil {
			rsp.Records = append(rsp.Records, zcl.AttributeStatus{Status: zcl.StatusInvalidValue, ID: zcl.AttrPriceCalorificValue})
		}
	}
	_ = g.reply(now, m, h, &rsp)
}

func (g *GSME) writeMeteringConfig(now time.Time, cfg *Config, r zcl.AttributeRecord) bool {
	switch id := r.ID; {
	case id == zcl.AttrMeteringSiteID:
		g.SetMPRN(string(r.Value.Bytes))
	case id == attrGasBillingStart:
		c := cfg.Billing
		c.Start = r.Value.UTC().Time()
		return g.SetBillingCalendar(now, c) == nil
	case id == attrGasBillingPeriod:
		c := cfg.Billing
		c.Period = BillingPeriod(r.Value.Num)
		return g.SetBillingCalendar(now, c) == nil
	case id == attrGasFlowRate:
		cfg.Flow.Rate = uint16(r.Value.Num)
	case id == attrGasFlowStabilise:
		cfg.Flow.Stabilisation = uint8(r.Value.Num)
	case id == attrGasFlowMeasure:
		cfg.Flow.Measurement = uint16(r.Value.Num)
	case id == attrGasDepletionLocked:
		cfg.SupplyDepletionLocked = r.Value.Num != 0
	case id == attrGasTamperLocked:
		cfg.SupplyTamperLocked = r.Value.Num != 0
	case isAlertAttr(id):
		cfg.SetAlert(alertOfAttr(id), AlertBehaviour(r.Value.Num>>4), AlertBehaviour(r.Value.Num&0x0F))
	default:
		return false
	}
	return true
}
