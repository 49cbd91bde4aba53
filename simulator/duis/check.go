package duis

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Check reads the whole document as a stream of tokens and refuses it unless it is well-formed,
// namespace-well-formed XML in UTF-8, free of DOCTYPE (and so of every entity definition and
// external reference), processing instructions and undefined entity references, within limits,
// and rooted at the sr element root. It returns nil or a *ParseError whose Malformed is true.
//
// Check never expands or resolves anything: encoding/xml runs in Strict mode with no Entity map
// and no CharsetReader, and a DOCTYPE is refused as soon as its token is read, before the root.
func Check(doc []byte, root Root, limits Limits) error {
	s, err := newScanner(doc, limits)
	if err != nil {
		return err
	}
	for {
		tok, err := s.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok && len(s.stack) == 1 {
			if err := s.checkRoot(se, root); err != nil {
				return err
			}
		}
	}
}

// checkRoot refuses a document element other than sr:root.
func (s *scanner) checkRoot(se xml.StartElement, root Root) error {
	if se.Name.Space == SRNamespace && se.Name.Local == string(root) {
		return nil
	}
	got := se.Name.Local
	if se.Name.Space != "" {
		got = "{" + se.Name.Space + "}" + got
	}
	return s.fail(ErrRoot, fmt.Sprintf("the root is %s, want sr:%s in namespace %s", got, root, SRNamespace), shorten(got))
}

// scanner is the checked token source both Check and the parsers read: a RawToken loop with its
// own namespace processing, so that undeclared prefixes, misused xml/xmlns prefixes, duplicate
// attributes and mismatched end tags (which RawToken leaves to the caller) are refused too, and
// so that names come back with their namespace URI as from Decoder.Token.
type scanner struct {
	doc      []byte // the whole document, BOM included
	base     int64  // bytes of doc before what the decoder reads (a UTF-8 byte order mark)
	d        *xml.Decoder
	lim      Limits
	stack    []frame
	ns       []binding
	elements int
	rootSeen bool
	rootDone bool
	start    int64 // offset in doc where the token last returned began
}

// frame is one open element.
type frame struct {
	raw  xml.Name // as written: Space holds the prefix
	name xml.Name // Space holds the namespace URI
	ns   int      // len(scanner.ns) before this element's declarations
	text int      // bytes of text directly inside it so far
}

// binding is one namespace declaration in scope.
type binding struct{ prefix, uri string }

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// newScanner runs the checks that need the whole input at once (size, byte order mark, UTF-8
// validity, the XML declaration) and sets up the token loop.
func newScanner(doc []byte, limits Limits) (*scanner, error) {
	lim := limits.withDefaults()
	s := &scanner{doc: doc, lim: lim}
	if len(doc) > lim.MaxBytes {
		return nil, s.failAt(ErrTooLarge, 0, fmt.Sprintf("%d bytes, limit %d", len(doc), lim.MaxBytes), "")
	}
	body := doc
	if bytes.HasPrefix(doc, utf8BOM) {
		body = doc[len(utf8BOM):]
		s.base = int64(len(utf8BOM))
	} else if bytes.HasPrefix(doc, []byte{0xFE, 0xFF}) || bytes.HasPrefix(doc, []byte{0xFF, 0xFE}) {
		return nil, s.failAt(ErrEncoding, 0, "UTF-16 byte order mark; DUIS documents are UTF-8", "")
	}
	if !utf8.Valid(body) {
		return nil, s.failAt(ErrInvalidUTF8, s.base+int64(firstInvalidUTF8(body)), "byte sequence that is not UTF-8", "")
	}
	if err := s.checkDeclaration(body); err != nil {
		return nil, err
	}
	s.d = xml.NewDecoder(bytes.NewReader(body))
	s.d.Strict = true
	s.d.Entity = nil        // only the five predefined entities; anything else is a syntax error
	s.d.CharsetReader = nil // a non-UTF-8 declaration was already refused, and could not be honoured
	return s, nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// checkDeclaration reads the XML declaration, if the document starts with one, more strictly than
// encoding/xml does: version 1.0 only, encoding UTF-8 only (in any case), standalone yes or no,
// in that order.
func (s *scanner) checkDeclaration(body []byte) error {
	if !bytes.HasPrefix(body, []byte("<?xml")) || len(body) < 6 || !isXMLSpace(body[5]) && body[5] != '?' {
		return nil // no declaration; "<?xml-stylesheet" and the like are refused as processing instructions
	}
	end := bytes.Index(body, []byte("?>"))
	if end < 0 {
		return s.failAt(ErrSyntax, s.base, "unterminated XML declaration", "")
	}
	rest := string(body[5:end])
	pseudo := func(name string) (string, bool, error) {
		t := strings.TrimLeft(rest, " \t\r\n")
		if len(t) == len(rest) || !strings.HasPrefix(t, name) {
			return "", false, nil
		}
		t = strings.TrimLeft(t[len(name):], " \t\r\n")
		if !strings.HasPrefix(t, "=") {
			return "", false, s.failAt(ErrSyntax, s.base, "XML declaration: "+name+" without =", "")
		}
		t = strings.TrimLeft(t[1:], " \t\r\n")
		if t == "" || t[0] != '"' && t[0] != '\'' {
			return "", false, s.failAt(ErrSyntax, s.base, "XML declaration: "+name+" value not quoted", "")
		}
		q := t[0]
		i := strings.IndexByte(t[1:], q)
		if i < 0 {
			return "", false, s.failAt(ErrSyntax, s.base, "XML declaration: unterminated "+name+" value", "")
		}
		rest = t[2+i:]
		return t[1 : 1+i], true, nil
	}
	ver, ok, err := pseudo("version")
	if err != nil {
		return err
	}
	if !ok {
		return s.failAt(ErrSyntax, s.base, "XML declaration without version", "")
	}
	if ver != "1.0" {
		return s.failAt(ErrSyntax, s.base, "XML version "+ver+"; only 1.0 is accepted", shorten(ver))
	}
	enc, ok, err := pseudo("encoding")
	if err != nil {
		return err
	}
	if ok && !strings.EqualFold(enc, "UTF-8") {
		return s.failAt(ErrEncoding, s.base, "declared encoding "+enc+"; DUIS documents are UTF-8", shorten(enc))
	}
	sa, ok, err := pseudo("standalone")
	if err != nil {
		return err
	}
	if ok && sa != "yes" && sa != "no" {
		return s.failAt(ErrSyntax, s.base, "XML declaration: standalone must be yes or no", shorten(sa))
	}
	if strings.Trim(rest, " \t\r\n") != "" {
		return s.failAt(ErrSyntax, s.base, "XML declaration: unexpected "+shorten(strings.TrimSpace(rest)), "")
	}
	return nil
}

// next returns the next token with names translated to namespace URIs, or io.EOF after the root
// element closed; whitespace outside the root is skipped. Every bound is checked before the
// token is returned, so callers never see anything Check would refuse.
func (s *scanner) next() (xml.Token, error) {
	for {
		s.start = s.base + s.d.InputOffset()
		tok, err := s.d.RawToken()
		if err != nil {
			if err == io.EOF {
				if len(s.stack) > 0 {
					return nil, s.fail(ErrSyntax, "the document ends inside <"+qname(s.stack[len(s.stack)-1].raw)+">", "")
				}
				if !s.rootSeen {
					return nil, s.fail(ErrSyntax, "no root element", "")
				}
				return nil, io.EOF
			}
			return nil, s.decoderError(err)
		}
		switch t := tok.(type) {
		case xml.ProcInst:
			if t.Target == "xml" && s.start == s.base {
				continue // the declaration, already checked
			}
			if t.Target == "xml" {
				return nil, s.fail(ErrProcInst, "an XML declaration that is not at the start of the document", "")
			}
			return nil, s.fail(ErrProcInst, "<?"+shorten(t.Target)+"?> is not allowed", "")
		case xml.Directive:
			word, _, _ := strings.Cut(strings.TrimSpace(string(t)), " ")
			if len(word) > 20 {
				word = word[:20]
			}
			return nil, s.fail(ErrDoctype, "<!"+word+" …> is not allowed: DUIS documents have no DTD, so nothing can be declared or expanded", "")
		case xml.Comment:
			if len(t) > s.lim.MaxTextBytes {
				return nil, s.fail(ErrTextTooLong, fmt.Sprintf("a comment of %d bytes, limit %d", len(t), s.lim.MaxTextBytes), "")
			}
			if r, ok := illegalChar(t); ok {
				return nil, s.fail(ErrSyntax, fmt.Sprintf("character %U in a comment", r), "")
			}
			return t, nil
		case xml.CharData:
			if err := s.checkCharRefs(); err != nil {
				return nil, err
			}
			if len(s.stack) == 0 {
				if !isAllXMLSpace(t) {
					return nil, s.fail(ErrSyntax, "text outside the root element", "")
				}
				continue
			}
			top := &s.stack[len(s.stack)-1]
			top.text += len(t)
			if top.text > s.lim.MaxTextBytes {
				return nil, s.fail(ErrTextTooLong, fmt.Sprintf("more than %d bytes of text in <%s>", s.lim.MaxTextBytes, qname(top.raw)), "")
			}
			return t, nil
		case xml.StartElement:
			return s.startElement(t)
		case xml.EndElement:
			return s.endElement(t)
		}
	}
}

func (s *scanner) startElement(t xml.StartElement) (xml.Token, error) {
	if s.rootDone {
		return nil, s.fail(ErrSyntax, "a second root element <"+qname(t.Name)+">", "")
	}
	s.elements++
	if s.elements > s.lim.MaxElements {
		return nil, s.fail(ErrTooManyElements, fmt.Sprintf("element limit %d", s.lim.MaxElements), "")
	}
	if len(s.stack)+1 > s.lim.MaxDepth {
		return nil, s.fail(ErrTooDeep, fmt.Sprintf("<%s> at depth %d, limit %d", qname(t.Name), len(s.stack)+1, s.lim.MaxDepth), "")
	}
	if len(t.Attr) > s.lim.MaxAttributes {
		return nil, s.fail(ErrTooManyAttributes, fmt.Sprintf("<%s> has %d attributes, limit %d", qname(t.Name), len(t.Attr), s.lim.MaxAttributes), "")
	}
	if err := s.checkCharRefs(); err != nil {
		return nil, err
	}
	if len(t.Attr) > 1 && !attributesSeparated(s.doc[s.start:s.base+s.d.InputOffset()]) {
		return nil, s.fail(ErrSyntax, "attributes of <"+qname(t.Name)+"> not separated by whitespace", "")
	}
	mark := len(s.ns)
	for _, a := range t.Attr {
		if len(a.Value) > s.lim.MaxTextBytes {
			return nil, s.fail(ErrTextTooLong, fmt.Sprintf("attribute %s of %d bytes, limit %d", qname(a.Name), len(a.Value), s.lim.MaxTextBytes), "")
		}
		switch {
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			if a.Value == xmlNamespace || a.Value == xmlnsNamespace {
				return nil, s.fail(ErrNamespace, "the default namespace cannot be "+a.Value, "")
			}
			s.ns = append(s.ns, binding{"", a.Value})
		case a.Name.Space == "xmlns":
			p := a.Name.Local
			switch {
			case p == "xmlns":
				return nil, s.fail(ErrNamespace, "the prefix xmlns cannot be declared", "")
			case p == "xml":
				if a.Value != xmlNamespace {
					return nil, s.fail(ErrNamespace, "the prefix xml cannot be bound to another namespace", shorten(a.Value))
				}
				continue
			case a.Value == "":
				return nil, s.fail(ErrNamespace, "prefix "+p+" declared with an empty namespace", "")
			case a.Value == xmlNamespace || a.Value == xmlnsNamespace:
				return nil, s.fail(ErrNamespace, "prefix "+p+" bound to a reserved namespace", shorten(a.Value))
			}
			s.ns = append(s.ns, binding{p, a.Value})
		}
	}
	if strings.Contains(t.Name.Local, ":") || t.Name.Space == "xmlns" {
		return nil, s.fail(ErrNamespace, "element name "+shorten(qname(t.Name))+" is not a qualified name", "")
	}
	uri, ok := s.lookup(t.Name.Space)
	if !ok {
		return nil, s.fail(ErrNamespace, "undeclared prefix "+shorten(t.Name.Space)+" on <"+qname(t.Name)+">", "")
	}
	out := xml.StartElement{Name: xml.Name{Space: uri, Local: t.Name.Local}}
	if len(t.Attr) > 0 {
		out.Attr = make([]xml.Attr, len(t.Attr))
	}
	for i, a := range t.Attr {
		if strings.Contains(a.Name.Local, ":") {
			return nil, s.fail(ErrNamespace, "attribute name "+shorten(qname(a.Name))+" is not a qualified name", "")
		}
		n := a.Name
		if a.Name.Space != "" && a.Name.Space != "xmlns" {
			u, ok := s.lookup(a.Name.Space)
			if !ok {
				return nil, s.fail(ErrNamespace, "undeclared prefix "+shorten(a.Name.Space)+" on attribute "+qname(a.Name), "")
			}
			n.Space = u
		}
		for j := 0; j < i; j++ {
			if out.Attr[j].Name == n {
				return nil, s.fail(ErrSyntax, "duplicate attribute "+shorten(qname(a.Name))+" on <"+qname(t.Name)+">", "")
			}
		}
		out.Attr[i] = xml.Attr{Name: n, Value: a.Value}
	}
	s.stack = append(s.stack, frame{raw: t.Name, name: out.Name, ns: mark})
	s.rootSeen = true
	return out, nil
}

func (s *scanner) endElement(t xml.EndElement) (xml.Token, error) {
	if len(s.stack) == 0 {
		return nil, s.fail(ErrSyntax, "end tag </"+qname(t.Name)+"> without a start tag", "")
	}
	top := s.stack[len(s.stack)-1]
	if t.Name != top.raw {
		return nil, s.fail(ErrSyntax, "<"+qname(top.raw)+"> closed by </"+shorten(qname(t.Name))+">", "")
	}
	s.stack = s.stack[:len(s.stack)-1]
	s.ns = s.ns[:top.ns]
	if len(s.stack) == 0 {
		s.rootDone = true
	}
	return xml.EndElement{Name: top.name}, nil
}

// lookup resolves a prefix ("" for the default namespace) to its namespace URI.
func (s *scanner) lookup(prefix string) (string, bool) {
	if prefix == "xml" {
		return xmlNamespace, true
	}
	for i := len(s.ns) - 1; i >= 0; i-- {
		if s.ns[i].prefix == prefix {
			return s.ns[i].uri, true
		}
	}
	return "", prefix == ""
}

// scope returns the namespace declarations in force inside the innermost open element, the
// nearest declaration of each prefix winning.
func (s *scanner) scope() []binding {
	var out []binding
outer:
	for i := len(s.ns) - 1; i >= 0; i-- {
		for _, b := range out {
			if b.prefix == s.ns[i].prefix {
				continue outer
			}
		}
		out = append(out, s.ns[i])
	}
	return out
}

// decoderError turns an encoding/xml error into a ParseError, telling undefined entities apart
// from other syntax errors by the message encoding/xml gives them (a spec pins that text).
func (s *scanner) decoderError(err error) error {
	off := s.base + s.d.InputOffset()
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		reason := ErrSyntax
		switch {
		case strings.HasPrefix(se.Msg, "invalid character entity &") && !strings.HasPrefix(se.Msg, "invalid character entity & "):
			reason = ErrEntity // "& (no semicolon)" is a lone ampersand, a plain syntax error
		case se.Msg == "invalid UTF-8":
			reason = ErrInvalidUTF8
		}
		return s.failAt(reason, off, shorten(se.Msg), "")
	}
	if msg := err.Error(); strings.HasPrefix(msg, "xml: unsupported version") || strings.HasPrefix(msg, "xml: encoding") {
		// encoding/xml checks an <?xml …?> wherever it appears; the one at the start was already
		// accepted by checkDeclaration, so this is a second one.
		return s.failAt(ErrProcInst, s.start, "an XML declaration that is not at the start of the document", "")
	}
	return s.failAt(ErrSyntax, off, shorten(err.Error()), "")
}

// fail reports a fault in the token that began at s.start.
func (s *scanner) fail(reason error, detail, value string) error {
	return s.failAt(reason, s.start, detail, value)
}

func (s *scanner) failAt(reason error, off int64, detail, value string) error {
	e := &ParseError{Reason: reason, Offset: off, Path: s.path(), Detail: detail, Value: value}
	return e.locate(s.doc)
}

// path names the open elements by local name, root first.
func (s *scanner) path() string {
	if len(s.stack) == 0 {
		return ""
	}
	var b strings.Builder
	for i, f := range s.stack {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(shorten(f.name.Local))
	}
	return b.String()
}

// checkCharRefs refuses character references to code points outside XML's Char production in
// the token just read (text or a start tag). encoding/xml turns a reference to a surrogate such
// as &#xD800; into U+FFFD instead of refusing it.
func (s *scanner) checkCharRefs() error {
	raw := s.doc[s.start : s.base+s.d.InputOffset()]
	if bytes.HasPrefix(raw, []byte("<![CDATA[")) {
		return nil
	}
	for {
		i := bytes.Index(raw, []byte("&#"))
		if i < 0 {
			return nil
		}
		raw = raw[i+2:]
		base := 10
		if len(raw) > 0 && raw[0] == 'x' {
			base, raw = 16, raw[1:]
		}
		end := bytes.IndexByte(raw, ';')
		if end < 0 {
			return nil // encoding/xml has refused it already
		}
		v, err := strconv.ParseUint(string(raw[:end]), base, 32)
		if err == nil && !legalChar(rune(v)) {
			return s.fail(ErrSyntax, fmt.Sprintf("character reference to %U, which XML cannot carry", rune(v)), "")
		}
	}
}

// attributesSeparated reports whether every attribute value in a start tag is followed by
// whitespace or the end of the tag, as XML requires and encoding/xml does not check.
func attributesSeparated(tag []byte) bool {
	var quote byte
	for i := 0; i < len(tag); i++ {
		c := tag[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
				if i+1 < len(tag) && !isXMLSpace(tag[i+1]) && tag[i+1] != '/' && tag[i+1] != '>' {
					return false
				}
			}
		case c == '"' || c == '\'':
			quote = c
		}
	}
	return true
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isAllXMLSpace(b []byte) bool {
	for _, c := range b {
		if !isXMLSpace(c) {
			return false
		}
	}
	return true
}

// illegalChar finds a character outside XML 1.0's Char production; b is valid UTF-8.
func illegalChar(b []byte) (rune, bool) {
	for _, r := range string(b) {
		if !legalChar(r) {
			return r, true
		}
	}
	return 0, false
}

func legalChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
