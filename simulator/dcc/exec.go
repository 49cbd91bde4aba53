package dcc

import (
	"crypto/rand"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/fleet"
)

var randReader = rand.Reader

// job is a device request being carried out on the run's clock.
type job struct {
	d        *DCC
	c        *call
	orig     *duis.Request // the request whose body says what to do (a CV 5's is its CV 4's)
	received time.Time
	p        *fleet.Premises
	trt      time.Duration
	deadline time.Time
	future   bool // a future-dated request, started at its execution time (received)

	sched *dspSchedule // the DCC schedule this is an execution of, if any (schedules.go)
}

// start runs on the clock's goroutine: the S1SP sends the command to the device, which answers
// after its model's latency — or, for a GSME, when it next wakes — unless it is unreachable or
// too slow.
func (j *job) start(now time.Time) {
	d, c := j.d, j.c
	j.p = d.cfg.Fleet.ByDevice(c.device.ID)
	if j.p == nil {
		j.fail(now, E19, "device is in the inventory but not in the fleet")
		return
	}
	var wake time.Duration
	if j.p.GSME != nil {
		wake = j.p.GSME.Model().WakeInterval
	}
	j.trt = c.srv.TargetResponseTime(c.device.Kind, wake)
	j.deadline = j.received.Add(j.trt)
	if reason := j.unreachable(); reason != "" {
		at := now.Add(time.Duration(min(int64(j.trt), int64(10*time.Second))))
		if j.future {
			at = j.deadline // a future-dated request is tried until its target: then E30
		}
		d.clock.At(at, funcHandler(func(now time.Time) { j.fail(now, E20, reason) }), 0)
		return
	}
	impl := handlers[c.srv.Variant]
	if impl.viaGSME && c.device.Kind == devices.KindGSME {
		// The command travels to the GSME through its GPF's queue when it next wakes.
		if err := impl.queue(j, now); err != nil {
			j.failQueue(now, err) // srvs_config.go: a body the SRV cannot take is E100, a full queue E20
			return
		}
		j.awaitWake(now, j.p.GSME.NextWake())
		return
	}
	lat := j.latency()
	if now.Add(lat).After(j.deadline) {
		d.clock.At(j.deadline, funcHandler(j.timeOut), 0)
		d.clock.At(now.Add(lat), funcHandler(j.late), 0)
		return
	}
	d.clock.At(now.Add(lat), funcHandler(j.run), 0)
}

// timeOut answers E21 at the Target Response Time: the device has not answered.
func (j *job) timeOut(now time.Time) {
	j.fail(now, E21, "the device did not answer within the target response time ("+j.trt.String()+")")
	j.d.breached(j.c.req.Header.RequestID, 0)
}

// late is a slow device answering after the DCC gave up on it. The command reached the device,
// so the device carries it out (a User that got E21 cannot assume nothing happened, and a later
// read shows what did); the DCC has already answered E21, so the late response is not sent and
// the journal records how long the device took.
func (j *job) late(now time.Time) {
	_, _ = handlers[j.c.srv.Variant].exec(j, now)
	j.d.breached(j.c.req.Header.RequestID, now.Sub(j.received))
}

// awaitWake finishes a GSME command once the GSME has woken and taken it.
func (j *job) awaitWake(now, wake time.Time) {
	if wake.After(j.deadline) {
		// The command stays queued at the GPF; the GSME takes it when it wakes, after the E21.
		j.d.clock.At(j.deadline, funcHandler(func(now time.Time) {
			j.fail(now, E21, "the GSME did not wake within the target response time ("+j.trt.String()+")")
			j.d.breached(j.c.req.Header.RequestID, 0)
		}), 0)
		return
	}
	j.d.clock.At(wake.Add(2*time.Second), funcHandler(func(now time.Time) {
		if j.p.GSME.LastWake().Before(wake) {
			j.awaitWake(now, j.p.GSME.NextWake()) // it missed this wake-up
			return
		}
		j.run(now)
	}), 0)
}

// unreachable says why the device cannot be reached now, or "".
func (j *job) unreachable() string {
	p := j.p
	if !p.CHF.Powered() {
		return "the communications hub has no mains power"
	}
	if up, _ := p.CHF.WAN(); !up {
		return "the communications hub's WAN connection is down"
	}
	if j.c.device.Kind == devices.KindESME && !p.ESME.Powered() {
		return "the ESME has no mains power"
	}
	// A device the CHF has taken off its HAN (8.11 Remove) is no longer reached through the hub.
	if k := j.c.device.Kind; k != devices.KindCHF {
		if _, on := p.HAN.Lookup(j.c.device.ID); !on {
			return "the " + k.String() + " is not joined to the communications hub's HAN"
		}
	}
	return ""
}

// latency draws the device's response time from its model's distribution, with the run's seed.
// A request to a GSME that does not wait for its wake-up (a read) is answered by the GPF from its
// mirror, so it takes the GPF's time, not the sleeping GSME's.
func (j *job) latency() time.Duration {
	m := j.c.device.Model
	if j.c.device.Kind == devices.KindGSME && j.p != nil && j.p.GPF != nil {
		m = j.p.GPF.Model()
	}
	if m == nil {
		return time.Second
	}
	u := devices.Unit(devices.Mix(j.d.cfg.Fleet.Seed, j.c.req.Header.RequestID.Counter^devices.Mix(0, uint64(j.c.device.ID[7]))))
	return m.Latency.Sample(u)
}

// breached marks a request whose device did not answer within its Target Response Time, with
// how long the device took when it answered late (0: not known yet).
func (d *DCC) breached(id duis.RequestID, took time.Duration) {
	d.amend(id, func(r *Record) {
		r.TRTBreached = true
		if took > 0 {
			r.DeviceTook = took
		}
	})
}

// run carries the request out on the device and sends the response.
func (j *job) run(now time.Time) {
	j.d.amend(j.c.req.Header.RequestID, func(r *Record) { r.DeviceTook = now.Sub(j.received) })
	payload, f := handlers[j.c.srv.Variant].exec(j, now)
	if f != nil {
		j.fail(now, f.code, f.reason)
		return
	}
	j.respond(now, payload)
}

// respond sends the device's SMETS1 response: the S1SP signs it as a document of its own, the DCC
// embeds it in a response it signs, and it goes to the user.
func (j *job) respond(now time.Time, payload []byte) {
	d, c := j.d, j.c
	id := c.req.Header.RequestID
	ts := now
	inner := &duis.SMETS1SignedResponse{SchemaVersion: c.req.SchemaVersion,
		Header: duis.MMCHeader{BusinessOriginatorID: c.device.ID, BusinessTargetID: c.user.EUI, OriginatorCounter: id.Counter,
			ServiceReference: c.srv.Reference, ServiceReferenceVariant: c.srv.Variant, Timestamp: &ts},
		Body: &duis.ResponsePayload{SMETSData: payload}}
	j.scheduledHeader(&inner.Header)
	unsigned, err := inner.Marshal()
	if err != nil {
		j.fail(now, E100, "cannot build the device's response: "+err.Error())
		return
	}
	signed, err := duis.Sign(unsigned, duis.RootSMETS1SignedResponse, d.cfg.Keys.S1SP)
	if err != nil {
		j.fail(now, E100, "cannot sign the device's response: "+err.Error())
		return
	}
	rid := id.ResponseID()
	d.post(c.user.EUI, "response", &duis.Response{SchemaVersion: c.req.SchemaVersion, RequestID: &id, ResponseID: &rid,
		ResponseCode: string(I0), ResponseDateTime: now,
		Body: &duis.SMETS1ResponseMessage{ServiceReference: c.srv.Reference, ServiceReferenceVariant: c.srv.Variant,
			DSPScheduleID: j.scheduleID(), SignedResponse: signed}})
	d.finish(id, I0, now)
	j.futureDone(now, I0)
}

// fail sends an asynchronous error response.
func (j *job) fail(now time.Time, code Code, reason string) {
	d := j.d
	if j.future && (code == E20 || code == E21) {
		code, reason = E30, "the future-dated request did not complete within "+j.trt.String()+" of its execution time "+
			j.received.UTC().Format(time.RFC3339)+": "+reason
	}
	r := duis.Reply(j.c.req, string(code), now)
	j.scheduledReply(r)
	d.post(j.c.user.EUI, "response", r)
	d.finish(j.c.req.Header.RequestID, code, now)
	d.amend(j.c.req.Header.RequestID, func(r *Record) { r.AsyncReason = reason })
	j.futureDone(now, code)
	d.cfg.Log.Info("device request failed", "request", j.c.req.Header.RequestID.String(), "code", string(code), "reason", reason)
}

// funcHandler adapts a function to the scheduler's Handler, for the DCC's rare one-off events.
type funcHandler func(now time.Time)

func (f funcHandler) Fire(now time.Time, _ uint64) { f(now) }

// amend changes the journal's record of a device request the DCC took (the latest with the
// RequestID: a CV 5's, not its CV 4's).
func (d *DCC) amend(id duis.RequestID, change func(r *Record)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := len(d.journal) - 1; i >= 0; i-- {
		if r := &d.journal[i]; r.RequestID == id && (r.Code == I99 || r.Code == I0) {
			change(r)
			return
		}
	}
}
