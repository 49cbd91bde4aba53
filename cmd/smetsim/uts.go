package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios/uts"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/fleet"
)

func newUTSCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "uts",
		Short: "User Testing Services: the mock DCC testing a DCC User's own system",
		Long: `User Testing Services: the mock DCC faces a DCC User's own system, judges every request it
sends and, following a UTS pack, sends it the stimuli a real DCC produces (docs/uts.md).`,
	}
	cmd.AddCommand(newUTSServeCmd(io, g), newUTSValidateCmd(io, g))
	return cmd
}

func newUTSValidateCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "validate [PACK]",
		Short: "Check a UTS pack and list its cases",
		Long: `Read a UTS pack (a file, or a folder whose *.yaml files are one pack; default: the built-in
pack) and list its cases in the order requests take them. A mistake is reported with file, line,
column and field, and exit code 2.`,
		Example: `  smetsim uts validate
  smetsim uts validate my-pack.yaml --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			pack, err := loadUTSPack(g, name)
			if err != nil {
				return badInput{err}
			}
			if asJSON {
				type jsonCase struct {
					Name     string `json:"name"`
					Where    string `json:"where"`
					SRV      string `json:"srv"`
					Stimulus string `json:"stimulus"`
					Code     string `json:"code,omitempty"`
					DelayNS  int64  `json:"delay_ns,omitempty"`
					Alert    string `json:"alert,omitempty"`
				}
				out := struct {
					Name  string     `json:"name"`
					Files []string   `json:"files"`
					Cases []jsonCase `json:"cases"`
				}{Name: pack.Name, Files: pack.Files, Cases: []jsonCase{}}
				for _, c := range pack.Cases {
					out.Cases = append(out.Cases, jsonCase{Name: c.Name, Where: c.Where(), SRV: c.SRV, Stimulus: string(c.Stimulus),
						Code: c.Code, DelayNS: int64(c.Delay), Alert: c.Alert})
				}
				enc := json.NewEncoder(io.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			fmt.Fprintf(io.Out, "pack %q: %d cases\n", pack.Name, len(pack.Cases))
			for _, c := range pack.Cases {
				detail := string(c.Stimulus)
				switch {
				case c.Code != "":
					detail += " " + c.Code
				case c.Delay > 0:
					detail += " " + c.Delay.String()
				case c.Alert != "":
					detail += " " + c.Alert
				}
				fmt.Fprintf(io.Out, "%-28s %-7s %-20s %s\n", c.Where(), c.SRV, detail, c.Name)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the pack as JSON")
	return cmd
}

type utsServeOptions struct {
	pack        string
	addr        string
	reportDir   string
	fleet       string
	users       string
	responseURL string
	speed       float64
	once        bool
	json        bool
	quiet       bool
}

func newUTSServeCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	opts := &utsServeOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the mock DCC in User-testing mode and report what the User's system did",
		Long: `Serve the DCC's DUIS endpoints (as 'smetsim serve' does) to a DCC User's own system and test it.

Every request the User sends is a test case, judged on: schema (valid DUIS), signature (by the
originator's registered certificate), counter (strictly increasing; a CV 5 reuses its CV 4's
RequestID once), endpoint, command variant, transform-first (a critical SRV goes to Transform as
CV 4 before its Signed Pre-Command, CV 5) and role (the User's roles may send the SRV).

Each case of the UTS pack waits for the User to send its SRV, then applies its stimulus: answer,
duplicate (the response delivered twice), late, error E5/E20/E21, device_alert, dcc_alert (AD1,
N1) or invalid (a message that is not DUIS). The User's Receive Response Service must answer 204 to
every valid message, duplicates included, and 400 to the invalid one.

The report (uts.json, uts.html, junit.xml in --report-dir) is written when the pack is complete
and again when the command stops (Ctrl-C, SIGTERM). With --once it stops when the pack is
complete. Exit code: 0 when the pack is complete and every case passed, 1 otherwise, 2 for bad
input.`,
		Example: `  # the built-in UTS pack; async messages to the User's system on port 8080
  smetsim uts serve --response-url http://127.0.0.1:8080/ --report-dir uts-report

  # your own pack and users; stop when the pack is complete (CI)
  smetsim uts serve --pack my-pack.yaml --users my-users.yaml --once --report-dir out/

  # smetsim's scenario runner as the User, through the reference session of the built-in pack
  smetsim uts serve --response-url http://127.0.0.1:8080/ --speed 50 --once &
  smetsim run fixtures/packs/uts/session --dcc http://127.0.0.1:8079 --users fixtures/users.yaml \
      --dcc-cert dcc-certs.pem --listen 127.0.0.1:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runUTSServe(ctx, io, opts, g)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.pack, "pack", "", "UTS pack: a file, or a folder whose *.yaml files are read (default: the built-in "+fixtures.UTSPack+")")
	f.StringVar(&opts.addr, "addr", "127.0.0.1:8079", "listen on this host:port (port 0 picks a free one)")
	f.StringVar(&opts.reportDir, "report-dir", "uts-report", "write uts.json, uts.html and junit.xml here")
	f.StringVar(&opts.fleet, "fleet", "", "fleet file (default: the built-in default fleet)")
	f.StringVar(&opts.users, "users", "", "DCC Users file (default: the built-in users)")
	f.StringVar(&opts.responseURL, "response-url", "", "the User's Receive Response Service, for every user (default: each user's response_url)")
	f.Float64Var(&opts.speed, "speed", 1, "run device time this many times faster than the wall clock")
	f.BoolVar(&opts.once, "once", false, "stop when the pack is complete")
	f.BoolVar(&opts.json, "json", false, "print the report as JSON (uts.json) on stdout when stopping, instead of the summary")
	f.BoolVar(&opts.quiet, "quiet", false, "do not log each request")
	return cmd
}

// loadUTSPack reads --pack from disk, or the built-in pack.
func loadUTSPack(g *globalOptions, name string) (*uts.Pack, error) {
	if name == "" {
		fsys, err := g.fixturesFS()
		if err != nil {
			return nil, err
		}
		return uts.LoadPack(fsys, fixtures.UTSPack)
	}
	slashed := filepath.ToSlash(filepath.Clean(name))
	if fs.ValidPath(slashed) {
		return uts.LoadPack(os.DirFS("."), slashed)
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return nil, err
	}
	return uts.LoadPack(os.DirFS(filepath.Dir(abs)), filepath.Base(abs))
}

func runUTSServe(ctx context.Context, io *IOStreams, opts *utsServeOptions, g *globalOptions) error {
	if opts.speed <= 0 {
		return badInputf("--speed %g: want a positive factor (1 is real time)", opts.speed)
	}
	if opts.responseURL != "" {
		if u, err := url.Parse(opts.responseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return badInputf("--response-url %q: want an http:// or https:// URL", opts.responseURL)
		}
	}
	pack, err := loadUTSPack(g, opts.pack)
	if err != nil {
		return badInput{err}
	}
	start := time.Now().UTC().Truncate(time.Second)
	env, err := loadDCCEnv(g, opts.fleet, opts.users, fleet.Options{Speed: opts.speed, Start: &start}, nil)
	if err != nil {
		return err
	}
	log := requestLog(io, opts.quiet)
	s, err := uts.New(uts.Config{Pack: pack, DCC: dcc.Config{Fleet: env.fleet, Catalogue: env.cat, Users: env.users, Keys: env.keys,
		Lists: env.lists, ResponseURL: opts.responseURL, Log: log}})
	if err != nil {
		return badInput{err}
	}
	ds, err := startDCCServer(io, "UTS", opts.addr, logRequests(s.Handler(), log, opts.quiet), env.fleet)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "pack %q: %d cases (%s)\n", pack.Name, len(pack.Cases), filepath.Join(pack.Files...))
	fmt.Fprintf(io.Out, "users: %s\n", describeUsers(env.users, opts.responseURL))
	if opts.once {
		fmt.Fprintln(io.Out, "stops when the pack is complete, or with Ctrl-C")
	} else {
		fmt.Fprintln(io.Out, "stop with Ctrl-C")
	}

	var runErr error
	done := s.Done()
wait:
	for {
		select {
		case <-ctx.Done():
			break wait
		case <-done:
			done = nil
			if err := s.Report().WriteDir(opts.reportDir); err != nil {
				runErr = failure{err}
				break wait
			}
			fmt.Fprintf(io.Out, "pack complete: report in %s\n", opts.reportDir)
			if opts.once {
				break wait
			}
		case err := <-ds.stopped:
			runErr = failure{err}
			break wait
		}
	}
	ds.stop()
	s.Close()
	r := s.Report()
	if err := r.WriteDir(opts.reportDir); err != nil && runErr == nil {
		runErr = failure{err}
	}
	if runErr != nil {
		return runErr
	}
	if opts.json {
		if err := r.WriteJSON(io.Out); err != nil {
			return failure{err}
		}
	} else {
		printUTSSummary(io, r, opts.reportDir)
	}
	if !r.OK() {
		return failure{fmt.Errorf("UTS: %d of %d cases failed%s", r.Failed, len(r.Cases), incomplete(r))}
	}
	return nil
}

func incomplete(r *uts.Report) string {
	if r.Complete {
		return ""
	}
	return "; the pack is not complete"
}

func printUTSSummary(io *IOStreams, r *uts.Report, dir string) {
	for _, c := range r.Cases {
		if c.Passed {
			fmt.Fprintf(io.Out, "PASS %s %s\n", c.Class, c.Name)
		} else {
			fmt.Fprintf(io.Out, "FAIL %s %s: %s\n", c.Class, c.Name, c.Failure)
		}
	}
	state := "complete"
	if !r.Complete {
		state = "not complete"
	}
	fmt.Fprintf(io.Out, "UTS: %d passed, %d failed; pack %s; report in %s\n", r.Passed, r.Failed, state, dir)
}
