package uts

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/smetsim/smetsim/internal/atomicfile"
)

// The files WriteDir writes.
const (
	JSONFile  = "uts.json"
	HTMLFile  = "uts.html"
	JUnitFile = "junit.xml"
)

// ReportFormat is the version of uts.json's layout: fields are only added; it goes up if one
// changes meaning or goes away.
const ReportFormat = 1

// Case classes: what a test case judges.
const (
	ClassRequest = "request" // one request the User sent, judged by Rules
	ClassPack    = "pack"    // one case of the pack: a stimulus and how the User took it
	ClassReceive = "receive" // a message outside the pack (an alert the fleet raised) and how the User took it
)

// Report is what a UTS session found: its test cases, passed and failed, with their evidence.
type Report struct {
	Format    int       `json:"report_format"`
	Pack      string    `json:"pack"`
	PackFiles []string  `json:"pack_files"`
	Started   time.Time `json:"started"`
	Finished  time.Time `json:"finished"`
	// Complete: every case of the pack was run and judged.
	Complete bool   `json:"complete"`
	Passed   int    `json:"passed"`
	Failed   int    `json:"failed"`
	Cases    []Case `json:"cases"`
}

// Case is one UTS test case.
type Case struct {
	Class     string   `json:"class"`
	Name      string   `json:"name"`
	SRV       string   `json:"srv,omitempty"`
	RequestID string   `json:"request_id,omitempty"`
	Stimulus  Stimulus `json:"stimulus,omitempty"`
	Where     string   `json:"where,omitempty"` // the pack case's file:line
	Passed    bool     `json:"passed"`
	// Failure names the first failed rule and why ("counter: counter 5 is not greater than 7 …").
	Failure  string     `json:"failure,omitempty"`
	Note     string     `json:"note,omitempty"`
	Checks   []Check    `json:"checks"`
	Evidence []Evidence `json:"evidence"`
	Started  time.Time  `json:"started"`
	Finished time.Time  `json:"finished"`
}

// Check is one rule judged in a case.
type Check struct {
	Rule   string `json:"rule"`
	Passed bool   `json:"passed"`
	Detail string `json:"detail,omitempty"`
}

// Evidence is one message of a case: a request and the DCC's answer, or a delivery to the User
// and the User's answer.
type Evidence struct {
	Label      string    `json:"label"`
	At         time.Time `json:"at,omitzero"`
	Endpoint   string    `json:"endpoint,omitempty"` // a request's DUIS endpoint
	URL        string    `json:"url,omitempty"`      // a delivery's Receive Response Service URL
	HTTPStatus int       `json:"http_status,omitempty"`
	Code       string    `json:"code,omitempty"`   // the DUIS response code of an answer
	Reason     string    `json:"reason,omitempty"` // the DCC's X-Smetsim-Reason, or a refusal's body
	XML        string    `json:"xml,omitempty"`    // the document sent
	Answer     string    `json:"answer,omitempty"` // the User's HTTP answer body (at most 4 KiB)
	Error      string    `json:"error,omitempty"`  // why a delivery failed
}

// settle sets Passed and Failure from the checks.
func (c *Case) settle() {
	c.Passed, c.Failure = true, ""
	for _, ch := range c.Checks {
		if !ch.Passed {
			c.Passed = false
			c.Failure = ch.Rule + ": " + ch.Detail
			return
		}
	}
}

func (c *Case) copy() Case {
	cp := *c
	cp.Checks = append([]Check(nil), c.Checks...)
	cp.Evidence = append([]Evidence(nil), c.Evidence...)
	return cp
}

func (r *Report) count() {
	r.Passed, r.Failed = 0, 0
	for _, c := range r.Cases {
		if c.Passed {
			r.Passed++
		} else {
			r.Failed++
		}
	}
}

// OK reports whether the session passed: the pack complete and no case failed.
func (r *Report) OK() bool { return r.Complete && r.Failed == 0 }

// Failures returns the failed cases.
func (r *Report) Failures() []Case {
	var out []Case
	for _, c := range r.Cases {
		if !c.Passed {
			out = append(out, c)
		}
	}
	return out
}

// WriteDir writes uts.json, uts.html and junit.xml into dir, creating it if needed. Everything is
// rendered first, and each file replaced atomically; uts.json goes last.
func (r *Report) WriteDir(dir string) error {
	var j, h, x bytes.Buffer
	if err := r.WriteJUnit(&x); err != nil {
		return fmt.Errorf("write UTS report: %w", err)
	}
	if err := r.WriteHTML(&h); err != nil {
		return fmt.Errorf("write UTS report: %w", err)
	}
	if err := r.WriteJSON(&j); err != nil {
		return fmt.Errorf("write UTS report: %w", err)
	}
	return atomicfile.WriteDir(dir, atomicfile.File{Name: JUnitFile, Data: x.Bytes()},
		atomicfile.File{Name: HTMLFile, Data: h.Bytes()}, atomicfile.File{Name: JSONFile, Data: j.Bytes()})
}

// WriteJSON writes the report as uts.json.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	cp := *r
	if cp.Cases == nil {
		cp.Cases = []Case{}
	}
	for i := range cp.Cases {
		if cp.Cases[i].Checks == nil {
			cp.Cases[i].Checks = []Check{}
		}
		if cp.Cases[i].Evidence == nil {
			cp.Cases[i].Evidence = []Evidence{}
		}
	}
	if cp.PackFiles == nil {
		cp.PackFiles = []string{}
	}
	return enc.Encode(&cp)
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the report as junit.xml: one testsuite per class of case (request, pack,
// receive), one testcase per case, its evidence in system-out.
func (r *Report) WriteJUnit(w io.Writer) error {
	out := junitSuites{Name: "UTS " + r.Pack}
	for _, class := range []string{ClassRequest, ClassPack, ClassReceive} {
		s := junitSuite{Name: "uts." + class}
		for _, c := range r.Cases {
			if c.Class != class {
				continue
			}
			jc := junitCase{Name: c.Name, Classname: "uts." + class, Time: fmt.Sprintf("%.3f", seconds(c)), SystemOut: caseText(c)}
			if !c.Passed {
				rule := strings.SplitN(c.Failure, ":", 2)[0]
				jc.Failure = &junitFailure{Message: c.Failure, Type: rule, Text: caseText(c)}
				s.Failures++
			}
			s.Tests++
			s.Cases = append(s.Cases, jc)
		}
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds(c Case) float64 {
	if c.Finished.IsZero() || c.Finished.Before(c.Started) {
		return 0
	}
	return c.Finished.Sub(c.Started).Seconds()
}

// caseText is a case's checks and evidence as plain text.
func caseText(c Case) string {
	var b strings.Builder
	if c.Where != "" {
		fmt.Fprintf(&b, "pack case %s\n", c.Where)
	}
	if c.Note != "" {
		fmt.Fprintf(&b, "%s\n", c.Note)
	}
	for _, ch := range c.Checks {
		st := "PASS"
		if !ch.Passed {
			st = "FAIL"
		}
		fmt.Fprintf(&b, "%s %s", st, ch.Rule)
		if ch.Detail != "" {
			fmt.Fprintf(&b, ": %s", ch.Detail)
		}
		b.WriteString("\n")
	}
	for _, e := range c.Evidence {
		fmt.Fprintf(&b, "--- %s", e.Label)
		if e.Endpoint != "" {
			fmt.Fprintf(&b, " at %s", e.Endpoint)
		}
		if e.URL != "" {
			fmt.Fprintf(&b, " to %s", e.URL)
		}
		if e.HTTPStatus != 0 {
			fmt.Fprintf(&b, " HTTP %d", e.HTTPStatus)
		}
		if e.Code != "" {
			fmt.Fprintf(&b, " %s", e.Code)
		}
		if e.Reason != "" {
			fmt.Fprintf(&b, " (%s)", e.Reason)
		}
		if e.Error != "" {
			fmt.Fprintf(&b, " error: %s", e.Error)
		}
		b.WriteString("\n")
		if e.XML != "" {
			b.WriteString(e.XML)
			b.WriteString("\n")
		}
		if e.Answer != "" {
			fmt.Fprintf(&b, "User answered: %s\n", e.Answer)
		}
	}
	return b.String()
}

var htmlPage = template.Must(template.New("uts").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>UTS report: {{.Pack}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}.sum{margin:.5em 0 1em}
.pass{color:#17692b}.fail{color:#a8071a}
details{border:1px solid #ccc;border-radius:4px;margin:.3em 0;padding:.3em .6em}
details.fail{border-color:#a8071a;background:#fff5f5}
summary{cursor:pointer}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;padding:.5em;font-size:12px;max-height:30em;overflow:auto}
table{border-collapse:collapse}td,th{padding:.15em .6em;text-align:left;vertical-align:top}
.cls{font-size:11px;color:#666;text-transform:uppercase}
</style></head><body>
<h1>UTS report: {{.Pack}}</h1>
<div class="sum"><span class="pass">{{.Passed}} passed</span>, <span class="fail">{{.Failed}} failed</span>;
pack {{if .Complete}}complete{{else}}<b class="fail">not complete</b>{{end}};
{{.Started.Format "2006-01-02 15:04:05Z07:00"}} to {{.Finished.Format "2006-01-02 15:04:05Z07:00"}}</div>
{{range .Cases}}<details class="{{if .Passed}}pass{{else}}fail{{end}}"{{if not .Passed}} open{{end}}>
<summary><span class="cls">{{.Class}}</span> <b class="{{if .Passed}}pass{{else}}fail{{end}}">{{if .Passed}}PASS{{else}}FAIL{{end}}</b> {{.Name}}{{if .Failure}} — {{.Failure}}{{end}}</summary>
{{if .Where}}<div>pack case {{.Where}}</div>{{end}}{{if .Note}}<div>{{.Note}}</div>{{end}}
<table>{{range .Checks}}<tr><td class="{{if .Passed}}pass{{else}}fail{{end}}">{{if .Passed}}PASS{{else}}FAIL{{end}}</td><td>{{.Rule}}</td><td>{{.Detail}}</td></tr>{{end}}</table>
{{range .Evidence}}<h4>{{.Label}}{{if .Endpoint}} at {{.Endpoint}}{{end}}{{if .URL}} to {{.URL}}{{end}}{{if .HTTPStatus}} — HTTP {{.HTTPStatus}}{{end}}{{if .Code}} {{.Code}}{{end}}</h4>
{{if .Reason}}<div>{{.Reason}}</div>{{end}}{{if .Error}}<div class="fail">{{.Error}}</div>{{end}}
{{if .XML}}<pre>{{.XML}}</pre>{{end}}{{if .Answer}}<div>User answered:</div><pre>{{.Answer}}</pre>{{end}}
{{end}}</details>
{{end}}</body></html>
`))

// WriteHTML writes the report as uts.html: one self-contained page, nothing fetched from anywhere.
func (r *Report) WriteHTML(w io.Writer) error { return htmlPage.Execute(w, r) }
