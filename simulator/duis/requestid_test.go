package duis_test

import (
	"encoding/xml"
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
)

var _ = Describe("RequestID", func() {
	user := devices.EUI64{0x90, 0xB3, 0xD5, 0x1F, 0x30, 0x01, 0x00, 0x00}
	device := devices.EUI64{0x00, 0xDB, 0x12, 0x34, 0x56, 0x78, 0x90, 0xA0}

	DescribeTable("parses what the schema's RequestIDType allows",
		func(in string, counter uint64, canonical string) {
			id, err := duis.ParseRequestID(in)
			Expect(err).NotTo(HaveOccurred())
			Expect(id.Originator).To(Equal(user))
			Expect(id.Target).To(Equal(device))
			Expect(id.Counter).To(Equal(counter))
			Expect(id.String()).To(Equal(canonical))
		},
		Entry("a sample", goodID, uint64(1000), goodID),
		Entry("lower-case hex", "90-b3-d5-1f-30-01-00-00:00-db-12-34-56-78-90-a0:1000", uint64(1000), goodID),
		Entry("counter 0", userEUI+":"+deviceEUI+":0", uint64(0), userEUI+":"+deviceEUI+":0"),
		Entry("counter 2^64−1", userEUI+":"+deviceEUI+":18446744073709551615", uint64(18446744073709551615), userEUI+":"+deviceEUI+":18446744073709551615"),
		Entry("surrounding XML whitespace", "\n\t "+goodID+" \r\n", uint64(1000), goodID),
	)

	DescribeTable("says which part is wrong",
		func(in, part, detail string) {
			_, err := duis.ParseRequestID(in)
			var re *duis.RequestIDError
			Expect(errors.As(err, &re)).To(BeTrue(), "%v", err)
			Expect(re.Part).To(Equal(part))
			Expect(re.Detail).To(ContainSubstring(detail))
			Expect(err.Error()).To(ContainSubstring(part))
		},
		Entry("empty", "", "format", "empty"),
		Entry("only EUIs", userEUI+":"+deviceEUI, "format", "2 colon-separated parts, want 3"),
		Entry("an extra colon (the DCC Boxed -invalid sample)", userEUI+":"+deviceEUI+"::1000", "format", "4 colon-separated parts"),
		Entry("missing target", userEUI+"::1000", "target", "want 8 hex pairs"),
		Entry("missing originator", ":"+deviceEUI+":1000", "originator", "want 8 hex pairs"),
		Entry("bad originator hex", "90-B3-D5-1F-30-01-00-0G:"+deviceEUI+":1", "originator", `pair 8 "0G" is not hexadecimal`),
		Entry("originator with colons", "90:B3:D5:1F:30:01:00:00:"+deviceEUI+":1", "format", "10 colon-separated parts"),
		Entry("target without hyphens", userEUI+":00DB1234567890A0:1", "target", "want 8 hex pairs"),
		Entry("target with dots", userEUI+":00.DB.12.34.56.78.90.A0:1", "target", `want a hyphen after pair 1, got "."`),
		Entry("target too long", userEUI+":"+deviceEUI+"-00:1", "target", "want 8 hex pairs"),
		Entry("missing counter", userEUI+":"+deviceEUI+":", "counter", "empty"),
		Entry("negative counter", userEUI+":"+deviceEUI+":-1", "counter", "not a decimal number"),
		Entry("signed counter", userEUI+":"+deviceEUI+":+1", "counter", "not a decimal number"),
		Entry("hex counter", userEUI+":"+deviceEUI+":0x10", "counter", "not a decimal number"),
		Entry("leading zero", userEUI+":"+deviceEUI+":01000", "counter", "leading zero"),
		Entry("counter 2^64", userEUI+":"+deviceEUI+":18446744073709551616", "counter", "exceeds 18446744073709551615"),
		Entry("a 30-digit counter", userEUI+":"+deviceEUI+":123456789012345678901234567890", "counter", "exceeds"),
		Entry("space inside", userEUI+": "+deviceEUI+":1", "target", "want 8 hex pairs"),
	)

	It("derives the ResponseID by swapping the EUIs and keeping the counter", func() {
		id, err := duis.ParseRequestID(goodID)
		Expect(err).NotTo(HaveOccurred())
		Expect(id.ResponseID().String()).To(Equal(deviceEUI + ":" + userEUI + ":1000"))
		Expect(id.ResponseID().ResponseID()).To(Equal(id))
	})

	It("works as text in a caller's own structs", func() {
		var v struct {
			XMLName xml.Name       `xml:"x"`
			ID      duis.RequestID `xml:"RequestID"`
		}
		Expect(xml.Unmarshal([]byte(`<x><RequestID>`+goodID+`</RequestID></x>`), &v)).To(Succeed())
		Expect(v.ID.Counter).To(Equal(uint64(1000)))
		out, err := xml.Marshal(v)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(out)).To(ContainSubstring(goodID))
		Expect(xml.Unmarshal([]byte(`<x><RequestID>nope</RequestID></x>`), &v)).NotTo(Succeed())
	})

	It("reads EUIs only in the schema's hyphenated form", func() {
		e, err := duis.ParseEUI("00-db-12-34-56-78-90-a0")
		Expect(err).NotTo(HaveOccurred())
		Expect(e).To(Equal(device))
		for _, bad := range []string{"00:DB:12:34:56:78:90:A0", "00DB1234567890A0", "00-DB-12-34-56-78-90", "00-DB-12-34-56-78-90-A0-"} {
			_, err := duis.ParseEUI(bad)
			Expect(err).To(HaveOccurred(), bad)
		}
	})
})
