package report

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/smetsim/smetsim/scenarios"
)

// Merge merges the reports of the shards of one run (or of several runs with the same seed
// against the same DCC) into one report, as if the run had not been sharded:
//   - the cases of all reports, each once: the same case ID in two reports is an error naming it;
//   - ordered by file, then by ID with row indexes compared as numbers ("[2]" before "[10]"),
//     the order the loader gives, so the merged report reads like the unsharded one;
//   - totals recomputed from the cases; Wall is the longest report's (shards run side by side);
//     Started the earliest; warnings of all reports, each once;
//   - Shard "" when the reports cover every shard 1/N…N/N (or none is sharded), else the list of
//     shards covered ("1/4,3/4"), which a later Merge with the remaining shards completes.
//
// Reports with different seeds, against different DCCs, or with shards of different N or the
// same shard twice are an error. The inputs are not modified; the merged report shares nothing
// with them that it would change.
func Merge(rs ...*scenarios.Result) (*scenarios.Result, error) {
	names := make([]string, len(rs))
	for i := range rs {
		names[i] = fmt.Sprintf("report %d", i+1)
	}
	return merge(names, rs)
}

// MergeDirs reads the report.json of each directory and merges them as Merge does; its errors
// name the directories.
func MergeDirs(dirs ...string) (*scenarios.Result, error) {
	rs := make([]*scenarios.Result, len(dirs))
	for i, d := range dirs {
		r, err := Read(d)
		if err != nil {
			return nil, err
		}
		rs[i] = r
	}
	return merge(dirs, rs)
}

func merge(names []string, rs []*scenarios.Result) (*scenarios.Result, error) {
	if len(rs) == 0 {
		return nil, fmt.Errorf("merge: no reports")
	}
	for i, r := range rs {
		if r == nil {
			return nil, fmt.Errorf("merge: %s is missing", names[i])
		}
	}
	first := rs[0]
	out := &scenarios.Result{Seed: first.Seed, DCC: first.DCC, Started: first.Started}
	var (
		covered = shardSet{ks: map[int]bool{}}
		from    = map[int]int{} // shard k → the report that covers it
		caseOf  = map[string]int{}
	)
	for i, r := range rs {
		if r.Seed != first.Seed {
			return nil, fmt.Errorf("merge: %s ran with seed %d, %s with seed %d: shards of one run share their seed", names[0], first.Seed, names[i], r.Seed)
		}
		if r.DCC != first.DCC {
			return nil, fmt.Errorf("merge: %s ran against %q, %s against %q", names[0], first.DCC, names[i], r.DCC)
		}
		set, err := parseShards(r.Shard)
		if err != nil {
			return nil, fmt.Errorf("merge: %s: shard %v", names[i], err)
		}
		if set.n != 0 {
			if covered.n != 0 && set.n != covered.n {
				return nil, fmt.Errorf("merge: %s is sharded %d ways, %s %d ways", names[from[firstKey(covered)]], covered.n, names[i], set.n)
			}
			covered.n = set.n
			for k := range set.ks {
				if j, dup := from[k]; dup {
					return nil, fmt.Errorf("merge: shard %d/%d is in %s and in %s", k, set.n, names[j], names[i])
				}
				from[k] = i
				covered.ks[k] = true
			}
		}
		if r.Started.Before(out.Started) && !r.Started.IsZero() || out.Started.IsZero() {
			out.Started = r.Started
		}
		out.Wall = max(out.Wall, r.Wall)
		for _, w := range r.Warnings {
			if !slices.Contains(out.Warnings, w) {
				out.Warnings = append(out.Warnings, w)
			}
		}
		for _, c := range r.Cases {
			if j, dup := caseOf[c.ID]; dup {
				return nil, fmt.Errorf("merge: case %q is in %s and in %s", c.ID, names[j], names[i])
			}
			caseOf[c.ID] = i
			out.Cases = append(out.Cases, c)
		}
	}
	if covered.n != 0 && len(covered.ks) < covered.n {
		ks := make([]int, 0, len(covered.ks))
		for k := range covered.ks {
			ks = append(ks, k)
		}
		sort.Ints(ks)
		parts := make([]string, len(ks))
		for i, k := range ks {
			parts[i] = fmt.Sprintf("%d/%d", k, covered.n)
		}
		out.Shard = strings.Join(parts, ",")
	}
	sort.SliceStable(out.Cases, func(i, j int) bool {
		a, b := &out.Cases[i], &out.Cases[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return naturalLess(a.ID, b.ID)
	})
	out.Tally()
	return out, nil
}

func firstKey(s shardSet) int {
	for k := range s.ks {
		return k
	}
	return 0
}

// naturalLess compares strings with runs of digits compared as numbers, so that "x[2]" comes
// before "x[10]".
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			if da != db {
				return da < db
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
