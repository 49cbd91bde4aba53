package dcc

import (
	"sort"
	"strconv"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
)

// The prepayment SRVs: 1.5, 1.6, 2.1, 2.3 and 2.5 (2.2 Top Up is in srvs.go).
//
// Amounts in these bodies (meter balance adjustments, thresholds, limits, debts, recovery rates)
// are read in units of £0.00001, the unit 4.18 Read Meter Balance answers in (moneyUnits): an
// assumption, the public material does not give DUIS's unit. An electricity debt recovery rate
// carries its own DebtRecoveryRatePriceScale (rate × 10^scale pounds).
//
// On a GSME the change waits in the GPF for the GSME's next wake-up. Only Activate Emergency
// Credit has a Smart Energy frame the GSME takes (Select Available Emergency Credit); the others
// are, in SMETS1, the S1SP's manufacturer-specific exchange with the meter, which smetsim carries
// out on the GSME when it wakes (atWake queues no frame).
func init() {
	register(map[string]impl{
		"1.5": {exec: updateMeterBalance, viaGSME: true, queue: atWake, check: bodyCheck(parseMeterBalance)},
		"1.6": {exec: updatePaymentMode, viaGSME: true, queue: atWake, check: bodyCheck(parsePaymentMode)},
		"2.1": {exec: updatePrepayConfig, viaGSME: true, queue: atWake, check: onCall(validatePrepayConfig)},
		"2.3": {exec: updateDebt, viaGSME: true, queue: atWake, check: onCall(validateDebt)},
		"2.5": {exec: activateEmergencyCredit, viaGSME: true, queue: queueEmergencyCredit},
	})
}

// balanceUnit is the Money of one DUIS meter balance unit (£0.00001).
const balanceUnit = 10 * devices.Micropound

// atWake is the queue step of a command that has no Smart Energy frame: the GSME takes it from
// the S1SP when it next wakes, and the command's exec carries it out then.
func atWake(*job, time.Time) error { return nil }

// prepayMeter is what ESMEs and GSMEs share for the prepayment SRVs.
type prepayMeter interface {
	AdjustMeterBalance(now time.Time, which devices.PaymentMode, delta devices.Money) error
	ResetMeterBalance(now time.Time, which devices.PaymentMode) error
	UpdatePaymentMode(now time.Time, mode devices.PaymentMode, disableThreshold devices.Money, suspendDisabled, suspendEmergency bool) error
	UpdatePrepayConfig(now time.Time, cfg devices.PrepayConfig) error
	UpdateDebt(now time.Time, d devices.DebtUpdate) error
	ActivateEmergencyCredit(now time.Time) error
	Prepayment() *devices.Prepayment
}

func meterOf(j *job) prepayMeter {
	if j.c.device.Kind == devices.KindESME {
		return j.p.ESME
	}
	return j.p.GSME
}

// onCall adapts a check of the call's own request to an impl's check (which may also be given the
// request whose body it checks).
func onCall(f func(c *call) *failure) func(*DCC, *call, *duis.Request) *failure {
	return func(_ *DCC, c *call, _ *duis.Request) *failure { return f(c) }
}

// outcome writes a command's response: MessageSuccess false when the meter refused it.
func outcome(rsp string, err error) ([]byte, *failure) {
	if err != nil {
		return finish(refused(rsp))
	}
	return finish(success(rsp).End())
}

// 1.5 Update Meter Balance.

type adjustOrReset struct {
	Adjust *int64    `xml:"AdjustMeterBalance"`
	Reset  *struct{} `xml:"ResetMeterBalance"`
}

type meterBalanceUpdate struct {
	which  devices.PaymentMode
	reset  bool
	adjust devices.Money
}

func parseMeterBalance(req *duis.Request) (meterBalanceUpdate, *failure) {
	var b struct {
		Prepayment *adjustOrReset `xml:"PrepaymentMode"`
		Credit     *adjustOrReset `xml:"CreditMode"`
	}
	if err := req.Body.Decode(&b); err != nil {
		return meterBalanceUpdate{}, fail(E100, "UpdateMeterBalance: %v", err)
	}
	u := meterBalanceUpdate{which: devices.PrepaymentBalance}
	a := b.Prepayment
	if b.Credit != nil {
		u.which, a = devices.CreditBalance, b.Credit
	}
	switch {
	case a == nil:
		return u, fail(E100, "UpdateMeterBalance: neither PrepaymentMode nor CreditMode")
	case a.Reset != nil:
		u.reset = true
	case a.Adjust != nil:
		u.adjust = devices.Money(*a.Adjust) * balanceUnit
	default:
		return u, fail(E100, "UpdateMeterBalance: neither AdjustMeterBalance nor ResetMeterBalance")
	}
	return u, nil
}

// updateMeterBalance is 1.5: the prepayment balance, or the credit-mode balance (what the meter
// has charged), is adjusted or reset, whatever mode the meter is in.
func updateMeterBalance(j *job, now time.Time) ([]byte, *failure) {
	u, f := parseMeterBalance(j.orig)
	if f != nil {
		return nil, f
	}
	m := meterOf(j)
	if u.reset {
		return outcome("UpdateMeterBalanceRsp", m.ResetMeterBalance(now, u.which))
	}
	return outcome("UpdateMeterBalanceRsp", m.AdjustMeterBalance(now, u.which, u.adjust))
}

// checkBalanceData is the S1SP's data-value check of 1.5: an adjustment larger than its limit
// either way stops the request.
func (d *DCC) checkBalanceData(c *call, orig *duis.Request) *failure {
	u, f := parseMeterBalance(orig)
	if f != nil {
		return nil
	}
	lim := d.cfg.DataLimits.MaxBalanceAdjustment
	if lim > 0 && (u.adjust > lim || u.adjust < -lim) {
		return fail(S1SPDataValueAlert, "the meter balance adjustment of %s is beyond the S1SP's limit of %s", u.adjust, lim)
	}
	return nil
}

// 1.6 Update Payment Mode.

type paymentModeUpdate struct {
	mode                       devices.PaymentMode
	threshold                  devices.Money
	suspendDisabled, suspendEC bool
}

func parsePaymentMode(req *duis.Request) (paymentModeUpdate, *failure) {
	var b struct {
		Credit     *struct{} `xml:"Credit"`
		Prepayment *struct {
			SuspendDebtDisabled  bool  `xml:"SuspendDebtDisabled"`
			SuspendDebtEmergency bool  `xml:"SuspendDebtEmergency"`
			DisablementThreshold int64 `xml:"DisablementThreshold"`
		} `xml:"Prepayment"`
	}
	if err := req.Body.Decode(&b); err != nil {
		return paymentModeUpdate{}, fail(E100, "UpdatePaymentMode: %v", err)
	}
	switch {
	case b.Credit != nil:
		return paymentModeUpdate{mode: devices.CreditMode}, nil
	case b.Prepayment != nil:
		p := b.Prepayment
		return paymentModeUpdate{mode: devices.PrepaymentMode, threshold: devices.Money(p.DisablementThreshold) * balanceUnit,
			suspendDisabled: p.SuspendDebtDisabled, suspendEC: p.SuspendDebtEmergency}, nil
	}
	return paymentModeUpdate{}, fail(E100, "UpdatePaymentMode: neither Credit nor Prepayment")
}

// updatePaymentMode is 1.6.
func updatePaymentMode(j *job, now time.Time) ([]byte, *failure) {
	u, f := parsePaymentMode(j.orig)
	if f != nil {
		return nil, f
	}
	return outcome("UpdatePaymentModeRsp", meterOf(j).UpdatePaymentMode(now, u.mode, u.threshold, u.suspendDisabled, u.suspendEC))
}

// 2.1 Update Prepay Configuration.

type timeXML struct {
	Time   string `xml:"StartTime"`
	Action string `xml:"NonDisablementAction"`
}

type prepayConfigXML struct {
	DebtRecoveryRateCap      int64 `xml:"DebtRecoveryRateCap"`
	EmergencyCreditLimit     int64 `xml:"EmergencyCreditLimit"`
	EmergencyCreditThreshold int64 `xml:"EmergencyCreditThreshold"`
	LowCreditThreshold       int64 `xml:"LowCreditThreshold"`
	MaxMeterBalance          int64 `xml:"MaxMeterBalance"`
	MaxCreditThreshold       int64 `xml:"MaxCreditThreshold"`
	ElecCalendar             *struct {
		Schedules []struct {
			Script string   `xml:"NonDisablementScript"`
			Days   []string `xml:"DaysOfWeekApplicability>DayOfWeekApplicability>DayOfWeekID"`
			Time   string   `xml:"ScheduleDatesAndTime>SwitchTime"`
		} `xml:"ElectricityNonDisablementSchedule"`
	} `xml:"ElectricityNonDisablementCalendar"`
	GasCalendar *struct {
		Days []struct {
			Actions []timeXML `xml:"TimeStartAction"`
			Name    uint8     `xml:"GasDayName"`
		} `xml:"DayProfiles>GasNonDisablementDayProfile"`
		Weeks   []weekProfileXML `xml:"WeekProfiles>WeekProfile"`
		Seasons []struct {
			Start dateXML `xml:"SeasonStartDate"`
			Week  uint8   `xml:"ReferencedWeekName"`
		} `xml:"SeasonProfiles>Season"`
	} `xml:"GasNonDisablementCalendar"`
}

// ndEvent is a non-disablement START (on) or STOP at a local minute.
type ndEvent struct {
	minute int
	on     bool
}

var weekdayIndex = map[string]int{"Monday": 0, "Tuesday": 1, "Wednesday": 2, "Thursday": 3, "Friday": 4, "Saturday": 5, "Sunday": 6}

// parsePrepayConfig reads 2.1 for a meter of the given kind. The calendar is reduced to the
// weekly non-disablement periods the meter keeps (devices.NonDisablement): electricity schedules
// are merged whatever their date ranges and special-day applicability, and for gas the week
// profile of the season in force at now is taken — smetsim's meters hold one weekly calendar.
func parsePrepayConfig(req *duis.Request, kind devices.Kind, now time.Time) (devices.PrepayConfig, *failure) {
	var b struct {
		Elec *prepayConfigXML `xml:"UpdatePrepayConfigElectricity"`
		Gas  *prepayConfigXML `xml:"UpdatePrepayConfigGas"`
	}
	if err := req.Body.Decode(&b); err != nil {
		return devices.PrepayConfig{}, fail(E100, "UpdatePrepayConfiguration: %v", err)
	}
	x := b.Elec
	if kind == devices.KindGSME {
		x = b.Gas
	}
	if x == nil {
		want := "UpdatePrepayConfigElectricity"
		if kind == devices.KindGSME {
			want = "UpdatePrepayConfigGas"
		}
		return devices.PrepayConfig{}, fail(E100, "UpdatePrepayConfiguration: a %s takes %s", kind, want)
	}
	cfg := devices.PrepayConfig{
		DebtRecoveryRateCap: devices.Money(x.DebtRecoveryRateCap) * balanceUnit,
		ECLimit:             devices.Money(x.EmergencyCreditLimit) * balanceUnit,
		ECThreshold:         devices.Money(x.EmergencyCreditThreshold) * balanceUnit,
		LowCredit:           devices.Money(x.LowCreditThreshold) * balanceUnit,
		MaxMeterBalance:     devices.Money(x.MaxMeterBalance) * balanceUnit,
		MaxCreditThreshold:  devices.Money(x.MaxCreditThreshold) * balanceUnit,
	}
	for name, v := range map[string]int64{"EmergencyCreditLimit": x.EmergencyCreditLimit, "EmergencyCreditThreshold": x.EmergencyCreditThreshold,
		"MaxMeterBalance": x.MaxMeterBalance, "MaxCreditThreshold": x.MaxCreditThreshold, "DebtRecoveryRateCap": x.DebtRecoveryRateCap} {
		if v < 0 {
			return cfg, fail(E100, "UpdatePrepayConfiguration: %s %d is negative", name, v)
		}
	}
	var week [7][]ndEvent
	switch {
	case x.ElecCalendar != nil:
		for i, s := range x.ElecCalendar.Schedules {
			m, err := localMinute(s.Time)
			if err != nil {
				return cfg, fail(E100, "UpdatePrepayConfiguration: ElectricityNonDisablementSchedule %d: SwitchTime: %v", i+1, err)
			}
			for _, d := range s.Days {
				wd, ok := weekdayIndex[d]
				if !ok {
					return cfg, fail(E100, "UpdatePrepayConfiguration: ElectricityNonDisablementSchedule %d: DayOfWeekID %q", i+1, d)
				}
				week[wd] = append(week[wd], ndEvent{minute: m, on: s.Script == "START"})
			}
		}
	case x.GasCalendar != nil:
		g := x.GasCalendar
		days := map[uint8][]ndEvent{}
		for _, d := range g.Days {
			for i, a := range d.Actions {
				m, err := localMinute(a.Time)
				if err != nil {
					return cfg, fail(E100, "UpdatePrepayConfiguration: GasNonDisablementDayProfile %d: TimeStartAction %d: StartTime: %v", d.Name, i+1, err)
				}
				days[d.Name] = append(days[d.Name], ndEvent{minute: m, on: a.Action == "START"})
			}
		}
		weeks := map[uint8][7]uint8{}
		for _, w := range g.Weeks {
			var ds [7]uint8
			for _, d := range w.Days {
				if d.Index < 1 || d.Index > 7 {
					return cfg, fail(E100, "UpdatePrepayConfiguration: WeekProfile %d: ReferencedDayName index %d is not 1 to 7", w.Name, d.Index)
				}
				ds[d.Index-1] = d.Day
			}
			weeks[w.Name] = ds
		}
		// The season in force now names the week profile, as a tariff calendar's does.
		cal := devices.TariffCalendar{Days: map[uint8][]devices.TariffSwitch{}, Weeks: map[uint8][7]uint8{}}
		for name := range weeks {
			cal.Weeks[name] = [7]uint8{name, name, name, name, name, name, name}
			cal.Days[name] = []devices.TariffSwitch{{Action: devices.TariffAction{N: name}}}
		}
		for _, s := range g.Seasons {
			if _, ok := weeks[s.Week]; !ok {
				return cfg, fail(E100, "UpdatePrepayConfiguration: SeasonProfiles names week profile %d, which is not defined", s.Week)
			}
			cal.Seasons = append(cal.Seasons, devices.TariffSeason{Start: s.Start.spec(), Week: s.Week})
		}
		if len(cal.Seasons) > 0 {
			if sw := cal.DayProfileOn(now); len(sw) > 0 {
				w := weeks[sw[0].Action.N]
				for i, d := range w {
					ev, ok := days[d]
					if !ok {
						return cfg, fail(E100, "UpdatePrepayConfiguration: WeekProfile %d names day profile %d, which is not defined", sw[0].Action.N, d)
					}
					week[i] = append(week[i], ev...)
				}
			}
		}
	}
	cfg.NonDisablement = nonDisablementOf(week)
	return cfg, nil
}

// nonDisablementOf turns each weekday's START/STOP events (Monday first) into periods; a period
// still running at midnight carries into the next day.
func nonDisablementOf(week [7][]ndEvent) *devices.NonDisablement {
	for i := range week {
		sort.SliceStable(week[i], func(a, b int) bool { return week[i][a].minute < week[i][b].minute })
	}
	in := false
	for d := 0; d < 7; d++ {
		for _, e := range week[d] {
			in = e.on
		}
	}
	nd := &devices.NonDisablement{}
	emit := func(d, from, to int) {
		if to <= from {
			return
		}
		bit := uint8(1) << uint((d+1)%7) // devices' weekday bits start at Sunday
		nd.Periods = append(nd.Periods, devices.NonDisablementPeriod{Days: bit, Start: uint16(from), End: uint16(to % (24 * 60))})
	}
	for d := 0; d < 7; d++ {
		start := 0
		for _, e := range week[d] {
			switch {
			case e.on && !in:
				in, start = true, e.minute
			case !e.on && in:
				emit(d, start, e.minute)
				in = false
			}
		}
		if in {
			emit(d, start, 24*60)
		}
	}
	if len(nd.Periods) == 0 {
		return nil
	}
	return nd
}

func validatePrepayConfig(c *call) *failure {
	_, f := parsePrepayConfig(c.req, c.device.Kind, time.Time{})
	return f
}

// updatePrepayConfig is 2.1.
func updatePrepayConfig(j *job, now time.Time) ([]byte, *failure) {
	cfg, f := parsePrepayConfig(j.orig, j.c.device.Kind, now)
	if f != nil {
		return nil, f
	}
	return outcome("UpdatePrepayConfigurationRsp", meterOf(j).UpdatePrepayConfig(now, cfg))
}

// 2.3 Update Debt.

type debtRecoveryXML struct {
	Rate   int64  `xml:"DebtRecoveryRate"`
	Scale  *int   `xml:"DebtRecoveryRatePriceScale"`
	Period string `xml:"DebtRecoveryRatePeriod"`
}

// parseDebt reads 2.3. smetsim's meters keep one time-based debt register: the two DUIS registers
// are loaded into it together and recovered at the sum of the two rates, per day.
func parseDebt(req *duis.Request, kind devices.Kind) (devices.DebtUpdate, *failure) {
	var b struct {
		Time1      int64            `xml:"TimeDebtRegister1"`
		Time2      int64            `xml:"TimeDebtRegister2"`
		Payment    int64            `xml:"PaymentDebtRegister"`
		PerPayment int64            `xml:"DebtRecoveryPerPayment"`
		Elec1      *debtRecoveryXML `xml:"ElecDebtRecovery1"`
		Elec2      *debtRecoveryXML `xml:"ElecDebtRecovery2"`
		Gas1       *debtRecoveryXML `xml:"GasDebtRecovery1"`
		Gas2       *debtRecoveryXML `xml:"GasDebtRecovery2"`
	}
	if err := req.Body.Decode(&b); err != nil {
		return devices.DebtUpdate{}, fail(E100, "UpdateDebt: %v", err)
	}
	r1, r2, want := b.Elec1, b.Elec2, "ElecDebtRecovery1 and 2"
	if kind == devices.KindGSME {
		r1, r2, want = b.Gas1, b.Gas2, "GasDebtRecovery1 and 2"
	}
	if r1 == nil || r2 == nil {
		return devices.DebtUpdate{}, fail(E100, "UpdateDebt: a %s takes %s", kind, want)
	}
	for name, v := range map[string]int64{"TimeDebtRegister1": b.Time1, "TimeDebtRegister2": b.Time2, "PaymentDebtRegister": b.Payment} {
		if v < 0 {
			return devices.DebtUpdate{}, fail(E100, "UpdateDebt: %s %d is negative", name, v)
		}
	}
	if b.PerPayment < 0 || b.PerPayment > 10000 {
		return devices.DebtUpdate{}, fail(E100, "UpdateDebt: DebtRecoveryPerPayment %d is not 0 to 10000 (hundredths of a percent)", b.PerPayment)
	}
	u := devices.DebtUpdate{TimeDebt: devices.Money(b.Time1+b.Time2) * balanceUnit, PaymentDebt: devices.Money(b.Payment) * balanceUnit,
		PaymentDebtPercent: uint8((b.PerPayment + 50) / 100)}
	for i, r := range []*debtRecoveryXML{r1, r2} {
		rate := devices.Money(r.Rate) * balanceUnit
		if r.Scale != nil {
			m, f := scaledPrice("UpdateDebt: DebtRecoveryRate", indexedXML{Index: i + 1, Value: strconv.FormatInt(r.Rate, 10)}, *r.Scale, 2)
			if f != nil {
				return u, f
			}
			rate = m
		}
		if rate < 0 {
			return u, fail(E100, "UpdateDebt: DebtRecoveryRate %d is negative", i+1)
		}
		switch r.Period {
		case "HOURLY":
			rate *= 24
		case "DAILY":
		default:
			return u, fail(E100, "UpdateDebt: DebtRecoveryRatePeriod %q is neither HOURLY nor DAILY", r.Period)
		}
		u.TimeDebtRate += rate
	}
	return u, nil
}

func validateDebt(c *call) *failure {
	_, f := parseDebt(c.req, c.device.Kind)
	return f
}

// updateDebt is 2.3.
func updateDebt(j *job, now time.Time) ([]byte, *failure) {
	u, f := parseDebt(j.orig, j.c.device.Kind)
	if f != nil {
		return nil, f
	}
	return outcome("UpdateDebtRsp", meterOf(j).UpdateDebt(now, u))
}

// 2.5 Activate Emergency Credit.

func queueEmergencyCredit(j *job, now time.Time) error { return j.p.GPF.QueueEmergencyCredit(now) }

// activateEmergencyCredit is 2.5: the meter activates emergency credit if it is available (its
// balance at or below the threshold); otherwise it answers MessageSuccess false. A GSME took the
// command from its GPF at its wake-up.
func activateEmergencyCredit(j *job, now time.Time) ([]byte, *failure) {
	const rsp = "ActivateEmergencyCreditRsp"
	if j.c.device.Kind == devices.KindGSME {
		p := j.p.GSME.Prepayment()
		if p == nil || !p.ECActive {
			return finish(refused(rsp))
		}
		return finish(success(rsp).End())
	}
	return outcome(rsp, j.p.ESME.ActivateEmergencyCredit(now))
}
