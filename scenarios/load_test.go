package scenarios_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing/fstest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/scenarios"
)

// loadErrors loads paths and returns every mistake as "line:col: field: message".
func loadErrors(paths ...string) []string {
	GinkgoHelper()
	scs, err := scenarios.LoadFiles(paths...)
	Expect(scs).To(BeNil())
	var le *scenarios.LoadError
	Expect(errors.As(err, &le)).To(BeTrue(), "want a *LoadError, got %T: %v", err, err)
	out := make([]string, len(le.Errors))
	for i, e := range le.Errors {
		Expect(e.File).To(Equal(paths[0]))
		out[i] = fmt.Sprintf("%d:%d: %s: %s", e.Line, e.Column, e.Field, e.Msg)
	}
	return out
}

var _ = Describe("Load", func() {
	It("loads the smoke suite from the embedded fixtures", func() {
		scs, err := scenarios.Load(fixtures.FS, fixtures.SmokeSuite)
		Expect(err).NotTo(HaveOccurred())
		Expect(scs).To(HaveLen(3))
		files := []string{}
		for _, sc := range scs {
			files = append(files, sc.File)
			Expect(sc.Tags).To(ContainElement("smoke"))
			Expect(sc.FleetName).To(Equal("default"))
			Expect(sc.Fleet.Premises[0].ID).To(Equal("rtds-reference"))
		}
		Expect(files).To(Equal([]string{"scenarios/smoke/firmware.yaml", "scenarios/smoke/supply.yaml", "scenarios/smoke/topup.yaml"}), "in name order")
		supply := scs[1]
		Expect(supply.Name).To(Equal("Disable and re-enable an ESME's supply"))
		Expect(supply.Steps).To(HaveLen(6))
		Expect(supply.Steps[0].Kind).To(Equal(scenarios.StepSend))
		Expect(*supply.Steps[0].Send).To(Equal(scenarios.Send{As: "supplier", SRV: "7.2", To: "rtds-reference.ESME", Body: "<DisableSupply/>"}))
		Expect(supply.Steps[1].Device.Checks).To(Equal([]scenarios.DeviceProperty{{
			Pos: scenarios.Pos{File: supply.File, Line: 10, Column: 36}, Device: "rtds-reference.ESME", Property: "supply", Op: scenarios.OpEq, Value: "disabled"}}))
		fields := supply.Steps[2].Send.Expect.Response.Fields
		Expect(fields).To(HaveLen(2))
		Expect(fields[1]).To(Equal(scenarios.Field{Pos: scenarios.Pos{File: supply.File, Line: 20, Column: 13},
			Path: "ReadSupplyStatusRsp/SupplyState", Op: scenarios.OpEq, Value: "Disabled"}))
	})

	It("reads every part of a scenario: inline fleet, users, variables, bodies as mappings, each step kind", func() {
		scs, err := scenarios.LoadFiles("testdata/good/inline.yaml")
		Expect(err).NotTo(HaveOccurred())
		sc := scs[0]
		Expect(sc.FleetName).To(Equal("inline fleet lab"))
		Expect(sc.Fleet.Premises[0].ID).To(Equal("lab-1"))
		Expect(sc.Users).To(HaveKeyWithValue("lab-supplier", devices.EUI64{0x90, 0xB3, 0xD5, 0x1F, 0x30, 0x09, 0, 0}))
		Expect(sc.Users).To(HaveKey("supplier"), "the built-in aliases stay")
		Expect(sc.Variables).To(HaveKeyWithValue("greeting", "Fish & chips <today>"))
		Expect(sc.PPCOpen).To(Equal([]string{"acme-e470@1.5.0"}))
		Expect(sc.Setup[0].Advance.To).To(Equal("2026-03-28T00:00:00Z"))
		send := sc.Steps[0].Send
		Expect(send.Body).To(Equal(`<DisplayMessage kind="text"><MessageText>${greeting}</MessageText><Line>one</Line><Line>two</Line><Empty/></DisplayMessage>`))
		Expect(send.Expect.Code).To(Equal("I99"))
		Expect(send.Expect.Within).To(Equal(2 * time.Hour))
		Expect(send.Expect.Response.Fields[0].Path).To(Equal("@MessageSuccess"))
		Expect(sc.Steps[2].Device.Checks[2].Op).To(Equal(scenarios.OpMatches))
		Expect(sc.Steps[2].Device.Checks[2].Value).To(Equal(`^1\.5`))
		Expect(sc.Steps[4].HAN.UTRN).To(Equal("12345678901234567890"))
		Expect(sc.Steps[5].Expect.Alerts).To(Equal([]string{"8F1C", "AD1"}))
		Expect(*sc.Steps[6].Fault).To(Equal(scenarios.Fault{Device: "lab-1.ESME", Kind: "slow", For: 36 * time.Hour, Latency: 45 * time.Second}))
		Expect(sc.Steps[8].Send.CV).To(Equal(1), "a CV the SRV refuses is fine when the step expects the refusal")
		Expect(sc.Teardown[0].Advance.By).To(Equal(30 * time.Minute))
		Expect(sc.Steps[0].Where).To(HaveKeyWithValue("send.to", scenarios.Pos{File: sc.File, Line: 29, Column: 11}))
		Expect(sc.Steps[0].Path).To(Equal("steps[0]"))
	})

	It("loads the example of docs/scenarios.md", func() {
		doc, err := os.ReadFile("../docs/scenarios.md")
		Expect(err).NotTo(HaveOccurred())
		_, rest, ok := strings.Cut(string(doc), "```yaml\n")
		Expect(ok).To(BeTrue())
		example, _, _ := strings.Cut(rest, "```")
		path := filepath.Join(GinkgoT().TempDir(), "example.yaml")
		Expect(os.WriteFile(path, []byte(example), 0o644)).To(Succeed())
		scs, err := scenarios.LoadFiles(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(scs[0].Steps).To(HaveLen(5))
	})

	It("reads a fleet file given relative to the scenario", func() {
		scs, err := scenarios.LoadFiles("testdata/good/fleet-path.yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(scs[0].FleetName).To(Equal(filepath.Join("testdata", "fleets", "lab-fleet.yaml")))
		Expect(scs[0].Fleet.Name).To(Equal("lab-fleet"))
	})

	It("reads from any fs.FS, folders recursively, and defaults to the default fleet", func() {
		fsys := fstest.MapFS{
			"suite/b.yml":        {Data: []byte("name: b\nsteps: [{advance: 1h}]\n")},
			"suite/deep/a.yaml":  {Data: []byte("name: a\nsteps: [{device: {gen-000001.ESME: {supply: enabled}}}]\n")},
			"suite/notes.txt":    {Data: []byte("not a scenario")},
			"suite/fleet/x.yaml": {Data: []byte("name: c\nfleet: ../f.yaml\nsteps: [{advance: 1h}]\n")},
			"suite/f.yaml":       {Data: []byte("name: d\nsteps: [{advance: 1h}]\n")},
		}
		_, err := scenarios.Load(fsys, "suite")
		Expect(err).To(MatchError(Equal(`suite/f.yaml:2:1: steps: unknown field "steps"`)), "the fleet path is followed from the scenario's folder, and errors name the fleet file")
		delete(fsys, "suite/fleet/x.yaml")
		scs, err := scenarios.Load(fsys, "suite", "suite/b.yml")
		Expect(err).NotTo(HaveOccurred())
		names := []string{}
		for _, sc := range scs {
			names = append(names, sc.Name)
			Expect(sc.FleetName).To(Equal("default"))
		}
		Expect(names).To(Equal([]string{"b", "a", "d"}), "sorted by path, each file once")
	})

	It("takes a top_up amount for 2.2 only, instead of a body", func() {
		fsys := fstest.MapFS{"s/t.yaml": {Data: []byte("name: t\nsteps:\n" +
			"  - send: {srv: \"2.2\", as: supplier, to: rtds-reference.ESME, top_up: \"10.00\"}\n" +
			"  - send: {srv: \"4.18\", as: supplier, to: rtds-reference.ESME, top_up: \"10.00\"}\n" +
			"  - send: {srv: \"2.2\", as: supplier, to: rtds-reference.ESME, top_up: ten}\n")}}
		_, err := scenarios.Load(fsys, "s")
		Expect(err).To(HaveOccurred())
		Expect(strings.Split(err.Error(), "\n")).To(ConsistOf(
			ContainSubstring("steps[1].send.top_up: only 2.2 Top Up Device takes a top_up amount"),
			ContainSubstring(`steps[2].send.top_up: "ten" is not an amount`)))
	})

	It("refuses missing paths, empty folders and no paths", func() {
		_, err := scenarios.LoadFiles("testdata/nothing-here.yaml")
		Expect(err).To(MatchError("testdata/nothing-here.yaml: no such file or directory"))
		empty := GinkgoT().TempDir()
		_, err = scenarios.LoadFiles(empty)
		Expect(err).To(MatchError(empty + ": no scenario files (*.yaml, *.yml) in this folder"))
		_, err = scenarios.LoadFiles()
		Expect(err).To(MatchError("no scenario files given"))
	})

	It("refuses two scenarios of one suite with the same name, at the second", func() {
		_, err := scenarios.LoadFiles("testdata/duplicates")
		Expect(err).To(MatchError("testdata/duplicates/two.yaml:1:7: name: scenario name \"the same name\" is already used by testdata/duplicates/one.yaml:1; names are unique within a suite"))
	})

	It("reports the mistakes of every file together, one per line, in file order", func() {
		_, err := scenarios.LoadFiles("testdata/bad/syntax.yaml", "testdata/bad/inline-fleet.yaml")
		Expect(err.Error()).To(Equal(strings.Join([]string{
			`testdata/bad/inline-fleet.yaml:10:45: fleet.premises[0].devices.ESME.model: unknown Device Model "acme-e470@9.9": family acme-e470 has firmware versions 1.4.2, 1.5.0`,
			`testdata/bad/syntax.yaml:4:3: ',' or '}' must be specified`,
		}, "\n")))
		var ye *yamldoc.Error
		Expect(errors.As(err, &ye)).To(BeTrue(), "each mistake is a *yamldoc.Error")
	})

	It("reads an expect step's scheduled and no_scheduled checks, and refuses them in a send step", func() {
		dir := GinkgoT().TempDir()
		good := filepath.Join(dir, "sched.yaml")
		Expect(os.WriteFile(good, []byte("name: s\nsteps:\n  - expect: {scheduled: {srv: \"4.16\", fields: {ActivePowerImport/Value: \"> 0\"}}, within: 2h}\n"+
			"  - expect: {no_scheduled: true, within: 1d}\n"), 0o644)).To(Succeed())
		scs, err := scenarios.LoadFiles(good)
		Expect(err).NotTo(HaveOccurred())
		x := scs[0].Steps[0].Expect
		Expect(x.Scheduled.SRV).To(Equal("4.16"))
		Expect(x.Scheduled.Fields).To(HaveLen(1))
		Expect(x.Within).To(Equal(2 * time.Hour))
		Expect(scs[0].Steps[1].Expect.NoScheduled).To(BeTrue())

		bad := filepath.Join(dir, "bad.yaml")
		Expect(os.WriteFile(bad, []byte("name: b\nsteps:\n  - expect: {within: 1h}\n  - expect: {scheduled: {srv: \"9.99\"}}\n"+
			"  - send: {srv: \"8.2\", as: supplier, body: \"<ReadInventory/>\", expect: {no_scheduled: true}}\n"), 0o644)).To(Succeed())
		Expect(loadErrors(bad)).To(ConsistOf(
			ContainSubstring("3:13: steps[0].expect.alerts: missing"),
			ContainSubstring(`4:31: steps[1].expect.scheduled.srv: "9.99" is not a DUIS Service Reference Variant`),
			ContainSubstring("5:73: steps[2].send.expect.no_scheduled: no_scheduled waits for a DCC schedule's response: it belongs in an expect step"),
		))
	})

	It("refuses a file that is not a mapping, and a fixture fleet that does not exist", func() {
		dir := GinkgoT().TempDir()
		list := filepath.Join(dir, "list.yaml")
		Expect(os.WriteFile(list, []byte("- a\n- b\n"), 0o644)).To(Succeed())
		Expect(loadErrors(list)).To(Equal([]string{`1:1: : wrong type: got a list, want a mapping with name, steps and the other scenario keys`}))
		nofleet := filepath.Join(dir, "nofleet.yaml")
		Expect(os.WriteFile(nofleet, []byte("name: x\nfleet: tiny\nsteps: [{advance: 1h}]\n"), 0o644)).To(Succeed())
		Expect(loadErrors(nofleet)).To(Equal([]string{`2:8: fleet: no fixture fleet "tiny" (fixtures/fleets/tiny.yaml); a fleet file path ends in .yaml or .yml`}))
	})

	DescribeTable("names the line, column and field of every mistake in a file",
		func(path string, want ...string) {
			Expect(loadErrors(path)).To(Equal(want))
		},
		Entry("shape.yaml", "testdata/bad/shape.yaml",
			"2:1: nmae: unknown key \"nmae\" (did you mean name?); want name, description, tags, fleet, users, variables, parameters, ppc_open, setup, steps, teardown",
			"2:1: name: missing: give the scenario a name",
			"3:7: tags: wrong type: got the string \"smoke\", want a list",
			"4:20: variables.bad name: \"bad name\" is not a variable name: letters, digits and '_', not starting with a digit",
			"6:17: steps[0].send.srv: wrong type: got the number 7.2, want a string: quote it, \"7.2\"",
			"7:5: steps[1]: empty step: want one of send, expect, device, han, advance, fault",
			"9:5: steps[2].device: a step does one thing: this one has both send and device; make two steps",
			"10:5: steps[3].sned: unknown key \"sned\" (did you mean send?); want send, expect, device, han, advance, fault, name, foreach",
			"11:11: steps[4].send.srv: missing",
			"11:55: steps[4].send.cv: wrong type: got the string \"one\", want a command variant, a whole number such as 1 or 4",
			"12:14: steps[5].advance: wrong type: got the number 90, want a duration with its unit, such as 90s",
			"13:14: steps[6].advance: give one of by, to or wake_of",
			"14:14: steps[7].expect.code: code checks the answer to a request: it belongs in a send step's expect",
			"14:50: steps[7].expect.within: \"soon\" is not a duration: write one such as 90s, 30m, 1h30m or 2d",
			"15:36: steps[8].device[\"rtds-reference.ESME\"].suply: unknown device property \"suply\" (did you mean supply?); want balance, clock_offset, credit, firmware, gas_credit, gas_price, message, mirror_age, mirror_lag, model, payment_mode, price, privacy_pin, register, restricted_before, smi_status, standing_charge, supplier_name, supplier_phone, supply, wan",
			"15:61: steps[8].device[\"rtds-reference.ESME\"].balance: wrong type: got a list, want a value or a comparison such as \"> 0\"",
			"20:14: steps[9].send.body.ns:Read: \"ns:Read\" is not an XML element name (write it without a namespace prefix)",
			"20:57: steps[9].send.body.ReadFirmwareVersion.@x: wrong type: got a list, want the attribute's value",
			"21:22: steps[9].send.expect.code: \"OK\" is not a DUIS response code such as I0, I99 or E19",
			"21:46: steps[9].send.expect.response.fields.a//b: \"a//b\" is not a path: element local names from the payload's root separated by /, each maybe with a position from 1 ([2]), with @name for an attribute at the end",
			"21:68: steps[9].send.expect.response.fields.Rsp/V: \"~ ([\": the regular expression does not compile: missing closing ]: `[`",
			"21:85: steps[9].send.expect.response.fields.Rsp/W: \">\" compares with nothing: write the value after >",
		),
		Entry("references.yaml", "testdata/bad/references.yaml",
			"6:17: steps[0].send.srv: unknown SRV \"7.99\"; smetsim srv list shows them all",
			"7:28: steps[1].send.as: unknown user alias \"landlord\"; want distributor, other, supplier, transporter",
			"8:42: steps[2].send.to: no premises \"nowhere\" in fleet default (it has rtds-reference, gen-000001 … gen-000099)",
			"9:42: steps[3].send.to: no premises \"gen-000100\" in fleet default (it has rtds-reference, gen-000001 … gen-000099)",
			"10:42: steps[4].send.to: \"rtds-reference.XYZ\": the device kind after the premises is ESME, GSME, CHF, GPF or PPMID",
			"11:42: steps[5].send.to: no device 00-DB-99-99-99-99-99-99 in fleet default",
			"12:67: steps[6].send.cv: 7.2 is critical: send it to Transform with command variant 4, then sign the pre-command (CV 5); to test the DCC's refusal, expect it (expect: {code: E12})",
			"14:42: steps[8].send.to: 7.4 goes to a device, not the DCC",
			"15:75: steps[9].send.body: not well-formed XML: element <ReadSupplyStatus> closed by </body>",
			"16:75: steps[10].send.execute_at: 7.2 cannot be future-dated",
			"17:36: steps[11].device[\"rtds-reference.ESME\"].credit: an ESME has no property credit; it is for PPMID",
			"17:59: steps[11].device[\"rtds-reference.ESME\"].supply: supply is never \"off\"; want enabled, disabled, armed",
			"17:73: steps[11].device[\"rtds-reference.ESME\"].balance: balance is a number (pounds); \"lots\" is not one",
			"18:19: steps[12].han.action: unknown HAN action \"press_button\"; want top_up, emergency_credit, enable_supply, wake",
			"19:35: steps[13].han.device: top_up acts on a PPMID; rtds-reference.ESME is an ESME",
			"20:10: steps[14].han.amount: missing: a top_up needs an amount (pounds) or a utrn",
			"21:48: steps[15].fault.kind: unknown fault kind \"wan_dwn\" (did you mean wan_down?); want offline, wan_down, power_off, slow, drop_frames, forget_block_thresholds, wrong_divisor, miss_wakeups, clock_drift",
			"22:21: steps[16].fault.device: fault wan_down does not apply to an ESME; it is for CHF",
			"23:24: steps[17].advance.wake_of: rtds-reference.ESME is an ESME; only a GSME wakes",
			"24:42: steps[18].send.to: ${kind} has no value: set it in variables, in every parameters row or in every foreach row of the step",
			"25:69: steps[19].han.fuel: enable_supply at a meter takes no fuel: the meter is its own",
			"26:42: steps[20].han.device: enable_supply acts on a PPMID, an ESME or a GSME; rtds-reference.CHF is a CHF",
		),
		Entry("inline-fleet.yaml", "testdata/bad/inline-fleet.yaml",
			"10:45: fleet.premises[0].devices.ESME.model: unknown Device Model \"acme-e470@9.9\": family acme-e470 has firmware versions 1.4.2, 1.5.0",
		),
		Entry("parameters.yaml", "testdata/bad/parameters.yaml",
			"7:14: steps[0].device.${device}: \"rtds-reference.HUB\": the device kind after the premises is ESME, GSME, CHF, GPF or PPMID (with parameters[2] device=rtds-reference.HUB amount=6)",
			"8:65: steps[1].han.amount: ${amount} has no value in parameters[1]: set it in variables, in every parameters row or in every foreach row of the step",
			"9:43: steps[2].send.to: \"rtds-reference.HUB\": the device kind after the premises is ESME, GSME, CHF, GPF or PPMID (with parameters[2] device=rtds-reference.HUB amount=6)",
		),
		Entry("syntax.yaml", "testdata/bad/syntax.yaml",
			"4:3: : ',' or '}' must be specified",
		),
	)
})
