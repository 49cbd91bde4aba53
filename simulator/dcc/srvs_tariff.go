package dcc

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
)

// The tariff SRVs: 1.1.1 and 1.2.1 (an ESME directly, a GSME through its GPF's queue), 1.1.2
// and 1.2.2 (a twin-element ESME's secondary element) and 1.7.
//
// Units, smetsim's reading of DUIS (the public material does not spell them out):
//   - an electricity price or standing charge is its value × 10^PriceScale (StandingChargeScale)
//     pounds, per kWh or per day: 2121 at scale -5 is £0.02121/kWh;
//   - gas prices and standing charge carry no scale in DUIS: smetsim reads them in units of
//     £0.00001 (a thousandth of a penny), the resolution it gives meter balances (see moneyUnits);
//   - block thresholds are in Wh of the billing period; 4294967295 (all ones) means "no threshold";
//   - switching times are UK local clock times, as a SMETS switching table runs on local time:
//     the "Z" the templates write after them is ignored;
//   - a meter has 4 TOU registers (devices.MaxTiers) and 4 blocks: a tariff that names more is
//     refused E100; a Device Model that shows fewer tier registers on the HAN still prices by
//     every tier it is sent.
func init() {
	register(map[string]impl{
		"1.1.1": {exec: updateTariff(primaryTariff, "UpdateImportTariffPrimaryElementRsp"), viaGSME: true, queue: queueGasTariff(primaryTariff),
			check: onCall(validateTariff(primaryTariff))},
		"1.2.1": {exec: updateTariff(primaryPrice, "UpdatePricePrimaryElementRsp"), viaGSME: true, queue: queueGasTariff(primaryPrice),
			check: onCall(validateTariff(primaryPrice))},
		"1.1.2": {exec: updateTariff(secondaryTariff, "UpdateImportTariffSecondaryElementRsp"), check: onCall(validateTariff(secondaryTariff))},
		"1.2.2": {exec: updateTariff(secondaryPrice, "UpdatePriceSecondaryElementRsp"), check: onCall(validateTariff(secondaryPrice))},
		"1.7":   {exec: resetBlockCounters},
	})
}

// tariffBody is the union of the four tariff and price bodies (TariffPrimaryElement,
// TariffSecondaryElement, UpdatePricePrimaryElement, UpdatePriceSecondaryElement).
type tariffBody struct {
	Elec *struct {
		CurrencyUnits string          `xml:"CurrencyUnits"`
		Switching     switchingXML    `xml:"SwitchingTable"`
		SpecialDays   []specialDayXML `xml:"SpecialDays>SpecialDay"`
		Thresholds    []struct {
			Index  int          `xml:"index,attr"`
			Values []indexedXML `xml:"BlockThreshold"`
		} `xml:"ThresholdMatrix>Thresholds"`
	} `xml:"ElecTariffElements"`
	Gas *struct {
		Switching   switchingXML    `xml:"SwitchingTable"`
		SpecialDays []specialDayXML `xml:"SpecialDays>SpecialDay"`
		Thresholds  []indexedXML    `xml:"ThresholdMatrix>BlockThreshold"`
	} `xml:"GasTariffElements"`
	// The secondary element's switching table sits directly in the body.
	Switching   *switchingXML   `xml:"SwitchingTable"`
	SpecialDays []specialDayXML `xml:"SpecialDays>SpecialDay"`
	Prices      struct {
		Elec *struct {
			StandingCharge      int64         `xml:"StandingCharge"`
			StandingChargeScale int           `xml:"StandingChargeScale"`
			PriceScale          int           `xml:"PriceScale"`
			Block               *blocksXML    `xml:"BlockTariff"`
			TOU                 *[]indexedXML `xml:"TOUTariff>TOUPrice"`
			Hybrid              *struct {
				blocksXML
				TOU []indexedXML `xml:"TOUPrice"`
			} `xml:"HybridTariff"`
		} `xml:"ElectricityPriceElements"`
		Gas *struct {
			CurrencyUnits  string `xml:"CurrencyUnits"`
			StandingCharge int64  `xml:"StandingCharge"`
			Block          *struct {
				Prices     []indexedXML `xml:"BlockPrice"`
				Thresholds int          `xml:"NumberOfThresholds"`
			} `xml:"BlockTariff"`
			TOU *[]indexedXML `xml:"TOUTariff>TOUPrice"`
		} `xml:"GasPriceElements"`
		// Secondary element prices.
		PriceScale *int         `xml:"PriceScale"`
		Secondary  []indexedXML `xml:"ElectricityPriceElement"`
	} `xml:"PriceElements"`
}

type blocksXML struct {
	Sets []struct {
		Index  int          `xml:"index,attr"`
		Prices []indexedXML `xml:"BlockPrice"`
	} `xml:"BlockPrices"`
}

type indexedXML struct {
	Index int    `xml:"index,attr"`
	Value string `xml:",chardata"`
}

type switchingXML struct {
	Days []struct {
		Name      uint8 `xml:"DayName"`
		Schedules []struct {
			Start string `xml:"StartTime"`
			TOU   *uint8 `xml:"TOUTariffAction"`
			Block *uint8 `xml:"BlockTariffAction"`
		} `xml:"ProfileSchedule"`
		// A gas day profile has one action for the whole day.
		TOU   *uint8    `xml:"TOUTariffAction"`
		Block *struct{} `xml:"BlockTariff"`
	} `xml:"DayProfiles>DayProfile"`
	Weeks   []weekProfileXML `xml:"WeekProfiles>WeekProfile"`
	Seasons []struct {
		Name  string  `xml:"SeasonName"`
		Start dateXML `xml:"SeasonStartDate"`
		Week  uint8   `xml:"ReferencedWeekName"`
	} `xml:"Seasons>Season"`
}

type specialDayXML struct {
	Date dateXML `xml:"Date"`
	Day  uint8   `xml:"ReferencedDayName"`
}

// dateXML reads both the electricity (Year, Month…) and the gas (GasYearWithWildcards…) forms.
type dateXML struct {
	Year     dateFieldXML `xml:"Year"`
	Month    dateFieldXML `xml:"Month"`
	Day      dateFieldXML `xml:"DayOfMonth"`
	Weekday  dateFieldXML `xml:"DayOfWeek"`
	GYear    dateFieldXML `xml:"GasYearWithWildcards"`
	GMonth   dateFieldXML `xml:"GasMonthWithWildcards"`
	GDay     dateFieldXML `xml:"GasDayOfMonthWithWildcards"`
	GWeekday dateFieldXML `xml:"GasDayOfWeekWithWildcards"`
}

type dateFieldXML struct {
	Year       *uint16   `xml:"SpecifiedYear"`
	Month      *uint8    `xml:"SpecifiedMonth"`
	Day        *uint8    `xml:"SpecifiedDayOfMonth"`
	Last       *struct{} `xml:"LastDayOfMonth"`
	SecondLast *struct{} `xml:"SecondLastDayOfMonth"`
	Weekday    *uint8    `xml:"SpecifiedDayOfWeek"`
}

func (d dateXML) spec() devices.DateSpec {
	var s devices.DateSpec
	for _, f := range []dateFieldXML{d.Year, d.Month, d.Day, d.Weekday, d.GYear, d.GMonth, d.GDay, d.GWeekday} {
		switch {
		case f.Year != nil:
			s.Year = *f.Year
		case f.Month != nil:
			s.Month = *f.Month
		case f.Day != nil:
			s.Day = *f.Day
		case f.Last != nil:
			s.Day = devices.LastDayOfMonth
		case f.SecondLast != nil:
			s.Day = devices.SecondLastDayOfMonth
		case f.Weekday != nil:
			s.Weekday = *f.Weekday
		}
	}
	return s
}

// tariffOp says which of the four tariff SRVs a body is for.
type tariffOp int

const (
	primaryTariff tariffOp = iota
	primaryPrice
	secondaryTariff
	secondaryPrice
)

var tariffBodyNames = [...]string{"UpdateImportTariffPrimaryElement", "UpdatePricePrimaryElement",
	"UpdateImportTariffSecondaryElement", "UpdatePriceSecondaryElement"}

// tariffPlan is a parsed tariff body: the tariff the meter will hold, and every price in it for
// the S1SP's data-value check.
type tariffPlan struct {
	tariff    *devices.Tariff
	prices    []devices.Money // per kWh
	standing  []devices.Money // per day
	secondary bool
}

// planTariff reads a tariff or price body and builds the tariff the device will hold, from base
// (the tariff it holds now) for a price-only update.
func planTariff(op tariffOp, req *duis.Request, kind devices.Kind, base *devices.Tariff, now time.Time) (*tariffPlan, *failure) {
	name := tariffBodyNames[op]
	var b tariffBody
	if err := req.Body.Decode(&b); err != nil {
		return nil, fail(E100, "%s: %v", name, err)
	}
	gas := kind == devices.KindGSME || kind == devices.KindGPF
	t := &devices.Tariff{Kind: devices.TariffTOU}
	if base != nil {
		c := *base
		t = &c
	}
	t.IssuerEventID = uint32(req.Header.RequestID.Counter)
	if base != nil && t.IssuerEventID == base.IssuerEventID {
		t.IssuerEventID++
	}
	if op == primaryTariff || op == secondaryTariff {
		// A tariff update replaces prices and switching table whole.
		t.TierPrices, t.BlockPrices, t.BlockThresholds, t.Calendar, t.Switches = [devices.MaxTiers]devices.Money{}, [devices.MaxBlocks]devices.Money{}, [devices.MaxBlocks - 1]uint32{}, nil, nil
	}
	p := &tariffPlan{tariff: t, secondary: op == secondaryTariff || op == secondaryPrice}
	tiers := 0
	var sets []devices.BlockSet
	if t.Calendar != nil {
		sets = append(sets, t.Calendar.BlockSets...)
	}
	if len(sets) == 0 {
		sets = []devices.BlockSet{{Thresholds: t.BlockThresholds, Prices: t.BlockPrices}}
	}
	// Prices.
	pe := b.Prices
	switch {
	case op == secondaryTariff || op == secondaryPrice:
		if pe.PriceScale == nil || len(pe.Secondary) == 0 {
			return nil, fail(E100, "%s: PriceElements needs PriceScale and ElectricityPriceElement", name)
		}
		for _, x := range pe.Secondary {
			m, f := scaledPrice(name+": ElectricityPriceElement", x, *pe.PriceScale, devices.MaxTiers)
			if f != nil {
				return nil, f
			}
			t.TierPrices[x.Index-1] = m
			tiers = max(tiers, x.Index)
			p.prices = append(p.prices, m)
		}
	case gas:
		g := pe.Gas
		if g == nil {
			return nil, fail(E100, "%s: PriceElements: a %s takes GasPriceElements", name, kind)
		}
		if g.CurrencyUnits != "GBP" {
			return nil, fail(E100, "%s: CurrencyUnits %q: smetsim's meters count in GBP", name, g.CurrencyUnits)
		}
		t.StandingCharge = devices.Money(g.StandingCharge) * gasUnit
		p.standing = append(p.standing, t.StandingCharge)
		if g.TOU != nil {
			for _, x := range *g.TOU {
				m, f := scaledPrice(name+": TOUPrice", x, -5, devices.MaxTiers)
				if f != nil {
					return nil, f
				}
				t.TierPrices[x.Index-1] = m
				tiers = max(tiers, x.Index)
				p.prices = append(p.prices, m)
			}
		}
		if g.Block != nil {
			for _, x := range g.Block.Prices {
				m, f := scaledPrice(name+": BlockPrice", x, -5, devices.MaxBlocks)
				if f != nil {
					return nil, f
				}
				sets[0].Prices[x.Index-1] = m
				p.prices = append(p.prices, m)
			}
		}
	default:
		e := pe.Elec
		if e == nil {
			return nil, fail(E100, "%s: PriceElements: an ESME takes ElectricityPriceElements", name)
		}
		sc, f := scaledPrice(name+": StandingCharge", indexedXML{Index: 1, Value: strconv.FormatInt(e.StandingCharge, 10)}, e.StandingChargeScale, 1)
		if f != nil {
			return nil, f
		}
		t.StandingCharge = sc
		p.standing = append(p.standing, sc)
		var tou []indexedXML
		var blocks *blocksXML
		switch {
		case e.TOU != nil:
			tou = *e.TOU
		case e.Block != nil:
			blocks = e.Block
		case e.Hybrid != nil:
			tou, blocks = e.Hybrid.TOU, &e.Hybrid.blocksXML
		}
		for _, x := range tou {
			m, f := scaledPrice(name+": TOUPrice", x, e.PriceScale, devices.MaxTiers)
			if f != nil {
				return nil, f
			}
			t.TierPrices[x.Index-1] = m
			tiers = max(tiers, x.Index)
			p.prices = append(p.prices, m)
		}
		if blocks != nil {
			for _, s := range blocks.Sets {
				if s.Index < 1 || s.Index > 8 {
					return nil, fail(E100, "%s: BlockPrices index %d is not 1 to 8", name, s.Index)
				}
				for len(sets) < s.Index {
					sets = append(sets, devices.BlockSet{})
				}
				for _, x := range s.Prices {
					m, f := scaledPrice(fmt.Sprintf("%s: BlockPrices %d: BlockPrice", name, s.Index), x, e.PriceScale, devices.MaxBlocks)
					if f != nil {
						return nil, f
					}
					sets[s.Index-1].Prices[x.Index-1] = m
					p.prices = append(p.prices, m)
				}
			}
		}
	}
	// The switching table, for a tariff update; a price update keeps the table the meter has.
	var cal *devices.TariffCalendar
	switch op {
	case primaryTariff:
		switch {
		case gas && b.Gas != nil:
			c, f := calendarOf(name, b.Gas.Switching, b.Gas.SpecialDays, true)
			if f != nil {
				return nil, f
			}
			cal = c
		case !gas && b.Elec != nil:
			if b.Elec.CurrencyUnits != "GBP" {
				return nil, fail(E100, "%s: CurrencyUnits %q: smetsim's meters count in GBP", name, b.Elec.CurrencyUnits)
			}
			c, f := calendarOf(name, b.Elec.Switching, b.Elec.SpecialDays, false)
			if f != nil {
				return nil, f
			}
			cal = c
			for _, th := range b.Elec.Thresholds {
				if th.Index < 1 || th.Index > 8 {
					return nil, fail(E100, "%s: ThresholdMatrix: Thresholds index %d is not 1 to 8", name, th.Index)
				}
				for len(sets) < th.Index {
					sets = append(sets, devices.BlockSet{})
				}
				for _, v := range th.Values {
					kwh, f := thresholdKWh(fmt.Sprintf("%s: ThresholdMatrix: Thresholds %d: BlockThreshold", name, th.Index), v)
					if f != nil {
						return nil, f
					}
					sets[th.Index-1].Thresholds[v.Index-1] = kwh
				}
			}
		default:
			want := "ElecTariffElements"
			if gas {
				want = "GasTariffElements"
			}
			return nil, fail(E100, "%s: a %s takes %s", name, kind, want)
		}
	case secondaryTariff:
		if b.Switching == nil {
			return nil, fail(E100, "%s: SwitchingTable is missing", name)
		}
		c, f := calendarOf(name, *b.Switching, b.SpecialDays, false)
		if f != nil {
			return nil, f
		}
		cal = c
	default:
		cal = t.Calendar
		if cal != nil {
			c := *cal
			cal = &c
		}
	}
	if tiers == 0 {
		for i, pr := range t.TierPrices {
			if pr != 0 {
				tiers = i + 1
			}
		}
	}
	if cal != nil {
		cal.BlockSets = sets
		if err := cal.Validate(max(tiers, 1)); err != nil {
			return nil, fail(E100, "%s: SwitchingTable: %v", name, err)
		}
		t.Calendar = cal
		t.Switches = cal.Switches(now)
		t.Kind = devices.TariffTOU
		for _, d := range cal.Days {
			for _, s := range d {
				if s.Action.Block {
					t.Kind = devices.TariffBlock
				}
			}
		}
	}
	t.BlockThresholds, t.BlockPrices = sets[0].Thresholds, sets[0].Prices
	t.Label = ""
	if err := t.Validate(); err != nil {
		return nil, fail(E100, "%s: PriceElements: %v", name, err)
	}
	for i, s := range sets {
		if (&devices.Tariff{BlockThresholds: s.Thresholds}).Validate() != nil {
			return nil, fail(E100, "%s: ThresholdMatrix: Thresholds %d must increase", name, i+1)
		}
	}
	return p, nil
}

// gasUnit is the Money of one DUIS gas price unit (£0.00001).
const gasUnit = 10 * devices.Micropound

// scaledPrice reads value × 10^scale pounds as Money; index must be 1…maxIndex.
func scaledPrice(field string, x indexedXML, scale, maxIndex int) (devices.Money, *failure) {
	if x.Index < 1 || x.Index > maxIndex {
		return 0, fail(E100, "%s index %d: the meter has %d (smetsim's SMETS1 register set)", field, x.Index, maxIndex)
	}
	v, err := strconv.ParseInt(strings.TrimSpace(x.Value), 10, 64)
	if err != nil {
		return 0, fail(E100, "%s %d: %q is not an integer", field, x.Index, x.Value)
	}
	if scale < -12 || scale > 6 {
		return 0, fail(E100, "%s: scale %d is outside what a meter holds (-12 to 6)", field, scale)
	}
	m := devices.Money(v)
	for e := scale + 6; e > 0; e-- {
		m *= 10
	}
	if e := scale + 6; e < 0 {
		d := devices.Money(1)
		for ; e < 0; e++ {
			d *= 10
		}
		m = (m + d/2) / d
	}
	if m > devices.Money(1<<32-1) || m < -devices.Money(1<<32-1) {
		return 0, fail(E100, "%s %d: %s is more than a meter's price register holds", field, x.Index, m)
	}
	return m, nil
}

func thresholdKWh(field string, x indexedXML) (uint32, *failure) {
	if x.Index < 1 || x.Index > devices.MaxBlocks-1 {
		return 0, fail(E100, "%s index %d is not 1 to %d", field, x.Index, devices.MaxBlocks-1)
	}
	v, err := strconv.ParseUint(strings.TrimSpace(x.Value), 10, 64)
	if err != nil {
		return 0, fail(E100, "%s %d: %q is not a count of Wh", field, x.Index, x.Value)
	}
	if v >= 1<<32-1 {
		return 0, nil
	}
	return uint32(v / 1000), nil
}

// calendarOf reads a switching table and special days.
func calendarOf(name string, st switchingXML, special []specialDayXML, gas bool) (*devices.TariffCalendar, *failure) {
	c := &devices.TariffCalendar{Days: map[uint8][]devices.TariffSwitch{}, Weeks: map[uint8][7]uint8{}}
	for _, d := range st.Days {
		if _, dup := c.Days[d.Name]; dup {
			return nil, fail(E100, "%s: DayProfile %d is defined twice", name, d.Name)
		}
		var sw []devices.TariffSwitch
		if gas {
			switch {
			case d.TOU != nil:
				sw = []devices.TariffSwitch{{Action: devices.TariffAction{N: *d.TOU - 1}}}
			case d.Block != nil:
				sw = []devices.TariffSwitch{{Action: devices.TariffAction{Block: true}}}
			default:
				return nil, fail(E100, "%s: DayProfile %d has neither TOUTariffAction nor BlockTariff", name, d.Name)
			}
		}
		for i, s := range d.Schedules {
			minute, err := localMinute(s.Start)
			if err != nil {
				return nil, fail(E100, "%s: DayProfile %d: ProfileSchedule %d: StartTime: %v", name, d.Name, i+1, err)
			}
			var a devices.TariffAction
			switch {
			case s.TOU != nil && *s.TOU >= 1:
				a = devices.TariffAction{N: *s.TOU - 1}
			case s.Block != nil && *s.Block >= 1:
				a = devices.TariffAction{Block: true, N: *s.Block - 1}
			default:
				return nil, fail(E100, "%s: DayProfile %d: ProfileSchedule %d has no tariff action", name, d.Name, i+1)
			}
			if !a.Block && int(a.N) >= devices.MaxTiers {
				return nil, fail(E100, "%s: DayProfile %d: TOUTariffAction %d: the meter has %d TOU registers", name, d.Name, a.N+1, devices.MaxTiers)
			}
			sw = append(sw, devices.TariffSwitch{Minute: uint16(minute), Action: a})
		}
		c.Days[d.Name] = sw
	}
	for _, w := range st.Weeks {
		var days [7]uint8
		for _, d := range w.Days {
			if d.Index < 1 || d.Index > 7 {
				return nil, fail(E100, "%s: WeekProfile %d: ReferencedDayName index %d is not 1 to 7", name, w.Name, d.Index)
			}
			days[d.Index-1] = d.Day
		}
		c.Weeks[w.Name] = days
	}
	for _, s := range st.Seasons {
		c.Seasons = append(c.Seasons, devices.TariffSeason{Name: s.Name, Start: s.Start.spec(), Week: s.Week})
	}
	for _, s := range special {
		c.Special = append(c.Special, devices.TariffSpecialDay{Date: s.Date.spec(), Day: s.Day})
	}
	return c, nil
}

// localMinute reads an xs:time as minutes past local midnight (any zone designator ignored).
func localMinute(s string) (int, error) {
	s = strings.TrimSpace(s)
	if len(s) < 8 || s[2] != ':' || s[5] != ':' {
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:5])
	if err1 != nil || err2 != nil || h > 23 || m > 59 {
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return h*60 + m, nil
}

// tariffBase is the tariff a price update starts from on the device addressed.
func tariffBase(op tariffOp, p interface {
	Tariff() *devices.Tariff
}, e *devices.ESME) *devices.Tariff {
	if op == secondaryTariff || op == secondaryPrice {
		if e == nil {
			return nil
		}
		return e.SecondaryTariff()
	}
	return p.Tariff()
}

// planFor plans a tariff body against the device a call addresses.
func (d *DCC) planFor(op tariffOp, c *call, req *duis.Request, now time.Time) (*tariffPlan, *failure) {
	p := d.cfg.Fleet.ByDevice(c.device.ID)
	if p == nil {
		return nil, fail(E19, "device is in the inventory but not in the fleet")
	}
	var base *devices.Tariff
	if c.device.Kind == devices.KindESME {
		base = tariffBase(op, p.ESME, p.ESME)
	} else if p.GSME != nil {
		base = tariffBase(op, p.GSME, nil)
	}
	return planTariff(op, req, c.device.Kind, base, now)
}

func validateTariff(op tariffOp) func(c *call) *failure {
	return func(c *call) *failure {
		// The plan is rebuilt when the device takes it; here the body only has to fit.
		_, f := planTariff(op, c.req, c.device.Kind, nil, time.Time{})
		return f
	}
}

// pendingGasTariffs holds, per job, the tariff queued for a GSME until it has taken it: a price
// update is planned from the tariff the GSME held when the request arrived.
var pendingGasTariffs sync.Map // *job → *devices.Tariff

func queueGasTariff(op tariffOp) func(j *job, now time.Time) error {
	return func(j *job, now time.Time) error {
		plan, f := planTariff(op, j.orig, devices.KindGSME, j.p.GSME.Tariff(), now)
		if f != nil {
			return errString(f.reason)
		}
		pendingGasTariffs.Store(j, plan.tariff)
		return j.p.GPF.QueueTariffPrice(now, plan.tariff)
	}
}

// updateTariff carries out 1.1.x and 1.2.x. An ESME installs the tariff and publishes its price
// to the PPMID. A GSME took the new price from its GPF's queue at its wake-up; the rest of the
// tariff (switching table, standing charge) is the S1SP's manufacturer-specific download,
// completed when the GSME answers, after which the GPF publishes the gas price to the PPMID.
func updateTariff(op tariffOp, rsp string) func(j *job, now time.Time) ([]byte, *failure) {
	return func(j *job, now time.Time) ([]byte, *failure) {
		if j.c.device.Kind == devices.KindGSME {
			v, ok := pendingGasTariffs.LoadAndDelete(j)
			if !ok {
				return nil, fail(E21, "no tariff was queued for the GSME")
			}
			t := v.(*devices.Tariff)
			g := j.p.GSME
			if g.Tariff().IssuerEventID != t.IssuerEventID {
				return nil, fail(E21, "the GSME did not take the tariff at its wake-up")
			}
			if err := g.SetTariff(now, t); err != nil {
				return finish(refused(rsp))
			}
			if j.p.PPMID != nil {
				_ = j.p.GPF.PublishPrice(now, j.p.PPMID.Short(), g.Tariff())
			}
			return finish(success(rsp).End())
		}
		plan, f := j.d.planFor(op, j.c, j.orig, now)
		if f != nil {
			return nil, f
		}
		e := j.p.ESME
		var err error
		if plan.secondary {
			err = e.SetSecondaryTariff(now, plan.tariff)
		} else {
			err = e.SetTariff(now, plan.tariff)
		}
		if err != nil {
			return finish(refused(rsp))
		}
		return finish(success(rsp).End())
	}
}

// refused is a device's answer that it did not carry the command out.
func refused(rsp string) *duis.MMCWriter {
	var m duis.MMCWriter
	return m.Start(rsp, duis.Attr{Name: "MessageSuccess", Value: "false"}).End()
}

// resetBlockCounters is 1.7.
func resetBlockCounters(j *job, now time.Time) ([]byte, *failure) {
	j.p.ESME.ResetBlockCounters(now)
	return finish(success("ResetTariffBlockCounterMatrixRsp").End())
}

// checkTariffData is the S1SP's data-value check of a tariff or price body: a price or standing
// charge above its limit stops the request (a zero limit does not check). It reads the body with
// the same parser the device steps use, so the check and the device agree on every value.
func (d *DCC) checkTariffData(c *call, orig *duis.Request, now time.Time) *failure {
	op := map[string]tariffOp{"1.1.1": primaryTariff, "1.2.1": primaryPrice, "1.1.2": secondaryTariff, "1.2.2": secondaryPrice}[c.srv.Variant]
	plan, f := planTariff(op, orig, c.device.Kind, nil, now)
	if f != nil {
		return nil // a body that does not fit was refused E100 already
	}
	lim := d.cfg.DataLimits
	for _, p := range plan.prices {
		if lim.MaxPrice > 0 && p > lim.MaxPrice {
			return fail(S1SPDataValueAlert, "the price of %s/kWh is above the S1SP's limit of %s/kWh", p, lim.MaxPrice)
		}
	}
	for _, s := range plan.standing {
		if lim.MaxStandingCharge > 0 && s > lim.MaxStandingCharge {
			return fail(S1SPDataValueAlert, "the standing charge of %s/day is above the S1SP's limit of %s/day", s, lim.MaxStandingCharge)
		}
	}
	return nil
}

// weekProfileXML is a DUIS week profile: the day profile of each day of the week, by name. Tariff
// and non-disablement calendars share it.
type weekProfileXML struct {
	Name uint8 `xml:"WeekName"`
	Days []struct {
		Index int   `xml:"index,attr"`
		Day   uint8 `xml:",chardata"`
	} `xml:"ReferencedDayName"`
}
