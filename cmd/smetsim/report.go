package main

import (
	"fmt"

	"github.com/spf13/cobra"

	scenarioreport "github.com/smetsim/smetsim/scenarios/report"
)

func newReportCmd(io *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Work with scenario run reports (junit.xml, report.json, report.html)",
	}
	cmd.AddCommand(newReportMergeCmd(io))
	return cmd
}

type reportMergeOptions struct {
	out  string
	dirs []string
}

func newReportMergeCmd(io *IOStreams) *cobra.Command {
	opts := &reportMergeOptions{}
	cmd := &cobra.Command{
		Use:   "merge --out DIR DIR...",
		Short: "Merge the reports of a run's shards into one report",
		Long: `Merge the reports that "smetsim run --shard K/N --report-dir DIR" wrote for each shard of a
run into one report, as if the run had not been sharded: every case once, ordered by file then
row, totals recomputed, wall time the longest shard's. The reports are read from each DIR's
report.json; junit.xml, report.json and report.html are written to --out (which may be one of
the inputs: everything is read before anything is written, and each file is replaced
atomically).

Reports of different seeds or DCCs, with shards of different N, the same shard twice or the
same case twice are refused (exit code 2) with the reason. A merge of only some shards is
labelled with the shards it covers, and can be merged later with the rest.

Exit codes: 0 merged (whatever the cases' outcome: the report says it), 2 bad input.`,
		Example: `  # CI: four shards, each with its own report directory, then one report
  smetsim run --shard 1/4 --report-dir reports/1    # one job per shard, 2/4 to 4/4 alike
  smetsim report merge --out reports/all reports/1 reports/2 reports/3 reports/4`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dirs = args
			return runReportMerge(io, opts)
		},
	}
	cmd.Flags().StringVar(&opts.out, "out", "", "directory to write the merged junit.xml, report.json and report.html to (required)")
	return cmd
}

func runReportMerge(io *IOStreams, opts *reportMergeOptions) error {
	if opts.out == "" {
		return badInputf("--out DIR is required: where to write the merged report")
	}
	merged, err := scenarioreport.MergeDirs(opts.dirs...)
	if err != nil {
		return badInput{err}
	}
	if err := scenarioreport.WriteDir(opts.out, merged); err != nil {
		return badInputf("--out: %v", err)
	}
	if merged.Shard != "" {
		fmt.Fprintf(io.ErrOut, "smetsim: warning: the merged report covers shards %s only\n", merged.Shard)
	}
	fmt.Fprintf(io.Out, "merged %d reports into %s: %s\n", len(opts.dirs), opts.out, scenarioreport.Summary(merged))
	return nil
}
