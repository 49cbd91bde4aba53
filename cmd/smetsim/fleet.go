package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/devices/han/capture"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/fleet"
)

func newFleetCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fleet",
		Short: "Build and run fleets of emulated premises",
	}
	cmd.AddCommand(newFleetSimulateCmd(io, g), newFleetValidateCmd(io, g))
	return cmd
}

type simulateOptions struct {
	fleet       string
	hours       float64
	seed        uint64
	seedSet     bool
	start       string
	capture     string
	json        bool
	noConsumers bool
	speed       float64
}

func newFleetSimulateCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	opts := &simulateOptions{}
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Run a fleet on the virtual clock and report what happened",
		Long: `Run a fleet of emulated premises for a span of virtual time: consumption, tariffs and
prepayment, consumers topping up through their PPMIDs, GSME wake cycles and every ZCL frame on
every HAN. Virtual time jumps from event to event, so a day of a hundred premises takes well under
a second. The same --seed gives the same run.

Without --fleet it runs the built-in default fleet: the DCC reference test data premises
(Device IDs 00-DB-12-34-56-78-90-A0 … A4) and 99 generated ones.`,
		Example: `  smetsim fleet simulate
  smetsim fleet simulate --hours 168 --seed 7
  smetsim fleet simulate --fleet fixtures/fleets/default.yaml --capture day.pcapng
  tshark -r day.pcapng -Y zbee_zcl_se.pp.consumer_top_up.top_up_code   # the top-ups
  smetsim fleet simulate --json | jq .electricity_import_wh
  smetsim fleet simulate --hours 1 --speed 60     # an hour of device time in a minute of wall time`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.seedSet = cmd.Flags().Changed("seed")
			cat, err := g.catalogue()
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			return runFleetSimulate(ctx, io, opts, g, cat)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.fleet, "fleet", "", "fleet file (default: the built-in "+fixtures.DefaultFleet+")")
	f.Float64Var(&opts.hours, "hours", 24, "virtual hours to run")
	f.Uint64Var(&opts.seed, "seed", 0, "seed for every random choice (default: the fleet file's seed, or 1)")
	f.StringVar(&opts.start, "start", "", "virtual start time, RFC 3339 (default: the fleet file's start)")
	f.StringVar(&opts.capture, "capture", "", "write every HAN frame to this pcapng file (opens in Wireshark)")
	f.BoolVar(&opts.json, "json", false, "print the report as JSON")
	f.BoolVar(&opts.noConsumers, "no-consumers", false, "do not simulate consumers topping up and enabling supply")
	f.Float64Var(&opts.speed, "speed", 0, "follow the wall clock at this many times real time (3600: an hour a second) instead of jumping from event to event")
	return cmd
}

func loadFleetSpec(path string, g *globalOptions, cat *catalogue.Catalogue) (*fleet.Spec, error) {
	var (
		spec *fleet.Spec
		err  error
	)
	if path == "" {
		fsys, ferr := g.fixturesFS()
		if ferr != nil {
			return nil, ferr
		}
		spec, err = fleet.LoadSpec(fsys, fixtures.DefaultFleet, cat)
	} else {
		data, rerr := os.ReadFile(path)
		if rerr != nil {
			return nil, badInputf("fleet: %v", rerr)
		}
		spec, err = fleet.ParseSpec(path, data, cat)
	}
	if err != nil {
		return nil, badInput{err}
	}
	return spec, nil
}

func runFleetSimulate(ctx context.Context, io *IOStreams, opts *simulateOptions, g *globalOptions, cat *catalogue.Catalogue) error {
	if opts.hours <= 0 || opts.hours > 24*366*10 {
		return badInputf("--hours %g: want a positive number of hours, at most ten years", opts.hours)
	}
	spec, err := loadFleetSpec(opts.fleet, g, cat)
	if err != nil {
		return err
	}
	if opts.speed < 0 {
		return badInputf("--speed %g: want a positive factor (1 is real time)", opts.speed)
	}
	bo := fleet.Options{Consumers: !opts.noConsumers, Speed: opts.speed}
	if opts.seedSet {
		bo.Seed = &opts.seed
	}
	if opts.start != "" {
		t, err := time.Parse(time.RFC3339, opts.start)
		if err != nil {
			return badInputf("--start %q: want an RFC 3339 time such as 2026-10-24T00:00:00Z", opts.start)
		}
		bo.Start = &t
	}
	buildStart := time.Now()
	f, err := fleet.Build(spec, bo)
	if err != nil {
		return badInput{err}
	}
	buildTime := time.Since(buildStart)
	var (
		cw        *capture.Writer
		captureOK func() error
	)
	if opts.capture != "" {
		if cw, err = capture.Create(opts.capture); err != nil {
			return badInputf("--capture: %v", err)
		}
		defer cw.Close()
		captureOK = f.CaptureTo(cw)
	}
	d := time.Duration(opts.hours * float64(time.Hour))
	var progress func(time.Duration)
	if io.IsTerminal && !opts.json {
		bar := progressbar.NewOptions64(int64(d/time.Hour), progressbar.OptionSetWriter(io.ErrOut),
			progressbar.OptionSetDescription("virtual hours"), progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
		progress = func(done time.Duration) { _ = bar.Set64(int64(done / time.Hour)) }
		defer bar.Finish()
	}
	r, err := f.Simulate(ctx, d, progress)
	if err != nil {
		return failure{fmt.Errorf("simulation stopped: %w", err)}
	}
	if cw != nil {
		if err := captureOK(); err != nil {
			return failure{fmt.Errorf("capture %s: %w", opts.capture, err)}
		}
		if err := cw.Close(); err != nil {
			return failure{fmt.Errorf("capture %s: %w", opts.capture, err)}
		}
	}
	if opts.json {
		type out struct {
			*fleet.Report
			BuildNS  time.Duration `json:"build_ns"`
			Capture  string        `json:"capture,omitempty"`
			Captured int           `json:"captured_frames,omitempty"`
		}
		o := out{Report: r, BuildNS: buildTime, Capture: opts.capture}
		if cw != nil {
			o.Captured = cw.Frames()
		}
		return writeJSON(io, o)
	}
	printReport(io, r, buildTime)
	if cw != nil {
		abs, _ := filepath.Abs(opts.capture)
		fmt.Fprintf(io.Out, "capture       %s frames written to %s (tshark -r %s)\n", thousands(uint64(cw.Frames())), opts.capture, abs)
	}
	return nil
}

func printReport(io *IOStreams, r *fleet.Report, build time.Duration) {
	w := io.Out
	devicesTotal := 0
	for _, n := range r.Devices {
		devicesTotal += n
	}
	fmt.Fprintf(w, "fleet         %q (seed %d): %s premises, %s devices of %d Device Models, built in %s\n",
		r.Fleet, r.Seed, thousands(uint64(r.Premises)), thousands(uint64(devicesTotal)), len(r.ByModel), round(build))
	var kinds []string
	for _, k := range devices.Kinds {
		if n := r.Devices[k.String()]; n > 0 {
			kinds = append(kinds, fmt.Sprintf("%d %s", n, k))
		}
	}
	fmt.Fprintf(w, "devices       %s\n", strings.Join(kinds, ", "))
	fmt.Fprintf(w, "virtual time  %s → %s (%s) in %s of wall time, %s events\n",
		r.From.Format("2006-01-02 15:04 MST"), r.To.Format("2006-01-02 15:04 MST"), r.To.Sub(r.From), round(r.Wall), thousands(r.Events))
	fmt.Fprintf(w, "electricity   %s kWh imported\n", kwh(r.ImportWh))
	if r.Devices["GSME"] > 0 {
		fmt.Fprintf(w, "gas           %s m³ (%s kWh); %s GSME wake-ups due\n", kwh(r.GasDm3), kwh(r.GasWh), thousands(r.GasWakes))
	}
	fmt.Fprintf(w, "prepayment    %d meters; %d top-ups accepted of %s issued; %d supplies off at the end\n",
		r.Prepayment, r.TopUps, r.TopUpIssued, r.SupplyOff)
	total := 0
	for _, a := range r.Alerts {
		total += a.Count
	}
	fmt.Fprintf(w, "alerts        %s raised\n", thousands(uint64(total)))
	for _, a := range r.Alerts {
		fmt.Fprintf(w, "  %6s × %s %s\n", thousands(uint64(a.Count)), a.Code, a.Description)
	}
	for k, n := range r.DCCEvents {
		fmt.Fprintf(w, "  %6d × %s (DCC event)\n", n, k)
	}
	fmt.Fprintf(w, "HAN           %s ZCL frames (%s bytes); %s held for sleepy devices; %s dropped\n",
		thousands(r.HAN.Frames), thousands(r.HAN.Bytes), thousands(r.HAN.Queued), thousands(r.HAN.Dropped))
}

func round(d time.Duration) time.Duration {
	switch {
	case d > time.Second:
		return d.Round(10 * time.Millisecond)
	case d > time.Millisecond:
		return d.Round(100 * time.Microsecond)
	}
	return d
}

// kwh formats thousandths (Wh as kWh, dm³ as m³) with three decimals.
func kwh(milli uint64) string {
	return fmt.Sprintf("%s.%03d", thousands(milli/1000), milli%1000)
}

func thousands(n uint64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func newFleetValidateCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check fleet files and report every mistake with file, line and field",
		Example: `  smetsim fleet validate fixtures/fleets/default.yaml
  smetsim fleet validate my-fleet.yaml || echo "fix the fleet first"`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := g.catalogue()
			if err != nil {
				return err
			}
			return runFleetValidate(io, args, g, cat)
		},
	}
	return cmd
}

func runFleetValidate(io *IOStreams, paths []string, g *globalOptions, cat *catalogue.Catalogue) error {
	bad := 0
	for _, p := range paths {
		spec, err := loadFleetSpec(p, g, cat)
		if err != nil {
			fmt.Fprintln(io.ErrOut, err)
			bad++
			continue
		}
		n := len(spec.Premises)
		for _, gen := range spec.Generators {
			n += gen.Count
		}
		fmt.Fprintf(io.Out, "%s: fleet %q is valid: %s premises\n", p, spec.Name, thousands(uint64(n)))
	}
	if bad > 0 {
		return badInputf("%d of %d fleet files are invalid", bad, len(paths))
	}
	return nil
}
