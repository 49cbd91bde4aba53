package frame

// AddrMode is an 802.15.4 addressing mode (frame control bits 10–11 and 14–15).
type AddrMode uint8

// Addressing modes of IEEE 802.15.4-2006 §7.2.1.1.
const (
	AddrNone     AddrMode = 0
	AddrShort    AddrMode = 2
	AddrExtended AddrMode = 3
)

// MAC frame types (frame control bits 0–2).
const (
	MACBeacon  = 0
	MACData    = 1
	MACAck     = 2
	MACCommand = 3
)

// BroadcastShort is the 802.15.4 and ZigBee broadcast short address.
const BroadcastShort = 0xFFFF

// MAC is the IEEE 802.15.4 MAC header of a data frame.
type MAC struct {
	FrameType     uint8 // MACData for every frame this codec produces
	FramePending  bool
	AckRequest    bool
	PANIDCompress bool
	FrameVersion  uint8 // 0 (2003) or 1 (2006)
	Sequence      uint8
	DstMode       AddrMode
	DstPAN        uint16
	DstShort      uint16
	DstExt        EUI64
	SrcMode       AddrMode
	SrcPAN        uint16 // omitted on the wire when PANIDCompress is set
	SrcShort      uint16
	SrcExt        EUI64
}

// AppendTo appends the MAC header to b.
func (m *MAC) AppendTo(b []byte) []byte {
	fcf := uint16(m.FrameType & 0x07)
	if m.FramePending {
		fcf |= 1 << 4
	}
	if m.AckRequest {
		fcf |= 1 << 5
	}
	if m.PANIDCompress {
		fcf |= 1 << 6
	}
	fcf |= uint16(m.DstMode&3) << 10
	fcf |= uint16(m.FrameVersion&3) << 12
	fcf |= uint16(m.SrcMode&3) << 14
	b = appendLE16(b, fcf)
	b = append(b, m.Sequence)
	if m.DstMode != AddrNone {
		b = appendLE16(b, m.DstPAN)
		b = appendAddr(b, m.DstMode, m.DstShort, m.DstExt)
	}
	if m.SrcMode != AddrNone {
		if !m.PANIDCompress || m.DstMode == AddrNone {
			b = appendLE16(b, m.SrcPAN)
		}
		b = appendAddr(b, m.SrcMode, m.SrcShort, m.SrcExt)
	}
	return b
}

func appendAddr(b []byte, mode AddrMode, short uint16, ext EUI64) []byte {
	if mode == AddrExtended {
		return appendEUI(b, ext)
	}
	return appendLE16(b, short)
}

// Parse decodes a MAC header from the start of b and returns what follows it.
func (m *MAC) Parse(b []byte) ([]byte, error) {
	if len(b) < 3 {
		return nil, truncated("mac", "frame control", 0)
	}
	fcf := le16(b)
	*m = MAC{
		FrameType:     uint8(fcf & 7),
		FramePending:  fcf&(1<<4) != 0,
		AckRequest:    fcf&(1<<5) != 0,
		PANIDCompress: fcf&(1<<6) != 0,
		DstMode:       AddrMode(fcf >> 10 & 3),
		FrameVersion:  uint8(fcf >> 12 & 3),
		SrcMode:       AddrMode(fcf >> 14 & 3),
		Sequence:      b[2],
	}
	if fcf&(1<<3) != 0 {
		return nil, &Error{Layer: "mac", Field: "security enabled", Err: ErrUnsupported}
	}
	if m.FrameType != MACData {
		return nil, &Error{Layer: "mac", Field: "frame type", Err: ErrUnsupported}
	}
	// 802.15.4-2015 frames (version 2) place PAN IDs by a different table and may carry header IEs
	// and a suppressed sequence number, so reading them by the 2006 rules would misplace every
	// field that follows; version 3 is reserved.
	switch m.FrameVersion {
	case 2:
		return nil, &Error{Layer: "mac", Field: "frame version", Err: ErrUnsupported}
	case 3:
		return nil, &Error{Layer: "mac", Field: "frame version", Err: ErrInvalid}
	}
	if m.DstMode == 1 || m.SrcMode == 1 {
		return nil, &Error{Layer: "mac", Field: "addressing mode", Err: ErrInvalid}
	}
	off := 3
	var err error
	if m.DstMode != AddrNone {
		if len(b) < off+2 {
			return nil, truncated("mac", "destination PAN", off)
		}
		m.DstPAN = le16(b[off:])
		off += 2
		if off, err = readAddr(b, off, m.DstMode, &m.DstShort, &m.DstExt, "destination address"); err != nil {
			return nil, err
		}
	}
	if m.SrcMode != AddrNone {
		if !m.PANIDCompress || m.DstMode == AddrNone {
			if len(b) < off+2 {
				return nil, truncated("mac", "source PAN", off)
			}
			m.SrcPAN = le16(b[off:])
			off += 2
		} else {
			m.SrcPAN = m.DstPAN
		}
		if off, err = readAddr(b, off, m.SrcMode, &m.SrcShort, &m.SrcExt, "source address"); err != nil {
			return nil, err
		}
	}
	return b[off:], nil
}

func readAddr(b []byte, off int, mode AddrMode, short *uint16, ext *EUI64, field string) (int, error) {
	if mode == AddrExtended {
		if len(b) < off+8 {
			return off, truncated("mac", field, off)
		}
		*ext = readEUI(b[off:])
		return off + 8, nil
	}
	if len(b) < off+2 {
		return off, truncated("mac", field, off)
	}
	*short = le16(b[off:])
	return off + 2, nil
}

// FCS computes the 802.15.4 frame check sequence: CRC-16/KERMIT (ITU-T polynomial, reflected
// 0x8408, initial value 0, no final XOR) over the MAC header and payload.
func FCS(b []byte) uint16 {
	var crc uint16
	for _, c := range b {
		crc ^= uint16(c)
		for i := 0; i < 8; i++ {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0x8408
			} else {
				crc >>= 1
			}
		}
	}
	return crc
}
