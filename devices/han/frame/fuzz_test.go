package frame_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/smetsim/smetsim/devices/han/frame"
)

// FuzzPacketParse feeds arbitrary bytes to Packet.Parse twice: as they are, and with the last two
// bytes replaced by a correct FCS. Random mutations almost never keep a CRC-16 right, so without
// the second pass the fuzzer would only ever explore the checksum test and not the headers behind it.
//
// Whenever a parse succeeds, the decoded packet must encode to the input again (except in the
// reserved frame-control bits, which receivers ignore) and the encoding must parse back to the same
// packet: the capture writer and the HAN both rely on Parse and AppendTo being inverses.
func FuzzPacketParse(f *testing.F) {
	for _, p := range samplePackets() {
		f.Add(p.AppendTo(nil))
	}
	f.Add([]byte{})
	f.Add([]byte{0x61})

	f.Fuzz(func(t *testing.T, b []byte) {
		checkParse(t, b)
		if len(b) >= 2 {
			checkParse(t, withFCS(b[:len(b)-2]))
		}
	})
}

func checkParse(t *testing.T, b []byte) {
	t.Helper()
	in := append([]byte(nil), b...)
	var p frame.Packet
	if err := p.Parse(b); err != nil {
		var fe *frame.Error
		if !errors.As(err, &fe) {
			t.Fatalf("Parse(% x) error %v is not a *frame.Error", b, err)
		}
		if !errors.Is(err, frame.ErrTruncated) && !errors.Is(err, frame.ErrUnsupported) &&
			!errors.Is(err, frame.ErrBadFCS) && !errors.Is(err, frame.ErrInvalid) {
			t.Fatalf("Parse(% x) error %v wraps no sentinel", b, err)
		}
		if !bytes.Equal(b, in) {
			t.Fatalf("Parse modified its input")
		}
		return
	}
	if !bytes.Equal(b, in) {
		t.Fatalf("Parse modified its input")
	}

	enc := p.AppendTo(nil)
	if want := clearReserved(in); !bytes.Equal(enc, want) {
		t.Fatalf("parse→encode changed the frame\n  in:  % x\n  out: % x", want, enc)
	}
	var q frame.Packet
	if err := q.Parse(enc); err != nil {
		t.Fatalf("re-parse of % x: %v", enc, err)
	}
	if q.MAC != p.MAC || q.APS != p.APS || !bytes.Equal(q.Payload, p.Payload) || !sameNWK(q.NWK, p.NWK) {
		t.Fatalf("parse→encode→parse is unstable:\n  %+v\n  %+v", p, q)
	}
	if enc2 := q.AppendTo(nil); !bytes.Equal(enc2, enc) {
		t.Fatalf("second encoding differs:\n  % x\n  % x", enc, enc2)
	}
}

func sameNWK(a, b frame.NWK) bool {
	sameEUI := func(x, y *frame.EUI64) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	if !sameEUI(a.DstIEEE, b.DstIEEE) || !sameEUI(a.SrcIEEE, b.SrcIEEE) {
		return false
	}
	a.DstIEEE, a.SrcIEEE, b.DstIEEE, b.SrcIEEE = nil, nil, nil, nil
	return a == b
}

// clearReserved returns a copy of a successfully parsed frame with the frame-control bits that the
// codec does not model set to zero, and its FCS recomputed: MAC bits 7–9 (reserved before
// 802.15.4-2015), NWK bits 14–15 and the APS ack-format bit, which only acknowledgements use.
func clearReserved(b []byte) []byte {
	c := append([]byte(nil), b[:len(b)-2]...)
	c[0] &^= 0x80
	c[1] &^= 0x03
	var m frame.MAC
	rest, _ := m.Parse(c)
	nwk := len(c) - len(rest)
	c[nwk+1] &^= 0xc0
	var n frame.NWK
	rest, _ = n.Parse(c[nwk:])
	aps := len(c) - len(rest)
	c[aps] &^= 0x10
	return withFCS(c)
}
