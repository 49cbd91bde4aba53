package znp_test

import (
	"net"
	"sync"

	"github.com/smetsim/smetsim/hil/znp"
)

// fakeDongle is a scripted ZNP dongle on the far end of a net.Pipe, in the manner of zigpy-znp's
// BaseServerZNP: it reads the driver's frames with the package's own Reader, answers SREQs from a
// table of handlers, and lets a spec emit AREQs and raw bytes (line noise) at will. A request with
// no handler gets no answer, as from a wedged dongle.
type fakeDongle struct {
	conn net.Conn

	mu       sync.Mutex
	handlers map[znp.Command]func(data []byte) []znp.Frame
	received []znp.Frame

	wmu  sync.Mutex
	done chan struct{}
}

// newFakeDongle returns the dongle and the host end of the pipe for the driver.
func newFakeDongle() (*fakeDongle, net.Conn) {
	host, dev := net.Pipe()
	d := &fakeDongle{conn: dev, handlers: map[znp.Command]func([]byte) []znp.Frame{}, done: make(chan struct{})}
	d.on(znp.CmdSysPing, func([]byte) []znp.Frame {
		return []znp.Frame{{Command: znp.CmdSysPing.Response(), Data: []byte{0x59, 0x06}}}
	})
	go d.serve()
	return d, host
}

// on sets the handler for an SREQ (or AREQ) from the host; the frames it returns are written back.
func (d *fakeDongle) on(cmd znp.Command, h func(data []byte) []znp.Frame) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.handlers[cmd] = h
}

// status makes a handler that answers with a one-byte status SRSP.
func status(cmd znp.Command, s znp.Status) func([]byte) []znp.Frame {
	return func([]byte) []znp.Frame { return []znp.Frame{{Command: cmd.Response(), Data: []byte{byte(s)}}} }
}

func (d *fakeDongle) serve() {
	defer close(d.done)
	r := znp.NewReader(d.conn)
	var f znp.Frame
	for {
		if err := r.ReadFrame(&f); err != nil {
			return
		}
		got := znp.Frame{Command: f.Command, Data: append([]byte(nil), f.Data...)}
		d.mu.Lock()
		d.received = append(d.received, got)
		h := d.handlers[f.Command]
		d.mu.Unlock()
		if h == nil {
			if f.Type == znp.SREQ && f.Subsystem > 21 {
				d.emit(znp.Frame{Command: znp.CmdRPCError, Data: []byte{byte(znp.RPCInvalidSubsystem), f.Cmd0(), f.ID}})
			}
			continue
		}
		for _, out := range h(got.Data) {
			if d.emit(out) != nil {
				return
			}
		}
	}
}

// emit writes a frame to the host.
func (d *fakeDongle) emit(f znp.Frame) error {
	b, err := f.AppendTo(nil)
	if err != nil {
		panic(err)
	}
	return d.raw(b)
}

// raw writes bytes to the host as they are: noise, partial frames.
func (d *fakeDongle) raw(b []byte) error {
	d.wmu.Lock()
	defer d.wmu.Unlock()
	_, err := d.conn.Write(b)
	return err
}

// requests returns the commands the dongle has received so far.
func (d *fakeDongle) requests() []znp.Command {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []znp.Command
	for _, f := range d.received {
		out = append(out, f.Command)
	}
	return out
}

// last returns the data of the last frame received with command cmd.
func (d *fakeDongle) last(cmd znp.Command) []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := len(d.received) - 1; i >= 0; i-- {
		if d.received[i].Command == cmd {
			return d.received[i].Data
		}
	}
	return nil
}

// unplug closes the dongle's end, as pulling it out of the USB port does.
func (d *fakeDongle) unplug() {
	d.conn.Close()
	<-d.done
}
