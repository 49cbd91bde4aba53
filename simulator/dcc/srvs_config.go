package dcc

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
)

// The 6.x configuration SRVs that apply to SMETS1: reads of a meter's configuration (6.2.x) and
// updates of it. An ESME answers at once; a GSME's updates wait in its GPF's queue for its next
// wake-up, and its configuration is read from the GPF's copy, as the S1SP does while it sleeps.
func init() {
	register(map[string]impl{
		"6.2.1":  {exec: readVoltageConfig},
		"6.2.2":  {exec: readRandomisation},
		"6.2.3":  {exec: readBillingCalendar},
		"6.2.4":  {exec: readIdentity},
		"6.2.5":  {exec: readPowerThresholds},
		"6.2.7":  {exec: readMPxN},
		"6.2.8":  {exec: readGasConfig},
		"6.2.9":  {exec: readPaymentModeConfig},
		"6.2.10": {exec: readAlertBehaviours},
		"6.4.1":  {exec: updateLoadLimiting},
		"6.4.2":  {exec: resetLoadLimitCounter},
		"6.5":    {exec: updateVoltage},
		"6.6":    {exec: updateGasConversion, viaGSME: true, queue: queueGasConversion},
		"6.7":    {exec: updateGasFlow, viaGSME: true, queue: queueGasFlow},
		"6.8":    {exec: updateBillingCalendar, viaGSME: true, queue: queueBillingCalendar},
		"6.12":   {exec: updatePowerThresholds},
		"6.13":   {exec: readEventOrSecurityLog},
		"6.18.1": {exec: setMaxDemandPeriod},
		"6.18.2": {exec: resetMaxDemand},
		"6.20.1": {exec: setImportMPxN, viaGSME: true, queue: queueImportMPRN},
		"6.20.2": {exec: setExportMPAN},
		"6.22":   {exec: configureAlerts, viaGSME: true, queue: queueAlertBehaviour},
		"6.25":   {exec: setTamperState},
		"6.26":   {exec: setDailyBlockReset},
		"6.27":   {exec: resetRMSCounters},
	})
}

// bodyError is a queue function's refusal of a request body: the job fails with its code (E100
// for a body that does not fit its SRV) rather than the E20 of a queue that cannot take it.
type bodyError struct{ f *failure }

func (e bodyError) Error() string { return e.f.reason }

// failQueue fails a job whose command could not be queued for a GSME: with the body error's code,
// or E20 when the GPF cannot take the command.
func (j *job) failQueue(now time.Time, err error) {
	var be bodyError
	if errors.As(err, &be) {
		j.fail(now, be.f.code, be.f.reason)
		return
	}
	j.fail(now, E20, err.Error())
}

func decodeBody(j *job, v any) *failure {
	if err := j.orig.Body.Decode(v); err != nil {
		return fail(E100, "%s: %v", j.orig.Body.Name, err)
	}
	return nil
}

// gsmeConfig is the GSME's configuration as its GPF holds it. Every change reaches the GSME
// through the GPF, which sees the GSME take it, so the GPF's copy is the GSME's configuration;
// smetsim keeps one copy, on the GSME. Before the GSME has first woken the GPF holds nothing.
func gsmeConfig(j *job) (devices.Config, *failure) {
	if !j.p.GPF.Mirror().Valid {
		return devices.Config{}, fail(E21, "the GPF holds no copy of the GSME's configuration yet: the GSME has not woken since installation")
	}
	return j.p.GSME.Configuration(), nil
}

// meterConfig returns the configuration of the ESME, or the GPF's copy of the GSME's.
func meterConfig(j *job) (devices.Config, *failure) {
	if j.c.device.Kind == devices.KindESME {
		return j.p.ESME.Configuration(), nil
	}
	return gsmeConfig(j)
}

func u32(path, s string) (uint32, *failure) {
	v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
	if err != nil {
		return 0, fail(E100, "%s: %q is not an unsigned 32-bit integer", path, s)
	}
	return uint32(v), nil
}

// parseDecimal reads a non-negative decimal with at most digits fraction digits as an integer
// scaled by 10^scale (scale ≥ digits).
func parseDecimal(path, s string, digits, scale int, max uint64) (uint64, *failure) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	bad := fail(E100, "%s: %q is not a decimal of at most %d fraction digits", path, s, digits)
	if whole == "" || len(frac) > digits || strings.ContainsAny(whole, "+-") || strings.ContainsAny(frac, "+-") {
		return 0, bad
	}
	w, err := strconv.ParseUint(whole, 10, 64)
	if err != nil {
		return 0, bad
	}
	f := uint64(0)
	if frac != "" {
		if f, err = strconv.ParseUint(frac, 10, 64); err != nil {
			return 0, bad
		}
	}
	for i := len(frac); i < scale; i++ {
		f *= 10
	}
	p := uint64(1)
	for i := 0; i < scale; i++ {
		p *= 10
	}
	v := w*p + f
	if v > max {
		return 0, fail(E100, "%s: %s is out of range", path, s)
	}
	return v, nil
}

// formatDecimal writes v/10^scale with trailing zeros dropped (at least one fraction digit).
func formatDecimal(v uint64, scale int) string {
	p := uint64(1)
	for i := 0; i < scale; i++ {
		p *= 10
	}
	frac := strings.TrimRight(leftPad(strconv.FormatUint(v%p, 10), scale), "0")
	if frac == "" {
		frac = "0"
	}
	return strconv.FormatUint(v/p, 10) + "." + frac
}

// parseTimeOfDay reads an xs:time (hh:mm:ss with optional fraction and zone) as a duration after
// midnight; the zone is dropped.
func parseTimeOfDay(path, s string) (time.Duration, *failure) {
	s = strings.TrimSpace(s)
	bad := fail(E100, "%s: %q is not a time of day (hh:mm:ss)", path, s)
	if len(s) < 8 || s[2] != ':' || s[5] != ':' {
		return 0, bad
	}
	h, e1 := strconv.Atoi(s[0:2])
	m, e2 := strconv.Atoi(s[3:5])
	sec, e3 := strconv.Atoi(s[6:8])
	if e1 != nil || e2 != nil || e3 != nil || h > 23 || m > 59 || sec > 59 {
		return 0, bad
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second, nil
}

func formatTimeOfDay(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d:%02d", int(d/time.Hour), int(d/time.Minute)%60, int(d/time.Second)%60)
}

func parseDateTimeField(path, s string) (time.Time, *failure) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fail(E100, "%s: %q is not a date-time", path, s)
	}
	return t, nil
}

func utcStamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func lockedState(path, s string) (bool, *failure) {
	switch strings.TrimSpace(s) {
	case "Locked":
		return true, nil
	case "Unchanged":
		return false, nil
	}
	return false, fail(E100, "%s: %q is not Locked or Unchanged", path, s)
}

func lockedName(locked bool) string {
	if locked {
		return "Locked"
	}
	return "Unchanged"
}

// readVoltageConfig is 6.2.1.
func readVoltageConfig(j *job, now time.Time) ([]byte, *failure) {
	v := j.p.ESME.Configuration().Voltage
	m := success("ReadDeviceConfigurationVoltageRsp")
	if len(v.Phases) == 1 {
		m.Start("SinglePhaseVoltageSettings").Leaf("AverageRMSOverVoltageThreshold", strconv.FormatUint(uint64(v.Phases[0].Over), 10)).
			Leaf("AverageRMSUnderVoltageThreshold", strconv.FormatUint(uint64(v.Phases[0].Under), 10)).End()
	} else {
		for i, p := range v.Phases {
			m.Start("PolyPhaseVoltageSettings").Leaf("Phase", strconv.Itoa(i+1)).Start("PhaseVoltageSettings").
				Leaf("AverageRMSOverVoltageThreshold", strconv.FormatUint(uint64(p.Over), 10)).
				Leaf("AverageRMSUnderVoltageThreshold", strconv.FormatUint(uint64(p.Under), 10)).End().End()
		}
	}
	m.Start("RMSVoltageSettings")
	for _, f := range []struct {
		name string
		v    uint32
	}{{"RMSExtremeOverVoltageMeasurementPeriod", v.ExtremeOverPeriod}, {"RMSExtremeOverVoltageThreshold", v.ExtremeOver},
		{"RMSExtremeUnderVoltageMeasurementPeriod", v.ExtremeUnderPeriod}, {"RMSExtremeUnderVoltageThreshold", v.ExtremeUnder},
		{"RMSVoltageSagMeasurementPeriod", v.SagPeriod}, {"RMSVoltageSagThreshold", v.Sag},
		{"RMSVoltageSwellMeasurementPeriod", v.SwellPeriod}, {"RMSVoltageSwellThreshold", v.Swell}} {
		m.Leaf(f.name, strconv.FormatUint(uint64(f.v), 10))
	}
	return finish(m.End().End())
}

// readRandomisation is 6.2.2. SMETS1 ESMEs keep no randomisation a DUIS request sets (7.12 is an
// auxiliary-load SRV), so smetsim reports a fixed limit and an offset drawn once from the device
// identity: assumption, the manufacturers' values are not public.
func readRandomisation(j *job, now time.Time) ([]byte, *failure) {
	limit := uint64(j.p.ESME.Configuration().RandomisedOffsetLimit)
	id := j.c.device.ID
	var seed uint64
	for _, b := range id {
		seed = seed<<8 | uint64(b)
	}
	n := devices.Mix(seed, 0x7a4d) & 0xFFFF
	return finish(success("ReadDeviceConfigurationRandomisationRsp").Leaf("RandomisedOffset", strconv.FormatUint(n*limit/0x10000, 10)).
		Leaf("RandomisedOffsetNumber", strconv.FormatUint(n, 10)).Leaf("RandomisedOffsetLimit", strconv.FormatUint(limit, 10)).End())
}

// readBillingCalendar is 6.2.3: an ESME's electricity calendar or a GSME's gas calendar.
func readBillingCalendar(j *job, now time.Time) ([]byte, *failure) {
	cfg, f := meterConfig(j)
	if f != nil {
		return nil, f
	}
	c := cfg.Billing
	m := success("ReadDeviceConfigurationDataBillingCalendarRsp").Start("BillingCalendar")
	if j.c.device.Kind == devices.KindGSME {
		m.Start("GasBillingCalendar").Leaf("BillingPeriodStart", utcStamp(c.Start)).Leaf("Periodicity", c.Period.String()).End()
		return finish(m.End().End())
	}
	m.Start("ElectricityBillingCalendar").Leaf("BillingTime", formatTimeOfDay(c.TimeOfDay))
	switch c.Period {
	case devices.BillingDaily:
		m.Start("Daily").End()
	case devices.BillingWeekly:
		m.Leaf("Weekly", strconv.Itoa(c.DayOfWeek))
	case devices.BillingMonthly:
		m.Leaf("Monthly", strconv.Itoa(c.DayOfMonth))
	default:
		m.Start(c.Period.String()).Leaf("DayOfMonth", strconv.Itoa(c.DayOfMonth)).Leaf("BillingPeriodStartMonth", strconv.Itoa(c.StartMonth)).End()
	}
	return finish(m.End().End().End())
}

type electricityCalendarBody struct {
	BillingTime string    `xml:"BillingTime"`
	Daily       *struct{} `xml:"Daily"`
	Weekly      *string   `xml:"Weekly"`
	Monthly     *string   `xml:"Monthly"`
	Quarterly   *qsmyBody `xml:"Quarterly"`
	SixMonthly  *qsmyBody `xml:"SixMonthly"`
	Yearly      *qsmyBody `xml:"Yearly"`
}

type qsmyBody struct {
	DayOfMonth string `xml:"DayOfMonth"`
	StartMonth string `xml:"BillingPeriodStartMonth"`
}

type billingCalendarBody struct {
	Electricity *electricityCalendarBody `xml:"ElectricityBillingCalendar"`
	Gas         *struct {
		Start       string `xml:"BillingPeriodStart"`
		Periodicity string `xml:"Periodicity"`
	} `xml:"GasBillingCalendar"`
}

func intIn(path, s string, lo, hi int) (int, *failure) {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || v < lo || v > hi {
		return 0, fail(E100, "%s: %q is not a whole number from %d to %d", path, s, lo, hi)
	}
	return v, nil
}

// billingCalendarOf reads an UpdateDeviceConfigurationBillingCalendar body for the device's kind.
func billingCalendarOf(j *job) (devices.BillingCalendar, *failure) {
	const root = "UpdateDeviceConfigurationBillingCalendar"
	var b billingCalendarBody
	if f := decodeBody(j, &b); f != nil {
		return devices.BillingCalendar{}, f
	}
	var c devices.BillingCalendar
	switch {
	case j.c.device.Kind == devices.KindGSME:
		if b.Gas == nil {
			return c, fail(E100, "%s: a GSME takes a GasBillingCalendar", root)
		}
		t, f := parseDateTimeField(root+"/GasBillingCalendar/BillingPeriodStart", b.Gas.Start)
		if f != nil {
			return c, f
		}
		p, err := devices.ParseBillingPeriod(strings.TrimSpace(b.Gas.Periodicity))
		if err != nil {
			return c, fail(E100, "%s/GasBillingCalendar/Periodicity: %v", root, err)
		}
		c = devices.BillingCalendar{Gas: true, Start: t, Period: p, DayOfMonth: t.In(devices.London).Day()}
	default:
		e := b.Electricity
		if e == nil {
			return c, fail(E100, "%s: an ESME takes an ElectricityBillingCalendar", root)
		}
		path := root + "/ElectricityBillingCalendar"
		tod, f := parseTimeOfDay(path+"/BillingTime", e.BillingTime)
		if f != nil {
			return c, f
		}
		c.TimeOfDay, c.StartMonth = tod, 1
		qsmy := func(name string, q *qsmyBody, p devices.BillingPeriod) *failure {
			c.Period = p
			var f *failure
			if c.DayOfMonth, f = intIn(path+"/"+name+"/DayOfMonth", q.DayOfMonth, 1, 28); f != nil {
				return f
			}
			c.StartMonth, f = intIn(path+"/"+name+"/BillingPeriodStartMonth", q.StartMonth, 1, 12)
			return f
		}
		switch {
		case e.Daily != nil:
			c.Period = devices.BillingDaily
		case e.Weekly != nil:
			c.Period = devices.BillingWeekly
			c.DayOfWeek, f = intIn(path+"/Weekly", *e.Weekly, 1, 7)
		case e.Monthly != nil:
			c.Period = devices.BillingMonthly
			c.DayOfMonth, f = intIn(path+"/Monthly", *e.Monthly, 1, 28)
		case e.Quarterly != nil:
			f = qsmy("Quarterly", e.Quarterly, devices.BillingQuarterly)
		case e.SixMonthly != nil:
			f = qsmy("SixMonthly", e.SixMonthly, devices.BillingSixMonthly)
		case e.Yearly != nil:
			f = qsmy("Yearly", e.Yearly, devices.BillingYearly)
		default:
			f = fail(E100, "%s: no periodicity (Daily, Weekly, Monthly, Quarterly, SixMonthly or Yearly)", path)
		}
		if f != nil {
			return c, f
		}
	}
	if err := c.Validate(); err != nil {
		return c, fail(E100, "%s: %v", root, err)
	}
	return c, nil
}

// updateBillingCalendar is 6.8: the meter logs its billing data on the new calendar from now.
// BillingTime is taken as UK local time, when meters bill, whatever zone the request writes.
func updateBillingCalendar(j *job, now time.Time) ([]byte, *failure) {
	c, f := billingCalendarOf(j)
	if f != nil {
		return nil, f
	}
	if j.c.device.Kind == devices.KindESME {
		if err := j.p.ESME.SetBillingCalendar(now, c); err != nil {
			return nil, fail(E100, "UpdateDeviceConfigurationBillingCalendar: %v", err)
		}
		return finish(success("UpdateDeviceConfigurationBillingCalendarRsp").End())
	}
	got := j.p.GSME.Configuration().Billing
	if !got.Start.Equal(c.Start) || got.Period != c.Period {
		return nil, fail(E21, "the GSME did not take the billing calendar")
	}
	return finish(success("UpdateDeviceConfigurationBillingCalendarRsp").End())
}

func queueBillingCalendar(j *job, now time.Time) error {
	c, f := billingCalendarOf(j)
	if f != nil {
		return bodyError{f}
	}
	return j.p.GPF.QueueBillingCalendar(now, c)
}

// readIdentity is 6.2.4. The S1SP knows a device's identity from its inventory; the tamper and
// depletion states are the device's. smetsim's ESMEs are all meter variant A (single element).
func readIdentity(j *job, now time.Time) ([]byte, *failure) {
	cfg, f := meterConfig(j)
	if f != nil {
		return nil, f
	}
	m := success("ReadDeviceConfigurationIdentityExcMPxNRsp").Leaf("DeviceIdentifier", j.c.device.ID.String())
	if md := j.c.device.Model; md != nil {
		m.Leaf("ModelType", clip(md.ModelName, 8)).Leaf("ManufacturerIdentifier", clip(md.Manufacturer, 32))
	}
	if j.c.device.Kind == devices.KindESME {
		m.Start("Electricity").Leaf("SupplyTamperState", lockedName(cfg.SupplyTamperLocked)).Leaf("MeterVariant", "A").End()
	} else {
		m.Start("Gas").Leaf("SupplyTamperState", lockedName(cfg.SupplyTamperLocked)).
			Leaf("SupplyDepletionState", lockedName(cfg.SupplyDepletionLocked)).End()
	}
	return finish(m.End())
}

// readPowerThresholds is 6.2.5.
func readPowerThresholds(j *job, now time.Time) ([]byte, *failure) {
	c := j.p.ESME.Configuration()
	return finish(success("ReadDeviceConfigurationInstantaneousPowerThresholdsRsp").
		Leaf("LowMediumPowerThreshold", strconv.FormatUint(uint64(c.LowMediumPower), 10)).
		Leaf("MediumHighPowerThreshold", strconv.FormatUint(uint64(c.MediumHighPower), 10)).End())
}

// readMPxN is 6.2.7: the ESME's MPANs, or the GSME's MPRN from the GPF.
func readMPxN(j *job, now time.Time) ([]byte, *failure) {
	m := success("ReadDeviceConfigurationMPxNRsp")
	if j.c.device.Kind == devices.KindESME {
		c := j.p.ESME.Configuration()
		m.Start("Electricity").Leaf("ImportMPAN", j.p.ESME.ImportMPAN())
		if c.SecondaryImportMPAN != "" {
			m.Leaf("SecondaryImportMPAN", c.SecondaryImportMPAN)
		}
		if c.ExportMPAN != "" {
			m.Leaf("ExportMPAN", c.ExportMPAN)
		}
		return finish(m.End().End())
	}
	if _, f := gsmeConfig(j); f != nil {
		return nil, f
	}
	return finish(m.Start("Gas").Leaf("MPRN", j.p.GSME.MPRN()).End().End())
}

// readPaymentModeConfig is 6.2.9.
func readPaymentModeConfig(j *job, now time.Time) ([]byte, *failure) {
	mode := devices.CreditMode
	if j.c.device.Kind == devices.KindESME {
		mode = j.p.ESME.PaymentMode()
	} else {
		if _, f := gsmeConfig(j); f != nil {
			return nil, f
		}
		mode = j.p.GSME.PaymentMode()
	}
	name := "Credit"
	if mode == devices.PrepaymentMode {
		name = "Prepayment"
	}
	return finish(success("ReadDeviceConfigurationPaymentModeRsp").Leaf("PaymentMode", name).End())
}

type loadLimitBody struct {
	Period      string `xml:"LoadLimitPeriod"`
	Threshold   string `xml:"LoadLimitPowerThreshold"`
	Restoration string `xml:"LoadLimitRestorationPeriod"`
	SupplyState string `xml:"LoadLimitSupplyState"`
}

// updateLoadLimiting is 6.4.1: the ESME counts, and if asked disables the supply, when its
// demand stays above the threshold (devices/loadlimit.go).
func updateLoadLimiting(j *job, now time.Time) ([]byte, *failure) {
	const root = "UpdateDeviceConfigurationLoadLimitingGeneralSettings"
	var b loadLimitBody
	if f := decodeBody(j, &b); f != nil {
		return nil, f
	}
	var l devices.LoadLimit
	var f *failure
	if l.Period, f = u32(root+"/LoadLimitPeriod", b.Period); f != nil {
		return nil, f
	}
	if l.PowerThreshold, f = u32(root+"/LoadLimitPowerThreshold", b.Threshold); f != nil {
		return nil, f
	}
	if l.RestorationPeriod, f = u32(root+"/LoadLimitRestorationPeriod", b.Restoration); f != nil {
		return nil, f
	}
	switch strings.TrimSpace(b.SupplyState) {
	case "Disable":
		l.DisableSupply = true
	case "Unchanged":
	default:
		return nil, fail(E100, "%s/LoadLimitSupplyState: %q is not Disable or Unchanged", root, b.SupplyState)
	}
	j.p.ESME.SetLoadLimit(now, l)
	return finish(success("UpdateDeviceConfigurationLoadLimitingGeneralSettingsRsp").End())
}

// resetLoadLimitCounter is 6.4.2.
func resetLoadLimitCounter(j *job, now time.Time) ([]byte, *failure) {
	j.p.ESME.ResetLoadLimitCounter()
	return finish(success("UpdateDeviceConfigurationLoadLimitingCounterResetRsp").End())
}

type averageVoltageBody struct {
	Over   string `xml:"AverageRMSOverVoltageThreshold"`
	Under  string `xml:"AverageRMSUnderVoltageThreshold"`
	Period string `xml:"AverageRMSVoltageMeasurementPeriod"`
}

type voltageBody struct {
	RMS struct {
		ExtremeOverPeriod  string `xml:"RMSExtremeOverVoltageMeasurementPeriod"`
		ExtremeOver        string `xml:"RMSExtremeOverVoltageThreshold"`
		ExtremeUnderPeriod string `xml:"RMSExtremeUnderVoltageMeasurementPeriod"`
		ExtremeUnder       string `xml:"RMSExtremeUnderVoltageThreshold"`
		SagPeriod          string `xml:"RMSVoltageSagMeasurementPeriod"`
		Sag                string `xml:"RMSVoltageSagThreshold"`
		SwellPeriod        string `xml:"RMSVoltageSwellMeasurementPeriod"`
		Swell              string `xml:"RMSVoltageSwellThreshold"`
	} `xml:"RMSVoltageSettings"`
	Single *averageVoltageBody `xml:"SinglePhaseVoltageSettings"`
	Poly   []struct {
		Phase    string             `xml:"Phase"`
		Settings averageVoltageBody `xml:"PhaseVoltageSettings"`
	} `xml:"PolyPhaseVoltageSettings"`
	NotReset *struct{} `xml:"RMSVoltageCountersNotReset"`
}

func (a averageVoltageBody) thresholds(path string) (devices.VoltageThresholds, *failure) {
	var t devices.VoltageThresholds
	var f *failure
	if t.Over, f = u32(path+"/AverageRMSOverVoltageThreshold", a.Over); f != nil {
		return t, f
	}
	if t.Under, f = u32(path+"/AverageRMSUnderVoltageThreshold", a.Under); f != nil {
		return t, f
	}
	t.Period, f = u32(path+"/AverageRMSVoltageMeasurementPeriod", a.Period)
	return t, f
}

// updateVoltage is 6.5: new voltage thresholds; the RMS voltage counters are reset unless the
// body says RMSVoltageCountersNotReset.
func updateVoltage(j *job, now time.Time) ([]byte, *failure) {
	const root = "UpdateDeviceConfigurationVoltage"
	var b voltageBody
	if f := decodeBody(j, &b); f != nil {
		return nil, f
	}
	var v devices.VoltageSettings
	for _, fd := range []struct {
		name string
		s    string
		dst  *uint32
	}{{"RMSExtremeOverVoltageMeasurementPeriod", b.RMS.ExtremeOverPeriod, &v.ExtremeOverPeriod}, {"RMSExtremeOverVoltageThreshold", b.RMS.ExtremeOver, &v.ExtremeOver},
		{"RMSExtremeUnderVoltageMeasurementPeriod", b.RMS.ExtremeUnderPeriod, &v.ExtremeUnderPeriod}, {"RMSExtremeUnderVoltageThreshold", b.RMS.ExtremeUnder, &v.ExtremeUnder},
		{"RMSVoltageSagMeasurementPeriod", b.RMS.SagPeriod, &v.SagPeriod}, {"RMSVoltageSagThreshold", b.RMS.Sag, &v.Sag},
		{"RMSVoltageSwellMeasurementPeriod", b.RMS.SwellPeriod, &v.SwellPeriod}, {"RMSVoltageSwellThreshold", b.RMS.Swell, &v.Swell}} {
		x, f := u32(root+"/RMSVoltageSettings/"+fd.name, fd.s)
		if f != nil {
			return nil, f
		}
		*fd.dst = x
	}
	switch {
	case b.Single != nil && len(b.Poly) == 0:
		t, f := b.Single.thresholds(root + "/SinglePhaseVoltageSettings")
		if f != nil {
			return nil, f
		}
		v.Phases = []devices.VoltageThresholds{t}
	case b.Single == nil && len(b.Poly) == 3:
		v.Phases = make([]devices.VoltageThresholds, 3)
		seen := [4]bool{}
		for _, p := range b.Poly {
			n, f := intIn(root+"/PolyPhaseVoltageSettings/Phase", p.Phase, 1, 3)
			if f != nil {
				return nil, f
			}
			if seen[n] {
				return nil, fail(E100, "%s/PolyPhaseVoltageSettings/Phase: phase %d is given twice", root, n)
			}
			seen[n] = true
			if v.Phases[n-1], f = p.Settings.thresholds(fmt.Sprintf("%s/PolyPhaseVoltageSettings[%d]/PhaseVoltageSettings", root, n)); f != nil {
				return nil, f
			}
		}
	default:
		return nil, fail(E100, "%s: either SinglePhaseVoltageSettings or three PolyPhaseVoltageSettings are needed", root)
	}
	j.p.ESME.SetConfig(func(c *devices.Config) {
		c.Voltage = v
		if b.NotReset == nil {
			c.RMSCountersReset = now
		}
	})
	return finish(success("UpdateDeviceConfigurationVoltageRsp").End())
}

// resetRMSCounters is 6.27. smetsim does not model supply voltage, so its counters stay at zero;
// the reset is recorded.
func resetRMSCounters(j *job, now time.Time) ([]byte, *failure) {
	j.p.ESME.SetConfig(func(c *devices.Config) { c.RMSCountersReset = now })
	return finish(success("UpdateDeviceConfigurationRMSVoltageCounterResetRsp").End())
}

type powerThresholdBody struct {
	LowMedium  string `xml:"LowMediumPowerThreshold"`
	MediumHigh string `xml:"MediumHighPowerThreshold"`
}

// updatePowerThresholds is 6.12. The low/medium threshold must be below the medium/high one.
func updatePowerThresholds(j *job, now time.Time) ([]byte, *failure) {
	const root = "UpdateDeviceConfigurationInstantaneousPowerThreshold"
	var b powerThresholdBody
	if f := decodeBody(j, &b); f != nil {
		return nil, f
	}
	lo, f := u32(root+"/LowMediumPowerThreshold", b.LowMedium)
	if f != nil {
		return nil, f
	}
	hi, f := u32(root+"/MediumHighPowerThreshold", b.MediumHigh)
	if f != nil {
		return nil, f
	}
	if lo >= hi {
		return nil, fail(E100, "%s/LowMediumPowerThreshold: %d is not below MediumHighPowerThreshold %d", root, lo, hi)
	}
	j.p.ESME.SetConfig(func(c *devices.Config) { c.LowMediumPower, c.MediumHighPower = lo, hi })
	return finish(success("UpdateDeviceConfigurationInstantaneousPowerThresholdRsp").End())
}

type maxDemandPeriodBody struct {
	Start string `xml:"MaximumDemandTimePeriodSchedule>StartTime"`
	End   string `xml:"MaximumDemandTimePeriodSchedule>EndTime"`
}

// setMaxDemandPeriod is 6.18.1: the daily window of the configurable maximum demand register,
// which 4.12.1 reads. Setting it restarts that register.
func setMaxDemandPeriod(j *job, now time.Time) ([]byte, *failure) {
	const root = "SetMaximumDemandConfigurableTimePeriod/MaximumDemandTimePeriodSchedule"
	var b maxDemandPeriodBody
	if f := decodeBody(j, &b); f != nil {
		return nil, f
	}
	start, f := parseTimeOfDay(root+"/StartTime", b.Start)
	if f != nil {
		return nil, f
	}
	end, f := parseTimeOfDay(root+"/EndTime", b.End)
	if f != nil {
		return nil, f
	}
	if start == end {
		return nil, fail(E100, "%s/EndTime: the period must not be empty (EndTime equals StartTime)", root)
	}
	j.p.ESME.SetConfig(func(c *devices.Config) {
		c.MaxDemand = devices.MaxDemandPeriod{Start: start, End: end}
		c.MaxDemandPeriodReset = now
	})
	return finish(success("SetMaximumDemandConfigurableTimePeriodRsp").End())
}

type resetMaxDemandBody struct {
	Import *struct{} `xml:"MaxDemandActivePowerImportValue"`
	Export *struct{} `xml:"MaxDemandActivePowerExportValue"`
	Config *struct{} `xml:"MaxDemandConfigTimeActivePowerImportValue"`
}

// resetMaxDemand is 6.18.2: each register the body names starts again from now. A body naming
// none is refused, since it would ask for nothing.
func resetMaxDemand(j *job, now time.Time) ([]byte, *failure) {
	var b resetMaxDemandBody
	if f := decodeBody(j, &b); f != nil {
		return nil, f
	}
	if b.Import == nil && b.Export == nil && b.Config == nil {
		return nil, fail(E100, "ResetMaximumDemandRegisters: names no register (MaxDemandActivePowerImportValue, MaxDemandActivePowerExportValue, MaxDemandConfigTimeActivePowerImportValue)")
	}
	j.p.ESME.SetConfig(func(c *devices.Config) {
		if b.Import != nil {
			c.MaxDemandImportReset = now
		}
		if b.Export != nil {
			c.MaxDemandExportReset = now
		}
		if b.Config != nil {
			c.MaxDemandPeriodReset = now
		}
	})
	return finish(success("ResetMaximumDemandRegistersRsp").End())
}

func checkMPAN(path, s string) (string, *failure) {
	s = strings.TrimSpace(s)
	if len(s) != 13 || strings.Trim(s, "0123456789") != "" {
		return "", fail(E100, "%s: %q is not a 13-digit MPAN", path, s)
	}
	return s, nil
}

type importMPxNBody struct {
	MPANs *struct {
		Import    string  `xml:"ImportMPAN"`
		Secondary *string `xml:"SecondaryImportMPAN"`
	} `xml:"ImportMPANs"`
	MPRN *string `xml:"ImportMPRN"`
}

// importMPxNOf reads a 6.20.1 body for the device's kind: MPANs for an ESME, an MPRN for a GSME.
func importMPxNOf(j *job) (primary, secondary string, f *failure) {
	const root = "SetDeviceConfigurationImportMPxN"
	var b importMPxNBody
	if f := decodeBody(j, &b); f != nil {
		return "", "", f
	}
	if j.c.device.Kind == devices.KindGSME {
		if b.MPRN == nil {
			return "", "", fail(E100, "%s: a GSME takes an ImportMPRN", root)
		}
		s := strings.TrimSpace(*b.MPRN)
		if len(s) < 1 || len(s) > 10 || strings.Trim(s, "0123456789") != "" {
			return "", "", fail(E100, "%s/ImportMPRN: %q is not an MPRN of 1–10 digits", root, *b.MPRN)
		}
		return s, "", nil
	}
	if b.MPANs == nil {
		return "", "", fail(E100, "%s: an ESME takes ImportMPANs", root)
	}
	if primary, f = checkMPAN(root+"/ImportMPANs/ImportMPAN", b.MPANs.Import); f != nil {
		return "", "", f
	}
	if b.MPANs.Secondary != nil {
		if secondary, f = checkMPAN(root+"/ImportMPANs/SecondaryImportMPAN", *b.MPANs.Secondary); f != nil {
			return "", "", f
		}
	}
	return primary, secondary, nil
}

// setImportMPxN is 6.20.1. The device's MPxN changes; the SMI's record of it is the DCC's own,
// changed by 8.4 Update Inventory, so it stays as it was.
func setImportMPxN(j *job, now time.Time) ([]byte, *failure) {
	primary, secondary, f := importMPxNOf(j)
	if f != nil {
		return nil, f
	}
	if j.c.device.Kind == devices.KindESME {
		j.p.ESME.SetImportMPAN(primary, secondary)
	} else if j.p.GSME.MPRN() != primary {
		return nil, fail(E21, "the GSME did not take the MPRN")
	}
	return finish(success("SetDeviceConfigurationImportMPxNRsp").End())
}

func queueImportMPRN(j *job, now time.Time) error {
	mprn, _, f := importMPxNOf(j)
	if f != nil {
		return bodyError{f}
	}
	return j.p.GPF.QueueMPRN(now, mprn)
}

// setExportMPAN is 6.20.2.
func setExportMPAN(j *job, now time.Time) ([]byte, *failure) {
	var b struct {
		ExportMPAN string `xml:"ExportMPAN"`
	}
	if f := decodeBody(j, &b); f != nil {
		return nil, f
	}
	mpan, f := checkMPAN("SetDeviceConfigurationExportMPAN/ExportMPAN", b.ExportMPAN)
	if f != nil {
		return nil, f
	}
	j.p.ESME.SetConfig(func(c *devices.Config) { c.ExportMPAN = mpan })
	return finish(success("SetDeviceConfigurationExportMPANRsp").End())
}

// setTamperState is 6.25.
func setTamperState(j *job, now time.Time) ([]byte, *failure) {
	var b struct {
		State string `xml:"SupplyTamperState"`
	}
	if f := decodeBody(j, &b); f != nil {
		return nil, f
	}
	locked, f := lockedState("SetElectricitySupplyTamperState/SupplyTamperState", b.State)
	if f != nil {
		return nil, f
	}
	j.p.ESME.SetSupplyTamperState(locked)
	return finish(success("SetElectricitySupplyTamperStateRsp").End())
}

// setDailyBlockReset is 6.26: with it set, the ESME's block counters (and the consumption its
// block prices go by) start again every local midnight, not only at billing.
func setDailyBlockReset(j *job, now time.Time) ([]byte, *failure) {
	var b struct {
		Reset string `xml:"DailyTariffBlockCounterMatrixReset"`
	}
	if f := decodeBody(j, &b); f != nil {
		return nil, f
	}
	on, err := strconv.ParseBool(strings.TrimSpace(b.Reset))
	if err != nil {
		return nil, fail(E100, "UpdateDeviceConfigurationDailyResettingOfTariffBlockCounterMatrix/DailyTariffBlockCounterMatrixReset: %q is not a boolean", b.Reset)
	}
	j.p.ESME.SetDailyBlockReset(now, on)
	return finish(success("UpdateDeviceConfigurationDailyResettingOfTariffBlockCounterMatrixRsp").End())
}
