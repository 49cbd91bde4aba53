package scenarios_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/inventory"
)

var _ = Describe("A run's own EPC and PPC lists (Options.Lists)", func() {
	It("serve a pending combination only in the worlds whose lists have its test open", func() {
		cat, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
		Expect(err).NotTo(HaveOccurred())
		epc, _ := fixtures.FS.ReadFile(fixtures.EPCFile)
		ppc, _ := fixtures.FS.ReadFile(fixtures.PPCFile)
		lists, err := inventory.ParseLists("epc.csv", epc, "ppc.csv", ppc, cat.Lookup)
		Expect(err).NotTo(HaveOccurred())
		def, err := scenarios.DefaultFleetSpec()
		Expect(err).NotTo(HaveOccurred())
		comb := fleet.Combination{CSP: "Central", Models: map[devices.Kind]*devices.Model{}}
		for k, id := range map[devices.Kind]string{devices.KindCHF: "acme-ch1@4.1.0", devices.KindESME: "acme-e470@1.4.2",
			devices.KindGPF: "acme-gp1@4.0.0", devices.KindGSME: "acme-g4@1.0.7", devices.KindPPMID: "acme-pd2@2.0"} {
			comb.Models[k], err = cat.Lookup(id) // PPC-0003
			Expect(err).NotTo(HaveOccurred())
		}
		spec, err := def.Fit("rtds-reference", comb)
		Expect(err).NotTo(HaveOccurred())
		sc := scenario("pending", send(3, "4.1.1", "supplier", esme, "<ReadInstantaneousImportRegisters/>", &scenarios.Expect{Code: "E5"}))
		sc.Fleet = spec

		res := scenarios.Run(context.Background(), []scenarios.Case{caseOf(sc)}, scenarios.Options{Seed: 1,
			Lists: func() (*inventory.Lists, error) { return lists.Clone(), nil }})
		Expect(res.Failed).To(BeZero(), "closed test: E5")

		Expect(lists.SetTestOpen("PPC-0003", true)).To(Succeed())
		res = scenarios.Run(context.Background(), []scenarios.Case{caseOf(sc)}, scenarios.Options{Seed: 1,
			Lists: func() (*inventory.Lists, error) { return lists.Clone(), nil }})
		Expect(res.Failed).To(Equal(1))
		Expect(res.Cases[0].Failure).To(ContainSubstring("expected E5, got I99"))
	})
})
