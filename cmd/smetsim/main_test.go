package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// defaultFleet is the built-in fleet file as a user passes it, from this package's directory.
const defaultFleet = "../../fixtures/fleets/default.yaml"

// run is one command line run on buffers: its exit code and what it printed.
type run struct {
	code        int
	out, errOut string
}

func smetsim(args ...string) run {
	var out, errOut bytes.Buffer
	code := execute(&IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, args)
	return run{code, out.String(), errOut.String()}
}

// decodeJSON parses a command's JSON output strictly: one value and nothing after it.
func decodeJSON(s string, v any) {
	GinkgoHelper()
	dec := json.NewDecoder(strings.NewReader(s))
	Expect(dec.Decode(v)).To(Succeed(), "output: %s", s)
	Expect(dec.More()).To(BeFalse())
}

var kinds = []string{"ESME", "GSME", "CHF", "GPF", "PPMID"}

var _ = Describe("smetsim", func() {
	It("version prints the version and the Go toolchain", func() {
		r := smetsim("version")
		Expect(r.code).To(Equal(exitOK))
		Expect(r.out).To(MatchRegexp(`^smetsim \S+ \(go[0-9.]+\S* \S+/\S+\)\n$`))
		Expect(r.errOut).To(BeEmpty())
	})

	Describe("devices kinds", func() {
		It("prints the five kinds, one a line, in order", func() {
			r := smetsim("devices", "kinds")
			Expect(r.code).To(Equal(exitOK))
			lines := strings.Split(strings.TrimSuffix(r.out, "\n"), "\n")
			Expect(lines).To(HaveLen(5))
			for i, k := range kinds {
				Expect(strings.Fields(lines[i])[0]).To(Equal(k))
			}
			Expect(lines[0]).To(ContainSubstring("Electricity Smart Metering Equipment"))
		})

		It("prints JSON with --json", func() {
			r := smetsim("devices", "kinds", "--json")
			Expect(r.code).To(Equal(exitOK))
			var got []struct{ Kind, Name, Description string }
			decodeJSON(r.out, &got)
			Expect(got).To(HaveLen(5))
			for i, k := range kinds {
				Expect(got[i].Kind).To(Equal(k))
				Expect(got[i].Name).NotTo(BeEmpty())
				Expect(got[i].Description).NotTo(BeEmpty())
			}
		})

		It("refuses arguments", func() {
			r := smetsim("devices", "kinds", "ESME")
			Expect(r.code).To(Equal(exitBadInput))
			Expect(r.errOut).To(ContainSubstring("smetsim: unknown command"))
		})
	})

	Describe("devices models", func() {
		It("prints a table with a header", func() {
			r := smetsim("devices", "models")
			Expect(r.code).To(Equal(exitOK))
			lines := strings.Split(strings.TrimSuffix(r.out, "\n"), "\n")
			Expect(strings.Fields(lines[0])).To(Equal([]string{"ID", "KIND", "MANUFACTURER", "MODEL", "HW", "FIRMWARE", "CPL", "FAULTS"}))
			Expect(len(lines)).To(BeNumerically(">", 15))
			Expect(r.out).To(MatchRegexp(`britannia-bm200@3\.2\.0-rc1 +ESME .* no +wrong_divisor\(divisor 100\)`))
			Expect(r.out).To(MatchRegexp(`acme-g4@1\.1\.0 +GSME .* yes +miss_wakeups\(every 4\)`))
		})

		It("prints JSON with --json, every kind present", func() {
			r := smetsim("devices", "models", "--json")
			Expect(r.code).To(Equal(exitOK))
			var got []ModelJSON
			decodeJSON(r.out, &got)
			seen := map[string]int{}
			for _, m := range got {
				seen[m.Kind]++
				Expect(m.ID).To(Equal(strings.SplitN(m.ID, "@", 2)[0] + "@" + m.FirmwareVersion))
			}
			for _, k := range kinds {
				Expect(seen[k]).To(BeNumerically(">=", 3), k)
			}
			onCPL := 0
			for _, m := range got {
				if m.OnCPL {
					onCPL++
				}
			}
			Expect(onCPL).To(Equal(len(got) - 1))
		})

		It("filters by --kind, in any letter case", func() {
			for _, k := range []string{"GSME", "gsme"} {
				r := smetsim("devices", "models", "--kind", k, "--json")
				Expect(r.code).To(Equal(exitOK))
				var got []ModelJSON
				decodeJSON(r.out, &got)
				Expect(got).NotTo(BeEmpty())
				for _, m := range got {
					Expect(m.Kind).To(Equal("GSME"))
					Expect(m.WakeInterval).NotTo(BeEmpty())
				}
			}
		})

		It("exits 2 on an unknown --kind, saying what is known", func() {
			r := smetsim("devices", "models", "--kind", "XYZ")
			Expect(r.code).To(Equal(exitBadInput))
			Expect(r.out).To(BeEmpty())
			Expect(r.errOut).To(ContainSubstring(`--kind: unknown device kind "XYZ" (want one of ESME, GSME, CHF, GPF, PPMID)`))
		})
	})

	Describe("devices alerts", func() {
		It("prints the alert codes with who raises them and the source", func() {
			r := smetsim("devices", "alerts")
			Expect(r.code).To(Equal(exitOK))
			Expect(strings.Fields(strings.SplitN(r.out, "\n", 2)[0])).To(Equal([]string{"CODE", "RAISED", "BY", "DESCRIPTION"}))
			Expect(r.out).To(MatchRegexp(`(?m)^[0-9A-F]{4} +[A-Z,]+ +\S`))
			Expect(r.out).To(ContainSubstring("\nSource: "))
		})

		It("prints JSON with --json", func() {
			r := smetsim("devices", "alerts", "--json")
			Expect(r.code).To(Equal(exitOK))
			var got []struct {
				Code        string   `json:"code"`
				Description string   `json:"description"`
				RaisedBy    []string `json:"raised_by"`
			}
			decodeJSON(r.out, &got)
			Expect(got).NotTo(BeEmpty())
			for _, a := range got {
				Expect(a.Code).To(MatchRegexp(`^[0-9A-F]{4}$`))
				Expect(a.RaisedBy).NotTo(BeEmpty())
				for _, k := range a.RaisedBy {
					Expect(kinds).To(ContainElement(k))
				}
			}
		})
	})

	Describe("fleet validate", func() {
		It("accepts the built-in fleet", func() {
			r := smetsim("fleet", "validate", defaultFleet)
			Expect(r.code).To(Equal(exitOK))
			Expect(r.out).To(Equal(defaultFleet + `: fleet "default" is valid: 100 premises` + "\n"))
		})

		It("exits 2 on a broken file, naming file, line and field", func() {
			path := filepath.Join(GinkgoT().TempDir(), "broken.yaml")
			data, err := os.ReadFile(defaultFleet)
			Expect(err).NotTo(HaveOccurred())
			broken := strings.Replace(string(data), "model: acme-e470@1.4.2", "model: acme-e470@7.7", 1)
			Expect(broken).NotTo(Equal(string(data)))
			Expect(os.WriteFile(path, []byte(broken), 0o644)).To(Succeed())

			r := smetsim("fleet", "validate", defaultFleet, path)
			Expect(r.code).To(Equal(exitBadInput))
			Expect(r.out).To(ContainSubstring(defaultFleet + `: fleet "default" is valid`))
			Expect(r.errOut).To(MatchRegexp(regexp.QuoteMeta(path) + `:[0-9]+:[0-9]+: premises\[0\]\.devices\.ESME\.model: unknown Device Model "acme-e470@7.7"`))
			Expect(r.errOut).To(ContainSubstring("smetsim: 1 of 2 fleet files are invalid"))
		})

		It("exits 2 on a file that is not there", func() {
			r := smetsim("fleet", "validate", filepath.Join(GinkgoT().TempDir(), "none.yaml"))
			Expect(r.code).To(Equal(exitBadInput))
			Expect(r.errOut).To(ContainSubstring("none.yaml"))
		})

		It("exits 2 without a file", func() {
			r := smetsim("fleet", "validate")
			Expect(r.code).To(Equal(exitBadInput))
			Expect(r.errOut).To(ContainSubstring("requires at least 1 arg"))
		})
	})

	Describe("fleet simulate", func() {
		It("runs the built-in fleet and reports JSON", func() {
			r := smetsim("fleet", "simulate", "--hours", "2", "--json")
			Expect(r.code).To(Equal(exitOK), r.errOut)
			var rep struct {
				Fleet    string         `json:"fleet"`
				Seed     uint64         `json:"seed"`
				Premises int            `json:"premises"`
				ImportWh uint64         `json:"electricity_import_wh"`
				Devices  map[string]int `json:"devices"`
				BuildNS  int64          `json:"build_ns"`
			}
			decodeJSON(r.out, &rep)
			Expect(rep.Fleet).To(Equal("default"))
			Expect(rep.Seed).To(BeEquivalentTo(1))
			Expect(rep.Premises).To(Equal(100))
			Expect(rep.ImportWh).To(BeNumerically(">", 0))
			Expect(rep.Devices["ESME"]).To(Equal(100))
			Expect(rep.BuildNS).To(BeNumerically(">", 0))
		})

		It("prints a readable report without --json", func() {
			r := smetsim("fleet", "simulate", "--hours", "1", "--fleet", defaultFleet)
			Expect(r.code).To(Equal(exitOK), r.errOut)
			Expect(r.out).To(HavePrefix(`fleet         "default" (seed 1): 100 premises`))
			Expect(r.out).To(ContainSubstring("\nelectricity   "))
		})

		It("gives the same report for the same seed, apart from timings", func() {
			a := report(smetsim("fleet", "simulate", "--hours", "2", "--json", "--seed", "9"))
			b := report(smetsim("fleet", "simulate", "--hours", "2", "--json", "--seed", "9"))
			Expect(a["seed"]).To(BeEquivalentTo(9))
			Expect(b).To(Equal(a))
			c := report(smetsim("fleet", "simulate", "--hours", "2", "--json", "--seed", "10"))
			Expect(c).NotTo(Equal(a))
		})

		DescribeTable("exits 2 on bad input, saying what is wrong",
			func(msg string, args ...string) {
				r := smetsim(append([]string{"fleet", "simulate"}, args...)...)
				Expect(r.code).To(Equal(exitBadInput))
				Expect(r.out).To(BeEmpty())
				Expect(r.errOut).To(HavePrefix("smetsim: "))
				Expect(r.errOut).To(ContainSubstring(msg))
			},
			Entry("negative hours", "--hours -1: want a positive number of hours", "--hours", "-1"),
			Entry("zero hours", "--hours 0: want a positive number", "--hours", "0"),
			Entry("hours that are not a number", `invalid argument "two"`, "--hours", "two"),
			Entry("an unknown flag", "unknown flag: --days", "--days", "2"),
			Entry("an argument", "unknown command", "extra"),
			Entry("a bad start", `--start "soon": want an RFC 3339 time`, "--hours", "1", "--start", "soon"),
			Entry("a missing fleet file", "fleet: open", "--fleet", "no-such-fleet.yaml"),
			Entry("fixtures that are a file, not a directory", "not a directory", "--fixtures", defaultFleet),
			Entry("fixtures that do not exist", "--fixtures: stat", "--fixtures", "no-such-dir"),
		)

		It("exits 2 on fixtures without models", func() {
			r := smetsim("fleet", "simulate", "--fixtures", GinkgoT().TempDir())
			Expect(r.code).To(Equal(exitBadInput))
			Expect(r.errOut).To(ContainSubstring("read models"))
		})
	})

	It("exits 2 on an unknown command", func() {
		r := smetsim("frobnicate")
		Expect(r.code).To(Equal(exitBadInput))
		Expect(r.errOut).To(ContainSubstring(`unknown command "frobnicate"`))
	})

	It("exits 2 on an unknown flag of the root command", func() {
		r := smetsim("--verbose", "version")
		Expect(r.code).To(Equal(exitBadInput))
		Expect(r.errOut).To(ContainSubstring("unknown flag: --verbose"))
	})
})

// report is a fleet simulate --json report without the wall-clock timings, which differ run to run.
func report(r run) map[string]any {
	GinkgoHelper()
	Expect(r.code).To(Equal(exitOK), r.errOut)
	var m map[string]any
	decodeJSON(r.out, &m)
	Expect(m).To(HaveKey("wall_ns"))
	Expect(m).To(HaveKey("build_ns"))
	delete(m, "wall_ns")
	delete(m, "build_ns")
	return m
}
