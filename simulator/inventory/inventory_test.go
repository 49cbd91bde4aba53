package inventory_test

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/inventory"
)

func TestInventory(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Inventory Suite")
}

var cat = func() *catalogue.Catalogue {
	c, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
	if err != nil {
		panic(err)
	}
	return c
}()

func model(id string) *devices.Model {
	m, err := cat.Lookup(id)
	Expect(err).NotTo(HaveOccurred())
	return m
}

func eui(s string) devices.EUI64 {
	e, err := devices.ParseEUI64(s)
	Expect(err).NotTo(HaveOccurred())
	return e
}

func builtinLists() *inventory.Lists {
	epc, _ := fixtures.FS.ReadFile(fixtures.EPCFile)
	ppc, _ := fixtures.FS.ReadFile(fixtures.PPCFile)
	l, err := inventory.ParseLists(fixtures.EPCFile, epc, fixtures.PPCFile, ppc, cat.Lookup)
	Expect(err).NotTo(HaveOccurred())
	return l
}

var at = time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC)

var _ = Describe("The SMI", func() {
	migrate := func(inv *inventory.Inventory, dormant bool) {
		Expect(inv.Migrate(at, inventory.Installation{ID: "rtds", ImportSupplier: eui("90-B3-D5-1F-30-01-00-00"), GasSupplier: eui("90-B3-D5-1F-30-01-00-00"), CSP: "Central", Dormant: dormant},
			[]inventory.Migrated{
				{ID: eui("00-DB-12-34-56-78-90-A2"), Kind: devices.KindCHF, Model: model("acme-ch1@4.1.0")},
				{ID: eui("00-DB-12-34-56-78-90-A0"), Kind: devices.KindESME, Model: model("acme-e470@1.4.2"), MPxN: "1100012345678"},
				{ID: eui("00-DB-12-34-56-78-90-A3"), Kind: devices.KindGPF, Model: model("acme-gp1@4.1.0")},
				{ID: eui("00-DB-12-34-56-78-90-A1"), Kind: devices.KindGSME, Model: model("acme-g4@1.0.7"), MPxN: "1234567890"},
			})).To(Succeed())
	}

	It("commissions every device of a migrated installation and records who leads it", func() {
		inv := inventory.New()
		migrate(inv, false)
		d, ok := inv.Device(eui("00-DB-12-34-56-78-90-A0"))
		Expect(ok).To(BeTrue())
		Expect(d.Status).To(Equal(inventory.Commissioned))
		Expect(d.MPxN).To(Equal("1100012345678"))
		Expect(d.CHF).To(Equal(eui("00-DB-12-34-56-78-90-A2")))
		Expect(d.History).To(HaveLen(1))
		in, ok := inv.InstallationOf(d.ID)
		Expect(ok).To(BeTrue())
		Expect(in.LeadSupplier).To(Equal(eui("90-B3-D5-1F-30-01-00-00")))
		Expect(inv.Migrate(at, inventory.Installation{ID: "rtds"}, nil)).To(MatchError(ContainSubstring("already")))
	})

	It("allows only the status changes of the device lifecycle, and explains a refusal", func() {
		inv := inventory.New()
		migrate(inv, false)
		id := eui("00-DB-12-34-56-78-90-A0")
		Expect(inv.Move(at, id, inventory.Pending, "test")).To(MatchError(ContainSubstring("is Commissioned and cannot become Pending")))
		Expect(inv.Move(at, id, inventory.Suspended, "model removed from the CPL")).To(Succeed())
		Expect(inv.Move(at, id, inventory.Commissioned, "restored")).To(Succeed())
		Expect(inv.Move(at, id, inventory.Decommissioned, "8.3")).To(Succeed())
		err := inv.Move(at, id, inventory.Commissioned, "again")
		Expect(err).To(MatchError(ContainSubstring("none: it is final")))
		d, _ := inv.Device(id)
		Expect(d.History).To(HaveLen(4))
		for _, s := range inventory.Statuses {
			Expect(inventory.CanMove(inventory.Withdrawn, s)).To(BeFalse())
		}
	})

	It("tells the combination of an installation", func() {
		inv := inventory.New()
		migrate(inv, false)
		c, err := inv.Combination("rtds")
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Models[devices.KindESME]).To(Equal("acme-e470@1.4.2"))
		Expect(c.CSP).To(Equal("Central"))
		adm, id := builtinLists().Admit(c)
		Expect(adm).To(Equal(inventory.Eligible))
		Expect(id).To(Equal("EPC-0001"))
	})
})

var _ = Describe("The EPC and PPC lists", func() {
	combo := func(csp string, ids ...string) inventory.Combination {
		c := inventory.Combination{CSP: csp, Models: map[devices.Kind]string{}}
		for _, id := range ids {
			m := model(id)
			c.Models[m.Kind] = m.ID
		}
		return c
	}

	It("admit eligible combinations, and ones a PPC test is running for", func() {
		l := builtinLists()
		Expect(l.EPC()).To(HaveLen(5))
		elec := combo("North", "elmstead-hub2@2.0", "britannia-bm200@3.1.0")
		adm, _ := l.Admit(elec)
		Expect(adm).To(Equal(inventory.Eligible)) // an electricity-only installation of an eligible combination
		pending := combo("Central", "acme-ch1@4.1.0", "acme-e470@1.5.0", "acme-gp1@4.1.0", "acme-g4@1.1.0")
		adm, id := l.Admit(pending)
		Expect(adm).To(Equal(inventory.PendingOnly))
		Expect(id).To(Equal("PPC-0001"))
		Expect(l.SetTestOpen("PPC-0001", true)).To(Succeed())
		adm, _ = l.Admit(pending)
		Expect(adm).To(Equal(inventory.PendingTest))
		other := combo("South", "acme-ch1@4.1.0", "cotswold-sp3@2.2")
		adm, _ = l.Admit(other)
		Expect(adm).To(Equal(inventory.NotListed))
		wrongCSP := combo("South", "acme-ch1@4.1.0", "acme-e470@1.4.2")
		adm, _ = l.Admit(wrongCSP)
		Expect(adm).To(Equal(inventory.NotListed))
	})

	DescribeTable("refuse malformed list files with file, line, column and field",
		func(epc, want string) {
			_, err := inventory.ParseLists("epc.csv", []byte(epc), "ppc.csv", []byte("id,csp,chf,esme,gpf,gsme,ppmid,requested,requested_by,test\n"), cat.Lookup)
			Expect(err).To(MatchError(ContainSubstring(want)))
		},
		Entry("unknown model", "id,csp,chf,esme,gpf,gsme,ppmid,date_added\nE1,North,acme-ch1@9,,,,,2020-01-01\n", `epc.csv:2:10: chf: unknown Device Model "acme-ch1@9"`),
		Entry("model of the wrong kind", "id,csp,chf,esme,gpf,gsme,ppmid,date_added\nE1,North,acme-e470@1.4.2,,,,,2020-01-01\n", "chf: acme-e470@1.4.2 is a ESME model, not a CHF"),
		Entry("no CHF", "id,csp,chf,esme,gpf,gsme,ppmid,date_added\nE1,North,,acme-e470@1.4.2,,,,2020-01-01\n", "always has a CHF"),
		Entry("GSME without GPF", "id,csp,chf,esme,gpf,gsme,ppmid,date_added\nE1,North,acme-ch1@4.1.0,,,acme-g4@1.0.7,,2020-01-01\n", "a GPF and a GSME come together"),
		Entry("bad date", "id,csp,chf,esme,gpf,gsme,ppmid,date_added\nE1,North,acme-ch1@4.1.0,,,,,31/12/2020\n", "date_added: \"31/12/2020\" is not a date"),
		Entry("duplicate id", "id,csp,chf,esme,gpf,gsme,ppmid,date_added\nE1,North,acme-ch1@4.1.0,,,,,2020-01-01\nE1,South,acme-ch1@4.1.0,,,,,2020-01-01\n", "id E1 is already used at epc.csv:2"),
		Entry("wrong header", "id,csp,chf\n", "wrong number of fields"),
		Entry("empty", "", "file is empty"),
	)

	It("refuse a pending combination that is already eligible", func() {
		epc, _ := fixtures.FS.ReadFile(fixtures.EPCFile)
		ppc := "id,csp,chf,esme,gpf,gsme,ppmid,requested,requested_by,test\nP1,Central,acme-ch1@4.1.0,acme-e470@1.4.2,acme-gp1@4.1.0,acme-g4@1.0.7,acme-pd2@2.1,2026-01-01,x,open\n"
		_, err := inventory.ParseLists("epc.csv", epc, "ppc.csv", []byte(ppc), cat.Lookup)
		Expect(err).To(MatchError(ContainSubstring("already eligible as EPC-0001")))
	})
})
