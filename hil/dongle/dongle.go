// Package dongle emulates a TI Z-Stack ZNP dongle: it speaks the MT protocol over any byte stream
// (a pty, a TCP connection, a pipe in a test) and its radio is the in-process HAN, so the real
// hil/znp driver and the emulated devices of a fleet can be tested against each other without
// hardware.
//
// It reuses hil/znp's codec for every frame and payload. The dongle is a member of a han.Network
// (a han.Node): an AF_DATA_REQUEST puts its ZCL frame on the HAN from the dongle's own short
// address, and frames the HAN delivers to that address come back to the host as AF_INCOMING_MSG.
package dongle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/han/frame"
	"github.com/smetsim/smetsim/hil/znp"
)

// Runner runs work on the goroutine that owns the HAN (the run's clock); simulator/clock's Clock
// implements it with Do.
type Runner interface {
	Do(f func(now time.Time))
}

// Capabilities is the SYS_PING answer: MT_CAP_SYS | MT_CAP_AF | MT_CAP_ZDO | MT_CAP_UTIL, the
// subsystems the emulator answers (UTIL is announced as a Z-Stack coordinator image does, though
// no UTIL command is served).
const Capabilities uint16 = 0x0001 | 0x0008 | 0x0010 | 0x0040

// Version is the SYS_VERSION answer: transport revision 2, Z-Stack 3.x, release 2.7.1 with a
// date-like build revision. They are plausible values for a Z-Stack 3.x coordinator image, not
// copied from a particular one; a host should not depend on them.
var Version = znp.VersionResponse{TransportRev: 2, Product: 1, Major: 2, Minor: 7, Maint: 1,
	HasRevision: true, Revision: 20210708}

// statusDuplicateEntry is Z-Stack's ZApsDuplicateEntry: AF_REGISTER for an endpoint already
// registered.
const statusDuplicateEntry znp.Status = 0xB8

// outQueue bounds the frames waiting to be written to the host. A host that stops reading loses
// indications beyond it (counted in Stats.Dropped) rather than stall the HAN.
const outQueue = 64

// Stats counts what the dongle did.
type Stats struct {
	Requests  uint64 // frames received from the host
	RPCErrors uint64 // requests answered with the RPC error SRSP
	Sent      uint64 // ZCL frames put on the HAN
	Incoming  uint64 // AF_INCOMING_MSG written to the host
	Dropped   uint64 // HAN frames for the dongle it could not pass on (not started, no endpoint, queue full)
	Resets    uint64
}

// Dongle is an emulated ZNP dongle on a HAN. Make it with New; serve a host with Serve.
type Dongle struct {
	nw    *han.Network
	run   Runner
	eui   frame.EUI64
	short uint16

	mu        sync.Mutex
	started   bool
	everRan   bool
	endpoints map[uint8]bool
	out       chan []byte // the current connection's writer queue, nil between connections

	requests, rpcErrors, sent, incoming, dropped, resets atomic.Uint64
}

// New makes a dongle with the IEEE address eui and joins it to nw as a (non-sleepy) node. It must
// run where the HAN may be touched: before the clock runs, or inside run.Do. If the network has no
// coordinator yet the dongle becomes it (short address 0x0000); if the network checks joins
// against the CHF's device log, eui must be in it.
func New(nw *han.Network, run Runner, eui frame.EUI64) (*Dongle, error) {
	d := &Dongle{nw: nw, run: run, eui: eui, endpoints: map[uint8]bool{}}
	short, err := nw.Join(eui, d, false)
	if err != nil {
		return nil, fmt.Errorf("dongle %s: join the HAN: %w", eui, err)
	}
	d.short = short
	return d, nil
}

// Short returns the dongle's short address on the HAN.
func (d *Dongle) Short() uint16 { return d.short }

// EUI returns the dongle's IEEE address.
func (d *Dongle) EUI() frame.EUI64 { return d.eui }

// Stats returns what the dongle has counted so far.
func (d *Dongle) Stats() Stats {
	return Stats{Requests: d.requests.Load(), RPCErrors: d.rpcErrors.Load(), Sent: d.sent.Load(),
		Incoming: d.incoming.Load(), Dropped: d.dropped.Load(), Resets: d.resets.Load()}
}

// ErrBusy is Serve's answer while another connection is being served.
var ErrBusy = errors.New("dongle: already serving a connection")

// Serve speaks MT over rw until rw fails (the host hung up: the error is nil for io.EOF) or ctx
// ends (rw is closed and ctx's error returned). One connection at a time; the dongle's network
// state (started, registered endpoints) survives between connections, as a dongle's does while it
// stays powered, until a SYS_RESET_REQ. Serve closes rw when it returns.
func (d *Dongle) Serve(ctx context.Context, rw io.ReadWriteCloser) error {
	out := make(chan []byte, outQueue)
	d.mu.Lock()
	if d.out != nil {
		d.mu.Unlock()
		return ErrBusy
	}
	d.out = out
	d.mu.Unlock()

	stop := context.AfterFunc(ctx, func() { rw.Close() })
	defer stop()
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		for b := range out {
			if _, err := rw.Write(b); err != nil {
				rw.Close() // the reader sees it and ends the connection
				for range out {
				}
				return
			}
		}
	}()

	err := d.readLoop(rw)

	d.mu.Lock()
	d.out = nil
	d.mu.Unlock()
	close(out) // every send holds d.mu and checks d.out, so none races this close
	<-writerDone
	rw.Close()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

func (d *Dongle) readLoop(r io.Reader) error {
	rd := znp.NewReader(r)
	var f znp.Frame
	for {
		if err := rd.ReadFrame(&f); err != nil {
			return err
		}
		d.requests.Add(1)
		d.handle(&f)
	}
}

// emit queues a frame for the host. It reports false if there is no connection or its queue is
// full.
func (d *Dongle) emit(cmd znp.Command, data []byte) bool {
	f := znp.Frame{Command: cmd, Data: data}
	b, err := f.AppendTo(make([]byte, 0, len(data)+znp.Overhead))
	if err != nil {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.out == nil {
		return false
	}
	select {
	case d.out <- b:
		return true
	default:
		return false
	}
}

func (d *Dongle) respond(req znp.Command, data []byte) { d.emit(req.Response(), data) }

func (d *Dongle) rpcError(f *znp.Frame, code znp.RPCErrorCode) {
	d.rpcErrors.Add(1)
	r := znp.RPCErrorResponse{Code: code, Cmd0: f.Cmd0(), Cmd1: f.ID}
	d.emit(znp.CmdRPCError, r.AppendTo(nil))
}

// codeOf is the RPC error for a payload the codec refused: a wrong length or a bad value.
func codeOf(err error) znp.RPCErrorCode {
	if errors.Is(err, znp.ErrInvalid) && !isTrailing(err) {
		return znp.RPCInvalidParameter
	}
	return znp.RPCInvalidLength
}

func isTrailing(err error) bool {
	var e *znp.Error
	return errors.As(err, &e) && e.Field == "trailing bytes"
}

func (d *Dongle) status(req znp.Command, s znp.Status) {
	r := znp.StatusResponse{Status: s}
	d.respond(req, r.AppendTo(nil))
}

// handle answers one frame from the host.
func (d *Dongle) handle(f *znp.Frame) {
	switch f.Command {
	case znp.CmdSysPing:
		if len(f.Data) != 0 {
			d.rpcError(f, znp.RPCInvalidLength)
			return
		}
		r := znp.PingResponse{Capabilities: Capabilities}
		d.respond(f.Command, r.AppendTo(nil))
	case znp.CmdSysVersion:
		if len(f.Data) != 0 {
			d.rpcError(f, znp.RPCInvalidLength)
			return
		}
		r := Version
		d.respond(f.Command, r.AppendTo(nil))
	case znp.CmdSysResetReq:
		var req znp.ResetRequest
		if req.Parse(f.Data) != nil {
			return // an AREQ gets no RPC error; a dongle ignores a malformed one
		}
		d.reset(req.Type)
	case znp.CmdZDOStartupFromApp:
		var req znp.StartupFromApp
		if err := req.Parse(f.Data); err != nil {
			d.rpcError(f, codeOf(err))
			return
		}
		d.startup()
	case znp.CmdZDOMgmtPermitJoinReq:
		var req znp.MgmtPermitJoinReq
		if err := req.Parse(f.Data); err != nil {
			d.rpcError(f, codeOf(err))
			return
		}
		d.status(f.Command, znp.Success)
		rsp := znp.MgmtPermitJoinRsp{SrcAddr: d.short, Status: znp.Success}
		d.emit(znp.CmdZDOMgmtPermitJoinRsp, rsp.AppendTo(nil))
	case znp.CmdAFRegister:
		var req znp.AFRegister
		if err := req.Parse(f.Data); err != nil {
			d.rpcError(f, codeOf(err))
			return
		}
		d.register(req.Endpoint)
	case znp.CmdAFDataRequest:
		var req znp.AFDataRequest
		if err := req.Parse(f.Data); err != nil {
			d.rpcError(f, codeOf(err))
			return
		}
		d.dataRequest(&req)
	default:
		if f.Type != znp.SREQ {
			return
		}
		code := znp.RPCInvalidCommandID
		switch f.Subsystem {
		case znp.SYS, znp.AF, znp.ZDO:
		default:
			code = znp.RPCInvalidSubsystem
		}
		d.rpcError(f, code)
	}
}

// reset forgets the network state and endpoints, as a restart does, and announces itself.
func (d *Dongle) reset(t znp.ResetType) {
	d.resets.Add(1)
	d.mu.Lock()
	d.started = false
	clear(d.endpoints)
	d.mu.Unlock()
	reason := znp.ResetExternal
	if t == znp.HardReset {
		reason = znp.ResetWatchdog
	}
	ind := znp.ResetInd{Reason: reason, TransportRev: Version.TransportRev, Product: Version.Product,
		Major: Version.Major, Minor: Version.Minor, HwRev: 0}
	d.emit(znp.CmdSysResetInd, ind.AppendTo(nil))
}

// startup starts the network as its coordinator: the SRSP says whether the state was restored
// (the dongle had formed the network before) or new, then the ZDO states follow.
func (d *Dongle) startup() {
	d.mu.Lock()
	st := znp.StartupRestored
	if !d.everRan {
		st = znp.StartupNew
	}
	d.everRan, d.started = true, true
	d.mu.Unlock()
	d.respond(znp.CmdZDOStartupFromApp, []byte{byte(st)})
	for _, s := range []znp.DeviceState{znp.DevCoordStarting, znp.DevZBCoord} {
		ind := znp.StateChangeInd{State: s}
		d.emit(znp.CmdZDOStateChangeInd, ind.AppendTo(nil))
	}
}

func (d *Dongle) register(ep uint8) {
	d.mu.Lock()
	s := znp.Success
	switch {
	case ep == 0 || ep > 240:
		s = znp.InvalidParameter
	case d.endpoints[ep]:
		s = statusDuplicateEntry
	default:
		d.endpoints[ep] = true
	}
	d.mu.Unlock()
	d.status(znp.CmdAFRegister, s)
}

// dataRequest accepts the frame (SRSP), puts it on the HAN from the dongle's address on the HAN's
// goroutine, and confirms it with the HAN's verdict. A frame held for a sleepy device counts as
// delivered: the HAN's parent holds it, as Z-Stack's indirect queue does.
func (d *Dongle) dataRequest(req *znp.AFDataRequest) {
	d.mu.Lock()
	s := znp.Success
	switch {
	case !d.started:
		s = znp.Failure // nowhere to send before the network is up (a simplification of Z-Stack's NWK statuses)
	case !d.endpoints[req.SrcEndpoint]:
		s = znp.InvalidParameter
	case len(req.Data) > han.MaxPayload:
		s = znp.InvalidParameter
	}
	d.mu.Unlock()
	d.status(znp.CmdAFDataRequest, s)
	if s != znp.Success {
		return
	}
	m := han.Message{Src: d.short, Dst: req.DstAddr, SrcEndpoint: req.SrcEndpoint, DstEndpoint: req.DstEndpoint,
		Cluster: req.Cluster, Profile: frame.ProfileSmartEnergy, Payload: append([]byte(nil), req.Data...)}
	ep, id := req.SrcEndpoint, req.TransID
	d.run.Do(func(now time.Time) {
		st := znp.Success
		if err := d.nw.Send(now, &m); err != nil {
			st = znp.Failure
			if errors.Is(err, han.ErrUnknownDest) || errors.Is(err, han.ErrNotJoined) {
				st = znp.NWKNoRoute
			} else if errors.Is(err, han.ErrQueueFull) {
				st = znp.MACTransactionExpired
			}
		} else {
			d.sent.Add(1)
		}
		c := znp.AFDataConfirm{Status: st, Endpoint: ep, TransID: id}
		d.emit(znp.CmdAFDataConfirm, c.AppendTo(nil))
	})
}

// HANReceive implements han.Node: a frame for the dongle goes to the host as AF_INCOMING_MSG if
// the network is started and the destination endpoint registered.
func (d *Dongle) HANReceive(now time.Time, m *han.Message) {
	d.mu.Lock()
	ok := d.started && d.endpoints[m.DstEndpoint]
	d.mu.Unlock()
	if !ok {
		d.dropped.Add(1)
		return
	}
	in := znp.AFIncomingMsg{Cluster: m.Cluster, SrcAddr: m.Src, SrcEndpoint: m.SrcEndpoint,
		DstEndpoint: m.DstEndpoint, LinkQuality: 0xFF, Timestamp: uint32(now.UnixMilli()),
		Data: m.Payload, HasMacSrc: true, MacSrcAddr: m.Src, Radius: 30}
	b, err := in.AppendTo(make([]byte, 0, znp.MaxData))
	if err != nil || !d.emit(znp.CmdAFIncomingMsg, b) {
		d.dropped.Add(1)
		return
	}
	d.incoming.Add(1)
}
