package yamldoc_test

import (
	"errors"
	"testing"

	"github.com/smetsim/smetsim/internal/yamldoc"
)

// FuzzParse feeds arbitrary bytes to Parse: the answer is a tree whose every node is located,
// or a located *yamldoc.Error, never a crash or a hang.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"name: x\nsteps:\n  - send: {srv: \"7.2\"}\n",
		"a: &a {b: 1}\nc:\n  <<: *a\n  d: [1, 2]\n",
		"a: !!str 7.10\nb: |\n  text\n",
		"<<: [1]\n",
		"a: *missing\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		root, err := yamldoc.Parse("f.yaml", data)
		if err != nil {
			var ye *yamldoc.Error
			if !errors.As(err, &ye) || ye.File != "f.yaml" {
				t.Fatalf("error without a place: %v", err)
			}
			return
		}
		var walk func(n *yamldoc.Node, depth int)
		walk = func(n *yamldoc.Node, depth int) {
			if n == nil || depth > 50 {
				return
			}
			_ = n.Describe()
			for _, e := range n.Entries {
				walk(e.Value, depth+1)
			}
			for _, it := range n.Items {
				walk(it, depth+1)
			}
		}
		walk(root, 0)
	})
}
