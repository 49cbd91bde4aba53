package zcl

// Command is a decoded ZCL command payload: every command type in this package implements it with a
// pointer receiver.
type Command interface {
	// CommandID returns the command identifier the ZCL header carries for this command.
	CommandID() uint8
	// AppendTo appends the command payload (without the ZCL header) to b. On error it returns b
	// unchanged.
	AppendTo(b []byte) ([]byte, error)
	// Parse decodes a command payload. Octet and character strings in the result alias b, and lists
	// are appended to the capacity the command already holds, so a command parsed repeatedly into the
	// same value allocates nothing once its lists have grown. On error the contents are unspecified.
	Parse(b []byte) error
}

// ClusterCommand is a cluster-specific command, which belongs to one cluster and one direction.
// Commands that implement only Command are profile-wide and valid on any cluster in either direction.
type ClusterCommand interface {
	Command
	ClusterID() uint16
	Direction() Direction
}

// AppendFrame appends a ZCL frame, the header h followed by c's payload, to b. It sets h's command
// identifier and frame type from c and, for a cluster-specific command, its direction, so that the
// header always agrees with the payload; the caller chooses the sequence number, the
// disable-default-response bit and, for profile-wide commands, the direction. On error it returns b
// unchanged.
func AppendFrame(b []byte, h Header, c Command) ([]byte, error) {
	h.Command = c.CommandID()
	h.FrameType = FrameProfileWide
	if cc, ok := c.(ClusterCommand); ok {
		h.FrameType = FrameClusterSpecific
		h.Direction = cc.Direction()
	}
	start := len(b)
	b = h.AppendTo(b)
	b, err := c.AppendTo(b)
	if err != nil {
		return b[:start], err
	}
	return b, nil
}

// NewCommand returns a new, zero command of the kind that h and cluster identify, or nil when this
// package does not implement it. Manufacturer-specific frames always give nil: their command
// identifiers belong to the manufacturer.
func NewCommand(cluster uint16, h Header) Command {
	if h.ManufacturerSpecific {
		return nil
	}
	if h.FrameType == FrameProfileWide {
		switch h.Command {
		case CmdReadAttributes:
			return new(ReadAttributes)
		case CmdReadAttributesResponse:
			return new(ReadAttributesResponse)
		case CmdWriteAttributes:
			return new(WriteAttributes)
		case CmdWriteAttributesResponse:
			return new(WriteAttributesResponse)
		case CmdConfigureReporting:
			return new(ConfigureReporting)
		case CmdConfigureReportingResponse:
			return new(ConfigureReportingResponse)
		case CmdReportAttributes:
			return new(ReportAttributes)
		case CmdDefaultResponse:
			return new(DefaultResponse)
		}
		return nil
	}
	if h.FrameType != FrameClusterSpecific {
		return nil
	}
	toServer := h.Direction == ClientToServer
	switch cluster {
	case ClusterIdentify:
		switch {
		case toServer && h.Command == CmdIdentify:
			return new(Identify)
		case toServer && h.Command == CmdIdentifyQuery:
			return new(IdentifyQuery)
		case !toServer && h.Command == CmdIdentifyQueryResponse:
			return new(IdentifyQueryResponse)
		}
	case ClusterPrice:
		if toServer {
			switch h.Command {
			case CmdGetCurrentPrice:
				return new(GetCurrentPrice)
			case CmdGetScheduledPrices:
				return new(GetScheduledPrices)
			case CmdPriceAcknowledgement:
				return new(PriceAcknowledgement)
			case CmdGetConversionFactor:
				return new(GetConversionFactor)
			case CmdGetCalorificValue:
				return new(GetCalorificValue)
			case CmdGetBlockThresholds:
				return new(GetBlockThresholds)
			}
			return nil
		}
		switch h.Command {
		case CmdPublishPrice:
			return new(PublishPrice)
		case CmdPublishConversionFactor:
			return new(PublishConversionFactor)
		case CmdPublishCalorificValue:
			return new(PublishCalorificValue)
		case CmdPublishBlockThresholds:
			return new(PublishBlockThresholds)
		}
	case ClusterMetering:
		if toServer {
			switch h.Command {
			case CmdGetProfile:
				return new(GetProfile)
			case CmdChangeSupply:
				return new(ChangeSupply)
			case CmdLocalChangeSupply:
				return new(LocalChangeSupply)
			}
			return nil
		}
		switch h.Command {
		case CmdGetProfileResponse:
			return new(GetProfileResponse)
		case CmdSupplyStatusResponse:
			return new(SupplyStatusResponse)
		}
	case ClusterMessaging:
		if toServer {
			switch h.Command {
			case CmdGetLastMessage:
				return new(GetLastMessage)
			case CmdMessageConfirmation:
				return new(MessageConfirmation)
			}
			return nil
		}
		switch h.Command {
		case CmdDisplayMessage:
			return new(DisplayMessage)
		case CmdCancelMessage:
			return new(CancelMessage)
		case CmdCancelAllMessages:
			return new(CancelAllMessages)
		}
	case ClusterPrepayment:
		if toServer {
			switch h.Command {
			case CmdSelectAvailableEmergencyCredit:
				return new(SelectAvailableEmergencyCredit)
			case CmdChangeDebt:
				return new(ChangeDebt)
			case CmdEmergencyCreditSetup:
				return new(EmergencyCreditSetup)
			case CmdConsumerTopUp:
				return new(ConsumerTopUp)
			case CmdCreditAdjustment:
				return new(CreditAdjustment)
			case CmdGetTopUpLog:
				return new(GetTopUpLog)
			case CmdSetLowCreditWarningLevel:
				return new(SetLowCreditWarningLevel)
			}
			return nil
		}
		switch h.Command {
		case CmdConsumerTopUpResponse:
			return new(ConsumerTopUpResponse)
		case CmdPublishTopUpLog:
			return new(PublishTopUpLog)
		}
	}
	return nil
}

func errUnknownCommand() error {
	return &Error{Command: "Header", Field: "Command", Offset: -1, Err: ErrUnsupported}
}

// DecodeCommand decodes the payload of a frame with header h received on cluster, into a new
// command. It fails with ErrUnsupported for a command NewCommand does not know.
func DecodeCommand(cluster uint16, h Header, payload []byte) (Command, error) {
	c := NewCommand(cluster, h)
	if c == nil {
		return nil, errUnknownCommand()
	}
	return c, c.Parse(payload)
}

// ParseFrame decodes a whole ZCL frame received on cluster: the header and then the command.
func ParseFrame(cluster uint16, b []byte) (Header, Command, error) {
	var h Header
	payload, err := h.Parse(b)
	if err != nil {
		return h, nil, err
	}
	c, err := DecodeCommand(cluster, h, payload)
	return h, c, err
}

// Decoder decodes commands into storage it keeps, one value per command kind, so that a long-lived
// receive loop allocates nothing once it has seen each kind of command. The zero value is ready to
// use; a Decoder is not safe for concurrent use.
type Decoder struct {
	cache map[uint32]Command
}

// Decode is DecodeCommand without the allocation: the returned command belongs to d and is
// overwritten by the next Decode of the same kind.
func (d *Decoder) Decode(cluster uint16, h Header, payload []byte) (Command, error) {
	k, ok := commandKey(cluster, h)
	if !ok {
		return nil, errUnknownCommand()
	}
	c := d.cache[k]
	if c == nil {
		if c = NewCommand(cluster, h); c == nil {
			return nil, errUnknownCommand()
		}
		if d.cache == nil {
			d.cache = make(map[uint32]Command)
		}
		d.cache[k] = c
	}
	return c, c.Parse(payload)
}

// commandKey packs what identifies a command's meaning: profile-wide commands by identifier alone,
// cluster-specific ones by cluster, direction and identifier.
func commandKey(cluster uint16, h Header) (uint32, bool) {
	switch {
	case h.ManufacturerSpecific:
		return 0, false
	case h.FrameType == FrameProfileWide:
		return 1<<31 | uint32(h.Command), true
	case h.FrameType == FrameClusterSpecific:
		return ck(cluster, h.Direction, h.Command), true
	}
	return 0, false
}

func ck(cluster uint16, d Direction, id uint8) uint32 {
	return uint32(cluster)<<16 | uint32(d&1)<<8 | uint32(id)
}

func pk(id uint8) uint32 { return 1<<31 | uint32(id) }

// commandNames names the commands of the clusters above, including those this package does not
// decode, so that a capture can still say what a frame is.
var commandNames = map[uint32]string{
	pk(CmdReadAttributes):                     "Read Attributes",
	pk(CmdReadAttributesResponse):             "Read Attributes Response",
	pk(CmdWriteAttributes):                    "Write Attributes",
	pk(CmdWriteAttributesUndivided):           "Write Attributes Undivided",
	pk(CmdWriteAttributesResponse):            "Write Attributes Response",
	pk(CmdWriteAttributesNoResponse):          "Write Attributes No Response",
	pk(CmdConfigureReporting):                 "Configure Reporting",
	pk(CmdConfigureReportingResponse):         "Configure Reporting Response",
	pk(CmdReadReportingConfiguration):         "Read Reporting Configuration",
	pk(CmdReadReportingConfigurationResponse): "Read Reporting Configuration Response",
	pk(CmdReportAttributes):                   "Report Attributes",
	pk(CmdDefaultResponse):                    "Default Response",
	pk(CmdDiscoverAttributes):                 "Discover Attributes",
	pk(CmdDiscoverAttributesResponse):         "Discover Attributes Response",

	ck(ClusterBasic, ClientToServer, 0x00): "Reset to Factory Defaults",

	ck(ClusterIdentify, ClientToServer, CmdIdentify):              "Identify",
	ck(ClusterIdentify, ClientToServer, CmdIdentifyQuery):         "Identify Query",
	ck(ClusterIdentify, ClientToServer, 0x40):                     "Trigger Effect",
	ck(ClusterIdentify, ServerToClient, CmdIdentifyQueryResponse): "Identify Query Response",

	ck(ClusterPrice, ClientToServer, CmdGetCurrentPrice):      "Get Current Price",
	ck(ClusterPrice, ClientToServer, CmdGetScheduledPrices):   "Get Scheduled Prices",
	ck(ClusterPrice, ClientToServer, CmdPriceAcknowledgement): "Price Acknowledgement",
	ck(ClusterPrice, ClientToServer, 0x03):                    "Get Block Period(s)",
	ck(ClusterPrice, ClientToServer, CmdGetConversionFactor):  "Get Conversion Factor",
	ck(ClusterPrice, ClientToServer, CmdGetCalorificValue):    "Get Calorific Value",
	ck(ClusterPrice, ClientToServer, 0x06):                    "Get Tariff Information",
	ck(ClusterPrice, ClientToServer, 0x07):                    "Get Price Matrix",
	ck(ClusterPrice, ClientToServer, CmdGetBlockThresholds):   "Get Block Thresholds",
	ck(ClusterPrice, ClientToServer, 0x09):                    "Get CO2 Value",
	ck(ClusterPrice, ClientToServer, 0x0a):                    "Get Tier Labels",
	ck(ClusterPrice, ClientToServer, 0x0b):                    "Get Billing Period",
	ck(ClusterPrice, ClientToServer, 0x0c):                    "Get Consolidated Bill",
	ck(ClusterPrice, ClientToServer, 0x0d):                    "CPP Event Response",
	ck(ClusterPrice, ClientToServer, 0x0e):                    "Get Credit Payment",
	ck(ClusterPrice, ClientToServer, 0x0f):                    "Get Currency Conversion",
	ck(ClusterPrice, ClientToServer, 0x10):                    "Get Tariff Cancellation",

	ck(ClusterPrice, ServerToClient, CmdPublishPrice):            "Publish Price",
	ck(ClusterPrice, ServerToClient, 0x01):                       "Publish Block Period",
	ck(ClusterPrice, ServerToClient, CmdPublishConversionFactor): "Publish Conversion Factor",
	ck(ClusterPrice, ServerToClient, CmdPublishCalorificValue):   "Publish Calorific Value",
	ck(ClusterPrice, ServerToClient, 0x04):                       "Publish Tariff Information",
	ck(ClusterPrice, ServerToClient, 0x05):                       "Publish Price Matrix",
	ck(ClusterPrice, ServerToClient, CmdPublishBlockThresholds):  "Publish Block Thresholds",
	ck(ClusterPrice, ServerToClient, 0x07):                       "Publish CO2 Value",
	ck(ClusterPrice, ServerToClient, 0x08):                       "Publish Tier Labels",
	ck(ClusterPrice, ServerToClient, 0x09):                       "Publish Billing Period",
	ck(ClusterPrice, ServerToClient, 0x0a):                       "Publish Consolidated Bill",
	ck(ClusterPrice, ServerToClient, 0x0b):                       "Publish CPP Event",
	ck(ClusterPrice, ServerToClient, 0x0c):                       "Publish Credit Payment",
	ck(ClusterPrice, ServerToClient, 0x0d):                       "Publish Currency Conversion",
	ck(ClusterPrice, ServerToClient, 0x0e):                       "Cancel Tariff",

	ck(ClusterMetering, ClientToServer, CmdGetProfile):        "Get Profile",
	ck(ClusterMetering, ClientToServer, 0x01):                 "Request Mirror Response",
	ck(ClusterMetering, ClientToServer, 0x02):                 "Mirror Removed",
	ck(ClusterMetering, ClientToServer, 0x03):                 "Request Fast Poll Mode",
	ck(ClusterMetering, ClientToServer, 0x04):                 "Schedule Snapshot",
	ck(ClusterMetering, ClientToServer, 0x05):                 "Take Snapshot",
	ck(ClusterMetering, ClientToServer, 0x06):                 "Get Snapshot",
	ck(ClusterMetering, ClientToServer, 0x07):                 "Start Sampling",
	ck(ClusterMetering, ClientToServer, 0x08):                 "Get Sampled Data",
	ck(ClusterMetering, ClientToServer, 0x09):                 "Mirror Report Attribute Response",
	ck(ClusterMetering, ClientToServer, 0x0a):                 "Reset Load Limit Counter",
	ck(ClusterMetering, ClientToServer, CmdChangeSupply):      "Change Supply",
	ck(ClusterMetering, ClientToServer, CmdLocalChangeSupply): "Local Change Supply",
	ck(ClusterMetering, ClientToServer, 0x0d):                 "Set Supply Status",
	ck(ClusterMetering, ClientToServer, 0x0e):                 "Set Uncontrolled Flow Threshold",

	ck(ClusterMetering, ServerToClient, CmdGetProfileResponse):   "Get Profile Response",
	ck(ClusterMetering, ServerToClient, 0x01):                    "Request Mirror",
	ck(ClusterMetering, ServerToClient, 0x02):                    "Remove Mirror",
	ck(ClusterMetering, ServerToClient, 0x03):                    "Request Fast Poll Mode Response",
	ck(ClusterMetering, ServerToClient, 0x04):                    "Schedule Snapshot Response",
	ck(ClusterMetering, ServerToClient, 0x05):                    "Take Snapshot Response",
	ck(ClusterMetering, ServerToClient, 0x06):                    "Publish Snapshot",
	ck(ClusterMetering, ServerToClient, 0x07):                    "Get Sampled Data Response",
	ck(ClusterMetering, ServerToClient, 0x08):                    "Configure Mirror",
	ck(ClusterMetering, ServerToClient, 0x09):                    "Configure Notification Scheme",
	ck(ClusterMetering, ServerToClient, 0x0a):                    "Configure Notification Flags",
	ck(ClusterMetering, ServerToClient, 0x0b):                    "Get Notified Message",
	ck(ClusterMetering, ServerToClient, CmdSupplyStatusResponse): "Supply Status Response",
	ck(ClusterMetering, ServerToClient, 0x0d):                    "Start Sampling Response",

	ck(ClusterMessaging, ClientToServer, CmdGetLastMessage):      "Get Last Message",
	ck(ClusterMessaging, ClientToServer, CmdMessageConfirmation): "Message Confirmation",
	ck(ClusterMessaging, ClientToServer, 0x02):                   "Get Message Cancellation",
	ck(ClusterMessaging, ServerToClient, CmdDisplayMessage):      "Display Message",
	ck(ClusterMessaging, ServerToClient, CmdCancelMessage):       "Cancel Message",
	ck(ClusterMessaging, ServerToClient, 0x02):                   "Display Protected Message",
	ck(ClusterMessaging, ServerToClient, CmdCancelAllMessages):   "Cancel All Messages",

	ck(ClusterPrepayment, ClientToServer, CmdSelectAvailableEmergencyCredit): "Select Available Emergency Credit",
	ck(ClusterPrepayment, ClientToServer, CmdChangeDebt):                     "Change Debt",
	ck(ClusterPrepayment, ClientToServer, CmdEmergencyCreditSetup):           "Emergency Credit Setup",
	ck(ClusterPrepayment, ClientToServer, CmdConsumerTopUp):                  "Consumer Top Up",
	ck(ClusterPrepayment, ClientToServer, CmdCreditAdjustment):               "Credit Adjustment",
	ck(ClusterPrepayment, ClientToServer, 0x06):                              "Change Payment Mode",
	ck(ClusterPrepayment, ClientToServer, 0x07):                              "Get Prepay Snapshot",
	ck(ClusterPrepayment, ClientToServer, CmdGetTopUpLog):                    "Get Top Up Log",
	ck(ClusterPrepayment, ClientToServer, CmdSetLowCreditWarningLevel):       "Set Low Credit Warning Level",
	ck(ClusterPrepayment, ClientToServer, 0x0a):                              "Get Debt Repayment Log",
	ck(ClusterPrepayment, ClientToServer, 0x0b):                              "Set Maximum Credit Limit",
	ck(ClusterPrepayment, ClientToServer, 0x0c):                              "Set Overall Debt Cap",
	ck(ClusterPrepayment, ServerToClient, 0x01):                              "Publish Prepay Snapshot",
	ck(ClusterPrepayment, ServerToClient, 0x02):                              "Change Payment Mode Response",
	ck(ClusterPrepayment, ServerToClient, CmdConsumerTopUpResponse):          "Consumer Top Up Response",
	ck(ClusterPrepayment, ServerToClient, CmdPublishTopUpLog):                "Publish Top Up Log",
	ck(ClusterPrepayment, ServerToClient, 0x06):                              "Publish Debt Log",
}

// CommandName returns the specification's name for the command a frame with header h carries on
// cluster, whether or not this package decodes it, or "" when unknown or manufacturer-specific.
func CommandName(cluster uint16, h Header) string {
	k, ok := commandKey(cluster, h)
	if !ok {
		return ""
	}
	return commandNames[k]
}
