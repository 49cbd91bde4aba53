package scenarios_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/fleet"
)

var _ = Describe("Steps", func() {
	run := func(sc *scenarios.Scenario) scenarios.CaseResult {
		return scenarios.RunCase(context.Background(), caseOf(sc), scenarios.Options{Seed: 7})
	}

	It("disables a supply through Transform and a signed pre-command, and reads it back", func() {
		cr := run(scenario("disable",
			send(3, "7.2", "supplier", esme, "<DisableSupply/>", nil),
			device(4, esme, "supply", scenarios.OpEq, "disabled"),
			send(5, "7.4", "supplier", esme, "<ReadSupplyStatus/>", &scenarios.Expect{Response: &scenarios.ResponseCheck{
				Fields: []scenarios.Field{field(8, "ReadSupplyStatusRsp/SupplyState", scenarios.OpEq, "Disabled")}}}),
		))
		for _, s := range cr.Steps {
			GinkgoWriter.Println(s.Name, s.Status, s.Failure)
		}
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
		Expect(cr.Steps).To(HaveLen(3))
		sendStep := cr.Steps[0]
		kinds := []string{}
		for _, m := range sendStep.Messages {
			kinds = append(kinds, m.Kind+" "+m.Code)
		}
		Expect(kinds).To(Equal([]string{"request ", "answer I0", "request ", "answer I99", "response I0"}))
		Expect(sendStep.Before[esme]["supply"]).To(Equal("enabled"))
		Expect(sendStep.After[esme]["supply"]).To(Equal("disabled"))
		rsp := sendStep.Messages[4]
		Expect(rsp.TRT).To(Equal(30 * time.Second))
		Expect(rsp.Elapsed).To(BeNumerically(">", 0))
		Expect(rsp.TRTBreached).To(BeFalse())
	})
})

var _ = Describe("Each step kind", func() {
	run := func(steps ...scenarios.Step) scenarios.CaseResult {
		cr := scenarios.RunCase(context.Background(), caseOf(scenario("steps", steps...)), scenarios.Options{Seed: 3})
		for _, s := range cr.Steps {
			GinkgoWriter.Println(s.Name, s.Status, s.Failure, s.Skip)
		}
		return cr
	}
	response := func(code string) *scenarios.Expect {
		return &scenarios.Expect{Response: &scenarios.ResponseCheck{Code: code}}
	}

	It("tops up a prepayment meter from the PPMID with a UTRN made for the amount", func() {
		cr := run(
			han(3, "top_up", ppmid, "electricity", "10.00"),
			device(4, esme, "balance", scenarios.OpGe, "21.50"),
		)
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
		top := cr.Steps[0]
		Expect(top.Messages).To(HaveLen(1))
		Expect(top.Messages[0].XML).To(MatchRegexp(`^[0-9]{20}$`))
		Expect(top.Before[esme]["balance"]).To(HavePrefix("12."))
		Expect(top.After[ppmid]["last_top_up"]).To(Equal("accepted: supply enabled, 10.00 for the ESME"))
	})

	It("saves a response value and compares a later one with it, written @{name}", func() {
		reg := "ReadInstantaneousImportRegistersRsp/Electricity/ActiveImportRegister/Value"
		saveReg := &scenarios.Expect{Response: &scenarios.ResponseCheck{Save: []scenarios.Saved{{Name: "reg", Path: reg}}}}
		grown := &scenarios.Expect{Response: &scenarios.ResponseCheck{Fields: []scenarios.Field{{Path: reg, Op: scenarios.OpGt, Value: "@{reg}"}}}}
		cr := run(
			send(3, "4.1.1", "supplier", esme, "<ReadInstantaneousImportRegisters/>", saveReg),
			advance(4, 2*time.Hour),
			send(5, "4.1.1", "supplier", esme, "<ReadInstantaneousImportRegisters/>", grown),
		)
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)

		unsaved := &scenarios.Expect{Response: &scenarios.ResponseCheck{Fields: []scenarios.Field{{Path: reg, Op: scenarios.OpGe, Value: "@{nothing}"}}}}
		cr = run(send(3, "4.1.1", "supplier", esme, "<ReadInstantaneousImportRegisters/>", unsaved))
		Expect(cr.Status).To(Equal(scenarios.Failed))
		Expect(cr.Failure).To(ContainSubstring("no earlier step saved @{nothing}"))
	})

	It("sends 2.2 Top Up Device with a UTRN made for a send step's top_up amount", func() {
		top := send(3, "2.2", "supplier", esme, "", &scenarios.Expect{Response: &scenarios.ResponseCheck{
			Fields: []scenarios.Field{field(5, "TopUpDeviceRsp/@MessageSuccess", scenarios.OpEq, "true")}}})
		top.Send.TopUp = "10.00"
		cr := run(top, device(6, esme, "balance", scenarios.OpGe, "21.50"))
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
		Expect(cr.Steps[0].Messages[0].XML).To(MatchRegexp(`<sr:TopUpDevice[^>]*><sr:UTRN>[0-9]{20}</sr:UTRN></sr:TopUpDevice>`))
	})

	It("checks that a response field is absent, and fails when it is there", func() {
		read := func(line int, path string) scenarios.Step {
			return send(line, "7.4", "supplier", esme, "<ReadSupplyStatus/>", &scenarios.Expect{Response: &scenarios.ResponseCheck{
				Fields: []scenarios.Field{field(line, path, scenarios.OpAbsent, "")}}})
		}
		cr := run(read(3, "ReadSupplyStatusRsp/NoSuchElement"))
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
		cr = run(read(3, "ReadSupplyStatusRsp/SupplyState"))
		Expect(cr.Status).To(Equal(scenarios.Failed))
		Expect(cr.Failure).To(ContainSubstring(`field ReadSupplyStatusRsp/SupplyState: expected nothing there, got "Enabled"`))
	})

	It("reads what 3.2, 3.4 and 3.5 set on a meter's display", func() {
		cr := run(
			device(3, esme, "supplier_name", scenarios.OpEq, ""),
			send(4, "3.4", "supplier", esme, "<UpdateSupplierName><SupplierName>Acme Energy</SupplierName><SupplierTelephoneNumber>0800 123 456</SupplierTelephoneNumber></UpdateSupplierName>", nil),
			device(5, esme, "supplier_name", scenarios.OpEq, "Acme Energy"),
			device(6, esme, "supplier_phone", scenarios.OpEq, "0800 123 456"),
			device(7, esme, "privacy_pin", scenarios.OpEq, "enabled"),
			send(8, "3.5", "supplier", esme, "<DisablePrivacyPIN/>", nil),
			device(9, esme, "privacy_pin", scenarios.OpEq, "disabled"),
			send(10, "3.2", "supplier", esme, "<RestrictAccessForChangeOfTenancy><RestrictionDateTime>2026-03-26T12:00:00Z</RestrictionDateTime></RestrictAccessForChangeOfTenancy>", nil),
			device(11, esme, "restricted_before", scenarios.OpEq, "2026-03-26T12:00:00Z"),
		)
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
	})

	It("lets the consumer enable an armed supply at the PPMID", func() {
		cr := run(
			send(3, "7.3", "supplier", esme, "<ArmSupply/>", nil),
			device(4, esme, "supply", scenarios.OpEq, "armed"),
			han(5, "enable_supply", ppmid, "", ""),
			device(6, esme, "supply", scenarios.OpEq, "enabled"),
		)
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
	})

	It("opens an armed gas valve at the GSME itself, as a SMETS1 PPMID cannot", func() {
		cr := run(
			send(3, "7.3", "supplier", gsme, "<ArmSupply/>", &scenarios.Expect{NoResponse: true, Within: time.Second}),
			han(4, "wake", gsme, "", ""),
			device(5, gsme, "supply", scenarios.OpEq, "armed"),
			han(6, "enable_supply", gsme, "", ""),
			device(7, gsme, "supply", scenarios.OpEq, "enabled"),
		)
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
	})

	It("wakes a GSME at once, which takes the command its GPF queued", func() {
		cr := run(
			send(3, "7.3", "supplier", gsme, "<ArmSupply/>", &scenarios.Expect{NoResponse: true, Within: time.Second}),
			device(4, gsme, "supply", scenarios.OpEq, "enabled"),
			han(5, "wake", gsme, "", ""),
			device(6, gsme, "supply", scenarios.OpEq, "armed"),
		)
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
	})

	It("activates emergency credit on the meter, or says why the meter refused", func() {
		cr := run(han(3, "emergency_credit", esme, "", ""))
		if cr.Status == scenarios.Failed {
			Expect(cr.Failure).To(HavePrefix("specs/runner.yaml:3: emergency_credit on " + esme + ": "))
		}
	})

	It("advances the virtual clock by a duration, to an instant and to a GSME's wake-up", func() {
		cr := run(
			advance(3, 90*time.Minute),
			scenarios.Step{Pos: at(4), Kind: scenarios.StepAdvance, Advance: &scenarios.Advance{To: "2026-03-27T03:00:00Z"}},
			scenarios.Step{Pos: at(5), Kind: scenarios.StepAdvance, Advance: &scenarios.Advance{WakeOf: gsme}},
			device(6, esme, "supply", scenarios.OpEq, "enabled"),
		)
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
		Expect(cr.Steps[1].At).To(Equal(time.Date(2026, 3, 27, 1, 30, 0, 0, time.UTC)))
		Expect(cr.Steps[2].At).To(Equal(time.Date(2026, 3, 27, 3, 0, 0, 0, time.UTC)))
		Expect(cr.Steps[3].At).To(BeTemporally(">", cr.Steps[2].At))
		Expect(cr.Steps[3].At).To(BeTemporally("<=", cr.Steps[2].At.Add(31*time.Minute)))
		Expect(cr.Virtual).To(BeNumerically(">", 3*time.Hour))
	})

	It("takes a hub offline for a while: E20, then served again", func() {
		cr := run(
			fault(3, esme, "offline", time.Hour),
			device(4, chf, "wan", scenarios.OpEq, "down"),
			send(5, "4.1.1", "supplier", esme, "<ReadInstantaneousImportRegisters/>", response("E20")),
			advance(6, time.Hour),
			device(7, chf, "wan", scenarios.OpEq, "up"),
			send(8, "4.1.1", "supplier", esme, "<ReadInstantaneousImportRegisters/>", nil),
		)
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
		Expect(cr.Steps[0].After[chf]["wan"]).To(Equal("down"))
	})

	It("cuts the mains: the DCC raises N1, which an expect step waits for", func() {
		cr := run(
			fault(3, esme, "power_off", 0),
			expectAlerts(4, 0, "N1"),
		)
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
		Expect(cr.Steps[1].Messages).To(HaveLen(1))
		Expect(cr.Steps[1].Messages[0].XML).To(ContainSubstring("PowerOutageEvent"))
	})

	It("makes a device slow: the request times out at its Target Response Time and the breach is counted", func() {
		slow := fault(3, esme, "slow", 0)
		slow.Fault.Latency = 45 * time.Second
		cr := run(slow, send(4, "4.1.1", "supplier", esme, "<ReadInstantaneousImportRegisters/>", response("E21")))
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
		rsp := cr.Steps[1].Messages[len(cr.Steps[1].Messages)-1]
		Expect(rsp.Kind).To(Equal("response"))
		Expect(rsp.TRTBreached).To(BeTrue())
		Expect(rsp.TRT).To(Equal(30 * time.Second))
		Expect(cr.Breaches).To(Equal(1))
	})

	It("injects a profile fault: a drifting clock", func() {
		cr := run(
			fault(3, esme, "clock_drift", 0),
			advance(4, 24*time.Hour),
			device(5, esme, "clock_offset", scenarios.OpGe, "59"),
		)
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
	})

	It("injects a drifting clock into a model that already drifts: a minute a day, not the model's own 3 s", func() {
		cat, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
		Expect(err).NotTo(HaveOccurred())
		def, err := scenarios.DefaultFleetSpec()
		Expect(err).NotTo(HaveOccurred())
		comb := fleet.Combination{CSP: "South", Models: map[devices.Kind]*devices.Model{}}
		for k, id := range map[devices.Kind]string{devices.KindCHF: "cotswold-cc3@7.2", devices.KindESME: "cotswold-sp3@2.2",
			devices.KindGPF: "cotswold-gp3@7.2", devices.KindGSME: "danum-dg10@5.1", devices.KindPPMID: "danum-pp5@1.1"} {
			comb.Models[k], err = cat.Lookup(id) // EPC-0005: the SP3 declares clock_drift, 3 s a day
			Expect(err).NotTo(HaveOccurred())
		}
		sc := scenario("drifting model", fault(3, esme, "clock_drift", 0), advance(4, 24*time.Hour),
			device(5, esme, "clock_offset", scenarios.OpGe, "59"), device(6, esme, "clock_offset", scenarios.OpLt, "61"))
		sc.Fleet, err = def.Fit("rtds-reference", comb)
		Expect(err).NotTo(HaveOccurred())
		cr := scenarios.RunCase(context.Background(), caseOf(sc), scenarios.Options{Seed: 3})
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
	})

	It("reads the GPF's mirror of the GSME: its register and how long since the GSME reported", func() {
		gpf := "rtds-reference.GPF"
		wake := scenarios.Step{Pos: at(3), Kind: scenarios.StepAdvance, Advance: &scenarios.Advance{WakeOf: gsme}}
		cr := run(
			wake,
			device(4, gpf, "mirror_age", scenarios.OpLt, "60"),
			device(5, gpf, "register", scenarios.OpGe, "0"),
			advance(6, 10*time.Minute),
			device(7, gpf, "mirror_age", scenarios.OpGe, "600"),
			wake,
			device(8, gpf, "mirror_age", scenarios.OpLt, "60"),
			device(9, gpf, "mirror_lag", scenarios.OpLe, "0.001"),
			device(10, gpf, "mirror_lag", scenarios.OpGe, "0"),
		)
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
		Expect(cr.Steps[2].After[gpf]["register"]).To(MatchRegexp(`^[0-9]+\.[0-9]{3}$`))
	})

	It("reads the prices the PPMID shows, from the ESME's Publish Price", func() {
		body := "<UpdatePricePrimaryElement><PriceElements><ElectricityPriceElements><StandingCharge>55000</StandingCharge>" +
			"<StandingChargeScale>-5</StandingChargeScale><PriceScale>-5</PriceScale><TOUTariff><TOUPrice index=\"1\">15000</TOUPrice>" +
			"<TOUPrice index=\"2\">31000</TOUPrice></TOUTariff></ElectricityPriceElements></PriceElements></UpdatePricePrimaryElement>"
		cr := run(
			send(3, "1.2.1", "supplier", esme, body, nil),
			advance(4, time.Minute),
			device(5, ppmid, "price", scenarios.OpEq, "0.31"),
			device(6, ppmid, "gas_price", scenarios.OpGe, "0"),
		)
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
		Expect(cr.Steps[2].After[ppmid]["price"]).To(Equal("0.31"))
	})

	It("loses HAN frames to and from a device", func() {
		w, err := scenarios.NewWorld(scenario("drop"), 5, scenarios.Options{})
		Expect(err).NotTo(HaveOccurred())
		defer w.Close()
		dropped := w.Fleet.Medium.Stats().Dropped
		Expect(w.RunStep(scenarios.Step{Pos: at(3), Kind: scenarios.StepFault,
			Fault: &scenarios.Fault{Device: ppmid, Kind: "drop_frames", Every: 2, For: time.Hour}}).Status).To(Equal(scenarios.Passed))
		Expect(w.Advance(30 * time.Minute)).To(Succeed())
		Expect(w.Fleet.Medium.Stats().Dropped).To(BeNumerically(">", dropped))
	})

	It("fails a device check naming the step's line and what differed", func() {
		cr := run(device(4, esme, "supply", scenarios.OpEq, "disabled"), advance(5, time.Hour))
		Expect(cr.Status).To(Equal(scenarios.Failed))
		Expect(cr.Failure).To(HavePrefix(`specs/runner.yaml:4: rtds-reference.ESME supply: expected "disabled", got "enabled"`))
		Expect(cr.Steps[1].Status).To(Equal(scenarios.Skipped))
		Expect(cr.Steps[1].Skip).To(Equal("an earlier step failed"))
	})

	It("takes an alert that came before the expect step, with no negative time", func() {
		cr := run(han(3, "top_up", ppmid, "electricity", "5.00"), expectAlerts(4, time.Minute, "810E"))
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
		Expect(cr.Steps[1].Messages).To(HaveLen(1))
		Expect(cr.Steps[1].Messages[0].At).To(BeTemporally("<", cr.Steps[1].At))
		Expect(cr.Steps[1].Messages[0].Elapsed).To(BeNumerically(">=", 0))
	})

	It("fails an expect step when the alert never comes, saying which is missing", func() {
		cr := run(expectAlerts(4, 10*time.Minute, "AD1"))
		Expect(cr.Status).To(Equal(scenarios.Failed))
		Expect(cr.Failure).To(ContainSubstring("specs/runner.yaml:4: alerts: expected AD1 within 10m0s, missing AD1"))
	})

	It("fails on an unexpected synchronous code, with the DCC's reason", func() {
		cr := run(send(4, "7.2", "distributor", esme, "<DisableSupply/>", nil))
		Expect(cr.Status).To(Equal(scenarios.Failed))
		Expect(cr.Failure).To(MatchRegexp(`^specs/runner.yaml:4: answer to 7.2 [0-9A-F:-]+: expected I0, got E2 \(.+\)`))
	})

	It("checks a non-device request's synchronous answer with the response check: nothing else follows", func() {
		body := "<ReadInventory><DeviceID>00-DB-12-34-56-78-90-A0</DeviceID></ReadInventory>"
		cr := run(send(3, "8.2", "supplier", "DCC", body, &scenarios.Expect{Response: &scenarios.ResponseCheck{Fields: []scenarios.Field{
			field(4, "DSPInventory/Device/DeviceStatus", scenarios.OpEq, "Commissioned"),
			field(5, "Device/DeviceFirmwareVersion", scenarios.OpEq, "1.4.2"),
		}}}))
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
		Expect(cr.Virtual).To(BeNumerically("<", time.Second), "no wait for an asynchronous response")

		cr = run(send(3, "8.2", "supplier", "DCC", body, &scenarios.Expect{Response: &scenarios.ResponseCheck{Fields: []scenarios.Field{
			field(4, "DSPInventory/Device[6]", scenarios.OpAbsent, ""),
		}}}))
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
		cr = run(send(3, "8.2", "supplier", "DCC", body, &scenarios.Expect{Response: &scenarios.ResponseCheck{Fields: []scenarios.Field{
			field(4, "DSPInventory/Device[5]/DeviceID", scenarios.OpAbsent, ""),
		}}}))
		Expect(cr.Status).To(Equal(scenarios.Failed))
		Expect(cr.Failure).To(HavePrefix(`specs/runner.yaml:4: field DSPInventory/Device[5]/DeviceID: expected nothing there, got "00-DB-12-34-56-78-90-A`))

		cr = run(send(3, "8.2", "supplier", "DCC", body, &scenarios.Expect{Response: &scenarios.ResponseCheck{Fields: []scenarios.Field{
			field(4, "DSPInventory/Device/DeviceStatus", scenarios.OpEq, "Decommissioned"),
		}}}))
		Expect(cr.Status).To(Equal(scenarios.Failed))
		Expect(cr.Failure).To(HavePrefix(`specs/runner.yaml:4: field DSPInventory/Device/DeviceStatus: expected "Decommissioned", got "Commissioned"`))
	})

	It("checks that a response field is absent", func() {
		body := "<ReadInventory><DeviceID>00-DB-12-34-56-78-90-A0</DeviceID></ReadInventory>"
		cr := run(send(3, "8.2", "supplier", "DCC", body, &scenarios.Expect{Response: &scenarios.ResponseCheck{Fields: []scenarios.Field{
			field(4, "DSPInventory/Device/DeviceStatus[2]", scenarios.OpAbsent, ""),
		}}}))
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)

		cr = run(send(3, "8.2", "supplier", "DCC", body, &scenarios.Expect{Response: &scenarios.ResponseCheck{Fields: []scenarios.Field{
			field(4, "DSPInventory/Device/DeviceStatus", scenarios.OpAbsent, ""),
		}}}))
		Expect(cr.Status).To(Equal(scenarios.Failed))
		Expect(cr.Failure).To(HavePrefix(`specs/runner.yaml:4: field DSPInventory/Device/DeviceStatus: expected nothing there, got "Commissioned"`))
	})

	It("waits for a DCC schedule's response (scheduled), and for none (no_scheduled)", func() {
		create := "<CreateSchedule><ScheduleFrequency>Daily</ScheduleFrequency><ScheduleStartDate>2026-03-27</ScheduleStartDate>" +
			"<ScheduleExecutionStartTime>01:00:00Z</ScheduleExecutionStartTime><DSPScheduledServiceReference>4.16</DSPScheduledServiceReference>" +
			"<DSPScheduledServiceReferenceVariant>4.16</DSPScheduledServiceReferenceVariant><DeviceID>00-DB-12-34-56-78-90-A0</DeviceID>" +
			"<DSPReadActivePowerImport/></CreateSchedule>"
		scheduled := func(line int, srv string, within time.Duration, fields ...scenarios.Field) scenarios.Step {
			return scenarios.Step{Pos: at(line), Kind: scenarios.StepExpect, Expect: &scenarios.Expect{Within: within,
				Scheduled: &scenarios.ResponseCheck{SRV: srv, Fields: fields}}}
		}
		none := func(line int, within time.Duration) scenarios.Step {
			return scenarios.Step{Pos: at(line), Kind: scenarios.StepExpect, Expect: &scenarios.Expect{Within: within, NoScheduled: true}}
		}
		cr := run(
			send(3, "5.1", "supplier", "DCC", create, nil),
			none(4, 30*time.Minute),
			scheduled(5, "4.16", 2*time.Hour, field(5, "ActivePowerImport/Value", scenarios.OpGt, "0")),
			send(6, "5.3", "supplier", "DCC", "<DeleteSchedule><DSPScheduleID>1</DSPScheduleID></DeleteSchedule>", nil),
			none(7, 25*time.Hour),
		)
		Expect(cr.Status).To(Equal(scenarios.Passed), cr.Failure)
		Expect(cr.Steps[2].Messages).To(HaveLen(1))
		Expect(cr.Steps[2].Messages[0].RequestID).To(HavePrefix("90-B3-D5-1F-30-00-00-02:00-DB-12-34-56-78-90-A0:"))

		cr = run(send(3, "5.1", "supplier", "DCC", create, nil), scheduled(4, "4.6.1", 2*time.Hour))
		Expect(cr.Status).To(Equal(scenarios.Failed))
		Expect(cr.Failure).To(HavePrefix("specs/runner.yaml:4: no response from a DCC schedule of 4.6.1 within 2h0m0s"))

		cr = run(send(3, "5.1", "supplier", "DCC", create, nil), none(4, 2*time.Hour))
		Expect(cr.Status).To(Equal(scenarios.Failed))
		Expect(cr.Failure).To(ContainSubstring("expected no response from a DCC schedule within 2h0m0s, got 4.16"))
	})

	It("runs teardown after a failure", func() {
		sc := scenario("teardown", device(4, esme, "supply", scenarios.OpEq, "armed"))
		sc.Teardown = []scenarios.Step{advance(6, time.Minute)}
		cr := scenarios.RunCase(context.Background(), caseOf(sc), scenarios.Options{})
		Expect(cr.Status).To(Equal(scenarios.Failed))
		Expect(cr.Steps).To(HaveLen(2))
		Expect(cr.Steps[1].Status).To(Equal(scenarios.Passed))
	})
})

var _ = Describe("The Go API", func() {
	It("builds a world, sends, waits for the response on the virtual clock and reads the devices", func() {
		w, err := scenarios.NewWorld(scenario("api"), 11, scenarios.Options{})
		Expect(err).NotTo(HaveOccurred())
		defer w.Close()
		start := w.Now()
		ex, err := w.Send(scenarios.Send{SRV: "7.2", As: "supplier", To: esme, Body: "<DisableSupply/>"})
		Expect(err).NotTo(HaveOccurred())
		Expect(ex.Code()).To(Equal("I99"))
		Expect(ex.Legs).To(HaveLen(2))
		m, err := w.AwaitResponse(ex, time.Minute)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Code).To(Equal("I0"))
		Expect(m.Err).NotTo(HaveOccurred())
		v, ok := m.Payload.Field("@MessageSuccess")
		Expect(ok).To(BeTrue())
		Expect(v).To(Equal("true"))
		Expect(w.Now().Sub(start)).To(BeNumerically("<", time.Minute), "the clock stops when the response comes")
		d, err := w.Device(esme)
		Expect(err).NotTo(HaveOccurred())
		Expect(w.Property(d, "supply")).To(Equal("disabled"))
		Expect(w.Advance(time.Hour)).To(Succeed())
		Expect(w.Elapsed()).To(BeNumerically(">=", time.Hour))
		_, err = w.Device("nowhere.ESME")
		Expect(err).To(MatchError(ContainSubstring(`no premises "nowhere" in the fleet`)))
	})
})
