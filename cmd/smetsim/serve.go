package main

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/inventory"
	"github.com/smetsim/smetsim/simulator/registry"
	"github.com/smetsim/smetsim/simulator/users"
)

type serveOptions struct {
	addr        string
	fleet       string
	users       string
	responseURL string
	speed       float64
	start       string
	seed        uint64
	seedSet     bool
	noConsumers bool
	ppcOpen     []string
	quiet       bool
	state       string
}

func newServeCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	opts := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the mock DCC: a DUIS endpoint in front of an emulated fleet",
		Long: `Serve the DCC's DUIS service-request interface over plain HTTP, as DCC Boxed does, in front
of an emulated fleet running on the wall clock (optionally sped up with --speed):

  POST /api/v1/serviceS   Send Command   (CV 1 device requests, CV 5 signed pre-commands)
  POST /api/v1/serviceT   Transform      (CV 4 critical requests: answers the pre-command to sign)
  POST /api/v1/serviceD   Non-Device     (CV 8: 8.2 Read Inventory, 8.3 Decommission ...)

Every request is checked as the DCC checks it — XML signature against the originator's
certificate, counter, endpoint and command variant, role, device and SMI status, product
combination (EPC, or PPC under test), Lead Supplier, anomaly detection thresholds, the S1SP's data
checks — and answered with a signed sr:Response carrying its DUIS response code. Device requests
are acknowledged I99; the device's answer is POSTed later to the user's Receive Response Service
(the response_url in the users file, or --response-url for every user), as are device and DCC
alerts. Error answers carry the failed check in the X-Smetsim-Reason header.

Users, their roles and certificates come from the users file (docs/mock-dcc.md); requests must be
signed with the matching keys, e.g. with 'smetsim duis sign'. The built-in users' keys are in
fixtures/pki/users/.`,
		Example: `  # the default fleet behind the mock DCC on 127.0.0.1:8079, async messages to a local receiver
  smetsim serve --response-url http://127.0.0.1:8080/

  # sign a Read Firmware Version request as the default supplier and send it
  smetsim duis sign --key fixtures/pki/users/90-B3-D5-1F-30-01-00-00.key.pem \
      --cert fixtures/pki/users/90-B3-D5-1F-30-01-00-00.cert.pem request.xml > signed.xml
  curl -s -H 'Content-Type: application/xml' --data-binary @signed.xml \
      http://127.0.0.1:8079/api/v1/serviceS

  # a day of device time an hour, your own fleet and users, the pending combination under test
  smetsim serve --speed 24 --fleet my-fleet.yaml --users my-users.yaml --ppc-open PPC-0001`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.seedSet = cmd.Flags().Changed("seed")
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServe(ctx, io, opts, g)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.addr, "addr", "127.0.0.1:8079", "listen on this host:port (port 0 picks a free one)")
	f.StringVar(&opts.fleet, "fleet", "", "fleet file (default: the built-in default fleet)")
	f.StringVar(&opts.users, "users", "", "DCC Users file: EUIs, roles, certificates, response URLs, ADTs (default: the built-in users)")
	f.StringVar(&opts.responseURL, "response-url", "", "POST every user's asynchronous responses and alerts to this URL instead of the users' own")
	f.Float64Var(&opts.speed, "speed", 1, "run device time this many times faster than the wall clock")
	f.StringVar(&opts.start, "start", "", "device time to start at, RFC 3339 (default: now)")
	f.Uint64Var(&opts.seed, "seed", 0, "seed for the fleet's randomness (default: the fleet file's)")
	f.BoolVar(&opts.noConsumers, "no-consumers", false, "do not simulate consumers topping up and enabling supply")
	f.StringArrayVar(&opts.ppcOpen, "ppc-open", nil, "open the test of this PPC list entry, admitting its pending combination (repeatable)")
	f.BoolVar(&opts.quiet, "quiet", false, "do not log each request")
	f.StringVar(&opts.state, "state", registry.DefaultDir, "state directory whose EPC and PPC lists (written by the PPC workflow) the DCC serves, in preference to the fixtures")
	return cmd
}

// dccEnv is everything a mock DCC is built from.
type dccEnv struct {
	cat   *catalogue.Catalogue
	fleet *fleet.Fleet
	users *users.Directory
	keys  *dcc.Keys
	lists *inventory.Lists
}

func runServe(ctx context.Context, io *IOStreams, opts *serveOptions, g *globalOptions) error {
	if opts.speed <= 0 {
		return badInputf("--speed %g: want a positive factor (1 is real time)", opts.speed)
	}
	if opts.responseURL != "" {
		if u, err := url.Parse(opts.responseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return badInputf("--response-url %q: want an http:// or https:// URL", opts.responseURL)
		}
	}
	start := time.Now().UTC().Truncate(time.Second)
	if opts.start != "" {
		t, err := time.Parse(time.RFC3339, opts.start)
		if err != nil {
			return badInputf("--start %q: want an RFC 3339 time such as 2026-10-24T00:00:00Z", opts.start)
		}
		start = t.UTC()
	}
	bo := fleet.Options{Consumers: !opts.noConsumers, Speed: opts.speed, Start: &start}
	if opts.seedSet {
		bo.Seed = &opts.seed
	}
	env, err := loadDCCEnv(g, opts.fleet, opts.users, bo, opts.ppcOpen)
	if err != nil {
		return err
	}
	if env.lists, err = stateLists(g, env.cat, opts.state, opts.ppcOpen); err != nil {
		return err
	}
	log := requestLog(io, opts.quiet)
	d, err := dcc.New(dcc.Config{Fleet: env.fleet, Catalogue: env.cat, Users: env.users, Keys: env.keys, Lists: env.lists,
		ResponseURL: opts.responseURL, Log: log})
	if err != nil {
		return badInput{err}
	}
	ds, err := startDCCServer(io, "mock DCC", opts.addr, logRequests(d.Handler(), log, opts.quiet), env.fleet)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "fleet %q: %d premises, device time %s at %g× the wall clock\n",
		env.fleet.Name, len(env.fleet.Premises), start.Format(time.RFC3339), opts.speed)
	fmt.Fprintf(io.Out, "users: %s\n", describeUsers(env.users, opts.responseURL))
	fmt.Fprintln(io.Out, "stop with Ctrl-C")

	var runErr error
	select {
	case <-ctx.Done():
	case err := <-ds.stopped:
		runErr = failure{err}
	}
	ds.stop()
	d.Close()
	printJournal(io, d.Journal())
	return runErr
}

// requestLog is the log of a DUIS endpoint the CLI serves: every request at Info, or only
// warnings with --quiet.
func requestLog(io *IOStreams, quiet bool) *slog.Logger {
	level := slog.LevelInfo
	if quiet {
		level = slog.LevelWarn
	}
	return slog.New(slog.NewTextHandler(io.ErrOut, &slog.HandlerOptions{Level: level}))
}

// dccServer is a DUIS endpoint (the mock DCC, or UTS wrapping it) served on a TCP address with
// its fleet's clock running, as `serve` and `uts serve` run it.
type dccServer struct {
	srv       *http.Server
	stopClock context.CancelFunc
	// stopped receives why the server or the clock stopped on its own.
	stopped chan error
}

// startDCCServer listens on addr (a bad address is bad input), starts the fleet's clock and the
// server, and prints where each DUIS endpoint is.
func startDCCServer(io *IOStreams, what, addr string, h http.Handler, f *fleet.Fleet) (*dccServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, badInputf("--addr %s: %v", addr, err)
	}
	clockCtx, stopClock := context.WithCancel(context.Background())
	ds := &dccServer{srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}, stopClock: stopClock, stopped: make(chan error, 2)}
	go func() {
		if err := f.Clock.Run(clockCtx); err != nil {
			ds.stopped <- fmt.Errorf("the device clock stopped: %w", err)
		}
	}()
	go func() {
		if err := ds.srv.Serve(ln); err != nil && err != http.ErrServerClosed {
			ds.stopped <- fmt.Errorf("the HTTP server stopped: %w", err)
		}
	}()
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(io.Out, "smetsim %s listening on %s\n", what, base)
	fmt.Fprintf(io.Out, "  Send Command  POST %s%s\n  Transform     POST %s%s\n  Non-Device    POST %s%s\n",
		base, dcc.PathSendCommand, base, dcc.PathTransform, base, dcc.PathNonDevice)
	return ds, nil
}

// stop lets the requests in flight finish (5 s at most), then stops the server and the clock.
func (ds *dccServer) stop() {
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = ds.srv.Shutdown(shutdown)
	ds.stopClock()
}

// loadDCCEnv reads the Device Models, the fleet, the users with their certificates, the DCC's keys
// and the EPC and PPC lists: from the built-in fixtures, --fixtures, or the files given.
func loadDCCEnv(g *globalOptions, fleetFile, usersFile string, bo fleet.Options, ppcOpen []string) (*dccEnv, error) {
	cat, err := g.catalogue()
	if err != nil {
		return nil, err
	}
	spec, err := loadFleetSpec(fleetFile, g, cat)
	if err != nil {
		return nil, err
	}
	f, err := fleet.Build(spec, bo)
	if err != nil {
		return nil, badInput{err}
	}
	fsys, err := g.fixturesFS()
	if err != nil {
		return nil, err
	}
	usersFS, usersPath := fsys, fixtures.UsersFile
	if usersFile != "" {
		abs, err := filepath.Abs(usersFile)
		if err != nil {
			return nil, badInputf("--users: %v", err)
		}
		// Certificate paths are relative to the users file and may leave its directory.
		usersFS, usersPath = os.DirFS("/"), strings.TrimPrefix(filepath.ToSlash(abs), "/")
	}
	data, err := fs.ReadFile(usersFS, usersPath)
	if err != nil {
		return nil, badInputf("users: %v", err)
	}
	name := usersPath
	if usersFile != "" {
		name = usersFile
	}
	dir, err := users.Parse(name, data)
	if err != nil {
		return nil, badInput{err}
	}
	keys, err := dcc.LoadKeysFrom(fsys, fixtures.PKIDir, usersFS, usersPath, dir)
	if err != nil {
		return nil, badInputf("%s: %v", name, err)
	}
	epc, err := fs.ReadFile(fsys, fixtures.EPCFile)
	if err != nil {
		return nil, badInputf("EPC list: %v", err)
	}
	ppc, err := fs.ReadFile(fsys, fixtures.PPCFile)
	if err != nil {
		return nil, badInputf("PPC list: %v", err)
	}
	lists, err := inventory.ParseLists(fixtures.EPCFile, epc, fixtures.PPCFile, ppc, cat.Lookup)
	if err != nil {
		return nil, badInput{err}
	}
	for _, id := range ppcOpen {
		if err := lists.SetTestOpen(id, true); err != nil {
			return nil, badInputf("--ppc-open %s: %v", id, err)
		}
	}
	return &dccEnv{cat: cat, fleet: f, users: dir, keys: keys, lists: lists}, nil
}

func describeUsers(dir *users.Directory, responseURL string) string {
	var parts []string
	for _, u := range dir.Users {
		roles := make([]string, len(u.Roles))
		for i, r := range u.Roles {
			roles[i] = string(r)
		}
		to := u.ResponseURL
		switch {
		case responseURL != "":
			to = responseURL
		case to == "":
			to = "no response URL: async messages are not sent (give one in the users file or --response-url)"
		}
		parts = append(parts, fmt.Sprintf("\n  %s %-6s → %s", u.EUI, strings.Join(roles, ","), to))
	}
	return fmt.Sprintf("%d%s", len(dir.Users), strings.Join(parts, ""))
}

// logRequests logs each DUIS request with its HTTP status, the failed check if any, and how long
// the synchronous answer took.
func logRequests(h http.Handler, log *slog.Logger, quiet bool) http.Handler {
	if quiet {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		attrs := []any{"method", r.Method, "path", r.URL.Path, "status", rec.status, "took", time.Since(t0).Round(time.Microsecond)}
		if reason := rec.Header().Get(dcc.ReasonHeader); reason != "" {
			attrs = append(attrs, "reason", reason)
		}
		log.Info("request", attrs...)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// printJournal summarises what the DCC answered, by code, when it stops.
func printJournal(io *IOStreams, journal []dcc.Record) {
	sync, async := map[dcc.Code]int{}, map[dcc.Code]int{}
	breaches := 0
	for _, r := range journal {
		sync[r.Code]++
		if r.AsyncCode != "" {
			async[r.AsyncCode]++
		}
		if r.TRTBreached {
			breaches++
		}
	}
	fmt.Fprintf(io.Out, "served %d DUIS requests: %s; device answers: %s; %d beyond their target response time\n",
		len(journal), codeCounts(sync), codeCounts(async), breaches)
}

func codeCounts(m map[dcc.Code]int) string {
	if len(m) == 0 {
		return "none"
	}
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, string(c))
	}
	sort.Strings(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%s %d", c, m[dcc.Code(c)])
	}
	return strings.Join(parts, ", ")
}

// stateLists are the EPC and PPC lists of the state directory (the fixtures' where it has none),
// with the tests of ppcOpen open.
func stateLists(g *globalOptions, cat *catalogue.Catalogue, state string, ppcOpen []string) (*inventory.Lists, error) {
	fsys, err := g.fixturesFS()
	if err != nil {
		return nil, err
	}
	reg, err := registry.Open(state, fsys, cat)
	if err != nil {
		return nil, badInput{err}
	}
	for _, id := range ppcOpen {
		if err := reg.Lists.SetTestOpen(id, true); err != nil {
			return nil, badInputf("--ppc-open %s: %v", id, err)
		}
	}
	return reg.Lists, nil
}
