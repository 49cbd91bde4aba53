package report_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/smetsim/smetsim/scenarios"
)

var t0 = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

const (
	supplyFile = "fixtures/scenarios/smoke/supply.yaml"
	topUpFile  = "fixtures/scenarios/smoke/top-up.yaml"
)

// request7_2 is a DUIS request as the runner keeps it: one line, namespaced.
const request7_2 = `<?xml version="1.0" encoding="UTF-8"?><sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="5.4"><sr:Header><sr:RequestID>90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1001</sr:RequestID><sr:CommandVariant>5</sr:CommandVariant><sr:ServiceReference>7.2</sr:ServiceReference><sr:ServiceReferenceVariant>7.2</sr:ServiceReferenceVariant></sr:Header><sr:Body><sr:DisableSupply/></sr:Body></sr:Request>`

const answerI99 = `<sr:Response xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"><sr:Header><sr:ResponseCode>I99</sr:ResponseCode></sr:Header></sr:Response>`

const response7_4 = `<sr:Response xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" xmlns:ra="http://www.dccinterface.co.uk/ResponseAndAlert"><sr:Header><sr:ResponseCode>I0</sr:ResponseCode></sr:Header><sr:Body><ra:ReadSupplyStatusRsp><ra:SupplyStatus>Enabled &amp; armed &lt;sic&gt;</ra:SupplyStatus></ra:ReadSupplyStatusRsp></sr:Body></sr:Response>`

// hostile is text a device or a DUIS endpoint might send that must not break any report: markup,
// a CDATA end, a control character, quotes and a script.
const hostile = "<script>alert(1)</script> ]]> \x01 \"quoted\" & 'single' </system-out>"

func rid(n int) string { return fmt.Sprintf("90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:%d", n) }

// sampleResult is a run of five cases over two files: a passed case with a TRT breach, a failed
// parametrised row, a passed row, a case skipped after --fail-fast and one with a hostile
// failure text in its evidence.
func sampleResult() *scenarios.Result {
	sendStep := func(line int, at time.Time, breach bool) scenarios.StepResult {
		return scenarios.StepResult{
			Pos: scenarios.Pos{File: supplyFile, Line: line, Column: 5}, Kind: scenarios.StepSend,
			Name: "send 7.2 as supplier to rtds-reference.ESME", Status: scenarios.Passed, At: at, Wall: 3 * time.Millisecond,
			Messages: []scenarios.Evidence{
				{Kind: "request", RequestID: rid(1001), At: at, XML: request7_2},
				{Kind: "answer", RequestID: rid(1001), Code: "I99", At: at, XML: answerI99},
				{Kind: "response", RequestID: rid(1001), Code: "I0", At: at.Add(95 * time.Second), Elapsed: 95 * time.Second,
					TRT: 60 * time.Second, TRTBreached: breach, XML: response7_4},
			},
			Before: map[string]map[string]string{"rtds-reference.ESME": {"supply": "enabled", "balance": "12.50"}},
			After:  map[string]map[string]string{"rtds-reference.ESME": {"supply": "disabled", "balance": "12.50"}},
		}
	}
	deviceStep := func(line int, at time.Time, status scenarios.Status, failure string) scenarios.StepResult {
		return scenarios.StepResult{
			Pos: scenarios.Pos{File: supplyFile, Line: line, Column: 5}, Kind: scenarios.StepDevice,
			Name: "device rtds-reference.ESME supply", Status: status, Failure: failure, At: at, Wall: 200 * time.Microsecond,
			Before: map[string]map[string]string{"rtds-reference.ESME": {"supply": "enabled"}},
			After:  map[string]map[string]string{"rtds-reference.ESME": {"supply": "enabled"}},
		}
	}
	failure := supplyFile + ":14:5: supply: got enabled, want disabled"
	r := &scenarios.Result{
		Seed: 42, Shard: "", Started: t0, Wall: 2500 * time.Millisecond, DCC: "in-process",
		Warnings: []string{"fixtures/scenarios/smoke/supply.yaml: 7.2 has no TRT for GSME; 1h assumed"},
		Cases: []scenarios.CaseResult{
			{
				ID: supplyFile + "::Disable supply", Name: "Disable supply", File: supplyFile, Tags: []string{"smoke", "supply"},
				Seed: 4201, Status: scenarios.Passed, Wall: 1200 * time.Millisecond, Virtual: 95 * time.Second, Breaches: 1,
				Steps: []scenarios.StepResult{sendStep(9, t0, true), deviceStep(14, t0.Add(95*time.Second), scenarios.Passed, "")},
			},
			{
				ID: supplyFile + "::Disable supply by model[1]", Name: "Disable supply by model [model=ACME-2]", File: supplyFile,
				Tags: []string{"smoke", "supply"}, Vars: map[string]string{"model": "ACME-2"},
				Seed: 4202, Status: scenarios.Failed, Failure: failure, Wall: 400 * time.Millisecond, Virtual: 95 * time.Second,
				Steps: []scenarios.StepResult{
					sendStep(9, t0, false),
					deviceStep(14, t0.Add(95*time.Second), scenarios.Failed, failure),
					{Pos: scenarios.Pos{File: supplyFile, Line: 20, Column: 5}, Kind: scenarios.StepSend, Name: "send 7.1 as supplier to rtds-reference.ESME",
						Status: scenarios.Skipped, Skip: "after a failed step"},
				},
			},
			{
				ID: supplyFile + "::Disable supply by model[2]", Name: "Disable supply by model [model=ACME-3]", File: supplyFile,
				Tags: []string{"smoke", "supply"}, Vars: map[string]string{"model": "ACME-3"},
				Seed: 4203, Status: scenarios.Passed, Wall: 300 * time.Millisecond, Virtual: 95 * time.Second,
				Steps: []scenarios.StepResult{sendStep(9, t0, false), deviceStep(14, t0.Add(95*time.Second), scenarios.Passed, "")},
			},
			{
				ID: topUpFile + "::Top up", Name: "Top up", File: topUpFile, Tags: []string{"ppmid", "slow"}, Seed: 4204,
				Status: scenarios.Skipped, Skip: "after --fail-fast",
			},
			{
				ID: topUpFile + "::Top up hostile", Name: "Top up <b>hostile</b>", File: topUpFile, Tags: []string{"ppmid"}, Seed: 4205,
				Status: scenarios.Failed, Failure: topUpFile + ":7:3: " + hostile, Wall: 50 * time.Millisecond, Virtual: time.Hour,
				Steps: []scenarios.StepResult{{
					Pos: scenarios.Pos{File: topUpFile, Line: 7, Column: 3}, Kind: scenarios.StepExpect, Name: "expect alerts 8F1C",
					Status: scenarios.Failed, Failure: topUpFile + ":7:3: " + hostile, At: t0, Wall: time.Millisecond,
					Messages: []scenarios.Evidence{{Kind: "alert", Code: "8F1C", At: t0.Add(time.Hour), XML: hostile}},
				}},
			},
		},
	}
	r.Tally()
	return r
}

func stringsReplace(s, old, new string) string { return strings.Replace(s, old, new, 1) }
