package frame_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices/han/frame"
)

var _ = Describe("EUI64", func() {
	want := frame.EUI64{0x00, 0xDB, 0x12, 0x34, 0x56, 0x78, 0x90, 0xA0}

	It("formats as SMETS Device IDs are written", func() {
		Expect(want.String()).To(Equal("00-DB-12-34-56-78-90-A0"))
		Expect(frame.EUI64{}.String()).To(Equal("00-00-00-00-00-00-00-00"))
		Expect(frame.EUI64{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}.String()).To(Equal("FF-FF-FF-FF-FF-FF-FF-FF"))
	})

	DescribeTable("parses the usual spellings",
		func(s string) {
			got, err := frame.ParseEUI64(s)
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal(want))
		},
		Entry("hyphens", "00-DB-12-34-56-78-90-A0"),
		Entry("colons", "00:DB:12:34:56:78:90:A0"),
		Entry("bare hex", "00DB1234567890A0"),
		Entry("lower case", "00-db-12-34-56-78-90-a0"),
		Entry("lower-case bare hex", "00db1234567890a0"),
	)

	It("round-trips through String", func() {
		for _, e := range []frame.EUI64{want, {}, {1, 2, 3, 4, 5, 6, 7, 8}, {0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10}} {
			got, err := frame.ParseEUI64(e.String())
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal(e))
		}
	})

	DescribeTable("rejects malformed input",
		func(s string) {
			_, err := frame.ParseEUI64(s)
			Expect(err).To(MatchError(ContainSubstring("EUI-64")))
		},
		Entry("empty", ""),
		Entry("seven pairs", "00-DB-12-34-56-78-90"),
		Entry("nine pairs", "00-DB-12-34-56-78-90-A0-11"),
		Entry("odd digit count", "00DB1234567890A"),
		Entry("single-digit pair", "0-DB-12-34-56-78-90-A0"),
		Entry("non-hex digit", "00-DB-12-34-56-78-90-AG"),
		Entry("trailing separator", "00-DB-12-34-56-78-90-A0-"),
		Entry("leading separator", "-00-DB-12-34-56-78-90-A0"),
		Entry("doubled separator", "00--DB-12-34-56-78-90-A0"),
		Entry("spaces", "00 DB 12 34 56 78 90 A0"),
		Entry("surrounding whitespace", " 00-DB-12-34-56-78-90-A0"),
		Entry("0x prefix", "0x00DB1234567890A0"),
	)
})
