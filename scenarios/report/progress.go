package report

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/schollz/progressbar/v3"

	"github.com/smetsim/smetsim/scenarios"
)

// Progress shows a run's progress as its cases end. On a terminal it is a progress bar counting
// cases done and failed, with each failure printed above the bar as it happens (a failure should
// not wait for the end of a long run to be seen); elsewhere (CI logs, pipes) it writes one line a
// case:
//
//	PASS name (1.2s)
//	FAIL name: file.yaml:12:5: supply: got enabled, want disabled (seed 42: rerun with --seed 42)
//	SKIP name: after --fail-fast
//
// Control characters in them are written as U+FFFD. A failure's later lines are indented under it; the runner's failure text ends with the
// run's seed, which reproduces it (the case's own seed, derived from it and the case's ID, is in the
// reports, not here: --seed takes the run's). Case may be called from several goroutines.
type Progress struct {
	w        io.Writer
	terminal bool

	mu     sync.Mutex
	bar    *progressbar.ProgressBar
	total  int
	done   int
	failed int
}

// NewProgress returns a Progress writing to w, as a bar when terminal is set.
func NewProgress(w io.Writer, terminal bool) *Progress {
	return &Progress{w: w, terminal: terminal}
}

// Start begins a run of total cases.
func (p *Progress) Start(total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total, p.done, p.failed = total, 0, 0
	if !p.terminal || total <= 0 {
		return
	}
	p.bar = progressbar.NewOptions(total,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(p.describe()),
		progressbar.OptionShowCount(),
		progressbar.OptionSetItsString("cases"),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionClearOnFinish(),
	)
}

func (p *Progress) describe() string {
	if p.failed == 0 {
		return "cases"
	}
	return fmt.Sprintf("cases, %d failed", p.failed)
}

// Case records a case that ended.
func (p *Progress) Case(c scenarios.CaseResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if c.Status == scenarios.Failed {
		p.failed++
	}
	if p.bar == nil {
		fmt.Fprintln(p.w, printable(caseLine(&c)))
		return
	}
	if c.Status == scenarios.Failed {
		_ = p.bar.Clear()
		fmt.Fprintln(p.w, printable(caseLine(&c)))
		p.bar.Describe(p.describe())
	}
	// Unthrottled: cases end at most a few hundred times a second, and the bar must come back
	// at once under a failure just printed.
	_ = p.bar.Set(p.done)
}

// Finish ends the run: the bar (on a terminal) is cleared, for the summary line that follows.
func (p *Progress) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}

// caseLine is a case in one line (more for a failure that has several).
func caseLine(c *scenarios.CaseResult) string {
	name := caseName(c)
	switch c.Status {
	case scenarios.Passed:
		return fmt.Sprintf("PASS %s (%s)", name, wallString(c.Wall))
	case scenarios.Failed:
		reason := c.Failure
		if reason == "" {
			reason = "failed"
		}
		return fmt.Sprintf("FAIL %s: %s", name, strings.ReplaceAll(reason, "\n", "\n    "))
	}
	return fmt.Sprintf("SKIP %s: %s", name, skipReason(c))
}

// printable replaces control characters other than tabs and line breaks by U+FFFD: a failure
// may quote what a device or an endpoint sent, and that must not drive the terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r >= 0x20 && r != 0x7f && (r < 0x80 || r > 0x9f) {
			return r
		}
		return '\uFFFD'
	}, s)
}
