package devices

import (
	"fmt"
	"time"

	"github.com/smetsim/smetsim/devices/zcl"
)

// TariffAction is what a switching-table entry makes current: a TOU tier, or a block price set
// (the prices of its blocks then depend on the consumption of the billing period).
type TariffAction struct {
	Block bool
	N     uint8 // 0-based tier (TOU) or block price set (block)
}

// TariffSwitch makes Action current from Minute (local time since midnight) until the next switch.
type TariffSwitch struct {
	Minute uint16
	Action TariffAction
}

// DateSpec is a calendar date with wildcards, as SMETS switching tables write them: a zero field
// matches any value. Weekday is 1 (Monday) to 7 (Sunday). Day 0xFE is the last day of the month,
// 0xFD the second last.
type DateSpec struct {
	Year    uint16
	Month   uint8
	Day     uint8
	Weekday uint8
}

// Last and second-last day of the month in a DateSpec.
const (
	LastDayOfMonth       uint8 = 0xFE
	SecondLastDayOfMonth uint8 = 0xFD
)

// Matches reports whether the local date of t fits the spec.
func (d DateSpec) Matches(t time.Time) bool {
	l := t.In(London)
	if d.Year != 0 && int(d.Year) != l.Year() {
		return false
	}
	if d.Month != 0 && time.Month(d.Month) != l.Month() {
		return false
	}
	last := time.Date(l.Year(), l.Month()+1, 0, 12, 0, 0, 0, London).Day()
	switch d.Day {
	case 0:
	case LastDayOfMonth:
		if l.Day() != last {
			return false
		}
	case SecondLastDayOfMonth:
		if l.Day() != last-1 {
			return false
		}
	default:
		if int(d.Day) != l.Day() {
			return false
		}
	}
	return d.Weekday == 0 || int(d.Weekday) == isoWeekday(l)
}

// TariffSeason makes a week profile current from its start date until the next season starts.
type TariffSeason struct {
	Name  string
	Start DateSpec // month and day; the year may be a wildcard
	Week  uint8
}

// TariffSpecialDay replaces the week profile's day profile on the days Date matches.
type TariffSpecialDay struct {
	Date DateSpec
	Day  uint8
}

// BlockSet is one block price set with its thresholds.
type BlockSet struct {
	Thresholds [MaxBlocks - 1]uint32 // kWh within the billing period; zero is unused
	Prices     [MaxBlocks]Money      // per kWh
}

// TariffCalendar is a SMETS switching table: named day profiles, week profiles that give a day
// profile per weekday (Monday first), seasons that give the week profile, and special days. A
// Tariff with a Calendar prices by it; its Switches are then the day profile of the day the
// tariff was installed, kept for readers that know only a daily pattern.
type TariffCalendar struct {
	Days      map[uint8][]TariffSwitch // by day name, sorted by Minute
	Weeks     map[uint8][7]uint8       // by week name: the day name for Monday … Sunday
	Seasons   []TariffSeason
	Special   []TariffSpecialDay
	BlockSets []BlockSet // block price sets 1…n; set 1 is also the Tariff's BlockThresholds/BlockPrices
}

// Validate checks that every reference in the calendar resolves and every action has a price.
func (c *TariffCalendar) Validate(tiers int) error {
	for name, sw := range c.Days {
		last := -1
		for i, s := range sw {
			if int(s.Minute) >= 24*60 || int(s.Minute) <= last {
				return fmt.Errorf("day profile %d: switch %d: switch times must increase within the day", name, i+1)
			}
			last = int(s.Minute)
			if s.Action.Block && int(s.Action.N) >= len(c.BlockSets) {
				return fmt.Errorf("day profile %d: block tariff action %d has no block prices", name, s.Action.N+1)
			}
			if !s.Action.Block && int(s.Action.N) >= tiers {
				return fmt.Errorf("day profile %d: TOU tariff action %d has no TOU price", name, s.Action.N+1)
			}
		}
	}
	for name, w := range c.Weeks {
		for i, d := range w {
			if _, ok := c.Days[d]; !ok {
				return fmt.Errorf("week profile %d: day %d names day profile %d, which is not defined", name, i+1, d)
			}
		}
	}
	if len(c.Seasons) == 0 {
		return fmt.Errorf("no season")
	}
	for _, s := range c.Seasons {
		if _, ok := c.Weeks[s.Week]; !ok {
			return fmt.Errorf("season %q names week profile %d, which is not defined", s.Name, s.Week)
		}
	}
	for i, s := range c.Special {
		if _, ok := c.Days[s.Day]; !ok {
			return fmt.Errorf("special day %d names day profile %d, which is not defined", i+1, s.Day)
		}
	}
	return nil
}

// lastStart returns when the season last started at or before the local day of t, or false
// if it never has.
func (s TariffSeason) lastStart(t time.Time) (time.Time, bool) {
	l := t.In(London)
	day := func(y int) time.Time {
		d := int(s.Start.Day)
		if d == 0 || d > 31 {
			d = 1
		}
		m := time.Month(s.Start.Month)
		if m == 0 {
			m = time.January
		}
		return time.Date(y, m, d, 0, 0, 0, 0, London)
	}
	if s.Start.Year != 0 {
		st := day(int(s.Start.Year))
		return st, !st.After(l)
	}
	st := day(l.Year())
	if st.After(l) {
		st = day(l.Year() - 1)
	}
	return st, true
}

// DayProfileOn returns the day profile in force on the local day of t: a special day's, or the
// one the current season's week profile names for the weekday. A day before every season starts
// takes the season that starts last (the calendar wraps).
func (c *TariffCalendar) DayProfileOn(t time.Time) []TariffSwitch {
	for _, s := range c.Special {
		if s.Date.Matches(t) {
			return c.Days[s.Day]
		}
	}
	var (
		best  *TariffSeason
		start time.Time
	)
	for i := range c.Seasons {
		st, ok := c.Seasons[i].lastStart(t)
		if ok && (best == nil || st.After(start)) {
			best, start = &c.Seasons[i], st
		}
	}
	if best == nil {
		for i := range c.Seasons {
			st, _ := c.Seasons[i].lastStart(t)
			if best == nil || st.After(start) {
				best, start = &c.Seasons[i], st
			}
		}
	}
	if best == nil {
		return nil
	}
	return c.Days[c.Weeks[best.Week][isoWeekday(t.In(London))-1]]
}

// ActionAt returns the action in force at instant at. Before the day's first switch the last
// action of the previous day carries over midnight.
func (c *TariffCalendar) ActionAt(at time.Time) TariffAction {
	m := LocalMinuteOfDay(at)
	var act TariffAction
	found := false
	for _, s := range c.DayProfileOn(at) {
		if int(s.Minute) > m {
			break
		}
		act, found = s.Action, true
	}
	if found {
		return act
	}
	prev := c.DayProfileOn(LocalDayStart(at).Add(-time.Hour))
	if len(prev) > 0 {
		return prev[len(prev)-1].Action
	}
	return TariffAction{}
}

// activePrice prices by the calendar: a TOU tier's price, or the block of the named block set
// that periodWh falls in. Block sets share the meter's block counters.
func (c *TariffCalendar) activePrice(t *Tariff, at time.Time, periodWh uint64) (Money, int, int) {
	a := c.ActionAt(at)
	if !a.Block {
		return t.TierPrices[min(int(a.N), MaxTiers-1)], min(int(a.N), MaxTiers-1), 0
	}
	set := c.BlockSets[min(int(a.N), len(c.BlockSets)-1)]
	b := 0
	for _, th := range set.Thresholds {
		if th == 0 || periodWh < uint64(th)*1000 {
			break
		}
		b++
	}
	return set.Prices[b], 0, b
}

// Switches returns the calendar's day profile for the local day of t as the daily TOU switches
// a Tariff without a calendar holds (block actions read as tier 1).
func (c *TariffCalendar) Switches(t time.Time) []TOUSwitch {
	var out []TOUSwitch
	for _, s := range c.DayProfileOn(t) {
		tier := uint8(0)
		if !s.Action.Block {
			tier = s.Action.N
		}
		out = append(out, TOUSwitch{Minute: s.Minute, Tier: tier})
	}
	return out
}

// ResetBlockCounters zeroes the tariff block counter matrix and the consumption of the current
// block period, as 1.7 Reset Tariff Block Counter Matrix does.
func (m *meter) ResetBlockCounters(now time.Time) {
	m.catchUp(now)
	m.blocks = [MaxBlocks]uint64{}
	m.period = 0
	m.replan(now)
}

// SecondaryTariff returns the tariff of a twin-element ESME's secondary element, or nil if none
// has been set.
func (e *ESME) SecondaryTariff() *Tariff { return e.settings.secondary }

// SetSecondaryTariff installs the tariff of the secondary element, as 1.1.2 and 1.2.2 do. smetsim
// does not meter a secondary element's consumption: the tariff is held for reads.
func (e *ESME) SetSecondaryTariff(now time.Time, t *Tariff) error {
	if err := t.Validate(); err != nil {
		return err
	}
	e.settings.secondary = t
	return nil
}

// PublishPrice sends the gas price in force to a HAN device (the PPMID), as the GPF does when the
// GSME's tariff changes: the GPF serves the gas Price cluster on the GSME's behalf.
func (p *GPF) PublishPrice(now time.Time, dst uint16, t *Tariff) error {
	pp := &p.env.io.pp
	*pp = gasPrice(now, t)
	h := zcl.Header{Direction: zcl.ServerToClient, Sequence: p.nextSeq(), DisableDefaultResponse: true}
	return p.send(now, dst, zcl.ClusterPrice, h, pp)
}

// QueueTariffPrice queues the price in force under a new gas tariff for the GSME, as a gas
// tariff update does, tagged with the tariff's IssuerEventID: a GSME that took it holds a tariff
// with that IssuerEventID.
func (p *GPF) QueueTariffPrice(now time.Time, t *Tariff) error {
	pp := gasPrice(now, t)
	return p.enqueue(zcl.ClusterPrice, &pp, 0, 0, false)
}

// gasPrice is the Publish Price frame for the price of t in force at now.
func gasPrice(now time.Time, t *Tariff) zcl.PublishPrice {
	price, tier, _ := t.ActivePrice(now, 0)
	tiers := 1
	for _, s := range t.Switches {
		tiers = max(tiers, int(s.Tier)+1)
	}
	return zcl.PublishPrice{
		ProviderID: t.ProviderID, RateLabel: []byte(clip(t.Label, 12)), IssuerEventID: t.IssuerEventID,
		CurrentTime: utc(now), UnitOfMeasure: zcl.UnitKWh, Currency: zcl.CurrencyGBP,
		PriceTrailingDigitAndPriceTier: priceTrailingDigits<<4 | uint8(tier+1), NumberOfPriceTiersAndRegisterTier: uint8(tiers)<<4 | uint8(tier+1),
		DurationInMinutes: 0xFFFF, Price: uint32(price), PriceRatio: 0xFF, GenerationPrice: 0xFFFFFFFF,
		GenerationPriceRatio: 0xFF, AlternateCostDelivered: 0xFFFFFFFF, AlternateCostUnit: 0xFF, AlternateCostTrailingDigit: 0xFF,
	}
}
