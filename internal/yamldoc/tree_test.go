package yamldoc_test

import (
	"errors"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/internal/yamldoc"
)

var _ = Describe("Parse", func() {
	It("keeps every value with where it is written and its field path", func() {
		root, err := yamldoc.Parse("s.yaml", []byte("name: x\nsteps:\n  - send: {srv: 7.10, body: \"<A/>\"}\n  - advance: 1h\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(root.Kind).To(Equal(yamldoc.MappingNode))
		Expect(root.Entries).To(HaveLen(2))
		Expect(root.Entries[1].Key).To(Equal("steps"))
		Expect([]int{root.Entries[1].Line, root.Entries[1].Column}).To(Equal([]int{2, 1}))
		steps := root.Get("steps")
		Expect(steps.Items).To(HaveLen(2))
		srv := steps.Items[0].Get("send").Get("srv")
		Expect(srv.Value).To(Equal("7.10"), "a number keeps the digits written")
		Expect(srv.Type).To(Equal(yamldoc.FloatScalar))
		Expect(srv.Describe()).To(Equal("the number 7.10"))
		Expect(srv.Path).To(Equal("steps[0].send.srv"))
		Expect([]int{srv.Line, srv.Column}).To(Equal([]int{3, 17}))
		body := steps.Items[0].Get("send").Get("body")
		Expect(body.Quoted).To(BeTrue())
		Expect(body.Type).To(Equal(yamldoc.StringScalar))
		Expect(root.Get("missing")).To(BeNil())
		e := srv.Errorf("want %s", "a string")
		Expect(e.Error()).To(Equal("s.yaml:3:17: steps[0].send.srv: want a string"))
	})

	It("resolves aliases at the alias and applies merge keys, keys written winning", func() {
		root, err := yamldoc.Parse("s.yaml", []byte("base: &b {as: supplier, to: x}\nstep:\n  <<: *b\n  to: y\nagain: *b\n"))
		Expect(err).NotTo(HaveOccurred())
		step := root.Get("step")
		Expect(step.Get("as").Value).To(Equal("supplier"))
		Expect(step.Get("to").Value).To(Equal("y"))
		again := root.Get("again")
		Expect(again.Line).To(Equal(5))
		Expect(again.Get("to").Value).To(Equal("x"))
	})

	It("reads a tagged string as a string", func() {
		root, err := yamldoc.Parse("s.yaml", []byte("srv: !!str 7.2\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(root.Get("srv").Type).To(Equal(yamldoc.StringScalar))
		Expect(root.Get("srv").Value).To(Equal("7.2"))
	})

	DescribeTable("refuses what is not one document, with the place",
		func(src string, line int, field, msg string) {
			_, err := yamldoc.Parse("s.yaml", []byte(src))
			var ye *yamldoc.Error
			Expect(errors.As(err, &ye)).To(BeTrue(), "got %v", err)
			if line > 0 {
				Expect(ye.Line).To(Equal(line), "%v", ye)
				Expect(ye.Field).To(Equal(field), "%v", ye)
			}
			Expect(ye.Msg).To(ContainSubstring(msg))
		},
		Entry("an empty file", "", 1, "", "empty"),
		Entry("two documents", "a: 1\n---\nb: 2\n", 2, "", "more than one"),
		Entry("a duplicate key", "a: 1\nb:\n  c: 1\n  c: 2\n", 4, "b.c", `key "c" is given twice`),
		Entry("an alias bomb", aliasBomb(), -1, "", "expands to more than"),
	)
})

// aliasBomb is a few lines whose aliases expand to billions of values.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll("aN: &aN [*aP, *aP, *aP, *aP, *aP, *aP, *aP, *aP, *aP, *aP]\n", "N", string(rune('0'+i))), "P", string(rune('0'+i-1))))
	}
	return b.String()
}

var _ = Describe("DecodeNode", func() {
	It("decodes part of a document strictly and locates errors in the whole file", func() {
		root, err := yamldoc.Parse("s.yaml", []byte("name: x\nfleet:\n  id: a\n  tiers: two\n"))
		Expect(err).NotTo(HaveOccurred())
		var v struct {
			ID    string `yaml:"id"`
			Tiers int    `yaml:"tiers"`
		}
		_, err = yamldoc.DecodeNode(root.Get("fleet"), &v)
		Expect(err).To(MatchError("s.yaml:4:10: fleet.tiers: wrong type: got a string, want a whole number"))
	})

	It("gives a Doc whose errors name fields as the whole file writes them", func() {
		root, err := yamldoc.Parse("s.yaml", []byte("name: x\nfleet:\n  id: a\n  tiers: 2\n"))
		Expect(err).NotTo(HaveOccurred())
		var v struct {
			ID    string `yaml:"id"`
			Tiers int    `yaml:"tiers"`
		}
		doc, err := yamldoc.DecodeNode(root.Get("fleet"), &v)
		Expect(err).NotTo(HaveOccurred())
		Expect(v.Tiers).To(Equal(2))
		Expect(doc.Errorf("tiers", "too few")).To(MatchError("s.yaml:4:3: fleet.tiers: too few"))
		Expect(doc.Errorf("", "bad")).To(MatchError("s.yaml:3:3: fleet: bad"))
	})
})
