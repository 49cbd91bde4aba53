package frame

// NWK frame types (frame control bits 0–1).
const (
	NWKData    = 0
	NWKCommand = 1
)

// NWKProtocolVersion is the ZigBee PRO (2007 and later) network protocol version.
const NWKProtocolVersion = 2

// NWK is the ZigBee network-layer header (ZigBee specification 05-3474, §3.3.1).
type NWK struct {
	FrameType          uint8 // NWKData for every frame this codec produces
	ProtocolVersion    uint8
	DiscoverRoute      uint8 // 0 suppress, 1 enable
	EndDeviceInitiator bool
	Dst                uint16
	Src                uint16
	Radius             uint8
	Sequence           uint8
	DstIEEE            *EUI64 // present on the wire when non-nil
	SrcIEEE            *EUI64 // present on the wire when non-nil
}

// AppendTo appends the NWK header to b.
func (n *NWK) AppendTo(b []byte) []byte {
	fcf := uint16(n.FrameType&3) | uint16(n.ProtocolVersion&0x0f)<<2 | uint16(n.DiscoverRoute&3)<<6
	if n.DstIEEE != nil {
		fcf |= 1 << 11
	}
	if n.SrcIEEE != nil {
		fcf |= 1 << 12
	}
	if n.EndDeviceInitiator {
		fcf |= 1 << 13
	}
	b = appendLE16(b, fcf)
	b = appendLE16(b, n.Dst)
	b = appendLE16(b, n.Src)
	b = append(b, n.Radius, n.Sequence)
	if n.DstIEEE != nil {
		b = appendEUI(b, *n.DstIEEE)
	}
	if n.SrcIEEE != nil {
		b = appendEUI(b, *n.SrcIEEE)
	}
	return b
}

// Parse decodes a NWK header from the start of b and returns what follows it. Extended addresses
// are decoded into storage owned by n, so the result does not alias b.
func (n *NWK) Parse(b []byte) ([]byte, error) {
	return n.parse(b, new([2]EUI64))
}

func (n *NWK) parse(b []byte, ext *[2]EUI64) ([]byte, error) {
	if len(b) < 8 {
		return nil, truncated("nwk", "header", len(b))
	}
	fcf := le16(b)
	*n = NWK{
		FrameType:          uint8(fcf & 3),
		ProtocolVersion:    uint8(fcf >> 2 & 0x0f),
		DiscoverRoute:      uint8(fcf >> 6 & 3),
		EndDeviceInitiator: fcf&(1<<13) != 0,
		Dst:                le16(b[2:]),
		Src:                le16(b[4:]),
		Radius:             b[6],
		Sequence:           b[7],
	}
	switch {
	case n.FrameType != NWKData:
		return nil, &Error{Layer: "nwk", Field: "frame type", Err: ErrUnsupported}
	case fcf&(1<<8) != 0:
		return nil, &Error{Layer: "nwk", Field: "multicast flag", Err: ErrUnsupported}
	case fcf&(1<<9) != 0:
		return nil, &Error{Layer: "nwk", Field: "security", Err: ErrUnsupported}
	case fcf&(1<<10) != 0:
		return nil, &Error{Layer: "nwk", Field: "source route", Err: ErrUnsupported}
	}
	off := 8
	if fcf&(1<<11) != 0 {
		if len(b) < off+8 {
			return nil, truncated("nwk", "destination IEEE address", off)
		}
		ext[0] = readEUI(b[off:])
		n.DstIEEE = &ext[0]
		off += 8
	}
	if fcf&(1<<12) != 0 {
		if len(b) < off+8 {
			return nil, truncated("nwk", "source IEEE address", off)
		}
		ext[1] = readEUI(b[off:])
		n.SrcIEEE = &ext[1]
		off += 8
	}
	return b[off:], nil
}
