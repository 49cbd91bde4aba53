package frame

// Packet is one over-the-air HAN data frame: MAC, NWK and APS headers around a ZCL frame.
type Packet struct {
	MAC     MAC
	NWK     NWK
	APS     APS
	Payload []byte // the ZCL frame
	ext     [2]EUI64
}

// AppendTo appends the whole frame to b, ending with its FCS, ready for a capture with link type
// 195 (IEEE 802.15.4 with FCS).
func (p *Packet) AppendTo(b []byte) []byte {
	start := len(b)
	b = p.MAC.AppendTo(b)
	b = p.NWK.AppendTo(b)
	b = p.APS.AppendTo(b)
	b = append(b, p.Payload...)
	return appendLE16(b, FCS(b[start:]))
}

// Parse decodes a whole frame, FCS included. Payload aliases b.
func (p *Packet) Parse(b []byte) error {
	if len(b) < 2 {
		return truncated("mac", "frame check sequence", len(b))
	}
	body := b[:len(b)-2]
	if FCS(body) != le16(b[len(b)-2:]) {
		return &Error{Layer: "mac", Field: "frame check sequence", Offset: len(body), Err: ErrBadFCS}
	}
	rest, err := p.MAC.Parse(body)
	if err != nil {
		return err
	}
	if rest, err = p.NWK.parse(rest, &p.ext); err != nil {
		return err
	}
	if rest, err = p.APS.Parse(rest); err != nil {
		return err
	}
	p.Payload = rest
	return nil
}
