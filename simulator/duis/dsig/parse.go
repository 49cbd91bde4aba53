package dsig

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/beevik/etree"
)

// MaxDocumentSize is the largest document Sign and Verify accept. The largest DUIS message is an
// 11.1 Update Firmware request, whose FirmwareImage may hold 10,240,000 base64 characters; 16 MiB
// leaves room for the rest and bounds what a hostile peer can make us parse.
const MaxDocumentSize = 16 << 20

// maxDepth bounds element nesting. DUIS and MMC messages nest about a dozen levels; a bound keeps
// the recursive canonicaliser's stack small whatever arrives.
const maxDepth = 64

// maxAttributes and maxDeclarations bound the work per element: attributes are compared pairwise
// for duplicates and namespace bindings are looked up on a stack, both cheap at DUIS sizes (a few
// attributes, a handful of namespaces) and quadratic in a hostile document without a bound.
const (
	maxAttributes   = 64  // on one element, namespace declarations included
	maxDeclarations = 256 // namespace declarations in the whole document
)

// parse reads a document for signing or verifying and checks what a namespace-aware XML parser
// would: one root element, no DOCTYPE or other directive, every prefix declared, no attribute
// twice, UTF-8 only. encoding/xml, under etree, leaves those to its caller.
func parse(data []byte) (*etree.Document, *etree.Element, error) {
	if len(data) > MaxDocumentSize {
		return nil, nil, fmt.Errorf("%w: %d bytes, more than the %d this package accepts", ErrInvalidDocument, len(data), MaxDocumentSize)
	}
	if err := checkProlog(data); err != nil {
		return nil, nil, err
	}
	doc := etree.NewDocument()
	doc.ReadSettings = etree.ReadSettings{
		PreserveDuplicateAttrs: true, // so that a duplicate is refused below rather than silently dropped
		MaxDepth:               maxDepth,
		CharsetReader: func(charset string, input io.Reader) (io.Reader, error) {
			if strings.EqualFold(charset, "utf-8") || strings.EqualFold(charset, "utf8") {
				return input, nil
			}
			return nil, fmt.Errorf("encoding %q: only UTF-8 is accepted", charset)
		},
	}
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrInvalidDocument, err)
	}
	var root *etree.Element
	for _, t := range doc.Child {
		switch t := t.(type) {
		case *etree.Element:
			if root != nil {
				return nil, nil, fmt.Errorf("%w: a second root element <%s>", ErrInvalidDocument, t.FullTag())
			}
			root = t
		case *etree.CharData:
			if !isXMLSpace(t.Data) {
				return nil, nil, fmt.Errorf("%w: text outside the root element", ErrInvalidDocument)
			}
		case *etree.Directive:
			return nil, nil, directiveError(t)
		}
	}
	if root == nil {
		return nil, nil, fmt.Errorf("%w: no root element", ErrInvalidDocument)
	}
	declarations := 0
	if err := checkElement(root, nil, &declarations); err != nil {
		return nil, nil, err
	}
	return doc, root, nil
}

func directiveError(d *etree.Directive) error {
	if strings.HasPrefix(d.Data, "DOCTYPE") {
		return fmt.Errorf("%w: it has a DOCTYPE, which DUIS messages never carry", ErrInvalidDocument)
	}
	return fmt.Errorf("%w: directive <!%.20s...>", ErrInvalidDocument, d.Data)
}

// checkElement checks e and its descendants with the namespace bindings of its ancestors.
func checkElement(e *etree.Element, scope nsStack, declarations *int) error {
	if len(e.Attr) > maxAttributes {
		return fmt.Errorf("%w: <%s> has %d attributes, more than the %d this package reads", ErrInvalidDocument, e.FullTag(), len(e.Attr), maxAttributes)
	}
	for _, a := range e.Attr {
		p, ok := declaration(a)
		if !ok {
			continue
		}
		switch {
		case p == "xmlns":
			return fmt.Errorf("%w: <%s> declares the reserved prefix xmlns", ErrInvalidDocument, e.FullTag())
		case p == "xml" && a.Value != xmlNamespace, p != "xml" && a.Value == xmlNamespace:
			return fmt.Errorf("%w: <%s> binds the xml prefix or namespace wrongly", ErrInvalidDocument, e.FullTag())
		case p != "" && a.Value == "":
			return fmt.Errorf("%w: <%s> undeclares prefix %q, which XML 1.0 namespaces forbid", ErrInvalidDocument, e.FullTag(), p)
		}
		if *declarations++; *declarations > maxDeclarations {
			return fmt.Errorf("%w: more than %d namespace declarations", ErrInvalidDocument, maxDeclarations)
		}
		scope = append(scope, nsBinding{p, a.Value})
	}
	if e.Space != "" {
		if _, ok := scope.resolve(e.Space); !ok {
			return fmt.Errorf("%w: <%s> uses the undeclared prefix %q", ErrInvalidDocument, e.FullTag(), e.Space)
		}
	}
	for i, a := range e.Attr {
		if _, ok := declaration(a); ok {
			if dup := duplicateAttr(e, i, func(b etree.Attr) bool { return b.Space == a.Space && b.Key == a.Key }); dup {
				return fmt.Errorf("%w: <%s> declares %s twice", ErrInvalidDocument, e.FullTag(), a.FullKey())
			}
			continue
		}
		uri := ""
		if a.Space != "" {
			var ok bool
			if uri, ok = scope.resolve(a.Space); !ok {
				return fmt.Errorf("%w: attribute %s of <%s> uses the undeclared prefix %q", ErrInvalidDocument, a.FullKey(), e.FullTag(), a.Space)
			}
		}
		same := func(b etree.Attr) bool {
			if _, ok := declaration(b); ok || b.Key != a.Key {
				return false
			}
			buri := ""
			if b.Space != "" {
				buri, _ = scope.resolve(b.Space)
			}
			return buri == uri
		}
		if duplicateAttr(e, i, same) {
			return fmt.Errorf("%w: <%s> has attribute {%s}%s twice", ErrInvalidDocument, e.FullTag(), uri, a.Key)
		}
	}
	for _, t := range e.Child {
		switch t := t.(type) {
		case *etree.Element:
			if err := checkElement(t, scope, declarations); err != nil {
				return err
			}
		case *etree.Directive:
			return directiveError(t)
		}
	}
	return nil
}

// duplicateAttr reports whether an attribute after index i matches.
func duplicateAttr(e *etree.Element, i int, match func(etree.Attr) bool) bool {
	for _, b := range e.Attr[i+1:] {
		if match(b) {
			return true
		}
	}
	return false
}

// isXMLSpace reports whether s holds only XML white space (space, tab, CR, LF).
func isXMLSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\r', '\n':
		default:
			return false
		}
	}
	return true
}

// stripXMLSpace removes XML white space from base64 text: real DCC signatures wrap theirs with
// CR LF, written as "&#13;" and a newline.
func stripXMLSpace(s string) string {
	if isXMLSpace(s) {
		return ""
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
}

// serialise writes doc so that parsing it again gives the same canonical form: text and
// attribute values escape carriage returns and tabs as character references, which a parser
// keeps, instead of writing them raw, which a parser would normalise.
func serialise(doc *etree.Document) []byte {
	var buf bytes.Buffer
	doc.WriteSettings = etree.WriteSettings{CanonicalText: true, CanonicalAttrVal: true}
	doc.WriteTo(&buf)
	return buf.Bytes()
}

// nsURI returns the namespace of e's name ("" when it has none).
func nsURI(e *etree.Element) string {
	for p := e; p != nil; p = p.Parent() {
		for _, a := range p.Attr {
			if pre, ok := declaration(a); ok && pre == e.Space {
				return a.Value
			}
		}
	}
	if e.Space == "xml" {
		return xmlNamespace
	}
	return ""
}

// is reports whether e is the element {space}local.
func is(e *etree.Element, space, local string) bool {
	return e.Tag == local && nsURI(e) == space
}

// checkProlog refuses a DOCTYPE before anything else is read, so that a document declaring
// entities is reported for its DOCTYPE rather than for the first entity it uses. A DOCTYPE can
// only stand before the root element, so reading stops there.
func checkProlog(data []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = func(_ string, input io.Reader) (io.Reader, error) { return input, nil }
	for {
		t, err := dec.RawToken()
		if err != nil {
			return nil // parse reports syntax errors with the whole document
		}
		switch t := t.(type) {
		case xml.StartElement:
			return nil
		case xml.Directive:
			return directiveError(&etree.Directive{Data: string(t)})
		}
	}
}
