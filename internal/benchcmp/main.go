// Command benchcmp runs the project's benchmarks on the working tree and on a baseline commit in
// the same run, on the same machine, and prints every figure beside its baseline and target — so
// a change is judged against what the code did before, not against numbers from another day or
// another machine. `make bench` runs it.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// targets are the goals the issues set, by benchmark and unit.
var targets = map[string]target{
	"BenchmarkFleetMemory100k/bytes/premises": {4096, "≤ 4 KiB"},
	"BenchmarkFleetDay10k/s/virtual-day":      {5, "≤ 5 s"},
}

type target struct {
	max  float64
	text string
}

func main() {
	baseline := flag.String("baseline", "HEAD~1", "git revision to measure as the baseline (empty: none)")
	count := flag.Int("count", 3, "runs of each benchmark; the median is reported")
	benchtime := flag.String("benchtime", "1x", "go test -benchtime")
	pattern := flag.String("bench", ".", "go test -bench pattern")
	pkgs := flag.String("pkgs", "./...", "packages to benchmark")
	flag.Parse()

	cur, err := run(".", *pattern, *benchtime, *count, *pkgs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchcmp: current tree:", err)
		os.Exit(1)
	}
	var base results
	baseNote := "no baseline asked for"
	if *baseline != "" {
		base, baseNote = runBaseline(*baseline, *pattern, *benchtime, *count, *pkgs)
	}
	print(cur, base, baseNote)
	for key, t := range targets {
		if v, ok := cur.median(key); ok && v > t.max {
			fmt.Printf("\nFAIL: %s = %s misses its target %s\n", key, format(v), t.text)
			os.Exit(1)
		}
	}
}

// results maps "BenchmarkName/unit" to the values of each run.
type results map[string][]float64

func (r results) median(key string) (float64, bool) {
	v := r[key]
	if len(v) == 0 {
		return 0, false
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2], true
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2, true
}

var cpuSuffix = regexp.MustCompile(`-\d+$`)

func run(dir, pattern, benchtime string, count int, pkgs string) (results, error) {
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", pattern, "-benchmem", "-benchtime", benchtime,
		"-count", strconv.Itoa(count), pkgs)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	fmt.Fprintf(os.Stderr, "benchcmp: running benchmarks in %s\n", dir)
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v\n%s", err, out.String())
	}
	return parse(out.Bytes()), nil
}

// parse reads `go test -bench` output: name, iterations, then value/unit pairs.
func parse(out []byte) results {
	r := results{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := cpuSuffix.ReplaceAllString(f[0], "")
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			r[name+"/"+f[i+1]] = append(r[name+"/"+f[i+1]], v)
		}
	}
	return r
}

func runBaseline(rev, pattern, benchtime string, count int, pkgs string) (results, string) {
	sha, err := exec.Command("git", "rev-parse", "--short", rev).Output()
	if err != nil {
		return nil, fmt.Sprintf("baseline %s: not a revision here", rev)
	}
	dir, err := os.MkdirTemp("", "smetsim-baseline-")
	if err != nil {
		return nil, "baseline: " + err.Error()
	}
	defer os.RemoveAll(dir)
	wt := filepath.Join(dir, "tree")
	if out, err := exec.Command("git", "worktree", "add", "--detach", wt, rev).CombinedOutput(); err != nil {
		return nil, fmt.Sprintf("baseline %s: git worktree: %v: %s", rev, err, out)
	}
	defer exec.Command("git", "worktree", "remove", "--force", wt).Run()
	res, err := run(wt, pattern, benchtime, count, pkgs)
	if err != nil {
		return nil, fmt.Sprintf("baseline %s: %v", rev, err)
	}
	return res, fmt.Sprintf("baseline is %s (%s), measured in this run", rev, strings.TrimSpace(string(sha)))
}

func print(cur, base results, note string) {
	keys := make([]string, 0, len(cur))
	for k := range cur {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Printf("\n%s; each figure is the median of the runs.\n\n", note)
	tw := tabwriter.NewWriter(os.Stdout, 0, 2, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "benchmark\tunit\tnow\tbaseline\tchange\ttarget\t")
	for _, k := range keys {
		i := strings.LastIndex(k, "/")
		name, unit := k[:i], k[i+1:]
		now, _ := cur.median(k)
		b, ok := base.median(k)
		bs, change := "new", ""
		if ok {
			bs = format(b)
			if b != 0 {
				change = fmt.Sprintf("%+.1f%%", (now-b)/b*100)
			}
		}
		tt := ""
		if t, ok := targets[k]; ok {
			tt = t.text
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", name, unit, format(now), bs, change, tt)
	}
	tw.Flush()
}

func format(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
