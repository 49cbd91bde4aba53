package main

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// sitTemp writes a matrix file in the spec's temporary directory.
func sitTemp(content string) string {
	GinkgoHelper()
	path := filepath.Join(GinkgoT().TempDir(), "matrix.yaml")
	Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
	return path
}

var _ = Describe("sit run", func() {
	It("runs the fixture matrix: the table, the coverage line last, the reports, exit 1 for the failing combinations", func() {
		dir := GinkgoT().TempDir()
		r := smetsim("sit", "run", "--seed", "5", "--report-dir", dir, "--state", filepath.Join(dir, "no-state"))
		Expect(r.code).To(Equal(exitFailed), r.errOut)
		Expect(r.out).To(MatchRegexp(`(?m)^FAIL +acme-e470-1\.5\.0 +468,000 +\d+ pass, 1 fail \(1\.1\.1\), 1 declared variation \(4\.12\.1\), 0 n/a$`))
		Expect(r.out).To(MatchRegexp(`(?m)^PASS +britannia-2022 +305,000 `))
		Expect(r.out).To(HaveSuffix("\ncoverage: 83.2% of installed base\n"))
		Expect(r.errOut).To(ContainSubstring("smetsim sit run: 14 combinations of packs/sit/matrix.yaml"))
		Expect(r.errOut).To(ContainSubstring("FAIL [acme-e470-1.5.0] SIT 1.1.1"))
		Expect(r.errOut).To(ContainSubstring("2 combinations failed: acme-e470-1.5.0, acme-e470-1.5.0-elec (seed 5: rerun with --seed 5)"))
		for _, f := range []string{"junit.xml", "sit.json", "sit.html"} {
			Expect(filepath.Join(dir, f)).To(BeAnExistingFile())
		}
	})

	It("exits 0 when every combination passes, and prints the report with --json", func() {
		m := sitTemp(`name: two
combinations:
  - {id: britannia-elec, csp: North, CHF: elmstead-hub2@2.0, ESME: britannia-bm200@3.1.0, population: 3}
  - {id: cotswold-elec, csp: South, CHF: cotswold-cc3@7.2, ESME: cotswold-sp3@2.2, PPMID: danum-pp5@1.1, population: 1}
`)
		r := smetsim("sit", "run", "--matrix", m, "--seed", "9", "--json", "--parallel", "2")
		Expect(r.code).To(Equal(exitOK), r.errOut)
		var rep struct {
			Coverage     float64 `json:"coverage_percent"`
			Population   int64   `json:"population"`
			Combinations []struct {
				ID     string `json:"id"`
				Passed bool   `json:"passed"`
			} `json:"combinations"`
		}
		decodeJSON(r.out, &rep)
		Expect(rep.Coverage).To(Equal(100.0))
		Expect(rep.Population).To(Equal(int64(4)))
		Expect(rep.Combinations).To(HaveLen(2))
	})

	DescribeTable("exits 2 on bad input, naming the place of the mistake",
		func(args func() []string, want string) {
			r := smetsim(append([]string{"sit", "run"}, args()...)...)
			Expect(r.code).To(Equal(exitBadInput), r.errOut)
			Expect(r.errOut).To(ContainSubstring(want))
		},
		Entry("an unknown model", func() []string {
			return []string{"--matrix", sitTemp("name: x\ncombinations:\n  - {id: a, CHF: acme-ch1@4.1.0, ESME: acme-e470@7, population: 1}\n")}
		}, `matrix.yaml:3:34: combinations[0].ESME: unknown model`),
		Entry("a combination the DCC does not serve", func() []string {
			return []string{"--matrix", sitTemp("name: x\ncombinations:\n  - {id: a, csp: South, CHF: acme-ch1@4.1.0, ESME: acme-e470@1.4.2, population: 1}\n")}
		}, "matrix.yaml:3:5: combinations[0]: a (CSP South, CHF acme-ch1@4.1.0, ESME acme-e470@1.4.2) is on neither the EPC nor the PPC list"),
		Entry("a missing matrix", func() []string { return []string{"--matrix", "/nonexistent/matrix.yaml"} }, "--matrix: open /nonexistent/matrix.yaml"),
		Entry("a negative --parallel", func() []string { return []string{"--parallel", "-1"} }, "--parallel -1"),
		Entry("a pack that is not a folder", func() []string { return []string{"--pack", "/nonexistent"} }, "--pack /nonexistent: not a folder"),
		Entry("a broken state list", func() []string {
			dir := GinkgoT().TempDir()
			Expect(os.MkdirAll(filepath.Join(dir, "gen-000001"), 0o755)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(dir, "gen-000001", "ppc.csv"), []byte("nonsense\n"), 0o644)).To(Succeed())
			Expect(os.Symlink("gen-000001", filepath.Join(dir, "current"))).To(Succeed())
			return []string{"--state", dir}
		}, "ppc.csv:1:1"),
	)

	It("has help with examples", func() {
		r := smetsim("sit", "run", "--help")
		Expect(r.code).To(Equal(exitOK))
		Expect(r.out).To(ContainSubstring("smetsim sit run --matrix my-matrix.yaml"))
		Expect(strings.Count(r.out, "--state")).To(BeNumerically(">=", 2))
	})
})
