package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"go.bug.st/serial"
)

// Port is an open link to a device: a byte stream whose reads can be bounded by a deadline.
// A read that passes its deadline fails with an error for which
// errors.Is(err, os.ErrDeadlineExceeded) holds (and that is a net.Error whose Timeout is true);
// a link that went away fails reads with another error, never with a silent io.EOF that could
// be mistaken for a timeout.
type Port interface {
	io.ReadWriteCloser
	// SetReadDeadline bounds the reads that follow; the zero time means no bound.
	SetReadDeadline(t time.Time) error
}

// ModemLines is the modem-line control a Port has when its link carries one (serial and
// RFC 2217; not TCP). Drivers toggle DTR and RTS to reset a dongle.
type ModemLines interface {
	SetDTR(on bool) error
	SetRTS(on bool) error
}

// Errors from Open.
var (
	// ErrEmulated: an emu:// URL names a device emulated in this process; there is no port to open.
	ErrEmulated = errors.New("emu:// devices are emulated in this process and have no port")
	// ErrUnsupported: the link cannot do what the URL asks.
	ErrUnsupported = errors.New("not supported by this link")
)

// OpenError says which device URL could not be opened and why.
type OpenError struct {
	URL string
	Err error
}

func (e *OpenError) Error() string { return "open " + e.URL + ": " + e.Err.Error() }
func (e *OpenError) Unwrap() error { return e.Err }

// Open opens the port a device URL names. ctx bounds the connection and, for RFC 2217, the
// negotiation; the port outlives it.
func Open(ctx context.Context, u URL) (Port, error) {
	var p Port
	var err error
	switch u.Scheme {
	case Serial:
		p, err = openSerial(u)
	case TCP:
		var d net.Dialer
		var c net.Conn
		c, err = d.DialContext(ctx, "tcp", u.Host)
		if err == nil {
			p = c.(*net.TCPConn)
		}
	case RFC2217:
		p, err = DialRFC2217(ctx, u)
	case Emu, "":
		err = ErrEmulated
	default:
		err = fmt.Errorf("unknown scheme %q", u.Scheme)
	}
	if err != nil {
		return nil, &OpenError{URL: u.String(), Err: err}
	}
	return p, nil
}

// serialPort is a local serial port with deadlines on top of go.bug.st/serial's timeouts.
type serialPort struct {
	port   serial.Port
	mu     sync.Mutex
	dl     time.Time
	closed atomic.Bool
}

func openSerial(u URL) (Port, error) {
	if u.RTSCTS {
		return nil, fmt.Errorf("rtscts: hardware flow control on a local port: %w (go.bug.st/serial sets no flow control; use rfc2217:// or leave rtscts off)", ErrUnsupported)
	}
	mode := &serial.Mode{BaudRate: u.Baud, DataBits: u.DataBits}
	mode.Parity = [...]serial.Parity{serial.NoParity, serial.OddParity, serial.EvenParity, serial.MarkParity, serial.SpaceParity}[u.Parity]
	mode.StopBits = [...]serial.StopBits{serial.OneStopBit, serial.OnePointFiveStopBits, serial.TwoStopBits}[u.StopBits]
	if u.DTR != LineAsIs || u.RTS != LineAsIs {
		// go.bug.st/serial sets both lines or neither; a line the URL leaves as is stays on,
		// the state a freshly opened port has.
		mode.InitialStatusBits = &serial.ModemOutputBits{DTR: u.DTR != LineOff, RTS: u.RTS != LineOff}
	}
	p, err := serial.Open(u.Path, mode)
	if err != nil {
		return nil, err
	}
	return &serialPort{port: p}, nil
}

func (s *serialPort) SetReadDeadline(t time.Time) error {
	s.mu.Lock()
	s.dl = t
	s.mu.Unlock()
	return nil
}

func (s *serialPort) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		s.mu.Lock()
		dl := s.dl
		s.mu.Unlock()
		timeout := serial.NoTimeout
		if !dl.IsZero() {
			timeout = time.Until(dl)
			if timeout <= 0 {
				return 0, timeoutError{op: "read"}
			}
		}
		if err := s.port.SetReadTimeout(timeout); err != nil {
			return 0, err
		}
		n, err := s.port.Read(p)
		if n > 0 || err != nil {
			return n, s.readErr(err)
		}
		// go.bug.st/serial reports a timeout as (0, nil); loop to tell it from an early wake.
	}
}

// readErr names a vanished port as such: go.bug.st/serial reports it as PortClosed (a
// zero-length read) or as EIO from the tty.
func (s *serialPort) readErr(err error) error {
	if err == nil {
		return nil
	}
	if s.closed.Load() {
		return ErrClosed
	}
	return &LinkError{Op: "read", Err: err}
}

func (s *serialPort) Write(p []byte) (int, error) {
	n, err := s.port.Write(p)
	if err != nil {
		return n, &LinkError{Op: "write", Err: err}
	}
	return n, nil
}

func (s *serialPort) Close() error {
	s.closed.Store(true)
	return s.port.Close()
}

func (s *serialPort) SetDTR(on bool) error { return s.port.SetDTR(on) }
func (s *serialPort) SetRTS(on bool) error { return s.port.SetRTS(on) }

// LinkError says the link under a port failed: the device was unplugged, the pty's other end
// closed, the server hung up.
type LinkError struct {
	Op  string
	Err error
}

func (e *LinkError) Error() string { return e.Op + ": link lost: " + e.Err.Error() }
func (e *LinkError) Unwrap() error { return e.Err }

// timeoutError is a read that passed its deadline.
type timeoutError struct{ op string }

func (e timeoutError) Error() string   { return e.op + ": " + os.ErrDeadlineExceeded.Error() }
func (e timeoutError) Timeout() bool   { return true }
func (e timeoutError) Temporary() bool { return true }
func (e timeoutError) Unwrap() error   { return os.ErrDeadlineExceeded }

var _ net.Error = timeoutError{}
