package ppc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"

	"github.com/smetsim/smetsim/internal/atomicfile"
	"github.com/smetsim/smetsim/scenarios/report"
	"github.com/smetsim/smetsim/simulator/registry"
	"github.com/smetsim/smetsim/simulator/srv"
)

// Report files written by WriteReports.
const (
	ConfidentialJSON = "ppc-confidential.json"
	ConfidentialHTML = "ppc-confidential.html"
	ShareableJSON    = "ppc-shareable.json"
	ShareableHTML    = "ppc-shareable.html"
	JUnitFile        = "junit.xml"
)

// Shareable is the view of a PPC test others may see. It holds only what the policy allows: the
// combination (the PPC list is published anyway) and, for a failed test, nothing (none), the
// notice (notice), or the notice and which SRVs failed (summary); never evidence, Device IDs or
// values.
type Shareable struct {
	PPC         string            `json:"ppc"`
	Combination map[string]string `json:"combination"`
	Policy      registry.Policy   `json:"policy"`
	// Outcome is "passed" (the EPC is public), "issues" when the policy lets that be known, else "".
	Outcome    string      `json:"outcome,omitempty"`
	EPC        string      `json:"epc,omitempty"`
	Notice     string      `json:"notice,omitempty"`
	FailedSRVs []SharedSRV `json:"failed_srvs,omitempty"`
}

// SharedSRV is an SRV that failed, as the summary policy shares it.
type SharedSRV struct {
	SRV  string `json:"srv"`
	Name string `json:"name"`
}

// Shareable derives the shareable view from the report under its policy.
func (r *Report) Shareable() Shareable {
	s := Shareable{PPC: r.PPC, Combination: r.Combination, Policy: r.Policy}
	if r.Passed {
		s.Outcome, s.EPC = "passed", r.EPC
		return s
	}
	switch r.Policy {
	case registry.PolicyNotice:
		s.Outcome, s.Notice = "issues", registry.NoticeText
	case registry.PolicySummary:
		s.Outcome, s.Notice = "issues", registry.NoticeText
		for _, v := range r.FailedSRVs() {
			ss := SharedSRV{SRV: v}
			if info := srv.Lookup(v); info != nil {
				ss.Name = info.Name
			}
			s.FailedSRVs = append(s.FailedSRVs, ss)
		}
	}
	return s
}

// WriteReports writes the confidential report (JSON and HTML, full evidence), the shareable one
// (JSON and HTML, what the policy allows) and junit.xml (the pack's cases, with evidence: it
// belongs with the confidential report) into dir, each file atomically.
func WriteReports(dir string, r *Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report directory: %w", err)
	}
	conf, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	sh := r.Shareable()
	share, err := json.MarshalIndent(sh, "", "  ")
	if err != nil {
		return err
	}
	var confHTML, shareHTML, junit bytes.Buffer
	if err := confidentialTmpl.Execute(&confHTML, r); err != nil {
		return err
	}
	if err := shareableTmpl.Execute(&shareHTML, sh); err != nil {
		return err
	}
	if err := report.WriteJUnit(&junit, r.Result); err != nil {
		return err
	}
	for name, data := range map[string][]byte{
		ConfidentialJSON: append(conf, '\n'), ConfidentialHTML: confHTML.Bytes(),
		ShareableJSON: append(share, '\n'), ShareableHTML: shareHTML.Bytes(), JUnitFile: junit.Bytes(),
	} {
		if err := atomicfile.Write(filepath.Join(dir, name), data); err != nil {
			return err
		}
	}
	return nil
}

const style = `body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse}
td,th{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}.pass{color:#060}.fail{color:#a00}
pre{white-space:pre-wrap;font-size:.8rem;background:#f6f6f6;padding:.5rem;max-height:20rem;overflow:auto}`

var confidentialTmpl = template.Must(template.New("confidential").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>PPC test {{.PPC}}: confidential report</title><style>` + style + `</style></head>
<body><h1>PPC test {{.PPC}} — confidential</h1>
<p>For the requesting party only ({{.RequestedBy}}). Information-sharing policy: {{.Policy}}.</p>
<table><tr><th>Outcome</th><td class="{{if .Passed}}pass{{else}}fail{{end}}">{{if .Passed}}passed: on the EPC as {{.EPC}}{{else}}failed: stays pending{{end}}</td></tr>
<tr><th>Tested (run clock)</th><td>{{.Tested.Format "2006-01-02 15:04:05Z07:00"}}</td></tr>
<tr><th>Seed</th><td>{{.Seed}}</td></tr>
{{range $k, $v := .Combination}}<tr><th>{{$k}}</th><td>{{$v}}</td></tr>{{end}}
{{with .Upgrade}}<tr><th>Upgrade</th><td>{{.From}} → {{.To}} from {{.Base}}</td></tr>{{end}}
{{with .Result}}<tr><th>Cases</th><td>{{.Passed}} passed, {{.Failed}} failed, {{.Skipped}} skipped</td></tr>{{end}}
</table>
<h2>Issues ({{len .Issues}})</h2>
{{range .Issues}}<section><h3 class="fail">{{.SRV}} {{.SRVName}} — {{.Case}}</h3>
<table><tr><th>Step</th><td>{{.Step}} ({{.At}})</td></tr><tr><th>Device</th><td>{{.Device}}</td></tr>
{{with .After}}<tr><th>After</th><td>{{.}}</td></tr>{{end}}
<tr><th>Expected</th><td>{{.Expected}}</td></tr><tr><th>Observed</th><td>{{.Observed}}</td></tr></table>
<pre>{{.Failure}}</pre>
{{range .Evidence}}<details><summary>{{.Kind}} {{.Code}} {{.RequestID}}</summary><pre>{{.XML}}</pre></details>{{end}}
</section>{{else}}<p>None.</p>{{end}}
{{if .NotApplicable}}<h2>Not applicable</h2><table>{{range $k, $v := .NotApplicable}}<tr><td>{{$k}}</td><td>{{$v}}</td></tr>{{end}}</table>{{end}}
<h2>Cases</h2><table><tr><th>Case</th><th>Status</th><th>Steps</th></tr>
{{with .Result}}{{range .Cases}}<tr><td>{{.Name}}</td><td class="{{if eq .Status "failed"}}fail{{else}}pass{{end}}">{{.Status}}</td><td>{{len .Steps}}</td></tr>{{end}}{{end}}
</table></body></html>
`))

var shareableTmpl = template.Must(template.New("shareable").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>PPC test {{.PPC}}: shareable report</title><style>` + style + `</style></head>
<body><h1>PPC test {{.PPC}}</h1>
<p>Information-sharing policy: {{.Policy}}.</p>
<table>{{range $k, $v := .Combination}}<tr><th>{{$k}}</th><td>{{$v}}</td></tr>{{end}}
{{if .Outcome}}<tr><th>Outcome</th><td>{{if eq .Outcome "passed"}}passed: on the EPC as {{.EPC}}{{else}}{{.Notice}}{{end}}</td></tr>{{end}}
</table>
{{if .FailedSRVs}}<h2>SRVs that failed</h2><ul>{{range .FailedSRVs}}<li>{{.SRV}} {{.Name}}</li>{{end}}</ul>{{end}}
</body></html>
`))
