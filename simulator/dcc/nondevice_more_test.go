package dcc_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/inventory"
)

func prenotify(id, typ, mfr, model, fw string) string {
	return "<sr:DevicePrenotification><sr:DeviceID>" + id + "</sr:DeviceID><sr:DeviceManufacturer>" + mfr + "</sr:DeviceManufacturer><sr:DeviceModel>" +
		model + "</sr:DeviceModel><sr:DeviceType>" + typ + "</sr:DeviceType><sr:FirmwareVersion>" + fw + "</sr:FirmwareVersion></sr:DevicePrenotification>"
}

func updateInventory(id, change string) string {
	return "<sr:UpdateInventory><sr:DeviceID>" + id + "</sr:DeviceID>" + change + "</sr:UpdateInventory>"
}

var _ = Describe("More non-device SRVs", func() {
	var e *env
	BeforeEach(func() {
		requireJudges()
		e = newEnv(envOptions{})
	})

	It("pre-notifies the 12.2 sample's ESME as Pending, on a fleet where that Device ID is still free", func() {
		e = newEnv(envOptions{fleet: func(s *fleet.Spec) { s.Premises = nil }})
		ans := e.serve(nonDevice, e.template("12.2_DEVICE_PRE_NOTIFICATION_REQUEST_DUIS.XML", supplier, dcc.EUI, nil))
		Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
		d := smi(e, esme)
		Expect(d.Status).To(Equal(inventory.Pending))
		Expect(d.Model.Manufacturer).To(Equal("AB01"))
		Expect(d.Model.ModelName).To(Equal("010A030B"))
		Expect(d.Model.FirmwareVersion).To(Equal("0002012F"))
		rd := e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "8.2", "<sr:ReadInventory><sr:DeviceID>"+esme.String()+"</sr:DeviceID></sr:ReadInventory>"))
		Expect(string(rd.Body)).To(ContainSubstring("<sr:DeviceType>ESME</sr:DeviceType><sr:DeviceStatus>Pending</sr:DeviceStatus><sr:DeviceManufacturer>AB01</sr:DeviceManufacturer><sr:DeviceModel>010A030B</sr:DeviceModel>"))
	})

	It("refuses a pre-notification of a device the SMI already holds (E5)", func() {
		ans := e.serve(nonDevice, e.template("12.2_DEVICE_PRE_NOTIFICATION_REQUEST_DUIS.XML", supplier, dcc.EUI, nil))
		Expect(ans.Code).To(Equal(dcc.E5))
		Expect(ans.Reason).To(ContainSubstring("DeviceID"))
		Expect(ans.Reason).To(ContainSubstring("Commissioned"))
	})

	It("updates a pre-notified device's details, status and MPxN (8.4), and deletes a Pending one", func() {
		id := "00-DB-12-34-56-78-90-B8"
		Expect(e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "12.2", prenotify(id, "GSME", "Acme Metering Ltd", "G4", "1.0.7"))).Code).To(Equal(dcc.I0))
		Expect(smi(e, eui(id)).Model.ID).To(Equal("acme-g4@1.0.7"))

		ans := e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "8.4", updateInventory(id, "<sr:UpdateDeviceDetails><sr:FirmwareVersion>1.1.0</sr:FirmwareVersion></sr:UpdateDeviceDetails>")))
		Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
		Expect(smi(e, eui(id)).Model.ID).To(Equal("acme-g4@1.1.0"))

		ans = e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "8.4", updateInventory(id, "<sr:UpdateMPxN><sr:ImportMPxN>9876543210</sr:ImportMPxN></sr:UpdateMPxN>")))
		Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
		Expect(smi(e, eui(id)).MPxN).To(Equal("9876543210"))

		ans = e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "8.4", updateInventory(id, "<sr:UpdateDeviceStatusExceptCH>InstalledNotCommissioned</sr:UpdateDeviceStatusExceptCH>")))
		Expect(ans.Code).To(Equal(dcc.E5), "Pending may only become Whitelisted or Withdrawn")
		Expect(ans.Reason).To(ContainSubstring("from Pending it may become Whitelisted, Withdrawn"))

		ans = e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "8.4", updateInventory(id, "<sr:DeleteDevice/>")))
		Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
		_, ok := e.d.Inventory().Device(eui(id))
		Expect(ok).To(BeFalse())
	})

	It("moves a whitelisted device to InstalledNotCommissioned, then 8.1.1 commissions it", func() {
		now := e.f.Clock.Now()
		Expect(e.d.Inventory().Move(now, ppmid, inventory.Whitelisted, "spec")).To(Succeed())
		ans := e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "8.4", updateInventory(ppmid.String(), "<sr:UpdateDeviceStatusExceptCH>InstalledNotCommissioned</sr:UpdateDeviceStatusExceptCH>")))
		Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
		Expect(smi(e, ppmid).Status).To(Equal(inventory.InstalledNotCommissioned))
		body := "<sr:CommissionDeviceSynchroniseClock><sr:CurrentDateTime>2026-03-27T00:00:00Z</sr:CurrentDateTime><sr:TolerancePeriod>60</sr:TolerancePeriod></sr:CommissionDeviceSynchroniseClock>"
		Expect(e.criticalDoc(supplier, ppmid, "8.1.1", e.request(supplier, ppmid, 4, "8.1.1", body)).Code).To(Equal(dcc.I99))
		doc, _ := e.response(supplier, time.Minute)
		Expect(doc).To(ContainSubstring(`<ra:CommissionDeviceSynchroniseClockRsp MessageSuccess="true"><ra:DeviceTime>`))
		Expect(smi(e, ppmid).Status).To(Equal(inventory.Commissioned))
	})

	It("answers 12.1 with the fleet's CSP regions, echoing the request", func() {
		ans := e.serve(nonDevice, e.request(other, dcc.EUI, 8, "12.1", "<sr:RequestWANMatrix><sr:PartialAddress><sr:PostCode>AB1 2CD</sr:PostCode><sr:AddressIdentifier>12</sr:AddressIdentifier></sr:PartialAddress></sr:RequestWANMatrix>"))
		Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
		doc := string(ans.Body)
		Expect(doc).To(ContainSubstring("<sr:DSPWANMatrix><sr:Request><sr:PartialAddress><sr:PostCode>AB1 2CD</sr:PostCode>"))
		for _, r := range []string{"Central", "North", "South"} {
			Expect(doc).To(ContainSubstring("<sr:DSPWANMatrixResponse><sr:CSPRegion>" + r + "</sr:CSPRegion><sr:CSPRegionResponseCode>I0</sr:CSPRegionResponseCode><sr:CoverageAvailability>true</sr:CoverageAvailability>"))
		}
	})

	DescribeTable("bodies that do not fit",
		func(variant, body string, code dcc.Code, reason string) {
			ans := e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, variant, body))
			Expect(ans.Code).To(Equal(code))
			Expect(ans.Reason).To(ContainSubstring(reason))
			Expect(codeOf(ans.Body)).To(Equal(string(code)))
		},
		Entry("12.2 for a device type with no inventory record", "12.2", prenotify("00-DB-12-34-56-78-90-B7", "IHD", "X", "Y", "1"), dcc.E100, "DeviceType"),
		Entry("12.2 with a malformed DeviceID", "12.2", prenotify("00-DB", "ESME", "X", "Y", "1"), dcc.E100, "DeviceID"),
		Entry("8.4 for a device the SMI does not hold", "8.4", updateInventory("00-DB-12-34-56-78-99-99", "<sr:DeleteDevice/>"), dcc.E19, "DeviceID"),
		Entry("8.4 changing a commissioned device's model", "8.4", updateInventory("00-DB-12-34-56-78-90-A0", "<sr:UpdateDeviceDetails><sr:FirmwareVersion>9</sr:FirmwareVersion></sr:UpdateDeviceDetails>"), dcc.E5, "UpdateDeviceDetails"),
		Entry("8.4 with a CHF status for a meter", "8.4", updateInventory("00-DB-12-34-56-78-90-A0", "<sr:UpdateDeviceStatusCH>Withdrawn</sr:UpdateDeviceStatusCH>"), dcc.E100, "UpdateDeviceStatusCH"),
		Entry("8.4 with an export MPAN smetsim does not hold", "8.4", updateInventory("00-DB-12-34-56-78-90-A0", "<sr:UpdateMPxN><sr:ExportMPAN>1100012345679</sr:ExportMPAN></sr:UpdateMPxN>"), dcc.E100, "ExportMPAN"),
		Entry("12.1 with a short post code", "12.1", "<sr:RequestWANMatrix><sr:PartialAddress><sr:PostCode>AB1</sr:PostCode><sr:AddressIdentifier>1</sr:AddressIdentifier></sr:PartialAddress></sr:RequestWANMatrix>", dcc.E100, "PostCode"),
	)
})
