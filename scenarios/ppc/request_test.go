package ppc_test

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/scenarios/ppc"
	"github.com/smetsim/smetsim/simulator/registry"
)

const requests = "../../fixtures/requests"

func request(name string) *ppc.Request {
	data, err := os.ReadFile(filepath.Join(requests, name))
	Expect(err).NotTo(HaveOccurred())
	req, err := ppc.ParseRequest(name, data)
	Expect(err).NotTo(HaveOccurred())
	return req
}

var _ = Describe("A combination request", func() {
	It("reads the models of each device, the CSP and the requester", func() {
		req := request("danum-pp5-1.2-south.yaml")
		Expect(req.RequestedBy.String()).To(Equal("90-B3-D5-1F-30-01-00-00"))
		Expect(req.Combination.CSP).To(Equal("South"))
		Expect(req.Combination.Models).To(HaveKeyWithValue(devices.KindPPMID, "danum-pp5@1.2"))
		Expect(req.Combination.Models).To(HaveLen(5))
	})

	DescribeTable("names the line, column and field of a mistake",
		func(doc, field string, line int, msg string) {
			_, err := ppc.ParseRequest("req.yaml", []byte(doc))
			Expect(err).To(HaveOccurred())
			ye, ok := err.(*yamldoc.Error)
			Expect(ok).To(BeTrue(), "%v", err)
			Expect(ye.File).To(Equal("req.yaml"))
			Expect(ye.Field).To(Equal(field))
			Expect(ye.Line).To(Equal(line))
			Expect(ye.Column).To(BeNumerically(">", 0))
			Expect(ye.Msg).To(ContainSubstring(msg))
		},
		Entry("no requester", "csp: Central\nmodels: {CHF: acme-ch1@4.1.0, ESME: acme-e470@1.4.2}\n", "requested_by", 1, "missing"),
		Entry("a requester that is no EUI-64", "requested_by: supplier\ncsp: Central\nmodels: {CHF: a, ESME: b}\n", "requested_by", 1, "EUI"),
		Entry("no CSP", "requested_by: 90-B3-D5-1F-30-01-00-00\nmodels: {CHF: a, ESME: b}\n", "csp", 1, "communications service provider"),
		Entry("an unknown device kind", "requested_by: 90-B3-D5-1F-30-01-00-00\ncsp: Central\nmodels:\n  CHF: a\n  ESME: b\n  IHD: c\n", "models.IHD", 6, "IHD"),
		Entry("a GPF without a GSME", "requested_by: 90-B3-D5-1F-30-01-00-00\ncsp: Central\nmodels:\n  CHF: a\n  ESME: b\n  GPF: c\n", "models", 3, "GPF and a GSME"),
		Entry("no ESME", "requested_by: 90-B3-D5-1F-30-01-00-00\ncsp: Central\nmodels:\n  CHF: a\n", "models", 3, "at least a CHF and an ESME"),
		Entry("an unknown key", "requested_by: 90-B3-D5-1F-30-01-00-00\ncsp: Central\nmodel:\n  CHF: a\n", "model", 3, "model"),
	)

	Describe("submitted to the registry", func() {
		var reg *registry.Registry
		now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
		BeforeEach(func() {
			var err error
			reg, err = registry.Open(filepath.Join(GinkgoT().TempDir(), "state"), nil, cat)
			Expect(err).NotTo(HaveOccurred())
		})

		It("puts a new combination on the PPC list under the next id, committed", func() {
			sub, err := ppc.Submit(reg, request("danum-pp5-1.2-south.yaml"), now)
			Expect(err).NotTo(HaveOccurred())
			Expect(sub).To(Equal(ppc.Submitted{ID: "PPC-0005"}))
			again, err := registry.Open(reg.Dir, nil, cat)
			Expect(err).NotTo(HaveOccurred())
			e, ok := again.Lists.PPCEntry("PPC-0005")
			Expect(ok).To(BeTrue())
			Expect(e.RequestedBy).To(Equal("90-B3-D5-1F-30-01-00-00"))
			Expect(e.Requested.Format(time.DateOnly)).To(Equal("2026-11-28"))
			Expect(e.TestOpen).To(BeFalse())
		})

		It("refuses a model that is not on the CPL, saying which", func() {
			_, err := ppc.Submit(reg, request("britannia-bm200-3.2.0-rc1.yaml"), now)
			var refused *ppc.Refused
			Expect(err).To(BeAssignableToTypeOf(refused))
			Expect(err).To(MatchError(ContainSubstring("ESME: Device Model britannia-bm200@3.2.0-rc1")))
			Expect(err).To(MatchError(ContainSubstring("is not on the CPL")))
			Expect(reg.Lists.PPC()).To(HaveLen(4))
		})

		It("refuses an unknown model", func() {
			req := request("danum-pp5-1.2-south.yaml")
			req.Combination.Models[devices.KindPPMID] = "danum-pp5@9.9"
			_, err := ppc.Submit(reg, req, now)
			Expect(err).To(MatchError(ContainSubstring("unknown Device Model \"danum-pp5@9.9\"")))
		})

		It("refuses a combination that is already eligible", func() {
			req := request("danum-pp5-1.2-south.yaml")
			req.Combination.Models[devices.KindPPMID] = "danum-pp5@1.1"
			_, err := ppc.Submit(reg, req, now)
			Expect(err).To(MatchError("request refused: the combination is already eligible: EPC entry EPC-0005 covers it"))
		})

		It("gives a later requester of a pending combination its id, and the notice its policy allows", func() {
			sub, err := ppc.Submit(reg, request("acme-e470-1.5.0.yaml"), now)
			Expect(err).NotTo(HaveOccurred())
			Expect(sub).To(Equal(ppc.Submitted{ID: "PPC-0002", Existing: true}))

			reg.Results = append(reg.Results, registry.Result{PPC: "PPC-0002", Tested: now, Outcome: registry.Failed, Policy: registry.PolicyNotice, FailedSRVs: []string{"4.11.1"}})
			sub, err = ppc.Submit(reg, request("acme-e470-1.5.0.yaml"), now)
			Expect(err).NotTo(HaveOccurred())
			Expect(sub.Notice).To(Equal("issues were encountered with this combination"))
			Expect(reg.Lists.PPC()).To(HaveLen(4), "not listed twice")
		})
	})
})

var _ = Describe("docs/registry.md", func() {
	It("holds a request example that parses and matches fixtures/requests", func() {
		doc, err := os.ReadFile("../../docs/registry.md")
		Expect(err).NotTo(HaveOccurred())
		text := string(doc)
		start := strings.Index(text, "```yaml\n")
		Expect(start).To(BeNumerically(">=", 0))
		block := text[start+len("```yaml\n"):]
		block = block[:strings.Index(block, "```")]
		req, err := ppc.ParseRequest("docs/registry.md", []byte(block))
		Expect(err).NotTo(HaveOccurred())
		Expect(req.Combination).To(Equal(request("danum-pp5-1.2-south.yaml").Combination))
	})
})
