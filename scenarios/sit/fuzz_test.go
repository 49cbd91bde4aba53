package sit_test

import (
	"testing"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios/sit"
	"github.com/smetsim/smetsim/simulator/catalogue"
)

// FuzzParseMatrix feeds the matrix parser arbitrary files: it never panics, and whatever it accepts
// keeps the rules (a CHF and an ESME in each combination, a GSME only with a GPF, populations in
// range, no combination twice).
func FuzzParseMatrix(f *testing.F) {
	cat, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
	if err != nil {
		f.Fatal(err)
	}
	seed, err := fixtures.SITPack.ReadFile(fixtures.SITMatrix)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(oneCombination))
	f.Add([]byte("name: x\ncombinations:\n  - {id: e, CHF: acme-ch1@4.1.0, ESME: acme-e470@1.4.2, population: -1}\n"))
	f.Add([]byte("name: x\ncombinations: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := sit.ParseMatrix("fuzz.yaml", data, cat)
		if err != nil {
			return
		}
		keys := map[string]bool{}
		for _, c := range m.Combinations {
			if !c.Has(devices.KindCHF) || !c.Has(devices.KindESME) || c.Has(devices.KindGSME) != c.Has(devices.KindGPF) {
				t.Fatalf("accepted %s", c)
			}
			if c.Population < 0 || c.Population > sit.MaxPopulation {
				t.Fatalf("accepted population %d", c.Population)
			}
			if keys[c.Inventory().Key()] {
				t.Fatalf("accepted %s twice", c)
			}
			keys[c.Inventory().Key()] = true
		}
	})
}
