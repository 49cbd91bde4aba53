package duis_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
)

var (
	at      = time.Date(2026, 11, 28, 9, 37, 56, 134_000_000, time.UTC)
	chf     = devices.EUI64{0x00, 0xDB, 0x12, 0x34, 0x56, 0x78, 0x90, 0xA1}
	esme    = devices.EUI64{0x00, 0xDB, 0x12, 0x34, 0x56, 0x78, 0x90, 0xA0}
	userID  = devices.EUI64{0x90, 0xB3, 0xD5, 0x1F, 0x30, 0x01, 0x00, 0x00}
	reqID   = duis.RequestID{Originator: userID, Target: esme, Counter: 1000}
	readInv = func() *duis.Request {
		req, err := duis.ParseRequest(goodRequest, duis.Limits{})
		Expect(err).NotTo(HaveOccurred())
		return req
	}
)

// mustMarshal fails the spec on a builder error.
func mustMarshal(b []byte, err error) []byte {
	GinkgoHelper()
	Expect(err).NotTo(HaveOccurred())
	return b
}

// importRegisters is a trivial valid MMC payload: the 4.1.1 Read Instantaneous Import Registers
// response of an electricity meter.
func importRegisters() []byte {
	var m duis.MMCWriter
	m.Start("ReadInstantaneousImportRegistersRsp", duis.Attr{Name: "MessageSuccess", Value: "true"}).
		Start("Electricity").
		Start("ActiveImportRegister").Leaf("Value", "1234567").Leaf("ActiveEnergyUnit", "Wh").End().
		End().End()
	return mustMarshal(m.Bytes())
}

// smets1 builds a signed SMETS1SignedResponse with the given body.
func smets1(body duis.SMETS1Body) []byte {
	ts := at.Add(-time.Second)
	s := &duis.SMETS1SignedResponse{
		Header: duis.MMCHeader{
			BusinessOriginatorID: esme, BusinessTargetID: userID, OriginatorCounter: 1000,
			ServiceReference: "4.1", ServiceReferenceVariant: "4.1.1", Timestamp: &ts,
			GBCSHexadecimalMessageCode: []byte{0x00, 0x01},
		},
		Body: body,
	}
	unsigned := mustMarshal(s.Marshal())
	return mustMarshal(duis.Sign(unsigned, duis.RootSMETS1SignedResponse, dummySigner))
}

func signedS1SPAlert() []byte {
	dev := esme
	a := &duis.S1SPAlert{RequestID: &reqID, DeviceID: &dev, Code: "S1SP-E1", AdditionalInformation: "device did not answer <in time> & gave up", DateTime: at}
	return mustMarshal(duis.Sign(mustMarshal(a.Marshal()), duis.RootS1SPAlert, dummySigner))
}

var _ = Describe("Response builders", func() {
	DescribeTable("write documents that validate against the DUIS 5.4 schema with xmllint",
		func(build func() []byte, root duis.Root, shape string) {
			d := build()
			Expect(duis.Check(d, root, duis.Limits{})).To(Succeed())
			Expect(string(d)).To(MatchRegexp(shape))
			res, err := xmllint(writeTemp("doc.xml", d))
			Expect(err).NotTo(HaveOccurred(), "%s\n%s", res, d)
			Expect(res).To(ContainSubstring("validates"))
		},
		Entry("an I99 acknowledgement", func() []byte {
			return mustMarshal(duis.Reply(readInv(), "I99", at).Marshal())
		}, duis.RootResponse, `<sr:RequestID>`+goodID+`</sr:RequestID><sr:ResponseCode>I99</sr:ResponseCode><sr:ResponseDateTime>2026-11-28T09:37:56.134Z</sr:ResponseDateTime>`),
		Entry("an E19 error (unknown device)", func() []byte {
			return mustMarshal(duis.Reply(readInv(), "E19", at).Marshal())
		}, duis.RootResponse, `<sr:ResponseCode>E19</sr:ResponseCode>.*<sr:ServiceReferenceVariant>8.2</sr:ServiceReferenceVariant></sr:ResponseMessage>`),
		Entry("an E12 error in schema version 5.1", func() []byte {
			r := duis.Reply(readInv(), "E12", at)
			r.SchemaVersion = "5.1"
			return mustMarshal(r.Marshal())
		}, duis.RootResponse, `schemaVersion="5.1"`),
		Entry("an answer to a request refused for its schema version, from the header in the error", func() []byte {
			_, err := duis.ParseRequest(request("6.0", header(goodID, "8", "8.2", "8.2"), `<sr:ReadInventory/>`), duis.Limits{})
			var pe *duis.ParseError
			Expect(errors.As(err, &pe)).To(BeTrue())
			// E100 stands in for whatever code the mock DCC's table gives an unsupported version.
			return mustMarshal(duis.Reply(&duis.Request{Header: *pe.Header}, "E100", at).Marshal())
		}, duis.RootResponse, `schemaVersion="5.4"><sr:Header><sr:RequestID>`+goodID),
		Entry("an SRV-specific error code", func() []byte {
			return mustMarshal(duis.Reply(readInv(), "E080201", at).Marshal())
		}, duis.RootResponse, `E080201`),
		Entry("an I0 Read Inventory result with a full DSPInventory", func() []byte {
			commissioned := time.Date(2025, 12, 28, 0, 0, 0, 0, time.UTC)
			r := duis.Reply(readInv(), "I0", at)
			r.Body.(*duis.ResponseMessage).Content = duis.DSPInventory{
				{
					DeviceID: chf, DeviceType: "CHF", DeviceStatus: "Commissioned", DeviceManufacturer: "106C",
					DeviceModel: "433100AC", SMETSCHTSVersion: "CHTS V1.4", DeviceFirmwareVersion: "9001",
					DeviceFirmwareVersionStatus: "Active", CPLStatus: "Active", DateCommissioned: &commissioned,
					UPRN: 123456789012, PropertyFilter: &duis.PropertyFilter{PostCode: "AB1 2CD", AddressIdentifier: "12334"},
					CSPRegion: "SMETS1", HANVariant: "Single Band", S1SP: "S1SP-A", Connectivity: "Cellular",
				},
				{
					DeviceID: esme, DeviceType: "ESME", DeviceStatus: "Commissioned", DeviceManufacturer: "Acme & Sons <UK>",
					DeviceModel: "E1", DeviceFirmwareVersion: "1.0.2", ImportMPxN: "1234567890123",
					SecondaryImportMPAN: "2234567890123", ExportMPAN: "3234567890123", ESMEVariant: "A",
				},
				{DeviceID: userID, DeviceType: "GSME", DeviceManufacturer: "G", DeviceModel: "G4", ImportMPxN: "1234567890"},
			}
			return mustMarshal(r.Marshal())
		}, duis.RootResponse, `<sr:DSPInventory><sr:Device><sr:DeviceID>00-DB-12-34-56-78-90-A1</sr:DeviceID><sr:DeviceType>CHF</sr:DeviceType>.*<sr:DateCommissioned>2025-12-28Z</sr:DateCommissioned>.*Acme &amp; Sons &lt;UK&gt;`),
		Entry("a device response with a GBCS payload and a ResponseID", func() []byte {
			respID := reqID.ResponseID()
			return mustMarshal((&duis.Response{
				RequestID: &reqID, ResponseID: &respID, ResponseCode: "I0", ResponseDateTime: at,
				Body: &duis.ResponseMessage{ServiceReference: "11.2", ServiceReferenceVariant: "11.2", Content: duis.GBCSPayload{0xDD, 0x00, 0x01}},
			}).Marshal())
		}, duis.RootResponse, `<sr:ResponseID>`+deviceEUI+`:`+userEUI+`:1000</sr:ResponseID>.*<sr:GBCSPayload>3QAB</sr:GBCSPayload>`),
		Entry("a CV 4 Transform's answer with its PreCommand", func() []byte {
			r := duis.Reply(readInv(), "I0", at)
			r.Body.(*duis.ResponseMessage).Content = &duis.PreCommand{GBCSVersion: "1.0", GBCSPayload: []byte{0xDF, 0x09}}
			return mustMarshal(r.Marshal())
		}, duis.RootResponse, `<sr:PreCommand><sr:GBCSVersion>1.0</sr:GBCSVersion><sr:GBCSPayload>3wk=</sr:GBCSPayload></sr:PreCommand>`),
		Entry("an SMETS1ResponseMessage carrying a 4.1.1 Read Instantaneous Import Registers response", func() []byte {
			respID := reqID.ResponseID()
			return mustMarshal((&duis.Response{
				RequestID: &reqID, ResponseID: &respID, ResponseCode: "I0", ResponseDateTime: at,
				Body: &duis.SMETS1ResponseMessage{ServiceReference: "4.1", ServiceReferenceVariant: "4.1.1",
					SignedResponse: smets1(&duis.ResponsePayload{SMETSData: importRegisters()})},
			}).Marshal())
		}, duis.RootResponse, `<sr:SMETS1ResponseMessage><sr:ServiceReference>4.1</sr:ServiceReference>.*<sr:SMETS1SignedResponse .*<ra:SMETSData><ra:ReadInstantaneousImportRegistersRsp MessageSuccess="true"><ra:Electricity>.*</sr:SMETS1Response><ds:Signature`),
		Entry("an SMETS1ResponseMessage without SMETSData (a command's plain success)", func() []byte {
			return mustMarshal((&duis.Response{
				RequestID: &reqID, ResponseCode: "I0", ResponseDateTime: at,
				Body: &duis.SMETS1ResponseMessage{SignedResponse: smets1(&duis.ResponsePayload{})},
			}).Marshal())
		}, duis.RootResponse, `<sr:Body><sr:ResponseMessage></sr:ResponseMessage></sr:Body>`),
		Entry("an SMETS1 device alert", func() []byte {
			respID := duis.RequestID{Originator: esme, Target: userID, Counter: 77}
			return mustMarshal((&duis.Response{
				ResponseID: &respID, ResponseCode: "I0", ResponseDateTime: at,
				Body: &duis.SMETS1ResponseMessage{SignedResponse: smets1(&duis.DeviceAlert{AlertCode: 0x8F35, Description: "Supply interrupted", Timestamp: at.Add(-time.Minute)})},
			}).Marshal())
		}, duis.RootResponse, `<sr:DeviceAlertMessage><ra:DeviceAlertContent><ra:GBCSHexAlertCode>8F35</ra:GBCSHexAlertCode><ra:AlertDescription>Supply interrupted</ra:AlertDescription>`),
		Entry("a GBCS device alert (sr:DeviceAlertMessage)", func() []byte {
			respID := duis.RequestID{Originator: esme, Target: userID, Counter: 78}
			return mustMarshal((&duis.Response{
				ResponseID: &respID, ResponseCode: "I0", ResponseDateTime: at,
				Body: &duis.DeviceAlertMessage{AlertCode: 0x8F1C, GBCSPayload: []byte{0xDF, 0x09}},
			}).Marshal())
		}, duis.RootResponse, `<sr:AlertCode>8F1C</sr:AlertCode><sr:GBCSPayload>3wk=</sr:GBCSPayload>`),
		Entry("an AD1 DCC alert for a quarantined request", func() []byte {
			return mustMarshal((&duis.Response{
				ResponseCode: "I0", ResponseDateTime: at,
				Body: &duis.DCCAlertMessage{Code: "AD1", Alert: &duis.QuarantinedRequest{
					Breach: duis.ADUserThresholdBreach, RequestID: reqID, QuarantineEventRef: 18446744073709551615}},
			}).Marshal())
		}, duis.RootResponse, `<sr:DCCAlertCode>AD1</sr:DCCAlertCode><sr:DCCAlert><sr:QuarantinedRequest><sr:ADUserThresholdBreach><sr:RequestID>`),
		Entry("a power outage DCC alert (N1 here; which N code goes with which alert is the mock DCC's table)", func() []byte {
			return mustMarshal((&duis.Response{
				ResponseCode: "I0", ResponseDateTime: at,
				Body: &duis.DCCAlertMessage{Code: "N1", Alert: &duis.PowerOutageEvent{CommsHubDeviceID: chf, StartDateTime: at.Add(-time.Hour), MPxN: "1234567890123"}},
			}).Marshal())
		}, duis.RootResponse, `<sr:PowerOutageEvent><sr:CommsHubDeviceID>00-DB-12-34-56-78-90-A1</sr:CommsHubDeviceID><sr:StartDateTime>2026-11-28T08:37:56.134Z</sr:StartDateTime>`),
		Entry("an S1SP alert relayed in a DCC alert", func() []byte {
			return mustMarshal((&duis.Response{
				ResponseCode: "I0", ResponseDateTime: at,
				Body: &duis.DCCAlertMessage{Code: "N42", Alert: &duis.S1SPAlertDSP{SignedAlert: signedS1SPAlert()}},
			}).Marshal())
		}, duis.RootResponse, `<sr:S1SPAlertDSP><sr:S1SPAlert xmlns:sr=`),
		Entry("a response signed by the DCC (optional signature)", func() []byte {
			unsigned := mustMarshal(duis.Reply(readInv(), "I99", at).Marshal())
			return mustMarshal(duis.Sign(unsigned, duis.RootResponse, dummySigner))
		}, duis.RootResponse, `</sr:Body><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">`),
		Entry("a standalone S1SPAlert document", signedS1SPAlert, duis.RootS1SPAlert,
			`^<\?xml version="1.0" encoding="UTF-8"\?><sr:S1SPAlert xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="5.4"><sr:RequestID>.*<sr:AdditionalInformation>device did not answer &lt;in time&gt; &amp; gave up</sr:AdditionalInformation><sr:DateTime>.*</sr:DateTime><ds:Signature`),
		Entry("a standalone SMETS1SignedResponse document", func() []byte {
			return smets1(&duis.ResponsePayload{SMETSData: importRegisters()})
		}, duis.RootSMETS1SignedResponse, `^<\?xml version="1.0" encoding="UTF-8"\?><sr:SMETS1SignedResponse xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" xmlns:ra="http://www.dccinterface.co.uk/ResponseAndAlert" schemaVersion="5.4"><sr:SMETS1Response><sr:Header><ra:BusinessOriginatorID>`),
	)

	It("writes the prefixes and the compact form the DCC uses", func() {
		d := mustMarshal(duis.Reply(readInv(), "I99", at).Marshal())
		Expect(string(d)).To(Equal(`<?xml version="1.0" encoding="UTF-8"?>` +
			`<sr:Response xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" xmlns:ra="http://www.dccinterface.co.uk/ResponseAndAlert" schemaVersion="5.4">` +
			`<sr:Header><sr:RequestID>` + goodID + `</sr:RequestID><sr:ResponseCode>I99</sr:ResponseCode>` +
			`<sr:ResponseDateTime>2026-11-28T09:37:56.134Z</sr:ResponseDateTime></sr:Header>` +
			`<sr:Body><sr:ResponseMessage><sr:ServiceReference>8.2</sr:ServiceReference><sr:ServiceReferenceVariant>8.2</sr:ServiceReferenceVariant></sr:ResponseMessage></sr:Body>` +
			`</sr:Response>`))
	})

	It("has the same shape as the DCC's own acknowledgement-error sample", func() {
		shared := requireShared()
		sample, err := os.ReadFile(filepath.Join(shared, "reference/dccboxed-signing-tool/src/test/resources/acknowledgement-error.xml"))
		Expect(err).NotTo(HaveOccurred())
		tags := func(d []byte) []string {
			return regexp.MustCompile(`</?sr:\w+`).FindAllString(string(d), -1)
		}
		req := readInv()
		req.Header.ServiceReference, req.Header.ServiceReferenceVariant = "11.2", "11.2"
		ours := mustMarshal(duis.Reply(req, "E65", at).Marshal())
		Expect(tags(ours)).To(Equal(tags(sample)))
	})

	It("embeds the signed SMETS1 document byte for byte, so its signature survives", func() {
		signed := smets1(&duis.ResponsePayload{SMETSData: importRegisters()})
		d := mustMarshal((&duis.Response{ResponseCode: "I0", ResponseDateTime: at,
			Body: &duis.SMETS1ResponseMessage{SignedResponse: signed}}).Marshal())
		element := bytes.TrimPrefix(signed, []byte(`<?xml version="1.0" encoding="UTF-8"?>`))
		Expect(bytes.Contains(d, element)).To(BeTrue())
	})

	DescribeTable("refuse values the schema would refuse",
		func(build func() ([]byte, error), detail string) {
			_, err := build()
			Expect(err).To(MatchError(ContainSubstring(detail)))
		},
		Entry("an unknown response code", func() ([]byte, error) { return duis.Reply(readInv(), "E9999", at).Marshal() }, `ResponseCode "E9999"`),
		Entry("an unknown SRV", func() ([]byte, error) {
			r := duis.Reply(readInv(), "E13", at)
			r.Body.(*duis.ResponseMessage).ServiceReferenceVariant = "8.99"
			return r.Marshal()
		}, `Variant "8.99" is not one DUIS defines`),
		Entry("a reference that does not go with the variant", func() ([]byte, error) {
			r := duis.Reply(readInv(), "E13", at)
			r.Body.(*duis.ResponseMessage).ServiceReference = "8.1"
			return r.Marshal()
		}, `Service Reference "8.1" does not go with variant 8.2`),
		Entry("no time", func() ([]byte, error) { return duis.Reply(readInv(), "I0", time.Time{}).Marshal() }, "ResponseDateTime not set"),
		Entry("no body", func() ([]byte, error) { return (&duis.Response{ResponseCode: "I0", ResponseDateTime: at}).Marshal() }, "no body"),
		Entry("an unsupported version", func() ([]byte, error) {
			r := duis.Reply(readInv(), "I0", at)
			r.SchemaVersion = "4.0"
			return r.Marshal()
		}, "schemaVersion 4.0 is not supported"),
		Entry("an empty DSPInventory", func() ([]byte, error) {
			r := duis.Reply(readInv(), "I0", at)
			r.Body.(*duis.ResponseMessage).Content = duis.DSPInventory{}
			return r.Marshal()
		}, "0 devices, want 1 to 17"),
		Entry("18 devices", func() ([]byte, error) {
			r := duis.Reply(readInv(), "I0", at)
			r.Body.(*duis.ResponseMessage).Content = make(duis.DSPInventory, 18)
			return r.Marshal()
		}, "18 devices"),
		Entry("a device type DUIS does not know", func() ([]byte, error) {
			r := duis.Reply(readInv(), "I0", at)
			r.Body.(*duis.ResponseMessage).Content = duis.DSPInventory{{DeviceType: "TOASTER", DeviceManufacturer: "m", DeviceModel: "m"}}
			return r.Marshal()
		}, `DeviceType "TOASTER"`),
		Entry("a firmware version of 9 characters", func() ([]byte, error) {
			r := duis.Reply(readInv(), "I0", at)
			r.Body.(*duis.ResponseMessage).Content = duis.DSPInventory{{DeviceType: "ESME", DeviceManufacturer: "m", DeviceModel: "m", DeviceFirmwareVersion: "123456789"}}
			return r.Marshal()
		}, "DeviceFirmwareVersion"),
		Entry("a control character", func() ([]byte, error) {
			r := duis.Reply(readInv(), "I0", at)
			r.Body.(*duis.ResponseMessage).Content = duis.DSPInventory{{DeviceType: "ESME", DeviceManufacturer: "bad\x01", DeviceModel: "m"}}
			return r.Marshal()
		}, "character U+0001 cannot be written"),
		Entry("invalid UTF-8", func() ([]byte, error) {
			r := duis.Reply(readInv(), "I0", at)
			r.Body.(*duis.ResponseMessage).Content = duis.DSPInventory{{DeviceType: "ESME", DeviceManufacturer: "caf\xe9", DeviceModel: "m"}}
			return r.Marshal()
		}, "is not UTF-8"),
		Entry("an unknown DCC alert code", func() ([]byte, error) {
			return (&duis.Response{ResponseCode: "I0", ResponseDateTime: at, Body: &duis.DCCAlertMessage{Code: "N32", Alert: &duis.PowerOutageEvent{MPxN: "1"}}}).Marshal()
		}, `DCCAlertCode "N32"`),
		Entry("a DCC alert without content", func() ([]byte, error) {
			return (&duis.Response{ResponseCode: "I0", ResponseDateTime: at, Body: &duis.DCCAlertMessage{Code: "N1"}}).Marshal()
		}, "no DCCAlert content"),
		Entry("an unknown breach", func() ([]byte, error) {
			return (&duis.Response{ResponseCode: "I0", ResponseDateTime: at, Body: &duis.DCCAlertMessage{Code: "AD1", Alert: &duis.QuarantinedRequest{Breach: "ADOtherBreach"}}}).Marshal()
		}, `breach "ADOtherBreach"`),
		Entry("an outage without MPxN", func() ([]byte, error) {
			return (&duis.Response{ResponseCode: "I0", ResponseDateTime: at, Body: &duis.DCCAlertMessage{Code: "N1", Alert: &duis.PowerOutageEvent{StartDateTime: at}}}).Marshal()
		}, "MPxN"),
		Entry("an unsigned SMETS1 document", func() ([]byte, error) {
			unsigned := mustMarshal((&duis.SMETS1SignedResponse{Body: &duis.ResponsePayload{}}).Marshal())
			return (&duis.Response{ResponseCode: "I0", ResponseDateTime: at, Body: &duis.SMETS1ResponseMessage{SignedResponse: unsigned}}).Marshal()
		}, "is not signed"),
		Entry("an S1SP alert where an SMETS1 response belongs", func() ([]byte, error) {
			return (&duis.Response{ResponseCode: "I0", ResponseDateTime: at, Body: &duis.SMETS1ResponseMessage{SignedResponse: signedS1SPAlert()}}).Marshal()
		}, "wrong root element"),
		Entry("a signed document with a DOCTYPE", func() ([]byte, error) {
			d := append([]byte(`<!DOCTYPE x>`), smets1(&duis.ResponsePayload{})...)
			return (&duis.Response{ResponseCode: "I0", ResponseDateTime: at, Body: &duis.SMETS1ResponseMessage{SignedResponse: d}}).Marshal()
		}, "DOCTYPE"),
		Entry("only one of reference and variant", func() ([]byte, error) {
			return (&duis.Response{ResponseCode: "I0", ResponseDateTime: at, Body: &duis.SMETS1ResponseMessage{ServiceReference: "4.1", SignedResponse: smets1(&duis.ResponsePayload{})}}).Marshal()
		}, "both ServiceReference and ServiceReferenceVariant, or neither"),
		Entry("SMETSData in the sr namespace", func() ([]byte, error) {
			return (&duis.SMETS1SignedResponse{Body: &duis.ResponsePayload{SMETSData: []byte(`<sr:ReadInventory/>`)}}).Marshal()
		}, "is not in namespace http://www.dccinterface.co.uk/ResponseAndAlert"),
		Entry("two SMETSData elements", func() ([]byte, error) {
			return (&duis.SMETS1SignedResponse{Body: &duis.ResponsePayload{SMETSData: []byte(`<ra:A/><ra:B/>`)}}).Marshal()
		}, "more than one element"),
		Entry("SMETSData that breaks out of its element", func() ([]byte, error) {
			return (&duis.SMETS1SignedResponse{Body: &duis.ResponsePayload{SMETSData: []byte(`<ra:A/></ra:SMETSData><ra:SMETSData>`)}}).Marshal()
		}, "SMETSData"),
		Entry("an alert without a description", func() ([]byte, error) {
			return (&duis.SMETS1SignedResponse{Body: &duis.DeviceAlert{Timestamp: at}}).Marshal()
		}, "AlertDescription is required"),
		Entry("an SMETS1 body with an unknown SRV in its header", func() ([]byte, error) {
			return (&duis.SMETS1SignedResponse{Header: duis.MMCHeader{ServiceReference: "4.1", ServiceReferenceVariant: "4.1.9"}, Body: &duis.ResponsePayload{}}).Marshal()
		}, `"4.1.9" is not one DUIS defines`),
		Entry("an S1SP alert without a code", func() ([]byte, error) { return (&duis.S1SPAlert{DateTime: at}).Marshal() }, "S1SPAlertCode is required"),
		Entry("an S1SP alert with a short UTRN", func() ([]byte, error) {
			return (&duis.S1SPAlert{Code: "X", UTRN: "1234", DateTime: at}).Marshal()
		}, `UTRN "1234": want 20 digits`),
		Entry("an S1SP alert without a time", func() ([]byte, error) { return (&duis.S1SPAlert{Code: "X"}).Marshal() }, "DateTime not set"),
	)

	Describe("MMCWriter", func() {
		It("reports the first mistake", func() {
			var m duis.MMCWriter
			_, err := m.Start("A").Bytes()
			Expect(err).To(MatchError(ContainSubstring("ra:A not closed")))
			m = duis.MMCWriter{}
			_, err = m.Start("A").End().Start("B").End().Bytes()
			Expect(err).To(MatchError(ContainSubstring("want one top-level element, got 2")))
			m = duis.MMCWriter{}
			_, err = m.Start("A b").End().Bytes()
			Expect(err).To(MatchError(ContainSubstring("is not an element name")))
			m = duis.MMCWriter{}
			_, err = m.Start("A", duis.Attr{Name: "xmlns", Value: "urn:x"}).End().Bytes()
			Expect(err).To(MatchError(ContainSubstring("is not an attribute name")))
			m = duis.MMCWriter{}
			_, err = m.End().Bytes()
			Expect(err).To(MatchError(ContainSubstring("End without an open element")))
			m = duis.MMCWriter{}
			b, err := m.Leaf("A", `<&>"`, duis.Attr{Name: "x", Value: "\"\n\t"}).Bytes()
			Expect(err).NotTo(HaveOccurred())
			Expect(string(b)).To(Equal(`<ra:A x="&quot;&#xA;&#x9;">&lt;&amp;&gt;"</ra:A>`))
		})
	})

	Describe("signing hooks", func() {
		It("puts the signature last in the root and refuses a second one", func() {
			unsigned := mustMarshal(duis.Reply(readInv(), "I99", at).Marshal())
			signed, err := duis.InsertSignature(unsigned, []byte(dummySignature))
			Expect(err).NotTo(HaveOccurred())
			Expect(string(signed)).To(HaveSuffix(dummySignature + `</sr:Response>`))
			_, err = duis.InsertSignature(signed, []byte(dummySignature))
			Expect(err).To(MatchError(ContainSubstring("already has a ds:Signature")))
			_, err = duis.InsertSignature(unsigned, []byte(`<sr:Signature `+srNS+`/>`))
			Expect(err).To(MatchError(ContainSubstring("want ds:Signature")))
			_, err = duis.InsertSignature(unsigned, []byte(`<ds:Signature>`))
			Expect(err).To(HaveOccurred())
			_, err = duis.InsertSignature([]byte(`<sr:Response `+srNS+`/>`), []byte(dummySignature))
			Expect(err).To(MatchError(ContainSubstring("is empty")))
		})

		It("checks what a signer returns", func() {
			unsigned := mustMarshal(duis.Reply(readInv(), "I99", at).Marshal())
			_, err := duis.Sign(unsigned, duis.RootResponse, duis.SignerFunc(func(b []byte) ([]byte, error) { return b, nil }))
			Expect(err).To(MatchError(ContainSubstring("is not signed")))
			_, err = duis.Sign(unsigned, duis.RootResponse, duis.SignerFunc(func(b []byte) ([]byte, error) { return nil, os.ErrPermission }))
			Expect(err).To(MatchError(os.ErrPermission))
		})
	})

	It("lists the schema's response and DCC alert codes and device enumerations exactly", func() {
		shared := requireShared()
		xsd, err := os.ReadFile(filepath.Join(shared, "duis", "duis-5.4.xsd"))
		Expect(err).NotTo(HaveOccurred())
		enum := func(start string) []string {
			i := strings.Index(string(xsd), start)
			Expect(i).To(BeNumerically(">=", 0), start)
			rest := string(xsd[i:])
			rest = rest[:strings.Index(rest, "</xs:restriction>")]
			var out []string
			for _, m := range regexp.MustCompile(`<xs:enumeration value="([^"]*)"`).FindAllStringSubmatch(rest, -1) {
				out = append(out, m[1])
			}
			return out
		}
		Expect(duis.ResponseCodes).To(Equal(enum(`<xs:simpleType name="ResponseCode">`)))
		Expect(duis.DCCAlertCodes).To(Equal(enum(`<xs:element name="DCCAlertCode">`)))
		for name, list := range duis.Enumerations {
			Expect(list).To(Equal(enum(`<xs:simpleType name="`+name+`">`)), name)
		}
	})
})
