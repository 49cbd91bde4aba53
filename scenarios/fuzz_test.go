package scenarios_test

import (
	"testing"

	"github.com/smetsim/smetsim/scenarios"
)

const sampleResponse = `<?xml version="1.0" encoding="UTF-8"?><sr:Response xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" xmlns:ra="http://www.dccinterface.co.uk/ResponseAndAlert" schemaVersion="5.4"><sr:Header><sr:RequestID>90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1</sr:RequestID><sr:ResponseID>00-DB-12-34-56-78-90-A0:90-B3-D5-1F-30-01-00-00:1</sr:ResponseID><sr:ResponseCode>I0</sr:ResponseCode><sr:ResponseDateTime>2026-03-27T00:00:02.000Z</sr:ResponseDateTime></sr:Header><sr:Body><sr:SMETS1ResponseMessage><sr:ServiceReference>7.4</sr:ServiceReference><sr:ServiceReferenceVariant>7.4</sr:ServiceReferenceVariant><sr:SMETS1SignedResponse schemaVersion="5.4"><sr:SMETS1Response><sr:Header></sr:Header><sr:Body><sr:ResponseMessage><ra:SMETSData><ra:ReadSupplyStatusRsp MessageSuccess="true"><ra:SupplyState>Enabled</ra:SupplyState></ra:ReadSupplyStatusRsp></ra:SMETSData></sr:ResponseMessage></sr:Body></sr:SMETS1Response></sr:SMETS1SignedResponse></sr:SMETS1ResponseMessage></sr:Body></sr:Response>`

// FuzzParseMessage feeds the Receive Response Service's decoder what any DCC could post: it must
// refuse or read, never panic, and a field lookup on whatever it read must not panic either.
func FuzzParseMessage(f *testing.F) {
	f.Add([]byte(sampleResponse))
	f.Add([]byte(`<sr:Response xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"><sr:Header><sr:ResponseCode>I0</sr:ResponseCode></sr:Header><sr:Body><sr:DCCAlertMessage><sr:DCCAlertCode>N1</sr:DCCAlertCode></sr:DCCAlertMessage></sr:Body></sr:Response>`))
	f.Add([]byte(`<sr:Response xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"><sr:Header><sr:ResponseCode>I0</sr:ResponseCode><sr:ResponseDateTime>x</sr:ResponseDateTime></sr:Header><sr:Body/></sr:Response>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		m, err := scenarios.ParseMessage(doc)
		if err != nil {
			return
		}
		if m.Code == "" {
			t.Fatalf("read a message without a response code")
		}
		for _, p := range []string{"@MessageSuccess", "SupplyState", "ReadSupplyStatusRsp/SupplyState", "a/@b/c", ""} {
			_, _ = m.Payload.Field(p)
		}
	})
}

// FuzzBody feeds the body writer what a scenario file may hold: it must refuse or write a body
// whose every element is in the sr: namespace, never panic.
func FuzzBody(f *testing.F) {
	f.Add("<ReadFirmwareVersion/>", "")
	f.Add(`<DisplayMessage><Message a="1">hi &amp; bye</Message></DisplayMessage>`, "2026-03-27T10:00:00Z")
	f.Add("<a><b></a>", "")
	f.Add("<!DOCTYPE x><x/>", "")
	f.Fuzz(func(t *testing.T, body, at string) {
		b, err := scenarios.SRBody(body, at)
		if err != nil {
			return
		}
		if b.Name == "" || len(b.Raw) == 0 || string(b.Raw[:4]) != "<sr:" {
			t.Fatalf("body %q written as %q", body, b.Raw)
		}
	})
}
