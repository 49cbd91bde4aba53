package sit

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/simulator/srv"
)

// PremisesID is the premises of the default fleet every combination is fitted to, and that pack
// scenarios address (rtds-reference.ESME …): the DCC's reference test data installation.
const PremisesID = "rtds-reference"

// Column kinds: the tag prefixes that put a pack scenario's outcome in a column of the table.
const (
	ColumnSRV   = "srv"   // srv:1.1.1, a Service Reference Variant
	ColumnAlert = "alert" // alert:N1, alert:8F0F, an alert the DCC or a device raises
	ColumnHAN   = "han"   // han:gsme-gpf-sync, an interaction between HAN devices
)

// Column is one column of the SIT table: what the scenarios tagged with it prove.
type Column struct {
	ID    string `json:"id"`    // the tag, e.g. "srv:1.1.1"
	Kind  string `json:"kind"`  // srv, alert or han
	Label string `json:"label"` // "1.1.1", "N1", "gsme-gpf-sync"
	Title string `json:"title"` // the SRV's name, for an SRV
}

// Pack is a loaded SIT pack: its scenarios and the columns their tags name.
type Pack struct {
	Scenarios []*scenarios.Scenario
	Columns   []Column
	columns   map[*scenarios.Scenario][]string
}

// LoadPack loads the SIT pack's scenario files under dir in fsys (every *.yaml and *.yml but the
// matrix file, matrix.yaml), with the same checks as any scenario, and then the pack's own: every
// scenario names at least one column with a srv:, alert: or han: tag (a srv: tag names an SRV of
// DUIS, and the scenario sends it), and runs on a fleet holding the rtds-reference premises the
// combinations are fitted to.
func LoadPack(loader *scenarios.Loader, fsys fs.FS, dir string) (*Pack, error) {
	var paths []string
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		ext := path.Ext(p)
		if d.IsDir() || (ext != ".yaml" && ext != ".yml") || path.Base(p) == "matrix.yaml" {
			return nil
		}
		paths = append(paths, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the SIT pack %s: %w", dir, err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("the SIT pack %s holds no scenario files", dir)
	}
	if loader == nil {
		loader = &scenarios.Loader{}
	}
	scs, err := loader.Load(fsys, paths...)
	if err != nil {
		return nil, err
	}
	return NewPack(scs)
}

// NewPack makes a pack of loaded scenarios, checking them as LoadPack says.
func NewPack(scs []*scenarios.Scenario) (*Pack, error) {
	p := &Pack{Scenarios: scs, columns: map[*scenarios.Scenario][]string{}}
	seen := map[string]Column{}
	var errs []*yamldoc.Error
	for _, sc := range scs {
		bad := func(format string, args ...any) {
			errs = append(errs, &yamldoc.Error{File: sc.File, Line: sc.Line, Column: 1, Field: "tags", Msg: fmt.Sprintf(format, args...)})
		}
		sent := sentSRVs(sc)
		for _, tag := range sc.Tags {
			kind, label, ok := strings.Cut(tag, ":")
			if !ok {
				continue
			}
			c := Column{ID: tag, Kind: kind, Label: label}
			switch kind {
			case ColumnSRV:
				s := srv.Lookup(label)
				if s == nil {
					bad("%s: %s is not an SRV of DUIS 5.4", tag, label)
					continue
				}
				if !sent[label] {
					bad("%s: the scenario never sends %s", tag, label)
					continue
				}
				c.Title = s.Name
			case ColumnAlert, ColumnHAN:
			default:
				continue
			}
			if label == "" {
				bad("%s: the column needs a name after the colon", tag)
				continue
			}
			seen[tag] = c
			p.columns[sc] = append(p.columns[sc], tag)
		}
		if len(p.columns[sc]) == 0 {
			bad("a SIT pack scenario names the columns it proves with srv:<variant>, alert:<code> or han:<name> tags; %q has none", sc.Name)
		}
		if sc.Fleet == nil || !hasPremises(sc, PremisesID) {
			errs = append(errs, &yamldoc.Error{File: sc.File, Line: sc.Line, Column: 1, Field: "fleet",
				Msg: fmt.Sprintf("a SIT pack scenario runs on a fleet with the %s premises (fleet: default), which each combination is fitted to", PremisesID)})
		}
	}
	if len(errs) > 0 {
		return nil, &scenarios.LoadError{Errors: errs}
	}
	for _, c := range seen {
		p.Columns = append(p.Columns, c)
	}
	sort.Slice(p.Columns, func(i, j int) bool { return columnLess(p.Columns[i], p.Columns[j]) })
	return p, nil
}

// ColumnsOf returns the column IDs a pack scenario's outcome counts in.
func (p *Pack) ColumnsOf(sc *scenarios.Scenario) []string { return p.columns[sc] }

func hasPremises(sc *scenarios.Scenario, id string) bool {
	for _, ps := range sc.Fleet.Premises {
		if ps.ID == id {
			return true
		}
	}
	return false
}

// sentSRVs are the SRVs a scenario's send steps name, as written (a srv: column must be one).
func sentSRVs(sc *scenarios.Scenario) map[string]bool {
	out := map[string]bool{}
	for _, list := range [][]scenarios.Step{sc.Setup, sc.Steps, sc.Teardown} {
		for _, st := range list {
			if st.Send != nil {
				out[st.Send.SRV] = true
			}
		}
	}
	return out
}

var kindOrder = map[string]int{ColumnSRV: 0, ColumnAlert: 1, ColumnHAN: 2}

// columnLess orders columns SRVs first, in numeric order of their variants (4.8.1 before 4.12.1),
// then alerts, then HAN interactions.
func columnLess(a, b Column) bool {
	if a.Kind != b.Kind {
		return kindOrder[a.Kind] < kindOrder[b.Kind]
	}
	if a.Kind == ColumnSRV {
		return variantLess(a.Label, b.Label)
	}
	return a.Label < b.Label
}

func variantLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		var x, y int
		fmt.Sscan(as[i], &x)
		fmt.Sscan(bs[i], &y)
		if x != y {
			return x < y
		}
	}
	return len(as) < len(bs)
}
