package yamldoc_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/smetsim/smetsim/internal/yamldoc"
)

// fuzzTarget has a field of each shape the simulator's files use, so the fuzzer reaches the type
// checks, the list and map paths and the whole-number check.
type fuzzTarget struct {
	Name  string             `yaml:"name"`
	Count int                `yaml:"count"`
	Small uint8              `yaml:"small"`
	Share *float64           `yaml:"share"`
	On    bool               `yaml:"on"`
	List  []uint32           `yaml:"list"`
	Map   map[string]string  `yaml:"map"`
	Items []fuzzItem         `yaml:"items"`
	Deep  map[string][]int64 `yaml:"deep"`
}

type fuzzItem struct {
	ID    string `yaml:"id"`
	Every int    `yaml:"every"`
}

// FuzzDecode feeds arbitrary bytes to Decode and arbitrary paths to Position and Errorf: whatever
// a user writes, the answer is a located *yamldoc.Error or a value, never a crash or a hang.
func FuzzDecode(f *testing.F) {
	for _, seed := range []struct{ src, path string }{
		{nested, `firmware[0].unsupported["4.11"]`},
		{"name: a\ncount: 3\nlist: [1, 2]\nmap: {\"4.1.1\": E11}\n", `map["4.1.1"]`},
		{"items:\n  - id: x\n    every: 2\n  - id: y\n", "items[1].every"},
		{"count: 2.5\n", "count"},
		{"small: 300\n", "small"},
		{"name: a\nname: b\n", "name"},
		{"deep: {a: [1, 2.5]}\n", "deep.a[1]"},
		{"- a\n", ""},
		{"list: ! 1\nitems: &a !x {}\ndeep: {a: *a}\n", "deep.a"},
		{"a: &x [1]\nb: *x\n", "b"},
		{"name: !!binary aGVsbG8=\n", "name"},
		{"---\nname: a\n---\n", "name"},
		{"{", "["},
		{"share: .nan\n", `["x`},
		{"list: [" + strings.Repeat("[", 50) + "\n", "list[0]"},
	} {
		f.Add([]byte(seed.src), seed.path)
	}
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		var v fuzzTarget
		doc, err := yamldoc.Decode("fuzz.yaml", data, &v)
		if err != nil {
			var ye *yamldoc.Error
			if !errors.As(err, &ye) {
				t.Fatalf("Decode returned %T, not a *yamldoc.Error: %v", err, err)
			}
			if ye.File != "fuzz.yaml" || !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			if ye.Line < 0 || ye.Column < 0 || (ye.Column > 0 && ye.Line == 0) {
				t.Fatalf("impossible position in %v", err)
			}
			if doc != nil {
				t.Fatalf("a Doc came back with an error")
			}
			return
		}
		line, col := doc.Position(path)
		if line < 0 || col < 0 {
			t.Fatalf("Position(%q) = %d, %d", path, line, col)
		}
		e := doc.Errorf(path, "spec")
		if !strings.HasPrefix(e.Error(), "fuzz.yaml") {
			t.Fatalf("Errorf does not name the file: %v", e)
		}
	})
}
