// Package zcl encodes and decodes the ZigBee Cluster Library frames that GB SMETS1 Smart Energy
// devices exchange: the ZCL header, the profile-wide attribute commands and the commands of the
// Basic, Identify, Time, Price, Metering, Messaging and Prepayment clusters. It lets the simulator's
// emulated meters and displays speak, and its captures describe, the same bytes real devices put on
// the air inside the APS payload built by package frame.
//
// The package is shaped like golang.org/x/net/dns/dnsmessage. Nothing uses reflection. Every encoder
// appends to a caller's slice (AppendTo) so that a reused buffer costs no allocation, and every
// decoder (Parse) reads from a byte slice without allocating per field: decoded octet and character
// strings alias the input, and lists are appended to the capacity the caller's struct already holds.
// Every length is checked; every failure is an *Error naming the command, the field and the byte
// offset, wrapping one of the sentinel causes below so that errors.Is and errors.As work.
//
// References are to the ZigBee Cluster Library specification 07-5123 revision 6 ("ZCL") and to the
// ZigBee Smart Energy standard 07-5356 (SE 1.2a and 1.4 share the layouts used here, "SE"). Where the
// Wireshark dissector (packet-zbee-zcl-se.c, tshark 4.0) reads a layout differently, the comment at
// the command says which one this package follows and why.
package zcl

import (
	"errors"
	"strconv"
)

// Sentinel causes wrapped by *Error.
var (
	// ErrTruncated means the input ended inside a field.
	ErrTruncated = errors.New("truncated")
	// ErrInvalid means a field holds a value the specification does not allow, such as a boolean
	// that is neither 0 nor 1 or a rate label longer than twelve octets.
	ErrInvalid = errors.New("invalid value")
	// ErrUnsupported means a well-formed frame uses something this codec does not carry: a data type
	// outside the set the SE clusters use, a reserved frame type, a manufacturer-specific or unknown
	// command.
	ErrUnsupported = errors.New("unsupported")
	// ErrRange means a value given to an encoder does not fit the width of its wire type.
	ErrRange = errors.New("value out of range for its type")
)

// Error reports which command and field could not be coded, and where.
type Error struct {
	Command string // the command or structure being coded, e.g. "PublishPrice", "Header", "Value"
	Field   string // the field being coded
	// Offset is the byte offset of the field in the input given to Parse, or -1 when the error is
	// not about a byte of input: when encoding, or for a command this package does not decode.
	Offset int
	Err    error // ErrTruncated, ErrInvalid, ErrUnsupported or ErrRange
}

// Error describes the failure as "zcl: Command.Field at byte N: cause".
func (e *Error) Error() string {
	where := "encoding"
	switch {
	case e.Offset >= 0:
		where = "at byte " + strconv.Itoa(e.Offset)
	case e.Err == ErrUnsupported:
		where = "in header"
	}
	return "zcl: " + e.Command + "." + e.Field + " " + where + ": " + e.Err.Error()
}

// Unwrap returns the sentinel cause, so errors.Is(err, ErrTruncated) works through an *Error.
func (e *Error) Unwrap() error { return e.Err }

func encodeError(cmd, field string, cause error) error {
	return &Error{Command: cmd, Field: field, Offset: -1, Err: cause}
}

// reader walks a payload field by field. The first failure sticks, so a decoder reads every field
// unconditionally and checks once at the end; this keeps decoders flat and makes the error carry the
// offset of the first field that did not fit. Field names are constants, so nothing allocates until
// a frame is actually rejected.
type reader struct {
	b   []byte
	off int
	cmd string
	err error
}

func newReader(cmd string, b []byte) reader { return reader{b: b, cmd: cmd} }

func (r *reader) fail(field string, cause error) {
	if r.err == nil {
		r.err = &Error{Command: r.cmd, Field: field, Offset: r.off, Err: cause}
	}
}

func (r *reader) need(n int, field string) bool {
	if r.err != nil {
		return false
	}
	if len(r.b)-r.off < n {
		r.fail(field, ErrTruncated)
		return false
	}
	return true
}

// more reports whether unread bytes remain and no error has occurred.
func (r *reader) more() bool { return r.err == nil && r.off < len(r.b) }

func (r *reader) u8(field string) uint8 {
	if !r.need(1, field) {
		return 0
	}
	v := r.b[r.off]
	r.off++
	return v
}

func (r *reader) u16(field string) uint16 { return uint16(r.uint(2, field)) }

func (r *reader) u32(field string) uint32 { return uint32(r.uint(4, field)) }

func (r *reader) i32(field string) int32 { return int32(r.uint(4, field)) }

func (r *reader) utc(field string) UTCTime { return UTCTime(r.uint(4, field)) }

// uint reads an n-byte little-endian unsigned integer, 1 ≤ n ≤ 8.
func (r *reader) uint(n int, field string) uint64 {
	if !r.need(n, field) {
		return 0
	}
	v := getUint(r.b[r.off:], n)
	r.off += n
	return v
}

// str reads a ZCL octet or character string (ZCL §2.6.2: one length octet, then the data). The result
// aliases the input; an empty string decodes as nil so that decoded values compare equal to values
// built without a backing array. 0xFF is the specification's "invalid string" marker, which carries no
// data to hand back, so it is refused rather than silently turned into an empty string.
func (r *reader) str(field string, max int) []byte {
	if !r.need(1, field) {
		return nil
	}
	n := int(r.b[r.off])
	if n == 0xff {
		r.fail(field, ErrUnsupported)
		return nil
	}
	if n > max {
		r.fail(field, ErrInvalid)
		return nil
	}
	if len(r.b)-r.off-1 < n {
		r.fail(field, ErrTruncated)
		return nil
	}
	r.off++
	if n == 0 {
		return nil
	}
	s := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return s
}

func getUint(b []byte, n int) uint64 {
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

func appendUint(b []byte, v uint64, n int) []byte {
	for i := 0; i < n; i++ {
		b = append(b, byte(v>>(8*i)))
	}
	return b
}

func appendU16(b []byte, v uint16) []byte { return append(b, byte(v), byte(v>>8)) }

func appendU32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

// maxString is the longest octet or character string ZCL can carry: the length octet's 0xFF is
// reserved for "invalid".
const maxString = 254

// appendStr appends s as a ZCL octet or character string, refusing one longer than max.
func appendStr(b, s []byte, max int, cmd, field string) ([]byte, error) {
	if len(s) > max {
		return b, encodeError(cmd, field, ErrRange)
	}
	b = append(b, byte(len(s)))
	return append(b, s...), nil
}
