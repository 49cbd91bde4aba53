// Package match holds Gomega matchers for writing Ginkgo specs against smetsim directly: a team's
// own suite builds a scenarios.World, sends service requests and moves the clock in Go, and checks
// what came back and what the devices hold with these matchers.
//
//	w, _ := scenarios.NewWorld(sc, 1, scenarios.Options{})
//	ex, _ := w.Send(scenarios.Send{As: "supplier", SRV: "7.2", To: "rtds-reference.ESME", Body: "<DisableSupply/>"})
//	Expect(ex).To(match.HaveResponseCode("I99"))
//	rsp, _ := w.AwaitResponse(ex, 0)
//	Expect(rsp).To(match.HaveField("@MessageSuccess", "true"))
//	Expect(w).To(match.HaveSupplyState("rtds-reference.ESME", devices.SupplyDisabled))
//	Expect(w.Receiver).To(match.HaveAlert("8F1C"))
package match

import (
	"fmt"

	"github.com/onsi/gomega/gcustom"
	"github.com/onsi/gomega/types"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/scenarios"
)

// HaveResponseCode succeeds when a request's last synchronous answer (a *scenarios.Exchange) or a
// message (a *scenarios.Message: an answer, an asynchronous response or an alert) carries the DUIS
// response code.
func HaveResponseCode(code string) types.GomegaMatcher {
	d := &gotData{Want: code}
	return gcustom.MakeMatcher(func(actual any) (bool, error) {
		got, err := responseCode(actual)
		if err != nil {
			return false, err
		}
		d.got = got
		return got == code, nil
	}).WithTemplate("Expected response code {{.Data.Want}}, got {{.Data.Got}}", d)
}

// gotData carries what a matcher read into its failure message.
type gotData struct {
	Want string
	got  string
}

// Got is the value read.
func (g *gotData) Got() string { return g.got }

func responseCode(actual any) (string, error) {
	switch a := actual.(type) {
	case *scenarios.Exchange:
		if a == nil || len(a.Legs) == 0 {
			return "", fmt.Errorf("HaveResponseCode: the exchange has no answer")
		}
		return a.Code(), nil
	case *scenarios.Message:
		if a == nil {
			return "", fmt.Errorf("HaveResponseCode: no message")
		}
		return a.Code, nil
	}
	return "", fmt.Errorf("HaveResponseCode wants a *scenarios.Exchange or *scenarios.Message, got %T", actual)
}

// HaveField succeeds when a message's MMC payload has a value at path (element local names from
// the payload's root, "@name" for an attribute) that satisfies check: a value ("Disabled": equal,
// ignoring case) or a comparison ("> 0", ">= 12.5", "~ ^1\\.4", "contains Economy", "exists").
func HaveField(path, check string) types.GomegaMatcher {
	op, want, err := scenarios.ParseCheck(check)
	return gcustom.MakeMatcher(func(m *scenarios.Message) (bool, error) {
		if err != nil {
			return false, fmt.Errorf("HaveField %q: %w", check, err)
		}
		if m == nil || m.Payload == nil {
			return false, fmt.Errorf("HaveField: the message carries no payload")
		}
		got, ok := m.Payload.Field(path)
		if op == scenarios.OpExists {
			return ok, nil
		}
		if !ok {
			return false, nil
		}
		return scenarios.Compare(got, op, want) == "", nil
	}).WithMessage(fmt.Sprintf("have %s %s", path, check))
}

// HaveSupplyState succeeds when a World's device (by reference: "<premises>.<KIND>" or an EUI-64)
// has the supply state: a devices.SupplyState or its name ("enabled", "disabled", "armed").
func HaveSupplyState(ref string, state any) types.GomegaMatcher {
	want := fmt.Sprint(state)
	if s, ok := state.(devices.SupplyState); ok {
		want = s.String()
	}
	return HaveProperty(ref, "supply", want)
}

// HaveProperty succeeds when a World's device has a property (scenarios.Properties: supply,
// balance, register, firmware, smi_status …) that satisfies check, as a scenario's device step
// checks it.
func HaveProperty(ref, prop, check string) types.GomegaMatcher {
	op, want, perr := scenarios.ParseCheck(check)
	var got string
	return gcustom.MakeMatcher(func(w *scenarios.World) (bool, error) {
		if perr != nil {
			return false, fmt.Errorf("HaveProperty %q: %w", check, perr)
		}
		d, err := w.Device(ref)
		if err != nil {
			return false, err
		}
		if got, err = w.Property(d, prop); err != nil {
			return false, err
		}
		return scenarios.Compare(got, op, want) == "", nil
	}).WithTemplate("Expected {{.Data.Ref}} {{.To}} have {{.Data.Prop}} {{.Data.Check}}, got {{.Data.Got}}",
		&propData{Ref: ref, Prop: prop, Check: check, got: &got})
}

type propData struct {
	Ref, Prop, Check string
	got              *string
}

// Got is the value read, for the failure message.
func (p *propData) Got() string { return *p.got }

// HaveAlert succeeds when a Receive Response Service (a *scenarios.Receiver, such as World.Receiver)
// or a list of messages holds an alert with the code: a device alert's 4 hex digits ("8F1C") or a
// DCC alert's code ("AD1", "N42").
func HaveAlert(code string) types.GomegaMatcher {
	return gcustom.MakeMatcher(func(actual any) (bool, error) {
		switch a := actual.(type) {
		case *scenarios.Receiver:
			return len(a.Alerts(code)) > 0, nil
		case []*scenarios.Message:
			for _, m := range a {
				if m.AlertCode == code {
					return true, nil
				}
			}
			return false, nil
		}
		return false, fmt.Errorf("HaveAlert wants a *scenarios.Receiver or []*scenarios.Message, got %T", actual)
	}).WithMessage("have alert " + code)
}
