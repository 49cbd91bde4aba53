package dcc_test

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/fleet"
)

// scheduleSpec is the content of a 5.1 sr:CreateSchedule body.
type scheduleSpec struct {
	freq, start, end, at string
	ref, variant         string
	device               devices.EUI64
	request              string // the DSP… element, whole
}

func (s scheduleSpec) body() string {
	b := "<sr:CreateSchedule><sr:ScheduleFrequency>" + s.freq + "</sr:ScheduleFrequency><sr:ScheduleStartDate>" + s.start + "</sr:ScheduleStartDate>"
	if s.end != "" {
		b += "<sr:ScheduleEndDate>" + s.end + "</sr:ScheduleEndDate>"
	}
	if s.at != "" {
		b += "<sr:ScheduleExecutionStartTime>" + s.at + "</sr:ScheduleExecutionStartTime>"
	}
	return b + "<sr:DSPScheduledServiceReference>" + s.ref + "</sr:DSPScheduledServiceReference><sr:DSPScheduledServiceReferenceVariant>" +
		s.variant + "</sr:DSPScheduledServiceReferenceVariant><sr:DeviceID>" + s.device.String() + "</sr:DeviceID>" + s.request + "</sr:CreateSchedule>"
}

func offsets(el string, startDay, endDay int) string {
	return "<sr:" + el + "><sr:StartDateOffset>" + strconv.Itoa(startDay) + "</sr:StartDateOffset><sr:StartTime>00:00:00Z</sr:StartTime><sr:EndDateOffset>" +
		strconv.Itoa(endDay) + "</sr:EndDateOffset><sr:EndTime>00:00:00Z</sr:EndTime></sr:" + el + ">"
}

// dailyLog is the DCC's daily import read log: 4.6.1.
func dailyLog(device devices.EUI64) scheduleSpec {
	return scheduleSpec{freq: "Daily", start: "2026-03-27", ref: "4.6", variant: "4.6.1", device: device,
		request: offsets("DSPRetrieveImportDailyReadLog", -1, 0)}
}

var (
	reLogEntry = regexp.MustCompile(`<ra:LogEntry><ra:Timestamp>([^<]+)</ra:Timestamp><ra:(?:Electricity|Gas)><ra:(?:Elec|Gas)ActiveImportRegisterConsumption>([^<]+)<`)
	reProfile  = regexp.MustCompile(`<ra:LogEntry><ra:Timestamp>([^<]+)</ra:Timestamp><ra:Electricity><ra:PrimaryValue>([^<]+)<`)
	reConsume  = regexp.MustCompile(`<ra:LogEntry><ra:Value>([^<]+)</ra:Value><ra:Timestamp>([^<]+)</ra:Timestamp>`)
)

var _ = Describe("DCC schedules (5.1 Create, 5.2 Read, 5.3 Delete Schedule)", func() {
	var e *env
	BeforeEach(func() {
		requireJudges()
		// The reference premises alone: schedules run over days and months of the clock.
		e = newEnv(envOptions{fleet: func(s *fleet.Spec) { s.Generators = nil }})
	})
	create := func(from devices.EUI64, body string) dcc.Answer {
		GinkgoHelper()
		return e.serve(nonDevice, e.request(from, dcc.EUI, 8, "5.1", body))
	}
	readSchedule := func(from devices.EUI64, sel string) dcc.Answer {
		GinkgoHelper()
		return e.serve(nonDevice, e.request(from, dcc.EUI, 8, "5.2", "<sr:ReadSchedule>"+sel+"</sr:ReadSchedule>"))
	}
	deleteSchedule := func(from devices.EUI64, sel string) dcc.Answer {
		GinkgoHelper()
		return e.serve(nonDevice, e.request(from, dcc.EUI, 8, "5.3", "<sr:DeleteSchedule>"+sel+"</sr:DeleteSchedule>"))
	}
	byID := func(id string) string { return "<sr:DSPScheduleID>" + id + "</sr:DSPScheduleID>" }
	byDevice := func(d devices.EUI64) string { return "<sr:DeviceID>" + d.String() + "</sr:DeviceID>" }
	responses := func(user devices.EUI64) []string {
		GinkgoHelper()
		var out []string
		for _, m := range ofKind(e.outbox(user), "response") {
			out = append(out, string(m.Body))
		}
		return out
	}
	// scheduled checks a response is an execution of the schedule for the user, correlated as
	// DUIS has it, and returns the UTC day it ran.
	scheduled := func(doc, id string, user, device devices.EUI64) time.Time {
		GinkgoHelper()
		Expect(codeOf([]byte(doc))).To(Equal("I0"), doc)
		Expect(field([]byte(doc), "DSPScheduleID")).To(Equal(id))
		Expect(field([]byte(doc), "RequestID")).To(MatchRegexp(`^` + dcc.EUI.String() + `:` + device.String() + `:[0-9]+$`))
		rid := strings.Split(field([]byte(doc), "RequestID"), ":")
		Expect(field([]byte(doc), "ResponseID")).To(Equal(device.String() + ":" + dcc.EUI.String() + ":" + rid[2]))
		Expect(field([]byte(doc), "BusinessOriginatorID")).To(Equal(device.String()))
		Expect(field([]byte(doc), "BusinessTargetID")).To(Equal(dcc.EUI.String()))
		Expect(field([]byte(doc), "SupplementaryRemotePartyID")).To(Equal(user.String()))
		at, err := time.Parse(time.RFC3339, field([]byte(doc), "ResponseDateTime"))
		Expect(err).NotTo(HaveOccurred())
		return at.UTC().Truncate(24 * time.Hour)
	}

	It("takes the DCC's ECS21a sample as it is, runs it every day on the clock with the ESME's own log, lists it and deletes it", func() {
		ans := e.serve(nonDevice, template(e, "ECS21a_5.1._DCC_SCHEDULED_REQUEST_DUIS.XML"))
		Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
		id := field(ans.Body, "DSPScheduleID")
		Expect(id).To(Equal("1"))
		Expect(responses(supplier)).To(BeEmpty(), "nothing runs before its time")

		// The sample starts in 2015 with no time of day: it runs at each UTC midnight after it is
		// created, three of them in three days — across the change to BST on 29 March.
		e.run(72*time.Hour + time.Minute)
		docs := responses(supplier)
		Expect(docs).To(HaveLen(3))
		es := e.f.ByDevice(esme).ESME
		now := e.f.Clock.Now()
		var counters []string
		for i, doc := range docs {
			day := scheduled(doc, id, supplier, esme)
			Expect(day).To(Equal(time.Date(2026, 3, 28+i, 0, 0, 0, 0, time.UTC)))
			Expect(doc).To(ContainSubstring(`<ra:RetrieveImportDailyReadLogRsp MessageSuccess="true">`))
			want := es.DailyReadsBetween(now, day.AddDate(0, 0, -1), day)
			got := reLogEntry.FindAllStringSubmatch(doc, -1)
			Expect(want).NotTo(BeEmpty())
			Expect(got).To(HaveLen(len(want)))
			for k, w := range want {
				Expect(got[k][1]).To(Equal(w.Time.UTC().Format("2006-01-02T15:04:05Z")))
				Expect(got[k][2]).To(Equal(strconv.FormatUint(w.Total, 10)))
			}
			counters = append(counters, strings.Split(field([]byte(doc), "RequestID"), ":")[2])
		}
		Expect(counters[0]).NotTo(Equal(counters[1]))
		Expect(docs[2]).To(ContainSubstring("<ra:Timestamp>2026-03-29T23:00:00Z</ra:Timestamp>"), "local midnight of 30 March, in BST")

		for _, sel := range []string{byID(id), byDevice(esme)} {
			ans = readSchedule(supplier, sel)
			Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
			Expect(string(ans.Body)).To(ContainSubstring("<sr:DSPSchedulesRead><sr:DSPSchedules><sr:DSPScheduleID>1</sr:DSPScheduleID><sr:DSPScheduleDetails>" +
				"<sr:ScheduleFrequency>Daily</sr:ScheduleFrequency><sr:ScheduleStartDate>2015-01-02</sr:ScheduleStartDate>" +
				"<sr:ScheduleExecutionStartTime>00:00:00Z</sr:ScheduleExecutionStartTime>" +
				"<sr:DSPScheduledServiceReference>4.6</sr:DSPScheduledServiceReference><sr:DSPScheduledServiceReferenceVariant>4.6.1</sr:DSPScheduledServiceReferenceVariant>" +
				"<sr:DeviceID>00-DB-12-34-56-78-90-A0</sr:DeviceID><sr:DSPRetrieveImportDailyReadLog><sr:StartDateOffset>-1</sr:StartDateOffset>"))
		}

		ans = deleteSchedule(supplier, byID(id))
		Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
		e.run(72 * time.Hour)
		Expect(responses(supplier)).To(BeEmpty(), "a deleted schedule never runs again")
		ans = readSchedule(supplier, byID(id))
		Expect(ans.Code).To(Equal(dcc.E100))
		Expect(ans.Reason).To(ContainSubstring("ReadSchedule/DSPScheduleID: there is no schedule 1"))
		ans = readSchedule(supplier, byDevice(esme))
		Expect(ans.Code).To(Equal(dcc.I0))
		Expect(string(ans.Body)).NotTo(ContainSubstring("DSPSchedulesRead"))
	})

	It("runs a weekly schedule at its time of day until its end date, with each week's consumption, then ends it", func() {
		s := scheduleSpec{freq: "Weekly", start: "2026-03-27", end: "2026-04-03", at: "06:30:00Z", ref: "4.17", variant: "4.17",
			device: esme, request: offsets("DSPRetrieveDailyConsumptionLog", -7, 0)}
		ans := create(distrib, s.body())
		Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
		id := field(ans.Body, "DSPScheduleID")
		e.run(6 * time.Hour)
		Expect(responses(distrib)).To(BeEmpty())
		e.run(15 * 24 * time.Hour)
		docs := responses(distrib)
		Expect(docs).To(HaveLen(2), "27 March and 3 April, its end date")
		es := e.f.ByDevice(esme).ESME
		now := e.f.Clock.Now()
		for i, doc := range docs {
			day := scheduled(doc, id, distrib, esme)
			Expect(day).To(Equal(time.Date(2026, 3, 27+7*i, 0, 0, 0, 0, time.UTC)))
			Expect(field([]byte(doc), "ResponseDateTime")).To(HavePrefix(day.Format("2006-01-02") + "T06:30:"))
			reads := es.DailyReadsBetween(now, day.AddDate(0, 0, -8), day)
			got := reConsume.FindAllStringSubmatch(doc, -1)
			var want []string
			for k := 1; k < len(reads); k++ {
				if !reads[k].Time.Before(day.AddDate(0, 0, -7)) && devices.NextLocalDayStart(reads[k-1].Time).Equal(reads[k].Time) {
					want = append(want, strconv.FormatUint(reads[k].Total-reads[k-1].Total, 10)+"@"+reads[k].Time.UTC().Format("2006-01-02T15:04:05Z"))
				}
			}
			var have []string
			for _, g := range got {
				have = append(have, g[1]+"@"+g[2])
			}
			Expect(have).To(Equal(want))
			if i == 1 {
				Expect(have).To(HaveLen(7), "a whole week of days")
			}
		}
		ans = readSchedule(distrib, byDevice(esme))
		Expect(ans.Code).To(Equal(dcc.I0))
		Expect(string(ans.Body)).NotTo(ContainSubstring("DSPSchedulesRead"), "a schedule past its end date has ended")
	})

	It("runs a monthly schedule on its day of the month, or the last day of a shorter month", func() {
		s := scheduleSpec{freq: "Monthly", start: "2026-01-31", at: "03:00:00Z", ref: "4.8", variant: "4.8.1", device: esme,
			request: offsets("DSPReadActiveImportProfileData", -1, 0)}
		ans := create(supplier, s.body())
		Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
		id := field(ans.Body, "DSPScheduleID")
		e.run(66 * 24 * time.Hour)
		docs := responses(supplier)
		Expect(docs).To(HaveLen(3))
		var runs []*dcc.Record
		for _, r := range e.d.Journal() {
			if r.Endpoint == "DCC schedule "+id {
				runs = append(runs, &r)
			}
		}
		Expect(runs).To(HaveLen(3))
		es := e.f.ByDevice(esme).ESME
		for i, day := range []time.Time{
			time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC), time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC),
		} {
			Expect(scheduled(docs[i], id, supplier, esme)).To(Equal(day))
			Expect(runs[i].Received).To(Equal(day.Add(3 * time.Hour)))
			Expect(runs[i].AsyncCode).To(Equal(dcc.I0))
			var want []string
			for _, p := range es.ProfileBetween(e.f.Clock.Now(), day.AddDate(0, 0, -1), day, 19056) {
				want = append(want, p.Time.UTC().Format("2006-01-02T15:04:05Z")+" "+strconv.FormatUint(p.Units, 10))
			}
			var got []string
			for _, m := range reProfile.FindAllStringSubmatch(docs[i], -1) {
				got = append(got, m[1]+" "+m[2])
			}
			Expect(got).To(HaveLen(49), "the half hours ending from midnight to midnight, both included, as 4.8.1 reads them")
			Expect(got).To(Equal(want))
		}
	})

	It("reads the gas meter's daily log from the GPF's mirror on a schedule", func() {
		s := dailyLog(gsme)
		s.start, s.at = "2026-03-28", "02:00:00Z" // the GSME has reported its midnight reads by then
		ans := create(supplier, s.body())
		Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
		id := field(ans.Body, "DSPScheduleID")
		e.run(72 * time.Hour)
		docs := responses(supplier)
		Expect(docs).To(HaveLen(2))
		mr := e.f.ByDevice(gpf).GPF.Mirror()
		for _, doc := range docs {
			day := scheduled(doc, id, supplier, gsme)
			want := mr.GasDailyReadsBetween(day.AddDate(0, 0, -1), day)
			got := reLogEntry.FindAllStringSubmatch(doc, -1)
			Expect(want).NotTo(BeEmpty())
			Expect(got).To(HaveLen(len(want)))
			for k, w := range want {
				Expect(got[k][2]).To(Equal(m3(w.Total)))
			}
		}
	})

	It("keeps each User's schedules to itself", func() {
		mine := create(supplier, dailyLog(esme).body())
		Expect(mine.Code).To(Equal(dcc.I0))
		s := scheduleSpec{freq: "Monthly", start: "2026-03-31", ref: "4.8", variant: "4.8.1", device: esme,
			request: offsets("DSPReadActiveImportProfileData", -1, 0)}
		theirs := create(distrib, s.body())
		Expect(theirs.Code).To(Equal(dcc.I0), theirs.Reason)
		theirID := field(theirs.Body, "DSPScheduleID")
		Expect(theirID).To(Equal("2"))

		for _, ans := range []dcc.Answer{readSchedule(supplier, byID(theirID)), deleteSchedule(supplier, byID(theirID))} {
			Expect(ans.Code).To(Equal(dcc.E4))
			Expect(ans.Reason).To(ContainSubstring("DSPScheduleID: schedule 2 is another User's"))
		}
		ans := readSchedule(supplier, byDevice(esme))
		Expect(ans.Code).To(Equal(dcc.I0))
		Expect(regexp.MustCompile(`<sr:DSPScheduleID>`).FindAllString(string(ans.Body), -1)).To(HaveLen(1))
		Expect(field(ans.Body, "DSPScheduleID")).To(Equal(field(mine.Body, "DSPScheduleID")))

		Expect(deleteSchedule(supplier, byDevice(esme)).Code).To(Equal(dcc.I0))
		ans = readSchedule(distrib, byID(theirID))
		Expect(ans.Code).To(Equal(dcc.I0), "deleting by device deletes only the User's own")
		Expect(string(ans.Body)).To(ContainSubstring("<sr:ScheduleFrequency>Monthly</sr:ScheduleFrequency>"))
	})

	It("answers an execution whose device no longer allows the read with its code, naming the schedule", func() {
		ans := create(supplier, dailyLog(esme).body())
		Expect(ans.Code).To(Equal(dcc.I0))
		Expect(e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "8.3", "<sr:DecommissionDevice>"+byDevice(esme)+"</sr:DecommissionDevice>")).Code).To(Equal(dcc.I0))
		e.run(24*time.Hour + time.Minute)
		docs := responses(supplier)
		Expect(docs).To(HaveLen(1))
		Expect(codeOf([]byte(docs[0]))).To(Equal("E5"))
		Expect(docs[0]).To(ContainSubstring("<sr:ServiceReferenceVariant>4.6.1</sr:ServiceReferenceVariant><sr:DSPScheduleID>1</sr:DSPScheduleID>"))
		rec := e.d.Journal()[len(e.d.Journal())-1]
		Expect(rec.Endpoint).To(Equal("DCC schedule 1"))
		Expect(rec.AsyncCode).To(Equal(dcc.E5))
		Expect(rec.AsyncReason).To(ContainSubstring("Decommissioned"))
	})

	It("answers an execution that cannot reach the device E20, naming the schedule, and runs the next one when it can", func() {
		ans := create(supplier, dailyLog(esme).body())
		Expect(ans.Code).To(Equal(dcc.I0))
		chfOf := e.f.ByDevice(esme).CHF
		chfOf.SetWAN(false, -120)
		e.run(24*time.Hour + time.Minute)
		docs := responses(supplier)
		Expect(docs).To(HaveLen(1))
		Expect(codeOf([]byte(docs[0]))).To(Equal("E20"))
		Expect(field([]byte(docs[0]), "DSPScheduleID")).To(Equal("1"))
		Expect(field([]byte(docs[0]), "RequestID")).To(HavePrefix(dcc.EUI.String() + ":" + esme.String() + ":"))
		chfOf.SetWAN(true, -60)
		e.run(24 * time.Hour)
		docs = responses(supplier)
		Expect(docs).To(HaveLen(1))
		scheduled(docs[0], "1", supplier, esme)
	})

	DescribeTable("refuses a schedule that does not fit, naming the field",
		func(from devices.EUI64, edit func(*scheduleSpec), code dcc.Code, reason string) {
			s := dailyLog(esme)
			edit(&s)
			ans := create(from, s.body())
			Expect(ans.Code).To(Equal(code), ans.Reason)
			Expect(codeOf(ans.Body)).To(Equal(string(code)))
			Expect(ans.Reason).To(ContainSubstring(reason))
			e.run(24*time.Hour + time.Minute) // past the first due time it would have had
			Expect(ofKind(e.outbox(from), "response")).To(BeEmpty(), "nothing was scheduled")
		},
		Entry("an SRV DUIS does not have", supplier, func(s *scheduleSpec) { s.ref, s.variant = "4.99", "4.99" },
			dcc.E100, "CreateSchedule/DSPScheduledServiceReferenceVariant: 4.99 is not a DUIS Service Reference Variant"),
		Entry("an SRV the DCC cannot schedule", supplier, func(s *scheduleSpec) {
			s.ref, s.variant, s.request = "4.1", "4.1.1", "<sr:DSPReadInstantaneousExportRegisters/>"
		}, dcc.E100, "CreateSchedule/DSPScheduledServiceReferenceVariant: 4.1.1 Read Instantaneous Import Registers cannot be scheduled by the DCC"),
		Entry("a request element of another SRV", supplier, func(s *scheduleSpec) { s.request = offsets("DSPReadActiveImportProfileData", -1, 0) },
			dcc.E100, "CreateSchedule/DSPReadActiveImportProfileData: 4.6.1 is scheduled with sr:DSPRetrieveImportDailyReadLog"),
		Entry("a device of the wrong type", supplier, func(s *scheduleSpec) { s.device = chf },
			dcc.E11, "CreateSchedule/DeviceID: 4.6.1 Retrieve Import Daily Read Log cannot be sent to 00-DB-12-34-56-78-90-A2 (CHF)"),
		Entry("a read DUIS schedules that does not apply to SMETS1", eui("90-B3-D5-1F-30-03-00-00"), func(s *scheduleSpec) {
			s.ref, s.variant, s.device, s.request = "14.1", "14.1", gsme, "<sr:DSPRecordNetworkDataGAS/>"
		}, dcc.E11, "CreateSchedule/DeviceID: 14.1 Record Network Data (GAS) cannot be sent to 00-DB-12-34-56-78-90-A1 (GSME)"),
		Entry("a device the DCC does not know", supplier, func(s *scheduleSpec) { s.device = eui("00-DB-12-34-56-78-99-99") },
			dcc.E19, "CreateSchedule/DeviceID: device 00-DB-12-34-56-78-99-99 is not in the inventory"),
		Entry("a periodicity DUIS does not have", supplier, func(s *scheduleSpec) { s.freq = "Fortnightly" },
			dcc.E100, `CreateSchedule/ScheduleFrequency: "Fortnightly" is not one of Daily, Weekly, Monthly, Quarterly, Half-Yearly, Yearly`),
		Entry("a start date that is no date", supplier, func(s *scheduleSpec) { s.start = "2026-02-30" },
			dcc.E100, "CreateSchedule/ScheduleStartDate"),
		Entry("an end date before the start date", supplier, func(s *scheduleSpec) { s.end = "2026-03-26" },
			dcc.E100, "CreateSchedule/ScheduleEndDate: 2026-03-26 is before ScheduleStartDate 2026-03-27"),
		Entry("an end date already past", supplier, func(s *scheduleSpec) { s.start, s.end = "2026-03-01", "2026-03-20" },
			dcc.E100, "CreateSchedule/ScheduleEndDate: 2026-03-20 has passed"),
		Entry("a time of day that is no time", supplier, func(s *scheduleSpec) { s.at = "25:00:00" },
			dcc.E100, "CreateSchedule/ScheduleExecutionStartTime"),
		Entry("a log period offset after the day it runs", supplier, func(s *scheduleSpec) { s.request = offsets("DSPRetrieveImportDailyReadLog", 1, 0) },
			dcc.E100, "CreateSchedule/DSPRetrieveImportDailyReadLog/StartDateOffset"),
		Entry("a log period that ends before it starts", supplier, func(s *scheduleSpec) { s.request = offsets("DSPRetrieveImportDailyReadLog", 0, -1) },
			dcc.E100, "CreateSchedule/DSPRetrieveImportDailyReadLog/EndDateOffset: the period ends"),
		Entry("a read the User's roles may not send", eui("90-B3-D5-1F-30-03-00-00"), func(s *scheduleSpec) {
			s.variant, s.request = "4.6.2", offsets("DSPRetrieveExportDailyReadLog", -1, 0)
		}, dcc.E2, "may not send 4.6.2"),
		Entry("a device whose installation the User is not registered for", distrib, func(s *scheduleSpec) {
			s.ref, s.variant, s.device, s.request = "4.8", "4.8.1", gsme, offsets("DSPReadActiveImportProfileData", -1, 0)
		}, dcc.E4, "CreateSchedule/DeviceID: 90-B3-D5-1F-30-02-00-00 is not registered"),
		Entry("a read the scheduled SRV's own check refuses", supplier, func(s *scheduleSpec) {
			s.ref, s.variant, s.device, s.request = "4.8", "4.8.1", gsme, offsets("DSPReadActiveImportProfileData", -1, 0)
		}, dcc.E100, "CreateSchedule/DSPReadActiveImportProfileData: as 4.8.1 would be sent: smetsim does not execute 4.8.1"),
	)

	It("refuses a 5.2 or 5.3 body that names neither a schedule nor a device it knows", func() {
		ans := readSchedule(supplier, "<sr:DSPScheduleID>1000000000001</sr:DSPScheduleID>")
		Expect(ans.Code).To(Equal(dcc.E100))
		Expect(ans.Reason).To(ContainSubstring("ReadSchedule/DSPScheduleID"))
		ans = deleteSchedule(supplier, byID("7"))
		Expect(ans.Code).To(Equal(dcc.E100))
		Expect(ans.Reason).To(ContainSubstring("DeleteSchedule/DSPScheduleID: there is no schedule 7"))
		ans = deleteSchedule(supplier, byDevice(eui("00-DB-12-34-56-78-99-99")))
		Expect(ans.Code).To(Equal(dcc.E19))
		Expect(ans.Reason).To(ContainSubstring("DeleteSchedule/DeviceID"))
	})
})
