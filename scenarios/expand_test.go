package scenarios_test

import (
	"errors"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios"
)

func smoke() []*scenarios.Scenario {
	GinkgoHelper()
	scs, err := scenarios.Load(fixtures.FS, fixtures.SmokeSuite)
	Expect(err).NotTo(HaveOccurred())
	return scs
}

var _ = Describe("Cases", func() {
	It("makes one case per scenario, or per parameter row, with stable IDs and names showing the row", func() {
		cases := scenarios.Cases(smoke())
		ids, names := []string{}, []string{}
		for _, c := range cases {
			ids, names = append(ids, c.ID), append(names, c.Name)
		}
		Expect(ids).To(Equal([]string{
			"scenarios/smoke/firmware.yaml::Read the firmware version of every RTDS reference device",
			"scenarios/smoke/supply.yaml::Disable and re-enable an ESME's supply",
			"scenarios/smoke/topup.yaml::Top up through the PPMID and read the meter balance[0]",
			"scenarios/smoke/topup.yaml::Top up through the PPMID and read the meter balance[1]",
		}))
		Expect(names[3]).To(Equal("Top up through the PPMID and read the meter balance [amount=20.00 at_least=31.50]"))
		Expect(cases[3].Vars).To(Equal(map[string]string{"amount": "20.00", "at_least": "31.50"}))
		Expect(cases[3].Row.Line).To(Equal(11))
		Expect(cases[1].Row).To(BeNil())
	})
})

var _ = Describe("Expand", func() {
	It("puts each row's values in and runs a foreach step once per row", func() {
		cases := scenarios.Cases(smoke())
		_, steps, _, err := scenarios.Expand(cases[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(steps).To(HaveLen(6), "five reads, one device check")
		Expect(steps[1].Name).To(Equal("read firmware [kind=GSME version=1.0.7]"))
		Expect(steps[1].Send.To).To(Equal("rtds-reference.GSME"))
		Expect(steps[1].Send.Expect.Response.Fields[0].Value).To(Equal("1.0.7"))
		Expect(steps[1].ForEach).To(BeNil())

		_, steps, _, err = scenarios.Expand(cases[3])
		Expect(err).NotTo(HaveOccurred())
		Expect(steps[1].HAN.Amount).To(Equal("20.00"))
		Expect(steps[1].HAN.Fuel).To(Equal("electricity"))
		Expect(steps[2].Device.Checks[0].Value).To(Equal("31.50"))
		Expect(steps[2].Device.Checks[0].Op).To(Equal(scenarios.OpGe))
	})

	It("leaves the scenario as written", func() {
		scs := smoke()
		_, _, _, err := scenarios.Expand(scenarios.Cases(scs)[2])
		Expect(err).NotTo(HaveOccurred())
		Expect(scs[2].Steps[1].HAN.Amount).To(Equal("${amount}"))
		Expect(scs[0].Steps[0].Send.Expect.Response.Fields[0].Value).To(Equal("${version}"))
	})

	It("escapes values put into a body written as a mapping, and fills in defaults", func() {
		scs, err := scenarios.LoadFiles("testdata/good/inline.yaml")
		Expect(err).NotTo(HaveOccurred())
		_, steps, _, err := scenarios.Expand(scenarios.Cases(scs)[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(steps[0].Name).To(Equal("message for lab-1.ESME"))
		Expect(steps[0].Send.Body).To(ContainSubstring("<MessageText>Fish &amp; chips &lt;today&gt;</MessageText>"))
		Expect(steps[1].Send.To).To(Equal("DCC"), "a non-device SRV goes to the DCC unless the step says")
	})

	It("locates mistakes of a case made by hand at the step", func() {
		scs := smoke()
		c := scenarios.Cases(scs)[2]
		c.Vars = map[string]string{"amount": "lots"}
		_, _, _, err := scenarios.Expand(c)
		var le *scenarios.LoadError
		Expect(errors.As(err, &le)).To(BeTrue())
		Expect(err.Error()).To(Equal(
			"scenarios/smoke/topup.yaml:15:84: steps[1].han.amount: \"lots\" is not an amount: write pounds such as 10 or 12.50 (Top up through the PPMID and read the meter balance [amount=5.00 at_least=16.50])\n" +
				"scenarios/smoke/topup.yaml:16:45: steps[2].device[\"rtds-reference.ESME\"].balance: ${at_least} has no value (Top up through the PPMID and read the meter balance [amount=5.00 at_least=16.50])"))
		_, _, _, err = scenarios.Expand(scenarios.Case{})
		Expect(err).To(HaveOccurred())
	})
})

var _ = Describe("Shard", func() {
	It("splits cases deterministically so that shards 1..N hold every case exactly once", func() {
		var cases []scenarios.Case
		for i := 0; i < 200; i++ {
			cases = append(cases, scenarios.Case{ID: fmt.Sprintf("f.yaml::case %d", i)})
		}
		for _, n := range []int{1, 2, 3, 7} {
			seen := map[string]int{}
			for k := 1; k <= n; k++ {
				shard := scenarios.Shard(cases, k, n)
				Expect(scenarios.Shard(cases, k, n)).To(Equal(shard), "the same every time")
				if n > 1 {
					Expect(len(shard)).To(BeNumerically(">", 0))
				}
				for _, c := range shard {
					seen[c.ID]++
				}
			}
			Expect(seen).To(HaveLen(len(cases)))
			for id, times := range seen {
				Expect(times).To(Equal(1), id)
			}
		}
		Expect(scenarios.Shard(cases, 3, 2)).To(BeEmpty())
		Expect(scenarios.Shard(cases, 0, 2)).To(BeEmpty())
	})

	It("keeps a case in its shard when others are added", func() {
		one := []scenarios.Case{{ID: "a.yaml::x"}}
		var where int
		for k := 1; k <= 4; k++ {
			if len(scenarios.Shard(one, k, 4)) == 1 {
				where = k
			}
		}
		more := append(one, scenarios.Case{ID: "b.yaml::y"}, scenarios.Case{ID: "c.yaml::z"})
		Expect(scenarios.Shard(more, where, 4)).To(ContainElement(one[0]))
	})

	DescribeTable("ParseShard",
		func(s string, k, n int, msg string) {
			gk, gn, err := scenarios.ParseShard(s)
			if msg != "" {
				Expect(err).To(MatchError(msg))
				return
			}
			Expect(err).NotTo(HaveOccurred())
			Expect([]int{gk, gn}).To(Equal([]int{k, n}))
		},
		Entry("2/4", "2/4", 2, 4, ""),
		Entry("1/1", "1/1", 1, 1, ""),
		Entry("K above N", "5/4", 0, 0, `shard "5/4": write K/N with 1 ≤ K ≤ N, such as 2/4`),
		Entry("zero", "0/4", 0, 0, `shard "0/4": write K/N with 1 ≤ K ≤ N, such as 2/4`),
		Entry("no slash", "2", 0, 0, `shard "2": write K/N with 1 ≤ K ≤ N, such as 2/4`),
	)
})

var _ = DescribeTable("ParseCheck",
	func(check string, op scenarios.Op, value, msg string) {
		gop, gv, err := scenarios.ParseCheck(check)
		if msg != "" {
			Expect(err).To(MatchError(ContainSubstring(msg)))
			return
		}
		Expect(err).NotTo(HaveOccurred())
		Expect([]any{gop, gv}).To(Equal([]any{op, value}))
	},
	Entry("a value", "Disabled", scenarios.OpEq, "Disabled", ""),
	Entry("==", "== 1.4.2", scenarios.OpEq, "1.4.2", ""),
	Entry("!=", "!= 0", scenarios.OpNe, "0", ""),
	Entry("<=", "<= 12.5", scenarios.OpLe, "12.5", ""),
	Entry(">=", ">=12.5", scenarios.OpGe, "12.5", ""),
	Entry("<", "< 3", scenarios.OpLt, "3", ""),
	Entry(">", "> 0", scenarios.OpGt, "0", ""),
	Entry("~", `~ ^1\.4`, scenarios.OpMatches, `^1\.4`, ""),
	Entry("contains", "contains Economy 7", scenarios.OpContains, "Economy 7", ""),
	Entry("a word starting with contains", "containsX", scenarios.OpEq, "containsX", ""),
	Entry("exists", "exists", scenarios.OpExists, "", ""),
	Entry("absent", "absent", scenarios.OpAbsent, "", ""),
	Entry("== absent", "== absent", scenarios.OpEq, "absent", ""),
	Entry("== an operator", "== > 0", scenarios.OpEq, "> 0", ""),
	Entry("an unknown comparison", "=> 5", scenarios.Op(""), "", `unknown comparison "=>"`),
	Entry("a single =", "= 5", scenarios.Op(""), "", `unknown comparison "="`),
	Entry("nothing to compare with", ">=", scenarios.Op(""), "", "compares with nothing"),
	Entry("a regular expression that does not compile", "~ (", scenarios.Op(""), "", "does not compile"),
	Entry("a regular expression with a variable, compiled later", "~ ${re}", scenarios.OpMatches, "${re}", ""),
)
