package scenarios

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/duis/dsig"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/inventory"
	"github.com/smetsim/smetsim/simulator/users"
)

// World is one test case's environment: its own premises on its own virtual clock, a mock DCC
// for them behind an HTTP server, the Receive Response Service every user's asynchronous
// messages go to, and a DUIS client holding each user's key and counter. Nothing is shared with
// another world, so cases run in parallel and each reproduces from its seed alone.
//
// Against an external DCC (Options.DCC) there is no fleet: requests go to that endpoint, the
// receiver listens on Options.Listen, time is the wall clock, and what needs the emulator's
// insides (device, han and fault steps) cannot be done.
//
// A World is driven from one goroutine: its methods are not safe for concurrent use.
type World struct {
	Scenario *Scenario
	Seed     uint64
	Fleet    *fleet.Fleet // nil against an external DCC
	DCC      *dcc.DCC     // nil against an external DCC
	Receiver *Receiver
	Client   *Client

	users   map[string]devices.EUI64 // alias → EUI
	dccSrv  *httptest.Server
	rrsSrv  *httptest.Server
	ext     *external // the external DCC's client and receiver, nil in-process
	ownsExt bool
	start   time.Time
	wall    time.Time // wall time at start, against an external DCC
	utrn    map[devices.EUI64]uint32
	claimed map[int]bool      // alerts an expectation has already matched, by arrival number
	saved   map[string]string // response values saved by expect.response.save, by name
	ctx     context.Context
}

// External reports whether the world talks to an external DCC.
func (w *World) External() bool { return w.ext != nil }

// fixtureSet is what every in-process world builds from, loaded once.
type fixtureSet struct {
	cat      *catalogue.Catalogue
	spec     *fleet.Spec
	keys     *dcc.Keys
	signers  map[devices.EUI64]*dsig.Signer
	epc, ppc []byte
	users    []byte
	dccCerts *dsig.CertStore
	s1sp     *dsig.CertStore
}

var (
	fixturesOnce sync.Once
	fixtureData  *fixtureSet
	fixtureErr   error
)

func loadFixtures() (*fixtureSet, error) {
	fixturesOnce.Do(func() {
		fixtureData, fixtureErr = readFixtures()
	})
	return fixtureData, fixtureErr
}

func readFixtures() (*fixtureSet, error) {
	fx := &fixtureSet{signers: map[devices.EUI64]*dsig.Signer{}}
	var err error
	if fx.cat, err = catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile); err != nil {
		return nil, err
	}
	if fx.spec, err = fleet.LoadSpec(fixtures.FS, fixtures.DefaultFleet, fx.cat); err != nil {
		return nil, err
	}
	if fx.users, err = fixtures.FS.ReadFile(fixtures.UsersFile); err != nil {
		return nil, err
	}
	dir, err := users.Parse(fixtures.UsersFile, fx.users)
	if err != nil {
		return nil, err
	}
	if fx.keys, err = dcc.LoadKeys(fixtures.FS, fixtures.PKIDir, fixtures.UsersFile, dir); err != nil {
		return nil, err
	}
	for _, u := range dir.Users {
		key, err := fs.ReadFile(fixtures.FS, path.Join(path.Dir(fixtures.UsersFile), u.Key))
		if err != nil {
			return nil, err
		}
		cert, err := fs.ReadFile(fixtures.FS, path.Join(path.Dir(fixtures.UsersFile), u.Certificate))
		if err != nil {
			return nil, err
		}
		if fx.signers[u.EUI], err = dsig.ParseSigner(key, cert); err != nil {
			return nil, fmt.Errorf("%s: user %s: %w", fixtures.UsersFile, u.EUI, err)
		}
	}
	if fx.epc, err = fixtures.FS.ReadFile(fixtures.EPCFile); err != nil {
		return nil, err
	}
	if fx.ppc, err = fixtures.FS.ReadFile(fixtures.PPCFile); err != nil {
		return nil, err
	}
	fx.dccCerts = dsig.NewCertStore(fx.keys.DCC.Cert)
	fx.s1sp = dsig.NewCertStore(fx.keys.S1SP.Cert)
	return fx, nil
}

// DefaultFleetSpec returns the built-in fleet file (fixtures/fleets/default.yaml), for scenarios
// that name none.
func DefaultFleetSpec() (*fleet.Spec, error) {
	fx, err := loadFixtures()
	if err != nil {
		return nil, err
	}
	return fx.spec, nil
}

// deliveryRetry retries a receiver quickly: the receiver is in the same process, and a world
// must not sit on the wall clock.
var deliveryRetry = dcc.Retry{Attempts: 3, First: 10 * time.Millisecond, Max: 50 * time.Millisecond}

// NewWorld builds a test case's world from its scenario with the case's seed: against the
// in-process mock DCC unless opts.DCC names an external endpoint.
func NewWorld(sc *Scenario, seed uint64, opts Options) (*World, error) {
	w := &World{Scenario: sc, Seed: seed, users: map[string]devices.EUI64{}, utrn: map[devices.EUI64]uint32{},
		claimed: map[int]bool{}, saved: map[string]string{}, ctx: context.Background()}
	for a, e := range BuiltinUsers {
		w.users[a] = e
	}
	for a, e := range sc.Users {
		w.users[a] = e
	}
	if opts.DCC != "" {
		return w, w.connect(opts)
	}
	fx, err := loadFixtures()
	if err != nil {
		return nil, fmt.Errorf("load the built-in fixtures: %w", err)
	}
	spec := sc.Fleet
	if spec == nil {
		spec = fx.spec
	}
	if w.Fleet, err = fleet.Build(spec, fleet.Options{Seed: &seed}); err != nil {
		return nil, fmt.Errorf("build the fleet %s: %w", sc.FleetName, err)
	}
	var lists *inventory.Lists
	if opts.Lists != nil {
		lists = opts.Lists()
	} else if lists, err = inventory.ParseLists(fixtures.EPCFile, fx.epc, fixtures.PPCFile, fx.ppc, fx.cat.Lookup); err != nil {
		return nil, err
	}
	for _, id := range sc.PPCOpen {
		if err := lists.SetTestOpen(id, true); err != nil {
			return nil, fmt.Errorf("ppc_open %s: %w", id, err)
		}
	}
	dir, err := users.Parse(fixtures.UsersFile, fx.users)
	if err != nil {
		return nil, err
	}
	w.Receiver = NewReceiver(fx.dccCerts, fx.s1sp)
	w.rrsSrv = httptest.NewServer(w.Receiver)
	for _, u := range dir.Users {
		u.ResponseURL = w.rrsSrv.URL + PathFor(u.EUI)
	}
	w.DCC, err = dcc.New(dcc.Config{Fleet: w.Fleet, Catalogue: fx.cat, Users: dir, Keys: fx.keys, Lists: lists,
		Retry: deliveryRetry, Client: w.rrsSrv.Client()})
	if err != nil {
		w.rrsSrv.Close()
		return nil, err
	}
	w.dccSrv = httptest.NewServer(w.DCC.Handler())
	w.Client = NewClient(w.dccSrv.URL, fx.dccCerts, w.dccSrv.Client(), 0)
	for eui, s := range fx.signers {
		w.Client.AddUser(eui, s)
	}
	w.start = w.Fleet.Clock.Now()
	return w, nil
}

// external is what the worlds of a run against an external DCC share: one client, since the DCC
// wants each user's counters to rise across the whole run, and one receiver on the listen address.
type external struct {
	url      string
	client   *Client
	receiver *Receiver
	srv      *http.Server
	ln       net.Listener
}

// newExternal loads the users file and the DCC's certificates and starts the receiver.
func newExternal(opts Options) (*external, error) {
	if opts.Users == "" || opts.DCCCert == "" || opts.Listen == "" {
		return nil, fmt.Errorf("an external DCC needs a users file (--users), the DCC's certificate (--dcc-cert) and an address to receive responses on (--listen)")
	}
	dir, err := users.Load(os.DirFS(filepath.Dir(opts.Users)), filepath.Base(opts.Users))
	if err != nil {
		return nil, err
	}
	certs := dsig.NewCertStore()
	if _, err := certs.LoadPEMFile(opts.DCCCert); err != nil {
		return nil, fmt.Errorf("--dcc-cert %s: %w", opts.DCCCert, err)
	}
	// Counters start from the wall clock: the DCC remembers the last counter of each user across
	// runs, so a run must start above any earlier one.
	c := NewClient(opts.DCC, certs, nil, uint64(time.Now().UnixNano()))
	base := filepath.Dir(opts.Users)
	for _, u := range dir.Users {
		if u.Key == "" {
			continue
		}
		s, err := dsig.LoadSigner(filepath.Join(base, u.Key), filepath.Join(base, u.Certificate))
		if err != nil {
			return nil, fmt.Errorf("%s: user %s: %w", opts.Users, u.EUI, err)
		}
		c.AddUser(u.EUI, s)
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return nil, fmt.Errorf("--listen %s: %w", opts.Listen, err)
	}
	ex := &external{url: opts.DCC, client: c, receiver: NewReceiver(certs, certs), ln: ln}
	ex.srv = &http.Server{Handler: ex.receiver, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = ex.srv.Serve(ln) }()
	return ex, nil
}

func (e *external) close() { _ = e.srv.Close() }

// ReceiverAddr returns the address the receiver listens on, against an external DCC ("" in-process).
func (w *World) ReceiverAddr() string {
	if w.ext == nil {
		return ""
	}
	return w.ext.ln.Addr().String()
}

func (w *World) connect(opts Options) error {
	if opts.ext != nil {
		w.ext = opts.ext
	} else {
		ext, err := newExternal(opts)
		if err != nil {
			return err
		}
		w.ext, w.ownsExt = ext, true
	}
	w.Client, w.Receiver = w.ext.client, w.ext.receiver
	w.start = time.Now().UTC()
	w.wall = w.start
	return nil
}

// Close stops the world's servers and its DCC's deliveries.
func (w *World) Close() {
	if w.dccSrv != nil {
		w.dccSrv.Close()
	}
	if w.DCC != nil {
		w.DCC.Close()
	}
	if w.rrsSrv != nil {
		w.rrsSrv.Close()
	}
	if w.ownsExt {
		w.ext.close()
	}
}

// Now returns the world's time: virtual in-process, the wall clock against an external DCC.
func (w *World) Now() time.Time {
	if w.Fleet == nil {
		return time.Now().UTC()
	}
	return w.Fleet.Clock.Now()
}

// Elapsed returns how much world time has passed since the world was built.
func (w *World) Elapsed() time.Duration { return w.Now().Sub(w.start) }

// User returns the EUI of a user alias.
func (w *World) User(alias string) (devices.EUI64, error) {
	if e, ok := w.users[alias]; ok {
		return e, nil
	}
	if e, err := devices.ParseEUI64(alias); err == nil {
		return e, nil
	}
	return devices.EUI64{}, fmt.Errorf("unknown user %q", alias)
}

// Advance moves the world's time on by d: the virtual clock runs every event due, and the DCC's
// deliveries are waited for. Against an external DCC it waits on the wall clock.
func (w *World) Advance(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("cannot advance by a negative duration %s", d)
	}
	return w.AdvanceTo(w.Now().Add(d))
}

// AdvanceTo moves the world's time on to t (nothing happens when t is not after now).
func (w *World) AdvanceTo(t time.Time) error {
	if w.Fleet == nil {
		d := time.Until(t)
		if d <= 0 {
			return nil
		}
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-timer.C:
			return nil
		case <-w.ctx.Done():
			return w.ctx.Err()
		}
	}
	if !t.After(w.Now()) {
		return nil
	}
	err := w.Fleet.Clock.RunUntil(w.ctx, t)
	w.DCC.Wait()
	return err
}

// awaitUntil runs the world's time until done reports true or the deadline passes, and reports
// whether done came true. In-process it steps the virtual clock event by event, waiting for the
// DCC's deliveries after each, so the clock stops at the moment the awaited message was sent.
func (w *World) awaitUntil(deadline time.Time, done func() bool) (bool, error) {
	if w.Fleet == nil {
		for {
			changed := w.Receiver.Changed()
			if done() {
				return true, nil
			}
			d := time.Until(deadline)
			if d <= 0 {
				return false, nil
			}
			timer := time.NewTimer(d)
			select {
			case <-changed:
			case <-timer.C:
			case <-w.ctx.Done():
				timer.Stop()
				return false, w.ctx.Err()
			}
			timer.Stop()
		}
	}
	c := w.Fleet.Clock
	for {
		w.DCC.Wait()
		if done() {
			return true, nil
		}
		if err := w.ctx.Err(); err != nil {
			return false, err
		}
		next, ok := c.Next()
		if !ok || next.After(deadline) {
			if err := c.RunUntil(w.ctx, deadline); err != nil {
				return false, err
			}
			w.DCC.Wait()
			return done(), nil
		}
		if err := c.RunUntil(w.ctx, next); err != nil {
			return false, err
		}
	}
}

// Device is one device of the world, found by a scenario's device reference.
type Device struct {
	Ref      string
	EUI      devices.EUI64
	Kind     devices.Kind
	Premises *fleet.Premises // nil against an external DCC
}

// errDCCRef is returned for the reference "DCC", which names no device.
var errDCCRef = errors.New("DCC is not a device")

// Device finds a device by reference: "<premises id>.<KIND>" (e.g. "rtds-reference.ESME") or an
// EUI-64. Against an external DCC a premises reference is resolved through the scenario's fleet
// file (the default one when it names none): only its listed premises are known.
func (w *World) Device(ref string) (*Device, error) {
	if ref == "DCC" {
		return nil, errDCCRef
	}
	if eui, err := devices.ParseEUI64(ref); err == nil && !strings.Contains(ref, ".") {
		d := &Device{Ref: ref, EUI: eui}
		if w.Fleet != nil {
			if d.Premises = w.Fleet.ByDevice(eui); d.Premises == nil {
				return nil, fmt.Errorf("device %s is not in the fleet", ref)
			}
			for k, e := range d.Premises.Devices() {
				if e == eui {
					d.Kind = k
				}
			}
		} else {
			d.Kind, _ = w.specKind(eui) // 0 when not listed: the DCC knows
		}
		return d, nil
	}
	i := strings.LastIndex(ref, ".")
	if i <= 0 {
		return nil, fmt.Errorf("device reference %q: want <premises>.<KIND> or an EUI-64", ref)
	}
	kind, err := devices.ParseKind(ref[i+1:])
	if err != nil {
		return nil, fmt.Errorf("device reference %q: %w", ref, err)
	}
	pid := ref[:i]
	if w.Fleet != nil {
		p := w.Fleet.Premise(pid)
		if p == nil {
			return nil, fmt.Errorf("device reference %q: no premises %q in the fleet", ref, pid)
		}
		eui, ok := p.Devices()[kind]
		if !ok {
			return nil, fmt.Errorf("device reference %q: premises %s has no %s", ref, pid, kind)
		}
		return &Device{Ref: ref, EUI: eui, Kind: kind, Premises: p}, nil
	}
	if spec := w.spec(); spec != nil {
		for _, p := range spec.Premises {
			if p.ID == pid {
				if ds := p.Devices[kind]; ds != nil {
					return &Device{Ref: ref, EUI: ds.EUI, Kind: kind}, nil
				}
			}
		}
	}
	return nil, fmt.Errorf("device reference %q: against an external DCC a device is named by EUI-64 or by a premises the scenario lists", ref)
}

// spec is the scenario's fleet file, or the default one when it names none.
func (w *World) spec() *fleet.Spec {
	if w.Scenario.Fleet != nil {
		return w.Scenario.Fleet
	}
	spec, _ := DefaultFleetSpec()
	return spec
}

func (w *World) specKind(eui devices.EUI64) (devices.Kind, bool) {
	spec := w.spec()
	if spec == nil {
		return 0, false
	}
	for _, p := range spec.Premises {
		for k, ds := range p.Devices {
			if ds.EUI == eui {
				return k, true
			}
		}
	}
	return 0, false
}

// Send sends a request as a scenario's send step states it and returns the exchange with the
// DCC's synchronous answers; AwaitResponse waits for what follows. Unlike a send step, it checks
// nothing: it is the Go API's way to drive the DCC and look at the answers directly.
func (w *World) Send(s Send) (*Exchange, error) {
	user, err := w.User(s.As)
	if err != nil {
		return nil, err
	}
	req := Request{As: user, SRV: s.SRV, CV: s.CV, Body: s.Body, To: dcc.EUI}
	if s.To != "DCC" {
		d, err := w.Device(s.To)
		if err != nil {
			return nil, err
		}
		req.To = d.EUI
	}
	if s.ExecuteAt != "" {
		if req.ExecuteAt, req.ExecuteAtText, err = executionTime(s.ExecuteAt, w.Now()); err != nil {
			return nil, err
		}
	}
	return w.Client.Send(w.ctx, req)
}

// AwaitResponse runs the world's time until the asynchronous response to an exchange's request
// arrives, for at most within — 0 means the SRV's Target Response Time for the target device —
// and returns it (nil if none came).
func (w *World) AwaitResponse(ex *Exchange, within time.Duration) (*Message, error) {
	if within <= 0 && ex.SRV != nil {
		var kind devices.Kind
		var wake time.Duration
		if id, err := duis.ParseRequestID(ex.RequestID); err == nil {
			if d, err := w.Device(id.Target.String()); err == nil {
				kind, wake = d.Kind, w.wakeInterval(d)
			}
		}
		within = ex.SRV.TargetResponseTime(kind, wake)
	}
	_, err := w.awaitUntil(w.Now().Add(within), func() bool { return w.Receiver.Response(ex.RequestID) != nil })
	return w.Receiver.Response(ex.RequestID), err
}
