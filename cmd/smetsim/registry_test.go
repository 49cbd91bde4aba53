package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios/ppc"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/registry"
)

const requestDir = "../../fixtures/requests"

var _ = Describe("cpl, epc and ppc list", func() {
	It("print the CPL as a table and as JSON", func() {
		r := smetsim("cpl", "list", "--state", GinkgoT().TempDir())
		Expect(r.code).To(Equal(exitOK), r.errOut)
		Expect(r.out).To(HavePrefix("TYPE "))
		Expect(r.out).To(MatchRegexp(`ESME\s+Acme Metering Ltd\s+E470\s+2.1\s+1.4.2\s+Active\s+2019-06-03`))
		r = smetsim("cpl", "list", "--json", "--state", GinkgoT().TempDir())
		Expect(r.code).To(Equal(exitOK), r.errOut)
		var rows []CPLRowJSON
		decodeJSON(r.out, &rows)
		Expect(rows).To(HaveLen(25))
		Expect(rows[0]).To(Equal(CPLRowJSON{"ESME", "Acme Metering Ltd", "E470", "2.1", "1.4.2", "", "Active", "2019-06-03"}))
	})

	It("print the EPC and PPC lists, from the state directory once a workflow wrote it", func() {
		state := GinkgoT().TempDir()
		r := smetsim("epc", "list", "--json", "--state", state)
		Expect(r.code).To(Equal(exitOK), r.errOut)
		var epc []CombinationJSON
		decodeJSON(r.out, &epc)
		Expect(epc).To(HaveLen(5))
		Expect(epc[0]).To(Equal(CombinationJSON{ID: "EPC-0001", CSP: "Central", CHF: "acme-ch1@4.1.0", ESME: "acme-e470@1.4.2",
			GPF: "acme-gp1@4.1.0", GSME: "acme-g4@1.0.7", PPMID: "acme-pd2@2.1", DateAdded: "2021-03-01"}))

		r = smetsim("ppc", "request", filepath.Join(requestDir, "danum-pp5-1.2-south.yaml"), "--state", state)
		Expect(r.code).To(Equal(exitOK), r.errOut)
		Expect(r.out).To(Equal("PPC-0005\n"))

		r = smetsim("ppc", "list", "--state", state)
		Expect(r.code).To(Equal(exitOK), r.errOut)
		Expect(r.out).To(MatchRegexp(`PPC-0005\s+South\s+cotswold-cc3@7.2\s+cotswold-sp3@2.2\s+cotswold-gp3@7.2\s+danum-dg10@5.1\s+danum-pp5@1.2\s+\d{4}-\d\d-\d\d\s+closed\s+-`))
		r = smetsim("ppc", "list", "--json", "--state", state)
		var pending []CombinationJSON
		decodeJSON(r.out, &pending)
		Expect(pending).To(HaveLen(5))
		Expect(pending[4].RequestedBy).To(Equal("90-B3-D5-1F-30-01-00-00"))
	})

	It("exit 2 naming the file, line and field of a bad state file", func() {
		state := GinkgoT().TempDir()
		Expect(smetsim("ppc", "request", filepath.Join(requestDir, "danum-pp5-1.2-south.yaml"), "--state", state).code).To(Equal(exitOK))
		p := filepath.Join(state, registry.Current, registry.PPCFile)
		data, err := os.ReadFile(p)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(p, []byte(strings.Replace(string(data), ",closed\n", ",ajar\n", 1)), 0o644)).To(Succeed())
		r := smetsim("ppc", "list", "--state", state)
		Expect(r.code).To(Equal(exitBadInput))
		Expect(r.errOut).To(MatchRegexp(`ppc.csv:\d+:\d+: test: "ajar"`))
		r = smetsim("serve", "--addr", "127.0.0.1:0", "--state", state)
		Expect(r.code).To(Equal(exitBadInput), "the mock DCC serves the state directory's lists")
		Expect(r.errOut).To(MatchRegexp(`ppc.csv:\d+:\d+: test: "ajar"`))
	})
})

var _ = Describe("ppc request", func() {
	It("refuses a model not on the CPL with exit 2 and the reason", func() {
		r := smetsim("ppc", "request", filepath.Join(requestDir, "britannia-bm200-3.2.0-rc1.yaml"), "--state", GinkgoT().TempDir())
		Expect(r.code).To(Equal(exitBadInput))
		Expect(r.errOut).To(ContainSubstring("request refused: ESME: Device Model britannia-bm200@3.2.0-rc1"))
		Expect(r.out).To(BeEmpty())
	})

	It("refuses a bad request file naming its line and field", func() {
		p := duisTemp("req.yaml", "requested_by: 90-B3-D5-1F-30-01-00-00\ncsp: Central\nmodels:\n  CHF: acme-ch1@4.1.0\n  ESME: acme-e470@1.4.2\n  GPF: acme-gp1@4.1.0\n")
		r := smetsim("ppc", "request", p, "--state", GinkgoT().TempDir())
		Expect(r.code).To(Equal(exitBadInput))
		Expect(r.errOut).To(ContainSubstring("req.yaml:3:1: models: a GPF and a GSME come together"))
	})
})

var _ = Describe("ppc test", func() {
	It("passes the clean combination: exit 0, on the EPC", func() {
		state, out := GinkgoT().TempDir(), GinkgoT().TempDir()
		r := smetsim("ppc", "test", "PPC-0003", "--state", state, "--seed", "5", "--report-dir", out)
		Expect(r.code).To(Equal(exitOK), r.errOut)
		Expect(r.out).To(MatchRegexp(`PPC-0003 passed: on the EPC as EPC-0006, dated 2026-\d\d-\d\d\n$`))
		for _, f := range []string{ppc.ConfidentialJSON, ppc.ConfidentialHTML, ppc.ShareableJSON, ppc.ShareableHTML, ppc.JUnitFile} {
			Expect(filepath.Join(out, f)).To(BeAnExistingFile())
		}
		r = smetsim("epc", "list", "--state", state)
		Expect(r.out).To(MatchRegexp(`EPC-0006\s+Central\s+acme-ch1@4.1.0\s+acme-e470@1.4.2\s+acme-gp1@4.0.0`))
	})

	It("fails the faulty combination: exit 1, the issue printed, and a later requester sees the notice", func() {
		state, out := GinkgoT().TempDir(), GinkgoT().TempDir()
		r := smetsim("ppc", "test", "PPC-0002", "--state", state, "--seed", "5", "--policy", "notice", "--report-dir", out)
		Expect(r.code).To(Equal(exitFailed), r.errOut)
		Expect(r.out).To(ContainSubstring("issue: 4.11.1 Read Tariff (Primary Element)"))
		Expect(r.out).To(ContainSubstring("expected Electricity/TariffThresholdMatrix/ElecTariffThresholds/BlockThreshold[1] == 5000; observed"))
		Expect(r.errOut).To(ContainSubstring("the combination stays pending"))
		var sh ppc.Shareable
		data, err := os.ReadFile(filepath.Join(out, ppc.ShareableJSON))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(data, &sh)).To(Succeed())
		Expect(sh.Notice).To(Equal(registry.NoticeText))

		r = smetsim("ppc", "request", filepath.Join(requestDir, "acme-e470-1.5.0.yaml"), "--state", state)
		Expect(r.code).To(Equal(exitOK), r.errOut)
		Expect(r.out).To(Equal("PPC-0002\n"))
		Expect(r.errOut).To(ContainSubstring("notice from its last PPC test: issues were encountered with this combination"))
	})

	It("refuses an unknown id and an unknown policy with exit 2", func() {
		r := smetsim("ppc", "test", "PPC-0099", "--state", GinkgoT().TempDir())
		Expect(r.code).To(Equal(exitBadInput))
		Expect(r.errOut).To(ContainSubstring("no pending combination PPC-0099"))
		r = smetsim("ppc", "test", "PPC-0002", "--policy", "all", "--state", GinkgoT().TempDir())
		Expect(r.code).To(Equal(exitBadInput))
		Expect(r.errOut).To(ContainSubstring("want none, notice or summary"))
	})
})

var _ = Describe("Killing ppc test mid-run", Ordered, func() {
	var bin string
	BeforeAll(func() {
		var err error
		bin, err = gexec.Build("github.com/smetsim/smetsim/cmd/smetsim")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(gexec.CleanupBuildArtifacts)
	})

	It("leaves the registry files valid: the old lists or the new, never half", func() {
		cat, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
		Expect(err).NotTo(HaveOccurred())
		state := filepath.Join(GinkgoT().TempDir(), "state")
		test := func(id string) *exec.Cmd {
			return exec.Command(bin, "ppc", "test", id, "--state", state, "--seed", "1", "--parallel", "1")
		}
		// One whole run first: it records an outcome, and says how long a run takes on this
		// machine now, so that the kills below spread over a whole run however loaded it is.
		t0 := time.Now()
		Expect(test("PPC-0002").Run()).To(HaveOccurred(), "the faulty combination fails")
		whole := time.Since(t0)

		check := func(i int) {
			GinkgoHelper()
			reg, err := registry.Open(state, nil, cat)
			Expect(err).NotTo(HaveOccurred(), "after run %d the registry does not read", i)
			Expect(len(reg.Lists.EPC())+len(reg.Lists.PPC())).To(Equal(9), "every combination on exactly one list")
			Expect(reg.Results).NotTo(BeEmpty(), "the first run's outcome is kept")
			for _, f := range []string{registry.EPCFile, registry.PPCFile, registry.ResultsFile} {
				Expect(filepath.Join(state, registry.Current, f)).To(BeAnExistingFile(), "a generation is whole")
			}
		}
		// writing reports whether a commit is under way: a temporary file or generation exists.
		writing := func() bool {
			ents, _ := os.ReadDir(state)
			for _, e := range ents {
				if strings.HasPrefix(e.Name(), ".") {
					return true
				}
			}
			return false
		}
		rng := rand.New(rand.NewPCG(1, 2))
		killed, midWrite := 0, 0
		for i := range 24 {
			// Alternate the faulty and the clean combination, so kills land on promotions too.
			cmd := test([]string{"PPC-0002", "PPC-0003"}[i%2])
			Expect(cmd.Start()).To(Succeed())
			if n := i % 3; n < 2 {
				// Kill on the first sight of the (n+1)th commit in progress: the test opening, or
				// its outcome (for the clean combination: the promotion to the EPC).
				deadline := time.Now().Add(2 * whole)
				seen := false
				for time.Now().Before(deadline) {
					if w := writing(); w && n == 0 {
						seen = true
						break
					} else if w {
						for writing() && time.Now().Before(deadline) {
							time.Sleep(20 * time.Microsecond)
						}
						n--
					}
					time.Sleep(20 * time.Microsecond)
				}
				if seen {
					midWrite++
				}
			} else {
				time.Sleep(time.Duration(rng.Int64N(int64(whole))))
			}
			_ = cmd.Process.Signal(syscall.SIGKILL)
			_ = cmd.Wait()
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				killed++
			} else {
				Expect(cmd.ProcessState.ExitCode()).To(BeElementOf(exitOK, exitFailed, exitBadInput))
			}
			check(i)
		}
		Expect(killed).To(BeNumerically(">", 5), "most runs were killed mid-way")
		Expect(midWrite).To(BeNumerically(">", 0), "some kills landed while a commit was being written")
		AddReportEntry("kills", fmt.Sprintf("%d of 24 runs killed, %d while a commit was being written; a whole run took %s", killed, midWrite, whole))
	})
})
