package znp_test

import (
	"errors"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/hil/znp"
)

// optionalTail names the payloads whose last fields some firmware omits, with the length of the
// shortest valid form, so the truncation spec knows which prefixes are still whole.
var optionalTail = map[string]int{
	"SYS_VERSION SRSP (Z-Stack 3 with revision)": 5,
	"AF_INCOMING_MSG Read Attributes Response":   30,
}

func vectorEntries() []TableEntry {
	var es []TableEntry
	for _, v := range vectors() {
		es = append(es, Entry(v.name, v))
	}
	return es
}

var _ = Describe("MT frames", func() {
	DescribeTable("known-answer vectors encode byte for byte",
		func(v vector) {
			wire := unhex(v.wire)
			Expect(znp.FCS(wire[1:len(wire)-1])).To(Equal(wire[len(wire)-1]), "the vector's own FCS")
			var data []byte
			if v.payload != nil {
				enc, _, _ := v.payload()
				data = enc(nil)
			}
			f := znp.Frame{Command: v.cmd, Data: data}
			got, err := f.AppendTo([]byte{0xAA})
			Expect(err).NotTo(HaveOccurred())
			Expect(got[0]).To(Equal(byte(0xAA)), "AppendTo keeps what the slice held")
			Expect(got[1:]).To(Equal(wire))
		},
		vectorEntries(),
	)

	DescribeTable("known-answer vectors decode to their typed payloads",
		func(v vector) {
			wire := unhex(v.wire)
			var f znp.Frame
			n, err := f.Parse(append(wire, 0xFE, 0x00))
			Expect(err).NotTo(HaveOccurred())
			Expect(n).To(Equal(len(wire)), "Parse leaves the following bytes")
			Expect(f.Command).To(Equal(v.cmd))
			if v.payload == nil {
				Expect(f.Data).To(BeEmpty())
				return
			}
			_, fresh, want := v.payload()
			Expect(fresh.Parse(f.Data)).To(Succeed())
			Expect(fresh).To(Equal(want))
		},
		vectorEntries(),
	)

	DescribeTable("every truncated payload is a typed truncation error",
		func(v vector) {
			if v.payload == nil {
				return
			}
			enc, _, _ := v.payload()
			data := enc(nil)
			for i := range len(data) {
				_, fresh, _ := v.payload()
				err := fresh.Parse(data[:i])
				if min, ok := optionalTail[v.name]; ok && i == min {
					Expect(err).NotTo(HaveOccurred(), "the form without the optional tail")
					continue
				}
				var ze *znp.Error
				Expect(errors.As(err, &ze)).To(BeTrue(), "prefix of %d bytes: %v", i, err)
				Expect(err).To(MatchError(znp.ErrTruncated))
			}
		},
		vectorEntries(),
	)

	It("refuses bytes a payload does not define", func() {
		var r znp.StatusResponse
		err := r.Parse([]byte{0, 1})
		Expect(err).To(MatchError(znp.ErrInvalid))
		Expect(err.Error()).To(ContainSubstring("trailing bytes at byte 1"))
	})

	DescribeTable("bad frames are typed errors",
		func(wire string, field string, cause error) {
			var f znp.Frame
			_, err := f.Parse(unhex(wire))
			var ze *znp.Error
			Expect(errors.As(err, &ze)).To(BeTrue())
			Expect(ze.Field).To(Equal(field))
			Expect(err).To(MatchError(cause))
		},
		Entry("empty", "", "SOF", znp.ErrTruncated),
		Entry("no SOF", "00 00 21 01 20", "SOF", znp.ErrNoSOF),
		Entry("SOF only", "FE", "length", znp.ErrTruncated),
		Entry("length beyond 250", "FE FB 21 01 20", "length", znp.ErrTooLong),
		Entry("cut inside the data", "FE 02 61 01 59", "frame", znp.ErrTruncated),
		Entry("cut before the FCS", "FE 02 61 01 59 06", "frame", znp.ErrTruncated),
		Entry("FCS off by one bit", "FE 02 61 01 59 06 3C", "FCS", znp.ErrBadFCS),
		Entry("data corrupted", "FE 02 61 01 58 06 3D", "FCS", znp.ErrBadFCS),
	)

	It("refuses to encode more than 250 data bytes, and encodes exactly 250", func() {
		f := znp.Frame{Command: znp.CmdAFDataRequest, Data: make([]byte, znp.MaxData+1)}
		_, err := f.AppendTo(nil)
		Expect(err).To(MatchError(znp.ErrTooLong))
		f.Data = f.Data[:znp.MaxData]
		b, err := f.AppendTo(nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(b).To(HaveLen(znp.MaxFrame))
		var g znp.Frame
		n, err := g.Parse(b)
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(Equal(znp.MaxFrame))
	})

	It("lists up to 120 clusters in an AF_REGISTER, split between in and out as they come", func() {
		r := znp.AFRegister{Endpoint: 1, Profile: 0x0109, InClusters: make([]uint16, 93), OutClusters: make([]uint16, 27)}
		b, err := r.AppendTo(nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(b).To(HaveLen(znp.MaxData - 1))
		var back znp.AFRegister
		Expect(back.Parse(b)).To(Succeed())
		Expect(back.InClusters).To(HaveLen(93))
		r.OutClusters = make([]uint16, 28)
		_, err = r.AppendTo(nil)
		Expect(err).To(MatchError(znp.ErrTooLong))
	})

	It("names commands as the MT specification does", func() {
		Expect(znp.CmdSysPing.String()).To(Equal("SREQ SYS_PING"))
		Expect(znp.CmdSysPing.Response().String()).To(Equal("SRSP SYS_PING"))
		Expect(znp.CmdZDOEndDeviceAnnceInd.String()).To(Equal("AREQ ZDO_END_DEVICE_ANNCE_IND"))
		Expect(znp.Command{Type: znp.SREQ, Subsystem: znp.UTIL, ID: 0x99}.String()).To(Equal("SREQ UTIL 0x99"))
		Expect(znp.Command{Type: znp.AREQ, Subsystem: 30, ID: 1}.String()).To(Equal("AREQ Subsystem(30) 0x01"))
	})

	It("encodes and decodes without allocating", func() {
		if raceEnabled {
			Skip("the race detector's instrumentation allocates")
		}
		wire := unhex("FE 0F 24 01 34 12 01 01 02 07 05 10 1E 05 00 01 00 00 00 06")
		buf := make([]byte, 0, znp.MaxFrame)
		var f, g znp.Frame
		var req znp.AFDataRequest
		Expect(testing.AllocsPerRun(100, func() {
			if _, err := f.Parse(wire); err != nil {
				panic(err)
			}
			if err := req.Parse(f.Data); err != nil {
				panic(err)
			}
			g = f
			buf, _ = g.AppendTo(buf[:0])
		})).To(BeZero())
		Expect(buf).To(Equal(wire))
	})
})
