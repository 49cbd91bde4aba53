package main

import "github.com/spf13/cobra"

func newHilCmd(io *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hil",
		Short: "Hardware in the loop: serial ports, ZigBee dongles and remote rigs",
	}
	cmd.AddCommand(newHilPortsCmd(io))
	return cmd
}
