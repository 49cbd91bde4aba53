package dcc

import (
	"time"

	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/srv"
)

// Future-dated requests. DUIS future-dates a request in its body, not its header: the bodies of
// future-dateable SRVs derive from the schema's FutureDatedAbstractType, whose optional first
// child sr:ExecutionDateTime says when to execute (duis.Body.ExecutionDateTime reads it).
//
// smetsim's decisions, where the public material stops:
//   - The DCC holds every future-dated SMETS1 request until its time and then sends it as an
//     on-demand one, for the DSP and the Device response patterns alike: SMETS1 devices have no
//     GBCS store of future-dated commands, so the S1SP keeps them.
//   - The request is acknowledged I99 at once; its async answer comes after its execution time.
//   - If it does not complete within the SRV's Target Response Time after its execution time —
//     the device slow, asleep or unreachable — the answer is E30 (time-out of a future-dated
//     command), not E20 or E21, with the cause in the journal's AsyncReason.
//   - An execution date-time already past is executed at once.
//   - ExecutionDateTime 3000-12-31T00:00:00Z, the date DUIS samples use for cancellation,
//     cancels the same User's held requests of the same SRV for the same device: they never run
//     and their journal records say who cancelled them. The cancelling request is answered I99,
//     then I0 at once with no device payload, since the DCC did the work itself.
//   - An sr:ExecutionDateTime on an SRV that cannot be future-dated (DUIS's matrix: "No") does
//     not fit its SRV: E100 naming the field.

// cancellationDate is the execution date-time that cancels held future-dated requests.
var cancellationDate = time.Date(3000, 12, 31, 0, 0, 0, 0, time.UTC)

// executionTime reads a device request's execution date-time: nil for an on-demand request.
func executionTime(c *call, orig *duis.Request) (*time.Time, *failure) {
	at, err := orig.Body.ExecutionDateTime()
	if err != nil {
		return nil, fail(E100, "%s: ExecutionDateTime: %v", orig.Body.Name, err)
	}
	if at != nil && c.srv.FutureDated == srv.FutureNone {
		return nil, fail(E100, "%s: ExecutionDateTime: %s %s cannot be future-dated", orig.Body.Name, c.srv.Variant, c.srv.Name)
	}
	return at, nil
}

// schedule starts a job now, or holds it until its execution date-time, or carries out a
// cancellation.
func (d *DCC) schedule(j *job, at *time.Time, now time.Time) {
	switch {
	case at == nil || !at.After(now):
		d.clock.Do(j.start)
	case at.Equal(cancellationDate):
		d.clock.Do(func(now time.Time) { d.cancelHeld(j, now) })
	default:
		id := j.c.req.Header.RequestID
		d.mu.Lock()
		if d.held == nil {
			d.held = map[duis.RequestID]*job{}
		}
		d.held[id] = j
		d.mu.Unlock()
		d.amend(id, func(r *Record) { r.ExecuteAt = *at })
		d.clock.At(*at, funcHandler(func(now time.Time) {
			d.mu.Lock()
			_, still := d.held[id]
			delete(d.held, id)
			d.mu.Unlock()
			if !still {
				return // cancelled
			}
			j.future, j.received = true, now
			j.start(now)
		}), 0)
	}
}

// cancelHeld cancels the held requests a cancellation names, and answers it.
func (d *DCC) cancelHeld(j *job, now time.Time) {
	c := j.c
	var cancelled []duis.RequestID
	d.mu.Lock()
	for id, h := range d.held {
		if h.c.user.EUI == c.user.EUI && h.c.device.ID == c.device.ID && h.c.srv.Variant == c.srv.Variant {
			delete(d.held, id)
			cancelled = append(cancelled, id)
		}
	}
	d.mu.Unlock()
	by := c.req.Header.RequestID.String()
	for _, id := range cancelled {
		d.amend(id, func(r *Record) { r.AsyncReason = "cancelled by " + by + " before its execution time" })
	}
	r := duis.Reply(c.req, string(I0), now)
	rid := c.req.Header.RequestID.ResponseID()
	r.ResponseID = &rid
	d.post(c.user.EUI, "response", r)
	d.finish(c.req.Header.RequestID, I0, now)
	d.cfg.Log.Info("future-dated requests cancelled", "by", by, "count", len(cancelled))
}

// futureDone measures a future-dated request's outcome from its execution time, not its receipt.
func (j *job) futureDone(now time.Time, code Code) {
	if !j.future {
		return
	}
	j.d.amend(j.c.req.Header.RequestID, func(r *Record) {
		r.Elapsed = now.Sub(j.received)
		r.TRTBreached = code == E30 || (r.TRT > 0 && r.Elapsed > r.TRT)
	})
}
