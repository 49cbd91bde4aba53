package dsig_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/internal/testtool"
	"github.com/smetsim/smetsim/simulator/duis/dsig"
)

// These specs hold our signatures up to xmlsec1 (libxmlsec1 on OpenSSL), both ways, and the
// signed documents to the DUIS schema with xmllint.

var (
	requestOriginator = regexp.MustCompile(`<sr:RequestID>([0-9A-Fa-f-]{23}):`)
	placeholderIssuer = regexp.MustCompile(`<ds:X509IssuerName>[^<]*</ds:X509IssuerName>`)
	placeholderSerial = regexp.MustCompile(`<ds:X509SerialNumber>[^<]*</ds:X509SerialNumber>`)
)

// templates returns the DUIS request templates of the reference data: DCC's Reference Test Data
// Set sample and duis-sign-wrap's 8.2 request, each with a placeholder signature.
func templates() []string {
	GinkgoHelper()
	files, err := filepath.Glob(filepath.Join(shared("reference/duis-templates/templates"), "*.XML"))
	Expect(err).NotTo(HaveOccurred())
	files = append(files, shared("reference/duis-sign-wrap/test/data/8.2_READ_INVENTORY_REQUEST_DUIS.XML"))
	Expect(len(files)).To(BeNumerically(">=", 100))
	return files
}

// keyFor returns the fixture key pair of a request's originator ("dcc" or "users/<EUI>"), or the
// supplier's when the fixtures have none for it.
func keyFor(doc []byte) string {
	m := requestOriginator.FindSubmatch(doc)
	if m == nil {
		return "users/" + supplierEUI
	}
	eui := strings.ToUpper(string(m[1]))
	if eui == "90-B3-D5-1F-30-00-00-02" {
		return "dcc"
	}
	if _, err := os.Stat(userCert(eui)); err == nil {
		return "users/" + eui
	}
	return "users/" + supplierEUI
}

// xmlsecSign signs a template with xmlsec1 after naming the signer's certificate in its
// placeholder X509IssuerSerial (xmlsec1 keeps an X509IssuerSerial it finds).
func xmlsecSign(template []byte, key string) []byte {
	GinkgoHelper()
	cert := signer(key).Cert
	filled := placeholderIssuer.ReplaceAll(template, []byte("<ds:X509IssuerName>CN=smetsim Test CA, OU=07</ds:X509IssuerName>"))
	filled = placeholderSerial.ReplaceAll(filled, []byte("<ds:X509SerialNumber>"+cert.SerialNumber.String()+"</ds:X509SerialNumber>"))
	in := tempFile("template.xml", filled)
	out := filepath.Join(filepath.Dir(in), "signed.xml")
	msg, ok := xmlsec1("--sign", "--privkey-pem", pki(key+".key.pem")+","+pki(key+".cert.pem"), "--output", out, in)
	Expect(ok).To(BeTrue(), msg)
	return readFile(out)
}

// validateDUIS checks documents against the DUIS 5.4 schema (which imports MMC 5.4 and XMLDSig).
func validateDUIS(files ...string) {
	GinkgoHelper()
	args := append([]string{"--noout", "--nonet", "--schema", shared("duis", "duis-5.4.xsd")}, files...)
	out, err := exec.Command(testtool.Require("xmllint"), args...).CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(out))
}

var _ = Describe("xmlsec1", func() {
	var store *dsig.CertStore
	BeforeEach(func() { store = fixtureStore() })

	Describe("verifies what Sign writes", func() {
		for _, key := range []string{"dcc", "s1sp", "users/" + supplierEUI, "users/" + rtdsUserEUI} {
			It("signed by "+key+", with the certificate named, and resolving X509IssuerSerial itself", func() {
				signed := tempFile("signed.xml", must(signer(key).Sign(readFile("testdata/request.xml"))))
				out, ok := xmlsec1("--verify", "--pubkey-cert-pem", pki(key+".cert.pem"), signed)
				Expect(ok).To(BeTrue(), out)
				// Given only the CA as trusted and the signer's certificate as untrusted, xmlsec1
				// finds the key through the signature's X509IssuerSerial and checks the chain.
				out, ok = xmlsec1("--verify", "--trusted-pem", pki("ca.cert.pem"), "--untrusted-pem", pki(key+".cert.pem"), signed)
				Expect(ok).To(BeTrue(), out)
			})
		}

		It("and refuses it when X509IssuerSerial names a certificate xmlsec1 was not given", func() {
			signed := tempFile("signed.xml", []byte(signedRequest()))
			out, ok := xmlsec1("--verify", "--trusted-pem", pki("ca.cert.pem"), "--untrusted-pem", userCert("90-B3-D5-1F-30-02-00-00"), signed)
			Expect(ok).To(BeFalse(), out)
		})

		It("and refuses it tampered, as Verify does", func() {
			tampered := replaceOnce(signedRequest(), `<sr:StandingCharge>26340<`, `<sr:StandingCharge>26341<`)
			out, ok := xmlsec1("--verify", "--pubkey-cert-pem", userCert(supplierEUI), tempFile("t.xml", []byte(tampered)))
			Expect(ok).To(BeFalse(), out)
			Expect(out).To(ContainSubstring("References (ok/all): 0/1"))
		})

		It("for every DUIS request template, each signed by its originator, and the signed requests are schema-valid", func() {
			var signed []string
			for _, f := range templates() {
				doc := readFile(f)
				key := keyFor(doc)
				out, err := signer(key).Sign(doc)
				Expect(err).NotTo(HaveOccurred(), f)
				path := tempFile(filepath.Base(f), out)
				msg, ok := xmlsec1("--verify", "--trusted-pem", pki("ca.cert.pem"), "--untrusted-pem", pki(key+".cert.pem"), path)
				Expect(ok).To(BeTrue(), "%s: %s", f, msg)
				signed = append(signed, path)
			}
			validateDUIS(signed...)
		})
	})

	Describe("signs what Verify accepts", func() {
		It("for every DUIS request template, in the templates' own form (enveloped-signature alone: inclusive C14N)", func() {
			for _, f := range templates() {
				doc := readFile(f)
				key := keyFor(doc)
				signed := xmlsecSign(doc, key)
				cert, err := dsig.Verify(signed, store)
				Expect(err).NotTo(HaveOccurred(), f)
				Expect(cert.Equal(signer(key).Cert)).To(BeTrue(), f)
			}
		})

		It("with exclusive C14N named after the enveloped-signature transform, as Sign writes it", func() {
			for _, f := range templates()[:20] {
				doc := strings.Replace(string(readFile(f)),
					`<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>`,
					`<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>`, 1)
				signed := xmlsecSign([]byte(doc), "users/"+supplierEUI)
				Expect(string(signed)).To(ContainSubstring(`<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>`))
				_, err := dsig.Verify(signed, store)
				Expect(err).NotTo(HaveOccurred(), f)
				tampered := strings.Replace(string(signed), "<sr:Body>", `<sr:Body xmlns:gb="urn:unused">`, 1)
				_, err = dsig.Verify([]byte(tampered), store)
				Expect(err).NotTo(HaveOccurred(), "%s: an unused namespace is outside exclusive C14N", f)
			}
		})

		It("and Verify refuses it tampered", func() {
			signed := xmlsecSign(readFile(shared("reference/duis-sign-wrap/test/data/8.2_READ_INVENTORY_REQUEST_DUIS.XML")), "users/"+supplierEUI)
			tampered := strings.Replace(string(signed), "00-DB-12-34-56-78-90-A2", "00-DB-12-34-56-78-90-A3", 1)
			_, err := dsig.Verify([]byte(tampered), store)
			Expect(err).To(MatchError(dsig.ErrDigestMismatch))
			// Inclusive C14N, which the template's lone transform implies, counts every namespace
			// declared on the root, used or not.
			unused := strings.Replace(string(signed), "<sr:Body>", `<sr:Body xmlns:gb="urn:unused">`, 1)
			_, err = dsig.Verify([]byte(unused), store)
			Expect(err).To(MatchError(dsig.ErrDigestMismatch))
		})
	})
})

// must returns v, failing the spec on err.
func must[T any](v T, err error) T {
	GinkgoHelper()
	Expect(err).NotTo(HaveOccurred())
	return v
}
