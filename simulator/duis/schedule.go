package duis

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
)

// DCC schedules: the bodies of 5.1 Create Schedule (sr:DSPSchedule), 5.2 Read Schedule and 5.3
// Delete Schedule (a schedule ID or a Device ID), and what the DCC answers them with — the new
// schedule's ID (DSPScheduleID) and the schedules read (DSPSchedulesRead). Which SRV a schedule
// runs, on which device and when, is the mock DCC's to judge; here each value is read and written
// as the schema types it.

// MaxScheduleID is the largest DSPScheduleID the schema's scheduleID type allows.
const MaxScheduleID = 1_000_000_000_000

// MaxSchedulesRead is how many schedules one DSPSchedulesRead holds at most.
const MaxSchedulesRead = 99

// ScheduleFrequencies are the schema's ScheduleFrequency values.
var ScheduleFrequencies = []string{"Daily", "Weekly", "Monthly", "Quarterly", "Half-Yearly", "Yearly"}

// ScheduledRequests names, for each SRV the schema lets the DCC schedule
// (DSPScheduledServiceReferenceVariant), the element of sr:DSPSchedule's choice that carries it.
// Without its "DSP" prefix the element's name is that of the SRV's own request body.
var ScheduledRequests = map[string]string{
	"4.2":    "DSPReadInstantaneousExportRegisters",
	"4.6.1":  "DSPRetrieveImportDailyReadLog",
	"4.6.2":  "DSPRetrieveExportDailyReadLog",
	"4.8.1":  "DSPReadActiveImportProfileData",
	"4.8.2":  "DSPReadReactiveImportProfileData",
	"4.8.3":  "DSPReadExportProfileData",
	"4.10":   "DSPReadNetworkData",
	"4.12.1": "DSPReadMaximumDemandImportRegisters",
	"4.12.2": "DSPReadMaximumDemandExportRegisters",
	"4.14":   "DSPReadPrepaymentDailyReadLog",
	"4.15":   "DSPReadLoadLimitData",
	"4.16":   "DSPReadActivePowerImport",
	"4.17":   "DSPRetrieveDailyConsumptionLog",
	"14.1":   "DSPRecordNetworkDataGAS",
}

// scheduledLogReads are the choice elements of type ReadLogPeriodOffset; the others are empty.
var scheduledLogReads = map[string]bool{
	"DSPRetrieveImportDailyReadLog": true, "DSPRetrieveExportDailyReadLog": true,
	"DSPReadActiveImportProfileData": true, "DSPReadReactiveImportProfileData": true, "DSPReadExportProfileData": true,
	"DSPReadNetworkData": true, "DSPReadPrepaymentDailyReadLog": true, "DSPRetrieveDailyConsumptionLog": true,
}

// DSPSchedule is sr:DSPSchedule: when the DCC runs a read on a device, and what the read asks.
// Dates are UTC calendar days (a time at 00:00 UTC) and times of day are offsets from UTC
// midnight, the zone of every DUIS time.
type DSPSchedule struct {
	Frequency string // one of ScheduleFrequencies
	StartDate time.Time
	EndDate   *time.Time     // optional: the last day it may run
	StartTime *time.Duration // optional ScheduleExecutionStartTime
	// HasKACredential says the request carried a KAPublicSecurityCredential (a SMETS2 response
	// encryption certificate); it is not kept or written back.
	HasKACredential         bool
	ServiceReference        string
	ServiceReferenceVariant string
	DeviceID                devices.EUI64
	Request                 string               // the choice element, e.g. DSPRetrieveImportDailyReadLog
	Offsets                 *ReadLogPeriodOffset // for the log reads; nil for the others
}

// ReadLogPeriodOffset is sr:ReadLogPeriodOffset: a log period relative to the day a scheduled
// read runs, as day offsets (0 to -400) and UTC times of day.
type ReadLogPeriodOffset struct {
	StartDateOffset int
	StartTime       time.Duration
	EndDateOffset   int
	EndTime         time.Duration
}

type readLogPeriodOffsetXML struct {
	XMLName         xml.Name
	StartDateOffset *string    `xml:"StartDateOffset"`
	StartTime       *string    `xml:"StartTime"`
	EndDateOffset   *string    `xml:"EndDateOffset"`
	EndTime         *string    `xml:"EndTime"`
	Other           []xml.Name `xml:",any"`
}

type dspScheduleXML struct {
	Frequency *string                  `xml:"ScheduleFrequency"`
	StartDate *string                  `xml:"ScheduleStartDate"`
	EndDate   *string                  `xml:"ScheduleEndDate"`
	StartTime *string                  `xml:"ScheduleExecutionStartTime"`
	KA        *string                  `xml:"KAPublicSecurityCredential"`
	Reference *string                  `xml:"DSPScheduledServiceReference"`
	Variant   *string                  `xml:"DSPScheduledServiceReferenceVariant"`
	DeviceID  *string                  `xml:"DeviceID"`
	Choice    []readLogPeriodOffsetXML `xml:",any"`
}

// fieldError is an ErrField ParseError naming the field's path.
func fieldError(path, value, format string, args ...any) *ParseError {
	return &ParseError{Reason: ErrField, Offset: -1, Path: path, Value: shorten(value), Detail: fmt.Sprintf(format, args...)}
}

func structureError(path, format string, args ...any) *ParseError {
	return &ParseError{Reason: ErrStructure, Offset: -1, Path: path, Detail: fmt.Sprintf(format, args...)}
}

// CreateSchedule decodes an sr:CreateSchedule body (type sr:DSPSchedule), checking each value as
// the schema types it. The Service Reference Variant is only checked for its shape, so that the
// DCC can tell an SRV that does not exist from one it cannot schedule. Errors are *ParseError
// whose Path names the field.
func (b Body) CreateSchedule() (*DSPSchedule, error) {
	const root = "CreateSchedule"
	if b.Name != root {
		return nil, structureError(b.Name, "the body is sr:%s, not sr:%s", shorten(b.Name), root)
	}
	var x dspScheduleXML
	if err := b.Decode(&x); err != nil {
		return nil, err
	}
	path := func(f string) string { return root + "/" + f }
	need := func(f string, v *string) (string, error) {
		if v == nil {
			return "", structureError(path(f), "sr:%s is missing", f)
		}
		return strings.Trim(*v, " \t\r\n"), nil
	}
	s := &DSPSchedule{HasKACredential: x.KA != nil}
	var err error
	if s.Frequency, err = need("ScheduleFrequency", x.Frequency); err != nil {
		return nil, err
	}
	if !oneOf(s.Frequency, ScheduleFrequencies) {
		return nil, fieldError(path("ScheduleFrequency"), s.Frequency, "%q is not one of %s", shorten(s.Frequency), strings.Join(ScheduleFrequencies, ", "))
	}
	text, err := need("ScheduleStartDate", x.StartDate)
	if err != nil {
		return nil, err
	}
	if s.StartDate, err = parseDate(text); err != nil {
		return nil, fieldError(path("ScheduleStartDate"), text, "%v", err)
	}
	if x.EndDate != nil {
		text := strings.Trim(*x.EndDate, " \t\r\n")
		d, err := parseDate(text)
		if err != nil {
			return nil, fieldError(path("ScheduleEndDate"), text, "%v", err)
		}
		s.EndDate = &d
	}
	if x.StartTime != nil {
		text := strings.Trim(*x.StartTime, " \t\r\n")
		t, err := parseTimeOfDay(text)
		if err != nil {
			return nil, fieldError(path("ScheduleExecutionStartTime"), text, "%v", err)
		}
		s.StartTime = &t
	}
	if s.ServiceReference, err = need("DSPScheduledServiceReference", x.Reference); err != nil {
		return nil, err
	}
	if s.ServiceReferenceVariant, err = need("DSPScheduledServiceReferenceVariant", x.Variant); err != nil {
		return nil, err
	}
	if f, err := checkServiceReference(s.ServiceReference, s.ServiceReferenceVariant); err != nil {
		return nil, fieldError(path("DSPScheduled"+f), "", "%v", err)
	}
	if text, err = need("DeviceID", x.DeviceID); err != nil {
		return nil, err
	}
	if s.DeviceID, err = ParseEUI(text); err != nil {
		return nil, fieldError(path("DeviceID"), text, "%v", err)
	}
	switch len(x.Choice) {
	case 0:
		return nil, structureError(root, "the request to schedule is missing: want one of its sr:DSP… elements after sr:DeviceID")
	case 1:
	default:
		return nil, structureError(root, "%d elements after sr:DeviceID (sr:%s, sr:%s…): want one request to schedule",
			len(x.Choice), shorten(x.Choice[0].XMLName.Local), shorten(x.Choice[1].XMLName.Local))
	}
	c := x.Choice[0]
	s.Request = c.XMLName.Local
	if c.XMLName.Space != SRNamespace {
		return nil, structureError(path(s.Request), "unexpected element {%s}%s", shorten(c.XMLName.Space), shorten(s.Request))
	}
	known := false
	for _, el := range ScheduledRequests {
		known = known || el == s.Request
	}
	if !known {
		return nil, structureError(path(s.Request), "sr:%s is not a request the schema lets the DCC schedule", shorten(s.Request))
	}
	if !scheduledLogReads[s.Request] {
		if c.StartDateOffset != nil || c.StartTime != nil || c.EndDateOffset != nil || c.EndTime != nil || len(c.Other) > 0 {
			return nil, structureError(path(s.Request), "sr:%s is empty in the schema (type DSPReadData)", s.Request)
		}
		return s, nil
	}
	if len(c.Other) > 0 {
		return nil, structureError(path(s.Request+"/"+c.Other[0].Local), "unexpected element in sr:%s", s.Request)
	}
	o := &ReadLogPeriodOffset{}
	for _, f := range []struct {
		name   string
		text   *string
		offset *int
		time   *time.Duration
	}{
		{"StartDateOffset", c.StartDateOffset, &o.StartDateOffset, nil},
		{"StartTime", c.StartTime, nil, &o.StartTime},
		{"EndDateOffset", c.EndDateOffset, &o.EndDateOffset, nil},
		{"EndTime", c.EndTime, nil, &o.EndTime},
	} {
		p := path(s.Request + "/" + f.name)
		if f.text == nil {
			return nil, structureError(p, "sr:%s is missing", f.name)
		}
		text := strings.Trim(*f.text, " \t\r\n")
		if f.offset != nil {
			n, err := strconv.Atoi(text)
			if err != nil || n > 0 || n < -400 {
				return nil, fieldError(p, text, "%q is not a day offset from 0 to -400", shorten(text))
			}
			*f.offset = n
			continue
		}
		t, err := parseTimeOfDay(text)
		if err != nil {
			return nil, fieldError(p, text, "%v", err)
		}
		*f.time = t
	}
	s.Offsets = o
	return s, nil
}

// ScheduleSelector is the body of 5.2 Read Schedule and 5.3 Delete Schedule: one schedule by its
// ID, or every schedule of a device. Exactly one field is set.
type ScheduleSelector struct {
	ID       *uint64
	DeviceID *devices.EUI64
}

type scheduleSelectorXML struct {
	ID       []string `xml:"DSPScheduleID"`
	DeviceID []string `xml:"DeviceID"`
}

// ScheduleSelector decodes an sr:ReadSchedule or sr:DeleteSchedule body.
func (b Body) ScheduleSelector() (*ScheduleSelector, error) {
	if b.Name != "ReadSchedule" && b.Name != "DeleteSchedule" {
		return nil, structureError(b.Name, "the body is sr:%s, not sr:ReadSchedule or sr:DeleteSchedule", shorten(b.Name))
	}
	var x scheduleSelectorXML
	if err := b.Decode(&x); err != nil {
		return nil, err
	}
	if len(x.ID)+len(x.DeviceID) != 1 {
		return nil, structureError(b.Name, "want one sr:DSPScheduleID or one sr:DeviceID, not %d of them", len(x.ID)+len(x.DeviceID))
	}
	sel := &ScheduleSelector{}
	if len(x.ID) == 1 {
		text := strings.Trim(x.ID[0], " \t\r\n")
		id, err := strconv.ParseUint(text, 10, 64)
		if err != nil || id > MaxScheduleID {
			return nil, fieldError(b.Name+"/DSPScheduleID", text, "%q is not a schedule ID from 0 to %d", shorten(text), uint64(MaxScheduleID))
		}
		sel.ID = &id
		return sel, nil
	}
	text := strings.Trim(x.DeviceID[0], " \t\r\n")
	id, err := ParseEUI(text)
	if err != nil {
		return nil, fieldError(b.Name+"/DeviceID", text, "%v", err)
	}
	sel.DeviceID = &id
	return sel, nil
}

// parseDate reads an xs:date (YYYY-MM-DD with an optional Z or ±hh:mm) as its calendar day.
func parseDate(s string) (time.Time, error) {
	day, zone := s, ""
	if len(s) > 10 {
		day, zone = s[:10], s[10:]
	}
	if zone != "" && zone != "Z" && !(len(zone) == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' && allDigits(zone[1:3]) && allDigits(zone[4:6])) {
		return time.Time{}, fmt.Errorf("%q is not an xs:date such as 2026-04-01", shorten(s))
	}
	t, err := time.Parse("2006-01-02", day)
	if err != nil || len(day) != 10 || t.Year() < 1 { // XML Schema 1.0 has no year 0000
		return time.Time{}, fmt.Errorf("%q is not an xs:date such as 2026-04-01", shorten(s))
	}
	return t, nil
}

// parseTimeOfDay reads an xs:time (hh:mm:ss, optional fraction, optional Z or ±hh:mm) as the UTC
// time of day; a time without a zone is UTC, like every DUIS time.
func parseTimeOfDay(s string) (time.Duration, error) {
	t, err := parseDateTime("2000-01-01T" + s)
	if err != nil {
		return 0, fmt.Errorf("%q is not an xs:time such as 02:30:00Z", shorten(s))
	}
	const day = 24 * time.Hour
	d := t.Sub(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).Truncate(time.Second) % day
	return (d + day) % day, nil // a zone ahead of UTC can put the UTC time on the day before
}

// formatTimeOfDay writes a UTC time of day as an xs:time.
func formatTimeOfDay(d time.Duration) string {
	d = ((d % (24 * time.Hour)) + 24*time.Hour) % (24 * time.Hour)
	return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Add(d).Format("15:04:05") + "Z"
}

// DSPScheduleID is the content of a 5.1 Create Schedule answer, the new schedule's ID; the DCC
// also names the schedule with it in the error response to one of its executions.
type DSPScheduleID uint64

func (id DSPScheduleID) writeContent(w *xw) {
	if id > MaxScheduleID {
		w.failf("DSPScheduleID %d is above the schema's %d", uint64(id), uint64(MaxScheduleID))
	}
	w.uint("sr:DSPScheduleID", uint64(id))
}

// ScheduleEntry is one schedule of a DSPSchedulesRead.
type ScheduleEntry struct {
	ID       uint64
	Schedule DSPSchedule
}

// DSPSchedulesRead is the content of a 5.2 Read Schedule answer: 1 to 99 schedules.
type DSPSchedulesRead []ScheduleEntry

func (r DSPSchedulesRead) writeContent(w *xw) {
	if len(r) < 1 || len(r) > MaxSchedulesRead {
		w.failf("DSPSchedulesRead: %d schedules, want 1 to %d", len(r), MaxSchedulesRead)
		return
	}
	w.open("sr:DSPSchedulesRead")
	for i := range r {
		if r[i].ID > MaxScheduleID {
			w.failf("DSPSchedulesRead: DSPScheduleID %d is above the schema's %d", r[i].ID, uint64(MaxScheduleID))
		}
		w.open("sr:DSPSchedules")
		w.uint("sr:DSPScheduleID", r[i].ID)
		r[i].Schedule.write(w, "sr:DSPScheduleDetails")
		w.close("sr:DSPSchedules")
	}
	w.close("sr:DSPSchedulesRead")
}

// write writes the schedule as the element name, of type sr:DSPSchedule.
func (s *DSPSchedule) write(w *xw, name string) {
	if !oneOf(s.Frequency, ScheduleFrequencies) {
		w.failf("DSPSchedule: ScheduleFrequency %q is not one of %v", s.Frequency, ScheduleFrequencies)
	}
	if el, ok := ScheduledRequests[s.ServiceReferenceVariant]; !ok || el != s.Request {
		w.failf("DSPSchedule: %s is not an SRV the schema lets the DCC schedule as sr:%s", s.ServiceReferenceVariant, s.Request)
	}
	if _, err := checkServiceReference(s.ServiceReference, s.ServiceReferenceVariant); err != nil {
		w.failf("DSPSchedule: %v", err)
	}
	if scheduledLogReads[s.Request] != (s.Offsets != nil) {
		w.failf("DSPSchedule: sr:%s needs a ReadLogPeriodOffset exactly when it is a log read", s.Request)
	}
	date := func(el string, t time.Time) {
		if t.Year() < 1 || t.Year() > 9999 {
			w.failf("DSPSchedule: %s %v is outside years 0001–9999", el, t)
		}
		w.leaf(el, t.UTC().Format("2006-01-02"))
	}
	w.open(name)
	w.leaf("sr:ScheduleFrequency", s.Frequency)
	date("sr:ScheduleStartDate", s.StartDate)
	if s.EndDate != nil {
		date("sr:ScheduleEndDate", *s.EndDate)
	}
	if s.StartTime != nil {
		w.leaf("sr:ScheduleExecutionStartTime", formatTimeOfDay(*s.StartTime))
	}
	w.leaf("sr:DSPScheduledServiceReference", s.ServiceReference)
	w.leaf("sr:DSPScheduledServiceReferenceVariant", s.ServiceReferenceVariant)
	w.eui("sr:DeviceID", s.DeviceID)
	if o := s.Offsets; o != nil {
		for _, n := range []int{o.StartDateOffset, o.EndDateOffset} {
			if n > 0 || n < -400 {
				w.failf("DSPSchedule: day offset %d is outside 0 to -400", n)
			}
		}
		w.open("sr:" + s.Request)
		w.leaf("sr:StartDateOffset", strconv.Itoa(o.StartDateOffset))
		w.leaf("sr:StartTime", formatTimeOfDay(o.StartTime))
		w.leaf("sr:EndDateOffset", strconv.Itoa(o.EndDateOffset))
		w.leaf("sr:EndTime", formatTimeOfDay(o.EndTime))
		w.close("sr:" + s.Request)
	} else {
		w.leaf("sr:"+s.Request, "")
	}
	w.close(name)
}

// Body encodes the schedule as the body of a 5.1 Create Schedule request, as a DCC User's system
// writes it. ScheduleExecutionStartTime is written only when StartTime is set.
func (s *DSPSchedule) Body() (Body, error) {
	w := &xw{}
	s.write(w, "sr:CreateSchedule")
	if w.err != nil {
		return Body{}, fmt.Errorf("duis: CreateSchedule: %w", w.err)
	}
	return Body{Name: "CreateSchedule", Raw: w.b}, nil
}

// Body encodes the selector as the body of a 5.2 Read Schedule (name "ReadSchedule") or 5.3
// Delete Schedule (name "DeleteSchedule") request.
func (sel ScheduleSelector) Body(name string) (Body, error) {
	if name != "ReadSchedule" && name != "DeleteSchedule" {
		return Body{}, fmt.Errorf("duis: %s is not ReadSchedule or DeleteSchedule", shorten(name))
	}
	w := &xw{}
	w.open("sr:" + name)
	switch {
	case (sel.ID == nil) == (sel.DeviceID == nil):
		w.failf("give a schedule ID or a Device ID")
	case sel.ID != nil:
		if *sel.ID > MaxScheduleID {
			w.failf("DSPScheduleID %d is above the schema's %d", *sel.ID, uint64(MaxScheduleID))
		}
		w.uint("sr:DSPScheduleID", *sel.ID)
	default:
		w.eui("sr:DeviceID", *sel.DeviceID)
	}
	w.close("sr:" + name)
	if w.err != nil {
		return Body{}, fmt.Errorf("duis: %s: %w", name, w.err)
	}
	return Body{Name: name, Raw: w.b}, nil
}
