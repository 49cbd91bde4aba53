package inventory

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/internal/yamldoc"
)

// Combination is a SMETS1 product combination: the Device Model of each device of an installation
// (by model ID, family@version; absent kinds are missing) and the communications service provider.
type Combination struct {
	CSP    string
	Models map[devices.Kind]string
}

// combinationKinds is the order combinations are written in, as the DCC's lists do.
var combinationKinds = []devices.Kind{devices.KindCHF, devices.KindESME, devices.KindGPF, devices.KindGSME, devices.KindPPMID}

// Key identifies the combination: equal combinations have equal keys.
func (c Combination) Key() string {
	var b strings.Builder
	b.WriteString(c.CSP)
	for _, k := range combinationKinds {
		b.WriteByte('|')
		b.WriteString(c.Models[k])
	}
	return b.String()
}

// String describes the combination for messages.
func (c Combination) String() string {
	parts := []string{"CSP " + c.CSP}
	for _, k := range combinationKinds {
		if m := c.Models[k]; m != "" {
			parts = append(parts, k.String()+" "+m)
		}
	}
	return strings.Join(parts, ", ")
}

// EPCEntry is one eligible product combination.
type EPCEntry struct {
	ID          string
	Combination Combination
	DateAdded   time.Time
}

// PPCEntry is one pending product combination and the state of its PPC test.
type PPCEntry struct {
	ID          string
	Combination Combination
	Requested   time.Time
	RequestedBy string
	TestOpen    bool // a PPC test of this combination is running in this environment
}

// Lists are the EPC and PPC lists. They are safe for concurrent use.
type Lists struct {
	mu  sync.RWMutex
	epc []EPCEntry
	ppc []PPCEntry
}

// EPC returns the eligible combinations.
func (l *Lists) EPC() []EPCEntry {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return append([]EPCEntry(nil), l.epc...)
}

// PPC returns the pending combinations.
func (l *Lists) PPC() []PPCEntry {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return append([]PPCEntry(nil), l.ppc...)
}

// Admission is how a combination stands with the DCC.
type Admission int

// Admissions.
const (
	NotListed   Admission = iota // on neither list: the DCC does not serve it
	Eligible                     // on the EPC
	PendingTest                  // on the PPC with a test open in this environment: served for the test
	PendingOnly                  // on the PPC with no test open: not served yet
)

// Covers reports whether a listed combination covers an installation's: the same communications
// service provider and, for every device the installation has, the same Device Model. A list entry
// describes the full installation; one without a PPMID or without gas is covered by it too (a
// decision recorded in docs/mock-dcc.md: the DCC's lists do not publish their matching rule).
func (c Combination) Covers(in Combination) bool {
	if c.CSP != in.CSP {
		return false
	}
	for k, m := range in.Models {
		if c.Models[k] != m {
			return false
		}
	}
	return true
}

// Admit says whether the DCC serves an installation with this combination.
func (l *Lists) Admit(c Combination) (Admission, string) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, e := range l.epc {
		if e.Combination.Covers(c) {
			return Eligible, e.ID
		}
	}
	for _, e := range l.ppc {
		if e.Combination.Covers(c) {
			if e.TestOpen {
				return PendingTest, e.ID
			}
			return PendingOnly, e.ID
		}
	}
	return NotListed, ""
}

// AddEPC adds an eligible combination (as a successful PPC test does).
func (l *Lists) AddEPC(e EPCEntry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, x := range l.epc {
		if x.ID == e.ID || x.Combination.Key() == e.Combination.Key() {
			return fmt.Errorf("combination %s is already eligible (%s)", e.Combination, x.ID)
		}
	}
	l.epc = append(l.epc, e)
	return nil
}

// AddPPC adds a pending combination.
func (l *Lists) AddPPC(e PPCEntry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, x := range l.ppc {
		if x.ID == e.ID || x.Combination.Key() == e.Combination.Key() {
			return fmt.Errorf("combination %s is already pending (%s)", e.Combination, x.ID)
		}
	}
	l.ppc = append(l.ppc, e)
	return nil
}

// SetTestOpen opens or closes the PPC test of a pending combination.
func (l *Lists) SetTestOpen(id string, open bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.ppc {
		if l.ppc[i].ID == id {
			l.ppc[i].TestOpen = open
			return nil
		}
	}
	return fmt.Errorf("no pending combination %s", id)
}

// epcColumns and ppcColumns are the headers of the list files.
var (
	epcColumns = []string{"id", "csp", "chf", "esme", "gpf", "gsme", "ppmid", "date_added"}
	ppcColumns = []string{"id", "csp", "chf", "esme", "gpf", "gsme", "ppmid", "requested", "requested_by", "test"}
)

// ModelLookup resolves a model ID for the lists, so a list naming an unknown model is refused.
type ModelLookup func(id string) (*devices.Model, error)

// ParseLists reads the EPC and PPC files (CSV, '#' comments). Every model must be known to lookup
// and of the column's kind.
func ParseLists(epcName string, epcData []byte, ppcName string, ppcData []byte, lookup ModelLookup) (*Lists, error) {
	l := &Lists{}
	ids := map[string]string{}
	err := readCSV(epcName, epcData, epcColumns, func(rec []string, bad func(int, string, ...any) error, line int) error {
		c, err := combination(rec[1:7], bad, lookup)
		if err != nil {
			return err
		}
		d, err := time.Parse("2006-01-02", rec[7])
		if err != nil {
			return bad(7, "%q is not a date (write it as 2024-03-31)", rec[7])
		}
		if err := unique(ids, rec[0], epcName, line, bad); err != nil {
			return err
		}
		if err := l.AddEPC(EPCEntry{ID: rec[0], Combination: c, DateAdded: d}); err != nil {
			return bad(1, "%v", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readCSV(ppcName, ppcData, ppcColumns, func(rec []string, bad func(int, string, ...any) error, line int) error {
		c, err := combination(rec[1:7], bad, lookup)
		if err != nil {
			return err
		}
		d, err := time.Parse("2006-01-02", rec[7])
		if err != nil {
			return bad(7, "%q is not a date (write it as 2024-03-31)", rec[7])
		}
		var open bool
		switch rec[9] {
		case "open":
			open = true
		case "closed", "":
		default:
			return bad(9, "%q: the PPC test is open or closed", rec[9])
		}
		if err := unique(ids, rec[0], ppcName, line, bad); err != nil {
			return err
		}
		for _, e := range l.epc {
			if e.Combination.Key() == c.Key() {
				return bad(1, "combination is already eligible as %s", e.ID)
			}
		}
		if err := l.AddPPC(PPCEntry{ID: rec[0], Combination: c, Requested: d, RequestedBy: rec[8], TestOpen: open}); err != nil {
			return bad(1, "%v", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

func unique(ids map[string]string, id, file string, line int, bad func(int, string, ...any) error) error {
	if id == "" {
		return bad(0, "missing: every combination has an id")
	}
	if prev, dup := ids[id]; dup {
		return bad(0, "id %s is already used at %s", id, prev)
	}
	ids[id] = fmt.Sprintf("%s:%d", file, line)
	return nil
}

func combination(cells []string, bad func(int, string, ...any) error, lookup ModelLookup) (Combination, error) {
	c := Combination{CSP: strings.TrimSpace(cells[0]), Models: map[devices.Kind]string{}}
	if c.CSP == "" {
		return c, bad(1, "missing: the communications service provider")
	}
	for i, k := range combinationKinds {
		id := strings.TrimSpace(cells[i+1])
		if id == "" {
			continue
		}
		m, err := lookup(id)
		if err != nil {
			return c, bad(i+2, "%v", err)
		}
		if m.Kind != k {
			return c, bad(i+2, "%s is a %s model, not a %s", m.ID, m.Kind, k)
		}
		c.Models[k] = m.ID
	}
	for _, need := range []devices.Kind{devices.KindCHF} {
		if c.Models[need] == "" {
			return c, bad(2, "a SMETS1 combination always has a %s", need)
		}
	}
	if (c.Models[devices.KindGPF] == "") != (c.Models[devices.KindGSME] == "") {
		return c, bad(4, "a GPF and a GSME come together")
	}
	return c, nil
}

func readCSV(name string, data []byte, columns []string, row func(rec []string, bad func(int, string, ...any) error, line int) error) error {
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
	r.Comment = '#'
	r.FieldsPerRecord = len(columns)
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return csvError(name, err, columns)
	}
	for i, h := range header {
		if strings.TrimSpace(h) != columns[i] {
			line, col := r.FieldPos(i)
			return &yamldoc.Error{File: name, Line: line, Column: col, Field: columns[i],
				Msg: fmt.Sprintf("header column %d is %q; want %s", i+1, h, strings.Join(columns, ","))}
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return csvError(name, err, columns)
		}
		line, _ := r.FieldPos(0)
		bad := func(col int, format string, args ...any) error {
			l, c := r.FieldPos(col)
			return &yamldoc.Error{File: name, Line: l, Column: c, Field: columns[col], Msg: fmt.Sprintf(format, args...)}
		}
		if err := row(rec, bad, line); err != nil {
			return err
		}
	}
}

func csvError(name string, err error, columns []string) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &yamldoc.Error{File: name, Line: pe.Line, Column: pe.Column, Msg: pe.Err.Error() + " (want " + strings.Join(columns, ",") + ")"}
	}
	if errors.Is(err, io.EOF) {
		return &yamldoc.Error{File: name, Msg: "file is empty; want the header " + strings.Join(columns, ",")}
	}
	return &yamldoc.Error{File: name, Msg: err.Error()}
}

// SortedEPC returns the EPC entries ordered by id, for listing.
func (l *Lists) SortedEPC() []EPCEntry {
	out := l.EPC()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
