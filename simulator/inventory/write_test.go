package inventory_test

import (
	"bytes"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/simulator/inventory"
)

var _ = Describe("Writing the EPC and PPC lists", func() {
	var lists *inventory.Lists
	BeforeEach(func() {
		epc, err := fixtures.FS.ReadFile(fixtures.EPCFile)
		Expect(err).NotTo(HaveOccurred())
		ppc, err := fixtures.FS.ReadFile(fixtures.PPCFile)
		Expect(err).NotTo(HaveOccurred())
		lists, err = inventory.ParseLists("epc.csv", epc, "ppc.csv", ppc, cat.Lookup)
		Expect(err).NotTo(HaveOccurred())
	})

	It("writes files ParseLists reads back to the same lists", func() {
		Expect(lists.SetTestOpen("PPC-0002", true)).To(Succeed())
		var epc, ppc bytes.Buffer
		Expect(lists.WriteEPC(&epc, "written by a spec\nsecond line")).To(Succeed())
		Expect(lists.WritePPC(&ppc, "")).To(Succeed())
		Expect(epc.String()).To(HavePrefix("# written by a spec\n# second line\nid,csp,chf,esme,gpf,gsme,ppmid,date_added\n"))
		back, err := inventory.ParseLists("epc.csv", epc.Bytes(), "ppc.csv", ppc.Bytes(), cat.Lookup)
		Expect(err).NotTo(HaveOccurred())
		Expect(back.EPC()).To(Equal(lists.EPC()))
		Expect(back.PPC()).To(Equal(lists.PPC()))
		e, ok := back.PPCEntry("PPC-0002")
		Expect(ok).To(BeTrue())
		Expect(e.TestOpen).To(BeTrue())
	})

	It("promotes a pending combination to the EPC in one step, dated by the day given", func() {
		pending, _ := lists.PPCEntry("PPC-0003")
		adm, _ := lists.Admit(pending.Combination)
		Expect(adm).To(Equal(inventory.PendingOnly))

		e, err := lists.Promote("PPC-0003", "EPC-0006", time.Date(2026, 3, 28, 16, 30, 0, 0, time.UTC))
		Expect(err).NotTo(HaveOccurred())
		Expect(e.DateAdded).To(Equal(time.Date(2026, 3, 28, 0, 0, 0, 0, time.UTC)))
		_, still := lists.PPCEntry("PPC-0003")
		Expect(still).To(BeFalse())
		adm, id := lists.Admit(pending.Combination)
		Expect(adm).To(Equal(inventory.Eligible))
		Expect(id).To(Equal("EPC-0006"))

		_, err = lists.Promote("PPC-0003", "EPC-0007", time.Now())
		Expect(err).To(MatchError(ContainSubstring("no pending combination PPC-0003")))
		_, err = lists.Promote("PPC-0004", "EPC-0006", time.Now())
		Expect(err).To(MatchError(ContainSubstring("EPC id EPC-0006 is already used")))
	})

	It("clones lists a test world can change without touching the original", func() {
		c := lists.Clone()
		Expect(c.SetTestOpen("PPC-0001", true)).To(Succeed())
		e, _ := lists.PPCEntry("PPC-0001")
		Expect(e.TestOpen).To(BeFalse())
		Expect(c.PPC()).To(HaveLen(len(lists.PPC())))
		Expect(c.EPC()[0].Combination.Models[devices.KindESME]).To(Equal("acme-e470@1.4.2"))
	})
})
