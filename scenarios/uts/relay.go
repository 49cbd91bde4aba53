package uts

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
)

// relay is the DCC's HTTP transport in a UTS session: every asynchronous message the DCC posts
// comes here, and the session decides what the User gets. The DCC is told 204 at once.
type relay struct{ s *Session }

func (r relay) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(io.LimitReader(req.Body, int64(duis.DefaultLimits.MaxBytes)+1))
	_ = req.Body.Close()
	if err != nil {
		return nil, err
	}
	user, _ := devices.ParseEUI64(strings.TrimPrefix(req.URL.Path, "/"))
	r.s.relay(user, body)
	return &http.Response{StatusCode: http.StatusNoContent, Status: "204 No Content", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{}, Body: http.NoBody, Request: req}, nil
}

// meta is what UTS reads of an asynchronous message to know what it is.
type meta struct {
	kind       string // response, device-alert, dcc-alert
	requestID  string
	responseID string
	code       string
	alert      string // a device alert's 4 hex digits, or a DCC alert's code
}

// readMeta reads a message's header and alert code. The DCC wrote it, so a document it cannot
// read is still relayed, as an unknown kind.
func readMeta(doc []byte) meta {
	var m meta
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var field string
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			field = t.Name.Local
		case xml.EndElement:
			field = ""
		case xml.CharData:
			v := strings.TrimSpace(string(t))
			if v == "" {
				continue
			}
			switch field {
			case "RequestID":
				if m.requestID == "" {
					m.requestID = v
				}
			case "ResponseID":
				m.responseID = v
			case "ResponseCode":
				m.code = v
			case "DCCAlertCode":
				m.alert, m.kind = v, "dcc-alert"
			case "GBCSHexAlertCode", "AlertCode":
				m.alert, m.kind = strings.ToUpper(v), "device-alert"
			}
		}
	}
	if m.kind == "" {
		m.kind = "response"
	}
	return m
}

// relay takes one message the DCC sends a user and delivers what the pack says.
func (s *Session) relay(user devices.EUI64, doc []byte) {
	// A response can be sent before the request that caused it has been judged and its pack case
	// triggered (a fast device): wait for the request being served to finish.
	s.serveLock.Lock()
	//lint:ignore SA2001 an empty critical section: waiting for serve is the point
	s.serveLock.Unlock()
	m := readMeta(doc)
	s.mu.Lock()
	var pr *packRun
	for _, p := range s.pack {
		if !p.triggered || p.done {
			continue
		}
		switch {
		case m.kind == "response" && p.alertWait == "" && !p.gotResponse && m.requestID == p.request.Header.RequestID.String():
			pr = p
			p.gotResponse = true
		case m.kind == "device-alert" && p.alertWait != "" && p.alertWait == m.alert && strings.HasPrefix(m.responseID, p.device.ID.String()+":"):
			pr = p
			p.alertWait = ""
		}
		if pr != nil {
			break
		}
	}
	s.mu.Unlock()
	if pr == nil {
		s.unsolicited(user, m, doc)
		return
	}
	if m.kind == "device-alert" {
		ev := s.deliver(user, "device alert "+m.alert, doc)
		s.addTo(pr, ev, receiveCheck(ev, http.StatusNoContent, "the device alert"))
		s.finish(pr)
		return
	}
	s.stimulate(pr, user, m, doc)
}

// stimulate applies a pack case's stimulus to its request's response.
func (s *Session) stimulate(pr *packRun, user devices.EUI64, m meta, doc []byte) {
	pc := pr.pc
	switch pc.Stimulus {
	case Answer:
		ev := s.deliver(user, "response "+m.code, doc)
		s.addTo(pr, ev, receiveCheck(ev, http.StatusNoContent, "the response"))
		s.finish(pr)
	case Duplicate:
		ev := s.deliver(user, "response "+m.code, doc)
		s.addTo(pr, ev, receiveCheck(ev, http.StatusNoContent, "the response"))
		dup := s.deliver(user, "the same response again (duplicate delivery)", doc)
		s.addTo(pr, dup, receiveCheck(dup, http.StatusNoContent, "the duplicate delivery (a duplicate is acknowledged like the first and not processed twice)"))
		s.finish(pr)
	case Late:
		s.inflight.Add(1)
		go func() {
			defer s.inflight.Done()
			time.Sleep(pc.Delay)
			ev := s.deliver(user, fmt.Sprintf("response %s, held %s", m.code, pc.Delay), doc)
			s.addTo(pr, ev, receiveCheck(ev, http.StatusNoContent, "the late response"))
			s.finish(pr)
		}()
	case Error:
		s.addTo(pr, Evidence{Label: "the DCC's response, withheld by the stimulus", XML: string(doc)},
			Check{Rule: RuleStimulus, Passed: true, Detail: "the device's response is replaced by " + pc.Code})
		r := duis.Reply(pr.request, pc.Code, s.fleet.Clock.Now())
		out, err := s.sign(r)
		if err != nil {
			s.addTo(pr, Evidence{Label: "error response"}, Check{Rule: RuleStimulus, Detail: "cannot build the " + pc.Code + " response: " + err.Error()})
			s.finish(pr)
			return
		}
		ev := s.deliver(user, "error response "+pc.Code, out)
		s.addTo(pr, ev, receiveCheck(ev, http.StatusNoContent, "the "+pc.Code+" response"))
		s.finish(pr)
	case DeviceAlert:
		ev := s.deliver(user, "response "+m.code, doc)
		s.addTo(pr, ev, receiveCheck(ev, http.StatusNoContent, "the response"))
		info, _ := alertInfo(pc.Alert)
		s.mu.Lock()
		pr.alertWait = pc.Alert
		dev := pr.device
		s.mu.Unlock()
		a := devices.Alert{Device: dev.ID, Kind: dev.Kind, Code: info.Code, Detail: "UTS pack stimulus"}
		s.onClock(func(now time.Time) {
			a.Time = now
			s.d.DeviceAlert(a)
		})
	case DCCAlert:
		ev := s.deliver(user, "response "+m.code, doc)
		s.addTo(pr, ev, receiveCheck(ev, http.StatusNoContent, "the response"))
		out, err := s.dccAlert(pr)
		if err != nil {
			s.addTo(pr, Evidence{Label: "DCC alert " + pc.Alert}, Check{Rule: RuleStimulus, Detail: "cannot build DCC alert " + pc.Alert + ": " + err.Error()})
			s.finish(pr)
			return
		}
		al := s.deliver(pr.request.Header.RequestID.Originator, "DCC alert "+pc.Alert, out)
		s.addTo(pr, al, receiveCheck(al, http.StatusNoContent, "DCC alert "+pc.Alert))
		s.finish(pr)
	case Invalid:
		ev := s.deliver(user, "response "+m.code, doc)
		s.addTo(pr, ev, receiveCheck(ev, http.StatusNoContent, "the response"))
		bad := invalidMessage(doc)
		iv := s.deliver(user, "an invalid message: the response cut short, not well-formed XML", bad)
		s.addTo(pr, iv, receiveCheck(iv, http.StatusBadRequest, "the invalid message (a Receive Response Service refuses what is not a DUIS response)"))
		s.finish(pr)
	}
}

// invalidMessage is a DUIS response cut off in the middle: not well-formed, so no receiver can
// take it for a DUIS message.
func invalidMessage(doc []byte) []byte {
	n := len(doc) / 2
	if i := bytes.Index(doc, []byte("<sr:Body>")); i > 0 {
		n = i + len("<sr:Body>")
	}
	return append(append([]byte(nil), doc[:n]...), []byte("<sr:ResponseMessage>")...)
}

// dccAlert builds the DCC alert a pack case asks for, signed by the DCC.
func (s *Session) dccAlert(pr *packRun) ([]byte, error) {
	now := s.fleet.Clock.Now()
	id := pr.request.Header.RequestID
	var body *duis.DCCAlertMessage
	switch pr.pc.Alert {
	case "AD1":
		s.mu.Lock()
		s.quarantines++
		ref := s.quarantines
		s.mu.Unlock()
		body = &duis.DCCAlertMessage{Code: "AD1", Alert: &duis.QuarantinedRequest{Breach: duis.ADUserThresholdBreach, RequestID: id, QuarantineEventRef: ref}}
	case "N1":
		chf := pr.device.CHF
		if pr.device.Kind == devices.KindCHF {
			chf = pr.device.ID
		}
		mpxn := "0"
		if p := s.fleet.ByDevice(pr.device.ID); p != nil && p.MPAN != "" {
			mpxn = p.MPAN
		}
		body = &duis.DCCAlertMessage{Code: "N1", Alert: &duis.PowerOutageEvent{CommsHubDeviceID: chf, StartDateTime: now, MPxN: mpxn}}
	default:
		return nil, fmt.Errorf("UTS sends no DCC alert %s", pr.pc.Alert)
	}
	return s.sign(&duis.Response{SchemaVersion: pr.request.SchemaVersion, ResponseCode: "I0", ResponseDateTime: now, Body: body})
}

func (s *Session) sign(r *duis.Response) ([]byte, error) {
	unsigned, err := r.Marshal()
	if err != nil {
		return nil, err
	}
	if s.cfg.DCC.Unsigned {
		return unsigned, nil
	}
	return duis.Sign(unsigned, duis.RootResponse, s.cfg.DCC.Keys.DCC)
}

// onClock runs f where device state may be touched, as the DCC does.
func (s *Session) onClock(f func(now time.Time)) {
	c := s.fleet.Clock
	if !c.Driven() {
		f(c.Now())
		return
	}
	c.Do(f)
}

// unsolicited delivers a message no pack case waits for: a response to a request outside the
// pack goes on that request's test case; an alert the fleet raised is a test case of its own.
//
// A message outside the pack for a user with no Receive Response Service URL (a distributor the
// session does not test, say) is not delivered and judges nothing.
func (s *Session) unsolicited(user devices.EUI64, m meta, doc []byte) {
	if s.urls[user] == "" {
		if s.cfg.DCC.Log != nil {
			s.cfg.DCC.Log.Info("UTS: not delivered, the user has no Receive Response Service URL", "user", user.String(), "kind", m.kind, "code", m.code+m.alert)
		}
		return
	}
	label := m.kind + " " + m.code
	if m.alert != "" {
		label = m.kind + " " + m.alert
	}
	ev := s.deliver(user, label, doc)
	ch := receiveCheck(ev, http.StatusNoContent, "the "+m.kind)
	s.mu.Lock()
	rc := s.byRequest[m.requestID]
	if m.kind == "response" && rc != nil {
		rc.Evidence = append(rc.Evidence, ev)
		rc.Checks = append(rc.Checks, ch)
		rc.settle()
		s.mu.Unlock()
		return
	}
	c := &Case{Class: ClassReceive, Name: fmt.Sprintf("receive %s for %s", label, user), RequestID: m.requestID,
		Started: ev.At, Finished: s.now(), Evidence: []Evidence{ev}, Checks: []Check{ch}}
	c.settle()
	s.cases = append(s.cases, c)
	s.mu.Unlock()
}

// deliver posts a message to a user's Receive Response Service and records what it answered.
func (s *Session) deliver(user devices.EUI64, label string, doc []byte) Evidence {
	ev := Evidence{Label: label, At: s.now().UTC(), XML: string(doc)}
	url := s.urls[user]
	ev.URL = url
	if url == "" {
		ev.Error = fmt.Sprintf("user %s has no Receive Response Service URL (response_url in the users file, or --response-url)", user)
		return ev
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(doc))
	if err != nil {
		ev.Error = err.Error()
		return ev
	}
	req.Header.Set("Content-Type", "application/xml")
	rsp, err := s.client.Do(req)
	if err != nil {
		ev.Error = err.Error()
		return ev
	}
	defer rsp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(rsp.Body, 4096))
	ev.HTTPStatus, ev.Answer = rsp.StatusCode, string(b)
	return ev
}

// receiveCheck judges the User's answer to one delivery.
func receiveCheck(ev Evidence, want int, what string) Check {
	ch := Check{Rule: RuleReceive, Passed: ev.Error == "" && ev.HTTPStatus == want}
	switch {
	case ev.Error != "":
		ch.Detail = fmt.Sprintf("%s could not be delivered: %s", what, ev.Error)
	case ch.Passed:
		ch.Detail = fmt.Sprintf("%s: HTTP %d", what, ev.HTTPStatus)
	default:
		ch.Detail = fmt.Sprintf("%s was answered HTTP %d; want %d", what, ev.HTTPStatus, want)
	}
	return ch
}

// addTo adds evidence and a check to a pack case.
func (s *Session) addTo(pr *packRun, ev Evidence, ch Check) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pr.c.Evidence = append(pr.c.Evidence, ev)
	pr.c.Checks = append(pr.c.Checks, ch)
}

// responseCode reads the sr:ResponseCode of a DCC answer ("" if it has none).
func responseCode(doc []byte) string { return readMeta(doc).code }
