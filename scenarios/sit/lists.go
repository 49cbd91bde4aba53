package sit

import (
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/inventory"
	"github.com/smetsim/smetsim/simulator/registry"
)

// StateLists returns a maker of the EPC and PPC lists a run admits combinations by: the
// registry of the state directory (simulator/registry: its current generation, as `ppc test`
// committed it), each list otherwise the built-in fixture list. The registry is read now, so a
// mistake in it is reported before anything runs, and each world gets its own copy of the lists,
// on which it opens PPC tests.
func StateLists(stateDir string, cat *catalogue.Catalogue) (func() (*inventory.Lists, error), error) {
	reg, err := registry.Open(stateDir, fixtures.FS, cat)
	if err != nil {
		return nil, err
	}
	return func() (*inventory.Lists, error) { return reg.Lists.Clone(), nil }, nil
}
