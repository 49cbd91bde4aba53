package dcc

import (
	"net/http"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
)

// answer writes the DCC's signed synchronous answer and journals the request.
func (d *DCC) answer(req *duis.Request, path string, now time.Time, f *failure) Answer {
	code, reason := I0, ""
	if f != nil {
		code, reason = f.code, f.reason
	}
	return d.answerWith(req, path, now, code, reason, nil)
}

func (d *DCC) answerWith(req *duis.Request, path string, now time.Time, code Code, reason string, content duis.ResponseContent) Answer {
	h := req.Header
	rec := Record{RequestID: h.RequestID, User: h.RequestID.Originator, Endpoint: path, SRV: h.ServiceReferenceVariant,
		CV: h.CommandVariant, Device: h.RequestID.Target, Code: code, Reason: reason, Received: now}
	d.record(rec)
	if h.ServiceReferenceVariant == "" || h.ServiceReference == "" {
		// Too little of the header was readable to address a DUIS answer.
		return Answer{HTTPStatus: http.StatusBadRequest, Code: code, Reason: "not a DUIS request: " + reason}
	}
	r := duis.Reply(req, string(code), now)
	if content != nil {
		r.Body.(*duis.ResponseMessage).Content = content
	}
	doc, err := d.signResponse(r)
	if err != nil {
		d.cfg.Log.Error("cannot build an answer", "request", h.RequestID.String(), "error", err)
		return Answer{HTTPStatus: http.StatusBadRequest, Code: code, Reason: "not a DUIS request: " + reason + "; and no DUIS answer can address it: " + err.Error()}
	}
	return Answer{HTTPStatus: http.StatusOK, Code: code, Reason: reason, Body: doc}
}

func (d *DCC) signResponse(r *duis.Response) ([]byte, error) {
	unsigned, err := r.Marshal()
	if err != nil {
		return nil, err
	}
	if d.cfg.Unsigned {
		return unsigned, nil
	}
	return duis.Sign(unsigned, duis.RootResponse, d.cfg.Keys.DCC)
}

// route answers a request that passed every check.
func (d *DCC) route(c *call, now time.Time) Answer {
	h := c.req.Header
	switch {
	case h.CommandVariant == 8:
		content, f := d.nonDevice(c, now)
		if f != nil {
			return d.answerWith(c.req, c.path, now, f.code, f.reason, content) // a warning carries content
		}
		return d.answerWith(c.req, c.path, now, I0, "", content)
	case h.CommandVariant == 4:
		pc, f := d.transformRequest(c, now)
		if f != nil {
			return d.answer(c.req, c.path, now, f)
		}
		return d.answerWith(c.req, c.path, now, I0, "", pc)
	}
	// CV 1 and 5: a command for a device. A CV 5 carries out the request its CV 4 described.
	orig := c.req
	if c.transform != nil {
		orig = c.transform.req
		if f := d.checkSignedPreCommand(c); f != nil {
			return d.answer(c.req, c.path, now, f)
		}
	}
	impl := handlers[c.srv.Variant]
	if impl.exec == nil {
		return d.answer(c.req, c.path, now, fail(E100, "smetsim does not execute %s %s yet (`smetsim srv list` shows what it does)", c.srv.Variant, c.srv.Name))
	}
	if impl.check != nil && c.transform == nil { // a CV 5's body was checked at its Transform
		if f := impl.check(d, c, orig); f != nil {
			return d.answer(c.req, c.path, now, f)
		}
	}
	at, f := executionTime(c, orig)
	if f != nil {
		return d.answer(c.req, c.path, now, f)
	}
	if c.srv.Critical {
		if breach, count, limit := d.countCritical(c.user, c.srv.Variant, now); breach {
			ans := d.answerWith(c.req, c.path, now, I99, "", nil)
			d.quarantine(c, now, count, limit)
			return ans
		}
	}
	if f := d.checkData(c, orig, now); f != nil {
		ans := d.answerWith(c.req, c.path, now, I99, "", nil)
		d.s1spAlert(c, now, f)
		return ans
	}
	ans := d.answerWith(c.req, c.path, now, I99, "", nil)
	d.setTRT(c)
	d.schedule(&job{d: d, c: c, orig: orig, received: now}, at, now)
	return ans
}

func (d *DCC) setTRT(c *call) {
	p := d.cfg.Fleet.ByDevice(c.device.ID)
	var wake time.Duration
	if p != nil && p.GSME != nil {
		wake = p.GSME.Model().WakeInterval
	}
	trt := c.srv.TargetResponseTime(c.device.Kind, wake)
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := len(d.journal) - 1; i >= 0; i-- {
		if d.journal[i].RequestID == c.req.Header.RequestID {
			d.journal[i].TRT = trt
			return
		}
	}
}

// userURL is where a user's asynchronous messages go.
func (d *DCC) userURL(u devices.EUI64) string {
	if d.cfg.ResponseURL != "" {
		return d.cfg.ResponseURL
	}
	if usr := d.cfg.Users.Lookup(u); usr != nil {
		return usr.ResponseURL
	}
	return ""
}

// post signs and sends an asynchronous response or alert to a user.
func (d *DCC) post(user devices.EUI64, kind string, r *duis.Response) {
	doc, err := d.signResponse(r)
	if err != nil {
		d.cfg.Log.Error("cannot build an asynchronous message", "user", user.String(), "kind", kind, "error", err)
		return
	}
	d.deliver.send(&Message{User: user, URL: d.userURL(user), Body: doc, Kind: kind})
}
