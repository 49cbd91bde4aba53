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

// LoadLimit is an ESME's load-limiting configuration and counter.
type LoadLimit struct {
	Period      uint32 // seconds the threshold must be exceeded for
	Threshold   uint32 // W; 0 disables load limiting
	Restoration uint32 // seconds
	Disable     bool   // disable the supply when the limit is exceeded (else unchanged)
	Counter     uint32 // half hours in which the average power exceeded the threshold
}

// readState is the meter's read-side state.
type readState struct {
	prepayDaily  []PrepaymentSnapshot
	changes      []ChangeEntry
	credits      []AmountEntry
	debtPayments []AmountEntry
	maxDemand    MaxDemand
	// The configurable-period maximum demand covers the local minutes [mdStart, mdEnd) of each day.
	mdStart, mdEnd uint16
	mdPeriod       MaxDemand
	loadLimit      LoadLimit
}

// DefaultMaxDemandPeriod is the configurable maximum demand period a meter starts with: 16:00 to
// 19:00 UK local time, the evening peak. The value SMETS1 meters ship with is not public; this is
// smetsim's assumption until 6.18.1 sets another.
const (
	defaultMDStart = 16 * 60
	defaultMDEnd   = 19 * 60
)

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
	if m.load.Commodity == Electricity {
		w := units * 2 // Wh over half an hour → average W
		if w > r.maxDemand.Value {
			r.maxDemand.Value, r.maxDemand.At = w, at
		}
		if r.mdStart == 0 && r.mdEnd == 0 {
			r.mdStart, r.mdEnd = defaultMDStart, defaultMDEnd
		}
		if mn := LocalMinuteOfDay(k.Start()); mn >= int(r.mdStart) && mn < int(r.mdEnd) && w > r.mdPeriod.Value {
			r.mdPeriod.Value, r.mdPeriod.At = w, at
		}
		if th := r.loadLimit.Threshold; th > 0 && w > uint64(th) {
			r.loadLimit.Counter++
		}
	}
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

// MaxDemandImport returns the maximum demand register and the configurable-period one with its
// period (local minutes from, to).
func (m *meter) MaxDemandImport(now time.Time) (all, period MaxDemand, from, to uint16) {
	m.catchUp(now)
	r := &m.reads
	if r.mdStart == 0 && r.mdEnd == 0 {
		r.mdStart, r.mdEnd = defaultMDStart, defaultMDEnd
	}
	return r.maxDemand, r.mdPeriod, r.mdStart, r.mdEnd
}

// LoadLimit returns the load-limiting configuration and counter. smetsim's meters start with
// load limiting off (threshold 0) until 6.4.1 configures it.
func (m *meter) LoadLimit(now time.Time) LoadLimit {
	m.catchUp(now)
	return m.reads.loadLimit
}

// SetLoadLimit configures load limiting, as 6.4.1 does; the counter is kept.
func (m *meter) SetLoadLimit(now time.Time, l LoadLimit) {
	m.catchUp(now)
	l.Counter = m.reads.loadLimit.Counter
	m.reads.loadLimit = l
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
