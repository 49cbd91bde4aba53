package znp_test

import (
	"encoding/hex"
	"strings"

	"github.com/smetsim/smetsim/devices/han/frame"
	"github.com/smetsim/smetsim/hil/znp"
)

// unhex reads a hex dump such as "FE 00 21 01 20".
func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// payloadCodec is what every typed command payload offers.
type payloadCodec interface {
	Parse([]byte) error
}

// vector is a complete MT frame from SOF to FCS, the command it carries, and the typed payload it
// decodes to. The wire bytes were worked out by hand from the field layouts of TI's Z-Stack
// Monitor and Test API (SWRA198) and the FCS (XOR of length, cmd0, cmd1 and data) computed
// separately from this package; the SYS_PING pair is the well-known exchange every ZNP tool
// uses to find a dongle.
type vector struct {
	name    string
	wire    string
	cmd     znp.Command
	payload func() (encode func([]byte) []byte, fresh payloadCodec, want any)
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

var meterEUI = frame.EUI64{0x00, 0xDB, 0x12, 0x34, 0x56, 0x78, 0x90, 0xA0}

func vectors() []vector {
	return []vector{
		{"SYS_PING SREQ", "FE 00 21 01 20", znp.CmdSysPing, nil},
		{"SYS_PING SRSP", "FE 02 61 01 59 06 3D", znp.CmdSysPing.Response(), func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.PingResponse{Capabilities: 0x0659}
			return v.AppendTo, &znp.PingResponse{}, &v
		}},
		{"SYS_VERSION SREQ", "FE 00 21 02 23", znp.CmdSysVersion, nil},
		{"SYS_VERSION SRSP (Z-Stack 1.2)", "FE 05 61 02 02 00 02 06 03 63", znp.CmdSysVersion.Response(), func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.VersionResponse{TransportRev: 2, Product: 0, Major: 2, Minor: 6, Maint: 3}
			return v.AppendTo, &znp.VersionResponse{}, &v
		}},
		{"SYS_VERSION SRSP (Z-Stack 3 with revision)", "FE 09 61 02 02 01 02 07 01 44 33 22 01 39", znp.CmdSysVersion.Response(), func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.VersionResponse{TransportRev: 2, Product: 1, Major: 2, Minor: 7, Maint: 1, HasRevision: true, Revision: 0x01223344}
			return v.AppendTo, &znp.VersionResponse{}, &v
		}},
		{"SYS_RESET_REQ hard", "FE 01 41 00 00 40", znp.CmdSysResetReq, func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.ResetRequest{Type: znp.HardReset}
			return v.AppendTo, &znp.ResetRequest{}, &v
		}},
		{"SYS_RESET_IND", "FE 06 41 80 00 02 00 02 06 03 C2", znp.CmdSysResetInd, func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.ResetInd{Reason: znp.ResetPowerUp, TransportRev: 2, Product: 0, Major: 2, Minor: 6, HwRev: 3}
			return v.AppendTo, &znp.ResetInd{}, &v
		}},
		{"AF_REGISTER Smart Energy endpoint", "FE 0B 24 00 01 09 01 00 05 00 00 01 02 07 00 27", znp.CmdAFRegister, func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.AFRegister{Endpoint: 1, Profile: 0x0109, DeviceID: 0x0500, InClusters: []uint16{0x0702}}
			return func(b []byte) []byte { return must(v.AppendTo(b)) }, &znp.AFRegister{}, &v
		}},
		{"AF_REGISTER SRSP", "FE 01 64 00 00 65", znp.CmdAFRegister.Response(), func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.StatusResponse{Status: znp.Success}
			return v.AppendTo, &znp.StatusResponse{}, &v
		}},
		{"AF_DATA_REQUEST ZCL Read Attributes", "FE 0F 24 01 34 12 01 01 02 07 05 10 1E 05 00 01 00 00 00 06", znp.CmdAFDataRequest, func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.AFDataRequest{DstAddr: 0x1234, DstEndpoint: 1, SrcEndpoint: 1, Cluster: 0x0702, TransID: 5,
				Options: znp.AFOptionAckRequest, Radius: 0x1E, Data: unhex("00 01 00 00 00")}
			return func(b []byte) []byte { return must(v.AppendTo(b)) }, &znp.AFDataRequest{}, &v
		}},
		{"AF_DATA_REQUEST SRSP", "FE 01 64 01 00 64", znp.CmdAFDataRequest.Response(), func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.StatusResponse{Status: znp.Success}
			return v.AppendTo, &znp.StatusResponse{}, &v
		}},
		{"AF_DATA_CONFIRM", "FE 03 44 80 00 01 05 C3", znp.CmdAFDataConfirm, func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.AFDataConfirm{Status: znp.Success, Endpoint: 1, TransID: 5}
			return v.AppendTo, &znp.AFDataConfirm{}, &v
		}},
		{"AF_INCOMING_MSG Read Attributes Response", "FE 21 44 81 00 00 02 07 34 12 01 01 00 7F 00 45 23 01 00 09 0D 18 01 01 00 00 00 25 10 27 00 00 00 00 34 12 1D EA", znp.CmdAFIncomingMsg, func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.AFIncomingMsg{Cluster: 0x0702, SrcAddr: 0x1234, SrcEndpoint: 1, DstEndpoint: 1, LinkQuality: 0x7F,
				Timestamp: 0x00012345, TransSeq: 9, Data: unhex("18 01 01 00 00 00 25 10 27 00 00 00 00"),
				HasMacSrc: true, MacSrcAddr: 0x1234, Radius: 0x1D}
			return func(b []byte) []byte { return must(v.AppendTo(b)) }, &znp.AFIncomingMsg{}, &v
		}},
		{"ZDO_STARTUP_FROM_APP", "FE 02 25 40 64 00 03", znp.CmdZDOStartupFromApp, func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.StartupFromApp{StartDelay: 100}
			return v.AppendTo, &znp.StartupFromApp{}, &v
		}},
		{"ZDO_STARTUP_FROM_APP SRSP", "FE 01 65 40 00 24", znp.CmdZDOStartupFromApp.Response(), func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.StatusResponse{Status: znp.Status(znp.StartupRestored)}
			return v.AppendTo, &znp.StatusResponse{}, &v
		}},
		{"ZDO_STATE_CHANGE_IND coordinator", "FE 01 45 C0 09 8D", znp.CmdZDOStateChangeInd, func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.StateChangeInd{State: znp.DevZBCoord}
			return v.AppendTo, &znp.StateChangeInd{}, &v
		}},
		{"ZDO_MGMT_PERMIT_JOIN_REQ 60 s", "FE 05 25 36 0F FC FF 3C 01 27", znp.CmdZDOMgmtPermitJoinReq, func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.MgmtPermitJoinReq{AddrMode: znp.AddrModeBroadcast, DstAddr: 0xFFFC, Duration: 60, TCSignificance: 1}
			return v.AppendTo, &znp.MgmtPermitJoinReq{}, &v
		}},
		{"ZDO_MGMT_PERMIT_JOIN_REQ SRSP", "FE 01 65 36 00 52", znp.CmdZDOMgmtPermitJoinReq.Response(), func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.StatusResponse{Status: znp.Success}
			return v.AppendTo, &znp.StatusResponse{}, &v
		}},
		{"ZDO_END_DEVICE_ANNCE_IND sleepy GSME", "FE 0D 45 C1 34 12 34 12 A0 90 78 56 34 12 DB 00 80 EA", znp.CmdZDOEndDeviceAnnceInd, func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.EndDeviceAnnceInd{SrcAddr: 0x1234, NwkAddr: 0x1234, IEEEAddr: meterEUI, Capabilities: 0x80}
			return v.AppendTo, &znp.EndDeviceAnnceInd{}, &v
		}},
		{"RPC error for an unknown SYS command", "FE 03 60 00 02 21 55 15", znp.CmdRPCError, func() (func([]byte) []byte, payloadCodec, any) {
			v := znp.RPCErrorResponse{Code: znp.RPCInvalidCommandID, Cmd0: 0x21, Cmd1: 0x55}
			return v.AppendTo, &znp.RPCErrorResponse{}, &v
		}},
	}
}
