package transport

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// AckTimeout is how long an RFC 2217 client waits for the server to negotiate COM-PORT-OPTION
// and to acknowledge each setting.
var AckTimeout = 10 * time.Second

// Errors from an RFC 2217 server.
var (
	// ErrNoComPort: the server refused COM-PORT-OPTION (it is a plain telnet server).
	ErrNoComPort = errors.New("server refused the telnet COM-PORT-OPTION (RFC 2217)")
	// ErrNoAck: the server did not acknowledge a setting in time.
	ErrNoAck = errors.New("server did not acknowledge the setting")
	// ErrClosed: the port was closed.
	ErrClosed = errors.New("port closed")
)

// RejectedError says the server acknowledged a setting with a value other than the one asked.
type RejectedError struct {
	Setting    string
	Asked, Got uint32
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("RFC 2217 server set %s to %d, not %d", e.Setting, e.Got, e.Asked)
}

// RFC2217Port is a remote serial port reached over RFC 2217 (telnet COM-PORT-OPTION).
type RFC2217Port struct {
	conn net.Conn

	wmu  sync.Mutex // one writer on conn at a time
	wbuf []byte

	ctl  sync.Mutex // one setting in flight at a time
	acks chan ack

	data    chan []byte
	done    chan struct{} // closed when the reader stops; err says why
	err     error
	pending []byte

	mu        sync.Mutex
	deadline  time.Time
	dlChanged chan struct{}
	modem     byte // last NOTIFY-MODEMSTATE
	comPort   chan bool
	closeOnce sync.Once
	closing   chan struct{}

	ackTimeout time.Duration
}

type ack struct {
	cmd   byte
	value []byte
}

// DialRFC2217 connects to an RFC 2217 server, negotiates BINARY, SGA and COM-PORT-OPTION, and
// sets the line (baud, data size, parity, stop size, flow control, DTR and RTS) the URL asks,
// waiting for the server's acknowledgement of each.
func DialRFC2217(ctx context.Context, u URL) (*RFC2217Port, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return nil, err
	}
	p := &RFC2217Port{
		conn:      c,
		acks:      make(chan ack, 4),
		data:      make(chan []byte, 16),
		done:      make(chan struct{}),
		dlChanged: make(chan struct{}),
		comPort:   make(chan bool, 1),
		closing:   make(chan struct{}),

		ackTimeout: AckTimeout,
	}
	go p.readLoop()
	if err := p.negotiate(ctx, u); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func (p *RFC2217Port) negotiate(ctx context.Context, u URL) error {
	if err := p.send([]byte{iac, will, optComPort, iac, will, optBinary, iac, do, optBinary, iac, will, optSGA, iac, do, optSGA}); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, p.ackTimeout)
	defer cancel()
	select {
	case ok := <-p.comPort:
		if !ok {
			return ErrNoComPort
		}
	case <-p.done:
		return p.err
	case <-ctx.Done():
		return fmt.Errorf("waiting for the server to accept COM-PORT-OPTION: %w", ctx.Err())
	}
	if err := p.SetBaud(u.Baud); err != nil {
		return err
	}
	settings := []struct {
		name  string
		cmd   byte
		value byte
	}{
		{"data size", cpSetDataSize, byte(u.DataBits)},
		{"parity", cpSetParity, [...]byte{1, 2, 3, 4, 5}[u.Parity]},
		{"stop size", cpSetStopSize, [...]byte{1, 3, 2}[u.StopBits]},
	}
	for _, s := range settings {
		if _, err := p.set(s.name, s.cmd, []byte{s.value}, true); err != nil {
			return err
		}
	}
	flow := byte(ctlFlowNone)
	if u.RTSCTS {
		flow = ctlFlowHardware
	}
	if _, err := p.set("flow control", cpSetControl, []byte{flow}, true); err != nil {
		return err
	}
	if u.DTR != LineAsIs {
		if err := p.SetDTR(u.DTR == LineOn); err != nil {
			return err
		}
	}
	if u.RTS != LineAsIs {
		if err := p.SetRTS(u.RTS == LineOn); err != nil {
			return err
		}
	}
	return nil
}

// SetBaud sets the remote port's bit rate.
func (p *RFC2217Port) SetBaud(baud int) error {
	var v [4]byte
	binary.BigEndian.PutUint32(v[:], uint32(baud))
	_, err := p.set("baud rate", cpSetBaudRate, v[:], true)
	return err
}

// SetDTR raises or drops the remote port's DTR line.
func (p *RFC2217Port) SetDTR(on bool) error {
	v := byte(ctlDTROff)
	if on {
		v = ctlDTROn
	}
	_, err := p.set("DTR", cpSetControl, []byte{v}, false)
	return err
}

// SetRTS raises or drops the remote port's RTS line.
func (p *RFC2217Port) SetRTS(on bool) error {
	v := byte(ctlRTSOff)
	if on {
		v = ctlRTSOn
	}
	_, err := p.set("RTS", cpSetControl, []byte{v}, false)
	return err
}

// SetAckTimeout sets how long the settings that follow wait for the server's acknowledgement.
func (p *RFC2217Port) SetAckTimeout(d time.Duration) {
	p.ctl.Lock()
	p.ackTimeout = d
	p.ctl.Unlock()
}

// ModemState is the last modem-line state the server notified (NOTIFY-MODEMSTATE; 0 if none).
func (p *RFC2217Port) ModemState() byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.modem
}

// set sends a COM-PORT-OPTION command and waits for its acknowledgement. When exact, an
// acknowledgement with another value is a *RejectedError. A line state is acknowledged with the
// state the server has, which on a port without modem lines (a pty) need not be the one asked.
func (p *RFC2217Port) set(name string, cmd byte, value []byte, exact bool) ([]byte, error) {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	for len(p.acks) > 0 { // a late answer to a setting that timed out
		<-p.acks
	}
	if err := p.send(appendSubneg(nil, cmd, value)); err != nil {
		return nil, err
	}
	t := time.NewTimer(p.ackTimeout)
	defer t.Stop()
	for {
		select {
		case a := <-p.acks:
			if a.cmd != cmd+cpServerOffset {
				continue
			}
			if exact && !equalValue(a.value, value) {
				return a.value, &RejectedError{Setting: name, Asked: toUint(value), Got: toUint(a.value)}
			}
			return a.value, nil
		case <-p.done:
			return nil, p.err
		case <-t.C:
			return nil, fmt.Errorf("%s: %w within %v", name, ErrNoAck, p.ackTimeout)
		}
	}
}

func equalValue(a, b []byte) bool { return string(a) == string(b) }

func toUint(v []byte) uint32 {
	var n uint32
	for _, c := range v {
		n = n<<8 | uint32(c)
	}
	return n
}

func (p *RFC2217Port) send(b []byte) error {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	if _, err := p.conn.Write(b); err != nil {
		return &LinkError{Op: "write", Err: err}
	}
	return nil
}

// Write sends p to the remote port, doubling each 0xFF as telnet requires.
func (p *RFC2217Port) Write(b []byte) (int, error) {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	p.wbuf = appendEscaped(p.wbuf[:0], b)
	if _, err := p.conn.Write(p.wbuf); err != nil {
		return 0, &LinkError{Op: "write", Err: err}
	}
	return len(b), nil
}

// SetReadDeadline bounds the reads that follow, and one already waiting.
func (p *RFC2217Port) SetReadDeadline(t time.Time) error {
	p.mu.Lock()
	p.deadline = t
	close(p.dlChanged)
	p.dlChanged = make(chan struct{})
	p.mu.Unlock()
	return nil
}

// Read reads the remote port's bytes, with telnet commands taken out and 0xFF undoubled.
func (p *RFC2217Port) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	for len(p.pending) == 0 {
		p.mu.Lock()
		dl, changed := p.deadline, p.dlChanged
		p.mu.Unlock()
		var expired <-chan time.Time
		if !dl.IsZero() {
			wait := time.Until(dl)
			if wait <= 0 {
				return 0, timeoutError{op: "read"}
			}
			t := time.NewTimer(wait)
			defer t.Stop()
			expired = t.C
		}
		select {
		case d := <-p.data:
			p.pending = d
		case <-p.done:
			select {
			case d := <-p.data:
				p.pending = d
			default:
				return 0, p.err
			}
		case <-expired:
			return 0, timeoutError{op: "read"}
		case <-changed:
		}
	}
	n := copy(b, p.pending)
	p.pending = p.pending[n:]
	return n, nil
}

// Close hangs up; a read waiting then, and any later read, fails with ErrClosed, as does a
// second Close.
func (p *RFC2217Port) Close() error {
	err := ErrClosed
	p.closeOnce.Do(func() { close(p.closing); err = p.conn.Close() })
	<-p.done
	return err
}

func (p *RFC2217Port) readLoop() {
	var dec telnetDecoder
	buf := make([]byte, 4096)
	for {
		n, err := p.conn.Read(buf)
		if n > 0 {
			out := make([]byte, n)
			k := dec.decode(buf[:n], out, p.event)
			if k > 0 {
				select {
				case p.data <- out[:k]:
				case <-p.closing:
				}
			}
		}
		if err != nil {
			switch {
			case errors.Is(err, net.ErrClosed):
				p.err = ErrClosed
			case errors.Is(err, io.EOF):
				p.err = &LinkError{Op: "read", Err: io.ErrUnexpectedEOF}
			default:
				p.err = &LinkError{Op: "read", Err: err}
			}
			close(p.done)
			return
		}
	}
}

// event answers the server's negotiation and routes COM-PORT-OPTION replies. It runs on the
// reader goroutine.
func (p *RFC2217Port) event(e telnetEvent) {
	switch e.Verb {
	case do:
		switch e.Option {
		case optComPort:
			select {
			case p.comPort <- true:
			default:
			}
		case optBinary, optSGA: // already offered
		default:
			p.send([]byte{iac, wont, e.Option})
		}
	case dont:
		if e.Option == optComPort {
			select {
			case p.comPort <- false:
			default:
			}
		}
	case will:
		switch e.Option {
		case optBinary, optSGA, optComPort:
		default:
			p.send([]byte{iac, dont, e.Option})
		}
	case sb:
		if e.Option != optComPort || len(e.Data) == 0 {
			return
		}
		cmd := e.Data[0]
		switch cmd {
		case cpNotifyModemState + cpServerOffset:
			if len(e.Data) > 1 {
				p.mu.Lock()
				p.modem = e.Data[1]
				p.mu.Unlock()
			}
		case cpNotifyLineState + cpServerOffset, cpFlowSuspend + cpServerOffset, cpFlowResume + cpServerOffset:
			// tolerated: nothing a byte stream needs
		default:
			a := ack{cmd: cmd, value: append([]byte(nil), e.Data[1:]...)}
			select {
			case p.acks <- a:
			default: // nobody asked; drop
			}
		}
	}
}
