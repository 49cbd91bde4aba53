package znp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// DefaultTimeout is how long Request waits for an SRSP when neither the Driver nor the context sets
// a shorter limit. Z-Stack answers an SREQ within milliseconds; seconds means the dongle is gone.
const DefaultTimeout = 6 * time.Second

// Errors from the driver.
var (
	// ErrClosed means the driver was closed, or its stream ended, before the exchange completed.
	ErrClosed = errors.New("znp: driver closed")
	// ErrTimeout is wrapped by every *TimeoutError.
	ErrTimeout = errors.New("znp: timed out")
	// ErrNotSREQ means Request was given a command that is not an SREQ, or Send one that is not an AREQ.
	ErrNotSREQ = errors.New("znp: wrong command type")
)

// TimeoutError says which exchange timed out and after how long.
type TimeoutError struct {
	Command Command       // the SREQ whose SRSP, or the AREQ, did not arrive
	After   time.Duration // how long the driver waited
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("znp: no %s within %s", e.Command, e.After)
}

// Is makes errors.Is(err, ErrTimeout) and errors.Is(err, context.DeadlineExceeded) true.
func (e *TimeoutError) Is(target error) bool {
	return target == ErrTimeout || target == context.DeadlineExceeded
}

// Timeout reports true, as net.Error's method does.
func (e *TimeoutError) Timeout() bool { return true }

// StatusError is a response whose status byte is not Success.
type StatusError struct {
	Command Command
	Status  Status
}

func (e *StatusError) Error() string { return fmt.Sprintf("znp: %s: %s", e.Command, e.Status) }

// RPCError is the dongle's refusal of a request it could not parse.
type RPCError struct {
	Command Command // the request
	Code    RPCErrorCode
}

func (e *RPCError) Error() string {
	var why string
	switch e.Code {
	case RPCInvalidSubsystem:
		why = "invalid subsystem"
	case RPCInvalidCommandID:
		why = "invalid command ID"
	case RPCInvalidParameter:
		why = "invalid parameter"
	case RPCInvalidLength:
		why = "invalid length"
	default:
		why = fmt.Sprintf("error code %d", e.Code)
	}
	return fmt.Sprintf("znp: dongle refused %s: %s", e.Command, why)
}

// Handler handles an AREQ. It runs on the driver's reader goroutine, so it must not block on the
// driver's own requests; data is valid only during the call.
type Handler func(data []byte)

// Driver speaks MT to one dongle over a byte stream. It keeps at most one SREQ outstanding per
// subsystem, as Z-Stack requires, matches each SRSP to its SREQ, and hands AREQs to the handlers
// registered for them. Its methods are safe for concurrent use.
type Driver struct {
	rw      io.ReadWriteCloser
	timeout time.Duration

	wmu  sync.Mutex // serialises writes
	wbuf []byte

	slots [32]chan struct{} // per-subsystem SREQ token

	mu       sync.Mutex
	pending  [32]*call
	handlers map[Command][]*handlerEntry
	nextID   uint64
	err      error // why the driver stopped; nil while running

	done    chan struct{}
	closing sync.Once
	stats   ReaderStats
}

type call struct {
	cmd Command
	rsp chan result
}

type result struct {
	data []byte
	err  error
}

type handlerEntry struct {
	id uint64
	h  Handler
}

// Option configures a Driver.
type Option func(*Driver)

// WithTimeout sets how long a request waits for its SRSP when the context has no earlier deadline.
func WithTimeout(d time.Duration) Option { return func(dr *Driver) { dr.timeout = d } }

// New starts a driver on rw. The driver owns rw from now on and closes it on Close.
func New(rw io.ReadWriteCloser, opts ...Option) *Driver {
	d := &Driver{rw: rw, timeout: DefaultTimeout, handlers: map[Command][]*handlerEntry{},
		done: make(chan struct{}), wbuf: make([]byte, 0, MaxFrame)}
	for i := range d.slots {
		d.slots[i] = make(chan struct{}, 1)
	}
	for _, o := range opts {
		o(d)
	}
	go d.readLoop()
	return d
}

// Done is closed when the driver has stopped: closed, or its stream failed.
func (d *Driver) Done() <-chan struct{} { return d.done }

// Err returns why the driver stopped: nil while it runs, ErrClosed after Close, or the stream's
// read error (a dongle unplugged) wrapped.
func (d *Driver) Err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err
}

// ReaderStats returns what the frame reader has dropped so far; it is final once Done is closed.
func (d *Driver) ReaderStats() ReaderStats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// Close stops the driver, closes the stream and fails every waiting request with ErrClosed.
func (d *Driver) Close() error {
	var err error
	d.closing.Do(func() {
		d.stop(ErrClosed)
		err = d.rw.Close()
	})
	<-d.done
	return err
}

// stop records why the driver stopped and fails every waiter; the first reason wins.
func (d *Driver) stop(why error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err != nil {
		return
	}
	d.err = why
	for i, c := range d.pending {
		if c != nil {
			c.rsp <- result{err: why}
			d.pending[i] = nil
		}
	}
}

func (d *Driver) readLoop() {
	defer close(d.done)
	r := NewReader(d.rw)
	var f Frame
	for {
		err := r.ReadFrame(&f)
		d.mu.Lock()
		d.stats = r.Stats()
		d.mu.Unlock()
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrClosedPipe) {
				d.stop(fmt.Errorf("%w: stream ended: %w", ErrClosed, err))
			} else {
				d.stop(fmt.Errorf("%w: read: %w", ErrClosed, err))
			}
			return
		}
		d.dispatch(&f)
	}
}

func (d *Driver) dispatch(f *Frame) {
	switch f.Type {
	case SRSP:
		d.deliver(f)
	case AREQ:
		d.mu.Lock()
		hs := d.handlers[f.Command]
		d.mu.Unlock()
		for _, h := range hs {
			h.h(f.Data)
		}
	}
	// A dongle never sends SREQ or POLL to the host; they are line noise that passed the FCS.
}

func (d *Driver) deliver(f *Frame) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if f.Subsystem == RES0 && f.ID == 0 {
		var e RPCErrorResponse
		if e.Parse(f.Data) != nil {
			return
		}
		req := Command{Type(e.Cmd0 >> 5), Subsystem(e.Cmd0 & 0x1f), e.Cmd1}
		if c := d.pending[req.Subsystem]; c != nil && c.cmd == req {
			c.rsp <- result{err: &RPCError{Command: req, Code: e.Code}}
			d.pending[req.Subsystem] = nil
		}
		return
	}
	c := d.pending[f.Subsystem]
	if c == nil || c.cmd.ID != f.ID {
		return // late answer to a request that timed out
	}
	c.rsp <- result{data: append([]byte(nil), f.Data...)}
	d.pending[f.Subsystem] = nil
}

func (d *Driver) write(f *Frame) error {
	d.wmu.Lock()
	defer d.wmu.Unlock()
	b, err := f.AppendTo(d.wbuf[:0])
	if err != nil {
		return err
	}
	d.wbuf = b
	if _, err := d.rw.Write(b); err != nil {
		if e := d.Err(); e != nil {
			return e
		}
		return fmt.Errorf("znp: write %s: %w", f.Command, err)
	}
	return nil
}

// Send writes an AREQ, such as SYS_RESET_REQ, that the dongle does not answer synchronously.
func (d *Driver) Send(cmd Command, data []byte) error {
	if cmd.Type != AREQ {
		return fmt.Errorf("%w: Send %s", ErrNotSREQ, cmd)
	}
	if err := d.Err(); err != nil {
		return err
	}
	return d.write(&Frame{Command: cmd, Data: data})
}

// Request writes an SREQ and returns the data of its SRSP. It waits for the subsystem's previous
// SREQ to finish first. It fails with a *TimeoutError if no SRSP comes within the driver's timeout
// or the context's deadline, with *RPCError if the dongle refuses the request, with the context's
// error if it is cancelled, and with ErrClosed if the driver stops.
func (d *Driver) Request(ctx context.Context, cmd Command, data []byte) ([]byte, error) {
	if cmd.Type != SREQ {
		return nil, fmt.Errorf("%w: Request %s", ErrNotSREQ, cmd)
	}
	start := time.Now()
	timer := time.NewTimer(d.timeout)
	defer timer.Stop()
	timedOut := func() error {
		return &TimeoutError{Command: cmd, After: time.Since(start).Round(time.Millisecond)}
	}
	ctxErr := func() error {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return timedOut()
		}
		return fmt.Errorf("znp: %s: %w", cmd, ctx.Err())
	}

	slot := d.slots[cmd.Subsystem&0x1f]
	select {
	case slot <- struct{}{}:
	case <-timer.C:
		return nil, timedOut()
	case <-ctx.Done():
		return nil, ctxErr()
	case <-d.done:
		return nil, d.Err()
	}
	defer func() { <-slot }()

	c := &call{cmd: cmd, rsp: make(chan result, 1)}
	d.mu.Lock()
	if d.err != nil {
		d.mu.Unlock()
		return nil, d.err
	}
	d.pending[cmd.Subsystem&0x1f] = c
	d.mu.Unlock()
	abandon := func() {
		d.mu.Lock()
		if d.pending[cmd.Subsystem&0x1f] == c {
			d.pending[cmd.Subsystem&0x1f] = nil
		}
		d.mu.Unlock()
	}

	if err := d.write(&Frame{Command: cmd, Data: data}); err != nil {
		abandon()
		return nil, err
	}
	select {
	case r := <-c.rsp:
		return r.data, r.err
	case <-timer.C:
		abandon()
		return nil, timedOut()
	case <-ctx.Done():
		abandon()
		return nil, ctxErr()
	}
}

// Handle registers h for every AREQ of command cmd and returns a function that removes it.
func (d *Driver) Handle(cmd Command, h Handler) (remove func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.nextID++
	e := &handlerEntry{id: d.nextID, h: h}
	// Copy on write: dispatch iterates a snapshot without holding the lock.
	hs := append(append([]*handlerEntry(nil), d.handlers[cmd]...), e)
	d.handlers[cmd] = hs
	return func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		old := d.handlers[cmd]
		nw := make([]*handlerEntry, 0, len(old))
		for _, x := range old {
			if x != e {
				nw = append(nw, x)
			}
		}
		d.handlers[cmd] = nw
	}
}

// Expect starts watching for an AREQ of command cmd for which match returns true (match sees data
// valid only during the call; nil matches anything) and returns the function that waits for it and
// returns a copy of its data. Call Expect before triggering the event, so it cannot be missed. The
// wait lasts until the context's deadline, or the driver's timeout if the context has none.
func (d *Driver) Expect(cmd Command, match func(data []byte) bool) (wait func(ctx context.Context) ([]byte, error)) {
	got := make(chan []byte, 1)
	var once sync.Once
	remove := d.Handle(cmd, func(data []byte) {
		if match != nil && !match(data) {
			return
		}
		once.Do(func() { got <- append([]byte(nil), data...) })
	})
	return func(ctx context.Context) ([]byte, error) {
		defer remove()
		start := time.Now()
		limit := d.timeout
		if _, ok := ctx.Deadline(); ok {
			limit = 1<<63 - 1
		}
		timer := time.NewTimer(limit)
		defer timer.Stop()
		select {
		case b := <-got:
			return b, nil
		case <-timer.C:
			return nil, &TimeoutError{Command: cmd, After: time.Since(start).Round(time.Millisecond)}
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return nil, &TimeoutError{Command: cmd, After: time.Since(start).Round(time.Millisecond)}
			}
			return nil, fmt.Errorf("znp: awaiting %s: %w", cmd, ctx.Err())
		case <-d.done:
			return nil, d.Err()
		}
	}
}
