package dcc

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/duis/dsig"
	"github.com/smetsim/smetsim/simulator/inventory"
	"github.com/smetsim/smetsim/simulator/srv"
	"github.com/smetsim/smetsim/simulator/users"
)

// The DCC Boxed endpoint paths.
const (
	PathSendCommand = "/api/v1/serviceS"
	PathNonDevice   = "/api/v1/serviceD"
	PathTransform   = "/api/v1/serviceT"
)

// ReasonHeader carries, on every error answer, exactly which check failed: DUIS response codes are
// coarse and several checks share one.
const ReasonHeader = "X-Smetsim-Reason"

// endpointCVs says which command variants each endpoint takes.
var endpointCVs = map[string][]int{
	PathSendCommand: {1, 3, 5, 7},
	PathNonDevice:   {2, 6, 8},
	PathTransform:   {4},
}

// Handler returns the DUIS endpoints, POST only, application/xml.
func (d *DCC) Handler() http.Handler {
	mux := http.NewServeMux()
	for p := range endpointCVs {
		mux.Handle("POST "+p, d.endpoint(p))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, fmt.Sprintf("smetsim mock DCC: %s %s is not a DUIS endpoint (POST %s, %s or %s)", r.Method, r.URL.Path,
			PathSendCommand, PathNonDevice, PathTransform), http.StatusNotFound)
	})
	return mux
}

func (d *DCC) endpoint(path string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limits := d.cfg.Limits
		if limits.MaxBytes == 0 {
			limits.MaxBytes = duis.DefaultLimits.MaxBytes
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(limits.MaxBytes)+1))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				http.Error(w, fmt.Sprintf("not a DUIS request: larger than %d bytes", limits.MaxBytes), http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "could not read the request: "+err.Error(), http.StatusBadRequest)
			return
		}
		ans := d.Serve(path, body)
		if ans.HTTPStatus != http.StatusOK {
			http.Error(w, ans.Reason, ans.HTTPStatus)
			return
		}
		if ans.Reason != "" {
			w.Header().Set(ReasonHeader, ans.Reason)
		}
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write(ans.Body)
	})
}

// Answer is the DCC's synchronous answer to one posted document.
type Answer struct {
	HTTPStatus int    // 200 for every DUIS answer; 4xx for what is not DUIS at all
	Code       Code   // the DUIS response code, when there is one
	Reason     string // which check failed, or why the document is not DUIS
	Body       []byte // the signed sr:Response
}

// failure is a DUIS answer other than success.
type failure struct {
	code   Code
	reason string
}

func fail(code Code, format string, args ...any) *failure {
	return &failure{code: code, reason: fmt.Sprintf(format, args...)}
}

// Serve runs a posted document through the DCC's pipeline and returns its synchronous answer. It
// is the HTTP handler's work without HTTP, for tests and in-process runners.
func (d *DCC) Serve(path string, doc []byte) Answer {
	now := d.clock.Now()
	req, err := duis.ParseRequest(doc, d.cfg.Limits)
	if err != nil {
		var pe *duis.ParseError
		if !errors.As(err, &pe) || pe.Malformed() || pe.Header == nil {
			return Answer{HTTPStatus: http.StatusBadRequest, Reason: "not a DUIS request: " + err.Error()}
		}
		// A DUIS request with a bad field: answer it, addressed from what was read of its header.
		stub := &duis.Request{Header: *pe.Header}
		return d.answer(stub, path, now, fail(E100, "%v", err))
	}
	// Who is asking and whether they signed it depends on the document alone: it is checked here,
	// on the caller's goroutine, so that signature checks run in parallel. The rest reads and
	// changes the DCC's and the devices' state, on the clock's goroutine.
	c, f := d.authenticate(path, req, doc)
	return d.onClock(func(now time.Time) Answer {
		if f == nil {
			f = d.check(c, now)
		}
		if f != nil {
			return d.answer(req, path, now, f)
		}
		return d.route(c, now)
	})
}

// onClock runs f where device state may be touched: here when the caller drives the clock (a
// virtual run, a test), else on the clock's goroutine (serve, on the wall clock), waiting for it.
// It must not be called from a clock event when the clock is driven.
func (d *DCC) onClock(f func(now time.Time) Answer) Answer {
	if !d.clock.Driven() {
		return f(d.clock.Now())
	}
	done := make(chan Answer, 1)
	d.clock.Do(func(time.Time) { done <- f(d.clock.Now()) })
	return <-done
}

// call is a request that passed the checks, with what they found.
type call struct {
	path      string
	req       *duis.Request
	doc       []byte
	user      *users.User
	srv       *srv.SRV
	device    inventory.Device
	install   inventory.Installation
	transform *transform // the CV 4 answer a CV 5 completes
}

// checkSignature checks the request is signed by its originator's registered certificate.
func (d *DCC) checkSignature(c *call, req *duis.Request, doc []byte) *failure {
	if !req.Signed {
		return fail(E1, "the request carries no signature")
	}
	cert, err := dsig.Verify(doc, d.cfg.Keys.Users)
	if err != nil {
		var unknown *dsig.UnknownCertificateError
		switch {
		case errors.As(err, &unknown):
			return fail(E1, "signed with a certificate the DCC does not know: %v", err)
		case errors.Is(err, dsig.ErrDigestMismatch), errors.Is(err, dsig.ErrBadSignature):
			return fail(E1, "signature does not verify (the request was changed after signing, or signed with another key): %v", err)
		}
		return fail(E1, "signature is not acceptable: %v", err)
	}
	if !sameCert(cert, d.cfg.Keys.UserCerts[c.user.EUI]) {
		return fail(E1, "signed with the certificate of %s, not of the originator %s", cert.Subject, c.user.EUI)
	}
	return nil
}

// authenticate is the pipeline's first check: the originator is a user of this environment and
// signed the request with its registered certificate. It reads nothing that changes.
func (d *DCC) authenticate(path string, req *duis.Request, doc []byte) (*call, *failure) {
	c := &call{path: path, req: req, doc: doc}
	c.user = d.cfg.Users.Lookup(req.Header.RequestID.Originator)
	if c.user == nil {
		return nil, fail(E1, "originator %s is not a DCC User of this environment", req.Header.RequestID.Originator)
	}
	if !d.cfg.Unsigned {
		if f := d.checkSignature(c, req, doc); f != nil {
			return nil, f
		}
	}
	return c, nil
}

// check runs the rest of the pipeline's checks in the DCC's order. Each refusal names the check.
func (d *DCC) check(c *call, now time.Time) *failure {
	h, path := c.req.Header, c.path
	// Replays: the counter rises strictly; a CV 5 reuses its CV 4's RequestID, once.
	if h.CommandVariant == 5 {
		t, f := d.takeTransform(h.RequestID)
		if f != nil {
			return f
		}
		c.transform = t
	} else if f := d.acceptCounter(h.RequestID); f != nil {
		return f
	}
	// Endpoint, command variant and SRV.
	if h.CommandVariant == 9 {
		return fail(E12, "command variant 9 is internal to the DCC and never accepted from a User")
	}
	if !contains(endpointCVs[path], h.CommandVariant) {
		return fail(E13, "command variant %d is not taken at %s", h.CommandVariant, path)
	}
	c.srv = srv.Lookup(h.ServiceReferenceVariant)
	if c.srv == nil {
		return fail(E100, "unknown Service Reference Variant %s", h.ServiceReferenceVariant)
	}
	if f := checkCommandVariant(c.srv, h.CommandVariant); f != nil {
		return f
	}
	if !c.user.Eligible(c.srv) {
		return fail(E2, "%s (roles %v) may not send %s %s (eligible roles %v)", c.user.EUI, c.user.Roles, c.srv.Variant, c.srv.Name, c.srv.Roles)
	}
	if c.srv.NonDevice {
		if a := c.srv.Applies(); !a.SMETS1 {
			return fail(E11, "%s does not apply to SMETS1: %s", c.srv.Variant, a.Note)
		}
		return nil
	}
	return d.checkDevice(c, h.RequestID.Target)
}

// checkDevice runs the device checks on the target of a device SRV, in the DCC's order: known
// (E19), the SRV applies to its type and model (E11), its SMI status allows it (E5), its
// installation's product combination is served (E5), and the user may act on it (E4). A DCC
// schedule's executions meet the same checks.
func (d *DCC) checkDevice(c *call, id devices.EUI64) *failure {
	dev, ok := d.inv.Device(id)
	if !ok {
		return fail(E19, "device %s is not in the inventory", id)
	}
	c.device = dev
	if ok, why := c.srv.AppliesTo(dev.Kind); !ok {
		return fail(E11, "%s %s cannot be sent to %s (%s): %s", c.srv.Variant, c.srv.Name, dev.ID, dev.Kind, why)
	}
	if dev.Model != nil {
		if ok, code := dev.Model.Supports(c.srv.Variant); !ok {
			return fail(Code(code), "Device Model %s does not support %s (its profile)", dev.Model.ID, c.srv.Variant)
		}
	}
	if !statusAllows(dev.Status, c.srv) {
		return fail(E5, "device %s is %s, which does not allow %s", dev.ID, dev.Status, c.srv.Variant)
	}
	c.install, _ = d.inv.InstallationOf(dev.ID)
	comb, err := d.inv.Combination(c.install.ID)
	if err != nil {
		return fail(E19, "%v", err)
	}
	switch adm, pid := d.lists.Admit(comb); adm {
	case inventory.NotListed:
		return fail(E5, "the installation's product combination (%s) is on neither the EPC nor the PPC list", comb)
	case inventory.PendingOnly:
		return fail(E5, "the installation's product combination is pending (%s) and no PPC test of it is open", pid)
	}
	return d.authorised(c)
}

func sameCert(a, b *x509.Certificate) bool {
	return a != nil && b != nil && bytes.Equal(a.Raw, b.Raw)
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// checkCommandVariant applies DUIS's rules for which command variants an SRV may use, with the
// SMETS1 rule that nothing is delivered locally.
func checkCommandVariant(s *srv.SRV, cv int) *failure {
	if err := s.CheckCommandVariant(cv); err != nil {
		return fail(E12, "%v", err)
	}
	return nil
}

// statusAllows is the table of which SMI statuses let a device SRV through: a commissioned
// device takes every SRV; a device installed but not yet commissioned takes only what brings it
// into service (commissioning, joining, the device log, reading its firmware); others take none.
func statusAllows(s inventory.Status, sr *srv.SRV) bool {
	switch s {
	case inventory.Commissioned:
		return true
	case inventory.InstalledNotCommissioned, inventory.Whitelisted:
		switch sr.Variant {
		case "8.1.1", "8.7.1", "8.7.2", "8.9", "8.11", "11.2", "6.20.1":
			return true
		}
	}
	return false
}

// authorised checks the user may act on this device: registered for its installation in a role
// the SRV needs, and, for decommissioning a SMETS1 CHF, the Lead Supplier.
func (d *DCC) authorised(c *call) *failure {
	u, in, dev := c.user, c.install, c.device
	gas := dev.Kind == devices.KindGSME || dev.Kind == devices.KindGPF
	ok := false
	for _, r := range u.Roles {
		if !c.srv.Allows(string(r)) {
			continue
		}
		switch r {
		case users.ImportSupplier:
			ok = ok || (!gas && in.ImportSupplier == u.EUI) || (dev.Kind == devices.KindCHF && in.LeadSupplier == u.EUI)
		case users.GasSupplier:
			ok = ok || (gas && in.GasSupplier == u.EUI) || (dev.Kind == devices.KindCHF && in.LeadSupplier == u.EUI)
		case users.ElectricityDistributor:
			ok = ok || (!gas && in.ElectricityDistributor == u.EUI)
		case users.GasTransporter:
			ok = ok || (gas && in.GasTransporter == u.EUI)
		case users.ExportSupplier, users.RegisteredSupplierAgent:
			ok = ok || in.ImportSupplier == u.EUI
		case users.OtherUser:
			ok = true // an Other User is authorised by the SRV's eligibility alone
		}
	}
	if !ok {
		return fail(E4, "%s is not registered for installation %s in a role %s needs for a %s", u.EUI, in.ID, c.srv.Variant, dev.Kind)
	}
	return nil
}
