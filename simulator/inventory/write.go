package inventory

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"time"
)

// WriteEPC writes the EPC list in the file format ParseLists reads (docs/registry.md), with a
// comment line first; entries keep their order.
func (l *Lists) WriteEPC(w io.Writer, comment string) error {
	rows := [][]string{epcColumns}
	for _, e := range l.EPC() {
		rows = append(rows, append(append([]string{e.ID}, e.Combination.cells()...), e.DateAdded.Format(time.DateOnly)))
	}
	return writeList(w, comment, rows)
}

// WritePPC writes the PPC list in the file format ParseLists reads (docs/registry.md).
func (l *Lists) WritePPC(w io.Writer, comment string) error {
	rows := [][]string{ppcColumns}
	for _, e := range l.PPC() {
		test := "closed"
		if e.TestOpen {
			test = "open"
		}
		rows = append(rows, append(append([]string{e.ID}, e.Combination.cells()...), e.Requested.Format(time.DateOnly), e.RequestedBy, test))
	}
	return writeList(w, comment, rows)
}

func (c Combination) cells() []string {
	out := []string{c.CSP}
	for _, k := range combinationKinds {
		out = append(out, c.Models[k])
	}
	return out
}

func writeList(w io.Writer, comment string, rows [][]string) error {
	var b bytes.Buffer
	if comment != "" {
		for _, line := range bytes.Split([]byte(comment), []byte("\n")) {
			fmt.Fprintf(&b, "# %s\n", line)
		}
	}
	cw := csv.NewWriter(&b)
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Promote moves a pending combination to the EPC as epcID, dated at: what a successful PPC test
// does. The PPC entry is removed in the same step, so the lists never hold it twice.
func (l *Lists) Promote(ppcID, epcID string, at time.Time) (EPCEntry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i := -1
	for j := range l.ppc {
		if l.ppc[j].ID == ppcID {
			i = j
		}
	}
	if i < 0 {
		return EPCEntry{}, fmt.Errorf("no pending combination %s", ppcID)
	}
	for _, x := range l.epc {
		if x.ID == epcID {
			return EPCEntry{}, fmt.Errorf("EPC id %s is already used", epcID)
		}
	}
	e := EPCEntry{ID: epcID, Combination: l.ppc[i].Combination, DateAdded: at.UTC().Truncate(24 * time.Hour)}
	l.epc = append(l.epc, e)
	l.ppc = append(l.ppc[:i:i], l.ppc[i+1:]...)
	return e, nil
}

// PPCEntry returns the pending combination with the id.
func (l *Lists) PPCEntry(id string) (PPCEntry, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, e := range l.ppc {
		if e.ID == id {
			return e, true
		}
	}
	return PPCEntry{}, false
}

// Clone returns an independent copy of the lists (a test world changes its own copy).
func (l *Lists) Clone() *Lists {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return &Lists{epc: append([]EPCEntry(nil), l.epc...), ppc: append([]PPCEntry(nil), l.ppc...)}
}
