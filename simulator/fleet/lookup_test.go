package fleet_test

import (
	"errors"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/simulator/fleet"
)

var _ = Describe("ParseSpecNode", func() {
	// inline puts the listed fleet under a "fleet:" key of a larger document, as a scenario does.
	inline := func(src string) (*fleet.Spec, error) {
		GinkgoHelper()
		var b strings.Builder
		b.WriteString("name: a scenario\nfleet:\n")
		for _, line := range strings.Split(strings.TrimRight(src, "\n"), "\n") {
			b.WriteString("  " + line + "\n")
		}
		root, err := yamldoc.Parse("scenario.yaml", []byte(b.String()))
		Expect(err).NotTo(HaveOccurred())
		return fleet.ParseSpecNode(root.Get("fleet"), builtin)
	}

	It("reads a fleet inside another document as ParseSpec reads the file", func() {
		spec, err := inline(listedFleet)
		Expect(err).NotTo(HaveOccurred())
		whole, err := parse(listedFleet)
		Expect(err).NotTo(HaveOccurred())
		Expect(spec.Premises).To(HaveLen(len(whole.Premises)))
		Expect(spec.Premises[0].Devices[devices.KindESME].Balance).To(Equal(5 * devices.Pound))
	})

	DescribeTable("locates mistakes in the enclosing file, naming the field as written there",
		func(from, to string, line, col int, field, msg string) {
			_, err := inline(strings.Replace(listedFleet, from, to, 1))
			var ye *yamldoc.Error
			Expect(errors.As(err, &ye)).To(BeTrue(), "got %v", err)
			Expect(ye.File).To(Equal("scenario.yaml"))
			Expect([]any{ye.Line, ye.Column, ye.Field}).To(Equal([]any{line, col, field}), "%v", ye)
			Expect(ye.Msg).To(ContainSubstring(msg))
		},
		Entry("a check after decoding", "acme-e470@1.4.2", "acme-e470@9.9", 15, 45, "fleet.premises[0].devices.ESME.model", `unknown Device Model "acme-e470@9.9"`),
		Entry("a wrong type", `mpan: "1100012345678"`, "mpan: [1]", 12, 13, "fleet.premises[0].mpan", "wrong type"),
		Entry("an unknown key", "name: spec", "name: spec\nnmae: x", 4, 3, "fleet.nmae", `unknown field "nmae"`),
		Entry("a missing name", "name: spec", "description: x", 3, 3, "fleet.name", "missing"),
	)
})

var _ = Describe("looking devices up in a spec", func() {
	It("finds listed premises and their kinds, and devices by Device ID", func() {
		spec := defaultSpec()
		kinds, ok := spec.PremisesKinds("rtds-reference")
		Expect(ok).To(BeTrue())
		Expect(kinds).To(ConsistOf(devices.Kinds))
		eui, _ := devices.ParseEUI64("00-DB-12-34-56-78-90-A4")
		p, k, ok := spec.DeviceByEUI(eui)
		Expect([]any{p, k, ok}).To(Equal([]any{"rtds-reference", devices.KindPPMID, true}))
	})

	It("answers for generated premises with the kinds they may have, without building them", func() {
		spec := defaultSpec()
		kinds, ok := spec.PremisesKinds("gen-000099")
		Expect(ok).To(BeTrue())
		Expect(kinds).To(ContainElements(devices.KindESME, devices.KindCHF))
		_, ok = spec.PremisesKinds("gen-000100")
		Expect(ok).To(BeFalse(), "the generator makes 99")
		_, ok = spec.PremisesKinds("nowhere")
		Expect(ok).To(BeFalse())
		// premises 2's CHF is the generator's base + 8 + 2.
		eui, _ := devices.ParseEUI64("00-DB-20-00-00-00-00-0A")
		p, k, ok := spec.DeviceByEUI(eui)
		Expect([]any{p, k, ok}).To(Equal([]any{"gen-000002", devices.KindCHF, true}))
		eui, _ = devices.ParseEUI64("00-DB-20-00-00-00-00-0D") // slot 5: no device
		_, _, ok = spec.DeviceByEUI(eui)
		Expect(ok).To(BeFalse())
	})

	It("leaves out the kinds a generator never makes", func() {
		spec, err := parse(strings.Replace(generatedFleet, "count: 3", "count: 3\n    gas: 0\n    ppmid: never", 1))
		Expect(err).NotTo(HaveOccurred())
		kinds, ok := spec.PremisesKinds("gen1-000001")
		Expect(ok).To(BeTrue())
		Expect(kinds).To(Equal([]devices.Kind{devices.KindESME, devices.KindCHF}))
	})
})
