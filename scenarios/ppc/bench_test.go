package ppc_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/smetsim/smetsim/scenarios/ppc"
	"github.com/smetsim/smetsim/simulator/registry"
)

// BenchmarkPPCPack is the wall time of one PPC test of the clean combination (PPC-0003): the
// whole PPC pack on the combination fitted to the reference premises, with the registry opened
// and committed as the command does. Goal: at most 1 s.
func BenchmarkPPCPack(b *testing.B) {
	b.ReportAllocs()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		reg, err := registry.Open(filepath.Join(b.TempDir(), "state"), nil, cat)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		rep, err := ppc.Test(context.Background(), reg, "PPC-0003", ppc.Options{Seed: uint64(i)})
		total += time.Since(t0)
		if err != nil {
			b.Fatal(err)
		}
		if !rep.Passed {
			b.Fatalf("the clean combination failed: %+v", rep.Issues)
		}
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/pack")
}
