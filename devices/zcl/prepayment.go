package zcl

// Prepayment cluster command identifiers (SE §D.7), by direction.
const (
	CmdSelectAvailableEmergencyCredit uint8 = 0x00 // client→server
	CmdChangeDebt                     uint8 = 0x02 // client→server
	CmdEmergencyCreditSetup           uint8 = 0x03 // client→server
	CmdConsumerTopUp                  uint8 = 0x04 // client→server
	CmdCreditAdjustment               uint8 = 0x05 // client→server
	CmdGetTopUpLog                    uint8 = 0x08 // client→server
	CmdSetLowCreditWarningLevel       uint8 = 0x09 // client→server

	CmdConsumerTopUpResponse uint8 = 0x03 // server→client
	CmdPublishTopUpLog       uint8 = 0x05 // server→client
)

// Originating devices of prepayment commands.
const (
	OriginEnergyServiceInterface = 0x00
	OriginMeter                  = 0x01
	OriginIHD                    = 0x02
)

// Consumer Top Up Response result types (SE Table D-154).
const (
	TopUpAccepted               = 0x00
	TopUpRejectedInvalid        = 0x01
	TopUpRejectedDuplicate      = 0x02
	TopUpRejectedError          = 0x03
	TopUpRejectedMaxCredit      = 0x04
	TopUpRejectedKeypadLock     = 0x05
	TopUpRejectedTooLarge       = 0x06
	TopUpAcceptedSupplyEnabled  = 0x10
	TopUpAcceptedSupplyDisabled = 0x11
	TopUpAcceptedSupplyArmed    = 0x12
)

// maxDebtLabel is the longest debt label SE allows.
const maxDebtLabel = 12

// SelectAvailableEmergencyCredit is the consumer accepting emergency credit.
type SelectAvailableEmergencyCredit struct {
	CommandIssueDateTime UTCTime
	OriginatingDevice    uint8 // OriginEnergyServiceInterface, OriginMeter or OriginIHD
}

// CommandID returns CmdSelectAvailableEmergencyCredit.
func (*SelectAvailableEmergencyCredit) CommandID() uint8 { return CmdSelectAvailableEmergencyCredit }

// ClusterID returns ClusterPrepayment.
func (*SelectAvailableEmergencyCredit) ClusterID() uint16 { return ClusterPrepayment }

// Direction returns ClientToServer.
func (*SelectAvailableEmergencyCredit) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *SelectAvailableEmergencyCredit) AppendTo(b []byte) ([]byte, error) {
	return append(appendU32(b, uint32(c.CommandIssueDateTime)), c.OriginatingDevice), nil
}

// Parse decodes the payload.
func (c *SelectAvailableEmergencyCredit) Parse(b []byte) error {
	r := newReader("SelectAvailableEmergencyCredit", b)
	c.CommandIssueDateTime = r.utc("CommandIssueDateTime")
	c.OriginatingDevice = r.u8("OriginatingDevice")
	return r.err
}

// ChangeDebt sets up or changes one of the meter's debts and how it is recovered.
//
// Two fields differ from what tshark 4.0 shows. DebtRecoveryBalancePercentage is a uint16 (percent
// with two decimal places), as SE implementations generated from the specification's tables and the
// dissector's own field definition have it, but the dissector reads only one octet for it, so it
// shows the low octet and leaves the high one undissected. DebtAmount and DebtRecoveryAmount are
// unsigned in those implementations and signed in the dissector; the octets are the same, and values
// below 2^31 display alike.
type ChangeDebt struct {
	IssuerEventID                 uint32
	DebtLabel                     []byte // at most 12 octets; aliases the input when parsed
	DebtAmount                    uint32
	DebtRecoveryMethod            uint8 // 0 time based, 1 percentage based, 2 catch-up
	DebtAmountType                uint8 // 0 absolute debt 1, 1 incremental debt 1, … up to debt 3
	DebtRecoveryStartTime         UTCTime
	DebtRecoveryCollectionTime    uint16 // minutes after midnight
	DebtRecoveryFrequency         uint8  // 0 per hour, 1 per day, 2 per week, 3 per month, 4 per quarter
	DebtRecoveryAmount            uint32
	DebtRecoveryBalancePercentage uint16
}

// CommandID returns CmdChangeDebt.
func (*ChangeDebt) CommandID() uint8 { return CmdChangeDebt }

// ClusterID returns ClusterPrepayment.
func (*ChangeDebt) ClusterID() uint16 { return ClusterPrepayment }

// Direction returns ClientToServer.
func (*ChangeDebt) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *ChangeDebt) AppendTo(b []byte) ([]byte, error) {
	const cmd = "ChangeDebt"
	if len(c.DebtLabel) > maxDebtLabel {
		return b, encodeError(cmd, "DebtLabel", ErrRange)
	}
	b = appendU32(b, c.IssuerEventID)
	b, _ = appendStr(b, c.DebtLabel, maxDebtLabel, cmd, "DebtLabel")
	b = appendU32(b, c.DebtAmount)
	b = append(b, c.DebtRecoveryMethod, c.DebtAmountType)
	b = appendU32(b, uint32(c.DebtRecoveryStartTime))
	b = appendU16(b, c.DebtRecoveryCollectionTime)
	b = append(b, c.DebtRecoveryFrequency)
	b = appendU32(b, c.DebtRecoveryAmount)
	return appendU16(b, c.DebtRecoveryBalancePercentage), nil
}

// Parse decodes the payload.
func (c *ChangeDebt) Parse(b []byte) error {
	r := newReader("ChangeDebt", b)
	c.IssuerEventID = r.u32("IssuerEventID")
	c.DebtLabel = r.str("DebtLabel", maxDebtLabel)
	c.DebtAmount = r.u32("DebtAmount")
	c.DebtRecoveryMethod = r.u8("DebtRecoveryMethod")
	c.DebtAmountType = r.u8("DebtAmountType")
	c.DebtRecoveryStartTime = r.utc("DebtRecoveryStartTime")
	c.DebtRecoveryCollectionTime = r.u16("DebtRecoveryCollectionTime")
	c.DebtRecoveryFrequency = r.u8("DebtRecoveryFrequency")
	c.DebtRecoveryAmount = r.u32("DebtRecoveryAmount")
	c.DebtRecoveryBalancePercentage = r.u16("DebtRecoveryBalancePercentage")
	return r.err
}

// EmergencyCreditSetup sets the emergency credit the meter offers from StartTime.
type EmergencyCreditSetup struct {
	IssuerEventID            uint32
	StartTime                UTCTime
	EmergencyCreditLimit     uint32
	EmergencyCreditThreshold uint32
}

// CommandID returns CmdEmergencyCreditSetup.
func (*EmergencyCreditSetup) CommandID() uint8 { return CmdEmergencyCreditSetup }

// ClusterID returns ClusterPrepayment.
func (*EmergencyCreditSetup) ClusterID() uint16 { return ClusterPrepayment }

// Direction returns ClientToServer.
func (*EmergencyCreditSetup) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *EmergencyCreditSetup) AppendTo(b []byte) ([]byte, error) {
	b = appendU32(b, c.IssuerEventID)
	b = appendU32(b, uint32(c.StartTime))
	b = appendU32(b, c.EmergencyCreditLimit)
	return appendU32(b, c.EmergencyCreditThreshold), nil
}

// Parse decodes the payload.
func (c *EmergencyCreditSetup) Parse(b []byte) error {
	r := newReader("EmergencyCreditSetup", b)
	c.IssuerEventID = r.u32("IssuerEventID")
	c.StartTime = r.utc("StartTime")
	c.EmergencyCreditLimit = r.u32("EmergencyCreditLimit")
	c.EmergencyCreditThreshold = r.u32("EmergencyCreditThreshold")
	return r.err
}

// ConsumerTopUp carries a top-up code the consumer entered, for GB prepayment a 20-digit UTRN
// sent as ASCII digits.
type ConsumerTopUp struct {
	OriginatingDevice uint8  // OriginEnergyServiceInterface, OriginMeter or OriginIHD
	TopUpCode         []byte // octet string; aliases the input when parsed
}

// CommandID returns CmdConsumerTopUp.
func (*ConsumerTopUp) CommandID() uint8 { return CmdConsumerTopUp }

// ClusterID returns ClusterPrepayment.
func (*ConsumerTopUp) ClusterID() uint16 { return ClusterPrepayment }

// Direction returns ClientToServer.
func (*ConsumerTopUp) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *ConsumerTopUp) AppendTo(b []byte) ([]byte, error) {
	if len(c.TopUpCode) > maxString {
		return b, encodeError("ConsumerTopUp", "TopUpCode", ErrRange)
	}
	b = append(b, c.OriginatingDevice)
	return appendStr(b, c.TopUpCode, maxString, "ConsumerTopUp", "TopUpCode")
}

// Parse decodes the payload.
func (c *ConsumerTopUp) Parse(b []byte) error {
	r := newReader("ConsumerTopUp", b)
	c.OriginatingDevice = r.u8("OriginatingDevice")
	c.TopUpCode = r.str("TopUpCode", maxString)
	return r.err
}

// CreditAdjustment changes the credit balance by a signed amount from StartTime.
type CreditAdjustment struct {
	IssuerEventID         uint32
	StartTime             UTCTime
	CreditAdjustmentType  uint8 // 0 incremental, 1 absolute
	CreditAdjustmentValue int32
}

// CommandID returns CmdCreditAdjustment.
func (*CreditAdjustment) CommandID() uint8 { return CmdCreditAdjustment }

// ClusterID returns ClusterPrepayment.
func (*CreditAdjustment) ClusterID() uint16 { return ClusterPrepayment }

// Direction returns ClientToServer.
func (*CreditAdjustment) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *CreditAdjustment) AppendTo(b []byte) ([]byte, error) {
	b = appendU32(b, c.IssuerEventID)
	b = appendU32(b, uint32(c.StartTime))
	b = append(b, c.CreditAdjustmentType)
	return appendU32(b, uint32(c.CreditAdjustmentValue)), nil
}

// Parse decodes the payload.
func (c *CreditAdjustment) Parse(b []byte) error {
	r := newReader("CreditAdjustment", b)
	c.IssuerEventID = r.u32("IssuerEventID")
	c.StartTime = r.utc("StartTime")
	c.CreditAdjustmentType = r.u8("CreditAdjustmentType")
	c.CreditAdjustmentValue = r.i32("CreditAdjustmentValue")
	return r.err
}

// GetTopUpLog asks for up to NumberOfRecords top-ups made at or before LatestEndTime.
type GetTopUpLog struct {
	LatestEndTime   UTCTime
	NumberOfRecords uint8
}

// CommandID returns CmdGetTopUpLog.
func (*GetTopUpLog) CommandID() uint8 { return CmdGetTopUpLog }

// ClusterID returns ClusterPrepayment.
func (*GetTopUpLog) ClusterID() uint16 { return ClusterPrepayment }

// Direction returns ClientToServer.
func (*GetTopUpLog) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *GetTopUpLog) AppendTo(b []byte) ([]byte, error) {
	return append(appendU32(b, uint32(c.LatestEndTime)), c.NumberOfRecords), nil
}

// Parse decodes the payload.
func (c *GetTopUpLog) Parse(b []byte) error {
	r := newReader("GetTopUpLog", b)
	c.LatestEndTime = r.utc("LatestEndTime")
	c.NumberOfRecords = r.u8("NumberOfRecords")
	return r.err
}

// SetLowCreditWarningLevel sets the credit below which the meter warns the consumer.
type SetLowCreditWarningLevel struct {
	LowCreditWarningLevel uint32
}

// CommandID returns CmdSetLowCreditWarningLevel.
func (*SetLowCreditWarningLevel) CommandID() uint8 { return CmdSetLowCreditWarningLevel }

// ClusterID returns ClusterPrepayment.
func (*SetLowCreditWarningLevel) ClusterID() uint16 { return ClusterPrepayment }

// Direction returns ClientToServer.
func (*SetLowCreditWarningLevel) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *SetLowCreditWarningLevel) AppendTo(b []byte) ([]byte, error) {
	return appendU32(b, c.LowCreditWarningLevel), nil
}

// Parse decodes the payload.
func (c *SetLowCreditWarningLevel) Parse(b []byte) error {
	r := newReader("SetLowCreditWarningLevel", b)
	c.LowCreditWarningLevel = r.u32("LowCreditWarningLevel")
	return r.err
}

// ConsumerTopUpResponse tells the consumer's device whether a top-up was accepted.
type ConsumerTopUpResponse struct {
	ResultType      uint8 // TopUpAccepted…
	TopUpValue      int32
	SourceOfTopUp   uint8 // OriginEnergyServiceInterface, OriginMeter or OriginIHD
	CreditRemaining int32
}

// CommandID returns CmdConsumerTopUpResponse.
func (*ConsumerTopUpResponse) CommandID() uint8 { return CmdConsumerTopUpResponse }

// ClusterID returns ClusterPrepayment.
func (*ConsumerTopUpResponse) ClusterID() uint16 { return ClusterPrepayment }

// Direction returns ServerToClient.
func (*ConsumerTopUpResponse) Direction() Direction { return ServerToClient }

// AppendTo appends the payload to b.
func (c *ConsumerTopUpResponse) AppendTo(b []byte) ([]byte, error) {
	b = append(b, c.ResultType)
	b = appendU32(b, uint32(c.TopUpValue))
	b = append(b, c.SourceOfTopUp)
	return appendU32(b, uint32(c.CreditRemaining)), nil
}

// Parse decodes the payload.
func (c *ConsumerTopUpResponse) Parse(b []byte) error {
	r := newReader("ConsumerTopUpResponse", b)
	c.ResultType = r.u8("ResultType")
	c.TopUpValue = r.i32("TopUpValue")
	c.SourceOfTopUp = r.u8("SourceOfTopUp")
	c.CreditRemaining = r.i32("CreditRemaining")
	return r.err
}

// TopUpLogEntry is one top-up of Publish Top Up Log.
type TopUpLogEntry struct {
	TopUpCode   []byte // aliases the input when parsed
	TopUpAmount int32
	TopUpTime   UTCTime
}

// PublishTopUpLog answers GetTopUpLog; a long log is split across commands numbered by CommandIndex.
// The entries run to the end of the payload.
type PublishTopUpLog struct {
	CommandIndex          uint8
	TotalNumberOfCommands uint8
	Entries               []TopUpLogEntry
}

// CommandID returns CmdPublishTopUpLog.
func (*PublishTopUpLog) CommandID() uint8 { return CmdPublishTopUpLog }

// ClusterID returns ClusterPrepayment.
func (*PublishTopUpLog) ClusterID() uint16 { return ClusterPrepayment }

// Direction returns ServerToClient.
func (*PublishTopUpLog) Direction() Direction { return ServerToClient }

// AppendTo appends the payload to b.
func (c *PublishTopUpLog) AppendTo(b []byte) ([]byte, error) {
	for i := range c.Entries {
		if len(c.Entries[i].TopUpCode) > maxString {
			return b, encodeError("PublishTopUpLog", "TopUpCode", ErrRange)
		}
	}
	b = append(b, c.CommandIndex, c.TotalNumberOfCommands)
	for i := range c.Entries {
		e := &c.Entries[i]
		b, _ = appendStr(b, e.TopUpCode, maxString, "PublishTopUpLog", "TopUpCode")
		b = appendU32(b, uint32(e.TopUpAmount))
		b = appendU32(b, uint32(e.TopUpTime))
	}
	return b, nil
}

// Parse decodes the payload, appending to the capacity c.Entries already holds.
func (c *PublishTopUpLog) Parse(b []byte) error {
	r := newReader("PublishTopUpLog", b)
	c.CommandIndex = r.u8("CommandIndex")
	c.TotalNumberOfCommands = r.u8("TotalNumberOfCommands")
	c.Entries = c.Entries[:0]
	for r.more() {
		var e TopUpLogEntry
		e.TopUpCode = r.str("TopUpCode", maxString)
		e.TopUpAmount = r.i32("TopUpAmount")
		e.TopUpTime = r.utc("TopUpTime")
		if r.err != nil {
			break
		}
		c.Entries = append(c.Entries, e)
	}
	return r.err
}
