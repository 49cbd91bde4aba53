package devices_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/zcl"
)

var _ = Describe("Firmware", func() {
	It("stages an image, activates it at the time given, and the device becomes the new Device Model", func() {
		p := newPremises(premisesOptions{})
		next := *p.esme.Model()
		next.ID, next.FirmwareVersion = "spec-ESME@2.0", "2.0"
		Expect(next.Compile()).To(Succeed())

		Expect(p.esme.StageFirmware(p.now(), devices.FirmwareImage{Model: &next})).To(Succeed())
		current, pending := p.esme.Firmware()
		Expect(current).To(Equal("1.0"))
		Expect(pending.Model.FirmwareVersion).To(Equal("2.0"))

		at := p.now().Add(2 * time.Hour)
		Expect(p.esme.ActivateFirmware(at)).To(Succeed())
		p.runUntil(at.Add(-time.Second))
		Expect(p.esme.Model().FirmwareVersion).To(Equal("1.0"))
		p.runUntil(at.Add(time.Second))
		Expect(p.esme.Model()).To(Equal(&next))
		current, pending = p.esme.Firmware()
		Expect(current).To(Equal("2.0"))
		Expect(pending).To(BeNil())
		Expect(p.rec.codes()).To(ContainElements(devices.AlertFirmwareVerified, devices.AlertFirmwareChanged))
		Expect(p.esme.SecurityLog()).NotTo(BeEmpty())

		// The HAN sees the new version too.
		pr := newProbe(p, mustEUI("00-DB-12-34-56-78-90-B5"))
		v := pr.read(p.esme.Short(), zcl.ClusterBasic, zcl.AttrBasicSWBuildID)
		Expect(string(v[zcl.AttrBasicSWBuildID].Bytes)).To(Equal("2.0"))
	})

	It("refuses an image for another model, and activation with nothing staged", func() {
		p := newPremises(premisesOptions{})
		other := *model(devices.KindESME)
		other.ModelName = "Other"
		Expect(p.esme.StageFirmware(p.now(), devices.FirmwareImage{Model: &other})).To(MatchError(ContainSubstring("not for a")))
		Expect(p.esme.ActivateFirmware(p.now())).To(MatchError(ContainSubstring("no firmware image")))
	})
})

var _ = Describe("The CHF", func() {
	It("admits only devices in its device log, and removing one takes it off the HAN", func() {
		p := newPremises(premisesOptions{})
		stranger := mustEUI("00-DB-12-34-56-78-90-C0")
		_, err := p.nw.Join(stranger, &probe{}, false)
		Expect(err).To(MatchError(han.ErrNotAllowed))

		Expect(p.chf.DeviceLog()).To(HaveLen(4))
		Expect(p.chf.RemoveFromDeviceLog(p.now(), euiPPMID)).To(Succeed())
		_, ok := p.nw.Lookup(euiPPMID)
		Expect(ok).To(BeFalse())
		Expect(p.chf.DeviceLog()).To(HaveLen(3))
		Expect(p.chf.RemoveFromDeviceLog(p.now(), euiPPMID)).To(MatchError(ContainSubstring("not in the device log")))
		changed := 0
		for _, c := range p.rec.codes() {
			if c == devices.AlertCHFDeviceLogChanged {
				changed++
			}
		}
		Expect(changed).To(Equal(5)) // four added at installation, one removed
	})

	It("is the HAN's time source and reports its WAN state", func() {
		p := newPremises(premisesOptions{})
		pr := newProbe(p, mustEUI("00-DB-12-34-56-78-90-B6"))
		v := pr.read(han.Coordinator, zcl.ClusterTime, zcl.AttrTimeTime, zcl.AttrTimeTimeStatus)
		Expect(v[zcl.AttrTimeTime].UTC().Time()).To(BeTemporally("~", p.now(), time.Second))
		Expect(v[zcl.AttrTimeTimeStatus].Num & zcl.TimeStatusMaster).NotTo(BeZero())
		up, signal := p.chf.WAN()
		Expect(up).To(BeTrue())
		Expect(signal).To(BeNumerically("<", 0))
		p.chf.SetWAN(false, -110)
		up, signal = p.chf.WAN()
		Expect(up).To(BeFalse())
		Expect(signal).To(Equal(-110))
	})
})

var _ = Describe("A gas meter's battery and conversion", func() {
	It("converts volume to energy with the calorific value and conversion factor", func() {
		t := flat()
		t.CalorificValue, t.ConversionFactor = 39_500, 1_022_640
		p := newPremises(premisesOptions{gasTariff: t})
		p.run(24 * time.Hour)
		m3 := float64(p.gsme.VolumeRegister(p.now())) / 1000
		kwh := float64(p.gsme.EnergyRegister(p.now())) / 1000
		Expect(kwh).To(BeNumerically("~", m3*39.5*1.02264/3.6, 0.01))
	})

	It("runs its battery down over the years", func() {
		p := newPremises(premisesOptions{})
		Expect(p.gsme.BatteryPercent(p.now())).To(Equal(100))
		Expect(p.gsme.BatteryPercent(p.now().Add(devices.BatteryLife / 2))).To(Equal(50))
	})
})

var _ = Describe("Messages on the PPMID", func() {
	It("arrive as Display Message, and a message asking for it is confirmed back to the ESME", func() {
		p := newPremises(premisesOptions{})
		Expect(p.esme.SendMessage(p.now(), 77, "Your tariff changes on 1 April", true)).To(Succeed())
		p.run(time.Second)
		msg := p.ppmid.Message()
		Expect(msg).NotTo(BeNil())
		Expect(msg.ID).To(Equal(uint32(77)))
		Expect(msg.Text).To(Equal("Your tariff changes on 1 April"))
		Expect(msg.Confirmed).To(BeTrue())
		Expect(p.rec.framesOf(zcl.ClusterMessaging, zcl.ClientToServer, zcl.CmdMessageConfirmation)).To(HaveLen(1))
		Expect(p.rec.codes()).To(ContainElement(devices.AlertCustomerAcknowledged))
		Expect(p.esme.SendMessage(p.now(), 78, string(make([]byte, 200)), false)).To(MatchError(ContainSubstring("does not fit")))
	})
})
