package uts_test

import (
	"testing/fstest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios/uts"
)

var _ = Describe("UTS packs", func() {
	It("reads the fixture pack, every stimulus in it, and not its reference session", func() {
		p, err := uts.LoadPack(fixtures.FS, fixtures.UTSPack)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Files).To(Equal([]string{"packs/uts/pack.yaml"}))
		seen := map[uts.Stimulus]bool{}
		codes := map[string]bool{}
		for _, c := range p.Cases {
			seen[c.Stimulus] = true
			codes[c.Code+c.Alert] = true
			Expect(c.Line).To(BeNumerically(">", 0))
		}
		for _, s := range []uts.Stimulus{uts.Answer, uts.Duplicate, uts.Late, uts.Error, uts.DeviceAlert, uts.DCCAlert, uts.Invalid} {
			Expect(seen).To(HaveKey(s))
		}
		for _, c := range []string{"E5", "E20", "E21", "8F35", "N1", "AD1"} {
			Expect(codes).To(HaveKey(c))
		}
	})

	It("reads a case's fields", func() {
		p, err := uts.ParsePack("p.yaml", []byte("name: p\ncases:\n  - {name: a, srv: \"7.4\", stimulus: late, delay: 3s}\n  - {name: b, srv: \"11.2\", stimulus: device_alert, alert: 8f35}\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Cases[0].Delay.String()).To(Equal("3s"))
		Expect(p.Cases[0].Where()).To(Equal("p.yaml:3"))
		Expect(p.Cases[1].Alert).To(Equal("8F35"))
	})

	DescribeTable("refuses mistakes, naming file, line, column and field",
		func(doc, want string) {
			_, err := uts.ParsePack("bad.yaml", []byte(doc))
			Expect(err).To(MatchError(ContainSubstring(want)))
		},
		Entry("no name", "cases:\n  - {name: a, srv: \"4.1.1\", stimulus: answer}\n", "bad.yaml:1:1: name: missing"),
		Entry("no cases", "name: p\n", "cases: missing"),
		Entry("an unknown key", "name: p\ncases:\n  - {name: a, srv: \"4.1.1\", stimulus: answer, when: x}\n", "bad.yaml:3"),
		Entry("an unknown SRV", "name: p\ncases:\n  - name: a\n    srv: \"4.99\"\n    stimulus: answer\n", "bad.yaml:4:5: cases[0].srv: \"4.99\" is not a Service Reference Variant"),
		Entry("an unknown stimulus", "name: p\ncases:\n  - {name: a, srv: \"4.1.1\", stimulus: shout}\n", "cases[0].stimulus: \"shout\": want one of answer, duplicate"),
		Entry("an SRV that is not SMETS1", "name: p\ncases:\n  - {name: a, srv: \"6.21\", stimulus: answer}\n", "does not apply to SMETS1"),
		Entry("an async stimulus for a non-device SRV", "name: p\ncases:\n  - {name: a, srv: \"8.2\", stimulus: duplicate}\n", "answered by the DCC itself"),
		Entry("an error code UTS does not send", "name: p\ncases:\n  - {name: a, srv: \"4.1.1\", stimulus: error, code: E19}\n", "cases[0].code: \"E19\": want one of E5, E20, E21"),
		Entry("an error without code", "name: p\ncases:\n  - {name: a, srv: \"4.1.1\", stimulus: error}\n", "cases[0].code"),
		Entry("a code on another stimulus", "name: p\ncases:\n  - {name: a, srv: \"4.1.1\", stimulus: answer, code: E5}\n", "only an \"error\" stimulus takes a code"),
		Entry("a late without delay", "name: p\ncases:\n  - {name: a, srv: \"4.1.1\", stimulus: late}\n", "cases[0].delay"),
		Entry("a delay too long", "name: p\ncases:\n  - {name: a, srv: \"4.1.1\", stimulus: late, delay: 2h}\n", "at most 10m0s"),
		Entry("a device alert not hex", "name: p\ncases:\n  - {name: a, srv: \"4.1.1\", stimulus: device_alert, alert: XYZ}\n", "4 hex digits"),
		Entry("a device alert no device raises", "name: p\ncases:\n  - {name: a, srv: \"4.1.1\", stimulus: device_alert, alert: \"1234\"}\n", "not an alert smetsim's devices raise"),
		Entry("a DCC alert UTS does not send", "name: p\ncases:\n  - {name: a, srv: \"4.1.1\", stimulus: dcc_alert, alert: N42}\n", "want one of AD1, N1"),
		Entry("two cases of one name", "name: p\ncases:\n  - {name: a, srv: \"4.1.1\", stimulus: answer}\n  - {name: a, srv: \"7.4\", stimulus: answer}\n", "cases[1].name: \"a\" names two cases"),
		Entry("an SRV written as a number", "name: p\ncases:\n  - {name: a, srv: 7.10, stimulus: answer}\n", "cases[0].srv: 7.10 is written as a number"),
		Entry("not YAML", "name: [\n", "bad.yaml"),
	)

	It("reads a folder's files as one pack and refuses a case name used in two files", func() {
		fsys := fstest.MapFS{
			"p/a.yaml":         {Data: []byte("name: A\ncases:\n  - {name: x, srv: \"4.1.1\", stimulus: answer}\n")},
			"p/b.yaml":         {Data: []byte("name: B\ncases:\n  - {name: y, srv: \"7.4\", stimulus: duplicate}\n")},
			"p/session/s.yaml": {Data: []byte("not: a pack\n")},
			"dup/a.yaml":       {Data: []byte("name: A\ncases:\n  - {name: x, srv: \"4.1.1\", stimulus: answer}\n")},
			"dup/b.yaml":       {Data: []byte("name: B\ncases:\n  - {name: x, srv: \"7.4\", stimulus: answer}\n")},
			"empty/readme.md":  {Data: []byte("nothing")},
		}
		p, err := uts.LoadPack(fsys, "p")
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Name).To(Equal("A, B"))
		Expect(p.Cases).To(HaveLen(2))
		_, err = uts.LoadPack(fsys, "dup")
		Expect(err).To(MatchError(ContainSubstring(`dup/b.yaml:3: case "x" is already in dup/a.yaml:3`)))
		_, err = uts.LoadPack(fsys, "empty")
		Expect(err).To(MatchError(ContainSubstring("no .yaml files")))
		_, err = uts.LoadPack(fsys, "nowhere")
		Expect(err).To(HaveOccurred())
	})
})
