package report_test

import (
	"fmt"

	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/scenarios/report"
)

// Two shards of a run merge into the report the unsharded run would have written.
func ExampleMerge() {
	shard1 := &scenarios.Result{Seed: 42, Shard: "1/2", Cases: []scenarios.CaseResult{
		{ID: "a.yaml::A[10]", File: "a.yaml", Status: scenarios.Passed},
		{ID: "a.yaml::A[2]", File: "a.yaml", Status: scenarios.Failed, Failure: "a.yaml:9:5: code: got E19, want I0"},
	}}
	shard2 := &scenarios.Result{Seed: 42, Shard: "2/2", Cases: []scenarios.CaseResult{
		{ID: "a.yaml::A[1]", File: "a.yaml", Status: scenarios.Skipped, Skip: "after --fail-fast"},
	}}
	shard1.Tally()
	shard2.Tally()
	all, err := report.Merge(shard1, shard2)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range all.Cases {
		fmt.Println(c.ID, c.Status)
	}
	fmt.Println(report.Summary(all))
	// Output:
	// a.yaml::A[1] skipped
	// a.yaml::A[2] failed
	// a.yaml::A[10] passed
	// 1 passed, 1 failed, 1 skipped
}
