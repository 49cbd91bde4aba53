package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/smetsim/smetsim/hil/transport"
)

// listLocalPorts is where hil ports finds ports; specs replace it.
var listLocalPorts = transport.ListLocalPorts

type hilPortsOptions struct {
	json bool
}

func newHilPortsCmd(io *IOStreams) *cobra.Command {
	opts := &hilPortsOptions{}
	cmd := &cobra.Command{
		Use:   "ports",
		Short: "List local serial ports, with USB VID:PID and serial number, and hint at ZigBee dongles",
		Long: `List this machine's serial ports: name, USB vendor and product IDs, USB serial number and
product string where the platform gives them, and a ZigBee dongle hint taken from the USB IDs
(docs/hil.md has the table). The hint is only a hint: "likely" means a USB ID made for a ZigBee
radio, "bridge: maybe" a generic USB-serial bridge that many dongles, and many other devices, use.

Use a port in a device URL: serial:///dev/ttyUSB0?driver=znp. With no serial ports the command
says so and exits 0.`,
		Example: `  smetsim hil ports
  smetsim hil ports --json | jq -r '.[] | select(.dongle) | .name'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runHilPorts(io, opts) },
	}
	cmd.Flags().BoolVar(&opts.json, "json", false, "print JSON")
	return cmd
}

func runHilPorts(io *IOStreams, opts *hilPortsOptions) error {
	ports, err := listLocalPorts()
	if err != nil {
		return fmt.Errorf("list serial ports: %w", err)
	}
	if opts.json {
		if ports == nil {
			ports = []transport.LocalPort{}
		}
		enc := json.NewEncoder(io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(ports)
	}
	if len(ports) == 0 {
		fmt.Fprintln(io.Out, "no serial ports found")
		return nil
	}
	tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PORT\tVID:PID\tSERIAL\tPRODUCT\tZIGBEE HINT")
	hints := 0
	for _, p := range ports {
		id, hint := "-", "-"
		if p.VID != "" || p.PID != "" {
			id = p.VID + ":" + p.PID
		}
		if p.Dongle != nil {
			hint = p.Dongle.Likelihood + ": " + p.Dongle.Name
			hints++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Name, id, dash(p.SerialNumber), dash(p.Product), hint)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if hints > 0 {
		fmt.Fprintln(io.Out, "ZigBee hints come from the USB IDs only; speaking the dongle's protocol is what confirms one.")
	}
	return nil
}
