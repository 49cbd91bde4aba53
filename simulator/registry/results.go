package registry

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/smetsim/smetsim/internal/yamldoc"
)

// Policy is the information-sharing policy of a PPC test: what others may learn of its issues.
type Policy string

// Policies.
const (
	PolicyNone    Policy = "none"    // nothing is shared
	PolicyNotice  Policy = "notice"  // that issues were encountered with the combination
	PolicySummary Policy = "summary" // which SRVs failed, without evidence
)

// ParsePolicy reads a policy name.
func ParsePolicy(s string) (Policy, error) {
	switch p := Policy(s); p {
	case PolicyNone, PolicyNotice, PolicySummary:
		return p, nil
	}
	return "", fmt.Errorf("policy %q: want none, notice or summary", s)
}

// NoticeText is what the notice policy shares, word for word.
const NoticeText = "issues were encountered with this combination"

// SharedText is what a policy lets others know of a failed test: nothing, the notice, or the
// notice with the SRVs that failed.
func SharedText(p Policy, failedSRVs []string) string {
	switch p {
	case PolicyNotice:
		return NoticeText
	case PolicySummary:
		if len(failedSRVs) == 0 {
			return NoticeText
		}
		return NoticeText + "; SRVs that failed: " + strings.Join(failedSRVs, ", ")
	}
	return ""
}

// Outcome is how a PPC test ended.
type Outcome string

// Outcomes.
const (
	Passed Outcome = "passed"
	Failed Outcome = "failed"
)

// Result is one PPC test run in this environment.
type Result struct {
	PPC        string
	Tested     time.Time // the run's clock at the end of the test
	Outcome    Outcome
	Policy     Policy
	FailedSRVs []string // for a failed test: the SRVs whose checks failed, in order
	EPC        string   // for a passed test: the EPC entry it became
}

// ResultColumns are the header of the results file.
var ResultColumns = []string{"ppc", "tested", "outcome", "policy", "failed_srvs", "epc"}

// ParseResults reads the PPC test results file (CSV, '#' comments, header ResultColumns; failed
// SRVs separated by spaces). Errors name the file, line, column and field.
func ParseResults(name string, data []byte) ([]Result, error) {
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
	r.Comment = '#'
	r.FieldsPerRecord = len(ResultColumns)
	r.TrimLeadingSpace = true
	locate := func(err error) error {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return &yamldoc.Error{File: name, Line: pe.Line, Column: pe.Column, Msg: pe.Err.Error() + " (want " + strings.Join(ResultColumns, ",") + ")"}
		}
		return &yamldoc.Error{File: name, Msg: err.Error()}
	}
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, &yamldoc.Error{File: name, Line: 1, Msg: "file is empty; want the header " + strings.Join(ResultColumns, ",")}
	}
	if err != nil {
		return nil, locate(err)
	}
	for i, h := range header {
		if strings.TrimSpace(h) != ResultColumns[i] {
			line, col := r.FieldPos(i)
			return nil, &yamldoc.Error{File: name, Line: line, Column: col, Field: ResultColumns[i],
				Msg: fmt.Sprintf("header column %d is %q; want %s", i+1, h, strings.Join(ResultColumns, ","))}
		}
	}
	var out []Result
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, locate(err)
		}
		bad := func(col int, format string, args ...any) error {
			l, c := r.FieldPos(col)
			return &yamldoc.Error{File: name, Line: l, Column: c, Field: ResultColumns[col], Msg: fmt.Sprintf(format, args...)}
		}
		res := Result{PPC: strings.TrimSpace(rec[0]), FailedSRVs: strings.Fields(rec[4]), EPC: strings.TrimSpace(rec[5])}
		if len(res.FailedSRVs) == 0 {
			res.FailedSRVs = nil
		}
		if !strings.HasPrefix(res.PPC, "PPC-") {
			return nil, bad(0, "%q is not a PPC id (PPC-0001)", rec[0])
		}
		if res.Tested, err = time.Parse(time.RFC3339, strings.TrimSpace(rec[1])); err != nil {
			return nil, bad(1, "%q is not an RFC 3339 time (2026-02-02T10:00:00Z)", rec[1])
		}
		switch res.Outcome = Outcome(strings.TrimSpace(rec[2])); res.Outcome {
		case Passed:
			if res.EPC == "" {
				return nil, bad(5, "missing: a passed test names the EPC entry it became")
			}
		case Failed:
		default:
			return nil, bad(2, "%q: want passed or failed", rec[2])
		}
		if res.Policy, err = ParsePolicy(strings.TrimSpace(rec[3])); err != nil {
			return nil, bad(3, "%v", err)
		}
		out = append(out, res)
	}
}

// WriteResults renders the results file ParseResults reads.
func WriteResults(rs []Result) []byte {
	var b bytes.Buffer
	b.WriteString("# smetsim PPC test results, written by smetsim. Format: docs/registry.md.\n")
	w := csv.NewWriter(&b)
	_ = w.Write(ResultColumns)
	for _, r := range rs {
		_ = w.Write([]string{r.PPC, r.Tested.UTC().Format(time.RFC3339), string(r.Outcome), string(r.Policy), strings.Join(r.FailedSRVs, " "), r.EPC})
	}
	w.Flush()
	return b.Bytes()
}
