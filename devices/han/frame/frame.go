// Package frame encodes and decodes the headers that carry a ZCL frame across a ZigBee Smart Energy
// HAN: the IEEE 802.15.4 MAC data frame (with its CRC-16 FCS), the ZigBee NWK header and the APS
// header. It is the wire form that captures are written in and that real dongles exchange.
//
// Like golang.org/x/net/dns/dnsmessage, each header appends itself to a caller's byte slice and
// parses itself from one without reflection or per-field allocation; every length is checked and
// every failure is an *Error naming the layer and field.
package frame

import (
	"errors"
	"fmt"
)

// Sentinel causes wrapped by *Error.
var (
	// ErrTruncated means the input ended inside a header field.
	ErrTruncated = errors.New("truncated")
	// ErrUnsupported means a valid frame uses a feature this codec does not carry (MAC beacons and
	// commands, 802.15.4-2015 frames, NWK multicast or source routing, secured frames until NWK
	// security lands).
	ErrUnsupported = errors.New("unsupported")
	// ErrBadFCS means the 802.15.4 frame check sequence does not match the frame.
	ErrBadFCS = errors.New("frame check sequence mismatch")
	// ErrInvalid means a field holds a value the standard does not allow.
	ErrInvalid = errors.New("invalid value")
)

// Error reports which layer and field of a frame could not be decoded.
type Error struct {
	Layer  string // "mac", "nwk" or "aps"
	Field  string // the header field being read
	Offset int    // byte offset of the field within the layer's input
	Err    error  // one of the sentinel errors, possibly wrapped with detail
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s %s at byte %d: %v", e.Layer, e.Field, e.Offset, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

func truncated(layer, field string, off int) error {
	return &Error{Layer: layer, Field: field, Offset: off, Err: ErrTruncated}
}

// EUI64 is an IEEE extended address, held most significant byte first as it is written
// (00-DB-12-34-56-78-90-A0); on the air it travels least significant byte first.
type EUI64 [8]byte

// String formats the address as SMETS documents write Device IDs: upper-case hex pairs joined by hyphens.
func (e EUI64) String() string {
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, 23)
	for i, c := range e {
		if i > 0 {
			b = append(b, '-')
		}
		b = append(b, hex[c>>4], hex[c&0x0f])
	}
	return string(b)
}

// ParseEUI64 reads an EUI-64 written as 8 hex pairs, separated by hyphens, colons or nothing.
func ParseEUI64(s string) (EUI64, error) {
	var e EUI64
	i, n := 0, 0
	for n < 8 {
		if i+2 > len(s) {
			return e, fmt.Errorf("EUI-64 %q: want 8 hex pairs such as 00-DB-12-34-56-78-90-A0", s)
		}
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return e, fmt.Errorf("EUI-64 %q: %q is not a hex pair", s, s[i:i+2])
		}
		e[n] = hi<<4 | lo
		n++
		i += 2
		if n < 8 && i < len(s) && (s[i] == '-' || s[i] == ':') {
			i++
		}
	}
	if i != len(s) {
		return e, fmt.Errorf("EUI-64 %q: trailing characters after 8 hex pairs", s)
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

// appendEUI writes an EUI-64 in over-the-air order (least significant byte first).
func appendEUI(b []byte, e EUI64) []byte {
	for i := 7; i >= 0; i-- {
		b = append(b, e[i])
	}
	return b
}

func readEUI(b []byte) EUI64 {
	var e EUI64
	for i := 0; i < 8; i++ {
		e[7-i] = b[i]
	}
	return e
}

func le16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }

func appendLE16(b []byte, v uint16) []byte { return append(b, byte(v), byte(v>>8)) }
