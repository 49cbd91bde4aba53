// Package transport says where a device is and opens a byte stream to it: a device URL
// (emu://, serial://, rfc2217://, tcp://) is parsed and checked here, and Open turns it into a
// Port, a stream with read deadlines and, where the link has them, modem lines for dongle resets.
// It knows nothing of what is spoken over the stream; a driver such as hil/znp does that.
package transport

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Scheme is the kind of link a device URL names.
type Scheme string

// The schemes of a device URL.
const (
	Emu     Scheme = "emu"     // the device is emulated in this process (the default)
	Serial  Scheme = "serial"  // a local serial port: serial:///dev/ttyUSB0
	RFC2217 Scheme = "rfc2217" // a remote serial port behind an RFC 2217 server such as ser2net
	TCP     Scheme = "tcp"     // a raw TCP byte stream, such as ser2net's raw mode
)

// Parity of a serial line.
type Parity uint8

// Parities, with the names a URL gives them.
const (
	ParityNone Parity = iota
	ParityOdd
	ParityEven
	ParityMark
	ParitySpace
)

var parityNames = [...]string{"none", "odd", "even", "mark", "space"}

func (p Parity) String() string {
	if int(p) < len(parityNames) {
		return parityNames[p]
	}
	return "Parity(" + strconv.Itoa(int(p)) + ")"
}

// StopBits of a serial line.
type StopBits uint8

// Stop bit settings, with the names a URL gives them.
const (
	StopBits1 StopBits = iota
	StopBits1Half
	StopBits2
)

var stopBitsNames = [...]string{"1", "1.5", "2"}

func (s StopBits) String() string {
	if int(s) < len(stopBitsNames) {
		return stopBitsNames[s]
	}
	return "StopBits(" + strconv.Itoa(int(s)) + ")"
}

// Line is the state a URL asks a modem output line (DTR, RTS) to be in when the port opens.
type Line uint8

// Line states. LineAsIs leaves the line as the port's driver or server has it.
const (
	LineAsIs Line = iota
	LineOn
	LineOff
)

func (l Line) String() string {
	switch l {
	case LineOn:
		return "on"
	case LineOff:
		return "off"
	}
	return "as-is"
}

// Drivers are the dongle drivers a URL may name with driver=.
var Drivers = []string{"znp"}

// Defaults for a serial line a URL does not configure.
const (
	DefaultBaud     = 115200
	DefaultDataBits = 8
)

// URL is a parsed, checked device URL. Its zero value is emu://.
type URL struct {
	Scheme Scheme
	Path   string // device path, serial only
	Host   string // host:port, rfc2217 and tcp only
	Driver string // dongle driver, "" when the URL names none

	// The serial line, for serial and rfc2217 (tcp carries bytes only).
	Baud     int
	DataBits int
	Parity   Parity
	StopBits StopBits
	RTSCTS   bool // hardware flow control
	DTR, RTS Line // modem output lines on open
}

// URLError says which part of a device URL is wrong and why.
type URLError struct {
	URL    string // the whole URL as given
	Part   string // "scheme", "host", "path", a query key such as "baud", ...
	Value  string // the offending value
	Reason string
}

func (e *URLError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("device URL %q: %s: %s", e.URL, e.Part, e.Reason)
	}
	return fmt.Sprintf("device URL %q: %s %q: %s", e.URL, e.Part, e.Value, e.Reason)
}

// ParseURL parses and checks a device URL. The empty string is emu://.
func ParseURL(s string) (URL, error) {
	u := URL{Baud: DefaultBaud, DataBits: DefaultDataBits}
	bad := func(part, value, reason string) (URL, error) {
		return URL{}, &URLError{URL: s, Part: part, Value: value, Reason: reason}
	}
	if s == "" {
		return URL{Scheme: Emu}, nil
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return bad("scheme", "", `missing "://" (want emu://, serial:///dev/..., rfc2217://host:port or tcp://host:port)`)
	}
	switch Scheme(strings.ToLower(scheme)) {
	case Emu, Serial, RFC2217, TCP:
		u.Scheme = Scheme(strings.ToLower(scheme))
	default:
		return bad("scheme", scheme, "unknown (want emu, serial, rfc2217 or tcp)")
	}
	if strings.ContainsAny(rest, "#") {
		return bad("fragment", "", "a device URL has no #fragment")
	}
	pu, err := url.Parse(u.Scheme.String() + "://" + rest)
	if err != nil {
		return bad("syntax", "", err.Error())
	}
	if pu.User != nil {
		return bad("userinfo", pu.User.Username(), "a device URL carries no user or password")
	}
	switch u.Scheme {
	case Emu:
		if pu.Host != "" || (pu.Path != "" && pu.Path != "/") || pu.RawQuery != "" {
			return bad("emu", rest, "emu:// takes no host, path or options")
		}
		return URL{Scheme: Emu}, nil
	case Serial:
		if pu.Host != "" {
			return bad("host", pu.Host, "serial:// names a local device path: write serial:///dev/ttyUSB0 (three slashes)")
		}
		if pu.Path == "" || pu.Path == "/" {
			return bad("path", pu.Path, "serial:// needs a device path such as /dev/ttyUSB0")
		}
		if strings.ContainsRune(pu.Path, 0) {
			return bad("path", pu.Path, "contains a NUL byte")
		}
		u.Path = pu.Path
	case RFC2217, TCP:
		if pu.Path != "" && pu.Path != "/" {
			return bad("path", pu.Path, string(u.Scheme)+":// takes host:port and no path")
		}
		host, port, err := net.SplitHostPort(pu.Host)
		if err != nil || host == "" {
			return bad("host", pu.Host, "want host:port")
		}
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '+' || port[0] == '0' {
			return bad("port", port, "want a number from 1 to 65535")
		}
		u.Host = pu.Host
	}
	q, err := url.ParseQuery(pu.RawQuery)
	if err != nil {
		return bad("query", pu.RawQuery, err.Error())
	}
	for key, vals := range q {
		if len(vals) != 1 {
			return bad(key, strings.Join(vals, ","), "given more than once")
		}
		v := vals[0]
		if key != "driver" && u.Scheme == TCP {
			return bad(key, v, "tcp:// carries bytes only; serial line options need serial:// or rfc2217://")
		}
		switch key {
		case "driver":
			if !known(v) {
				return bad(key, v, "unknown driver (known: "+strings.Join(Drivers, ", ")+")")
			}
			u.Driver = v
		case "baud":
			n, err := strconv.Atoi(v)
			if err != nil || n < 50 || n > 4_000_000 {
				return bad(key, v, "want a whole number of bits per second from 50 to 4000000")
			}
			u.Baud = n
		case "databits":
			n, err := strconv.Atoi(v)
			if err != nil || n < 5 || n > 8 || len(v) != 1 {
				return bad(key, v, "want 5, 6, 7 or 8")
			}
			u.DataBits = n
		case "parity":
			i := index(parityNames[:], strings.ToLower(v))
			if i < 0 {
				return bad(key, v, "want none, odd, even, mark or space")
			}
			u.Parity = Parity(i)
		case "stopbits":
			i := index(stopBitsNames[:], v)
			if i < 0 {
				return bad(key, v, "want 1, 1.5 or 2")
			}
			u.StopBits = StopBits(i)
		case "rtscts":
			b, ok := parseBool(v)
			if !ok {
				return bad(key, v, "want true or false")
			}
			u.RTSCTS = b
		case "dtr", "rts":
			b, ok := parseBool(v)
			if !ok {
				return bad(key, v, "want on or off")
			}
			l := LineOff
			if b {
				l = LineOn
			}
			if key == "dtr" {
				u.DTR = l
			} else {
				u.RTS = l
			}
		default:
			return bad("option", key, "unknown (known: driver, baud, databits, parity, stopbits, rtscts, dtr, rts)")
		}
	}
	if u.Scheme == TCP {
		u.Baud, u.DataBits = 0, 0
	}
	return u, nil
}

func (s Scheme) String() string { return string(s) }

// String gives the URL back in its canonical form: options that differ from the defaults, in a
// fixed order, so that ParseURL(u.String()) == u.
func (u URL) String() string {
	var b strings.Builder
	b.WriteString(string(u.Scheme))
	b.WriteString("://")
	switch u.Scheme {
	case Emu, "":
		return "emu://"
	case Serial:
		b.WriteString((&url.URL{Path: u.Path}).EscapedPath())
	default:
		b.WriteString(u.Host)
	}
	q := make([]string, 0, 8)
	if u.Driver != "" {
		q = append(q, "driver="+url.QueryEscape(u.Driver))
	}
	if u.Scheme != TCP {
		if u.Baud != DefaultBaud {
			q = append(q, "baud="+strconv.Itoa(u.Baud))
		}
		if u.DataBits != DefaultDataBits {
			q = append(q, "databits="+strconv.Itoa(u.DataBits))
		}
		if u.Parity != ParityNone {
			q = append(q, "parity="+u.Parity.String())
		}
		if u.StopBits != StopBits1 {
			q = append(q, "stopbits="+u.StopBits.String())
		}
		if u.RTSCTS {
			q = append(q, "rtscts=true")
		}
		if u.DTR != LineAsIs {
			q = append(q, "dtr="+u.DTR.String())
		}
		if u.RTS != LineAsIs {
			q = append(q, "rts="+u.RTS.String())
		}
	}
	if len(q) > 0 {
		b.WriteByte('?')
		b.WriteString(strings.Join(q, "&"))
	}
	return b.String()
}

func known(driver string) bool { return index(Drivers, driver) >= 0 }

func index(names []string, v string) int {
	for i, n := range names {
		if n == v {
			return i
		}
	}
	return -1
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "1", "true", "on", "yes":
		return true, true
	case "0", "false", "off", "no":
		return false, true
	}
	return false, false
}
