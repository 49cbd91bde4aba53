package sit_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/internal/testtool"
	"github.com/smetsim/smetsim/scenarios/sit"
)

var _ = Describe("A SIT run over the fixture matrix", func() {
	It("fills the combination × column table", func() {
		r := fixtureRun()
		m := fixtureMatrix()
		Expect(r.Rows).To(HaveLen(len(m.Combinations)))
		Expect(r.Columns).To(ContainElement(HaveField("ID", "srv:1.1.1")))
		Expect(r.Columns).To(ContainElement(HaveField("ID", "alert:N1")))
		Expect(r.Columns).To(ContainElement(HaveField("ID", "han:gsme-gpf-sync")))
		for _, row := range r.Rows {
			for _, col := range r.Columns {
				Expect(row.Cells).To(HaveKey(col.ID), "%s × %s", row.ID, col.ID)
			}
		}
		cell := func(comb, col string) *sit.Cell {
			for _, row := range r.Rows {
				if row.ID == comb {
					return row.Cells[col]
				}
			}
			Fail("no combination " + comb)
			return nil
		}
		By("the E470 1.5.0's dropped block thresholds fail 1.1.1, with the observed and the expected")
		c := cell("acme-e470-1.5.0", "srv:1.1.1")
		Expect(c.Status).To(Equal(sit.Fail))
		Expect(c.Cases[0].Detail).To(ContainSubstring("tariff_block.yaml:"))
		Expect(c.Cases[0].Detail).To(ContainSubstring("BlockThreshold"))
		Expect(cell("acme-e470-1.5.0-elec", "srv:1.1.1").Status).To(Equal(sit.Fail))
		Expect(cell("acme-2021", "srv:1.1.1").Status).To(Equal(sit.Pass))

		By("an SRV a model declares unsupported is a declared variation, checked to answer its code")
		c = cell("acme-2021", "srv:4.12.1")
		Expect(c.Status).To(Equal(sit.DeclaredVariation))
		Expect(c.Cases[0].Detail).To(Equal("answers E11 as its Device Model declares"))
		Expect(cell("cotswold-2020", "srv:4.8.2").Status).To(Equal(sit.DeclaredVariation))
		Expect(cell("britannia-2022", "srv:4.12.1").Status).To(Equal(sit.Pass))

		By("what the combination has no device for is not applicable; what it has still runs")
		Expect(cell("acme-2021-elec", "han:gsme-gpf-sync").Status).To(Equal(sit.NotApplicable))
		Expect(cell("acme-2021-elec", "han:gsme-gpf-sync").Cases[0].Detail).To(Equal("the combination has no GSME or GPF"))
		Expect(cell("acme-2021-credit", "han:ppmid-topup").Status).To(Equal(sit.NotApplicable))
		Expect(cell("britannia-2022-elec", "srv:2.2").Status).To(Equal(sit.Pass), "the ESME's top-up runs without gas")
		Expect(cell("britannia-2022-elec", "srv:7.2").Status).To(Equal(sit.Pass))

		Expect(r.Failed()).To(ConsistOf("acme-e470-1.5.0", "acme-e470-1.5.0-elec"))
		Expect(r.Totals.Fail).To(Equal(2))
	})

	It("computes the coverage from the populations of the combinations that passed everything", func() {
		r := fixtureRun()
		var total, covered int64
		for _, c := range fixtureMatrix().Combinations {
			total += c.Population
			if c.ID != "acme-e470-1.5.0" && c.ID != "acme-e470-1.5.0-elec" {
				covered += c.Population
			}
		}
		Expect(r.Population).To(Equal(total))
		Expect(r.Covered).To(Equal(covered))
		Expect(r.Coverage).To(BeNumerically("~", float64(covered)*100/float64(total), 1e-9))
		Expect(r.CoverageLine()).To(Equal(fmt.Sprintf("coverage: %.1f%% of installed base", float64(covered)*100/float64(total))))
		Expect(r.CoverageLine()).To(Equal("coverage: 83.2% of installed base"))
	})

	It("writes junit.xml, sit.json and a self-contained sit.html", func() {
		r := fixtureRun()
		dir := GinkgoT().TempDir()
		Expect(r.WriteDir(dir)).To(Succeed())

		var suites struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Suites   []struct {
				Name string `xml:"name,attr"`
			} `xml:"testsuite"`
		}
		data, err := os.ReadFile(filepath.Join(dir, sit.JUnitFile))
		Expect(err).NotTo(HaveOccurred())
		Expect(xml.Unmarshal(data, &suites)).To(Succeed())
		xmllint := testtool.Require("xmllint")
		out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("..", "report", "testdata", "junit.xsd"),
			filepath.Join(dir, sit.JUnitFile)).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), "the JUnit schema the scenario reports are held to: %s", out)
		Expect(suites.Failures).To(Equal(2))
		Expect(suites.Tests).To(Equal(len(r.Result.Cases)))
		Expect(suites.Suites).To(ContainElement(HaveField("Name", "acme-e470-1.5.0/packs/sit/srv/tariff_block.yaml")))

		var back sit.Report
		data, err = os.ReadFile(filepath.Join(dir, sit.JSONFile))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(data, &back)).To(Succeed())
		Expect(back.Format).To(Equal(1))
		Expect(back.Covered).To(Equal(r.Covered))
		Expect(back.Rows[6].Cells["srv:1.1.1"].Status).To(Equal(sit.Fail))

		page, err := os.ReadFile(filepath.Join(dir, sit.HTMLFile))
		Expect(err).NotTo(HaveOccurred())
		for _, external := range []string{"http://", "https://", "<script", "<link", "@import", "url("} {
			Expect(string(page)).NotTo(ContainSubstring(external))
		}
		Expect(string(page)).To(ContainSubstring("coverage: 83.2% of installed base"))
	})

	It("renders in headless Chromium with the table's cells in the DOM", func() {
		chromium := testtool.Require("chromium")
		r := fixtureRun()
		dir := GinkgoT().TempDir()
		Expect(r.WriteDir(dir)).To(Succeed())
		page, err := filepath.Abs(filepath.Join(dir, sit.HTMLFile))
		Expect(err).NotTo(HaveOccurred())
		var out, errOut bytes.Buffer
		// No network for the browser: a page that needed anything from outside would render
		// without it, and the DOM would show it.
		cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
			"--user-data-dir="+filepath.Join(dir, "profile"), "--proxy-server=127.0.0.1:9", "--dump-dom", "file://"+page)
		cmd.Stdout, cmd.Stderr = &out, &errOut
		Expect(cmd.Run()).To(Succeed(), errOut.String())
		dom := out.String()
		Expect(dom).To(ContainSubstring(`<table class="heat" id="sit-table">`))
		Expect(dom).To(ContainSubstring(`<tr id="combination-acme-e470-1.5.0" class="failed">`))
		Expect(dom).To(MatchRegexp(`<td class="fail" data-column="srv:1.1.1" title="fail: \[acme-e470-1.5.0\][^"]*">fail</td>`))
		Expect(dom).To(MatchRegexp(`<td class="declared_variation" data-column="srv:4.12.1"[^>]*>var.</td>`))
		Expect(dom).To(MatchRegexp(`<td class="not_applicable" data-column="han:gsme-gpf-sync"[^>]*>n/a</td>`))
		Expect(strings.Count(dom, " data-column=")).To(Equal(len(r.Rows) * len(r.Columns)))
		Expect(dom).To(ContainSubstring("coverage: 83.2% of installed base"))
	})
})
