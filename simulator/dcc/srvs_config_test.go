package dcc_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/users"
)

// gasRead is long enough for a read addressed to a GSME to be answered: the S1SP answers from the
// GPF, after the GSME model's response time.
const gasRead = 32 * time.Minute

// lockedBuffer collects the DCC's log lines, written on the clock's goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// configEnv is a mock DCC over the default fleet whose log is kept, so that the reasons of
// asynchronous failures can be read.
type configEnv struct {
	*env
	log *lockedBuffer
}

func newConfigEnv(o envOptions) *configEnv {
	e := &configEnv{env: newEnv(o), log: &lockedBuffer{}}
	dcc.SetLog(e.d, slog.New(slog.NewTextHandler(e.log, nil)))
	return e
}

// send posts a non-critical request and expects it acknowledged.
func (e *configEnv) send(from, to devices.EUI64, variant, body string) {
	ans := e.serve(sendCommand, e.request(from, to, 1, variant, body))
	ExpectWithOffset(1, ans.Code).To(Equal(dcc.I99), ans.Reason)
}

// critical sends a critical request through Transform (CV 4) and its signed pre-command (CV 5).
func (e *configEnv) critical(from, to devices.EUI64, variant, body string) {
	ans := e.serve(transform, e.request(from, to, 4, variant, body))
	ExpectWithOffset(1, ans.Code).To(Equal(dcc.I0), ans.Reason)
	signed, err := dcc.SignPreCommand(signerKey(e.env, from), preCommandOf(ans.Body))
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	ans = e.serve(sendCommand, e.requestWithCounter(from, to, 5, variant, signedPreCommand(signed), e.counter))
	ExpectWithOffset(1, ans.Code).To(Equal(dcc.I99), ans.Reason)
}

// answer runs the clock for d and returns the one response the user got.
func (e *configEnv) answer(user devices.EUI64, d time.Duration) string {
	e.run(d)
	rsp := ofKind(e.outbox(user), "response")
	ExpectWithOffset(1, rsp).To(HaveLen(1), "journal: %+v\nlog: %s", e.d.Journal(), e.log)
	return string(rsp[0].Body)
}

// ok runs the clock for d and expects the user's one response to be a success with payload rsp.
func (e *configEnv) ok(user devices.EUI64, d time.Duration, rsp string) string {
	doc := e.answer(user, d)
	ExpectWithOffset(1, codeOf([]byte(doc))).To(Equal("I0"))
	ExpectWithOffset(1, doc).To(ContainSubstring(`<ra:` + rsp + ` MessageSuccess="true"`))
	return doc
}

// refused runs the clock for d and expects the user's one response to carry code, with the
// reason logged naming what is wrong.
func (e *configEnv) refused(user devices.EUI64, d time.Duration, code dcc.Code, reason string) {
	doc := e.answer(user, d)
	ExpectWithOffset(1, codeOf([]byte(doc))).To(Equal(string(code)))
	ExpectWithOffset(1, e.log.String()).To(ContainSubstring(reason))
}

// untilWoken runs the clock until the GSME has woken (and its GPF holds its data).
func (e *configEnv) untilWoken() {
	g := e.f.ByDevice(gsme).GSME
	e.run(g.NextWake().Sub(e.f.Clock.Now()) + 5*time.Second)
	Expect(e.f.ByDevice(gpf).GPF.Mirror().Valid).To(BeTrue())
}

// pastWake is enough virtual time for a command queued for the GSME to be taken and answered.
func (e *configEnv) pastWake() time.Duration {
	return e.f.ByDevice(gsme).GSME.NextWake().Sub(e.f.Clock.Now()) + time.Minute
}

// esmeOfFamily returns an ESME of the default fleet whose model is of the family.
func esmeOfFamily(e *env, family string) devices.EUI64 {
	for _, p := range e.f.Premises {
		if p.ESME != nil && p.ESME.Model().Family == family {
			return p.ESME.EUI()
		}
	}
	Fail("the default fleet has no ESME of " + family)
	return devices.EUI64{}
}

var _ = Describe("6.x configuration SRVs", func() {
	var e *configEnv
	BeforeEach(func() {
		requireJudges()
		e = newConfigEnv(envOptions{})
	})

	Describe("on an ESME, each update read back", func() {
		It("6.5 Update Voltage then 6.2.1 reads the thresholds, and the RMS counters are reset", func() {
			before := e.f.ByDevice(esme).ESME.Configuration().RMSCountersReset
			e.send(distrib, esme, "6.5", `<sr:UpdateDeviceConfigurationVoltage><sr:RMSVoltageSettings>`+
				`<sr:RMSExtremeOverVoltageMeasurementPeriod>31</sr:RMSExtremeOverVoltageMeasurementPeriod><sr:RMSExtremeOverVoltageThreshold>287</sr:RMSExtremeOverVoltageThreshold>`+
				`<sr:RMSExtremeUnderVoltageMeasurementPeriod>32</sr:RMSExtremeUnderVoltageMeasurementPeriod><sr:RMSExtremeUnderVoltageThreshold>181</sr:RMSExtremeUnderVoltageThreshold>`+
				`<sr:RMSVoltageSagMeasurementPeriod>33</sr:RMSVoltageSagMeasurementPeriod><sr:RMSVoltageSagThreshold>216</sr:RMSVoltageSagThreshold>`+
				`<sr:RMSVoltageSwellMeasurementPeriod>34</sr:RMSVoltageSwellMeasurementPeriod><sr:RMSVoltageSwellThreshold>254</sr:RMSVoltageSwellThreshold>`+
				`</sr:RMSVoltageSettings><sr:SinglePhaseVoltageSettings><sr:AverageRMSOverVoltageThreshold>260</sr:AverageRMSOverVoltageThreshold>`+
				`<sr:AverageRMSUnderVoltageThreshold>205</sr:AverageRMSUnderVoltageThreshold><sr:AverageRMSVoltageMeasurementPeriod>900</sr:AverageRMSVoltageMeasurementPeriod>`+
				`</sr:SinglePhaseVoltageSettings></sr:UpdateDeviceConfigurationVoltage>`)
			e.ok(distrib, time.Minute, "UpdateDeviceConfigurationVoltageRsp")
			c := e.f.ByDevice(esme).ESME.Configuration()
			Expect(c.Voltage.Phases).To(Equal([]devices.VoltageThresholds{{Over: 260, Under: 205, Period: 900}}))
			Expect(c.RMSCountersReset).To(BeTemporally(">", before))

			e.send(distrib, esme, "6.2.1", "<sr:ReadDeviceConfigurationVoltage/>")
			doc := e.ok(distrib, time.Minute, "ReadDeviceConfigurationVoltageRsp")
			Expect(doc).To(ContainSubstring("<ra:SinglePhaseVoltageSettings><ra:AverageRMSOverVoltageThreshold>260</ra:AverageRMSOverVoltageThreshold><ra:AverageRMSUnderVoltageThreshold>205</ra:AverageRMSUnderVoltageThreshold></ra:SinglePhaseVoltageSettings>"))
			Expect(field([]byte(doc), "RMSExtremeUnderVoltageThreshold")).To(Equal("181"))
			Expect(field([]byte(doc), "RMSVoltageSwellMeasurementPeriod")).To(Equal("34"))
		})

		It("6.12 Update Instantaneous Power Threshold then 6.2.5 reads it", func() {
			e.send(supplier, esme, "6.12", "<sr:UpdateDeviceConfigurationInstantaneousPowerThreshold><sr:LowMediumPowerThreshold>1500</sr:LowMediumPowerThreshold><sr:MediumHighPowerThreshold>4200</sr:MediumHighPowerThreshold></sr:UpdateDeviceConfigurationInstantaneousPowerThreshold>")
			e.ok(supplier, time.Minute, "UpdateDeviceConfigurationInstantaneousPowerThresholdRsp")
			e.send(supplier, esme, "6.2.5", "<sr:ReadDeviceConfigurationInstantaneousPowerThresholds/>")
			doc := []byte(e.ok(supplier, time.Minute, "ReadDeviceConfigurationInstantaneousPowerThresholdsRsp"))
			Expect(field(doc, "LowMediumPowerThreshold")).To(Equal("1500"))
			Expect(field(doc, "MediumHighPowerThreshold")).To(Equal("4200"))
		})

		It("6.20.1 Set Import MPxN and 6.20.2 Set Export MPAN then 6.2.7 reads the MPANs", func() {
			dir := loadUsers()
			dir.Lookup(supplier).Roles = append(dir.Lookup(supplier).Roles, users.ExportSupplier)
			e = newConfigEnv(envOptions{users: dir})
			e.send(supplier, esme, "6.2.7", "<sr:ReadDeviceConfigurationMPxN/>")
			Expect(field([]byte(e.ok(supplier, time.Minute, "ReadDeviceConfigurationMPxNRsp")), "ImportMPAN")).To(Equal("1100012345678"))
			e.send(supplier, esme, "6.20.1", "<sr:SetDeviceConfigurationImportMPxN><sr:ImportMPANs><sr:ImportMPAN>1312345678111</sr:ImportMPAN><sr:SecondaryImportMPAN>1312345678222</sr:SecondaryImportMPAN></sr:ImportMPANs></sr:SetDeviceConfigurationImportMPxN>")
			e.ok(supplier, time.Minute, "SetDeviceConfigurationImportMPxNRsp")
			e.send(supplier, esme, "6.20.2", "<sr:SetDeviceConfigurationExportMPAN><sr:ExportMPAN>1312345678333</sr:ExportMPAN></sr:SetDeviceConfigurationExportMPAN>")
			e.ok(supplier, time.Minute, "SetDeviceConfigurationExportMPANRsp")
			e.send(supplier, esme, "6.2.7", "<sr:ReadDeviceConfigurationMPxN/>")
			doc := e.ok(supplier, time.Minute, "ReadDeviceConfigurationMPxNRsp")
			Expect(doc).To(ContainSubstring("<ra:Electricity><ra:ImportMPAN>1312345678111</ra:ImportMPAN><ra:SecondaryImportMPAN>1312345678222</ra:SecondaryImportMPAN><ra:ExportMPAN>1312345678333</ra:ExportMPAN></ra:Electricity>"))
			Expect(e.f.ByDevice(esme).ESME.ImportMPAN()).To(Equal("1312345678111"))
		})

		It("6.8 Update Billing Calendar (critical) then 6.2.3 reads it, and billing follows the new calendar", func() {
			e.send(supplier, esme, "6.2.3", "<sr:ReadDeviceConfigurationBillingCalendar/>")
			doc := e.ok(supplier, time.Minute, "ReadDeviceConfigurationDataBillingCalendarRsp")
			Expect(doc).To(ContainSubstring("<ra:ElectricityBillingCalendar><ra:BillingTime>00:00:00</ra:BillingTime><ra:Monthly>1</ra:Monthly></ra:ElectricityBillingCalendar>"))

			e.critical(supplier, esme, "6.8", "<sr:UpdateDeviceConfigurationBillingCalendar><sr:ElectricityBillingCalendar><sr:BillingTime>00:30:00</sr:BillingTime><sr:Daily/></sr:ElectricityBillingCalendar></sr:UpdateDeviceConfigurationBillingCalendar>")
			e.ok(supplier, time.Minute, "UpdateDeviceConfigurationBillingCalendarRsp")
			e.send(supplier, esme, "6.2.3", "<sr:ReadDeviceConfigurationBillingCalendar/>")
			doc = e.ok(supplier, time.Minute, "ReadDeviceConfigurationDataBillingCalendarRsp")
			Expect(doc).To(ContainSubstring("<ra:ElectricityBillingCalendar><ra:BillingTime>00:30:00</ra:BillingTime><ra:Daily/></ra:ElectricityBillingCalendar>"))

			// The default fleet starts on 27 March at midnight: daily billing at 00:30 local logs an
			// entry each day, where monthly billing on the 1st would log none before April.
			esmeDev := e.f.ByDevice(esme).ESME
			Expect(esmeDev.BillingLog()).To(BeEmpty())
			e.run(time.Date(2026, 3, 29, 12, 0, 0, 0, time.UTC).Sub(e.f.Clock.Now()))
			log := esmeDev.BillingLog()
			Expect(log).To(HaveLen(3))
			for _, b := range log {
				l := b.Time.In(devices.London)
				Expect(l.Hour()*60 + l.Minute()).To(Equal(30))
			}
		})

		It("6.25 Set Supply Tamper State (critical) then 6.2.4 reads it with the identity", func() {
			e.critical(supplier, esme, "6.25", "<sr:SetElectricitySupplyTamperState><sr:SupplyTamperState>Locked</sr:SupplyTamperState></sr:SetElectricitySupplyTamperState>")
			e.ok(supplier, time.Minute, "SetElectricitySupplyTamperStateRsp")
			e.send(supplier, esme, "6.2.4", "<sr:ReadDeviceConfigurationIdentityExcMPxN/>")
			doc := e.ok(supplier, time.Minute, "ReadDeviceConfigurationIdentityExcMPxNRsp")
			Expect(doc).To(ContainSubstring("<ra:DeviceIdentifier>00-DB-12-34-56-78-90-A0</ra:DeviceIdentifier><ra:ModelType>E470</ra:ModelType><ra:ManufacturerIdentifier>Acme Metering Ltd</ra:ManufacturerIdentifier>"))
			Expect(doc).To(ContainSubstring("<ra:Electricity><ra:SupplyTamperState>Locked</ra:SupplyTamperState><ra:MeterVariant>A</ra:MeterVariant></ra:Electricity>"))
		})

		It("6.4.1 sets load limiting (critical) and 6.4.2 resets its counter", func() {
			e.critical(supplier, esme, "6.4.1", "<sr:UpdateDeviceConfigurationLoadLimitingGeneralSettings><sr:LoadLimitPeriod>300</sr:LoadLimitPeriod><sr:LoadLimitPowerThreshold>6900</sr:LoadLimitPowerThreshold><sr:LoadLimitRestorationPeriod>30</sr:LoadLimitRestorationPeriod><sr:LoadLimitSupplyState>Disable</sr:LoadLimitSupplyState></sr:UpdateDeviceConfigurationLoadLimitingGeneralSettings>")
			e.ok(supplier, time.Minute, "UpdateDeviceConfigurationLoadLimitingGeneralSettingsRsp")
			Expect(e.f.ByDevice(esme).ESME.Configuration().LoadLimit).To(Equal(devices.LoadLimit{Period: 300, PowerThreshold: 6900, RestorationPeriod: 30, DisableSupply: true}))
			e.f.ByDevice(esme).ESME.SetConfig(func(c *devices.Config) { c.LoadLimit.Counter = 7 })
			e.send(supplier, esme, "6.4.2", "<sr:UpdateDeviceConfigurationLoadLimitingCounterReset/>")
			e.ok(supplier, time.Minute, "UpdateDeviceConfigurationLoadLimitingCounterResetRsp")
			Expect(e.f.ByDevice(esme).ESME.Configuration().LoadLimit.Counter).To(BeZero())
			Expect(e.f.ByDevice(esme).ESME.Configuration().LoadLimit.PowerThreshold).To(Equal(uint32(6900)))
		})

		It("6.4.1 load limiting disables the supply when demand stays above the threshold, then arms it", func() {
			e.critical(supplier, esme, "6.4.1", "<sr:UpdateDeviceConfigurationLoadLimitingGeneralSettings><sr:LoadLimitPeriod>300</sr:LoadLimitPeriod><sr:LoadLimitPowerThreshold>1</sr:LoadLimitPowerThreshold><sr:LoadLimitRestorationPeriod>60</sr:LoadLimitRestorationPeriod><sr:LoadLimitSupplyState>Disable</sr:LoadLimitSupplyState></sr:UpdateDeviceConfigurationLoadLimitingGeneralSettings>")
			e.ok(supplier, time.Minute, "UpdateDeviceConfigurationLoadLimitingGeneralSettingsRsp")
			d := e.f.ByDevice(esme).ESME
			Expect(d.Supply()).To(Equal(devices.SupplyEnabled))
			e.run(4 * time.Minute) // the first check falls five minutes into the half hour
			Expect(d.Supply()).To(Equal(devices.SupplyDisabled))
			Expect(d.Configuration().LoadLimit.Counter).To(Equal(uint32(1)))
			e.run(time.Minute)
			Expect(d.Supply()).To(Equal(devices.SupplyArmed))
			e.run(time.Hour)
			Expect(d.Configuration().LoadLimit.Counter).To(Equal(uint32(1))) // an armed supply draws nothing
		})

		It("6.4.1 with a threshold above the demand leaves the supply alone", func() {
			e.critical(supplier, esme, "6.4.1", "<sr:UpdateDeviceConfigurationLoadLimitingGeneralSettings><sr:LoadLimitPeriod>60</sr:LoadLimitPeriod><sr:LoadLimitPowerThreshold>100000</sr:LoadLimitPowerThreshold><sr:LoadLimitRestorationPeriod>60</sr:LoadLimitRestorationPeriod><sr:LoadLimitSupplyState>Disable</sr:LoadLimitSupplyState></sr:UpdateDeviceConfigurationLoadLimitingGeneralSettings>")
			e.ok(supplier, time.Minute, "UpdateDeviceConfigurationLoadLimitingGeneralSettingsRsp")
			e.run(6 * time.Hour)
			d := e.f.ByDevice(esme).ESME
			Expect(d.Supply()).To(Equal(devices.SupplyEnabled))
			Expect(d.Configuration().LoadLimit.Counter).To(BeZero())
		})

		It("6.26 daily block reset starts the block counters again at local midnight", func() {
			e.critical(supplier, esme, "6.26", "<sr:UpdateDeviceConfigurationDailyResettingOfTariffBlockCounterMatrix><sr:DailyTariffBlockCounterMatrixReset>true</sr:DailyTariffBlockCounterMatrixReset></sr:UpdateDeviceConfigurationDailyResettingOfTariffBlockCounterMatrix>")
			e.ok(supplier, time.Minute, "UpdateDeviceConfigurationDailyResettingOfTariffBlockCounterMatrixRsp")
			midnight := time.Date(2026, 3, 28, 0, 0, 0, 0, devices.London)
			e.run(midnight.Add(70 * time.Minute).Sub(e.f.Clock.Now()))
			d := e.f.ByDevice(esme).ESME
			now := e.f.Clock.Now()
			a, err := d.RegisterAt(now, midnight)
			Expect(err).NotTo(HaveOccurred())
			b, err := d.RegisterAt(now, midnight.Add(time.Hour))
			Expect(err).NotTo(HaveOccurred())
			blocks := d.BlockCounters(now)
			Expect(blocks[0] + blocks[1] + blocks[2] + blocks[3]).To(Equal(b - a))
		})

		It("6.18.1 sets the maximum demand period and 6.18.2 resets the registers it names", func() {
			e.send(distrib, esme, "6.18.1", "<sr:SetMaximumDemandConfigurableTimePeriod><sr:MaximumDemandTimePeriodSchedule><sr:StartTime>17:00:00.00Z</sr:StartTime><sr:EndTime>22:00:00.00Z</sr:EndTime></sr:MaximumDemandTimePeriodSchedule></sr:SetMaximumDemandConfigurableTimePeriod>")
			e.ok(distrib, time.Minute, "SetMaximumDemandConfigurableTimePeriodRsp")
			c := e.f.ByDevice(esme).ESME.Configuration()
			Expect(c.MaxDemand).To(Equal(devices.MaxDemandPeriod{Start: 17 * time.Hour, End: 22 * time.Hour}))
			e.run(2 * time.Hour)
			e.send(distrib, esme, "6.18.2", "<sr:ResetMaximumDemandRegisters><sr:MaxDemandActivePowerImportValue/></sr:ResetMaximumDemandRegisters>")
			e.ok(distrib, time.Minute, "ResetMaximumDemandRegistersRsp")
			after := e.f.ByDevice(esme).ESME.Configuration()
			Expect(after.MaxDemandImportReset).To(BeTemporally(">", c.MaxDemandPeriodReset))
			Expect(after.MaxDemandExportReset).To(BeZero())
			Expect(after.MaxDemandPeriodReset).To(Equal(c.MaxDemandPeriodReset))
		})

		It("6.26 sets the daily block counter reset (critical) and 6.27 resets the RMS voltage counters", func() {
			e.critical(supplier, esme, "6.26", "<sr:UpdateDeviceConfigurationDailyResettingOfTariffBlockCounterMatrix><sr:DailyTariffBlockCounterMatrixReset>true</sr:DailyTariffBlockCounterMatrixReset></sr:UpdateDeviceConfigurationDailyResettingOfTariffBlockCounterMatrix>")
			e.ok(supplier, time.Minute, "UpdateDeviceConfigurationDailyResettingOfTariffBlockCounterMatrixRsp")
			Expect(e.f.ByDevice(esme).ESME.Configuration().DailyBlockReset).To(BeTrue())
			e.run(time.Hour)
			e.send(distrib, esme, "6.27", "<sr:UpdateDeviceConfigurationRMSVoltageCounterReset/>")
			e.ok(distrib, time.Minute, "UpdateDeviceConfigurationRMSVoltageCounterResetRsp")
			Expect(e.f.ByDevice(esme).ESME.Configuration().RMSCountersReset).To(BeTemporally("~", e.f.Clock.Now(), time.Minute))
		})

		It("6.2.2 reads the randomisation and 6.2.9 the payment mode", func() {
			e.send(supplier, esme, "6.2.2", "<sr:ReadDeviceConfigurationRandomisation/>")
			doc := []byte(e.ok(supplier, time.Minute, "ReadDeviceConfigurationRandomisationRsp"))
			Expect(field(doc, "RandomisedOffsetLimit")).To(Equal("1800"))
			Expect(field(doc, "RandomisedOffset")).NotTo(BeEmpty())
			e.send(supplier, esme, "6.2.9", "<sr:ReadDeviceConfigurationPaymentMode/>")
			Expect(field([]byte(e.ok(supplier, time.Minute, "ReadDeviceConfigurationPaymentModeRsp")), "PaymentMode")).To(Equal("Prepayment"))
		})
	})

	Describe("alert behaviour", func() {
		topUp := func(e *configEnv, counter uint32) {
			key := e.f.ByDevice(esme).ESME.UTRNKey()
			code, err := key.Encode(devices.UTRN{Amount: 5 * devices.Pound, Counter: counter})
			Expect(err).NotTo(HaveOccurred())
			e.send(supplier, esme, "2.2", "<sr:TopUpDevice><sr:UTRN>"+code+"</sr:UTRN></sr:TopUpDevice>")
		}
		alertCodes := func(e *configEnv) []string {
			var out []string
			for _, m := range ofKind(e.outbox(supplier), "device-alert") {
				out = append(out, field(m.Body, "GBCSHexAlertCode"))
			}
			return out
		}

		It("stops the WAN alert and the event log entry of a code 6.22 disables, and 6.2.10 reads it back", func() {
			other := esmeOfFamily(e.env, "britannia-bm200") // the E470 does not support 6.2.10
			e.send(supplier, other, "6.22", "<sr:ConfigureAlertBehaviour><sr:ElectricitySupplierLoggingSettings><sr:SupplierESMECommon><sr:x810E>Disable</sr:x810E></sr:SupplierESMECommon></sr:ElectricitySupplierLoggingSettings></sr:ConfigureAlertBehaviour>")
			e.ok(supplier, time.Minute, "ConfigureAlertBehaviourRsp")
			e.send(supplier, other, "6.2.10", "<sr:ReadDeviceConfigurationEventAndAlertBehaviours/>")
			doc := e.ok(supplier, time.Minute, "ReadDeviceConfigurationEventAndAlertBehavioursRsp")
			Expect(doc).To(ContainSubstring("<ra:ElectricitySupplierWANAlertSettings><ra:SupplierESMECommon><ra:x810D>Enable</ra:x810D><ra:x810E>Enable</ra:x810E>"))
			Expect(doc).To(ContainSubstring("<ra:ElectricitySupplierLoggingSettings><ra:SupplierESMECommon><ra:x810D>Enable</ra:x810D><ra:x810E>Disable</ra:x810E>"))
			Expect(doc).NotTo(ContainSubstring("SupplierESMEPolyPhase"))

			// On the reference ESME: a top-up raises Credit Added Locally (810E) until its WAN alert
			// is disabled; disabling logging keeps it out of the event log.
			topUp(e, 1)
			e.run(time.Minute)
			Expect(alertCodes(e)).To(ContainElement("810E"))
			e.send(supplier, esme, "6.22", "<sr:ConfigureAlertBehaviour><sr:ElectricitySupplierAlerts><sr:SupplierESMECommon><sr:x810E>Disable</sr:x810E></sr:SupplierESMECommon></sr:ElectricitySupplierAlerts></sr:ConfigureAlertBehaviour>")
			e.ok(supplier, time.Minute, "ConfigureAlertBehaviourRsp")
			logged := len(e.f.ByDevice(esme).ESME.EventLog())
			topUp(e, 2)
			e.run(time.Minute)
			Expect(alertCodes(e)).NotTo(ContainElement("810E"))
			Expect(e.f.ByDevice(esme).ESME.EventLog()).To(HaveLen(logged + 1)) // still logged

			e.send(supplier, esme, "6.22", "<sr:ConfigureAlertBehaviour><sr:ElectricitySupplierLoggingSettings><sr:SupplierESMECommon><sr:x810E>Disable</sr:x810E></sr:SupplierESMECommon></sr:ElectricitySupplierLoggingSettings></sr:ConfigureAlertBehaviour>")
			e.ok(supplier, time.Minute, "ConfigureAlertBehaviourRsp")
			logged = len(e.f.ByDevice(esme).ESME.EventLog())
			topUp(e, 3)
			e.run(time.Minute)
			Expect(e.f.ByDevice(esme).ESME.EventLog()).To(HaveLen(logged))
		})

		It("answers a network operator with the operator's settings", func() {
			other := esmeOfFamily(e.env, "britannia-bm200")
			e.send(distrib, other, "6.22", "<sr:ConfigureAlertBehaviour><sr:ElectricityNetworkOperatorAlerts><sr:NetworkOperatorESMECommon><sr:x8015>Disable</sr:x8015></sr:NetworkOperatorESMECommon></sr:ElectricityNetworkOperatorAlerts></sr:ConfigureAlertBehaviour>")
			e.ok(distrib, time.Minute, "ConfigureAlertBehaviourRsp")
			e.send(distrib, other, "6.2.10", "<sr:ReadDeviceConfigurationEventAndAlertBehaviours/>")
			doc := e.ok(distrib, time.Minute, "ReadDeviceConfigurationEventAndAlertBehavioursRsp")
			Expect(doc).To(ContainSubstring("<ra:ElectricityNetworkOperatorWANAlertSettings><ra:NetworkOperatorESMECommon><ra:x8014>Enable</ra:x8014><ra:x8015>Disable</ra:x8015></ra:NetworkOperatorESMECommon>"))
			Expect(doc).To(ContainSubstring("<ra:ElectricityNetworkOperatorLoggingSettings><ra:NetworkOperatorESMECommon><ra:x8014>Enable</ra:x8014><ra:x8015>Enable</ra:x8015>"))
		})
	})

	Describe("6.13 Read Event Or Security Log", func() {
		It("returns the ESME's real entries within the period", func() {
			p := e.f.ByDevice(esme)
			key := p.ESME.UTRNKey()
			code, _ := key.Encode(devices.UTRN{Amount: 5 * devices.Pound, Counter: 9})
			e.send(supplier, esme, "2.2", "<sr:TopUpDevice><sr:UTRN>"+code+"</sr:UTRN></sr:TopUpDevice>")
			e.send(supplier, esme, "2.2", "<sr:TopUpDevice><sr:UTRN>12345678901234567890</sr:UTRN></sr:TopUpDevice>")
			e.run(time.Minute)
			e.outbox(supplier)
			from := e.f.Clock.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
			to := e.f.Clock.Now().Add(time.Hour).UTC().Format(time.RFC3339)
			period := "<sr:ReadLogPeriod><sr:StartDateTime>" + from + "</sr:StartDateTime><sr:EndDateTime>" + to + "</sr:EndDateTime></sr:ReadLogPeriod>"
			e.send(supplier, esme, "6.13", "<sr:ReadEventOrSecurityLog>"+period+"<sr:LogToRead>Event</sr:LogToRead></sr:ReadEventOrSecurityLog>")
			doc := e.ok(supplier, time.Minute, "ReadEventOrSecurityLogRsp")
			var credit devices.LogEntry
			for _, l := range p.ESME.EventLog() {
				if l.Code == devices.AlertCreditAddedLocally {
					credit = l
				}
			}
			Expect(credit.Code).To(Equal(devices.AlertCreditAddedLocally))
			Expect(doc).To(ContainSubstring(fmt.Sprintf("<ra:LogEntry><ra:Timestamp>%s</ra:Timestamp><ra:LogCode>810E</ra:LogCode><ra:LogMeaning>Credit Added Locally</ra:LogMeaning>",
				credit.Time.UTC().Format("2006-01-02T15:04:05Z"))))
			Expect(doc).NotTo(ContainSubstring("8F63"))

			e.send(supplier, esme, "6.13", "<sr:ReadEventOrSecurityLog>"+period+"<sr:LogToRead>Security</sr:LogToRead></sr:ReadEventOrSecurityLog>")
			doc = e.ok(supplier, time.Minute, "ReadEventOrSecurityLogRsp")
			Expect(strings.Count(doc, "<ra:LogEntry>")).To(Equal(len(p.ESME.SecurityLog())))
			Expect(doc).To(ContainSubstring("<ra:LogCode>8F63</ra:LogCode><ra:LogMeaning>UTRN not Authentic</ra:LogMeaning>"))

			e.send(supplier, esme, "6.13", "<sr:ReadEventOrSecurityLog><sr:ReadLogPeriod><sr:StartDateTime>2014-12-31T00:00:00Z</sr:StartDateTime><sr:EndDateTime>2015-01-01T00:00:00Z</sr:EndDateTime></sr:ReadLogPeriod><sr:LogToRead>Security</sr:LogToRead></sr:ReadEventOrSecurityLog>")
			Expect(e.ok(supplier, time.Minute, "ReadEventOrSecurityLogRsp")).To(ContainSubstring("<ra:Log/>"))
		})

		It("reads a CHF's log and the GSME's through the GPF", func() {
			e.untilWoken()
			period := "<sr:ReadLogPeriod><sr:StartDateTime>2026-01-01T00:00:00Z</sr:StartDateTime><sr:EndDateTime>2027-01-01T00:00:00Z</sr:EndDateTime></sr:ReadLogPeriod>"
			e.send(supplier, chf, "6.13", "<sr:ReadEventOrSecurityLog>"+period+"<sr:LogToRead>Event</sr:LogToRead></sr:ReadEventOrSecurityLog>")
			doc := e.ok(supplier, time.Minute, "ReadEventOrSecurityLogRsp")
			Expect(strings.Count(doc, "<ra:LogEntry>")).To(Equal(len(e.f.ByDevice(chf).CHF.EventLog())))
			e.send(supplier, gpf, "6.13", "<sr:ReadEventOrSecurityLog>"+period+"<sr:LogToRead>GSMEEvent</sr:LogToRead></sr:ReadEventOrSecurityLog>")
			doc = e.ok(supplier, time.Minute, "ReadEventOrSecurityLogRsp")
			Expect(strings.Count(doc, "<ra:LogEntry>")).To(Equal(len(e.f.ByDevice(gsme).GSME.EventLog())))
		})
	})

	Describe("on a GSME, through its GPF", func() {
		BeforeEach(func() { e.untilWoken() })

		It("6.6 Update Gas Conversion (critical) reaches the GSME at its wake, changes its kWh, and 6.2.8 reads it", func() {
			g := e.f.ByDevice(gsme).GSME
			e.critical(supplier, gsme, "6.6", "<sr:UpdateDeviceConfigurationGasConversion><sr:CalorificValue>40.1</sr:CalorificValue><sr:ConversionFactor>1.01234</sr:ConversionFactor></sr:UpdateDeviceConfigurationGasConversion>")
			e.run(time.Minute)
			cv, _ := g.GasConversion()
			Expect(cv).To(Equal(uint32(39_500))) // asleep: the command waits in the GPF's queue
			Expect(e.f.ByDevice(gpf).GPF.Queued()).To(Equal(1))
			e.ok(supplier, e.pastWake(), "UpdateDeviceConfigurationGasConversionRsp")
			cv, cf := g.GasConversion()
			Expect([]uint32{cv, cf}).To(Equal([]uint32{40_100, 1_012_340}))
			now := e.f.Clock.Now()
			Expect(g.EnergyRegister(now)).To(Equal(uint64(float64(g.VolumeRegister(now)) * 40_100 * 1_012_340 / 3.6e9)))

			e.send(supplier, gsme, "6.2.8", "<sr:ReadDeviceConfigurationGas/>")
			doc := []byte(e.ok(supplier, gasRead, "ReadDeviceConfigurationGasRsp"))
			Expect(field(doc, "CalorificValue")).To(Equal("40.1"))
			Expect(field(doc, "ConversionFactor")).To(Equal("1.01234"))
		})

		It("6.11 Synchronise Clock (critical) sets the GSME's clock at its wake, not while it sleeps", func() {
			g := e.f.ByDevice(gsme).GSME
			_, err := g.InjectFault(devices.Fault{Kind: devices.FaultClockDrift, DriftPerDay: 24 * time.Minute})
			Expect(err).NotTo(HaveOccurred())
			e.run(10 * time.Minute)
			offset := func() time.Duration { now := e.f.Clock.Now(); return g.DeviceTime(now).Sub(now) }
			Expect(offset()).To(BeNumerically(">=", 9*time.Second)) // a second a minute
			wake := g.NextWake()
			now := e.f.Clock.Now().UTC().Format(time.RFC3339)
			e.critical(supplier, gsme, "6.11", "<sr:SynchroniseClock><sr:CurrentDateTime>"+now+"</sr:CurrentDateTime><sr:TolerancePeriod>30</sr:TolerancePeriod></sr:SynchroniseClock>")
			e.run(time.Minute)
			Expect(ofKind(e.outbox(supplier), "response")).To(BeEmpty(), "the GSME is asleep")
			Expect(offset()).To(BeNumerically(">=", 10*time.Second), "its clock is not set yet")
			doc := []byte(e.ok(supplier, e.pastWake(), "SynchroniseClockRsp"))
			Expect(field(doc, "DeviceTime") >= wake.Format("2006-01-02T15:04:05Z")).To(BeTrue(), field(doc, "DeviceTime"))
			Expect(offset()).To(BeNumerically("<", 2*time.Second))
		})

		It("6.7 Update Gas Flow (critical) then 6.2.8 and 6.2.4 read it", func() {
			e.critical(supplier, gsme, "6.7", "<sr:UpdateDeviceConfigurationGasFlow><sr:UncontrolledGasFlowRateDecimal>6.1680</sr:UncontrolledGasFlowRateDecimal><sr:SupplyDepletionState>Locked</sr:SupplyDepletionState><sr:SupplyTamperState>Unchanged</sr:SupplyTamperState><sr:StabilisationPeriod>61</sr:StabilisationPeriod><sr:MeasurementPeriod>301</sr:MeasurementPeriod></sr:UpdateDeviceConfigurationGasFlow>")
			e.ok(supplier, e.pastWake(), "UpdateDeviceConfigurationGasFlowRsp")
			e.send(supplier, gsme, "6.2.8", "<sr:ReadDeviceConfigurationGas/>")
			doc := []byte(e.ok(supplier, gasRead, "ReadDeviceConfigurationGasRsp"))
			Expect(field(doc, "UncontrolledGasFlowRate")).To(Equal("6.168"))
			Expect(field(doc, "FlowStabilisationPeriod")).To(Equal("61"))
			Expect(field(doc, "FlowMeasurementPeriod")).To(Equal("301"))
			e.send(supplier, gsme, "6.2.4", "<sr:ReadDeviceConfigurationIdentityExcMPxN/>")
			Expect(e.ok(supplier, gasRead, "ReadDeviceConfigurationIdentityExcMPxNRsp")).To(ContainSubstring(
				"<ra:Gas><ra:SupplyTamperState>Unchanged</ra:SupplyTamperState><ra:SupplyDepletionState>Locked</ra:SupplyDepletionState></ra:Gas>"))
		})

		It("6.8 with a gas calendar then 6.2.3 reads it, and the GSME bills on it", func() {
			start := time.Date(2026, 3, 28, 6, 0, 0, 0, time.UTC)
			e.critical(supplier, gsme, "6.8", "<sr:UpdateDeviceConfigurationBillingCalendar><sr:GasBillingCalendar><sr:BillingPeriodStart>2026-03-28T06:00:00Z</sr:BillingPeriodStart><sr:Periodicity>Daily</sr:Periodicity></sr:GasBillingCalendar></sr:UpdateDeviceConfigurationBillingCalendar>")
			e.ok(supplier, e.pastWake(), "UpdateDeviceConfigurationBillingCalendarRsp")
			e.send(supplier, gsme, "6.2.3", "<sr:ReadDeviceConfigurationBillingCalendar/>")
			Expect(e.ok(supplier, gasRead, "ReadDeviceConfigurationDataBillingCalendarRsp")).To(ContainSubstring(
				"<ra:GasBillingCalendar><ra:BillingPeriodStart>2026-03-28T06:00:00Z</ra:BillingPeriodStart><ra:Periodicity>Daily</ra:Periodicity></ra:GasBillingCalendar>"))
			g := e.f.ByDevice(gsme).GSME
			e.run(start.Add(2*24*time.Hour + time.Minute).Sub(e.f.Clock.Now()))
			log := g.BillingLog()
			Expect(log).To(HaveLen(3))
			Expect(log[0].Time).To(BeTemporally("~", start, time.Minute))
		})

		It("6.20.1 sets the MPRN then 6.2.7 reads it", func() {
			e.send(supplier, gsme, "6.20.1", "<sr:SetDeviceConfigurationImportMPxN><sr:ImportMPRN>9876543210</sr:ImportMPRN></sr:SetDeviceConfigurationImportMPxN>")
			e.ok(supplier, e.pastWake(), "SetDeviceConfigurationImportMPxNRsp")
			e.send(supplier, gsme, "6.2.7", "<sr:ReadDeviceConfigurationMPxN/>")
			Expect(e.ok(supplier, gasRead, "ReadDeviceConfigurationMPxNRsp")).To(ContainSubstring("<ra:Gas><ra:MPRN>9876543210</ra:MPRN></ra:Gas>"))
		})

		It("6.22 then 6.2.10 reads the gas supplier's settings, and 6.2.9 the payment mode", func() {
			e.send(supplier, gsme, "6.22", "<sr:ConfigureAlertBehaviour><sr:GasSupplierAlertEventSettings><sr:x810E><sr:WANAlert>Disable</sr:WANAlert><sr:HANAlert>Enable</sr:HANAlert><sr:EventLog>Disable</sr:EventLog><sr:Alarm>Enable</sr:Alarm></sr:x810E></sr:GasSupplierAlertEventSettings></sr:ConfigureAlertBehaviour>")
			e.ok(supplier, e.pastWake(), "ConfigureAlertBehaviourRsp")
			Expect(e.f.ByDevice(gsme).GSME.Configuration().Alert(devices.AlertCreditAddedLocally)).To(Equal(devices.AlertHAN | devices.AlertAlarm))
			e.send(supplier, gsme, "6.2.10", "<sr:ReadDeviceConfigurationEventAndAlertBehaviours/>")
			doc := e.ok(supplier, gasRead, "ReadDeviceConfigurationEventAndAlertBehavioursRsp")
			Expect(doc).To(ContainSubstring("<ra:x810E><ra:WANAlert>Disable</ra:WANAlert><ra:HANAlert>Enable</ra:HANAlert><ra:EventLog>Disable</ra:EventLog><ra:Alarm>Enable</ra:Alarm></ra:x810E>"))
			Expect(doc).To(ContainSubstring("<ra:x810D><ra:WANAlert>Enable</ra:WANAlert>"))
			e.send(supplier, gsme, "6.2.9", "<sr:ReadDeviceConfigurationPaymentMode/>")
			Expect(field([]byte(e.ok(supplier, gasRead, "ReadDeviceConfigurationPaymentModeRsp")), "PaymentMode")).To(Equal("Prepayment"))
		})

		It("refuses a GSME read before the GSME has first woken", func() {
			e = newConfigEnv(envOptions{})
			e.send(supplier, gsme, "6.2.8", "<sr:ReadDeviceConfigurationGas/>")
			e.refused(supplier, time.Minute, dcc.E21, "has not woken since installation")
		})
	})

	DescribeTable("critical requests become pre-commands headed by their GBCS use case's message code",
		func(variant string, to devices.EUI64, body string, code uint16) {
			ans := e.serve(transform, e.request(supplier, to, 4, variant, body))
			Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
			pre := preCommandOf(ans.Body)
			Expect(uint16(pre[31])<<8 | uint16(pre[32])).To(Equal(code))
		},
		Entry("6.4.1 ECS28a", "6.4.1", esme, "<sr:UpdateDeviceConfigurationLoadLimitingGeneralSettings><sr:LoadLimitPeriod>1</sr:LoadLimitPeriod><sr:LoadLimitPowerThreshold>1</sr:LoadLimitPowerThreshold><sr:LoadLimitRestorationPeriod>1</sr:LoadLimitRestorationPeriod><sr:LoadLimitSupplyState>Unchanged</sr:LoadLimitSupplyState></sr:UpdateDeviceConfigurationLoadLimitingGeneralSettings>", uint16(0x0043)),
		Entry("6.6 GCS23", "6.6", gsme, "<sr:UpdateDeviceConfigurationGasConversion><sr:CalorificValue>40.1</sr:CalorificValue><sr:ConversionFactor>1.02264</sr:ConversionFactor></sr:UpdateDeviceConfigurationGasConversion>", uint16(0x007C)),
		Entry("6.8 ECS30a", "6.8", esme, "<sr:UpdateDeviceConfigurationBillingCalendar><sr:ElectricityBillingCalendar><sr:BillingTime>00:00:00</sr:BillingTime><sr:Daily/></sr:ElectricityBillingCalendar></sr:UpdateDeviceConfigurationBillingCalendar>", uint16(0x00D7)),
		Entry("6.25 ECS81", "6.25", esme, "<sr:SetElectricitySupplyTamperState><sr:SupplyTamperState>Locked</sr:SupplyTamperState></sr:SetElectricitySupplyTamperState>", uint16(0x0068)),
	)

	Describe("bodies that do not fit their SRV", func() {
		DescribeTable("are refused with the field named",
			func(from, to devices.EUI64, variant, body string, crit bool, code dcc.Code, reason string) {
				if to == gsme {
					e.untilWoken()
				}
				if crit {
					e.critical(from, to, variant, body)
				} else {
					e.send(from, to, variant, body)
				}
				e.refused(from, time.Minute, code, reason)
			},
			Entry("6.12 thresholds out of order", supplier, esme, "6.12", "<sr:UpdateDeviceConfigurationInstantaneousPowerThreshold><sr:LowMediumPowerThreshold>5000</sr:LowMediumPowerThreshold><sr:MediumHighPowerThreshold>4000</sr:MediumHighPowerThreshold></sr:UpdateDeviceConfigurationInstantaneousPowerThreshold>",
				false, dcc.E100, "LowMediumPowerThreshold: 5000 is not below"),
			Entry("6.5 with two phases", distrib, esme, "6.5", `<sr:UpdateDeviceConfigurationVoltage><sr:RMSVoltageSettings><sr:RMSExtremeOverVoltageMeasurementPeriod>1</sr:RMSExtremeOverVoltageMeasurementPeriod><sr:RMSExtremeOverVoltageThreshold>1</sr:RMSExtremeOverVoltageThreshold><sr:RMSExtremeUnderVoltageMeasurementPeriod>1</sr:RMSExtremeUnderVoltageMeasurementPeriod><sr:RMSExtremeUnderVoltageThreshold>1</sr:RMSExtremeUnderVoltageThreshold><sr:RMSVoltageSagMeasurementPeriod>1</sr:RMSVoltageSagMeasurementPeriod><sr:RMSVoltageSagThreshold>1</sr:RMSVoltageSagThreshold><sr:RMSVoltageSwellMeasurementPeriod>1</sr:RMSVoltageSwellMeasurementPeriod><sr:RMSVoltageSwellThreshold>x</sr:RMSVoltageSwellThreshold></sr:RMSVoltageSettings></sr:UpdateDeviceConfigurationVoltage>`,
				false, dcc.E100, "RMSVoltageSettings/RMSVoltageSwellThreshold"),
			Entry("6.20.1 with a short MPAN", supplier, esme, "6.20.1", "<sr:SetDeviceConfigurationImportMPxN><sr:ImportMPANs><sr:ImportMPAN>131234</sr:ImportMPAN></sr:ImportMPANs></sr:SetDeviceConfigurationImportMPxN>",
				false, dcc.E100, "ImportMPANs/ImportMPAN"),
			Entry("6.8 with an electricity calendar for a GSME", supplier, gsme, "6.8", "<sr:UpdateDeviceConfigurationBillingCalendar><sr:ElectricityBillingCalendar><sr:BillingTime>00:00:00</sr:BillingTime><sr:Daily/></sr:ElectricityBillingCalendar></sr:UpdateDeviceConfigurationBillingCalendar>",
				true, dcc.E100, "a GSME takes a GasBillingCalendar"),
			Entry("6.8 with day 30 of the month", supplier, esme, "6.8", "<sr:UpdateDeviceConfigurationBillingCalendar><sr:ElectricityBillingCalendar><sr:BillingTime>00:00:00</sr:BillingTime><sr:Monthly>30</sr:Monthly></sr:ElectricityBillingCalendar></sr:UpdateDeviceConfigurationBillingCalendar>",
				true, dcc.E100, "ElectricityBillingCalendar/Monthly"),
			Entry("6.6 with a negative calorific value", supplier, gsme, "6.6", "<sr:UpdateDeviceConfigurationGasConversion><sr:CalorificValue>-1.0</sr:CalorificValue><sr:ConversionFactor>1.02264</sr:ConversionFactor></sr:UpdateDeviceConfigurationGasConversion>",
				true, dcc.E100, "CalorificValue"),
			Entry("6.22 with a code the choice does not configure", supplier, esme, "6.22", "<sr:ConfigureAlertBehaviour><sr:ElectricitySupplierAlerts><sr:SupplierESMECommon><sr:x8014>Enable</sr:x8014></sr:SupplierESMECommon></sr:ElectricitySupplierAlerts></sr:ConfigureAlertBehaviour>",
				false, dcc.E100, "SupplierESMECommon/x8014"),
			Entry("6.22 for the network operator from a supplier", supplier, esme, "6.22", "<sr:ConfigureAlertBehaviour><sr:ElectricityNetworkOperatorAlerts><sr:NetworkOperatorESMECommon><sr:x8014>Enable</sr:x8014></sr:NetworkOperatorESMECommon></sr:ElectricityNetworkOperatorAlerts></sr:ConfigureAlertBehaviour>",
				false, dcc.E4, "ElectricityNetworkOperatorAlerts is for a User in the ED role"),
			Entry("6.13 for the auxiliary load log", supplier, esme, "6.13", "<sr:ReadEventOrSecurityLog><sr:ReadLogPeriod><sr:StartDateTime>2026-01-01T00:00:00Z</sr:StartDateTime><sr:EndDateTime>2027-01-01T00:00:00Z</sr:EndDateTime></sr:ReadLogPeriod><sr:LogToRead>ALCSEvent</sr:LogToRead></sr:ReadEventOrSecurityLog>",
				false, dcc.E100, "LogToRead: ALCSEvent"),
			Entry("6.18.2 naming no register", distrib, esme, "6.18.2", "<sr:ResetMaximumDemandRegisters/>",
				false, dcc.E100, "names no register"),
		)
	})
})
