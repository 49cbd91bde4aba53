package devices

import (
	"fmt"
	"time"

	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/zcl"
)

// GSME is a battery-powered gas meter: a volume register in dm³ (converted to kWh with the
// calorific value and conversion factor), a tariff, prepayment, a valve and a battery. It is
// sleepy: it wakes every WakeInterval of its model, reports to its GPF, takes the commands the GPF
// queued for it while it was asleep, and sleeps again after AwakeWindow.
type GSME struct {
	meter
	site      string // MPRN
	gpf       uint16
	hasGPF    bool
	awake     bool
	wakes     uint32 // scheduled wake-ups so far, including missed ones
	installed int64
	lastWake  int64 // Unix nanoseconds
	nextWake  int64 // Unix nanoseconds of the next scheduled wake-up
	sent      gasSent
}

// BatteryLife is how long a GSME battery lasts in smetsim's model.
const BatteryLife = 15 * 365 * 24 * time.Hour

// NewGSME installs a GSME of the given model at now. Its first wake-up falls at a point within
// its wake interval chosen from its seed, so the meters of a fleet do not all wake together.
func NewGSME(env *Env, eui EUI64, model *Model, cfg MeterConfig, mprn string, now time.Time) (*GSME, error) {
	if model.Kind != KindGSME {
		return nil, fmt.Errorf("model %s is a %s, not a GSME", model.ID, model.Kind)
	}
	g := &GSME{site: mprn, installed: now.Unix()}
	cfg.Load.Commodity = Gas
	if err := g.init(env, g, eui, model, cfg, now); err != nil {
		return nil, err
	}
	offset := time.Duration(Unit(Mix(cfg.Load.Seed, 0x57a4e)) * float64(model.WakeInterval))
	g.nextWake = now.Add(offset).UnixNano()
	env.Sched.At(now.Add(offset), g, eventArg(evWake, 0))
	return g, nil
}

// Attach joins the GSME to its premises' HAN as a sleepy device.
func (g *GSME) Attach(nw *han.Network) error { return g.attach(nw, g, true) }

// SetGPF names the GPF the GSME reports to.
func (g *GSME) SetGPF(short uint16) { g.gpf, g.hasGPF = short, true }

// Awake reports whether the GSME's radio is on.
func (g *GSME) Awake() bool { return g.awake }

// Wakes returns how many wake-ups have been due since installation, including missed ones.
func (g *GSME) Wakes() uint32 { return g.wakes }

// NextWake returns when the GSME's next wake-up is due (a model that misses wake-ups may skip it).
func (g *GSME) NextWake() time.Time { return time.Unix(0, g.nextWake).UTC() }

// LastWake returns when the GSME last woke and talked to its GPF.
func (g *GSME) LastWake() time.Time { return time.Unix(0, g.lastWake).UTC() }

// VolumeRegister returns the volume register at now, in dm³.
func (g *GSME) VolumeRegister(now time.Time) uint64 { return g.Register(now) }

// EnergyRegister returns the register converted to energy at now, in Wh.
func (g *GSME) EnergyRegister(now time.Time) uint64 { return g.toWh(g.Register(now)) }

// BatteryPercent returns the remaining battery life, in percent.
func (g *GSME) BatteryPercent(now time.Time) int {
	used := float64(now.Unix()-g.installed) / BatteryLife.Seconds()
	return max(0, min(100, int(100*(1-used)+0.5)))
}

// OpenValve is the consumer pressing the button on an armed gas meter.
func (g *GSME) OpenValve(now time.Time) error { return g.LocalEnable(now) }

// Fire handles the GSME's scheduled events. It implements sched.Handler.
func (g *GSME) Fire(now time.Time, arg uint64) {
	kind, gen := splitArg(arg)
	switch kind {
	case evWake:
		g.wake(now)
	case evSleep:
		g.sleep()
	default:
		g.fire(now, kind, gen)
	}
}

func (g *GSME) wake(now time.Time) {
	g.nextWake = now.Add(g.model.WakeInterval).UnixNano()
	g.env.Sched.At(now.Add(g.model.WakeInterval), g, eventArg(evWake, 0))
	g.wakes++
	if every := g.model.fault.missEvery; every > 0 && g.wakes%uint32(every) == 0 {
		return // FaultMissWakeups: this wake-up never happens
	}
	g.awaken(now)
}

// awaken is the GSME talking to its GPF: it reports, takes what the GPF queued for it, reads the
// time, and sleeps again after its awake window.
func (g *GSME) awaken(now time.Time) {
	if g.net == nil || !g.hasGPF {
		return
	}
	g.awake = true
	g.lastWake = now.UnixNano()
	g.net.Wake(now, g.short)
	g.catchUp(now)
	g.report(now)
	g.reportReads(now)
	_ = g.readRequest(now, g.gpf, zcl.ClusterTime, zcl.AttrTimeTime)
	g.env.Sched.At(now.Add(g.model.AwakeWindow), g, eventArg(evSleep, 0))
}

func (g *GSME) sleep() {
	g.awake = false
	if g.net != nil {
		g.net.Sleep(g.short)
	}
}

// report sends the GSME's Metering (and Prepayment) attributes to the GPF's mirror, the Metering
// ones with the read-side registers that changed (gasreads.go): one frame on most wake-ups.
func (g *GSME) report(now time.Time) {
	io := &g.env.io
	recs := io.recs[:0]
	for _, id := range [...]uint16{zcl.AttrMeteringCurrentSummationDelivered, zcl.AttrMeteringStatus,
		zcl.AttrMeteringSupplyStatus, zcl.AttrMeteringDivisor, zcl.AttrMeteringRemainingBatteryLife} {
		if v, ok := g.attribute(now, zcl.ClusterMetering, id); ok {
			recs = append(recs, zcl.AttributeRecord{ID: id, Value: v})
		}
	}
	recs = g.meteringReads(now, recs)
	// A report too long for one frame goes on in frames that each lead with the register.
	io.recs = g.sendReads(now, zcl.ClusterMetering, &recs[0], recs)
	// The Payment Control Configuration goes in either mode, so the GPF sees a change of mode:
	// in prepayment mode with the credit attributes at every wake-up; in credit mode, which has
	// nothing else to say, only when the mode changed and on the first wake-up of a local day
	// (a frame the HAN lost is made good by the next day), not in a frame of its own every time.
	prepaid := g.mode == PrepaymentMode
	if !prepaid && g.sent.modeIsSent && g.sent.mode == g.mode && g.sent.modeAt == g.sent.midnightAt {
		return
	}
	g.sent.mode, g.sent.modeAt, g.sent.modeIsSent = g.mode, g.sent.midnightAt, true
	rep := &io.rep
	rep.Records = rep.Records[:0]
	ids := [...]uint16{zcl.AttrPrepaymentPaymentControlConfiguration, zcl.AttrPrepaymentCreditRemaining,
		zcl.AttrPrepaymentCreditStatus, zcl.AttrPrepaymentEmergencyCreditRemaining}
	for i, id := range ids {
		if i > 0 && !prepaid {
			break
		}
		if v, ok := g.attribute(now, zcl.ClusterPrepayment, id); ok {
			rep.Records = append(rep.Records, zcl.AttributeRecord{ID: id, Value: v})
		}
	}
	_ = g.request(now, g.gpf, zcl.ClusterPrepayment, zcl.ServerToClient, rep)
}

// HANReceive handles a ZCL frame from the HAN (only ever while awake). It implements han.Node.
func (g *GSME) HANReceive(now time.Time, m *han.Message) {
	h, cmd := g.decode(now, m)
	io := &g.env.io
	switch c := cmd.(type) {
	case nil:
	case *zcl.ReadAttributes:
		g.serveRead(now, m, h, c, g)
	case *zcl.ReadAttributesResponse:
		for _, r := range c.Records {
			if m.Cluster == zcl.ClusterTime && r.ID == zcl.AttrTimeTime && r.Status == zcl.StatusSuccess {
				g.syncClock(now, r.Value.UTC().Time())
			}
		}
	case *zcl.ChangeSupply:
		switch c.ProposedSupplyStatus {
		case zcl.SupplyOff:
			g.DisableSupply(now)
		case zcl.SupplyOffArmed:
			g.ArmSupply(now)
		case zcl.SupplyOn:
			if err := g.EnableSupply(now); err != nil {
				g.replyStatus(now, m, h, zcl.StatusFailure)
				return
			}
		default:
			g.replyStatus(now, m, h, zcl.StatusInvalidValue)
			return
		}
		rsp := &io.ssr
		*rsp = zcl.SupplyStatusResponse{ProviderID: c.ProviderID, IssuerEventID: c.IssuerEventID,
			ImplementationDateTime: utc(g.DeviceTime(now)), SupplyStatus: supplyStatus(g.supply)}
		_ = g.reply(now, m, h, rsp)
	case *zcl.PublishPrice:
		t := *g.tariff
		t.Kind = TariffTOU
		t.Switches = nil
		t.TierPrices = [MaxTiers]Money{Money(c.Price)}
		t.ProviderID, t.IssuerEventID = c.ProviderID, c.IssuerEventID
		if err := g.SetTariff(now, &t); err != nil {
			g.replyStatus(now, m, h, zcl.StatusInvalidValue)
		}
	case *zcl.ConsumerTopUp:
		g.answerTopUp(now, m, h, c)
	case *zcl.SelectAvailableEmergencyCredit:
		g.answerEmergencyCredit(now, m, h)
	case *zcl.WriteAttributes:
		g.writeAttributes(now, m, h, c) // gasconfig.go
	case *zcl.DefaultResponse:
	default:
		g.replyStatus(now, m, h, zcl.StatusUnsupClusterCommand)
	}
}

// syncClock adopts the GPF's time, as SMETS1 GSMEs do at each wake-up.
func (g *GSME) syncClock(now, gpfTime time.Time) {
	own := g.DeviceTime(now)
	d := own.Sub(gpfTime)
	if d < 0 {
		d = -d
	}
	if d >= time.Second {
		g.SetClock(now)
	}
}

func (g *GSME) attribute(now time.Time, cluster, id uint16) (zcl.Value, bool) {
	switch cluster {
	case zcl.ClusterMetering:
		switch id {
		case zcl.AttrMeteringUnitOfMeasure:
			return zcl.Uint(zcl.TypeEnum8, zcl.UnitM3), true
		case zcl.AttrMeteringMeteringDeviceType:
			return zcl.Uint(zcl.TypeBitmap8, zcl.DeviceGas), true
		case zcl.AttrMeteringRemainingBatteryLife:
			return zcl.Uint(zcl.TypeUint8, uint64(g.BatteryPercent(now))), true
		case zcl.AttrMeteringSiteID:
			return zcl.OctetString([]byte(g.site)), true
		}
		return g.meteringAttribute(now, id)
	case zcl.ClusterPrice:
		return g.priceAttribute(id)
	case zcl.ClusterPrepayment:
		return g.prepaymentAttribute(now, id)
	}
	return g.sharedAttribute(now, cluster, id, false)
}
