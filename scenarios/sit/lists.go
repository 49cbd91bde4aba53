package sit

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/inventory"
)

// StateLists returns a maker of the EPC and PPC lists a run admits combinations by: epc.csv and
// ppc.csv in the state directory (where the workflows that change the lists write them) when
// there, each otherwise the built-in fixture list. The files are read now, so a mistake in them is
// reported before anything runs, and parsed again for each world, which opens PPC tests on its
// own copy.
func StateLists(stateDir string, cat *catalogue.Catalogue) (func() (*inventory.Lists, error), error) {
	read := func(name string) (string, []byte, error) {
		if stateDir != "" {
			p := filepath.Join(stateDir, name)
			data, err := os.ReadFile(p)
			if err == nil {
				return p, data, nil
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return "", nil, fmt.Errorf("read the state: %w", err)
			}
		}
		data, err := fixtures.FS.ReadFile(name)
		return name, data, err
	}
	epcName, epc, err := read(fixtures.EPCFile)
	if err != nil {
		return nil, err
	}
	ppcName, ppc, err := read(fixtures.PPCFile)
	if err != nil {
		return nil, err
	}
	newLists := func() (*inventory.Lists, error) {
		return inventory.ParseLists(epcName, epc, ppcName, ppc, cat.Lookup)
	}
	if _, err := newLists(); err != nil {
		return nil, err
	}
	return newLists, nil
}
