package users_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/users"
)

var _ = Describe("NewDirectory", func() {
	It("looks users up by EUI, the first of an EUI listed twice winning", func() {
		a := devices.EUI64{1}
		first := &users.User{EUI: a, Name: "first"}
		d := users.NewDirectory([]*users.User{first, {EUI: a, Name: "second"}, {EUI: devices.EUI64{2}, Name: "other"}})
		Expect(d.Lookup(a)).To(BeIdenticalTo(first))
		Expect(d.Lookup(devices.EUI64{2}).Name).To(Equal("other"))
		Expect(d.Lookup(devices.EUI64{3})).To(BeNil())
		Expect(d.Users).To(HaveLen(3))
	})
})
