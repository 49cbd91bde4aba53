package duis

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/smetsim/smetsim/devices"
)

// xw writes XML compactly into a byte slice. Names are the caller's constants; every value is
// escaped and checked for characters XML cannot carry. The first error sticks and later writes
// are ignored, so builders check once at the end.
type xw struct {
	b   []byte
	err error
}

const xmlDecl = `<?xml version="1.0" encoding="UTF-8"?>`

func (w *xw) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *xw) failf(format string, args ...any) { w.fail(fmt.Errorf(format, args...)) }

// open writes a start tag; attrs are name, value pairs (values escaped).
func (w *xw) open(name string, attrs ...string) {
	w.b = append(w.b, '<')
	w.b = append(w.b, name...)
	for i := 0; i+1 < len(attrs); i += 2 {
		w.b = append(w.b, ' ')
		w.b = append(w.b, attrs[i]...)
		w.b = append(w.b, '=', '"')
		w.escape(attrs[i], attrs[i+1], true)
		w.b = append(w.b, '"')
	}
	w.b = append(w.b, '>')
}

func (w *xw) close(name string) {
	w.b = append(w.b, '<', '/')
	w.b = append(w.b, name...)
	w.b = append(w.b, '>')
}

// leaf writes <name>text</name>.
func (w *xw) leaf(name, text string) {
	w.open(name)
	w.escape(name, text, false)
	w.close(name)
}

// opt writes <name>text</name> unless text is empty.
func (w *xw) opt(name, text string) {
	if text != "" {
		w.leaf(name, text)
	}
}

func (w *xw) raw(b []byte) { w.b = append(w.b, b...) }

func (w *xw) eui(name string, e devices.EUI64) { w.leaf(name, e.String()) }

func (w *xw) uint(name string, v uint64) { w.leaf(name, strconv.FormatUint(v, 10)) }

func (w *xw) dateTime(name string, t time.Time) {
	s, err := formatDateTime(t)
	if err != nil {
		w.failf("%s: %v", name, err)
		return
	}
	w.leaf(name, s)
}

func (w *xw) base64(name string, b []byte) { w.leaf(name, base64.StdEncoding.EncodeToString(b)) }

func (w *xw) hex(name string, b []byte) {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&0x0f])
	}
	w.leaf(name, string(out))
}

// escape appends s with the characters that would end or change markup replaced by references.
// In attributes, tab, newline and carriage return are written as character references too, so
// attribute-value normalisation gives back exactly s.
func (w *xw) escape(field, s string, attr bool) {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !validAt(s, i):
			w.failf("%s: %q is not UTF-8", field, shorten(s))
			return
		case !legalChar(r):
			w.failf("%s: character %U cannot be written in XML", field, r)
			return
		}
		switch r {
		case '&':
			w.b = append(w.b, "&amp;"...)
		case '<':
			w.b = append(w.b, "&lt;"...)
		case '>':
			w.b = append(w.b, "&gt;"...)
		case '"':
			if attr {
				w.b = append(w.b, "&quot;"...)
			} else {
				w.b = append(w.b, '"')
			}
		case '\r':
			w.b = append(w.b, "&#xD;"...)
		case '\n':
			if attr {
				w.b = append(w.b, "&#xA;"...)
			} else {
				w.b = append(w.b, '\n')
			}
		case '\t':
			if attr {
				w.b = append(w.b, "&#x9;"...)
			} else {
				w.b = append(w.b, '\t')
			}
		default:
			w.b = utf8.AppendRune(w.b, r)
		}
	}
}

// validAt reports whether the rune at s[i] is a genuine U+FFFD rather than a decoding error.
func validAt(s string, i int) bool {
	_, n := utf8.DecodeRuneInString(s[i:])
	return n == 3
}

// Attr is an unqualified attribute of an MMC element, such as MessageSuccess="true".
type Attr struct {
	Name, Value string
}

// MMCWriter builds the MMC payload elements that go inside ra:SMETSData (for instance an
// ra:ReadInstantaneousImportRegistersRsp) or an SMETS1 device alert's ra:Payload, with the ra
// prefix the enclosing document declares. SRV handlers use it so they never concatenate markup
// by hand; the methods chain, and the first mistake (a bad name, a character XML cannot carry, an
// End without a Start) is reported by Bytes.
//
//	var m duis.MMCWriter
//	m.Start("ReadInstantaneousImportRegistersRsp").Start("Electricity").
//		Start("ActiveImportRegister").Leaf("Value", "1234").Leaf("ActiveEnergyUnit", "Wh").
//		End().End().End()
//	payload, err := m.Bytes()
type MMCWriter struct {
	w     xw
	stack []string
	roots int
}

// Start opens ra:name with the given attributes.
func (m *MMCWriter) Start(name string, attrs ...Attr) *MMCWriter {
	if !m.name(name, attrs) {
		return m
	}
	if len(m.stack) == 0 {
		m.roots++
	}
	m.stack = append(m.stack, "ra:"+name)
	m.w.open("ra:"+name, flat(attrs)...)
	return m
}

// End closes the innermost open element.
func (m *MMCWriter) End() *MMCWriter {
	if len(m.stack) == 0 {
		m.w.failf("MMC payload: End without an open element")
		return m
	}
	m.w.close(m.stack[len(m.stack)-1])
	m.stack = m.stack[:len(m.stack)-1]
	return m
}

// Leaf writes <ra:name>text</ra:name>.
func (m *MMCWriter) Leaf(name, text string, attrs ...Attr) *MMCWriter {
	m.Start(name, attrs...)
	if m.w.err == nil {
		m.w.escape("ra:"+name, text, false)
	}
	return m.End()
}

// Bytes returns the payload: exactly one ra: element, with every element closed.
func (m *MMCWriter) Bytes() ([]byte, error) {
	switch {
	case m.w.err != nil:
		return nil, m.w.err
	case len(m.stack) > 0:
		return nil, fmt.Errorf("MMC payload: %s not closed", m.stack[len(m.stack)-1])
	case m.roots != 1:
		return nil, fmt.Errorf("MMC payload: want one top-level element, got %d", m.roots)
	}
	return m.w.b, nil
}

func (m *MMCWriter) name(name string, attrs []Attr) bool {
	if m.w.err != nil {
		return false
	}
	if !isNCName(name) {
		m.w.failf("MMC payload: %q is not an element name", shorten(name))
		return false
	}
	for _, a := range attrs {
		if !isNCName(a.Name) || a.Name == "xmlns" {
			m.w.failf("MMC payload: %q is not an attribute name", shorten(a.Name))
			return false
		}
	}
	return true
}

func flat(attrs []Attr) []string {
	out := make([]string, 0, 2*len(attrs))
	for _, a := range attrs {
		out = append(out, a.Name, a.Value)
	}
	return out
}

// isNCName accepts the ASCII names the DUIS and MMC schemas use: a letter or underscore, then
// letters, digits, underscores, hyphens and dots.
func isNCName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// errNoBody is returned by builders given a document without a body.
var errNoBody = errors.New("no body")

// hexBytes is the hexBinary form of a 16-bit code, as GBCS alert codes are written (8F35).
func hexBytes(v uint16) []byte { return []byte{byte(v >> 8), byte(v)} }
