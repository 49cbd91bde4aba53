package transport

import "testing"

func BenchmarkParseURL(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseURL("serial:///dev/ttyUSB0?baud=115200&driver=znp&dtr=off"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTelnetDecode decodes a 4 KiB read of dongle traffic in which one byte in 16 is 0xFF
// and a NOTIFY-MODEMSTATE arrives in the middle.
func BenchmarkTelnetDecode(b *testing.B) {
	var raw []byte
	for i := range 4096 {
		if i%16 == 0 {
			raw = append(raw, 0xff)
		} else {
			raw = append(raw, byte(i))
		}
	}
	in := appendEscaped(nil, raw[:2048])
	in = append(in, iac, sb, optComPort, cpNotifyModemState+cpServerOffset, 0x30, iac, se)
	in = appendEscaped(in, raw[2048:])
	out := make([]byte, len(in))
	var d telnetDecoder
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		d.decode(in, out, func(telnetEvent) {})
	}
}

func BenchmarkTelnetEscape(b *testing.B) {
	raw := make([]byte, 4096)
	for i := range raw {
		raw[i] = byte(i)
	}
	buf := make([]byte, 0, 2*len(raw))
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		buf = appendEscaped(buf[:0], raw)
	}
}
