package duis

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Request is a DUIS service request (sr:Request). The envelope and header are read here; the
// body, which differs for each of the 129 Service Reference Variants, is kept as the exact bytes
// of its one element for the SRV handlers to decode (Body.Decode, or a typed helper such as
// Body.ReadInventory). A Request built by a DUIS client is written with Marshal.
type Request struct {
	SchemaVersion string // as written, e.g. "5.1"; one of SupportedSchemaVersions
	Header        Header
	Body          Body
	Signed        bool // the request carries a ds:Signature after its body (checked elsewhere)
}

// Header is sr:Request/sr:Header.
type Header struct {
	RequestID RequestID
	// FirstInSequence and PrecedingServiceRequestID appear only in a sequence of requests whose
	// execution depends on the one before (both optional).
	FirstInSequence           *bool
	PrecedingServiceRequestID *RequestID
	CommandVariant            int    // 1–9
	ServiceReference          string // e.g. "4.1"
	ServiceReferenceVariant   string // e.g. "4.1.1"; the Service Reference or one more part
}

// Body is the one element inside sr:Request/sr:Body.
type Body struct {
	Name string // local name of the element, e.g. "ReadInventory"
	// Raw is the element exactly as it appears in the request, from its start tag to its end
	// tag. Its prefixes may be declared on ancestors; Standalone adds those declarations. In a
	// Body built by hand, the sr prefix may be used without declaring it.
	Raw []byte

	scope []binding // namespace declarations in force where the element appears; nil: sr only
}

// srScope is the scope of a Body built by hand: sr is the DUIS namespace, as in every DUIS document.
var srScope = []binding{{"sr", SRNamespace}}

// ParseRequest reads a DUIS request after Check has passed the whole document with the given
// limits (Limits{} for DefaultLimits). It validates the envelope and header strictly as the DUIS
// 5.4 schema lays them out (element order, no stray elements, text, or attributes), the
// schemaVersion, the RequestID (ParseRequestID), the Command Variant (1–9), the shapes of the
// Service Reference and Variant and that they agree, that the body holds exactly one sr: element,
// and an ExecutionDateTime if the body starts with one. Which SRVs exist, and whether the body
// suits the SRV, is for the mock DCC to judge.
//
// Errors are *ParseError. A DUIS-level error (not Malformed) carries in Header what was read of
// the header; an unsupported schemaVersion is reported after reading the header for that reason.
func ParseRequest(doc []byte, limits Limits) (*Request, error) {
	if err := Check(doc, RootRequest, limits); err != nil {
		return nil, err
	}
	s, err := newScanner(doc, limits)
	if err != nil {
		return nil, err
	}
	p := &requestParser{w: walker{s: s}}
	return p.parse()
}

type requestParser struct {
	w    walker
	req  Request
	offs [6]int64 // where each header field starts, for errors found later
}

func (p *requestParser) parse() (*Request, error) {
	w := &p.w
	root, rootOff, _, err := w.child()
	if err != nil {
		return nil, err
	}
	if err := w.attrs(root, rootOff, "schemaVersion"); err != nil {
		return nil, err
	}
	version, found := "", false
	for _, a := range root.Attr {
		if a.Name.Space == "" && a.Name.Local == "schemaVersion" {
			version, found = strings.Trim(a.Value, " \t\r\n"), true
		}
	}
	if !found {
		return nil, w.fail(ErrStructure, rootOff, "sr:Request has no schemaVersion attribute", "")
	}
	p.req.SchemaVersion = version
	versionErr := checkSchemaVersion(version)

	w.header = &p.req.Header
	se, off, ok, err := w.child()
	if err != nil {
		return nil, err
	}
	if !ok || !isSR(se.Name, "Header") {
		if versionErr != nil {
			return nil, p.versionError(rootOff, version, versionErr)
		}
		return nil, p.unexpected(se, off, ok, "Request", "sr:Header")
	}
	if err := p.header(se, off); err != nil {
		if versionErr != nil {
			return nil, p.versionError(rootOff, version, versionErr)
		}
		return nil, err
	}
	if versionErr != nil {
		// The body's structure belongs to the version, so stop here; the header is enough to answer.
		return nil, p.versionError(rootOff, version, versionErr)
	}

	se, off, ok, err = w.child()
	if err != nil {
		return nil, err
	}
	if !ok || !isSR(se.Name, "Body") {
		return nil, p.unexpected(se, off, ok, "Request", "sr:Body")
	}
	if err := w.attrs(se, off); err != nil {
		return nil, err
	}
	if err := p.body(); err != nil {
		return nil, err
	}

	se, off, ok, err = w.child()
	if err != nil {
		return nil, err
	}
	if ok {
		if se.Name.Space != DSNamespace || se.Name.Local != "Signature" {
			return nil, w.fail(ErrStructure, off, "unexpected <"+local(se.Name)+"> after sr:Body; only ds:Signature may follow", "")
		}
		p.req.Signed = true
		if err := w.skip(); err != nil {
			return nil, err
		}
		if se, off, ok, err = w.child(); err != nil {
			return nil, err
		}
		if ok {
			return nil, w.fail(ErrStructure, off, "unexpected <"+local(se.Name)+"> after ds:Signature", "")
		}
	}
	for {
		// Only comments can follow the root: Check refused anything else.
		tok, err := w.s.next()
		if err == io.EOF {
			return &p.req, nil
		}
		if err != nil {
			return nil, err
		}
		if _, ok := tok.(xml.Comment); !ok {
			return nil, w.fail(ErrSyntax, w.s.start, "content after the root element", "")
		}
	}
}

func (p *requestParser) versionError(off int64, version string, err error) error {
	e := p.w.fail(ErrSchemaVersion, off, err.Error(), shorten(version)).(*ParseError)
	e.Path = "Request"
	return e
}

// unexpected reports a missing element (its parent, at parentPath, ended) or a different one.
func (p *requestParser) unexpected(se xml.StartElement, off int64, ok bool, parentPath, want string) error {
	if !ok {
		return p.w.failIn(ErrStructure, p.w.s.start, parentPath, "missing "+want, "")
	}
	return p.w.fail(ErrStructure, off, "unexpected <"+local(se.Name)+">, want "+want, "")
}

// headerFields are the children of sr:Header in schema order.
var headerFields = []struct {
	name     string
	required bool
}{
	{"RequestID", true},
	{"FirstInSequence", false},
	{"PrecedingServiceRequestID", false},
	{"CommandVariant", true},
	{"ServiceReference", true},
	{"ServiceReferenceVariant", true},
}

func (p *requestParser) header(hdr xml.StartElement, hdrOff int64) error {
	w := &p.w
	h := &p.req.Header
	if err := w.attrs(hdr, hdrOff); err != nil {
		return err
	}
	hpath := w.s.path()
	next := 0
	for {
		se, off, ok, err := w.child()
		if err != nil {
			return err
		}
		if !ok {
			for _, f := range headerFields[next:] {
				if f.required {
					return w.failIn(ErrStructure, w.s.start, hpath, "sr:Header lacks sr:"+f.name, "")
				}
			}
			break
		}
		j := -1
		if se.Name.Space == SRNamespace {
			for k := next; k < len(headerFields); k++ {
				if headerFields[k].name == se.Name.Local {
					j = k
					break
				}
			}
		}
		if j < 0 {
			want := "the end of sr:Header"
			for _, f := range headerFields[next:] {
				if f.required {
					want = "sr:" + f.name
					break
				}
			}
			detail := "unexpected <" + local(se.Name) + ">, want " + want
			for _, f := range headerFields[:next] {
				if isSR(se.Name, f.name) {
					detail = "<" + local(se.Name) + "> repeated or out of order"
				}
			}
			return w.fail(ErrStructure, off, detail, "")
		}
		for _, f := range headerFields[next:j] {
			if f.required {
				return w.fail(ErrStructure, off, "<"+local(se.Name)+"> where sr:"+f.name+" is due", "")
			}
		}
		next = j + 1
		p.offs[j] = off
		if err := w.attrs(se, off); err != nil {
			return err
		}
		path := w.s.path()
		text, err := w.text()
		if err != nil {
			return err
		}
		if err := p.headerField(se.Name.Local, text); err != nil {
			return w.field(off, path, text, err)
		}
	}
	if f, err := checkServiceReference(h.ServiceReference, h.ServiceReferenceVariant); err != nil {
		at, v := p.offs[4], h.ServiceReference
		if f == "ServiceReferenceVariant" {
			at, v = p.offs[5], h.ServiceReferenceVariant
		}
		return w.field(at, "Request/Header/"+f, v, err)
	}
	return nil
}

func (p *requestParser) headerField(name, text string) error {
	h := &p.req.Header
	tok := strings.Trim(text, " \t\r\n")
	switch name {
	case "RequestID":
		id, err := ParseRequestID(text)
		h.RequestID = id
		return err
	case "FirstInSequence":
		v, err := parseBoolean(text)
		if err == nil {
			h.FirstInSequence = &v
		}
		return err
	case "PrecedingServiceRequestID":
		id, err := ParseRequestID(text)
		if err == nil {
			h.PrecedingServiceRequestID = &id
		}
		return err
	case "CommandVariant":
		cv, err := parseCommandVariant(text)
		h.CommandVariant = cv
		return err
	case "ServiceReference":
		h.ServiceReference = tok
	case "ServiceReferenceVariant":
		h.ServiceReferenceVariant = tok
	}
	return nil
}

// body reads sr:Body: exactly one sr: element, kept as raw bytes.
func (p *requestParser) body() error {
	w := &p.w
	scope := w.s.scope()
	se, off, ok, err := w.child()
	if err != nil {
		return err
	}
	if !ok {
		return w.failIn(ErrStructure, w.s.start, "Request/Body", "sr:Body is empty; want the service request's element", "")
	}
	if se.Name.Space != SRNamespace {
		return w.fail(ErrStructure, off, "<"+local(se.Name)+"> in sr:Body is not a DUIS element", "")
	}
	// A future-dated body starts with sr:ExecutionDateTime; check it in this pass.
	c, coff, ok, err := w.child()
	if err != nil {
		return err
	}
	if ok {
		if isSR(c.Name, "ExecutionDateTime") {
			path := w.s.path()
			text, err := w.text()
			if err != nil {
				return err
			}
			if _, err := parseDateTime(text); err != nil {
				return w.field(coff, path, text, err)
			}
		} else if err := w.skip(); err != nil {
			return err
		}
		if err := w.skip(); err != nil {
			return err
		}
	}
	end := w.s.base + w.s.d.InputOffset()
	p.req.Body = Body{Name: se.Name.Local, Raw: bytes.Clone(w.s.doc[off:end]), scope: scope}
	if se, off, ok, err = w.child(); err != nil {
		return err
	}
	if ok {
		return w.fail(ErrStructure, off, "a second element <"+local(se.Name)+"> in sr:Body", "")
	}
	return nil
}

// Standalone returns Raw with the namespace declarations it relies on from its ancestors added
// to its start tag, so that it is a namespace-well-formed document of its own: what Decode reads,
// and what Marshal writes.
func (b Body) Standalone() []byte {
	doc, _, _ := b.standalone()
	return doc
}

// standalone returns Standalone and where (at) and how many bytes (n) it inserted.
func (b Body) standalone() (doc []byte, at, n int) {
	scope := b.scope
	if scope == nil {
		scope = srScope
	}
	if len(b.Raw) < 2 {
		return b.Raw, 0, 0
	}
	d := xml.NewDecoder(bytes.NewReader(b.Raw))
	tok, err := d.RawToken()
	se, ok := tok.(xml.StartElement)
	if err != nil || !ok {
		return b.Raw, 0, 0
	}
	own := map[string]bool{}
	for _, a := range se.Attr {
		switch {
		case a.Name.Space == "xmlns":
			own[a.Name.Local] = true
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			own[""] = true
		}
	}
	var w xw
	for _, bd := range scope {
		if own[bd.prefix] || bd.prefix == "" && bd.uri == "" {
			continue
		}
		name := "xmlns"
		if bd.prefix != "" {
			name += ":" + bd.prefix
		}
		w.b = append(w.b, ' ')
		w.b = append(w.b, name...)
		w.b = append(w.b, '=', '"')
		w.escape(name, bd.uri, true)
		w.b = append(w.b, '"')
	}
	if len(w.b) == 0 {
		return b.Raw, 0, 0
	}
	at = 1 + len(qname(se.Name))
	out := make([]byte, 0, len(b.Raw)+len(w.b))
	out = append(out, b.Raw[:at]...)
	out = append(out, w.b...)
	return append(out, b.Raw[at:]...), at, len(w.b)
}

// Decode decodes the body element into v with encoding/xml (Strict, no entities), as
// xml.Unmarshal would decode Standalone. Field tags may name the DUIS namespace
// (`xml:"http://www.dccinterface.co.uk/ServiceUserGateway DeviceID"`) or only the local name.
// A decoding error is a *ParseError with reason ErrField.
func (b Body) Decode(v any) error {
	d := xml.NewDecoder(bytes.NewReader(b.Standalone()))
	d.Strict = true
	d.Entity = nil
	if err := d.Decode(v); err != nil {
		return &ParseError{Reason: ErrField, Offset: -1, Path: b.Name, Detail: "decoding the body", Err: err}
	}
	return nil
}

// ExecutionDateTime returns the body's sr:ExecutionDateTime, the optional (for some SRVs
// mandatory) first child that future-dates a request, or nil when there is none. DUIS puts it in
// the body, not the header: the schema's FutureDatedAbstractType is the base of those bodies.
func (b Body) ExecutionDateTime() (*time.Time, error) {
	var at *time.Time
	err := b.read(func(w *walker) error {
		c, off, ok, err := w.child()
		if err != nil || !ok || !isSR(c.Name, "ExecutionDateTime") {
			return err
		}
		path := w.s.path()
		text, err := w.text()
		if err != nil {
			return err
		}
		t, err := parseDateTime(text)
		if err != nil {
			return w.field(off, path, text, err)
		}
		at = &t
		return nil
	})
	return at, err
}

// read runs fn over the body element through the checked scanner, fn starting inside the
// element. Positions in its errors count from the start of Raw.
func (b Body) read(fn func(w *walker) error) error {
	doc, at, n := b.standalone()
	err := func() error {
		s, err := newScanner(doc, Limits{})
		if err != nil {
			return err
		}
		w := &walker{s: s}
		se, off, ok, err := w.child()
		if err != nil {
			return err
		}
		if !ok || !isSR(se.Name, b.Name) {
			return w.fail(ErrStructure, off, "the body is not an sr:"+shorten(b.Name)+" element", "")
		}
		return fn(w)
	}()
	var pe *ParseError
	if n > 0 && errors.As(err, &pe) && pe.Offset >= 0 {
		switch {
		case pe.Offset >= int64(at+n):
			pe.Offset -= int64(n)
		case pe.Offset > int64(at):
			pe.Offset = int64(at)
		}
		pe.locate(b.Raw)
	}
	return err
}

// Marshal writes the request as an unsigned document, compactly, with the sr prefix declared on
// the root; sign it with a Signer. It checks its own output by parsing it back, so it writes
// exactly what ParseRequest accepts (and what the schema accepts, for an SRV and body DUIS
// defines). An empty SchemaVersion is written as DefaultSchemaVersion.
func (r *Request) Marshal() ([]byte, error) {
	version := r.SchemaVersion
	if version == "" {
		version = DefaultSchemaVersion
	}
	if err := checkSchemaVersion(version); err != nil {
		return nil, fmt.Errorf("duis: request: %w", err)
	}
	h := r.Header
	if h.CommandVariant < 1 || h.CommandVariant > 9 {
		return nil, fmt.Errorf("duis: request: Command Variant %d is not 1–9", h.CommandVariant)
	}
	if f, err := checkServiceReference(h.ServiceReference, h.ServiceReferenceVariant); err != nil {
		return nil, fmt.Errorf("duis: request: %s: %w", f, err)
	}
	if !isNCName(r.Body.Name) || len(r.Body.Raw) == 0 {
		return nil, fmt.Errorf("duis: request: body %q: %w", shorten(r.Body.Name), errNoBody)
	}
	var w xw
	w.raw([]byte(xmlDecl))
	w.open("sr:Request", "xmlns:sr", SRNamespace, "schemaVersion", version)
	w.open("sr:Header")
	w.leaf("sr:RequestID", h.RequestID.String())
	if h.FirstInSequence != nil {
		w.leaf("sr:FirstInSequence", strconv.FormatBool(*h.FirstInSequence))
	}
	if h.PrecedingServiceRequestID != nil {
		w.leaf("sr:PrecedingServiceRequestID", h.PrecedingServiceRequestID.String())
	}
	w.leaf("sr:CommandVariant", strconv.Itoa(h.CommandVariant))
	w.leaf("sr:ServiceReference", h.ServiceReference)
	w.leaf("sr:ServiceReferenceVariant", h.ServiceReferenceVariant)
	w.close("sr:Header")
	w.open("sr:Body")
	w.raw(r.Body.Standalone())
	w.close("sr:Body")
	w.close("sr:Request")
	if w.err != nil {
		return nil, fmt.Errorf("duis: request: %w", w.err)
	}
	back, err := ParseRequest(w.b, Limits{})
	if err != nil {
		return nil, fmt.Errorf("duis: request does not read back: %w", err)
	}
	if back.Body.Name != r.Body.Name {
		return nil, fmt.Errorf("duis: request: body element is sr:%s, Body.Name says %s", back.Body.Name, r.Body.Name)
	}
	return w.b, nil
}
