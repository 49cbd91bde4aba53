package devices

import (
	"fmt"
	"time"
)

// Money is an amount in millionths of a pound (μ£). Prices of a few thousandths of a penny per
// kWh and balances of hundreds of pounds both fit exactly.
type Money int64

// Money units.
const (
	Micropound Money = 1
	Penny      Money = 10_000
	Pound      Money = 1_000_000
)

// Pence converts pence (fractions allowed) to Money, rounding to the nearest μ£.
func Pence(p float64) Money {
	if p < 0 {
		return -Pence(-p)
	}
	return Money(p*float64(Penny) + 0.5)
}

// String formats the amount as pounds and pence, with more digits only when needed.
func (m Money) String() string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	pounds, frac := m/Pound, m%Pound
	if frac%Penny == 0 {
		return fmt.Sprintf("%s£%d.%02d", sign, pounds, frac/Penny)
	}
	return fmt.Sprintf("%s£%d.%06d", sign, pounds, frac)
}

// Limits of SMETS1 register sets as smetsim models them.
const (
	MaxTiers  = 4 // TOU registers
	MaxBlocks = 4 // blocks of a block tariff (3 thresholds)
)

// TariffKind says how a tariff prices consumption.
type TariffKind uint8

// Tariff kinds: time of use (a price per tier, tiers switched by local time of day) or block (a
// price per block of consumption within the billing period).
const (
	TariffTOU TariffKind = iota
	TariffBlock
)

// TOUSwitch makes Tier current from Minute (local time since midnight) until the next switch.
type TOUSwitch struct {
	Minute uint16
	Tier   uint8 // 0-based
}

// Tariff is a meter's pricing. A Tariff is shared between meters and never changed in place:
// an update makes a new one, so a fleet of a million meters holds a handful.
type Tariff struct {
	Kind TariffKind
	// Switches, sorted by Minute, say which TOU tier is current. The tier before the first
	// switch of the day is that of the last switch (it carries over midnight).
	Switches   []TOUSwitch
	TierPrices [MaxTiers]Money // per kWh
	// BlockThresholds are the consumption (in kWh) within the billing period at which each next
	// block starts; zero thresholds are unused.
	BlockThresholds [MaxBlocks - 1]uint32
	BlockPrices     [MaxBlocks]Money // per kWh
	StandingCharge  Money            // per day
	// Gas only: calorific value in MJ/m³ × 1000 and volume conversion factor × 1e6.
	CalorificValue   uint32
	ConversionFactor uint32
	// ProviderID and IssuerEventID identify the tariff in ZCL Price frames.
	ProviderID    uint32
	IssuerEventID uint32
	Label         string
	// Calendar, when set, is the full switching table (seasons, week profiles, special days,
	// block price sets) that prices instead of Switches.
	Calendar *TariffCalendar
}

// TierAt returns the TOU tier in force at local minute m of the day.
func (t *Tariff) TierAt(m int) int {
	if t.Kind != TariffTOU || len(t.Switches) == 0 {
		return 0
	}
	tier := int(t.Switches[len(t.Switches)-1].Tier)
	for _, s := range t.Switches {
		if int(s.Minute) > m {
			break
		}
		tier = int(s.Tier)
	}
	return tier
}

// BlockOf returns the block that consumption number wh (within the billing period) falls in.
func (t *Tariff) BlockOf(wh uint64) int {
	if t.Kind != TariffBlock {
		return 0
	}
	b := 0
	for _, th := range t.BlockThresholds {
		if th == 0 || wh < uint64(th)*1000 {
			break
		}
		b++
	}
	return b
}

// Price returns the price per kWh for a tier (TOU) or block (block tariff).
func (t *Tariff) Price(tier, block int) Money {
	if t.Kind == TariffBlock {
		return t.BlockPrices[block]
	}
	return t.TierPrices[tier]
}

// ActivePrice returns the price in force at instant at for a meter that has counted periodWh in the
// current billing period, with its tier and block.
func (t *Tariff) ActivePrice(at time.Time, periodWh uint64) (price Money, tier, block int) {
	if t.Calendar != nil {
		return t.Calendar.activePrice(t, at, periodWh)
	}
	tier = t.TierAt(LocalMinuteOfDay(at))
	block = t.BlockOf(periodWh)
	return t.Price(tier, block), tier, block
}

// Validate checks that the tariff is one a SMETS1 meter would accept.
func (t *Tariff) Validate() error {
	last := -1
	for i, s := range t.Switches {
		if int(s.Minute) >= 24*60 {
			return fmt.Errorf("switch %d: minute %d is past the end of the day", i, s.Minute)
		}
		if int(s.Minute) <= last {
			return fmt.Errorf("switch %d: switch times must increase", i)
		}
		if int(s.Tier) >= MaxTiers {
			return fmt.Errorf("switch %d: tier %d, but a meter has %d tiers", i, s.Tier+1, MaxTiers)
		}
		last = int(s.Minute)
	}
	prev := uint32(0)
	for i, th := range t.BlockThresholds {
		if th == 0 {
			continue
		}
		if th <= prev {
			return fmt.Errorf("block threshold %d: thresholds must increase", i+1)
		}
		prev = th
	}
	for i, p := range t.TierPrices {
		if p < 0 {
			return fmt.Errorf("tier %d price is negative", i+1)
		}
	}
	for i, p := range t.BlockPrices {
		if p < 0 {
			return fmt.Errorf("block %d price is negative", i+1)
		}
	}
	if t.StandingCharge < 0 {
		return fmt.Errorf("standing charge is negative")
	}
	return nil
}

// WithoutBlockThresholds returns a copy of the tariff with every block threshold cleared: what a
// meter with FaultForgetBlockThresholds is left with after a tariff update.
func (t *Tariff) WithoutBlockThresholds() *Tariff {
	c := *t
	c.BlockThresholds = [MaxBlocks - 1]uint32{}
	return &c
}

// Weekday bits of a non-disablement period.
const (
	Sunday uint8 = 1 << iota
	Monday
	Tuesday
	Wednesday
	Thursday
	Friday
	Saturday
	EveryDay = Sunday | Monday | Tuesday | Wednesday | Thursday | Friday | Saturday
	Weekdays = Monday | Tuesday | Wednesday | Thursday | Friday
	Weekend  = Saturday | Sunday
)

// NonDisablementPeriod is a recurring stretch of UK local time during which a prepayment meter
// that runs out of credit keeps the supply on (friendly credit). It starts at Start minutes past
// local midnight on each day in Days and lasts until End; End ≤ Start runs past midnight into the
// next day; Start = End = 0 is the whole day.
type NonDisablementPeriod struct {
	Days       uint8
	Start, End uint16
}

// NonDisablement is a meter's non-disablement calendar.
type NonDisablement struct {
	Periods []NonDisablementPeriod
}

// Covering reports whether t falls inside a non-disablement period and, if so, the instant the
// friendly-credit stretch that contains it ends (adjacent and overlapping periods are merged).
func (n *NonDisablement) Covering(t time.Time) (bool, time.Time) {
	if n == nil || len(n.Periods) == 0 {
		return false, time.Time{}
	}
	in, end := n.covering(t)
	if !in {
		return false, time.Time{}
	}
	// Merge with periods that start exactly where this one ends (e.g. weekday evenings into a
	// weekend), for at most a fortnight of chaining.
	for i := 0; i < 28; i++ {
		more, e := n.covering(end)
		if !more || !e.After(end) {
			break
		}
		end = e
	}
	return true, end
}

func (n *NonDisablement) covering(t time.Time) (bool, time.Time) {
	day := LocalDayStart(t)
	// A period that began yesterday may still be running.
	days := [2]time.Time{LocalDayStart(day.Add(-time.Hour)), day}
	found := false
	var end time.Time
	for _, d := range days {
		wd := d.In(London).Weekday()
		for _, p := range n.Periods {
			if p.Days&(1<<uint(wd)) == 0 {
				continue
			}
			from := LocalTimeOnDay(d, int(p.Start))
			var to time.Time
			switch {
			case p.Start == p.End:
				to = NextLocalDayStart(d)
				if p.Start != 0 {
					to = LocalTimeOnDay(NextLocalDayStart(d), int(p.End))
				}
			case p.End < p.Start:
				to = LocalTimeOnDay(NextLocalDayStart(d), int(p.End))
			default:
				to = LocalTimeOnDay(d, int(p.End))
			}
			if !t.Before(from) && t.Before(to) && (!found || to.After(end)) {
				found, end = true, to
			}
		}
	}
	return found, end
}
