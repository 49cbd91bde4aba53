package devices_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/devices/zcl"
)

var _ = Describe("Devices talking ZCL on the HAN", func() {
	Describe("a PPMID top-up", func() {
		var p *premises
		BeforeEach(func() {
			p = newPremises(premisesOptions{esmeMode: devices.PrepaymentMode, esmePrepay: devices.DefaultPrepayment(3 * devices.Pound)})
			p.run(time.Minute)
		})

		It("reaches the ESME balance as a ConsumerTopUp frame and comes back as a ConsumerTopUpResponse", func() {
			key := p.esme.UTRNKey()
			code, err := key.Encode(devices.UTRN{Amount: 20 * devices.Pound, Counter: 1})
			Expect(err).NotTo(HaveOccurred())
			before := p.esme.Balance(p.now())

			Expect(p.ppmid.TopUp(p.now(), devices.KindESME, code)).To(Succeed())
			p.run(time.Second)

			up := p.rec.framesOf(zcl.ClusterPrepayment, zcl.ClientToServer, zcl.CmdConsumerTopUp)
			Expect(up).To(HaveLen(1))
			Expect(up[0].src).To(Equal(p.ppmid.Short()))
			Expect(up[0].dst).To(Equal(p.esme.Short()))
			var req zcl.ConsumerTopUp
			Expect(req.Parse(up[0].payload)).To(Succeed())
			Expect(string(req.TopUpCode)).To(Equal(code))
			Expect(req.OriginatingDevice).To(Equal(uint8(zcl.OriginIHD)))

			down := p.rec.framesOf(zcl.ClusterPrepayment, zcl.ServerToClient, zcl.CmdConsumerTopUpResponse)
			Expect(down).To(HaveLen(1))
			Expect(down[0].dst).To(Equal(p.ppmid.Short()))
			Expect(down[0].header.Sequence).To(Equal(up[0].header.Sequence))
			var rsp zcl.ConsumerTopUpResponse
			Expect(rsp.Parse(down[0].payload)).To(Succeed())
			Expect(rsp.ResultType).To(Equal(uint8(devices.TopUpSupplyEnabled)))
			Expect(rsp.TopUpValue).To(Equal(int32(20 * devices.Pound / 100)))

			after := p.esme.Balance(p.now())
			// The balance moved by the top-up, less the second of consumption in between.
			Expect(after - before).To(BeNumerically("~", 20*devices.Pound, devices.Penny))
			Expect(p.rec.codes()).To(ContainElement(devices.AlertCreditAddedLocally))
			shown := p.ppmid.LastTopUp()
			Expect(shown).NotTo(BeNil())
			Expect(shown.Result).To(Equal(devices.TopUpSupplyEnabled))
			Expect(shown.Credit).To(BeNumerically("~", after, 100))
		})

		It("refuses the same UTRN twice, and a UTRN for another meter", func() {
			key := p.esme.UTRNKey()
			code, _ := key.Encode(devices.UTRN{Amount: 5 * devices.Pound, Counter: 9})
			Expect(p.ppmid.TopUp(p.now(), devices.KindESME, code)).To(Succeed())
			p.run(time.Second)
			Expect(p.ppmid.LastTopUp().Result.Accepted()).To(BeTrue())
			balance := p.esme.Balance(p.now())

			Expect(p.ppmid.TopUp(p.now(), devices.KindESME, code)).To(Succeed())
			p.run(time.Second)
			Expect(p.ppmid.LastTopUp().Result).To(Equal(devices.TopUpDuplicate))

			other := devices.DeriveUTRNKey(999, euiESME)
			foreign, _ := other.Encode(devices.UTRN{Amount: 5 * devices.Pound, Counter: 10})
			Expect(p.ppmid.TopUp(p.now(), devices.KindESME, foreign)).To(Succeed())
			p.run(time.Second)
			Expect(p.ppmid.LastTopUp().Result).To(Equal(devices.TopUpInvalid))
			Expect(p.esme.Balance(p.now())).To(BeNumerically("~", balance, devices.Penny))
			Expect(p.rec.codes()).To(ContainElements(devices.AlertDuplicateUTRN, devices.AlertUTRNNotAuthentic))
		})

		It("shows the ESME's credit on the PPMID after its periodic read", func() {
			Expect(p.ppmid.Electricity().Known).To(BeFalse())
			p.run(15 * time.Minute) // the first read falls 10 minutes in
			shown := p.ppmid.Electricity()
			Expect(shown.Known).To(BeTrue())
			Expect(shown.Prepayment).To(BeTrue())
			p.ppmid.Refresh(p.now())
			p.run(time.Second)
			Expect(p.ppmid.Electricity().Credit).To(BeNumerically("~", p.esme.Balance(p.now()), 100))
			Expect(p.ppmid.Electricity().Updated).To(BeTemporally("~", p.now(), time.Second))
		})
	})

	Describe("a GSME and its GPF", func() {
		var p *premises
		BeforeEach(func() {
			p = newPremises(premisesOptions{gsmeMode: devices.PrepaymentMode, gsmePrepay: devices.DefaultPrepayment(15 * devices.Pound)})
		})

		firstWake := func() time.Time {
			for !p.gpf.Mirror().Valid {
				p.run(time.Minute)
			}
			return p.gsme.LastWake()
		}

		It("syncs the GPF mirror when the GSME wakes, and only then", func() {
			Expect(p.gpf.Mirror().Valid).To(BeFalse())
			wake := firstWake()
			m := p.gpf.Mirror()
			Expect(m.LastSync).To(BeTemporally("~", wake, 10*time.Millisecond))
			Expect(m.Volume).To(Equal(p.gsme.VolumeRegister(wake)))
			Expect(m.Divisor).To(Equal(uint32(1000)))
			Expect(m.HasPrepayment).To(BeTrue())

			// Between wake-ups the mirror holds still while the meter keeps counting.
			p.runUntil(wake.Add(29 * time.Minute))
			Expect(p.gpf.Mirror().Volume).To(Equal(m.Volume))
			Expect(p.gsme.VolumeRegister(p.now())).To(BeNumerically(">", m.Volume))
			p.runUntil(wake.Add(30*time.Minute + time.Second))
			Expect(p.gpf.Mirror().LastSync).To(BeTemporally("~", wake.Add(30*time.Minute), 10*time.Millisecond))
			Expect(p.gpf.Mirror().Volume).To(Equal(p.gsme.VolumeRegister(wake.Add(30 * time.Minute))))
		})

		It("sees a change of payment mode at the next wake: the mirror drops its prepayment data and logs the change", func() {
			wake := firstWake()
			p.run(time.Minute)
			Expect(p.gsme.UpdatePaymentMode(p.now(), devices.CreditMode, 0, false, false)).To(Succeed())
			Expect(p.gpf.Mirror().HasPrepayment).To(BeTrue()) // not reported yet
			Expect(p.gpf.Mirror().Reads.Changes).To(BeEmpty())

			p.runUntil(wake.Add(30*time.Minute + time.Second))
			m := p.gpf.Mirror()
			Expect(m.HasPrepayment).To(BeFalse())
			Expect(m.Reads.Changes).To(HaveLen(1))
			c := m.Reads.Changes[0]
			Expect(c.Time).To(BeTemporally("~", wake.Add(30*time.Minute), 10*time.Millisecond))
			Expect(c.Total).To(Equal(m.Volume))
			Expect(c.Prepaid).To(BeTrue()) // the balance as it was before the change
			Expect(c.Prepay.Balance).To(BeNumerically(">", 14*devices.Pound))
		})

		It("delivers a command queued at the GPF only at the GSME's next wake", func() {
			wake := firstWake()
			p.run(time.Minute) // the GSME is asleep again
			Expect(p.gsme.Awake()).To(BeFalse())
			Expect(p.gpf.QueueSupplyChange(p.now(), zcl.SupplyOff)).To(Succeed())
			Expect(p.gpf.Queued()).To(Equal(1))

			p.runUntil(wake.Add(30*time.Minute - time.Second))
			Expect(p.gsme.Supply()).To(Equal(devices.SupplyEnabled))
			Expect(p.rec.framesOf(zcl.ClusterMetering, zcl.ClientToServer, zcl.CmdChangeSupply)).To(BeEmpty())

			p.runUntil(wake.Add(30*time.Minute + time.Second))
			Expect(p.gsme.Supply()).To(Equal(devices.SupplyDisabled))
			Expect(p.gpf.Queued()).To(Equal(0))
			sent := p.rec.framesOf(zcl.ClusterMetering, zcl.ClientToServer, zcl.CmdChangeSupply)
			Expect(sent).To(HaveLen(1))
			Expect(sent[0].at).To(BeTemporally(">=", wake.Add(30*time.Minute)))
			Expect(p.gpf.Mirror().SupplyStatus).To(Equal(uint8(zcl.SupplyOff)))
		})

		It("carries a gas top-up from the PPMID through the GPF to the GSME at its next wake", func() {
			wake := firstWake()
			p.run(time.Minute)
			key := p.gsme.UTRNKey()
			code, _ := key.Encode(devices.UTRN{Amount: 10 * devices.Pound, Counter: 3})
			before := p.gsme.Balance(p.now())
			Expect(p.ppmid.TopUp(p.now(), devices.KindGSME, code)).To(Succeed())
			p.run(time.Second)
			Expect(p.ppmid.LastTopUp()).To(BeNil()) // the GSME is asleep
			Expect(p.gsme.Balance(p.now())).To(BeNumerically("<=", before))

			p.runUntil(wake.Add(30*time.Minute + time.Second))
			shown := p.ppmid.LastTopUp()
			Expect(shown).NotTo(BeNil())
			Expect(shown.Fuel).To(Equal(devices.KindGSME))
			Expect(shown.Result.Accepted()).To(BeTrue())
			Expect(shown.Value).To(Equal(10 * devices.Pound))
			Expect(p.gsme.Balance(p.now()) - before).To(BeNumerically("~", 10*devices.Pound, 50*devices.Penny))
		})
	})

	Describe("attribute reads", func() {
		It("serve the ESME's registers in Wh with divisor 1000, and say which attributes are unsupported", func() {
			p := newPremises(premisesOptions{})
			p.run(6 * time.Hour)
			pr := newProbe(p, mustEUI("00-DB-12-34-56-78-90-B0"))
			v := pr.read(p.esme.Short(), zcl.ClusterMetering, zcl.AttrMeteringCurrentSummationDelivered,
				zcl.AttrMeteringDivisor, zcl.AttrMeteringUnitOfMeasure, zcl.AttrMeteringSupplyStatus, 0x7777)
			Expect(v[zcl.AttrMeteringCurrentSummationDelivered].Num).To(Equal(p.esme.ImportRegister(p.now())))
			Expect(v[zcl.AttrMeteringDivisor].Num).To(Equal(uint64(1000)))
			Expect(v[zcl.AttrMeteringUnitOfMeasure].Num).To(Equal(uint64(zcl.UnitKWh)))
			Expect(v[zcl.AttrMeteringSupplyStatus].Num).To(Equal(uint64(zcl.SupplyOn)))
			Expect(v).NotTo(HaveKey(uint16(0x7777)))

			basic := pr.read(p.esme.Short(), zcl.ClusterBasic, zcl.AttrBasicManufacturerName, zcl.AttrBasicSWBuildID)
			Expect(string(basic[zcl.AttrBasicManufacturerName].Bytes)).To(Equal("Spec Meters Ltd"))
			Expect(string(basic[zcl.AttrBasicSWBuildID].Bytes)).To(Equal("1.0"))
		})

		It("answer an unknown cluster command with a Default Response", func() {
			p := newPremises(premisesOptions{})
			pr := newProbe(p, mustEUI("00-DB-12-34-56-78-90-B1"))
			b, err := zcl.AppendFrame(nil, zcl.Header{Direction: zcl.ClientToServer, Sequence: 5}, &zcl.Identify{IdentifyTime: 5})
			Expect(err).NotTo(HaveOccurred())
			send := func() {
				pr.received = nil
				Expect(p.nw.Send(p.now(), &hanMessage{Src: pr.short, Dst: p.esme.Short(), SrcEndpoint: 1, DstEndpoint: 1, Cluster: zcl.ClusterIdentify, Payload: b})).To(Succeed())
				p.run(time.Second)
			}
			send()
			Expect(pr.received).To(HaveLen(1))
			var dr zcl.DefaultResponse
			Expect(dr.Parse(pr.received[0].payload)).To(Succeed())
			Expect(dr.Status).To(Equal(zcl.StatusUnsupClusterCommand))
			Expect(dr.Command).To(Equal(zcl.CmdIdentify))
		})
	})
})
