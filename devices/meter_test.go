package devices_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/devices/zcl"
)

// noEC is prepayment without emergency credit, so exhaustion comes at a balance of zero.
func noEC(balance devices.Money) *devices.Prepayment {
	return &devices.Prepayment{Balance: balance, LowCredit: 50 * devices.Penny}
}

// friendlyHours is weekday evenings and nights (16:00–10:00) and whole weekends.
var friendlyHours = &devices.NonDisablement{Periods: []devices.NonDisablementPeriod{
	{Days: devices.Weekdays, Start: 16 * 60, End: 10 * 60},
	{Days: devices.Weekend, Start: 0, End: 0},
}}

func logged(d interface{ EventLog() []devices.LogEntry }, code devices.AlertCode) []devices.LogEntry {
	var out []devices.LogEntry
	for _, e := range d.EventLog() {
		if e.Code == code {
			out = append(out, e)
		}
	}
	return out
}

var _ = Describe("Meters", func() {
	Describe("a prepayment ESME whose credit runs out", func() {
		It("disables supply at the moment credit is exhausted, outside a non-disablement period", func() {
			start := time.Date(2026, 1, 12, 10, 30, 0, 0, time.UTC) // Monday 10:30, friendly hours over
			p := newPremises(premisesOptions{start: start, esmeMode: devices.PrepaymentMode, esmePrepay: noEC(30 * devices.Penny), ndp: friendlyHours})
			p.runUntil(start.Add(5 * time.Hour)) // until 15:30, still outside friendly hours
			Expect(p.esme.Supply()).To(Equal(devices.SupplyDisabled))
			off := logged(p.esme, devices.AlertCreditBelowDisable)
			Expect(off).To(HaveLen(1))
			Expect(off[0].Time).To(BeTemporally("<", start.Add(5*time.Hour)))
			Expect(off[0].Value).To(BeNumerically("~", 0, devices.Penny/10)) // the balance when it tripped
			Expect(p.rec.codes()).To(ContainElements(devices.AlertLowCredit, devices.AlertCreditBelowDisable))

			// Nothing is consumed once the load switch is open.
			reg := p.esme.ImportRegister(p.now())
			p.run(2 * time.Hour)
			Expect(p.esme.ImportRegister(p.now())).To(Equal(reg))
		})

		It("keeps supply on inside a non-disablement period and disables when it ends", func() {
			start := time.Date(2026, 1, 12, 17, 0, 0, 0, time.UTC) // Monday 17:00, friendly hours
			p := newPremises(premisesOptions{start: start, esmeMode: devices.PrepaymentMode, esmePrepay: noEC(60 * devices.Penny), ndp: friendlyHours})
			tuesday10 := time.Date(2026, 1, 13, 10, 0, 0, 0, time.UTC)
			p.runUntil(tuesday10.Add(-time.Minute))
			Expect(p.esme.Supply()).To(Equal(devices.SupplyEnabled))
			Expect(p.esme.Balance(p.now())).To(BeNumerically("<", 0)) // running on friendly credit
			Expect(p.esme.Prepayment().Friendly).To(BeTrue())
			Expect(p.rec.codes()).To(ContainElement(devices.AlertDisablementSuspended))
			Expect(p.rec.codes()).NotTo(ContainElement(devices.AlertCreditBelowDisable))

			p.runUntil(tuesday10.Add(time.Minute))
			Expect(p.esme.Supply()).To(Equal(devices.SupplyDisabled))
			off := logged(p.esme, devices.AlertCreditBelowDisable)
			Expect(off).To(HaveLen(1))
			Expect(off[0].Time).To(Equal(tuesday10))
		})

		It("arms the supply when a top-up restores credit, and the consumer enables it from the PPMID", func() {
			start := time.Date(2026, 1, 12, 10, 30, 0, 0, time.UTC)
			p := newPremises(premisesOptions{start: start, esmeMode: devices.PrepaymentMode, esmePrepay: noEC(20 * devices.Penny), ndp: friendlyHours})
			p.runUntil(start.Add(3 * time.Hour))
			Expect(p.esme.Supply()).To(Equal(devices.SupplyDisabled))

			key := p.esme.UTRNKey()
			code, _ := key.Encode(devices.UTRN{Amount: 10 * devices.Pound, Counter: 1})
			Expect(p.ppmid.TopUp(p.now(), devices.KindESME, code)).To(Succeed())
			p.run(time.Second)
			Expect(p.ppmid.LastTopUp().Result).To(Equal(devices.TopUpSupplyArmed))
			Expect(p.esme.Supply()).To(Equal(devices.SupplyArmed))
			reg := p.esme.ImportRegister(p.now())
			p.run(30 * time.Minute)
			Expect(p.esme.ImportRegister(p.now())).To(Equal(reg)) // armed is still off

			Expect(p.ppmid.EnableSupply(p.now())).To(Succeed())
			p.run(time.Second)
			Expect(p.esme.Supply()).To(Equal(devices.SupplyEnabled))
			p.run(30 * time.Minute)
			Expect(p.esme.ImportRegister(p.now())).To(BeNumerically(">", reg))
		})

		It("offers emergency credit, which keeps supply on until it too is used", func() {
			start := time.Date(2026, 1, 12, 10, 30, 0, 0, time.UTC)
			prepay := &devices.Prepayment{Balance: 2 * devices.Pound, ECLimit: 1 * devices.Pound, ECThreshold: 50 * devices.Penny, LowCredit: devices.Pound}
			p := newPremises(premisesOptions{start: start, esmeMode: devices.PrepaymentMode, esmePrepay: prepay})
			Expect(p.esme.ActivateEmergencyCredit(p.now())).NotTo(Succeed()) // not yet available
			for p.esme.Balance(p.now()) > 50*devices.Penny {
				p.run(10 * time.Minute)
			}
			p.run(time.Minute)
			Expect(p.rec.codes()).To(ContainElement(devices.AlertECAvailable))
			Expect(p.ppmid.ActivateEmergencyCredit(p.now(), devices.KindESME)).To(Succeed())
			p.run(time.Second)
			Expect(p.esme.Prepayment().ECActive).To(BeTrue())
			for p.esme.Balance(p.now()) > 0 {
				p.run(10 * time.Minute)
			}
			Expect(p.esme.Supply()).To(Equal(devices.SupplyEnabled)) // on emergency credit
			for p.esme.Supply() == devices.SupplyEnabled {
				p.run(10 * time.Minute)
			}
			Expect(p.esme.Balance(p.now())).To(BeNumerically("~", -devices.Pound, devices.Penny))
			Expect(p.rec.codes()).To(ContainElements(devices.AlertECActivated, devices.AlertECExhausted, devices.AlertCreditBelowDisable))
		})
	})

	Describe("the load switch", func() {
		It("arms, and then the consumer enables it locally", func() {
			p := newPremises(premisesOptions{})
			p.run(time.Hour)
			p.esme.ArmSupply(p.now())
			Expect(p.esme.Supply()).To(Equal(devices.SupplyArmed))
			reg := p.esme.ImportRegister(p.now())
			p.run(2 * time.Hour)
			Expect(p.esme.ImportRegister(p.now())).To(Equal(reg))
			Expect(p.esme.LocalEnable(p.now())).To(Succeed())
			Expect(p.esme.Supply()).To(Equal(devices.SupplyEnabled))
			p.run(time.Hour)
			Expect(p.esme.ImportRegister(p.now())).To(BeNumerically(">", reg))
			Expect(p.rec.codes()).To(ContainElement(devices.AlertSupplyArmed))
		})

		It("cannot be enabled locally when it was disabled rather than armed", func() {
			p := newPremises(premisesOptions{})
			p.esme.DisableSupply(p.now())
			Expect(p.esme.LocalEnable(p.now())).To(MatchError(ContainSubstring("not armed")))
			Expect(p.ppmid.EnableSupply(p.now())).To(Succeed())
			p.run(time.Second)
			Expect(p.esme.Supply()).To(Equal(devices.SupplyDisabled))
			Expect(p.esme.EnableSupply(p.now())).To(Succeed()) // a remote 7.1 does it
			Expect(p.esme.Supply()).To(Equal(devices.SupplyEnabled))
		})
	})

	Describe("registers and the half-hourly profile", func() {
		start := time.Date(2026, 3, 23, 0, 0, 0, 0, time.UTC) // Monday; clocks go forward on Sunday 29th

		It("agree over a virtual week with a supply interruption, whatever the reading order", func() {
			a := newPremises(premisesOptions{start: start, seed: 7})
			b := newPremises(premisesOptions{start: start, seed: 7})
			r0 := a.esme.ImportRegister(start)
			// a is read every seven minutes; b only at the end.
			for i := 0; i < 7*24*60/7; i++ {
				a.run(7 * time.Minute)
				_ = a.esme.ImportRegister(a.now())
				if i == 500 {
					a.esme.DisableSupply(a.now())
				}
				if i == 530 {
					Expect(a.esme.EnableSupply(a.now())).To(Succeed())
				}
			}
			b.runUntil(start.Add(500 * 7 * time.Minute))
			b.run(7 * time.Minute)
			b.esme.DisableSupply(b.now())
			b.runUntil(start.Add(531 * 7 * time.Minute))
			Expect(b.esme.EnableSupply(b.now())).To(Succeed())
			b.runUntil(a.now())

			end := a.now()
			Expect(b.esme.ImportRegister(end)).To(Equal(a.esme.ImportRegister(end)))

			slots := int(devices.SlotOf(end) - devices.SlotOf(start))
			profile, err := a.esme.Profile(end, devices.SlotOf(start), slots)
			Expect(err).NotTo(HaveOccurred())
			var sum uint64
			zero := 0
			for _, u := range profile {
				sum += u
				if u == 0 {
					zero++
				}
			}
			at, err := a.esme.RegisterAt(end, devices.SlotOf(end).Start())
			Expect(err).NotTo(HaveOccurred())
			Expect(sum).To(Equal(at - r0))
			Expect(zero).To(BeNumerically(">=", 5)) // the 3½ hours off
			Expect(sum).To(BeNumerically("~", 3000*1000*7/365, 3000*1000*7/365/2))
		})

		It("gives daily reads at UK local midnight, with a 46-half-hour day when the clocks go forward", func() {
			p := newPremises(premisesOptions{start: start})
			p.runUntil(time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC))
			reads, err := p.esme.DailyReads(p.now(), 7)
			Expect(err).NotTo(HaveOccurred())
			Expect(reads).To(HaveLen(7))
			for i := 1; i < len(reads); i++ {
				day := reads[i-1].Time
				n := int(devices.SlotOf(reads[i].Time) - devices.SlotOf(day))
				Expect(n).To(Equal(devices.HalfHoursInLocalDay(day)))
				profile, err := p.esme.Profile(p.now(), devices.SlotOf(day), n)
				Expect(err).NotTo(HaveOccurred())
				var sum uint64
				for _, u := range profile {
					sum += u
				}
				Expect(reads[i].Total - reads[i-1].Total).To(Equal(sum))
				if day.Equal(time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC)) {
					Expect(n).To(Equal(46))
				}
			}
			// Local midnight in summer is 23:00 UTC the day before.
			Expect(reads[6].Time).To(Equal(time.Date(2026, 3, 30, 23, 0, 0, 0, time.UTC)))
		})

		It("accumulates TOU registers by the tier in force at local time", func() {
			e7 := &devices.Tariff{Kind: devices.TariffTOU, Switches: []devices.TOUSwitch{{Minute: 30, Tier: 0}, {Minute: 7*60 + 30, Tier: 1}},
				TierPrices: [devices.MaxTiers]devices.Money{14 * devices.Penny, 30 * devices.Penny}}
			p := newPremises(premisesOptions{tariff: e7})
			p.run(24 * time.Hour)
			tiers := p.esme.TierRegisters(p.now())
			Expect(tiers[0] + tiers[1]).To(Equal(p.esme.ImportRegister(p.now())))
			day := p.now().Add(-24 * time.Hour)
			profile, _ := p.esme.Profile(p.now(), devices.SlotOf(day), 48)
			var night uint64
			for i, u := range profile[1:15] { // 00:30–07:30 in January (UTC = local)
				_ = i
				night += u
			}
			Expect(tiers[0]).To(Equal(night))
		})

		It("charges a credit-mode meter for consumption and standing charge", func() {
			t := flat()
			t.StandingCharge = 48 * devices.Penny
			p := newPremises(premisesOptions{tariff: t})
			p.run(24 * time.Hour)
			kwh := float64(p.esme.ImportRegister(p.now())) / 1000
			Expect(p.esme.Charged(p.now())).To(BeNumerically("~", devices.Money(kwh*25*float64(devices.Penny))+48*devices.Penny, devices.Penny))
		})

		It("serves the half-hourly profile to a HAN client with Get Profile", func() {
			p := newPremises(premisesOptions{})
			p.run(6 * time.Hour)
			pr := newProbe(p, mustEUI("00-DB-12-34-56-78-90-B2"))
			b, _ := zcl.AppendFrame(nil, zcl.Header{Direction: zcl.ClientToServer, Sequence: 3}, &zcl.GetProfile{NumberOfPeriods: 4})
			Expect(p.nw.Send(p.now(), &hanMessage{Src: pr.short, Dst: p.esme.Short(), SrcEndpoint: 1, DstEndpoint: 1, Cluster: zcl.ClusterMetering, Payload: b})).To(Succeed())
			p.run(time.Second)
			Expect(pr.received).To(HaveLen(1))
			var rsp zcl.GetProfileResponse
			Expect(rsp.Parse(pr.received[0].payload)).To(Succeed())
			want, _ := p.esme.Profile(p.now(), devices.SlotOf(p.now())-4, 4)
			Expect(rsp.Intervals).To(Equal([]uint32{uint32(want[3]), uint32(want[2]), uint32(want[1]), uint32(want[0])}))
			Expect(rsp.ProfileIntervalPeriod).To(Equal(uint8(2)))
		})
	})

	It("hides from Get Profile the half hours before a change of tenancy (3.2)", func() {
		p := newPremises(premisesOptions{})
		p.run(6 * time.Hour)
		p.esme.RestrictAccess(p.now().Add(-80 * time.Minute)) // mid-slot: two whole half hours after it
		pr := newProbe(p, mustEUI("00-DB-12-34-56-78-90-B2"))
		b, _ := zcl.AppendFrame(nil, zcl.Header{Direction: zcl.ClientToServer, Sequence: 3}, &zcl.GetProfile{NumberOfPeriods: 6})
		Expect(p.nw.Send(p.now(), &hanMessage{Src: pr.short, Dst: p.esme.Short(), SrcEndpoint: 1, DstEndpoint: 1, Cluster: zcl.ClusterMetering, Payload: b})).To(Succeed())
		p.run(time.Second)
		Expect(pr.received).To(HaveLen(1))
		var rsp zcl.GetProfileResponse
		Expect(rsp.Parse(pr.received[0].payload)).To(Succeed())
		want, _ := p.esme.Profile(p.now(), devices.SlotOf(p.now())-2, 2)
		Expect(rsp.Intervals).To(Equal([]uint32{uint32(want[1]), uint32(want[0])}))
	})

	Describe("power outages", func() {
		It("stop consumption, and the ESME raises Supply Outage Restored when power returns", func() {
			p := newPremises(premisesOptions{})
			p.run(time.Hour)
			p.chf.PowerFail(p.now())
			p.esme.PowerFail(p.now())
			reg := p.esme.ImportRegister(p.now())
			p.run(10 * time.Minute)
			Expect(p.esme.ImportRegister(p.now())).To(Equal(reg))
			p.chf.PowerRestore(p.now())
			p.esme.PowerRestore(p.now())
			Expect(p.rec.codes()).To(ContainElement(devices.AlertSupplyOutageRestored3))
			var events []string
			for _, a := range p.rec.alerts {
				if a.DCCEvent != "" {
					events = append(events, a.DCCEvent)
				}
			}
			Expect(events).To(Equal([]string{devices.DCCEventPowerOutage, devices.DCCEventPowerRestored}))
		})
	})
})
