package scenarios_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/scenarios"
)

// FuzzLoad feeds arbitrary bytes to Load as a scenario file: the answer is scenarios whose every
// case expands, or located errors, never a crash or a hang.
func FuzzLoad(f *testing.F) {
	// The regression suite seeds every step kind and check the format has (positions, absent,
	// save, scheduled …).
	regression, _ := filepath.Glob("../fixtures/scenarios/regression/*")
	for _, dir := range append([]string{"../fixtures/scenarios/smoke", "testdata/good", "testdata/bad"}, regression...) {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte("name: x\nsteps: [{send: {srv: \"${s}\", as: supplier, to: \"${d}\", body: {A: {\"@b\": \"${c}\", \"#text\": x}}}}]\nparameters: [{s: \"7.2\", d: rtds-reference.ESME}]\n"))
	f.Add([]byte("name: x\nsteps: [{device: {\"$${x}\": {supply: \"~ ${re}\"}}, foreach: [{re: \"[\"}]}]\n"))
	loader := &scenarios.Loader{}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"s.yaml": {Data: data}}
		scs, err := loader.Load(fsys, "s.yaml")
		if err != nil {
			var le *scenarios.LoadError
			if !errors.As(err, &le) || len(le.Errors) == 0 {
				t.Fatalf("not a located error: %v", err)
			}
			for _, e := range le.Errors {
				if e.File == "" {
					t.Fatalf("an error without its file: %v", e)
				}
			}
			return
		}
		for _, c := range scenarios.Cases(scs) {
			if _, _, _, err := scenarios.Expand(c); err != nil {
				var ye *yamldoc.Error
				if !errors.As(err, &ye) {
					t.Fatalf("Expand failed without a place: %v", err)
				}
				t.Fatalf("a case that loaded does not expand: %v", err)
			}
		}
	})
}
