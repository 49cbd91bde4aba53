package srv_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/srv"
)

var _ = Describe("SRV applicability", func() {
	It("names the device kinds of every device SRV, and none for the DCC's own SRVs", func() {
		for i := range srv.All {
			s := &srv.All[i]
			a := s.Applies()
			if s.NonDevice {
				Expect(a.Kinds).To(BeEmpty(), s.Variant)
				continue
			}
			Expect(a.Kinds).NotTo(BeEmpty(), "device SRV %s %s has no device kinds", s.Variant, s.Name)
			if !a.SMETS1 {
				Expect(a.Note).NotTo(BeEmpty(), "%s is refused for SMETS1 without a reason", s.Variant)
			}
		}
	})

	DescribeTable("answers whether an SRV can go to a kind of SMETS1 device",
		func(variant string, k devices.Kind, ok bool, why string) {
			got, reason := srv.Lookup(variant).AppliesTo(k)
			Expect(got).To(Equal(ok))
			Expect(reason).To(ContainSubstring(why))
		},
		Entry("read import registers on an ESME", "4.1.1", devices.KindESME, true, ""),
		Entry("read import registers from the GPF's mirror", "4.1.1", devices.KindGPF, true, ""),
		Entry("export registers on a GSME", "4.2", devices.KindGSME, false, "does not address a GSME"),
		Entry("enable supply on a gas meter", "7.1", devices.KindGSME, false, "does not address a GSME"),
		Entry("update security credentials", "6.15.1", devices.KindESME, false, "SMKI"),
		Entry("auxiliary load switch", "7.5", devices.KindESME, false, "auxiliary load"),
		Entry("Sub-GHz on a CHF", "6.28", devices.KindCHF, false, "Sub-GHz"),
		Entry("HAN device log on the CHF", "8.11", devices.KindCHF, true, ""),
		Entry("PPMID firmware version", "11.2", devices.KindPPMID, true, ""),
	)

	It("gives a sleepy gas meter its wake interval on top of the usual target response time", func() {
		Expect(srv.Lookup("4.1.1").TargetResponseTime(devices.KindESME, 0)).To(Equal(30 * time.Second))
		Expect(srv.Lookup("7.2").TargetResponseTime(devices.KindGSME, 30*time.Minute)).To(Equal(30*time.Minute + 30*time.Second))
		Expect(srv.Lookup("8.2").TargetResponseTime(0, 0)).To(Equal(5 * time.Second))
	})
})
