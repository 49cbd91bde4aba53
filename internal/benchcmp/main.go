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
	"BenchmarkFleetMemory100k bytes/premises": {4096, "≤ 4 KiB"},
	"BenchmarkFleetDay10k s/virtual-day":      {5, "≤ 5 s"},
	"BenchmarkRegressionSuite s/suite":        {60, "≤ 60 s"},
	"BenchmarkPPCPack s/pack":                 {1, "≤ 1 s"},
}

// ratios are figures derived from two others of the same run, printed after the table: how close
// a measured rate comes to the ceiling it is judged against.
var ratios = []ratio{
	{"DUIS over loopback, signed ÷ the ECDSA sign+verify ceiling", "BenchmarkDUISLoopback/signatures-on req/s", "BenchmarkDUISCeiling req/s"},
	{"DUIS over loopback, signed ÷ unsigned", "BenchmarkDUISLoopback/signatures-on req/s", "BenchmarkDUISLoopback/signatures-off req/s"},
}

type ratio struct{ name, num, den string }

type target struct {
	max  float64
	text string
}

func main() {
	baseline := flag.String("baseline", "HEAD~1", "git revision to measure as the baseline (empty: none)")
	count := flag.Int("count", 3, "runs of each benchmark; the median is reported")
	benchtime := flag.String("benchtime", "300ms", "go test -benchtime for the micro-benchmarks")
	pattern := flag.String("bench", ".", "go test -bench pattern")
	pkgs := flag.String("pkgs", "./...", "packages to benchmark")
	flag.Parse()
	opts := runOptions{pattern: *pattern, benchtime: *benchtime, count: *count, pkgs: *pkgs}

	// The two trees take turns, one run each per round, so that whatever else the machine is
	// doing falls on both alike.
	cur, base := results{}, results{}
	baseNote := "no baseline asked for"
	var baseDir string
	if *baseline != "" {
		var cleanup func()
		baseDir, baseNote, cleanup = checkout(*baseline)
		defer cleanup()
	}
	one := opts
	one.count = 1
	for round := 0; round < opts.count; round++ {
		r, err := run(".", one)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchcmp: current tree:", err)
			os.Exit(1)
		}
		cur.add(r)
		if baseDir != "" {
			r, err := run(baseDir, one)
			if err != nil {
				baseNote = fmt.Sprintf("baseline %s: %v", *baseline, err)
				baseDir = ""
				continue
			}
			base.add(r)
		}
	}
	print(cur, base, baseNote)
	for key, t := range targets {
		if v, ok := cur.median(key); ok && v > t.max {
			fmt.Printf("\nFAIL: %s = %s misses its target %s\n", key, format(v), t.text)
			os.Exit(1)
		}
	}
}

// keySep joins a benchmark's name and unit in a results key; units contain slashes.
const keySep = " "

// results maps "BenchmarkName unit" to the values of each run.
type results map[string][]float64

func (r results) add(o results) {
	for k, v := range o {
		r[k] = append(r[k], v...)
	}
}

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

type runOptions struct {
	pattern, benchtime, pkgs string
	count                    int
}

// whole marks the benchmarks that are whole workloads (building a 100,000-premises fleet, a
// virtual day of 10,000, the regression suite): they run once per count, while micro-benchmarks
// run for benchtime.
const whole = "^Benchmark(Fleet|RegressionSuite|SITMatrix|PPCPack)"

func run(dir string, o runOptions) (results, error) {
	r := results{}
	for _, pass := range []struct{ extra []string }{
		{[]string{"-bench", o.pattern, "-skip", whole, "-benchtime", o.benchtime}},
		{[]string{"-bench", whole, "-benchtime", "1x"}},
	} {
		args := append([]string{"test", "-run", "^$", "-benchmem", "-count", strconv.Itoa(o.count)}, pass.extra...)
		args = append(args, o.pkgs)
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		var out bytes.Buffer
		cmd.Stdout = &out
		cmd.Stderr = os.Stderr
		fmt.Fprintf(os.Stderr, "benchcmp: go %s (in %s)\n", strings.Join(args, " "), dir)
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("%v\n%s", err, out.String())
		}
		for k, v := range parse(out.Bytes()) {
			r[k] = append(r[k], v...)
		}
	}
	return r, nil
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
			if f[i+1] == "MB/s" {
				continue // the same figure as ns/op, inverted
			}
			k := name + keySep + f[i+1]
			r[k] = append(r[k], v)
		}
	}
	return r
}

// checkout makes a worktree of rev for the baseline runs; cleanup removes it.
func checkout(rev string) (dir, note string, cleanup func()) {
	nothing := func() {}
	sha, err := exec.Command("git", "rev-parse", "--short", rev).Output()
	if err != nil {
		return "", fmt.Sprintf("baseline %s: not a revision here", rev), nothing
	}
	tmp, err := os.MkdirTemp("", "smetsim-baseline-")
	if err != nil {
		return "", "baseline: " + err.Error(), nothing
	}
	wt := filepath.Join(tmp, "tree")
	if out, err := exec.Command("git", "worktree", "add", "--detach", wt, rev).CombinedOutput(); err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Sprintf("baseline %s: git worktree: %v: %s", rev, err, out), nothing
	}
	return wt, fmt.Sprintf("baseline is %s (%s), measured in this run, taking turns with the working tree", rev, strings.TrimSpace(string(sha))), func() {
		exec.Command("git", "worktree", "remove", "--force", wt).Run()
		os.RemoveAll(tmp)
	}
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
		name, unit, _ := strings.Cut(k, keySep)
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
	for i, r := range ratios {
		n, ok1 := cur.median(r.num)
		d, ok2 := cur.median(r.den)
		if !ok1 || !ok2 || d == 0 {
			continue
		}
		if i == 0 {
			fmt.Println()
		}
		line := fmt.Sprintf("%s: %.2f (%s / %s)", r.name, n/d, format(n), format(d))
		bn, ok1 := base.median(r.num)
		bd, ok2 := base.median(r.den)
		if ok1 && ok2 && bd != 0 {
			line += fmt.Sprintf("; baseline %.2f", bn/bd)
		}
		fmt.Println(line)
	}
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
