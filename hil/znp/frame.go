// Package znp drives a TI Z-Stack ZNP dongle over its Monitor and Test (MT) serial protocol: the
// frame codec, a stream reader that resynchronises on line noise, a driver that matches
// synchronous requests to their responses and dispatches asynchronous indications, and the SYS,
// ZDO and AF commands that bring a dongle up as a Smart Energy HAN coordinator.
//
// The codec follows golang.org/x/net/dns/dnsmessage: frames are appended to and parsed from the
// caller's byte slices without reflection or allocation, every length is checked, and every
// failure is an *Error naming the field and wrapping a sentinel.
package znp

import (
	"errors"
	"fmt"
)

// SOF is the byte that starts every MT frame on a UART transport.
const SOF = 0xFE

// MaxData is the largest data field an MT frame carries over a UART (Z-Stack's MT_RPC_DATA_MAX).
const MaxData = 250

// Overhead is the number of bytes an MT frame adds around its data: SOF, length, cmd0, cmd1, FCS.
const Overhead = 5

// MaxFrame is the longest MT frame on the wire.
const MaxFrame = MaxData + Overhead

// Type is the MT command type, the top three bits of cmd0.
type Type uint8

// MT command types.
const (
	POLL Type = 0
	SREQ Type = 1 // synchronous request: the dongle answers with an SRSP of the same subsystem and ID
	AREQ Type = 2 // asynchronous request or indication
	SRSP Type = 3 // synchronous response
)

func (t Type) String() string {
	switch t {
	case POLL:
		return "POLL"
	case SREQ:
		return "SREQ"
	case AREQ:
		return "AREQ"
	case SRSP:
		return "SRSP"
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// Subsystem is the MT subsystem, the low five bits of cmd0.
type Subsystem uint8

// MT subsystems.
const (
	RES0   Subsystem = 0 // RES0: the dongle's answer to a request it could not parse
	SYS    Subsystem = 1
	MAC    Subsystem = 2
	NWK    Subsystem = 3
	AF     Subsystem = 4
	ZDO    Subsystem = 5
	SAPI   Subsystem = 6
	UTIL   Subsystem = 7
	DEBUG  Subsystem = 8
	APP    Subsystem = 9
	APPCNF Subsystem = 15
	ZGP    Subsystem = 21
)

var subsystemNames = [...]string{0: "RES0", 1: "SYS", 2: "MAC", 3: "NWK", 4: "AF", 5: "ZDO", 6: "SAPI",
	7: "UTIL", 8: "DEBUG", 9: "APP", 15: "APP_CNF", 21: "ZGP"}

func (s Subsystem) String() string {
	if int(s) < len(subsystemNames) && subsystemNames[s] != "" {
		return subsystemNames[s]
	}
	return fmt.Sprintf("Subsystem(%d)", uint8(s))
}

// Command identifies an MT command: its type, subsystem and ID (cmd1).
type Command struct {
	Type      Type
	Subsystem Subsystem
	ID        uint8
}

// Cmd0 returns the first command byte: type<<5 | subsystem.
func (c Command) Cmd0() byte { return byte(c.Type&7)<<5 | byte(c.Subsystem&0x1f) }

// Response returns the SRSP command that answers the SREQ c.
func (c Command) Response() Command { return Command{SRSP, c.Subsystem, c.ID} }

func (c Command) String() string {
	if n, ok := commandNames[Command{SREQ, c.Subsystem, c.ID}]; ok && (c.Type == SREQ || c.Type == SRSP) {
		return fmt.Sprintf("%s %s", c.Type, n)
	}
	if n, ok := commandNames[c]; ok {
		return fmt.Sprintf("%s %s", c.Type, n)
	}
	return fmt.Sprintf("%s %s 0x%02X", c.Type, c.Subsystem, c.ID)
}

// Frame is one MT frame. After Parse, Data aliases the parsed input.
type Frame struct {
	Command
	Data []byte
}

// Sentinel causes wrapped by *Error.
var (
	// ErrTruncated means the input ended inside the frame.
	ErrTruncated = errors.New("truncated")
	// ErrNoSOF means the input does not start with the start-of-frame byte 0xFE.
	ErrNoSOF = errors.New("no start of frame")
	// ErrTooLong means a length exceeds MaxData.
	ErrTooLong = errors.New("data longer than 250 bytes")
	// ErrBadFCS means the XOR frame check sequence does not match the frame.
	ErrBadFCS = errors.New("frame check sequence mismatch")
	// ErrInvalid means a field holds a value the MT protocol does not allow.
	ErrInvalid = errors.New("invalid value")
)

// Error reports which field of a frame or command payload could not be encoded or decoded.
type Error struct {
	Op     string // "parse" or "append", or the command whose payload was being decoded
	Field  string
	Offset int // byte offset of the field in the input
	Err    error
}

func (e *Error) Error() string {
	return fmt.Sprintf("znp %s: %s at byte %d: %v", e.Op, e.Field, e.Offset, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// FCS returns the XOR of b: the MT frame check sequence over length, cmd0, cmd1 and data.
func FCS(b []byte) byte {
	var x byte
	for _, c := range b {
		x ^= c
	}
	return x
}

// AppendTo appends f as a complete MT frame, SOF to FCS, to b. It fails only if the data is longer
// than MaxData.
func (f *Frame) AppendTo(b []byte) ([]byte, error) {
	if len(f.Data) > MaxData {
		return b, &Error{Op: "append", Field: "length", Err: ErrTooLong}
	}
	start := len(b)
	b = append(b, SOF, byte(len(f.Data)), f.Cmd0(), f.ID)
	b = append(b, f.Data...)
	return append(b, FCS(b[start+1:])), nil
}

// Parse decodes the MT frame at the start of b and returns the number of bytes it took. f.Data
// aliases b. Bytes after the frame are left for the caller.
func (f *Frame) Parse(b []byte) (int, error) {
	n, field, off, err := f.parse(b)
	if err != nil {
		return 0, &Error{Op: "parse", Field: field, Offset: off, Err: err}
	}
	return n, nil
}

// parse is Parse without the *Error, so the stream reader can reject candidate frames in line
// noise without allocating.
func (f *Frame) parse(b []byte) (n int, field string, off int, err error) {
	if len(b) < 1 {
		return 0, "SOF", 0, ErrTruncated
	}
	if b[0] != SOF {
		return 0, "SOF", 0, ErrNoSOF
	}
	if len(b) < 2 {
		return 0, "length", 1, ErrTruncated
	}
	n = int(b[1])
	if n > MaxData {
		return 0, "length", 1, ErrTooLong
	}
	if len(b) < n+Overhead {
		return 0, "frame", len(b), ErrTruncated
	}
	if FCS(b[1:4+n]) != b[4+n] {
		return 0, "FCS", 4 + n, ErrBadFCS
	}
	f.Command = Command{Type: Type(b[2] >> 5), Subsystem: Subsystem(b[2] & 0x1f), ID: b[3]}
	f.Data = b[4 : 4+n : 4+n]
	return n + Overhead, "", 0, nil
}
