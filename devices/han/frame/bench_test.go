package frame_test

import (
	"testing"

	"github.com/smetsim/smetsim/devices/han/frame"
)

// BenchmarkPacketAppendTo encodes into a reused buffer, as the HAN and the capture writer do for
// every frame they handle; it is expected to run without allocating.
func BenchmarkPacketAppendTo(b *testing.B) {
	p := extendedPacket()
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		buf = p.AppendTo(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
}

// BenchmarkPacketParse decodes into a reused Packet; NWK IEEE addresses land in the Packet's own
// storage, so this too is expected to run without allocating.
func BenchmarkPacketParse(b *testing.B) {
	p := extendedPacket()
	wire := p.AppendTo(nil)
	var got frame.Packet
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	for b.Loop() {
		if err := got.Parse(wire); err != nil {
			b.Fatal(err)
		}
	}
}
