package devices

import (
	"fmt"
	"time"

	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/zcl"
)

// GasMirror is the GPF's copy of its GSME's data, as of the GSME's last wake-up.
type GasMirror struct {
	Valid           bool
	LastSync        time.Time
	Volume          uint64 // register as reported, in the GSME's units (dm³)
	Divisor         uint32 // as reported; a FaultWrongDivisor GSME reports the wrong one
	Status          uint8
	SupplyStatus    uint8 // zcl.SupplyOff, SupplyOffArmed or SupplyOn
	Battery         uint8 // percent
	Credit          int64 // Prepayment units (0.01p)
	CreditStatus    uint8
	ECRemaining     int64
	HasPrepayment   bool
	SawMode         bool // a report has given the payment mode (Payment Control Configuration)
	LastTopUpResult TopUpResult
	Reads           GasReads // what the DCC's gas reads need (gasreads.go)
}

// maxGPFQueue bounds the commands a GPF holds for its GSME.
const maxGPFQueue = 8

type queuedCommand struct {
	cluster   uint16
	frame     []byte // the whole ZCL frame
	origin    uint16 // device to forward the GSME's answer to
	originSeq uint8  // the transaction sequence number the origin used
	forward   bool
	seq       uint8 // the sequence number of the GPF's frame to the GSME
}

// GPF is the Gas Proxy Function: it keeps a mirror of the GSME's data, serves it to the PPMID and
// the DCC while the GSME sleeps, is the GSME's time source, and queues commands for the GSME until
// it next wakes.
type GPF struct {
	base
	gsme     uint16
	hasGSME  bool
	mirror   GasMirror
	queue    []queuedCommand
	inFlight []queuedCommand // sent to the GSME, awaiting its answer
}

// NewGPF installs a GPF of the given model at now.
func NewGPF(env *Env, eui EUI64, model *Model, now time.Time) (*GPF, error) {
	if model.Kind != KindGPF {
		return nil, fmt.Errorf("model %s is a %s, not a GPF", model.ID, model.Kind)
	}
	return &GPF{base: base{env: env, eui: eui, model: model, clockSet: now.Unix()}}, nil
}

// Attach joins the GPF to its premises' HAN.
func (p *GPF) Attach(nw *han.Network) error { return p.attach(nw, p, false) }

// SetGSME names the GSME the GPF proxies.
func (p *GPF) SetGSME(short uint16) { p.gsme, p.hasGSME = short, true }

// Mirror returns the GPF's copy of the GSME's data.
func (p *GPF) Mirror() GasMirror { return p.mirror }

// Queued returns how many commands wait for the GSME's next wake-up.
func (p *GPF) Queued() int { return len(p.queue) }

// Fire handles the GPF's scheduled events. It implements sched.Handler.
func (p *GPF) Fire(now time.Time, arg uint64) {
	if kind, gen := splitArg(arg); kind == evFirmware {
		p.activate(now, gen)
	}
}

// ActivateFirmware makes the staged firmware image current at at.
func (p *GPF) ActivateFirmware(at time.Time) error { return p.scheduleActivation(p, at) }

// enqueue stores a command for the GSME's next wake-up.
func (p *GPF) enqueue(cluster uint16, c zcl.ClusterCommand, origin uint16, originSeq uint8, forward bool) error {
	if !p.hasGSME {
		return fmt.Errorf("GPF %s has no GSME", p.eui)
	}
	if len(p.queue) >= maxGPFQueue {
		return fmt.Errorf("GPF %s: %d commands already wait for the GSME", p.eui, len(p.queue))
	}
	seq := p.nextSeq()
	frame, err := zcl.AppendFrame(nil, zcl.Header{Direction: c.Direction(), Sequence: seq}, c)
	if err != nil {
		return err
	}
	p.queue = append(p.queue, queuedCommand{cluster: cluster, frame: frame, origin: origin, originSeq: originSeq, forward: forward, seq: seq})
	return nil
}

// QueueSupplyChange queues a valve command (zcl.SupplyOff, SupplyOffArmed or SupplyOn) for the
// GSME, as 7.1–7.3 for gas do.
func (p *GPF) QueueSupplyChange(now time.Time, status uint8) error {
	cs := zcl.ChangeSupply{ProviderID: 0, IssuerEventID: uint32(now.Unix()), RequestDateTime: utc(now), ProposedSupplyStatus: status}
	return p.enqueue(zcl.ClusterMetering, &cs, 0, 0, false)
}

// QueueTopUp queues a top-up code for the GSME, as 2.2 Top Up Device for gas does; the outcome
// lands in the mirror (LastTopUpResult) when the GSME answers at its next wake-up.
func (p *GPF) QueueTopUp(now time.Time, code string) error {
	c := zcl.ConsumerTopUp{OriginatingDevice: zcl.OriginEnergyServiceInterface, TopUpCode: []byte(code)}
	return p.enqueue(zcl.ClusterPrepayment, &c, 0, 0, false)
}

// QueuePrice queues a gas price for the GSME, as a gas tariff update does.
func (p *GPF) QueuePrice(now time.Time, t *Tariff) error {
	pp := zcl.PublishPrice{
		ProviderID: t.ProviderID, RateLabel: []byte(clip(t.Label, 12)), IssuerEventID: t.IssuerEventID,
		CurrentTime: utc(now), UnitOfMeasure: zcl.UnitKWh, Currency: zcl.CurrencyGBP,
		PriceTrailingDigitAndPriceTier: priceTrailingDigits<<4 | 1, NumberOfPriceTiersAndRegisterTier: 1<<4 | 1,
		DurationInMinutes: 0xFFFF, Price: uint32(t.TierPrices[0]), PriceRatio: 0xFF, GenerationPrice: 0xFFFFFFFF,
		GenerationPriceRatio: 0xFF, AlternateCostDelivered: 0xFFFFFFFF, AlternateCostUnit: 0xFF, AlternateCostTrailingDigit: 0xFF,
	}
	return p.enqueue(zcl.ClusterPrice, &pp, 0, 0, false)
}

// HANReceive handles a ZCL frame from the HAN. It implements han.Node.
func (p *GPF) HANReceive(now time.Time, m *han.Message) {
	h, cmd := p.decode(now, m)
	fromGSME := p.hasGSME && m.Src == p.gsme
	switch c := cmd.(type) {
	case nil:
	case *zcl.ReportAttributes:
		if fromGSME {
			p.updateMirror(now, m.Cluster, c.Records)
			p.flush(now)
		}
	case *zcl.ReadAttributes:
		p.serveRead(now, m, h, c, p)
	case *zcl.ConsumerTopUp:
		if err := p.enqueue(zcl.ClusterPrepayment, c, m.Src, h.Sequence, true); err != nil {
			p.replyStatus(now, m, h, zcl.StatusInsufficientSpace)
		}
	case *zcl.SelectAvailableEmergencyCredit:
		if err := p.enqueue(zcl.ClusterPrepayment, c, m.Src, h.Sequence, true); err != nil {
			p.replyStatus(now, m, h, zcl.StatusInsufficientSpace)
		}
	case *zcl.ConsumerTopUpResponse:
		if fromGSME {
			p.mirror.Credit = int64(c.CreditRemaining)
			p.mirror.LastTopUpResult = TopUpResult(c.ResultType)
			p.answered(now, h.Sequence, c)
		}
	case *zcl.SupplyStatusResponse:
		if fromGSME {
			p.mirror.SupplyStatus = c.SupplyStatus
			p.answered(now, h.Sequence, nil)
		}
	case *zcl.DefaultResponse:
		if fromGSME {
			p.answered(now, h.Sequence, c)
		}
	case *zcl.WriteAttributesResponse:
		// The GSME's answer to configuration written through the GPF (gasconfig.go).
	case *zcl.ReadAttributesResponse:
	default:
		p.replyStatus(now, m, h, zcl.StatusUnsupClusterCommand)
	}
}

// flush sends every queued command to the GSME, which has just shown it is awake.
func (p *GPF) flush(now time.Time) {
	for _, q := range p.queue {
		msg := han.Message{Src: p.short, Dst: p.gsme, SrcEndpoint: han.Endpoint, DstEndpoint: han.Endpoint, Cluster: q.cluster, Payload: q.frame}
		if err := p.net.Send(now, &msg); err == nil && q.forward {
			p.inFlight = append(p.inFlight, q)
		}
	}
	p.queue = p.queue[:0]
}

// answered forwards the GSME's answer to a queued command to the device that asked for it.
func (p *GPF) answered(now time.Time, seq uint8, c zcl.Command) {
	for i, q := range p.inFlight {
		if q.seq != seq {
			continue
		}
		p.inFlight = append(p.inFlight[:i], p.inFlight[i+1:]...)
		if c != nil && q.forward {
			_ = p.send(now, q.origin, q.cluster, zcl.Header{Direction: zcl.ServerToClient, Sequence: q.originSeq, DisableDefaultResponse: true}, c)
		}
		return
	}
}

func (p *GPF) updateMirror(now time.Time, cluster uint16, recs []zcl.AttributeRecord) {
	mr := &p.mirror
	mr.Valid = true
	mr.LastSync = now
	for _, r := range recs {
		switch cluster {
		case zcl.ClusterMetering:
			switch r.ID {
			case zcl.AttrMeteringCurrentSummationDelivered:
				mr.Volume = r.Value.Num
			case zcl.AttrMeteringDivisor:
				mr.Divisor = uint32(r.Value.Num)
			case zcl.AttrMeteringStatus:
				mr.Status = uint8(r.Value.Num)
			case zcl.AttrMeteringSupplyStatus:
				mr.SupplyStatus = uint8(r.Value.Num)
			case zcl.AttrMeteringRemainingBatteryLife:
				mr.Battery = uint8(r.Value.Num)
			}
		case zcl.ClusterPrepayment:
			if r.ID == zcl.AttrPrepaymentPaymentControlConfiguration {
				// Bit 1: prepayment mode. A change of mode is logged for 4.4.2 with the
				// prepayment data as they were before it.
				prepaid := r.Value.Num&(1<<1) != 0
				if mr.SawMode && prepaid != mr.HasPrepayment {
					p.logGasChange(now)
				}
				mr.SawMode, mr.HasPrepayment = true, prepaid
				continue
			}
			mr.HasPrepayment = true
			switch r.ID {
			case zcl.AttrPrepaymentCreditRemaining:
				mr.Credit = r.Value.Int()
			case zcl.AttrPrepaymentCreditStatus:
				mr.CreditStatus = uint8(r.Value.Num)
			case zcl.AttrPrepaymentEmergencyCreditRemaining:
				mr.ECRemaining = r.Value.Int()
			}
		}
	}
	p.extendMirror(now, cluster, recs)
}

// attribute serves the mirror (Metering, Prepayment) and the GPF's own Basic and Time clusters.
func (p *GPF) attribute(now time.Time, cluster, id uint16) (zcl.Value, bool) {
	mr := &p.mirror
	switch cluster {
	case zcl.ClusterMetering:
		if !mr.Valid {
			return zcl.Value{}, false
		}
		switch id {
		case zcl.AttrMeteringCurrentSummationDelivered:
			return zcl.Uint(zcl.TypeUint48, mr.Volume), true
		case zcl.AttrMeteringDivisor:
			return zcl.Uint(zcl.TypeUint24, uint64(mr.Divisor)), true
		case zcl.AttrMeteringMultiplier:
			return zcl.Uint(zcl.TypeUint24, 1), true
		case zcl.AttrMeteringUnitOfMeasure:
			return zcl.Uint(zcl.TypeEnum8, zcl.UnitM3), true
		case zcl.AttrMeteringMeteringDeviceType:
			return zcl.Uint(zcl.TypeBitmap8, 128+zcl.DeviceGas), true // mirrored gas meter
		case zcl.AttrMeteringStatus:
			return zcl.Uint(zcl.TypeBitmap8, uint64(mr.Status)), true
		case zcl.AttrMeteringSupplyStatus:
			return zcl.Uint(zcl.TypeEnum8, uint64(mr.SupplyStatus)), true
		case zcl.AttrMeteringRemainingBatteryLife:
			return zcl.Uint(zcl.TypeUint8, uint64(mr.Battery)), true
		case zcl.AttrMeteringReadingSnapshotTime:
			return zcl.UTC(utc(mr.LastSync)), true
		}
	case zcl.ClusterPrepayment:
		if !mr.HasPrepayment {
			return zcl.Value{}, false
		}
		switch id {
		case zcl.AttrPrepaymentCreditRemaining:
			return zcl.Int(zcl.TypeInt32, mr.Credit), true
		case zcl.AttrPrepaymentCreditStatus:
			return zcl.Uint(zcl.TypeBitmap8, uint64(mr.CreditStatus)), true
		case zcl.AttrPrepaymentEmergencyCreditRemaining:
			return zcl.Int(zcl.TypeInt32, mr.ECRemaining), true
		case zcl.AttrPrepaymentCreditRemainingTimeStamp:
			return zcl.UTC(utc(mr.LastSync)), true
		}
	}
	return p.sharedAttribute(now, cluster, id, true)
}
