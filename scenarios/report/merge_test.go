package report_test

import (
	"fmt"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/scenarios/report"
)

// shardsOf splits a run into n shard reports as the runner would: each case in exactly one
// shard, each shard's wall its own, totals its own.
func shardsOf(r *scenarios.Result, n int) []*scenarios.Result {
	out := make([]*scenarios.Result, n)
	for k := range out {
		out[k] = &scenarios.Result{Seed: r.Seed, Shard: fmt.Sprintf("%d/%d", k+1, n), Started: r.Started.Add(time.Duration(k) * time.Second),
			Wall: r.Wall - time.Duration(k)*time.Millisecond, DCC: r.DCC, Warnings: r.Warnings}
	}
	for i, c := range r.Cases {
		out[(i*7+3)%n].Cases = append(out[(i*7+3)%n].Cases, c)
	}
	for _, s := range out {
		s.Tally()
	}
	return out
}

var _ = Describe("Merge", func() {
	It("merges the shards of a run into the unsharded report", func() {
		whole := sampleResult()
		shards := shardsOf(whole, 3)
		merged, err := report.Merge(shards[2], shards[0], shards[1])
		Expect(err).NotTo(HaveOccurred())
		Expect(merged).To(Equal(whole))
		Expect(report.Summary(merged)).To(Equal(report.Summary(whole)))
	})

	It("gives the same report whatever the order of its inputs, and leaves them as they were", func() {
		shards := shardsOf(sampleResult(), 4)
		a, err := report.Merge(shards...)
		Expect(err).NotTo(HaveOccurred())
		b, err := report.Merge(shards[3], shards[1], shards[2], shards[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(a).To(Equal(b))
		Expect(shards).To(Equal(shardsOf(sampleResult(), 4)))
	})

	It("labels a merge of some shards with their list, which a later merge completes", func() {
		whole := sampleResult()
		shards := shardsOf(whole, 3)
		part, err := report.Merge(shards[2], shards[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(part.Shard).To(Equal("1/3,3/3"))
		Expect(part.Passed + part.Failed + part.Skipped).To(Equal(len(shards[0].Cases) + len(shards[2].Cases)))

		dir := GinkgoT().TempDir()
		Expect(report.WriteDir(dir, part)).To(Succeed())
		back, err := report.Read(dir)
		Expect(err).NotTo(HaveOccurred())
		all, err := report.Merge(back, shards[1])
		Expect(err).NotTo(HaveOccurred())
		Expect(all).To(Equal(whole))
	})

	It("orders cases by file, then by row with numbers compared as numbers", func() {
		var cases []scenarios.CaseResult
		for _, id := range []string{"b.yaml::B[10]", "a.yaml::A", "b.yaml::B[2]", "b.yaml::B[1]", "a.yaml::A[03]"} {
			cases = append(cases, scenarios.CaseResult{ID: id, File: id[:6], Status: scenarios.Passed})
		}
		merged, err := report.Merge(&scenarios.Result{Cases: cases[:2]}, &scenarios.Result{Cases: cases[2:]})
		Expect(err).NotTo(HaveOccurred())
		var ids []string
		for _, c := range merged.Cases {
			ids = append(ids, c.ID)
		}
		Expect(ids).To(Equal([]string{"a.yaml::A", "a.yaml::A[03]", "b.yaml::B[1]", "b.yaml::B[2]", "b.yaml::B[10]"}))
		Expect(merged.Passed).To(Equal(5))
	})

	It("keeps every warning once and the earliest start", func() {
		a := &scenarios.Result{Started: t0.Add(time.Minute), Warnings: []string{"w1", "w2"}}
		b := &scenarios.Result{Started: t0, Warnings: []string{"w2", "w3"}}
		merged, err := report.Merge(a, b)
		Expect(err).NotTo(HaveOccurred())
		Expect(merged.Warnings).To(Equal([]string{"w1", "w2", "w3"}))
		Expect(merged.Started).To(Equal(t0))
		Expect(merged.Shard).To(BeEmpty())
	})

	DescribeTable("refuses reports that are not of one run",
		func(change func(shards []*scenarios.Result) []*scenarios.Result, want string) {
			_, err := report.Merge(change(shardsOf(sampleResult(), 3))...)
			Expect(err).To(MatchError(want))
		},
		Entry("the same case twice", func(s []*scenarios.Result) []*scenarios.Result {
			s[1].Cases = append(s[1].Cases, s[0].Cases[0])
			s[1].Tally()
			return s
		}, `merge: case "`+supplyFile+`::Disable supply" is in report 1 and in report 2`),
		Entry("different seeds", func(s []*scenarios.Result) []*scenarios.Result {
			s[2].Seed = 43
			return s
		}, "merge: report 1 ran with seed 42, report 3 with seed 43: shards of one run share their seed"),
		Entry("different DCCs", func(s []*scenarios.Result) []*scenarios.Result {
			s[1].DCC = "https://dcc.example:8443"
			return s
		}, `merge: report 1 ran against "in-process", report 2 against "https://dcc.example:8443"`),
		Entry("shards of different N", func(s []*scenarios.Result) []*scenarios.Result {
			s[1].Shard = "2/4"
			return s
		}, "merge: report 1 is sharded 3 ways, report 2 4 ways"),
		Entry("the same shard twice", func(s []*scenarios.Result) []*scenarios.Result {
			s[2].Shard = "1/3"
			return s
		}, "merge: shard 1/3 is in report 1 and in report 3"),
		Entry("a shard label that is not one", func(s []*scenarios.Result) []*scenarios.Result {
			s[2].Shard = "3 of 3"
			return s
		}, `merge: report 3: shard "3 of 3": want k/N (e.g. 2/4), or a comma-separated list of them`),
		Entry("nothing", func([]*scenarios.Result) []*scenarios.Result { return nil }, "merge: no reports"),
		Entry("a missing report", func(s []*scenarios.Result) []*scenarios.Result { return append(s, nil) }, "merge: report 4 is missing"),
	)
})

var _ = Describe("MergeDirs", func() {
	It("merges the reports in directories, naming them in its errors", func() {
		whole := sampleResult()
		var dirs []string
		for k, s := range shardsOf(whole, 2) {
			dir := filepath.Join(GinkgoT().TempDir(), fmt.Sprintf("shard-%d", k+1))
			Expect(report.WriteDir(dir, s)).To(Succeed())
			dirs = append(dirs, dir)
		}
		merged, err := report.MergeDirs(dirs...)
		Expect(err).NotTo(HaveOccurred())
		Expect(merged).To(Equal(whole))

		_, err = report.MergeDirs(dirs[0], dirs[1], dirs[0])
		Expect(err).To(MatchError(fmt.Sprintf("merge: shard 1/2 is in %s and in %s", dirs[0], dirs[0])))
		_, err = report.MergeDirs(dirs[0], filepath.Join(dirs[0], "nowhere"))
		Expect(err).To(MatchError(ContainSubstring(filepath.Join(dirs[0], "nowhere", "report.json"))))
	})
})
