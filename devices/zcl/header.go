package zcl

// FrameType is the ZCL frame type, bits 0–1 of the frame control field (ZCL §2.4.1.1.1).
type FrameType uint8

// Frame types. Types 2 and 3 are reserved.
const (
	// FrameProfileWide marks a command that acts across all clusters (Read Attributes, Report
	// Attributes, Default Response…), called "global" in later ZCL revisions.
	FrameProfileWide FrameType = 0
	// FrameClusterSpecific marks a command defined by the cluster named in the APS header.
	FrameClusterSpecific FrameType = 1
)

// Direction is bit 3 of the frame control field (ZCL §2.4.1.1.3): which side of the cluster sent the
// frame. Cluster-specific command identifiers are only unique per direction.
type Direction uint8

// Directions.
const (
	ClientToServer Direction = 0
	ServerToClient Direction = 1
)

// String names the direction as captures show it.
func (d Direction) String() string {
	if d == ServerToClient {
		return "server→client"
	}
	return "client→server"
}

// Header is the ZCL frame header (ZCL §2.4.1): frame control, optional manufacturer code, transaction
// sequence number and command identifier.
type Header struct {
	FrameType              FrameType // only the low bit is encoded; Parse refuses reserved types
	ManufacturerSpecific   bool
	ManufacturerCode       uint16 // on the wire only when ManufacturerSpecific is set
	Direction              Direction
	DisableDefaultResponse bool
	Sequence               uint8 // transaction sequence number, echoed by the response
	Command                uint8
}

const (
	fcManufacturer   = 1 << 2
	fcDirection      = 1 << 3
	fcDisableDefault = 1 << 4
)

// Len returns the encoded length of the header: 3 octets, or 5 with a manufacturer code.
func (h *Header) Len() int {
	if h.ManufacturerSpecific {
		return 5
	}
	return 3
}

// AppendTo appends the header to b.
func (h *Header) AppendTo(b []byte) []byte {
	fc := byte(h.FrameType & 1)
	if h.ManufacturerSpecific {
		fc |= fcManufacturer
	}
	if h.Direction&1 != 0 {
		fc |= fcDirection
	}
	if h.DisableDefaultResponse {
		fc |= fcDisableDefault
	}
	b = append(b, fc)
	if h.ManufacturerSpecific {
		b = appendU16(b, h.ManufacturerCode)
	}
	return append(b, h.Sequence, h.Command)
}

// Parse decodes a header from the start of b and returns the command payload after it, which
// aliases b. Bits 5–7 of the frame control field are reserved and ignored, as ZCL asks of receivers.
func (h *Header) Parse(b []byte) ([]byte, error) {
	r := newReader("Header", b)
	fc := r.u8("FrameControl")
	*h = Header{
		FrameType:              FrameType(fc & 3),
		ManufacturerSpecific:   fc&fcManufacturer != 0,
		DisableDefaultResponse: fc&fcDisableDefault != 0,
	}
	if fc&fcDirection != 0 {
		h.Direction = ServerToClient
	}
	if r.err == nil && h.FrameType > FrameClusterSpecific {
		r.off = 0
		r.fail("FrameType", ErrUnsupported)
	}
	if h.ManufacturerSpecific {
		h.ManufacturerCode = r.u16("ManufacturerCode")
	}
	h.Sequence = r.u8("Sequence")
	h.Command = r.u8("Command")
	if r.err != nil {
		return nil, r.err
	}
	return b[r.off:], nil
}
