package duis_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/smetsim/smetsim/simulator/duis"
)

// fuzzLimits are small enough that the fuzzer reaches every bound.
var fuzzLimits = duis.Limits{MaxBytes: 1 << 16, MaxDepth: 12, MaxElements: 300, MaxAttributes: 6, MaxTextBytes: 2048}

// addSamples seeds a fuzz target with every real sample under shared/reference, when it is there
// (the seeds in testdata/fuzz are the project's own and always run).
func addSamples(f *testing.F) {
	shared := sharedDir()
	if shared == "" {
		return
	}
	for _, g := range []string{"reference/*/*/*.XML", "reference/*/*/*/*.XML", "reference/*/*/*/*/*.xml", "reference/*/*/*/*.xml"} {
		files, _ := filepath.Glob(filepath.Join(shared, g))
		for _, p := range files {
			if d, err := os.ReadFile(p); err == nil && len(d) <= fuzzLimits.MaxBytes {
				f.Add(d)
			}
		}
	}
}

// asParseError fails unless err is a *duis.ParseError that says where it is.
func asParseError(t *testing.T, err error, doc []byte) *duis.ParseError {
	t.Helper()
	var pe *duis.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error is %T, not *duis.ParseError: %v", err, err)
	}
	if pe.Reason == nil || !errors.Is(err, pe.Reason) {
		t.Fatalf("error without a reason: %v", err)
	}
	if pe.Offset > int64(len(doc)) || pe.Offset >= 0 && pe.Line < 1 {
		t.Fatalf("bad position %d (line %d) in %d bytes: %v", pe.Offset, pe.Line, len(doc), err)
	}
	return pe
}

// FuzzCheck feeds arbitrary bytes to Check. It must never panic; a refusal is a Malformed
// *ParseError; and whatever it passes, encoding/xml also reads to the end and ParseRequest answers
// with a request or a DUIS-level (never a Malformed) error.
func FuzzCheck(f *testing.F) {
	addSamples(f)
	f.Add(goodRequest)
	f.Fuzz(func(t *testing.T, doc []byte) {
		err := duis.Check(doc, duis.RootRequest, fuzzLimits)
		if err != nil {
			if pe := asParseError(t, err, doc); !pe.Malformed() {
				t.Fatalf("Check refused with a DUIS-level reason: %v", err)
			}
			return
		}
		d := xml.NewDecoder(bytes.NewReader(doc))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("Check passed what encoding/xml refuses: %v", err)
			}
		}
		if _, err := duis.ParseRequest(doc, fuzzLimits); err != nil {
			if pe := asParseError(t, err, doc); pe.Malformed() {
				t.Fatalf("ParseRequest found a Malformed fault in what Check passed: %v", err)
			}
		}
	})
}

// FuzzParseRequest feeds arbitrary bytes to ParseRequest. It must never panic, and whatever parses
// re-marshals into a request that parses the same, reaching a fixed point by the second round.
func FuzzParseRequest(f *testing.F) {
	addSamples(f)
	f.Add(goodRequest)
	f.Fuzz(func(t *testing.T, doc []byte) {
		req, err := duis.ParseRequest(doc, fuzzLimits)
		if err != nil {
			pe := asParseError(t, err, doc)
			if !pe.Malformed() && duis.Check(doc, duis.RootRequest, fuzzLimits) != nil {
				t.Fatalf("a DUIS-level error for a document Check refuses: %v", err)
			}
			return
		}
		if req.Body.Name == "ReadInventory" {
			if ri, err := req.Body.ReadInventory(); err == nil {
				if _, err := ri.Body(); err != nil {
					t.Fatalf("a Read Inventory that decodes does not encode: %v", err)
				}
			}
		}
		_, _ = req.Body.ExecutionDateTime()
		m1, err := req.Marshal()
		if err != nil {
			t.Fatalf("a parsed request does not marshal: %v", err)
		}
		back, err := duis.ParseRequest(m1, duis.Limits{})
		if err != nil {
			t.Fatalf("a marshalled request does not parse: %v\n%s", err, m1)
		}
		if back.Header != req.Header && !sameHeader(back.Header, req.Header) || back.SchemaVersion != req.SchemaVersion || back.Body.Name != req.Body.Name || back.Signed {
			t.Fatalf("round trip changed the request:\n%+v\n%+v", req, back)
		}
		m2, err := back.Marshal()
		if err != nil {
			t.Fatalf("second marshal: %v", err)
		}
		again, err := duis.ParseRequest(m2, duis.Limits{})
		if err != nil {
			t.Fatalf("second parse: %v", err)
		}
		m3, err := again.Marshal()
		if err != nil || !bytes.Equal(m2, m3) {
			t.Fatalf("no fixed point after two rounds (%v):\n%s\n%s", err, m2, m3)
		}
	})
}

// sameHeader compares headers by value, pointers included.
func sameHeader(a, b duis.Header) bool {
	eqBool := a.FirstInSequence == nil && b.FirstInSequence == nil ||
		a.FirstInSequence != nil && b.FirstInSequence != nil && *a.FirstInSequence == *b.FirstInSequence
	eqID := a.PrecedingServiceRequestID == nil && b.PrecedingServiceRequestID == nil ||
		a.PrecedingServiceRequestID != nil && b.PrecedingServiceRequestID != nil && *a.PrecedingServiceRequestID == *b.PrecedingServiceRequestID
	a.FirstInSequence, b.FirstInSequence, a.PrecedingServiceRequestID, b.PrecedingServiceRequestID = nil, nil, nil, nil
	return eqBool && eqID && a == b
}

// FuzzParseRequestID feeds arbitrary text to ParseRequestID: a refusal names a part, and what
// parses writes back to text that parses to the same ID.
func FuzzParseRequestID(f *testing.F) {
	for _, s := range []string{goodID, "90-b3-d5-1f-30-01-00-00:00-db-12-34-56-78-90-a0:0",
		userEUI + ":" + deviceEUI + ":18446744073709551615", userEUI + ":" + deviceEUI + ":18446744073709551616",
		userEUI + ":" + deviceEUI + "::1", " " + goodID + "\n", "", ":::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := duis.ParseRequestID(s)
		if err != nil {
			var re *duis.RequestIDError
			if !errors.As(err, &re) {
				t.Fatalf("%T: %v", err, err)
			}
			switch re.Part {
			case "format", "originator", "target", "counter":
			default:
				t.Fatalf("unknown part %q", re.Part)
			}
			return
		}
		again, err := duis.ParseRequestID(id.String())
		if err != nil || again != id || id.ResponseID().ResponseID() != id {
			t.Fatalf("%q → %v → %v (%v)", s, id, again, err)
		}
	})
}

// FuzzReadInventory feeds arbitrary bytes to the Read Inventory body decoder: a refusal is a
// DUIS-level *ParseError, and what decodes has one selector and encodes back to the same value.
func FuzzReadInventory(f *testing.F) {
	for _, s := range []string{
		`<sr:ReadInventory xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"><sr:DeviceID>00-DB-12-34-56-78-90-A2</sr:DeviceID></sr:ReadInventory>`,
		`<ReadInventory xmlns="http://www.dccinterface.co.uk/ServiceUserGateway"><UPRN>12</UPRN></ReadInventory>`,
		`<sr:ReadInventory xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"><sr:PropertyFilter><sr:PostCode>AB1 2CD</sr:PostCode><sr:AddressIdentifier>1</sr:AddressIdentifier></sr:PropertyFilter></sr:ReadInventory>`,
		`<sr:ReadInventory xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"><sr:MPxN>1</sr:MPxN><sr:MPxN>2</sr:MPxN></sr:ReadInventory>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		ri, err := duis.Body{Name: "ReadInventory", Raw: raw}.ReadInventory()
		if err != nil {
			asParseError(t, err, raw)
			return
		}
		n := 0
		for _, set := range []bool{ri.DeviceID != nil, ri.UPRN != 0, ri.MPxN != "", ri.PropertyFilter != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d selectors in %+v", n, ri)
		}
		b, err := ri.Body()
		if err != nil {
			t.Fatalf("does not encode: %v", err)
		}
		back, err := b.ReadInventory()
		if err != nil {
			t.Fatalf("encoded body does not decode: %v\n%s", err, b.Raw)
		}
		if (back.DeviceID == nil) != (ri.DeviceID == nil) || back.DeviceID != nil && *back.DeviceID != *ri.DeviceID ||
			back.UPRN != ri.UPRN || back.MPxN != ri.MPxN ||
			(back.PropertyFilter == nil) != (ri.PropertyFilter == nil) || back.PropertyFilter != nil && *back.PropertyFilter != *ri.PropertyFilter {
			t.Fatalf("round trip changed %+v into %+v", ri, back)
		}
	})
}
