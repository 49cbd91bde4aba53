package fleet_test

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/simulator/fleet"
)

// FuzzParseSpec feeds arbitrary fleet files to ParseSpec, seeded with the built-in fleet and the
// specs' fleets: the answer is a fleet or an error naming the file, never a crash. Small fleets
// that parse are built too, since a file that validates must build or say why.
func FuzzParseSpec(f *testing.F) {
	data, err := fs.ReadFile(fixtures.FS, fixtures.DefaultFleet)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(listedFleet))
	f.Add([]byte(generatedFleet))
	f.Add([]byte(mixedFleet("gen1-000001", "00-DB-00-00-00-00-00-02")))
	f.Add([]byte(generatedFleet + generator("FF-FF-FF-FF-FF-FF-FF-E0")))
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := fleet.ParseSpec("fuzz.yaml", data, builtin)
		if err != nil {
			var ye *yamldoc.Error
			if !errors.As(err, &ye) || ye.File != "fuzz.yaml" {
				t.Fatalf("error is not located in the file: %T %v", err, err)
			}
			return
		}
		n := len(spec.Premises)
		for _, g := range spec.Generators {
			n += g.Count
		}
		if n == 0 || n > fleet.MaxPremises {
			t.Fatalf("a valid fleet of %d premises", n)
		}
		if n > 20 {
			return
		}
		if f, err := fleet.Build(spec, fleet.Options{}); err == nil && len(f.Premises) != n {
			t.Fatalf("built %d premises of %d", len(f.Premises), n)
		}
	})
}
