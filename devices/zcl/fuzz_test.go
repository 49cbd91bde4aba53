package zcl_test

import (
	"reflect"
	"testing"

	"github.com/smetsim/smetsim/devices/zcl"
)

// FuzzDecode feeds arbitrary frames on arbitrary clusters to the decoder. Nothing may panic, and
// whatever decodes must encode again to bytes that decode to the same header and command: the
// decoder accepts nothing the encoder cannot say.
func FuzzDecode(f *testing.F) {
	for _, c := range frameCases() {
		b, err := zcl.AppendFrame(nil, c.header, c.cmd)
		if err != nil {
			f.Fatalf("%s: %v", c.name, err)
		}
		f.Add(c.cluster, b)
	}
	f.Fuzz(func(t *testing.T, cluster uint16, b []byte) {
		h, cmd, err := zcl.ParseFrame(cluster, b)
		if err != nil {
			if _, ok := err.(*zcl.Error); !ok {
				t.Fatalf("error %v is a %T, not a *zcl.Error", err, err)
			}
		} else {
			again, err := zcl.AppendFrame(nil, h, cmd)
			if err != nil {
				t.Fatalf("decoded %#v but cannot encode it: %v", cmd, err)
			}
			h2, cmd2, err := zcl.ParseFrame(cluster, again)
			if err != nil {
				t.Fatalf("re-encoded %x does not decode: %v", again, err)
			}
			if h2 != h || !reflect.DeepEqual(cmd2, cmd) {
				t.Fatalf("decoded %+v %#v, re-encoded and decoded %+v %#v", h, cmd, h2, cmd2)
			}
		}

		// The same bytes as a typed value, the type taken from the first octet.
		if len(b) == 0 {
			return
		}
		v, n, err := zcl.ParseValue(zcl.DataType(b[0]), b[1:])
		if err != nil {
			return
		}
		enc, err := v.AppendTo(nil)
		if err != nil {
			t.Fatalf("decoded value %+v but cannot encode it: %v", v, err)
		}
		if len(enc) != n {
			t.Fatalf("value %+v used %d octets, encodes to %d", v, n, len(enc))
		}
		v2, _, err := zcl.ParseValue(v.Type, enc)
		if err != nil || !v2.Equal(v) {
			t.Fatalf("value %+v re-decodes to %+v, %v", v, v2, err)
		}
	})
}
