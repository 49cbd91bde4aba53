package capture_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/smetsim/smetsim/devices/han/capture"
	"github.com/smetsim/smetsim/devices/han/frame"
)

// FuzzReader reads arbitrary bytes as a capture, as `smetsim` does with a file a user hands it:
// it must return frames or an error, never panic or loop.
func FuzzReader(f *testing.F) {
	var buf bytes.Buffer
	w, err := capture.NewWriter(&buf)
	if err != nil {
		f.Fatal(err)
	}
	p := frame.Packet{
		MAC:     frame.MAC{FrameType: frame.MACData, AckRequest: true, PANIDCompress: true, DstMode: frame.AddrShort, SrcMode: frame.AddrShort, DstPAN: 0x1a62, DstShort: 0, SrcShort: 0x1234},
		NWK:     frame.NWK{ProtocolVersion: 2, Src: 0x1234, Radius: 30},
		APS:     frame.APS{DstEndpoint: 1, Cluster: 0x0702, Profile: frame.ProfileSmartEnergy, SrcEndpoint: 1},
		Payload: []byte{0x18, 0x01, 0x01, 0x00, 0x00, 0x00, 0x25, 1, 2, 3, 4, 5, 6},
	}
	for i := 0; i < 3; i++ {
		if err := w.Write(time.Date(2026, 3, 27, 0, 0, i, 0, time.UTC), &p); err != nil {
			f.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:len(buf.Bytes())/2])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := capture.NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		for i := 0; i < len(data); i++ { // a frame takes at least a byte, so this bounds the loop
			if _, err := r.Next(); err != nil {
				return // io.EOF or a decoding error: either way an answer
			}
		}
		t.Fatalf("%d-byte capture gave more frames than bytes", len(data))
	})
}
