package fleet_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/simulator/fleet"
)

var _ = Describe("Spec.Fit", func() {
	var spec *fleet.Spec
	model := func(id string) *devices.Model {
		GinkgoHelper()
		m, err := builtin.Lookup(id)
		Expect(err).NotTo(HaveOccurred())
		return m
	}
	full := func() fleet.Combination {
		return fleet.Combination{CSP: "North", Models: map[devices.Kind]*devices.Model{
			devices.KindCHF: model("elmstead-hub2@2.0"), devices.KindESME: model("britannia-bm200@3.1.0"),
			devices.KindGPF: model("acme-gp1@4.1.0"), devices.KindGSME: model("britannia-bg1@2.4"),
			devices.KindPPMID: model("acme-pd2@2.1"),
		}}
	}
	BeforeEach(func() {
		var err error
		spec, err = fleet.LoadSpec(fixtures.FS, fixtures.DefaultFleet, builtin)
		Expect(err).NotTo(HaveOccurred())
	})

	It("fits the combination's models to the one premises, keeping its Device IDs and settings", func() {
		ref := spec.Premises[0]
		fitted, err := spec.Fit(ref.ID, full())
		Expect(err).NotTo(HaveOccurred())
		Expect(fitted.Generators).To(BeEmpty())
		Expect(fitted.Premises).To(HaveLen(1))
		p := fitted.Premises[0]
		Expect(p.CSP).To(Equal("North"))
		for k, m := range full().Models {
			Expect(p.Devices[k].Model).To(BeIdenticalTo(m))
			Expect(p.Devices[k].EUI).To(Equal(ref.Devices[k].EUI))
			Expect(p.Devices[k].Tariff).To(BeIdenticalTo(ref.Devices[k].Tariff))
		}
		Expect(spec.Premises[0].Devices[devices.KindESME].Model).NotTo(Equal(model("britannia-bm200@3.1.0")), "the receiver is unchanged")
		Expect(spec.Generators).NotTo(BeEmpty())

		b, err := fleet.Build(fitted, fleet.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(b.Premises).To(HaveLen(1))
	})

	It("drops the devices an electricity-only combination lacks", func() {
		c := full()
		delete(c.Models, devices.KindGSME)
		delete(c.Models, devices.KindGPF)
		delete(c.Models, devices.KindPPMID)
		fitted, err := spec.Fit(spec.Premises[0].ID, c)
		Expect(err).NotTo(HaveOccurred())
		Expect(fitted.Premises[0].Devices).To(HaveLen(2))
		Expect(fitted.Premises[0].MPRN).To(BeEmpty())
	})

	DescribeTable("refuses what cannot be fitted",
		func(edit func(*fleet.Combination) string, want string) {
			c := full()
			id := edit(&c)
			if id == "" {
				id = spec.Premises[0].ID
			}
			_, err := spec.Fit(id, c)
			Expect(err).To(MatchError(ContainSubstring(want)))
		},
		Entry("no such premises", func(*fleet.Combination) string { return "nowhere" }, `no listed premises "nowhere"`),
		Entry("no ESME", func(c *fleet.Combination) string { delete(c.Models, devices.KindESME); return "" }, "at least a CHF and an ESME"),
		Entry("a GSME without a GPF", func(c *fleet.Combination) string { delete(c.Models, devices.KindGPF); return "" }, "a GSME and a GPF together"),
		Entry("a model of the wrong kind", func(c *fleet.Combination) string {
			c.Models[devices.KindPPMID] = c.Models[devices.KindESME]
			return ""
		}, "is a ESME model, not a PPMID one"),
	)
})
