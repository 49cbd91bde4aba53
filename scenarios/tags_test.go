package scenarios_test

import (
	"errors"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/scenarios"
)

var _ = Describe("tag expressions", func() {
	DescribeTable("select scenarios by their tags",
		func(expr string, tags []string, want bool) {
			e, err := scenarios.ParseTags(expr)
			Expect(err).NotTo(HaveOccurred())
			Expect(e.Match(tags)).To(Equal(want))
			Expect(e.String()).To(Equal(expr))
		},
		Entry("empty matches everything", "", nil, true),
		Entry("a tag", "smoke", []string{"smoke", "esme"}, true),
		Entry("a missing tag", "smoke", []string{"esme"}, false),
		Entry("and", "ppc && esme", []string{"ppc", "esme"}, true),
		Entry("and, one missing", "ppc && esme", []string{"ppc"}, false),
		Entry("not", "ppc && !slow", []string{"ppc", "slow"}, false),
		Entry("&& binds before ||", "ppc && !slow || smoke", []string{"slow", "smoke"}, true),
		Entry("&& binds before ||, neither", "ppc && !slow || smoke", []string{"ppc", "slow"}, false),
		Entry("parentheses", "ppc && (!slow || smoke)", []string{"ppc", "slow", "smoke"}, true),
		Entry("parentheses, not", "!(a || b)", []string{"b"}, false),
		Entry("double not", "!!a", []string{"a"}, true),
		Entry("tags with punctuation", "srv:7.2 && gas-meter", []string{"srv:7.2", "gas-meter"}, true),
		Entry("no spaces needed", "a&&!b", []string{"a"}, true),
	)

	DescribeTable("locate mistakes in the expression",
		func(expr string, col int, msg string) {
			_, err := scenarios.ParseTags(expr)
			var te *scenarios.TagError
			Expect(errors.As(err, &te)).To(BeTrue(), "got %v", err)
			Expect(te.Column).To(Equal(col), "%v", err)
			Expect(te.Msg).To(ContainSubstring(msg))
			Expect(err.Error()).To(HavePrefix(`tags "` + expr + `": column `))
		},
		Entry("nothing after &&", "ppc &&", 7, "want a tag, ! or ( here, got end of expression"),
		Entry("nothing after !", "ppc && !", 9, "got end of expression"),
		Entry("an unclosed (", "ppc && (a || b", 8, "this ( is never closed"),
		Entry("a stray )", "a)", 2, `unexpected ")"`),
		Entry("two tags", "a b", 3, `unexpected tag "b": join tags with && or ||`),
		Entry("a single &", "a & b", 3, `"&" (write && for and, || for or)`),
		Entry("a single | first", "| b", 1, `"|" (write && for and, || for or)`),
		Entry("a character no tag has", "a && b$", 7, `"$" cannot be in a tag`),
		Entry("a letter no tag has", "é && a", 1, `"é" cannot be in a tag`),
		Entry("too deep", strings.Repeat("(", 300)+"a"+strings.Repeat(")", 300), 202, "nests too deeply"),
	)

	It("filters cases by their scenario's tags", func() {
		e, err := scenarios.ParseTags("smoke && !prepayment")
		Expect(err).NotTo(HaveOccurred())
		names := []string{}
		for _, c := range e.Filter(scenarios.Cases(smoke())) {
			names = append(names, c.Scenario.Name)
		}
		Expect(names).To(Equal([]string{"Read the firmware version of every RTDS reference device", "Disable and re-enable an ESME's supply"}))
	})
})
