package frame

// APS frame types (frame control bits 0–1).
const (
	APSData    = 0
	APSCommand = 1
	APSAck     = 2
)

// APS delivery modes (frame control bits 2–3).
const (
	DeliveryUnicast   = 0
	DeliveryBroadcast = 2
	DeliveryGroup     = 3
)

// ProfileSmartEnergy is the ZigBee Smart Energy application profile identifier.
const ProfileSmartEnergy = 0x0109

// APS is the ZigBee application-support header of a data frame (ZigBee specification 05-3474, §2.2.5).
type APS struct {
	FrameType    uint8 // APSData for every frame this codec produces
	DeliveryMode uint8
	AckRequest   bool
	DstEndpoint  uint8  // unicast and broadcast delivery
	Group        uint16 // group delivery
	Cluster      uint16
	Profile      uint16
	SrcEndpoint  uint8
	Counter      uint8
}

// AppendTo appends the APS header to b.
func (a *APS) AppendTo(b []byte) []byte {
	fcf := a.FrameType&3 | (a.DeliveryMode&3)<<2
	if a.AckRequest {
		fcf |= 1 << 6
	}
	b = append(b, fcf)
	if a.DeliveryMode == DeliveryGroup {
		b = appendLE16(b, a.Group)
	} else {
		b = append(b, a.DstEndpoint)
	}
	b = appendLE16(b, a.Cluster)
	b = appendLE16(b, a.Profile)
	return append(b, a.SrcEndpoint, a.Counter)
}

// Parse decodes an APS data header from the start of b and returns the payload after it.
func (a *APS) Parse(b []byte) ([]byte, error) {
	if len(b) < 1 {
		return nil, truncated("aps", "frame control", 0)
	}
	fcf := b[0]
	*a = APS{
		FrameType:    fcf & 3,
		DeliveryMode: fcf >> 2 & 3,
		AckRequest:   fcf&(1<<6) != 0,
	}
	switch {
	case a.FrameType != APSData:
		return nil, &Error{Layer: "aps", Field: "frame type", Err: ErrUnsupported}
	case a.DeliveryMode == 1:
		return nil, &Error{Layer: "aps", Field: "delivery mode", Err: ErrInvalid}
	case fcf&(1<<5) != 0:
		return nil, &Error{Layer: "aps", Field: "security", Err: ErrUnsupported}
	case fcf&(1<<7) != 0:
		return nil, &Error{Layer: "aps", Field: "extended header", Err: ErrUnsupported}
	}
	// Frame control, destination endpoint, cluster, profile, source endpoint and counter make 8
	// bytes; group delivery swaps the 1-byte endpoint for a 2-byte group address.
	need := 8
	if a.DeliveryMode == DeliveryGroup {
		need = 9
	}
	if len(b) < need {
		return nil, truncated("aps", "header", len(b))
	}
	off := 1
	if a.DeliveryMode == DeliveryGroup {
		a.Group = le16(b[off:])
		off += 2
	} else {
		a.DstEndpoint = b[off]
		off++
	}
	a.Cluster = le16(b[off:])
	a.Profile = le16(b[off+2:])
	a.SrcEndpoint = b[off+4]
	a.Counter = b[off+5]
	return b[off+6:], nil
}
