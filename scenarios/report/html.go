package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/smetsim/smetsim/scenarios"
)

// The HTML report is one page that needs nothing else: inline CSS, a few lines of inline script
// (expand or fold everything, show only cases of one status) and no link, image, font or script
// from anywhere, so it can be mailed, archived as a CI artefact and opened offline. It has the
// summary, a table of every case in the report's order, then every case with its steps in
// <details> foldouts — failed cases first and open, with their failing step open — holding each
// step's messages (XML indented, everything escaped by html/template), timings, and the device
// state before and after. TRT breaches are marked on the case row, the step and the message.

//go:embed report.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

type htmlView struct {
	Summary  string
	R        *scenarios.Result
	Shard    string
	Started  string
	Wall     string
	Breaches int
	Cases    []*htmlCase // report order
	Details  []*htmlCase // failed, passed, skipped
}

type htmlCase struct {
	Anchor   string
	Status   scenarios.Status
	Name     string
	ID       string
	File     string
	Tags     string
	Vars     string
	Seed     uint64
	Wall     string
	Virtual  string
	Breaches int
	Failure  string
	Skip     string
	Open     bool
	Steps    []htmlStep
}

type htmlStep struct {
	N        int
	Status   scenarios.Status
	Kind     scenarios.StepKind
	Name     string
	Pos      string
	At       string
	Wall     string
	Failure  string
	Skip     string
	Open     bool
	Breached bool
	Messages []htmlMessage
	State    []stateChange
}

type htmlMessage struct {
	Kind      string
	Code      string
	RequestID string
	At        string
	Elapsed   string
	TRT       string
	Breached  bool
	XML       string
}

func writeHTML(b *bytes.Buffer, r *scenarios.Result) error {
	v := htmlView{Summary: Summary(r), R: r, Shard: shardLabel(r.Shard), Wall: wallString(r.Wall)}
	if !r.Started.IsZero() {
		v.Started = r.Started.UTC().Format(time.RFC3339)
	}
	for i := range r.Cases {
		c := htmlCaseOf(i, &r.Cases[i])
		v.Breaches += c.Breaches
		v.Cases = append(v.Cases, c)
	}
	for _, st := range []scenarios.Status{scenarios.Failed, scenarios.Passed, scenarios.Skipped} {
		for _, c := range v.Cases {
			if c.Status == st {
				v.Details = append(v.Details, c)
			}
		}
	}
	var page bytes.Buffer
	if err := htmlTemplate.Execute(&page, v); err != nil {
		return err
	}
	// Control characters quoted from devices or endpoints are errors in HTML: show them as U+FFFD.
	b.WriteString(strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r >= 0x7f && r <= 0x9f {
			return '\uFFFD'
		}
		return r
	}, page.String()))
	return nil
}

func htmlCaseOf(i int, c *scenarios.CaseResult) *htmlCase {
	h := &htmlCase{
		Anchor: fmt.Sprintf("case-%d", i+1), Status: c.Status, Name: caseName(c), ID: c.ID, File: c.File,
		Tags: strings.Join(c.Tags, " "), Vars: varsString(c.Vars), Seed: c.Seed, Wall: wallString(c.Wall),
		Virtual: c.Virtual.String(), Breaches: c.Breaches, Failure: c.Failure, Open: c.Status == scenarios.Failed,
	}
	if c.Status == scenarios.Skipped {
		h.Skip = skipReason(c)
	}
	start := caseStart(c)
	breaches := 0
	for j := range c.Steps {
		s := &c.Steps[j]
		hs := htmlStep{
			N: j + 1, Status: s.Status, Kind: s.Kind, Name: s.Name, Pos: posString(s.Pos),
			At: virtualString(s.At, start), Wall: wallString(s.Wall), Failure: s.Failure, Skip: s.Skip,
			Open: s.Status == scenarios.Failed, State: deviceState(s, false),
		}
		for _, m := range s.Messages {
			hm := htmlMessage{Kind: m.Kind, Code: m.Code, RequestID: m.RequestID, At: virtualString(m.At, start),
				Breached: m.TRTBreached, XML: prettyXML(m.XML)}
			if m.Elapsed > 0 || m.TRT > 0 {
				hm.Elapsed = m.Elapsed.String()
			}
			if m.TRT > 0 {
				hm.TRT = m.TRT.String()
			}
			if m.TRTBreached {
				hs.Breached = true
				breaches++
			}
			hs.Messages = append(hs.Messages, hm)
		}
		h.Steps = append(h.Steps, hs)
	}
	// The case's count is the runner's; breaches marked on messages count when it did not say.
	h.Breaches = max(h.Breaches, breaches)
	return h
}
