package fleet

import (
	"context"
	"maps"
	"sort"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/devices/han"
)

// AlertCounter tallies the alerts and DCC events a fleet raised.
type AlertCounter struct {
	Total     int
	Codes     map[devices.AlertCode]int
	DCCEvents map[string]int
	TopUps    int
	TopUpSum  devices.Money
}

// DeviceAlert counts an alert, lets the premises' consumer react to it, and passes it on.
func (f *Fleet) DeviceAlert(a devices.Alert) {
	c := f.Alerts
	c.Total++
	if a.DCCEvent != "" {
		c.DCCEvents[a.DCCEvent]++
	} else {
		c.Codes[a.Code]++
	}
	if a.Code == devices.AlertCreditAddedLocally {
		c.TopUps++
	}
	if f.Consumers {
		f.react(a)
	}
	if f.extraSink != nil {
		f.extraSink.DeviceAlert(a)
	}
}

// Consumer behaviour: people with prepayment meters top up some hours after the low-credit
// warning (some not until the supply goes off), take emergency credit when offered, and press
// "enable" once the supply is armed. Every choice comes from the premises' seed.
const (
	actTopUp = iota + 1
	actEmergency
	actEnable
)

type consumerAction struct {
	f    *Fleet
	p    *Premises
	fuel devices.Kind
	act  int
}

// Fire carries out a consumer's action. It implements sched.Handler.
func (a *consumerAction) Fire(now time.Time, _ uint64) { a.f.act(now, a.p, a.fuel, a.act) }

func (f *Fleet) react(a devices.Alert) {
	if a.Kind != devices.KindESME && a.Kind != devices.KindGSME {
		return
	}
	p := f.ByDevice(a.Device)
	if p == nil {
		return
	}
	now := f.Clock.Now()
	u := func(salt uint64) float64 { return devices.Unit(devices.Mix(p.Seed, salt^uint64(now.Unix()))) }
	later := func(act int, d time.Duration) {
		f.Clock.At(now.Add(d), &consumerAction{f: f, p: p, fuel: a.Kind, act: act}, 0)
	}
	switch a.Code {
	case devices.AlertLowCredit:
		if u(1) < 0.7 { // most people top up within the day of the warning
			later(actTopUp, 20*time.Minute+time.Duration(u(2)*float64(18*time.Hour)))
		}
	case devices.AlertECAvailable:
		if u(3) < 0.4 {
			later(actEmergency, time.Duration(u(4)*float64(2*time.Hour)))
		}
	case devices.AlertCreditBelowDisable:
		later(actTopUp, 10*time.Minute+time.Duration(u(5)*float64(6*time.Hour)))
	case devices.AlertSupplyArmed, devices.AlertDisabledArmedEC:
		later(actEnable, 2*time.Minute+time.Duration(u(6)*float64(30*time.Minute)))
	}
}

// topUpAmounts are the amounts consumers choose between.
var topUpAmounts = [...]devices.Money{10 * devices.Pound, 15 * devices.Pound, 20 * devices.Pound, 30 * devices.Pound}

func (f *Fleet) act(now time.Time, p *Premises, fuel devices.Kind, act int) {
	switch act {
	case actTopUp:
		var key devices.UTRNKey
		var counter *uint32
		if fuel == devices.KindGSME {
			key, counter = p.GSME.UTRNKey(), &p.gasCounter
		} else {
			key, counter = p.ESME.UTRNKey(), &p.elecCounter
		}
		*counter++
		amount := topUpAmounts[devices.Mix(p.Seed, uint64(*counter))%uint64(len(topUpAmounts))]
		code, err := key.Encode(devices.UTRN{Amount: amount, Counter: *counter})
		if err != nil {
			return
		}
		f.Alerts.TopUpSum += amount
		switch {
		case p.PPMID != nil:
			_ = p.PPMID.TopUp(now, fuel, code)
		case fuel == devices.KindGSME:
			p.GSME.TopUpCode(now, code)
		default:
			p.ESME.TopUpCode(now, code)
		}
	case actEmergency:
		if p.PPMID != nil {
			_ = p.PPMID.ActivateEmergencyCredit(now, fuel)
		} else if fuel == devices.KindGSME {
			_ = p.GSME.ActivateEmergencyCredit(now)
		} else {
			_ = p.ESME.ActivateEmergencyCredit(now)
		}
	case actEnable:
		if fuel == devices.KindGSME {
			_ = p.GSME.OpenValve(now)
		} else if p.PPMID != nil {
			_ = p.PPMID.EnableSupply(now)
		} else {
			_ = p.ESME.LocalEnable(now)
		}
	}
}

// Report is what a simulation run did.
type Report struct {
	Fleet       string         `json:"fleet"`
	Seed        uint64         `json:"seed"`
	Premises    int            `json:"premises"`
	Devices     map[string]int `json:"devices"`
	From        time.Time      `json:"from"`
	To          time.Time      `json:"to"`
	Wall        time.Duration  `json:"wall_ns"`
	Events      uint64         `json:"events"`
	ImportWh    uint64         `json:"electricity_import_wh"`
	GasDm3      uint64         `json:"gas_volume_dm3"`
	GasWh       uint64         `json:"gas_energy_wh"`
	GasWakes    uint64         `json:"gas_wakeups"`
	Prepayment  int            `json:"prepayment_meters"`
	TopUps      int            `json:"topups_accepted"`
	TopUpIssued devices.Money  `json:"topups_issued_micropounds"`
	SupplyOff   int            `json:"supplies_off_at_end"`
	Alerts      []AlertTally   `json:"alerts"`
	DCCEvents   map[string]int `json:"dcc_events"`
	HAN         han.Stats      `json:"han"`
	ByModel     map[string]int `json:"devices_by_model"`
}

// AlertTally is the count of one alert code.
type AlertTally struct {
	Code        string `json:"code"`
	Description string `json:"description"`
	Count       int    `json:"count"`
}

// Simulate runs the fleet for d of virtual time from where its clock stands. progress, if set, is
// called after each virtual hour with the virtual time done so far.
func (f *Fleet) Simulate(ctx context.Context, d time.Duration, progress func(done time.Duration)) (*Report, error) {
	from := f.Clock.Now()
	fired0 := f.Clock.Fired()
	han0 := f.Medium.Stats()
	topups0, topupSum0 := f.Alerts.TopUps, f.Alerts.TopUpSum
	codes0, events0 := maps.Clone(f.Alerts.Codes), maps.Clone(f.Alerts.DCCEvents)
	imp0, gas0, gasWh0, wakes0 := f.totals(from)
	t0 := time.Now()
	to := from.Add(d)
	for t := from; t.Before(to); {
		next := t.Add(time.Hour)
		if next.After(to) {
			next = to
		}
		if err := f.Clock.RunUntil(ctx, next); err != nil {
			return nil, err
		}
		t = next
		if progress != nil {
			progress(t.Sub(from))
		}
	}
	r := &Report{Fleet: f.Name, Seed: f.Seed, Premises: len(f.Premises), From: from, To: to, Wall: time.Since(t0),
		Events: f.Clock.Fired() - fired0, Devices: map[string]int{}, ByModel: map[string]int{}, DCCEvents: map[string]int{}}
	imp1, gas1, gasWh1, wakes1 := f.totals(to)
	r.ImportWh, r.GasDm3, r.GasWh, r.GasWakes = imp1-imp0, gas1-gas0, gasWh1-gasWh0, wakes1-wakes0
	hs := f.Medium.Stats()
	r.HAN = han.Stats{Frames: hs.Frames - han0.Frames, Bytes: hs.Bytes - han0.Bytes, Queued: hs.Queued - han0.Queued, Dropped: hs.Dropped - han0.Dropped}
	r.TopUps = f.Alerts.TopUps - topups0
	r.TopUpIssued = f.Alerts.TopUpSum - topupSum0
	for _, p := range f.Premises {
		count := func(k devices.Kind, m *devices.Model) {
			r.Devices[k.String()]++
			r.ByModel[m.ID]++
		}
		count(devices.KindCHF, p.CHF.Model())
		count(devices.KindESME, p.ESME.Model())
		if p.ESME.PaymentMode() == devices.PrepaymentMode {
			r.Prepayment++
		}
		if p.ESME.Supply() != devices.SupplyEnabled {
			r.SupplyOff++
		}
		if p.GSME != nil {
			count(devices.KindGPF, p.GPF.Model())
			count(devices.KindGSME, p.GSME.Model())
			if p.GSME.PaymentMode() == devices.PrepaymentMode {
				r.Prepayment++
			}
			if p.GSME.Supply() != devices.SupplyEnabled {
				r.SupplyOff++
			}
		}
		if p.PPMID != nil {
			count(devices.KindPPMID, p.PPMID.Model())
		}
	}
	for code, n := range f.Alerts.Codes {
		if n -= codes0[code]; n == 0 {
			continue
		}
		desc := ""
		for _, a := range devices.Alerts {
			if a.Code == code {
				desc = a.Description
			}
		}
		r.Alerts = append(r.Alerts, AlertTally{Code: hex4(uint16(code)), Description: desc, Count: n})
	}
	sort.Slice(r.Alerts, func(i, j int) bool {
		if r.Alerts[i].Count != r.Alerts[j].Count {
			return r.Alerts[i].Count > r.Alerts[j].Count
		}
		return r.Alerts[i].Code < r.Alerts[j].Code
	})
	for k, v := range f.Alerts.DCCEvents {
		if v -= events0[k]; v > 0 {
			r.DCCEvents[k] = v
		}
	}
	return r, nil
}

func hex4(v uint16) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{digits[v>>12], digits[v>>8&15], digits[v>>4&15], digits[v&15]})
}

// totals sums the fleet's registers at t: electricity import (Wh), gas volume (dm³) and energy
// (Wh), and GSME wake-ups due so far.
func (f *Fleet) totals(t time.Time) (imp, gas, gasWh, wakes uint64) {
	for _, p := range f.Premises {
		imp += p.ESME.ImportRegister(t)
		if p.GSME != nil {
			gas += p.GSME.VolumeRegister(t)
			gasWh += p.GSME.EnergyRegister(t)
			wakes += uint64(p.GSME.Wakes())
		}
	}
	return
}
