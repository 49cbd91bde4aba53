package duis

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/smetsim/smetsim/devices"
)

// RequestID identifies a service request: the User's EUI-64 (the originator), the target device or
// the DCC, and the originator's counter, which DUIS requires to rise strictly with every request
// an originator sends. It is written originator:target:counter, as
// 90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000. A ResponseID has the same form with the
// two EUIs swapped, so the same type serves both.
type RequestID struct {
	Originator devices.EUI64
	Target     devices.EUI64
	Counter    uint64
}

// RequestIDError says which part of a RequestID (or ResponseID) is wrong.
type RequestIDError struct {
	Input  string // the text as given, possibly shortened
	Part   string // "format", "originator", "target" or "counter"
	Detail string
}

// Error names the part at fault and why.
func (e *RequestIDError) Error() string {
	return fmt.Sprintf("RequestID %q: %s: %s", e.Input, e.Part, e.Detail)
}

// ParseRequestID reads a RequestID (or ResponseID) as the DUIS schema's RequestIDType allows it:
// two EUI-64s of 8 hex pairs joined by hyphens (either case), and a decimal counter from 0 to
// 2^64−1 without sign or leading zeros, separated by colons. Leading and trailing XML whitespace is
// ignored, as xs:token does; anything else is a *RequestIDError naming the part.
func ParseRequestID(s string) (RequestID, error) {
	var id RequestID
	in := strings.Trim(s, " \t\r\n")
	fail := func(part, format string, args ...any) (RequestID, error) {
		return RequestID{}, &RequestIDError{Input: shorten(s), Part: part, Detail: fmt.Sprintf(format, args...)}
	}
	if in == "" {
		return fail("format", "empty; want originator:target:counter")
	}
	parts := strings.Split(in, ":")
	if len(parts) != 3 {
		return fail("format", "%d colon-separated parts, want 3 (originator EUI:target EUI:counter)", len(parts))
	}
	var err error
	if id.Originator, err = parseEUI(parts[0]); err != nil {
		return fail("originator", "%v", err)
	}
	if id.Target, err = parseEUI(parts[1]); err != nil {
		return fail("target", "%v", err)
	}
	if id.Counter, err = parseCounter(parts[2]); err != nil {
		return fail("counter", "%v", err)
	}
	return id, nil
}

// parseCounter reads a counter as the schema's pattern does: 0, or digits without a leading zero,
// at most 2^64−1.
func parseCounter(s string) (uint64, error) {
	if s == "" {
		return 0, fmt.Errorf("empty; want a decimal number from 0 to 18446744073709551615")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%q is not a decimal number (digits only)", shorten(s))
		}
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("%q has a leading zero", shorten(s))
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s exceeds 18446744073709551615 (2^64−1)", shorten(s))
	}
	return n, nil
}

// String writes the RequestID as DUIS does, with upper-case EUIs.
func (id RequestID) String() string {
	return id.Originator.String() + ":" + id.Target.String() + ":" + strconv.FormatUint(id.Counter, 10)
}

// ResponseID derives the ResponseID of a response to this request: the same counter with the
// originator and target swapped, because the response travels from the target back to the User.
func (id RequestID) ResponseID() RequestID {
	return RequestID{Originator: id.Target, Target: id.Originator, Counter: id.Counter}
}

// MarshalText writes the RequestID's String form, so a RequestID can sit in a caller's own
// encoding/xml or JSON structs.
func (id RequestID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText reads a RequestID with ParseRequestID.
func (id *RequestID) UnmarshalText(b []byte) error {
	v, err := ParseRequestID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// ParseEUI reads a Device ID exactly as the DUIS and MMC schemas' EUI type allows: 8 hex pairs
// (either case) joined by hyphens, with surrounding XML whitespace ignored as xs:token does. devices.ParseEUI64 is more lenient (colons, no separators);
// DUIS documents are not.
func ParseEUI(s string) (devices.EUI64, error) { return parseEUI(strings.Trim(s, " \t\r\n")) }

// parseEUI is ParseEUI without the whitespace an element's text may carry, for the EUIs inside a
// RequestID.
func parseEUI(in string) (devices.EUI64, error) {
	var e devices.EUI64
	if len(in) != 23 {
		return e, fmt.Errorf("EUI %q: want 8 hex pairs joined by hyphens, such as 00-DB-12-34-56-78-90-A0", shorten(in))
	}
	for i := 0; i < 8; i++ {
		p := in[3*i : 3*i+2]
		hi, ok1 := unhex(p[0])
		lo, ok2 := unhex(p[1])
		if !ok1 || !ok2 {
			return e, fmt.Errorf("EUI %q: pair %d %q is not hexadecimal", in, i+1, p)
		}
		if i < 7 && in[3*i+2] != '-' {
			return e, fmt.Errorf("EUI %q: want a hyphen after pair %d, got %q", in, i+1, in[3*i+2:3*i+3])
		}
		e[i] = hi<<4 | lo
	}
	return e, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
