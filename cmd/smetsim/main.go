// Command smetsim simulates GB SMETS1 smart meters and tests the systems that talk to them: an
// emulated fleet of ESME, GSME, CHF, GPF and PPMID devices speaking real ZigBee Smart Energy
// frames on their HANs, on a virtual clock. This package is wiring only: each command parses its
// flags into an options struct and calls a run function that does the work through the domain
// packages.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes scripts can rely on.
const (
	exitOK       = 0
	exitFailed   = 1 // the command ran and found a failure
	exitBadInput = 2 // the command could not run: bad flags, unreadable or invalid files
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// IOStreams are where a command reads and writes, so tests can run commands on buffers.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// IsTerminal says whether ErrOut is an interactive terminal (progress bars) or a log (CI).
	IsTerminal bool
}

// badInput marks an error as the user's input being wrong (exit code 2).
type badInput struct{ err error }

func (b badInput) Error() string { return b.err.Error() }
func (b badInput) Unwrap() error { return b.err }

func badInputf(format string, args ...any) error { return badInput{fmt.Errorf(format, args...)} }

func main() {
	io := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, IsTerminal: isTerminal(os.Stderr)}
	os.Exit(execute(io, os.Args[1:]))
}

// execute runs the command line and returns the exit code.
func execute(io *IOStreams, args []string) int {
	return executeContext(context.Background(), io, args)
}

// executeContext runs the command line until it ends or ctx does (long-running commands such as
// serve stop cleanly when ctx ends).
func executeContext(ctx context.Context, io *IOStreams, args []string) int {
	root := newRootCmd(io)
	root.SetArgs(args)
	root.SetIn(io.In)
	root.SetOut(io.Out)
	root.SetErr(io.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(io.ErrOut, "smetsim:", err)
	var bad badInput
	var failed failure
	switch {
	case errors.As(err, &failed):
		return exitFailed
	case errors.As(err, &bad), isUsageError(err):
		return exitBadInput
	}
	return exitFailed
}

// failure marks an error as a found failure rather than a crash (exit code 1).
type failure struct{ err error }

func (f failure) Error() string { return f.err.Error() }
func (f failure) Unwrap() error { return f.err }

func newRootCmd(io *IOStreams) *cobra.Command {
	opts := &globalOptions{}
	root := &cobra.Command{
		Use:   "smetsim",
		Short: "Simulator and test harness for GB SMETS1 smart meters",
		Long: `smetsim emulates SMETS1 smart metering installations — ESME, GSME, CHF, GPF and PPMID —
whose devices exchange real ZigBee Smart Energy ZCL frames on their HANs, on a virtual clock
that runs a simulated day in well under a second.`,
		Example: `  # run the default fleet (100 premises) for a virtual day and see what happened
  smetsim fleet simulate

  # a week of a larger fleet, reproducibly, with a HAN capture for Wireshark
  smetsim fleet simulate --fleet my-fleet.yaml --hours 168 --seed 42 --capture week.pcapng

  # list the Device Models smetsim knows
  smetsim devices models`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&opts.fixtures, "fixtures", "", "read Device Models and the CPL from this directory (models/, cpl.csv) instead of the built-in ones")
	root.AddCommand(newVersionCmd(io), newDevicesCmd(io, opts), newFleetCmd(io, opts), newDuisCmd(io, opts), newServeCmd(io, opts), newSrvCmd(io))
	root.AddCommand(newReportCmd(io))
	root.AddCommand(newScenarioCmd(io, opts), newRunCmd(io, opts))
	root.AddCommand(newSITCmd(io, opts))
	root.AddCommand(newUTSCmd(io, opts))
	root.AddCommand(newCPLCmd(io, opts), newEPCCmd(io, opts), newPPCCmd(io, opts))
	root.AddCommand(newHilCmd(io))
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	return root
}

type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }

func isUsageError(err error) bool {
	var u usageError
	if errors.As(err, &u) {
		return true
	}
	// cobra reports unknown commands and wrong argument counts as plain errors.
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "accepts ", "requires at least", "requires exactly", "invalid argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
