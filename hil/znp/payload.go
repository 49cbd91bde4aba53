package znp

import (
	"fmt"

	"github.com/smetsim/smetsim/devices/han/frame"
)

// Status is the status byte Z-Stack puts in responses and confirmations.
type Status uint8

// Status values this package names (Z-Stack ZComDef.h, AF.h and the MAC/NWK/APS status tables).
const (
	Success               Status = 0x00
	Failure               Status = 0x01
	InvalidParameter      Status = 0x02
	MemError              Status = 0x10
	BufferFull            Status = 0x11
	APSNoAck              Status = 0xB7
	NWKNoRoute            Status = 0xCD
	MACNoAck              Status = 0xE9
	MACTransactionExpired Status = 0xF0
)

var statusNames = map[Status]string{
	Success: "SUCCESS", Failure: "FAILURE", InvalidParameter: "INVALID_PARAMETER",
	MemError: "MEM_ERROR", BufferFull: "BUFFER_FULL", APSNoAck: "APS_NO_ACK",
	NWKNoRoute: "NWK_NO_ROUTE", MACNoAck: "MAC_NO_ACK", MACTransactionExpired: "MAC_TRANSACTION_EXPIRED",
}

func (s Status) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return fmt.Sprintf("status 0x%02X", uint8(s))
}

// payload reads the fields of a command's data, recording the first short read as an *Error.
type payload struct {
	op  string
	b   []byte
	off int
	err error
}

func (p *payload) need(field string, n int) bool {
	if p.err != nil {
		return false
	}
	if len(p.b)-p.off < n {
		p.err = &Error{Op: p.op, Field: field, Offset: p.off, Err: ErrTruncated}
		return false
	}
	return true
}

func (p *payload) u8(field string) uint8 {
	if !p.need(field, 1) {
		return 0
	}
	p.off++
	return p.b[p.off-1]
}

func (p *payload) u16(field string) uint16 {
	if !p.need(field, 2) {
		return 0
	}
	p.off += 2
	return uint16(p.b[p.off-2]) | uint16(p.b[p.off-1])<<8
}

func (p *payload) u32(field string) uint32 {
	if !p.need(field, 4) {
		return 0
	}
	v := uint32(p.b[p.off]) | uint32(p.b[p.off+1])<<8 | uint32(p.b[p.off+2])<<16 | uint32(p.b[p.off+3])<<24
	p.off += 4
	return v
}

func (p *payload) bytes(field string, n int) []byte {
	if !p.need(field, n) {
		return nil
	}
	p.off += n
	return p.b[p.off-n : p.off : p.off]
}

// eui reads an IEEE address, which MT sends least significant byte first.
func (p *payload) eui(field string) frame.EUI64 {
	var e frame.EUI64
	if !p.need(field, 8) {
		return e
	}
	for i := range 8 {
		e[7-i] = p.b[p.off+i]
	}
	p.off += 8
	return e
}

// done fails if bytes remain that the command does not define.
func (p *payload) done() error {
	if p.err == nil && p.off != len(p.b) {
		p.err = &Error{Op: p.op, Field: "trailing bytes", Offset: p.off, Err: ErrInvalid}
	}
	return p.err
}

func appendU16(b []byte, v uint16) []byte { return append(b, byte(v), byte(v>>8)) }

func appendEUI(b []byte, e frame.EUI64) []byte {
	for i := 7; i >= 0; i-- {
		b = append(b, e[i])
	}
	return b
}

// StatusResponse is the one-byte SRSP of AF_REGISTER, AF_DATA_REQUEST, ZDO_MGMT_PERMIT_JOIN_REQ
// and many others.
type StatusResponse struct{ Status Status }

// AppendTo appends the response data to b.
func (r *StatusResponse) AppendTo(b []byte) []byte { return append(b, byte(r.Status)) }

// Parse decodes the response data.
func (r *StatusResponse) Parse(b []byte) error {
	p := payload{op: "status response", b: b}
	r.Status = Status(p.u8("Status"))
	return p.done()
}

// PingResponse is SYS_PING's SRSP.
type PingResponse struct {
	// Capabilities has a bit per subsystem the firmware was built with (MT_CAP_SYS 0x0001,
	// MT_CAP_MAC 0x0002, MT_CAP_NWK 0x0004, MT_CAP_AF 0x0008, MT_CAP_ZDO 0x0010, MT_CAP_SAPI 0x0020,
	// MT_CAP_UTIL 0x0040, MT_CAP_DEBUG 0x0080, MT_CAP_APP 0x0100, MT_CAP_ZOAD 0x1000).
	Capabilities uint16
}

// AppendTo appends the response data to b.
func (r *PingResponse) AppendTo(b []byte) []byte { return appendU16(b, r.Capabilities) }

// Parse decodes the response data.
func (r *PingResponse) Parse(b []byte) error {
	p := payload{op: "SYS_PING response", b: b}
	r.Capabilities = p.u16("Capabilities")
	return p.done()
}

// VersionResponse is SYS_VERSION's SRSP. Z-Stack 3 firmware appends a 4-byte build revision.
type VersionResponse struct {
	TransportRev uint8
	Product      uint8 // 0 Z-Stack 1.2, 1 Z-Stack 3.x, 2 Z-Stack 3.0.x
	Major        uint8
	Minor        uint8
	Maint        uint8
	HasRevision  bool
	Revision     uint32
}

// AppendTo appends the response data to b.
func (r *VersionResponse) AppendTo(b []byte) []byte {
	b = append(b, r.TransportRev, r.Product, r.Major, r.Minor, r.Maint)
	if r.HasRevision {
		b = append(b, byte(r.Revision), byte(r.Revision>>8), byte(r.Revision>>16), byte(r.Revision>>24))
	}
	return b
}

// Parse decodes the response data.
func (r *VersionResponse) Parse(b []byte) error {
	p := payload{op: "SYS_VERSION response", b: b}
	*r = VersionResponse{
		TransportRev: p.u8("TransportRev"), Product: p.u8("Product"),
		Major: p.u8("MajorRel"), Minor: p.u8("MinorRel"), Maint: p.u8("MaintRel"),
	}
	if p.err == nil && len(b) > p.off {
		r.HasRevision = true
		r.Revision = p.u32("Revision")
	}
	return p.done()
}

// ResetType says how SYS_RESET_REQ resets the dongle.
type ResetType uint8

// Reset types.
const (
	HardReset ResetType = 0 // through the watchdog: the whole chip restarts
	SoftReset ResetType = 1 // jump to the reset vector; some dongles without a watchdog only do this
)

// ResetRequest is SYS_RESET_REQ's data.
type ResetRequest struct{ Type ResetType }

// AppendTo appends the request data to b.
func (r *ResetRequest) AppendTo(b []byte) []byte { return append(b, byte(r.Type)) }

// Parse decodes the request data.
func (r *ResetRequest) Parse(b []byte) error {
	p := payload{op: "SYS_RESET_REQ", b: b}
	r.Type = ResetType(p.u8("Type"))
	return p.done()
}

// ResetReason is why the dongle reset, as SYS_RESET_IND reports it.
type ResetReason uint8

// Reset reasons.
const (
	ResetPowerUp  ResetReason = 0
	ResetExternal ResetReason = 1
	ResetWatchdog ResetReason = 2
)

// ResetInd is SYS_RESET_IND's data.
type ResetInd struct {
	Reason       ResetReason
	TransportRev uint8
	Product      uint8
	Major        uint8
	Minor        uint8
	HwRev        uint8
}

// AppendTo appends the indication data to b.
func (r *ResetInd) AppendTo(b []byte) []byte {
	return append(b, byte(r.Reason), r.TransportRev, r.Product, r.Major, r.Minor, r.HwRev)
}

// Parse decodes the indication data.
func (r *ResetInd) Parse(b []byte) error {
	p := payload{op: "SYS_RESET_IND", b: b}
	*r = ResetInd{Reason: ResetReason(p.u8("Reason")), TransportRev: p.u8("TransportRev"),
		Product: p.u8("ProductId"), Major: p.u8("MajorRel"), Minor: p.u8("MinorRel"), HwRev: p.u8("HwRev")}
	return p.done()
}

// MaxClusters is the most clusters, in and out together, one AF_REGISTER frame can list.
const MaxClusters = (MaxData - 9) / 2

// AFRegister is AF_REGISTER's data: an application endpoint and the clusters it serves (in) and
// uses (out).
type AFRegister struct {
	Endpoint      uint8
	Profile       uint16 // ProfileSmartEnergy for a HAN coordinator
	DeviceID      uint16
	DeviceVersion uint8
	Latency       uint8 // 0 no latency, 1 fast beacons, 2 slow beacons
	InClusters    []uint16
	OutClusters   []uint16
}

// AppendTo appends the request data to b.
func (r *AFRegister) AppendTo(b []byte) ([]byte, error) {
	if len(r.InClusters)+len(r.OutClusters) > MaxClusters {
		return b, &Error{Op: "AF_REGISTER", Field: "cluster list", Err: ErrTooLong}
	}
	b = append(b, r.Endpoint)
	b = appendU16(b, r.Profile)
	b = appendU16(b, r.DeviceID)
	b = append(b, r.DeviceVersion, r.Latency, byte(len(r.InClusters)))
	for _, c := range r.InClusters {
		b = appendU16(b, c)
	}
	b = append(b, byte(len(r.OutClusters)))
	for _, c := range r.OutClusters {
		b = appendU16(b, c)
	}
	return b, nil
}

// Parse decodes the request data. The cluster lists reuse the capacity of r's slices.
func (r *AFRegister) Parse(b []byte) error {
	p := payload{op: "AF_REGISTER", b: b}
	r.Endpoint = p.u8("EndPoint")
	r.Profile = p.u16("AppProfId")
	r.DeviceID = p.u16("AppDeviceId")
	r.DeviceVersion = p.u8("AppDevVer")
	r.Latency = p.u8("LatencyReq")
	r.InClusters = p.clusters("AppInClusterList", r.InClusters[:0])
	r.OutClusters = p.clusters("AppOutClusterList", r.OutClusters[:0])
	return p.done()
}

func (p *payload) clusters(field string, dst []uint16) []uint16 {
	n := int(p.u8(field + " count"))
	if !p.need(field, 2*n) {
		return dst
	}
	for range n {
		dst = append(dst, p.u16(field))
	}
	return dst
}

// AF_DATA_REQUEST options.
const (
	AFOptionAckRequest    = 0x10 // APS acknowledgement
	AFOptionDiscoverRoute = 0x20
	AFOptionSecurity      = 0x40 // APS security
)

// AFDataRequest is AF_DATA_REQUEST's data: a frame from a local endpoint to a short address.
type AFDataRequest struct {
	DstAddr     uint16
	DstEndpoint uint8
	SrcEndpoint uint8
	Cluster     uint16
	TransID     uint8 // echoed in the AF_DATA_CONFIRM
	Options     uint8
	Radius      uint8
	Data        []byte // after Parse, aliases the input
}

// MaxAFData is the most data one AF_DATA_REQUEST frame carries.
const MaxAFData = MaxData - 10

// AppendTo appends the request data to b.
func (r *AFDataRequest) AppendTo(b []byte) ([]byte, error) {
	if len(r.Data) > MaxAFData {
		return b, &Error{Op: "AF_DATA_REQUEST", Field: "Data", Err: ErrTooLong}
	}
	b = appendU16(b, r.DstAddr)
	b = append(b, r.DstEndpoint, r.SrcEndpoint)
	b = appendU16(b, r.Cluster)
	b = append(b, r.TransID, r.Options, r.Radius, byte(len(r.Data)))
	return append(b, r.Data...), nil
}

// Parse decodes the request data.
func (r *AFDataRequest) Parse(b []byte) error {
	p := payload{op: "AF_DATA_REQUEST", b: b}
	*r = AFDataRequest{DstAddr: p.u16("DstAddr"), DstEndpoint: p.u8("DstEndpoint"),
		SrcEndpoint: p.u8("SrcEndpoint"), Cluster: p.u16("ClusterID"), TransID: p.u8("TransID"),
		Options: p.u8("Options"), Radius: p.u8("Radius")}
	n := int(p.u8("Len"))
	r.Data = p.bytes("Data", n)
	return p.done()
}

// AFDataConfirm is AF_DATA_CONFIRM's data.
type AFDataConfirm struct {
	Status   Status
	Endpoint uint8
	TransID  uint8
}

// AppendTo appends the indication data to b.
func (r *AFDataConfirm) AppendTo(b []byte) []byte {
	return append(b, byte(r.Status), r.Endpoint, r.TransID)
}

// Parse decodes the indication data.
func (r *AFDataConfirm) Parse(b []byte) error {
	p := payload{op: "AF_DATA_CONFIRM", b: b}
	*r = AFDataConfirm{Status: Status(p.u8("Status")), Endpoint: p.u8("Endpoint"), TransID: p.u8("TransID")}
	return p.done()
}

// AFIncomingMsg is AF_INCOMING_MSG's data. Z-Stack 1.2 and later append the MAC source address and
// the remaining radius after the data; HasMacSrc says whether they were present.
type AFIncomingMsg struct {
	Group        uint16
	Cluster      uint16
	SrcAddr      uint16
	SrcEndpoint  uint8
	DstEndpoint  uint8
	WasBroadcast uint8
	LinkQuality  uint8
	SecurityUse  uint8
	Timestamp    uint32
	TransSeq     uint8
	Data         []byte // after Parse, aliases the input
	HasMacSrc    bool
	MacSrcAddr   uint16
	Radius       uint8
}

// MaxIncomingData is the most data one AF_INCOMING_MSG carries with its trailing MAC fields.
const MaxIncomingData = MaxData - 20

// AppendTo appends the indication data to b.
func (r *AFIncomingMsg) AppendTo(b []byte) ([]byte, error) {
	if len(r.Data) > MaxIncomingData {
		return b, &Error{Op: "AF_INCOMING_MSG", Field: "Data", Err: ErrTooLong}
	}
	b = appendU16(b, r.Group)
	b = appendU16(b, r.Cluster)
	b = appendU16(b, r.SrcAddr)
	b = append(b, r.SrcEndpoint, r.DstEndpoint, r.WasBroadcast, r.LinkQuality, r.SecurityUse)
	b = append(b, byte(r.Timestamp), byte(r.Timestamp>>8), byte(r.Timestamp>>16), byte(r.Timestamp>>24))
	b = append(b, r.TransSeq, byte(len(r.Data)))
	b = append(b, r.Data...)
	if r.HasMacSrc {
		b = appendU16(b, r.MacSrcAddr)
		b = append(b, r.Radius)
	}
	return b, nil
}

// Parse decodes the indication data.
func (r *AFIncomingMsg) Parse(b []byte) error {
	p := payload{op: "AF_INCOMING_MSG", b: b}
	*r = AFIncomingMsg{Group: p.u16("GroupId"), Cluster: p.u16("ClusterId"), SrcAddr: p.u16("SrcAddr"),
		SrcEndpoint: p.u8("SrcEndpoint"), DstEndpoint: p.u8("DstEndpoint"), WasBroadcast: p.u8("WasBroadcast"),
		LinkQuality: p.u8("LinkQuality"), SecurityUse: p.u8("SecurityUse"), Timestamp: p.u32("TimeStamp"),
		TransSeq: p.u8("TransSeqNumber")}
	n := int(p.u8("Len"))
	r.Data = p.bytes("Data", n)
	if p.err == nil && len(b) > p.off {
		r.HasMacSrc = true
		r.MacSrcAddr = p.u16("MacSrcAddr")
		r.Radius = p.u8("MsgResultRadius")
	}
	return p.done()
}

// StartupFromApp is ZDO_STARTUP_FROM_APP's data.
type StartupFromApp struct{ StartDelay uint16 } // milliseconds

// AppendTo appends the request data to b.
func (r *StartupFromApp) AppendTo(b []byte) []byte { return appendU16(b, r.StartDelay) }

// Parse decodes the request data.
func (r *StartupFromApp) Parse(b []byte) error {
	p := payload{op: "ZDO_STARTUP_FROM_APP", b: b}
	r.StartDelay = p.u16("StartDelay")
	return p.done()
}

// StartupStatus is ZDO_STARTUP_FROM_APP's SRSP status.
type StartupStatus uint8

// Startup statuses.
const (
	StartupRestored   StartupStatus = 0 // network state restored from NV
	StartupNew        StartupStatus = 1 // new network state
	StartupNotStarted StartupStatus = 2 // leave and not started
)

// Address modes of ZDO_MGMT_PERMIT_JOIN_REQ.
const (
	AddrModeShort     = 0x02
	AddrModeBroadcast = 0x0F
)

// MgmtPermitJoinReq is ZDO_MGMT_PERMIT_JOIN_REQ's data (the Z-Stack 1.2 and later layout, which
// begins with an address mode).
type MgmtPermitJoinReq struct {
	AddrMode       uint8
	DstAddr        uint16 // 0x0000 the coordinator itself, 0xFFFC every router
	Duration       uint8  // seconds; 0 closes, 0xFF opens until closed
	TCSignificance uint8
}

// AppendTo appends the request data to b.
func (r *MgmtPermitJoinReq) AppendTo(b []byte) []byte {
	b = append(b, r.AddrMode)
	b = appendU16(b, r.DstAddr)
	return append(b, r.Duration, r.TCSignificance)
}

// Parse decodes the request data.
func (r *MgmtPermitJoinReq) Parse(b []byte) error {
	p := payload{op: "ZDO_MGMT_PERMIT_JOIN_REQ", b: b}
	*r = MgmtPermitJoinReq{AddrMode: p.u8("AddrMode"), DstAddr: p.u16("DstAddr"),
		Duration: p.u8("Duration"), TCSignificance: p.u8("TCSignificance")}
	return p.done()
}

// DeviceState is the ZDO state ZDO_STATE_CHANGE_IND reports.
type DeviceState uint8

// Device states (Z-Stack ZDApp.h devStates_t).
const (
	DevHold            DeviceState = 0
	DevInit            DeviceState = 1
	DevNwkDisc         DeviceState = 2
	DevNwkJoining      DeviceState = 3
	DevNwkRejoin       DeviceState = 4
	DevEndDeviceUnauth DeviceState = 5
	DevEndDevice       DeviceState = 6
	DevRouter          DeviceState = 7
	DevCoordStarting   DeviceState = 8
	DevZBCoord         DeviceState = 9 // started as the network's coordinator
	DevNwkOrphan       DeviceState = 10
)

// StateChangeInd is ZDO_STATE_CHANGE_IND's data.
type StateChangeInd struct{ State DeviceState }

// AppendTo appends the indication data to b.
func (r *StateChangeInd) AppendTo(b []byte) []byte { return append(b, byte(r.State)) }

// Parse decodes the indication data.
func (r *StateChangeInd) Parse(b []byte) error {
	p := payload{op: "ZDO_STATE_CHANGE_IND", b: b}
	r.State = DeviceState(p.u8("State"))
	return p.done()
}

// EndDeviceAnnceInd is ZDO_END_DEVICE_ANNCE_IND's data: a device joined or rejoined.
type EndDeviceAnnceInd struct {
	SrcAddr      uint16
	NwkAddr      uint16
	IEEEAddr     frame.EUI64
	Capabilities uint8 // MAC capability flags; bit 3 set means receiver on when idle (not sleepy)
}

// AppendTo appends the indication data to b.
func (r *EndDeviceAnnceInd) AppendTo(b []byte) []byte {
	b = appendU16(b, r.SrcAddr)
	b = appendU16(b, r.NwkAddr)
	b = appendEUI(b, r.IEEEAddr)
	return append(b, r.Capabilities)
}

// Parse decodes the indication data.
func (r *EndDeviceAnnceInd) Parse(b []byte) error {
	p := payload{op: "ZDO_END_DEVICE_ANNCE_IND", b: b}
	*r = EndDeviceAnnceInd{SrcAddr: p.u16("SrcAddr"), NwkAddr: p.u16("NwkAddr"), IEEEAddr: p.eui("IEEEAddr"),
		Capabilities: p.u8("Capabilities")}
	return p.done()
}

// Sleepy reports whether the announcing device turns its receiver off when idle.
func (r *EndDeviceAnnceInd) Sleepy() bool { return r.Capabilities&0x08 == 0 }

// MgmtPermitJoinRsp is ZDO_MGMT_PERMIT_JOIN_RSP's data.
type MgmtPermitJoinRsp struct {
	SrcAddr uint16
	Status  Status
}

// AppendTo appends the indication data to b.
func (r *MgmtPermitJoinRsp) AppendTo(b []byte) []byte {
	return append(appendU16(b, r.SrcAddr), byte(r.Status))
}

// Parse decodes the indication data.
func (r *MgmtPermitJoinRsp) Parse(b []byte) error {
	p := payload{op: "ZDO_MGMT_PERMIT_JOIN_RSP", b: b}
	*r = MgmtPermitJoinRsp{SrcAddr: p.u16("SrcAddr"), Status: Status(p.u8("Status"))}
	return p.done()
}

// RPCErrorCode is the reason in the dongle's RPC error SRSP.
type RPCErrorCode uint8

// RPC error codes.
const (
	RPCInvalidSubsystem RPCErrorCode = 1
	RPCInvalidCommandID RPCErrorCode = 2
	RPCInvalidParameter RPCErrorCode = 3
	RPCInvalidLength    RPCErrorCode = 4
)

// RPCErrorResponse is the data of the RPC error SRSP: the reason and the request's command bytes.
type RPCErrorResponse struct {
	Code RPCErrorCode
	Cmd0 uint8
	Cmd1 uint8
}

// AppendTo appends the response data to b.
func (r *RPCErrorResponse) AppendTo(b []byte) []byte { return append(b, byte(r.Code), r.Cmd0, r.Cmd1) }

// Parse decodes the response data.
func (r *RPCErrorResponse) Parse(b []byte) error {
	p := payload{op: "RPC_ERROR", b: b}
	*r = RPCErrorResponse{Code: RPCErrorCode(p.u8("ErrorCode")), Cmd0: p.u8("ReqCmd0"), Cmd1: p.u8("ReqCmd1")}
	return p.done()
}
