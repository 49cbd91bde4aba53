package sit_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/scenarios/sit"
)

const oneCombination = `name: lab
combinations:
  - id: a
    csp: Central
    CHF: acme-ch1@4.1.0
    ESME: acme-e470@1.4.2
    GPF: acme-gp1@4.1.0
    GSME: acme-g4@1.0.7
    PPMID: acme-pd2@2.1
    population: 10
`

var _ = Describe("The SIT matrix", func() {
	It("reads the fixture matrix: at least 12 combinations, each with a population", func() {
		m := fixtureMatrix()
		Expect(len(m.Combinations)).To(BeNumerically(">=", 12))
		var total int64
		for _, c := range m.Combinations {
			Expect(c.Has(devices.KindCHF) && c.Has(devices.KindESME)).To(BeTrue(), c.ID)
			Expect(c.Population).To(BeNumerically(">", 0), c.ID)
			total += c.Population
		}
		Expect(m.Population()).To(Equal(total))
		Expect(m.Combinations[6].ID).To(Equal("acme-e470-1.5.0"))
		Expect(m.Combinations[6].Models[devices.KindESME].ID).To(Equal("acme-e470@1.5.0"))
	})

	It("takes a combination without gas or PPMID, with the default CSP", func() {
		m, err := sit.ParseMatrix("m.yaml", []byte("name: x\ncombinations:\n  - {id: e, CHF: acme-ch1@4.1.0, ESME: acme-e470@1.4.2, population: 0}\n"), fixtureCatalogue())
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Combinations[0].CSP).To(Equal("Central"))
		Expect(m.Combinations[0].Has(devices.KindGSME)).To(BeFalse())
		Expect(m.Combinations[0].Line).To(Equal(3))
	})

	DescribeTable("names the file, line, column and field of each mistake",
		func(edit func(string) string, want string) {
			_, err := sit.ParseMatrix("lab.yaml", []byte(edit(oneCombination)), fixtureCatalogue())
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(ContainSubstring(want))
		},
		Entry("an unknown model", func(s string) string { return strings.Replace(s, "acme-e470@1.4.2", "acme-e470@9.9", 1) },
			`lab.yaml:6:5: combinations[0].ESME: unknown model: unknown Device Model "acme-e470@9.9"`),
		Entry("a model of the wrong kind", func(s string) string { return strings.Replace(s, "acme-e470@1.4.2", "acme-g4@1.0.7", 1) },
			"lab.yaml:6:5: combinations[0].ESME: acme-g4@1.0.7 is a GSME model, not a ESME"),
		Entry("a negative population", func(s string) string { return strings.Replace(s, "population: 10", "population: -5", 1) },
			"lab.yaml:10:5: combinations[0].population: -5: a population is a number of installations"),
		Entry("a population that is not a whole number", func(s string) string { return strings.Replace(s, "population: 10", "population: 1.5", 1) },
			"lab.yaml:10:17: combinations[0].population: wrong type"),
		Entry("no population", func(s string) string { return strings.Replace(s, "    population: 10\n", "", 1) },
			"combinations[0].population: missing"),
		Entry("a duplicate combination", func(s string) string {
			return s + strings.Replace(strings.SplitN(s, "combinations:\n", 2)[1], "id: a", "id: b", 1)
		}, "lab.yaml:11:5: combinations[1]: duplicate combination: the same models and CSP as combinations[0] (a)"),
		Entry("a duplicate id", func(s string) string {
			return s + strings.Replace(strings.SplitN(s, "combinations:\n", 2)[1], "Central", "North", 1)
		}, "lab.yaml:11:5: combinations[1].id: id a is already used by combinations[0]"),
		Entry("no CHF", func(s string) string { return strings.Replace(s, "    CHF: acme-ch1@4.1.0\n", "", 1) },
			"combinations[0].CHF: missing: a SMETS1 combination always has a CHF"),
		Entry("a GSME without its GPF", func(s string) string { return strings.Replace(s, "    GPF: acme-gp1@4.1.0\n", "", 1) },
			"lab.yaml:3:5: combinations[0]: a GSME and its GPF come together"),
		Entry("a model not on the CPL", func(s string) string { return strings.Replace(s, "acme-e470@1.4.2", "britannia-bm200@3.2.0-rc1", 1) },
			"combinations[0].ESME: britannia-bm200@3.2.0-rc1 is not on the CPL"),
		Entry("an unknown field", func(s string) string { return strings.Replace(s, "population: 10", "populaton: 10", 1) },
			"lab.yaml:10:5"),
		Entry("no combinations", func(string) string { return "name: x\n" }, "lab.yaml:1:1: combinations: missing"),
		Entry("a bad id", func(s string) string { return strings.Replace(s, "id: a", "id: 'a b'", 1) },
			`combinations[0].id: "a b": a combination id`),
	)

	It("refuses a combination on neither the EPC nor the PPC list, at its place in the file", func() {
		m, err := sit.ParseMatrix("lab.yaml", []byte(strings.Replace(oneCombination, "csp: Central", "csp: South", 1)), fixtureCatalogue())
		Expect(err).NotTo(HaveOccurred())
		lists, err := defaultLists()
		Expect(err).NotTo(HaveOccurred())
		_, err = sit.Admit(m, lists)
		Expect(err).To(MatchError(ContainSubstring("lab.yaml:3:5: combinations[0]: a (CSP South, CHF acme-ch1@4.1.0")))
		Expect(err).To(MatchError(ContainSubstring("is on neither the EPC nor the PPC list")))
	})

	It("admits an EPC combination as eligible and a PPC one with its test opened", func() {
		lists, err := defaultLists()
		Expect(err).NotTo(HaveOccurred())
		adms, err := sit.Admit(fixtureMatrix(), lists)
		Expect(err).NotTo(HaveOccurred())
		Expect(adms[0]).To(Equal(sit.Admission{Entry: "EPC-0001"}))
		Expect(adms[2]).To(Equal(sit.Admission{Entry: "EPC-0001"}), "an installation without gas is covered by the full entry")
		Expect(adms[6]).To(Equal(sit.Admission{Entry: "PPC-0002", PPCOpen: true}))
	})
})
