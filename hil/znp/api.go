package znp

import (
	"context"
	"fmt"
	"sync"

	"github.com/smetsim/smetsim/devices/han/frame"
)

// statusOf turns a one-byte status SRSP into an error.
func statusOf(cmd Command, data []byte, err error) error {
	if err != nil {
		return err
	}
	var r StatusResponse
	if err := r.Parse(data); err != nil {
		return err
	}
	if r.Status != Success {
		return &StatusError{Command: cmd, Status: r.Status}
	}
	return nil
}

// Ping sends SYS_PING and returns the capabilities bitmap; it is how a port is confirmed to have a
// ZNP dongle behind it.
func (d *Driver) Ping(ctx context.Context) (PingResponse, error) {
	var r PingResponse
	data, err := d.Request(ctx, CmdSysPing, nil)
	if err == nil {
		err = r.Parse(data)
	}
	return r, err
}

// Version sends SYS_VERSION.
func (d *Driver) Version(ctx context.Context) (VersionResponse, error) {
	var r VersionResponse
	data, err := d.Request(ctx, CmdSysVersion, nil)
	if err == nil {
		err = r.Parse(data)
	}
	return r, err
}

// Reset sends SYS_RESET_REQ and waits for the dongle's SYS_RESET_IND.
func (d *Driver) Reset(ctx context.Context, t ResetType) (ResetInd, error) {
	var ind ResetInd
	wait := d.Expect(CmdSysResetInd, nil)
	req := ResetRequest{Type: t}
	var buf [1]byte
	if err := d.Send(CmdSysResetReq, req.AppendTo(buf[:0])); err != nil {
		return ind, err
	}
	data, err := wait(ctx)
	if err == nil {
		err = ind.Parse(data)
	}
	return ind, err
}

// StartupFromApp sends ZDO_STARTUP_FROM_APP and returns the startup status.
func (d *Driver) StartupFromApp(ctx context.Context, delayMillis uint16) (StartupStatus, error) {
	req := StartupFromApp{StartDelay: delayMillis}
	var buf [2]byte
	data, err := d.Request(ctx, CmdZDOStartupFromApp, req.AppendTo(buf[:0]))
	if err != nil {
		return 0, err
	}
	var r StatusResponse
	if err := r.Parse(data); err != nil {
		return 0, err
	}
	if r.Status > Status(StartupNotStarted) {
		return 0, &Error{Op: "ZDO_STARTUP_FROM_APP response", Field: "Status", Err: ErrInvalid}
	}
	return StartupStatus(r.Status), nil
}

// StartCoordinator starts the network from the dongle's NV configuration (it must be configured
// as a coordinator) and waits until ZDO_STATE_CHANGE_IND reports DevZBCoord.
func (d *Driver) StartCoordinator(ctx context.Context) (StartupStatus, error) {
	wait := d.Expect(CmdZDOStateChangeInd, func(b []byte) bool {
		var s StateChangeInd
		return s.Parse(b) == nil && s.State == DevZBCoord
	})
	st, err := d.StartupFromApp(ctx, 100)
	if err != nil {
		return st, err
	}
	if st == StartupNotStarted {
		return st, fmt.Errorf("znp: ZDO_STARTUP_FROM_APP: network not started")
	}
	_, err = wait(ctx)
	return st, err
}

// PermitJoin opens the network to joining devices for the given seconds (0 closes it, 0xFF opens
// it until closed), through the coordinator and every router.
func (d *Driver) PermitJoin(ctx context.Context, seconds uint8) error {
	req := MgmtPermitJoinReq{AddrMode: AddrModeBroadcast, DstAddr: 0xFFFC, Duration: seconds, TCSignificance: 1}
	var buf [5]byte
	data, err := d.Request(ctx, CmdZDOMgmtPermitJoinReq, req.AppendTo(buf[:0]))
	return statusOf(CmdZDOMgmtPermitJoinReq, data, err)
}

// RegisterEndpoint sends AF_REGISTER.
func (d *Driver) RegisterEndpoint(ctx context.Context, ep AFRegister) error {
	b, err := ep.AppendTo(make([]byte, 0, MaxData))
	if err != nil {
		return err
	}
	data, err := d.Request(ctx, CmdAFRegister, b)
	return statusOf(CmdAFRegister, data, err)
}

// DataRequest sends AF_DATA_REQUEST and returns once the dongle has accepted the frame; the
// delivery outcome follows as an AF_DATA_CONFIRM (see SendData).
func (d *Driver) DataRequest(ctx context.Context, req *AFDataRequest) error {
	var buf [MaxData]byte
	b, err := req.AppendTo(buf[:0])
	if err != nil {
		return err
	}
	data, err := d.Request(ctx, CmdAFDataRequest, b)
	return statusOf(CmdAFDataRequest, data, err)
}

// SendData sends AF_DATA_REQUEST and waits for the AF_DATA_CONFIRM with the same endpoint and
// transaction ID; a confirm status other than Success is a *StatusError.
func (d *Driver) SendData(ctx context.Context, req *AFDataRequest) error {
	wait := d.Expect(CmdAFDataConfirm, func(b []byte) bool {
		var c AFDataConfirm
		return c.Parse(b) == nil && c.Endpoint == req.SrcEndpoint && c.TransID == req.TransID
	})
	if err := d.DataRequest(ctx, req); err != nil {
		return err
	}
	data, err := wait(ctx)
	if err != nil {
		return err
	}
	var c AFDataConfirm
	if err := c.Parse(data); err != nil {
		return err
	}
	if c.Status != Success {
		return &StatusError{Command: CmdAFDataConfirm, Status: c.Status}
	}
	return nil
}

// OnIncomingMsg calls h for every well-formed AF_INCOMING_MSG; m.Data is valid only during the
// call. It returns a function that removes the handler.
func (d *Driver) OnIncomingMsg(h func(m *AFIncomingMsg)) (remove func()) {
	var m AFIncomingMsg
	return d.Handle(CmdAFIncomingMsg, func(b []byte) {
		if m.Parse(b) == nil {
			h(&m)
		}
	})
}

// OnEndDeviceAnnce calls h for every well-formed ZDO_END_DEVICE_ANNCE_IND.
func (d *Driver) OnEndDeviceAnnce(h func(a EndDeviceAnnceInd)) (remove func()) {
	return d.Handle(CmdZDOEndDeviceAnnceInd, func(b []byte) {
		var a EndDeviceAnnceInd
		if a.Parse(b) == nil {
			h(a)
		}
	})
}

// OnStateChange calls h for every well-formed ZDO_STATE_CHANGE_IND.
func (d *Driver) OnStateChange(h func(s DeviceState)) (remove func()) {
	return d.Handle(CmdZDOStateChangeInd, func(b []byte) {
		var s StateChangeInd
		if s.Parse(b) == nil {
			h(s.State)
		}
	})
}

// WaitForDevice waits for the device with the given IEEE address to announce itself, and returns
// its announcement.
func (d *Driver) WaitForDevice(ctx context.Context, eui frame.EUI64) (EndDeviceAnnceInd, error) {
	var a EndDeviceAnnceInd
	wait := d.Expect(CmdZDOEndDeviceAnnceInd, func(b []byte) bool {
		var x EndDeviceAnnceInd
		return x.Parse(b) == nil && x.IEEEAddr == eui
	})
	data, err := wait(ctx)
	if err == nil {
		err = a.Parse(data)
	}
	return a, err
}

// mutex-guarded counter for AF transaction IDs, shared by a Link's senders.
type transIDs struct {
	mu   sync.Mutex
	next uint8
}

func (t *transIDs) take() uint8 {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.next++
	return t.next
}
