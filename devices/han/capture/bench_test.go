package capture_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/smetsim/smetsim/devices/han/capture"
)

// BenchmarkWrite measures the per-frame cost the HAN pays while a capture is on; the sink discards
// the bytes so that only encoding and pcapng framing are timed.
func BenchmarkWrite(b *testing.B) {
	w, err := capture.NewWriter(io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	p := unicast(1, electricity, hub, 0x0702, summationResponse(1, 123456))
	ts := virtualStart
	b.SetBytes(int64(len(p.AppendTo(nil))))
	b.ReportAllocs()
	for b.Loop() {
		ts = ts.Add(time.Millisecond)
		if err := w.Write(ts, &p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteBuffer writes into memory instead, as a test harness that inspects captures does;
// the buffer is reset on each refill so that its growth is not counted.
func BenchmarkWriteBuffer(b *testing.B) {
	var buf bytes.Buffer
	buf.Grow(1 << 20)
	w, err := capture.NewWriter(&buf)
	if err != nil {
		b.Fatal(err)
	}
	p := unicast(1, electricity, hub, 0x0702, summationResponse(1, 123456))
	ts := virtualStart
	b.SetBytes(int64(len(p.AppendTo(nil))))
	b.ReportAllocs()
	for b.Loop() {
		if buf.Len() > 1<<19 {
			buf.Reset()
		}
		ts = ts.Add(time.Millisecond)
		if err := w.Write(ts, &p); err != nil {
			b.Fatal(err)
		}
	}
}
