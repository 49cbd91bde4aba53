package dcc_test

import (
	"os"
	"regexp"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/dcc"
)

var (
	templateCV = regexp.MustCompile(`<sr:CommandVariant>(\d)</sr:CommandVariant>`)
)

// template reads one of DCC's DUIS request samples and readdresses it: its RequestID becomes
// from → to with a fresh counter, its placeholder signature is dropped and it is signed with the
// user's key. It returns the document, its command variant and the counter.
func (e *configEnv) template(name string, from, to devices.EUI64) ([]byte, int, uint64) {
	path := sharedFile("reference/duis-templates/templates/" + name)
	if path == "" {
		Skip("../shared/reference/duis-templates not found beside the repository")
	}
	doc, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	m := templateCV.FindSubmatch(doc)
	Expect(m).NotTo(BeNil())
	cv, _ := strconv.Atoi(string(m[1]))
	e.counter++
	id := from.String() + ":" + to.String() + ":" + strconv.FormatUint(e.counter, 10)
	doc = templateRequestID.ReplaceAll(doc, []byte("<sr:RequestID>"+id+"</sr:RequestID>"))
	doc = templateSignature.ReplaceAll(doc, nil)
	signed, err := e.signers[from].Sign(doc)
	Expect(err).NotTo(HaveOccurred())
	return signed, cv, e.counter
}

// sendTemplate sends a template as it is (CV 1), or through Transform and its signed pre-command
// (CV 4 then 5) for a critical SRV, and expects it acknowledged with I99.
func (e *configEnv) sendTemplate(name, variant string, from, to devices.EUI64) {
	doc, cv, counter := e.template(name, from, to)
	if cv == 1 {
		ans := e.serve(sendCommand, doc)
		Expect(ans.Code).To(Equal(dcc.I99), ans.Reason)
		return
	}
	Expect(cv).To(Equal(4))
	ans := e.serve(transform, doc)
	Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
	signed, err := dcc.SignPreCommand(signerKey(e.env, from), preCommandOf(ans.Body))
	Expect(err).NotTo(HaveOccurred())
	ans = e.serve(sendCommand, e.requestWithCounter(from, to, 5, variant, signedPreCommand(signed), counter))
	Expect(ans.Code).To(Equal(dcc.I99), ans.Reason)
}

var _ = Describe("DCC's DUIS templates for the 6.x configuration SRVs", func() {
	var e *configEnv
	BeforeEach(func() {
		requireJudges()
		e = newConfigEnv(envOptions{})
	})

	type check func(e *configEnv, doc string)
	esmeDev := func(e *configEnv) *devices.ESME { return e.f.ByDevice(esme).ESME }
	gsmeDev := func(e *configEnv) *devices.GSME { return e.f.ByDevice(gsme).GSME }

	DescribeTable("are accepted as they are, and carried out",
		func(name, variant string, from, to devices.EUI64, rsp string, c check) {
			if to == britanniaESME {
				to = esmeOfFamily(e.env, "britannia-bm200")
			}
			wait := time.Minute
			if to == gsme {
				e.untilWoken()
				wait = gasRead
				if handlersQueue[variant] {
					wait = e.pastWake()
				}
			}
			e.sendTemplate(name, variant, from, to)
			c(e, e.ok(from, wait, rsp))
		},
		Entry("ECS25r1 6.2.10 (on an ESME whose model supports it)", "ECS25r1_6.2.10_SUCCESS_REQUEST_DUIS.XML", "6.2.10", supplier, britanniaESME,
			"ReadDeviceConfigurationEventAndAlertBehavioursRsp", func(e *configEnv, doc string) {
				Expect(doc).To(ContainSubstring("<ra:ElectricitySupplierWANAlertSettings><ra:SupplierESMECommon><ra:x810D>Enable</ra:x810D>"))
			}),
		Entry("ECS26d 6.2.3", "ECS26d_6.2.3_SUCCESS_REQUEST_DUIS.XML", "6.2.3", supplier, esme,
			"ReadDeviceConfigurationDataBillingCalendarRsp", func(e *configEnv, doc string) {
				Expect(doc).To(ContainSubstring("<ra:Monthly>1</ra:Monthly>"))
			}),
		Entry("ECS26l 6.2.3", "ECS26l_6.2.3_SUCCESS_REQUEST_DUIS.XML", "6.2.3", supplier, esme,
			"ReadDeviceConfigurationDataBillingCalendarRsp", func(e *configEnv, doc string) {
				Expect(doc).To(ContainSubstring("<ra:ElectricityBillingCalendar><ra:BillingTime>00:00:00</ra:BillingTime>"))
			}),
		Entry("ECS26i 6.2.4", "ECS26i_6.2.4_SUCCESS_REQUEST_DUIS.XML", "6.2.4", supplier, esme,
			"ReadDeviceConfigurationIdentityExcMPxNRsp", func(e *configEnv, doc string) {
				Expect(field([]byte(doc), "DeviceIdentifier")).To(Equal("00-DB-12-34-56-78-90-A0"))
			}),
		Entry("GCS21m 6.2.4", "GCS21m_6.2.4_SUCCESS_REQUEST_DUIS.XML", "6.2.4", supplier, gsme,
			"ReadDeviceConfigurationIdentityExcMPxNRsp", func(e *configEnv, doc string) {
				Expect(doc).To(ContainSubstring("<ra:DeviceIdentifier>00-DB-12-34-56-78-90-A1</ra:DeviceIdentifier>"))
				Expect(doc).To(ContainSubstring("<ra:Gas><ra:SupplyTamperState>Unchanged</ra:SupplyTamperState>"))
			}),
		Entry("ECS40 6.2.7", "ECS40_6.2.7_TWIN_SUCCESS_REQUEST_DUIS.XML", "6.2.7", supplier, esme,
			"ReadDeviceConfigurationMPxNRsp", func(e *configEnv, doc string) {
				Expect(field([]byte(doc), "ImportMPAN")).To(Equal(esmeDev(e).ImportMPAN()))
			}),
		Entry("ECS28a 6.4.1", "ECS28a_6.4.1_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML", "6.4.1", supplier, esme,
			"UpdateDeviceConfigurationLoadLimitingGeneralSettingsRsp", func(e *configEnv, doc string) {
				Expect(esmeDev(e).Configuration().LoadLimit).To(Equal(devices.LoadLimit{Period: 300, PowerThreshold: 6900, RestorationPeriod: 30, DisableSupply: true}))
			}),
		Entry("ECS29b 6.5", "ECS29b_6.5_SUCCESS_REQUEST_DUIS.XML", "6.5", distrib, esme,
			"UpdateDeviceConfigurationVoltageRsp", func(e *configEnv, doc string) {
				v := esmeDev(e).Configuration().Voltage
				Expect(v.Phases).To(Equal([]devices.VoltageThresholds{{Over: 264, Under: 200, Period: 30}, {Over: 126, Under: 96, Period: 30}, {Over: 126, Under: 96, Period: 30}}))
				Expect([]uint32{v.ExtremeOver, v.ExtremeUnder, v.Sag, v.Swell}).To(Equal([]uint32{287, 180, 216, 253}))
			}),
		Entry("ECS29e 6.27", "ECS29e_6.27_SUCCESS_REQUEST_DUIS.XML", "6.27", distrib, esme,
			"UpdateDeviceConfigurationRMSVoltageCounterResetRsp", func(e *configEnv, doc string) {
				Expect(esmeDev(e).Configuration().RMSCountersReset).To(BeTemporally("~", e.f.Clock.Now(), time.Minute))
			}),
		Entry("ECS30a 6.8", "ECS30a_6.8_SUCCESS_REQUEST_DUIS.XML", "6.8", supplier, esme,
			"UpdateDeviceConfigurationBillingCalendarRsp", func(e *configEnv, doc string) {
				c := esmeDev(e).Configuration().Billing
				Expect([]int{int(c.Period), c.DayOfMonth, c.StartMonth}).To(Equal([]int{int(devices.BillingQuarterly), 1, 1}))
				Expect(c.Next(e.f.Clock.Now())).To(Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, devices.London)))
			}),
		Entry("ECS35b 6.13 (security log, 2014)", "ECS35b_6.13_SUCCESS_REQUEST_DUIS.XML", "6.13", supplier, esme,
			"ReadEventOrSecurityLogRsp", func(e *configEnv, doc string) {
				Expect(doc).To(ContainSubstring("<ra:Log/>"))
			}),
		Entry("ECS35e 6.13 (power event log, 2014)", "ECS35e_6.13_SUCCESS_REQUEST_DUIS.XML", "6.13", supplier, esme,
			"ReadEventOrSecurityLogRsp", func(e *configEnv, doc string) {
				Expect(doc).To(ContainSubstring("<ra:Log/>"))
			}),
		Entry("ECS37 6.18.1", "ECS37_6.18.1_SUCCESS_REQUEST_DUIS.XML", "6.18.1", distrib, esme,
			"SetMaximumDemandConfigurableTimePeriodRsp", func(e *configEnv, doc string) {
				Expect(esmeDev(e).Configuration().MaxDemand).To(Equal(devices.MaxDemandPeriod{Start: 17 * time.Hour, End: 22 * time.Hour}))
			}),
		Entry("ECS57 6.18.2", "ECS57_6.18.2_ALL_OPTIONALS_SUCCESS_REQUEST_DUIS.XML", "6.18.2", distrib, esme,
			"ResetMaximumDemandRegistersRsp", func(e *configEnv, doc string) {
				c := esmeDev(e).Configuration()
				Expect([]time.Time{c.MaxDemandImportReset, c.MaxDemandExportReset, c.MaxDemandPeriodReset}).To(HaveEach(BeTemporally("~", e.f.Clock.Now(), time.Minute)))
			}),
		Entry("ECS39a 6.20.1", "ECS39a_6.20.1_TWIN_SUCCESS_REQUEST_DUIS.XML", "6.20.1", supplier, esme,
			"SetDeviceConfigurationImportMPxNRsp", func(e *configEnv, doc string) {
				Expect(esmeDev(e).ImportMPAN()).To(Equal("1312345678111"))
				Expect(esmeDev(e).Configuration().SecondaryImportMPAN).To(Equal("1312345678222"))
			}),
		Entry("GCS41 6.20.1", "GCS41_6.20.1_SUCCESS_REQUEST_DUIS.XML", "6.20.1", supplier, gsme,
			"SetDeviceConfigurationImportMPxNRsp", func(e *configEnv, doc string) {
				Expect(gsmeDev(e).MPRN()).To(Equal("1234567890"))
			}),
		Entry("ECS25a 6.22", "ECS25a_6.22_SUCCESS_REQUEST_DUIS.XML", "6.22", supplier, esme,
			"ConfigureAlertBehaviourRsp", func(e *configEnv, doc string) {
				c := esmeDev(e).Configuration()
				Expect(c.Alert(0x810E) & devices.AlertWAN).To(BeZero())
				Expect(c.Alert(0x810D) & devices.AlertWAN).NotTo(BeZero())
				Expect(c.Alerts()).To(HaveKey(devices.AlertCode(0x81B7)))
			}),
		Entry("ECS25a1 6.22", "ECS25a1_6.22_SUCCESS_REQUEST_DUIS.XML", "6.22", supplier, esme,
			"ConfigureAlertBehaviourRsp", func(e *configEnv, doc string) {
				c := esmeDev(e).Configuration()
				Expect(c.Alert(0x8119)).To(Equal(devices.AlertEverything &^ devices.AlertHAN))
				Expect(c.Alert(0x8168)).To(Equal(devices.AlertEverything &^ devices.AlertHAN))
				Expect(c.Alert(0x810D)).To(Equal(devices.AlertEverything))
			}),
		Entry("GCS20 6.22", "GCS20_6.22_SUCCESS_REQUEST_DUIS.XML", "6.22", supplier, gsme,
			"ConfigureAlertBehaviourRsp", func(e *configEnv, doc string) {
				c := gsmeDev(e).Configuration()
				Expect(c.Alert(0x810E)).To(Equal(devices.AlertWAN))
				Expect(c.Alert(0x8161)).To(Equal(devices.AlertLog | devices.AlertAlarm))
				Expect(c.Alert(0x81C4)).To(Equal(devices.AlertEverything))
			}),
		Entry("ECS48 6.26", "ECS48_6.26_SUCCESS_REQUEST_DUIS.XML", "6.26", supplier, esme,
			"UpdateDeviceConfigurationDailyResettingOfTariffBlockCounterMatrixRsp", func(e *configEnv, doc string) {
				Expect(esmeDev(e).Configuration().DailyBlockReset).To(BeTrue())
			}),
		Entry("GCS24a 6.7", "GCS24a_6.7_SUCCESS_REQUEST_DUIS.XML", "6.7", supplier, gsme,
			"UpdateDeviceConfigurationGasFlowRsp", func(e *configEnv, doc string) {
				Expect(gsmeDev(e).Configuration().Flow).To(Equal(devices.GasFlow{Rate: 61680, Stabilisation: 60, Measurement: 300}))
			}),
	)

	It("refuses ECS25r1 6.2.10 on the reference ESME, whose model does not support it", func() {
		doc, _, _ := e.template("ECS25r1_6.2.10_SUCCESS_REQUEST_DUIS.XML", supplier, esme)
		ans := e.serve(sendCommand, doc)
		Expect(ans.Code).To(Equal(dcc.E11))
		Expect(ans.Reason).To(ContainSubstring("does not support 6.2.10"))
	})
})

// britanniaESME stands for an ESME of the default fleet whose model supports 6.2.10.
var britanniaESME = eui("FF-FF-FF-FF-FF-FF-FF-01")

// handlersQueue lists the SRVs whose GSME commands wait in the GPF's queue for the GSME's wake.
var handlersQueue = map[string]bool{"6.6": true, "6.7": true, "6.8": true, "6.20.1": true, "6.22": true}
