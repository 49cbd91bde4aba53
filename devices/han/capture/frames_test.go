package capture_test

import (
	"encoding/binary"

	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices/han/frame"
)

// The PAN and addresses of a small SMETS1 HAN: the communications hub coordinates at 0x0000, the
// electricity meter is 0x1a2b and the gas meter 0x2c3d.
const (
	pan         = 0x1234
	hub         = 0x0000
	electricity = 0x1a2b
	gas         = 0x2c3d
)

// unicast builds a Smart Energy unicast data frame between two short addresses, with the frame
// control values (MAC 61 88, NWK 08 00, APS 00) every such frame on a SMETS HAN carries.
func unicast(seq uint8, src, dst, cluster uint16, zcl []byte) frame.Packet {
	return frame.Packet{
		MAC: frame.MAC{FrameType: frame.MACData, AckRequest: true, PANIDCompress: true, Sequence: seq,
			DstMode: frame.AddrShort, DstPAN: pan, DstShort: dst,
			SrcMode: frame.AddrShort, SrcPAN: pan, SrcShort: src},
		NWK: frame.NWK{FrameType: frame.NWKData, ProtocolVersion: frame.NWKProtocolVersion,
			Dst: dst, Src: src, Radius: 30, Sequence: seq},
		APS: frame.APS{FrameType: frame.APSData, DeliveryMode: frame.DeliveryUnicast, DstEndpoint: 1,
			Cluster: cluster, Profile: frame.ProfileSmartEnergy, SrcEndpoint: 1, Counter: seq},
		Payload: zcl,
	}
}

// summationResponse is the ZCL frame of a Metering Read Attributes Response reporting
// CurrentSummationDelivered (attribute 0x0000, uint48): server to client with default response
// disabled (18), sequence seq, command 01, attribute 00 00, status 00 (success), type 25 (uint48),
// then the value in six little-endian bytes.
func summationResponse(seq uint8, value uint64) []byte {
	b := []byte{0x18, seq, 0x01, 0x00, 0x00, 0x00, 0x25}
	var v [8]byte
	binary.LittleEndian.PutUint64(v[:], value)
	return append(b, v[:6]...)
}

// readBasicManufacturer is a Basic cluster Read Attributes request for ManufacturerName (0x0004):
// client to server (00), sequence 02, command 00, attribute 04 00.
var readBasicManufacturer = []byte{0x00, 0x02, 0x00, 0x04, 0x00}

// expectSamePacket compares packets field by field, since a parsed Packet also holds private
// storage for its NWK IEEE addresses that a hand-built one lacks.
func expectSamePacket(got, want *frame.Packet) {
	Expect(got.MAC).To(Equal(want.MAC))
	Expect(got.NWK).To(Equal(want.NWK))
	Expect(got.APS).To(Equal(want.APS))
	Expect(got.Payload).To(Equal(want.Payload))
}
