package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

const testSuite = "testdata/suite"

var _ = Describe("run", func() {
	It("runs the built-in smoke suite with no path, printing the seed, each case and the closing line", func() {
		r := smetsim("run")
		Expect(r.code).To(Equal(exitOK), r.errOut)
		Expect(r.out).To(MatchRegexp(`^\d+ passed, 0 failed, 0 skipped\n$`))
		Expect(r.errOut).To(MatchRegexp(`smetsim run: \d+ test cases against the in-process mock DCC, seed \d+`))
		Expect(r.errOut).To(ContainSubstring("PASS Disable and re-enable an ESME's supply"))
	})

	It("writes junit.xml, report.json and report.html whose counts match the closing line", func() {
		dir := GinkgoT().TempDir()
		r := smetsim("run", "--report-dir", dir, "--seed", "3", testSuite)
		Expect(r.code).To(Equal(exitFailed), r.errOut)
		Expect(r.out).To(Equal("1 passed, 1 failed, 0 skipped\n"))
		data, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
		Expect(err).NotTo(HaveOccurred())
		var junit struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Skipped  int `xml:"skipped,attr"`
		}
		Expect(xml.Unmarshal(data, &junit)).To(Succeed())
		Expect([]int{junit.Tests, junit.Failures, junit.Skipped}).To(Equal([]int{2, 1, 0}))
		for _, f := range []string{"report.json", "report.html"} {
			Expect(filepath.Join(dir, f)).To(BeAnExistingFile())
		}
	})

	It("prints a failure's seed, and the same seed fails the same way", func() {
		first := smetsim("run", testSuite+"/failing.yaml")
		Expect(first.code).To(Equal(exitFailed))
		m := regexp.MustCompile(`rerun with --seed (\d+)`).FindStringSubmatch(first.errOut)
		Expect(m).NotTo(BeNil(), first.errOut)
		Expect(first.errOut).To(ContainSubstring(`failing.yaml:`))
		Expect(first.errOut).To(ContainSubstring(`9.9.9`))
		again := smetsim("run", "--seed", m[1], testSuite+"/failing.yaml")
		Expect(again.code).To(Equal(exitFailed))
		failLine := regexp.MustCompile(`(?m)^FAIL .*$`)
		Expect(failLine.FindString(again.errOut)).To(Equal(failLine.FindString(first.errOut)))
	})

	It("filters by tags", func() {
		r := smetsim("run", "--tags", "gas && !failing", testSuite)
		Expect(r.code).To(Equal(exitOK), r.errOut)
		Expect(r.out).To(Equal("1 passed, 0 failed, 0 skipped\n"))
	})

	It("splits the cases into shards that together run each once, and merging their reports gives the whole run", func() {
		whole := smetsim("run", "--seed", "9", "--tags", "smoke")
		Expect(whole.code).To(Equal(exitOK), whole.errOut)
		var dirs []string
		total := 0
		for k := 1; k <= 3; k++ {
			dir := GinkgoT().TempDir()
			r := smetsim("run", "--seed", "9", "--shard", strconv.Itoa(k)+"/3", "--report-dir", dir)
			Expect(r.code).To(Equal(exitOK), r.errOut)
			n, _ := strconv.Atoi(regexp.MustCompile(`^(\d+) passed`).FindStringSubmatch(r.out)[1])
			total += n
			dirs = append(dirs, dir)
		}
		Expect(strconv.Itoa(total) + " passed, 0 failed, 0 skipped\n").To(Equal(whole.out))
		out := GinkgoT().TempDir()
		m := smetsim(append([]string{"report", "merge", "--out", out}, dirs...)...)
		Expect(m.code).To(Equal(exitOK), m.errOut)
		Expect(m.out + m.errOut).To(ContainSubstring(whole.out[:len(whole.out)-1]))
	})

	It("refuses a scenario file with mistakes before running anything, each located, exit 2", func() {
		r := smetsim("run", "testdata/bad-scenario.yaml")
		Expect(r.code).To(Equal(exitBadInput))
		Expect(r.errOut).To(ContainSubstring("testdata/bad-scenario.yaml:3:"))
		Expect(r.errOut).To(ContainSubstring("99.9"))
		Expect(r.errOut).To(ContainSubstring("testdata/bad-scenario.yaml:4:"))
		Expect(r.errOut).To(ContainSubstring("nothing was run"))
		Expect(r.out).To(BeEmpty())
	})

	DescribeTable("refuses bad flags with exit code 2",
		func(want string, args ...string) {
			r := smetsim(append([]string{"run"}, args...)...)
			Expect(r.code).To(Equal(exitBadInput))
			Expect(r.errOut).To(ContainSubstring(want))
		},
		Entry("a shard that is not K/N", "--shard", "--shard", "4/3"),
		Entry("a tag expression that does not parse", "--tags", "--tags", "smoke &&"),
		Entry("external-DCC flags without --dcc", "go with --dcc", "--listen", ":0"),
		Entry("--dcc without its companions", "--dcc needs", "--dcc", "http://127.0.0.1:1"),
	)
})
