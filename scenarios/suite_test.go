package scenarios_test

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/scenarios"
)

func TestScenarios(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Scenarios Suite")
}

// The helpers below make scenarios in Go, as the loader would from YAML, each step placed on its
// own line of a file named after the spec.

const file = "specs/runner.yaml"

func at(line int) scenarios.Pos { return scenarios.Pos{File: file, Line: line, Column: 3} }

func scenario(name string, steps ...scenarios.Step) *scenarios.Scenario {
	return &scenarios.Scenario{File: file, Line: 1, Name: name, FleetName: "default", Steps: steps}
}

func caseOf(sc *scenarios.Scenario) scenarios.Case {
	return scenarios.Case{Scenario: sc, ID: sc.File + "::" + sc.Name, Name: sc.Name}
}

func send(line int, srv, as, to, body string, exp *scenarios.Expect) scenarios.Step {
	return scenarios.Step{Pos: at(line), Kind: scenarios.StepSend,
		Send: &scenarios.Send{SRV: srv, As: as, To: to, Body: body, Expect: exp}}
}

func device(line int, ref, prop string, op scenarios.Op, value string) scenarios.Step {
	return scenarios.Step{Pos: at(line), Kind: scenarios.StepDevice, Device: &scenarios.DeviceCheck{
		Checks: []scenarios.DeviceProperty{{Pos: at(line), Device: ref, Property: prop, Op: op, Value: value}}}}
}

func han(line int, action, dev, fuel, amount string) scenarios.Step {
	return scenarios.Step{Pos: at(line), Kind: scenarios.StepHAN,
		HAN: &scenarios.HANAction{Action: action, Device: dev, Fuel: fuel, Amount: amount}}
}

func advance(line int, by time.Duration) scenarios.Step {
	return scenarios.Step{Pos: at(line), Kind: scenarios.StepAdvance, Advance: &scenarios.Advance{By: by}}
}

func fault(line int, dev, kind string, d time.Duration) scenarios.Step {
	return scenarios.Step{Pos: at(line), Kind: scenarios.StepFault, Fault: &scenarios.Fault{Device: dev, Kind: kind, For: d}}
}

func expectAlerts(line int, within time.Duration, codes ...string) scenarios.Step {
	return scenarios.Step{Pos: at(line), Kind: scenarios.StepExpect, Expect: &scenarios.Expect{Alerts: codes, Within: within}}
}

func field(line int, path string, op scenarios.Op, value string) scenarios.Field {
	return scenarios.Field{Pos: at(line), Path: path, Op: op, Value: value}
}

const (
	esme  = "rtds-reference.ESME"
	gsme  = "rtds-reference.GSME"
	chf   = "rtds-reference.CHF"
	ppmid = "rtds-reference.PPMID"
)
