package fleet_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/fleet"
)

// builtin is the built-in catalogue, loaded once: every spec resolves models against it.
var builtin = func() *catalogue.Catalogue {
	cat, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
	if err != nil {
		panic(err)
	}
	return cat
}()

// listedFleet is a valid fleet of one listed premises; specs break it one line at a time.
const listedFleet = `name: spec
tariffs:
  flat: {prices: ["24.5p"]}
  gas: {prices: ["6.2p"], calorific_value: 39.5}
non_disablement:
  evenings:
    - {days: weekdays, from: "16:00", to: "10:00"}
premises:
  - id: p1
    mpan: "1100012345678"
    mprn: "1234567890"
    devices:
      ESME: {id: 00-DB-00-00-00-00-00-01, model: acme-e470@1.4.2, tariff: flat, balance: "£5.00"}
      CHF: {id: 00-DB-00-00-00-00-00-02, model: acme-ch1@4.1.0}
      GSME: {id: 00-DB-00-00-00-00-00-03, model: acme-g4@1.0.7, tariff: gas}
      GPF: {id: 00-DB-00-00-00-00-00-04, model: acme-gp1@4.1.0}
`

// generatedHead is the name and tariffs of the fleets with generators.
const generatedHead = `name: spec
tariffs:
  e: {prices: ["24.5p"]}
  b: {kind: block, prices: ["20p", "30p"], thresholds_kwh: [100]}
  g: {prices: ["6p"]}
`

// generator is a generate block of three premises whose Device IDs start at base.
func generator(base string) string {
	return `  - count: 3
    eui_base: ` + base + `
    prepayment: 0.5
    models:
      ESME: {acme-e470: 1}
      GSME: {acme-g4: 1}
      CHF: {acme-ch1: 1}
      GPF: {acme-gp1: 1}
      PPMID: {acme-pd2: 1}
    tariffs:
      ESME: {e: 1}
      GSME: {g: 1}
`
}

// generatedFleet is a valid fleet with one generate block.
var generatedFleet = generatedHead + "generate:\n" + generator("00-DB-20-00-00-00-00-00")

// mixedFleet lists one premises with the given id (Device IDs 00-DB-00-00-00-00-00-01 and -02)
// and generates three from base.
func mixedFleet(id, base string) string {
	return generatedHead + `premises:
  - id: ` + id + `
    mpan: "1100012345678"
    devices:
      ESME: {id: 00-DB-00-00-00-00-00-01, model: acme-e470, tariff: e}
      CHF: {id: 00-DB-00-00-00-00-00-02, model: acme-ch1}
generate:
` + generator(base)
}

func parse(src string) (*fleet.Spec, error) {
	return fleet.ParseSpec("fleet.yaml", []byte(src), builtin)
}

func defaultSpec() *fleet.Spec {
	GinkgoHelper()
	spec, err := fleet.LoadSpec(fixtures.FS, fixtures.DefaultFleet, builtin)
	Expect(err).NotTo(HaveOccurred())
	return spec
}

func build(spec *fleet.Spec, opt fleet.Options) *fleet.Fleet {
	GinkgoHelper()
	f, err := fleet.Build(spec, opt)
	Expect(err).NotTo(HaveOccurred())
	return f
}

func eui(s string) devices.EUI64 {
	GinkgoHelper()
	e, err := devices.ParseEUI64(s)
	Expect(err).NotTo(HaveOccurred())
	return e
}

// fingerprint is what a user sees of a built fleet: each premises' id, MPAN and MPRN, and each
// device's ID, Device Model and short address, with the payment modes.
func fingerprint(f *fleet.Fleet) []string {
	var out []string
	for _, p := range f.Premises {
		line := fmt.Sprintf("%s mpan=%s mprn=%s pan=%04X", p.ID, p.MPAN, p.MPRN, p.HAN.PANID())
		for _, k := range devices.Kinds {
			eui, ok := p.Devices()[k]
			if !ok {
				continue
			}
			short, _ := p.HAN.Lookup(eui)
			line += fmt.Sprintf(" %s=%s/%s/%04X", k, eui, modelOf(p, k).ID, short)
		}
		line += fmt.Sprintf(" esme=%v", p.ESME.PaymentMode())
		if p.GSME != nil {
			line += fmt.Sprintf(" gsme=%v", p.GSME.PaymentMode())
		}
		out = append(out, line)
	}
	return out
}

func modelOf(p *fleet.Premises, k devices.Kind) *devices.Model {
	switch k {
	case devices.KindESME:
		return p.ESME.Model()
	case devices.KindGSME:
		return p.GSME.Model()
	case devices.KindCHF:
		return p.CHF.Model()
	case devices.KindGPF:
		return p.GPF.Model()
	}
	return p.PPMID.Model()
}

var _ = Describe("the built-in default fleet", func() {
	It("parses: the RTDS reference premises and a generator of 99", func() {
		spec := defaultSpec()
		Expect(spec.Name).To(Equal("default"))
		Expect(spec.HasSeed).To(BeTrue())
		Expect(spec.Seed).To(BeEquivalentTo(1))
		Expect(spec.Start).To(Equal(time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC)))
		Expect(spec.Tariffs).To(HaveKey("elec-e7"))
		Expect(spec.Tariffs["elec-block"].Kind).To(Equal(devices.TariffBlock))
		Expect(spec.Calendars).To(HaveKey("friendly-hours"))
		Expect(spec.Premises).To(HaveLen(1))
		Expect(spec.Generators).To(HaveLen(1))
		Expect(spec.Generators[0].Count).To(Equal(99))
		Expect(spec.Generators[0].Combinations).To(HaveLen(6))
		seen := map[string]bool{}
		for _, c := range spec.Generators[0].Combinations {
			for _, m := range c.Value.Models {
				seen[m.ID] = true
			}
		}
		for _, m := range builtin.Models {
			if builtin.OnCPL(m) {
				Expect(seen).To(HaveKey(m.ID), "every Device Model on the CPL is fitted somewhere in the default fleet")
			}
		}
		ref := spec.Premises[0]
		Expect(ref.Devices[devices.KindESME].Balance).To(Equal(12 * devices.Pound))
		Expect(ref.Devices[devices.KindESME].Payment).To(Equal(devices.PrepaymentMode))
		Expect(ref.Devices[devices.KindESME].NonDisablement).To(BeIdenticalTo(spec.Calendars["friendly-hours"]))
	})

	It("builds 100 premises with the RTDS reference premises present and wired", func() {
		f := build(defaultSpec(), fleet.Options{})
		Expect(f.Premises).To(HaveLen(100))
		p := f.Premise("rtds-reference")
		Expect(p).NotTo(BeNil())
		Expect(p.MPAN).To(Equal("1100012345678"))
		Expect(p.MPRN).To(Equal("1234567890"))

		want := map[devices.Kind]string{
			devices.KindESME: "00-DB-12-34-56-78-90-A0", devices.KindGSME: "00-DB-12-34-56-78-90-A1",
			devices.KindCHF: "00-DB-12-34-56-78-90-A2", devices.KindGPF: "00-DB-12-34-56-78-90-A3",
			devices.KindPPMID: "00-DB-12-34-56-78-90-A4",
		}
		Expect(p.ESME.EUI()).To(Equal(eui(want[devices.KindESME])))
		Expect(p.GSME.EUI()).To(Equal(eui(want[devices.KindGSME])))
		Expect(p.CHF.EUI()).To(Equal(eui(want[devices.KindCHF])))
		Expect(p.GPF.EUI()).To(Equal(eui(want[devices.KindGPF])))
		Expect(p.PPMID.EUI()).To(Equal(eui(want[devices.KindPPMID])))
		Expect(p.Devices()).To(HaveLen(5))

		// Every device is on the premises' HAN, each at its own short address, and only there.
		shorts := map[uint16]devices.Kind{}
		for k, s := range want {
			short, ok := p.HAN.Lookup(eui(s))
			Expect(ok).To(BeTrue(), "%s %s is not on the HAN", k, s)
			Expect(shorts).NotTo(HaveKey(short), "%s shares a short address", k)
			shorts[short] = k
			Expect(f.ByDevice(eui(s))).To(BeIdenticalTo(p))
			for _, other := range f.Premises {
				if other != p {
					_, elsewhere := other.HAN.Lookup(eui(s))
					Expect(elsewhere).To(BeFalse(), "%s is also on the HAN of %s", s, other.ID)
				}
			}
		}
		Expect(p.ESME.Network()).To(BeIdenticalTo(p.HAN))
		Expect(p.GSME.Network()).To(BeIdenticalTo(p.HAN))
		Expect(p.GPF.Network()).To(BeIdenticalTo(p.HAN))
		Expect(p.PPMID.Network()).To(BeIdenticalTo(p.HAN))
		Expect(p.ESME.Short()).To(Equal(mustShort(p, want[devices.KindESME])))
		Expect(p.GSME.Short()).To(Equal(mustShort(p, want[devices.KindGSME])))

		// The CHF's device log (its whitelist) holds the other four.
		var logged []string
		for _, e := range p.CHF.DeviceLog() {
			logged = append(logged, fmt.Sprintf("%s %s", e.Kind, e.EUI))
		}
		Expect(logged).To(ConsistOf(
			"ESME "+want[devices.KindESME], "GSME "+want[devices.KindGSME],
			"GPF "+want[devices.KindGPF], "PPMID "+want[devices.KindPPMID]))

		// Models, payment and tariffs are those the file gives.
		Expect(p.ESME.Model().ID).To(Equal("acme-e470@1.4.2"))
		Expect(p.GSME.Model().ID).To(Equal("acme-g4@1.0.7"))
		Expect(p.CHF.Model().ID).To(Equal("acme-ch1@4.1.0"))
		Expect(p.GPF.Model().ID).To(Equal("acme-gp1@4.1.0"))
		Expect(p.PPMID.Model().ID).To(Equal("acme-pd2@2.1"))
		Expect(p.ESME.PaymentMode()).To(Equal(devices.PrepaymentMode))
		Expect(p.GSME.PaymentMode()).To(Equal(devices.PrepaymentMode))
		Expect(p.ESME.Tariff().Label).To(Equal("Economy 7"))
		Expect(p.ESME.Balance(f.Start)).To(Equal(12 * devices.Pound))
		Expect(p.GSME.Balance(f.Start)).To(Equal(8 * devices.Pound))
	})

	It("generates premises from the file's choices", func() {
		f := build(defaultSpec(), fleet.Options{})
		kinds := map[devices.Kind]int{}
		for _, p := range f.Premises[1:] {
			Expect(p.ID).To(MatchRegexp(`^gen-0000[0-9]{2}$`))
			Expect(p.MPAN).To(MatchRegexp(`^[0-9]{13}$`))
			for k := range p.Devices() {
				kinds[k]++
			}
			if p.GSME != nil {
				Expect(p.MPRN).To(MatchRegexp(`^[0-9]{10}$`))
				Expect(p.GPF).NotTo(BeNil())
			}
			if p.PPMID != nil {
				Expect(p.ESME.PaymentMode()).To(Equal(devices.PrepaymentMode)) // PPMIDs at prepayment premises
			}
		}
		Expect(kinds[devices.KindESME]).To(Equal(99))
		Expect(kinds[devices.KindCHF]).To(Equal(99))
		Expect(kinds[devices.KindGSME]).To(BeNumerically("~", 79, 15))  // gas: 0.8
		Expect(kinds[devices.KindPPMID]).To(BeNumerically("~", 30, 15)) // prepayment: 0.3
	})

	It("builds the same fleet from the same seed", func() {
		a := fingerprint(build(defaultSpec(), fleet.Options{}))
		b := fingerprint(build(defaultSpec(), fleet.Options{}))
		Expect(a).To(HaveLen(100))
		Expect(b).To(Equal(a))
		seven := uint64(7)
		c := fingerprint(build(defaultSpec(), fleet.Options{Seed: &seven}))
		d := fingerprint(build(defaultSpec(), fleet.Options{Seed: &seven}))
		Expect(d).To(Equal(c))
	})

	It("builds a different mix from a different seed, keeping the listed premises", func() {
		one := build(defaultSpec(), fleet.Options{})
		two := uint64(2)
		other := build(defaultSpec(), fleet.Options{Seed: &two})
		Expect(other.Seed).To(BeEquivalentTo(2))
		a, b := fingerprint(one), fingerprint(other)
		Expect(b).NotTo(Equal(a))
		// The listed premises keep their Device IDs and models; its seed only moves addresses.
		Expect(other.Premise("rtds-reference").ESME.EUI()).To(Equal(one.Premise("rtds-reference").ESME.EUI()))
		Expect(other.Premise("rtds-reference").ESME.Model()).To(BeIdenticalTo(one.Premise("rtds-reference").ESME.Model()))
		differentModels := 0
		for i := 1; i < 100; i++ {
			if one.Premises[i].ESME.Model() != other.Premises[i].ESME.Model() {
				differentModels++
			}
		}
		Expect(differentModels).To(BeNumerically(">", 10))
	})

	It("takes the start from the options over the file", func() {
		start := time.Date(2026, 10, 24, 12, 0, 0, 0, time.FixedZone("BST", 3600))
		f := build(defaultSpec(), fleet.Options{Start: &start})
		Expect(f.Start).To(Equal(start.UTC()))
		Expect(f.Clock.Now()).To(Equal(start.UTC()))
	})
})

var _ = Describe("ParseSpec", func() {
	It("reads a listed premises with its defaults", func() {
		spec, err := parse(listedFleet)
		Expect(err).NotTo(HaveOccurred())
		Expect(spec.HasSeed).To(BeFalse())
		Expect(spec.Start).To(Equal(fleet.DefaultStart))
		p := spec.Premises[0]
		Expect(p.Devices).To(HaveLen(4))
		esme, gsme := p.Devices[devices.KindESME], p.Devices[devices.KindGSME]
		Expect(esme.Payment).To(Equal(devices.CreditMode))
		Expect(esme.Balance).To(Equal(5 * devices.Pound))
		Expect(esme.Annual).To(BeEquivalentTo(2900))
		Expect(gsme.Annual).To(BeEquivalentTo(1100))
		Expect(gsme.Balance).To(Equal(10 * devices.Pound))
		Expect(spec.Tariffs["gas"].CalorificValue).To(BeEquivalentTo(39500))
		Expect(spec.Tariffs["flat"].Label).To(Equal("flat"))
		Expect(spec.Calendars["evenings"].Periods).To(Equal([]devices.NonDisablementPeriod{{Days: devices.Weekdays, Start: 16 * 60, End: 10 * 60}}))
		f := build(spec, fleet.Options{})
		Expect(f.Seed).To(BeEquivalentTo(1))
		Expect(f.Premises[0].PPMID).To(BeNil())
	})

	It("reads a generator with its defaults", func() {
		spec, err := parse(generatedFleet)
		Expect(err).NotTo(HaveOccurred())
		g := spec.Generators[0]
		Expect(g.Prefix).To(Equal("gen1-"))
		Expect(g.Gas).To(Equal(0.8))
		Expect(g.Prepayment).To(Equal(0.5))
		Expect(g.PPMID).To(Equal("prepayment"))
		Expect(g.Models[devices.KindESME][0].Value.ID).To(Equal("acme-e470@1.5.0")) // a family means its last version
		f := build(spec, fleet.Options{})
		Expect(f.Premises).To(HaveLen(3))
		Expect(f.Premises[0].ID).To(Equal("gen1-000001"))
		Expect(f.Premises[0].ESME.EUI()).To(Equal(eui("00-DB-20-00-00-00-00-00")))
		Expect(f.Premises[1].ESME.EUI()).To(Equal(eui("00-DB-20-00-00-00-00-08")))
		Expect(f.Premises[2].CHF.EUI()).To(Equal(eui("00-DB-20-00-00-00-00-12")))
	})

	DescribeTable("names the file, line, column and field of a mistake",
		func(src, where, field, msg string) {
			_, err := parse(src)
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(HavePrefix("fleet.yaml:"+where+": "), "got: %v", err)
			Expect(err.Error()).To(ContainSubstring(field+": "), "got: %v", err)
			Expect(err.Error()).To(ContainSubstring(msg), "got: %v", err)
		},
		Entry("a missing name", strings.Replace(listedFleet, "name: spec\n", "", 1),
			"1:1", "name", "missing: give the fleet a name"),
		Entry("an unknown field", listedFleet+"colour: red\n",
			"17:1", "colour", `unknown field "colour"`),
		Entry("a bad start", "start: tomorrow\n"+listedFleet,
			"1:1", "start", `"tomorrow" is not an RFC 3339 time`),
		Entry("no premises at all", "name: spec\n",
			"1:1", "premises", "missing: list premises or add a generate block"),
		Entry("an unknown model", strings.Replace(listedFleet, "acme-e470@1.4.2", "acme-e999@1.0", 1),
			"13:43", "premises[0].devices.ESME.model", `unknown Device Model "acme-e999@1.0"`),
		Entry("an unknown firmware version", strings.Replace(listedFleet, "acme-e470@1.4.2", "acme-e470@9.9", 1),
			"13:43", "premises[0].devices.ESME.model", "family acme-e470 has firmware versions 1.4.2, 1.5.0"),
		Entry("a model of the wrong kind", strings.Replace(listedFleet, "acme-e470@1.4.2", "acme-g4@1.0.7", 1),
			"13:43", "premises[0].devices.ESME.model", "acme-g4@1.0.7 is a GSME model, not a ESME"),
		Entry("an unknown device kind", strings.Replace(listedFleet, "      GPF:", "      GPX:", 1),
			"16:7", "premises[0].devices.GPX", `unknown device kind "GPX"`),
		Entry("a bad EUI", strings.Replace(listedFleet, "00-DB-00-00-00-00-00-01", "00-DB-00-00-00-00-01", 1),
			"13:14", "premises[0].devices.ESME.id", "want 8 hex pairs"),
		Entry("a duplicate EUI", strings.Replace(listedFleet, "00-DB-00-00-00-00-00-01", "00-DB-00-00-00-00-00-02", 1),
			"13:14", "premises[0].devices.ESME.id", "Device ID 00-DB-00-00-00-00-00-02 is already used by premises[0].devices.CHF"),
		Entry("a duplicate EUI across premises", listedFleet+"  - id: p2\n    mpan: \"1100012345679\"\n    devices:\n      ESME: {id: 00-DB-00-00-00-00-00-09, model: acme-e470, tariff: flat}\n      CHF: {id: 00-DB-00-00-00-00-00-04, model: acme-ch1}\n",
			"21:13", "premises[1].devices.CHF.id", "is already used by premises[0].devices.GPF"),
		Entry("a duplicate premises id", listedFleet+"  - id: p1\n    mpan: \"1100012345679\"\n    devices:\n      ESME: {id: 00-DB-00-00-00-00-00-09, model: acme-e470, tariff: flat}\n      CHF: {id: 00-DB-00-00-00-00-00-08, model: acme-ch1}\n",
			"17:5", "premises[1].id", `premises id "p1" is already used by premises[0]`),
		Entry("an unknown tariff", strings.Replace(listedFleet, "tariff: flat", "tariff: cheap", 1),
			"13:67", "premises[0].devices.ESME.tariff", `unknown tariff "cheap" (the fleet defines flat, gas)`),
		Entry("a meter without a tariff", strings.Replace(listedFleet, ", tariff: gas", "", 1),
			"15:7", "premises[0].devices.GSME.tariff", "missing: name one of the fleet's tariffs"),
		Entry("bad money", strings.Replace(listedFleet, `"£5.00"`, `"12 pounds"`, 1),
			"13:81", "premises[0].devices.ESME.balance", `"12 pounds": write money as pounds (£12.50) or pence (24.5p)`),
		Entry("a bad price", strings.Replace(listedFleet, `"24.5p"`, `"24,5p"`, 1),
			"3:19", "tariffs.flat.prices[0]", `"24,5p": write money`),
		Entry("a bad MPAN", strings.Replace(listedFleet, "1100012345678", "110001234567", 1),
			"10:5", "premises[0].mpan", `"110001234567": an MPAN core is 13 digits`),
		Entry("a bad MPRN", strings.Replace(listedFleet, `mprn: "1234567890"`, `mprn: "12AB"`, 1),
			"11:5", "premises[0].mprn", `"12AB": an MPRN is 6 to 10 digits`),
		Entry("a GSME without its GPF", strings.Replace(listedFleet, "      GPF: {id: 00-DB-00-00-00-00-00-04, model: acme-gp1@4.1.0}\n", "", 1),
			"12:5", "premises[0].devices", "a GSME and its GPF come together"),
		Entry("a missing CHF", strings.Replace(listedFleet, "      CHF: {id: 00-DB-00-00-00-00-00-02, model: acme-ch1@4.1.0}\n", "", 1),
			"12:5", "premises[0].devices", "a SMETS1 premises needs a CHF"),
		Entry("a tariff on a CHF", strings.Replace(listedFleet, "model: acme-ch1@4.1.0}", "model: acme-ch1@4.1.0, tariff: flat}", 1),
			"14:65", "premises[0].devices.CHF.tariff", "a CHF is not a meter"),
		Entry("gas consumption on an ESME", strings.Replace(listedFleet, `balance: "£5.00"}`, `balance: "£5.00", annual_m3: 900}`, 1),
			"13:99", "premises[0].devices.ESME.annual_m3", "an ESME's consumption is annual_kwh"),
		Entry("an unknown calendar", strings.Replace(listedFleet, "tariff: gas}", "tariff: gas, non_disablement: nights}", 1),
			"15:78", "premises[0].devices.GSME.non_disablement", `unknown non-disablement calendar "nights"`),
		Entry("a bad HH:MM in a calendar", strings.Replace(listedFleet, `from: "16:00"`, `from: "16.00"`, 1),
			"7:24", "non_disablement.evenings[0].from", `"16.00": write a local time of day as HH:MM`),
		Entry("an hour past 23 in a calendar", strings.Replace(listedFleet, `to: "10:00"`, `to: "24:00"`, 1),
			"7:39", "non_disablement.evenings[0].to", `"24:00": write a local time`),
		Entry("a signed minute in a calendar", strings.Replace(listedFleet, `to: "10:00"`, `to: "10:+5"`, 1),
			"7:39", "non_disablement.evenings[0].to", `"10:+5": write a local time`),
		Entry("an unknown calendar day", strings.Replace(listedFleet, "days: weekdays", "days: \"mon,funday\"", 1),
			"7:8", "non_disablement.evenings[0].days", `"mon,funday": want weekdays, weekend, daily or day names`),
		Entry("a block tariff with too few thresholds", strings.Replace(generatedFleet, "thresholds_kwh: [100]", "thresholds_kwh: []", 1),
			"4:44", "tariffs.b.thresholds_kwh", "a block tariff with 2 prices needs 1 thresholds"),
		Entry("a block tariff with too many thresholds", strings.Replace(generatedFleet, "thresholds_kwh: [100]", "thresholds_kwh: [100, 200]", 1),
			"4:44", "tariffs.b.thresholds_kwh", "a block tariff with 2 prices needs 1 thresholds"),
		Entry("thresholds on a flat tariff", strings.Replace(generatedFleet, `e: {prices: ["24.5p"]}`, `e: {prices: ["24.5p"], thresholds_kwh: [1]}`, 1),
			"3:26", "tariffs.e.thresholds_kwh", "only a block tariff has thresholds"),
		Entry("an unknown tariff kind", strings.Replace(generatedFleet, "kind: block", "kind: stepped", 1),
			"4:7", "tariffs.b.kind", `"stepped": want flat, tou or block`),
		Entry("a switch to a tier the tariff lacks", strings.Replace(generatedFleet, `e: {prices: ["24.5p"]}`, `e: {prices: ["24.5p"], switches: [{at: "07:00", tier: 2}]}`, 1),
			"3:51", "tariffs.e.switches[0].tier", "tier 2, but the tariff has 1 prices"),
		Entry("a calorific value that is not a number", strings.Replace(listedFleet, "calorific_value: 39.5", "calorific_value: .nan", 1),
			"4:27", "tariffs.gas.calorific_value", "outside the 30–50 range"),
		Entry("a generator without eui_base", strings.Replace(generatedFleet, "    eui_base: 00-DB-20-00-00-00-00-00\n", "", 1),
			"7:5", "generate[0].eui_base", "missing: give the first Device ID"),
		Entry("a generator running past the last EUI", strings.Replace(generatedFleet, "00-DB-20-00-00-00-00-00", "FF-FF-FF-FF-FF-FF-FF-F0", 1),
			"8:5", "generate[0].eui_base", "3 premises from FF-FF-FF-FF-FF-FF-FF-F0 would run past the last Device ID"),
		Entry("a generator of no premises", strings.Replace(generatedFleet, "count: 3", "count: 0", 1),
			"7:5", "generate[0].count", "want at least 1 premises"),
		Entry("a generator over the fleet limit", strings.Replace(generatedFleet, "count: 3", "count: 5000001", 1),
			"7:5", "generate[0].count", "the limit is 5000000"),
		Entry("a prepayment share above 1", strings.Replace(generatedFleet, "prepayment: 0.5", "prepayment: 1.5", 1),
			"9:5", "generate[0].prepayment", "1.5: a share is between 0 and 1"),
		Entry("a gas share that is not a number", strings.Replace(generatedFleet, "prepayment: 0.5", "gas: .nan", 1),
			"9:5", "generate[0].gas", "NaN: a share is between 0 and 1"),
		Entry("a generator missing a kind's models", strings.Replace(generatedFleet, "      PPMID: {acme-pd2: 1}\n", "", 1),
			"10:5", "generate[0].models", "missing: give at least one PPMID model"),
		Entry("a generator model of the wrong kind", strings.Replace(generatedFleet, "CHF: {acme-ch1: 1}", "CHF: {acme-gp1: 1}", 1),
			"13:13", "generate[0].models.CHF.acme-gp1", "acme-gp1@4.1.0 is a GPF model, not a CHF"),
		Entry("a generator model with a dotted id", strings.Replace(generatedFleet, "ESME: {acme-e470: 1}", "ESME: {acme-e470@2.0: 1}", 1),
			"11:14", `generate[0].models.ESME["acme-e470@2.0"]`, "family acme-e470 has firmware versions"),
		Entry("a model weight that is not a number", strings.Replace(generatedFleet, "{acme-g4: 1}", "{acme-g4: .nan}", 1),
			"12:14", "generate[0].models.GSME.acme-g4", "weight NaN must be a positive number"),
		Entry("a negative tariff weight", strings.Replace(generatedFleet, "ESME: {e: 1}", "ESME: {e: -1}", 1),
			"17:14", "generate[0].tariffs.ESME.e", "weight -1 must be a positive number"),
		Entry("a generator tariff for a CHF", strings.Replace(generatedFleet, "GSME: {g: 1}", "GSME: {g: 1}\n      CHF: {e: 1}", 1),
			"19:7", "generate[0].tariffs.CHF", "tariffs are for ESME or GSME"),
		Entry("a bad PPMID policy", strings.Replace(generatedFleet, "prepayment: 0.5", "ppmid: sometimes", 1),
			"9:5", "generate[0].ppmid", `"sometimes": want prepayment`),
		Entry("a bad consumption range", strings.Replace(generatedFleet, "prepayment: 0.5", "annual_kwh: [4000, 2000]", 1),
			"9:5", "generate[0].annual_kwh", "want a range [low, high] with 0 < low ≤ high"),
		Entry("a prefix that cannot make an id", strings.Replace(generatedFleet, "prepayment: 0.5", `prefix: "gen 1/"`, 1),
			"9:5", "generate[0].prefix", `"gen 1/": a premises id prefix is letters`),
		Entry("a generator making a listed premises' id", mixedFleet("gen1-000002", "00-DB-20-00-00-00-00-00"),
			"13:5", "generate[0].prefix", "generated premises gen1-000002 has the id of premises[0]"),
		Entry("two generators with one prefix", generatedFleet+generator("00-DB-30-00-00-00-00-00")+"    prefix: gen1-\n",
			"31:5", "generate[1].prefix", `prefix "gen1-" is already used by generate[0]`),
	)
})

var _ = Describe("Build", func() {
	It("refuses generated Device IDs that overlap a listed device", func() {
		spec, err := parse(mixedFleet("p1", "00-DB-00-00-00-00-00-02"))
		Expect(err).NotTo(HaveOccurred())
		_, err = fleet.Build(spec, fleet.Options{})
		Expect(err).To(MatchError("premises p1 CHF and generate[0] use the same Device IDs"))
	})

	It("builds a listed premises next to a generator", func() {
		spec, err := parse(mixedFleet("p1", "00-DB-00-00-00-00-00-03"))
		Expect(err).NotTo(HaveOccurred())
		f := build(spec, fleet.Options{})
		Expect(f.Premises).To(HaveLen(4))
		Expect(f.Premises[1].ESME.EUI()).To(Equal(eui("00-DB-00-00-00-00-00-03")))
	})

	It("refuses two generators whose Device ID ranges overlap", func() {
		spec, err := parse(generatedFleet + generator("00-DB-20-00-00-00-00-10") + "    prefix: second-\n")
		Expect(err).NotTo(HaveOccurred())
		_, err = fleet.Build(spec, fleet.Options{})
		Expect(err).To(MatchError("generate[0] and generate[1] use the same Device IDs"))
	})

	It("accepts generators that only touch", func() {
		spec, err := parse(generatedFleet + generator("00-DB-20-00-00-00-00-18"))
		Expect(err).NotTo(HaveOccurred())
		f := build(spec, fleet.Options{})
		Expect(f.Premises).To(HaveLen(6))
		Expect(f.Premises[3].ID).To(Equal("gen2-000001"))
	})
})

var _ = DescribeTable("ParseMoney",
	func(s string, want devices.Money, ok bool) {
		m, err := fleet.ParseMoney(s)
		if !ok {
			Expect(err).To(MatchError(ContainSubstring("write money as pounds (£12.50) or pence (24.5p)")))
			Expect(err.Error()).To(HavePrefix(fmt.Sprintf("%q", s)))
			return
		}
		Expect(err).NotTo(HaveOccurred())
		Expect(m).To(Equal(want))
	},
	Entry("pounds and pence", "£12.50", 12*devices.Pound+50*devices.Penny, true),
	Entry("whole pounds", "£12", 12*devices.Pound, true),
	Entry("pounds with a thousands comma", "£1,250.00", 1250*devices.Pound, true),
	Entry("fractional pence", "24.5p", devices.Pence(24.5), true),
	Entry("tiny pence", "0.0001p", devices.Money(1), true),
	Entry("negative pounds", "-£3", -3*devices.Pound, true),
	Entry("negative pence", "-50p", -50*devices.Penny, true),
	Entry("zero", "£0", devices.Money(0), true),
	Entry("surrounding spaces", "  £1.00 ", devices.Pound, true),
	Entry("pence below a penny", "£.5", 50*devices.Penny, true),
	Entry("words", "12 pounds", devices.Money(0), false),
	Entry("a bare number", "12.50", devices.Money(0), false),
	Entry("a currency sign alone", "£", devices.Money(0), false),
	Entry("a p alone", "p", devices.Money(0), false),
	Entry("nothing", "", devices.Money(0), false),
	Entry("a space after the sign", "£ 12", devices.Money(0), false),
	Entry("a capital P", "24P", devices.Money(0), false),
	Entry("dollars", "$12", devices.Money(0), false),
	Entry("a sign after the currency", "£-3", devices.Money(0), false),
	Entry("two minus signs", "--£3", devices.Money(0), false),
	Entry("a sign on both sides", "-£-3", devices.Money(0), false),
	Entry("an exponent", "£1e3", devices.Money(0), false),
	Entry("a hex float", "£0x1p4", devices.Money(0), false),
	Entry("infinity", "£Inf", devices.Money(0), false),
	Entry("not a number", "NaNp", devices.Money(0), false),
	Entry("misplaced commas", "£1,2,3", devices.Money(0), false),
	Entry("a decimal comma", "24,5p", devices.Money(0), false),
	Entry("too much money", "£99999999999", devices.Money(0), false),
	Entry("pounds and a p", "£12p", devices.Money(0), false),
)

func mustShort(p *fleet.Premises, s string) uint16 {
	GinkgoHelper()
	short, ok := p.HAN.Lookup(eui(s))
	Expect(ok).To(BeTrue())
	return short
}

var _ = Describe("billing_day", func() {
	It("sets the day the billing data log is taken, and must be a day of the month", func() {
		cat := builtin
		good := `name: b
start: "2026-03-01T00:00:00Z"
tariffs: {t: {prices: ["20p"]}}
premises:
  - id: p1
    mpan: "1100012345678"
    devices:
      CHF:  {id: 00-DB-12-34-56-78-90-A2, model: acme-ch1@4.1.0}
      ESME: {id: 00-DB-12-34-56-78-90-A0, model: acme-e470@1.4.2, tariff: t, billing_day: 15}
`
		spec, err := fleet.ParseSpec("b.yaml", []byte(good), cat)
		Expect(err).NotTo(HaveOccurred())
		f, err := fleet.Build(spec, fleet.Options{})
		Expect(err).NotTo(HaveOccurred())
		_, err = f.Simulate(context.Background(), 20*24*time.Hour, nil)
		Expect(err).NotTo(HaveOccurred())
		log := f.Premises[0].ESME.BillingLog()
		Expect(log).To(HaveLen(1))
		Expect(log[0].Time).To(Equal(time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)))

		_, err = fleet.ParseSpec("b.yaml", []byte(strings.Replace(good, "billing_day: 15", "billing_day: 31", 1)), cat)
		Expect(err).To(MatchError(ContainSubstring("b.yaml:9:78:")))
		Expect(err).To(MatchError(ContainSubstring("devices.ESME.billing_day: 31: the billing day is a day of the month, 1–28")))
	})
})
