// Package report writes what a scenario run found for the people and tools that read it: JUnit XML
// for CI, report.json for machines (and for merging shards), and one self-contained HTML page
// with every step's evidence. It also reads report.json back, merges shard reports, and shows
// progress while a run goes.
package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/smetsim/smetsim/internal/atomicfile"
	"github.com/smetsim/smetsim/scenarios"
)

// The files WriteDir writes.
const (
	JUnitFile = "junit.xml"
	JSONFile  = "report.json"
	HTMLFile  = "report.html"
)

// WriteDir writes junit.xml, report.json and report.html for r into dir, creating dir if needed.
// Everything is rendered before anything is written, and each file is replaced atomically
// (written to a temporary file beside it, then renamed), so a reader never sees half a file and a
// result that cannot be rendered leaves an earlier report untouched. r must be consistent — the
// same checks as Read apply, so that what is written can always be read back — and is not
// modified.
func WriteDir(dir string, r *scenarios.Result) error {
	if err := check(r); err != nil {
		return fmt.Errorf("write report to %s: %w", dir, err)
	}
	var files [3]bytes.Buffer
	renders := []struct {
		name   string
		render func(*bytes.Buffer, *scenarios.Result) error
	}{{JUnitFile, writeJUnit}, {HTMLFile, writeHTML}, {JSONFile, writeJSON}}
	for i, f := range renders {
		if err := f.render(&files[i], r); err != nil {
			return fmt.Errorf("write report %s: %w", filepath.Join(dir, f.name), err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	// report.json goes last: Read and merge take it as the sign of a complete report.
	for i, f := range renders {
		if err := atomicfile.Write(filepath.Join(dir, f.name), files[i].Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// check refuses a result that cannot be written as a report.
func check(r *scenarios.Result) error {
	if r == nil {
		return errors.New("no result")
	}
	if path, msg := validate(r); msg != "" {
		return fmt.Errorf("%s: %s", path, msg)
	}
	return nil
}

// WriteJUnit writes r as WriteDir writes junit.xml.
func WriteJUnit(w io.Writer, r *scenarios.Result) error { return writeTo(w, r, writeJUnit) }

// WriteJSON writes r as WriteDir writes report.json.
func WriteJSON(w io.Writer, r *scenarios.Result) error { return writeTo(w, r, writeJSON) }

// WriteHTML writes r as WriteDir writes report.html.
func WriteHTML(w io.Writer, r *scenarios.Result) error { return writeTo(w, r, writeHTML) }

func writeTo(w io.Writer, r *scenarios.Result, render func(*bytes.Buffer, *scenarios.Result) error) error {
	if err := check(r); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := render(&b, r); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Summary is the closing line of a run: "N passed, N failed, N skipped", from r's totals.
func Summary(r *scenarios.Result) string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", r.Passed, r.Failed, r.Skipped)
}
