package scenarios_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/simulator/dcc"
)

const regressionSuite = fixtures.RegressionSuite

func loadSuite(dir string) []scenarios.Case {
	GinkgoHelper()
	scs, err := scenarios.Load(fixtures.FS, dir)
	Expect(err).NotTo(HaveOccurred())
	return scenarios.Cases(scs)
}

func failures(r *scenarios.Result) []string {
	var out []string
	for _, c := range r.Cases {
		if c.Status != scenarios.Passed {
			out = append(out, fmt.Sprintf("%s: %s %s", c.ID, c.Status, c.Failure))
		}
	}
	return out
}

var _ = Describe("The fixture suites", func() {
	It("smoke: every case passes", func() {
		cases := loadSuite(fixtures.SmokeSuite)
		Expect(len(cases)).To(BeNumerically(">=", 4))
		r := scenarios.Run(context.Background(), cases, scenarios.Options{Seed: 1})
		Expect(failures(r)).To(BeEmpty())
	})

	It("regression: every case passes", func() {
		cases := loadSuite(regressionSuite)
		r := scenarios.Run(context.Background(), cases, scenarios.Options{Seed: 1})
		Expect(failures(r)).To(BeEmpty())
	})

	It("regression: sends every SRV the mock DCC carries out to every device kind it applies to", func() {
		sent := map[string]bool{}
		for _, c := range loadSuite(regressionSuite) {
			setup, steps, teardown, err := scenarios.Expand(c)
			Expect(err).NotTo(HaveOccurred())
			for _, st := range append(append(setup, steps...), teardown...) {
				if st.Send == nil {
					continue
				}
				sent[st.Send.SRV+" "+kindOf(c.Scenario, st.Send.To)] = true
			}
		}
		var missing []string
		for _, s := range dcc.Catalogue() {
			if s.Smetsim != "executes" {
				continue
			}
			if s.NonDevice {
				if !sent[s.Variant+" DCC"] {
					missing = append(missing, s.Variant+" DCC")
				}
				continue
			}
			for _, k := range s.Kinds {
				if !sent[s.Variant+" "+k] {
					missing = append(missing, s.Variant+" "+k)
				}
			}
		}
		sort.Strings(missing)
		Expect(missing).To(BeEmpty(), "SRV and device kind pairs the regression suite never sends")
	})
})

// kindOf names the kind of device a send step's target is, or DCC.
func kindOf(sc *scenarios.Scenario, to string) string {
	if to == "" || to == "DCC" {
		return "DCC"
	}
	if i := strings.LastIndex(to, "."); i > 0 {
		if k, err := devices.ParseKind(to[i+1:]); err == nil {
			return k.String()
		}
	}
	if eui, err := devices.ParseEUI64(to); err == nil && sc.Fleet != nil {
		if _, k, ok := sc.Fleet.DeviceByEUI(eui); ok {
			return k.String()
		}
	}
	return "?" + to
}

// BenchmarkRegressionSuite runs the whole regression suite (without -race in make bench): the wall
// time a CI job spends on it, and test cases a second.
func BenchmarkRegressionSuite(b *testing.B) {
	scs, err := scenarios.Load(fixtures.FS, regressionSuite)
	if err != nil {
		b.Fatal(err)
	}
	cases := scenarios.Cases(scs)
	b.ResetTimer()
	for range b.N {
		r := scenarios.Run(context.Background(), cases, scenarios.Options{Seed: 1})
		if r.Failed > 0 {
			b.Fatalf("%d cases failed", r.Failed)
		}
	}
	s := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(s, "s/suite")
	b.ReportMetric(float64(len(cases))/s, "cases/s")
}
