package zcl

// Profile-wide command identifiers (ZCL §2.5). They mean the same on every cluster and in both
// directions.
const (
	CmdReadAttributes                     uint8 = 0x00
	CmdReadAttributesResponse             uint8 = 0x01
	CmdWriteAttributes                    uint8 = 0x02
	CmdWriteAttributesUndivided           uint8 = 0x03
	CmdWriteAttributesResponse            uint8 = 0x04
	CmdWriteAttributesNoResponse          uint8 = 0x05
	CmdConfigureReporting                 uint8 = 0x06
	CmdConfigureReportingResponse         uint8 = 0x07
	CmdReadReportingConfiguration         uint8 = 0x08
	CmdReadReportingConfigurationResponse uint8 = 0x09
	CmdReportAttributes                   uint8 = 0x0a
	CmdDefaultResponse                    uint8 = 0x0b
	CmdDiscoverAttributes                 uint8 = 0x0c
	CmdDiscoverAttributesResponse         uint8 = 0x0d
)

// appendTyped appends a type octet and the value's data, naming cmd in any error.
func appendTyped(b []byte, v Value, cmd string) ([]byte, error) {
	b = append(b, byte(v.Type))
	b, err := v.AppendTo(b)
	return b, rename(err, cmd, "Value")
}

// rename re-labels an error from Value.AppendTo with the command and field being encoded.
func rename(err error, cmd, field string) error {
	if e, ok := err.(*Error); ok {
		return &Error{Command: cmd, Field: field, Offset: -1, Err: e.Err}
	}
	return err
}

// typed reads a type octet and the value that follows it.
func (r *reader) typed() Value {
	t := DataType(r.u8("DataType"))
	if r.err != nil {
		return Value{}
	}
	return r.value(t, "Value")
}

// errNoRecords refuses to encode a record list the specification requires to be non-empty.
func errNoRecords(cmd string) error { return encodeError(cmd, "Records", ErrInvalid) }

// noRecords reports the empty payload of a command that needs at least one record: the frame was
// cut before its first field.
func (r *reader) noRecords(field string) {
	if r.err == nil && len(r.b) == 0 {
		r.fail(field, ErrTruncated)
	}
}

// ReadAttributes asks for the current values of attributes (ZCL §2.5.1).
type ReadAttributes struct {
	Attributes []uint16 // at least one
}

// CommandID returns CmdReadAttributes.
func (*ReadAttributes) CommandID() uint8 { return CmdReadAttributes }

// AppendTo appends the payload to b.
func (c *ReadAttributes) AppendTo(b []byte) ([]byte, error) {
	if len(c.Attributes) == 0 {
		return b, errNoRecords("ReadAttributes")
	}
	for _, id := range c.Attributes {
		b = appendU16(b, id)
	}
	return b, nil
}

// Parse decodes the payload, appending to the capacity c.Attributes already holds.
func (c *ReadAttributes) Parse(b []byte) error {
	r := newReader("ReadAttributes", b)
	r.noRecords("AttributeID")
	c.Attributes = c.Attributes[:0]
	for r.more() {
		id := r.u16("AttributeID")
		if r.err != nil {
			break
		}
		c.Attributes = append(c.Attributes, id)
	}
	return r.err
}

// ReadAttributeRecord is one read attribute status record (ZCL §2.5.2): the attribute, the outcome,
// and the typed value when the outcome is StatusSuccess.
type ReadAttributeRecord struct {
	ID     uint16
	Status Status
	Value  Value // zero unless Status is StatusSuccess
}

// ReadAttributesResponse answers ReadAttributes (ZCL §2.5.2).
type ReadAttributesResponse struct {
	Records []ReadAttributeRecord // at least one
}

// CommandID returns CmdReadAttributesResponse.
func (*ReadAttributesResponse) CommandID() uint8 { return CmdReadAttributesResponse }

// AppendTo appends the payload to b. A failed record must not carry a value: the wire has no room
// for it, and dropping it silently would hide a caller's mistake.
func (c *ReadAttributesResponse) AppendTo(b []byte) ([]byte, error) {
	const cmd = "ReadAttributesResponse"
	if len(c.Records) == 0 {
		return b, errNoRecords(cmd)
	}
	start := len(b)
	var err error
	for i := range c.Records {
		rec := &c.Records[i]
		b = appendU16(b, rec.ID)
		b = append(b, byte(rec.Status))
		if rec.Status != StatusSuccess {
			if !rec.Value.Equal(Value{}) {
				return b[:start], encodeError(cmd, "Value", ErrInvalid)
			}
			continue
		}
		if b, err = appendTyped(b, rec.Value, cmd); err != nil {
			return b[:start], err
		}
	}
	return b, nil
}

// Parse decodes the payload, appending to the capacity c.Records already holds. String values alias b.
func (c *ReadAttributesResponse) Parse(b []byte) error {
	r := newReader("ReadAttributesResponse", b)
	r.noRecords("AttributeID")
	c.Records = c.Records[:0]
	for r.more() {
		var rec ReadAttributeRecord
		rec.ID = r.u16("AttributeID")
		rec.Status = Status(r.u8("Status"))
		if rec.Status == StatusSuccess {
			rec.Value = r.typed()
		}
		if r.err != nil {
			break
		}
		c.Records = append(c.Records, rec)
	}
	return r.err
}

// AttributeRecord is an attribute identifier with a typed value, the record of Write Attributes
// (ZCL §2.5.3) and Report Attributes (ZCL §2.5.11).
type AttributeRecord struct {
	ID    uint16
	Value Value
}

func appendAttributeRecords(b []byte, recs []AttributeRecord, cmd string) ([]byte, error) {
	if len(recs) == 0 {
		return b, errNoRecords(cmd)
	}
	start := len(b)
	var err error
	for i := range recs {
		b = appendU16(b, recs[i].ID)
		if b, err = appendTyped(b, recs[i].Value, cmd); err != nil {
			return b[:start], err
		}
	}
	return b, nil
}

func parseAttributeRecords(b []byte, dst []AttributeRecord, cmd string) ([]AttributeRecord, error) {
	r := newReader(cmd, b)
	r.noRecords("AttributeID")
	dst = dst[:0]
	for r.more() {
		var rec AttributeRecord
		rec.ID = r.u16("AttributeID")
		rec.Value = r.typed()
		if r.err != nil {
			break
		}
		dst = append(dst, rec)
	}
	return dst, r.err
}

// WriteAttributes asks the receiver to set attributes (ZCL §2.5.3).
type WriteAttributes struct {
	Records []AttributeRecord // at least one
}

// CommandID returns CmdWriteAttributes.
func (*WriteAttributes) CommandID() uint8 { return CmdWriteAttributes }

// AppendTo appends the payload to b.
func (c *WriteAttributes) AppendTo(b []byte) ([]byte, error) {
	return appendAttributeRecords(b, c.Records, "WriteAttributes")
}

// Parse decodes the payload, appending to the capacity c.Records already holds. String values alias b.
func (c *WriteAttributes) Parse(b []byte) (err error) {
	c.Records, err = parseAttributeRecords(b, c.Records, "WriteAttributes")
	return err
}

// ReportAttributes carries attribute values the sender was configured to report (ZCL §2.5.11).
type ReportAttributes struct {
	Records []AttributeRecord // at least one
}

// CommandID returns CmdReportAttributes.
func (*ReportAttributes) CommandID() uint8 { return CmdReportAttributes }

// AppendTo appends the payload to b.
func (c *ReportAttributes) AppendTo(b []byte) ([]byte, error) {
	return appendAttributeRecords(b, c.Records, "ReportAttributes")
}

// Parse decodes the payload, appending to the capacity c.Records already holds. String values alias b.
func (c *ReportAttributes) Parse(b []byte) (err error) {
	c.Records, err = parseAttributeRecords(b, c.Records, "ReportAttributes")
	return err
}

// AttributeStatus is a write attribute status record (ZCL §2.5.5): an attribute that was not written
// and why.
type AttributeStatus struct {
	Status Status
	ID     uint16
}

// WriteAttributesResponse answers WriteAttributes (ZCL §2.5.5). Records lists only the attributes
// that failed; when every write succeeded it is empty, which the wire carries as the single octet
// SUCCESS with no attribute identifier.
type WriteAttributesResponse struct {
	Records []AttributeStatus
}

// CommandID returns CmdWriteAttributesResponse.
func (*WriteAttributesResponse) CommandID() uint8 { return CmdWriteAttributesResponse }

// AppendTo appends the payload to b.
func (c *WriteAttributesResponse) AppendTo(b []byte) ([]byte, error) {
	if len(c.Records) == 0 {
		return append(b, byte(StatusSuccess)), nil
	}
	for _, rec := range c.Records {
		b = append(b, byte(rec.Status))
		b = appendU16(b, rec.ID)
	}
	return b, nil
}

// Parse decodes the payload, appending to the capacity c.Records already holds.
func (c *WriteAttributesResponse) Parse(b []byte) error {
	r := newReader("WriteAttributesResponse", b)
	r.noRecords("Status")
	c.Records = c.Records[:0]
	if len(b) == 1 && b[0] == byte(StatusSuccess) {
		return nil
	}
	for r.more() {
		var rec AttributeStatus
		rec.Status = Status(r.u8("Status"))
		rec.ID = r.u16("AttributeID")
		if r.err != nil {
			break
		}
		c.Records = append(c.Records, rec)
	}
	return r.err
}

// ReportingDirection says which side of a Configure Reporting record sends the reports.
type ReportingDirection uint8

// Reporting directions (ZCL §2.5.7.1.2).
const (
	// ReportingReported configures the receiver to send reports of its attribute.
	ReportingReported ReportingDirection = 0x00
	// ReportingReceived tells the receiver to expect reports of the sender's attribute.
	ReportingReceived ReportingDirection = 0x01
)

// ReportingConfiguration is an attribute reporting configuration record (ZCL §2.5.7.1).
// Type, MinInterval, MaxInterval and ReportableChange belong to ReportingReported records; Timeout
// belongs to ReportingReceived records. ReportableChange is present only for analog types
// (DataType.Analog) and then has the attribute's type.
type ReportingConfiguration struct {
	Direction        ReportingDirection
	ID               uint16
	Type             DataType
	MinInterval      uint16 // seconds
	MaxInterval      uint16 // seconds; 0xFFFF stops periodic reports
	ReportableChange Value
	Timeout          uint16 // seconds
}

// ConfigureReporting sets up attribute reports (ZCL §2.5.7).
type ConfigureReporting struct {
	Records []ReportingConfiguration // at least one
}

// CommandID returns CmdConfigureReporting.
func (*ConfigureReporting) CommandID() uint8 { return CmdConfigureReporting }

// AppendTo appends the payload to b. Fields that the record's direction and type leave off the wire
// must be zero, so that what is encoded is what a decoder hands back.
func (c *ConfigureReporting) AppendTo(b []byte) ([]byte, error) {
	const cmd = "ConfigureReporting"
	if len(c.Records) == 0 {
		return b, errNoRecords(cmd)
	}
	start := len(b)
	var err error
	for i := range c.Records {
		rec := &c.Records[i]
		b = append(b, byte(rec.Direction))
		b = appendU16(b, rec.ID)
		switch rec.Direction {
		case ReportingReported:
			if rec.Timeout != 0 {
				return b[:start], encodeError(cmd, "Timeout", ErrInvalid)
			}
			if !rec.Type.Supported() {
				return b[:start], encodeError(cmd, "DataType", ErrUnsupported)
			}
			b = append(b, byte(rec.Type))
			b = appendU16(b, rec.MinInterval)
			b = appendU16(b, rec.MaxInterval)
			if !rec.Type.Analog() {
				if !rec.ReportableChange.Equal(Value{}) {
					return b[:start], encodeError(cmd, "ReportableChange", ErrInvalid)
				}
				continue
			}
			if rec.ReportableChange.Type != rec.Type {
				return b[:start], encodeError(cmd, "ReportableChange", ErrInvalid)
			}
			if b, err = rec.ReportableChange.AppendTo(b); err != nil {
				return b[:start], rename(err, cmd, "ReportableChange")
			}
		case ReportingReceived:
			if rec.Type != 0 || rec.MinInterval != 0 || rec.MaxInterval != 0 || !rec.ReportableChange.Equal(Value{}) {
				return b[:start], encodeError(cmd, "Direction", ErrInvalid)
			}
			b = appendU16(b, rec.Timeout)
		default:
			return b[:start], encodeError(cmd, "Direction", ErrInvalid)
		}
	}
	return b, nil
}

// Parse decodes the payload, appending to the capacity c.Records already holds.
func (c *ConfigureReporting) Parse(b []byte) error {
	r := newReader("ConfigureReporting", b)
	r.noRecords("Direction")
	c.Records = c.Records[:0]
	for r.more() {
		var rec ReportingConfiguration
		rec.Direction = ReportingDirection(r.u8("Direction"))
		rec.ID = r.u16("AttributeID")
		switch {
		case r.err != nil:
		case rec.Direction == ReportingReported:
			rec.Type = DataType(r.u8("DataType"))
			if r.err == nil && !rec.Type.Supported() {
				r.off--
				r.fail("DataType", ErrUnsupported)
			}
			rec.MinInterval = r.u16("MinInterval")
			rec.MaxInterval = r.u16("MaxInterval")
			if rec.Type.Analog() {
				rec.ReportableChange = r.value(rec.Type, "ReportableChange")
			}
		case rec.Direction == ReportingReceived:
			rec.Timeout = r.u16("Timeout")
		default:
			r.off -= 3
			r.fail("Direction", ErrInvalid)
		}
		if r.err != nil {
			break
		}
		c.Records = append(c.Records, rec)
	}
	return r.err
}

// ReportingStatus is an attribute status record of Configure Reporting Response (ZCL §2.5.8).
type ReportingStatus struct {
	Status    Status
	Direction ReportingDirection
	ID        uint16
}

// ConfigureReportingResponse answers ConfigureReporting (ZCL §2.5.8). As with
// WriteAttributesResponse, an empty Records means every record succeeded and travels as the single
// octet SUCCESS.
type ConfigureReportingResponse struct {
	Records []ReportingStatus
}

// CommandID returns CmdConfigureReportingResponse.
func (*ConfigureReportingResponse) CommandID() uint8 { return CmdConfigureReportingResponse }

// AppendTo appends the payload to b.
func (c *ConfigureReportingResponse) AppendTo(b []byte) ([]byte, error) {
	if len(c.Records) == 0 {
		return append(b, byte(StatusSuccess)), nil
	}
	for _, rec := range c.Records {
		if rec.Direction > ReportingReceived {
			return b, encodeError("ConfigureReportingResponse", "Direction", ErrInvalid)
		}
	}
	for _, rec := range c.Records {
		b = append(b, byte(rec.Status), byte(rec.Direction))
		b = appendU16(b, rec.ID)
	}
	return b, nil
}

// Parse decodes the payload, appending to the capacity c.Records already holds.
func (c *ConfigureReportingResponse) Parse(b []byte) error {
	r := newReader("ConfigureReportingResponse", b)
	r.noRecords("Status")
	c.Records = c.Records[:0]
	if len(b) == 1 && b[0] == byte(StatusSuccess) {
		return nil
	}
	for r.more() {
		var rec ReportingStatus
		rec.Status = Status(r.u8("Status"))
		rec.Direction = ReportingDirection(r.u8("Direction"))
		if r.err == nil && rec.Direction > ReportingReceived {
			r.off--
			r.fail("Direction", ErrInvalid)
		}
		rec.ID = r.u16("AttributeID")
		if r.err != nil {
			break
		}
		c.Records = append(c.Records, rec)
	}
	return r.err
}

// DefaultResponse reports the outcome of a command that has no specific response, or an error in
// any command (ZCL §2.5.12).
type DefaultResponse struct {
	Command uint8 // the command being answered
	Status  Status
}

// CommandID returns CmdDefaultResponse.
func (*DefaultResponse) CommandID() uint8 { return CmdDefaultResponse }

// AppendTo appends the payload to b.
func (c *DefaultResponse) AppendTo(b []byte) ([]byte, error) {
	return append(b, c.Command, byte(c.Status)), nil
}

// Parse decodes the payload.
func (c *DefaultResponse) Parse(b []byte) error {
	r := newReader("DefaultResponse", b)
	c.Command = r.u8("Command")
	c.Status = Status(r.u8("Status"))
	return r.err
}
