package scenarios

import (
	"crypto/sha256"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/duis/dsig"
)

// s1spAlertName is the S1SP's own signed alert, relayed inside an N42 DCC alert.
var s1spAlertName = xml.Name{Space: dsig.NamespaceSR, Local: "S1SPAlert"}

// Receiver is a DCC User's Receive Response Service: an HTTP handler that takes the asynchronous
// responses and alerts the DCC posts, checks their signatures (the DCC's over the whole document,
// the S1SP's over an embedded SMETS1SignedResponse or S1SPAlert) and keeps them by RequestID,
// ResponseID and alert code.
//
// DUIS lets the DCC deliver a message more than once (a retry after a lost acknowledgement sends
// the identical signed document), so the receiver is idempotent: the same document twice is one
// message whose Count says how often it came. Each user may be given its own URL, PathFor(eui),
// so that the receiver knows whose message it is; any other path is taken too, for a DCC
// configured with one URL for everyone.
//
// A message whose signature does not verify is kept, with Err saying why, and acknowledged: it
// did arrive, and the step waiting for it fails naming the signature. What is not a DUIS
// response at all is refused with HTTP 400 and counted in Rejected; what is taken, duplicates
// included, is answered 204 No Content.
type Receiver struct {
	dcc  *dsig.CertStore // verifies the DCC's signature
	s1sp *dsig.CertStore // verifies the S1SP's signatures

	mu       sync.Mutex
	byHash   map[[32]byte]*Message
	all      []*Message // in order of first arrival
	rejected []string
	changed  chan struct{} // closed and replaced whenever something arrives
}

// NewReceiver returns a receiver that verifies the DCC's signatures with dccCerts and the S1SP's
// with s1spCerts (the same store may serve both).
func NewReceiver(dccCerts, s1spCerts *dsig.CertStore) *Receiver {
	return &Receiver{dcc: dccCerts, s1sp: s1spCerts, byHash: map[[32]byte]*Message{}, changed: make(chan struct{})}
}

// receiverPrefix is the path under which each user's own Receive Response Service URL sits.
const receiverPrefix = "/rrs/"

// PathFor returns the path of a user's own Receive Response Service URL on the receiver.
func PathFor(user devices.EUI64) string { return receiverPrefix + user.String() }

// ServeHTTP takes one posted message.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		http.Error(w, "Receive Response Service: POST a DUIS sr:Response", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, int64(duis.DefaultLimits.MaxBytes)))
	if err != nil {
		r.reject(fmt.Sprintf("reading the body: %v", err))
		http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	var user devices.EUI64
	if s, ok := strings.CutPrefix(req.URL.Path, receiverPrefix); ok {
		user, _ = devices.ParseEUI64(s)
	}
	if _, err := r.Take(body, user); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	// 204: taken, nothing to say; a duplicate gets the same (UTS judges receivers by this).
	w.WriteHeader(http.StatusNoContent)
}

// Take records a message as if posted to the user's URL, and returns a copy of it (of the one
// already held, for a duplicate). Every accessor returns copies, so a message read once does not
// change under its reader when a duplicate arrives. An error means the document is not a DUIS response at all.
func (r *Receiver) Take(doc []byte, user devices.EUI64) (*Message, error) {
	h := sha256.Sum256(doc)
	r.mu.Lock()
	if m, ok := r.byHash[h]; ok {
		m.Count++
		r.notifyLocked()
		cp := *m
		r.mu.Unlock()
		return &cp, nil
	}
	r.mu.Unlock()

	m, err := ParseMessage(doc)
	if err != nil {
		r.reject(err.Error())
		return nil, err
	}
	if m.Kind == KindAnswer {
		m.Kind = KindResponse // an asynchronous error answer carries its request's RequestID
	}
	m.XML = append([]byte(nil), doc...)
	m.User, m.Received, m.Count = user, time.Now(), 1
	m.Err = r.verify(doc)

	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.byHash[h]; ok { // the same document raced in twice
		old.Count++
		r.notifyLocked()
		cp := *old
		return &cp, nil
	}
	r.byHash[h] = m
	r.all = append(r.all, m)
	m.seq = len(r.all)
	r.notifyLocked()
	cp := *m
	return &cp, nil
}

func (r *Receiver) verify(doc []byte) error {
	if _, err := dsig.Verify(doc, r.dcc); err != nil {
		return fmt.Errorf("the DCC's signature does not verify: %w", err)
	}
	s := string(doc)
	if strings.Contains(s, "SMETS1SignedResponse") {
		if _, err := dsig.VerifyEmbedded(doc, dsig.SMETS1SignedResponse, r.s1sp); err != nil {
			return fmt.Errorf("the S1SP's signature of the SMETS1SignedResponse does not verify: %w", err)
		}
	}
	if strings.Contains(s, "S1SPAlert") {
		if _, err := dsig.VerifyEmbedded(doc, s1spAlertName, r.s1sp); err != nil && !errors.Is(err, dsig.ErrInvalidDocument) {
			return fmt.Errorf("the S1SP's signature of the S1SPAlert does not verify: %w", err)
		}
	}
	return nil
}

func (r *Receiver) reject(why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rejected = append(r.rejected, why)
	r.notifyLocked()
}

func (r *Receiver) notifyLocked() {
	close(r.changed)
	r.changed = make(chan struct{})
}

// Changed returns a channel closed when the next message (or duplicate) arrives.
func (r *Receiver) Changed() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.changed
}

// Messages returns every distinct message received, in order of first arrival.
func (r *Receiver) Messages() []*Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*Message, len(r.all))
	for i, m := range r.all {
		cp := *m
		out[i] = &cp
	}
	return out
}

// Response returns the asynchronous response to a request, or nil.
func (r *Receiver) Response(requestID string) *Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.all {
		if m.Kind == KindResponse && m.RequestID == requestID {
			cp := *m
			return &cp
		}
	}
	return nil
}

// ByResponseID returns the message with a ResponseID, or nil.
func (r *Receiver) ByResponseID(responseID string) *Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.all {
		if m.ResponseID == responseID {
			cp := *m
			return &cp
		}
	}
	return nil
}

// Alerts returns the alerts received with the given code (every alert for ""), device and DCC
// alerts alike, in order of arrival.
func (r *Receiver) Alerts(code string) []*Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*Message
	for _, m := range r.all {
		if (m.Kind == KindDeviceAlert || m.Kind == KindDCCAlert) && (code == "" || strings.EqualFold(m.AlertCode, code)) {
			cp := *m
			out = append(out, &cp)
		}
	}
	return out
}

// Duplicates returns how many deliveries repeated a document already received.
func (r *Receiver) Duplicates() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, m := range r.all {
		n += m.Count - 1
	}
	return n
}

// Rejected returns why each refused post was refused.
func (r *Receiver) Rejected() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.rejected...)
}
