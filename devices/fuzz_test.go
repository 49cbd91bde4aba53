package devices_test

import (
	"testing"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/zcl"
)

// FuzzUTRNDecode feeds arbitrary top-up codes to a meter's key: a code either decodes to a valid
// top-up that encodes back to the same code, or is refused with ErrUTRN.
func FuzzUTRNDecode(f *testing.F) {
	key := devices.DeriveUTRNKey(1, euiESME)
	good, _ := key.Encode(devices.UTRN{Amount: 10 * devices.Pound, Counter: 1})
	for _, s := range []string{good, "00000000000000000000", "99999999999999999999", "1234", "abcdefghijklmnopqrst", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		u, err := key.Decode(code)
		if err != nil {
			return
		}
		again, err := key.Encode(u)
		if err != nil {
			t.Fatalf("decoded %q to %+v, which does not encode: %v", code, u, err)
		}
		if again != code {
			t.Fatalf("decoded %q to %+v, which encodes to %q", code, u, again)
		}
	})
}

// FuzzHANReceive sends arbitrary frames on every cluster to every kind of device: whatever a real
// or broken HAN device sends, an emulated device answers or ignores it and never panics.
func FuzzHANReceive(f *testing.F) {
	seeds := [][]byte{}
	add := func(h zcl.Header, c zcl.Command) {
		b, err := zcl.AppendFrame(nil, h, c)
		if err == nil {
			seeds = append(seeds, b)
		}
	}
	add(zcl.Header{Direction: zcl.ClientToServer, Sequence: 1}, &zcl.ReadAttributes{Attributes: []uint16{0, 1, 2, 3, 0x200, 0x302}})
	add(zcl.Header{Direction: zcl.ClientToServer, Sequence: 2}, &zcl.ConsumerTopUp{OriginatingDevice: 2, TopUpCode: []byte("12345678901234567890")})
	add(zcl.Header{Direction: zcl.ClientToServer, Sequence: 3}, &zcl.SelectAvailableEmergencyCredit{OriginatingDevice: 2})
	add(zcl.Header{Direction: zcl.ClientToServer, Sequence: 4}, &zcl.GetProfile{NumberOfPeriods: 200})
	add(zcl.Header{Direction: zcl.ClientToServer, Sequence: 5}, &zcl.ChangeSupply{ProposedSupplyStatus: 2})
	add(zcl.Header{Direction: zcl.ServerToClient, Sequence: 6}, &zcl.ReportAttributes{Records: []zcl.AttributeRecord{{ID: 0, Value: zcl.Uint(zcl.TypeUint48, 5)}}})
	add(zcl.Header{Direction: zcl.ServerToClient, Sequence: 7}, &zcl.PublishPrice{RateLabel: []byte("x")})
	add(zcl.Header{Direction: zcl.ServerToClient, Sequence: 8}, &zcl.DisplayMessage{Message: []byte("hi"), MessageControl: 0x80})
	clusters := []uint16{zcl.ClusterBasic, zcl.ClusterIdentify, zcl.ClusterTime, zcl.ClusterPrice, zcl.ClusterMetering, zcl.ClusterMessaging, zcl.ClusterPrepayment}
	for _, s := range seeds {
		for _, c := range clusters {
			f.Add(c, s)
		}
	}
	f.Fuzz(func(t *testing.T, cluster uint16, payload []byte) {
		if len(payload) > han.MaxPayload {
			payload = payload[:han.MaxPayload]
		}
		p := fuzzPremises(t)
		for _, d := range []interface {
			HANReceive(time.Time, *han.Message)
			Short() uint16
		}{p.esme, p.gsme, p.gpf, p.chf, p.ppmid} {
			for _, src := range []uint16{p.ppmid.Short(), p.gsme.Short(), p.gpf.Short()} {
				d.HANReceive(p.now(), &han.Message{Src: src, Dst: d.Short(), SrcEndpoint: 1, DstEndpoint: 1, Cluster: cluster, Payload: payload})
			}
		}
		p.runT(t, time.Hour)
	})
}
