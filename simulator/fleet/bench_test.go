package fleet_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/fleet"
)

// fataler is what sizedSpec needs of a testing.TB or GinkgoT().
type fataler interface {
	Helper()
	Fatal(args ...any)
}

// sizedSpec is the default fleet with its generator resized so the fleet has n premises.
func sizedSpec(tb fataler, n int) *fleet.Spec {
	tb.Helper()
	cat, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
	if err != nil {
		tb.Fatal(err)
	}
	spec, err := fleet.LoadSpec(fixtures.FS, fixtures.DefaultFleet, cat)
	if err != nil {
		tb.Fatal(err)
	}
	spec.Generators[0].Count = n - len(spec.Premises)
	return spec
}

// BenchmarkFleetMemory100k measures the heap a fleet of 100,000 premises holds once built (target
// ≤ 4 KiB a premises) and the time to build it.
func BenchmarkFleetMemory100k(b *testing.B) {
	const n = 100_000
	spec := sizedSpec(b, n)
	var perPremises, build float64
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		t0 := time.Now()
		f, err := fleet.Build(spec, fleet.Options{})
		if err != nil {
			b.Fatal(err)
		}
		build = time.Since(t0).Seconds()
		runtime.GC()
		runtime.ReadMemStats(&after)
		perPremises = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(f)
	}
	b.ReportMetric(perPremises, "bytes/premises")
	b.ReportMetric(build, "s/build")
}

// BenchmarkFleetDay10k measures the wall time of 24 virtual hours of 10,000 premises with GSME
// wake cycles, PPMID polling, consumers topping up and all their HAN traffic (target ≤ 5 s).
func BenchmarkFleetDay10k(b *testing.B) {
	spec := sizedSpec(b, 10_000)
	var wall, frames, events float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f, err := fleet.Build(spec, fleet.Options{Consumers: true})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		r, err := f.Simulate(context.Background(), 24*time.Hour, nil)
		if err != nil {
			b.Fatal(err)
		}
		wall, frames, events = r.Wall.Seconds(), float64(r.HAN.Frames), float64(r.Events)
	}
	b.ReportMetric(wall, "s/virtual-day")
	b.ReportMetric(frames, "frames/virtual-day")
	b.ReportMetric(events, "events/virtual-day")
}
