package znp

// The MT commands this package speaks, as the Z-Stack Monitor and Test API (TI SWRA198) numbers
// them. An SREQ's SRSP has the same subsystem and ID; Command.Response makes it.
var (
	// SYS_RESET_REQ (AREQ): reset the dongle; it answers with SYS_RESET_IND.
	CmdSysResetReq = Command{AREQ, SYS, 0x00}
	// SYS_PING: the SRSP carries the capabilities bitmap (which subsystems the firmware has).
	CmdSysPing = Command{SREQ, SYS, 0x01}
	// SYS_VERSION: transport revision, product and release numbers.
	CmdSysVersion = Command{SREQ, SYS, 0x02}
	// SYS_RESET_IND (AREQ): the dongle has started, with the reason and its version.
	CmdSysResetInd = Command{AREQ, SYS, 0x80}

	// AF_REGISTER: register an application endpoint and its clusters.
	CmdAFRegister = Command{SREQ, AF, 0x00}
	// AF_DATA_REQUEST: send an APS data frame; AF_DATA_CONFIRM follows.
	CmdAFDataRequest = Command{SREQ, AF, 0x01}
	// AF_DATA_CONFIRM (AREQ): the outcome of an AF_DATA_REQUEST.
	CmdAFDataConfirm = Command{AREQ, AF, 0x80}
	// AF_INCOMING_MSG (AREQ): an APS data frame arrived for a registered endpoint.
	CmdAFIncomingMsg = Command{AREQ, AF, 0x81}

	// ZDO_MGMT_PERMIT_JOIN_REQ: open or close the network for joining.
	CmdZDOMgmtPermitJoinReq = Command{SREQ, ZDO, 0x36}
	// ZDO_STARTUP_FROM_APP: start the device in the network from its NV configuration.
	CmdZDOStartupFromApp = Command{SREQ, ZDO, 0x40}
	// ZDO_MGMT_PERMIT_JOIN_RSP (AREQ): the target's answer to a permit-join request.
	CmdZDOMgmtPermitJoinRsp = Command{AREQ, ZDO, 0xB6}
	// ZDO_STATE_CHANGE_IND (AREQ): the device's ZDO state changed.
	CmdZDOStateChangeInd = Command{AREQ, ZDO, 0xC0}
	// ZDO_END_DEVICE_ANNCE_IND (AREQ): a device announced itself on joining or rejoining.
	CmdZDOEndDeviceAnnceInd = Command{AREQ, ZDO, 0xC1}

	// CmdRPCError is the SRSP the dongle sends for a request it could not parse.
	CmdRPCError = Command{SRSP, RES0, 0x00}
)

var commandNames = map[Command]string{
	CmdSysResetReq:          "SYS_RESET_REQ",
	CmdSysPing:              "SYS_PING",
	CmdSysVersion:           "SYS_VERSION",
	CmdSysResetInd:          "SYS_RESET_IND",
	CmdAFRegister:           "AF_REGISTER",
	CmdAFDataRequest:        "AF_DATA_REQUEST",
	CmdAFDataConfirm:        "AF_DATA_CONFIRM",
	CmdAFIncomingMsg:        "AF_INCOMING_MSG",
	CmdZDOMgmtPermitJoinReq: "ZDO_MGMT_PERMIT_JOIN_REQ",
	CmdZDOStartupFromApp:    "ZDO_STARTUP_FROM_APP",
	CmdZDOMgmtPermitJoinRsp: "ZDO_MGMT_PERMIT_JOIN_RSP",
	CmdZDOStateChangeInd:    "ZDO_STATE_CHANGE_IND",
	CmdZDOEndDeviceAnnceInd: "ZDO_END_DEVICE_ANNCE_IND",
	CmdRPCError:             "RPC_ERROR",
}
