package report_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/scenarios/report"
)

// FuzzRead feeds arbitrary report.json files to Read (they come from other machines: CI shards,
// colleagues). The answer is a report or a *yamldoc.Error naming the file with a possible
// position, never a crash; and a report that reads is consistent enough to be written again,
// and reads back the same.
func FuzzRead(f *testing.F) {
	f.Add([]byte(oneCase))
	f.Add([]byte(`{"report_format": 1, "seed": 1, "shard": "1/2,2/2", "cases": [{"id": "x", "status": "skipped"}], "skipped": 1}`))
	f.Add([]byte(`{"cases": [{"id": "a", "status": "failed", "steps": [{"status": "failed", "at": "2026-01-01T00:00:00Z", "before": {"d": {"p": "v"}}}]}], "failed": 1}`))
	f.Add([]byte(`{"started": "x"}`))
	f.Add([]byte(`{"cases": [{"id": "\u0000<&>", "status": "passed", "steps": [{"status": "passed", "messages": [{"kind": "alert", "xml": "<a><b>\u0001</b></a>"}]}]}], "passed": 1}`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`))
	data := new(bytes.Buffer)
	dir := f.TempDir()
	if err := report.WriteDir(dir, sampleResult()); err != nil {
		f.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, report.JSONFile)); err == nil {
		data.Write(b)
		f.Add(data.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		name := filepath.Join(dir, report.JSONFile)
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := report.Read(dir)
		if err != nil {
			var ye *yamldoc.Error
			if !errors.As(err, &ye) || ye.File != name {
				t.Fatalf("error is not a *yamldoc.Error naming the file: %T %v", err, err)
			}
			if ye.Line < 0 || ye.Column < 0 || ye.Column > 0 && ye.Line == 0 {
				t.Fatalf("impossible position: %v", err)
			}
			return
		}
		var js, junit, page bytes.Buffer
		if err := report.WriteJSON(&js, r); err != nil {
			t.Fatalf("a report that reads does not write: %v", err)
		}
		if err := report.WriteJUnit(&junit, r); err != nil {
			t.Fatalf("a report that reads has no JUnit form: %v", err)
		}
		if err := xml.Unmarshal(junit.Bytes(), new(struct{})); err != nil {
			t.Fatalf("junit.xml is not well-formed: %v", err)
		}
		if err := report.WriteHTML(&page, r); err != nil {
			t.Fatalf("a report that reads has no HTML form: %v", err)
		}
		back, err := report.Parse("again.json", js.Bytes())
		if err != nil {
			t.Fatalf("a report written from one that read does not read: %v", err)
		}
		if report.Summary(back) != report.Summary(r) || len(back.Cases) != len(r.Cases) {
			t.Fatalf("round trip changed the report: %s vs %s", report.Summary(back), report.Summary(r))
		}
		if _, err := report.Merge(r, back); len(r.Cases) > 0 && err == nil {
			t.Fatalf("merging a report with itself did not find its cases twice")
		}
	})
}
