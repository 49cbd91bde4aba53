package ppc_test

import (
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/scenarios/ppc"
	"github.com/smetsim/smetsim/simulator/dcc"
)

// packSends lists the "SRV KIND" pairs the PPC pack's send steps address to a device of the
// reference premises, with each file's own defaults for the variables the workflow sets.
func packSends() map[string]bool {
	GinkgoHelper()
	scs, err := scenarios.Load(fixtures.FS, fixtures.PPCPack)
	Expect(err).NotTo(HaveOccurred())
	sent := map[string]bool{}
	for _, c := range scenarios.Cases(scs) {
		setup, steps, teardown, err := scenarios.Expand(c)
		Expect(err).NotTo(HaveOccurred())
		for _, st := range append(append(setup, steps...), teardown...) {
			if st.Send == nil {
				continue
			}
			premises, kind, ok := strings.Cut(st.Send.To, ".")
			if !ok || premises != ppc.ReferencePremises {
				continue
			}
			k, err := devices.ParseKind(kind)
			Expect(err).NotTo(HaveOccurred(), "%s: send to %s", c.ID, st.Send.To)
			sent[st.Send.SRV+" "+k.String()] = true
		}
	}
	return sent
}

var _ = Describe("The PPC pack", func() {
	// Issue 5: the pack runs every SRV that applies to each device; a model's declared unsupported
	// SRVs are then checked as declared (the generated declared-variations case).
	It("sends every device SRV the mock DCC carries out to every device kind it applies to", func() {
		sent := packSends()
		var missing []string
		for _, s := range dcc.Catalogue() {
			if s.Smetsim != "executes" || s.NonDevice {
				continue
			}
			for _, k := range s.Kinds {
				if !sent[s.Variant+" "+k] {
					missing = append(missing, s.Variant+" "+k)
				}
			}
		}
		sort.Strings(missing)
		Expect(missing).To(BeEmpty(), "SRV and device kind pairs the PPC pack never sends (docs/ppc.md)")
	})
})
