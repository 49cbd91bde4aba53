package duis

import (
	"encoding/xml"
	"io"
	"strings"
)

// walker reads DUIS structure from checked tokens: the children of the current element in order,
// their text, or past them. Structural faults become ErrStructure with the element's position.
type walker struct {
	s      *scanner
	header *Header // attached to DUIS-level errors while a request header is being read
}

// child returns the next child element of the element whose start was last consumed, with the
// offset of its start tag, or ok false once that element's end tag has been consumed. Comments
// are skipped; text between child elements must be whitespace.
func (w *walker) child() (se xml.StartElement, off int64, ok bool, err error) {
	for {
		tok, err := w.s.next()
		if err == io.EOF {
			return se, 0, false, w.fail(ErrStructure, w.s.start, "unexpected end of document", "")
		}
		if err != nil {
			return se, 0, false, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, w.s.start, true, nil
		case xml.EndElement:
			return se, 0, false, nil
		case xml.CharData:
			if !isAllXMLSpace(t) {
				return se, 0, false, w.fail(ErrStructure, w.s.start, "text where only elements may appear", shorten(strings.TrimSpace(string(t))))
			}
		}
	}
}

// text reads the text content of the element whose start was last consumed, up to and including
// its end tag. Child elements are refused: DUIS simple-typed elements hold text only.
func (w *walker) text() (string, error) {
	var b strings.Builder
	for {
		tok, err := w.s.next()
		if err != nil {
			if err == io.EOF {
				return "", w.fail(ErrStructure, w.s.start, "unexpected end of document", "")
			}
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.StartElement:
			return "", w.fail(ErrStructure, w.s.start, "element <"+local(t.Name)+"> inside an element that holds text only", "")
		case xml.EndElement:
			return b.String(), nil
		}
	}
}

// skip consumes everything up to and including the end tag of the element whose start was last
// consumed.
func (w *walker) skip() error {
	depth := 1
	for depth > 0 {
		tok, err := w.s.next()
		if err != nil {
			if err == io.EOF {
				return w.fail(ErrStructure, w.s.start, "unexpected end of document", "")
			}
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// attrs refuses attributes the schema does not give an element: only namespace declarations,
// xsi: attributes (which schema processors allow anywhere) and the named unqualified ones pass.
func (w *walker) attrs(se xml.StartElement, off int64, allowed ...string) error {
	for _, a := range se.Attr {
		switch {
		case a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns":
		case a.Name.Space == xsiNamespace:
		case a.Name.Space == "" && oneOf(a.Name.Local, allowed):
		default:
			return w.fail(ErrStructure, off, "attribute "+local(a.Name)+" is not allowed on <"+local(se.Name)+">", "")
		}
	}
	return nil
}

// fail reports a DUIS-level fault at off, in the elements open now (the offending one included).
func (w *walker) fail(reason error, off int64, detail, value string) error {
	return w.failIn(reason, off, w.s.path(), detail, value)
}

// failIn reports a DUIS-level fault at off, in the element at path.
func (w *walker) failIn(reason error, off int64, path, detail, value string) error {
	e := &ParseError{Reason: reason, Offset: off, Path: path, Detail: detail, Value: value}
	if w.header != nil {
		h := *w.header
		e.Header = &h
	}
	return e.locate(w.s.doc)
}

// field reports a bad value of the element that starts at off; path is taken before its end tag
// was consumed, so it names the element itself.
func (w *walker) field(off int64, path string, value string, err error) error {
	e := &ParseError{Reason: ErrField, Offset: off, Path: path, Value: shorten(strings.Trim(value, " \t\r\n")), Err: err}
	if w.header != nil {
		h := *w.header
		e.Header = &h
	}
	return e.locate(w.s.doc)
}

// local names an element for messages: sr:X for DUIS elements, ra:X for MMC ones, the full
// namespace otherwise.
func local(n xml.Name) string {
	switch n.Space {
	case SRNamespace:
		return "sr:" + n.Local
	case RANamespace:
		return "ra:" + n.Local
	case DSNamespace:
		return "ds:" + n.Local
	case "":
		return n.Local
	}
	return "{" + shorten(n.Space) + "}" + shorten(n.Local)
}

func isSR(n xml.Name, localName string) bool { return n.Space == SRNamespace && n.Local == localName }
