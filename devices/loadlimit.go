package devices

import "time"

// Load limiting (DUIS 6.4.1) and the daily reset of the block counters (DUIS 6.26) run on
// handlers of their own, so that an ESME's own events are untouched by them.

// Events of the configuration handlers, in the low byte of their argument; the rest is the
// generation of the setting they were planned for.
const (
	evLoadCheck = iota + 1
	evLoadRestore
	evBlockReset
)

// loadLimiter checks an ESME's demand against its load limit.
type loadLimiter struct{ e *ESME }

// SetLoadLimit replaces the load limiting settings (DUIS 6.4.1), keeping the counter. From now on
// the ESME checks, at each half hour, whether the demand has stayed above PowerThreshold for the
// last Period seconds: if so it counts the event and, when DisableSupply is set, disables the
// supply and arms it again after RestorationPeriod (smetsim's reading of "restoration": the
// consumer then re-enables it). A zero threshold switches load limiting off.
func (e *ESME) SetLoadLimit(now time.Time, l LoadLimit) {
	c := e.meterConfig()
	l.Counter = c.LoadLimit.Counter
	c.LoadLimit = l
	c.loadGen++
	if l.PowerThreshold > 0 {
		e.env.Sched.At(e.nextLoadCheck(now), loadLimiter{e}, eventArg(evLoadCheck, c.loadGen))
	}
}

// ResetLoadLimitCounter zeroes the count of load limit events (DUIS 6.4.2).
func (e *ESME) ResetLoadLimitCounter() { e.meterConfig().LoadLimit.Counter = 0 }

// nextLoadCheck is the next instant after now at which a Period-long window ends on a half-hour
// boundary or, for periods shorter than a half hour, Period into a half hour.
func (e *ESME) nextLoadCheck(now time.Time) time.Time {
	p := time.Duration(e.meterConfig().LoadLimit.Period) * time.Second
	off := p % HalfHour
	t := SlotOf(now).Start().Add(off)
	for !t.After(now) {
		t = t.Add(HalfHour)
	}
	return t
}

// Fire handles a load check or a restoration.
func (l loadLimiter) Fire(now time.Time, arg uint64) {
	e := l.e
	kind, gen := splitArg(arg)
	c := e.meterConfig()
	if gen != c.loadGen {
		return
	}
	switch kind {
	case evLoadRestore:
		if e.supply == SupplyDisabled {
			e.ArmSupply(now)
		}
		return
	case evLoadCheck:
		e.env.Sched.At(e.nextLoadCheck(now), l, eventArg(evLoadCheck, gen))
	}
	if !e.Powered() || e.supply != SupplyEnabled || !e.demandAbove(now, c.LoadLimit) {
		return
	}
	c.LoadLimit.Counter++
	if c.LoadLimit.DisableSupply {
		e.DisableSupply(now)
		e.env.Sched.At(now.Add(time.Duration(c.LoadLimit.RestorationPeriod)*time.Second), l, eventArg(evLoadRestore, gen))
	}
}

// demandAbove reports whether the demand stayed above the limit's threshold over the Period
// before now (at least the half hour in progress), supply on throughout.
func (e *ESME) demandAbove(now time.Time, l LoadLimit) bool {
	from := now.Add(-time.Duration(max(l.Period, 1)) * time.Second)
	for k := SlotOf(from); k <= SlotOf(now.Add(-time.Second)); k++ {
		a, b := slotSpan(k)
		if onSeconds(e.offs, max(a, from.Unix()), min(b, now.Unix())) < min(b, now.Unix())-max(a, from.Unix()) {
			return false
		}
		if e.load.SlotUnits(k)*2 <= uint64(l.PowerThreshold) {
			return false
		}
	}
	return true
}

// blockResetter resets a meter's block counters at each UK local midnight while the daily reset
// is set.
type blockResetter struct{ m *meter }

// SetDailyBlockReset sets whether the tariff block counters reset every day at local midnight
// (DUIS 6.26) rather than only at billing.
func (m *meter) SetDailyBlockReset(now time.Time, on bool) {
	c := m.meterConfig()
	c.DailyBlockReset = on
	c.blockGen++
	if on {
		m.env.Sched.At(NextLocalDayStart(now), blockResetter{m}, eventArg(evBlockReset, c.blockGen))
	}
}

// Fire resets the block counters and plans the next reset.
func (r blockResetter) Fire(now time.Time, arg uint64) {
	m := r.m
	_, gen := splitArg(arg)
	c := m.meterConfig()
	if gen != c.blockGen || !c.DailyBlockReset {
		return
	}
	m.catchUp(now)
	m.blocks = [MaxBlocks]uint64{}
	m.period = 0
	m.env.Sched.At(NextLocalDayStart(now.Add(time.Hour)), r, eventArg(evBlockReset, gen))
}
