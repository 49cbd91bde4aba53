package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/scenarios"
)

var _ = Describe("scenario validate", func() {
	It("says how many scenarios and test cases each path holds", func() {
		smoke := filepath.Join("..", "..", "fixtures", "scenarios", "smoke")
		one := filepath.Join("..", "..", "scenarios", "testdata", "good", "inline.yaml")
		r := smetsim("scenario", "validate", smoke, one)
		Expect(r.code).To(Equal(exitOK), r.errOut)
		Expect(r.out).To(Equal(smoke + ": 3 scenarios, 4 test cases, valid\n" + one + ": 1 scenario, 1 test case, valid\n"))
	})

	It("lists the test cases with --list", func() {
		smoke := filepath.Join("..", "..", "fixtures", "scenarios", "smoke")
		r := smetsim("scenario", "validate", "--list", smoke)
		Expect(r.code).To(Equal(exitOK), r.errOut)
		Expect(r.out).To(ContainSubstring(filepath.Join(smoke, "topup.yaml") + "::Top up through the PPMID and read the meter balance[1]\tTop up through the PPMID and read the meter balance [amount=20.00 at_least=31.50]\n"))
	})

	It("prints every mistake of every file and exits 2", func() {
		dir := GinkgoT().TempDir()
		a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
		Expect(os.WriteFile(a, []byte("name: a\nsteps:\n  - send: {srv: \"7.99\", as: supplier, to: rtds-reference.ESME}\n  - advance: soon\n"), 0o644)).To(Succeed())
		Expect(os.WriteFile(b, []byte("name: b\nsteps: [{han: {action: wake, device: rtds-reference.ESME}}]\n"), 0o644)).To(Succeed())
		r := smetsim("scenario", "validate", dir)
		Expect(r.code).To(Equal(exitBadInput))
		Expect(r.out).To(BeEmpty())
		Expect(strings.Split(r.errOut, "\n")).To(Equal([]string{
			a + `:3:17: steps[0].send.srv: unknown SRV "7.99"; smetsim srv list shows them all`,
			a + `:4:14: steps[1].advance: "soon" is not a duration: write one such as 90s, 30m, 1h30m or 2d`,
			b + `:2:38: steps[0].han.device: wake acts on a GSME; rtds-reference.ESME is an ESME`,
			"smetsim: 3 mistakes in 2 files",
			"",
		}))
	})

	It("refuses a path that does not exist, and no path at all", func() {
		r := smetsim("scenario", "validate", "no-such-suite")
		Expect(r.code).To(Equal(exitBadInput))
		Expect(r.errOut).To(ContainSubstring("no-such-suite: no such file or directory"))
		Expect(smetsim("scenario", "validate").code).To(Equal(exitBadInput))
	})
})

var _ = Describe("scenario schema", func() {
	It("prints the JSON Schema", func() {
		r := smetsim("scenario", "schema")
		Expect(r.code).To(Equal(exitOK), r.errOut)
		Expect(r.out).To(Equal(string(scenarios.Schema())))
		var s map[string]any
		Expect(json.Unmarshal([]byte(r.out), &s)).To(Succeed())
		Expect(s["title"]).To(Equal("smetsim scenario"))
	})
})
