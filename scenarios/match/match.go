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
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/scenarios"
)

// HaveResponseCode succeeds when a request's last synchronous answer (a *scenarios.Exchange) or a
// message (a *scenarios.Message: an answer, an asynchronous response or an alert) carries the DUIS
// response code.
func HaveResponseCode(code string) types.GomegaMatcher {
	m := &matcher{}
	m.match = func(actual any) (bool, error) {
		got, err := responseCode(actual)
		if err != nil {
			return false, err
		}
		m.got = got
		return got == code, nil
	}
	m.message = func(to string) string {
		return fmt.Sprintf("Expected response code %s%s, got %s", not(to), code, m.got)
	}
	return m
}

// matcher is a Gomega matcher whose failure messages say only what it read. Gomega's own
// gcustom matchers render the whole actual value into every message, and rendering a live
// World or Receiver reads device state while the clock's goroutine writes it: a data race
// the race detector reports, and pages of output nobody wants.
type matcher struct {
	match   func(actual any) (bool, error)
	message func(to string) string // to is "to" or "not to"
	got     string
}

// Match implements types.GomegaMatcher.
func (m *matcher) Match(actual any) (bool, error) { return m.match(actual) }

// FailureMessage implements types.GomegaMatcher.
func (m *matcher) FailureMessage(any) string { return m.message("to") }

// NegatedFailureMessage implements types.GomegaMatcher.
func (m *matcher) NegatedFailureMessage(any) string { return m.message("not to") }

// not turns "not to" into "not " for messages phrased without "to".
func not(to string) string {
	if to == "not to" {
		return "not "
	}
	return ""
}

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
	mt := &matcher{}
	mt.match = func(actual any) (bool, error) {
		if err != nil {
			return false, fmt.Errorf("HaveField %q: %w", check, err)
		}
		m, ok := actual.(*scenarios.Message)
		if !ok {
			return false, fmt.Errorf("HaveField wants a *scenarios.Message, got %T", actual)
		}
		if m == nil || m.Payload == nil {
			return false, fmt.Errorf("HaveField: the message carries no payload")
		}
		got, ok := m.Payload.Field(path)
		mt.got = got
		if !ok {
			mt.got = "no such field"
		}
		if op == scenarios.OpExists {
			return ok, nil
		}
		if op == scenarios.OpAbsent {
			return !ok, nil
		}
		if !ok {
			return false, nil
		}
		return scenarios.Compare(got, op, want) == "", nil
	}
	mt.message = func(to string) string {
		return fmt.Sprintf("Expected the message %s have %s %s, got %s", to, path, check, mt.got)
	}
	return mt
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
	m := &matcher{}
	m.match = func(actual any) (bool, error) {
		if perr != nil {
			return false, fmt.Errorf("HaveProperty %q: %w", check, perr)
		}
		w, ok := actual.(*scenarios.World)
		if !ok || w == nil {
			return false, fmt.Errorf("HaveProperty wants a *scenarios.World, got %T", actual)
		}
		d, err := w.Device(ref)
		if err != nil {
			return false, err
		}
		if m.got, err = w.Property(d, prop); err != nil {
			return false, err
		}
		return scenarios.Compare(m.got, op, want) == "", nil
	}
	m.message = func(to string) string {
		return fmt.Sprintf("Expected %s %s have %s %s, got %s", ref, to, prop, check, m.got)
	}
	return m
}

// HaveAlert succeeds when a Receive Response Service (a *scenarios.Receiver, such as World.Receiver)
// or a list of messages holds an alert with the code: a device alert's 4 hex digits ("8F1C") or a
// DCC alert's code ("AD1", "N42").
func HaveAlert(code string) types.GomegaMatcher {
	m := &matcher{}
	m.match = func(actual any) (bool, error) {
		var msgs []*scenarios.Message
		switch a := actual.(type) {
		case *scenarios.Receiver:
			msgs = a.Messages()
		case []*scenarios.Message:
			msgs = a
		default:
			return false, fmt.Errorf("HaveAlert wants a *scenarios.Receiver or []*scenarios.Message, got %T", actual)
		}
		var seen []string
		for _, msg := range msgs {
			if strings.EqualFold(msg.AlertCode, code) {
				return true, nil
			}
			if msg.AlertCode != "" {
				seen = append(seen, msg.AlertCode)
			}
		}
		m.got = "alerts " + fmt.Sprint(seen)
		if len(seen) == 0 {
			m.got = "no alerts"
		}
		return false, nil
	}
	m.message = func(to string) string {
		if to == "not to" {
			return "Expected no alert " + code + ", but one arrived"
		}
		return fmt.Sprintf("Expected alert %s, got %s", code, m.got)
	}
	return m
}
