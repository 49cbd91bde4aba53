package scenarios

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/srv"
)

// Defaults the steps use where a scenario says nothing. Each is a decision, documented here.
const (
	// AlertWithin is how long an alert expectation waits by default.
	AlertWithin = time.Hour
	// HANSettle is how long a han step lets the clock run after the action, so that the HAN
	// frames it starts (a top-up travelling from the PPMID to the meter and its answer) arrive
	// before the next step looks: a consumer's key press is not instantaneous either.
	HANSettle = 5 * time.Second
	// WakeSlack is how far past a GSME's wake-up "advance: {wake_of: …}" goes: the GPF hands the
	// GSME its queued commands while it is awake, and the DCC answers 2 s after the wake-up.
	WakeSlack = 10 * time.Second
	// SlowLatency is a "slow" fault's response time when the step gives none: twice the 30 s
	// Target Response Time of mains-powered devices, so requests time out (E21).
	SlowLatency = 60 * time.Second
)

// stepRun is one step being carried out: its result, filled as it goes.
type stepRun struct {
	w  *World
	st Step
	r  StepResult
}

func (s *stepRun) failf(pos Pos, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if pos.File == "" && pos.Line == 0 {
		pos = s.st.Pos
	}
	line := fmt.Sprintf("%s:%d: %s", pos.File, pos.Line, msg)
	if s.r.Failure == "" {
		s.r.Failure = line
	} else {
		s.r.Failure += "; " + msg
	}
	s.r.Status = Failed
}

func (s *stepRun) skip(reason string) {
	s.r.Status = Skipped
	s.r.Skip = reason
}

func (s *stepRun) evidence(e Evidence) { s.r.Messages = append(s.r.Messages, e) }

// before and after record a device's state around the step.
func (s *stepRun) before(d *Device) {
	if st := s.w.State(d); st != nil {
		if s.r.Before == nil {
			s.r.Before = map[string]map[string]string{}
		}
		s.r.Before[d.Ref] = st
	}
}

func (s *stepRun) after(ds ...*Device) {
	for _, d := range ds {
		if d == nil {
			continue
		}
		if st := s.w.State(d); st != nil {
			if s.r.After == nil {
				s.r.After = map[string]map[string]string{}
			}
			s.r.After[d.Ref] = st
		}
	}
}

// RunStep carries one step out on the world and returns its result with its evidence. A failed
// check fails the step with a message that starts with the step's (or the check's) file:line.
func (w *World) RunStep(st Step) StepResult {
	s := &stepRun{w: w, st: st, r: StepResult{Pos: st.Pos, Kind: st.Kind, Name: st.Name, At: w.Now(), Status: Passed}}
	if s.r.Name == "" {
		s.r.Name = describe(st)
	}
	t0 := time.Now()
	defer func() { s.r.Wall = time.Since(t0) }()
	switch st.Kind {
	case StepSend:
		s.send()
	case StepExpect:
		if x := st.Expect; x != nil && (x.Scheduled != nil || x.NoScheduled) {
			s.expectScheduled(x)
			if len(x.Alerts) == 0 {
				break
			}
		}
		s.expectAlerts(st.Expect, devices.EUI64{}, false, w.Now())
	case StepDevice:
		s.device()
	case StepHAN:
		s.han()
	case StepAdvance:
		s.advance()
	case StepFault:
		s.fault()
	default:
		s.failf(Pos{}, "unknown step kind %q", st.Kind)
	}
	if err := w.ctx.Err(); err != nil && s.r.Status != Failed {
		s.failf(Pos{}, "interrupted: %v", err)
	}
	return s.r
}

// describe names what a step does, for reports.
func describe(st Step) string {
	switch {
	case st.Send != nil:
		return fmt.Sprintf("send %s as %s to %s", st.Send.SRV, st.Send.As, st.Send.To)
	case st.Device != nil:
		var refs []string
		for _, c := range st.Device.Checks {
			if !containsString(refs, c.Device) {
				refs = append(refs, c.Device)
			}
		}
		return "device " + strings.Join(refs, ", ")
	case st.HAN != nil:
		return fmt.Sprintf("han %s on %s", st.HAN.Action, st.HAN.Device)
	case st.Advance != nil:
		switch {
		case st.Advance.To != "":
			return "advance to " + st.Advance.To
		case st.Advance.WakeOf != "":
			return "advance to the wake-up of " + st.Advance.WakeOf
		}
		return "advance " + st.Advance.By.String()
	case st.Fault != nil:
		d := fmt.Sprintf("fault %s on %s", st.Fault.Kind, st.Fault.Device)
		if st.Fault.For > 0 {
			d += " for " + st.Fault.For.String()
		}
		return d
	case st.Expect != nil:
		return "expect alerts " + strings.Join(st.Expect.Alerts, ", ")
	}
	return string(st.Kind)
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// needsEmulator skips a step that an external DCC cannot serve, and says so.
func (s *stepRun) needsEmulator() bool {
	if !s.w.External() {
		return false
	}
	s.skip(fmt.Sprintf("a %s step needs the emulated devices, which an external DCC (%s) does not expose", s.st.Kind, s.w.ext.url))
	return true
}

// send carries a send step out: the request (through Transform for a critical SRV), its
// synchronous answer, its asynchronous response and the alerts it expects.
func (s *stepRun) send() {
	w, sd := s.w, s.st.Send
	if sd == nil {
		s.failf(Pos{}, "send step without a request")
		return
	}
	user, err := w.User(sd.As)
	if err != nil {
		s.failf(Pos{}, "as: %v", err)
		return
	}
	sv := srv.Lookup(sd.SRV)
	if sv == nil {
		s.failf(Pos{}, "srv: %q is not a DUIS Service Reference Variant", sd.SRV)
		return
	}
	req := Request{As: user, SRV: sd.SRV, CV: sd.CV, Body: sd.Body, To: dcc.EUI}
	var dev *Device
	if sd.To != "DCC" {
		if dev, err = w.Device(sd.To); err != nil {
			s.failf(Pos{}, "to: %v", err)
			return
		}
		req.To = dev.EUI
		s.before(dev)
	}
	if sd.TopUp != "" {
		if s.needsEmulator() {
			return
		}
		code, err := s.topUpUTRN(dev, sd.TopUp)
		if err != nil {
			s.failf(Pos{}, "top_up: %v", err)
			return
		}
		req.Body = "<TopUpDevice><UTRN>" + code + "</UTRN></TopUpDevice>"
	}
	sentAt := w.Now()
	execAt := time.Time{}
	if sd.ExecuteAt != "" {
		if execAt, req.ExecuteAtText, err = executionTime(sd.ExecuteAt, sentAt); err != nil {
			s.failf(Pos{}, "execute_at: %v", err)
			return
		}
		req.ExecuteAt = execAt
	}
	ex, err := w.Client.Send(w.ctx, req)
	if ex != nil {
		for _, l := range ex.Legs {
			s.evidence(Evidence{Kind: "request", RequestID: l.RequestID, At: sentAt, XML: string(l.Request)})
			a := Evidence{Kind: "answer", RequestID: l.RequestID, At: sentAt}
			if l.Answer != nil {
				a.Code, a.XML = l.Answer.Code, string(l.Answer.XML)
				if !l.Answer.At.IsZero() {
					a.At = l.Answer.At
				}
			} else {
				a.Code, a.XML = fmt.Sprintf("HTTP %d", l.HTTPStatus), l.Reason
			}
			s.evidence(a)
		}
	}
	defer s.after(dev)
	if err != nil {
		s.failf(Pos{}, "send %s: %v", sd.SRV, err)
		return
	}
	exp := sd.Expect
	if exp == nil {
		exp = &Expect{}
	}
	got := ex.Code()
	want := exp.Code
	if want == "" {
		want = "I99"
		if cv := ex.Last().CV; cv == 8 || cv == 4 || cv == 2 || cv == 6 {
			want = "I0"
		}
	}
	if got != want {
		reason := ex.Last().Reason
		if reason != "" {
			reason = " (" + reason + ")"
		}
		s.failf(Pos{}, "answer to %s %s: expected %s, got %s%s", sd.SRV, ex.RequestID, want, got, reason)
		return
	}
	// The asynchronous response.
	trt := time.Duration(0)
	if dev != nil {
		trt = sv.TargetResponseTime(dev.Kind, w.wakeInterval(dev))
	} else {
		trt = sv.TargetResponseTime(0, 0)
	}
	within := exp.Within
	if within == 0 {
		within = trt
	}
	from := sentAt
	if execAt.After(from) {
		from = execAt
	}
	// A non-device request (CV 8) is answered synchronously and nothing follows: its response
	// check reads that answer, whose code the check above has already compared.
	if last := ex.Last(); last.CV == 8 && last.Answer != nil && exp.Response != nil {
		rc := *exp.Response
		if rc.Code == "" {
			rc.Code = got
		}
		s.checkResponse(last.Answer, &rc, sd.SRV)
		if len(exp.Alerts) > 0 {
			s.expectAlerts(exp, user, true, sentAt)
		}
		return
	}
	if exp.NoResponse || exp.Response != nil || got == "I99" {
		arrived, err := w.awaitUntil(from.Add(within), func() bool { return w.Receiver.Response(ex.RequestID) != nil })
		if err != nil {
			s.failf(Pos{}, "waiting for the response to %s: %v", ex.RequestID, err)
			return
		}
		m := w.Receiver.Response(ex.RequestID)
		if m != nil {
			s.evidence(s.responseEvidence(m, sentAt, within))
		}
		switch {
		case exp.NoResponse && arrived:
			s.failf(Pos{}, "expected no response to %s %s within %s, got %s after %s", sd.SRV, ex.RequestID, within, m.Code, m.At.Sub(sentAt))
			return
		case exp.NoResponse:
		case !arrived:
			s.failf(Pos{}, "no response to %s %s within %s", sd.SRV, ex.RequestID, within)
			return
		default:
			s.checkResponse(m, exp.Response, sd.SRV)
		}
	}
	if len(exp.Alerts) > 0 {
		s.expectAlerts(exp, user, true, sentAt)
	}
}

// executionTime reads execute_at: "+duration" after now, an RFC 3339 instant, or an xs:dateTime
// without a zone (UTC; DUIS's cancellation date 3000-12-31T00:00:00 is one), written as given.
func executionTime(v string, now time.Time) (time.Time, string, error) {
	if d, ok := strings.CutPrefix(v, "+"); ok {
		dur, err := time.ParseDuration(d)
		if err != nil || dur < 0 {
			return time.Time{}, "", fmt.Errorf("%q: want +duration (+1h30m), an RFC 3339 instant or an xs:dateTime", v)
		}
		return now.Add(dur), "", nil
	}
	t, err := parseDateTime(v)
	if err != nil {
		return time.Time{}, "", fmt.Errorf("%q: want +duration (+1h30m), an RFC 3339 instant or an xs:dateTime", v)
	}
	return t, v, nil
}

// wakeInterval is the wake interval of the device's premises' GSME, which sets a GSME request's
// Target Response Time.
func (w *World) wakeInterval(d *Device) time.Duration {
	if d.Premises != nil && d.Premises.GSME != nil {
		return d.Premises.GSME.Model().WakeInterval
	}
	return 0
}

// responseEvidence records an asynchronous response with its timings: the DCC's journal has the
// Target Response Time and whether it was breached, in-process; otherwise within is the target.
func (s *stepRun) responseEvidence(m *Message, sentAt time.Time, within time.Duration) Evidence {
	e := Evidence{Kind: "response", RequestID: m.RequestID, Code: m.Code, At: m.At, Elapsed: m.At.Sub(sentAt),
		TRT: within, XML: string(m.XML)}
	e.TRTBreached = e.Elapsed > within
	if s.w.DCC != nil {
		if r, ok := s.w.journal(m.RequestID); ok {
			e.Elapsed, e.TRT, e.TRTBreached = r.Elapsed, r.TRT, r.TRTBreached
		}
	}
	return e
}

// journal finds the DCC's record of a request (the one it took: a CV 5's, not its CV 4's).
func (w *World) journal(requestID string) (dcc.Record, bool) {
	recs := w.DCC.Journal()
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].RequestID.String() == requestID && (recs[i].Code == dcc.I99 || recs[i].Code == dcc.I0) {
			return recs[i], true
		}
	}
	return dcc.Record{}, false
}

// checkResponse checks an asynchronous response's signatures, code and fields.
func (s *stepRun) checkResponse(m *Message, rc *ResponseCheck, variant string) {
	if m.Err != nil {
		s.failf(Pos{}, "response %s: %v", m.RequestID, m.Err)
		return
	}
	want := "I0"
	if rc != nil && rc.Code != "" {
		want = rc.Code
	}
	if m.Code != want {
		reason := ""
		if s.w.DCC != nil {
			if r, ok := s.w.journal(m.RequestID); ok && r.AsyncReason != "" {
				reason = " (" + r.AsyncReason + ")"
			}
		}
		s.failf(Pos{}, "response to %s %s: expected %s, got %s%s", variant, m.RequestID, want, m.Code, reason)
		return
	}
	if rc == nil {
		return
	}
	for _, f := range rc.Fields {
		if m.Payload == nil {
			s.failf(f.Pos, "field %s: the response carries no MMC payload", f.Path)
			continue
		}
		v, ok := m.Payload.Field(f.Path)
		if !ok && f.Op == OpAbsent {
			continue
		}
		if !ok {
			s.failf(f.Pos, "field %s: not in the response's %s payload, which holds %s", f.Path, m.Payload.Local, m.Payload.outline())
			continue
		}
		want, missing := s.w.withSaved(f.Value)
		if missing != "" {
			s.failf(f.Pos, "field %s: no earlier step saved @{%s} (expect.response.save)", f.Path, missing)
			continue
		}
		if diff := Compare(v, f.Op, want); diff != "" {
			s.failf(f.Pos, "field %s: %s", f.Path, diff)
		}
	}
	for _, sv := range rc.Save {
		v, ok := "", false
		if m.Payload != nil {
			v, ok = m.Payload.Field(sv.Path)
		}
		if !ok {
			s.failf(sv.Pos, "save %s: %s is not in the response's payload", sv.Name, sv.Path)
			continue
		}
		s.w.saved[sv.Name] = v
	}
}

// withSaved puts saved response values in place of their @{name} references; it returns the
// first name no step has saved, if any.
func (w *World) withSaved(v string) (out, missing string) {
	out = savedRef.ReplaceAllStringFunc(v, func(ref string) string {
		name := savedRef.FindStringSubmatch(ref)[1]
		got, ok := w.saved[name]
		if !ok && missing == "" {
			missing = name
		}
		return got
	})
	return out, missing
}

// expectAlerts waits for the alerts an expectation names, each matched by an alert no earlier
// expectation matched; from the given user only, when one is given. Alerts that arrived before
// the step count, so an alert raised by a fault step is there for the expect step after it.
func (s *stepRun) expectAlerts(exp *Expect, user devices.EUI64, forUser bool, since time.Time) {
	if exp == nil || len(exp.Alerts) == 0 {
		s.failf(Pos{}, "expect step without alerts")
		return
	}
	w := s.w
	within := exp.Within
	if within == 0 {
		within = AlertWithin
	}
	var found []*Message
	match := func() bool {
		found = found[:0]
		taken := map[int]bool{}
		for _, code := range exp.Alerts {
			var hit *Message
			for _, m := range w.Receiver.Alerts(code) {
				if w.claimed[m.seq] || taken[m.seq] || (forUser && m.User != (devices.EUI64{}) && m.User != user) {
					continue
				}
				hit = m
				break
			}
			if hit == nil {
				return false
			}
			taken[hit.seq] = true
			found = append(found, hit)
		}
		return true
	}
	ok, err := w.awaitUntil(w.Now().Add(within), match)
	if err != nil {
		s.failf(Pos{}, "waiting for alerts: %v", err)
		return
	}
	if !ok {
		match() // which ones did come
		var missing []string
		have := map[string]int{}
		for _, m := range found {
			have[strings.ToUpper(m.AlertCode)]++
		}
		for _, code := range exp.Alerts {
			if have[strings.ToUpper(code)] > 0 {
				have[strings.ToUpper(code)]--
				continue
			}
			missing = append(missing, code)
		}
		var got []string
		for _, m := range w.Receiver.Alerts("") {
			if !w.claimed[m.seq] {
				got = append(got, m.AlertCode)
			}
		}
		s.failf(Pos{}, "alerts: expected %s within %s, missing %s; unmatched alerts received: [%s]",
			strings.Join(exp.Alerts, ", "), within, strings.Join(missing, ", "), strings.Join(got, ", "))
		return
	}
	for _, m := range found {
		w.claimed[m.seq] = true
		e := Evidence{Kind: "alert", RequestID: m.RequestID, Code: m.AlertCode, At: m.At, XML: string(m.XML)}
		if !since.IsZero() && !m.At.IsZero() && !m.At.Before(since) {
			e.Elapsed = m.At.Sub(since) // an alert that came before an expect step took no time
		}
		s.evidence(e)
		if m.Err != nil {
			s.failf(Pos{}, "alert %s: %v", m.AlertCode, m.Err)
		}
	}
}

// scheduledPrefix starts the RequestID of a request the DCC originates itself, as it does for
// a User's schedule (5.1).
var scheduledPrefix = dcc.EUI.String() + ":"

// expectScheduled waits for a response the DCC sends from a User's schedule, the first that no
// earlier expectation matched (of the SRV asked for, if any), and checks it; or, with
// NoScheduled, demands that none arrives within the step's Within.
func (s *stepRun) expectScheduled(exp *Expect) {
	w := s.w
	within := exp.Within
	if within == 0 {
		within = AlertWithin
	}
	want := ""
	if exp.Scheduled != nil {
		want = exp.Scheduled.SRV
	}
	var hit *Message
	match := func() bool {
		for _, m := range w.Receiver.Messages() {
			if m.Kind != KindResponse || !strings.HasPrefix(m.RequestID, scheduledPrefix) || w.claimed[m.seq] || (want != "" && m.SRV != want) {
				continue
			}
			hit = m
			return true
		}
		return false
	}
	start := w.Now()
	ok, err := w.awaitUntil(start.Add(within), match)
	if err != nil {
		s.failf(Pos{}, "waiting for a scheduled response: %v", err)
		return
	}
	if ok {
		w.claimed[hit.seq] = true
		s.evidence(Evidence{Kind: "response", RequestID: hit.RequestID, Code: hit.Code, At: hit.At, XML: string(hit.XML)})
	}
	switch {
	case exp.NoScheduled && ok:
		s.failf(Pos{}, "expected no response from a DCC schedule within %s, got %s %s at %s", within, hit.SRV, hit.RequestID, hit.At.UTC().Format(time.RFC3339))
	case exp.NoScheduled:
	case !ok && want != "":
		s.failf(Pos{}, "no response from a DCC schedule of %s within %s", want, within)
	case !ok:
		s.failf(Pos{}, "no response from a DCC schedule within %s", within)
	default:
		s.checkResponse(hit, exp.Scheduled, hit.SRV)
	}
}

// device checks device properties.
func (s *stepRun) device() {
	if s.needsEmulator() {
		return
	}
	dc := s.st.Device
	if dc == nil || len(dc.Checks) == 0 {
		s.failf(Pos{}, "device step without checks")
		return
	}
	var seen []*Device
	for _, c := range dc.Checks {
		d, err := s.w.Device(c.Device)
		if err != nil {
			s.failf(c.Pos, "%v", err)
			continue
		}
		v, err := s.w.Property(d, c.Property)
		if err != nil {
			s.failf(c.Pos, "%s %s: %v", c.Device, c.Property, err)
			continue
		}
		if diff := Compare(v, c.Op, c.Value); diff != "" {
			s.failf(c.Pos, "%s %s: %s", c.Device, c.Property, diff)
		}
		dup := false
		for _, x := range seen {
			dup = dup || x.Ref == d.Ref
		}
		if !dup {
			seen = append(seen, d)
		}
	}
	s.after(seen...)
}

// fuelKind reads a HAN action's fuel: electricity (the default) or gas.
func fuelKind(f string) (devices.Kind, error) {
	switch strings.ToLower(f) {
	case "", "electricity":
		return devices.KindESME, nil
	case "gas":
		return devices.KindGSME, nil
	}
	return 0, fmt.Errorf("fuel %q: want electricity or gas", f)
}

// han carries a consumer's or installer's action on a premises' HAN out, then lets the HAN
// settle (HANSettle).
func (s *stepRun) han() {
	if s.needsEmulator() {
		return
	}
	w, h := s.w, s.st.HAN
	if h == nil {
		s.failf(Pos{}, "han step without an action")
		return
	}
	d, err := w.Device(h.Device)
	if err != nil {
		s.failf(Pos{}, "device: %v", err)
		return
	}
	fuel, err := fuelKind(h.Fuel)
	if err != nil {
		s.failf(Pos{}, "%v", err)
		return
	}
	p := d.Premises
	touched := []*Device{d}
	if d.Kind == devices.KindPPMID {
		if md := w.premisesDevice(p, fuel); md != nil {
			touched = append(touched, md)
		}
	}
	for _, t := range touched {
		s.before(t)
	}
	now := w.Now()
	switch h.Action {
	case "top_up":
		err = w.topUp(d, fuel, h, s)
	case "emergency_credit":
		switch d.Kind {
		case devices.KindPPMID:
			err = p.PPMID.ActivateEmergencyCredit(now, fuel)
		case devices.KindESME:
			err = p.ESME.ActivateEmergencyCredit(now)
		case devices.KindGSME:
			err = p.GSME.ActivateEmergencyCredit(now)
		default:
			err = fmt.Errorf("emergency credit is activated on a PPMID or a meter, not a %s", d.Kind)
		}
	case "enable_supply":
		switch {
		case d.Kind == devices.KindPPMID && fuel == devices.KindESME:
			err = p.PPMID.EnableSupply(now)
		case d.Kind == devices.KindPPMID:
			err = fmt.Errorf("a SMETS1 PPMID enables the electricity supply only; enable gas at the GSME")
		case d.Kind == devices.KindESME:
			err = p.ESME.LocalEnable(now)
		case d.Kind == devices.KindGSME:
			err = p.GSME.OpenValve(now)
		default:
			err = fmt.Errorf("supply is enabled at a PPMID or a meter, not a %s", d.Kind)
		}
	case "wake":
		if d.Kind != devices.KindGSME {
			err = fmt.Errorf("wake applies to a GSME, not a %s", d.Kind)
		} else {
			p.GSME.WakeNow(now)
		}
	default:
		err = fmt.Errorf("unknown HAN action %q (want top_up, emergency_credit, enable_supply or wake)", h.Action)
	}
	if err != nil {
		s.failf(Pos{}, "%s on %s: %v", h.Action, h.Device, err)
	}
	if err := w.Advance(HANSettle); err != nil {
		s.failf(Pos{}, "%v", err)
	}
	s.after(touched...)
	if h.Action == "top_up" && d.Kind == devices.KindPPMID && s.r.After != nil {
		if o := p.PPMID.LastTopUp(); o != nil {
			s.r.After[d.Ref]["last_top_up"] = fmt.Sprintf("%s, %s for the %s", o.Result, pounds(o.Value), o.Fuel)
		}
	}
}

// premisesDevice returns a premises' meter of a fuel as a Device, or nil.
func (w *World) premisesDevice(p *fleet.Premises, k devices.Kind) *Device {
	eui, ok := p.Devices()[k]
	if !ok {
		return nil
	}
	return &Device{Ref: p.ID + "." + k.String(), EUI: eui, Kind: k, Premises: p}
}

// UTRN makes a top-up code for a meter worth amount, with the meter's key and the world's next
// counter for that meter (starting at 1), as a supplier issues one.
func (w *World) UTRN(meter *Device, amount devices.Money) (string, error) {
	if meter.Premises == nil {
		return "", fmt.Errorf("%s is not an emulated device", meter.Ref)
	}
	var key devices.UTRNKey
	switch meter.Kind {
	case devices.KindESME:
		key = meter.Premises.ESME.UTRNKey()
	case devices.KindGSME:
		key = meter.Premises.GSME.UTRNKey()
	default:
		return "", fmt.Errorf("UTRNs are issued for meters, not a %s", meter.Kind)
	}
	w.utrn[meter.EUI]++
	return key.Encode(devices.UTRN{Amount: amount, Counter: w.utrn[meter.EUI]})
}

// topUpUTRN makes the UTRN of a send step's top_up: amount for meter d, with the meter's key.
func (s *stepRun) topUpUTRN(d *Device, amount string) (string, error) {
	if d == nil {
		return "", fmt.Errorf("a top-up goes to a meter, not the DCC")
	}
	m, err := parseAmount(amount)
	if err != nil {
		return "", err
	}
	return s.w.UTRN(d, m)
}

// parseAmount reads a top-up amount in pounds ("10.00", "£10"), or pence ("250p").
func parseAmount(s string) (devices.Money, error) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "£") && !strings.HasSuffix(t, "p") {
		t = "£" + t
	}
	return fleet.ParseMoney(t)
}

func (w *World) topUp(d *Device, fuel devices.Kind, h *HANAction, s *stepRun) error {
	p := d.Premises
	meter := d
	if d.Kind == devices.KindPPMID {
		if meter = w.premisesDevice(p, fuel); meter == nil {
			return fmt.Errorf("premises %s has no %s for the PPMID to top up", p.ID, fuel)
		}
	}
	code := h.UTRN
	if code == "" {
		amount, err := parseAmount(h.Amount)
		if err != nil {
			return fmt.Errorf("amount: %w", err)
		}
		if code, err = w.UTRN(meter, amount); err != nil {
			return err
		}
	}
	s.evidence(Evidence{Kind: "request", At: w.Now(), Code: "UTRN", XML: code})
	now := w.Now()
	switch d.Kind {
	case devices.KindPPMID:
		return p.PPMID.TopUp(now, fuel, code)
	case devices.KindESME:
		if r := p.ESME.TopUpCode(now, code); !r.Accepted() {
			return fmt.Errorf("the ESME refused the UTRN: %s", r)
		}
	case devices.KindGSME:
		if r := p.GSME.TopUpCode(now, code); !r.Accepted() {
			return fmt.Errorf("the GSME refused the UTRN: %s", r)
		}
	default:
		return fmt.Errorf("top-ups are keyed in at a PPMID or a meter, not a %s", d.Kind)
	}
	return nil
}

// advance moves the world's time: by a duration, to an instant, or to just after a GSME's next
// wake-up.
func (s *stepRun) advance() {
	w, a := s.w, s.st.Advance
	if a == nil {
		s.failf(Pos{}, "advance step without a duration")
		return
	}
	var err error
	switch {
	case a.WakeOf != "":
		if s.needsEmulator() {
			return
		}
		d, derr := w.Device(a.WakeOf)
		if derr != nil {
			s.failf(Pos{}, "wake_of: %v", derr)
			return
		}
		if d.Kind != devices.KindGSME {
			s.failf(Pos{}, "wake_of: %s is a %s; only a GSME wakes", a.WakeOf, d.Kind)
			return
		}
		err = w.AdvanceTo(d.Premises.GSME.NextWake().Add(WakeSlack))
	case a.To != "":
		t, perr := parseDateTime(a.To)
		if perr != nil {
			s.failf(Pos{}, "to: %q is not an RFC 3339 instant", a.To)
			return
		}
		if t.Before(w.Now()) {
			s.failf(Pos{}, "to: %s is before the world's time %s", a.To, w.Now().Format(time.RFC3339))
			return
		}
		err = w.AdvanceTo(t)
	default:
		err = w.Advance(a.By)
	}
	if err != nil {
		s.failf(Pos{}, "advance: %v", err)
	}
}

// clockHandler adapts a function to the scheduler, for a fault's end.
type clockHandler func(now time.Time)

func (f clockHandler) Fire(now time.Time, _ uint64) { f(now) }

// faultInjector is what every device kind can take a profile fault with (devices/inject.go).
type faultInjector interface {
	InjectFault(f devices.Fault) (func(), error)
	Model() *devices.Model
}

// fault makes a device misbehave from now, for For (until the world closes when 0).
func (s *stepRun) fault() {
	if s.needsEmulator() {
		return
	}
	w, f := s.w, s.st.Fault
	if f == nil {
		s.failf(Pos{}, "fault step without a fault")
		return
	}
	d, err := w.Device(f.Device)
	if err != nil {
		s.failf(Pos{}, "device: %v", err)
		return
	}
	touched := []*Device{d}
	if f.Kind == "offline" || f.Kind == "wan_down" || f.Kind == "power_off" {
		if chf := w.premisesDevice(d.Premises, devices.KindCHF); chf != nil && chf.EUI != d.EUI {
			touched = append(touched, chf)
		}
	}
	if f.Kind == "power_off" {
		if esme := w.premisesDevice(d.Premises, devices.KindESME); esme != nil && esme.EUI != d.EUI {
			touched = append(touched, esme)
		}
	}
	for _, t := range touched {
		s.before(t)
	}
	end, err := w.applyFault(d, f)
	if err != nil {
		s.failf(Pos{}, "fault %s on %s: %v", f.Kind, f.Device, err)
		return
	}
	if f.For > 0 {
		w.Fleet.Clock.At(w.Now().Add(f.For), clockHandler(end), 0)
	}
	w.DCC.Wait()
	s.after(touched...)
}

// applyFault starts a fault and returns what ends it. offline and wan_down take the premises'
// CHF off the WAN (the DCC answers E20); power_off cuts the mains to the CHF and the ESME, which
// share it in SMETS1 (a last-gasp N1 alert); slow makes the device answer after Latency (the DCC
// times out with E21), as its Device Model's latency overridden for this device; drop_frames
// loses every Every-th HAN frame to or from the device; a Device Model profile fault
// (miss_wakeups, wrong_divisor, forget_block_thresholds, clock_drift) is injected into the
// device as if its model declared it, with the model's own parameters when it does declare it,
// and otherwise Every (default 2), a divisor of 1 (the real one being 1000) or a drift of one
// minute a day. clock_drift is always a minute a day, in place of any drift the model declares:
// a model's own drift (3 s a day on the Cotswold SP3) is already running, so injecting it again
// would leave the clock as it was, and a scenario injects a drift to see a clock visibly off.
func (w *World) applyFault(d *Device, f *Fault) (func(now time.Time), error) {
	p := d.Premises
	now := w.Now()
	switch f.Kind {
	case "offline", "wan_down":
		up, signal := p.CHF.WAN()
		p.CHF.SetWAN(false, 0)
		return func(time.Time) { p.CHF.SetWAN(up, signal) }, nil
	case "power_off":
		p.CHF.PowerFail(now)
		p.ESME.PowerFail(now)
		return func(now time.Time) {
			p.ESME.PowerRestore(now)
			p.CHF.PowerRestore(now)
		}, nil
	case "slow":
		inv := w.DCC.Inventory()
		rec, ok := inv.Device(d.EUI)
		if !ok || rec.Model == nil {
			return nil, fmt.Errorf("device %s has no Device Model in the DCC's inventory", d.EUI)
		}
		lat := f.Latency
		if lat <= 0 {
			lat = SlowLatency
		}
		orig := rec.Model
		slow := *orig
		slow.Latency = devices.Latency{Dist: devices.LatencyFixed, Min: lat, Median: lat, P95: lat, Max: lat}
		if err := inv.SetModel(d.EUI, &slow); err != nil {
			return nil, err
		}
		return func(time.Time) {
			if cur, ok := inv.Device(d.EUI); ok && cur.Model == &slow {
				_ = inv.SetModel(d.EUI, orig)
			}
		}, nil
	case "drop_frames":
		every := f.Every
		if every == 0 {
			every = 2
		}
		if every < 1 {
			return nil, fmt.Errorf("every must be at least 1")
		}
		if !p.HAN.DropEvery(d.EUI, every) {
			return nil, fmt.Errorf("%s is not joined to its premises' HAN", d.Ref)
		}
		return func(time.Time) { p.HAN.DropEvery(d.EUI, 0) }, nil
	}
	kind, err := devices.ParseFaultKind(f.Kind)
	if err != nil {
		return nil, fmt.Errorf("unknown fault kind %q (want offline, wan_down, power_off, slow, drop_frames, miss_wakeups, wrong_divisor, forget_block_thresholds or clock_drift)", f.Kind)
	}
	var inj faultInjector
	switch d.Kind {
	case devices.KindESME:
		inj = p.ESME
	case devices.KindGSME:
		inj = p.GSME
	case devices.KindCHF:
		inj = p.CHF
	case devices.KindGPF:
		inj = p.GPF
	case devices.KindPPMID:
		inj = p.PPMID
	}
	if inj == nil {
		return nil, errors.New("unknown device kind")
	}
	fault := devices.Fault{Kind: kind, Every: 2, Divisor: 1, DriftPerDay: time.Minute, Note: "injected by a scenario"}
	for _, mf := range inj.Model().Faults {
		if mf.Kind == kind && kind != devices.FaultClockDrift {
			fault = mf
		}
	}
	if f.Every > 0 {
		fault.Every = f.Every
	}
	end, err := inj.InjectFault(fault)
	if err != nil {
		return nil, err
	}
	return func(time.Time) { end() }, nil
}
