package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios"
	scenarioreport "github.com/smetsim/smetsim/scenarios/report"
	"github.com/smetsim/smetsim/scenarios/sit"
	"github.com/smetsim/smetsim/simulator/registry"
)

type sitRunOptions struct {
	matrix    string
	pack      string
	reportDir string
	state     string
	parallel  int
	seed      uint64
	seedSet   bool
	json      bool
}

func newSITCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sit",
		Short: "Systems Integration Testing: prove a matrix of product combinations",
	}
	cmd.AddCommand(newSITRunCmd(io, g))
	return cmd
}

func newSITRunCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	opts := &sitRunOptions{}
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the SIT pack on every combination of a matrix and report the table and the coverage",
		Long: `Run SIT as the DCC ran it for SMETS1: every combination of the matrix (Device Models per
device kind, CSP, installed population) is fitted to the default fleet's rtds-reference premises
and proved with the SIT pack — an SRV set, alerts and HAN interoperability — all combinations'
cases in parallel on the in-process mock DCC. Each combination must be on the EPC or the PPC
(a pending one has its PPC test opened for the run); the lists are read from --state when it
holds them, else the built-in ones.

The outcome is a combination × SRV table: pass, fail, declared variation (a model of the
combination declares the SRV unsupported, and answers with the declared code) or not applicable
(the combination has no device for it); and the share of the installed base whose combinations
passed everything, printed last as "coverage: 83.2% of installed base". --report-dir receives
junit.xml, sit.json and sit.html (one self-contained page with the heat table).

Exit codes: 0 every combination passed, 1 a combination failed, 2 bad input (the matrix, the
pack, the lists, flags). Formats: docs/sit.md.`,
		Example: `  smetsim sit run                                    # the fixture matrix (fixtures/packs/sit/matrix.yaml)
  smetsim sit run --matrix my-matrix.yaml --report-dir out/ --seed 42
  smetsim sit run --state .smetsim-state/ --parallel 4   # lists as the PPC workflow left them
  smetsim sit run --pack my-pack/ --json | jq '.combinations[] | select(.passed | not) | .id'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.seedSet = cmd.Flags().Changed("seed")
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runSIT(ctx, io, opts, g)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.matrix, "matrix", "", "the SIT matrix file (default: the built-in fixtures/packs/sit/matrix.yaml)")
	f.StringVar(&opts.pack, "pack", "", "a folder of SIT pack scenarios (default: the built-in fixtures/packs/sit)")
	f.StringVar(&opts.reportDir, "report-dir", "", "write junit.xml, sit.json and sit.html here")
	f.StringVar(&opts.state, "state", registry.DefaultDir, "state directory: the registry's EPC and PPC lists (as `ppc test` commits them), when there, are the lists combinations are admitted by")
	f.IntVar(&opts.parallel, "parallel", 0, "test cases run at once, across combinations (0: one per CPU)")
	f.Uint64Var(&opts.seed, "seed", 0, "the run's seed (default: a new one, printed)")
	f.BoolVar(&opts.json, "json", false, "print the report (sit.json) instead of the table")
	return cmd
}

func runSIT(ctx context.Context, io *IOStreams, opts *sitRunOptions, g *globalOptions) error {
	if opts.parallel < 0 {
		return badInputf("--parallel %d: want 0 (one per CPU) or more", opts.parallel)
	}
	cat, err := g.catalogue()
	if err != nil {
		return err
	}
	var m *sit.Matrix
	if opts.matrix == "" {
		m, err = sit.LoadMatrix(fixtures.SITPack, fixtures.SITMatrix, cat)
	} else {
		var data []byte
		if data, err = os.ReadFile(opts.matrix); err != nil {
			return badInputf("--matrix: %v", err)
		}
		m, err = sit.ParseMatrix(opts.matrix, data, cat)
	}
	if err != nil {
		return badInput{err}
	}
	loader := &scenarios.Loader{Catalogue: cat}
	if g.fixtures != "" {
		if loader.Fixtures, err = g.fixturesFS(); err != nil {
			return err
		}
	}
	var p *sit.Pack
	if opts.pack == "" {
		p, err = sit.LoadPack(loader, fixtures.SITPack, fixtures.SITPackDir)
	} else if st, serr := os.Stat(opts.pack); serr != nil || !st.IsDir() {
		return badInputf("--pack %s: not a folder of scenario files", opts.pack)
	} else {
		p, err = sit.LoadPack(loader, os.DirFS(opts.pack), ".")
	}
	if err != nil {
		var le *scenarios.LoadError
		if errors.As(err, &le) {
			for _, e := range le.Errors {
				fmt.Fprintln(io.ErrOut, e)
			}
			return badInputf("the SIT pack: %s: nothing was run", plural(len(le.Errors), "mistake"))
		}
		return badInput{err}
	}
	lists, err := sit.StateLists(opts.state, cat)
	if err != nil {
		return badInputf("--state: %v", err)
	}
	seed := opts.seed
	if !opts.seedSet {
		var b [8]byte
		_, _ = rand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:])
	}
	fmt.Fprintf(io.ErrOut, "smetsim sit run: %s of %s, %s on the in-process mock DCC, seed %d\n",
		plural(len(m.Combinations), "combination"), m.File, plural(len(p.Scenarios), "pack scenario"), seed)
	progress := scenarioreport.NewProgress(io.ErrOut, io.IsTerminal)
	r, err := sit.Run(ctx, m, p, sit.Options{Parallel: opts.parallel, Seed: seed, Lists: lists,
		Start: progress.Start, Progress: progress.Case})
	progress.Finish()
	if err != nil {
		return badInput{err}
	}
	if opts.reportDir != "" {
		if err := r.WriteDir(opts.reportDir); err != nil {
			return failure{fmt.Errorf("--report-dir: %w", err)}
		}
		fmt.Fprintf(io.ErrOut, "reports in %s (%s, %s, %s)\n", opts.reportDir, sit.JUnitFile, sit.JSONFile, sit.HTMLFile)
	}
	if opts.json {
		var b strings.Builder
		if err := r.WriteJSON(&b); err != nil {
			return err
		}
		fmt.Fprint(io.Out, b.String())
	} else {
		fmt.Fprint(io.Out, sit.Table(r))
		fmt.Fprintln(io.Out, r.CoverageLine())
	}
	if ctx.Err() != nil {
		return failure{errors.New("interrupted: the cases not finished count as failed")}
	}
	if failed := r.Failed(); len(failed) > 0 {
		return failure{fmt.Errorf("%s failed: %s (seed %d: rerun with --seed %d)", plural(len(failed), "combination"), strings.Join(failed, ", "), seed, seed)}
	}
	return nil
}
