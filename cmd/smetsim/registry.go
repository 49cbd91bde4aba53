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
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/scenarios/ppc"
	"github.com/smetsim/smetsim/simulator/inventory"
	"github.com/smetsim/smetsim/simulator/registry"
)

// registryOptions locate the product registry: the fixtures (--fixtures) under the state
// directory (--state).
type registryOptions struct {
	state string
	json  bool
}

func (o *registryOptions) open(g *globalOptions) (*registry.Registry, error) {
	cat, err := g.catalogue()
	if err != nil {
		return nil, err
	}
	fsys, err := g.fixturesFS()
	if err != nil {
		return nil, err
	}
	reg, err := registry.Open(o.state, fsys, cat)
	if err != nil {
		return nil, badInput{err}
	}
	return reg, nil
}

func addStateFlag(cmd *cobra.Command, o *registryOptions) {
	cmd.Flags().StringVar(&o.state, "state", registry.DefaultDir, "state directory: the lists workflows change are read from and written to it")
}

func newCPLCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{Use: "cpl", Short: "The Central Products List (Device Models the DCC knows)"}
	opts := &registryOptions{}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the CPL",
		Long: `List the Central Products List: one row per Device Model (device type, manufacturer, model,
hardware and firmware version; the GBCS version is blank for SMETS1), its status and the date it
was added. The CPL comes from the state directory when it holds one, else from the fixtures.
Format: docs/registry.md.`,
		Example: "  smetsim cpl list\n  smetsim cpl list --json | jq '.[] | select(.device_type==\"ESME\")'",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := opts.open(g)
			if err != nil {
				return err
			}
			return runCPLList(io, opts, reg)
		},
	}
	list.Flags().BoolVar(&opts.json, "json", false, "print JSON")
	addStateFlag(list, opts)
	cmd.AddCommand(list)
	return cmd
}

// CPLRowJSON is how `cpl list --json` prints an entry.
type CPLRowJSON struct {
	DeviceType      string `json:"device_type"`
	Manufacturer    string `json:"manufacturer"`
	Model           string `json:"model"`
	HardwareVersion string `json:"hardware_version"`
	FirmwareVersion string `json:"firmware_version"`
	GBCSVersion     string `json:"gbcs_version"`
	Status          string `json:"status"`
	DateAdded       string `json:"date_added"`
}

func runCPLList(io *IOStreams, opts *registryOptions, reg *registry.Registry) error {
	rows := []CPLRowJSON{}
	for _, e := range reg.Catalogue.CPL {
		rows = append(rows, CPLRowJSON{e.DeviceType.String(), e.Manufacturer, e.Model, e.HardwareVersion, e.FirmwareVersion, e.GBCSVersion, e.Status, e.DateAdded.Format(time.DateOnly)})
	}
	if opts.json {
		return writeJSON(io, rows)
	}
	tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tMANUFACTURER\tMODEL\tHARDWARE\tFIRMWARE\tSTATUS\tADDED")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.DeviceType, r.Manufacturer, r.Model, r.HardwareVersion, r.FirmwareVersion, r.Status, r.DateAdded)
	}
	return tw.Flush()
}

func newEPCCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{Use: "epc", Short: "The Eligible Product Combinations list"}
	opts := &registryOptions{}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the eligible product combinations",
		Long: `List the EPC: the product combinations (a Device Model per device plus the comms service
provider) the DCC serves, with the date each was first added. A PPC test that passes adds its
combination here. Format: docs/registry.md.`,
		Example: "  smetsim epc list\n  smetsim epc list --state lab-state/ --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := opts.open(g)
			if err != nil {
				return err
			}
			return runEPCList(io, opts, reg)
		},
	}
	list.Flags().BoolVar(&opts.json, "json", false, "print JSON")
	addStateFlag(list, opts)
	cmd.AddCommand(list)
	return cmd
}

// CombinationJSON is how the list commands print an entry.
type CombinationJSON struct {
	ID          string `json:"id"`
	CSP         string `json:"csp"`
	CHF         string `json:"chf"`
	ESME        string `json:"esme"`
	GPF         string `json:"gpf"`
	GSME        string `json:"gsme"`
	PPMID       string `json:"ppmid"`
	DateAdded   string `json:"date_added,omitempty"`
	Requested   string `json:"requested,omitempty"`
	RequestedBy string `json:"requested_by,omitempty"`
	Test        string `json:"test,omitempty"`
	Notice      string `json:"notice,omitempty"`
}

func combinationJSON(id string, c inventory.Combination) CombinationJSON {
	return CombinationJSON{ID: id, CSP: c.CSP, CHF: c.Models[devices.KindCHF], ESME: c.Models[devices.KindESME],
		GPF: c.Models[devices.KindGPF], GSME: c.Models[devices.KindGSME], PPMID: c.Models[devices.KindPPMID]}
}

func runEPCList(io *IOStreams, opts *registryOptions, reg *registry.Registry) error {
	rows := []CombinationJSON{}
	for _, e := range reg.Lists.EPC() {
		r := combinationJSON(e.ID, e.Combination)
		r.DateAdded = e.DateAdded.Format(time.DateOnly)
		rows = append(rows, r)
	}
	if opts.json {
		return writeJSON(io, rows)
	}
	tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCSP\tCHF\tESME\tGPF\tGSME\tPPMID\tADDED")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.CSP, dash(r.CHF), dash(r.ESME), dash(r.GPF), dash(r.GSME), dash(r.PPMID), r.DateAdded)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newPPCCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ppc",
		Short: "Pending Product Combinations: list, request and test them",
		Long: `PPC testing: a combination that is not yet eligible (typically one device with new firmware)
is requested onto the PPC list, then its PPC test runs the PPC pack against it; on success it
moves to the EPC. Format and workflow: docs/ppc.md and docs/registry.md.`,
	}
	cmd.AddCommand(newPPCListCmd(io, g), newPPCRequestCmd(io, g), newPPCTestCmd(io, g))
	return cmd
}

func newPPCListCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	opts := &registryOptions{}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the pending product combinations",
		Long: `List the PPC: pending combinations, who requested each and when, whether its PPC test is open,
and what the last failed test's information-sharing policy lets others know.`,
		Example: "  smetsim ppc list\n  smetsim ppc list --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := opts.open(g)
			if err != nil {
				return err
			}
			return runPPCList(io, opts, reg)
		},
	}
	list.Flags().BoolVar(&opts.json, "json", false, "print JSON")
	addStateFlag(list, opts)
	return list
}

func runPPCList(io *IOStreams, opts *registryOptions, reg *registry.Registry) error {
	rows := []CombinationJSON{}
	for _, e := range reg.Lists.PPC() {
		r := combinationJSON(e.ID, e.Combination)
		r.Requested, r.RequestedBy, r.Test, r.Notice = e.Requested.Format(time.DateOnly), e.RequestedBy, "closed", reg.Notice(e.ID)
		if e.TestOpen {
			r.Test = "open"
		}
		rows = append(rows, r)
	}
	if opts.json {
		return writeJSON(io, rows)
	}
	tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCSP\tCHF\tESME\tGPF\tGSME\tPPMID\tREQUESTED\tTEST\tNOTICE")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.CSP, dash(r.CHF), dash(r.ESME), dash(r.GPF), dash(r.GSME), dash(r.PPMID), r.Requested, r.Test, dash(r.Notice))
	}
	return tw.Flush()
}

func newPPCRequestCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	opts := &registryOptions{}
	cmd := &cobra.Command{
		Use:   "request FILE",
		Short: "Request PPC testing of a combination; prints the PPC id",
		Long: `Put a product combination on the PPC list. FILE (YAML, docs/registry.md) names the Device Model
of each device, the comms service provider and the requesting DCC User. The request is refused
(exit 2) when a model is not on the CPL or the combination is already eligible. A combination
already pending is not listed twice: its id is printed, with the notice its last failed PPC test
may share under that test's policy.`,
		Example: `  smetsim ppc request e470-1.5.0.yaml           # prints e.g. PPC-0005
  smetsim ppc request e470-1.5.0.yaml --state lab-state/`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := opts.open(g)
			if err != nil {
				return err
			}
			return runPPCRequest(io, reg, args[0], time.Now())
		},
	}
	addStateFlag(cmd, opts)
	return cmd
}

func runPPCRequest(io *IOStreams, reg *registry.Registry, file string, now time.Time) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return badInputf("%v", err)
	}
	if len(data) > yamldoc.MaxSize {
		return badInputf("%s: %d bytes is too large for a request", file, len(data))
	}
	req, err := ppc.ParseRequest(file, data)
	if err != nil {
		return badInput{err}
	}
	sub, err := ppc.Submit(reg, req, now)
	var refused *ppc.Refused
	if errors.As(err, &refused) {
		return badInput{err}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(io.Out, sub.ID)
	if sub.Existing {
		fmt.Fprintf(io.ErrOut, "the combination is already pending as %s\n", sub.ID)
		if sub.Notice != "" {
			fmt.Fprintf(io.ErrOut, "notice from its last PPC test: %s\n", sub.Notice)
		}
	}
	return nil
}

type ppcTestOptions struct {
	registryOptions
	policy    string
	reportDir string
	seed      uint64
	seedSet   bool
	parallel  int
}

func newPPCTestCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	opts := &ppcTestOptions{}
	cmd := &cobra.Command{
		Use:   "test ID",
		Short: "Run the PPC test of a pending combination",
		Long: `Open the PPC test of a pending combination (the mock DCC then serves it), build it on the default
fleet's rtds-reference premises and run the PPC pack (fixtures/packs/ppc): the SRVs with read-back,
the declared variations, the alerts, HAN interoperability, the firmware path of an upgrade and the
target response times. On success the combination moves to the EPC, dated by the run's clock, and
the command exits 0; on failure it stays pending and the command exits 1. With --report-dir the
reports are written: ppc-confidential.{json,html} (every issue with its evidence, for the
requester), ppc-shareable.{json,html} (what --policy allows others to see) and junit.xml.`,
		Example: `  smetsim ppc test PPC-0003 --report-dir out/
  smetsim ppc test PPC-0002 --policy summary --report-dir out/ --seed 42
  smetsim ppc test PPC-0005 --state lab-state/ --policy notice`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.seedSet = cmd.Flags().Changed("seed")
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			reg, err := opts.open(g)
			if err != nil {
				return err
			}
			return runPPCTest(ctx, io, opts, reg, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.policy, "policy", "none", "information-sharing policy of the shareable report: none, notice or summary")
	f.StringVar(&opts.reportDir, "report-dir", "", "write ppc-confidential.{json,html}, ppc-shareable.{json,html} and junit.xml here")
	f.Uint64Var(&opts.seed, "seed", 0, "the run's seed (default: a new one, printed)")
	f.IntVar(&opts.parallel, "parallel", 0, "test cases run at once (0: one per CPU)")
	addStateFlag(cmd, &opts.registryOptions)
	return cmd
}

func runPPCTest(ctx context.Context, io *IOStreams, opts *ppcTestOptions, reg *registry.Registry, id string) error {
	policy, err := registry.ParsePolicy(opts.policy)
	if err != nil {
		return badInputf("--policy: %v", err)
	}
	if opts.parallel < 0 {
		return badInputf("--parallel %d: want 0 (one per CPU) or more", opts.parallel)
	}
	seed := opts.seed
	if !opts.seedSet {
		var b [8]byte
		_, _ = rand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:])
	}
	fmt.Fprintf(io.ErrOut, "smetsim ppc test %s: seed %d, policy %s\n", id, seed, policy)
	rep, err := ppc.Test(ctx, reg, id, ppc.Options{Policy: policy, Seed: seed, Parallel: opts.parallel})
	var nf *ppc.NotFound
	if errors.As(err, &nf) {
		return badInput{err}
	}
	if err != nil && ctx.Err() != nil {
		return failure{fmt.Errorf("%w; the combination stays pending, no outcome recorded", err)}
	}
	if err != nil {
		return err
	}
	if opts.reportDir != "" {
		if err := ppc.WriteReports(opts.reportDir, rep); err != nil {
			return fmt.Errorf("--report-dir: %w", err)
		}
		fmt.Fprintf(io.ErrOut, "reports in %s (%s)\n", opts.reportDir, strings.Join([]string{ppc.ConfidentialJSON, ppc.ConfidentialHTML, ppc.ShareableJSON, ppc.ShareableHTML, ppc.JUnitFile}, ", "))
	}
	for _, is := range rep.Issues {
		after := ""
		if is.After != "" {
			after = ", after " + is.After
		}
		fmt.Fprintf(io.Out, "issue: %s %s (%s%s): expected %s; observed %s\n", is.SRV, is.SRVName, is.Case, after, is.Expected, is.Observed)
	}
	for name, why := range rep.NotApplicable {
		fmt.Fprintf(io.ErrOut, "not applicable: %s: %s\n", name, why)
	}
	r := rep.Result
	fmt.Fprintf(io.Out, "%d passed, %d failed, %d skipped\n", r.Passed, r.Failed, r.Skipped)
	if !rep.Passed {
		issues := fmt.Sprintf("%d issues", len(rep.Issues))
		if len(rep.Issues) == 1 {
			issues = "1 issue"
		}
		return failure{fmt.Errorf("PPC test of %s failed: %s; the combination stays pending (seed %d: rerun with --seed %d)", id, issues, seed, seed)}
	}
	fmt.Fprintf(io.Out, "%s passed: on the EPC as %s, dated %s\n", id, rep.EPC, rep.Tested.Format(time.DateOnly))
	return nil
}
