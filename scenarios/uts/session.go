// Package uts is User Testing Services: the mock DCC facing a DCC User's own system, judging every
// request the User sends and, following a UTS pack, sending the stimuli a real DCC produces
// (asynchronous responses, duplicates, late responses, E5/E20/E21, device and DCC alerts, an
// invalid message), checking how the User's Receive Response Service answers each, and writing a
// report of test cases with their evidence.
//
// A Session wraps a simulator/dcc DCC rather than changing it: requests reach the DCC through
// the session's handler, which judges the DCC's answer; the DCC's asynchronous messages reach the
// User through the session's transport (the DCC's HTTP client), which applies the pack's stimuli
// and records the User's answers. The DCC's pipeline stays the one judge of what a request is
// worth; UTS turns its verdicts into test cases.
package uts

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/inventory"
	"github.com/smetsim/smetsim/simulator/srv"
	"github.com/smetsim/smetsim/simulator/users"
)

// Config is what a UTS session runs: the mock DCC's configuration (its Client and its users'
// Receive Response Service URLs are taken over by the session) and the pack.
type Config struct {
	DCC  dcc.Config
	Pack *Pack
	// Client posts to the User's Receive Response Service; nil uses a client with a 10 s timeout.
	Client *http.Client
	// Now is the wall clock of the report; nil is time.Now.
	Now func() time.Time
}

// relayHost is the host the DCC posts its asynchronous messages to: the session's transport takes
// them there, so nothing leaves the process until UTS has applied the pack.
const relayHost = "uts-relay.invalid"

// Session is one UTS session: a mock DCC in User-testing mode.
type Session struct {
	cfg    Config
	d      *dcc.DCC
	fleet  *fleet.Fleet
	client *http.Client
	now    func() time.Time
	// urls are the users' own Receive Response Service URLs (or the one for all), by EUI.
	urls      map[devices.EUI64]string
	handler   http.Handler
	serveLock sync.Mutex // one request at a time through the DCC: an E5 stimulus suspends a device

	mu          sync.Mutex
	started     time.Time
	cases       []*Case
	pack        []*packRun // the pack's cases, in order
	transforms  map[string]bool
	byRequest   map[string]*Case // request cases by RequestID, for the deliveries of their responses
	quarantines uint64           // references of the AD1 alerts UTS sent
	inflight    sync.WaitGroup
	done        chan struct{}
	closed      bool
}

// packRun is a pack case in a session: untriggered, waiting for its messages, or done.
type packRun struct {
	pc        PackCase
	c         *Case
	triggered bool
	done      bool
	request   *duis.Request
	device    inventory.Device
	alertWait string // a device alert code the case waits for from device
	// gotResponse: the request's response has come; later messages with its RequestID are not
	// the case's.
	gotResponse bool
}

// New builds the session's mock DCC. Every user's asynchronous messages go through the session:
// to responseURL when it is set, else to the user's own URL from the users file.
func New(cfg Config) (*Session, error) {
	if cfg.Pack == nil || len(cfg.Pack.Cases) == 0 {
		return nil, errors.New("uts: a pack with at least one case is required")
	}
	if cfg.DCC.Users == nil || cfg.DCC.Fleet == nil {
		return nil, errors.New("uts: the DCC's users and fleet are required")
	}
	s := &Session{cfg: cfg, fleet: cfg.DCC.Fleet, client: cfg.Client, now: cfg.Now, urls: map[devices.EUI64]string{},
		transforms: map[string]bool{}, byRequest: map[string]*Case{}, done: make(chan struct{})}
	if s.client == nil {
		// A connection per delivery: a kept-alive connection the User's server closes as idle
		// while a delivery goes out fails the POST with EOF (a POST is not retried), which
		// would be judged as the User's fault though it is a race of the transport.
		s.client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.started = s.now()
	for _, u := range cfg.DCC.Users.Users {
		s.urls[u.EUI] = u.ResponseURL
		if cfg.DCC.ResponseURL != "" {
			s.urls[u.EUI] = cfg.DCC.ResponseURL
		}
	}
	dc := cfg.DCC
	// Every message is posted to the relay, one URL per user, so the transport knows whose it is.
	dc.ResponseURL = ""
	relayed := relayUsers(cfg.DCC.Users)
	dc.Users = relayed
	dc.Client = &http.Client{Transport: relay{s}}
	// The transport answers at once; the DCC's own retries would only repeat what UTS decides.
	dc.Retry = dcc.Retry{Attempts: 1, First: time.Millisecond, Max: time.Millisecond}
	d, err := dcc.New(dc)
	if err != nil {
		return nil, err
	}
	s.d = d
	s.handler = d.Handler()
	for _, pc := range cfg.Pack.Cases {
		s.pack = append(s.pack, &packRun{pc: pc})
	}
	return s, nil
}

// relayUsers is the users directory the DCC sees: the same users, each with the relay's URL.
func relayUsers(dir *users.Directory) *users.Directory {
	out := make([]*users.User, 0, len(dir.Users))
	for _, u := range dir.Users {
		cp := *u
		cp.ResponseURL = "http://" + relayHost + "/" + u.EUI.String()
		out = append(out, &cp)
	}
	return users.NewDirectory(out)
}

// DCC returns the mock DCC behind the session.
func (s *Session) DCC() *dcc.DCC { return s.d }

// Done is closed when every case of the pack has been run and judged.
func (s *Session) Done() <-chan struct{} { return s.done }

// Close waits for deliveries in flight and stops the DCC's delivery.
func (s *Session) Close() {
	s.d.Close()
	s.inflight.Wait()
}

// Handler returns the DUIS endpoints: the DCC's, each request judged.
func (s *Session) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, int64(duis.DefaultLimits.MaxBytes)+1))
		if err != nil {
			http.Error(w, "could not read the request: "+err.Error(), http.StatusBadRequest)
			return
		}
		rec := s.serve(r.Method, r.URL.Path, body)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// serve passes one request to the DCC and judges it.
func (s *Session) serve(method, path string, body []byte) *httptest.ResponseRecorder {
	s.serveLock.Lock()
	defer s.serveLock.Unlock()
	req, perr := duis.ParseRequest(body, duis.Limits{})

	// An E5 stimulus: the device is suspended in the SMI for this request, so the DCC's own
	// pipeline answers E5 with its reason; it is restored at once.
	var e5 *packRun
	var restore func()
	if req != nil && isDeviceRequest(req) {
		if pr := s.nextPack(req.Header.ServiceReferenceVariant); pr != nil && pr.pc.Stimulus == Error && pr.pc.Code == "E5" {
			e5 = pr
			restore = s.suspend(req.Header.RequestID.Target)
		}
	}
	rec := httptest.NewRecorder()
	hr := httptest.NewRequest(method, path, bytes.NewReader(body))
	hr.Header.Set("Content-Type", "application/xml")
	s.handler.ServeHTTP(rec, hr)
	if restore != nil {
		restore()
	}
	s.judge(path, body, req, perr, rec, e5)
	return rec
}

// suspend moves a commissioned device to Suspended and returns what moves it back.
func (s *Session) suspend(id devices.EUI64) func() {
	inv := s.d.Inventory()
	dev, ok := inv.Device(id)
	if !ok || dev.Status != inventory.Commissioned {
		return nil
	}
	if err := inv.Move(s.fleet.Clock.Now(), id, inventory.Suspended, "UTS pack: E5 stimulus"); err != nil {
		return nil
	}
	return func() { _ = inv.Move(s.fleet.Clock.Now(), id, inventory.Commissioned, "UTS pack: E5 stimulus over") }
}

func isDeviceRequest(req *duis.Request) bool {
	sr := srv.Lookup(req.Header.ServiceReferenceVariant)
	return sr != nil && !sr.NonDevice
}

// nextPack returns the first case of the pack for an SRV not yet triggered.
func (s *Session) nextPack(variant string) *packRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, pr := range s.pack {
		if !pr.triggered && pr.pc.SRV == variant {
			return pr
		}
	}
	return nil
}

// The rules UTS judges each request by.
const (
	RuleSchema         = "schema"          // the request is DUIS: well-formed, valid envelope and header
	RuleSignature      = "signature"       // signed by the originator's registered certificate
	RuleCounter        = "counter"         // the counter rises strictly; a CV 5 reuses its CV 4's RequestID once
	RuleEndpoint       = "endpoint"        // the command variant is one the endpoint takes
	RuleCommandVariant = "command-variant" // the command variant suits the SRV
	RuleTransformFirst = "transform-first" // a critical SRV goes through Transform (CV 4) before its Signed Pre-Command (CV 5)
	RuleRole           = "role"            // one of the User's roles may send the SRV
	RuleReceive        = "receive"         // the Receive Response Service: 204 for valid messages, also duplicates; 400 for invalid ones
	RuleStimulus       = "stimulus"        // the pack's stimulus was applied
	RuleExercised      = "exercised"       // the User sent the SRV the pack case waits for
)

// Rules are the request rules in the order they are judged.
var Rules = []string{RuleSchema, RuleSignature, RuleCounter, RuleEndpoint, RuleCommandVariant, RuleTransformFirst, RuleRole}

// judge records a request's test case, and triggers the pack case it starts.
func (s *Session) judge(path string, body []byte, req *duis.Request, perr error, rec *httptest.ResponseRecorder, e5 *packRun) {
	code, reason := "", rec.Header().Get(dcc.ReasonHeader)
	answer := rec.Body.Bytes()
	if rec.Code == http.StatusOK {
		code = responseCode(answer)
	} else {
		reason = strings.TrimSpace(string(answer))
	}
	c := &Case{Class: ClassRequest, Started: s.now()}
	name := "request to " + path
	var sr *srv.SRV
	cv := 0
	var id string
	if req != nil {
		h := req.Header
		sr = srv.Lookup(h.ServiceReferenceVariant)
		cv = h.CommandVariant
		id = h.RequestID.String()
		name = fmt.Sprintf("%s CV %d %s", h.ServiceReferenceVariant, cv, id)
		c.SRV, c.RequestID = h.ServiceReferenceVariant, id
	}
	c.Name = name
	c.Evidence = append(c.Evidence, Evidence{Label: "request", Endpoint: path, XML: string(body)},
		Evidence{Label: "DCC answer", Endpoint: path, HTTPStatus: rec.Code, Code: code, Reason: reason, XML: string(answer)})

	failed := map[string]string{}
	switch {
	case perr != nil:
		failed[RuleSchema] = "the request is not valid DUIS: " + perr.Error()
	case rec.Code != http.StatusOK:
		failed[RuleSchema] = fmt.Sprintf("the DCC refused it with HTTP %d: %s", rec.Code, reason)
	}
	if req != nil {
		critical := sr != nil && sr.Critical
		s.mu.Lock()
		transformed := s.transforms[id]
		if cv == 4 && code == "I0" {
			s.transforms[id] = true
		}
		s.mu.Unlock()
		switch {
		case critical && (cv == 1 || cv == 8):
			failed[RuleTransformFirst] = fmt.Sprintf("%s %s is critical: it goes to Transform as CV 4, then as a Signed Pre-Command (CV 5), not as CV %d", sr.Variant, sr.Name, cv)
		case cv == 5 && !transformed && code == "E3":
			failed[RuleTransformFirst] = "a Signed Pre-Command (CV 5) with no Transform (CV 4) of its RequestID before it: " + reason
		}
		switch code {
		case "E1":
			failed[RuleSignature] = reason
		case "E2":
			failed[RuleRole] = reason
		case "E3":
			if _, ok := failed[RuleTransformFirst]; !ok {
				failed[RuleCounter] = reason
			}
		case "E12":
			if _, ok := failed[RuleTransformFirst]; !ok {
				failed[RuleCommandVariant] = reason
			}
		case "E13":
			failed[RuleEndpoint] = reason
		}
	}
	for _, rule := range Rules {
		ch := Check{Rule: rule, Passed: true}
		if why, ok := failed[rule]; ok {
			ch.Passed, ch.Detail = false, why
		}
		c.Checks = append(c.Checks, ch)
	}
	if code != "" {
		c.Note = "answered " + code
		if reason != "" {
			c.Note += ": " + reason
		}
	}
	c.Finished = s.now()
	c.settle()

	s.mu.Lock()
	s.cases = append(s.cases, c)
	if id != "" && (code == "I99" || code == "I0") && (cv == 1 || cv == 5) {
		s.byRequest[id] = c
	}
	s.mu.Unlock()

	if req == nil {
		return
	}
	switch {
	case e5 != nil && code == "E5":
		s.trigger(e5, req, c, func(pc *Case) {
			pc.Evidence = append(pc.Evidence, c.Evidence[1])
			pc.Checks = append(pc.Checks, Check{Rule: RuleStimulus, Passed: true,
				Detail: "the DCC answered E5 (the device was suspended in the SMI for this request)"})
		}, true)
	case code == "I0" && cv == 8:
		if pr := s.nextPack(req.Header.ServiceReferenceVariant); pr != nil && pr.pc.Stimulus == Answer {
			s.trigger(pr, req, c, func(pc *Case) {
				pc.Evidence = append(pc.Evidence, c.Evidence[1])
				pc.Checks = append(pc.Checks, Check{Rule: RuleStimulus, Passed: true, Detail: "answered I0 synchronously, as the DCC answers non-device requests"})
			}, true)
		}
	case code == "I99" && (cv == 1 || cv == 5):
		if pr := s.nextPack(req.Header.ServiceReferenceVariant); pr != nil && !(pr.pc.Stimulus == Error && pr.pc.Code == "E5") {
			s.trigger(pr, req, c, nil, false)
		}
	}
}

// trigger starts a pack case on the request that took it; done cases end at once.
func (s *Session) trigger(pr *packRun, req *duis.Request, rc *Case, fill func(*Case), done bool) {
	pc := &Case{Class: ClassPack, Name: pr.pc.Name, SRV: pr.pc.SRV, RequestID: req.Header.RequestID.String(),
		Stimulus: pr.pc.Stimulus, Where: pr.pc.Where(), Started: s.now(),
		Note: fmt.Sprintf("%s on %s", describeStimulus(pr.pc), rc.Name)}
	pc.Evidence = append(pc.Evidence, rc.Evidence[0])
	if fill != nil {
		fill(pc)
	}
	dev, _ := s.d.Inventory().Device(req.Header.RequestID.Target)
	s.mu.Lock()
	pr.triggered, pr.c, pr.request, pr.device = true, pc, req, dev
	s.cases = append(s.cases, pc)
	s.mu.Unlock()
	if done {
		s.finish(pr)
	}
}

// finish marks a pack case done and closes Done when the whole pack is.
func (s *Session) finish(pr *packRun) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if pr.done {
		return
	}
	pr.done = true
	pr.c.Finished = s.now()
	pr.c.settle()
	for _, p := range s.pack {
		if !p.done {
			return
		}
	}
	if !s.closed {
		s.closed = true
		close(s.done)
	}
}

func describeStimulus(pc PackCase) string {
	switch pc.Stimulus {
	case Error:
		return "error " + pc.Code
	case Late:
		return "late by " + pc.Delay.String()
	case DeviceAlert:
		return "device alert " + pc.Alert
	case DCCAlert:
		return "DCC alert " + pc.Alert
	}
	return string(pc.Stimulus)
}

// Report returns the session's test cases so far. A pack case the User has not exercised is
// failed: a UTS test the User did not run is not passed.
func (s *Session) Report() *Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := &Report{Format: ReportFormat, Pack: s.cfg.Pack.Name, PackFiles: s.cfg.Pack.Files, Started: s.started.UTC(), Finished: s.now().UTC()}
	r.Complete = true
	for _, c := range s.cases {
		cp := c.copy()
		if c.Class == ClassPack && c.Finished.IsZero() {
			cp.Checks = append(cp.Checks, Check{Rule: RuleStimulus, Passed: false, Detail: "the session ended before the case's messages were delivered and answered"})
			cp.settle()
		}
		r.Cases = append(r.Cases, cp)
	}
	for _, pr := range s.pack {
		if !pr.done {
			r.Complete = false
		}
		if pr.triggered {
			continue
		}
		c := Case{Class: ClassPack, Name: pr.pc.Name, SRV: pr.pc.SRV, Stimulus: pr.pc.Stimulus, Where: pr.pc.Where(),
			Checks: []Check{{Rule: RuleExercised, Detail: fmt.Sprintf("the User sent no %s that the DCC accepted for this case (%s)", pr.pc.SRV, describeStimulus(pr.pc))}}}
		c.settle()
		r.Cases = append(r.Cases, c)
	}
	r.count()
	return r
}
