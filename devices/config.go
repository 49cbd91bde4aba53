package devices

import (
	"fmt"
	"time"
)

// AlertBehaviour says what a meter does when an event with a given code happens: send it as an
// alert over the WAN, show it on the HAN, keep it in the event log, sound an alarm. DUIS 6.22
// Configure Alert Behaviour sets these per code and 6.2.10 reads them back.
type AlertBehaviour uint8

// Alert behaviour bits.
const (
	AlertWAN AlertBehaviour = 1 << iota
	AlertHAN
	AlertLog
	AlertAlarm

	// AlertEverything is the behaviour of every code until it is configured: smetsim's
	// assumption, since SMETS1 meters ship with manufacturer defaults that are not public.
	AlertEverything = AlertWAN | AlertHAN | AlertLog | AlertAlarm
)

// BillingPeriod is how often the billing calendar triggers a billing data log entry.
type BillingPeriod uint8

// Billing periods, as DUIS names them.
const (
	BillingMonthly BillingPeriod = iota // the zero value: SMETS1 meters bill monthly by default
	BillingDaily
	BillingWeekly
	BillingQuarterly
	BillingSixMonthly
	BillingYearly
)

var billingPeriodNames = [...]string{"Monthly", "Daily", "Weekly", "Quarterly", "SixMonthly", "Yearly"}

// String names the period as DUIS does.
func (p BillingPeriod) String() string {
	if int(p) < len(billingPeriodNames) {
		return billingPeriodNames[p]
	}
	return fmt.Sprintf("BillingPeriod(%d)", uint8(p))
}

// ParseBillingPeriod reads a DUIS periodicity name.
func ParseBillingPeriod(s string) (BillingPeriod, error) {
	for i, n := range billingPeriodNames {
		if n == s {
			return BillingPeriod(i), nil
		}
	}
	return 0, fmt.Errorf("unknown billing periodicity %q", s)
}

// BillingCalendar says when a meter takes its billing data log entries. An ESME's calendar is
// written as an electricity calendar (a time of day and a day of the week, month or quarter), a
// GSME's as a first billing instant and a periodicity; both are kept here in one form.
type BillingCalendar struct {
	Period BillingPeriod
	// Start is the first billing instant (gas calendars).
	Start time.Time
	// TimeOfDay is the billing time after UK local midnight (electricity calendars).
	TimeOfDay time.Duration
	// DayOfWeek (1 = Monday … 7 = Sunday) for weekly calendars; DayOfMonth (1–28) for monthly,
	// quarterly, six-monthly and yearly ones, whose periods start in StartMonth (1–12).
	DayOfWeek  int
	DayOfMonth int
	StartMonth int
	// Gas says the calendar is a gas one, anchored at Start.
	Gas bool
}

// Validate checks the calendar's fields are in range.
func (c BillingCalendar) Validate() error {
	if c.Period > BillingYearly {
		return fmt.Errorf("billing calendar: unknown period %d", c.Period)
	}
	if c.Gas {
		if c.Start.IsZero() {
			return fmt.Errorf("billing calendar: a gas calendar needs a start")
		}
		return nil
	}
	if c.TimeOfDay < 0 || c.TimeOfDay >= 24*time.Hour {
		return fmt.Errorf("billing calendar: time of day %s is not within a day", c.TimeOfDay)
	}
	switch c.Period {
	case BillingWeekly:
		if c.DayOfWeek < 1 || c.DayOfWeek > 7 {
			return fmt.Errorf("billing calendar: day of week %d is not 1–7", c.DayOfWeek)
		}
	case BillingMonthly, BillingQuarterly, BillingSixMonthly, BillingYearly:
		if c.DayOfMonth < 1 || c.DayOfMonth > 28 {
			return fmt.Errorf("billing calendar: day of month %d is not 1–28", c.DayOfMonth)
		}
		if c.Period != BillingMonthly && (c.StartMonth < 1 || c.StartMonth > 12) {
			return fmt.Errorf("billing calendar: start month %d is not 1–12", c.StartMonth)
		}
	}
	return nil
}

// months is the length of a period in months (0 for daily and weekly ones).
func (p BillingPeriod) months() int {
	switch p {
	case BillingMonthly:
		return 1
	case BillingQuarterly:
		return 3
	case BillingSixMonthly:
		return 6
	case BillingYearly:
		return 12
	}
	return 0
}

// Next returns the first billing instant strictly after t.
func (c BillingCalendar) Next(t time.Time) time.Time {
	if c.Gas {
		return c.nextGas(t)
	}
	l := t.In(London)
	day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, London)
	switch c.Period {
	case BillingDaily, BillingWeekly:
		for i := 0; i < 9; i++ {
			d := day.AddDate(0, 0, i)
			if c.Period == BillingWeekly && isoWeekday(d) != c.DayOfWeek {
				continue
			}
			if at := d.Add(c.TimeOfDay); at.After(t) {
				return at
			}
		}
	default:
		step := c.Period.months()
		start := c.StartMonth
		if c.Period == BillingMonthly || start == 0 {
			start = 1
		}
		for i := -1; i <= 13; i++ {
			m := time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, London).AddDate(0, i, 0)
			if (int(m.Month())-start+12)%step != 0 {
				continue
			}
			at := time.Date(m.Year(), m.Month(), c.DayOfMonth, 0, 0, 0, 0, London).Add(c.TimeOfDay)
			if at.After(t) {
				return at
			}
		}
	}
	return t.Add(24 * time.Hour) // unreachable for a valid calendar
}

func (c BillingCalendar) nextGas(t time.Time) time.Time {
	at := c.Start
	if at.After(t) {
		return at
	}
	step := func(n int) time.Time {
		switch c.Period {
		case BillingDaily:
			return c.Start.AddDate(0, 0, n)
		case BillingWeekly:
			return c.Start.AddDate(0, 0, 7*n)
		}
		return c.Start.AddDate(0, c.Period.months()*n, 0)
	}
	// Jump close to t, then walk.
	n := 0
	switch c.Period {
	case BillingDaily:
		n = int(t.Sub(c.Start) / (24 * time.Hour))
	case BillingWeekly:
		n = int(t.Sub(c.Start) / (7 * 24 * time.Hour))
	default:
		n = int(t.Sub(c.Start)/(28*24*time.Hour)) / c.Period.months()
	}
	for n = max(n-2, 0); ; n++ {
		if at = step(n); at.After(t) {
			return at
		}
	}
}

func isoWeekday(t time.Time) int {
	if d := int(t.Weekday()); d != 0 {
		return d
	}
	return 7
}

// VoltageThresholds are the average RMS voltage thresholds of one phase, in volts, and the
// averaging period in seconds.
type VoltageThresholds struct {
	Over, Under, Period uint32
}

// VoltageSettings are an ESME's voltage quality thresholds (DUIS 6.5, read by 6.2.1).
type VoltageSettings struct {
	ExtremeOverPeriod, ExtremeOver   uint32
	ExtremeUnderPeriod, ExtremeUnder uint32
	SagPeriod, Sag                   uint32
	SwellPeriod, Swell               uint32
	// Phases holds one entry on a single-phase ESME, three on a polyphase one.
	Phases []VoltageThresholds
}

// LoadLimit is an ESME's load limiting configuration (DUIS 6.4.1) and its counter (reset by 6.4.2).
type LoadLimit struct {
	Period            uint32 // seconds the demand must stay above the threshold
	PowerThreshold    uint32 // W
	RestorationPeriod uint32 // seconds
	DisableSupply     bool   // the supply is disabled when the limit is exceeded
	Counter           uint32 // times the limit was exceeded since the last reset
}

// MaxDemandPeriod is the daily window of the configurable maximum demand register (DUIS 6.18.1),
// as times after midnight UTC, the way DUIS writes them.
type MaxDemandPeriod struct {
	Start, End time.Duration
}

// GasFlow is a GSME's uncontrolled gas flow configuration (DUIS 6.7, read by 6.2.8).
type GasFlow struct {
	Rate          uint16 // m³/h × 10,000
	Stabilisation uint8  // seconds
	Measurement   uint16 // seconds
}

// Config is the configuration a meter keeps beside its tariff and payment settings: what the
// DUIS 6.x configuration service requests read and update. ESME-only and GSME-only parts are
// simply unused on the other kind.
type Config struct {
	Billing BillingCalendar

	// Electricity.
	Voltage               VoltageSettings
	RMSCountersReset      time.Time // when the RMS voltage counters were last reset
	LowMediumPower        uint32    // W
	MediumHighPower       uint32    // W
	LoadLimit             LoadLimit
	MaxDemand             MaxDemandPeriod
	MaxDemandImportReset  time.Time
	MaxDemandExportReset  time.Time
	MaxDemandPeriodReset  time.Time
	DailyBlockReset       bool
	RandomisedOffsetLimit uint32 // seconds
	SecondaryImportMPAN   string
	ExportMPAN            string

	// Both.
	SupplyTamperLocked    bool
	SupplyDepletionLocked bool // gas

	// Gas.
	Flow GasFlow

	alerts   map[AlertCode]AlertBehaviour // codes configured; others behave as AlertEverything
	billGen  uint32                       // generation of the planned billing event
	loadGen  uint32                       // generation of the load limit checks (loadlimit.go)
	blockGen uint32                       // generation of the daily block counter resets
}

// Alert returns the behaviour configured for an event code.
func (c Config) Alert(code AlertCode) AlertBehaviour {
	if b, ok := c.alerts[code]; ok {
		return b
	}
	return AlertEverything
}

// Alerts returns the codes whose behaviour was configured, with their behaviour.
func (c Config) Alerts() map[AlertCode]AlertBehaviour {
	out := make(map[AlertCode]AlertBehaviour, len(c.alerts))
	for k, v := range c.alerts {
		out[k] = v
	}
	return out
}

// SetAlert sets the bits of mask to those of value for an event code.
func (c *Config) SetAlert(code AlertCode, mask, value AlertBehaviour) {
	if c.alerts == nil {
		c.alerts = map[AlertCode]AlertBehaviour{}
	}
	c.alerts[code] = c.Alert(code)&^mask | value&mask
}

// copy returns a deep copy.
func (c *Config) copy() Config {
	out := *c
	out.alerts = c.Alerts()
	out.Voltage.Phases = append([]VoltageThresholds(nil), c.Voltage.Phases...)
	return out
}

// defaultConfig is a meter's configuration at installation. The thresholds are smetsim's
// choices around the GB nominal 230 V (+10 %/−6 %), since manufacturers' defaults are not public.
func defaultConfig(billDay uint8, installed time.Time) *Config {
	day := int(max(billDay, 1))
	l := installed.In(London)
	start := time.Date(l.Year(), l.Month(), day, 0, 0, 0, 0, London)
	if start.Before(installed) {
		start = start.AddDate(0, 1, 0)
	}
	return &Config{
		Billing: BillingCalendar{Period: BillingMonthly, DayOfMonth: day, StartMonth: 1, Start: start},
		Voltage: VoltageSettings{ExtremeOverPeriod: 60, ExtremeOver: 280, ExtremeUnderPeriod: 60, ExtremeUnder: 180,
			SagPeriod: 10, Sag: 207, SwellPeriod: 10, Swell: 253, Phases: []VoltageThresholds{{Over: 253, Under: 216, Period: 600}}},
		LowMediumPower:        2000,
		MediumHighPower:       5000,
		RandomisedOffsetLimit: 1800,
		Flow:                  GasFlow{Rate: 60_000, Stabilisation: 60, Measurement: 300},
	}
}

// config returns the device's configuration, creating the installation defaults on first use.
func (b *base) config() *Config {
	if b.conf == nil {
		b.conf = defaultConfig(1, time.Unix(b.clockSet, 0))
	}
	return b.conf
}

// alertBehaviour is what the device does with an event: every kind of device logs and raises
// what it has not been told otherwise.
func (b *base) alertBehaviour(code AlertCode) AlertBehaviour {
	if b.conf == nil {
		return AlertEverything
	}
	return b.conf.Alert(code)
}

// Configuration returns a copy of the device's configuration.
func (b *base) Configuration() Config { return b.config().copy() }

// ConfigureAlert sets how the device treats an event code (DUIS 6.22): the bits of mask take
// those of value.
func (b *base) ConfigureAlert(code AlertCode, mask, value AlertBehaviour) {
	b.config().SetAlert(code, mask, value)
}

// meterConfig returns the meter's configuration, with its billing calendar on the meter's
// billing day.
func (m *meter) meterConfig() *Config {
	if m.conf == nil {
		m.conf = defaultConfig(m.billDay, time.Unix(m.horizon, 0))
		if m.load.Commodity == Gas {
			m.conf.Billing.Gas = true
		}
	}
	return m.conf
}

// nextBilling is the meter's next billing instant after now and the generation its event carries.
// A meter whose configuration was never changed keeps none (it costs memory on every meter of a
// fleet): its billing follows the default calendar, computed when needed.
func (m *meter) nextBilling(now time.Time) (time.Time, uint32) {
	if m.conf == nil {
		c := defaultConfig(m.billDay, time.Unix(m.horizon, 0))
		c.Billing.Gas = m.load.Commodity == Gas
		return c.Billing.Next(now), 0
	}
	return m.conf.Billing.Next(now), m.conf.billGen
}

// billingCurrent reports whether a billing event of generation gen is still the planned one.
func (m *meter) billingCurrent(gen uint32) bool {
	if m.conf == nil {
		return gen == 0
	}
	return gen == m.conf.billGen
}

// Configuration returns a copy of the meter's configuration.
func (m *meter) Configuration() Config { return m.meterConfig().copy() }

// SetBillingCalendar replaces the billing calendar (DUIS 6.8): billing data is logged at the new
// calendar's instants from now on.
func (m *meter) SetBillingCalendar(now time.Time, c BillingCalendar) error {
	if err := c.Validate(); err != nil {
		return err
	}
	cfg := m.meterConfig()
	c.Gas = m.load.Commodity == Gas
	if c.Gas && c.Period == BillingMonthly && c.DayOfMonth == 0 {
		c.DayOfMonth = c.Start.In(London).Day()
	}
	cfg.Billing = c
	cfg.billGen++
	m.scheduleBilling(now)
	return nil
}

// SetSupplyTamperState sets whether a detected tamper locks the supply (DUIS 6.25 for an ESME,
// 6.7 for a GSME).
func (m *meter) SetSupplyTamperState(locked bool) { m.meterConfig().SupplyTamperLocked = locked }

// SetConfig applies fn to the meter's configuration, for the settings that change no behaviour
// smetsim models beyond what the meter reports (voltage thresholds, power thresholds, maximum
// demand, RMS counters, export MPAN, gas flow). Load limiting, the daily block reset and the
// billing calendar have setters of their own, which plan what they change.
func (m *meter) SetConfig(fn func(c *Config)) { fn(m.meterConfig()) }

// ImportMPAN returns the ESME's (primary) import MPAN.
func (e *ESME) ImportMPAN() string { return e.site }

// SetImportMPAN sets the import MPANs (DUIS 6.20.1); the primary is the Metering SiteID the ESME
// serves on the HAN.
func (e *ESME) SetImportMPAN(primary, secondary string) {
	e.site = primary
	e.meterConfig().SecondaryImportMPAN = secondary
}

// MPRN returns the GSME's MPRN.
func (g *GSME) MPRN() string { return g.site }

// SetMPRN sets the MPRN (DUIS 6.20.1), the Metering SiteID the GSME serves.
func (g *GSME) SetMPRN(mprn string) { g.site = mprn }

// SetGasConversion replaces the calorific value (MJ/m³ × 1000) and conversion factor (× 1e6)
// the GSME converts volume to energy with (DUIS 6.6). Tariffs are shared and never changed in
// place, so the meter gets a copy of its tariff with the new values; charges from now on use them.
func (g *GSME) SetGasConversion(now time.Time, cv, cf uint32) error {
	if cv == 0 || cf == 0 {
		return fmt.Errorf("gas conversion: calorific value and conversion factor must not be zero")
	}
	t := *g.tariff
	t.CalorificValue, t.ConversionFactor = cv, cf
	return g.meter.SetTariff(now, &t)
}

// GasConversion returns the calorific value (MJ/m³ × 1000) and conversion factor (× 1e6) in use,
// with smetsim's defaults where the tariff gives none.
func (m *meter) GasConversion() (cv, cf uint32) {
	cv, cf = m.tariff.CalorificValue, m.tariff.ConversionFactor
	if cv == 0 {
		cv = 39_500
	}
	if cf == 0 {
		cf = 1_022_640
	}
	return cv, cf
}

// MaxDemand returns the highest half-hourly demand (W) imported since the given reset instant
// (or in the last 31 days, whichever is shorter), and when it began. inWindow, when set, keeps
// only the slots whose start falls in the daily window (the configurable-period register).
func (m *meter) MaxDemand(now, since time.Time, inWindow *MaxDemandPeriod) (watts uint64, at time.Time) {
	from := SlotOf(now) - 31*48
	if s := SlotOf(since); s > from {
		from = s
	}
	if h := SlotOf(time.Unix(m.horizon, 0)); h > from {
		from = h
	}
	n := int(SlotOf(now) - from)
	if n <= 0 {
		return 0, time.Time{}
	}
	p, err := m.Profile(now, from, n)
	if err != nil {
		return 0, time.Time{}
	}
	for i, u := range p {
		k := from + Slot(i)
		if inWindow != nil {
			st := k.Start().UTC()
			tod := time.Duration(st.Hour())*time.Hour + time.Duration(st.Minute())*time.Minute
			if inWindow.Start <= inWindow.End && (tod < inWindow.Start || tod >= inWindow.End) ||
				inWindow.Start > inWindow.End && tod < inWindow.Start && tod >= inWindow.End {
				continue
			}
		}
		if w := u * 2; w > watts {
			watts, at = w, k.Start()
		}
	}
	return watts, at
}

// ConfigureAlert sets how the meter treats an event code (DUIS 6.22): the bits of mask take those
// of value.
func (m *meter) ConfigureAlert(code AlertCode, mask, value AlertBehaviour) {
	m.meterConfig().SetAlert(code, mask, value)
}
