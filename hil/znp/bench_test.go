package znp_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/smetsim/smetsim/hil/znp"
)

// BenchmarkRoundTrip measures one SYS_PING SREQ→SRSP through net.Pipe against the fake dongle: the
// driver's own overhead per exchange (framing, matching, two goroutine hand-offs each way), with no
// serial line in the way.
func BenchmarkRoundTrip(b *testing.B) {
	dongle, conn := newFakeDongle()
	drv := znp.New(conn)
	defer func() { drv.Close(); dongle.unplug() }()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := drv.Ping(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReader measures the stream reader on a long stream of frames with line noise between
// them; it is expected to run without allocating.
func BenchmarkReader(b *testing.B) {
	var stream []byte
	for _, v := range vectors() {
		stream = append(stream, unhex(v.wire)...)
		stream = append(stream, 0x00, 0x13, 0xFE, 0x05)
	}
	src := bytes.NewReader(stream)
	r := znp.NewReader(src)
	var f znp.Frame
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		src.Reset(stream)
		for {
			if err := r.ReadFrame(&f); err != nil {
				if err == io.EOF || err == io.ErrUnexpectedEOF {
					break
				}
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkFrameAppendTo encodes an AF_DATA_REQUEST frame into a reused buffer.
func BenchmarkFrameAppendTo(b *testing.B) {
	req := znp.AFDataRequest{DstAddr: 0x1234, DstEndpoint: 1, SrcEndpoint: 1, Cluster: 0x0702, TransID: 5,
		Options: znp.AFOptionAckRequest, Radius: 0x1E, Data: unhex("00 01 00 00 00")}
	data := make([]byte, 0, znp.MaxData)
	buf := make([]byte, 0, znp.MaxFrame)
	b.ReportAllocs()
	for b.Loop() {
		data, _ = req.AppendTo(data[:0])
		f := znp.Frame{Command: znp.CmdAFDataRequest, Data: data}
		buf, _ = f.AppendTo(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
}
