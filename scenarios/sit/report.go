package sit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/smetsim/smetsim/internal/atomicfile"
	"github.com/smetsim/smetsim/scenarios"
	scenarioreport "github.com/smetsim/smetsim/scenarios/report"
)

// Report file names in a report directory.
const (
	JUnitFile = "junit.xml"
	JSONFile  = "sit.json"
	HTMLFile  = "sit.html"
)

// Format is the version of sit.json; it goes up only when a field changes meaning or goes away.
const Format = 1

// Report is what a SIT run found: the combination × column table, each cell with the cases behind
// it, and the share of the installed base whose combinations passed.
type Report struct {
	Format      int           `json:"report_format"`
	Matrix      string        `json:"matrix"`
	Name        string        `json:"name"`
	Seed        uint64        `json:"seed"`
	Started     time.Time     `json:"started"`
	Wall        time.Duration `json:"wall_ns"`
	Interrupted bool          `json:"interrupted,omitempty"`
	Columns     []Column      `json:"columns"`
	Rows        []Row         `json:"combinations"`
	// Population is the matrix's installed population; Covered the part of it whose combinations
	// passed every cell; Coverage is Covered / Population in percent (0 when Population is 0).
	Population int64   `json:"population"`
	Covered    int64   `json:"covered_population"`
	Coverage   float64 `json:"coverage_percent"`
	Totals     Totals  `json:"totals"`

	// Result is every test case the run ran, as the scenario runner reports it, with case files
	// prefixed by their combination's id: junit.xml is written from it.
	Result *scenarios.Result `json:"-"`
}

// Totals count the table's cells by status.
type Totals struct {
	Pass              int `json:"pass"`
	Fail              int `json:"fail"`
	DeclaredVariation int `json:"declared_variation"`
	NotApplicable     int `json:"not_applicable"`
}

// Row is one combination of the matrix and its cells.
type Row struct {
	ID         string            `json:"id"`
	CSP        string            `json:"csp"`
	Models     map[string]string `json:"models"` // device kind → Device Model id
	Population int64             `json:"population"`
	Admission  Admission         `json:"admission"`
	Passed     bool              `json:"passed"` // no cell failed
	Cells      map[string]*Cell  `json:"cells"`  // by column id
}

// Cell is one combination × column: the worst status of its cases, and the cases.
type Cell struct {
	Status Status     `json:"status"`
	Cases  []CaseLink `json:"cases"`
}

// CaseLink is one test case behind a cell.
type CaseLink struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status Status `json:"status"`
	// Detail is why: the first failure with its file:line, why the case does not apply, or the
	// declared code a probe checked.
	Detail string `json:"detail,omitempty"`
}

func newReport(m *Matrix, p *Pack, adms []Admission, plan []*planned, seed uint64, started time.Time, wall time.Duration, interrupted bool) *Report {
	r := &Report{Format: Format, Matrix: m.File, Name: m.Name, Seed: seed, Started: started.UTC(), Wall: wall,
		Interrupted: interrupted, Columns: p.Columns,
		Result: &scenarios.Result{Seed: seed, Started: started.UTC(), Wall: wall, DCC: "in-process"}}
	for i, c := range m.Combinations {
		row := Row{ID: c.ID, CSP: c.CSP, Models: map[string]string{}, Population: c.Population, Admission: adms[i], Cells: map[string]*Cell{}}
		for k, model := range c.Models {
			row.Models[k.String()] = model.ID
		}
		r.Rows = append(r.Rows, row)
	}
	for _, pl := range plan {
		row := &r.Rows[pl.comb]
		link := CaseLink{ID: pl.c.ID, Name: pl.c.Name}
		switch {
		case pl.status == NotApplicable:
			link.Status, link.Detail = NotApplicable, pl.reason
		case pl.result.Status == scenarios.Passed && pl.probe != "":
			link.Status, link.Detail = DeclaredVariation, "answers "+pl.probe+" as its Device Model declares"
		case pl.result.Status == scenarios.Passed:
			link.Status = Pass
		case pl.result.Status == scenarios.Skipped && pl.result.Failure == "" && pl.result.Skip == "":
			// Every step skipped (nothing to do on this combination): it proves nothing.
			link.Status, link.Detail = NotApplicable, "no step ran"
		default:
			link.Status, link.Detail = Fail, pl.result.Failure
			if link.Detail == "" {
				link.Detail = "not run: " + pl.result.Skip
			}
		}
		for _, col := range pl.columns {
			cell := row.Cells[col]
			if cell == nil {
				cell = &Cell{Status: NotApplicable}
				row.Cells[col] = cell
			}
			cell.Cases = append(cell.Cases, link)
			if rank[link.Status] < rank[cell.Status] {
				cell.Status = link.Status
			}
		}
		cr := pl.result
		cr.File = row.ID + "/" + cr.File
		r.Result.Cases = append(r.Result.Cases, cr)
	}
	for i := range r.Rows {
		row := &r.Rows[i]
		row.Passed = !interrupted
		for _, col := range r.Columns {
			cell := row.Cells[col.ID]
			if cell == nil {
				cell = &Cell{Status: NotApplicable, Cases: []CaseLink{}}
				row.Cells[col.ID] = cell
			}
			switch cell.Status {
			case Pass:
				r.Totals.Pass++
			case Fail:
				r.Totals.Fail++
				row.Passed = false
			case DeclaredVariation:
				r.Totals.DeclaredVariation++
			case NotApplicable:
				r.Totals.NotApplicable++
			}
		}
		r.Population += row.Population
		if row.Passed {
			r.Covered += row.Population
		}
	}
	r.Coverage = CoveragePercent(r.Covered, r.Population)
	r.Result.Tally()
	return r
}

// WallText is the run's wall time for people, to the millisecond.
func (r *Report) WallText() string { return r.Wall.Round(time.Millisecond).String() }

// CoveragePercent is covered / population in percent, 0 for an empty population.
func CoveragePercent(covered, population int64) float64 {
	if population <= 0 {
		return 0
	}
	return float64(covered) * 100 / float64(population)
}

// CoverageLine is the line a run prints: "coverage: 83.2% of installed base".
func (r *Report) CoverageLine() string {
	if r.Population == 0 {
		return "coverage: n/a (the matrix's installed population is 0)"
	}
	return fmt.Sprintf("coverage: %.1f%% of installed base", r.Coverage)
}

// Failed lists the combinations that failed, by id.
func (r *Report) Failed() []string {
	var out []string
	for _, row := range r.Rows {
		if !row.Passed {
			out = append(out, row.ID)
		}
	}
	return out
}

// WriteDir writes junit.xml, sit.json and sit.html into dir (created if needed). Everything is
// rendered first, then each file is replaced atomically, sit.json last.
func (r *Report) WriteDir(dir string) error {
	var junit, page, js bytes.Buffer
	if err := scenarioreport.WriteJUnit(&junit, r.Result); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Join(dir, JUnitFile), err)
	}
	if err := r.WriteHTML(&page); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Join(dir, HTMLFile), err)
	}
	if err := r.WriteJSON(&js); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Join(dir, JSONFile), err)
	}
	return atomicfile.WriteDir(dir, atomicfile.File{Name: JUnitFile, Data: junit.Bytes()},
		atomicfile.File{Name: HTMLFile, Data: page.Bytes()}, atomicfile.File{Name: JSONFile, Data: js.Bytes()})
}

// WriteJSON writes the report as sit.json.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
