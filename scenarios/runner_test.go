package scenarios_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/simulator/inventory"
)

// suiteCases is a small suite: cases that pass and cases that fail, with device latency in play.
func suiteCases() []scenarios.Case {
	read := func(line int) scenarios.Step {
		return send(line, "4.1.1", "supplier", esme, "<ReadInstantaneousImportRegisters/>", nil)
	}
	var cs []scenarios.Case
	for i := range 3 {
		cs = append(cs, caseOf(scenario(fmt.Sprintf("read %d", i), read(3), advance(4, time.Duration(i+1)*time.Hour), read(5))))
	}
	cs = append(cs,
		caseOf(scenario("disable then check", send(3, "7.2", "supplier", esme, "<DisableSupply/>", nil),
			device(4, esme, "supply", scenarios.OpEq, "disabled"))),
		caseOf(scenario("wrong expectation", read(3), device(4, esme, "supply", scenarios.OpEq, "armed"))),
		caseOf(scenario("slow meter", func() scenarios.Step {
			s := fault(3, esme, "slow", 0)
			s.Fault.Latency = 40 * time.Second
			return s
		}(), read(4))),
	)
	return cs
}

// outcome is what a case result says, without wall times and signatures (ECDSA signatures differ
// every time).
func outcome(cr scenarios.CaseResult) string {
	s := fmt.Sprintf("%s %s seed=%d virtual=%s breaches=%d failure=%q\n", cr.ID, cr.Status, cr.Seed, cr.Virtual, cr.Breaches, cr.Failure)
	for _, st := range cr.Steps {
		s += fmt.Sprintf("  %s %s %s at=%s %q\n", st.Name, st.Status, st.Failure, st.At.Format(time.RFC3339Nano), st.Skip)
		for _, m := range st.Messages {
			s += fmt.Sprintf("    %s %s %s at=%s elapsed=%s trt=%s breached=%t\n", m.Kind, m.RequestID, m.Code,
				m.At.Format(time.RFC3339Nano), m.Elapsed, m.TRT, m.TRTBreached)
		}
		s += fmt.Sprintf("    before=%v after=%v\n", st.Before, st.After)
	}
	return s
}

var _ = Describe("Run", func() {
	It("admits installations by the lists Options.Lists makes, one copy per world", func() {
		sc := scenario("lists", send(3, "11.2", "supplier", "rtds-reference.ESME", "<ReadFirmwareVersion/>", nil))
		empty := 0
		res := scenarios.Run(context.Background(), []scenarios.Case{caseOf(sc)}, scenarios.Options{Seed: 1,
			Lists: func() (*inventory.Lists, error) { empty++; return &inventory.Lists{}, nil }})
		Expect(empty).To(Equal(1))
		Expect(res.Cases[0].Status).To(Equal(scenarios.Failed))
		Expect(res.Cases[0].Failure).To(ContainSubstring("expected I99, got E5"))
		Expect(res.Cases[0].Failure).To(ContainSubstring("on neither the EPC nor the PPC list"))

		res = scenarios.Run(context.Background(), []scenarios.Case{caseOf(sc)}, scenarios.Options{Seed: 1, Lists: scenarios.FixtureLists})
		Expect(res.Cases[0].Status).To(Equal(scenarios.Passed), res.Cases[0].Failure)
	})

	It("runs passing and failing cases and counts them, the failure ending with the run's seed", func() {
		res := scenarios.Run(context.Background(), suiteCases(), scenarios.Options{Seed: 42, Parallel: 2})
		Expect(res.Seed).To(Equal(uint64(42)))
		Expect(res.DCC).To(Equal("in-process"))
		Expect(res.Cases).To(HaveLen(6))
		Expect([]int{res.Passed, res.Failed, res.Skipped}).To(Equal([]int{4, 2, 0}), func() string {
			out := ""
			for _, c := range res.Cases {
				out += outcome(c)
			}
			return out
		})
		wrong := res.Cases[4]
		Expect(wrong.Status).To(Equal(scenarios.Failed))
		Expect(wrong.Failure).To(Equal(`specs/runner.yaml:4: rtds-reference.ESME supply: expected "armed", got "enabled" (seed 42: rerun with --seed 42)`))
		slow := res.Cases[5]
		Expect(slow.Failure).To(HavePrefix("specs/runner.yaml:4: response to 4.1.1 "))
		Expect(slow.Failure).To(ContainSubstring("expected I0, got E21 (the device did not answer within the target response time (30s))"))
		Expect(slow.Breaches).To(Equal(1))
		for _, c := range res.Cases {
			Expect(c.Wall).To(BeNumerically(">", 0), "%s: each case reports the wall time it took", c.ID)
			Expect(c.Virtual).To(BeNumerically(">", 0), "%s: and the virtual time it covered", c.ID)
		}
	})

	It("reproduces a failing case from the run's seed, alone or among others", func() {
		all := scenarios.Run(context.Background(), suiteCases(), scenarios.Options{Seed: 99})
		alone := scenarios.Run(context.Background(), suiteCases()[5:], scenarios.Options{Seed: 99})
		again := scenarios.Run(context.Background(), suiteCases()[5:], scenarios.Options{Seed: 99})
		Expect(outcome(alone.Cases[0])).To(Equal(outcome(all.Cases[5])))
		Expect(outcome(again.Cases[0])).To(Equal(outcome(alone.Cases[0])))
		Expect(alone.Cases[0].Failure).To(HaveSuffix("(seed 99: rerun with --seed 99)"))
		other := scenarios.Run(context.Background(), suiteCases()[:1], scenarios.Options{Seed: 100})
		Expect(other.Cases[0].Seed).NotTo(Equal(all.Cases[0].Seed))
	})

	It("seeds a case the same whichever path reached its file", func() {
		Expect(scenarios.CaseSeed(7, "fixtures/scenarios/smoke/supply.yaml::Disable")).
			To(Equal(scenarios.CaseSeed(7, "scenarios/smoke/supply.yaml::Disable")))
		Expect(scenarios.CaseSeed(7, "supply.yaml::Disable[1]")).To(Equal(scenarios.CaseSeed(7, "/tmp/x/supply.yaml::Disable[1]")))
		Expect(scenarios.CaseSeed(7, "supply.yaml::Disable[1]")).NotTo(Equal(scenarios.CaseSeed(7, "supply.yaml::Disable[0]")))
		Expect(scenarios.CaseSeed(7, "supply.yaml::Disable")).NotTo(Equal(scenarios.CaseSeed(8, "supply.yaml::Disable")))
	})

	It("gives the same results in parallel as serially", func() {
		serial := scenarios.Run(context.Background(), suiteCases(), scenarios.Options{Seed: 7, Parallel: 1})
		parallel := scenarios.Run(context.Background(), suiteCases(), scenarios.Options{Seed: 7, Parallel: 6})
		Expect(parallel.Cases).To(HaveLen(len(serial.Cases)))
		for i := range serial.Cases {
			Expect(outcome(parallel.Cases[i])).To(Equal(outcome(serial.Cases[i])))
		}
	})

	It("stops starting cases after the first failure with --fail-fast", func() {
		cs := suiteCases()
		cs = append(cs[4:5], cs[:4]...) // the failing case first
		var seen []string
		res := scenarios.Run(context.Background(), cs, scenarios.Options{Seed: 1, Parallel: 1, FailFast: true,
			Progress: func(cr scenarios.CaseResult) { seen = append(seen, string(cr.Status)) }})
		Expect([]int{res.Passed, res.Failed, res.Skipped}).To(Equal([]int{0, 1, 4}))
		Expect(res.Cases[1].Failure).To(Equal("--fail-fast: an earlier case failed"))
		Expect(seen).To(Equal([]string{"failed", "skipped", "skipped", "skipped", "skipped"}))
	})

	It("skips the cases not started when the run is cancelled", func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		res := scenarios.Run(ctx, suiteCases(), scenarios.Options{Parallel: 1})
		Expect(res.Skipped).To(Equal(6))
	})
})

func BenchmarkRun(b *testing.B) {
	cs := suiteCases()
	b.ReportAllocs()
	for b.Loop() {
		res := scenarios.Run(context.Background(), cs, scenarios.Options{Seed: 1})
		if res.Passed != 4 {
			b.Fatalf("%d passed, want 4", res.Passed)
		}
	}
	b.ReportMetric(float64(len(cs)), "cases/op")
}
