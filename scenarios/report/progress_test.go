package report_test

import (
	"bytes"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/scenarios/report"
)

var _ = Describe("Progress", func() {
	It("writes one plain line a case when not on a terminal", func() {
		var out bytes.Buffer
		p := report.NewProgress(&out, false)
		r := sampleResult()
		p.Start(len(r.Cases))
		for _, c := range r.Cases {
			p.Case(c)
		}
		p.Finish()
		Expect(strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")).To(Equal([]string{
			"PASS Disable supply (1.2s)",
			"FAIL Disable supply by model [model=ACME-2]: " + supplyFile + ":14:5: supply: got enabled, want disabled",
			"PASS Disable supply by model [model=ACME-3] (300ms)",
			"SKIP Top up: after --fail-fast",
			"FAIL Top up <b>hostile</b>: " + topUpFile + ":7:3: " + strings.ReplaceAll(hostile, "\x01", "\uFFFD"),
		}))
	})

	It("indents a failure's later lines and names a skipped step's reason when the case has none", func() {
		var out bytes.Buffer
		p := report.NewProgress(&out, false)
		p.Start(2)
		p.Case(scenarios.CaseResult{Name: "multi", Status: scenarios.Failed, Failure: "a.yaml:1:1: first\nsecond", Seed: 9})
		p.Case(scenarios.CaseResult{ID: "b.yaml::B", Status: scenarios.Skipped, Steps: []scenarios.StepResult{{Status: scenarios.Skipped, Skip: "needs a real DCC"}}})
		Expect(out.String()).To(Equal("FAIL multi: a.yaml:1:1: first\n    second\nSKIP b.yaml::B: needs a real DCC\n"))
	})

	It("shows a bar of cases done and failed on a terminal, failures above it, and clears it at the end", func() {
		var out bytes.Buffer
		p := report.NewProgress(&out, true)
		r := sampleResult()
		p.Start(len(r.Cases))
		Expect(out.String()).To(ContainSubstring("(0/5"))
		for _, c := range r.Cases[:4] {
			p.Case(c)
		}
		shown := out.String()
		Expect(shown).To(ContainSubstring("(4/5"))
		Expect(shown).To(ContainSubstring("cases, 1 failed"))
		Expect(shown).To(MatchRegexp(`\rFAIL Disable supply by model \[model=ACME-2\]: .*\n.*\(2/5`), "the failure is printed where the bar was, and the bar comes back")
		Expect(shown).NotTo(ContainSubstring("PASS "), "passes only move the bar")
		p.Case(r.Cases[4])
		p.Finish()
		Expect(out.String()).NotTo(ContainSubstring("\x01"))
		Expect(out.String()).NotTo(ContainSubstring("(5/5"), "the bar is gone at the end, for the summary line")
	})

	It("shows no bar for a run of no cases", func() {
		var out bytes.Buffer
		p := report.NewProgress(&out, true)
		p.Start(0)
		p.Finish()
		Expect(out.String()).To(BeEmpty())
	})

	It("takes cases from several goroutines", func() {
		var out bytes.Buffer
		p := report.NewProgress(&out, false)
		p.Start(100)
		var wg sync.WaitGroup
		for i := range 100 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p.Case(scenarios.CaseResult{Name: "c", Status: []scenarios.Status{scenarios.Passed, scenarios.Failed}[i%2]})
			}()
		}
		wg.Wait()
		p.Finish()
		Expect(strings.Count(out.String(), "PASS c")).To(Equal(50))
		Expect(strings.Count(out.String(), "FAIL c")).To(Equal(50))
	})
})
