package zcl

// Metering cluster command identifiers (SE §D.3), by direction.
const (
	CmdGetProfile        uint8 = 0x00 // client→server
	CmdChangeSupply      uint8 = 0x0b // client→server
	CmdLocalChangeSupply uint8 = 0x0c // client→server

	CmdGetProfileResponse   uint8 = 0x00 // server→client
	CmdSupplyStatusResponse uint8 = 0x0c // server→client
)

// Interval channels of GetProfile.
const (
	IntervalConsumptionDelivered = 0x00
	IntervalConsumptionReceived  = 0x01
)

// GetProfile asks for NumberOfPeriods intervals of consumption ending at EndTime (0: the most
// recent).
type GetProfile struct {
	IntervalChannel uint8
	EndTime         UTCTime
	NumberOfPeriods uint8
}

// CommandID returns CmdGetProfile.
func (*GetProfile) CommandID() uint8 { return CmdGetProfile }

// ClusterID returns ClusterMetering.
func (*GetProfile) ClusterID() uint16 { return ClusterMetering }

// Direction returns ClientToServer.
func (*GetProfile) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *GetProfile) AppendTo(b []byte) ([]byte, error) {
	b = append(b, c.IntervalChannel)
	b = appendU32(b, uint32(c.EndTime))
	return append(b, c.NumberOfPeriods), nil
}

// Parse decodes the payload.
func (c *GetProfile) Parse(b []byte) error {
	r := newReader("GetProfile", b)
	c.IntervalChannel = r.u8("IntervalChannel")
	c.EndTime = r.utc("EndTime")
	c.NumberOfPeriods = r.u8("NumberOfPeriods")
	return r.err
}

// GetProfileResponse statuses.
const (
	ProfileSuccess                    = 0x00
	ProfileUndefinedIntervalChannel   = 0x01
	ProfileIntervalChannelUnsupported = 0x02
	ProfileInvalidEndTime             = 0x03
	ProfileMorePeriodsRequested       = 0x04
	ProfileNoIntervals                = 0x05
)

// GetProfileResponse carries interval consumption, most recent first, each a uint24 in Metering
// units. The count of periods on the wire is len(Intervals); Parse reads exactly that many and, like
// every decoder here, ignores octets after them.
type GetProfileResponse struct {
	EndTime               UTCTime
	Status                uint8
	ProfileIntervalPeriod uint8 // enum: 0 daily, 1 60 min, 2 30 min, 3 15 min…
	Intervals             []uint32
}

// CommandID returns CmdGetProfileResponse.
func (*GetProfileResponse) CommandID() uint8 { return CmdGetProfileResponse }

// ClusterID returns ClusterMetering.
func (*GetProfileResponse) ClusterID() uint16 { return ClusterMetering }

// Direction returns ServerToClient.
func (*GetProfileResponse) Direction() Direction { return ServerToClient }

// AppendTo appends the payload to b.
func (c *GetProfileResponse) AppendTo(b []byte) ([]byte, error) {
	const cmd = "GetProfileResponse"
	if len(c.Intervals) > 255 {
		return b, encodeError(cmd, "NumberOfPeriodsDelivered", ErrRange)
	}
	for _, v := range c.Intervals {
		if v>>24 != 0 {
			return b, encodeError(cmd, "Intervals", ErrRange)
		}
	}
	b = appendU32(b, uint32(c.EndTime))
	b = append(b, c.Status, c.ProfileIntervalPeriod, byte(len(c.Intervals)))
	for _, v := range c.Intervals {
		b = appendUint(b, uint64(v), 3)
	}
	return b, nil
}

// Parse decodes the payload, appending to the capacity c.Intervals already holds.
func (c *GetProfileResponse) Parse(b []byte) error {
	r := newReader("GetProfileResponse", b)
	c.EndTime = r.utc("EndTime")
	c.Status = r.u8("Status")
	c.ProfileIntervalPeriod = r.u8("ProfileIntervalPeriod")
	n := int(r.u8("NumberOfPeriodsDelivered"))
	c.Intervals = c.Intervals[:0]
	for ; n > 0 && r.err == nil; n-- {
		v := uint32(r.uint(3, "Intervals"))
		if r.err == nil {
			c.Intervals = append(c.Intervals, v)
		}
	}
	return r.err
}

// Supply control bits of ChangeSupply.
const (
	SupplyControlAcknowledge = 1 << 0 // answer with SupplyStatusResponse
)

// ChangeSupply asks the meter to change its supply state (SE 1.2, SE §D.3): connect, arm or
// disconnect at ImplementationDateTime.
type ChangeSupply struct {
	ProviderID             uint32
	IssuerEventID          uint32
	RequestDateTime        UTCTime
	ImplementationDateTime UTCTime // 0: now, 0xFFFFFFFF: cancel a pending change
	ProposedSupplyStatus   uint8   // SupplyOff, SupplyOffArmed or SupplyOn
	SupplyControlBits      uint8
}

// CommandID returns CmdChangeSupply.
func (*ChangeSupply) CommandID() uint8 { return CmdChangeSupply }

// ClusterID returns ClusterMetering.
func (*ChangeSupply) ClusterID() uint16 { return ClusterMetering }

// Direction returns ClientToServer.
func (*ChangeSupply) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *ChangeSupply) AppendTo(b []byte) ([]byte, error) {
	b = appendU32(b, c.ProviderID)
	b = appendU32(b, c.IssuerEventID)
	b = appendU32(b, uint32(c.RequestDateTime))
	b = appendU32(b, uint32(c.ImplementationDateTime))
	return append(b, c.ProposedSupplyStatus, c.SupplyControlBits), nil
}

// Parse decodes the payload.
func (c *ChangeSupply) Parse(b []byte) error {
	r := newReader("ChangeSupply", b)
	c.ProviderID = r.u32("ProviderID")
	c.IssuerEventID = r.u32("IssuerEventID")
	c.RequestDateTime = r.utc("RequestDateTime")
	c.ImplementationDateTime = r.utc("ImplementationDateTime")
	c.ProposedSupplyStatus = r.u8("ProposedSupplyStatus")
	c.SupplyControlBits = r.u8("SupplyControlBits")
	return r.err
}

// LocalChangeSupply is a consumer's request, from a local device, to change the supply: on a
// SMETS meter, re-arming or reconnecting after a prepayment disconnection.
type LocalChangeSupply struct {
	ProposedSupplyStatus uint8 // SupplyOffArmed or SupplyOn
}

// CommandID returns CmdLocalChangeSupply.
func (*LocalChangeSupply) CommandID() uint8 { return CmdLocalChangeSupply }

// ClusterID returns ClusterMetering.
func (*LocalChangeSupply) ClusterID() uint16 { return ClusterMetering }

// Direction returns ClientToServer.
func (*LocalChangeSupply) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *LocalChangeSupply) AppendTo(b []byte) ([]byte, error) {
	return append(b, c.ProposedSupplyStatus), nil
}

// Parse decodes the payload.
func (c *LocalChangeSupply) Parse(b []byte) error {
	r := newReader("LocalChangeSupply", b)
	c.ProposedSupplyStatus = r.u8("ProposedSupplyStatus")
	return r.err
}

// SupplyStatusResponse confirms a ChangeSupply that asked for acknowledgement.
type SupplyStatusResponse struct {
	ProviderID             uint32
	IssuerEventID          uint32
	ImplementationDateTime UTCTime
	SupplyStatus           uint8 // after implementation: SupplyOff, SupplyOffArmed or SupplyOn
}

// CommandID returns CmdSupplyStatusResponse.
func (*SupplyStatusResponse) CommandID() uint8 { return CmdSupplyStatusResponse }

// ClusterID returns ClusterMetering.
func (*SupplyStatusResponse) ClusterID() uint16 { return ClusterMetering }

// Direction returns ServerToClient.
func (*SupplyStatusResponse) Direction() Direction { return ServerToClient }

// AppendTo appends the payload to b.
func (c *SupplyStatusResponse) AppendTo(b []byte) ([]byte, error) {
	b = appendU32(b, c.ProviderID)
	b = appendU32(b, c.IssuerEventID)
	b = appendU32(b, uint32(c.ImplementationDateTime))
	return append(b, c.SupplyStatus), nil
}

// Parse decodes the payload.
func (c *SupplyStatusResponse) Parse(b []byte) error {
	r := newReader("SupplyStatusResponse", b)
	c.ProviderID = r.u32("ProviderID")
	c.IssuerEventID = r.u32("IssuerEventID")
	c.ImplementationDateTime = r.utc("ImplementationDateTime")
	c.SupplyStatus = r.u8("SupplyStatus")
	return r.err
}
