package sit_test

import (
	"os"
	"path/filepath"
	"testing/fstest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/scenarios/sit"
)

var _ = Describe("The SIT pack", func() {
	It("loads the fixture pack: SRV, alert and HAN columns, SRVs in numeric order", func() {
		p := fixturePack()
		var ids []string
		for _, c := range p.Columns {
			ids = append(ids, c.ID)
		}
		Expect(ids).To(ContainElements("srv:1.1.1", "srv:2.2", "srv:4.12.1", "srv:7.2", "srv:11.2", "alert:N1", "alert:8F0F", "han:gsme-gpf-sync", "han:ppmid-topup", "han:price-publication"))
		Expect(ids[0]).To(Equal("srv:1.1.1"))
		before := func(a, b string) bool {
			ia, ib := -1, -1
			for i, id := range ids {
				if id == a {
					ia = i
				}
				if id == b {
					ib = i
				}
			}
			return ia >= 0 && ia < ib
		}
		Expect(before("srv:4.8.1", "srv:4.12.1")).To(BeTrue())
		Expect(before("srv:11.2", "alert:N1")).To(BeTrue())
		Expect(before("alert:N1", "han:gsme-gpf-sync")).To(BeTrue())
		Expect(p.Columns[0].Title).To(Equal("Update Import Tariff (Primary Element)"))
	})

	DescribeTable("refuses a scenario that cannot be a SIT column",
		func(tags, want string) {
			fsys := fstest.MapFS{"pack/a.yaml": {Data: []byte("name: a\ntags: " + tags + "\nsteps:\n  - send: {srv: \"11.2\", as: supplier, to: rtds-reference.ESME, body: {ReadFirmwareVersion: {}}}\n")}}
			_, err := sit.LoadPack(nil, fsys, "pack")
			Expect(err).To(MatchError(ContainSubstring(want)))
		},
		Entry("no column tag", "[sit]", `pack/a.yaml:1:1: tags: a SIT pack scenario names the columns it proves with srv:<variant>, alert:<code> or han:<name> tags; "a" has none`),
		Entry("an SRV it never sends", `["srv:7.2"]`, "srv:7.2: the scenario never sends 7.2"),
		Entry("no SRV of that variant", `["srv:99.1"]`, "srv:99.1: 99.1 is not an SRV of DUIS 5.4"),
	)

	It("skips the matrix file and refuses an empty pack", func() {
		fsys := fstest.MapFS{"pack/matrix.yaml": {Data: []byte("name: m\n")}}
		_, err := sit.LoadPack(nil, fsys, "pack")
		Expect(err).To(MatchError("the SIT pack pack holds no scenario files"))
	})
})

var _ = Describe("The lists of a state directory", func() {
	It("are the registry's, as the PPC workflow commits them, in preference to the fixture lists", func() {
		dir := GinkgoT().TempDir()
		newLists, err := sit.StateLists(dir, fixtureCatalogue())
		Expect(err).NotTo(HaveOccurred())
		l, err := newLists()
		Expect(err).NotTo(HaveOccurred())
		Expect(l.EPC()).To(HaveLen(5), "no state yet: the fixture EPC")

		epc := "id,csp,chf,esme,gpf,gsme,ppmid,date_added\nEPC-0100,South,cotswold-cc3@7.2,cotswold-sp3@2.2,,,,2026-03-01\n"
		Expect(os.MkdirAll(filepath.Join(dir, "gen-000001"), 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "gen-000001", "epc.csv"), []byte(epc), 0o644)).To(Succeed())
		Expect(os.Symlink("gen-000001", filepath.Join(dir, "current"))).To(Succeed())
		newLists, err = sit.StateLists(dir, fixtureCatalogue())
		Expect(err).NotTo(HaveOccurred())
		l, err = newLists()
		Expect(err).NotTo(HaveOccurred())
		Expect(l.EPC()).To(HaveLen(1))
		Expect(l.PPC()).To(HaveLen(4), "the fixture PPC")
	})

	It("report a broken state file before anything runs", func() {
		dir := GinkgoT().TempDir()
		Expect(os.MkdirAll(filepath.Join(dir, "gen-000001"), 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "gen-000001", "epc.csv"), []byte("id,csp\n"), 0o644)).To(Succeed())
		Expect(os.Symlink("gen-000001", filepath.Join(dir, "current"))).To(Succeed())
		_, err := sit.StateLists(dir, fixtureCatalogue())
		Expect(err).To(MatchError(ContainSubstring(filepath.Join(dir, "current", "epc.csv"))))
	})
})
