package frame_test

import (
	"encoding/hex"
	"errors"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/smetsim/smetsim/devices/han/frame"
)

// unhex turns a spaced hex string ("61 88 2a") into bytes; vectors are written spaced so that each
// header field can be read off against the standard.
func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

func eui(s string) frame.EUI64 {
	e, err := frame.ParseEUI64(s)
	if err != nil {
		panic(err)
	}
	return e
}

func euiPtr(s string) *frame.EUI64 {
	e := eui(s)
	return &e
}

// beFrameError matches a *frame.Error that wraps the given sentinel, so every failure spec also
// checks that callers can tell the layer and field from the error.
func beFrameError(sentinel error) types.GomegaMatcher {
	return SatisfyAll(
		WithTransform(func(err error) bool {
			var fe *frame.Error
			return errors.As(err, &fe) && fe.Layer != "" && fe.Field != ""
		}, BeTrue()),
		MatchError(sentinel),
	)
}

// expectSamePacket compares packets field by field: Packet keeps private storage for the NWK
// extended addresses, so a parsed packet and one built by hand differ in that storage even when
// they describe the same frame.
func expectSamePacket(got, want *frame.Packet) {
	GinkgoHelper()
	Expect(got.MAC).To(Equal(want.MAC))
	Expect(got.NWK).To(Equal(want.NWK))
	Expect(got.APS).To(Equal(want.APS))
	if len(want.Payload) == 0 {
		Expect(got.Payload).To(BeEmpty())
	} else {
		Expect(got.Payload).To(Equal(want.Payload))
	}
}
