package capture_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices/han/capture"
	"github.com/smetsim/smetsim/devices/han/frame"
)

// virtualStart is an arbitrary instant of simulator time; the odd nanoseconds prove that
// timestamps keep more than microsecond resolution.
var virtualStart = time.Date(2024, 3, 31, 0, 59, 58, 123456789, time.UTC)

// sampleFrames returns n frames with distinct addresses, clusters, payloads and timestamps spaced
// irregularly, as a HAN's traffic is.
func sampleFrames(n int) ([]time.Time, []frame.Packet) {
	times := make([]time.Time, n)
	packets := make([]frame.Packet, n)
	for i := range n {
		times[i] = virtualStart.Add(time.Duration(i)*1500*time.Millisecond + time.Duration(i*i)*time.Microsecond + time.Duration(i))
		switch i % 3 {
		case 0:
			packets[i] = unicast(uint8(i), electricity, hub, 0x0702, summationResponse(uint8(i), uint64(123456+i)))
		case 1:
			packets[i] = unicast(uint8(i), hub, gas, 0x0000, readBasicManufacturer)
		default:
			p := unicast(uint8(i), gas, hub, 0x0702, summationResponse(uint8(i), 1<<40+uint64(i)))
			src := frame.EUI64{0x00, 0xDB, 0x12, 0x34, 0x56, 0x78, 0x90, byte(i)}
			p.NWK.SrcIEEE = &src
			packets[i] = p
		}
	}
	return times, packets
}

func writeAll(w *capture.Writer, times []time.Time, packets []frame.Packet) {
	GinkgoHelper()
	for i := range packets {
		Expect(w.Write(times[i], &packets[i])).To(Succeed())
	}
}

func expectRecords(recs []capture.Record, times []time.Time, packets []frame.Packet) {
	GinkgoHelper()
	Expect(recs).To(HaveLen(len(packets)))
	for i := range recs {
		Expect(recs[i].Time).To(BeTemporally("==", times[i]), "frame %d", i+1)
		Expect(recs[i].Time.Location()).To(Equal(time.UTC))
		expectSamePacket(&recs[i].Packet, &packets[i])
	}
}

// closeRecorder is a destination that notices being closed, to show Close leaves it alone.
type closeRecorder struct {
	bytes.Buffer
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

// failingWriter refuses every write, standing in for a full disk.
type failingWriter struct{}

var errDiskFull = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

// writeRaw writes frames to a pcapng file without package capture, to feed Reader with files it
// did not make itself.
func writeRaw(path string, lt layers.LinkType, frames ...[]byte) {
	GinkgoHelper()
	f, err := os.Create(path)
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	ng, err := pcapgo.NewNgWriter(f, lt)
	Expect(err).NotTo(HaveOccurred())
	for i, b := range frames {
		ci := gopacket.CaptureInfo{Timestamp: virtualStart.Add(time.Duration(i) * time.Second), CaptureLength: len(b), Length: len(b)}
		Expect(ng.WritePacket(ci, b)).To(Succeed())
	}
	Expect(ng.Flush()).To(Succeed())
}

var _ = Describe("Writer and ReadFile", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	It("reads back every frame with the timestamp it was written with", func() {
		times, packets := sampleFrames(50)
		path := filepath.Join(dir, "han.pcapng")
		w, err := capture.Create(path)
		Expect(err).NotTo(HaveOccurred())
		writeAll(w, times, packets)
		Expect(w.Frames()).To(Equal(50))
		Expect(w.Close()).To(Succeed())

		recs, err := capture.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		expectRecords(recs, times, packets)
	})

	It("gives each record its own storage", func() {
		times, packets := sampleFrames(6)
		path := filepath.Join(dir, "han.pcapng")
		w, err := capture.Create(path)
		Expect(err).NotTo(HaveOccurred())
		writeAll(w, times, packets)
		Expect(w.Close()).To(Succeed())

		recs, err := capture.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		*recs[2].Packet.NWK.SrcIEEE = frame.EUI64{}
		recs[0].Packet.Payload[1] = 0xff
		Expect(*recs[5].Packet.NWK.SrcIEEE).To(Equal(*packets[5].NWK.SrcIEEE))
		Expect(recs[3].Packet.Payload).To(Equal(packets[3].Payload))
	})

	It("writes to any io.Writer, and Flush makes the frames so far readable", func() {
		times, packets := sampleFrames(4)
		var buf closeRecorder
		w, err := capture.NewWriter(&buf)
		Expect(err).NotTo(HaveOccurred())
		writeAll(w, times[:2], packets[:2])
		Expect(buf.Len()).To(BeZero(), "output is buffered until Flush")
		Expect(w.Flush()).To(Succeed())

		r, err := capture.NewReader(bytes.NewReader(buf.Bytes()))
		Expect(err).NotTo(HaveOccurred())
		for i := range 2 {
			rec, err := r.Next()
			Expect(err).NotTo(HaveOccurred())
			expectRecords([]capture.Record{rec}, times[i:i+1], packets[i:i+1])
		}
		_, err = r.Next()
		Expect(err).To(Equal(io.EOF))

		writeAll(w, times[2:], packets[2:])
		Expect(w.Close()).To(Succeed())
		Expect(buf.closed).To(BeFalse(), "Close leaves a caller's writer open")
		Expect(w.Close()).To(Succeed(), "closing twice is harmless")

		r, err = capture.NewReader(bytes.NewReader(buf.Bytes()))
		Expect(err).NotTo(HaveOccurred())
		var recs []capture.Record
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			Expect(err).NotTo(HaveOccurred())
			recs = append(recs, rec)
		}
		expectRecords(recs, times, packets)
	})

	It("closes the file it created", func() {
		path := filepath.Join(dir, "han.pcapng")
		w, err := capture.Create(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(w.Close()).To(Succeed())
		// A capture with no frames is still a valid, empty capture.
		recs, err := capture.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(recs).To(BeEmpty())
	})

	It("refuses use after Close", func() {
		w, err := capture.NewWriter(io.Discard)
		Expect(err).NotTo(HaveOccurred())
		Expect(w.Close()).To(Succeed())
		p := unicast(1, electricity, hub, 0x0702, summationResponse(1, 1))
		Expect(w.Write(virtualStart, &p)).To(MatchError(capture.ErrClosed))
		Expect(w.Flush()).To(MatchError(capture.ErrClosed))
		Expect(w.AddNetworkKey([16]byte{}, pan)).To(MatchError(capture.ErrClosed))
	})

	It("refuses a frame longer than an 802.15.4 radio can send, and goes on", func() {
		w, err := capture.NewWriter(io.Discard)
		Expect(err).NotTo(HaveOccurred())
		ok := unicast(1, electricity, hub, 0x0702, summationResponse(1, 1))
		Expect(w.Write(virtualStart, &ok)).To(Succeed())
		big := unicast(2, electricity, hub, 0x0702, make([]byte, 101)) // 128 bytes on the air
		Expect(w.Write(virtualStart, &big)).To(MatchError(And(
			ContainSubstring("capture: write frame 2:"), ContainSubstring("127"))))
		Expect(w.Frames()).To(Equal(1))
		Expect(w.Write(virtualStart, &ok)).To(Succeed())
		Expect(w.Frames()).To(Equal(2))
	})

	It("accepts a frame of exactly 127 bytes", func() {
		var buf bytes.Buffer
		w, err := capture.NewWriter(&buf)
		Expect(err).NotTo(HaveOccurred())
		p := unicast(1, electricity, hub, 0x0702, nil)
		p.Payload = make([]byte, capture.MaxFrameSize-len(p.AppendTo(nil)))
		Expect(w.Write(virtualStart, &p)).To(Succeed())
		Expect(w.Close()).To(Succeed())
		r, err := capture.NewReader(&buf)
		Expect(err).NotTo(HaveOccurred())
		rec, err := r.Next()
		Expect(err).NotTo(HaveOccurred())
		Expect(rec.Packet.AppendTo(nil)).To(HaveLen(capture.MaxFrameSize))
	})

	DescribeTable("refuses timestamps pcapng cannot hold",
		func(ts time.Time) {
			w, err := capture.NewWriter(io.Discard)
			Expect(err).NotTo(HaveOccurred())
			p := unicast(1, electricity, hub, 0x0702, summationResponse(1, 1))
			Expect(w.Write(ts, &p)).To(MatchError(ContainSubstring("capture: write frame 1: timestamp")))
		},
		Entry("the zero time", time.Time{}),
		Entry("before 1970", time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC)),
		Entry("after 2262", time.Date(2263, 1, 1, 0, 0, 0, 0, time.UTC)),
	)

	It("accepts the Unix epoch itself", func() {
		w, err := capture.NewWriter(io.Discard)
		Expect(err).NotTo(HaveOccurred())
		p := unicast(1, electricity, hub, 0x0702, summationResponse(1, 1))
		Expect(w.Write(time.Unix(0, 0), &p)).To(Succeed())
	})

	It("names the operation in errors from the destination", func() {
		w, err := capture.NewWriter(failingWriter{})
		Expect(err).NotTo(HaveOccurred(), "nothing is written before Flush")
		err = w.Flush()
		Expect(err).To(MatchError(errDiskFull))
		Expect(err).To(MatchError(HavePrefix("capture: flush: ")))
		Expect(w.Close()).To(MatchError(errDiskFull))
	})

	It("names the frame number in errors from a full buffer", func() {
		w, err := capture.NewWriter(failingWriter{})
		Expect(err).NotTo(HaveOccurred())
		p := unicast(1, electricity, hub, 0x0702, summationResponse(1, 1))
		var werr error
		for werr == nil {
			werr = w.Write(virtualStart, &p)
		}
		Expect(werr).To(MatchError(errDiskFull))
		Expect(werr).To(MatchError(HavePrefix(fmt.Sprintf("capture: write frame %d: ", w.Frames()+1))))
	})

	It("reports the file when it cannot create it", func() {
		_, err := capture.Create(filepath.Join(dir, "missing", "han.pcapng"))
		Expect(err).To(MatchError(os.ErrNotExist))
		Expect(err).To(MatchError(HavePrefix("capture: ")))
	})

	Describe("ReadFile", func() {
		It("reports a missing file", func() {
			_, err := capture.ReadFile(filepath.Join(dir, "nothing.pcapng"))
			Expect(err).To(MatchError(os.ErrNotExist))
		})

		It("rejects a capture of another link type", func() {
			path := filepath.Join(dir, "ethernet.pcapng")
			writeRaw(path, layers.LinkTypeEthernet, make([]byte, 60))
			_, err := capture.ReadFile(path)
			Expect(err).To(MatchError(ContainSubstring("link type 1 is not 195")))
		})

		It("rejects a file that is not pcapng", func() {
			path := filepath.Join(dir, "text.pcapng")
			Expect(os.WriteFile(path, []byte("not a capture at all, just some text"), 0o644)).To(Succeed())
			_, err := capture.ReadFile(path)
			Expect(err).To(MatchError(HavePrefix("capture: read pcapng header")))
		})

		It("names the frame that cannot be decoded and returns the frames before it", func() {
			good := unicast(1, electricity, hub, 0x0702, summationResponse(1, 1))
			bad := good.AppendTo(nil)
			bad[len(bad)-1] ^= 0xff
			path := filepath.Join(dir, "badfcs.pcapng")
			writeRaw(path, capture.LinkType, good.AppendTo(nil), bad)
			recs, err := capture.ReadFile(path)
			Expect(err).To(MatchError(frame.ErrBadFCS))
			Expect(err).To(MatchError(HavePrefix("capture: read frame 2: ")))
			Expect(recs).To(HaveLen(1))
		})

		It("reports a capture cut short inside a frame", func() {
			times, packets := sampleFrames(3)
			var buf bytes.Buffer
			w, err := capture.NewWriter(&buf)
			Expect(err).NotTo(HaveOccurred())
			writeAll(w, times, packets)
			Expect(w.Close()).To(Succeed())
			path := filepath.Join(dir, "cut.pcapng")
			Expect(os.WriteFile(path, buf.Bytes()[:buf.Len()-10], 0o644)).To(Succeed())
			recs, err := capture.ReadFile(path)
			Expect(err).To(MatchError(HavePrefix("capture: read frame 3: ")))
			Expect(recs).To(HaveLen(2))
		})
	})

	Describe("AddNetworkKey", func() {
		key := [16]byte{0x0f, 0x0e, 0x0d, 0x0c, 0x0b, 0x0a, 0x09, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x00}

		It("writes a ZNWK Decryption Secrets Block: the key, then the PAN ID little-endian", func() {
			var buf bytes.Buffer
			w, err := capture.NewWriter(&buf)
			Expect(err).NotTo(HaveOccurred())
			Expect(w.Flush()).To(Succeed())
			headers := buf.Len()
			Expect(w.AddNetworkKey(key, pan)).To(Succeed())
			Expect(w.Flush()).To(Succeed())

			dsb := buf.Bytes()[headers:]
			want := []byte{
				0x0a, 0x00, 0x00, 0x00, // block type: Decryption Secrets Block
				40, 0x00, 0x00, 0x00, // block total length
				0x4b, 0x57, 0x4e, 0x5a, // secrets type "ZNWK", 0x5a4e574b
				18, 0x00, 0x00, 0x00, // secrets length: key and PAN ID
			}
			want = append(want, key[:]...)
			want = append(want, 0x34, 0x12, 0x00, 0x00) // PAN ID 0x1234, padding to 32 bits
			want = append(want, 40, 0x00, 0x00, 0x00)   // block total length again
			Expect(dsb).To(Equal(want))
		})

		It("leaves the capture readable", func() {
			times, packets := sampleFrames(3)
			path := filepath.Join(dir, "keyed.pcapng")
			w, err := capture.Create(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(w.AddNetworkKey(key, pan)).To(Succeed())
			writeAll(w, times, packets)
			Expect(w.Close()).To(Succeed())
			recs, err := capture.ReadFile(path)
			Expect(err).NotTo(HaveOccurred())
			expectRecords(recs, times, packets)
		})
	})

	It("does not allocate per frame in the steady state", func() {
		if raceEnabled {
			Skip("the race detector's instrumentation allocates")
		}
		w, err := capture.NewWriter(io.Discard)
		Expect(err).NotTo(HaveOccurred())
		times, packets := sampleFrames(3)
		i := 0
		Expect(testing.AllocsPerRun(200, func() {
			if err := w.Write(times[i%3], &packets[i%3]); err != nil {
				panic(err)
			}
			i++
		})).To(BeZero())
	})
})
