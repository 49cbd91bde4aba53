package scenarios

import (
	"context"
	"fmt"
	"hash/fnv"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/inventory"
)

// Options say how Run runs test cases.
type Options struct {
	// Parallel is how many cases run at once; 0 means one per CPU.
	Parallel int
	// Seed is the run's seed: each case's own seed is derived from it and the case's ID, so a
	// run — and any one case of it — reproduces from it.
	Seed uint64
	// FailFast stops starting cases after the first failure; the rest are skipped.
	FailFast bool

	// DCC, when set, is the base URL of an external DUIS endpoint to run against instead of the
	// in-process mock DCC; Users (a users file with the users' keys), DCCCert (a PEM file with the
	// certificates of the DCC and of the S1SP) and Listen (where the Receive Response Service
	// listens) go with it.
	DCC     string
	Users   string
	DCCCert string
	Listen  string

	// Progress, when set, is called as each case ends (from one goroutine at a time).
	Progress func(CaseResult)

	// Lists, when set, gives each in-process world its own EPC and PPC lists instead of the
	// built-in ones (a PPC test runs against the environment's registry with its test open).
	Lists func() *inventory.Lists

	ext *external // shared by a run's worlds against an external DCC
}

// expandCase gives a case's setup, steps and teardown with its variables applied and its foreach
// rows expanded.
var expandCase = Expand

// CaseSeed derives a case's seed from the run's seed and the case's ID, so that a case gets the
// same seed whichever cases run beside it, in whatever order, on whatever shard. Only the file's
// base name counts, not its directory: `smetsim run`, `smetsim run fixtures/scenarios/smoke` and a
// Go spec loading the embedded suite reach the same file by different paths, and a seed printed by
// one must reproduce the failure in the others.
func CaseSeed(runSeed uint64, id string) uint64 {
	if i := strings.Index(id, "::"); i >= 0 {
		id = path.Base(filepath.ToSlash(id[:i])) + id[i:]
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return devices.Mix(runSeed, h.Sum64())
}

// Run runs test cases, each on its own world, Parallel at a time, and returns what they did in
// the order the cases were given. Cancelling ctx stops the cases running (they fail, saying so)
// and skips those not started.
func Run(ctx context.Context, cases []Case, opts Options) *Result {
	res := &Result{Seed: opts.Seed, Started: time.Now(), DCC: "in-process", Cases: make([]CaseResult, len(cases))}
	t0 := time.Now()
	if opts.DCC != "" {
		res.DCC = opts.DCC
		ext, err := newExternal(opts)
		if err != nil {
			for i, c := range cases {
				res.Cases[i] = skippedCase(c, opts.Seed, "")
				res.Cases[i].Status = Failed
				res.Cases[i].Failure = "cannot reach the external DCC: " + err.Error()
			}
			res.count()
			res.Wall = time.Since(t0)
			return res
		}
		defer ext.close()
		opts.ext = ext
		res.Warnings = append(res.Warnings, "against an external DCC, device, han and fault steps are skipped, time is the wall clock, and alerts are matched across all the run's cases")
	}
	n := opts.Parallel
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	n = min(n, max(len(cases), 1))

	var (
		mu     sync.Mutex
		failed bool
		next   int
		wg     sync.WaitGroup
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= len(cases) {
			return 0, false
		}
		i := next
		next++
		return i, true
	}
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i, ok := take()
				if !ok {
					return
				}
				c := cases[i]
				mu.Lock()
				stop := failed && opts.FailFast
				mu.Unlock()
				var cr CaseResult
				switch {
				case stop:
					cr = skippedCase(c, opts.Seed, "--fail-fast: an earlier case failed")
				case ctx.Err() != nil:
					cr = skippedCase(c, opts.Seed, "the run was interrupted")
				default:
					cr = RunCase(ctx, c, opts)
				}
				mu.Lock()
				res.Cases[i] = cr
				if cr.Status == Failed {
					failed = true
				}
				if opts.Progress != nil {
					opts.Progress(cr)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.count()
	res.Wall = time.Since(t0)
	return res
}

func (r *Result) count() {
	r.Passed, r.Failed, r.Skipped = 0, 0, 0
	for _, c := range r.Cases {
		switch c.Status {
		case Passed:
			r.Passed++
		case Failed:
			r.Failed++
		default:
			r.Skipped++
		}
	}
}

func caseHeader(c Case, runSeed uint64) CaseResult {
	cr := CaseResult{ID: c.ID, Name: c.Name, Vars: c.Vars, Seed: CaseSeed(runSeed, c.ID)}
	if c.Scenario != nil {
		cr.File, cr.Tags = c.Scenario.File, c.Scenario.Tags
		if cr.Name == "" {
			cr.Name = c.Scenario.Name
		}
	}
	return cr
}

func skippedCase(c Case, runSeed uint64, why string) CaseResult {
	cr := caseHeader(c, runSeed)
	cr.Status = Skipped
	if why != "" {
		cr.Failure = why
	}
	return cr
}

// RunCase runs one test case on a world of its own, with the seed derived from the run's
// (opts.Seed) and the case's ID: setup, then the steps, each skipped once one has failed; the
// teardown always. A failure ends with the run's seed, which reproduces it.
func RunCase(ctx context.Context, c Case, opts Options) (cr CaseResult) {
	cr = caseHeader(c, opts.Seed)
	t0 := time.Now()
	// cr is the named result, so the wall time, taken after the world is closed, is what the
	// caller gets.
	defer func() { cr.Wall = time.Since(t0) }()
	fail := func(msg string) {
		cr.Status = Failed
		cr.Failure = fmt.Sprintf("%s (seed %d: rerun with --seed %d)", msg, opts.Seed, opts.Seed)
	}
	if c.Scenario == nil {
		fail(c.ID + ": no scenario")
		return cr
	}
	setup, steps, teardown, err := expandCase(c)
	if err != nil {
		fail(err.Error())
		return cr
	}
	w, err := NewWorld(c.Scenario, cr.Seed, opts)
	if err != nil {
		fail(fmt.Sprintf("%s:%d: cannot build the world: %v", c.Scenario.File, c.Scenario.Line, err))
		return cr
	}
	defer w.Close()
	w.ctx = ctx

	first := ""
	passed := 0
	run := func(st Step, always bool) {
		if first != "" && !always {
			cr.Steps = append(cr.Steps, StepResult{Pos: st.Pos, Kind: st.Kind, Name: stepName(st), Status: Skipped,
				At: w.Now(), Skip: "an earlier step failed"})
			return
		}
		r := w.RunStep(st)
		cr.Steps = append(cr.Steps, r)
		switch r.Status {
		case Failed:
			if first == "" {
				first = r.Failure
			}
		case Passed:
			passed++
		}
	}
	for _, st := range setup {
		run(st, false)
	}
	for _, st := range steps {
		run(st, false)
	}
	for _, st := range teardown {
		run(st, true)
	}
	cr.Virtual = w.Elapsed()
	if w.DCC != nil {
		for _, r := range w.DCC.Journal() {
			if r.TRTBreached {
				cr.Breaches++
			}
		}
	}
	switch {
	case first != "":
		fail(first)
	case passed == 0 && len(cr.Steps) > 0:
		cr.Status = Skipped
	default:
		cr.Status = Passed
	}
	return cr
}

func stepName(st Step) string {
	if st.Name != "" {
		return st.Name
	}
	return describe(st)
}
