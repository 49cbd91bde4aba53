package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/smetsim/smetsim/scenarios"
)

// The JUnit XML written is the format Jenkins, GitLab, GitHub Actions reporters and Ant read:
// <testsuites> holding one <testsuite> per scenario file (name = the file), each holding one
// <testcase> per test case (name = the case's name, classname = the file, time in seconds).
// A failed case has <failure message="first line of the failure" type="scenario"> with the whole
// failure, the case's seed and the failing step; a skipped one <skipped message="why">. Every
// case's <system-out> lists its steps, one line each, with the key evidence under each step (the
// messages' kinds, codes, RequestIDs and timings, TRT breaches) and, for a failed step, its
// messages' XML in full. Counts on <testsuites> and each <testsuite> are those of the cases
// below them; errors is always 0 (a step that cannot run is a failure, with what went wrong).
// Each <testsuite> carries the run's seed, shard and DCC as properties. Characters XML 1.0
// cannot hold (control characters in evidence) are written as U+FFFD.

type junitSuites struct {
	XMLName   xml.Name     `xml:"testsuites"`
	Name      string       `xml:"name,attr"`
	Tests     int          `xml:"tests,attr"`
	Failures  int          `xml:"failures,attr"`
	Errors    int          `xml:"errors,attr"`
	Skipped   int          `xml:"skipped,attr"`
	Time      string       `xml:"time,attr"`
	Timestamp string       `xml:"timestamp,attr,omitempty"`
	Suites    []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Skipped   *junitMessage `xml:"skipped"`
	Failure   *junitMessage `xml:"failure"`
	SystemOut *junitText    `xml:"system-out"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",innerxml"` // escaped by xmlText
}

// junitText is element content escaped by xmlText.
type junitText struct {
	Text string `xml:",innerxml"`
}

// xmlText escapes s as element content, keeping line breaks as they are (encoding/xml would
// write every one as "&#xA;", which makes system-out unreadable in the raw file) and replacing
// what XML 1.0 cannot hold by U+FFFD.
func xmlText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\r':
			b.WriteString("&#xD;")
		case r == '\t' || r == '\n' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF:
			b.WriteRune(r)
		default:
			b.WriteRune('\uFFFD')
		}
	}
	return b.String()
}

func writeJUnit(b *bytes.Buffer, r *scenarios.Result) error {
	doc := junitSuites{Name: "smetsim", Time: seconds(r.Wall), Timestamp: junitTime(r.Started)}
	props := []junitProperty{{"seed", fmt.Sprint(r.Seed)}, {"shard", shardLabel(r.Shard)}, {"dcc", r.DCC}}
	index := map[string]int{}
	for i := range r.Cases {
		c := &r.Cases[i]
		si, ok := index[c.File]
		if !ok {
			si = len(doc.Suites)
			index[c.File] = si
			doc.Suites = append(doc.Suites, junitSuite{Name: c.File, Timestamp: doc.Timestamp, Properties: props})
		}
		s := &doc.Suites[si]
		jc := junitCase{Name: caseName(c), Classname: c.File, Time: seconds(c.Wall), SystemOut: &junitText{xmlText(systemOut(c))}}
		s.Tests++
		doc.Tests++
		switch c.Status {
		case scenarios.Failed:
			s.Failures++
			doc.Failures++
			jc.Failure = &junitMessage{Message: firstLine(c.Failure), Type: "scenario", Text: xmlText(failureText(c))}
		case scenarios.Skipped:
			s.Skipped++
			doc.Skipped++
			jc.Skipped = &junitMessage{Message: skipReason(c)}
		}
		s.Cases = append(s.Cases, jc)
	}
	// A suite's time is the sum of its cases' (they may have run in parallel with other suites').
	for i := range doc.Suites {
		var d time.Duration
		for j := range r.Cases {
			if r.Cases[j].File == doc.Suites[i].Name {
				d += r.Cases[j].Wall
			}
		}
		doc.Suites[i].Time = seconds(d)
	}
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	b.WriteString("\n")
	return nil
}

// caseName is what a case is called in reports: its name, or its ID when it has none.
func caseName(c *scenarios.CaseResult) string {
	if c.Name != "" {
		return c.Name
	}
	return c.ID
}

// skipReason is why a case was skipped: its own reason, else its first skipped step's.
func skipReason(c *scenarios.CaseResult) string {
	if c.Skip != "" {
		return c.Skip
	}
	for _, s := range c.Steps {
		if s.Status == scenarios.Skipped && s.Skip != "" {
			return s.Skip
		}
	}
	return "skipped"
}

// failureText is the body of a failure: the failure, the seed that reproduces it and the step
// that failed.
func failureText(c *scenarios.CaseResult) string {
	var b strings.Builder
	b.WriteString(c.Failure)
	fmt.Fprintf(&b, "\ncase %s, seed %d", c.ID, c.Seed)
	for i := range c.Steps {
		if s := &c.Steps[i]; s.Status == scenarios.Failed {
			fmt.Fprintf(&b, "\nfailed step %d at %s: %s", i+1, posString(s.Pos), s.Name)
			break
		}
	}
	return b.String()
}

// systemOut is a case's steps, one line each, with their key evidence.
func systemOut(c *scenarios.CaseResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "case %s (seed %d)\n", c.ID, c.Seed)
	if len(c.Vars) > 0 {
		fmt.Fprintf(&b, "vars: %s\n", varsString(c.Vars))
	}
	start := caseStart(c)
	for i := range c.Steps {
		s := &c.Steps[i]
		b.WriteString(stepLine(i, s, start))
		b.WriteString("\n")
		for _, m := range s.Messages {
			fmt.Fprintf(&b, "    %s\n", evidenceLine(&m, start))
		}
		for _, d := range stateChanges(s) {
			fmt.Fprintf(&b, "    %s %s: %s -> %s\n", d.Device, d.Property, orDash(d.Before), orDash(d.After))
		}
		if s.Status == scenarios.Failed {
			for _, m := range s.Messages {
				if m.XML != "" {
					fmt.Fprintf(&b, "    --- %s\n%s\n", strings.TrimSpace(m.Kind+" "+m.RequestID), indent(prettyXML(m.XML), "    "))
				}
			}
		}
	}
	return b.String()
}

// stepLine is one step: number, status, kind, name, where it is, virtual time (from the case's
// start, and absolute), wall time, and why it failed or was skipped.
func stepLine(i int, s *scenarios.StepResult, start time.Time) string {
	line := fmt.Sprintf("%2d %-7s %-7s %s (%s) virtual %s wall %s", i+1, s.Status, s.Kind, s.Name, posString(s.Pos),
		virtualString(s.At, start), wallString(s.Wall))
	switch {
	case s.Failure != "":
		line += " FAILED: " + s.Failure
	case s.Skip != "":
		line += " skipped: " + s.Skip
	}
	return line
}

// evidenceLine is one message of a step in a line.
func evidenceLine(m *scenarios.Evidence, start time.Time) string {
	parts := []string{m.Kind}
	if m.Code != "" {
		parts = append(parts, m.Code)
	}
	if m.RequestID != "" {
		parts = append(parts, m.RequestID)
	}
	parts = append(parts, "at "+virtualString(m.At, start))
	if m.Elapsed > 0 || m.TRT > 0 {
		t := "after " + m.Elapsed.String()
		if m.TRT > 0 {
			t += " (TRT " + m.TRT.String() + ")"
		}
		parts = append(parts, t)
	}
	if m.TRTBreached {
		parts = append(parts, "TRT BREACHED")
	}
	return strings.Join(parts, " ")
}

// stateChange is one device property a step saw, before and after it.
type stateChange struct {
	Device, Property, Before, After string
	Changed                         bool
}

// stateChanges lists every property in a step's Before or After, by device and property; only
// those that changed when only changes is set.
func stateChanges(s *scenarios.StepResult) []stateChange {
	return deviceState(s, true)
}

func deviceState(s *scenarios.StepResult, onlyChanges bool) []stateChange {
	devs := map[string]bool{}
	for d := range s.Before {
		devs[d] = true
	}
	for d := range s.After {
		devs[d] = true
	}
	var out []stateChange
	for _, d := range sortedKeys(devs) {
		props := map[string]bool{}
		for p := range s.Before[d] {
			props[p] = true
		}
		for p := range s.After[d] {
			props[p] = true
		}
		for _, p := range sortedKeys(props) {
			bv, bok := s.Before[d][p]
			av, aok := s.After[d][p]
			changed := bv != av || bok != aok
			if onlyChanges && !changed {
				continue
			}
			out = append(out, stateChange{d, p, bv, av, changed})
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func varsString(vars map[string]string) string {
	keys := make(map[string]bool, len(vars))
	for k := range vars {
		keys[k] = true
	}
	parts := []string{}
	for _, k := range sortedKeys(keys) {
		parts = append(parts, k+"="+vars[k])
	}
	return strings.Join(parts, " ")
}

// caseStart is the virtual time the case's first step started at.
func caseStart(c *scenarios.CaseResult) time.Time {
	for _, s := range c.Steps {
		if !s.At.IsZero() {
			return s.At
		}
	}
	return time.Time{}
}

// virtualString is a virtual time as "+1h0m5s (2026-06-01T01:00:05Z)".
func virtualString(at, start time.Time) string {
	if at.IsZero() {
		return "-"
	}
	abs := at.UTC().Format(time.RFC3339Nano)
	if start.IsZero() {
		return abs
	}
	return fmt.Sprintf("+%s (%s)", at.Sub(start), abs)
}

func posString(p scenarios.Pos) string {
	if p.File == "" {
		return "-"
	}
	if p.Column > 0 {
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// wallString is a wall-clock duration rounded for people: "850µs", "12ms", "1.2s".
func wallString(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d >= time.Millisecond:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Microsecond).String()
}

// seconds is a duration in seconds with millisecond precision, as JUnit wants it.
func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// junitTime is a timestamp as the Ant format writes it: ISO 8601 without a zone, in UTC.
func junitTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05")
}

func shardLabel(s string) string {
	if s == "" {
		return "all"
	}
	return s
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}
