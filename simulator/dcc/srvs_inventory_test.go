package dcc_test

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/inventory"
)

// gasWait covers a GSME's next wake-up, even when its model skips one (the acme G4 skips every
// fourth).
const gasWait = 65 * time.Minute

var (
	requestIDElement = regexp.MustCompile(`<sr:RequestID>[^<]*</sr:RequestID>`)
	signatureElement = regexp.MustCompile(`(?s)<ds:Signature[ >].*</ds:Signature>\s*`)
)

// template reads one of the DCC's DUIS template samples from ../shared, addresses it from a
// fixture user to a default-fleet device (or the DCC) with a fresh counter, takes its placeholder
// signature off and signs it with the user's key. edit, when given, changes the text first. It
// skips the spec when ../shared is not beside the repository.
func (e *env) template(name string, from, to devices.EUI64, edit func(string) string) []byte {
	path := sharedFile("reference/duis-templates/templates/" + name)
	if path == "" {
		Skip("../shared/reference/duis-templates/templates/" + name + " not found beside the repository")
	}
	raw, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	doc := string(raw)
	Expect(requestIDElement.MatchString(doc)).To(BeTrue(), "template %s has no RequestID", name)
	e.counter++
	doc = requestIDElement.ReplaceAllLiteralString(doc, "<sr:RequestID>"+from.String()+":"+to.String()+":"+strconv.FormatUint(e.counter, 10)+"</sr:RequestID>")
	doc = signatureElement.ReplaceAllString(doc, "")
	if edit != nil {
		doc = edit(doc)
	}
	signed, err := e.signers[from].Sign([]byte(doc))
	Expect(err).NotTo(HaveOccurred())
	return signed
}

// critical sends a critical request through Transform (CV 4) and its Signed Pre-Command (CV 5),
// and returns the CV 5's answer. doc is the signed CV 4 request, whose counter is e.counter.
func (e *env) criticalDoc(from, to devices.EUI64, variant string, doc []byte) dcc.Answer {
	ans := e.serve(transform, doc)
	Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
	signed, err := dcc.SignPreCommand(signerKey(e, from), preCommandOf(ans.Body))
	Expect(err).NotTo(HaveOccurred())
	return e.serve(sendCommand, e.requestWithCounter(from, to, 5, variant, signedPreCommand(signed), e.counter))
}

// response runs the clock for d and returns the one asynchronous response the user got, with
// any alerts beside it.
func (e *env) response(user devices.EUI64, d time.Duration) (string, []*dcc.Message) {
	e.run(d)
	msgs := e.outbox(user)
	rsp := ofKind(msgs, "response")
	Expect(rsp).To(HaveLen(1), "want one response among %d messages", len(msgs))
	return string(rsp[0].Body), msgs
}

func smi(e *env, id devices.EUI64) inventory.Device {
	d, ok := e.d.Inventory().Device(id)
	Expect(ok).To(BeTrue(), "device %s is not in the SMI", id)
	return d
}

func chfLog(e *env) []devices.EUI64 {
	var out []devices.EUI64
	for _, l := range e.f.ByDevice(chf).CHF.DeviceLog() {
		out = append(out, l.EUI)
	}
	return out
}

func onHAN(e *env, id devices.EUI64) bool {
	_, ok := e.f.ByDevice(chf).HAN.Lookup(id)
	return ok
}

func join(variant, other string) string {
	name := map[string]string{"8.7.1": "JoinServiceCritical", "8.7.2": "JoinServiceNonCritical",
		"8.8.1": "UnjoinServiceCritical", "8.8.2": "UnjoinServiceNonCritical"}[variant]
	return "<sr:" + name + "><sr:OtherDeviceID>" + other + "</sr:OtherDeviceID></sr:" + name + ">"
}

func hanLog(id, typ string) string {
	if typ == "Remove" {
		return "<sr:UpdateHANDeviceLog><sr:DeviceID>" + id + "</sr:DeviceID><sr:RequestType>Remove</sr:RequestType></sr:UpdateHANDeviceLog>"
	}
	return "<sr:UpdateHANDeviceLog><sr:DeviceID>" + id + "</sr:DeviceID><sr:RequestType>Add</sr:RequestType>" +
		"<sr:AddDeviceToCHFWhitelist><sr:JoinTimePeriod>600</sr:JoinTimePeriod><sr:InstallCode>30313233343536373839414243444546</sr:InstallCode></sr:AddDeviceToCHFWhitelist></sr:UpdateHANDeviceLog>"
}

var _ = Describe("Inventory and HAN SRVs", func() {
	var e *env
	BeforeEach(func() {
		requireJudges()
		e = newEnv(envOptions{})
	})

	Describe("the DCC's template samples, as they are", func() {
		It("commissions an ESME with ECS70 (8.1.1): clock set, SMI Commissioned", func() {
			inv := e.d.Inventory()
			now := e.f.Clock.Now()
			Expect(inv.Move(now, esme, inventory.Whitelisted, "spec")).To(Succeed())
			Expect(inv.Move(now, esme, inventory.InstalledNotCommissioned, "spec")).To(Succeed())
			ans := e.criticalDoc(supplier, esme, "8.1.1", e.template("ECS70Commission_8.1.1_SUCCESS_REQUEST_DUIS.XML", supplier, esme, nil))
			Expect(ans.Code).To(Equal(dcc.I99), ans.Reason)
			doc, _ := e.response(supplier, time.Minute)
			Expect(codeOf([]byte(doc))).To(Equal("I0"))
			Expect(doc).To(ContainSubstring(`<ra:CommissionDeviceSynchroniseClockRsp MessageSuccess="true">`))
			Expect(doc).To(ContainSubstring(`<ra:TimeStatus>reliable</ra:TimeStatus>`))
			Expect(smi(e, esme).Status).To(Equal(inventory.Commissioned))
			Expect(e.f.ByDevice(esme).ESME.DeviceTime(e.f.Clock.Now())).To(BeTemporally("~", e.f.Clock.Now(), time.Second))
		})

		It("commissions a GSME with GCS28 (8.1.1) when it next wakes", func() {
			inv := e.d.Inventory()
			now := e.f.Clock.Now()
			Expect(inv.Move(now, gsme, inventory.Whitelisted, "spec")).To(Succeed())
			Expect(inv.Move(now, gsme, inventory.InstalledNotCommissioned, "spec")).To(Succeed())
			ans := e.criticalDoc(supplier, gsme, "8.1.1", e.template("GCS28Commission_8.1.1_SUCCESS_REQUEST_DUIS.XML", supplier, gsme, nil))
			Expect(ans.Code).To(Equal(dcc.I99), ans.Reason)
			doc, _ := e.response(supplier, gasWait)
			Expect(doc).To(ContainSubstring(`<ra:GasClockTimeStatus ResponseCode="38"><ra:ASN1Status>reliable</ra:ASN1Status>`))
			Expect(smi(e, gsme).Status).To(Equal(inventory.Commissioned))
		})

		DescribeTable("join and unjoin templates naming a partner the fleet lacks: the device answers, nothing changes",
			func(name, variant string, target devices.EUI64, want string) {
				doc := e.template(name, supplier, target, nil)
				var ans dcc.Answer
				if strings.HasSuffix(variant, ".1") {
					ans = e.criticalDoc(supplier, target, variant, doc)
				} else {
					ans = e.serve(sendCommand, doc)
				}
				Expect(ans.Code).To(Equal(dcc.I99), ans.Reason)
				rsp, _ := e.response(supplier, gasWait)
				Expect(codeOf([]byte(rsp))).To(Equal("I0"))
				Expect(rsp).To(ContainSubstring(`MessageSuccess="false"`))
				Expect(field([]byte(rsp), "ASN1Status")).To(Equal(want))
				esmeShort, hasESME, _, hasGPF := e.f.ByDevice(ppmid).PPMID.Meters()
				Expect(hasESME && hasGPF).To(BeTrue())
				id, _ := e.f.ByDevice(esme).HAN.EUI(esmeShort)
				Expect(id).To(Equal(esme))
			},
			Entry("CS03A2 8.7.1 to the PPMID", "CS03A2Critical_8.7.1_SUCCESS_REQUEST_DUIS.XML", "8.7.1", ppmid, "notKnown"),
			Entry("CS03C 8.7.1 to the GSME", "CS03CCritical_8.7.1_SUCCESS_REQUEST_DUIS.XML", "8.7.1", gsme, "notKnown"),
			Entry("CS04AC 8.8.2 to the PPMID", "CS04ACNonCritical_8.8.2_SUCCESS_REQUEST_DUIS.XML", "8.8.2", ppmid, "otherDeviceNotInDeviceLog"),
		)

		It("reads the CHF's device log with CCS05/CCS04 (8.9)", func() {
			Expect(e.serve(sendCommand, e.template("CCS05CCS04_8.9_SUCCESS_REQUEST_DUIS.XML", supplier, chf, nil)).Code).To(Equal(dcc.I99))
			doc, _ := e.response(supplier, time.Minute)
			Expect(doc).To(ContainSubstring(`<ra:ReadDeviceLogRsp MessageSuccess="true"><ra:CHFDeviceLog>`))
			for _, id := range []string{"90-A0", "90-A1", "90-A3", "90-A4"} {
				Expect(doc).To(ContainSubstring("<ra:CHFDeviceLogEntry><ra:DeviceID>00-DB-12-34-56-78-" + id + "</ra:DeviceID></ra:CHFDeviceLogEntry>"))
			}
		})

		It("whitelists the ESME with CCS01 (8.11) and records the MPAN the body gives", func() {
			Expect(e.serve(sendCommand, e.template("CCS01_8.11_SUCCESS_REQUEST_DUIS.XML", supplier, chf, nil)).Code).To(Equal(dcc.I99))
			doc, _ := e.response(supplier, time.Minute)
			Expect(doc).To(ContainSubstring(`<ra:UpdateHANDeviceLogRsp MessageSuccess="true"`))
			Expect(chfLog(e)).To(ContainElement(esme))
			Expect(smi(e, esme).MPxN).To(Equal("1312345678111"))
			Expect(smi(e, esme).Status).To(Equal(inventory.Commissioned))
		})

		It("answers GCS59 (8.12.2) for an old GPF the SMI does not know: nothing restored", func() {
			Expect(e.serve(sendCommand, e.template("GCS59_8.12.2_SUCCESS_REQUEST_DUIS.XML", supplier, gpf, nil)).Code).To(Equal(dcc.I99))
			doc, _ := e.response(supplier, time.Minute)
			Expect(doc).To(ContainSubstring(`<ra:RestoreGPFDeviceLogRsp MessageSuccess="false"`))
			Expect(doc).NotTo(ContainSubstring("RestoreDeviceLogOutcome"))
		})

		It("decommissions the ESME with the 8.3 sample", func() {
			ans := e.serve(nonDevice, e.template("8.3_DECOMMISSION_DEVICE_REQUEST_DUIS.XML", supplier, dcc.EUI, nil))
			Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
			Expect(smi(e, esme).Status).To(Equal(inventory.Decommissioned))
		})
	})

	Describe("joining and unjoining", func() {
		It("unjoins the PPMID from the ESME (8.8.2), shows it in its device log (8.9), and joins it again (8.7.2)", func() {
			Expect(e.serve(sendCommand, e.request(supplier, ppmid, 1, "8.8.2", join("8.8.2", esme.String()))).Code).To(Equal(dcc.I99))
			doc, _ := e.response(supplier, time.Minute)
			Expect(doc).To(ContainSubstring(`<ra:UnjoinServiceNonCriticalRsp MessageSuccess="true"><ra:unjoinResponseCode ResponseCode="0"><ra:ASN1Status>success</ra:ASN1Status>`))
			_, hasESME, _, hasGPF := e.f.ByDevice(ppmid).PPMID.Meters()
			Expect(hasESME).To(BeFalse())
			Expect(hasGPF).To(BeTrue())

			e.serve(sendCommand, e.request(supplier, ppmid, 1, "8.9", "<sr:ReadDeviceLog/>"))
			doc, _ = e.response(supplier, time.Minute)
			Expect(doc).To(ContainSubstring(`<ra:DeviceLogEntries><ra:LogEntry><ra:DeviceID>00-DB-12-34-56-78-90-A3</ra:DeviceID><ra:DeviceType>GPF</ra:DeviceType></ra:LogEntry></ra:DeviceLogEntries>`))

			Expect(e.serve(sendCommand, e.request(supplier, ppmid, 1, "8.7.2", join("8.7.2", esme.String()))).Code).To(Equal(dcc.I99))
			doc, _ = e.response(supplier, time.Minute)
			Expect(doc).To(ContainSubstring(`<ra:JoinServiceNonCriticalRsp MessageSuccess="true">`))
			e.serve(sendCommand, e.request(supplier, ppmid, 1, "8.9", "<sr:ReadDeviceLog/>"))
			doc, _ = e.response(supplier, time.Minute)
			Expect(doc).To(ContainSubstring(`<ra:DeviceID>00-DB-12-34-56-78-90-A0</ra:DeviceID><ra:DeviceType>ESME</ra:DeviceType>`))
		})

		It("unjoins the ESME from the PPMID with the critical 8.8.1, then the ESME's log is empty", func() {
			ans := e.criticalDoc(supplier, esme, "8.8.1", e.request(supplier, esme, 4, "8.8.1", join("8.8.1", ppmid.String())))
			Expect(ans.Code).To(Equal(dcc.I99), ans.Reason)
			e.run(time.Minute)
			_, has := e.f.ByDevice(esme).ESME.Display()
			Expect(has).To(BeFalse())
			e.outbox(supplier)
			e.serve(sendCommand, e.request(supplier, esme, 1, "8.9", "<sr:ReadDeviceLog/>"))
			doc, _ := e.response(supplier, time.Minute)
			Expect(doc).To(ContainSubstring(`<ra:ReadDeviceLogRsp MessageSuccess="true"><ra:DeviceLogEntries/>`))
		})

		It("unpairs the GSME from its GPF (8.8.2): the GSME is then out of reach until 8.12.2 restores the pairing", func() {
			Expect(e.serve(sendCommand, e.request(supplier, gsme, 1, "8.8.2", join("8.8.2", gpf.String()))).Code).To(Equal(dcc.I99))
			doc, _ := e.response(supplier, gasWait)
			Expect(doc).To(ContainSubstring(`<ra:UnjoinServiceNonCriticalRsp MessageSuccess="true">`))
			_, paired := e.f.ByDevice(gsme).GSME.GPF()
			Expect(paired).To(BeFalse())

			ans := e.criticalDoc(supplier, gsme, "8.7.1", e.request(supplier, gsme, 4, "8.7.1", join("8.7.1", gpf.String())))
			Expect(ans.Code).To(Equal(dcc.I99), ans.Reason)
			doc, _ = e.response(supplier, gasWait)
			Expect(codeOf([]byte(doc))).To(Equal("E21"), "a GSME with no GPF is never heard from")

			e.serve(sendCommand, e.request(supplier, gpf, 1, "8.12.2", "<sr:RestoreGPFDeviceLog><sr:OldGPFID>"+gpf.String()+"</sr:OldGPFID></sr:RestoreGPFDeviceLog>"))
			doc, _ = e.response(supplier, time.Minute)
			Expect(doc).To(ContainSubstring(`<ra:RestoreDeviceLogOutcome><ra:DeviceLogEntry><ra:DeviceID>00-DB-12-34-56-78-90-A1</ra:DeviceID><ra:DeviceType>GSME</ra:DeviceType></ra:DeviceLogEntry><ra:joinResponseCode ResponseCode="0">`))
			_, paired = e.f.ByDevice(gpf).GPF.GSME()
			Expect(paired).To(BeTrue())
			e.serve(sendCommand, e.request(supplier, gsme, 1, "8.9", "<sr:ReadDeviceLog/>"))
			doc, _ = e.response(supplier, gasWait)
			Expect(doc).To(ContainSubstring(`<ra:LogEntry><ra:DeviceID>00-DB-12-34-56-78-90-A3</ra:DeviceID><ra:DeviceType>GPF</ra:DeviceType></ra:LogEntry>`))
		})

		It("refuses a join the SMETS1 HAN has no method for (a GSME with a PPMID)", func() {
			e.criticalDoc(supplier, gsme, "8.7.1", e.request(supplier, gsme, 4, "8.7.1", join("8.7.1", ppmid.String())))
			doc, _ := e.response(supplier, gasWait)
			Expect(field([]byte(doc), "ASN1Status")).To(Equal("invalidJoinMethodAndRole"))
		})
	})

	Describe("the HAN device log", func() {
		It("removes the PPMID from the CHF's log and the HAN (8.11 Remove), then whitelists it again (8.11 Add)", func() {
			Expect(e.serve(sendCommand, e.request(supplier, chf, 1, "8.11", hanLog(ppmid.String(), "Remove"))).Code).To(Equal(dcc.I99))
			_, msgs := e.response(supplier, time.Minute)
			Expect(chfLog(e)).NotTo(ContainElement(ppmid))
			Expect(onHAN(e, ppmid)).To(BeFalse())
			alerts := ofKind(msgs, "device-alert")
			Expect(alerts).NotTo(BeEmpty())
			Expect(string(alerts[0].Body)).To(ContainSubstring("<ra:GBCSHexAlertCode>8F12</ra:GBCSHexAlertCode>"))

			e.serve(sendCommand, e.request(supplier, chf, 1, "8.9", "<sr:ReadDeviceLog/>"))
			doc, _ := e.response(supplier, time.Minute)
			Expect(doc).NotTo(ContainSubstring("90-A4"))

			Expect(e.serve(sendCommand, e.request(supplier, chf, 1, "8.11", hanLog(ppmid.String(), "Add"))).Code).To(Equal(dcc.I99))
			e.response(supplier, time.Minute)
			Expect(chfLog(e)).To(ContainElement(ppmid))
			Expect(onHAN(e, ppmid)).To(BeTrue())
		})

		It("answers E20 for a device the CHF has taken off its HAN (8.11 Remove)", func() {
			e.serve(sendCommand, e.request(supplier, chf, 1, "8.11", hanLog(ppmid.String(), "Remove")))
			e.response(supplier, time.Minute)
			Expect(e.serve(sendCommand, e.request(supplier, ppmid, 1, "11.2", "<sr:ReadFirmwareVersion/>")).Code).To(Equal(dcc.I99))
			doc, _ := e.response(supplier, time.Minute)
			Expect(codeOf([]byte(doc))).To(Equal("E20"))
		})

		It("takes a Commissioned device removed (8.11 Remove) and added back (8.11 Add) as newly installed, to commission again (8.1.1)", func() {
			e.serve(sendCommand, e.request(supplier, chf, 1, "8.11", hanLog(ppmid.String(), "Remove")))
			e.response(supplier, time.Minute)
			Expect(smi(e, ppmid).Status).To(Equal(inventory.Commissioned))
			e.serve(sendCommand, e.request(supplier, chf, 1, "8.11", hanLog(ppmid.String(), "Add")))
			e.response(supplier, time.Minute)
			Expect(smi(e, ppmid).Status).To(Equal(inventory.InstalledNotCommissioned))
			Expect(onHAN(e, ppmid)).To(BeTrue())
		})

		It("restores the CHF's device log from the SMI's record (8.12.1)", func() {
			e.serve(sendCommand, e.request(supplier, chf, 1, "8.11", hanLog(ppmid.String(), "Remove")))
			e.response(supplier, time.Minute)
			Expect(chfLog(e)).NotTo(ContainElement(ppmid))
			e.serve(sendCommand, e.request(supplier, chf, 1, "8.12.1", "<sr:RestoreHANDeviceLog><sr:OldCHFID>"+chf.String()+"</sr:OldCHFID></sr:RestoreHANDeviceLog>"))
			doc, _ := e.response(supplier, time.Minute)
			Expect(doc).To(ContainSubstring(`<ra:RestoreHANDeviceLogRsp MessageSuccess="true"`))
			Expect(chfLog(e)).To(ContainElement(ppmid))
			Expect(onHAN(e, ppmid)).To(BeTrue())
		})

		It("whitelists a pre-notified device: Pending → Whitelisted, in the CHF's installation (12.2, 8.11, 8.2)", func() {
			newID := "00-DB-12-34-56-78-90-B9"
			ans := e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "12.2", "<sr:DevicePrenotification><sr:DeviceID>"+newID+"</sr:DeviceID>"+
				"<sr:DeviceManufacturer>Danum Smart Ltd</sr:DeviceManufacturer><sr:DeviceModel>PP5</sr:DeviceModel><sr:DeviceType>PPMID</sr:DeviceType>"+
				"<sr:FirmwareVersion>1.2</sr:FirmwareVersion></sr:DevicePrenotification>"))
			Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
			Expect(smi(e, eui(newID)).Status).To(Equal(inventory.Pending))
			Expect(smi(e, eui(newID)).Model.ID).To(Equal("danum-pp5@1.2"))

			Expect(e.serve(sendCommand, e.request(supplier, chf, 1, "8.11", hanLog(newID, "Add"))).Code).To(Equal(dcc.I99))
			e.response(supplier, time.Minute)
			Expect(chfLog(e)).To(ContainElement(eui(newID)))
			rec := smi(e, eui(newID))
			Expect(rec.Status).To(Equal(inventory.Whitelisted))
			Expect(rec.CHF).To(Equal(chf))
			Expect(rec.Installation).To(Equal("rtds-reference"))

			ans = e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "8.2", "<sr:ReadInventory><sr:DeviceID>"+newID+"</sr:DeviceID></sr:ReadInventory>"))
			Expect(string(ans.Body)).To(ContainSubstring("<sr:DeviceID>" + newID + "</sr:DeviceID><sr:DeviceType>PPMID</sr:DeviceType><sr:DeviceStatus>Whitelisted</sr:DeviceStatus>"))
		})
	})

	Describe("bodies that do not fit", func() {
		DescribeTable("are refused at once with the field named",
			func(to devices.EUI64, cv int, variant, body string, code dcc.Code, reason string) {
				path := sendCommand
				if cv == 4 {
					path = transform
				}
				ans := e.serve(path, e.request(supplier, to, cv, variant, body))
				Expect(ans.Code).To(Equal(code))
				Expect(ans.Reason).To(ContainSubstring(reason))
				Expect(codeOf(ans.Body)).To(Equal(string(code)))
			},
			Entry("8.7.2 with a malformed OtherDeviceID", ppmid, 1, "8.7.2", join("8.7.2", "not-a-device"), dcc.E100, "OtherDeviceID"),
			Entry("8.7.1 joining a device with itself", esme, 4, "8.7.1", join("8.7.1", esme.String()), dcc.E100, "OtherDeviceID"),
			Entry("8.11 with an unknown RequestType", chf, 1, "8.11", strings.Replace(hanLog(esme.String(), "Remove"), "Remove", "Swap", 1), dcc.E100, "RequestType"),
			Entry("8.11 Add without its whitelist details", chf, 1, "8.11", "<sr:UpdateHANDeviceLog><sr:DeviceID>"+esme.String()+"</sr:DeviceID><sr:RequestType>Add</sr:RequestType></sr:UpdateHANDeviceLog>", dcc.E100, "AddDeviceToCHFWhitelist"),
			Entry("8.11 for a device the SMI does not hold", chf, 1, "8.11", hanLog("00-DB-12-34-56-78-99-99", "Add"), dcc.E19, "DeviceID"),
			Entry("8.1.1 with a tolerance over a day", esme, 4, "8.1.1", "<sr:CommissionDeviceSynchroniseClock><sr:CurrentDateTime>2026-03-27T00:00:00Z</sr:CurrentDateTime><sr:TolerancePeriod>90000</sr:TolerancePeriod></sr:CommissionDeviceSynchroniseClock>", dcc.E100, "TolerancePeriod"),
			Entry("8.12.1 with a malformed OldCHFID", chf, 1, "8.12.1", "<sr:RestoreHANDeviceLog><sr:OldCHFID>zz</sr:OldCHFID></sr:RestoreHANDeviceLog>", dcc.E100, "OldCHFID"),
		)
	})
})
