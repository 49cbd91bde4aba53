package znp_test

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/hil/znp"
)

// readAll returns every frame r yields, re-encoded, and the error that ended the stream.
func readAll(r *znp.Reader) ([]string, error) {
	var out []string
	var f znp.Frame
	for {
		if err := r.ReadFrame(&f); err != nil {
			return out, err
		}
		b, err := f.AppendTo(nil)
		Expect(err).NotTo(HaveOccurred())
		out = append(out, hexDump(b))
	}
}

func hexDump(b []byte) string {
	const digits = "0123456789ABCDEF"
	var s []byte
	for i, c := range b {
		if i > 0 {
			s = append(s, ' ')
		}
		s = append(s, digits[c>>4], digits[c&15])
	}
	return string(s)
}

const (
	ping    = "FE 00 21 01 20"
	pingRsp = "FE 02 61 01 59 06 3D"
	version = "FE 05 61 02 02 00 02 06 03 63"
	annce   = "FE 0D 45 C1 34 12 34 12 A0 90 78 56 34 12 DB 00 80 EA"
)

func stream(parts ...string) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, unhex(p)...)
	}
	return b
}

var _ = Describe("Reader", func() {
	It("reads frames that arrive several to a read", func() {
		r := znp.NewReader(bytes.NewReader(stream(ping, pingRsp, version, annce)))
		got, err := readAll(r)
		Expect(err).To(Equal(io.EOF))
		Expect(got).To(Equal([]string{ping, pingRsp, version, annce}))
	})

	It("reads frames split across reads, one byte at a time", func() {
		r := znp.NewReader(iotest.OneByteReader(bytes.NewReader(stream(ping, pingRsp, version, annce))))
		got, err := readAll(r)
		Expect(err).To(Equal(io.EOF))
		Expect(got).To(Equal([]string{ping, pingRsp, version, annce}))
	})

	It("reads every vector back to back, in halves that cut frames anywhere", func() {
		var all []byte
		var want []string
		for _, v := range vectors() {
			all = append(all, unhex(v.wire)...)
			want = append(want, v.wire)
		}
		for cut := 0; cut <= len(all); cut += 7 {
			r := znp.NewReader(io.MultiReader(bytes.NewReader(all[:cut]), bytes.NewReader(all[cut:])))
			got, err := readAll(r)
			Expect(err).To(Equal(io.EOF))
			Expect(got).To(Equal(want), "cut at %d", cut)
		}
	})

	It("drops garbage before a frame", func() {
		r := znp.NewReader(bytes.NewReader(stream("00 11 22 33", pingRsp)))
		got, _ := readAll(r)
		Expect(got).To(Equal([]string{pingRsp}))
		Expect(r.Stats()).To(Equal(znp.ReaderStats{Frames: 1, Garbage: 4}))
	})

	It("survives a bad FCS and reads the frame after it", func() {
		r := znp.NewReader(bytes.NewReader(stream("FE 02 61 01 59 06 3C", version)))
		got, _ := readAll(r)
		Expect(got).To(Equal([]string{version}))
		Expect(r.Stats().BadFCS).To(BeNumerically(">=", 1))
	})

	It("recovers the good frame behind a truncated one whose length swallows it", func() {
		// The truncated SYS_VERSION SRSP claims 5 data bytes; its candidate frame takes the first
		// bytes of the SYS_PING after it, fails the FCS, and only its SOF is dropped.
		r := znp.NewReader(iotest.OneByteReader(bytes.NewReader(stream("FE 05 61 02 02", pingRsp, ping, annce))))
		got, err := readAll(r)
		Expect(err).To(Equal(io.EOF))
		Expect(got).To(Equal([]string{pingRsp, ping, annce}))
	})

	It("skips a length no frame may have", func() {
		r := znp.NewReader(bytes.NewReader(stream("FE FF 00 00", pingRsp)))
		got, _ := readAll(r)
		Expect(got).To(Equal([]string{pingRsp}))
		Expect(r.Stats().TooLong).To(Equal(uint64(1)))
	})

	It("skips runs of SOF bytes", func() {
		r := znp.NewReader(bytes.NewReader(stream("FE FE FE", pingRsp)))
		got, _ := readAll(r)
		Expect(got).To(Equal([]string{pingRsp}))
	})

	It("carries SOF bytes inside data, which MT does not escape", func() {
		f := znp.Frame{Command: znp.CmdAFIncomingMsg, Data: unhex("FE FE 00 FE")}
		b, _ := f.AppendTo(nil)
		r := znp.NewReader(iotest.OneByteReader(bytes.NewReader(b)))
		got, _ := readAll(r)
		Expect(got).To(Equal([]string{hexDump(b)}))
	})

	It("reads the longest frame after a near-full buffer of garbage", func() {
		long := znp.Frame{Command: znp.CmdAFIncomingMsg, Data: bytes.Repeat([]byte{0x55}, znp.MaxData)}
		b, _ := long.AppendTo(nil)
		in := append(bytes.Repeat([]byte{0x01}, 2*znp.MaxFrame-3), b...)
		r := znp.NewReader(bytes.NewReader(in))
		got, err := readAll(r)
		Expect(err).To(Equal(io.EOF))
		Expect(got).To(Equal([]string{hexDump(b)}))
	})

	It("reports a stream that ends inside a frame", func() {
		r := znp.NewReader(bytes.NewReader(stream(ping, "FE 02 61")))
		got, err := readAll(r)
		Expect(got).To(Equal([]string{ping}))
		Expect(err).To(Equal(io.ErrUnexpectedEOF))
	})

	It("reads through noise without allocating", func() {
		if raceEnabled {
			Skip("the race detector's instrumentation allocates")
		}
		in := stream("00 FE 05 61", pingRsp, "FE FF 13", version, "FE 02 61 01 59 06 3C", annce)
		src := bytes.NewReader(in)
		r := znp.NewReader(src)
		var f znp.Frame
		Expect(testing.AllocsPerRun(50, func() {
			src.Reset(in)
			for r.ReadFrame(&f) == nil {
			}
		})).To(BeZero())
		Expect(r.Stats().Frames).To(Equal(uint64(3 * 51)))
	})

	It("passes on the stream's own error", func() {
		r := znp.NewReader(iotest.ErrReader(io.ErrClosedPipe))
		_, err := readAll(r)
		Expect(err).To(Equal(io.ErrClosedPipe))
	})
})
