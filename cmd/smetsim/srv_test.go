package main

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("srv list", func() {
	It("prints every SRV with its support and a count line", func() {
		r := smetsim("srv", "list")
		Expect(r.code).To(Equal(exitOK), r.errOut)
		lines := strings.Split(strings.TrimSuffix(r.out, "\n"), "\n")
		Expect(lines[0]).To(HavePrefix("SRV "))
		Expect(lines).To(HaveLen(1 + 129 + 1))
		Expect(r.out).To(MatchRegexp(`(?m)^7\.2 +Disable Supply +yes +IS,GS +ESME,GSME +executes +interim$`))
		Expect(r.out).To(MatchRegexp(`(?m)^14\.1 .* not applicable`))
		Expect(lines[len(lines)-1]).To(MatchRegexp(`^129 SRVs: \d+ executed, \d+ not yet, \d+ not applicable to SMETS1$`))
	})

	It("filters by device type and support, and prints JSON with GBCS use cases", func() {
		var out []struct {
			Variant  string            `json:"variant"`
			Kinds    []string          `json:"device_types"`
			Smetsim  string            `json:"smetsim"`
			UseCases map[string]string `json:"gbcs_use_cases"`
		}
		r := smetsim("srv", "list", "--kind", "gsme", "--status", "executes", "--json")
		Expect(r.code).To(Equal(exitOK), r.errOut)
		decodeJSON(r.out, &out)
		Expect(out).NotTo(BeEmpty())
		variants := map[string]bool{}
		for _, s := range out {
			Expect(s.Kinds).To(ContainElement("GSME"))
			Expect(s.Smetsim).To(Equal("executes"))
			variants[s.Variant] = true
			if s.Variant == "7.2" {
				Expect(s.UseCases).To(HaveKeyWithValue("GSME", "GCS32 Remotely close the valve in the GSME (0x0081)"))
			}
		}
		Expect(variants).To(HaveKey("7.2"))
	})

	It("refuses an unknown device type or support status", func() {
		Expect(smetsim("srv", "list", "--kind", "IHD").code).To(Equal(exitBadInput))
		r := smetsim("srv", "list", "--status", "maybe")
		Expect(r.code).To(Equal(exitBadInput))
		Expect(r.errOut).To(ContainSubstring(`--status "maybe"`))
	})
})
