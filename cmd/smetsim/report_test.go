package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/scenarios"
	scenarioreport "github.com/smetsim/smetsim/scenarios/report"
)

// shardReport writes the report of shard k of n of a run with the given cases (ID → status).
func shardReport(k, n int, seed uint64, cases map[string]scenarios.Status) string {
	GinkgoHelper()
	r := &scenarios.Result{Seed: seed, Shard: fmt.Sprintf("%d/%d", k, n), DCC: "in-process",
		Started: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), Wall: time.Duration(k) * time.Second}
	for id, st := range cases {
		c := scenarios.CaseResult{ID: "s.yaml::" + id, Name: id, File: "s.yaml", Status: st, Seed: seed + 1,
			Steps: []scenarios.StepResult{{Kind: scenarios.StepSend, Name: "send 8.2 as supplier to DCC", Status: st,
				Messages: []scenarios.Evidence{{Kind: "request", XML: "<sr:Request/>"}}}}}
		if st == scenarios.Failed {
			c.Failure = "s.yaml:3:5: code: got E19, want I0"
		}
		if st == scenarios.Skipped {
			c.Skip = "after --fail-fast"
		}
		r.Cases = append(r.Cases, c)
	}
	r.Tally()
	dir := filepath.Join(GinkgoT().TempDir(), fmt.Sprintf("shard-%d", k))
	Expect(scenarioreport.WriteDir(dir, r)).To(Succeed())
	return dir
}

var _ = Describe("report merge", func() {
	var one, two string
	BeforeEach(func() {
		one = shardReport(1, 2, 42, map[string]scenarios.Status{"A": scenarios.Passed, "B": scenarios.Failed})
		two = shardReport(2, 2, 42, map[string]scenarios.Status{"C": scenarios.Passed, "D": scenarios.Skipped})
	})

	It("merges shard reports into one directory and prints the totals", func() {
		out := filepath.Join(GinkgoT().TempDir(), "all")
		r := smetsim("report", "merge", "--out", out, one, two)
		Expect(r.code).To(Equal(exitOK), r.errOut)
		Expect(r.out).To(Equal(fmt.Sprintf("merged 2 reports into %s: 2 passed, 1 failed, 1 skipped\n", out)))
		Expect(r.errOut).To(BeEmpty())
		for _, f := range []string{"junit.xml", "report.json", "report.html"} {
			Expect(filepath.Join(out, f)).To(BeARegularFile())
		}
		merged, err := scenarioreport.Read(out)
		Expect(err).NotTo(HaveOccurred())
		Expect(merged.Shard).To(BeEmpty())
		Expect(merged.Wall).To(Equal(2 * time.Second))
		Expect(merged.Cases).To(HaveLen(4))
		Expect(merged.Cases[0].ID).To(Equal("s.yaml::A"))
	})

	It("warns when shards are missing, and merges into one of its inputs", func() {
		r := smetsim("report", "merge", "--out", one, one)
		Expect(r.code).To(Equal(exitOK), r.errOut)
		Expect(r.errOut).To(Equal("smetsim: warning: the merged report covers shards 1/2 only\n"))
		Expect(r.out).To(ContainSubstring("1 passed, 1 failed, 0 skipped"))
	})

	DescribeTable("refuses bad input with exit code 2 and the reason",
		func(args func() []string, want func() string) {
			r := smetsim(append([]string{"report", "merge"}, args()...)...)
			Expect(r.code).To(Equal(exitBadInput))
			Expect(r.errOut).To(ContainSubstring(want()))
		},
		Entry("no --out", func() []string { return []string{one} }, func() string { return "smetsim: --out DIR is required" }),
		Entry("no report directory", func() []string { return []string{"--out", "x"} }, func() string { return "requires at least 1 arg" }),
		Entry("a directory without a report", func() []string { return []string{"--out", "x", one, "nowhere"} },
			func() string { return "nowhere/report.json: no such file or directory" }),
		Entry("the same shard twice", func() []string { return []string{"--out", "x", one, one} },
			func() string { return fmt.Sprintf("merge: shard 1/2 is in %s and in %s", one, one) }),
		Entry("different seeds", func() []string {
			return []string{"--out", "x", one, shardReport(2, 2, 7, map[string]scenarios.Status{"C": scenarios.Passed})}
		}, func() string { return "ran with seed 42" }),
		Entry("the same case in two shards", func() []string {
			return []string{"--out", "x", one, shardReport(2, 2, 42, map[string]scenarios.Status{"A": scenarios.Passed})}
		}, func() string { return `merge: case "s.yaml::A" is in ` }),
		Entry("a broken report.json", func() []string {
			Expect(os.WriteFile(filepath.Join(two, "report.json"), []byte("{\n  \"seed\": \"x\"\n}"), 0o644)).To(Succeed())
			return []string{"--out", "x", one, two}
		}, func() string {
			return filepath.Join(two, "report.json") + ":2:11: seed: want a whole number, got string"
		}),
	)

	It("refuses an --out it cannot write", func() {
		file := filepath.Join(GinkgoT().TempDir(), "file")
		Expect(os.WriteFile(file, nil, 0o644)).To(Succeed())
		r := smetsim("report", "merge", "--out", filepath.Join(file, "sub"), one, two)
		Expect(r.code).To(Equal(exitBadInput))
		Expect(r.errOut).To(ContainSubstring("smetsim: --out: write report"))
	})
})
