package dcc

import (
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/srv"
	"github.com/smetsim/smetsim/simulator/users"
)

// DCC schedules: 5.1 Create Schedule, 5.2 Read Schedule and 5.3 Delete Schedule. A schedule is
// the DCC sending one of the reads DUIS lets it schedule (duis.ScheduledRequests) to a device at
// the schedule's times, on the run's clock; each execution is carried out exactly as the same
// read sent by the User would be (the same checks, job, latency, target response time and
// payload), and its response goes to the User who made the schedule, naming the schedule.
//
// How DUIS correlates a scheduled response, as smetsim does it: the DCC originates the request,
// so its RequestID is the DCC's EUI, the device and the DCC's own counter, and the response's
// ResponseID is the device, the DCC and that counter; the SMETS1ResponseMessage carries the
// schedule's DSPScheduleID, and its MMC header addresses the DCC with the User as the
// Supplementary Remote Party (the MMC schema's rule for DSP-scheduled requests).
//
// smetsim's decisions, where the public material stops:
//   - A schedule's dates are UTC calendar days and its times UTC, like every DUIS time; without a
//     ScheduleExecutionStartTime it runs at 00:00:00 UTC, the instant the date alone names, and
//     5.2 shows that time.
//   - A schedule first runs at its first due time after it is created: a start date already past
//     is taken (the DCC's own sample starts in 2015), and nothing is caught up. An end date is
//     the last day it may run; a schedule whose end date has passed, or is before its start date,
//     is refused E100 naming ScheduleEndDate. After its last run a schedule ends and 5.2 no
//     longer lists it.
//   - Monthly, quarterly, half-yearly and yearly schedules run on the start date's day of the
//     month, or on the last day of a shorter month, counted from the start date each time (a
//     schedule started on the 31st runs on 30 April and then 31 May, not the 30th ever after).
//   - A log read's ReadLogPeriodOffset is counted from the UTC day the execution is due.
//   - Creating a schedule runs every check the scheduled read would meet if the User sent it:
//     SRV eligibility (E2), the device known (E19), the SRV applicable to its type and model
//     (E11), its SMI status and product combination (E5), the User's registration for its
//     installation (E4), and the read's own body check. Each execution runs the device checks
//     again: one that fails then (a device decommissioned since, a change of supplier) answers
//     that execution asynchronously with its code, naming the schedule, and the schedule stays
//     until the User deletes it.
//   - A User reads and deletes only its own schedules. A schedule ID of another User's schedule
//     is answered E4 (failed authorisation for what the request names), not as an unknown ID, so
//     a User's system learns exactly what it did wrong; nothing of the other schedule is shown.
//     An ID no schedule has is E100 naming DSPScheduleID. Reading by DeviceID returns the
//     User's schedules for the device (I0 with no content when there are none); deleting by
//     DeviceID deletes them all (I0 even when there were none, so a retried delete is harmless).
//   - A User keeps at most 99 schedules per device: the most one DSPSchedulesRead can list.
//   - An execution already sent to the device when its schedule is deleted completes and its
//     response is sent; later executions never run.
//   - A KAPublicSecurityCredential (SMETS2 response encryption) is accepted and ignored: SMETS1
//     responses are not GBCS-encrypted.
//   - Executions are journalled like requests, under the endpoint "DCC schedule <ID>" with
//     command variant 9 (DUIS's variant for what the DCC does itself), so their timings and
//     target-response-time breaches are reported with the rest.
func init() {
	registerNonDevice(map[string]nonDeviceHandler{
		"5.1": createSchedule,
		"5.2": readSchedule,
		"5.3": deleteSchedule,
	})
}

// scheduleTime is when a schedule runs on its day when its request names no time.
const scheduleTime = 0 * time.Hour

// dspSchedule is one DCC schedule.
type dspSchedule struct {
	id      uint64
	owner   *users.User
	version string // the schema version of the 5.1 request, which its responses use
	spec    duis.DSPSchedule
	srv     *srv.SRV
	at      time.Duration // the UTC time of day it runs
}

// scheduleBook is a DCC's schedules. Its zero value is ready.
type scheduleBook struct {
	mu      sync.Mutex
	lastID  uint64
	counter uint64 // the DCC's counter for the requests it originates
	byID    map[uint64]*dspSchedule
}

// months is how many months apart the runs of a month-based frequency are.
var months = map[string]int{"Monthly": 1, "Quarterly": 3, "Half-Yearly": 6, "Yearly": 12}

// due returns the schedule's n-th due time (n from 0).
func (s *dspSchedule) due(n int) time.Time {
	day := s.spec.StartDate
	switch s.spec.Frequency {
	case "Daily":
		day = day.AddDate(0, 0, n)
	case "Weekly":
		day = day.AddDate(0, 0, 7*n)
	default:
		y, m, d := day.Date()
		first := time.Date(y, m+time.Month(n*months[s.spec.Frequency]), 1, 0, 0, 0, 0, time.UTC)
		last := first.AddDate(0, 1, -1).Day()
		day = time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, time.UTC)
	}
	return day.Add(s.at)
}

// next returns the first due time after t, or the zero time when the end date comes first.
func (s *dspSchedule) next(t time.Time) time.Time {
	n := 0
	if t.After(s.spec.StartDate) {
		days := int(t.Sub(s.spec.StartDate) / (24 * time.Hour))
		switch s.spec.Frequency {
		case "Daily":
			n = days
		case "Weekly":
			n = days / 7
		default:
			n = days / (31 * months[s.spec.Frequency]) // never beyond the answer
		}
		n = max(n-1, 0)
	}
	for !s.due(n).After(t) {
		n++
	}
	at := s.due(n)
	if s.spec.EndDate != nil && at.Add(-s.at).After(*s.spec.EndDate) {
		return time.Time{}
	}
	return at
}

// request is the read the DCC sends for the execution due at due: the SRV's own body, with the
// log period the offsets give for that day.
func (s *dspSchedule) request(due time.Time, counter uint64) *duis.Request {
	name := strings.TrimPrefix(s.spec.Request, "DSP")
	body := "<sr:" + name + "/>"
	if o := s.spec.Offsets; o != nil {
		day := due.UTC().Truncate(24 * time.Hour)
		from := day.AddDate(0, 0, o.StartDateOffset).Add(o.StartTime)
		to := day.AddDate(0, 0, o.EndDateOffset).Add(o.EndTime)
		body = "<sr:" + name + "><sr:ReadLogPeriod><sr:StartDateTime>" + from.Format(time.RFC3339) +
			"</sr:StartDateTime><sr:EndDateTime>" + to.Format(time.RFC3339) + "</sr:EndDateTime></sr:ReadLogPeriod></sr:" + name + ">"
	}
	return &duis.Request{SchemaVersion: s.version,
		Header: duis.Header{RequestID: duis.RequestID{Originator: EUI, Target: s.spec.DeviceID, Counter: counter},
			CommandVariant: 9, ServiceReference: s.srv.Reference, ServiceReferenceVariant: s.srv.Variant},
		Body: duis.Body{Name: name, Raw: []byte(body)}}
}

// createSchedule is 5.1: the schedule is checked as the read it runs would be, kept, and its
// first execution put on the clock; the answer carries its ID.
func createSchedule(d *DCC, c *call, now time.Time) (duis.ResponseContent, *failure) {
	spec, err := c.req.Body.CreateSchedule()
	if err != nil {
		return nil, fail(E100, "%v", err)
	}
	const variantField = "CreateSchedule/DSPScheduledServiceReferenceVariant"
	target := srv.Lookup(spec.ServiceReferenceVariant)
	switch {
	case target == nil:
		return nil, fail(E100, "%s: %s is not a DUIS Service Reference Variant", variantField, spec.ServiceReferenceVariant)
	case !target.DCCScheduled:
		return nil, fail(E100, "%s: %s %s cannot be scheduled by the DCC (DUIS schedules %s)", variantField, target.Variant, target.Name, schedulable())
	case target.Reference != spec.ServiceReference:
		return nil, fail(E100, "CreateSchedule/DSPScheduledServiceReference: %s is not the Service Reference of %s (%s)", spec.ServiceReference, target.Variant, target.Reference)
	case duis.ScheduledRequests[target.Variant] != spec.Request:
		return nil, fail(E100, "CreateSchedule/%s: %s is scheduled with sr:%s", spec.Request, target.Variant, duis.ScheduledRequests[target.Variant])
	}
	if !c.user.Eligible(target) {
		return nil, fail(E2, "%s: %s (roles %v) may not send %s %s (eligible roles %v)", variantField, c.user.EUI, c.user.Roles, target.Variant, target.Name, target.Roles)
	}
	sc := &call{path: c.path, req: c.req, user: c.user, srv: target}
	if f := d.checkDevice(sc, spec.DeviceID); f != nil {
		f.reason = "CreateSchedule/DeviceID: " + f.reason
		return nil, f
	}
	impl := handlers[target.Variant]
	if impl.exec == nil {
		return nil, fail(E100, "%s: smetsim does not execute %s %s yet (`smetsim srv list` shows what it does)", variantField, target.Variant, target.Name)
	}
	if spec.EndDate != nil && spec.EndDate.Before(spec.StartDate) {
		return nil, fail(E100, "CreateSchedule/ScheduleEndDate: %s is before ScheduleStartDate %s", spec.EndDate.Format(time.DateOnly), spec.StartDate.Format(time.DateOnly))
	}
	if o := spec.Offsets; o != nil {
		day := 24 * time.Hour
		if time.Duration(o.EndDateOffset)*day+o.EndTime < time.Duration(o.StartDateOffset)*day+o.StartTime {
			return nil, fail(E100, "CreateSchedule/%s/EndDateOffset: the period ends (day %d, %s) before it starts (day %d, %s)", spec.Request,
				o.EndDateOffset, o.EndTime, o.StartDateOffset, o.StartTime)
		}
	}
	s := &dspSchedule{owner: c.user, version: c.req.SchemaVersion, spec: *spec, srv: target, at: scheduleTime}
	if spec.StartTime != nil {
		s.at = *spec.StartTime
	} else {
		t := scheduleTime
		s.spec.StartTime = &t
	}
	first := s.next(now)
	if first.IsZero() {
		return nil, fail(E100, "CreateSchedule/ScheduleEndDate: %s has passed: the schedule would never run", spec.EndDate.Format(time.DateOnly))
	}
	if impl.check != nil {
		if f := impl.check(d, sc, s.request(first, 0)); f != nil {
			f.reason = "CreateSchedule/" + spec.Request + ": as " + target.Variant + " would be sent: " + f.reason
			return nil, f
		}
	}
	b := &d.schedules
	b.mu.Lock()
	held := 0
	for _, o := range b.byID {
		if o.owner == c.user && o.spec.DeviceID == spec.DeviceID {
			held++
		}
	}
	if held >= duis.MaxSchedulesRead {
		b.mu.Unlock()
		return nil, fail(E100, "CreateSchedule/DeviceID: %s already has %d schedules for %s, as many as 5.2 can list", c.user.EUI, held, spec.DeviceID)
	}
	if b.byID == nil {
		b.byID = map[uint64]*dspSchedule{}
	}
	b.lastID++
	s.id = b.lastID
	b.byID[s.id] = s
	b.mu.Unlock()
	d.planSchedule(s, first)
	d.cfg.Log.Info("schedule created", "schedule", s.id, "user", c.user.EUI.String(), "srv", target.Variant,
		"device", spec.DeviceID.String(), "frequency", spec.Frequency, "first", first)
	return duis.DSPScheduleID(s.id), nil
}

// schedulable lists the SRVs DUIS lets the DCC schedule.
func schedulable() string {
	var vs []string
	for i := range srv.All {
		if srv.All[i].DCCScheduled {
			vs = append(vs, srv.All[i].Variant)
		}
	}
	return strings.Join(vs, ", ")
}

// planSchedule puts a schedule's execution due at at on the clock.
func (d *DCC) planSchedule(s *dspSchedule, at time.Time) {
	d.clock.At(at, funcHandler(func(now time.Time) { d.runSchedule(s, at, now) }), 0)
}

// runSchedule carries out the execution of a schedule due at due, and plans the next one. It runs
// on the clock's goroutine.
func (d *DCC) runSchedule(s *dspSchedule, due, now time.Time) {
	b := &d.schedules
	b.mu.Lock()
	if b.byID[s.id] != s {
		b.mu.Unlock()
		return // deleted
	}
	b.counter++
	counter := b.counter
	next := s.next(due)
	if next.IsZero() {
		delete(b.byID, s.id) // its last run: the schedule ends
	}
	b.mu.Unlock()
	if !next.IsZero() {
		d.planSchedule(s, next)
	}
	req := s.request(due, counter)
	c := &call{path: "DCC schedule", req: req, user: s.owner, srv: s.srv}
	j := &job{d: d, c: c, orig: req, received: now, sched: s}
	f := d.checkDevice(c, s.spec.DeviceID)
	d.record(Record{RequestID: req.Header.RequestID, User: s.owner.EUI, Endpoint: "DCC schedule " + itoa(s.id),
		SRV: s.srv.Variant, CV: req.Header.CommandVariant, Device: s.spec.DeviceID, Code: I99, Received: now})
	if f != nil {
		j.fail(now, f.code, f.reason)
		return
	}
	d.setTRT(c)
	j.start(now)
}

// scheduledHeader addresses a scheduled execution's MMC header to the DCC, which originated the
// command, with the User as the Supplementary Remote Party.
func (j *job) scheduledHeader(h *duis.MMCHeader) {
	if j.sched == nil {
		return
	}
	u := j.c.user.EUI
	h.BusinessTargetID = EUI
	h.SupplementaryRemotePartyID = &u
}

// scheduleID is the ID of the schedule a job executes, or nil.
func (j *job) scheduleID() *uint64 {
	if j.sched == nil {
		return nil
	}
	id := j.sched.id
	return &id
}

// scheduledReply names the schedule in the error response to one of its executions.
func (j *job) scheduledReply(r *duis.Response) {
	if j.sched == nil {
		return
	}
	if m, ok := r.Body.(*duis.ResponseMessage); ok {
		m.Content = duis.DSPScheduleID(j.sched.id)
	}
}

// ownSchedule finds a User's schedule by ID for 5.2 and 5.3.
func (b *scheduleBook) ownSchedule(body string, u *users.User, id uint64) (*dspSchedule, *failure) {
	s := b.byID[id]
	switch {
	case s == nil:
		return nil, fail(E100, "%s/DSPScheduleID: there is no schedule %d", body, id)
	case s.owner != u:
		return nil, fail(E4, "%s/DSPScheduleID: schedule %d is another User's: a User reads and deletes only its own schedules", body, id)
	}
	return s, nil
}

// ownSchedules returns a User's schedules for a device, oldest first.
func (b *scheduleBook) ownSchedules(u *users.User, dev devices.EUI64) []*dspSchedule {
	var out []*dspSchedule
	for _, s := range b.byID {
		if s.owner == u && s.spec.DeviceID == dev {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, k int) bool { return out[i].id < out[k].id })
	return out
}

// selectSchedules reads a 5.2 or 5.3 body and returns the User's schedules it names. The caller
// holds b.mu.
func (d *DCC) selectSchedules(c *call) ([]*dspSchedule, *failure) {
	sel, err := c.req.Body.ScheduleSelector()
	if err != nil {
		return nil, fail(E100, "%v", err)
	}
	b := &d.schedules
	if sel.ID != nil {
		s, f := b.ownSchedule(c.req.Body.Name, c.user, *sel.ID)
		if f != nil {
			return nil, f
		}
		return []*dspSchedule{s}, nil
	}
	if _, ok := d.inv.Device(*sel.DeviceID); !ok {
		return nil, fail(E19, "%s/DeviceID: device %s is not in the inventory", c.req.Body.Name, *sel.DeviceID)
	}
	return b.ownSchedules(c.user, *sel.DeviceID), nil
}

// readSchedule is 5.2: the User's schedule with an ID, or its schedules for a device.
func readSchedule(d *DCC, c *call, now time.Time) (duis.ResponseContent, *failure) {
	b := &d.schedules
	b.mu.Lock()
	defer b.mu.Unlock()
	list, f := d.selectSchedules(c)
	if f != nil || len(list) == 0 {
		return nil, f
	}
	out := make(duis.DSPSchedulesRead, len(list))
	for i, s := range list {
		out[i] = duis.ScheduleEntry{ID: s.id, Schedule: s.spec}
	}
	return out, nil
}

// deleteSchedule is 5.3: the User's schedule with an ID, or all its schedules for a device, are
// deleted; their later executions never run.
func deleteSchedule(d *DCC, c *call, now time.Time) (duis.ResponseContent, *failure) {
	b := &d.schedules
	b.mu.Lock()
	defer b.mu.Unlock()
	list, f := d.selectSchedules(c)
	if f != nil {
		return nil, f
	}
	for _, s := range list {
		delete(b.byID, s.id)
		d.cfg.Log.Info("schedule deleted", "schedule", s.id, "user", c.user.EUI.String())
	}
	return nil, nil
}
