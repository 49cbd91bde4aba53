package transport

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParseURL: any string either parses to a URL whose canonical form parses back to the same
// URL, or is refused with a *URLError; nothing panics.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{
		"", "emu://", "serial:///dev/ttyUSB0?baud=115200&driver=znp",
		"serial:///dev/ttyACM0?baud=9600&databits=7&parity=even&stopbits=1.5&rtscts=1&dtr=off&rts=on",
		"rfc2217://127.0.0.1:2000?driver=znp", "tcp://[::1]:6638", "tcp://h:0", "serial://x", "tcp://h:1?baud=1",
		"serial:///dev/tty%20USB0", "rfc2217://h:1?parity=mark&parity=space",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURL(s)
		if err != nil {
			var ue *URLError
			if !errors.As(err, &ue) {
				t.Fatalf("ParseURL(%q): error %v is not a *URLError", s, err)
			}
			return
		}
		again, err := ParseURL(u.String())
		if err != nil {
			t.Fatalf("ParseURL(%q) = %+v, whose String %q does not parse: %v", s, u, u.String(), err)
		}
		if again != u {
			t.Fatalf("ParseURL(%q) = %+v; String %q parses to %+v", s, u, u.String(), again)
		}
	})
}

// FuzzTelnetDecode: any stream decodes without panic whatever the read boundaries; data
// escaped by appendEscaped decodes back to itself.
func FuzzTelnetDecode(f *testing.F) {
	f.Add([]byte{1, 2, 0xff, 0xff, 3}, []byte{0xff, 0xfd, 44, 0xff, 0xfa, 44, 101, 0, 1, 0xc2, 0, 0xff, 0xf0, 7}, uint8(3))
	f.Add([]byte{}, []byte{0xff, 0xfa, 44, 107, 0xff, 0xff, 0xff, 0xf0}, uint8(1))
	f.Add([]byte{0xff}, []byte{0xff, 0xfa, 44, 1, 0xff, 0xfb, 3}, uint8(2))
	f.Fuzz(func(t *testing.T, data, stream []byte, split uint8) {
		var d telnetDecoder
		esc := appendEscaped(nil, data)
		out := make([]byte, len(esc))
		n := 0
		step := int(split%16) + 1
		for i := 0; i < len(esc); i += step {
			end := min(i+step, len(esc))
			n += d.decode(esc[i:end], out[n:], func(telnetEvent) { t.Fatalf("event in escaped data %x", data) })
		}
		if !bytes.Equal(out[:n], data) {
			t.Fatalf("escaped %x decodes to %x", data, out[:n])
		}
		var whole, parts telnetDecoder
		var ew, ep []string
		ow := make([]byte, len(stream))
		nw := whole.decode(stream, ow, func(e telnetEvent) { ew = append(ew, string([]byte{e.Verb, e.Option})+string(e.Data)) })
		op := make([]byte, len(stream))
		np := 0
		for i := 0; i < len(stream); i += step {
			end := min(i+step, len(stream))
			np += parts.decode(stream[i:end], op[np:], func(e telnetEvent) { ep = append(ep, string([]byte{e.Verb, e.Option})+string(e.Data)) })
		}
		if !bytes.Equal(ow[:nw], op[:np]) || len(ew) != len(ep) {
			t.Fatalf("stream %x: whole gives %x %q, split by %d gives %x %q", stream, ow[:nw], ew, step, op[:np], ep)
		}
		for i := range ew {
			if ew[i] != ep[i] {
				t.Fatalf("stream %x: event %d differs: %q vs %q", stream, i, ew[i], ep[i])
			}
		}
	})
}
