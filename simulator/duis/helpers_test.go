package duis_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/internal/testtool"
	"github.com/smetsim/smetsim/simulator/duis"
)

// sharedDir finds the shared reference data: the nearest ancestor of the package directory with
// a "shared" child holding duis/duis-5.4.xsd (the project and shared sit side by side), or "".
func sharedDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		cand := filepath.Join(dir, "shared")
		if _, err := os.Stat(filepath.Join(cand, "duis", "duis-5.4.xsd")); err == nil {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// requireShared returns the shared directory or skips the spec.
func requireShared() string {
	d := sharedDir()
	if d == "" {
		Skip("the shared reference data (a directory named shared with duis/duis-5.4.xsd, beside the project) was not found")
	}
	return d
}

// sampleRequests lists every real sample request under shared/reference, the -invalid ones
// included.
func sampleRequests(shared string) []string {
	var files []string
	for _, g := range []string{
		"reference/duis-templates/templates/*.XML",
		"reference/duis-parser/test/resources/*_REQUEST_DUIS*.XML",
		"reference/duis-sign-wrap/test/data/*_REQUEST_DUIS*.XML",
		"reference/dccboxed-signing-tool/src/test/resources/*_REQUEST_DUIS*.XML",
	} {
		m, err := filepath.Glob(filepath.Join(shared, g))
		Expect(err).NotTo(HaveOccurred())
		files = append(files, m...)
	}
	return files
}

// xmllint validates files against the DUIS 5.4 schema and returns its combined output.
func xmllint(files ...string) (string, error) {
	tool := testtool.Require("xmllint")
	xsd := filepath.Join(requireShared(), "duis", "duis-5.4.xsd")
	args := append([]string{"--noout", "--nonet", "--schema", xsd}, files...)
	out, err := exec.Command(tool, args...).CombinedOutput()
	return string(out), err
}

// writeTemp writes doc into the spec's temporary directory.
func writeTemp(name string, doc []byte) string {
	p := filepath.Join(GinkgoT().TempDir(), name)
	Expect(os.WriteFile(p, doc, 0o644)).To(Succeed())
	return p
}

// dummySignature is a structurally valid enveloped XMLDSig signature with made-up values: xmllint
// checks its structure against the schema, not its cryptography. The serial number is short
// because xmllint refuses X509SerialNumber values longer than about 18 digits.
const dummySignature = `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">` +
	`<ds:SignedInfo>` +
	`<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>` +
	`<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>` +
	`<ds:Reference URI=""><ds:Transforms>` +
	`<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>` +
	`</ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>` +
	`<ds:DigestValue>c21ldHNpbS1kdW1teS1kaWdlc3QtdmFsdWUtMzJieXQ=</ds:DigestValue></ds:Reference>` +
	`</ds:SignedInfo>` +
	`<ds:SignatureValue>c21ldHNpbS1kdW1teS1zaWduYXR1cmUtdmFsdWUtNjQtYnl0ZXMtb2YtcnMtY29uY2F0ZW5hdGVkLi4=</ds:SignatureValue>` +
	`<ds:KeyInfo><ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>CN=Z1,OU=07</ds:X509IssuerName>` +
	`<ds:X509SerialNumber>424242424242</ds:X509SerialNumber></ds:X509IssuerSerial></ds:X509Data></ds:KeyInfo>` +
	`</ds:Signature>`

// dummySigner signs with dummySignature.
var dummySigner = duis.SignerFunc(func(unsigned []byte) ([]byte, error) {
	return duis.InsertSignature(unsigned, []byte(dummySignature))
})

// parseError asserts err is a *duis.ParseError with the given reason and returns it.
func parseError(err error, reason error) *duis.ParseError {
	GinkgoHelper()
	Expect(err).To(HaveOccurred())
	var pe *duis.ParseError
	Expect(errors.As(err, &pe)).To(BeTrue(), "%T %v", err, err)
	Expect(pe.Reason).To(Equal(reason), "%v", err)
	Expect(errors.Is(err, reason)).To(BeTrue())
	return pe
}

// request wraps a header and body into a request document for specs.
func request(version, header, body string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="` + version + `">` + "\n" +
		`  <sr:Header>` + header + `</sr:Header>` + "\n" +
		`  <sr:Body>` + body + `</sr:Body>` + "\n" +
		`</sr:Request>` + "\n")
}

// header writes a header with the given RequestID, CV, SR and SRV.
func header(id, cv, sr, srv string) string {
	return `<sr:RequestID>` + id + `</sr:RequestID><sr:CommandVariant>` + cv + `</sr:CommandVariant>` +
		`<sr:ServiceReference>` + sr + `</sr:ServiceReference><sr:ServiceReferenceVariant>` + srv + `</sr:ServiceReferenceVariant>`
}

const (
	userEUI   = "90-B3-D5-1F-30-01-00-00"
	deviceEUI = "00-DB-12-34-56-78-90-A0"
	goodID    = userEUI + ":" + deviceEUI + ":1000"
)

// goodRequest is a minimal valid 8.2 Read Inventory request.
var goodRequest = request("5.4", header(goodID, "8", "8.2", "8.2"), `<sr:ReadInventory><sr:DeviceID>`+deviceEUI+`</sr:DeviceID></sr:ReadInventory>`)
