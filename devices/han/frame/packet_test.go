package frame_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices/han/frame"
)

// seMeterReading is the minimal Smart Energy data frame: a Metering (0x0702) Read Attributes
// Response for CurrentSummationDelivered (0x0000, uint48) = 123456, from the electricity meter's
// short address 0x1a2b to the coordinator on PAN 0x1234.
func seMeterReading() frame.Packet {
	return frame.Packet{
		MAC: frame.MAC{FrameType: frame.MACData, AckRequest: true, PANIDCompress: true, Sequence: 0x2a,
			DstMode: frame.AddrShort, DstPAN: 0x1234, DstShort: 0x0000,
			SrcMode: frame.AddrShort, SrcPAN: 0x1234, SrcShort: 0x1a2b},
		NWK: frame.NWK{FrameType: frame.NWKData, ProtocolVersion: frame.NWKProtocolVersion,
			Dst: 0x0000, Src: 0x1a2b, Radius: 30, Sequence: 0x55},
		APS: frame.APS{FrameType: frame.APSData, DeliveryMode: frame.DeliveryUnicast, DstEndpoint: 1,
			Cluster: 0x0702, Profile: frame.ProfileSmartEnergy, SrcEndpoint: 1, Counter: 7},
		Payload: unhex("18 01 01 00 00 00 25 40 e2 01 00 00 00"),
	}
}

// seMeterReadingWire is seMeterReading on the air. MAC FCF 61 88, NWK FCF 08 00 and APS FCF 00 are
// the frame-control values of every plain Smart Energy unicast; tshark 4.0 decodes these bytes down
// to the ZCL attribute and reports the FCS b9 d7 as correct.
const seMeterReadingWire = "61 88 2a 34 12 00 00 2b 1a " + // MAC
	"08 00 00 00 2b 1a 1e 55 " + // NWK
	"00 01 02 07 09 01 01 07 " + // APS
	"18 01 01 00 00 00 25 40 e2 01 00 00 00 " + // ZCL
	"b9 d7" // FCS

// headerLen is the length of the MAC, NWK and APS headers of p: truncations shorter than this cut
// into a header rather than into the ZCL payload.
func headerLen(p *frame.Packet) int {
	return len(p.MAC.AppendTo(nil)) + len(p.NWK.AppendTo(nil)) + len(p.APS.AppendTo(nil))
}

func withFCS(body []byte) []byte {
	f := frame.FCS(body)
	return append(body[:len(body):len(body)], byte(f), byte(f>>8))
}

// extendedPacket exercises every optional address field: extended MAC addresses and both NWK
// IEEE addresses, as a device sends while joining; its payload is a Basic cluster Read Attributes
// request.
func extendedPacket() frame.Packet {
	return frame.Packet{
		MAC: frame.MAC{FrameType: frame.MACData, AckRequest: true, PANIDCompress: true, FrameVersion: 1, Sequence: 1,
			DstMode: frame.AddrExtended, DstPAN: 0x1234, DstExt: eui("00-0D-6F-00-0A-BC-DE-F0"),
			SrcMode: frame.AddrExtended, SrcPAN: 0x1234, SrcExt: eui("00-DB-12-34-56-78-90-A0")},
		NWK: frame.NWK{FrameType: frame.NWKData, ProtocolVersion: frame.NWKProtocolVersion, DiscoverRoute: 1,
			Dst: 0x0000, Src: 0x1a2b, Radius: 30, Sequence: 9,
			DstIEEE: euiPtr("00-0D-6F-00-0A-BC-DE-F0"), SrcIEEE: euiPtr("00-DB-12-34-56-78-90-A0")},
		APS: frame.APS{FrameType: frame.APSData, DeliveryMode: frame.DeliveryUnicast, AckRequest: true, DstEndpoint: 1,
			Cluster: 0x0000, Profile: frame.ProfileSmartEnergy, SrcEndpoint: 1, Counter: 2},
		Payload: unhex("00 02 00 04 00"),
	}
}

// broadcastPacket is a network-wide broadcast (NWK 0xfffd, all endpoints) with no ZCL payload,
// the shortest frame the codec produces.
func broadcastPacket() frame.Packet {
	return frame.Packet{
		MAC: frame.MAC{FrameType: frame.MACData, PANIDCompress: true, Sequence: 0xfe,
			DstMode: frame.AddrShort, DstPAN: 0x1234, DstShort: frame.BroadcastShort,
			SrcMode: frame.AddrShort, SrcPAN: 0x1234, SrcShort: 0x0000},
		NWK: frame.NWK{FrameType: frame.NWKData, ProtocolVersion: frame.NWKProtocolVersion,
			Dst: 0xfffd, Src: 0x0000, Radius: 30, Sequence: 0x80},
		APS: frame.APS{FrameType: frame.APSData, DeliveryMode: frame.DeliveryBroadcast, DstEndpoint: 0xff,
			Cluster: 0x0019, Profile: frame.ProfileSmartEnergy, SrcEndpoint: 1, Counter: 0xff},
	}
}

// groupPacket uses APS group delivery, whose header carries a group address instead of an endpoint.
func groupPacket() frame.Packet {
	return frame.Packet{
		MAC: frame.MAC{FrameType: frame.MACData, PANIDCompress: true, Sequence: 3,
			DstMode: frame.AddrShort, DstPAN: 0x1234, DstShort: frame.BroadcastShort,
			SrcMode: frame.AddrShort, SrcPAN: 0x1234, SrcShort: 0x0000},
		NWK: frame.NWK{FrameType: frame.NWKData, ProtocolVersion: frame.NWKProtocolVersion,
			Dst: 0xffff, Src: 0x0000, Radius: 30, Sequence: 4},
		APS: frame.APS{FrameType: frame.APSData, DeliveryMode: frame.DeliveryGroup, Group: 0x0001,
			Cluster: 0x0703, Profile: frame.ProfileSmartEnergy, SrcEndpoint: 1, Counter: 5},
		Payload: unhex("01 05 00"),
	}
}

// samplePackets lists every sample frame, for the fuzz seed corpus and benchmarks.
func samplePackets() []frame.Packet {
	return []frame.Packet{seMeterReading(), extendedPacket(), broadcastPacket(), groupPacket()}
}

var packets = []TableEntry{
	Entry("Smart Energy meter reading", seMeterReading()),
	Entry("extended MAC and NWK addressing", extendedPacket()),
	Entry("broadcast with empty payload", broadcastPacket()),
	Entry("group delivery", groupPacket()),
}

var _ = Describe("Packet", func() {
	It("encodes the minimal Smart Energy data frame to the known bytes", func() {
		p := seMeterReading()
		Expect(p.AppendTo(nil)).To(Equal(unhex(seMeterReadingWire)))
	})

	It("appends after what the buffer already holds, with the FCS over the frame alone", func() {
		p := seMeterReading()
		Expect(p.AppendTo([]byte{0xAA, 0xBB})).To(Equal(append([]byte{0xAA, 0xBB}, unhex(seMeterReadingWire)...)))
	})

	It("parses the minimal Smart Energy data frame", func() {
		var got frame.Packet
		Expect(got.Parse(unhex(seMeterReadingWire))).To(Succeed())
		want := seMeterReading()
		expectSamePacket(&got, &want)
	})

	DescribeTable("round-trips", func(p frame.Packet) {
		wire := p.AppendTo(nil)
		var got frame.Packet
		Expect(got.Parse(wire)).To(Succeed())
		expectSamePacket(&got, &p)
		Expect(got.AppendTo(nil)).To(Equal(wire), "parse→encode gives the same bytes")
	}, packets)

	DescribeTable("reports a bad FCS, or truncation, for a frame cut at every byte offset", func(p frame.Packet) {
		wire := p.AppendTo(nil)
		for i := range wire {
			var got frame.Packet
			err := got.Parse(wire[:i])
			if i < 2 {
				Expect(err).To(beFrameError(frame.ErrTruncated), "cut to %d bytes", i)
			} else {
				Expect(err).To(beFrameError(frame.ErrBadFCS), "cut to %d bytes", i)
			}
		}
	}, packets)

	DescribeTable("reports truncation for headers cut at every byte offset behind a valid FCS", func(p frame.Packet) {
		// A radio that drops the tail of a frame and recomputes the FCS must still be caught by
		// the header length checks, not by the checksum.
		body := p.AppendTo(nil)
		for i := range headerLen(&p) {
			var got frame.Packet
			err := got.Parse(withFCS(body[:i]))
			Expect(err).To(beFrameError(frame.ErrTruncated), "headers cut to %d bytes", i)
		}
	}, packets)

	It("detects every single-bit error", func() {
		wire := unhex(seMeterReadingWire)
		for bit := range len(wire) * 8 {
			b := append([]byte(nil), wire...)
			b[bit/8] ^= 1 << (bit % 8)
			var got frame.Packet
			Expect(got.Parse(b)).To(beFrameError(frame.ErrBadFCS), "bit %d flipped", bit)
		}
	})

	It("passes on the error of the layer that cannot be decoded", func() {
		body := unhex(seMeterReadingWire)
		body = body[:len(body)-2]
		body[10] |= 0x02 // NWK frame control bit 9: security
		var got frame.Packet
		err := got.Parse(withFCS(body))
		Expect(err).To(beFrameError(frame.ErrUnsupported))
		Expect(err.Error()).To(ContainSubstring("nwk security"))
	})

	It("keeps NWK IEEE addresses in the packet, not in the input", func() {
		p := extendedPacket()
		wire := p.AppendTo(nil)
		var got frame.Packet
		Expect(got.Parse(wire)).To(Succeed())
		clear(wire)
		Expect(got.NWK.SrcIEEE).To(HaveValue(Equal(eui("00-DB-12-34-56-78-90-A0"))))
		Expect(got.NWK.DstIEEE).To(HaveValue(Equal(eui("00-0D-6F-00-0A-BC-DE-F0"))))
	})

	It("neither allocates to encode into a reused buffer nor to parse", func() {
		if raceEnabled {
			Skip("the race detector's instrumentation allocates")
		}
		p := extendedPacket()
		buf := make([]byte, 0, 128)
		var got frame.Packet
		Expect(testing.AllocsPerRun(100, func() {
			buf = p.AppendTo(buf[:0])
			if err := got.Parse(buf); err != nil {
				panic(err)
			}
		})).To(BeZero())
	})
})
