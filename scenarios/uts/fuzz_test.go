package uts_test

import (
	"testing"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios/uts"
)

// FuzzParsePack: no pack file, however broken, crashes the parser; what it accepts is a pack
// whose every case is complete.
func FuzzParsePack(f *testing.F) {
	seed, err := fixtures.FS.ReadFile("packs/uts/pack.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("name: p\ncases:\n  - {name: a, srv: \"7.4\", stimulus: late, delay: 3s}\n"))
	f.Add([]byte("name: p\ncases:\n  - {name: a, srv: \"4.1.1\", stimulus: error, code: e21}\n"))
	f.Add([]byte("name: &a p\ncases: [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := uts.ParsePack("fuzz.yaml", data)
		if err != nil {
			return
		}
		if p.Name == "" || len(p.Cases) == 0 {
			t.Fatalf("accepted a pack without name or cases: %+v", p)
		}
		for _, c := range p.Cases {
			if c.Name == "" || c.SRV == "" || c.Stimulus == "" {
				t.Fatalf("accepted an incomplete case: %+v", c)
			}
			if (c.Stimulus == uts.Late) != (c.Delay > 0) {
				t.Fatalf("a delay goes with late and only late: %+v", c)
			}
		}
	})
}
