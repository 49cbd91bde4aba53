package sit

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/inventory"
)

// Matrix is a SIT matrix file: the product combinations a SIT run proves, each with the number of
// installations of it in service (its installed population).
type Matrix struct {
	File         string
	Name         string
	Description  string
	Combinations []Combination
}

// Combination is one row of a matrix: a product combination (a Device Model per device kind
// present, and the communications service provider) and its installed population.
type Combination struct {
	ID         string
	CSP        string
	Models     map[devices.Kind]*devices.Model
	Population int64
	// Line and Column locate the combination in the matrix file, for messages.
	Line, Column int
}

// Fleet is the combination as fleet.Spec.Fit takes it.
func (c Combination) Fleet() fleet.Combination {
	return fleet.Combination{CSP: c.CSP, Models: c.Models}
}

// Inventory is the combination as the EPC and PPC lists name it.
func (c Combination) Inventory() inventory.Combination {
	ic := inventory.Combination{CSP: c.CSP, Models: map[devices.Kind]string{}}
	for k, m := range c.Models {
		ic.Models[k] = m.ID
	}
	return ic
}

// Has reports whether the combination has a device of kind k.
func (c Combination) Has(k devices.Kind) bool { return c.Models[k] != nil }

// String is the combination's models, for people.
func (c Combination) String() string { return c.Inventory().String() }

type rawCombination struct {
	ID         string `yaml:"id"`
	CSP        string `yaml:"csp"`
	CHF        string `yaml:"CHF"`
	ESME       string `yaml:"ESME"`
	GPF        string `yaml:"GPF"`
	GSME       string `yaml:"GSME"`
	PPMID      string `yaml:"PPMID"`
	Population *int64 `yaml:"population"`
}

type rawMatrix struct {
	Name         string           `yaml:"name"`
	Description  string           `yaml:"description"`
	Combinations []rawCombination `yaml:"combinations"`
}

// MaxPopulation bounds one combination's installed population (GB has about 30 million meters),
// so that a matrix's total cannot overflow.
const MaxPopulation = 1_000_000_000

// MaxCombinations bounds a matrix: each combination is a full pack run.
const MaxCombinations = 1000

var combinationID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ParseMatrix reads and validates a matrix file, resolving its Device Models in the catalogue:
// every model known, on the CPL and of its column's kind; a CHF and an ESME in every
// combination, a GPF and a GSME together or neither; populations not negative; no combination
// (nor id) twice. Each mistake names the file, line, column and field.
func ParseMatrix(name string, data []byte, cat *catalogue.Catalogue) (*Matrix, error) {
	var raw rawMatrix
	doc, err := yamldoc.Decode(name, data, &raw)
	if err != nil {
		return nil, err
	}
	m := &Matrix{File: name, Name: raw.Name, Description: raw.Description}
	if m.Name == "" {
		return nil, doc.Errorf("name", "missing: give the matrix a name")
	}
	if len(raw.Combinations) == 0 {
		return nil, doc.Errorf("combinations", "missing: list at least one combination")
	}
	if len(raw.Combinations) > MaxCombinations {
		return nil, doc.Errorf("combinations", "%d combinations; a matrix holds at most %d", len(raw.Combinations), MaxCombinations)
	}
	ids := map[string]string{}
	keys := map[string]string{}
	for i, rc := range raw.Combinations {
		p := fmt.Sprintf("combinations[%d]", i)
		c := Combination{ID: rc.ID, CSP: strings.TrimSpace(rc.CSP), Models: map[devices.Kind]*devices.Model{}}
		c.Line, c.Column = doc.Position(p)
		if !combinationID.MatchString(c.ID) {
			return nil, doc.Errorf(p+".id", "%q: a combination id is 1 to 64 letters, digits, dots, hyphens and underscores", c.ID)
		}
		if prev, dup := ids[c.ID]; dup {
			return nil, doc.Errorf(p+".id", "id %s is already used by %s", c.ID, prev)
		}
		ids[c.ID] = p
		if c.CSP == "" {
			c.CSP = fleet.DefaultCSP
		}
		for _, f := range []struct {
			kind devices.Kind
			id   string
		}{{devices.KindCHF, rc.CHF}, {devices.KindESME, rc.ESME}, {devices.KindGPF, rc.GPF}, {devices.KindGSME, rc.GSME}, {devices.KindPPMID, rc.PPMID}} {
			field := p + "." + f.kind.String()
			if f.id == "" {
				continue
			}
			model, err := cat.Lookup(f.id)
			if err != nil {
				return nil, doc.Errorf(field, "unknown model: %v", err)
			}
			if model.Kind != f.kind {
				return nil, doc.Errorf(field, "%s is a %s model, not a %s", model.ID, model.Kind, f.kind)
			}
			if !cat.OnCPL(model) {
				return nil, doc.Errorf(field, "%s is not on the CPL: the DCC serves only listed Device Models", model.ID)
			}
			c.Models[f.kind] = model
		}
		for _, need := range []devices.Kind{devices.KindCHF, devices.KindESME} {
			if c.Models[need] == nil {
				return nil, doc.Errorf(p+"."+need.String(), "missing: a SMETS1 combination always has a %s", need)
			}
		}
		if c.Has(devices.KindGPF) != c.Has(devices.KindGSME) {
			return nil, doc.Errorf(p, "a GSME and its GPF come together: give both or neither")
		}
		if rc.Population == nil {
			return nil, doc.Errorf(p+".population", "missing: give the number of installations of this combination in service")
		}
		if *rc.Population < 0 || *rc.Population > MaxPopulation {
			return nil, doc.Errorf(p+".population", "%d: a population is a number of installations, 0 to %d", *rc.Population, int64(MaxPopulation))
		}
		c.Population = *rc.Population
		key := c.Inventory().Key()
		if prev, dup := keys[key]; dup {
			return nil, doc.Errorf(p, "duplicate combination: the same models and CSP as %s", prev)
		}
		keys[key] = fmt.Sprintf("%s (%s)", p, c.ID)
		m.Combinations = append(m.Combinations, c)
	}
	return m, nil
}

// LoadMatrix reads a matrix file from fsys.
func LoadMatrix(fsys fs.FS, path string, cat *catalogue.Catalogue) (*Matrix, error) {
	data, err := fs.ReadFile(fsys, path)
	if err != nil {
		return nil, fmt.Errorf("read the SIT matrix: %w", err)
	}
	return ParseMatrix(path, data, cat)
}

// Population is the matrix's whole installed population.
func (m *Matrix) Population() int64 {
	var n int64
	for _, c := range m.Combinations {
		n += c.Population
	}
	return n
}
