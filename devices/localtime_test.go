package devices_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
)

var _ = Describe("UK local time", func() {
	utc := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		Expect(err).NotTo(HaveOccurred())
		return t
	}

	DescribeTable("half-hours in the local day",
		func(day string, want int) {
			Expect(devices.HalfHoursInLocalDay(utc(day))).To(Equal(want))
		},
		Entry("an ordinary winter day", "2026-01-15T12:00:00Z", 48),
		Entry("the day the clocks go forward (29 March 2026)", "2026-03-29T12:00:00Z", 46),
		Entry("an ordinary summer day", "2026-07-01T12:00:00Z", 48),
		Entry("the day the clocks go back (25 October 2026)", "2026-10-25T12:00:00Z", 50),
		Entry("late on the clocks-back day, in its second 01:00–02:00", "2026-10-25T01:30:00Z", 50),
	)

	DescribeTable("local midnight as an instant",
		func(at, want string) {
			Expect(devices.LocalDayStart(utc(at))).To(Equal(utc(want)))
		},
		Entry("winter: midnight is 00:00 UTC", "2026-01-15T12:00:00Z", "2026-01-15T00:00:00Z"),
		Entry("summer: midnight is 23:00 UTC the day before", "2026-07-01T12:00:00Z", "2026-06-30T23:00:00Z"),
		Entry("23:30 UTC in summer is already the next local day", "2026-07-01T23:30:00Z", "2026-07-01T23:00:00Z"),
		Entry("the clocks-forward day starts at GMT midnight", "2026-03-29T12:00:00Z", "2026-03-29T00:00:00Z"),
	)

	DescribeTable("a wall-clock time on a local day",
		func(day string, minute int, want string) {
			Expect(devices.LocalTimeOnDay(utc(day), minute)).To(Equal(utc(want)))
		},
		Entry("07:00 in winter", "2026-01-15T12:00:00Z", 7*60, "2026-01-15T07:00:00Z"),
		Entry("07:00 in summer", "2026-07-01T12:00:00Z", 7*60, "2026-07-01T06:00:00Z"),
		Entry("01:30 does not exist on the spring day: the instant clocks jump", "2026-03-29T12:00:00Z", 90, "2026-03-29T01:00:00Z"),
		Entry("01:30 happens twice on the autumn day: the first time", "2026-10-25T12:00:00Z", 90, "2026-10-25T00:30:00Z"),
	)

	It("numbers half-hour slots on UTC boundaries", func() {
		t := utc("2026-03-29T01:17:00Z")
		s := devices.SlotOf(t)
		Expect(s.Start()).To(Equal(utc("2026-03-29T01:00:00Z")))
		Expect((s + 1).Start()).To(Equal(utc("2026-03-29T01:30:00Z")))
		Expect(devices.SlotOf(utc("1969-12-31T23:59:59Z")).Start()).To(Equal(utc("1969-12-31T23:30:00Z")))
	})

	It("switches TOU tiers by local time across the spring change", func() {
		e7 := &devices.Tariff{Kind: devices.TariffTOU, Switches: []devices.TOUSwitch{{Minute: 30, Tier: 0}, {Minute: 7*60 + 30, Tier: 1}}}
		// 06:45 UTC on 30 March is 07:45 BST: day rate.
		Expect(e7.TierAt(devices.LocalMinuteOfDay(utc("2026-03-30T06:45:00Z")))).To(Equal(1))
		// 06:45 UTC on 28 March is 06:45 GMT: night rate.
		Expect(e7.TierAt(devices.LocalMinuteOfDay(utc("2026-03-28T06:45:00Z")))).To(Equal(0))
		// Before the first switch of the day the last one carries over midnight.
		Expect(e7.TierAt(10)).To(Equal(1))
	})

	It("merges adjacent non-disablement periods into one friendly stretch", func() {
		fr := utc("2026-01-16T18:00:00Z") // Friday evening
		in, end := friendlyHours.Covering(fr)
		Expect(in).To(BeTrue())
		// Friday 16:00 → Saturday 10:00, then the whole weekend, then Monday 00:00 → 10:00 is not
		// a weekday evening period (it started Sunday), so the stretch ends Monday 00:00.
		Expect(end).To(Equal(utc("2026-01-19T00:00:00Z")))
		in, _ = friendlyHours.Covering(utc("2026-01-14T12:00:00Z"))
		Expect(in).To(BeFalse())
	})
})

var _ = Describe("UK local time arithmetic", func() {
	// The reference answers come from the time zone database.
	refDayStart := func(t time.Time) time.Time {
		l := t.In(devices.London)
		return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, devices.London).UTC()
	}
	refNext := func(t time.Time) time.Time {
		l := t.In(devices.London)
		return time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, devices.London).UTC()
	}
	refMinute := func(t time.Time) int {
		l := t.In(devices.London)
		return l.Hour()*60 + l.Minute()
	}
	check := func(t time.Time) {
		Expect(devices.LocalMinuteOfDay(t)).To(Equal(refMinute(t)), "minute of day at %s", t)
		Expect(devices.LocalDayStart(t)).To(Equal(refDayStart(t)), "day start at %s", t)
		Expect(devices.NextLocalDayStart(t)).To(Equal(refNext(t)), "next day start at %s", t)
	}

	It("agrees with the time zone database every hour from 1990 to 2060", func() {
		for t := time.Date(1990, 1, 1, 0, 17, 0, 0, time.UTC); t.Year() < 2060; t = t.Add(time.Hour) {
			check(t)
		}
	})

	It("agrees every minute around the clock changes", func() {
		for _, year := range []int{1996, 2026, 2027, 2099, 2199, 2200} {
			for _, month := range []time.Month{time.March, time.October} {
				from := time.Date(year, month, 24, 0, 0, 0, 0, time.UTC)
				for t := from; t.Before(from.AddDate(0, 0, 8)); t = t.Add(time.Minute) {
					check(t)
				}
			}
		}
	})
})
