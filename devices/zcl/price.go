package zcl

// Price cluster command identifiers (SE §D.4), by direction.
const (
	CmdGetCurrentPrice      uint8 = 0x00 // client→server
	CmdGetScheduledPrices   uint8 = 0x01 // client→server
	CmdPriceAcknowledgement uint8 = 0x02 // client→server
	CmdGetConversionFactor  uint8 = 0x04 // client→server
	CmdGetCalorificValue    uint8 = 0x05 // client→server
	CmdGetBlockThresholds   uint8 = 0x08 // client→server

	CmdPublishPrice            uint8 = 0x00 // server→client
	CmdPublishConversionFactor uint8 = 0x02 // server→client
	CmdPublishCalorificValue   uint8 = 0x03 // server→client
	CmdPublishBlockThresholds  uint8 = 0x06 // server→client
)

// maxRateLabel is the longest rate label SE allows in Publish Price.
const maxRateLabel = 12

// GetCurrentPrice asks the Price server to send the price in force now.
type GetCurrentPrice struct {
	CommandOptions uint8 // bit 0: the requester's receiver is on when idle
}

// CommandID returns CmdGetCurrentPrice.
func (*GetCurrentPrice) CommandID() uint8 { return CmdGetCurrentPrice }

// ClusterID returns ClusterPrice.
func (*GetCurrentPrice) ClusterID() uint16 { return ClusterPrice }

// Direction returns ClientToServer.
func (*GetCurrentPrice) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *GetCurrentPrice) AppendTo(b []byte) ([]byte, error) { return append(b, c.CommandOptions), nil }

// Parse decodes the payload.
func (c *GetCurrentPrice) Parse(b []byte) error {
	r := newReader("GetCurrentPrice", b)
	c.CommandOptions = r.u8("CommandOptions")
	return r.err
}

// GetScheduledPrices asks for up to NumberOfEvents prices starting at or after StartTime.
type GetScheduledPrices struct {
	StartTime      UTCTime
	NumberOfEvents uint8 // 0: all available
}

// CommandID returns CmdGetScheduledPrices.
func (*GetScheduledPrices) CommandID() uint8 { return CmdGetScheduledPrices }

// ClusterID returns ClusterPrice.
func (*GetScheduledPrices) ClusterID() uint16 { return ClusterPrice }

// Direction returns ClientToServer.
func (*GetScheduledPrices) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *GetScheduledPrices) AppendTo(b []byte) ([]byte, error) {
	b = appendU32(b, uint32(c.StartTime))
	return append(b, c.NumberOfEvents), nil
}

// Parse decodes the payload.
func (c *GetScheduledPrices) Parse(b []byte) error {
	r := newReader("GetScheduledPrices", b)
	c.StartTime = r.utc("StartTime")
	c.NumberOfEvents = r.u8("NumberOfEvents")
	return r.err
}

// PriceAcknowledgement confirms receipt of a PublishPrice whose PriceControl asked for it.
type PriceAcknowledgement struct {
	ProviderID    uint32
	IssuerEventID uint32
	PriceAckTime  UTCTime
	Control       uint8 // the PriceControl of the acknowledged price
}

// CommandID returns CmdPriceAcknowledgement.
func (*PriceAcknowledgement) CommandID() uint8 { return CmdPriceAcknowledgement }

// ClusterID returns ClusterPrice.
func (*PriceAcknowledgement) ClusterID() uint16 { return ClusterPrice }

// Direction returns ClientToServer.
func (*PriceAcknowledgement) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *PriceAcknowledgement) AppendTo(b []byte) ([]byte, error) {
	b = appendU32(b, c.ProviderID)
	b = appendU32(b, c.IssuerEventID)
	b = appendU32(b, uint32(c.PriceAckTime))
	return append(b, c.Control), nil
}

// Parse decodes the payload.
func (c *PriceAcknowledgement) Parse(b []byte) error {
	r := newReader("PriceAcknowledgement", b)
	c.ProviderID = r.u32("ProviderID")
	c.IssuerEventID = r.u32("IssuerEventID")
	c.PriceAckTime = r.utc("PriceAckTime")
	c.Control = r.u8("Control")
	return r.err
}

// GetConversionFactor asks for the gas conversion factors in force from EarliestStartTime.
type GetConversionFactor struct {
	EarliestStartTime UTCTime
	MinIssuerEventID  uint32
	NumberOfCommands  uint8
}

// CommandID returns CmdGetConversionFactor.
func (*GetConversionFactor) CommandID() uint8 { return CmdGetConversionFactor }

// ClusterID returns ClusterPrice.
func (*GetConversionFactor) ClusterID() uint16 { return ClusterPrice }

// Direction returns ClientToServer.
func (*GetConversionFactor) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *GetConversionFactor) AppendTo(b []byte) ([]byte, error) {
	return appendGetEvents(b, c.EarliestStartTime, c.MinIssuerEventID, c.NumberOfCommands), nil
}

// Parse decodes the payload.
func (c *GetConversionFactor) Parse(b []byte) error {
	r := newReader("GetConversionFactor", b)
	c.EarliestStartTime, c.MinIssuerEventID, c.NumberOfCommands = r.getEvents()
	return r.err
}

// GetCalorificValue asks for the gas calorific values in force from EarliestStartTime.
type GetCalorificValue struct {
	EarliestStartTime UTCTime
	MinIssuerEventID  uint32
	NumberOfCommands  uint8
}

// CommandID returns CmdGetCalorificValue.
func (*GetCalorificValue) CommandID() uint8 { return CmdGetCalorificValue }

// ClusterID returns ClusterPrice.
func (*GetCalorificValue) ClusterID() uint16 { return ClusterPrice }

// Direction returns ClientToServer.
func (*GetCalorificValue) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *GetCalorificValue) AppendTo(b []byte) ([]byte, error) {
	return appendGetEvents(b, c.EarliestStartTime, c.MinIssuerEventID, c.NumberOfCommands), nil
}

// Parse decodes the payload.
func (c *GetCalorificValue) Parse(b []byte) error {
	r := newReader("GetCalorificValue", b)
	c.EarliestStartTime, c.MinIssuerEventID, c.NumberOfCommands = r.getEvents()
	return r.err
}

func appendGetEvents(b []byte, start UTCTime, minID uint32, n uint8) []byte {
	b = appendU32(b, uint32(start))
	b = appendU32(b, minID)
	return append(b, n)
}

func (r *reader) getEvents() (UTCTime, uint32, uint8) {
	return r.utc("EarliestStartTime"), r.u32("MinIssuerEventID"), r.u8("NumberOfCommands")
}

// GetBlockThresholds asks for the block thresholds of a tariff.
type GetBlockThresholds struct {
	IssuerTariffID uint32
}

// CommandID returns CmdGetBlockThresholds.
func (*GetBlockThresholds) CommandID() uint8 { return CmdGetBlockThresholds }

// ClusterID returns ClusterPrice.
func (*GetBlockThresholds) ClusterID() uint16 { return ClusterPrice }

// Direction returns ClientToServer.
func (*GetBlockThresholds) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *GetBlockThresholds) AppendTo(b []byte) ([]byte, error) {
	return appendU32(b, c.IssuerTariffID), nil
}

// Parse decodes the payload.
func (c *GetBlockThresholds) Parse(b []byte) error {
	r := newReader("GetBlockThresholds", b)
	c.IssuerTariffID = r.u32("IssuerTariffID")
	return r.err
}

// PriceForm says how much of the Publish Price payload is on the wire. The specification grew the
// command by appending optional fields (SE 1.0 ended at Price, SE 1.1 added PriceRatio…PriceControl,
// SE 1.2 the generation and extended tier fields), and receivers accept every such prefix. The zero
// value is the complete SE 1.2 payload, which tshark 4.0 dissects field by field.
type PriceForm uint8

// Publish Price forms.
const (
	PriceFormSE12 PriceForm = iota // through ExtendedRegisterTier
	PriceFormSE11                  // through PriceControl
	PriceFormSE10                  // through Price
)

// PublishPrice announces a price (SE §D.4): the tariff the meter applies from StartTime for
// DurationInMinutes. Prices are in units of Currency scaled by 10^-(trailing digits).
//
// Fields after Price exist only in the forms that carry them; encoding refuses non-zero values in
// fields its Form leaves out, so that a decoder returns exactly what was encoded. SE uses all-ones
// (0xFF, 0xFFFFFFFF) for "not used" in the optional fields.
type PublishPrice struct {
	ProviderID    uint32
	RateLabel     []byte // at most 12 octets; aliases the input when parsed
	IssuerEventID uint32
	CurrentTime   UTCTime
	UnitOfMeasure uint8  // the Metering UnitOfMeasure values: UnitKWh, UnitM3…
	Currency      uint16 // ISO 4217 numeric, CurrencyGBP
	// PriceTrailingDigitAndPriceTier holds the number of decimal places of Price in its high
	// nibble and the tier this price applies to (1–15) in its low nibble.
	PriceTrailingDigitAndPriceTier uint8
	// NumberOfPriceTiersAndRegisterTier holds the number of tiers in use in its high nibble and the
	// Metering register tier the consumption accumulates in in its low nibble.
	NumberOfPriceTiersAndRegisterTier uint8
	StartTime                         UTCTime // 0: now
	DurationInMinutes                 uint16  // 0xFFFF: until changed
	Price                             uint32

	PriceRatio                 uint8
	GenerationPrice            uint32
	GenerationPriceRatio       uint8
	AlternateCostDelivered     uint32
	AlternateCostUnit          uint8 // 0x01 kg CO2 per unit of measure
	AlternateCostTrailingDigit uint8 // high nibble
	NumberOfBlockThresholds    uint8
	PriceControl               uint8 // bit 0: acknowledgement required

	NumberOfGenerationTiers    uint8
	GenerationTier             uint8
	ExtendedNumberOfPriceTiers uint8
	ExtendedPriceTier          uint8
	ExtendedRegisterTier       uint8

	Form PriceForm
}

// CommandID returns CmdPublishPrice.
func (*PublishPrice) CommandID() uint8 { return CmdPublishPrice }

// ClusterID returns ClusterPrice.
func (*PublishPrice) ClusterID() uint16 { return ClusterPrice }

// Direction returns ServerToClient.
func (*PublishPrice) Direction() Direction { return ServerToClient }

func (c *PublishPrice) se11Zero() bool {
	return c.PriceRatio == 0 && c.GenerationPrice == 0 && c.GenerationPriceRatio == 0 &&
		c.AlternateCostDelivered == 0 && c.AlternateCostUnit == 0 && c.AlternateCostTrailingDigit == 0 &&
		c.NumberOfBlockThresholds == 0 && c.PriceControl == 0
}

func (c *PublishPrice) se12Zero() bool {
	return c.NumberOfGenerationTiers == 0 && c.GenerationTier == 0 && c.ExtendedNumberOfPriceTiers == 0 &&
		c.ExtendedPriceTier == 0 && c.ExtendedRegisterTier == 0
}

// AppendTo appends the payload to b.
func (c *PublishPrice) AppendTo(b []byte) ([]byte, error) {
	const cmd = "PublishPrice"
	switch {
	case c.Form > PriceFormSE10:
		return b, encodeError(cmd, "Form", ErrInvalid)
	case c.Form >= PriceFormSE11 && !c.se12Zero():
		return b, encodeError(cmd, "Form", ErrInvalid)
	case c.Form == PriceFormSE10 && !c.se11Zero():
		return b, encodeError(cmd, "Form", ErrInvalid)
	}
	b = appendU32(b, c.ProviderID)
	start := len(b) - 4
	b, err := appendStr(b, c.RateLabel, maxRateLabel, cmd, "RateLabel")
	if err != nil {
		return b[:start], err
	}
	b = appendU32(b, c.IssuerEventID)
	b = appendU32(b, uint32(c.CurrentTime))
	b = append(b, c.UnitOfMeasure)
	b = appendU16(b, c.Currency)
	b = append(b, c.PriceTrailingDigitAndPriceTier, c.NumberOfPriceTiersAndRegisterTier)
	b = appendU32(b, uint32(c.StartTime))
	b = appendU16(b, c.DurationInMinutes)
	b = appendU32(b, c.Price)
	if c.Form == PriceFormSE10 {
		return b, nil
	}
	b = append(b, c.PriceRatio)
	b = appendU32(b, c.GenerationPrice)
	b = append(b, c.GenerationPriceRatio)
	b = appendU32(b, c.AlternateCostDelivered)
	b = append(b, c.AlternateCostUnit, c.AlternateCostTrailingDigit, c.NumberOfBlockThresholds, c.PriceControl)
	if c.Form == PriceFormSE11 {
		return b, nil
	}
	return append(b, c.NumberOfGenerationTiers, c.GenerationTier, c.ExtendedNumberOfPriceTiers,
		c.ExtendedPriceTier, c.ExtendedRegisterTier), nil
}

// Parse decodes the payload. It accepts the three forms; a payload that ends inside the SE 1.1 or
// SE 1.2 group is truncated, because no published revision ends there.
func (c *PublishPrice) Parse(b []byte) error {
	r := newReader("PublishPrice", b)
	*c = PublishPrice{
		ProviderID:                        r.u32("ProviderID"),
		RateLabel:                         r.str("RateLabel", maxRateLabel),
		IssuerEventID:                     r.u32("IssuerEventID"),
		CurrentTime:                       r.utc("CurrentTime"),
		UnitOfMeasure:                     r.u8("UnitOfMeasure"),
		Currency:                          r.u16("Currency"),
		PriceTrailingDigitAndPriceTier:    r.u8("PriceTrailingDigitAndPriceTier"),
		NumberOfPriceTiersAndRegisterTier: r.u8("NumberOfPriceTiersAndRegisterTier"),
		StartTime:                         r.utc("StartTime"),
		DurationInMinutes:                 r.u16("DurationInMinutes"),
		Price:                             r.u32("Price"),
		Form:                              PriceFormSE10,
	}
	if !r.more() {
		return r.err
	}
	c.PriceRatio = r.u8("PriceRatio")
	c.GenerationPrice = r.u32("GenerationPrice")
	c.GenerationPriceRatio = r.u8("GenerationPriceRatio")
	c.AlternateCostDelivered = r.u32("AlternateCostDelivered")
	c.AlternateCostUnit = r.u8("AlternateCostUnit")
	c.AlternateCostTrailingDigit = r.u8("AlternateCostTrailingDigit")
	c.NumberOfBlockThresholds = r.u8("NumberOfBlockThresholds")
	c.PriceControl = r.u8("PriceControl")
	c.Form = PriceFormSE11
	if !r.more() {
		return r.err
	}
	c.NumberOfGenerationTiers = r.u8("NumberOfGenerationTiers")
	c.GenerationTier = r.u8("GenerationTier")
	c.ExtendedNumberOfPriceTiers = r.u8("ExtendedNumberOfPriceTiers")
	c.ExtendedPriceTier = r.u8("ExtendedPriceTier")
	c.ExtendedRegisterTier = r.u8("ExtendedRegisterTier")
	c.Form = PriceFormSE12
	return r.err
}

// PublishConversionFactor announces the gas volume conversion factor from StartTime. The layout is
// the one tshark 4.0 dissects: no provider identifier.
type PublishConversionFactor struct {
	IssuerEventID    uint32
	StartTime        UTCTime
	ConversionFactor uint32
	TrailingDigit    uint8 // decimal places of ConversionFactor, high nibble
}

// CommandID returns CmdPublishConversionFactor.
func (*PublishConversionFactor) CommandID() uint8 { return CmdPublishConversionFactor }

// ClusterID returns ClusterPrice.
func (*PublishConversionFactor) ClusterID() uint16 { return ClusterPrice }

// Direction returns ServerToClient.
func (*PublishConversionFactor) Direction() Direction { return ServerToClient }

// AppendTo appends the payload to b.
func (c *PublishConversionFactor) AppendTo(b []byte) ([]byte, error) {
	b = appendU32(b, c.IssuerEventID)
	b = appendU32(b, uint32(c.StartTime))
	b = appendU32(b, c.ConversionFactor)
	return append(b, c.TrailingDigit), nil
}

// Parse decodes the payload.
func (c *PublishConversionFactor) Parse(b []byte) error {
	r := newReader("PublishConversionFactor", b)
	c.IssuerEventID = r.u32("IssuerEventID")
	c.StartTime = r.utc("StartTime")
	c.ConversionFactor = r.u32("ConversionFactor")
	c.TrailingDigit = r.u8("TrailingDigit")
	return r.err
}

// PublishCalorificValue announces the gas calorific value from StartTime.
type PublishCalorificValue struct {
	IssuerEventID      uint32
	StartTime          UTCTime
	CalorificValue     uint32
	CalorificValueUnit uint8 // 0x01 MJ/m³, 0x02 MJ/kg
	TrailingDigit      uint8 // decimal places of CalorificValue, high nibble
}

// CommandID returns CmdPublishCalorificValue.
func (*PublishCalorificValue) CommandID() uint8 { return CmdPublishCalorificValue }

// ClusterID returns ClusterPrice.
func (*PublishCalorificValue) ClusterID() uint16 { return ClusterPrice }

// Direction returns ServerToClient.
func (*PublishCalorificValue) Direction() Direction { return ServerToClient }

// AppendTo appends the payload to b.
func (c *PublishCalorificValue) AppendTo(b []byte) ([]byte, error) {
	b = appendU32(b, c.IssuerEventID)
	b = appendU32(b, uint32(c.StartTime))
	b = appendU32(b, c.CalorificValue)
	return append(b, c.CalorificValueUnit, c.TrailingDigit), nil
}

// Parse decodes the payload.
func (c *PublishCalorificValue) Parse(b []byte) error {
	r := newReader("PublishCalorificValue", b)
	c.IssuerEventID = r.u32("IssuerEventID")
	c.StartTime = r.utc("StartTime")
	c.CalorificValue = r.u32("CalorificValue")
	c.CalorificValueUnit = r.u8("CalorificValueUnit")
	c.TrailingDigit = r.u8("TrailingDigit")
	return r.err
}

// BlockThreshold is one threshold of Publish Block Thresholds: the consumption (uint48, in
// Metering units) at which the next block begins, for a tier.
type BlockThreshold struct {
	Tier      uint8 // 0–15; reserved (0) when SubPayloadControl bit 0 says the thresholds apply to all tiers
	Threshold uint64
}

// PublishBlockThresholds announces the block thresholds of a tariff (SE §D.4). On the wire the
// thresholds travel in sub-payloads, each a tier/count octet (tier in the high nibble, 0–15
// thresholds in the low) followed by that many uint48 thresholds; this type flattens them into one
// list. Encoding starts a new sub-payload whenever the tier changes or a sub-payload is full.
type PublishBlockThresholds struct {
	ProviderID            uint32
	IssuerEventID         uint32
	StartTime             UTCTime
	IssuerTariffID        uint32
	CommandIndex          uint8
	TotalNumberOfCommands uint8
	SubPayloadControl     uint8 // bit 0: thresholds apply to all TOU tiers
	Thresholds            []BlockThreshold
}

// CommandID returns CmdPublishBlockThresholds.
func (*PublishBlockThresholds) CommandID() uint8 { return CmdPublishBlockThresholds }

// ClusterID returns ClusterPrice.
func (*PublishBlockThresholds) ClusterID() uint16 { return ClusterPrice }

// Direction returns ServerToClient.
func (*PublishBlockThresholds) Direction() Direction { return ServerToClient }

// AppendTo appends the payload to b.
func (c *PublishBlockThresholds) AppendTo(b []byte) ([]byte, error) {
	const cmd = "PublishBlockThresholds"
	for _, t := range c.Thresholds {
		if t.Tier > 15 {
			return b, encodeError(cmd, "Tier", ErrRange)
		}
		if t.Threshold>>48 != 0 {
			return b, encodeError(cmd, "Threshold", ErrRange)
		}
	}
	b = appendU32(b, c.ProviderID)
	b = appendU32(b, c.IssuerEventID)
	b = appendU32(b, uint32(c.StartTime))
	b = appendU32(b, c.IssuerTariffID)
	b = append(b, c.CommandIndex, c.TotalNumberOfCommands, c.SubPayloadControl)
	hdr := -1 // index in b of the open sub-payload's tier/count octet
	for i, t := range c.Thresholds {
		if hdr < 0 || t.Tier != c.Thresholds[i-1].Tier || b[hdr]&0x0f == 15 {
			hdr = len(b)
			b = append(b, t.Tier<<4)
		}
		b[hdr]++
		b = appendUint(b, t.Threshold, 6)
	}
	return b, nil
}

// Parse decodes the payload, appending to the capacity c.Thresholds already holds.
func (c *PublishBlockThresholds) Parse(b []byte) error {
	r := newReader("PublishBlockThresholds", b)
	c.ProviderID = r.u32("ProviderID")
	c.IssuerEventID = r.u32("IssuerEventID")
	c.StartTime = r.utc("StartTime")
	c.IssuerTariffID = r.u32("IssuerTariffID")
	c.CommandIndex = r.u8("CommandIndex")
	c.TotalNumberOfCommands = r.u8("TotalNumberOfCommands")
	c.SubPayloadControl = r.u8("SubPayloadControl")
	c.Thresholds = c.Thresholds[:0]
	for r.more() {
		hdr := r.u8("TierNumberOfBlockThresholds")
		for n := hdr & 0x0f; n > 0; n-- {
			v := r.uint(6, "BlockThreshold")
			if r.err != nil {
				break
			}
			c.Thresholds = append(c.Thresholds, BlockThreshold{Tier: hdr >> 4, Threshold: v})
		}
	}
	return r.err
}
