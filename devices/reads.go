package devices

import (
	"time"
)

// This file holds what a meter keeps for the DCC's reads (the 4.x service requests) beyond its
// registers: the logs a SMETS1 meter writes as things happen (prepayment daily reads, change of
// mode or tariff, top-ups, debt payments), its maximum demand and load-limit state, and the ranged
// views over logs it derives (daily reads, profiles, daily consumption).

// Depths of the logs, as the MMC response schema bounds them.
const (
	maxDailyLog       = 31 // 4.14 Prepayment Daily Read Log, 4.6.x daily read logs per answer
	maxChangeLog      = 12 // 4.4.2 Change of Mode / Tariff Triggered Billing Data Log
	maxCreditLog      = 5  // 4.4.5 Prepayment Credits
	maxDebtPaymentLog = 10 // 4.4.4 Payment Based Debt Payments
)

// PrepaymentSnapshot is the prepayment operational data at an instant: the entry of the
// prepayment daily read log and of the prepayment part of the billing logs.
type PrepaymentSnapshot struct {
	Time            time.Time
	Balance         Money // meter balance
	ECBalance       Money // emergency credit not yet used
	AccumulatedDebt Money // time-based plus payment-based debt
	PaymentDebt     Money
	TimeDebt        Money
}

// ChangeEntry is one entry of the change of mode / tariff triggered billing data log: the
// registers when the tariff or payment mode changed, and the prepayment data if the meter was in
// prepayment mode.
type ChangeEntry struct {
	Time    time.Time
	Total   uint64
	Tiers   [MaxTiers]uint64
	Blocks  [MaxBlocks]uint64
	Prepay  PrepaymentSnapshot
	Prepaid bool
}

// AmountEntry is one entry of the prepayment credits or debt payments logs.
type AmountEntry struct {
	Time   time.Time
	Amount Money
}

// MaxDemand is a maximum demand register: the highest average power over a completed half hour
// since the last reset, and when that half hour ended.
type MaxDemand struct {
	Value     uint64 // W
	At        time.Time
	LastReset time.Time
}

// readState is the meter's read-side state.
type readState struct {
	prepayDaily  []PrepaymentSnapshot
	changes      []ChangeEntry
	credits      []AmountEntry
	debtPayments []AmountEntry
}

// defaultMaxDemandPeriod is the configurable maximum demand period a meter starts with, until
// 6.18.1 sets another: 16:00 to 19:00, the evening peak, written as DUIS writes times of day. The
// value SMETS1 meters ship with is not public; this is smetsim's assumption.
var defaultMaxDemandPeriod = MaxDemandPeriod{Start: 16 * time.Hour, End: 19 * time.Hour}

func appendCapped[T any](s []T, v T, n int) []T {
	if len(s) == n {
		copy(s, s[1:])
		s = s[:n-1]
	}
	return append(s, v)
}

// settledSlot updates the read-side state with a half hour just moved into the registers.
// lastOfDay says the slot ends at a UK local midnight.
func (m *meter) settledSlot(k Slot, units uint64, lastOfDay bool) {
	r := &m.reads
	_, end := slotSpan(k)
	at := time.Unix(end, 0).UTC()
	if lastOfDay && m.mode == PrepaymentMode && m.prepay != nil {
		r.prepayDaily = appendCapped(r.prepayDaily, m.prepaySnapshot(at), maxDailyLog)
	}
}

func (m *meter) prepaySnapshot(at time.Time) PrepaymentSnapshot {
	p := m.prepay
	return PrepaymentSnapshot{Time: at, Balance: p.Balance, ECBalance: max(p.ECRemaining(), 0),
		AccumulatedDebt: p.TimeDebt + p.PaymentDebt, PaymentDebt: p.PaymentDebt, TimeDebt: p.TimeDebt}
}

// logChange writes the change of mode / tariff triggered billing data log entry, just before a
// new tariff or payment mode takes effect.
func (m *meter) logChange(now time.Time) {
	m.catchUp(now)
	e := ChangeEntry{Time: m.DeviceTime(now), Total: m.Register(now), Tiers: m.tiers, Blocks: m.blocks}
	if m.mode == PrepaymentMode && m.prepay != nil {
		e.Prepaid = true
		e.Prepay = m.prepaySnapshot(e.Time)
		_, c := m.pending(now)
		e.Prepay.Balance -= c
	}
	m.reads.changes = appendCapped(m.reads.changes, e, maxChangeLog)
}

// logTopUp writes the prepayment credits log and, if part of the top-up repaid debt, the debt
// payments log.
func (m *meter) logTopUp(now time.Time, amount, debtPaid Money) {
	t := m.DeviceTime(now)
	m.reads.credits = appendCapped(m.reads.credits, AmountEntry{t, amount}, maxCreditLog)
	if debtPaid > 0 {
		m.reads.debtPayments = appendCapped(m.reads.debtPayments, AmountEntry{t, debtPaid}, maxDebtPaymentLog)
	}
}

// PrepaymentValues returns the prepayment operational data at now (4.3), or false in credit mode.
func (m *meter) PrepaymentValues(now time.Time) (PrepaymentSnapshot, bool) {
	if m.mode != PrepaymentMode || m.prepay == nil {
		return PrepaymentSnapshot{}, false
	}
	m.catchUp(now)
	s := m.prepaySnapshot(m.DeviceTime(now))
	s.Balance = m.Balance(now)
	return s, true
}

// PrepaymentDailyLog returns the prepayment daily read log (balances at each UK local midnight
// while in prepayment mode), oldest first.
func (m *meter) PrepaymentDailyLog(now time.Time) []PrepaymentSnapshot {
	m.catchUp(now)
	return append([]PrepaymentSnapshot(nil), m.reads.prepayDaily...)
}

// ChangeLog returns the change of mode / tariff triggered billing data log, oldest first.
func (m *meter) ChangeLog() []ChangeEntry { return append([]ChangeEntry(nil), m.reads.changes...) }

// CreditLog returns the last top-ups (the prepayment credits log), oldest first.
func (m *meter) CreditLog() []AmountEntry { return append([]AmountEntry(nil), m.reads.credits...) }

// DebtPaymentLog returns the payment-based debt payments log, oldest first.
func (m *meter) DebtPaymentLog() []AmountEntry {
	return append([]AmountEntry(nil), m.reads.debtPayments...)
}

// DailyReadsBetween returns the daily read log entries (the register at each UK local midnight)
// from from to to inclusive, oldest first, within the meter's history and before now.
func (m *meter) DailyReadsBetween(now, from, to time.Time) []DailyRead {
	var out []DailyRead
	horizon := time.Unix(m.horizon, 0)
	for day := NextLocalDayStart(from.Add(-time.Second)); !day.After(to) && !day.After(now); day = NextLocalDayStart(day) {
		if day.Before(horizon) {
			continue
		}
		r, err := m.RegisterAt(now, day)
		if err != nil {
			continue
		}
		out = append(out, DailyRead{Time: day, Total: r})
	}
	return out
}

// ProfileEntry is one half hour of the profile data log, stamped with the end of the half hour.
type ProfileEntry struct {
	Time  time.Time
	Units uint64
}

// ProfileBetween returns the completed half hours whose end falls within [from, to], oldest first
// and at most max of them (the latest ones).
func (m *meter) ProfileBetween(now, from, to time.Time, limit int) []ProfileEntry {
	first := SlotOf(from.Add(-HalfHour))
	if first.Start().Before(from.Add(-HalfHour)) {
		first++
	}
	last := SlotOf(to.Add(-HalfHour))
	if cur := SlotOf(now) - 1; last > cur {
		last = cur
	}
	if h := SlotOf(time.Unix(m.horizon, 0)); first < h {
		first = h
	}
	if last < first {
		return nil
	}
	if n := int(last - first + 1); n > limit {
		first = last - Slot(limit) + 1
	}
	p, err := m.Profile(now, first, int(last-first+1))
	if err != nil {
		return nil
	}
	out := make([]ProfileEntry, len(p))
	for i, u := range p {
		out[i] = ProfileEntry{Time: (first + Slot(i)).Start().Add(HalfHour), Units: u}
	}
	return out
}

// MaxDemandImport returns the maximum demand register and the configurable-period one, each
// since its last reset (6.18.2), with the period's window (6.18.1) as minutes after midnight. A
// register's time is the end of its half hour.
func (m *meter) MaxDemandImport(now time.Time) (all, period MaxDemand, from, to uint16) {
	c := m.meterConfig()
	w := c.MaxDemand
	if w == (MaxDemandPeriod{}) {
		w = defaultMaxDemandPeriod
	}
	register := func(since time.Time, window *MaxDemandPeriod) MaxDemand {
		d := MaxDemand{LastReset: since}
		var at time.Time
		d.Value, at = m.MaxDemand(now, since, window)
		if !at.IsZero() {
			d.At = at.Add(30 * time.Minute).UTC()
		}
		return d
	}
	return register(c.MaxDemandImportReset, nil), register(c.MaxDemandPeriodReset, &w),
		uint16(w.Start / time.Minute), uint16(w.End / time.Minute)
}

// LoadLimit returns the load limiting settings and counter (6.4.1 sets them, 6.4.2 resets the
// counter). Meters start with load limiting off (threshold 0).
func (m *meter) LoadLimit(now time.Time) LoadLimit {
	m.catchUp(now)
	return m.meterConfig().LoadLimit
}

// ActiveTier returns the TOU tier (0-based) and block in force at now.
func (m *meter) ActiveTier(now time.Time) (tier, block int) {
	m.catchUp(now)
	_, tier, block = m.tariff.ActivePrice(now, m.period)
	return tier, block
}

// EnergyOf converts register units to Wh: the identity for electricity, the calorific value and
// conversion factor for gas.
func (m *meter) EnergyOf(units uint64) uint64 { return m.toWh(units) }

// NominalVoltage is the RMS voltage smetsim's ESMEs measure on average.
const NominalVoltage = 240.0

// AverageRMSVoltage returns the average RMS voltage over the half hour k, in volts: the nominal
// voltage with a small deterministic variation from the meter's seed, and a little sag with the
// load. smetsim does not model the network, so this is the meter's view of an unremarkable one.
func (e *ESME) AverageRMSVoltage(k Slot) float64 {
	u := Unit(Mix(e.load.Seed^0x70173, uint64(k)))
	sag := float64(e.load.SlotUnits(k)) / 2000 // 1 V per kW drawn
	return NominalVoltage + (u-0.5)*6 - sag
}

// ReactiveImport returns the reactive energy imported over the half hour k, in varh: smetsim
// gives its ESMEs' loads a fixed power factor of 0.95, so reactive energy is about a third of the
// active energy.
func (e *ESME) ReactiveImport(active uint64) uint64 { return active * 329 / 1000 }
