package dcc_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/users"
)

const (
	sendCommand = dcc.PathSendCommand
	nonDevice   = dcc.PathNonDevice
	transform   = dcc.PathTransform
)

func codeOf(doc []byte) string {
	m := regexp.MustCompile(`<sr:ResponseCode>([^<]+)</sr:ResponseCode>`).FindSubmatch(doc)
	Expect(m).NotTo(BeNil(), "no ResponseCode in %s", doc)
	return string(m[1])
}

func field(doc []byte, name string) string {
	m := regexp.MustCompile(`<[a-z]+:` + name + `[^>]*>([^<]*)</`).FindSubmatch(doc)
	if m == nil {
		return ""
	}
	return string(m[1])
}

var _ = Describe("The mock DCC", func() {
	var e *env
	BeforeEach(func() {
		requireJudges()
		e = newEnv(envOptions{})
	})

	Describe("non-device requests", func() {
		It("answers 8.2 Read Inventory with the SMI's installation, synchronously", func() {
			ans := e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "8.2", "<sr:ReadInventory><sr:DeviceID>00-DB-12-34-56-78-90-A2</sr:DeviceID></sr:ReadInventory>"))
			Expect(ans.HTTPStatus).To(Equal(200))
			Expect(ans.Code).To(Equal(dcc.I0))
			doc := string(ans.Body)
			Expect(doc).To(ContainSubstring("<sr:DeviceID>00-DB-12-34-56-78-90-A2</sr:DeviceID><sr:DeviceType>CHF</sr:DeviceType><sr:DeviceStatus>Commissioned</sr:DeviceStatus>"))
			for _, id := range []string{"90-A0", "90-A1", "90-A3", "90-A4"} {
				Expect(doc).To(ContainSubstring("00-DB-12-34-56-78-" + id))
			}
			Expect(doc).To(ContainSubstring("<sr:DeviceModel>E470</sr:DeviceModel>"))
			Expect(doc).To(ContainSubstring("<sr:ImportMPxN>1100012345678</sr:ImportMPxN>"))
		})

		It("lets only the Lead Supplier decommission a SMETS1 CHF", func() {
			ans := e.serve(nonDevice, e.request(other, dcc.EUI, 8, "8.3", "<sr:DecommissionDevice><sr:DeviceID>00-DB-12-34-56-78-90-A2</sr:DeviceID></sr:DecommissionDevice>"))
			Expect(ans.Code).To(Equal(dcc.E2)) // an Other User may not send 8.3 at all
			ans = e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "8.3", "<sr:DecommissionDevice><sr:DeviceID>00-DB-12-34-56-78-90-A2</sr:DeviceID></sr:DecommissionDevice>"))
			Expect(ans.Code).To(Equal(dcc.I0))
			d, _ := e.d.Inventory().Device(chf)
			Expect(string(d.Status)).To(Equal("Decommissioned"))
		})
	})

	Describe("device requests", func() {
		It("acknowledges 4.1.1 with I99 and posts the ESME's signed SMETS1 response later", func() {
			ans := e.serve(sendCommand, e.request(supplier, esme, 1, "4.1.1", "<sr:ReadInstantaneousImportRegisters/>"))
			Expect(ans.Code).To(Equal(dcc.I99))
			Expect(e.outbox(supplier)).To(BeEmpty()) // the device has not answered yet: virtual time stands still
			e.run(time.Minute)
			msgs := e.outbox(supplier)
			Expect(msgs).To(HaveLen(1))
			doc := msgs[0].Body
			Expect(codeOf(doc)).To(Equal("I0"))
			Expect(string(doc)).To(ContainSubstring("<sr:ResponseID>00-DB-12-34-56-78-90-A0:90-B3-D5-1F-30-01-00-00:"))
			Expect(string(doc)).To(ContainSubstring(`<ra:ReadInstantaneousImportRegistersRsp MessageSuccess="true"><ra:Electricity><ra:ActiveImportRegister>`))
			Expect(field(doc, "ActiveEnergyUnit")).To(Equal("Wh"))
			v, err := strconv.ParseUint(field(doc, "Value"), 10, 64)
			Expect(err).NotTo(HaveOccurred())
			rec := e.d.Journal()[0]
			Expect(rec.AsyncCode).To(Equal(dcc.I0))
			p := e.f.ByDevice(esme)
			Expect(v).To(Equal(p.ESME.ImportRegister(rec.Responded)))
			Expect(rec.Elapsed).To(BeNumerically(">", 0))
			Expect(rec.TRTBreached).To(BeFalse())
		})

		It("answers gas reads from the GPF's mirror, as the S1SP does while the GSME sleeps", func() {
			e.run(31 * time.Minute) // the GSME has woken at least once
			e.serve(sendCommand, e.request(supplier, gpf, 1, "4.1.1", "<sr:ReadInstantaneousImportRegisters/>"))
			e.run(time.Minute)
			msgs := e.outbox(supplier)
			Expect(msgs).To(HaveLen(1))
			mr := e.f.ByDevice(gpf).GPF.Mirror()
			Expect(field(msgs[0].Body, "Value")).To(Equal(fmt.Sprintf("%d.%03d", mr.Volume/1000, mr.Volume%1000)))
			Expect(field(msgs[0].Body, "Unit")).To(Equal("m3"))
		})

		It("carries a critical request from Transform (CV 4) to the Signed Pre-Command (CV 5), once", func() {
			req := e.request(supplier, esme, 4, "7.2", "<sr:DisableSupply/>")
			ans := e.serve(transform, req)
			Expect(ans.Code).To(Equal(dcc.I0))
			pre := preCommandOf(ans.Body)
			Expect(pre[0]).To(Equal(byte(0xDF)))
			signed, err := dcc.SignPreCommand(signerKey(e, supplier), pre)
			Expect(err).NotTo(HaveOccurred())
			counter := e.counter
			cv5 := e.requestWithCounter(supplier, esme, 5, "7.2", signedPreCommand(signed), counter)
			ans = e.serve(sendCommand, cv5)
			Expect(ans.Code).To(Equal(dcc.I99), ans.Reason)
			e.run(time.Minute)
			Expect(e.f.ByDevice(esme).ESME.Supply()).To(Equal(devices.SupplyDisabled))
			msgs := e.outbox(supplier)
			Expect(msgs).To(HaveLen(1))
			Expect(string(msgs[0].Body)).To(ContainSubstring(`<ra:DisableSupplyRsp MessageSuccess="true"`))

			again := e.serve(sendCommand, cv5)
			Expect(again.Code).To(Equal(dcc.E3))
			Expect(again.Reason).To(ContainSubstring("already accepted"))
		})

		It("refuses a Signed Pre-Command that is not the pre-command it issued, signed by the User", func() {
			ans := e.serve(transform, e.request(supplier, esme, 4, "7.3", "<sr:ArmSupply/>"))
			pre := preCommandOf(ans.Body)
			signed, _ := dcc.SignPreCommand(signerKey(e, distrib), pre) // someone else's key
			ans = e.serve(sendCommand, e.requestWithCounter(supplier, esme, 5, "7.3", signedPreCommand(signed), e.counter))
			Expect(ans.Code).To(Equal(dcc.E1))
			Expect(ans.Reason).To(ContainSubstring("does not verify with the User's key"))
		})

		It("takes a GSME's valve command through the GPF's queue and answers once the GSME has woken", func() {
			e.run(time.Minute)
			ans := e.serve(transform, e.request(supplier, gsme, 4, "7.3", "<sr:ArmSupply/>"))
			Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
			signed, _ := dcc.SignPreCommand(signerKey(e, supplier), preCommandOf(ans.Body))
			Expect(e.serve(sendCommand, e.requestWithCounter(supplier, gsme, 5, "7.3", signedPreCommand(signed), e.counter)).Code).To(Equal(dcc.I99))
			g := e.f.ByDevice(gsme).GSME
			wake := g.NextWake()
			e.run(wake.Sub(e.f.Clock.Now()) - time.Second)
			Expect(g.Supply()).To(Equal(devices.SupplyEnabled))
			Expect(e.outbox(supplier)).To(BeEmpty())
			e.run(time.Minute)
			Expect(g.Supply()).To(Equal(devices.SupplyArmed))
			msgs := e.outbox(supplier)
			rsp := ofKind(msgs, "response")
			Expect(rsp).To(HaveLen(1))
			Expect(string(rsp[0].Body)).To(ContainSubstring(`<ra:ArmSupplyRsp MessageSuccess="true"`))
			// The GSME's own Supply Armed alert reaches the gas supplier as an SMETS1 device alert.
			alerts := ofKind(msgs, "device-alert")
			Expect(alerts).NotTo(BeEmpty())
			Expect(string(alerts[0].Body)).To(ContainSubstring("<ra:GBCSHexAlertCode>8F32</ra:GBCSHexAlertCode>"))
		})

		It("tops up an ESME with 2.2 and reads the balance back with 4.18", func() {
			p := e.f.ByDevice(esme)
			key := p.ESME.UTRNKey()
			code, err := key.Encode(devices.UTRN{Amount: 15 * devices.Pound, Counter: 77})
			Expect(err).NotTo(HaveOccurred())
			before := p.ESME.Balance(e.f.Clock.Now())
			Expect(e.serve(sendCommand, e.request(supplier, esme, 1, "2.2", "<sr:TopUpDevice><sr:UTRN>"+code+"</sr:UTRN></sr:TopUpDevice>")).Code).To(Equal(dcc.I99))
			e.run(time.Minute)
			msgs := e.outbox(supplier)
			var topUp []byte
			for _, m := range msgs {
				if strings.Contains(string(m.Body), "TopUpDeviceRsp") {
					topUp = m.Body
				}
			}
			Expect(string(topUp)).To(ContainSubstring(`<ra:TopUpDeviceRsp MessageSuccess="true"`))
			Expect(p.ESME.Balance(e.f.Clock.Now()) - before).To(BeNumerically("~", 15*devices.Pound, 20*devices.Penny))
			e.serve(sendCommand, e.request(supplier, esme, 1, "4.18", "<sr:ReadMeterBalance/>"))
			e.run(time.Minute)
			msgs = e.outbox(supplier)
			Expect(msgs).To(HaveLen(1))
			balance, err := strconv.ParseInt(field(msgs[0].Body, "MeterBalance"), 10, 64)
			Expect(err).NotTo(HaveOccurred())
			Expect(devices.Money(balance * 10)).To(BeNumerically("~", p.ESME.Balance(e.f.Clock.Now()), 5*devices.Penny))
		})

		It("reports E20 when the hub cannot be reached", func() {
			p := e.f.ByDevice(esme)
			p.CHF.SetWAN(false, -120)
			Expect(e.serve(sendCommand, e.request(supplier, esme, 1, "4.1.1", "<sr:ReadInstantaneousImportRegisters/>")).Code).To(Equal(dcc.I99))
			e.run(time.Minute)
			msgs := e.outbox(supplier)
			Expect(msgs).To(HaveLen(1))
			Expect(codeOf(msgs[0].Body)).To(Equal("E20"))
		})
	})

	Describe("refusals, each with its code and reason", func() {
		read := "<sr:ReadInstantaneousImportRegisters/>"
		DescribeTable("request checks",
			func(build func(e *env) []byte, path string, code dcc.Code, reason string) {
				ans := e.serve(path, build(e))
				Expect(ans.HTTPStatus).To(Equal(200))
				Expect(ans.Code).To(Equal(code), ans.Reason)
				Expect(ans.Reason).To(ContainSubstring(reason))
				Expect(codeOf(ans.Body)).To(Equal(string(code)))
			},
			Entry("wrong endpoint", func(e *env) []byte { return e.request(supplier, esme, 1, "4.1.1", read) }, nonDevice, dcc.E13, "not taken at"),
			Entry("command variant 9, at any endpoint", func(e *env) []byte { return e.request(supplier, esme, 9, "4.1.1", read) }, nonDevice, dcc.E12, "internal to the DCC"),
			Entry("local delivery", func(e *env) []byte { return e.request(supplier, esme, 3, "4.1.1", read) }, sendCommand, dcc.E12, "local delivery"),
			Entry("a critical SRV sent as CV 1", func(e *env) []byte { return e.request(supplier, esme, 1, "7.2", "<sr:DisableSupply/>") }, sendCommand, dcc.E12, "is critical"),
			Entry("a role not eligible for the SRV", func(e *env) []byte { return e.request(distrib, esme, 4, "7.2", "<sr:DisableSupply/>") }, transform, dcc.E2, "may not send 7.2"),
			Entry("an unknown device", func(e *env) []byte {
				return e.request(supplier, eui("00-DB-12-34-56-78-99-99"), 1, "4.1.1", read)
			}, sendCommand, dcc.E19, "not in the inventory"),
			Entry("an SRV the device type does not take", func(e *env) []byte {
				return e.request(distrib, gsme, 1, "4.2", "<sr:ReadInstantaneousExportRegisters/>")
			}, sendCommand, dcc.E11, "does not address a GSME"),
			Entry("an SRV that does not apply to SMETS1", func(e *env) []byte {
				return e.request(supplier, esme, 1, "7.7", "<sr:ReadAuxiliaryLoadSwitchData/>")
			}, sendCommand, dcc.E11, "auxiliary load"),
		)

		It("refuses an unknown originator, an unsigned request, a tampered one and a replay", func() {
			u := loadUsers()
			stranger := eui("90-B3-D5-1F-30-09-00-00")
			e.signers[stranger] = e.signers[supplier]
			ans := e.serve(sendCommand, e.request(stranger, esme, 1, "4.1.1", read))
			Expect(ans.Code).To(Equal(dcc.E1))
			Expect(ans.Reason).To(ContainSubstring("not a DCC User"))
			_ = u

			unsigned, err := (&duis.Request{SchemaVersion: "5.4", Header: duis.Header{RequestID: duis.RequestID{Originator: supplier, Target: esme, Counter: 5000},
				CommandVariant: 1, ServiceReference: "4.1", ServiceReferenceVariant: "4.1.1"}, Body: duis.Body{Name: "ReadInstantaneousImportRegisters", Raw: []byte(read)}}).Marshal()
			Expect(err).NotTo(HaveOccurred())
			ans = e.serve(sendCommand, unsigned)
			Expect(ans.Code).To(Equal(dcc.E1))
			Expect(ans.Reason).To(ContainSubstring("no signature"))

			good := e.request(supplier, esme, 1, "4.1.1", read)
			tampered := []byte(strings.Replace(string(good), "90-A0:", "90-A4:", 1))
			ans = e.serve(sendCommand, tampered)
			Expect(ans.Code).To(Equal(dcc.E1))
			Expect(ans.Reason).To(ContainSubstring("does not verify"))

			Expect(e.serve(sendCommand, good).Code).To(Equal(dcc.I99))
			ans = e.serve(sendCommand, good)
			Expect(ans.Code).To(Equal(dcc.E3))
			Expect(ans.Reason).To(ContainSubstring("a replay"))
		})

		It("refuses a request signed with another user's key", func() {
			e.signers[supplier], e.signers[distrib] = e.signers[distrib], e.signers[supplier]
			ans := e.serve(sendCommand, e.request(supplier, esme, 1, "4.1.1", read))
			Expect(ans.Code).To(Equal(dcc.E1))
			Expect(ans.Reason).To(ContainSubstring("not of the originator"))
		})

		It("answers what is not DUIS at all with HTTP 400 and an explanation", func() {
			ans := e.d.Serve(sendCommand, []byte(`<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY x SYSTEM "file:///etc/passwd">]><sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway">&x;</sr:Request>`))
			Expect(ans.HTTPStatus).To(Equal(400))
			Expect(ans.Reason).To(ContainSubstring("DOCTYPE"))
			ans = e.d.Serve(sendCommand, []byte("hello"))
			Expect(ans.HTTPStatus).To(Equal(400))
		})
	})

	Describe("product combinations", func() {
		pendingESME := func(e *env) devices.EUI64 {
			for _, p := range e.f.Premises {
				if p.ESME.Model().ID == "acme-e470@1.5.0" {
					return p.ESME.EUI()
				}
			}
			Fail("the default fleet has no premises of the pending combination")
			return devices.EUI64{}
		}

		It("refuses an installation whose combination is pending with no PPC test open", func() {
			ans := e.serve(sendCommand, e.request(supplier, pendingESME(e), 1, "4.1.1", "<sr:ReadInstantaneousImportRegisters/>"))
			Expect(ans.Code).To(Equal(dcc.E5))
			Expect(ans.Reason).To(ContainSubstring("PPC-0001"))
		})

		It("serves it while a PPC test of the combination is open", func() {
			e = newEnv(envOptions{ppcOpen: true})
			ans := e.serve(sendCommand, e.request(supplier, pendingESME(e), 1, "4.1.1", "<sr:ReadInstantaneousImportRegisters/>"))
			Expect(ans.Code).To(Equal(dcc.I99), ans.Reason)
		})
	})

	Describe("anomaly detection and the S1SP's checks", func() {
		It("quarantines the request that breaches a user's threshold and raises AD1 with the count", func() {
			dir := loadUsers()
			dir.Lookup(supplier).ADTs["7.3"] = users.ADT{Limit: 2, Period: time.Hour}
			e = newEnv(envOptions{users: dir})
			arm := func() dcc.Answer {
				ans := e.serve(transform, e.request(supplier, esme, 4, "7.3", "<sr:ArmSupply/>"))
				signed, _ := dcc.SignPreCommand(signerKey(e, supplier), preCommandOf(ans.Body))
				return e.serve(sendCommand, e.requestWithCounter(supplier, esme, 5, "7.3", signedPreCommand(signed), e.counter))
			}
			Expect(arm().Code).To(Equal(dcc.I99))
			Expect(arm().Code).To(Equal(dcc.I99))
			e.run(time.Minute)
			Expect(ofKind(e.outbox(supplier), "response")).To(HaveLen(2))
			third := arm()
			Expect(third.Code).To(Equal(dcc.I99))
			e.run(time.Minute)
			msgs := ofKind(e.outbox(supplier), "dcc-alert")
			Expect(msgs).To(HaveLen(1))
			Expect(field(msgs[0].Body, "DCCAlertCode")).To(Equal("AD1"))
			Expect(string(msgs[0].Body)).To(ContainSubstring("<sr:QuarantinedRequest><sr:ADUserThresholdBreach>"))
			journal := e.d.Journal()
			Expect(journal[len(journal)-1].AsyncCode).To(Equal(dcc.Code("AD1")))
		})

		It("stops a top-up above the S1SP's limit with an S1SP alert, without quarantine", func() {
			e = newEnv(envOptions{dataLimits: dcc.DataLimits{MaxTopUp: 20 * devices.Pound}})
			key := e.f.ByDevice(esme).ESME.UTRNKey()
			big, _ := key.Encode(devices.UTRN{Amount: 50 * devices.Pound, Counter: 1})
			Expect(e.serve(sendCommand, e.request(supplier, esme, 1, "2.2", "<sr:TopUpDevice><sr:UTRN>"+big+"</sr:UTRN></sr:TopUpDevice>")).Code).To(Equal(dcc.I99))
			e.run(time.Minute)
			msgs := e.outbox(supplier)
			Expect(msgs).To(HaveLen(1))
			Expect(field(msgs[0].Body, "DCCAlertCode")).To(Equal(dcc.DCCAlertS1SP))
			Expect(field(msgs[0].Body, "S1SPAlertCode")).To(Equal(dcc.S1SPDataValueAlert))
			// No quarantine: the next request goes through.
			small, _ := key.Encode(devices.UTRN{Amount: 5 * devices.Pound, Counter: 2})
			Expect(e.serve(sendCommand, e.request(supplier, esme, 1, "2.2", "<sr:TopUpDevice><sr:UTRN>"+small+"</sr:UTRN></sr:TopUpDevice>")).Code).To(Equal(dcc.I99))
		})
	})
})

func preCommandOf(doc []byte) []byte {
	m := regexp.MustCompile(`<sr:PreCommand><sr:GBCSVersion>[^<]+</sr:GBCSVersion><sr:GBCSPayload>([^<]+)</sr:GBCSPayload>`).FindSubmatch(doc)
	Expect(m).NotTo(BeNil(), "no PreCommand in %s", doc)
	b, err := base64Decode(string(m[1]))
	Expect(err).NotTo(HaveOccurred())
	return b
}

func signedPreCommand(signed []byte) string {
	return "<sr:SignedPreCommand><sr:GBCSPayload>" + base64Encode(signed) + "</sr:GBCSPayload></sr:SignedPreCommand>"
}

func ofKind(msgs []*dcc.Message, kind string) []*dcc.Message {
	var out []*dcc.Message
	for _, m := range msgs {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}
