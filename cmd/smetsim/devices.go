package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/simulator/catalogue"
)

type globalOptions struct {
	fixtures string
}

// fixturesFS returns the built-in fixtures or the directory given with --fixtures.
func (g *globalOptions) fixturesFS() (fs.FS, error) {
	if g.fixtures == "" {
		return fixtures.FS, nil
	}
	st, err := os.Stat(g.fixtures)
	if err != nil {
		return nil, badInputf("--fixtures: %v", err)
	}
	if !st.IsDir() {
		return nil, badInputf("--fixtures %s: not a directory", g.fixtures)
	}
	return os.DirFS(g.fixtures), nil
}

// catalogue loads the Device Model catalogue and the CPL.
func (g *globalOptions) catalogue() (*catalogue.Catalogue, error) {
	fsys, err := g.fixturesFS()
	if err != nil {
		return nil, err
	}
	cat, err := catalogue.Load(fsys, fixtures.ModelsDir, fixtures.CPLFile)
	if err != nil {
		return nil, badInput{err}
	}
	return cat, nil
}

func newVersionCmd(io *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print smetsim's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := version
			if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
				v = bi.Main.Version
			}
			fmt.Fprintf(io.Out, "smetsim %s (%s %s/%s)\n", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}

func newDevicesCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "devices",
		Short: "Device kinds, Device Models and alert codes",
	}
	cmd.AddCommand(newDevicesKindsCmd(io), newDevicesModelsCmd(io, g), newDevicesAlertsCmd(io))
	return cmd
}

type kindsOptions struct{ json bool }

func newDevicesKindsCmd(io *IOStreams) *cobra.Command {
	opts := &kindsOptions{}
	cmd := &cobra.Command{
		Use:     "kinds",
		Short:   "List the SMETS1 device kinds",
		Example: "  smetsim devices kinds\n  smetsim devices kinds --json",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, args []string) error { return runDevicesKinds(io, opts) },
	}
	cmd.Flags().BoolVar(&opts.json, "json", false, "print JSON")
	return cmd
}

func runDevicesKinds(io *IOStreams, opts *kindsOptions) error {
	if opts.json {
		type kind struct {
			Kind        string `json:"kind"`
			Name        string `json:"name"`
			Description string `json:"description"`
		}
		var out []kind
		for _, k := range devices.Kinds {
			out = append(out, kind{k.String(), k.LongName(), k.Description()})
		}
		return writeJSON(io, out)
	}
	for _, k := range devices.Kinds {
		fmt.Fprintf(io.Out, "%-6s %s: %s\n", k, k.LongName(), k.Description())
	}
	return nil
}

type modelsOptions struct {
	json bool
	kind string
}

func newDevicesModelsCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	opts := &modelsOptions{}
	cmd := &cobra.Command{
		Use:   "models",
		Short: "List the Device Model catalogue",
		Long: `List every Device Model smetsim can emulate: one per firmware version of each profile under
fixtures/models, with whether it is on the CPL and the faults its profile declares.`,
		Example: "  smetsim devices models\n  smetsim devices models --kind GSME\n  smetsim devices models --json | jq '.[].id'",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := g.catalogue()
			if err != nil {
				return err
			}
			return runDevicesModels(io, opts, cat)
		},
	}
	cmd.Flags().BoolVar(&opts.json, "json", false, "print JSON")
	cmd.Flags().StringVar(&opts.kind, "kind", "", "only models of this kind (ESME, GSME, CHF, GPF, PPMID)")
	return cmd
}

// ModelJSON is how `devices models --json` prints a Device Model.
type ModelJSON struct {
	ID              string            `json:"id"`
	Kind            string            `json:"kind"`
	Manufacturer    string            `json:"manufacturer"`
	Model           string            `json:"model"`
	HardwareVersion string            `json:"hardware_version"`
	FirmwareVersion string            `json:"firmware_version"`
	GBCSVersion     string            `json:"gbcs_version"`
	OnCPL           bool              `json:"on_cpl"`
	Description     string            `json:"description,omitempty"`
	WakeInterval    string            `json:"wake_interval,omitempty"`
	Unsupported     map[string]string `json:"unsupported_srvs,omitempty"`
	Variations      []string          `json:"variations,omitempty"`
	Faults          []string          `json:"faults,omitempty"`
}

func runDevicesModels(io *IOStreams, opts *modelsOptions, cat *catalogue.Catalogue) error {
	var want devices.Kind
	if opts.kind != "" {
		k, err := devices.ParseKind(opts.kind)
		if err != nil {
			return badInputf("--kind: %v", err)
		}
		want = k
	}
	var out []ModelJSON
	for _, m := range cat.Sorted() {
		if want != 0 && m.Kind != want {
			continue
		}
		j := ModelJSON{ID: m.ID, Kind: m.Kind.String(), Manufacturer: m.Manufacturer, Model: m.ModelName,
			HardwareVersion: m.HardwareVersion, FirmwareVersion: m.FirmwareVersion, OnCPL: cat.OnCPL(m),
			Description: m.Description, Unsupported: m.Unsupported}
		if m.WakeInterval > 0 {
			j.WakeInterval = m.WakeInterval.String()
		}
		for srv := range m.Variations {
			j.Variations = append(j.Variations, srv)
		}
		for _, f := range m.Faults {
			desc := f.Kind.String()
			switch f.Kind {
			case devices.FaultWrongDivisor:
				desc += fmt.Sprintf("(divisor %d)", f.Divisor)
			case devices.FaultMissWakeups:
				desc += fmt.Sprintf("(every %d)", f.Every)
			case devices.FaultClockDrift:
				desc += fmt.Sprintf("(%s/day)", f.DriftPerDay)
			}
			j.Faults = append(j.Faults, desc)
		}
		out = append(out, j)
	}
	if opts.json {
		return writeJSON(io, out)
	}
	tw := tabwriter.NewWriter(io.Out, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tMANUFACTURER\tMODEL\tHW\tFIRMWARE\tCPL\tFAULTS")
	for _, j := range out {
		cpl := "yes"
		if !j.OnCPL {
			cpl = "no"
		}
		faults := strings.Join(j.Faults, ", ")
		if faults == "" {
			faults = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", j.ID, j.Kind, j.Manufacturer, j.Model, j.HardwareVersion, j.FirmwareVersion, cpl, faults)
	}
	return tw.Flush()
}

func newDevicesAlertsCmd(io *IOStreams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "alerts",
		Short:   "List the GBCS alert codes emulated devices raise",
		Example: "  smetsim devices alerts",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON {
				type alert struct {
					Code        string   `json:"code"`
					Description string   `json:"description"`
					RaisedBy    []string `json:"raised_by"`
				}
				var out []alert
				for _, a := range devices.Alerts {
					var kinds []string
					for _, k := range a.RaisedBy {
						kinds = append(kinds, k.String())
					}
					out = append(out, alert{fmt.Sprintf("%04X", uint16(a.Code)), a.Description, kinds})
				}
				return writeJSON(io, out)
			}
			tw := tabwriter.NewWriter(io.Out, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, "CODE\tRAISED BY\tDESCRIPTION")
			for _, a := range devices.Alerts {
				var kinds []string
				for _, k := range a.RaisedBy {
					kinds = append(kinds, k.String())
				}
				fmt.Fprintf(tw, "%04X\t%s\t%s\n", uint16(a.Code), strings.Join(kinds, ","), a.Description)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(io.Out, "\nSource: %s.\n", devices.AlertSource)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func writeJSON(io *IOStreams, v any) error {
	enc := json.NewEncoder(io.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
