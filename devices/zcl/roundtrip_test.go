package zcl_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices/zcl"
)

// expectTruncated asserts that err is an *Error wrapping ErrTruncated whose offset lies within the
// input of length n it was reported for.
func expectTruncated(err error, n int) {
	GinkgoHelper()
	Expect(err).To(MatchError(zcl.ErrTruncated))
	var e *zcl.Error
	Expect(errors.As(err, &e)).To(BeTrue())
	Expect(e.Offset).To(BeNumerically(">=", 0))
	Expect(e.Offset).To(BeNumerically("<=", n))
	Expect(e.Command).NotTo(BeEmpty())
	Expect(e.Field).NotTo(BeEmpty())
}

// wantHeader is the header AppendFrame writes for a case: the sender's choices plus what the
// command dictates.
func wantHeader(c frameCase) zcl.Header {
	h := c.header
	h.Command = c.cmd.CommandID()
	h.FrameType = zcl.FrameProfileWide
	if cc, ok := c.cmd.(zcl.ClusterCommand); ok {
		h.FrameType = zcl.FrameClusterSpecific
		h.Direction = cc.Direction()
	}
	return h
}

func frameEntries() []TableEntry {
	var entries []TableEntry
	for _, c := range frameCases() {
		entries = append(entries, Entry(c.name, c))
	}
	return entries
}

var _ = Describe("Frames", func() {
	DescribeTable("encode, then parse to the same header and command",
		func(c frameCase) {
			b, err := zcl.AppendFrame(nil, c.header, c.cmd)
			Expect(err).NotTo(HaveOccurred())
			h, cmd, err := zcl.ParseFrame(c.cluster, b)
			Expect(err).NotTo(HaveOccurred())
			Expect(h).To(Equal(wantHeader(c)))
			Expect(cmd).To(Equal(c.cmd))
			Expect(zcl.CommandName(c.cluster, h)).NotTo(BeEmpty())
		}, frameEntries())

	DescribeTable("parse, then encode to the same bytes",
		func(c frameCase) {
			b, err := zcl.AppendFrame(nil, c.header, c.cmd)
			Expect(err).NotTo(HaveOccurred())
			h, cmd, err := zcl.ParseFrame(c.cluster, b)
			Expect(err).NotTo(HaveOccurred())
			again, err := zcl.AppendFrame([]byte{0xee}, h, cmd)
			Expect(err).NotTo(HaveOccurred())
			Expect(again).To(Equal(append([]byte{0xee}, b...)), "AppendFrame appends after what b holds")
		}, frameEntries())

	DescribeTable("cut at every byte, either report truncation or decode a shorter complete frame",
		func(c frameCase) {
			b, err := zcl.AppendFrame(nil, c.header, c.cmd)
			Expect(err).NotTo(HaveOccurred())
			h := wantHeader(c)
			for n := 0; n < h.Len(); n++ {
				var got zcl.Header
				_, err := got.Parse(b[:n])
				expectTruncated(err, n)
			}
			payload := b[h.Len():]
			complete := 0
			for n := 0; n < len(payload); n++ {
				cmd := zcl.NewCommand(c.cluster, h)
				err := cmd.Parse(payload[:n])
				if err == nil {
					// A prefix may itself be a whole command: a record list cut between records,
					// or a command whose optional tail is cut off. Then it must be exactly the
					// encoding of what was decoded.
					again, err := cmd.AppendTo(nil)
					Expect(err).NotTo(HaveOccurred())
					Expect(again).To(Equal(payload[:n]), "prefix of %d bytes decodes to %+v", n, cmd)
					complete++
					continue
				}
				expectTruncated(err, n)
			}
			Expect(complete).To(BeNumerically("<", len(payload)+1))
		}, frameEntries())

	It("says in its error which command and field failed, where, and why", func() {
		p, err := (&zcl.PublishPrice{RateLabel: []byte("Day")}).AppendTo(nil)
		Expect(err).NotTo(HaveOccurred())
		err = new(zcl.PublishPrice).Parse(p[:6])
		Expect(err).To(MatchError("zcl: PublishPrice.RateLabel at byte 4: truncated"))
		Expect(errors.Is(err, zcl.ErrTruncated)).To(BeTrue())
		var e *zcl.Error
		Expect(errors.As(err, &e)).To(BeTrue())
		Expect(*e).To(Equal(zcl.Error{Command: "PublishPrice", Field: "RateLabel", Offset: 4, Err: zcl.ErrTruncated}))
		_, err = zcl.Uint(zcl.TypeUint8, 300).AppendTo(nil)
		Expect(err).To(MatchError("zcl: Value.uint8 encoding: value out of range for its type"))
	})

	It("refuses the header's reserved frame types", func() {
		var h zcl.Header
		_, err := h.Parse([]byte{0x02, 0x01, 0x00})
		Expect(err).To(MatchError(zcl.ErrUnsupported))
		var e *zcl.Error
		Expect(errors.As(err, &e)).To(BeTrue())
		Expect(e.Command).To(Equal("Header"))
		Expect(e.Field).To(Equal("FrameType"))
	})

	It("decodes a Publish Price cut exactly after Price or after PriceControl, and nowhere else", func() {
		c := frameCases()
		var full *zcl.PublishPrice
		for _, fc := range c {
			if p, ok := fc.cmd.(*zcl.PublishPrice); ok && p.Form == zcl.PriceFormSE12 {
				full = p
			}
		}
		Expect(full).NotTo(BeNil())
		payload, err := full.AppendTo(nil)
		Expect(err).NotTo(HaveOccurred())
		var accepted []int
		var forms []zcl.PriceForm
		for n := 0; n <= len(payload); n++ {
			var p zcl.PublishPrice
			if p.Parse(payload[:n]) == nil {
				accepted = append(accepted, n)
				forms = append(forms, p.Form)
			}
		}
		// 4+1+8+4+4+1+2+1+1+4+2+4 = 36 octets through Price with the 8-octet label, 14 more
		// through PriceControl, 5 more to the end.
		Expect(accepted).To(Equal([]int{36, 50, 55}))
		Expect(forms).To(Equal([]zcl.PriceForm{zcl.PriceFormSE10, zcl.PriceFormSE11, zcl.PriceFormSE12}))
	})

	It("keeps optional fields its form leaves off the wire at zero", func() {
		p := zcl.PublishPrice{Form: zcl.PriceFormSE11, ExtendedPriceTier: 1}
		b, err := p.AppendTo([]byte{1, 2})
		Expect(err).To(MatchError(zcl.ErrInvalid))
		Expect(b).To(Equal([]byte{1, 2}), "a failed AppendTo leaves b as it was")
		p = zcl.PublishPrice{Form: zcl.PriceFormSE10, PriceControl: 1}
		_, err = p.AppendTo(nil)
		Expect(err).To(MatchError(zcl.ErrInvalid))
		d := zcl.DisplayMessage{ExtendedMessageControl: 1}
		_, err = d.AppendTo(nil)
		Expect(err).To(MatchError(zcl.ErrInvalid))
		m := zcl.MessageConfirmation{HasResponse: true}
		_, err = m.AppendTo(nil)
		Expect(err).To(MatchError(zcl.ErrInvalid), "a response needs the control octet before it")
		m = zcl.MessageConfirmation{HasControl: true, Response: []byte("yes")}
		_, err = m.AppendTo(nil)
		Expect(err).To(MatchError(zcl.ErrInvalid))
	})

	It("refuses strings longer than the specification allows, in both directions", func() {
		p := zcl.PublishPrice{RateLabel: []byte("thirteen char")}
		b, err := p.AppendTo(nil)
		Expect(err).To(MatchError(zcl.ErrRange))
		Expect(b).To(BeEmpty())
		p.RateLabel = p.RateLabel[:12]
		b, err = p.AppendTo(nil)
		Expect(err).NotTo(HaveOccurred())
		b[4] = 13 // the label's length octet
		b = append(b[:17], append([]byte{'!'}, b[17:]...)...)
		err = new(zcl.PublishPrice).Parse(b)
		Expect(err).To(MatchError(zcl.ErrInvalid))

		_, err = (&zcl.ChangeDebt{DebtLabel: make([]byte, 13)}).AppendTo(nil)
		Expect(err).To(MatchError(zcl.ErrRange))
		_, err = (&zcl.MessageConfirmation{HasControl: true, HasResponse: true, Response: make([]byte, 21)}).AppendTo(nil)
		Expect(err).To(MatchError(zcl.ErrRange))
		_, err = (&zcl.ConsumerTopUp{TopUpCode: make([]byte, 255)}).AppendTo(nil)
		Expect(err).To(MatchError(zcl.ErrRange))
		_, err = (&zcl.DisplayMessage{Message: make([]byte, 255)}).AppendTo(nil)
		Expect(err).To(MatchError(zcl.ErrRange))
	})

	It("refuses values that do not fit their fields", func() {
		_, err := (&zcl.GetProfileResponse{Intervals: []uint32{1 << 24}}).AppendTo(nil)
		Expect(err).To(MatchError(zcl.ErrRange))
		_, err = (&zcl.GetProfileResponse{Intervals: make([]uint32, 256)}).AppendTo(nil)
		Expect(err).To(MatchError(zcl.ErrRange))
		_, err = (&zcl.PublishBlockThresholds{Thresholds: []zcl.BlockThreshold{{Threshold: 1 << 48}}}).AppendTo(nil)
		Expect(err).To(MatchError(zcl.ErrRange))
		_, err = (&zcl.PublishBlockThresholds{Thresholds: []zcl.BlockThreshold{{Tier: 16}}}).AppendTo(nil)
		Expect(err).To(MatchError(zcl.ErrRange))
		r := zcl.ReportAttributes{Records: []zcl.AttributeRecord{{ID: 1, Value: zcl.Uint(zcl.TypeUint24, 1<<24)}}}
		b, err := r.AppendTo([]byte{9})
		Expect(err).To(MatchError(zcl.ErrRange))
		Expect(b).To(Equal([]byte{9}))
		var e *zcl.Error
		Expect(errors.As(err, &e)).To(BeTrue())
		Expect(e.Command).To(Equal("ReportAttributes"))
		Expect(e.Offset).To(Equal(-1))
	})

	It("refuses record lists the specification requires to be non-empty, and malformed records", func() {
		for _, c := range []zcl.Command{&zcl.ReadAttributes{}, &zcl.ReadAttributesResponse{},
			&zcl.WriteAttributes{}, &zcl.ReportAttributes{}, &zcl.ConfigureReporting{}} {
			_, err := c.AppendTo(nil)
			Expect(err).To(MatchError(zcl.ErrInvalid), "%T", c)
		}
		_, err := (&zcl.ReadAttributesResponse{Records: []zcl.ReadAttributeRecord{
			{ID: 1, Status: zcl.StatusFailure, Value: zcl.Uint(zcl.TypeUint8, 1)}}}).AppendTo(nil)
		Expect(err).To(MatchError(zcl.ErrInvalid), "a failed record cannot carry a value")
		_, err = (&zcl.ConfigureReporting{Records: []zcl.ReportingConfiguration{
			{Direction: zcl.ReportingReported, Type: zcl.TypeUint8, ReportableChange: zcl.Uint(zcl.TypeUint16, 1)}}}).AppendTo(nil)
		Expect(err).To(MatchError(zcl.ErrInvalid), "the reportable change has the attribute's type")
		_, err = (&zcl.ConfigureReporting{Records: []zcl.ReportingConfiguration{
			{Direction: zcl.ReportingReported, Type: zcl.TypeBitmap8, ReportableChange: zcl.Uint(zcl.TypeBitmap8, 1)}}}).AppendTo(nil)
		Expect(err).To(MatchError(zcl.ErrInvalid), "discrete types have no reportable change")
		_, err = (&zcl.ConfigureReporting{Records: []zcl.ReportingConfiguration{{Direction: 2}}}).AppendTo(nil)
		Expect(err).To(MatchError(zcl.ErrInvalid))
		err = new(zcl.ConfigureReporting).Parse([]byte{0x02, 0x00, 0x00, 0x00, 0x00})
		Expect(err).To(MatchError(zcl.ErrInvalid))
		err = new(zcl.ReportAttributes).Parse([]byte{0x00, 0x00, 0x48, 0x20, 0x00, 0x00})
		Expect(err).To(MatchError(zcl.ErrUnsupported), "an array's length cannot be known")
	})

	It("reads the single SUCCESS octet of Write and Configure Reporting responses as 'all succeeded'", func() {
		var w zcl.WriteAttributesResponse
		Expect(w.Parse([]byte{0x00})).To(Succeed())
		Expect(w.Records).To(BeEmpty())
		var cr zcl.ConfigureReportingResponse
		Expect(cr.Parse([]byte{0x00})).To(Succeed())
		Expect(cr.Records).To(BeEmpty())
		expectTruncated(w.Parse([]byte{0x88}), 1)
	})

	It("refuses manufacturer-specific and unknown commands as unsupported, but still names known ones", func() {
		h := zcl.Header{FrameType: zcl.FrameClusterSpecific, ManufacturerSpecific: true, ManufacturerCode: 0x1234}
		_, err := zcl.DecodeCommand(zcl.ClusterPrice, h, nil)
		Expect(err).To(MatchError(zcl.ErrUnsupported))
		Expect(zcl.CommandName(zcl.ClusterPrice, h)).To(BeEmpty())
		h = zcl.Header{FrameType: zcl.FrameClusterSpecific, Direction: zcl.ServerToClient, Command: 0x04}
		_, err = zcl.DecodeCommand(zcl.ClusterPrice, h, nil)
		Expect(err).To(MatchError(zcl.ErrUnsupported))
		Expect(zcl.CommandName(zcl.ClusterPrice, h)).To(Equal("Publish Tariff Information"))
		var d zcl.Decoder
		_, err = d.Decode(zcl.ClusterPrice, h, nil)
		Expect(err).To(MatchError(zcl.ErrUnsupported))
	})

	It("decodes every kind of command with a Decoder exactly as DecodeCommand does", func() {
		var d zcl.Decoder
		for round := 0; round < 2; round++ {
			for _, c := range frameCases() {
				b, err := zcl.AppendFrame(nil, c.header, c.cmd)
				Expect(err).NotTo(HaveOccurred())
				var h zcl.Header
				payload, err := h.Parse(b)
				Expect(err).NotTo(HaveOccurred())
				got, err := d.Decode(c.cluster, h, payload)
				Expect(err).NotTo(HaveOccurred())
				want, err := zcl.DecodeCommand(c.cluster, h, payload)
				Expect(err).NotTo(HaveOccurred())
				// The Decoder reuses list capacity, so compare re-encodings rather than slices.
				gb, err := got.AppendTo(nil)
				Expect(err).NotTo(HaveOccurred())
				wb, err := want.AppendTo(nil)
				Expect(err).NotTo(HaveOccurred())
				Expect(gb).To(Equal(wb), c.name)
			}
		}
	})
})
