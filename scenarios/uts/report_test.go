package uts_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/internal/testtool"
	"github.com/smetsim/smetsim/scenarios/uts"
)

// sampleReport has a passed request case and a failed pack case whose evidence holds XML that
// must be shown as text, not markup.
func sampleReport() *uts.Report {
	at := time.Date(2026, 11, 28, 19, 0, 0, 0, time.UTC)
	return &uts.Report{Format: uts.ReportFormat, Pack: "sample", PackFiles: []string{"p.yaml"}, Started: at, Finished: at.Add(time.Minute),
		Complete: true, Passed: 1, Failed: 1, Cases: []uts.Case{
			{Class: uts.ClassRequest, Name: "4.1.1 CV 1 A:B:1", Passed: true, Checks: []uts.Check{{Rule: uts.RuleCounter, Passed: true}},
				Evidence: []uts.Evidence{{Label: "request", Endpoint: "/api/v1/serviceS", XML: "<sr:Request/>"}}},
			{Class: uts.ClassPack, Name: "duplicate <delivery>", Passed: false, Failure: "receive: the duplicate delivery was answered HTTP 500; want 204",
				Where: "p.yaml:3", Checks: []uts.Check{{Rule: uts.RuleReceive, Detail: "the duplicate delivery was answered HTTP 500; want 204"}},
				Evidence: []uts.Evidence{{Label: "the same response again", URL: "http://127.0.0.1:8080/", HTTPStatus: 500,
					XML: `<sr:Response><script>alert(1)</script></sr:Response>`, Answer: "already processed"}}},
		}}
}

var _ = Describe("The UTS report", func() {
	It("writes junit.xml that parses, with a failure typed by its rule", func() {
		var b bytes.Buffer
		Expect(sampleReport().WriteJUnit(&b)).To(Succeed())
		var doc struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Suites   []struct {
				Name  string `xml:"name,attr"`
				Cases []struct {
					Name    string `xml:"name,attr"`
					Failure *struct {
						Type string `xml:"type,attr"`
						Text string `xml:",chardata"`
					} `xml:"failure"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		Expect(xml.Unmarshal(b.Bytes(), &doc)).To(Succeed())
		Expect(doc.Tests).To(Equal(2))
		Expect(doc.Failures).To(Equal(1))
		Expect(doc.Suites[1].Name).To(Equal("uts.pack"))
		f := doc.Suites[1].Cases[0].Failure
		Expect(f.Type).To(Equal("receive"))
		validJUnit(b.Bytes())
		Expect(f.Text).To(ContainSubstring("HTTP 500"))
		Expect(f.Text).To(ContainSubstring("User answered: already processed"))
	})

	It("writes uts.html that renders in headless Chromium, self-contained, evidence shown as text", func() {
		chromium, err := exec.LookPath("chromium")
		if err != nil {
			Skip("chromium is not installed")
		}
		dir := GinkgoT().TempDir()
		Expect(sampleReport().WriteDir(dir)).To(Succeed())
		page := filepath.Join(dir, uts.HTMLFile)
		src, err := os.ReadFile(page)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(src)).NotTo(MatchRegexp(`(?i)(src|href)\s*=|@import|url\(`), "nothing fetched from anywhere")

		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "file://"+page).Output()
		Expect(err).NotTo(HaveOccurred())
		dom := string(out)
		Expect(regexp.MustCompile(`<details class="fail" open="">`).FindAllString(dom, -1)).To(HaveLen(1), "the failed case open")
		Expect(strings.Count(dom, `<details class="pass"`)).To(Equal(1))
		Expect(dom).To(ContainSubstring("duplicate &lt;delivery&gt;"))
		Expect(dom).To(ContainSubstring("&lt;script&gt;alert(1)&lt;/script&gt;"), "evidence XML is text")
		Expect(dom).NotTo(ContainSubstring("<script>"))
		Expect(dom).To(ContainSubstring("1 passed"))
	})
})

// validJUnit judges a junit.xml with xmllint against the JUnit schema the scenario reports are
// held to (scenarios/report/testdata/junit.xsd), so CI servers read UTS reports as they read the
// runner's.
func validJUnit(data []byte) {
	GinkgoHelper()
	xmllint := testtool.Require("xmllint")
	p := filepath.Join(GinkgoT().TempDir(), "junit.xml")
	Expect(os.WriteFile(p, data, 0o644)).To(Succeed())
	out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("..", "report", "testdata", "junit.xsd"), p).CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(out))
}
