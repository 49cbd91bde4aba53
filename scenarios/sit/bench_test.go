package sit_test

import (
	"context"
	"testing"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios/sit"
	"github.com/smetsim/smetsim/simulator/catalogue"
)

// BenchmarkSITMatrix is the wall time of a SIT run over the fixture matrix (every combination
// proved with the whole SIT pack, cases in parallel on every core), with the cases run a second.
func BenchmarkSITMatrix(b *testing.B) {
	b.ReportAllocs()
	cat, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
	if err != nil {
		b.Fatal(err)
	}
	m, err := sit.LoadMatrix(fixtures.SITPack, fixtures.SITMatrix, cat)
	if err != nil {
		b.Fatal(err)
	}
	p, err := sit.LoadPack(nil, fixtures.SITPack, fixtures.SITPackDir)
	if err != nil {
		b.Fatal(err)
	}
	cases := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := sit.Run(context.Background(), m, p, sit.Options{Seed: uint64(i) + 1})
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Failed()) != 2 {
			b.Fatalf("%d combinations failed, want the 2 with the E470 1.5.0", len(r.Failed()))
		}
		cases += len(r.Result.Cases)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/matrix")
	b.ReportMetric(float64(cases)/b.Elapsed().Seconds(), "cases/s")
}
