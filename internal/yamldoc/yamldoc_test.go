package yamldoc_test

import (
	"bytes"
	"errors"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/internal/yamldoc"
)

// profile is a small stand-in for the files the simulator reads: scalars of each type, a list, a
// map whose keys hold dots (SRV variants) and a list of structs with a nested list.
type profile struct {
	ID       string   `yaml:"id"`
	Tiers    int      `yaml:"tiers"`
	Ratio    float64  `yaml:"ratio"`
	Export   bool     `yaml:"export"`
	Tags     []string `yaml:"tags"`
	Divisor  uint8    `yaml:"divisor"`
	Firmware []struct {
		Version     string            `yaml:"version"`
		Unsupported map[string]string `yaml:"unsupported"`
		Faults      []struct {
			Kind  string `yaml:"kind"`
			Every int    `yaml:"every"`
		} `yaml:"faults"`
	} `yaml:"firmware"`
}

// decodeErr decodes src as file.yaml and returns the *yamldoc.Error it must fail with.
func decodeErr(src string) *yamldoc.Error {
	GinkgoHelper()
	var p profile
	doc, err := yamldoc.Decode("file.yaml", []byte(src), &p)
	Expect(err).To(HaveOccurred())
	Expect(doc).To(BeNil())
	var ye *yamldoc.Error
	Expect(errors.As(err, &ye)).To(BeTrue(), "want a *yamldoc.Error, got %T: %v", err, err)
	Expect(ye.File).To(Equal("file.yaml"))
	return ye
}

// nested is a document with firmware versions, unsupported SRVs keyed with dots and faults, for
// locating fields.
const nested = `id: acme-e470
tiers: 4
firmware:
  - version: "1.4.2"
    unsupported:
      "4.11": E11
      6.20.1: E12
  - version: "1.5.0"
    faults:
      - kind: clock_drift
      - kind: wrong_divisor
        every: 3
`

var _ = Describe("Decode", func() {
	It("fills the value from a valid document and keeps it for locating fields", func() {
		var p profile
		doc, err := yamldoc.Decode("file.yaml", []byte(nested), &p)
		Expect(err).NotTo(HaveOccurred())
		Expect(doc.Name).To(Equal("file.yaml"))
		Expect(p.ID).To(Equal("acme-e470"))
		Expect(p.Firmware).To(HaveLen(2))
		Expect(p.Firmware[0].Unsupported).To(Equal(map[string]string{"4.11": "E11", "6.20.1": "E12"}))
		Expect(p.Firmware[1].Faults[1].Every).To(Equal(3))
	})

	DescribeTable("names the file, line, column and field of every mistake",
		func(src string, line, col int, field, msg string) {
			e := decodeErr(src)
			Expect(e.Line).To(Equal(line), "line of %v", e)
			Expect(e.Column).To(Equal(col), "column of %v", e)
			Expect(e.Field).To(Equal(field), "field of %v", e)
			Expect(e.Msg).To(ContainSubstring(msg))
			Expect(e.Error()).To(HavePrefix("file.yaml:"))
			if field != "" {
				Expect(e.Error()).To(ContainSubstring(field + ": "))
			}
		},
		Entry("an unknown top-level field", "id: a\nbogus: 1\n", 2, 1, "bogus", `unknown field "bogus"`),
		Entry("an unknown nested field", "id: a\nfirmware:\n  - version: x\n    nope: 1\n", 4, 5, "firmware[0].nope", `unknown field "nope"`),
		Entry("a string for a whole number", "id: a\ntiers: four\n", 2, 8, "tiers", "wrong type: got a string, want a whole number"),
		Entry("a fraction for a whole number", "tiers: 2.5\n", 1, 8, "tiers", "wrong type: got 2.5, want a whole number"),
		Entry("a quoted fraction for a whole number", "tiers: \"1.5\"\n", 1, 8, "tiers", "wrong type: got 1.5, want a whole number"),
		Entry("a fraction deep in a list", "firmware:\n  - version: x\n    faults:\n      - {kind: k, every: 2.5}\n", 4, 26, "firmware[0].faults[0].every", "wrong type: got 2.5, want a whole number"),
		Entry("a string for a number", "ratio: abc\n", 1, 8, "ratio", "wrong type: got a string, want a number"),
		Entry("a string for true or false", "export: maybe\n", 1, 9, "export", "wrong type: got a string, want true or false"),
		Entry("a scalar for a list", "tags: x\n", 1, 7, "tags", "wrong type: got a string, want a list"),
		Entry("a number for a list of structs", "firmware: 3\n", 1, 11, "firmware", "wrong type: got a whole number, want a list"),
		Entry("a mapping in a list of strings", "tags:\n  - a\n  - {b: c}\n", 3, 5, "tags[1]", "wrong type"),
		Entry("a wrong type deep in a list", "firmware:\n  - version: x\n    faults:\n      - kind: k\n        every: many\n", 5, 16, "firmware[0].faults[0].every", "wrong type: got a string, want a whole number"),
		Entry("a number too big for its field", "divisor: 300\n", 1, 10, "divisor", "300 is out of range"),
		Entry("a duplicate key", "id: a\nid: b\n", 2, 1, "id", `key "id" is given twice (first on line 1)`),
		Entry("a duplicate key with a dot", "firmware:\n  - unsupported:\n      \"4.11\": E11\n      4.11: E12\n", 4, 7, `firmware[0].unsupported["4.11"]`, "given twice"),
		Entry("a tagged scalar for a list", "tags: ! 3\n", 1, 7, "tags", "wrong type: got a tagged string, want a list"),
		Entry("a tagged mapping for a list", "firmware: !x {a: 1}\n", 1, 11, "firmware", "wrong type: got a tagged mapping, want a list"),
		Entry("a tagged scalar for a list, through an alias", "id: &a ! 3\nfirmware:\n  - faults: *a\n", 3, 13, "firmware[0].faults", "wrong type: got a tagged string, want a list"),
		Entry("a list where the document should be a mapping", "- a\n- b\n", 1, 1, "", "wrong type: got a list, want a mapping"),
		Entry("a null document", "~\n", 1, 1, "", "wrong type: got nothing (null), want a mapping"),
		Entry("an unclosed flow list", "id: [a\n", 1, 5, "", "']' not found"),
		Entry("a tab for indentation", "id: a\n\ttiers: 3\n", 2, 1, "", "cannot start any token"),
		Entry("an unknown alias", "id: &x a\ntiers: *y\n", 2, 9, "", `could not find alias "y"`),
	)

	DescribeTable("refuses a file that is not exactly one document",
		func(src string, line int, msg string) {
			e := decodeErr(src)
			Expect(e.Line).To(Equal(line))
			Expect(e.Msg).To(Equal(msg))
			Expect(e.Error()).To(HavePrefix("file.yaml:" + strconv.Itoa(line) + ": "))
		},
		Entry("an empty file", "", 1, "file is empty"),
		Entry("only blank lines", "\n\n  \n", 1, "file is empty"),
		Entry("only a comment", "# nothing yet\n", 1, "file is empty"),
		Entry("only a document marker", "---\n", 1, "file is empty"),
		Entry("two documents", "id: a\n---\nid: b\n", 2, "file holds more than one YAML document"),
		Entry("a trailing empty document", "id: a\ntiers: 2\n---\n", 3, "file holds more than one YAML document"),
		Entry("two marked documents", "---\nid: a\n---\nid: b\n", 3, "file holds more than one YAML document"),
	)

	It("keeps map keys as the file writes them, not as the numbers they look like", func() {
		var p profile
		_, err := yamldoc.Decode("file.yaml", []byte("firmware:\n  - unsupported: {4.10: E1, 7.10: E2, 7.1: E3, 11: E4, 010: E5, 1e3: E6, true: E7}\n"), &p)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Firmware[0].Unsupported).To(Equal(map[string]string{
			"4.10": "E1", "7.10": "E2", "7.1": "E3", "11": "E4", "010": "E5", "1e3": "E6", "true": "E7"}))
	})

	It("accepts whole numbers however they are written", func() {
		var p profile
		_, err := yamldoc.Decode("file.yaml", []byte("tiers: 4.0\ndivisor: 1e2\n"), &p)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Tiers).To(Equal(4))
		Expect(p.Divisor).To(BeEquivalentTo(100))
	})

	It("refuses a file over the size limit before parsing it", func() {
		data := bytes.Repeat([]byte("#"), yamldoc.MaxSize+1)
		var p profile
		_, err := yamldoc.Decode("huge.yaml", data, &p)
		Expect(err).To(MatchError(ContainSubstring("huge.yaml: file is")))
		Expect(err).To(MatchError(ContainSubstring("the limit is %d", yamldoc.MaxSize)))
	})

	It("accepts a file of exactly the size limit", func() {
		data := append([]byte("id: a\n"), bytes.Repeat([]byte("#"), yamldoc.MaxSize-6)...)
		var p profile
		_, err := yamldoc.Decode("big.yaml", data, &p)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.ID).To(Equal("a"))
	})

	It("does not crash on deep nesting", func() {
		src := "tags: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n"
		var p profile
		_, err := yamldoc.Decode("deep.yaml", []byte(src), &p)
		Expect(err).To(MatchError(HavePrefix("deep.yaml")))
	})
})

var _ = Describe("Doc", func() {
	var doc *yamldoc.Doc

	BeforeEach(func() {
		var p profile
		var err error
		doc, err = yamldoc.Decode("e470.yaml", []byte(nested), &p)
		Expect(err).NotTo(HaveOccurred())
	})

	DescribeTable("Position locates a field by the path a message names it with",
		func(path string, line, col int) {
			l, c := doc.Position(path)
			Expect([]int{l, c}).To(Equal([]int{line, col}))
		},
		Entry("a top-level key", "tiers", 2, 1),
		Entry("a list", "firmware", 3, 1),
		Entry("a list item's field", "firmware[1].version", 8, 5),
		Entry("a quoted key holding a dot", `firmware[0].unsupported["4.11"]`, 6, 7),
		Entry("an unquoted key holding dots", `firmware[0].unsupported["6.20.1"]`, 7, 7),
		Entry("a field in a nested list", "firmware[1].faults[1].every", 12, 9),
		Entry("a nested list's item", "firmware[1].faults[0].kind", 10, 9),
		Entry("a missing field: its parent list item", "firmware[1].faults[0].every", 10, 9),
		Entry("a missing key with a dot: its mapping", `firmware[0].unsupported["4.12"]`, 5, 5),
		Entry("a missing key holding a bracket: its mapping", `firmware[0].unsupported["x[1"]`, 5, 5),
		Entry("an index past the end: the list", "firmware[5].version", 3, 1),
		Entry("a missing top-level field: the document", "manufacturer", 1, 1),
	)

	It("Errorf locates the error and keeps the field path in the message", func() {
		err := doc.Errorf("firmware[1].faults[0].kind", "fault %s does not apply to a %s", "clock_drift", "GPF")
		Expect(err).To(MatchError("e470.yaml:10:9: firmware[1].faults[0].kind: fault clock_drift does not apply to a GPF"))
		var ye *yamldoc.Error
		Expect(errors.As(err, &ye)).To(BeTrue())
		Expect(ye.Field).To(Equal("firmware[1].faults[0].kind"))
	})

	It("Errorf falls back to the nearest existing parent for an absent field", func() {
		err := doc.Errorf(`firmware[0].unsupported["99.9"]`, "unknown SRV")
		Expect(err).To(MatchError(`e470.yaml:5:5: firmware[0].unsupported["99.9"]: unknown SRV`))
	})

	It("Errorf on a field of a single-key document", func() {
		var p profile
		d, err := yamldoc.Decode("one.yaml", []byte("id: x\n"), &p)
		Expect(err).NotTo(HaveOccurred())
		Expect(d.Errorf("id", "bad")).To(MatchError("one.yaml:1:1: id: bad"))
		Expect(d.Errorf("kind", "missing")).To(MatchError("one.yaml:1:1: kind: missing"))
	})

	It("locates a key that is a lone bracket, written with Key", func() {
		var p profile
		d, err := yamldoc.Decode("b.yaml", []byte("firmware:\n  - unsupported:\n      \"]\": E1\n"), &p)
		Expect(err).NotTo(HaveOccurred())
		path := yamldoc.Join("firmware[0].unsupported", "]")
		Expect(path).To(Equal(`firmware[0].unsupported["]"]`))
		Expect(d.Errorf(path, "unknown SRV")).To(MatchError(`b.yaml:3:7: firmware[0].unsupported["]"]: unknown SRV`))
	})

	It("Position of a nil Doc is unknown rather than a crash", func() {
		var d *yamldoc.Doc
		l, c := d.Position("id")
		Expect([]int{l, c}).To(Equal([]int{0, 0}))
	})

	It("leaves out what is unknown when printing an error", func() {
		Expect((&yamldoc.Error{File: "f.yaml", Msg: "m"}).Error()).To(Equal("f.yaml: m"))
		Expect((&yamldoc.Error{File: "f.yaml", Line: 3, Msg: "m"}).Error()).To(Equal("f.yaml:3: m"))
		Expect((&yamldoc.Error{File: "f.yaml", Line: 3, Column: 4, Field: "a.b", Msg: "m"}).Error()).To(Equal("f.yaml:3:4: a.b: m"))
	})
})

var _ = DescribeTable("Join appends a key to a path the way messages and Position write it",
	func(path, key, want string) { Expect(yamldoc.Join(path, key)).To(Equal(want)) },
	Entry("a plain key", "premises[0].devices", "ESME", "premises[0].devices.ESME"),
	Entry("a key with dots", "firmware[1].unsupported", "4.11", `firmware[1].unsupported["4.11"]`),
	Entry("a first key", "", "id", "id"),
	Entry("a first key with dots", "", "4.1.1", `["4.1.1"]`),
)

var _ = DescribeTable("Key quotes map keys a path would otherwise split",
	func(k, want string) { Expect(yamldoc.Key(k)).To(Equal(want)) },
	Entry("a plain key", "ESME", "ESME"),
	Entry("an SRV variant", "4.1.1", `["4.1.1"]`),
	Entry("a model ID with a dot", "acme-e470@1.4.2", `["acme-e470@1.4.2"]`),
	Entry("a key with brackets", "a[0]", `["a[0]"]`),
)
