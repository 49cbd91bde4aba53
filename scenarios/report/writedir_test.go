package report_test

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/internal/testtool"
	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/scenarios/report"
)

// The JUnit document as a CI server reads it.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     float64      `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string  `xml:"name,attr"`
	Tests      int     `xml:"tests,attr"`
	Failures   int     `xml:"failures,attr"`
	Errors     int     `xml:"errors,attr"`
	Skipped    int     `xml:"skipped,attr"`
	Time       float64 `xml:"time,attr"`
	Timestamp  string  `xml:"timestamp,attr"`
	Properties []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	} `xml:"properties>property"`
	Cases []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string  `xml:"name,attr"`
	Classname string  `xml:"classname,attr"`
	Time      float64 `xml:"time,attr"`
	Failure   *struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	} `xml:"failure"`
	Skipped *struct {
		Message string `xml:"message,attr"`
	} `xml:"skipped"`
	SystemOut string `xml:"system-out"`
}

func readFile(dir, name string) string {
	GinkgoHelper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}

var _ = Describe("WriteDir", func() {
	var (
		dir string
		r   *scenarios.Result
	)

	BeforeEach(func() {
		dir = filepath.Join(GinkgoT().TempDir(), "reports", "run")
		r = sampleResult()
		Expect(report.WriteDir(dir, r)).To(Succeed())
	})

	It("writes the three files into a new directory and leaves no temporary file", func() {
		entries, err := os.ReadDir(dir)
		Expect(err).NotTo(HaveOccurred())
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
			info, err := e.Info()
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o644)))
		}
		Expect(names).To(ConsistOf("junit.xml", "report.json", "report.html"))
	})

	It("does not change the result it writes", func() {
		Expect(r).To(Equal(sampleResult()))
	})

	It("replaces an earlier report, and refuses an inconsistent result without touching it", func() {
		one := sampleResult()
		one.Cases = one.Cases[:1]
		one.Tally()
		Expect(report.WriteDir(dir, one)).To(Succeed())
		Expect(readFile(dir, "junit.xml")).NotTo(ContainSubstring("Top up"))

		bad := sampleResult()
		bad.Passed = 7
		err := report.WriteDir(dir, bad)
		Expect(err).To(MatchError(ContainSubstring("passed: 7, but 2 cases passed")))
		got, err := report.Read(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(one))

		dup := sampleResult()
		dup.Cases[2].ID = dup.Cases[1].ID
		Expect(report.WriteDir(dir, dup)).To(MatchError(ContainSubstring(`cases[2].id: case "` + dup.Cases[1].ID + `" is also cases[1]`)))
		Expect(report.WriteDir(dir, nil)).To(MatchError(ContainSubstring("no result")))
	})

	It("says why when the directory cannot be written", func() {
		file := filepath.Join(GinkgoT().TempDir(), "a-file")
		Expect(os.WriteFile(file, nil, 0o644)).To(Succeed())
		Expect(report.WriteDir(filepath.Join(file, "sub"), sampleResult())).To(MatchError(ContainSubstring("a-file")))
	})

	Describe("junit.xml", func() {
		var doc junitSuites

		BeforeEach(func() {
			doc = junitSuites{}
			Expect(xml.Unmarshal([]byte(readFile(dir, "junit.xml")), &doc)).To(Succeed())
		})

		It("has one testsuite per scenario file and one testcase per case, with counts that match", func() {
			Expect(doc.Tests).To(Equal(5))
			Expect(doc.Failures).To(Equal(2))
			Expect(doc.Skipped).To(Equal(1))
			Expect(doc.Errors).To(Equal(0))
			Expect(doc.Time).To(Equal(2.5))
			Expect(doc.Suites).To(HaveLen(2))

			s := doc.Suites[0]
			Expect(s.Name).To(Equal(supplyFile))
			Expect([]int{s.Tests, s.Failures, s.Skipped, s.Errors}).To(Equal([]int{3, 1, 0, 0}))
			Expect(s.Time).To(Equal(1.9))
			Expect(s.Timestamp).To(Equal("2026-06-01T00:00:00"))
			Expect(s.Cases).To(HaveLen(3))
			Expect(s.Cases[0].Name).To(Equal("Disable supply"))
			Expect(s.Cases[0].Classname).To(Equal(supplyFile))
			Expect(s.Cases[0].Time).To(Equal(1.2))
			Expect(s.Cases[0].Failure).To(BeNil())
			Expect(s.Cases[0].Skipped).To(BeNil())

			t := doc.Suites[1]
			Expect(t.Name).To(Equal(topUpFile))
			Expect([]int{t.Tests, t.Failures, t.Skipped}).To(Equal([]int{2, 1, 1}))
			for _, s := range doc.Suites {
				n := 0
				for _, c := range s.Cases {
					if c.Failure != nil {
						n++
					}
				}
				Expect(n).To(Equal(s.Failures), s.Name)
			}
		})

		It("carries the seed and shard as properties of every suite", func() {
			for _, s := range doc.Suites {
				props := map[string]string{}
				for _, p := range s.Properties {
					props[p.Name] = p.Value
				}
				Expect(props).To(Equal(map[string]string{"seed": "42", "shard": "all", "dcc": "in-process"}))
			}
		})

		It("gives a failure its message with file:line, the case seed and the failing step", func() {
			c := doc.Suites[0].Cases[1]
			Expect(c.Name).To(Equal("Disable supply by model [model=ACME-2]"))
			Expect(c.Failure).NotTo(BeNil())
			Expect(c.Failure.Message).To(Equal(supplyFile + ":14:5: supply: got enabled, want disabled"))
			Expect(c.Failure.Text).To(ContainSubstring("seed 4202"))
			Expect(c.Failure.Text).To(ContainSubstring("failed step 2 at " + supplyFile + ":14:5: device rtds-reference.ESME supply"))
		})

		It("gives a skipped case its reason", func() {
			c := doc.Suites[1].Cases[0]
			Expect(c.Skipped).NotTo(BeNil())
			Expect(c.Skipped.Message).To(Equal("after --fail-fast"))
		})

		It("lists the steps one a line in system-out, with the key evidence and TRT breaches", func() {
			out := doc.Suites[0].Cases[0].SystemOut
			Expect(out).To(ContainSubstring("case " + supplyFile + "::Disable supply (seed 4201)"))
			Expect(out).To(MatchRegexp(`(?m)^ 1 passed  send    send 7\.2 as supplier to rtds-reference\.ESME \(` + regexp.QuoteMeta(supplyFile) + `:9:5\) virtual \+0s \(2026-06-01T00:00:00Z\) wall 3ms$`))
			Expect(out).To(MatchRegexp(`(?m)^ 2 passed  device  device rtds-reference\.ESME supply \(.*:14:5\) virtual \+1m35s \(2026-06-01T00:01:35Z\) wall 200µs$`))
			Expect(out).To(ContainSubstring("    answer I99 " + rid(1001) + " at +0s"))
			Expect(out).To(ContainSubstring("    response I0 " + rid(1001) + " at +1m35s (2026-06-01T00:01:35Z) after 1m35s (TRT 1m0s) TRT BREACHED"))
			Expect(out).To(ContainSubstring("    rtds-reference.ESME supply: enabled -> disabled"))
			Expect(out).NotTo(ContainSubstring("balance"), "unchanged properties are left to the HTML report")

			failed := doc.Suites[0].Cases[1].SystemOut
			Expect(failed).To(ContainSubstring("vars: model=ACME-2"))
			Expect(failed).To(MatchRegexp(`(?m)^ 2 failed  device .* FAILED: .*:14:5: supply: got enabled, want disabled$`))
			Expect(failed).To(MatchRegexp(`(?m)^ 3 skipped send    send 7\.1 .* skipped: after a failed step$`))
		})

		It("keeps hostile text, with the characters XML cannot hold replaced", func() {
			c := doc.Suites[1].Cases[1]
			Expect(c.Name).To(Equal("Top up <b>hostile</b>"))
			want := strings.ReplaceAll(hostile, "\x01", "\uFFFD")
			Expect(c.Failure.Message).To(Equal(topUpFile + ":7:3: " + want))
			Expect(c.SystemOut).To(ContainSubstring(want))
		})

		It("is valid against the JUnit schema (xmllint)", func() {
			xmllint := testtool.Require("xmllint")
			out, err := exec.Command(xmllint, "--noout", "--schema", "testdata/junit.xsd", filepath.Join(dir, "junit.xml")).CombinedOutput()
			Expect(err).NotTo(HaveOccurred(), string(out))
		})

		It("is judged by a schema that does refuse what CI servers would not read (xmllint)", func() {
			xmllint := testtool.Require("xmllint")
			for _, bad := range []string{
				`<testsuites><testsuite name="s" tests="1"><testcase classname="s"/></testsuite></testsuites>`,
				`<testsuites><testsuite name="s" tests="1" failures="-1"><testcase name="c"/></testsuite></testsuites>`,
				`<testsuites><testsuite name="s" tests="1"><testcase name="c" time="1,5"/></testsuite></testsuites>`,
				`<testsuites><testsuite name="s" tests="1"><testcase name="c"><skipped/><failure/></testcase></testsuite></testsuites>`,
				`<testsuites><testsuite name="s" tests="1" timestamp="2026-06-01T00:00:00Z"/></testsuites>`,
			} {
				file := filepath.Join(GinkgoT().TempDir(), "bad.xml")
				Expect(os.WriteFile(file, []byte(bad), 0o644)).To(Succeed())
				out, err := exec.Command(xmllint, "--noout", "--schema", "testdata/junit.xsd", file).CombinedOutput()
				Expect(err).To(HaveOccurred(), "accepted: %s\n%s", bad, out)
			}
		})

		It("is valid against the JUnit schema for an empty run too (xmllint)", func() {
			xmllint := testtool.Require("xmllint")
			empty := filepath.Join(GinkgoT().TempDir(), "empty")
			Expect(report.WriteDir(empty, &scenarios.Result{Seed: 1})).To(Succeed())
			out, err := exec.Command(xmllint, "--noout", "--schema", "testdata/junit.xsd", filepath.Join(empty, "junit.xml")).CombinedOutput()
			Expect(err).NotTo(HaveOccurred(), string(out))
		})
	})

	Describe("report.json", func() {
		It("reads back as the result it was written from", func() {
			got, err := report.Read(dir)
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal(r))
		})

		It("has the documented field names", func() {
			var doc map[string]any
			Expect(json.Unmarshal([]byte(readFile(dir, "report.json")), &doc)).To(Succeed())
			Expect(doc).To(HaveKeyWithValue("report_format", 1.0))
			Expect(doc).To(HaveKeyWithValue("seed", 42.0))
			Expect(doc).To(HaveKeyWithValue("wall_ns", 2.5e9))
			Expect(doc).To(HaveKeyWithValue("dcc", "in-process"))
			Expect(doc).To(HaveKeyWithValue("passed", 2.0))
			Expect(doc).To(HaveKeyWithValue("failed", 2.0))
			Expect(doc).To(HaveKeyWithValue("skipped", 1.0))
			Expect(doc).To(HaveKey("started"))
			Expect(doc).To(HaveKey("warnings"))
			c := doc["cases"].([]any)[0].(map[string]any)
			Expect(c).To(HaveKeyWithValue("id", supplyFile+"::Disable supply"))
			Expect(c).To(HaveKeyWithValue("status", "passed"))
			Expect(c).To(HaveKeyWithValue("trt_breaches", 1.0))
			Expect(c).To(HaveKeyWithValue("virtual_ns", 95e9))
			s := c["steps"].([]any)[0].(map[string]any)
			Expect(s).To(HaveKeyWithValue("kind", "send"))
			Expect(s["pos"]).To(Equal(map[string]any{"File": supplyFile, "Line": 9.0, "Column": 5.0}))
			m := s["messages"].([]any)[2].(map[string]any)
			Expect(m).To(HaveKeyWithValue("trt_breached", true))
			Expect(m).To(HaveKeyWithValue("trt_ns", 60e9))
			Expect(m).To(HaveKeyWithValue("xml", response7_4))
			skipped := doc["cases"].([]any)[3].(map[string]any)
			Expect(skipped).To(HaveKeyWithValue("steps", []any{}))
			Expect(skipped).To(HaveKeyWithValue("skip_reason", "after --fail-fast"))
		})

		It("keeps XML readable (no \\u003c escapes)", func() {
			Expect(readFile(dir, "report.json")).To(ContainSubstring(`<sr:DisableSupply/>`))
		})
	})

	Describe("report.html", func() {
		var page string
		BeforeEach(func() { page = readFile(dir, "report.html") })

		It("is one self-contained page: no resource from anywhere", func() {
			Expect(page).To(HavePrefix("<!DOCTYPE html>"))
			for _, m := range regexp.MustCompile(`(?i)\b(?:src|href|action|srcset|poster|data)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`).FindAllStringSubmatch(page, -1) {
				v := strings.Trim(m[1], `"'`)
				Expect(v).To(HavePrefix("#"), "attribute %s", m[0])
			}
			for _, m := range regexp.MustCompile(`(?i)url\(([^)]*)\)`).FindAllStringSubmatch(page, -1) {
				Fail("url() in the page: " + m[0])
			}
			Expect(page).NotTo(MatchRegexp(`(?i)<(link|img|iframe|object|embed|base)\b`))
			Expect(page).NotTo(MatchRegexp(`(?i)@import`))
			Expect(page).NotTo(MatchRegexp(`(?i)<script[^>]*\bsrc`))
		})

		It("shows the summary: counts, seed, shard, wall time, DCC", func() {
			Expect(page).To(ContainSubstring("<title>smetsim report: 2 passed, 2 failed, 1 skipped</title>"))
			Expect(page).To(MatchRegexp(`<dt>Seed</dt><dd class="mono">42</dd>`))
			Expect(page).To(ContainSubstring(`<dt>Shard</dt><dd>all</dd>`))
			Expect(page).To(ContainSubstring(`<dt>Wall time</dt><dd>2.5s</dd>`))
			Expect(page).To(ContainSubstring(`<dt>DCC</dt><dd class="mono">in-process</dd>`))
			Expect(page).To(ContainSubstring(`<dt>TRT breaches</dt><dd>1</dd>`))
			Expect(page).To(ContainSubstring("7.2 has no TRT for GSME"))
		})

		It("has a table of the cases with TRT breaches highlighted", func() {
			rows := regexp.MustCompile(`(?s)<tr class="([a-z ]+)" data-status="[a-z]+">(.*?)</tr>`).FindAllStringSubmatch(page, -1)
			Expect(rows).To(HaveLen(5))
			Expect(rows[0][1]).To(Equal("passed breach"))
			Expect(rows[0][2]).To(ContainSubstring(`<a href="#case-1">Disable supply</a>`))
			Expect(rows[0][2]).To(ContainSubstring(`<td>smoke supply</td>`))
			Expect(rows[0][2]).To(ContainSubstring(`<td class="num">1.2s</td>`))
			Expect(rows[0][2]).To(ContainSubstring(`<td class="num">1m35s</td>`))
			Expect(rows[1][1]).To(Equal("failed"))
			Expect(rows[3][1]).To(Equal("skipped"))
		})

		It("puts failed cases first and open, with their failing step open", func() {
			cases := regexp.MustCompile(`<details class="case (\w+)" id="(case-\d+)" data-status="\w+"( open)?>`).FindAllStringSubmatch(page, -1)
			Expect(cases).To(HaveLen(5))
			var order []string
			for _, c := range cases {
				order = append(order, c[2]+" "+c[1]+c[3])
			}
			Expect(order).To(Equal([]string{"case-2 failed open", "case-5 failed open", "case-1 passed", "case-3 passed", "case-4 skipped"}))
			Expect(page).To(MatchRegexp(`<details class="step failed" open>\s*<summary>2\. <span class="status failed">failed</span> <code>device</code>`))
			Expect(page).To(MatchRegexp(`<details class="step passed breach">\s*<summary>1\.`))
		})

		It("holds each step's evidence in foldouts: XML escaped and indented, timings, state before and after", func() {
			Expect(page).To(ContainSubstring("<pre>&lt;?xml version=&#34;1.0&#34; encoding=&#34;UTF-8&#34;?&gt;\n&lt;sr:Request"))
			Expect(page).To(ContainSubstring("\n  &lt;sr:Header&gt;\n    &lt;sr:RequestID&gt;" + rid(1001) + "&lt;/sr:RequestID&gt;\n"))
			Expect(page).To(ContainSubstring("&lt;ra:SupplyStatus&gt;Enabled &amp;amp; armed &amp;lt;sic&amp;gt;&lt;/ra:SupplyStatus&gt;"))
			Expect(page).To(ContainSubstring(`<code>response</code> <strong>I0</strong> <span class="mono">` + rid(1001) + `</span> <span class="muted">at &#43;1m35s (2026-06-01T00:01:35Z) · after 1m35s · TRT 1m0s</span> <span class="breached">TRT breached</span>`))
			Expect(page).To(ContainSubstring(`<tr class="changed"><td class="mono">rtds-reference.ESME</td><td>supply</td><td>enabled</td><td>→</td><td>disabled</td></tr>`))
			Expect(page).To(ContainSubstring(`<tr><td class="mono">rtds-reference.ESME</td><td>balance</td><td>12.50</td><td>→</td><td>12.50</td></tr>`))
		})

		It("escapes everything a device or endpoint sent", func() {
			Expect(page).NotTo(ContainSubstring("<script>alert"))
			Expect(page).NotTo(ContainSubstring("<b>hostile"))
			Expect(page).To(ContainSubstring("&lt;script&gt;alert(1)&lt;/script&gt;"))
			Expect(strings.Count(page, "<script>")).To(Equal(1))
			Expect(page).NotTo(MatchRegexp("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]"), "control characters are HTML parse errors")
		})
	})
})

var _ = Describe("Summary", func() {
	It("is the closing line of a run", func() {
		Expect(report.Summary(sampleResult())).To(Equal("2 passed, 2 failed, 1 skipped"))
		Expect(report.Summary(&scenarios.Result{})).To(Equal("0 passed, 0 failed, 0 skipped"))
	})
})

var _ = Describe("Result.Tally", func() {
	It("counts the cases by status", func() {
		r := &scenarios.Result{Passed: 9, Cases: []scenarios.CaseResult{{Status: scenarios.Failed}, {Status: scenarios.Failed}, {Status: scenarios.Skipped}}}
		r.Tally()
		Expect([]int{r.Passed, r.Failed, r.Skipped}).To(Equal([]int{0, 2, 1}))
	})
})
