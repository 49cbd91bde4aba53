package dcc_test

import (
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/dcc"
)

func elecMeter(e *env) *devices.ESME { return e.f.ByDevice(esme).ESME }
func gasMeter(e *env) *devices.GSME  { return e.f.ByDevice(gsme).GSME }

// saturdayMorning is a local instant inside the templates' weekend non-disablement periods.
func saturdayMorning(e *env) time.Time {
	d := devices.LocalDayStart(e.f.Clock.Now())
	for d.In(devices.London).Weekday() != time.Saturday {
		d = devices.NextLocalDayStart(d)
	}
	return d.Add(5 * time.Hour)
}

var prepayTemplates = map[string]templateCase{
	"ECS02_1.6_FUTURE_DATED_TWIN_SUCCESS_REQUEST_DUIS.XML": {rsp: "UpdatePaymentModeRsp", check: func(e *env) {
		Expect(elecMeter(e).PaymentMode()).To(Equal(devices.CreditMode))
	}},
	"ECS03_1.6_FUTURE_DATED_TWIN_SUCCESS_REQUEST_DUIS.XML": {rsp: "UpdatePaymentModeRsp",
		setup: func(e *env) {
			Expect(elecMeter(e).UpdatePaymentMode(e.f.Clock.Now(), devices.CreditMode, 0, false, false)).To(Succeed())
		},
		check: func(e *env) {
			m := elecMeter(e)
			Expect(m.PaymentMode()).To(Equal(devices.PrepaymentMode))
			Expect(m.Prepayment().DisableThreshold).To(Equal(devices.Money(5566770))) // 556677 × £0.00001
			disabled, emergency := m.DebtSuspension()
			Expect(disabled).To(BeTrue())
			Expect(emergency).To(BeFalse())
		}},
	"GCS02_1.6_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML": {rsp: "UpdatePaymentModeRsp", check: func(e *env) {
		Expect(gasMeter(e).PaymentMode()).To(Equal(devices.CreditMode))
	}},
	"GCS03_1.6_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML": {rsp: "UpdatePaymentModeRsp",
		setup: func(e *env) {
			Expect(gasMeter(e).UpdatePaymentMode(e.f.Clock.Now(), devices.CreditMode, 0, false, false)).To(Succeed())
		},
		check: func(e *env) {
			Expect(gasMeter(e).PaymentMode()).To(Equal(devices.PrepaymentMode))
			Expect(gasMeter(e).Prepayment().DisableThreshold).To(BeZero())
		}},
	"ECS04b_1.5_SUCCESS_REQUEST_DUIS.XML": {rsp: "UpdateMeterBalanceRsp",
		setup: func(e *env) { e.run(3 * time.Hour) },
		check: func(e *env) {
			Expect(elecMeter(e).CreditModeBalance(e.f.Clock.Now())).To(BeNumerically("~", 0, devices.Penny))
		}},
	"GCS40b_1.5_SUCCESS_REQUEST_DUIS.XML": {rsp: "UpdateMeterBalanceRsp", check: func(e *env) {
		Expect(gasMeter(e).Balance(e.f.Clock.Now())).To(BeNumerically("~", 0, devices.Penny))
	}},
	"ECS08_2.1_CANCELLATION_SUCCESS_REQUEST_DUIS.XML": {rsp: "UpdatePrepayConfigurationRsp", check: func(e *env) {
		cfg, ok := elecMeter(e).PrepayConfig()
		Expect(ok).To(BeTrue())
		Expect(cfg.ECLimit).To(Equal(3 * devices.Pound))
		Expect(cfg.ECThreshold).To(Equal(1 * devices.Pound))
		Expect(cfg.LowCredit).To(Equal(2 * devices.Pound))
		Expect(cfg.MaxMeterBalance).To(Equal(50 * devices.Pound))
		Expect(cfg.MaxCreditThreshold).To(Equal(10 * devices.Pound))
		sat := saturdayMorning(e)
		in, _ := cfg.NonDisablement.Covering(sat) // Saturday 00:00–09:30
		Expect(in).To(BeTrue())
		in, _ = cfg.NonDisablement.Covering(sat.Add(6 * time.Hour)) // 11:00
		Expect(in).To(BeFalse())
	}},
	"ECS08a_2.1_CANCELLATION_SUCCESS_REQUEST_DUIS.XML": {rsp: "UpdatePrepayConfigurationRsp", check: func(e *env) {
		Expect(elecMeter(e).Prepayment().MaxCredit).To(Equal(50 * devices.Pound))
	}},
	"GCS05_2.1_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML": {rsp: "UpdatePrepayConfigurationRsp", check: func(e *env) {
		cfg, _ := gasMeter(e).PrepayConfig()
		Expect(cfg.ECLimit).To(Equal(100 * devices.Pound))
		Expect(cfg.LowCredit).To(Equal(50 * devices.Pound))
		Expect(cfg.MaxMeterBalance).To(Equal(250 * devices.Pound))
		// Weekends (day profile 3) are non-disablement all day.
		in, _ := cfg.NonDisablement.Covering(saturdayMorning(e).Add(6 * time.Hour))
		Expect(in).To(BeTrue())
	}},
	"ECS09_2.5_SUCCESS_REQUEST_DUIS.XML": {rsp: "ActivateEmergencyCreditRsp",
		setup: func(e *env) {
			Expect(elecMeter(e).AdjustMeterBalance(e.f.Clock.Now(), devices.PrepaymentBalance, -elecMeter(e).Balance(e.f.Clock.Now())+50*devices.Penny)).To(Succeed())
		},
		check: func(e *env) { Expect(elecMeter(e).Prepayment().ECActive).To(BeTrue()) }},
}

var _ = Describe("Prepayment SRVs", func() {
	var e *env
	BeforeEach(func() {
		requireJudges()
		e = newEnv(envOptions{})
		e.run(time.Minute)
	})

	DescribeTable("accept the DCC's templates as they are and change the device as the body says",
		func(name string, c templateCase) { runTemplateCase(e, name, c) },
		templateEntries(prepayTemplates))

	readBalance := func(to devices.EUI64) []byte {
		e.serve(sendCommand, e.request(supplier, to, 1, "4.18", "<sr:ReadMeterBalance/>"))
		e.run(time.Minute)
		return responseOf(e, supplier)
	}

	It("adjusts an ESME's balance with 1.5 and reads it back with 4.18", func() {
		m := elecMeter(e)
		before := m.Balance(e.f.Clock.Now())
		body := "<sr:UpdateMeterBalance><sr:PrepaymentMode><sr:AdjustMeterBalance>500000</sr:AdjustMeterBalance></sr:PrepaymentMode></sr:UpdateMeterBalance>"
		Expect(e.critical(supplier, esme, "1.5", body).Code).To(Equal(dcc.I99))
		e.run(time.Minute)
		Expect(string(responseOf(e, supplier))).To(ContainSubstring(`<ra:UpdateMeterBalanceRsp MessageSuccess="true"`))
		Expect(m.Balance(e.f.Clock.Now()) - before).To(BeNumerically("~", 5*devices.Pound, 2*devices.Penny))
		bal, err := strconv.ParseInt(field(readBalance(esme), "MeterBalance"), 10, 64)
		Expect(err).NotTo(HaveOccurred())
		Expect(devices.Money(bal) * 10).To(BeNumerically("~", m.Balance(e.f.Clock.Now()), devices.Penny))
	})

	It("answers 4.18 for a GSME that has not yet reported to its GPF E21, as every gas read", func() {
		e = newEnv(envOptions{})
		Expect(e.f.ByDevice(gsme).GPF.Mirror().Valid).To(BeFalse())
		e.serve(sendCommand, e.request(supplier, gsme, 1, "4.18", "<sr:ReadMeterBalance/>"))
		e.run(2 * time.Second)
		Expect(e.f.ByDevice(gsme).GPF.Mirror().Valid).To(BeFalse(), "the GSME has not woken yet")
		Expect(codeOf(responseOf(e, supplier))).To(Equal("E21"))
	})

	It("answers a GSME read from the GPF's mirror in the GPF's time, not the sleeping GSME's", func() {
		p := e.f.ByDevice(gsme)
		p.GSME.Model().Latency = devices.Latency{Dist: devices.LatencyFixed, Median: 40 * time.Minute}
		p.GPF.Model().Latency = devices.Latency{Dist: devices.LatencyFixed, Median: 2 * time.Second}
		e.run(31 * time.Minute) // the GSME has reported to its GPF
		Expect(p.GPF.Mirror().Valid).To(BeTrue())
		e.serve(sendCommand, e.request(supplier, gsme, 1, "4.18", "<sr:ReadMeterBalance/>"))
		e.run(3 * time.Second)
		Expect(codeOf(responseOf(e, supplier))).To(Equal("I0"))
	})

	It("switches an ESME to credit with 1.6, after which 4.18 finds no meter balance", func() {
		Expect(e.critical(supplier, esme, "1.6", "<sr:UpdatePaymentMode><sr:Credit/></sr:UpdatePaymentMode>").Code).To(Equal(dcc.I99))
		e.run(time.Minute)
		Expect(codeOf(responseOf(e, supplier))).To(Equal("I0"))
		Expect(codeOf(readBalance(esme))).To(Equal("E5"))
	})

	It("loads debt with 2.3 and recovers it from the balance", func() {
		body := "<sr:UpdateDebt><sr:TimeDebtRegister1>1000000</sr:TimeDebtRegister1><sr:TimeDebtRegister2>500000</sr:TimeDebtRegister2>" +
			"<sr:PaymentDebtRegister>200000</sr:PaymentDebtRegister><sr:DebtRecoveryPerPayment>2500</sr:DebtRecoveryPerPayment>" +
			"<sr:ElecDebtRecovery1><sr:DebtRecoveryRate>50</sr:DebtRecoveryRate><sr:DebtRecoveryRatePriceScale>-2</sr:DebtRecoveryRatePriceScale><sr:DebtRecoveryRatePeriod>DAILY</sr:DebtRecoveryRatePeriod></sr:ElecDebtRecovery1>" +
			"<sr:ElecDebtRecovery2><sr:DebtRecoveryRate>1</sr:DebtRecoveryRate><sr:DebtRecoveryRatePriceScale>-2</sr:DebtRecoveryRatePriceScale><sr:DebtRecoveryRatePeriod>HOURLY</sr:DebtRecoveryRatePeriod></sr:ElecDebtRecovery2></sr:UpdateDebt>"
		Expect(e.critical(supplier, esme, "2.3", body).Code).To(Equal(dcc.I99))
		e.run(time.Minute)
		Expect(string(responseOf(e, supplier))).To(ContainSubstring(`<ra:UpdateDebtRsp MessageSuccess="true"`))
		p := elecMeter(e).Prepayment()
		Expect(p.TimeDebt).To(Equal(15 * devices.Pound))
		Expect(p.PaymentDebt).To(Equal(2 * devices.Pound))
		Expect(p.PaymentDebtPercent).To(Equal(uint8(25)))
		Expect(p.TimeDebtRate).To(Equal(50*devices.Penny + 24*devices.Penny)) // 50p a day + 1p an hour
		e.run(24 * time.Hour)
		Expect(elecMeter(e).Prepayment().TimeDebt).To(BeNumerically("~", 15*devices.Pound-74*devices.Penny, 2*devices.Penny))
	})

	It("reads 2.3's recovery per payment back with 4.13 in the unit it was written in (hundredths of a percent)", func() {
		body := "<sr:UpdateDebt><sr:TimeDebtRegister1>0</sr:TimeDebtRegister1><sr:TimeDebtRegister2>0</sr:TimeDebtRegister2>" +
			"<sr:PaymentDebtRegister>200000</sr:PaymentDebtRegister><sr:DebtRecoveryPerPayment>2500</sr:DebtRecoveryPerPayment>" +
			"<sr:ElecDebtRecovery1><sr:DebtRecoveryRate>0</sr:DebtRecoveryRate><sr:DebtRecoveryRatePriceScale>-2</sr:DebtRecoveryRatePriceScale><sr:DebtRecoveryRatePeriod>DAILY</sr:DebtRecoveryRatePeriod></sr:ElecDebtRecovery1>" +
			"<sr:ElecDebtRecovery2><sr:DebtRecoveryRate>0</sr:DebtRecoveryRate><sr:DebtRecoveryRatePriceScale>-2</sr:DebtRecoveryRatePriceScale><sr:DebtRecoveryRatePeriod>DAILY</sr:DebtRecoveryRatePeriod></sr:ElecDebtRecovery2></sr:UpdateDebt>"
		Expect(e.critical(supplier, esme, "2.3", body).Code).To(Equal(dcc.I99))
		e.run(time.Minute)
		Expect(string(responseOf(e, supplier))).To(ContainSubstring(`<ra:UpdateDebtRsp MessageSuccess="true"`))
		e.serve(sendCommand, e.request(supplier, esme, 1, "4.13", "<sr:ReadPrepaymentConfiguration/>"))
		e.run(time.Minute)
		Expect(field(responseOf(e, supplier), "DebtRecoveryPerPayment")).To(Equal("2500"))
	})

	It("activates a GSME's emergency credit at its wake-up with 2.5", func() {
		g := gasMeter(e)
		Expect(g.AdjustMeterBalance(e.f.Clock.Now(), devices.PrepaymentBalance, -g.Balance(e.f.Clock.Now())+50*devices.Penny)).To(Succeed())
		Expect(e.critical(supplier, gsme, "2.5", "<sr:ActivateEmergencyCredit/>").Code).To(Equal(dcc.I99))
		Expect(g.Prepayment().ECActive).To(BeFalse()) // asleep
		e.settle(gsme)
		Expect(string(responseOf(e, supplier))).To(ContainSubstring(`<ra:ActivateEmergencyCreditRsp MessageSuccess="true"`))
		Expect(g.Prepayment().ECActive).To(BeTrue())
	})

	It("answers MessageSuccess false when emergency credit is not available", func() {
		Expect(e.critical(supplier, esme, "2.5", "<sr:ActivateEmergencyCredit/>").Code).To(Equal(dcc.I99)) // £12 of credit
		e.run(time.Minute)
		Expect(string(responseOf(e, supplier))).To(ContainSubstring(`<ra:ActivateEmergencyCreditRsp MessageSuccess="false"`))
		Expect(elecMeter(e).Prepayment().ECActive).To(BeFalse())
	})

	It("lets the S1SP stop a balance adjustment beyond its limit", func() {
		e = newEnv(envOptions{dataLimits: dcc.DataLimits{MaxTopUp: 500 * devices.Pound, MaxBalanceAdjustment: 100 * devices.Pound}})
		body := "<sr:UpdateMeterBalance><sr:PrepaymentMode><sr:AdjustMeterBalance>-20000000</sr:AdjustMeterBalance></sr:PrepaymentMode></sr:UpdateMeterBalance>"
		Expect(e.critical(supplier, esme, "1.5", body).Code).To(Equal(dcc.I99))
		e.run(time.Minute)
		msgs := e.outbox(supplier)
		Expect(msgs).To(HaveLen(1))
		Expect(field(msgs[0].Body, "S1SPAlertCode")).To(Equal(dcc.S1SPDataValueAlert))
		Expect(string(msgs[0].Body)).To(ContainSubstring("-£200.00 is beyond the S1SP's limit of £100.00"))
	})

	DescribeTable("refuses a body that does not fit, at Transform, naming the field",
		func(to devices.EUI64, variant, body, reason string) {
			ans := e.serve(transform, e.request(supplier, to, 4, variant, body))
			Expect(ans.Code).To(Equal(dcc.E100))
			Expect(ans.Reason).To(ContainSubstring(reason))
		},
		Entry("gas debt recovery for an ESME", esme, "2.3",
			"<sr:UpdateDebt><sr:TimeDebtRegister1>0</sr:TimeDebtRegister1><sr:TimeDebtRegister2>0</sr:TimeDebtRegister2><sr:PaymentDebtRegister>0</sr:PaymentDebtRegister><sr:DebtRecoveryPerPayment>0</sr:DebtRecoveryPerPayment>"+
				"<sr:GasDebtRecovery1><sr:DebtRecoveryRate>1</sr:DebtRecoveryRate><sr:DebtRecoveryRatePeriod>DAILY</sr:DebtRecoveryRatePeriod></sr:GasDebtRecovery1>"+
				"<sr:GasDebtRecovery2><sr:DebtRecoveryRate>1</sr:DebtRecoveryRate><sr:DebtRecoveryRatePeriod>DAILY</sr:DebtRecoveryRatePeriod></sr:GasDebtRecovery2></sr:UpdateDebt>",
			"takes ElecDebtRecovery1 and 2"),
		Entry("a negative emergency credit limit", esme, "2.1",
			"<sr:UpdatePrepayConfiguration><sr:UpdatePrepayConfigElectricity><sr:DebtRecoveryRateCap>0</sr:DebtRecoveryRateCap><sr:EmergencyCreditLimit>-5</sr:EmergencyCreditLimit>"+
				"<sr:EmergencyCreditThreshold>0</sr:EmergencyCreditThreshold><sr:LowCreditThreshold>0</sr:LowCreditThreshold><sr:ElectricityNonDisablementCalendar><sr:ElectricitySpecialDays/>"+
				"<sr:ElectricityNonDisablementSchedule><sr:NonDisablementScript>START</sr:NonDisablementScript><sr:SpecialDaysApplicability/><sr:DaysOfWeekApplicability/>"+
				"<sr:ScheduleDatesAndTime><sr:SwitchTime>00:00:00</sr:SwitchTime><sr:StartDate>2020-01-01</sr:StartDate><sr:EndDate>2030-01-01</sr:EndDate></sr:ScheduleDatesAndTime></sr:ElectricityNonDisablementSchedule>"+
				"</sr:ElectricityNonDisablementCalendar><sr:MaxMeterBalance>0</sr:MaxMeterBalance><sr:MaxCreditThreshold>0</sr:MaxCreditThreshold></sr:UpdatePrepayConfigElectricity></sr:UpdatePrepayConfiguration>",
			"EmergencyCreditLimit -5 is negative"),
		Entry("a debt recovery share above 100%", gsme, "2.3",
			"<sr:UpdateDebt><sr:TimeDebtRegister1>0</sr:TimeDebtRegister1><sr:TimeDebtRegister2>0</sr:TimeDebtRegister2><sr:PaymentDebtRegister>0</sr:PaymentDebtRegister><sr:DebtRecoveryPerPayment>10001</sr:DebtRecoveryPerPayment>"+
				"<sr:GasDebtRecovery1><sr:DebtRecoveryRate>1</sr:DebtRecoveryRate><sr:DebtRecoveryRatePeriod>DAILY</sr:DebtRecoveryRatePeriod></sr:GasDebtRecovery1>"+
				"<sr:GasDebtRecovery2><sr:DebtRecoveryRate>1</sr:DebtRecoveryRate><sr:DebtRecoveryRatePeriod>DAILY</sr:DebtRecoveryRatePeriod></sr:GasDebtRecovery2></sr:UpdateDebt>",
			"DebtRecoveryPerPayment 10001"),
	)
})
