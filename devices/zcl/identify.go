package zcl

// Identify cluster command identifiers (ZCL §3.5).
const (
	CmdIdentify              uint8 = 0x00 // client→server
	CmdIdentifyQuery         uint8 = 0x01 // client→server
	CmdIdentifyQueryResponse uint8 = 0x00 // server→client
)

// Identify asks the device to identify itself, by flashing or beeping, for IdentifyTime seconds;
// 0 stops it.
type Identify struct {
	IdentifyTime uint16
}

// CommandID returns CmdIdentify.
func (*Identify) CommandID() uint8 { return CmdIdentify }

// ClusterID returns ClusterIdentify.
func (*Identify) ClusterID() uint16 { return ClusterIdentify }

// Direction returns ClientToServer.
func (*Identify) Direction() Direction { return ClientToServer }

// AppendTo appends the payload to b.
func (c *Identify) AppendTo(b []byte) ([]byte, error) { return appendU16(b, c.IdentifyTime), nil }

// Parse decodes the payload.
func (c *Identify) Parse(b []byte) error {
	r := newReader("Identify", b)
	c.IdentifyTime = r.u16("IdentifyTime")
	return r.err
}

// IdentifyQuery asks whether the device is identifying; it has no payload.
type IdentifyQuery struct{}

// CommandID returns CmdIdentifyQuery.
func (*IdentifyQuery) CommandID() uint8 { return CmdIdentifyQuery }

// ClusterID returns ClusterIdentify.
func (*IdentifyQuery) ClusterID() uint16 { return ClusterIdentify }

// Direction returns ClientToServer.
func (*IdentifyQuery) Direction() Direction { return ClientToServer }

// AppendTo appends the (empty) payload to b.
func (*IdentifyQuery) AppendTo(b []byte) ([]byte, error) { return b, nil }

// Parse accepts any payload: there are no fields, and trailing octets are ignored as for every
// command.
func (*IdentifyQuery) Parse([]byte) error { return nil }

// IdentifyQueryResponse answers IdentifyQuery from a device that is identifying.
type IdentifyQueryResponse struct {
	Timeout uint16 // seconds of identification left
}

// CommandID returns CmdIdentifyQueryResponse.
func (*IdentifyQueryResponse) CommandID() uint8 { return CmdIdentifyQueryResponse }

// ClusterID returns ClusterIdentify.
func (*IdentifyQueryResponse) ClusterID() uint16 { return ClusterIdentify }

// Direction returns ServerToClient.
func (*IdentifyQueryResponse) Direction() Direction { return ServerToClient }

// AppendTo appends the payload to b.
func (c *IdentifyQueryResponse) AppendTo(b []byte) ([]byte, error) {
	return appendU16(b, c.Timeout), nil
}

// Parse decodes the payload.
func (c *IdentifyQueryResponse) Parse(b []byte) error {
	r := newReader("IdentifyQueryResponse", b)
	c.Timeout = r.u16("Timeout")
	return r.err
}
