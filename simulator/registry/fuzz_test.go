package registry_test

import (
	"errors"
	"os"
	"testing"

	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/simulator/registry"
)

// FuzzParseResults: any bytes give results or a located error, never a panic, and what parses
// writes back to the same results.
func FuzzParseResults(f *testing.F) {
	seed, err := os.ReadFile("testdata/ppc-results.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("ppc,tested,outcome,policy,failed_srvs,epc\n\"PPC-1\",2026-01-01T00:00:00Z,failed,notice,\"1.1 \n2.2\",\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := registry.ParseResults("fuzz.csv", data)
		if err != nil {
			var ye *yamldoc.Error
			if !errors.As(err, &ye) {
				t.Fatalf("error %v is not a located error", err)
			}
			return
		}
		back, err := registry.ParseResults("back.csv", registry.WriteResults(rs))
		if err != nil {
			t.Fatalf("written results do not parse: %v", err)
		}
		if len(back) != len(rs) {
			t.Fatalf("%d results written, %d read back", len(rs), len(back))
		}
	})
}
