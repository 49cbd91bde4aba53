package zcl

// Messaging cluster command identifiers (SE §D.5), by direction.
const (
	CmdDisplayMessage    uint8 = 0x00 // server→client
	CmdCancelMessage     uint8 = 0x01 // server→client
	CmdCancelAllMessages uint8 = 0x03 // server→client

	CmdGetLastMessage      uint8 = 0x00 // client→server
	CmdMessageConfirmation uint8 = 0x01 // client→server
)

// Message control bits of DisplayMessage.
const (
	MessageTransmissionMask   = 0x03 // 0 normal, 1 normal and inter-PAN, 2 inter-PAN only
	MessageImportanceMask     = 0x0c // 0 low, 1 medium, 2 high, 3 critical, shifted left 2
	MessageEnhancedConfirm    = 0x20
	MessageConfirmRequired    = 0x80
	MessageImportanceLow      = 0x00
	MessageImportanceMedium   = 0x04
	MessageImportanceHigh     = 0x08
	MessageImportanceCritical = 0x0c
)

// maxConfirmationResponse is the longest message response SE allows in Message Confirmation.
const maxConfirmationResponse = 20

// DisplayMessage asks a display to show Message from StartTime for DurationInMinutes.
type DisplayMessage struct {
	MessageID         uint32
	MessageControl    uint8
	StartTime         UTCTime // 0: now
	DurationInMinutes uint16  // 0xFFFF: until changed
	Message           []byte  // character string; aliases the input when parsed
	// HasExtendedControl puts ExtendedMessageControl (SE 1.2) on the wire; SE 1.0 and 1.1 end the
	// payload after Message.
	HasExtendedControl     bool
	ExtendedMessageControl uint8 // bit 0: message confirmed
}

// CommandID returns CmdDisplayMessage.
func (*DisplayMessage) CommandID() uint8 { return CmdDisplayMessage }

// ClusterID returns ClusterMessaging.
func (*DisplayMessage) ClusterID() uint16 { return ClusterMessaging }

// Direction returns ServerToClient.
func (*DisplayMessage) Direction() Direction { return ServerToClient }

// AppendTo appends the payload to b.
func (c *DisplayMessage) AppendTo(b []byte) ([]byte, error) {
	const cmd = "DisplayMessage"
	if !c.HasExtendedControl && c.ExtendedMessageControl != 0 {
		return b, encodeError(cmd, "ExtendedMessageControl", ErrInvalid)
	}
	if len(c.Message) > maxString {
		return b, encodeError(cmd, "Message", ErrRange)
	}
	b = appendU32(b, c.MessageID)
	b = append(b, c.MessageControl)
	b = appendU32(b, uint32(c.StartTime))
	b = appendU16(b, c.DurationInMinutes)
	b, _ = appendStr(b, c.Message, maxString, cmd, "Message")
	if c.HasExtendedControl {
		b = append(b, c.ExtendedMessageControl)
	}
	return b, nil
}

// Parse decodes the payload.
func (c *DisplayMessage) Parse(b []byte) error {
	r := newReader("DisplayMessage", b)
	c.MessageID = r.u32("MessageID")
	c.MessageControl = r.u8("MessageControl")
	c.StartTime = r.utc("StartTime")
	c.DurationInMinutes = r.u16("DurationInMinutes")
	c.Message = r.str("Message", maxString)
	c.HasExtendedControl = r.more()
	c.ExtendedMessageControl = 0
	if c.HasExtendedControl {
		c.ExtendedMessageControl = r.u8("ExtendedMessageControl")
	}
	return r.err
}

// CancelMessage withdraws a message. SE 1.2 deprecates MessageControl here and tshark warns unless
// it is 0.
type CancelMessage struct {
	MessageID      uint32
	MessageControl uint8
}

// CommandID returns CmdCancelMessage.
func (*CancelMessage) CommandID() uint8 { return CmdCancelMessage }

// ClusterID returns ClusterMessaging.
func (*CancelMessage) ClusterID() uint16 { return ClusterMessaging }

// Direction returns ServerToClient.
func (*CancelMessage) Direction() Direction { return ServerToClient }

// AppendTo appends the payload to b.
func (c *CancelMessage) AppendTo(b []byte) ([]byte, error) {
	return append(appendU32(b, c.MessageID), c.MessageControl), nil
}

// Parse decodes the payload.
func (c *CancelMessage) Parse(b []byte) error {
	r := newReader("CancelMessage", b)
	c.MessageID = r.u32("MessageID")
	c.MessageControl = r.u8("MessageControl")
	return r.err
}

// CancelAllMessages withdraws every message from ImplementationDateTime (SE 1.2).
type CancelAllMessages struct {
	ImplementationDateTime UTCTime
}

// CommandID returns CmdCancelAllMessages.
func (*CancelAllMessages) CommandID() uint8 { return CmdCancelAllMessages }

// ClusterID returns ClusterMessaging.
func (*CancelAllMessages) ClusterID() uint16 { return ClusterMessaging }

// Direction returns ServerToClient.
func (*CancelAllMessages) Direction() Direction { return ServerToClient }

// AppendTo appends the payload to b.
func (c *CancelAllMessages) AppendTo(b []byte) ([]byte, error) {
	return appendU32(b, uint32(c.ImplementationDateTime)), nil
}

// Parse decodes the payload.
func (c *CancelAllMessages) Parse(b []byte) error {
	r := newReader("CancelAllMessages", b)
	c.ImplementationDateTime = r.utc("ImplementationDateTime")
	return r.err
}

// GetLastMessage asks the server to resend its current message; it has no payload.
type GetLastMessage struct{}

// CommandID returns CmdGetLastMessage.
func (*GetLastMessage) CommandID() uint8 { return CmdGetLastMessage }

// ClusterID returns ClusterMessaging.
func (*GetLastMessage) ClusterID() uint16 { return ClusterMessaging }

// Direction returns ClientToServer.
func (*GetLastMessage) Direction() Direction { return ClientToServer }

// AppendTo appends the (empty) payload to b.
func (*GetLastMessage) AppendTo(b []byte) ([]byte, error) { return b, nil }

// Parse accepts any payload: there are no fields.
func (*GetLastMessage) Parse([]byte) error { return nil }

// MessageConfirmation tells the server the consumer has seen a message that asked for confirmation.
//
// SE 1.2 appends a confirmation control octet and then a response string of at most 20 octets, each
// optional after the one before; HasControl and HasResponse say which are on the wire. tshark 4.0
// dissects both, showing the response in the zbee_zcl_se.msg.message field.
type MessageConfirmation struct {
	MessageID           uint32
	ConfirmationTime    UTCTime
	HasControl          bool
	ConfirmationControl uint8 // bit 0: the answer is "no" rather than "yes"
	HasResponse         bool  // requires HasControl
	Response            []byte
}

// CommandID returns CmdMessageConfirmation.
func (*MessageConfirmation) CommandID() uint8 { return CmdMessageConfirmation }

// ClusterID returns ClusterMessaging.
func (*MessageConfirmation) ClusterID() uint16 { return ClusterMessaging }

// Direction returns ClientToServer.
func (*MessageConfirmation) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *MessageConfirmation) AppendTo(b []byte) ([]byte, error) {
	const cmd = "MessageConfirmation"
	switch {
	case !c.HasControl && (c.ConfirmationControl != 0 || c.HasResponse):
		return b, encodeError(cmd, "HasControl", ErrInvalid)
	case !c.HasResponse && len(c.Response) != 0:
		return b, encodeError(cmd, "HasResponse", ErrInvalid)
	case len(c.Response) > maxConfirmationResponse:
		return b, encodeError(cmd, "Response", ErrRange)
	}
	b = appendU32(b, c.MessageID)
	b = appendU32(b, uint32(c.ConfirmationTime))
	if c.HasControl {
		b = append(b, c.ConfirmationControl)
	}
	if c.HasResponse {
		b, _ = appendStr(b, c.Response, maxConfirmationResponse, cmd, "Response")
	}
	return b, nil
}

// Parse decodes the payload.
func (c *MessageConfirmation) Parse(b []byte) error {
	r := newReader("MessageConfirmation", b)
	*c = MessageConfirmation{MessageID: r.u32("MessageID"), ConfirmationTime: r.utc("ConfirmationTime")}
	if c.HasControl = r.more(); c.HasControl {
		c.ConfirmationControl = r.u8("ConfirmationControl")
	}
	if c.HasResponse = r.more(); c.HasResponse {
		c.Response = r.str("Response", maxConfirmationResponse)
	}
	return r.err
}
