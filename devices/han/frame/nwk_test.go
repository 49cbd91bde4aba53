package frame_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices/han/frame"
)

var _ = Describe("NWK header", func() {
	DescribeTable("encodes to the known bytes and parses back to the same header",
		func(n frame.NWK, wire string) {
			want := unhex(wire)
			Expect(n.AppendTo(nil)).To(Equal(want))

			var got frame.NWK
			rest, err := got.Parse(append(want, 0xEE))
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal(n))
			Expect(rest).To(Equal([]byte{0xEE}))
			Expect(got.AppendTo(nil)).To(Equal(want), "parse→encode gives the same bytes")
		},
		Entry("ZigBee PRO data frame without IEEE addresses",
			frame.NWK{FrameType: frame.NWKData, ProtocolVersion: frame.NWKProtocolVersion,
				Dst: 0x0000, Src: 0x1a2b, Radius: 30, Sequence: 0x55},
			"08 00 00 00 2b 1a 1e 55"),
		Entry("route discovery enabled, destination IEEE address",
			frame.NWK{FrameType: frame.NWKData, ProtocolVersion: frame.NWKProtocolVersion, DiscoverRoute: 1,
				Dst: 0x0001, Src: 0x0000, Radius: 1, Sequence: 0x02, DstIEEE: euiPtr("00-0D-6F-00-0A-BC-DE-F0")},
			"48 08 01 00 00 00 01 02 f0 de bc 0a 00 6f 0d 00"),
		Entry("end-device initiator with source IEEE address",
			frame.NWK{FrameType: frame.NWKData, ProtocolVersion: frame.NWKProtocolVersion, EndDeviceInitiator: true,
				Dst: 0x0000, Src: 0x796f, Radius: 30, Sequence: 0x03, SrcIEEE: euiPtr("00-DB-12-34-56-78-90-A0")},
			"08 30 00 00 6f 79 1e 03 a0 90 78 56 34 12 db 00"),
		Entry("both IEEE addresses, destination first",
			frame.NWK{FrameType: frame.NWKData, ProtocolVersion: frame.NWKProtocolVersion,
				Dst: 0x0000, Src: 0x796f, Radius: 30, Sequence: 0xff,
				DstIEEE: euiPtr("00-0D-6F-00-0A-BC-DE-F0"), SrcIEEE: euiPtr("00-DB-12-34-56-78-90-A0")},
			"08 18 00 00 6f 79 1e ff f0 de bc 0a 00 6f 0d 00 a0 90 78 56 34 12 db 00"),
	)

	DescribeTable("reports truncation at every byte offset",
		func(wire string) {
			b := unhex(wire)
			for i := range b {
				var n frame.NWK
				_, err := n.Parse(b[:i])
				Expect(err).To(beFrameError(frame.ErrTruncated), "input cut to %d of %d bytes", i, len(b))
			}
		},
		Entry("no IEEE addresses", "08 00 00 00 2b 1a 1e 55"),
		Entry("both IEEE addresses", "08 18 00 00 6f 79 1e ff f0 de bc 0a 00 6f 0d 00 a0 90 78 56 34 12 db 00"),
	)

	DescribeTable("rejects frames this codec does not carry",
		func(wire string) {
			var n frame.NWK
			_, err := n.Parse(unhex(wire))
			Expect(err).To(beFrameError(frame.ErrUnsupported))
		},
		Entry("NWK command", "09 00 00 00 2b 1a 1e 55"),
		Entry("multicast", "08 01 00 00 2b 1a 1e 55"),
		Entry("NWK security (until it lands)", "08 02 00 00 2b 1a 1e 55"),
		Entry("source route", "08 04 00 00 2b 1a 1e 55"),
	)

	It("decodes IEEE addresses into storage that does not alias the input", func() {
		b := unhex("08 08 00 00 2b 1a 1e 55 f0 de bc 0a 00 6f 0d 00")
		var n frame.NWK
		_, err := n.Parse(b)
		Expect(err).NotTo(HaveOccurred())
		clear(b)
		Expect(n.DstIEEE).To(HaveValue(Equal(eui("00-0D-6F-00-0A-BC-DE-F0"))))
	})
})

var _ = Describe("APS header", func() {
	DescribeTable("encodes to the known bytes and parses back to the same header",
		func(a frame.APS, wire string) {
			want := unhex(wire)
			Expect(a.AppendTo(nil)).To(Equal(want))

			var got frame.APS
			rest, err := got.Parse(append(want, 0x18, 0x01))
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal(a))
			Expect(rest).To(Equal([]byte{0x18, 0x01}), "the ZCL frame follows the header")
			Expect(got.AppendTo(nil)).To(Equal(want), "parse→encode gives the same bytes")
		},
		Entry("unicast Metering on the Smart Energy profile",
			frame.APS{FrameType: frame.APSData, DeliveryMode: frame.DeliveryUnicast, DstEndpoint: 1,
				Cluster: 0x0702, Profile: frame.ProfileSmartEnergy, SrcEndpoint: 1, Counter: 7},
			"00 01 02 07 09 01 01 07"),
		Entry("unicast with APS acknowledgement requested",
			frame.APS{FrameType: frame.APSData, DeliveryMode: frame.DeliveryUnicast, AckRequest: true, DstEndpoint: 2,
				Cluster: 0x0703, Profile: frame.ProfileSmartEnergy, SrcEndpoint: 1, Counter: 0x80},
			"40 02 03 07 09 01 01 80"),
		Entry("broadcast to all endpoints",
			frame.APS{FrameType: frame.APSData, DeliveryMode: frame.DeliveryBroadcast, DstEndpoint: 0xff,
				Cluster: 0x0000, Profile: frame.ProfileSmartEnergy, SrcEndpoint: 1, Counter: 0x20},
			"08 ff 00 00 09 01 01 20"),
		Entry("group delivery carries a group address instead of an endpoint",
			frame.APS{FrameType: frame.APSData, DeliveryMode: frame.DeliveryGroup, Group: 0x1234,
				Cluster: 0x0006, Profile: 0x0104, SrcEndpoint: 0x0a, Counter: 1},
			"0c 34 12 06 00 04 01 0a 01"),
	)

	DescribeTable("reports truncation at every byte offset",
		func(wire string) {
			b := unhex(wire)
			for i := range b {
				var a frame.APS
				_, err := a.Parse(b[:i])
				Expect(err).To(beFrameError(frame.ErrTruncated), "input cut to %d of %d bytes", i, len(b))
			}
		},
		Entry("unicast", "00 01 02 07 09 01 01 07"),
		Entry("group", "0c 34 12 06 00 04 01 0a 01"),
	)

	DescribeTable("rejects frames this codec does not carry",
		func(wire string, sentinel error) {
			var a frame.APS
			_, err := a.Parse(unhex(wire))
			Expect(err).To(beFrameError(sentinel))
		},
		Entry("APS command", "01 01 02 07 09 01 01 07", frame.ErrUnsupported),
		Entry("APS acknowledgement", "02 01 02 07 09 01 01 07", frame.ErrUnsupported),
		Entry("APS security", "20 01 02 07 09 01 01 07", frame.ErrUnsupported),
		Entry("extended header (fragmentation)", "80 01 02 07 09 01 01 07", frame.ErrUnsupported),
		Entry("reserved delivery mode 1", "04 01 02 07 09 01 01 07", frame.ErrInvalid),
	)
})
