package scenarios

import "time"

// Status is how a test case or a step ended.
type Status string

// Statuses.
const (
	Passed Status = "passed"
	Failed Status = "failed"
	// Skipped: not run (filtered out, after --fail-fast, or a step not applicable to a real
	// device or another DCC: never silently passed).
	Skipped Status = "skipped"
)

// Result is what a run found.
type Result struct {
	Seed     uint64        `json:"seed"`
	Shard    string        `json:"shard,omitempty"` // "k/N"
	Started  time.Time     `json:"started"`
	Wall     time.Duration `json:"wall_ns"`
	DCC      string        `json:"dcc"` // "in-process" or the URL
	Cases    []CaseResult  `json:"cases"`
	Passed   int           `json:"passed"`
	Failed   int           `json:"failed"`
	Skipped  int           `json:"skipped"`
	Warnings []string      `json:"warnings,omitempty"`
}

// CaseResult is one test case's outcome with its evidence.
type CaseResult struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	File     string            `json:"file"`
	Tags     []string          `json:"tags,omitempty"`
	Vars     map[string]string `json:"vars,omitempty"`
	Seed     uint64            `json:"seed"` // the case's own seed, derived from the run's
	Status   Status            `json:"status"`
	Failure  string            `json:"failure,omitempty"`     // the first failure, with its file:line
	Skip     string            `json:"skip_reason,omitempty"` // why a skipped case did not run
	Wall     time.Duration     `json:"wall_ns"`
	Virtual  time.Duration     `json:"virtual_ns"` // virtual time the case covered
	Steps    []StepResult      `json:"steps"`
	Breaches int               `json:"trt_breaches"`
}

// StepResult is one step's outcome and evidence.
type StepResult struct {
	Pos      Pos           `json:"pos"`
	Kind     StepKind      `json:"kind"`
	Name     string        `json:"name"` // what it did, e.g. "send 7.2 as supplier to rtds-reference.ESME"
	Status   Status        `json:"status"`
	Failure  string        `json:"failure,omitempty"`
	Skip     string        `json:"skip_reason,omitempty"`
	At       time.Time     `json:"at"` // virtual time the step started
	Wall     time.Duration `json:"wall_ns"`
	Messages []Evidence    `json:"messages,omitempty"`
	// Before and After are the state of the devices the step touched, as "property: value" lines.
	Before map[string]map[string]string `json:"before,omitempty"`
	After  map[string]map[string]string `json:"after,omitempty"`
}

// Evidence is one message of a step: a request, its answer, an async response or an alert.
type Evidence struct {
	Kind        string        `json:"kind"` // request | answer | response | alert
	RequestID   string        `json:"request_id,omitempty"`
	Code        string        `json:"code,omitempty"`
	At          time.Time     `json:"at"`                   // virtual time
	Elapsed     time.Duration `json:"elapsed_ns,omitempty"` // from the request, for responses
	TRT         time.Duration `json:"trt_ns,omitempty"`     // the target response time, for responses
	TRTBreached bool          `json:"trt_breached,omitempty"`
	XML         string        `json:"xml"`
}

// Tally sets Passed, Failed and Skipped from the statuses of Cases.
func (r *Result) Tally() {
	r.Passed, r.Failed, r.Skipped = 0, 0, 0
	for i := range r.Cases {
		switch r.Cases[i].Status {
		case Passed:
			r.Passed++
		case Failed:
			r.Failed++
		case Skipped:
			r.Skipped++
		}
	}
}
