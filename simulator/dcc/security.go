package dcc

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"math/big"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/users"
)

// acceptCounter enforces DUIS's replay rule: each originator's counter rises strictly.
func (d *DCC) acceptCounter(id duis.RequestID) *failure {
	d.mu.Lock()
	defer d.mu.Unlock()
	last, seen := d.counters[id.Originator]
	if seen && id.Counter <= last {
		return fail(E3, "counter %d is not greater than %d, the last accepted from %s (a replay)", id.Counter, last, id.Originator)
	}
	d.counters[id.Originator] = id.Counter
	return nil
}

// transform is a CV 4 answer: the pre-command the User must sign and send back, once, as CV 5.
type transform struct {
	req        *duis.Request
	preCommand []byte
	at         time.Time
	used       bool
}

// takeTransform finds the Transform a CV 5 completes and marks it used.
func (d *DCC) takeTransform(id duis.RequestID) (*transform, *failure) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t := d.transforms[id]
	switch {
	case t == nil:
		return nil, fail(E3, "no Transform (CV 4) with RequestID %s awaits its Signed Pre-Command", id)
	case t.used:
		return nil, fail(E3, "the Signed Pre-Command for %s was already accepted (a replay)", id)
	}
	t.used = true
	return t, nil
}

// transformRequest answers a CV 4: the request becomes a GBCS pre-command for the User to sign.
func (d *DCC) transformRequest(c *call, now time.Time) (*duis.PreCommand, *failure) {
	if handlers[c.srv.Variant].exec == nil {
		return nil, fail(E100, "smetsim does not execute %s %s yet (`smetsim srv list` shows what it does)", c.srv.Variant, c.srv.Name)
	}
	if check := handlers[c.srv.Variant].check; check != nil {
		if f := check(d, c, c.req); f != nil {
			return nil, f
		}
	}
	pc := preCommand(c.req, c.srv.Variant, c.device.Kind)
	d.mu.Lock()
	d.transforms[c.req.Header.RequestID] = &transform{req: c.req, preCommand: pc, at: now}
	d.mu.Unlock()
	return &duis.PreCommand{GBCSVersion: GBCSVersion, GBCSPayload: pc}, nil
}

// GBCSVersion is the GBCS version the mock DCC frames its pre-commands for.
const GBCSVersion = "4.3"

// preCommand frames a critical request as a GBCS General-Signing pre-command (GBCS's 0xDF
// header): the transaction id (the CRA flag for a command and the originator counter), the
// originator and recipient system titles, no date-time, the use case's message code, and the
// content. smetsim's content is an interim encoding — the request body's XML, byte for byte —
// until the GBCS use-case encodings are implemented; `smetsim srv list` says so for each SRV.
// The User appends its signature: a length octet (64) and the raw ECDSA r‖s over everything
// before it.
func preCommand(req *duis.Request, variant string, kind devices.Kind) []byte {
	id := req.Header.RequestID
	b := []byte{0xDF, 0x09, 0x01}
	b = binary.BigEndian.AppendUint64(b, id.Counter)
	b = append(b, 8)
	b = append(b, id.Originator[:]...)
	b = append(b, 8)
	b = append(b, id.Target[:]...)
	b = append(b, 0x00) // no date-time
	uc, _ := useCase(variant, kind)
	b = append(b, 2)
	b = binary.BigEndian.AppendUint16(b, uc.Code)
	content := req.Body.Standalone()
	b = appendLength(b, len(content))
	return append(b, content...)
}

// appendLength writes a DER-style length, as GBCS frames its content.
func appendLength(b []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(b, byte(n))
	case n < 0x100:
		return append(b, 0x81, byte(n))
	case n < 0x10000:
		return append(b, 0x82, byte(n>>8), byte(n))
	}
	return append(b, 0x83, byte(n>>16), byte(n>>8), byte(n))
}

type messageKey struct {
	variant string
	kind    devices.Kind
}

// SignPreCommand is what a User does with a pre-command: sign it with its key and append the
// signature as GBCS does (a length octet, then r‖s). Clients and tests use it.
func SignPreCommand(key *ecdsa.PrivateKey, pre []byte) ([]byte, error) {
	h := sha256.Sum256(pre)
	r, s, err := ecdsa.Sign(randReader, key, h[:])
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), pre...)
	out = append(out, 64)
	out = append(out, r.FillBytes(make([]byte, 32))...)
	return append(out, s.FillBytes(make([]byte, 32))...), nil
}

// checkSignedPreCommand checks a CV 5's GBCS payload is the pre-command the DCC issued, signed by
// the User.
func (d *DCC) checkSignedPreCommand(c *call) *failure {
	var body struct {
		GBCSPayload string `xml:"GBCSPayload"`
	}
	if c.req.Body.Name != "SignedPreCommand" {
		return fail(E100, "a command variant 5 request carries a SignedPreCommand, not %s", c.req.Body.Name)
	}
	if err := c.req.Body.Decode(&body); err != nil {
		return fail(E100, "SignedPreCommand: %v", err)
	}
	p, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(body.GBCSPayload), ""))
	if err != nil {
		return fail(E100, "SignedPreCommand: GBCSPayload is not base64: %v", err)
	}
	pre := c.transform.preCommand
	if len(p) != len(pre)+65 || !bytes.Equal(p[:len(pre)], pre) || p[len(pre)] != 64 {
		return fail(E1, "the Signed Pre-Command is not the pre-command the Transform issued, with a 64-octet signature appended")
	}
	cert := d.cfg.Keys.UserCerts[c.user.EUI]
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return fail(E1, "the User's certificate holds no ECDSA key")
	}
	h := sha256.Sum256(pre)
	r := new(big.Int).SetBytes(p[len(pre)+1 : len(pre)+33])
	s := new(big.Int).SetBytes(p[len(pre)+33:])
	if !ecdsa.Verify(pub, h[:], r, s) {
		return fail(E1, "the pre-command's signature does not verify with the User's key")
	}
	return nil
}

// adtKey counts one user's critical requests of one SRV.
type adtKey struct {
	user devices.EUI64
	srv  string
}

// countCritical counts a critical request (a Signed Pre-Command) against the user's anomaly
// detection threshold for the SRV over its period, and reports a breach with the count.
func (d *DCC) countCritical(u *users.User, variant string, now time.Time) (breach bool, count, limit int) {
	a, ok := u.ADTs[variant]
	if !ok {
		return false, 0, 0
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	k := adtKey{u.EUI, variant}
	times := d.adt[k][:0]
	for _, t := range d.adt[k] {
		if now.Sub(t) < a.Period {
			times = append(times, t)
		}
	}
	times = append(times, now)
	d.adt[k] = times
	return len(times) > a.Limit, len(times), a.Limit
}

// quarantine holds a request that breached a threshold and raises DCC alert AD1 to the user.
func (d *DCC) quarantine(c *call, now time.Time, count, limit int) {
	d.mu.Lock()
	d.quarantines++
	ref := d.quarantines
	d.mu.Unlock()
	d.finish(c.req.Header.RequestID, "AD1", now)
	d.post(c.user.EUI, "dcc-alert", &duis.Response{SchemaVersion: c.req.SchemaVersion, ResponseCode: "I0", ResponseDateTime: now,
		Body: &duis.DCCAlertMessage{Code: "AD1", Alert: &duis.QuarantinedRequest{Breach: duis.ADUserThresholdBreach,
			RequestID: c.req.Header.RequestID, QuarantineEventRef: ref}}})
	d.cfg.Log.Info("request quarantined", "request", c.req.Header.RequestID.String(), "count", count, "limit", limit)
}
