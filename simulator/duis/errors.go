package duis

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// The reasons a document is refused. A *ParseError carries exactly one of them as its Reason, so
// callers test with errors.Is(err, duis.ErrDoctype) and so on.
//
// The first group means the input is not a well-formed document with the expected DUIS root at
// all: nothing in it can be trusted enough to answer in DUIS, so the mock DCC answers with an
// HTTP 4xx. The second group means the input is a DUIS document of the expected kind with a
// missing, misplaced or bad field: the mock DCC can answer it with a DUIS response code, using
// whatever of the header ParseError.Header holds. ParseError.Malformed tells the groups apart.
var (
	// ErrTooLarge: the document has more bytes than Limits.MaxBytes.
	ErrTooLarge = errors.New("document larger than the size limit")
	// ErrTooDeep: elements nest deeper than Limits.MaxDepth.
	ErrTooDeep = errors.New("elements nested deeper than the depth limit")
	// ErrTooManyElements: the document has more elements than Limits.MaxElements.
	ErrTooManyElements = errors.New("more elements than the element limit")
	// ErrTooManyAttributes: an element has more attributes than Limits.MaxAttributes.
	ErrTooManyAttributes = errors.New("element with more attributes than the attribute limit")
	// ErrTextTooLong: an element's text, an attribute value or a comment is longer than
	// Limits.MaxTextBytes.
	ErrTextTooLong = errors.New("text, attribute value or comment longer than the text limit")
	// ErrDoctype: a DOCTYPE or any other markup declaration, which could define entities.
	ErrDoctype = errors.New("document type declaration or other markup declaration")
	// ErrProcInst: a processing instruction, or an XML declaration not at the start.
	ErrProcInst = errors.New("processing instruction other than the XML declaration")
	// ErrEntity: an entity reference other than the five predefined ones and character references.
	ErrEntity = errors.New("entity reference other than the predefined five and character references")
	// ErrEncoding: a declared encoding other than UTF-8, or a UTF-16 byte order mark.
	ErrEncoding = errors.New("encoding other than UTF-8")
	// ErrInvalidUTF8: bytes that are not UTF-8.
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	// ErrSyntax: anything else that is not well-formed XML.
	ErrSyntax = errors.New("not well-formed XML")
	// ErrNamespace: an undeclared or misused prefix, or a name that is not a qualified name.
	ErrNamespace = errors.New("namespace error")
	// ErrRoot: a root element other than the DUIS one the caller expects.
	ErrRoot = errors.New("wrong root element")

	// ErrSchemaVersion: a schemaVersion outside SupportedSchemaVersions.
	ErrSchemaVersion = errors.New("unsupported DUIS schema version")
	// ErrStructure: a DUIS element, attribute or text missing, misplaced, repeated or unexpected.
	ErrStructure = errors.New("missing, misplaced or unexpected DUIS element or attribute")
	// ErrField: a DUIS field whose value its type does not allow.
	ErrField = errors.New("bad DUIS field value")
)

// malformed lists the reasons that mean "not a DUIS document of the expected kind".
var malformed = []error{
	ErrTooLarge, ErrTooDeep, ErrTooManyElements, ErrTooManyAttributes, ErrTextTooLong,
	ErrDoctype, ErrProcInst, ErrEntity, ErrEncoding, ErrInvalidUTF8, ErrSyntax, ErrNamespace, ErrRoot,
}

// ParseError is every error Check, ParseRequest and the body decoders return. It says why the
// document was refused (Reason, one of the Err* sentinels above), where (Offset, Line, Column and
// the element Path), and what value was at fault.
type ParseError struct {
	Reason error  // one of the Err* sentinels
	Offset int64  // byte offset in the document where the fault starts; -1 if unknown
	Line   int    // 1-based line of Offset; 0 if unknown
	Column int    // 1-based column (in bytes) of Offset; 0 if unknown
	Path   string // element path such as "Request/Header/RequestID"; "" before the root
	Value  string // the offending value (a schema version, a field's text), possibly shortened
	Detail string // what exactly is wrong
	Err    error  // an underlying error such as a *RequestIDError, or nil

	// Header holds what was read of a Request header before a DUIS-level error (Malformed false),
	// so the mock DCC can address a DUIS response; nil when the header was not reached or the
	// error is Malformed.
	Header *Header
}

// Error describes the fault in one line: reason, place, detail.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("duis: ")
	b.WriteString(e.Reason.Error())
	if e.Line > 0 {
		fmt.Fprintf(&b, " at line %d column %d", e.Line, e.Column)
	}
	if e.Path != "" {
		fmt.Fprintf(&b, " in %s", e.Path)
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.Value != "" && !strings.Contains(e.Detail, e.Value) {
		fmt.Fprintf(&b, " (value %q)", e.Value)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap exposes both the reason and the underlying error to errors.Is and errors.As.
func (e *ParseError) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Reason, e.Err}
	}
	return []error{e.Reason}
}

// Malformed reports whether the input is not a well-formed document with the expected DUIS root
// (answer with an HTTP 4xx), as opposed to a DUIS document with a bad or missing field (answer
// with a DUIS response code).
func (e *ParseError) Malformed() bool {
	for _, r := range malformed {
		if e.Reason == r {
			return true
		}
	}
	return false
}

// IsMalformed reports whether err is a *ParseError that is Malformed.
func IsMalformed(err error) bool {
	var pe *ParseError
	return errors.As(err, &pe) && pe.Malformed()
}

// locate fills Line and Column from Offset within doc.
func (e *ParseError) locate(doc []byte) *ParseError {
	if e.Offset < 0 || e.Offset > int64(len(doc)) {
		return e
	}
	before := doc[:e.Offset]
	e.Line = bytes.Count(before, []byte{'\n'}) + 1
	e.Column = len(before) - bytes.LastIndexByte(before, '\n')
	return e
}

// shorten keeps error values readable when the input is huge or hostile.
func shorten(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}
