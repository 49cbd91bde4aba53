// Package fleet builds premises (CHF + ESME + GPF + GSME + PPMID on one HAN) from Device Models and
// a fleet file, and runs them on the virtual clock: consumption, prepayment, consumers topping up,
// GSME wake cycles and all the HAN traffic between the devices.
package fleet

import (
	"encoding/binary"
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/simulator/catalogue"
)

// Spec is a validated fleet file.
type Spec struct {
	Name        string
	Description string
	Seed        uint64
	HasSeed     bool
	Start       time.Time
	Tariffs     map[string]*devices.Tariff
	Calendars   map[string]*devices.NonDisablement
	Premises    []PremisesSpec
	Generators  []GeneratorSpec
}

// DeviceSpec is one device of a listed premises.
type DeviceSpec struct {
	EUI            devices.EUI64
	Model          *devices.Model
	Payment        devices.PaymentMode
	Balance        devices.Money
	Tariff         *devices.Tariff
	Annual         uint32 // kWh (ESME) or m³ (GSME) a year
	NonDisablement *devices.NonDisablement
	BillingDay     int // day of the month the billing data log is taken (1–28)
}

// PremisesSpec is one premises listed in the fleet file.
type PremisesSpec struct {
	ID      string
	CSP     string
	MPAN    string
	MPRN    string
	Devices map[devices.Kind]*DeviceSpec
}

// Weighted is a choice with a weight.
type Weighted[T any] struct {
	Value  T
	Weight float64
}

// GeneratorSpec makes Count premises from weighted choices of models and settings.
type GeneratorSpec struct {
	Count   int
	Prefix  string // premises id prefix
	EUIBase devices.EUI64
	Models  map[devices.Kind][]Weighted[*devices.Model]
	// Combinations, when given instead of Models, choose every device of a premises together,
	// as installers fit products that are sold and certified together.
	Combinations []Weighted[Combination]
	CSP          string // communications service provider, with Models
	Tariffs      map[devices.Kind][]Weighted[*devices.Tariff]
	Prepayment   float64 // share of premises on prepayment
	Gas          float64 // share with gas (GPF + GSME)
	PPMID        string  // "prepayment" (default), "always" or "never"
	Balance      devices.Money
	AnnualKWh    [2]uint32
	AnnualM3     [2]uint32
	Calendar     *devices.NonDisablement
}

// Combination is a set of Device Models fitted together, with the communications service provider
// whose WAN serves the hub.
type Combination struct {
	CSP    string
	Models map[devices.Kind]*devices.Model
}

type rawCombination struct {
	Weight float64 `yaml:"weight"`
	CSP    string  `yaml:"csp"`
	CHF    string  `yaml:"CHF"`
	ESME   string  `yaml:"ESME"`
	GPF    string  `yaml:"GPF"`
	GSME   string  `yaml:"GSME"`
	PPMID  string  `yaml:"PPMID"`
}

type rawTariff struct {
	Kind             string      `yaml:"kind"`
	Label            string      `yaml:"label"`
	Switches         []rawSwitch `yaml:"switches"`
	Prices           []string    `yaml:"prices"`
	ThresholdsKWh    []uint32    `yaml:"thresholds_kwh"`
	StandingCharge   string      `yaml:"standing_charge"`
	CalorificValue   float64     `yaml:"calorific_value"`
	ConversionFactor float64     `yaml:"conversion_factor"`
	ProviderID       uint32      `yaml:"provider_id"`
}

type rawSwitch struct {
	At   string `yaml:"at"`
	Tier int    `yaml:"tier"`
}

type rawPeriod struct {
	Days string `yaml:"days"`
	From string `yaml:"from"`
	To   string `yaml:"to"`
}

type rawDevice struct {
	ID             string `yaml:"id"`
	Model          string `yaml:"model"`
	Payment        string `yaml:"payment"`
	Balance        string `yaml:"balance"`
	Tariff         string `yaml:"tariff"`
	AnnualKWh      uint32 `yaml:"annual_kwh"`
	AnnualM3       uint32 `yaml:"annual_m3"`
	NonDisablement string `yaml:"non_disablement"`
	BillingDay     int    `yaml:"billing_day"`
}

type rawPremises struct {
	ID      string               `yaml:"id"`
	CSP     string               `yaml:"csp"`
	MPAN    string               `yaml:"mpan"`
	MPRN    string               `yaml:"mprn"`
	Devices map[string]rawDevice `yaml:"devices"`
}

type rawGenerator struct {
	Count          int                           `yaml:"count"`
	Prefix         string                        `yaml:"prefix"`
	EUIBase        string                        `yaml:"eui_base"`
	Models         map[string]map[string]float64 `yaml:"models"`
	Combinations   []rawCombination              `yaml:"combinations"`
	CSP            string                        `yaml:"csp"`
	Tariffs        map[string]map[string]float64 `yaml:"tariffs"`
	Prepayment     *float64                      `yaml:"prepayment"`
	Gas            *float64                      `yaml:"gas"`
	PPMID          string                        `yaml:"ppmid"`
	Balance        string                        `yaml:"balance"`
	AnnualKWh      []uint32                      `yaml:"annual_kwh"`
	AnnualM3       []uint32                      `yaml:"annual_m3"`
	NonDisablement string                        `yaml:"non_disablement"`
}

type rawSpec struct {
	Name           string                 `yaml:"name"`
	Description    string                 `yaml:"description"`
	Seed           *uint64                `yaml:"seed"`
	Start          string                 `yaml:"start"`
	Tariffs        map[string]rawTariff   `yaml:"tariffs"`
	NonDisablement map[string][]rawPeriod `yaml:"non_disablement"`
	Premises       []rawPremises          `yaml:"premises"`
	Generate       []rawGenerator         `yaml:"generate"`
}

// MaxPremises bounds the premises one fleet file may describe.
const MaxPremises = 5_000_000

// DefaultStart is when a fleet's virtual clock starts unless the file or the command says.
var DefaultStart = time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC)

var (
	mpanPattern = regexp.MustCompile(`^[0-9]{13}$`)
	mprnPattern = regexp.MustCompile(`^[0-9]{6,10}$`)
	idPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	// prefixPattern is what may come before a generated premises number and still make an id.
	prefixPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	// moneyDigits is a plain decimal amount, with thousands separated by commas if at all.
	moneyDigits = regexp.MustCompile(`^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$|^\.[0-9]+$`)
	// clockPattern is a local time of day, H:MM or HH:MM.
	clockPattern = regexp.MustCompile(`^([0-9]{1,2}):([0-9]{2})$`)
)

// ParseSpec reads and validates a fleet file, resolving models against the catalogue.
func ParseSpec(name string, data []byte, cat *catalogue.Catalogue) (*Spec, error) {
	var raw rawSpec
	doc, err := yamldoc.Decode(name, data, &raw)
	if err != nil {
		return nil, err
	}
	return parseSpec(doc, raw, cat)
}

// ParseSpecNode reads and validates a fleet written inside another YAML document (a scenario's
// inline fleet), with the same rules as ParseSpec; errors name the enclosing file and the field
// as written there ("fleet.premises[0].devices.ESME.model").
func ParseSpecNode(n *yamldoc.Node, cat *catalogue.Catalogue) (*Spec, error) {
	var raw rawSpec
	doc, err := yamldoc.DecodeNode(n, &raw)
	if err != nil {
		return nil, err
	}
	return parseSpec(doc, raw, cat)
}

func parseSpec(doc *yamldoc.Doc, raw rawSpec, cat *catalogue.Catalogue) (*Spec, error) {
	var err error
	s := &Spec{Name: raw.Name, Description: raw.Description, Start: DefaultStart,
		Tariffs: map[string]*devices.Tariff{}, Calendars: map[string]*devices.NonDisablement{}}
	if s.Name == "" {
		return nil, doc.Errorf("name", "missing: give the fleet a name")
	}
	if raw.Seed != nil {
		s.Seed, s.HasSeed = *raw.Seed, true
	}
	if raw.Start != "" {
		if s.Start, err = time.Parse(time.RFC3339, raw.Start); err != nil {
			return nil, doc.Errorf("start", "%q is not an RFC 3339 time such as 2026-03-27T00:00:00Z", raw.Start)
		}
		s.Start = s.Start.UTC()
	}
	for _, k := range sortedKeys(raw.Tariffs) {
		t, err := parseTariff(doc, yamldoc.Join("tariffs", k), k, raw.Tariffs[k])
		if err != nil {
			return nil, err
		}
		s.Tariffs[k] = t
	}
	for _, k := range sortedKeys(raw.NonDisablement) {
		c, err := parseCalendar(doc, yamldoc.Join("non_disablement", k), raw.NonDisablement[k])
		if err != nil {
			return nil, err
		}
		s.Calendars[k] = c
	}
	if len(raw.Premises) == 0 && len(raw.Generate) == 0 {
		return nil, doc.Errorf("premises", "missing: list premises or add a generate block")
	}
	ids := map[string]string{}
	euis := map[devices.EUI64]string{}
	for i, rp := range raw.Premises {
		p := fmt.Sprintf("premises[%d]", i)
		ps, err := s.parsePremises(doc, p, rp, cat, euis)
		if err != nil {
			return nil, err
		}
		if prev, dup := ids[ps.ID]; dup {
			return nil, doc.Errorf(p+".id", "premises id %q is already used by %s", ps.ID, prev)
		}
		ids[ps.ID] = p
		s.Premises = append(s.Premises, *ps)
	}
	total := len(s.Premises)
	for i, rg := range raw.Generate {
		p := fmt.Sprintf("generate[%d]", i)
		g, err := s.parseGenerator(doc, p, i, rg, cat)
		if err != nil {
			return nil, err
		}
		total += g.Count
		if total > MaxPremises {
			return nil, doc.Errorf(p+".count", "the fleet would have %d premises; the limit is %d", total, MaxPremises)
		}
		// Premises ids name premises in reports and lookups, so a generated one must not repeat a
		// listed one or another generator's.
		for j, prev := range s.Generators {
			if prev.Prefix == g.Prefix {
				return nil, doc.Errorf(p+".prefix", "prefix %q is already used by generate[%d]", g.Prefix, j)
			}
		}
		for _, id := range sortedKeys(ids) {
			if n, ok := generatedNumber(id, g.Prefix); ok && n <= g.Count {
				return nil, doc.Errorf(p+".prefix", "generated premises %s has the id of %s", id, ids[id])
			}
		}
		s.Generators = append(s.Generators, *g)
	}
	return s, nil
}

// generatedNumber reports whether id is one a generator with the given prefix makes (prefix, then
// the premises number in at least six digits) and which.
func generatedNumber(id, prefix string) (int, bool) {
	digits, ok := strings.CutPrefix(id, prefix)
	if !ok || len(digits) < 6 || (len(digits) > 6 && digits[0] == '0') {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 1 || fmt.Sprintf("%06d", n) != digits {
		return 0, false
	}
	return n, true
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ParseMoney reads an amount written as pounds ("£12.50", "-£3", "£1,250") or pence ("24.5p").
// Only plain decimals are money: ParseFloat alone would also take "£1e3", "£0x1p4" or "£-3"
// after a leading minus, which no one writes for an amount and would turn a typo into a price.
func ParseMoney(s string) (devices.Money, error) {
	t := strings.TrimSpace(s)
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	var pence float64
	var err error
	switch {
	case strings.HasPrefix(t, "£") && moneyDigits.MatchString(t[len("£"):]):
		var pounds float64
		pounds, err = strconv.ParseFloat(strings.ReplaceAll(t[len("£"):], ",", ""), 64)
		pence = pounds * 100
	case strings.HasSuffix(t, "p") && moneyDigits.MatchString(t[:len(t)-1]) && !strings.Contains(t, ","):
		pence, err = strconv.ParseFloat(t[:len(t)-1], 64)
	default:
		return 0, fmt.Errorf("%q: write money as pounds (£12.50) or pence (24.5p)", s)
	}
	if err != nil || math.IsNaN(pence) || math.IsInf(pence, 0) || math.Abs(pence) > 1e9 {
		return 0, fmt.Errorf("%q: write money as pounds (£12.50) or pence (24.5p)", s)
	}
	m := devices.Pence(pence)
	if neg {
		m = -m
	}
	return m, nil
}

// parseClock reads a time of day. Digits only: Atoi alone would take "07:+5" as 07:05.
func parseClock(s string) (uint16, error) {
	m := clockPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q: write a local time of day as HH:MM, such as 07:30", s)
	}
	hh, _ := strconv.Atoi(m[1])
	mm, _ := strconv.Atoi(m[2])
	if hh > 23 || mm > 59 {
		return 0, fmt.Errorf("%q: write a local time of day as HH:MM, such as 07:30", s)
	}
	return uint16(hh*60 + mm), nil
}

func parseTariff(doc *yamldoc.Doc, p, name string, r rawTariff) (*devices.Tariff, error) {
	t := &devices.Tariff{Label: r.Label, ProviderID: r.ProviderID, IssuerEventID: 1}
	if t.Label == "" {
		t.Label = name
	}
	if len(t.Label) > 12 {
		return nil, doc.Errorf(p+".label", "%q is longer than the 12 characters a ZCL rate label holds", t.Label)
	}
	switch r.Kind {
	case "tou", "flat", "":
		t.Kind = devices.TariffTOU
	case "block":
		t.Kind = devices.TariffBlock
	default:
		return nil, doc.Errorf(p+".kind", "%q: want flat, tou or block", r.Kind)
	}
	if len(r.Prices) == 0 {
		return nil, doc.Errorf(p+".prices", "missing: give a price per kWh for each tier or block, such as 24.5p")
	}
	if len(r.Prices) > devices.MaxTiers {
		return nil, doc.Errorf(p+".prices", "%d prices, but a meter has %d tiers or blocks", len(r.Prices), devices.MaxTiers)
	}
	for i, ps := range r.Prices {
		m, err := ParseMoney(ps)
		if err != nil {
			return nil, doc.Errorf(fmt.Sprintf("%s.prices[%d]", p, i), "%v", err)
		}
		if m < 0 {
			return nil, doc.Errorf(fmt.Sprintf("%s.prices[%d]", p, i), "a price cannot be negative")
		}
		t.TierPrices[i], t.BlockPrices[i] = m, m
	}
	for i, sw := range r.Switches {
		sp := fmt.Sprintf("%s.switches[%d]", p, i)
		min, err := parseClock(sw.At)
		if err != nil {
			return nil, doc.Errorf(sp+".at", "%v", err)
		}
		if sw.Tier < 1 || sw.Tier > len(r.Prices) {
			return nil, doc.Errorf(sp+".tier", "tier %d, but the tariff has %d prices", sw.Tier, len(r.Prices))
		}
		t.Switches = append(t.Switches, devices.TOUSwitch{Minute: min, Tier: uint8(sw.Tier - 1)})
	}
	if t.Kind == devices.TariffBlock {
		if len(r.ThresholdsKWh) != len(r.Prices)-1 {
			return nil, doc.Errorf(p+".thresholds_kwh", "a block tariff with %d prices needs %d thresholds", len(r.Prices), len(r.Prices)-1)
		}
		copy(t.BlockThresholds[:], r.ThresholdsKWh)
	} else if len(r.ThresholdsKWh) > 0 {
		return nil, doc.Errorf(p+".thresholds_kwh", "only a block tariff has thresholds")
	}
	if r.StandingCharge != "" {
		m, err := ParseMoney(r.StandingCharge)
		if err != nil {
			return nil, doc.Errorf(p+".standing_charge", "%v", err)
		}
		t.StandingCharge = m
	}
	if r.CalorificValue != 0 {
		if !(r.CalorificValue >= 30 && r.CalorificValue <= 50) { // written so that .nan fails too
			return nil, doc.Errorf(p+".calorific_value", "%g MJ/m³ is outside the 30–50 range of natural gas", r.CalorificValue)
		}
		t.CalorificValue = uint32(r.CalorificValue*1000 + 0.5)
	}
	if r.ConversionFactor != 0 {
		if !(r.ConversionFactor >= 0.9 && r.ConversionFactor <= 1.1) {
			return nil, doc.Errorf(p+".conversion_factor", "%g is not a plausible volume correction factor (about 1.02264)", r.ConversionFactor)
		}
		t.ConversionFactor = uint32(r.ConversionFactor*1e6 + 0.5)
	}
	if err := t.Validate(); err != nil {
		return nil, doc.Errorf(p, "%v", err)
	}
	return t, nil
}

var dayNames = map[string]uint8{
	"sun": devices.Sunday, "mon": devices.Monday, "tue": devices.Tuesday, "wed": devices.Wednesday,
	"thu": devices.Thursday, "fri": devices.Friday, "sat": devices.Saturday,
	"weekdays": devices.Weekdays, "weekend": devices.Weekend, "every day": devices.EveryDay, "daily": devices.EveryDay,
}

func parseCalendar(doc *yamldoc.Doc, p string, periods []rawPeriod) (*devices.NonDisablement, error) {
	c := &devices.NonDisablement{}
	for i, r := range periods {
		pp := fmt.Sprintf("%s[%d]", p, i)
		var days uint8
		for _, d := range strings.Split(strings.ToLower(r.Days), ",") {
			bits, ok := dayNames[strings.TrimSpace(d)]
			if !ok {
				return nil, doc.Errorf(pp+".days", "%q: want weekdays, weekend, daily or day names such as mon,tue", r.Days)
			}
			days |= bits
		}
		from, err := parseClock(r.From)
		if err != nil {
			return nil, doc.Errorf(pp+".from", "%v", err)
		}
		to, err := parseClock(r.To)
		if err != nil {
			return nil, doc.Errorf(pp+".to", "%v", err)
		}
		c.Periods = append(c.Periods, devices.NonDisablementPeriod{Days: days, Start: from, End: to})
	}
	return c, nil
}

func (s *Spec) parsePremises(doc *yamldoc.Doc, p string, r rawPremises, cat *catalogue.Catalogue, euis map[devices.EUI64]string) (*PremisesSpec, error) {
	if !idPattern.MatchString(r.ID) {
		return nil, doc.Errorf(p+".id", "%q: a premises id is letters, digits, dots, hyphens and underscores", r.ID)
	}
	ps := &PremisesSpec{ID: r.ID, CSP: r.CSP, MPAN: r.MPAN, MPRN: r.MPRN, Devices: map[devices.Kind]*DeviceSpec{}}
	if ps.CSP == "" {
		ps.CSP = DefaultCSP
	}
	if !mpanPattern.MatchString(r.MPAN) {
		return nil, doc.Errorf(p+".mpan", "%q: an MPAN core is 13 digits", r.MPAN)
	}
	for _, kname := range sortedKeys(r.Devices) {
		dp := yamldoc.Join(p+".devices", kname)
		kind, err := devices.ParseKind(kname)
		if err != nil {
			return nil, doc.Errorf(dp, "%v", err)
		}
		rd := r.Devices[kname]
		ds := &DeviceSpec{Payment: devices.CreditMode}
		if ds.EUI, err = devices.ParseEUI64(rd.ID); err != nil {
			return nil, doc.Errorf(dp+".id", "%v", err)
		}
		if prev, dup := euis[ds.EUI]; dup {
			return nil, doc.Errorf(dp+".id", "Device ID %s is already used by %s", ds.EUI, prev)
		}
		euis[ds.EUI] = dp
		if ds.Model, err = cat.Lookup(rd.Model); err != nil {
			return nil, doc.Errorf(dp+".model", "%v", err)
		}
		if ds.Model.Kind != kind {
			return nil, doc.Errorf(dp+".model", "%s is a %s model, not a %s", ds.Model.ID, ds.Model.Kind, kind)
		}
		meter := kind == devices.KindESME || kind == devices.KindGSME
		if !meter {
			for field, v := range map[string]string{"payment": rd.Payment, "balance": rd.Balance, "tariff": rd.Tariff, "non_disablement": rd.NonDisablement} {
				if v != "" {
					return nil, doc.Errorf(dp+"."+field, "a %s is not a meter", kind)
				}
			}
			if rd.BillingDay != 0 {
				return nil, doc.Errorf(dp+".billing_day", "a %s is not a meter", kind)
			}
			ps.Devices[kind] = ds
			continue
		}
		if rd.Payment != "" {
			if ds.Payment, err = devices.ParsePaymentMode(rd.Payment); err != nil {
				return nil, doc.Errorf(dp+".payment", "%v", err)
			}
		}
		ds.Balance = 10 * devices.Pound
		if rd.Balance != "" {
			if ds.Balance, err = ParseMoney(rd.Balance); err != nil {
				return nil, doc.Errorf(dp+".balance", "%v", err)
			}
		}
		if rd.Tariff == "" {
			return nil, doc.Errorf(dp+".tariff", "missing: name one of the fleet's tariffs")
		}
		if ds.Tariff = s.Tariffs[rd.Tariff]; ds.Tariff == nil {
			return nil, doc.Errorf(dp+".tariff", "unknown tariff %q (the fleet defines %s)", rd.Tariff, strings.Join(sortedKeys(s.Tariffs), ", "))
		}
		if rd.BillingDay < 0 || rd.BillingDay > 28 {
			return nil, doc.Errorf(dp+".billing_day", "%d: the billing day is a day of the month, 1–28", rd.BillingDay)
		}
		ds.BillingDay = rd.BillingDay
		if rd.NonDisablement != "" {
			if ds.NonDisablement = s.Calendars[rd.NonDisablement]; ds.NonDisablement == nil {
				return nil, doc.Errorf(dp+".non_disablement", "unknown non-disablement calendar %q", rd.NonDisablement)
			}
		}
		switch kind {
		case devices.KindESME:
			ds.Annual = rd.AnnualKWh
			if rd.AnnualM3 != 0 {
				return nil, doc.Errorf(dp+".annual_m3", "an ESME's consumption is annual_kwh")
			}
			if ds.Annual == 0 {
				ds.Annual = 2900
			}
		case devices.KindGSME:
			ds.Annual = rd.AnnualM3
			if rd.AnnualKWh != 0 {
				return nil, doc.Errorf(dp+".annual_kwh", "a GSME's consumption is annual_m3")
			}
			if ds.Annual == 0 {
				ds.Annual = 1100
			}
		}
		ps.Devices[kind] = ds
	}
	for _, need := range []devices.Kind{devices.KindCHF, devices.KindESME} {
		if ps.Devices[need] == nil {
			return nil, doc.Errorf(p+".devices", "a SMETS1 premises needs a %s", need)
		}
	}
	gpf, gsme := ps.Devices[devices.KindGPF] != nil, ps.Devices[devices.KindGSME] != nil
	if gpf != gsme {
		return nil, doc.Errorf(p+".devices", "a GSME and its GPF come together: give both or neither")
	}
	if gsme && !mprnPattern.MatchString(r.MPRN) {
		return nil, doc.Errorf(p+".mprn", "%q: an MPRN is 6 to 10 digits", r.MPRN)
	}
	return ps, nil
}

func (s *Spec) parseGenerator(doc *yamldoc.Doc, p string, index int, r rawGenerator, cat *catalogue.Catalogue) (*GeneratorSpec, error) {
	g := &GeneratorSpec{Count: r.Count, Prefix: r.Prefix, Prepayment: 0.25, Gas: 0.8, PPMID: "prepayment",
		Balance: 10 * devices.Pound, AnnualKWh: [2]uint32{1800, 4200}, AnnualM3: [2]uint32{600, 1600},
		Models: map[devices.Kind][]Weighted[*devices.Model]{}, Tariffs: map[devices.Kind][]Weighted[*devices.Tariff]{}}
	if g.Count < 1 {
		return nil, doc.Errorf(p+".count", "want at least 1 premises")
	}
	if g.Prefix == "" {
		g.Prefix = fmt.Sprintf("gen%d-", index+1)
	} else if !prefixPattern.MatchString(g.Prefix) {
		return nil, doc.Errorf(p+".prefix", "%q: a premises id prefix is letters, digits, dots, hyphens and underscores", g.Prefix)
	}
	var err error
	if r.EUIBase == "" {
		return nil, doc.Errorf(p+".eui_base", "missing: give the first Device ID of the generated devices, such as 00-DB-20-00-00-00-00-00")
	}
	if g.EUIBase, err = devices.ParseEUI64(r.EUIBase); err != nil {
		return nil, doc.Errorf(p+".eui_base", "%v", err)
	}
	// Premises i uses base + 8i … base + 8i + 4; past the last EUI-64 the IDs would wrap around to
	// 00-00-… and collide unseen with other devices.
	if base := binary.BigEndian.Uint64(g.EUIBase[:]); uint64(g.Count) > (math.MaxUint64-base)/8 {
		return nil, doc.Errorf(p+".eui_base", "%d premises from %s would run past the last Device ID", g.Count, g.EUIBase)
	}
	for _, kname := range sortedKeys(r.Models) {
		kp := yamldoc.Join(p+".models", kname)
		kind, err := devices.ParseKind(kname)
		if err != nil {
			return nil, doc.Errorf(kp, "%v", err)
		}
		for _, id := range sortedKeys(r.Models[kname]) {
			m, err := cat.Lookup(id)
			if err != nil {
				return nil, doc.Errorf(yamldoc.Join(kp, id), "%v", err)
			}
			if m.Kind != kind {
				return nil, doc.Errorf(yamldoc.Join(kp, id), "%s is a %s model, not a %s", m.ID, m.Kind, kind)
			}
			w := r.Models[kname][id]
			if !(w > 0) || math.IsInf(w, 0) { // a .nan or .inf weight would skew every pick
				return nil, doc.Errorf(yamldoc.Join(kp, id), "weight %g must be a positive number", w)
			}
			g.Models[kind] = append(g.Models[kind], Weighted[*devices.Model]{m, w})
		}
	}
	if len(r.Combinations) > 0 {
		if len(r.Models) > 0 {
			return nil, doc.Errorf(p+".combinations", "give either models or combinations, not both")
		}
		if r.CSP != "" {
			return nil, doc.Errorf(p+".csp", "with combinations, each combination names its csp")
		}
		for i, rc := range r.Combinations {
			cp := fmt.Sprintf("%s.combinations[%d]", p, i)
			c, err := parseCombination(doc, cp, rc, cat)
			if err != nil {
				return nil, err
			}
			if !(rc.Weight > 0) || math.IsInf(rc.Weight, 0) {
				return nil, doc.Errorf(cp+".weight", "weight %g must be positive", rc.Weight)
			}
			g.Combinations = append(g.Combinations, Weighted[Combination]{c, rc.Weight})
		}
	} else {
		for _, k := range devices.Kinds {
			if len(g.Models[k]) == 0 {
				return nil, doc.Errorf(p+".models", "missing: give at least one %s model with a weight (or list combinations)", k)
			}
		}
		g.CSP = r.CSP
		if g.CSP == "" {
			g.CSP = DefaultCSP
		}
	}
	for _, kname := range sortedKeys(r.Tariffs) {
		kp := yamldoc.Join(p+".tariffs", kname)
		kind, err := devices.ParseKind(kname)
		if err != nil || (kind != devices.KindESME && kind != devices.KindGSME) {
			return nil, doc.Errorf(kp, "tariffs are for ESME or GSME")
		}
		for _, name := range sortedKeys(r.Tariffs[kname]) {
			t := s.Tariffs[name]
			if t == nil {
				return nil, doc.Errorf(yamldoc.Join(kp, name), "unknown tariff %q", name)
			}
			w := r.Tariffs[kname][name]
			if !(w > 0) || math.IsInf(w, 0) {
				return nil, doc.Errorf(yamldoc.Join(kp, name), "weight %g must be a positive number", w)
			}
			g.Tariffs[kind] = append(g.Tariffs[kind], Weighted[*devices.Tariff]{t, w})
		}
	}
	for _, k := range []devices.Kind{devices.KindESME, devices.KindGSME} {
		if len(g.Tariffs[k]) == 0 {
			return nil, doc.Errorf(p+".tariffs", "missing: give at least one %s tariff with a weight", k)
		}
	}
	for field, v := range map[string]*float64{"prepayment": r.Prepayment, "gas": r.Gas} {
		if v == nil {
			continue
		}
		if !(*v >= 0 && *v <= 1) { // written so that .nan fails too
			return nil, doc.Errorf(p+"."+field, "%g: a share is between 0 and 1", *v)
		}
	}
	if r.Prepayment != nil {
		g.Prepayment = *r.Prepayment
	}
	if r.Gas != nil {
		g.Gas = *r.Gas
	}
	switch r.PPMID {
	case "", "prepayment":
	case "always", "never":
		g.PPMID = r.PPMID
	default:
		return nil, doc.Errorf(p+".ppmid", "%q: want prepayment (PPMIDs at prepayment premises), always or never", r.PPMID)
	}
	if r.Balance != "" {
		if g.Balance, err = ParseMoney(r.Balance); err != nil {
			return nil, doc.Errorf(p+".balance", "%v", err)
		}
	}
	for field, pair := range map[string]struct {
		raw []uint32
		dst *[2]uint32
	}{"annual_kwh": {r.AnnualKWh, &g.AnnualKWh}, "annual_m3": {r.AnnualM3, &g.AnnualM3}} {
		if pair.raw == nil {
			continue
		}
		if len(pair.raw) != 2 || pair.raw[0] == 0 || pair.raw[0] > pair.raw[1] {
			return nil, doc.Errorf(p+"."+field, "want a range [low, high] with 0 < low ≤ high")
		}
		*pair.dst = [2]uint32{pair.raw[0], pair.raw[1]}
	}
	if r.NonDisablement != "" {
		if g.Calendar = s.Calendars[r.NonDisablement]; g.Calendar == nil {
			return nil, doc.Errorf(p+".non_disablement", "unknown non-disablement calendar %q", r.NonDisablement)
		}
	}
	return g, nil
}

// LoadSpec reads a fleet file from fsys and validates it against the catalogue.
func LoadSpec(fsys fs.FS, path string, cat *catalogue.Catalogue) (*Spec, error) {
	data, err := fs.ReadFile(fsys, path)
	if err != nil {
		return nil, fmt.Errorf("read fleet: %w", err)
	}
	return ParseSpec(path, data, cat)
}

// DefaultCSP is the communications service provider of premises that do not name one.
const DefaultCSP = "Central"

func parseCombination(doc *yamldoc.Doc, p string, r rawCombination, cat *catalogue.Catalogue) (Combination, error) {
	c := Combination{CSP: r.CSP, Models: map[devices.Kind]*devices.Model{}}
	if c.CSP == "" {
		c.CSP = DefaultCSP
	}
	for _, f := range []struct {
		kind devices.Kind
		id   string
	}{{devices.KindCHF, r.CHF}, {devices.KindESME, r.ESME}, {devices.KindGPF, r.GPF}, {devices.KindGSME, r.GSME}, {devices.KindPPMID, r.PPMID}} {
		if f.id == "" {
			continue
		}
		m, err := cat.Lookup(f.id)
		if err != nil {
			return c, doc.Errorf(p+"."+f.kind.String(), "%v", err)
		}
		if m.Kind != f.kind {
			return c, doc.Errorf(p+"."+f.kind.String(), "%s is a %s model, not a %s", m.ID, m.Kind, f.kind)
		}
		c.Models[f.kind] = m
	}
	for _, need := range []devices.Kind{devices.KindCHF, devices.KindESME} {
		if c.Models[need] == nil {
			return c, doc.Errorf(p, "missing: a generated premises always has a %s", need)
		}
	}
	if (c.Models[devices.KindGPF] == nil) != (c.Models[devices.KindGSME] == nil) {
		return c, doc.Errorf(p, "a GSME and its GPF come together: give both or neither")
	}
	return c, nil
}
