package catalogue_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/simulator/catalogue"
)

// FuzzParseProfile feeds arbitrary profiles to ParseProfile, seeded with every built-in profile:
// the answer is Device Models that compiled or an error naming the file, never a crash.
func FuzzParseProfile(f *testing.F) {
	_ = fs.WalkDir(fixtures.FS, fixtures.ModelsDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := fs.ReadFile(fixtures.FS, p)
			f.Add(data)
		}
		return nil
	})
	f.Add([]byte(esmeProfile + "unsupported: {\"4.11.1\": E11}\nvariations: {\"7.2\": {note: x}}\n"))
	f.Add([]byte(gsmeProfile + "    faults: [{kind: miss_wakeups, every: 3}, {kind: clock_drift, per_day: 1s}]\n"))
	f.Add([]byte(esmeProfile + "latency: {distribution: uniform, min: 1s, max: 2s}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		models, err := catalogue.ParseProfile("fuzz.yaml", data)
		if err != nil {
			var ye *yamldoc.Error
			if !errors.As(err, &ye) || ye.File != "fuzz.yaml" {
				t.Fatalf("error is not located in the file: %T %v", err, err)
			}
			if models != nil {
				t.Fatalf("models came back with an error")
			}
			return
		}
		if len(models) == 0 {
			t.Fatalf("no error and no models")
		}
		seen := map[string]bool{}
		for _, m := range models {
			if seen[m.ID] || m.ID != m.Family+"@"+m.FirmwareVersion || m.Family != models[0].Family {
				t.Fatalf("bad model identity %q (family %q, firmware %q)", m.ID, m.Family, m.FirmwareVersion)
			}
			seen[m.ID] = true
			if m.Tiers < 1 || m.Tiers > devices.MaxTiers {
				t.Fatalf("%s: %d tiers after compiling", m.ID, m.Tiers)
			}
			if (m.Kind == devices.KindGSME) != (m.WakeInterval > 0) {
				t.Fatalf("%s: a %s with wake interval %s", m.ID, m.Kind, m.WakeInterval)
			}
		}
	})
}

// FuzzParseCPL feeds arbitrary CSV to ParseCPL, seeded with the built-in CPL: the answer is rows
// of known kinds or an error naming the file, never a crash.
func FuzzParseCPL(f *testing.F) {
	data, err := fs.ReadFile(fixtures.FS, fixtures.CPLFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	header := strings.Join(catalogue.CPLColumns, ",") + "\n"
	f.Add([]byte(header + "GSME,\"A, Ltd\",G4,1,1.0,,Active,2020-01-01\n"))
	f.Add([]byte(header + "ESME,A,E,1,1\n"))
	f.Add([]byte("\ufeff" + header))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := catalogue.ParseCPL("fuzz.csv", data)
		if err != nil {
			var ye *yamldoc.Error
			if !errors.As(err, &ye) || ye.File != "fuzz.csv" {
				t.Fatalf("error is not located in the file: %T %v", err, err)
			}
			return
		}
		for _, r := range rows {
			if r.DeviceType.String() != strings.ToUpper(r.DeviceType.String()) || r.DeviceType < devices.KindESME || r.DeviceType > devices.KindPPMID {
				t.Fatalf("row with kind %v", r.DeviceType)
			}
			if r.Line < 2 || r.GBCSVersion != "" || r.DateAdded.IsZero() {
				t.Fatalf("implausible row %+v", r)
			}
		}
	})
}
