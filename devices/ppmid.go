package devices

import (
	"fmt"
	"time"

	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/zcl"
)

// FuelCredit is what a PPMID shows for one fuel.
type FuelCredit struct {
	Known        bool
	Prepayment   bool      // false when the meter answered that it is in credit mode
	Credit       Money     // meter balance
	ECRemaining  Money     // emergency credit not used
	CreditStatus uint8     // Prepayment CreditStatus bits
	Updated      time.Time // when the PPMID last read it
	Price        Money     // per kWh, from the last PublishPrice
}

// TopUpOutcome is the answer to a top-up sent from the PPMID.
type TopUpOutcome struct {
	Fuel   Kind // ESME or GSME
	Result TopUpResult
	Value  Money
	Credit Money
	At     time.Time
}

// Message is a text shown on the PPMID.
type Message struct {
	ID        uint32
	Text      string
	Received  time.Time
	Confirmed bool
}

type pendingRequest struct {
	seq  uint8
	fuel Kind
}

// PPMID is the prepayment meter interface device: it shows the credit of both fuels, sends
// top-up codes the consumer keys in to the ESME or (through the GPF) the GSME, activates emergency
// credit and lets the consumer enable an armed electricity supply.
type PPMID struct {
	base
	esme, gpf       uint16
	hasESME, hasGPF bool
	elec, gas       FuelCredit
	lastTopUp       *TopUpOutcome
	message         *Message
	pending         []pendingRequest
	started         bool
}

// NewPPMID installs a PPMID of the given model at now.
func NewPPMID(env *Env, eui EUI64, model *Model, now time.Time) (*PPMID, error) {
	if model.Kind != KindPPMID {
		return nil, fmt.Errorf("model %s is a %s, not a PPMID", model.ID, model.Kind)
	}
	return &PPMID{base: base{env: env, eui: eui, model: model, clockSet: now.Unix()}}, nil
}

// Attach joins the PPMID to its premises' HAN.
func (d *PPMID) Attach(nw *han.Network) error { return d.attach(nw, d, false) }

// SetMeters names the ESME and GPF the PPMID reads and sends to, and starts its periodic
// refresh; offset spreads the first refresh over the interval so a fleet does not poll in step.
func (d *PPMID) SetMeters(now time.Time, esme uint16, hasESME bool, gpf uint16, hasGPF bool, offset time.Duration) {
	d.esme, d.hasESME, d.gpf, d.hasGPF = esme, hasESME, gpf, hasGPF
	if !d.started && d.model.PollInterval > 0 {
		d.started = true
		d.env.Sched.At(now.Add(offset%d.model.PollInterval), d, eventArg(evPoll, 0))
	}
}

// Electricity returns what the PPMID shows for electricity.
func (d *PPMID) Electricity() FuelCredit { return d.elec }

// Gas returns what the PPMID shows for gas.
func (d *PPMID) Gas() FuelCredit { return d.gas }

// LastTopUp returns the answer to the last top-up sent from the PPMID, or nil.
func (d *PPMID) LastTopUp() *TopUpOutcome { return d.lastTopUp }

// Message returns the message on display, or nil.
func (d *PPMID) Message() *Message { return d.message }

// Fire handles the PPMID's scheduled events. It implements sched.Handler.
func (d *PPMID) Fire(now time.Time, arg uint64) {
	kind, gen := splitArg(arg)
	switch kind {
	case evPoll:
		d.Refresh(now)
		d.env.Sched.At(now.Add(d.model.PollInterval), d, eventArg(evPoll, 0))
	case evFirmware:
		d.activate(now, gen)
	}
}

// Refresh reads the credit of both fuels now, as the PPMID does every PollInterval.
func (d *PPMID) Refresh(now time.Time) {
	ids := [...]uint16{zcl.AttrPrepaymentCreditRemaining, zcl.AttrPrepaymentCreditStatus, zcl.AttrPrepaymentEmergencyCreditRemaining}
	if d.hasESME {
		_ = d.readRequest(now, d.esme, zcl.ClusterPrepayment, ids[:]...)
	}
	if d.hasGPF {
		_ = d.readRequest(now, d.gpf, zcl.ClusterPrepayment, ids[:]...)
	}
}

func (d *PPMID) target(fuel Kind) (uint16, error) {
	switch {
	case fuel == KindESME && d.hasESME:
		return d.esme, nil
	case fuel == KindGSME && d.hasGPF:
		return d.gpf, nil
	}
	return 0, fmt.Errorf("PPMID %s is not paired with a %s", d.eui, fuel)
}

// TopUp sends a top-up code the consumer keyed in to the ESME (fuel ESME) or to the GSME through
// the GPF (fuel GSME). The outcome arrives later in LastTopUp: at once for electricity, at the
// GSME's next wake-up for gas.
func (d *PPMID) TopUp(now time.Time, fuel Kind, utrn string) error {
	dst, err := d.target(fuel)
	if err != nil {
		return err
	}
	c := &d.env.io.ctu
	*c = zcl.ConsumerTopUp{OriginatingDevice: zcl.OriginIHD, TopUpCode: []byte(utrn)}
	seq := d.nextSeq()
	d.track(seq, fuel)
	return d.send(now, dst, zcl.ClusterPrepayment, zcl.Header{Direction: zcl.ClientToServer, Sequence: seq}, c)
}

// ActivateEmergencyCredit asks the meter of the given fuel to activate emergency credit.
func (d *PPMID) ActivateEmergencyCredit(now time.Time, fuel Kind) error {
	dst, err := d.target(fuel)
	if err != nil {
		return err
	}
	c := &d.env.io.sec
	*c = zcl.SelectAvailableEmergencyCredit{CommandIssueDateTime: utc(d.DeviceTime(now)), OriginatingDevice: zcl.OriginIHD}
	seq := d.nextSeq()
	d.track(seq, fuel)
	return d.send(now, dst, zcl.ClusterPrepayment, zcl.Header{Direction: zcl.ClientToServer, Sequence: seq}, c)
}

// EnableSupply asks an armed ESME to restore supply (the consumer's "enable" on the PPMID).
func (d *PPMID) EnableSupply(now time.Time) error {
	if !d.hasESME {
		return fmt.Errorf("PPMID %s is not paired with an ESME", d.eui)
	}
	c := &d.env.io.lcs
	*c = zcl.LocalChangeSupply{ProposedSupplyStatus: zcl.SupplyOn}
	return d.send(now, d.esme, zcl.ClusterMetering, zcl.Header{Direction: zcl.ClientToServer, Sequence: d.nextSeq()}, c)
}

func (d *PPMID) track(seq uint8, fuel Kind) {
	if len(d.pending) >= 8 {
		d.pending = d.pending[1:]
	}
	d.pending = append(d.pending, pendingRequest{seq: seq, fuel: fuel})
}

func (d *PPMID) settle(seq uint8) (Kind, bool) {
	for i, p := range d.pending {
		if p.seq == seq {
			d.pending = append(d.pending[:i], d.pending[i+1:]...)
			return p.fuel, true
		}
	}
	return 0, false
}

func (d *PPMID) fuelOf(src uint16) *FuelCredit {
	switch {
	case d.hasESME && src == d.esme:
		return &d.elec
	case d.hasGPF && src == d.gpf:
		return &d.gas
	}
	return nil
}

// HANReceive handles a ZCL frame from the HAN. It implements han.Node.
func (d *PPMID) HANReceive(now time.Time, m *han.Message) {
	h, cmd := d.decode(now, m)
	switch c := cmd.(type) {
	case nil:
	case *zcl.ReadAttributesResponse:
		f := d.fuelOf(m.Src)
		if f == nil || m.Cluster != zcl.ClusterPrepayment {
			return
		}
		f.Known, f.Updated, f.Prepayment = true, now, false
		for _, r := range c.Records {
			if r.Status != zcl.StatusSuccess {
				continue
			}
			switch r.ID {
			case zcl.AttrPrepaymentCreditRemaining:
				f.Prepayment = true
				f.Credit = Money(r.Value.Int()) * prepayUnit
			case zcl.AttrPrepaymentCreditStatus:
				f.CreditStatus = uint8(r.Value.Num)
			case zcl.AttrPrepaymentEmergencyCreditRemaining:
				f.ECRemaining = Money(r.Value.Int()) * prepayUnit
			}
		}
	case *zcl.ConsumerTopUpResponse:
		fuel, _ := d.settle(h.Sequence)
		if fuel == 0 {
			fuel = KindESME
			if f := d.fuelOf(m.Src); f == &d.gas {
				fuel = KindGSME
			}
		}
		d.lastTopUp = &TopUpOutcome{Fuel: fuel, Result: TopUpResult(c.ResultType), Value: Money(c.TopUpValue) * prepayUnit,
			Credit: Money(c.CreditRemaining) * prepayUnit, At: now}
		f := &d.elec
		if fuel == KindGSME {
			f = &d.gas
		}
		f.Known, f.Prepayment, f.Credit, f.Updated = true, true, Money(c.CreditRemaining)*prepayUnit, now
	case *zcl.PublishPrice:
		if f := d.fuelOf(m.Src); f != nil {
			f.Price = Money(c.Price)
		}
	case *zcl.DisplayMessage:
		d.message = &Message{ID: c.MessageID, Text: string(c.Message), Received: now}
		if c.MessageControl&0x80 != 0 { // confirmation required
			mc := &d.env.io.mc
			*mc = zcl.MessageConfirmation{MessageID: c.MessageID, ConfirmationTime: utc(d.DeviceTime(now))}
			_ = d.reply(now, m, h, mc)
			d.message.Confirmed = true
		}
	case *zcl.DefaultResponse:
		d.settle(h.Sequence)
	case *zcl.ReadAttributes:
		d.serveRead(now, m, h, c, d)
	default:
		d.replyStatus(now, m, h, zcl.StatusUnsupClusterCommand)
	}
}

func (d *PPMID) attribute(now time.Time, cluster, id uint16) (zcl.Value, bool) {
	return d.sharedAttribute(now, cluster, id, false)
}
