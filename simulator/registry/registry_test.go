package registry_test

import (
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/simulator/registry"
)

var _ = Describe("The product registry", func() {
	var dir string
	BeforeEach(func() { dir = filepath.Join(GinkgoT().TempDir(), "state") })

	It("reads the fixtures when the state directory does not exist yet", func() {
		reg, err := registry.Open(dir, nil, cat)
		Expect(err).NotTo(HaveOccurred())
		Expect(reg.Lists.EPC()).To(HaveLen(5))
		Expect(reg.Lists.PPC()).To(HaveLen(4))
		Expect(reg.Results).To(BeEmpty())
		Expect(reg.From).To(HaveKeyWithValue(registry.EPCFile, "built-in fixtures"))
		Expect(reg.NextPPCID()).To(Equal("PPC-0005"))
		Expect(reg.NextEPCID()).To(Equal("EPC-0006"))
		_, err = os.Stat(dir)
		Expect(os.IsNotExist(err)).To(BeTrue(), "reading creates nothing")
	})

	It("commits changes that a later Open reads in preference to the fixtures", func() {
		reg, err := registry.Open(dir, nil, cat)
		Expect(err).NotTo(HaveOccurred())
		at := time.Date(2026, 3, 28, 16, 30, 0, 0, time.UTC)
		_, err = reg.Lists.Promote("PPC-0003", reg.NextEPCID(), at)
		Expect(err).NotTo(HaveOccurred())
		reg.Results = append(reg.Results, registry.Result{PPC: "PPC-0003", Tested: at, Outcome: registry.Passed, Policy: registry.PolicyNone, EPC: "EPC-0006"})
		Expect(reg.Commit("a spec")).To(Succeed())

		again, err := registry.Open(dir, nil, cat)
		Expect(err).NotTo(HaveOccurred())
		Expect(again.From[registry.EPCFile]).To(Equal(filepath.Join(dir, registry.Current, registry.EPCFile)))
		Expect(again.Lists.EPC()).To(HaveLen(6))
		Expect(again.Lists.PPC()).To(HaveLen(3))
		Expect(again.Results).To(Equal(reg.Results))
		Expect(again.NextPPCID()).To(Equal("PPC-0005"), "a promoted combination's id is not handed out again")
	})

	It("keeps the generation before the current one and removes older ones", func() {
		reg, err := registry.Open(dir, nil, cat)
		Expect(err).NotTo(HaveOccurred())
		for range 4 {
			Expect(reg.Commit("a spec")).To(Succeed())
		}
		link, err := os.Readlink(filepath.Join(dir, registry.Current))
		Expect(err).NotTo(HaveOccurred())
		Expect(link).To(Equal("gen-000004"))
		ents, err := os.ReadDir(dir)
		Expect(err).NotTo(HaveOccurred())
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		Expect(names).To(ConsistOf("current", "gen-000003", "gen-000004"))
	})

	It("uses the state directory's CPL when it has one and carries it into new generations", func() {
		reg, err := registry.Open(dir, nil, cat)
		Expect(err).NotTo(HaveOccurred())
		Expect(reg.Commit("a spec")).To(Succeed())
		cpl := "device_type,manufacturer,model,hardware_version,firmware_version,gbcs_version,status,date_added\nESME,Acme Metering Ltd,E470,2.1,1.4.2,,Active,2019-06-03\n"
		Expect(os.WriteFile(filepath.Join(dir, registry.Current, registry.CPLFile), []byte(cpl), 0o644)).To(Succeed())
		reg, err = registry.Open(dir, nil, cat)
		Expect(err).NotTo(HaveOccurred())
		Expect(reg.Catalogue.CPL).To(HaveLen(1))
		Expect(cat.CPL).To(HaveLen(25), "the fixtures' catalogue is not changed")
		Expect(reg.Commit("a spec")).To(Succeed())
		data, err := os.ReadFile(filepath.Join(dir, registry.Current, registry.CPLFile))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(data)).To(Equal(cpl))
	})

	It("names the file, line, column and field of a mistake in a state file", func() {
		reg, err := registry.Open(dir, nil, cat)
		Expect(err).NotTo(HaveOccurred())
		Expect(reg.Commit("a spec")).To(Succeed())
		bad := "id,csp,chf,esme,gpf,gsme,ppmid,date_added\nEPC-0001,Central,acme-ch1@4.1.0,acme-e470@9.9,,,,2021-03-01\n"
		Expect(os.WriteFile(filepath.Join(dir, registry.Current, registry.EPCFile), []byte(bad), 0o644)).To(Succeed())
		_, err = registry.Open(dir, nil, cat)
		var ye *yamldoc.Error
		Expect(err).To(BeAssignableToTypeOf(ye))
		ye = err.(*yamldoc.Error)
		Expect(ye.File).To(Equal(filepath.Join(dir, registry.Current, registry.EPCFile)))
		Expect(ye.Line).To(Equal(2))
		Expect(ye.Field).To(Equal("esme"))
		Expect(ye.Column).To(BeNumerically(">", 1))
	})
})

var _ = Describe("PPC test results", func() {
	It("round-trip through the results file", func() {
		data, err := os.ReadFile("testdata/ppc-results.csv")
		Expect(err).NotTo(HaveOccurred())
		rs, err := registry.ParseResults("ppc-results.csv", data)
		Expect(err).NotTo(HaveOccurred())
		Expect(rs).To(HaveLen(3))
		Expect(rs[1].FailedSRVs).To(Equal([]string{"4.11.1", "1.1.1"}))
		back, err := registry.ParseResults("again.csv", registry.WriteResults(rs))
		Expect(err).NotTo(HaveOccurred())
		Expect(back).To(Equal(rs))
	})

	DescribeTable("refuse a mistake with its line, column and field",
		func(row, field string, col int, msg string) {
			data := "ppc,tested,outcome,policy,failed_srvs,epc\n" + row + "\n"
			_, err := registry.ParseResults("r.csv", []byte(data))
			Expect(err).To(HaveOccurred())
			ye, ok := err.(*yamldoc.Error)
			Expect(ok).To(BeTrue())
			Expect(ye.Line).To(Equal(2))
			Expect(ye.Field).To(Equal(field))
			Expect(ye.Column).To(Equal(col))
			Expect(ye.Msg).To(ContainSubstring(msg))
		},
		Entry("an id that is not a PPC id", "EPC-0001,2026-03-28T16:30:19Z,passed,none,,EPC-0006", "ppc", 1, "not a PPC id"),
		Entry("a date without a time", "PPC-0001,2026-03-28,failed,none,,", "tested", 10, "RFC 3339"),
		Entry("an unknown outcome", "PPC-0001,2026-03-28T16:30:19Z,maybe,none,,", "outcome", 31, "passed or failed"),
		Entry("an unknown policy", "PPC-0001,2026-03-28T16:30:19Z,failed,all,,", "policy", 38, "none, notice or summary"),
		Entry("a pass without its EPC entry", "PPC-0001,2026-03-28T16:30:19Z,passed,none,,", "epc", 44, "names the EPC entry"),
	)

	It("refuse a row of the wrong length and an empty file", func() {
		_, err := registry.ParseResults("r.csv", []byte("ppc,tested,outcome,policy,failed_srvs,epc\nPPC-0001,x\n"))
		Expect(err).To(MatchError(ContainSubstring("r.csv:2")))
		_, err = registry.ParseResults("r.csv", nil)
		Expect(err).To(MatchError(ContainSubstring("empty")))
	})

	It("tell a later requester what the last failed test's policy allows", func() {
		reg, err := registry.Open(filepath.Join(GinkgoT().TempDir(), "s"), nil, cat)
		Expect(err).NotTo(HaveOccurred())
		at := time.Date(2026, 3, 28, 0, 0, 0, 0, time.UTC)
		Expect(reg.Notice("PPC-0002")).To(BeEmpty())
		reg.Results = append(reg.Results, registry.Result{PPC: "PPC-0002", Tested: at, Outcome: registry.Failed, Policy: registry.PolicyNone, FailedSRVs: []string{"4.11.1"}})
		Expect(reg.Notice("PPC-0002")).To(BeEmpty())
		reg.Results = append(reg.Results, registry.Result{PPC: "PPC-0002", Tested: at, Outcome: registry.Failed, Policy: registry.PolicyNotice, FailedSRVs: []string{"4.11.1"}})
		Expect(reg.Notice("PPC-0002")).To(Equal("issues were encountered with this combination"))
		reg.Results = append(reg.Results, registry.Result{PPC: "PPC-0002", Tested: at, Outcome: registry.Failed, Policy: registry.PolicySummary, FailedSRVs: []string{"4.11.1"}})
		Expect(reg.Notice("PPC-0002")).To(Equal("issues were encountered with this combination; SRVs that failed: 4.11.1"))
	})
})
