package devices_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
)

var _ = Describe("Billing calendars", func() {
	london := func(y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, devices.London)
	}
	DescribeTable("the next billing instant",
		func(c devices.BillingCalendar, after, want time.Time) {
			Expect(c.Validate()).To(Succeed())
			Expect(c.Next(after)).To(Equal(want))
		},
		Entry("daily at 00:30", devices.BillingCalendar{Period: devices.BillingDaily, TimeOfDay: 30 * time.Minute},
			london(2026, 3, 27, 0, 40), london(2026, 3, 28, 0, 30)),
		Entry("weekly on Sunday (7)", devices.BillingCalendar{Period: devices.BillingWeekly, DayOfWeek: 7},
			london(2026, 3, 27, 12, 0), london(2026, 3, 29, 0, 0)),
		Entry("monthly on the 1st, at the instant itself", devices.BillingCalendar{Period: devices.BillingMonthly, DayOfMonth: 1},
			london(2026, 4, 1, 0, 0), london(2026, 5, 1, 0, 0)),
		Entry("quarterly from January, on the 15th", devices.BillingCalendar{Period: devices.BillingQuarterly, DayOfMonth: 15, StartMonth: 1},
			london(2026, 4, 20, 0, 0), london(2026, 7, 15, 0, 0)),
		Entry("six-monthly from March, across a year end", devices.BillingCalendar{Period: devices.BillingSixMonthly, DayOfMonth: 2, StartMonth: 3},
			london(2026, 9, 3, 0, 0), london(2027, 3, 2, 0, 0)),
		Entry("yearly in December", devices.BillingCalendar{Period: devices.BillingYearly, DayOfMonth: 28, StartMonth: 12},
			london(2026, 12, 28, 0, 0), london(2027, 12, 28, 0, 0)),
		Entry("gas, weekly from a start", devices.BillingCalendar{Gas: true, Period: devices.BillingWeekly, Start: time.Date(2026, 1, 5, 6, 0, 0, 0, time.UTC)},
			time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 30, 6, 0, 0, 0, time.UTC)),
		Entry("gas, before its start", devices.BillingCalendar{Gas: true, Period: devices.BillingMonthly, Start: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)},
			time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC), time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)),
	)

	DescribeTable("invalid calendars",
		func(c devices.BillingCalendar, msg string) {
			Expect(c.Validate()).To(MatchError(ContainSubstring(msg)))
		},
		Entry("day 29", devices.BillingCalendar{Period: devices.BillingMonthly, DayOfMonth: 29}, "day of month 29"),
		Entry("day of week 0", devices.BillingCalendar{Period: devices.BillingWeekly}, "day of week 0"),
		Entry("month 13", devices.BillingCalendar{Period: devices.BillingYearly, DayOfMonth: 1, StartMonth: 13}, "start month 13"),
		Entry("gas without a start", devices.BillingCalendar{Gas: true}, "needs a start"),
	)
})

var _ = Describe("Meter configuration", func() {
	It("keeps the maximum half-hourly demand since a reset, and within a daily window", func() {
		p := newPremises(premisesOptions{})
		p.run(48 * time.Hour)
		now := p.now()
		from := devices.SlotOf(now) - 96
		prof, err := p.esme.Profile(now, from, 96)
		Expect(err).NotTo(HaveOccurred())
		var best, bestEvening uint64
		for i, u := range prof[:95] {
			best = max(best, 2*u)
			if h := (from + devices.Slot(i)).Start().UTC().Hour(); h >= 17 && h < 22 {
				bestEvening = max(bestEvening, 2*u)
			}
		}
		w, at := p.esme.MaxDemand(now, from.Start(), nil)
		Expect(w).To(Equal(best))
		Expect(at).NotTo(BeZero())
		w, at = p.esme.MaxDemand(now, from.Start(), &devices.MaxDemandPeriod{Start: 17 * time.Hour, End: 22 * time.Hour})
		Expect(w).To(Equal(bestEvening))
		Expect(at.UTC().Hour()).To(BeNumerically(">=", 17))
		Expect(at.UTC().Hour()).To(BeNumerically("<", 22))
	})

	It("takes gas settings through the GPF at the GSME's next wake-up", func() {
		p := newPremises(premisesOptions{})
		p.run(time.Hour) // the GSME has woken
		Expect(p.gpf.QueueGasConversion(p.now(), 40_100, 1_012_340)).To(Succeed())
		Expect(p.gpf.QueueMPRN(p.now(), "9876543210")).To(Succeed())
		Expect(p.gpf.QueueAlertBehaviours(p.now(), []devices.AlertSetting{{Code: devices.AlertLowCredit, Mask: devices.AlertWAN, Value: 0}})).To(Succeed())
		Expect(p.gpf.Queued()).To(Equal(3))
		cv, _ := p.gsme.GasConversion()
		Expect(cv).NotTo(Equal(uint32(40_100)))
		p.runUntil(p.gsme.NextWake().Add(10 * time.Second))
		Expect(p.gpf.Queued()).To(BeZero())
		cv, cf := p.gsme.GasConversion()
		Expect([]uint32{cv, cf}).To(Equal([]uint32{40_100, 1_012_340}))
		Expect(p.gsme.MPRN()).To(Equal("9876543210"))
		Expect(p.gsme.Configuration().Alert(devices.AlertLowCredit)).To(Equal(devices.AlertEverything &^ devices.AlertWAN))
	})
})
