package inventory_test

import (
	"errors"
	"testing"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/inventory"
)

// FuzzParseLists feeds arbitrary EPC and PPC files to ParseLists, seeded with the built-in lists:
// the answer is the lists or an error located in one of the two files, never a crash; lists that
// load admit or refuse any combination they are asked about.
func FuzzParseLists(f *testing.F) {
	c, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
	if err != nil {
		f.Fatal(err)
	}
	epc, err := fixtures.FS.ReadFile(fixtures.EPCFile)
	if err != nil {
		f.Fatal(err)
	}
	ppc, err := fixtures.FS.ReadFile(fixtures.PPCFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(epc, ppc)
	f.Add([]byte("id,csp,chf,esme,gpf,gsme,ppmid,date_added\n"), []byte("id,csp,chf,esme,gpf,gsme,ppmid,requested,requested_by,test\n"))
	f.Add([]byte("id,csp\nEPC-1,Central\n"), ppc)
	f.Fuzz(func(t *testing.T, epc, ppc []byte) {
		l, err := inventory.ParseLists("epc.csv", epc, "ppc.csv", ppc, c.Lookup)
		if err != nil {
			var ye *yamldoc.Error
			if !errors.As(err, &ye) || (ye.File != "epc.csv" && ye.File != "ppc.csv") {
				t.Fatalf("error is not located in a list file: %T %v", err, err)
			}
			return
		}
		for _, e := range l.EPC() {
			if adm, _ := l.Admit(e.Combination); adm != inventory.Eligible {
				t.Fatalf("EPC entry %s does not admit its own combination", e.ID)
			}
		}
		for _, e := range l.PPC() {
			l.Admit(e.Combination)
		}
	})
}
