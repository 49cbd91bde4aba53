package zcl_test

import (
	"testing"

	"github.com/smetsim/smetsim/devices/zcl"
)

// meteringResponse is a Read Attributes Response with the four Metering attributes an IHD polls
// most: CurrentSummationDelivered, InstantaneousDemand, CurrentDayConsumptionDelivered and SiteID.
func meteringResponse() *zcl.ReadAttributesResponse {
	return &zcl.ReadAttributesResponse{Records: []zcl.ReadAttributeRecord{
		ok(zcl.AttrMeteringCurrentSummationDelivered, zcl.Uint(zcl.TypeUint48, 123456789)),
		ok(zcl.AttrMeteringInstantaneousDemand, zcl.Int(zcl.TypeInt24, -1500)),
		ok(zcl.AttrMeteringCurrentDayConsumptionDelivered, zcl.Uint(zcl.TypeUint24, 12345)),
		ok(zcl.AttrMeteringSiteID, zcl.OctetString([]byte("1900001234567"))),
	}}
}

func publishPrice() *zcl.PublishPrice {
	for _, c := range frameCases() {
		if p, ok := c.cmd.(*zcl.PublishPrice); ok && p.Form == zcl.PriceFormSE12 {
			return p
		}
	}
	panic("no SE 1.2 Publish Price in the table")
}

// benchCodec measures encoding cmd as a whole frame into a reused buffer, decoding that frame into a
// reused value of the same type, and the two together.
func benchCodec(b *testing.B, cmd zcl.Command, into zcl.Command) {
	h := zcl.Header{Sequence: 1, Direction: zcl.ServerToClient, DisableDefaultResponse: true}
	buf := make([]byte, 0, 128)
	frame, err := zcl.AppendFrame(nil, h, cmd)
	if err != nil {
		b.Fatal(err)
	}
	encode := func(b *testing.B) {
		if _, err := zcl.AppendFrame(buf[:0], h, cmd); err != nil {
			b.Fatal(err)
		}
	}
	decode := func(b *testing.B) {
		var got zcl.Header
		payload, err := got.Parse(frame)
		if err != nil {
			b.Fatal(err)
		}
		if err := into.Parse(payload); err != nil {
			b.Fatal(err)
		}
	}
	for _, bm := range []struct {
		name string
		run  []func(*testing.B)
	}{
		{"encode", []func(*testing.B){encode}},
		{"decode", []func(*testing.B){decode}},
		{"encode+decode", []func(*testing.B){encode, decode}},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(frame)))
			b.ReportAllocs()
			for b.Loop() {
				for _, f := range bm.run {
					f(b)
				}
			}
		})
	}
}

func BenchmarkReadAttributesResponse(b *testing.B) {
	into := &zcl.ReadAttributesResponse{Records: make([]zcl.ReadAttributeRecord, 0, 8)}
	benchCodec(b, meteringResponse(), into)
}

func BenchmarkPublishPrice(b *testing.B) {
	benchCodec(b, publishPrice(), new(zcl.PublishPrice))
}

// BenchmarkDecoder decodes through the dispatching Decoder, as a receive loop would.
func BenchmarkDecoder(b *testing.B) {
	h := zcl.Header{Sequence: 1, Direction: zcl.ServerToClient}
	frame, err := zcl.AppendFrame(nil, h, meteringResponse())
	if err != nil {
		b.Fatal(err)
	}
	var d zcl.Decoder
	b.ReportAllocs()
	for b.Loop() {
		var got zcl.Header
		payload, err := got.Parse(frame)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Decode(zcl.ClusterMetering, got, payload); err != nil {
			b.Fatal(err)
		}
	}
}
