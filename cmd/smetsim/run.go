package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios"
	scenarioreport "github.com/smetsim/smetsim/scenarios/report"
)

type runOptions struct {
	parallel  int
	shard     string
	seed      uint64
	seedSet   bool
	tags      string
	failFast  bool
	reportDir string
	dcc       string
	users     string
	dccCert   string
	listen    string
}

func newRunCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	opts := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run [PATH...]",
		Short: "Run scenario files and folders (no path: the built-in smoke suite)",
		Long: `Run scenarios as a DCC User would: each test case (a scenario, or one row of its parameters)
gets its own emulated premises, mock DCC and virtual clock, sends its service requests over DUIS
with the users' keys, and checks the answers, the asynchronous responses, the alerts and the
devices. Time is virtual: a case that advances a day takes milliseconds.

Without a path it runs the smoke suite built into the binary (fixtures/scenarios/smoke) on the
built-in fleet, users and mock DCC: no hardware, no network. With --dcc it runs against another
DUIS endpoint instead; steps that need the emulator's insides (device, han, fault) are then
reported skipped, never passed.

Every run has a seed (printed first; --seed to reuse one): the run, and any case of it,
reproduces from it, and every failure prints it. The run ends with "N passed, N failed, N skipped"
and exits 0 when all passed, 1 when a case failed, 2 on bad input. The format is
docs/scenarios.md.`,
		Example: `  smetsim run                                        # the smoke suite
  smetsim run fixtures/scenarios/regression --parallel 4 --report-dir out/
  smetsim run my-suite/ --tags 'ppc && !slow' --fail-fast
  smetsim run my-suite/ --shard 2/4 --seed 42 --report-dir shard2/   # then: smetsim report merge
  smetsim run my-suite/ --dcc http://dcc.test:8079 --users users.yaml --dcc-cert dcc.pem --listen :8090`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.seedSet = cmd.Flags().Changed("seed")
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runRun(ctx, io, opts, g, args)
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.parallel, "parallel", 0, "test cases run at once (0: one per CPU)")
	f.StringVar(&opts.shard, "shard", "", "run only shard K of N (K/N), splitting the test cases deterministically")
	f.Uint64Var(&opts.seed, "seed", 0, "the run's seed (default: a new one, printed)")
	f.StringVar(&opts.tags, "tags", "", "only scenarios whose tags satisfy this expression: &&, ||, !, parentheses")
	f.BoolVar(&opts.failFast, "fail-fast", false, "start no more test cases after the first failure")
	f.StringVar(&opts.reportDir, "report-dir", "", "write junit.xml, report.json and report.html here")
	f.StringVar(&opts.dcc, "dcc", "", "run against this DUIS endpoint (base URL) instead of the in-process mock DCC")
	f.StringVar(&opts.users, "users", "", "with --dcc: users file with each user's key and certificate")
	f.StringVar(&opts.dccCert, "dcc-cert", "", "with --dcc: PEM file with the DCC's (and the S1SP's) certificates")
	f.StringVar(&opts.listen, "listen", "", "with --dcc: where the Receive Response Service listens (host:port; that DCC must post there)")
	return cmd
}

func runRun(ctx context.Context, io *IOStreams, opts *runOptions, g *globalOptions, paths []string) error {
	if opts.parallel < 0 {
		return badInputf("--parallel %d: want 0 (one per CPU) or more", opts.parallel)
	}
	if opts.dcc == "" && (opts.users != "" || opts.dccCert != "" || opts.listen != "") {
		return badInputf("--users, --dcc-cert and --listen go with --dcc")
	}
	if opts.dcc != "" && (opts.users == "" || opts.dccCert == "" || opts.listen == "") {
		return badInputf("--dcc needs --users, --dcc-cert and --listen")
	}
	var filter *scenarios.TagExpr
	if opts.tags != "" {
		t, err := scenarios.ParseTags(opts.tags)
		if err != nil {
			return badInputf("--tags: %v", err)
		}
		filter = t
	}
	k, n := 1, 1
	if opts.shard != "" {
		var err error
		if k, n, err = scenarios.ParseShard(opts.shard); err != nil {
			return badInputf("--shard: %v", err)
		}
	}

	loader := &scenarios.Loader{}
	if g.fixtures != "" {
		fsys, err := g.fixturesFS()
		if err != nil {
			return err
		}
		loader.Fixtures = fsys
	}
	var (
		scs []*scenarios.Scenario
		err error
	)
	if len(paths) == 0 {
		scs, err = loader.Load(fixtures.FS, fixtures.SmokeSuite)
	} else {
		scs, err = loader.LoadFiles(paths...)
	}
	if err != nil {
		var le *scenarios.LoadError
		if errors.As(err, &le) {
			for _, e := range le.Errors {
				fmt.Fprintln(io.ErrOut, e)
			}
			return badInputf("%s: nothing was run", plural(len(le.Errors), "mistake"))
		}
		return badInputf("%v", err)
	}
	cases := scenarios.Cases(scs)
	if filter != nil {
		cases = filter.Filter(cases)
	}
	if opts.shard != "" {
		cases = scenarios.Shard(cases, k, n)
	}

	seed := opts.seed
	if !opts.seedSet {
		var b [8]byte
		_, _ = rand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:])
	}
	where := "the in-process mock DCC"
	if opts.dcc != "" {
		where = opts.dcc
	}
	fmt.Fprintf(io.ErrOut, "smetsim run: %s against %s, seed %d\n", plural(len(cases), "test case"), where, seed)

	progress := scenarioreport.NewProgress(io.ErrOut, io.IsTerminal)
	progress.Start(len(cases))
	res := scenarios.Run(ctx, cases, scenarios.Options{Parallel: opts.parallel, Seed: seed, FailFast: opts.failFast,
		DCC: opts.dcc, Users: opts.users, DCCCert: opts.dccCert, Listen: opts.listen, Progress: progress.Case})
	progress.Finish()
	if opts.shard != "" {
		res.Shard = fmt.Sprintf("%d/%d", k, n)
	}
	res.Tally()
	if opts.reportDir != "" {
		if err := scenarioreport.WriteDir(opts.reportDir, res); err != nil {
			return failure{fmt.Errorf("--report-dir: %w", err)}
		}
		fmt.Fprintf(io.ErrOut, "reports in %s (junit.xml, report.json, report.html)\n", opts.reportDir)
	}
	fmt.Fprintln(io.Out, scenarioreport.Summary(res))
	if ctx.Err() != nil {
		return failure{errors.New("interrupted: the cases not finished are skipped")}
	}
	if res.Failed > 0 {
		return failure{fmt.Errorf("%s failed (seed %d: rerun with --seed %d)", plural(res.Failed, "test case"), seed, seed)}
	}
	return nil
}
