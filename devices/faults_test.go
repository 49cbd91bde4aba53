package devices_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/devices/zcl"
)

var _ = Describe("Device Model faults", func() {
	blockTariff := func() *devices.Tariff {
		return &devices.Tariff{Kind: devices.TariffBlock, BlockThresholds: [devices.MaxBlocks - 1]uint32{2},
			BlockPrices: [devices.MaxBlocks]devices.Money{20 * devices.Penny, 40 * devices.Penny}}
	}

	It("forget_block_thresholds: after a tariff update the ESME counts everything in block 1", func() {
		healthy := newPremises(premisesOptions{})
		faulty := newPremises(premisesOptions{esmeModel: model(devices.KindESME, devices.Fault{Kind: devices.FaultForgetBlockThresholds})})
		for _, p := range []*premises{healthy, faulty} {
			Expect(p.esme.SetTariff(p.now(), blockTariff())).To(Succeed())
			p.run(48 * time.Hour)
		}
		Expect(healthy.esme.Tariff().BlockThresholds[0]).To(Equal(uint32(2)))
		Expect(faulty.esme.Tariff().BlockThresholds[0]).To(BeZero())
		hb, fb := healthy.esme.BlockCounters(healthy.now()), faulty.esme.BlockCounters(faulty.now())
		Expect(hb[1]).To(BeNumerically(">", 0)) // past 2 kWh consumption moves to block 2
		Expect(fb[1]).To(BeZero())
		Expect(fb[0]).To(Equal(faulty.esme.TierRegisters(faulty.now())[0]))
		// The same consumption costs less on the faulty meter.
		Expect(faulty.esme.Charged(faulty.now())).To(BeNumerically("<", healthy.esme.Charged(healthy.now())))
	})

	It("wrong_divisor: the meter reports its Metering divisor as the declared value", func() {
		p := newPremises(premisesOptions{esmeModel: model(devices.KindESME, devices.Fault{Kind: devices.FaultWrongDivisor, Divisor: 100})})
		p.run(time.Hour)
		pr := newProbe(p, mustEUI("00-DB-12-34-56-78-90-B3"))
		v := pr.read(p.esme.Short(), zcl.ClusterMetering, zcl.AttrMeteringDivisor, zcl.AttrMeteringCurrentSummationDelivered)
		Expect(v[zcl.AttrMeteringDivisor].Num).To(Equal(uint64(100)))
		// A client scaling by the reported divisor reads ten times the true kWh.
		Expect(float64(v[zcl.AttrMeteringCurrentSummationDelivered].Num) / 100).To(BeNumerically("~", 10*float64(p.esme.ImportRegister(p.now()))/1000, 0.01))
	})

	It("wrong_divisor on a GSME reaches the GPF mirror", func() {
		p := newPremises(premisesOptions{gsmeModel: model(devices.KindGSME, devices.Fault{Kind: devices.FaultWrongDivisor, Divisor: 10000})})
		p.run(31 * time.Minute)
		Expect(p.gpf.Mirror().Divisor).To(Equal(uint32(10000)))
	})

	It("miss_wakeups: the GSME skips every Nth wake-up, so its mirror goes stale for two intervals", func() {
		healthy := newPremises(premisesOptions{})
		faulty := newPremises(premisesOptions{gsmeModel: model(devices.KindGSME, devices.Fault{Kind: devices.FaultMissWakeups, Every: 4})})
		syncs := func(p *premises) (n int, longest time.Duration) {
			last := time.Time{}
			for i := 0; i < 8*60; i++ { // 8 hours, minute by minute
				p.run(time.Minute)
				if s := p.gpf.Mirror().LastSync; s != last {
					if !last.IsZero() && s.Sub(last) > longest {
						longest = s.Sub(last)
					}
					last = s
					n++
				}
			}
			return
		}
		hn, hgap := syncs(healthy)
		fn, fgap := syncs(faulty)
		Expect(hn).To(Equal(16))
		Expect(hgap).To(BeNumerically("~", 30*time.Minute, time.Second))
		Expect(fn).To(Equal(12))
		Expect(fgap).To(BeNumerically("~", time.Hour, time.Second))
		Expect(faulty.gsme.Wakes()).To(Equal(healthy.gsme.Wakes()))
	})

	It("clock_drift: the device clock gains the declared amount a day, and the Time cluster shows it", func() {
		p := newPremises(premisesOptions{esmeModel: model(devices.KindESME, devices.Fault{Kind: devices.FaultClockDrift, DriftPerDay: 3 * time.Second})})
		p.run(10 * 24 * time.Hour)
		Expect(p.esme.DeviceTime(p.now()).Sub(p.now())).To(Equal(30 * time.Second))
		pr := newProbe(p, mustEUI("00-DB-12-34-56-78-90-B4"))
		v := pr.read(p.esme.Short(), zcl.ClusterTime, zcl.AttrTimeTime)
		Expect(v[zcl.AttrTimeTime].UTC().Time()).To(BeTemporally("~", p.now().Add(30*time.Second), time.Second))
		p.esme.SetClock(p.now())
		Expect(p.esme.DeviceTime(p.now())).To(Equal(p.now()))
		Expect(p.rec.codes()).To(ContainElement(devices.AlertClockAdjusted))
	})

	It("clock_drift: a billing data log entry is stamped with the whole second the device clock shows", func() {
		p := newPremises(premisesOptions{esmeModel: model(devices.KindESME, devices.Fault{Kind: devices.FaultClockDrift, DriftPerDay: 3 * time.Second})})
		Expect(p.esme.SetBillingCalendar(p.now(), devices.BillingCalendar{Period: devices.BillingDaily, TimeOfDay: 30 * time.Minute})).To(Succeed())
		p.run(time.Hour)
		log := p.esme.BillingLog()
		Expect(log).To(HaveLen(1))
		Expect(log[0].Time).To(Equal(p.now().Add(-30 * time.Minute))) // 00:30:00, not 00:30:00.0625
	})

	It("clock_drift on a GSME is corrected at each wake-up from the GPF's time", func() {
		p := newPremises(premisesOptions{gsmeModel: model(devices.KindGSME, devices.Fault{Kind: devices.FaultClockDrift, DriftPerDay: 48 * time.Hour})})
		p.run(5 * time.Hour)
		drift := p.gsme.DeviceTime(p.now()).Sub(p.now())
		Expect(drift).To(BeNumerically("<=", time.Hour+time.Minute)) // 48h/day is 1h per 30 min wake interval
		Expect(logged(p.gsme, devices.AlertClockAdjusted)).NotTo(BeEmpty())
	})

	It("refuses faults that do not apply to the kind", func() {
		m := &devices.Model{Kind: devices.KindPPMID, Faults: []devices.Fault{{Kind: devices.FaultMissWakeups, Every: 3}}}
		Expect(m.Compile()).To(MatchError(ContainSubstring("does not apply to a PPMID")))
	})
})
