package ppc_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/scenarios/ppc"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/inventory"
	"github.com/smetsim/smetsim/simulator/registry"
)

// The pack's cases of SRVs the reference premises' Acme E470 declares unsupported.
const (
	maxDemandCase      = "ESME maximum demand - 4.12.1, 6.18.1 and 6.18.2 read back with 4.12.1"
	esmeAlertBehaviour = "ESME alert behaviour - 6.22 read back with 6.2.10, and the alert and log entry it stops"
)

// readFirmware sends 11.2 to the reference ESME of the combination, with the lists given, and
// returns the DCC's synchronous response code.
func readFirmware(c inventory.Combination, lists *inventory.Lists) string {
	def, err := scenarios.DefaultFleetSpec()
	Expect(err).NotTo(HaveOccurred())
	fc := fleet.Combination{CSP: c.CSP, Models: map[devices.Kind]*devices.Model{}}
	for k, id := range c.Models {
		fc.Models[k], err = cat.Lookup(id)
		Expect(err).NotTo(HaveOccurred())
	}
	spec, err := def.Fit(ppc.ReferencePremises, fc)
	Expect(err).NotTo(HaveOccurred())
	w, err := scenarios.NewWorld(&scenarios.Scenario{Name: "served?", Fleet: spec, FleetName: "fitted"}, 1,
		scenarios.Options{Lists: func() (*inventory.Lists, error) { return lists.Clone(), nil }})
	Expect(err).NotTo(HaveOccurred())
	defer w.Close()
	ex, err := w.Send(scenarios.Send{As: "supplier", SRV: "11.2", To: "rtds-reference.ESME", Body: "<ReadFirmwareVersion/>"})
	Expect(err).NotTo(HaveOccurred())
	return ex.Code()
}

var _ = Describe("A PPC test", func() {
	var reg *registry.Registry
	BeforeEach(func() {
		var err error
		reg, err = registry.Open(filepath.Join(GinkgoT().TempDir(), "state"), nil, cat)
		Expect(err).NotTo(HaveOccurred())
	})

	It("of an id the PPC list does not hold is refused", func() {
		_, err := ppc.Test(context.Background(), reg, "PPC-0099", ppc.Options{})
		var nf *ppc.NotFound
		Expect(err).To(BeAssignableToTypeOf(nf))
	})

	It("of the clean combination passes, lands on the EPC dated by the run's clock, and its installations are then served", func() {
		pending, _ := reg.Lists.PPCEntry("PPC-0003")
		Expect(readFirmware(pending.Combination, reg.Lists)).To(Equal("E5"), "not served before its test")

		opened := false
		rep, err := ppc.Test(context.Background(), reg, "PPC-0003", ppc.Options{Seed: 7, Opened: func() {
			opened = true
			during, err := registry.Open(reg.Dir, nil, cat)
			Expect(err).NotTo(HaveOccurred())
			e, _ := during.Lists.PPCEntry("PPC-0003")
			Expect(e.TestOpen).To(BeTrue(), "the open test is committed before the pack runs")
		}})
		Expect(err).NotTo(HaveOccurred())
		Expect(opened).To(BeTrue())
		Expect(rep.Issues).To(BeEmpty())
		Expect(rep.Passed).To(BeTrue())
		Expect(rep.Result.Failed).To(BeZero())
		Expect(rep.Upgrade).To(Equal(&ppc.Upgrade{Base: "EPC-0002", Kind: devices.KindCHF, From: "acme-ch1@4.0.0", To: "acme-ch1@4.1.0"}))
		Expect(rep.NotApplicable).To(Equal(map[string]string{
			maxDemandCase:      "acme-e470@1.4.2 declares 4.12.1 unsupported (E11), checked as declared",
			esmeAlertBehaviour: "acme-e470@1.4.2 declares 6.2.10 unsupported (E11), checked as declared",
		}), "only the cases of the SRVs the E470 declares unsupported")
		var names []string
		for _, c := range rep.Result.Cases {
			names = append(names, c.Name)
		}
		Expect(names).To(ContainElements(
			ContainSubstring("Firmware path"), ContainSubstring("Declared variations"), ContainSubstring("Alerts - power outage"),
			ContainSubstring("GSME-GPF sync"), ContainSubstring("PPMID top-ups"), ContainSubstring("Price publication")))
		Expect(rep.EPC).To(Equal("EPC-0006"))

		after, err := registry.Open(reg.Dir, nil, cat)
		Expect(err).NotTo(HaveOccurred())
		_, still := after.Lists.PPCEntry("PPC-0003")
		Expect(still).To(BeFalse())
		adm, id := after.Lists.Admit(pending.Combination)
		Expect(adm).To(Equal(inventory.Eligible))
		Expect(id).To(Equal("EPC-0006"))
		added := after.Lists.SortedEPC()[5]
		Expect(added.DateAdded).To(Equal(rep.Tested.Truncate(24 * time.Hour)))
		Expect(rep.Tested.Year()).To(Equal(2026), "the virtual clock of the run, not the wall clock")
		Expect(after.Results).To(Equal([]registry.Result{{PPC: "PPC-0003", Tested: rep.Tested, Outcome: registry.Passed, Policy: registry.PolicyNone, EPC: "EPC-0006"}}))

		Expect(readFirmware(pending.Combination, after.Lists)).To(Equal("I99"), "served once eligible")
	})

	It("of the faulty combination fails with an issue naming the SRV, expected and observed, and the combination stays pending", func() {
		rep, err := ppc.Test(context.Background(), reg, "PPC-0002", ppc.Options{Seed: 7, Policy: registry.PolicySummary})
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Passed).To(BeFalse())
		Expect(rep.Issues).To(HaveLen(1))
		is := rep.Issues[0]
		Expect(is.SRV).To(Equal("4.11.1"))
		Expect(is.SRVName).To(Equal("Read Tariff (Primary Element)"))
		Expect(is.After).To(Equal("1.1.1"), "the tariff update the read-back proves")
		Expect(is.Expected).To(Equal("Electricity/TariffThresholdMatrix/ElecTariffThresholds/BlockThreshold[1] == 5000"))
		Expect(is.Observed).To(Equal("Electricity/TariffThresholdMatrix/ElecTariffThresholds/BlockThreshold[1] absent from the ReadTariffPrimaryElementRsp payload"))
		Expect(is.Device).To(Equal("00-DB-12-34-56-78-90-A0"))
		Expect(is.At).To(HavePrefix("packs/ppc/srvs/esme_tariff.yaml:"))
		Expect(is.Evidence).NotTo(BeEmpty())

		after, err := registry.Open(reg.Dir, nil, cat)
		Expect(err).NotTo(HaveOccurred())
		e, ok := after.Lists.PPCEntry("PPC-0002")
		Expect(ok).To(BeTrue(), "stays pending")
		Expect(e.TestOpen).To(BeFalse(), "its test is closed")
		Expect(after.Lists.EPC()).To(HaveLen(5))
		Expect(after.Results).To(HaveLen(1))
		Expect(after.Results[0].Outcome).To(Equal(registry.Failed))
		Expect(after.Results[0].FailedSRVs).To(Equal([]string{"4.11.1"}))
		Expect(after.Notice("PPC-0002")).To(Equal("issues were encountered with this combination; SRVs that failed: 4.11.1"))
	})

	It("skips the firmware path of a combination that is no single-device upgrade, saying so", func() {
		rep, err := ppc.Test(context.Background(), reg, "PPC-0001", ppc.Options{Seed: 7})
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Upgrade).To(BeNil())
		Expect(rep.NotApplicable).To(HaveKeyWithValue(ContainSubstring("Firmware path"), ContainSubstring("not a firmware upgrade")))
	})

	Describe("reports", Ordered, func() {
		var rep *ppc.Report
		BeforeAll(func() {
			r, err := registry.Open(filepath.Join(GinkgoT().TempDir(), "state"), nil, cat)
			Expect(err).NotTo(HaveOccurred())
			rep, err = ppc.Test(context.Background(), r, "PPC-0002", ppc.Options{Seed: 11})
			Expect(err).NotTo(HaveOccurred())
			Expect(rep.Passed).To(BeFalse())
		})

		write := func(p registry.Policy) (dir string) {
			dir = GinkgoT().TempDir()
			r := *rep
			r.Policy = p
			Expect(ppc.WriteReports(dir, &r)).To(Succeed())
			return dir
		}
		read := func(dir, name string) string {
			data, err := os.ReadFile(filepath.Join(dir, name))
			Expect(err).NotTo(HaveOccurred())
			return string(data)
		}
		// confidential are strings of the evidence that must never reach a shareable report.
		confidential := []string{"sr:Request", "&lt;sr:", "RequestID", "00-DB-", "90-B3-D5", "5000", "BlockThreshold", "ElecTariff",
			"esme_tariff.yaml", "device_state", "evidence", "1.1.1"}

		It("confidential: every issue with its evidence, for the requester", func() {
			dir := write(registry.PolicyNone)
			conf := read(dir, ppc.ConfidentialJSON)
			var back ppc.Report
			Expect(json.Unmarshal([]byte(conf), &back)).To(Succeed())
			Expect(back.Issues).To(HaveLen(1))
			Expect(back.Issues[0].Evidence).NotTo(BeEmpty())
			Expect(conf).To(ContainSubstring("sr:Request"))
			Expect(conf).To(ContainSubstring("00-DB-12-34-56-78-90-A0"))
			html := read(dir, ppc.ConfidentialHTML)
			Expect(html).To(ContainSubstring("BlockThreshold[1] == 5000"))
			Expect(html).To(ContainSubstring("&lt;sr:Request"))
			Expect(read(dir, ppc.JUnitFile)).To(ContainSubstring("<testsuite"))
		})

		DescribeTable("shareable: exactly what the policy allows",
			func(p registry.Policy, want, absent []string) {
				dir := write(p)
				for _, name := range []string{ppc.ShareableJSON, ppc.ShareableHTML} {
					text := read(dir, name)
					for _, s := range want {
						Expect(text).To(ContainSubstring(s), "%s under %s", name, p)
					}
					for _, s := range append(absent, confidential...) {
						Expect(text).NotTo(ContainSubstring(s), "%s under %s leaks %q", name, p, s)
					}
				}
				var sh ppc.Shareable
				Expect(json.Unmarshal([]byte(read(dir, ppc.ShareableJSON)), &sh)).To(Succeed())
				Expect(sh.PPC).To(Equal("PPC-0002"))
				Expect(sh.Policy).To(Equal(p))
			},
			Entry("none: nothing about the outcome", registry.PolicyNone, []string{"PPC-0002", "acme-e470@1.5.0"},
				[]string{"issues", "4.11.1", "failed", "Read Tariff"}),
			Entry("notice: that issues were encountered", registry.PolicyNotice, []string{"issues were encountered with this combination"},
				[]string{"4.11.1", "failed_srvs", "Read Tariff"}),
			Entry("summary: which SRVs failed, no evidence", registry.PolicySummary,
				[]string{"issues were encountered with this combination", "4.11.1"}, nil),
		)

		It("shareable of a passed test says it passed and where it is on the EPC", func() {
			r := *rep
			r.Passed, r.EPC, r.Issues = true, "EPC-0006", nil
			sh := r.Shareable()
			Expect(sh.Outcome).To(Equal("passed"))
			Expect(sh.EPC).To(Equal("EPC-0006"))
			Expect(strings.Join(r.FailedSRVs(), "")).To(BeEmpty())
		})
	})
})

var _ = Describe("An interrupted PPC test", func() {
	It("records no outcome and closes the test", func() {
		reg, err := registry.Open(filepath.Join(GinkgoT().TempDir(), "state"), nil, cat)
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithCancel(context.Background())
		_, err = ppc.Test(ctx, reg, "PPC-0002", ppc.Options{Seed: 1, Opened: cancel})
		Expect(err).To(MatchError(ContainSubstring("PPC test of PPC-0002 interrupted")))
		after, err := registry.Open(reg.Dir, nil, cat)
		Expect(err).NotTo(HaveOccurred())
		Expect(after.Results).To(BeEmpty())
		e, _ := after.Lists.PPCEntry("PPC-0002")
		Expect(e.TestOpen).To(BeFalse())
	})
})

var _ = Describe("The PPC pack", func() {
	It("validates, and runs on its own on the default fleet with its defaults", func() {
		scs, err := (&scenarios.Loader{}).Load(fixtures.FS, fixtures.PPCPack)
		Expect(err).NotTo(HaveOccurred())
		Expect(len(scs)).To(BeNumerically(">=", 30))
		res := scenarios.Run(context.Background(), scenarios.Cases(scs), scenarios.Options{Seed: 3})
		unsupported := map[string]string{}
		for _, c := range res.Cases {
			if c.Name == maxDemandCase || c.Name == esmeAlertBehaviour {
				unsupported[c.Name] = c.Failure
				continue
			}
			Expect(c.Status).To(Equal(scenarios.Passed), "%s: %s", c.Name, c.Failure)
		}
		// The default fleet's E470 declares 4.12.1 and 6.2.10 unsupported: on their own these
		// cases meet its E11 (a PPC test lists them not applicable); they pass where supported.
		Expect(unsupported).To(HaveKeyWithValue(maxDemandCase, ContainSubstring("expected I99, got E11 (Device Model acme-e470@1.4.2 does not support 4.12.1")))
		Expect(unsupported).To(HaveKeyWithValue(esmeAlertBehaviour, ContainSubstring("expected I99, got E11 (Device Model acme-e470@1.4.2 does not support 6.2.10")))
	})

	It("runs the cases of the SRVs the E470 lacks on a combination whose ESME supports them", func() {
		reg, err := registry.Open(filepath.Join(GinkgoT().TempDir(), "state"), nil, cat)
		Expect(err).NotTo(HaveOccurred())
		sub, err := ppc.Submit(reg, request("danum-pp5-1.2-south.yaml"), time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC))
		Expect(err).NotTo(HaveOccurred())
		rep, err := ppc.Test(context.Background(), reg, sub.ID, ppc.Options{Seed: 5})
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Issues).To(BeEmpty())
		Expect(rep.Passed).To(BeTrue())
		Expect(rep.NotApplicable).NotTo(HaveKey(maxDemandCase))
		Expect(rep.NotApplicable).NotTo(HaveKey(esmeAlertBehaviour))
		passed := map[string]scenarios.Status{}
		for _, c := range rep.Result.Cases {
			passed[c.Name] = c.Status
		}
		Expect(passed).To(HaveKeyWithValue(maxDemandCase, scenarios.Passed))
		Expect(passed).To(HaveKeyWithValue(esmeAlertBehaviour, scenarios.Passed))
	})
})
