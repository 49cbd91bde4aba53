package scenarios

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/duis/dsig"
	"github.com/smetsim/smetsim/simulator/srv"
)

// Client is a DCC User's DUIS client: it builds each service request, signs it with the user's
// key, numbers it with the user's counter, POSTs it to the DCC's endpoint for its command
// variant, and reads and verifies the DCC's synchronous answer. A critical request goes to
// Transform (CV 4), its pre-command is signed with the user's key and sent back as a Signed
// Pre-Command (CV 5) with the same RequestID, as a DCC User's system does.
//
// Requests of one user go one at a time (the DCC refuses a counter lower than one it already
// took, so two in flight could overtake each other); different users' go in parallel.
type Client struct {
	baseURL string
	http    *http.Client
	dcc     *dsig.CertStore

	mu    sync.Mutex
	users map[devices.EUI64]*clientUser
	first uint64
}

type clientUser struct {
	mu      sync.Mutex
	signer  *dsig.Signer
	counter uint64
}

// NewClient returns a client of the DUIS endpoints at baseURL (e.g. "http://127.0.0.1:8079")
// that verifies answers with dccCerts. Counters start after firstCounter.
func NewClient(baseURL string, dccCerts *dsig.CertStore, hc *http.Client, firstCounter uint64) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{baseURL: strings.TrimSuffix(baseURL, "/"), http: hc, dcc: dccCerts,
		users: map[devices.EUI64]*clientUser{}, first: firstCounter}
}

// AddUser gives the client a user's signing key.
func (c *Client) AddUser(eui devices.EUI64, s *dsig.Signer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.users[eui] = &clientUser{signer: s, counter: c.first}
}

func (c *Client) user(eui devices.EUI64) (*clientUser, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if u, ok := c.users[eui]; ok {
		return u, nil
	}
	// A user the client holds no key for signs with a key of its own making, which the DCC
	// does not know: exactly what a scenario testing an unknown originator (E1) needs.
	s, err := ephemeralSigner(eui)
	if err != nil {
		return nil, err
	}
	u := &clientUser{signer: s, counter: c.first}
	c.users[eui] = u
	return u, nil
}

// Request is one service request as a scenario step states it.
type Request struct {
	As  devices.EUI64
	SRV string
	To  devices.EUI64 // dcc.EUI for non-device requests
	// CV is the command variant; 0 chooses: 8 for non-device SRVs, 4 then 5 for critical ones, 1
	// otherwise. An explicit 5 also goes through Transform first; an explicit 4 stops there.
	CV int
	// Body is the body element's XML without namespace prefixes ("<ReadFirmwareVersion/>").
	Body string
	// ExecuteAt, when not zero, future-dates the request (sr:ExecutionDateTime).
	ExecuteAt time.Time
	// ExecuteAtText, when set, is written as sr:ExecutionDateTime as it is (for the cancellation
	// date 3000-12-31T00:00:00, or a time without a zone); it wins over ExecuteAt.
	ExecuteAtText string
}

// Leg is one POST of an exchange: a request and the DCC's answer.
type Leg struct {
	CV         int
	Endpoint   string
	RequestID  string
	Request    []byte   // the signed request as sent
	HTTPStatus int      // 200 for every DUIS answer
	Reason     string   // the X-Smetsim-Reason header, or the body of a non-DUIS refusal
	Answer     *Message // the parsed answer, nil when the DCC did not answer in DUIS
	Wall       time.Duration
}

// Exchange is everything a request took: one leg, or two for a critical request (Transform,
// then the Signed Pre-Command).
type Exchange struct {
	RequestID string
	SRV       *srv.SRV
	Legs      []Leg
}

// Code returns the last answer's response code, or "HTTP <status>" when it was not DUIS.
func (e *Exchange) Code() string {
	if len(e.Legs) == 0 {
		return ""
	}
	l := e.Legs[len(e.Legs)-1]
	if l.Answer == nil {
		return fmt.Sprintf("HTTP %d", l.HTTPStatus)
	}
	return l.Answer.Code
}

// Last returns the last leg.
func (e *Exchange) Last() *Leg { return &e.Legs[len(e.Legs)-1] }

// NaturalCV is the command variant a request of the SRV goes with: 8 for non-device SRVs, 4 (then
// 5) for critical ones, 1 otherwise.
func NaturalCV(s *srv.SRV) int {
	switch {
	case s.NonDevice:
		return 8
	case s.Critical:
		return 4
	}
	return 1
}

// EndpointFor is the DCC Boxed path a command variant is posted to.
func EndpointFor(cv int) string {
	switch cv {
	case 4:
		return dcc.PathTransform
	case 2, 6, 8:
		return dcc.PathNonDevice
	}
	return dcc.PathSendCommand
}

// Send carries a request out: it returns the exchange with every leg's answer. An error is
// returned only when the exchange could not be made (the DCC unreachable, a body that is not
// XML, an answer whose signature does not verify); DUIS error codes are answers, not errors.
func (c *Client) Send(ctx context.Context, r Request) (*Exchange, error) {
	s := srv.Lookup(r.SRV)
	if s == nil {
		return nil, fmt.Errorf("SRV %q is not one DUIS defines", r.SRV)
	}
	body, err := srBody(r.Body, r.executeAt())
	if err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	u, err := c.user(r.As)
	if err != nil {
		return nil, err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.counter++
	id := duis.RequestID{Originator: r.As, Target: r.To, Counter: u.counter}
	ex := &Exchange{RequestID: id.String(), SRV: s}
	cv := r.CV
	if cv == 0 {
		cv = NaturalCV(s)
	}
	if cv == 5 {
		cv = 4
	}
	leg, err := c.post(ctx, u, id, s, cv, body)
	if leg != nil {
		ex.Legs = append(ex.Legs, *leg)
	}
	if err != nil {
		return ex, err
	}
	if cv != 4 || (r.CV == 4) || leg.Answer == nil || leg.Answer.Code != "I0" {
		return ex, nil
	}
	if leg.Answer.PreCommand == nil {
		return ex, fmt.Errorf("the Transform answer carries no PreCommand")
	}
	signed, err := dcc.SignPreCommand(u.signer.Key, leg.Answer.PreCommand)
	if err != nil {
		return ex, fmt.Errorf("sign the pre-command: %w", err)
	}
	raw := "<sr:SignedPreCommand><sr:GBCSPayload>" + base64.StdEncoding.EncodeToString(signed) +
		"</sr:GBCSPayload></sr:SignedPreCommand>"
	leg, err = c.post(ctx, u, id, s, 5, duis.Body{Name: "SignedPreCommand", Raw: []byte(raw)})
	if leg != nil {
		ex.Legs = append(ex.Legs, *leg)
	}
	return ex, err
}

func (r Request) executeAt() string {
	switch {
	case r.ExecuteAtText != "":
		return r.ExecuteAtText
	case !r.ExecuteAt.IsZero():
		return r.ExecuteAt.UTC().Format("2006-01-02T15:04:05Z")
	}
	return ""
}

func (c *Client) post(ctx context.Context, u *clientUser, id duis.RequestID, s *srv.SRV, cv int, body duis.Body) (*Leg, error) {
	req := &duis.Request{Header: duis.Header{RequestID: id, CommandVariant: cv, ServiceReference: s.Reference,
		ServiceReferenceVariant: s.Variant}, Body: body}
	unsigned, err := req.Marshal()
	if err != nil {
		return nil, fmt.Errorf("build the request: %w", err)
	}
	doc, err := u.signer.Sign(unsigned)
	if err != nil {
		return nil, fmt.Errorf("sign the request: %w", err)
	}
	leg := &Leg{CV: cv, Endpoint: EndpointFor(cv), RequestID: id.String(), Request: doc}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+leg.Endpoint, bytes.NewReader(doc))
	if err != nil {
		return leg, err
	}
	hr.Header.Set("Content-Type", "application/xml")
	t0 := time.Now()
	rsp, err := c.http.Do(hr)
	if err != nil {
		return leg, fmt.Errorf("POST %s: %w", leg.Endpoint, err)
	}
	defer rsp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(rsp.Body, int64(duis.DefaultLimits.MaxBytes)+1))
	leg.Wall = time.Since(t0)
	if err != nil {
		return leg, fmt.Errorf("POST %s: reading the answer: %w", leg.Endpoint, err)
	}
	leg.HTTPStatus = rsp.StatusCode
	leg.Reason = rsp.Header.Get(dcc.ReasonHeader)
	if rsp.StatusCode != http.StatusOK {
		leg.Reason = strings.TrimSpace(string(data))
		return leg, nil
	}
	m, err := ParseMessage(data)
	if err != nil {
		return leg, fmt.Errorf("POST %s: the answer is not a DUIS response: %w", leg.Endpoint, err)
	}
	m.Kind = KindAnswer
	leg.Answer = m
	if _, err := dsig.Verify(data, c.dcc); err != nil {
		return leg, fmt.Errorf("POST %s: the DCC's answer does not verify: %w", leg.Endpoint, err)
	}
	return leg, nil
}

// srBody writes a prefix-less body element into the sr: namespace, with an
// sr:ExecutionDateTime as its first child when executeAt is set.
func srBody(body, executeAt string) (duis.Body, error) {
	dec := xml.NewDecoder(strings.NewReader(body))
	dec.Strict = true
	var out bytes.Buffer
	var root string
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return duis.Body{}, fmt.Errorf("not well-formed XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if root != "" {
					return duis.Body{}, fmt.Errorf("more than one element at the top")
				}
				root = t.Name.Local
			}
			if t.Name.Space != "" {
				return duis.Body{}, fmt.Errorf("element %s:%s: write the body without prefixes", t.Name.Space, t.Name.Local)
			}
			out.WriteString("<sr:" + t.Name.Local)
			for _, a := range t.Attr {
				name := a.Name.Local
				if a.Name.Space != "" {
					name = a.Name.Space + ":" + name
				}
				out.WriteString(" " + name + `="`)
				_ = xml.EscapeText(&out, []byte(a.Value))
				out.WriteString(`"`)
			}
			out.WriteString(">")
			if depth == 0 && executeAt != "" {
				out.WriteString("<sr:ExecutionDateTime>")
				_ = xml.EscapeText(&out, []byte(executeAt))
				out.WriteString("</sr:ExecutionDateTime>")
			}
			depth++
		case xml.EndElement:
			depth--
			out.WriteString("</sr:" + t.Name.Local + ">")
		case xml.CharData:
			if depth == 0 {
				if strings.TrimSpace(string(t)) != "" {
					return duis.Body{}, fmt.Errorf("text outside the body element")
				}
				continue
			}
			_ = xml.EscapeText(&out, t)
		case xml.Directive, xml.ProcInst:
			return duis.Body{}, fmt.Errorf("declarations and processing instructions are not allowed in a body")
		}
	}
	if root == "" {
		return duis.Body{}, fmt.Errorf("no body element")
	}
	return duis.Body{Name: root, Raw: out.Bytes()}, nil
}

// ephemeralSigner makes a key and self-signed certificate for a user the client holds no key
// for; no DCC knows it.
func ephemeralSigner(eui devices.EUI64) (*dsig.Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "unregistered " + eui.String()},
		NotBefore: time.Unix(0, 0), NotAfter: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &dsig.Signer{Key: key, Cert: cert}, nil
}
