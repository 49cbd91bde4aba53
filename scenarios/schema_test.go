package scenarios_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/simulator/srv"
)

// compiled is the scenario schema, compiled by an independent JSON Schema implementation.
func compiled() *jsonschema.Schema {
	GinkgoHelper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(scenarios.Schema()))
	Expect(err).NotTo(HaveOccurred())
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	Expect(c.AddResource("scenario.schema.json", doc)).To(Succeed())
	sch, err := c.Compile("scenario.schema.json")
	Expect(err).NotTo(HaveOccurred())
	return sch
}

// instance reads a YAML scenario as the JSON an editor's validator sees.
func instance(data []byte) any {
	GinkgoHelper()
	js, err := yaml.YAMLToJSON(data)
	Expect(err).NotTo(HaveOccurred())
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	Expect(err).NotTo(HaveOccurred())
	return v
}

var _ = Describe("Schema", func() {
	It("is a draft 2020-12 JSON Schema listing the SRVs, step kinds, properties and comparisons", func() {
		var s map[string]any
		Expect(json.Unmarshal(scenarios.Schema(), &s)).To(Succeed())
		Expect(s["$schema"]).To(Equal("https://json-schema.org/draft/2020-12/schema"))
		text := string(scenarios.Schema())
		for _, v := range srv.Variants() {
			Expect(text).To(ContainSubstring(`"` + v + `"`))
		}
		for p := range scenarios.Properties {
			Expect(text).To(ContainSubstring(`"` + p + `"`))
		}
		for _, k := range scenarios.StepKinds {
			Expect(text).To(ContainSubstring(`"` + string(k) + `"`))
		}
		for _, o := range scenarios.Ops {
			Expect(text).To(ContainSubstring(`"` + string(o) + `"`))
		}
		Expect(scenarios.Schema()).To(Equal(scenarios.Schema()), "the same bytes every time")
	})

	It("accepts every scenario of the fixtures and of the good test data", func() {
		sch := compiled()
		n := 0
		Expect(fs.WalkDir(fixtures.FS, fixtures.ScenariosDir, func(p string, d fs.DirEntry, err error) error {
			Expect(err).NotTo(HaveOccurred())
			if d.IsDir() || !strings.HasSuffix(p, ".yaml") {
				return nil
			}
			data, err := fs.ReadFile(fixtures.FS, p)
			Expect(err).NotTo(HaveOccurred())
			Expect(sch.Validate(instance(data))).To(Succeed(), p)
			n++
			return nil
		})).To(Succeed())
		Expect(n).To(BeNumerically(">=", 3))
		good, _ := filepath.Glob("testdata/good/*.yaml")
		Expect(good).NotTo(BeEmpty())
		for _, p := range good {
			data, err := os.ReadFile(p)
			Expect(err).NotTo(HaveOccurred())
			Expect(sch.Validate(instance(data))).To(Succeed(), p)
		}
	})

	DescribeTable("refuses what the loader refuses for its shape",
		func(src, want string) {
			err := compiled().Validate(instance([]byte(src)))
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(ContainSubstring(want))
		},
		Entry("a missing name", "steps: [{advance: 1h}]\n", "missing property 'name'"),
		Entry("an unknown key", "name: x\nnmae: y\nsteps: [{advance: 1h}]\n", "additional properties 'nmae'"),
		Entry("an unknown SRV", "name: x\nsteps: [{send: {srv: \"7.99\", as: supplier}}]\n", "/steps/0/send/srv"),
		Entry("a step with two kinds", "name: x\nsteps: [{advance: 1h, fault: {device: a, kind: offline}}]\n", "/steps/0"),
		Entry("an unknown property", "name: x\nsteps: [{device: {a.ESME: {suply: on}}}]\n", "suply"),
		Entry("a bad duration", "name: x\nsteps: [{advance: soon}]\n", "/steps/0/advance"),
	)

	It("takes a ${variable} where a listed value is wanted", func() {
		src := "name: x\nparameters: [{v: \"7.2\"}]\nsteps: [{send: {srv: \"${v}\", as: supplier, to: a.ESME}}]\n"
		Expect(compiled().Validate(instance([]byte(src)))).To(Succeed())
	})
})
