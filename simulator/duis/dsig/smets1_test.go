package dsig_test

import (
	"fmt"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/simulator/duis/dsig"
)

// The S1SP signs sr:SMETS1SignedResponse as a document of its own; the DCC embeds it in an
// sr:Response and signs that. These specs build such responses both ways and check both
// signatures with Verify, VerifyEmbedded and xmlsec1.

// outerSignature selects the root's own ds:Signature for xmlsec1, which otherwise takes the
// first ds:Signature in document order: the S1SP's, nested in the body.
const outerSignature = `/*/*[local-name()="Signature"]`

var innerElement = regexp.MustCompile(`(?s)<sr:SMETS1SignedResponse .*</sr:SMETS1SignedResponse>`)

// smets1Response is testdata/smets1-response.xml signed by the S1SP (inside) and the DCC.
func smets1Response() string {
	GinkgoHelper()
	inner, err := signer("s1sp").SignEmbedded(readFile("testdata/smets1-response.xml"), dsig.SMETS1SignedResponse)
	Expect(err).NotTo(HaveOccurred())
	return string(must(signer("dcc").Sign(inner)))
}

// s1spSignatureTemplate is a ds:Signature skeleton naming the S1SP's certificate, with exclusive
// C14N after the enveloped-signature transform, for xmlsec1 to fill in.
func s1spSignatureTemplate() string {
	GinkgoHelper()
	return fmt.Sprintf(`<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>`+
		`<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>`+
		`<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>`+
		`<ds:Reference URI=""><ds:Transforms>`+
		`<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>`+
		`<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>`+
		`<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>`+
		`</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509IssuerSerial>`+
		`<ds:X509IssuerName>CN=smetsim Test CA,OU=07</ds:X509IssuerName><ds:X509SerialNumber>%s</ds:X509SerialNumber>`+
		`</ds:X509IssuerSerial></ds:X509Data></ds:KeyInfo></ds:Signature>`, signer("s1sp").Cert.SerialNumber)
}

var _ = Describe("the S1SP's signature over SMETS1SignedResponse", func() {
	var store *dsig.CertStore
	BeforeEach(func() { store = fixtureStore() })

	It("verifies inside a response the DCC signed again, each signature naming its signer", func() {
		resp := []byte(smets1Response())
		outer, err := dsig.Verify(resp, store)
		Expect(err).NotTo(HaveOccurred())
		Expect(outer.Subject.CommonName).To(Equal("90-B3-D5-1F-30-00-00-02"))
		inner, err := dsig.VerifyEmbedded(resp, dsig.SMETS1SignedResponse, store)
		Expect(err).NotTo(HaveOccurred())
		Expect(inner.Subject.CommonName).To(Equal("smetsim S1SP"))
		Expect(strings.Count(string(resp), "<ds:Signature ")).To(Equal(2))
	})

	It("verifies when signed standalone and then embedded by hand, as the S1SP and the DCC do it", func() {
		standalone := must(dsig.Extract(readFile("testdata/smets1-response.xml"), dsig.SMETS1SignedResponse))
		signed := string(must(signer("s1sp").Sign(standalone)))
		element := innerElement.FindString(signed)
		Expect(element).NotTo(BeEmpty())
		embedded := innerElement.ReplaceAllLiteralString(string(readFile("testdata/smets1-response.xml")), element)
		resp := must(signer("dcc").Sign([]byte(embedded)))
		_, err := dsig.Verify(resp, store)
		Expect(err).NotTo(HaveOccurred())
		_, err = dsig.VerifyEmbedded(resp, dsig.SMETS1SignedResponse, store)
		Expect(err).NotTo(HaveOccurred())
	})

	It("extracts the element with the sr and ra declarations it inherits from the response", func() {
		standalone := string(must(dsig.Extract([]byte(smets1Response()), dsig.SMETS1SignedResponse)))
		Expect(standalone).To(HavePrefix(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<sr:SMETS1SignedResponse "))
		Expect(standalone).To(ContainSubstring(`xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"`))
		Expect(standalone).To(ContainSubstring(`xmlns:ra="http://www.dccinterface.co.uk/ResponseAndAlert"`))
		Expect(strings.Count(standalone, "<ds:Signature ")).To(Equal(1))
		cert, err := dsig.Verify([]byte(standalone), store)
		Expect(err).NotTo(HaveOccurred())
		Expect(cert.Subject.CommonName).To(Equal("smetsim S1SP"))
	})

	It("is covered by the DCC's signature, and a change inside breaks both", func() {
		tampered := []byte(replaceOnce(smets1Response(), "<ra:Value>1234567<", "<ra:Value>1234568<"))
		_, err := dsig.Verify(tampered, store)
		Expect(err).To(MatchError(dsig.ErrDigestMismatch))
		_, err = dsig.VerifyEmbedded(tampered, dsig.SMETS1SignedResponse, store)
		Expect(err).To(MatchError(dsig.ErrDigestMismatch))
		Expect(err.Error()).To(HavePrefix("SMETS1SignedResponse: digest mismatch"))
	})

	It("is checked separately: a response whose S1SP signature is bad but re-signed by the DCC fails only inside", func() {
		resp := smets1Response()
		m := signatureValue.FindAllStringSubmatch(resp, -1)
		Expect(m).To(HaveLen(2))
		forged := replaceOnce(resp, m[0][1], m[1][1]) // the S1SP's value replaced by the DCC's
		resigned := must(signer("dcc").Sign([]byte(forged)))
		_, err := dsig.Verify(resigned, store)
		Expect(err).NotTo(HaveOccurred())
		_, err = dsig.VerifyEmbedded(resigned, dsig.SMETS1SignedResponse, store)
		Expect(err).To(MatchError(dsig.ErrBadSignature))
	})

	It("is missing from a response without SMETS1SignedResponse", func() {
		_, err := dsig.VerifyEmbedded([]byte(signedRequest()), dsig.SMETS1SignedResponse, store)
		Expect(err).To(MatchError(dsig.ErrNoSignature))
		Expect(err.Error()).To(ContainSubstring("SMETS1SignedResponse element"))
	})

	Describe("with xmlsec1", func() {
		It("the outer signature verifies, and the extracted inner one does", func() {
			resp := tempFile("response.xml", []byte(smets1Response()))
			out, ok := xmlsec1("--verify", "--pubkey-cert-pem", pki("dcc.cert.pem"), "--node-xpath", outerSignature, resp)
			Expect(ok).To(BeTrue(), out)
			inner := tempFile("inner.xml", must(dsig.Extract(readFile(resp), dsig.SMETS1SignedResponse)))
			out, ok = xmlsec1("--verify", "--trusted-pem", pki("ca.cert.pem"), "--untrusted-pem", pki("s1sp.cert.pem"), inner)
			Expect(ok).To(BeTrue(), out)
			validateDUIS(resp, inner)
		})

		It("without choosing the signature node, takes the inner one first and fails: the reason for --node-xpath", func() {
			resp := tempFile("response.xml", []byte(smets1Response()))
			out, ok := xmlsec1("--verify", "--pubkey-cert-pem", pki("s1sp.cert.pem"), resp)
			Expect(ok).To(BeFalse(), out)
		})

		It("signs a standalone SMETS1SignedResponse that VerifyEmbedded accepts once embedded", func() {
			standalone := string(must(dsig.Extract(readFile("testdata/smets1-response.xml"), dsig.SMETS1SignedResponse)))
			template := replaceOnce(standalone, "</sr:SMETS1SignedResponse>", s1spSignatureTemplate()+"</sr:SMETS1SignedResponse>")
			in := tempFile("inner-template.xml", []byte(template))
			out := in + ".signed"
			msg, ok := xmlsec1("--sign", "--privkey-pem", pki("s1sp.key.pem")+","+pki("s1sp.cert.pem"), "--output", out, in)
			Expect(ok).To(BeTrue(), msg)
			element := innerElement.FindString(string(readFile(out)))
			embedded := innerElement.ReplaceAllLiteralString(string(readFile("testdata/smets1-response.xml")), element)
			resp := must(signer("dcc").Sign([]byte(embedded)))
			cert, err := dsig.VerifyEmbedded(resp, dsig.SMETS1SignedResponse, store)
			Expect(err).NotTo(HaveOccurred())
			Expect(cert.Subject.CommonName).To(Equal("smetsim S1SP"))
		})
	})
})
