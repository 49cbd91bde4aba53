package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/dcc"
)

func newSrvCmd(io *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "srv",
		Short: "The DUIS Service Requests and what the mock DCC does with each",
	}
	cmd.AddCommand(newSrvListCmd(io))
	return cmd
}

type srvListOptions struct {
	json   bool
	kind   string
	status string
}

func newSrvListCmd(io *IOStreams) *cobra.Command {
	opts := &srvListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every SRV: criticality, roles, device types, SMETS1 applicability, smetsim support",
		Long: `List the DUIS Service Requests (SRVs) smetsim knows: name, whether critical (sent through
Transform and signed as a pre-command), whether non-device (answered by the DCC itself), the user
roles eligible to send it, the SMETS1 device types it addresses, and what the mock DCC does with
it:

  executes        carried out as equivalent steps on the emulated devices
  not yet         applies to SMETS1, answered E100 until smetsim carries it out
  not applicable  does not apply to SMETS1 devices (answered E11; the note says why)

PRE-CMD says how a critical SRV's pre-command is encoded: "interim" is smetsim's documented interim
GBCS payload (docs/mock-dcc.md), used until the GBCS use-case encodings land.`,
		Example: `  smetsim srv list
  smetsim srv list --kind GSME --status executes
  smetsim srv list --json | jq -r '.[] | select(.critical) | .variant'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runSrvList(io, opts) },
	}
	cmd.Flags().BoolVar(&opts.json, "json", false, "print JSON")
	cmd.Flags().StringVar(&opts.kind, "kind", "", "only SRVs that address this device type (ESME, GSME, CHF, GPF, PPMID)")
	cmd.Flags().StringVar(&opts.status, "status", "", `only SRVs with this support: "executes", "not yet" or "not applicable"`)
	return cmd
}

func runSrvList(io *IOStreams, opts *srvListOptions) error {
	var kind string
	if opts.kind != "" {
		k, err := devices.ParseKind(opts.kind)
		if err != nil {
			return badInputf("--kind: %v", err)
		}
		kind = k.String()
	}
	switch opts.status {
	case "", "executes", "not yet", "not applicable":
	default:
		return badInputf(`--status %q: want "executes", "not yet" or "not applicable"`, opts.status)
	}
	all := dcc.Catalogue()
	out := make([]dcc.Support, 0, len(all))
	counts := map[string]int{}
	for _, s := range all {
		if kind != "" && !contains(s.Kinds, kind) {
			continue
		}
		if opts.status != "" && s.Smetsim != opts.status {
			continue
		}
		out = append(out, s)
		counts[s.Smetsim]++
	}
	if opts.json {
		return writeJSON(io, out)
	}
	tw := tabwriter.NewWriter(io.Out, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "SRV\tNAME\tCRIT\tROLES\tDEVICE TYPES\tSMETSIM\tPRE-CMD")
	for _, s := range out {
		crit := ""
		if s.Critical {
			crit = "yes"
		}
		kinds := s.KindsString()
		if kinds == "" {
			kinds = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Variant, clipName(s.Name, 48), crit, strings.Join(s.Roles, ","),
			kinds, s.Smetsim, s.PreCommand)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "%d SRVs: %d executed, %d not yet, %d not applicable to SMETS1\n", len(out),
		counts["executes"], counts["not yet"], counts["not applicable"])
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func clipName(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
