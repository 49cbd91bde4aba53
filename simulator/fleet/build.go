package fleet

import (
	"encoding/binary"
	"fmt"
	"sort"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/simulator/clock"
)

// Premises is one SMETS1 installation: a CHF and ESME, and optionally a GPF with its GSME and a
// PPMID, on one HAN.
type Premises struct {
	ID    string
	CSP   string // communications service provider
	MPAN  string
	MPRN  string
	HAN   *han.Network
	CHF   *devices.CHF
	ESME  *devices.ESME
	GPF   *devices.GPF
	GSME  *devices.GSME
	PPMID *devices.PPMID
	Seed  uint64
	// consumer behaviour: the next UTRN counter the supplier issues per fuel
	elecCounter, gasCounter uint32
}

// Devices returns the premises' devices by kind (absent ones omitted).
func (p *Premises) Devices() map[devices.Kind]devices.EUI64 {
	out := map[devices.Kind]devices.EUI64{devices.KindCHF: p.CHF.EUI(), devices.KindESME: p.ESME.EUI()}
	if p.GSME != nil {
		out[devices.KindGSME], out[devices.KindGPF] = p.GSME.EUI(), p.GPF.EUI()
	}
	if p.PPMID != nil {
		out[devices.KindPPMID] = p.PPMID.EUI()
	}
	return out
}

// Fleet is a run's premises with the clock and HAN medium they share.
type Fleet struct {
	Name     string
	Seed     uint64
	Start    time.Time
	Clock    *clock.Clock
	Medium   *han.Medium
	Env      *devices.Env
	Premises []*Premises
	Alerts   *AlertCounter
	// Consumers top up prepayment meters when credit runs low, as people do.
	Consumers bool
	byEUI     map[devices.EUI64]*Premises
	extraSink devices.AlertSink
}

// Options adjust how a fleet is built.
type Options struct {
	Seed      *uint64    // overrides the file's seed
	Start     *time.Time // overrides the file's start
	Consumers bool       // simulate consumers topping up
	Sink      devices.AlertSink
	// Speed, when positive, runs the fleet on the wall clock that many times faster than real
	// time (as runs with real hardware attached must); zero runs on the virtual clock.
	Speed float64
}

// Build makes the fleet described by spec on a new virtual clock.
func Build(spec *Spec, opt Options) (*Fleet, error) {
	seed := spec.Seed
	if opt.Seed != nil {
		seed = *opt.Seed
	} else if !spec.HasSeed {
		seed = 1
	}
	start := spec.Start
	if opt.Start != nil {
		start = opt.Start.UTC()
	}
	clk := clock.NewVirtual(start)
	if opt.Speed > 0 {
		clk = clock.NewWall(start, opt.Speed)
	}
	f := &Fleet{Name: spec.Name, Seed: seed, Start: start, Clock: clk, Medium: han.NewMedium(clk),
		Alerts: &AlertCounter{Codes: map[devices.AlertCode]int{}, DCCEvents: map[string]int{}}, Consumers: opt.Consumers}
	f.Env = &devices.Env{Sched: clk, Alerts: f}
	f.extraSink = opt.Sink
	if err := checkEUIRanges(spec); err != nil {
		return nil, err
	}
	n := len(spec.Premises)
	for _, g := range spec.Generators {
		n += g.Count
	}
	f.Premises = make([]*Premises, 0, n)
	for i := range spec.Premises {
		ps := &spec.Premises[i]
		if err := f.add(ps, devices.Mix(seed, uint64(i)), start); err != nil {
			return nil, fmt.Errorf("premises %s: %w", ps.ID, err)
		}
	}
	for gi := range spec.Generators {
		if err := f.generate(&spec.Generators[gi], gi, seed, start); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// checkEUIRanges refuses a fleet whose generated Device IDs collide with each other or with
// listed devices. Spans are sorted so the check is n log n and names the same culprits every run.
func checkEUIRanges(spec *Spec) error {
	type span struct {
		lo, hi uint64
		what   string
	}
	var spans []span
	for _, p := range spec.Premises {
		for _, k := range devices.Kinds {
			if d := p.Devices[k]; d != nil {
				v := euiValue(d.EUI)
				spans = append(spans, span{v, v, fmt.Sprintf("premises %s %s", p.ID, k)})
			}
		}
	}
	for i, g := range spec.Generators {
		lo := euiValue(g.EUIBase)
		n := uint64(g.Count) * 8
		if g.Count <= 0 || lo+n-1 < lo {
			return fmt.Errorf("generate[%d]: %d premises from %s run past the last Device ID", i, g.Count, g.EUIBase)
		}
		spans = append(spans, span{lo, lo + n - 1, fmt.Sprintf("generate[%d]", i)})
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].lo != spans[j].lo {
			return spans[i].lo < spans[j].lo
		}
		return spans[i].what < spans[j].what
	})
	for i := 1; i < len(spans); i++ {
		if a, b := spans[i-1], spans[i]; b.lo <= a.hi {
			if a.lo != a.hi && b.lo == b.hi { // name the listed device before the generator
				a, b = b, a
			}
			return fmt.Errorf("%s and %s use the same Device IDs", a.what, b.what)
		}
	}
	return nil
}

func euiValue(e devices.EUI64) uint64 { return binary.BigEndian.Uint64(e[:]) }

func euiFrom(v uint64) devices.EUI64 {
	var e devices.EUI64
	binary.BigEndian.PutUint64(e[:], v)
	return e
}

func (f *Fleet) add(ps *PremisesSpec, seed uint64, now time.Time) error {
	p := &Premises{ID: ps.ID, CSP: ps.CSP, MPAN: ps.MPAN, MPRN: ps.MPRN, Seed: seed}
	d := ps.Devices
	var err error
	p.HAN = f.Medium.NewNetwork(uint16(devices.Mix(seed, 0x9a9)%0xFFF0) + 1)
	if p.CHF, err = devices.NewCHF(f.Env, d[devices.KindCHF].EUI, d[devices.KindCHF].Model, p.HAN, seed, now); err != nil {
		return err
	}
	cfg := func(ds *DeviceSpec, salt uint64) devices.MeterConfig {
		c := devices.MeterConfig{
			Load:           devices.LoadModel{Seed: devices.Mix(seed, salt), Annual: ds.Annual},
			Tariff:         ds.Tariff,
			Mode:           ds.Payment,
			NonDisablement: ds.NonDisablement,
			BillingDay:     ds.BillingDay,
		}
		if ds.Payment == devices.PrepaymentMode {
			c.Prepayment = devices.DefaultPrepayment(ds.Balance)
		}
		return c
	}
	es := d[devices.KindESME]
	if p.ESME, err = devices.NewESME(f.Env, es.EUI, es.Model, cfg(es, 1), ps.MPAN, now); err != nil {
		return err
	}
	if gs := d[devices.KindGSME]; gs != nil {
		gp := d[devices.KindGPF]
		if p.GPF, err = devices.NewGPF(f.Env, gp.EUI, gp.Model, now); err != nil {
			return err
		}
		if p.GSME, err = devices.NewGSME(f.Env, gs.EUI, gs.Model, cfg(gs, 2), ps.MPRN, now); err != nil {
			return err
		}
	}
	if pp := d[devices.KindPPMID]; pp != nil {
		if p.PPMID, err = devices.NewPPMID(f.Env, pp.EUI, pp.Model, now); err != nil {
			return err
		}
	}
	if err := f.wire(p, now); err != nil {
		return err
	}
	f.Premises = append(f.Premises, p)
	if f.byEUI != nil {
		f.index(p)
	}
	return nil
}

// wire commissions the premises' HAN: the CHF's device log, joins, and who talks to whom.
func (f *Fleet) wire(p *Premises, now time.Time) error {
	for k, eui := range p.Devices() {
		if k != devices.KindCHF {
			if err := p.CHF.AddToDeviceLog(now, eui, k); err != nil {
				return err
			}
		}
	}
	if err := p.ESME.Attach(p.HAN); err != nil {
		return err
	}
	if p.GSME != nil {
		if err := p.GPF.Attach(p.HAN); err != nil {
			return err
		}
		if err := p.GSME.Attach(p.HAN); err != nil {
			return err
		}
		p.GPF.SetGSME(p.GSME.Short())
		p.GSME.SetGPF(p.GPF.Short())
	}
	if p.PPMID != nil {
		if err := p.PPMID.Attach(p.HAN); err != nil {
			return err
		}
		p.ESME.SetDisplay(p.PPMID.Short())
		var gpf uint16
		if p.GPF != nil {
			gpf = p.GPF.Short()
		}
		offset := time.Duration(devices.Unit(devices.Mix(p.Seed, 0x9911)) * float64(p.PPMID.Model().PollInterval))
		p.PPMID.SetMeters(now, p.ESME.Short(), true, gpf, p.GPF != nil, offset)
	}
	return nil
}

func pick[T any](choices []Weighted[T], u float64) T {
	total := 0.0
	for _, c := range choices {
		total += c.Weight
	}
	x := u * total
	for _, c := range choices {
		if x < c.Weight {
			return c.Value
		}
		x -= c.Weight
	}
	return choices[len(choices)-1].Value
}

// generate adds a generator's premises. Every choice comes from the fleet seed, the generator and
// the premises index, so the same seed builds the same fleet.
func (f *Fleet) generate(g *GeneratorSpec, gi int, seed uint64, now time.Time) error {
	gseed := devices.Mix(seed, 0x6e00+uint64(gi))
	base := euiValue(g.EUIBase)
	for i := 0; i < g.Count; i++ {
		ps := devices.Mix(gseed, uint64(i))
		u := func(salt uint64) float64 { return devices.Unit(devices.Mix(ps, salt)) }
		payment := devices.CreditMode
		if u(1) < g.Prepayment {
			payment = devices.PrepaymentMode
		}
		gas := u(2) < g.Gas
		ppmid := g.PPMID == "always" || (g.PPMID == "prepayment" && payment == devices.PrepaymentMode)
		eui := base + uint64(i)*8
		spec := PremisesSpec{
			ID:      fmt.Sprintf("%s%06d", g.Prefix, i+1),
			CSP:     g.CSP,
			MPAN:    fmt.Sprintf("19%011d", devices.Mix(ps, 3)%100_000_000_000),
			Devices: map[devices.Kind]*DeviceSpec{},
		}
		model := func(k devices.Kind, salt uint64) *devices.Model { return pick(g.Models[k], u(salt)) }
		if len(g.Combinations) > 0 {
			combo := pick(g.Combinations, u(14))
			spec.CSP = combo.CSP
			model = func(k devices.Kind, _ uint64) *devices.Model { return combo.Models[k] }
			gas = gas && combo.Models[devices.KindGSME] != nil
			ppmid = ppmid && combo.Models[devices.KindPPMID] != nil
		}
		spec.Devices[devices.KindESME] = &DeviceSpec{EUI: euiFrom(eui), Model: model(devices.KindESME, 4),
			Payment: payment, Balance: g.Balance, Tariff: pick(g.Tariffs[devices.KindESME], u(5)),
			Annual: g.AnnualKWh[0] + uint32(u(6)*float64(g.AnnualKWh[1]-g.AnnualKWh[0])), NonDisablement: g.Calendar}
		spec.Devices[devices.KindCHF] = &DeviceSpec{EUI: euiFrom(eui + 2), Model: model(devices.KindCHF, 7)}
		if gas {
			spec.MPRN = fmt.Sprintf("%010d", devices.Mix(ps, 8)%10_000_000_000)
			spec.Devices[devices.KindGSME] = &DeviceSpec{EUI: euiFrom(eui + 1), Model: model(devices.KindGSME, 9),
				Payment: payment, Balance: g.Balance, Tariff: pick(g.Tariffs[devices.KindGSME], u(10)),
				Annual: g.AnnualM3[0] + uint32(u(11)*float64(g.AnnualM3[1]-g.AnnualM3[0])), NonDisablement: g.Calendar}
			spec.Devices[devices.KindGPF] = &DeviceSpec{EUI: euiFrom(eui + 3), Model: model(devices.KindGPF, 12)}
		}
		if ppmid {
			spec.Devices[devices.KindPPMID] = &DeviceSpec{EUI: euiFrom(eui + 4), Model: model(devices.KindPPMID, 13)}
		}
		if err := f.add(&spec, ps, now); err != nil {
			return fmt.Errorf("generate[%d] premises %s: %w", gi, spec.ID, err)
		}
	}
	return nil
}

func (f *Fleet) index(p *Premises) {
	for _, eui := range p.Devices() {
		f.byEUI[eui] = p
	}
}

// SetAlertSink passes every alert the fleet's devices raise on to sink as well, as a mock DCC
// attached after the fleet was built needs.
func (f *Fleet) SetAlertSink(sink devices.AlertSink) { f.extraSink = sink }

// ByDevice returns the premises a device belongs to.
func (f *Fleet) ByDevice(eui devices.EUI64) *Premises {
	if f.byEUI == nil {
		f.byEUI = make(map[devices.EUI64]*Premises, len(f.Premises)*4)
		for _, p := range f.Premises {
			f.index(p)
		}
	}
	return f.byEUI[eui]
}

// Premise returns the premises with the given id, or nil.
func (f *Fleet) Premise(id string) *Premises {
	for _, p := range f.Premises {
		if p.ID == id {
			return p
		}
	}
	return nil
}
