package duis_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
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

// textOf finds an element's text in a sample with a regular expression, as an independent reading
// of what ParseRequest should find.
func textOf(doc []byte, name string) string {
	m := regexp.MustCompile(`<sr:` + name + `>\s*([^<]*?)\s*</sr:` + name + `>`).FindSubmatch(doc)
	if m == nil {
		return ""
	}
	return string(m[1])
}

var _ = Describe("ParseRequest", func() {
	Describe("the real sample requests", func() {
		It("parses every one, and reads the same header an independent reading finds", func() {
			shared := requireShared()
			files := sampleRequests(shared)
			Expect(len(files)).To(BeNumerically(">=", 99+3+4+5), "the templates and the other samples")
			parsed := 0
			for _, f := range files {
				if strings.Contains(filepath.Base(f), "-invalid") {
					continue
				}
				d, err := os.ReadFile(f)
				Expect(err).NotTo(HaveOccurred())
				req, err := duis.ParseRequest(d, duis.Limits{})
				Expect(err).NotTo(HaveOccurred(), f)
				Expect(req.Header.RequestID.String()).To(Equal(strings.ToUpper(textOf(d, "RequestID"))), f)
				Expect(fmt.Sprint(req.Header.CommandVariant)).To(Equal(textOf(d, "CommandVariant")), f)
				Expect(req.Header.ServiceReference).To(Equal(textOf(d, "ServiceReference")), f)
				Expect(req.Header.ServiceReferenceVariant).To(Equal(textOf(d, "ServiceReferenceVariant")), f)
				body := regexp.MustCompile(`<sr:Body>\s*<sr:(\w+)`).FindSubmatch(d)
				Expect(req.Body.Name).To(Equal(string(body[1])), f)
				Expect(req.Signed).To(Equal(bytes.Contains(d, []byte("<ds:Signature"))), f)
				Expect(duis.SupportedSchemaVersions).To(ContainElement(req.SchemaVersion), f)
				Expect(bytes.Contains(d, req.Body.Raw)).To(BeTrue(), "Raw is the body element's exact bytes")
				parsed++
			}
			Expect(parsed).To(BeNumerically(">=", 108))
		})

		It("re-marshals every one into a document that parses the same and validates with xmllint", func() {
			shared := requireShared()
			dir := GinkgoT().TempDir()
			var out []string
			for _, f := range sampleRequests(shared) {
				if strings.Contains(filepath.Base(f), "-invalid") {
					continue
				}
				d, err := os.ReadFile(f)
				Expect(err).NotTo(HaveOccurred())
				req, err := duis.ParseRequest(d, duis.Limits{})
				Expect(err).NotTo(HaveOccurred(), f)
				m, err := req.Marshal()
				Expect(err).NotTo(HaveOccurred(), f)
				back, err := duis.ParseRequest(m, duis.Limits{})
				Expect(err).NotTo(HaveOccurred(), f)
				Expect(back.Header).To(Equal(req.Header), f)
				Expect(back.SchemaVersion).To(Equal(req.SchemaVersion), f)
				Expect(back.Body.Name).To(Equal(req.Body.Name), f)
				p := filepath.Join(dir, filepath.Base(f))
				Expect(os.WriteFile(p, m, 0o644)).To(Succeed())
				out = append(out, p)
			}
			res, err := xmllint(out...)
			Expect(err).NotTo(HaveOccurred(), res)
			Expect(strings.Count(res, " validates")).To(Equal(len(out)))
		})

		It("reads the ExecutionDateTime of the future-dated templates", func() {
			shared := requireShared()
			first := regexp.MustCompile(`^<sr:\w+>\s*<sr:ExecutionDateTime>\s*([^<]*?)\s*<`)
			n := 0
			for _, f := range sampleRequests(shared) {
				if strings.Contains(f, "-invalid") {
					continue
				}
				d, _ := os.ReadFile(f)
				req, err := duis.ParseRequest(d, duis.Limits{})
				Expect(err).NotTo(HaveOccurred())
				at, err := req.Body.ExecutionDateTime()
				Expect(err).NotTo(HaveOccurred())
				m := first.FindSubmatch(req.Body.Raw)
				if m == nil {
					Expect(at).To(BeNil(), f)
					continue
				}
				Expect(at).NotTo(BeNil(), f)
				Expect(at.Format("2006-01-02T15:04:05.00Z")).To(Equal(string(m[1])), f)
				n++
			}
			Expect(n).To(BeNumerically(">=", 5))
		})

		It("reads the 8.2 Read Inventory samples' Device ID", func() {
			shared := requireShared()
			d, err := os.ReadFile(filepath.Join(shared, "reference/duis-sign-wrap/test/data/8.2_READ_INVENTORY_REQUEST_DUIS.XML"))
			Expect(err).NotTo(HaveOccurred())
			req, err := duis.ParseRequest(d, duis.Limits{})
			Expect(err).NotTo(HaveOccurred())
			Expect(req.Header.CommandVariant).To(Equal(8))
			ri, err := req.Body.ReadInventory()
			Expect(err).NotTo(HaveOccurred())
			Expect(ri.DeviceID.String()).To(Equal("00-DB-12-34-56-78-90-A2"))
		})

		DescribeTable("gives a precise error for the -invalid samples",
			func(file string, reason error, path string, line int, detail string) {
				shared := requireShared()
				d, err := os.ReadFile(filepath.Join(shared, "reference", file))
				Expect(err).NotTo(HaveOccurred())
				_, err = duis.ParseRequest(d, duis.Limits{})
				pe := parseError(err, reason)
				Expect(pe.Malformed()).To(BeFalse(), "a DUIS request with a bad field gets a DUIS answer")
				Expect(pe.Path).To(Equal(path))
				Expect(pe.Line).To(Equal(line))
				Expect(pe.Error()).To(ContainSubstring(detail))
				Expect(pe.Header).NotTo(BeNil())
			},
			Entry("a misspelt RequestID element", "duis-sign-wrap/test/data/8.2_READ_INVENTORY_REQUEST_DUIS-invalid.XML",
				duis.ErrStructure, "Request/Header/ReqxuestID", 4, "unexpected <sr:ReqxuestID>, want sr:RequestID"),
			Entry("a RequestID with an extra colon", "dccboxed-signing-tool/src/test/resources/ECS17b_4.1.1_SINGLE_SUCCESS_REQUEST_DUIS-invalid.XML",
				duis.ErrField, "Request/Header/RequestID", 4, "format: 4 colon-separated parts, want 3"),
		)

		It("tells which part of the -invalid RequestID is wrong", func() {
			shared := requireShared()
			d, err := os.ReadFile(filepath.Join(shared, "reference/dccboxed-signing-tool/src/test/resources/ECS17b_4.1.1_SINGLE_SUCCESS_REQUEST_DUIS-invalid.XML"))
			Expect(err).NotTo(HaveOccurred())
			_, err = duis.ParseRequest(d, duis.Limits{})
			var re *duis.RequestIDError
			Expect(errors.As(err, &re)).To(BeTrue())
			Expect(re.Part).To(Equal("format"))
		})

		It("refuses the sample responses as requests, by their root", func() {
			shared := requireShared()
			files, _ := filepath.Glob(filepath.Join(shared, "reference/dccboxed-signing-tool/src/*/resources/*response*.xml"))
			more, _ := filepath.Glob(filepath.Join(shared, "reference/dccboxed-signing-tool/src/main/resources/message*.xml"))
			files = append(files, more...)
			Expect(files).NotTo(BeEmpty())
			for _, f := range files {
				d, _ := os.ReadFile(f)
				_, err := duis.ParseRequest(d, duis.Limits{})
				parseError(err, duis.ErrRoot)
				Expect(duis.Check(d, duis.RootResponse, duis.Limits{})).To(Succeed(), f)
			}
		})
	})

	Describe("schema versions", func() {
		DescribeTable("accepts 5.0 to 5.4 in any decimal spelling",
			func(v string) {
				req, err := duis.ParseRequest(request(v, header(goodID, "8", "8.2", "8.2"), `<sr:ReadInventory><sr:UPRN>1</sr:UPRN></sr:ReadInventory>`), duis.Limits{})
				Expect(err).NotTo(HaveOccurred())
				Expect(req.SchemaVersion).To(Equal(v))
			},
			Entry(nil, "5.0"), Entry(nil, "5.1"), Entry(nil, "5.2"), Entry(nil, "5.3"), Entry(nil, "5.4"),
			Entry(nil, "5"), Entry(nil, "5.40"), Entry(nil, "+05.4"),
		)

		DescribeTable("refuses others, naming the version, after reading the header so the DCC can answer",
			func(v string) {
				_, err := duis.ParseRequest(request(v, header(goodID, "8", "8.2", "8.2"), `<sr:ReadInventory><sr:UPRN>1</sr:UPRN></sr:ReadInventory>`), duis.Limits{})
				pe := parseError(err, duis.ErrSchemaVersion)
				Expect(pe.Malformed()).To(BeFalse())
				Expect(pe.Value).To(Equal(v))
				Expect(pe.Error()).To(ContainSubstring("schemaVersion " + v))
				Expect(pe.Error()).To(ContainSubstring("5.0, 5.1, 5.2, 5.3, 5.4"))
				Expect(pe.Header).NotTo(BeNil())
				Expect(pe.Header.RequestID.String()).To(Equal(goodID))
				Expect(pe.Header.ServiceReferenceVariant).To(Equal("8.2"))
			},
			Entry(nil, "4.0"), Entry(nil, "6.0"), Entry(nil, "5.5"), Entry(nil, "3.2"), Entry(nil, "-5.4"), Entry(nil, "five"),
		)

		It("reports the version even when the header is broken too", func() {
			_, err := duis.ParseRequest(request("6.0", "<sr:Junk/>", ``), duis.Limits{})
			parseError(err, duis.ErrSchemaVersion)
		})

		It("refuses a request without schemaVersion", func() {
			d := bytes.Replace(goodRequest, []byte(` schemaVersion="5.4"`), nil, 1)
			_, err := duis.ParseRequest(d, duis.Limits{})
			Expect(parseError(err, duis.ErrStructure).Error()).To(ContainSubstring("no schemaVersion"))
		})
	})

	Describe("the header", func() {
		body := `<sr:ReadInventory><sr:UPRN>1</sr:UPRN></sr:ReadInventory>`

		It("reads the optional sequencing fields", func() {
			h := `<sr:RequestID>` + goodID + `</sr:RequestID><sr:FirstInSequence>false</sr:FirstInSequence>` +
				`<sr:PrecedingServiceRequestID>` + userEUI + ":" + deviceEUI + `:999</sr:PrecedingServiceRequestID>` +
				`<sr:CommandVariant> 1 </sr:CommandVariant><sr:ServiceReference>4.1</sr:ServiceReference>` +
				`<sr:ServiceReferenceVariant>4.1.1</sr:ServiceReferenceVariant>`
			req, err := duis.ParseRequest(request("5.4", h, `<sr:ReadInstantaneousImportRegisters/>`), duis.Limits{})
			Expect(err).NotTo(HaveOccurred())
			Expect(*req.Header.FirstInSequence).To(BeFalse())
			Expect(req.Header.PrecedingServiceRequestID.Counter).To(Equal(uint64(999)))
			Expect(req.Header.CommandVariant).To(Equal(1))
			Expect(req.Signed).To(BeFalse())
			m, err := req.Marshal()
			Expect(err).NotTo(HaveOccurred())
			back, err := duis.ParseRequest(m, duis.Limits{})
			Expect(err).NotTo(HaveOccurred())
			Expect(back.Header).To(Equal(req.Header))
		})

		DescribeTable("refuses bad fields precisely",
			func(h string, reason error, path, detail string) {
				_, err := duis.ParseRequest(request("5.4", h, body), duis.Limits{})
				pe := parseError(err, reason)
				Expect(pe.Malformed()).To(BeFalse())
				Expect(pe.Path).To(Equal(path))
				Expect(pe.Error()).To(ContainSubstring(detail))
				Expect(pe.Line).To(Equal(3))
			},
			Entry("Command Variant 0", header(goodID, "0", "8.2", "8.2"), duis.ErrField, "Request/Header/CommandVariant", "not a Command Variant (1 to 9)"),
			Entry("Command Variant 10", header(goodID, "10", "8.2", "8.2"), duis.ErrField, "Request/Header/CommandVariant", "not a Command Variant"),
			Entry("Command Variant text", header(goodID, "one", "8.2", "8.2"), duis.ErrField, "Request/Header/CommandVariant", `"one" is not a number`),
			Entry("Command Variant empty", header(goodID, "", "8.2", "8.2"), duis.ErrField, "Request/Header/CommandVariant", "not a number"),
			Entry("bad RequestID counter", header(userEUI+":"+deviceEUI+":18446744073709551616", "8", "8.2", "8.2"), duis.ErrField, "Request/Header/RequestID", "counter: 18446744073709551616 exceeds"),
			Entry("bad RequestID target", header(userEUI+":00-DB:1", "8", "8.2", "8.2"), duis.ErrField, "Request/Header/RequestID", "target"),
			Entry("one-part Service Reference", header(goodID, "8", "8", "8.2"), duis.ErrField, "Request/Header/ServiceReference", `"8" is not a Service Reference`),
			Entry("four-part variant", header(goodID, "1", "4.1", "4.1.1.1"), duis.ErrField, "Request/Header/ServiceReferenceVariant", "not a Service Reference Variant"),
			Entry("variant of another reference", header(goodID, "1", "4.1", "4.10"), duis.ErrField, "Request/Header/ServiceReferenceVariant", "variant 4.10 does not belong to Service Reference 4.1"),
			Entry("letters in the variant", header(goodID, "1", "4.1", "4.1.a"), duis.ErrField, "Request/Header/ServiceReferenceVariant", "not a Service Reference Variant"),
			Entry("bad FirstInSequence", `<sr:RequestID>`+goodID+`</sr:RequestID><sr:FirstInSequence>yes</sr:FirstInSequence><sr:CommandVariant>8</sr:CommandVariant><sr:ServiceReference>8.2</sr:ServiceReference><sr:ServiceReferenceVariant>8.2</sr:ServiceReferenceVariant>`,
				duis.ErrField, "Request/Header/FirstInSequence", `"yes" is not true, false, 1 or 0`),
			Entry("missing RequestID", `<sr:CommandVariant>8</sr:CommandVariant><sr:ServiceReference>8.2</sr:ServiceReference><sr:ServiceReferenceVariant>8.2</sr:ServiceReferenceVariant>`,
				duis.ErrStructure, "Request/Header/CommandVariant", "<sr:CommandVariant> where sr:RequestID is due"),
			Entry("missing variant", `<sr:RequestID>`+goodID+`</sr:RequestID><sr:CommandVariant>8</sr:CommandVariant><sr:ServiceReference>8.2</sr:ServiceReference>`,
				duis.ErrStructure, "Request/Header", "sr:Header lacks sr:ServiceReferenceVariant"),
			Entry("fields out of order", `<sr:RequestID>`+goodID+`</sr:RequestID><sr:ServiceReference>8.2</sr:ServiceReference><sr:CommandVariant>8</sr:CommandVariant><sr:ServiceReferenceVariant>8.2</sr:ServiceReferenceVariant>`,
				duis.ErrStructure, "Request/Header/ServiceReference", "where sr:CommandVariant is due"),
			Entry("a field repeated", header(goodID, "8", "8.2", "8.2")+`<sr:CommandVariant>8</sr:CommandVariant>`,
				duis.ErrStructure, "Request/Header/CommandVariant", "<sr:CommandVariant> repeated or out of order"),
			Entry("a foreign element", header(goodID, "8", "8.2", "8.2")+`<x:Extra xmlns:x="urn:x"/>`,
				duis.ErrStructure, "Request/Header/Extra", "unexpected <{urn:x}Extra>, want the end of sr:Header"),
			Entry("text in the header", `text`+header(goodID, "8", "8.2", "8.2"),
				duis.ErrStructure, "Request/Header", "text where only elements may appear"),
			Entry("an element inside a field", `<sr:RequestID><sr:x/></sr:RequestID>`,
				duis.ErrStructure, "Request/Header/RequestID/x", "element <sr:x> inside an element that holds text only"),
			Entry("an attribute on a field", `<sr:RequestID id="1">`+goodID+`</sr:RequestID>`,
				duis.ErrStructure, "Request/Header/RequestID", "attribute id is not allowed"),
		)
	})

	Describe("the envelope", func() {
		hdr := header(goodID, "8", "8.2", "8.2")
		ri := `<sr:ReadInventory><sr:UPRN>1</sr:UPRN></sr:ReadInventory>`

		DescribeTable("refuses structural faults",
			func(d []byte, detail string) {
				_, err := duis.ParseRequest(d, duis.Limits{})
				pe := parseError(err, duis.ErrStructure)
				Expect(pe.Malformed()).To(BeFalse())
				Expect(pe.Error()).To(ContainSubstring(detail))
			},
			Entry("empty body", request("5.4", hdr, ``), "sr:Body is empty"),
			Entry("two body elements", request("5.4", hdr, ri+ri), "a second element <sr:ReadInventory> in sr:Body"),
			Entry("a body element in another namespace", request("5.4", hdr, `<ra:ReadInventory xmlns:ra="http://www.dccinterface.co.uk/ResponseAndAlert"/>`), "is not a DUIS element"),
			Entry("no header", []byte(`<sr:Request `+srNS+` schemaVersion="5.4"><sr:Body>`+ri+`</sr:Body></sr:Request>`), "unexpected <sr:Body>, want sr:Header"),
			Entry("no body", []byte(`<sr:Request `+srNS+` schemaVersion="5.4"><sr:Header>`+hdr+`</sr:Header></sr:Request>`), "missing sr:Body"),
			Entry("an element after the body", []byte(`<sr:Request `+srNS+` schemaVersion="5.4"><sr:Header>`+hdr+`</sr:Header><sr:Body>`+ri+`</sr:Body><sr:Extra/></sr:Request>`), "only ds:Signature may follow"),
			Entry("an element after the signature", []byte(`<sr:Request `+srNS+` schemaVersion="5.4"><sr:Header>`+hdr+`</sr:Header><sr:Body>`+ri+`</sr:Body>`+dummySignature+`<sr:Extra/></sr:Request>`), "after ds:Signature"),
			Entry("an unknown attribute on the root", []byte(`<sr:Request `+srNS+` schemaVersion="5.4" x="1"><sr:Header>`+hdr+`</sr:Header><sr:Body>`+ri+`</sr:Body></sr:Request>`), "attribute x is not allowed on <sr:Request>"),
		)

		It("accepts xsi attributes and a signature, and reports Signed", func() {
			d := []byte(`<sr:Request ` + srNS + ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="x y" schemaVersion="5.4"><sr:Header>` + hdr + `</sr:Header><sr:Body>` + ri + `</sr:Body>` + dummySignature + `</sr:Request>`)
			req, err := duis.ParseRequest(d, duis.Limits{})
			Expect(err).NotTo(HaveOccurred())
			Expect(req.Signed).To(BeTrue())
		})

		It("refuses a bad ExecutionDateTime at the start of the body, with the header for an answer", func() {
			h := header(goodID, "1", "4.1", "4.1.1")
			_, err := duis.ParseRequest(request("5.4", h, `<sr:ReadInstantaneousImportRegisters><sr:ExecutionDateTime>2030-01-15 09:00</sr:ExecutionDateTime></sr:ReadInstantaneousImportRegisters>`), duis.Limits{})
			pe := parseError(err, duis.ErrField)
			Expect(pe.Path).To(Equal("Request/Body/ReadInstantaneousImportRegisters/ExecutionDateTime"))
			Expect(pe.Line).To(Equal(4))
			Expect(pe.Header.ServiceReferenceVariant).To(Equal("4.1.1"))
		})

		DescribeTable("reads ExecutionDateTime as xs:dateTime, in UTC",
			func(text, want string) {
				req, err := duis.ParseRequest(request("5.4", header(goodID, "1", "4.1", "4.1.1"), `<sr:ReadInstantaneousImportRegisters><sr:ExecutionDateTime>`+text+`</sr:ExecutionDateTime></sr:ReadInstantaneousImportRegisters>`), duis.Limits{})
				if want == "" {
					parseError(err, duis.ErrField)
					return
				}
				Expect(err).NotTo(HaveOccurred())
				at, err := req.Body.ExecutionDateTime()
				Expect(err).NotTo(HaveOccurred())
				Expect(at.Format(time.RFC3339Nano)).To(Equal(want))
			},
			Entry(nil, "2030-01-15T09:00:00.00Z", "2030-01-15T09:00:00Z"),
			Entry(nil, "2030-01-15T09:00:00.125+01:00", "2030-01-15T08:00:00.125Z"),
			Entry("no zone is UTC", "2030-01-15T09:00:00", "2030-01-15T09:00:00Z"),
			Entry("24:00 is the next day", "2030-01-15T24:00:00Z", "2030-01-16T00:00:00Z"),
			Entry(nil, "2030-01-15T9:00:00Z", ""),
			Entry(nil, "2030-02-30T09:00:00Z", ""),
			Entry(nil, "2030-01-15T09:00:00,5Z", ""),
			Entry(nil, "2030-01-15T09:00:00+1:00", ""),
			Entry(nil, "2030-01-15T24:00:01Z", ""),
			Entry(nil, "2030-01-15", ""),
		)

		It("has no ExecutionDateTime when the body does not start with one", func() {
			req, err := duis.ParseRequest(goodRequest, duis.Limits{})
			Expect(err).NotTo(HaveOccurred())
			at, err := req.Body.ExecutionDateTime()
			Expect(err).NotTo(HaveOccurred())
			Expect(at).To(BeNil())
		})
	})

	Describe("bodies", func() {
		It("decodes any body into a caller's struct, with or without namespaces in the tags", func() {
			d := []byte(`<Request xmlns="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="5.1"><Header>` +
				strings.ReplaceAll(header(goodID, "1", "2.2", "2.2"), "sr:", "") + `</Header><Body>` +
				`<TopUpDevice><UTRN>12345678901234567890</UTRN></TopUpDevice></Body></Request>`)
			req, err := duis.ParseRequest(d, duis.Limits{})
			Expect(err).NotTo(HaveOccurred())
			Expect(string(req.Body.Raw)).To(Equal(`<TopUpDevice><UTRN>12345678901234567890</UTRN></TopUpDevice>`))
			var withNS struct {
				XMLName xml.Name `xml:"http://www.dccinterface.co.uk/ServiceUserGateway TopUpDevice"`
				UTRN    string   `xml:"http://www.dccinterface.co.uk/ServiceUserGateway UTRN"`
			}
			Expect(req.Body.Decode(&withNS)).To(Succeed())
			Expect(withNS.UTRN).To(Equal("12345678901234567890"))
			var plain struct {
				UTRN string `xml:"UTRN"`
			}
			Expect(req.Body.Decode(&plain)).To(Succeed())
			Expect(plain.UTRN).To(Equal("12345678901234567890"))
			var wrong struct {
				XMLName xml.Name `xml:"urn:other TopUpDevice"`
			}
			parseError(req.Body.Decode(&wrong), duis.ErrField)

			m, err := req.Marshal()
			Expect(err).NotTo(HaveOccurred())
			Expect(string(m)).To(ContainSubstring(`<sr:Body><TopUpDevice xmlns="http://www.dccinterface.co.uk/ServiceUserGateway"><UTRN>`))
		})

		It("adds the ancestors' declarations to Standalone, not to Raw", func() {
			req, err := duis.ParseRequest(goodRequest, duis.Limits{})
			Expect(err).NotTo(HaveOccurred())
			Expect(string(req.Body.Raw)).To(HavePrefix(`<sr:ReadInventory><sr:DeviceID>`))
			Expect(string(req.Body.Standalone())).To(HavePrefix(`<sr:ReadInventory xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"><sr:DeviceID>`))
			Expect(duis.Check(req.Body.Standalone(), "ReadInventory", duis.Limits{})).To(Succeed())
		})

		DescribeTable("decodes Read Inventory's four selectors",
			func(sel string, check func(*duis.ReadInventory)) {
				req, err := duis.ParseRequest(request("5.4", header(goodID, "8", "8.2", "8.2"), `<sr:ReadInventory>`+sel+`</sr:ReadInventory>`), duis.Limits{})
				Expect(err).NotTo(HaveOccurred())
				ri, err := req.Body.ReadInventory()
				Expect(err).NotTo(HaveOccurred())
				check(ri)
				b, err := ri.Body()
				Expect(err).NotTo(HaveOccurred())
				again := &duis.Request{Header: req.Header, Body: b}
				m, err := again.Marshal()
				Expect(err).NotTo(HaveOccurred())
				back, err := duis.ParseRequest(m, duis.Limits{})
				Expect(err).NotTo(HaveOccurred())
				ri2, err := back.Body.ReadInventory()
				Expect(err).NotTo(HaveOccurred())
				Expect(ri2).To(Equal(ri))
			},
			Entry("Device ID", `<sr:DeviceID> 00-db-12-34-56-78-90-a2 </sr:DeviceID>`, func(ri *duis.ReadInventory) {
				Expect(*ri.DeviceID).To(Equal(devices.EUI64{0x00, 0xDB, 0x12, 0x34, 0x56, 0x78, 0x90, 0xA2}))
			}),
			Entry("UPRN", `<sr:UPRN>000123456789012</sr:UPRN>`, func(ri *duis.ReadInventory) {
				Expect(ri.UPRN).To(Equal(uint64(123456789012)))
			}),
			Entry("MPxN", `<sr:MPxN>1234567890123</sr:MPxN>`, func(ri *duis.ReadInventory) {
				Expect(ri.MPxN).To(Equal("1234567890123"))
			}),
			Entry("property filter", `<sr:PropertyFilter><sr:PostCode>AB1 2CD</sr:PostCode><sr:AddressIdentifier>Flat 2</sr:AddressIdentifier></sr:PropertyFilter>`, func(ri *duis.ReadInventory) {
				Expect(*ri.PropertyFilter).To(Equal(duis.PropertyFilter{PostCode: "AB1 2CD", AddressIdentifier: "Flat 2"}))
			}),
		)

		DescribeTable("refuses bad Read Inventory bodies",
			func(sel string, reason error, detail string) {
				req, err := duis.ParseRequest(request("5.4", header(goodID, "8", "8.2", "8.2"), `<sr:ReadInventory>`+sel+`</sr:ReadInventory>`), duis.Limits{})
				Expect(err).NotTo(HaveOccurred())
				_, err = req.Body.ReadInventory()
				pe := parseError(err, reason)
				Expect(pe.Malformed()).To(BeFalse())
				Expect(pe.Error()).To(ContainSubstring(detail))
			},
			Entry("no selector", ``, duis.ErrStructure, "sr:ReadInventory is empty"),
			Entry("two selectors", `<sr:UPRN>1</sr:UPRN><sr:MPxN>1</sr:MPxN>`, duis.ErrStructure, "found a second, <sr:MPxN>"),
			Entry("an unknown selector", `<sr:Postcode>AB1 2CD</sr:Postcode>`, duis.ErrStructure, "unexpected <sr:Postcode>"),
			Entry("a bad Device ID", `<sr:DeviceID>00-DB-12-34-56-78-90</sr:DeviceID>`, duis.ErrField, "want 8 hex pairs"),
			Entry("a 13-digit UPRN", `<sr:UPRN>1234567890123</sr:UPRN>`, duis.ErrField, "more than 12 digits"),
			Entry("a zero UPRN", `<sr:UPRN>0</sr:UPRN>`, duis.ErrField, "not positive"),
			Entry("a 14-character MPxN", `<sr:MPxN>12345678901234</sr:MPxN>`, duis.ErrField, "want 1 to 13 characters, got 14"),
			Entry("a short post code", `<sr:PropertyFilter><sr:PostCode>AB1</sr:PostCode><sr:AddressIdentifier>1</sr:AddressIdentifier></sr:PropertyFilter>`, duis.ErrField, "want 6 to 8 characters"),
			Entry("a filter without address", `<sr:PropertyFilter><sr:PostCode>AB1 2CD</sr:PostCode></sr:PropertyFilter>`, duis.ErrStructure, "wants sr:PostCode then sr:AddressIdentifier"),
		)

		It("refuses to read another body as Read Inventory", func() {
			parseError(func() error {
				_, err := (duis.Body{Name: "TopUpDevice", Raw: []byte(`<x/>`)}).ReadInventory()
				return err
			}(), duis.ErrStructure)
		})

		It("builds only one selector", func() {
			id := devices.EUI64{}
			_, err := duis.ReadInventory{DeviceID: &id, UPRN: 1}.Body()
			Expect(err).To(MatchError(ContainSubstring("want exactly one")))
			_, err = duis.ReadInventory{}.Body()
			Expect(err).To(HaveOccurred())
		})
	})

	Describe("Marshal", func() {
		It("writes an unsigned request the schema accepts, and refuses what ParseRequest would", func() {
			id, _ := duis.ParseRequestID(goodID)
			b, err := duis.ReadInventory{MPxN: "1234567890123"}.Body()
			Expect(err).NotTo(HaveOccurred())
			req := &duis.Request{Header: duis.Header{RequestID: id, CommandVariant: 8, ServiceReference: "8.2", ServiceReferenceVariant: "8.2"}, Body: b}
			m, err := req.Marshal()
			Expect(err).NotTo(HaveOccurred())
			Expect(string(m)).To(HavePrefix(`<?xml version="1.0" encoding="UTF-8"?><sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="5.4"><sr:Header>`))
			signed, err := duis.Sign(m, duis.RootRequest, dummySigner)
			Expect(err).NotTo(HaveOccurred())
			res, err := xmllint(writeTemp("req.xml", m), writeTemp("signed.xml", signed))
			Expect(err).NotTo(HaveOccurred(), res)

			bad := *req
			bad.Header.CommandVariant = 0
			_, err = bad.Marshal()
			Expect(err).To(HaveOccurred())
			bad = *req
			bad.Header.ServiceReferenceVariant = "8.3"
			_, err = bad.Marshal()
			Expect(err).To(MatchError(ContainSubstring("does not belong")))
			bad = *req
			bad.Body = duis.Body{Name: "ReadInventory", Raw: []byte(`<sr:ReadInventory>`)}
			_, err = bad.Marshal()
			Expect(err).To(MatchError(ContainSubstring("does not read back")))
			bad.Body = duis.Body{Name: "DecommissionDevice", Raw: b.Raw}
			_, err = bad.Marshal()
			Expect(err).To(MatchError(ContainSubstring("Body.Name says")))
			bad.Body = duis.Body{Name: "ReadInventory", Raw: []byte(`<sr:ReadInventory/></sr:Body><sr:Body><sr:X/>`)}
			_, err = bad.Marshal()
			Expect(err).To(HaveOccurred())
			bad = *req
			bad.SchemaVersion = "6.0"
			_, err = bad.Marshal()
			Expect(err).To(MatchError(ContainSubstring("not supported")))
		})
	})
})

var _ = Describe("ParseRequest around the root", func() {
	It("accepts comments before and after the root element", func() {
		d := append([]byte("<!-- before -->\n"), bytes.TrimPrefix(goodRequest, []byte(`<?xml version="1.0" encoding="UTF-8"?>`))...)
		d = append(d, "<!-- after -->\n"...)
		_, err := duis.ParseRequest(d, duis.Limits{})
		Expect(err).NotTo(HaveOccurred())
	})
})
