package main

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// The fixture PKI and a request, as a user passes them from this package's directory.
const (
	fixturePKI  = "../../fixtures/pki"
	supplierKey = fixturePKI + "/users/90-B3-D5-1F-30-01-00-00.key.pem"
	supplierCrt = fixturePKI + "/users/90-B3-D5-1F-30-01-00-00.cert.pem"
	testRequest = "../../simulator/duis/dsig/testdata/request.xml"
	smets1Resp  = "../../simulator/duis/dsig/testdata/smets1-response.xml"
)

// smetsimIn runs a command line with stdin.
func smetsimIn(stdin string, args ...string) run {
	var out, errOut bytes.Buffer
	code := execute(&IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}, args)
	return run{code, out.String(), errOut.String()}
}

// duisTemp writes a file in the spec's temporary directory.
func duisTemp(name, content string) string {
	GinkgoHelper()
	path := filepath.Join(GinkgoT().TempDir(), name)
	Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
	return path
}

var _ = Describe("duis", func() {
	// signed is testdata/request.xml signed by the supplier, in a file.
	signed := func() string {
		GinkgoHelper()
		r := smetsim("duis", "sign", "--key", supplierKey, "--cert", supplierCrt, testRequest)
		Expect(r.code).To(Equal(exitOK), r.errOut)
		Expect(r.errOut).To(BeEmpty())
		return duisTemp("signed.xml", r.out)
	}

	Describe("sign then verify", func() {
		It("accepts what it signed, naming the signer", func() {
			r := smetsim("duis", "verify", "--cert", fixturePKI, signed())
			Expect(r.code).To(Equal(exitOK), r.errOut)
			Expect(r.out).To(Equal(`valid: signed by "CN=90-B3-D5-1F-30-01-00-00,OU=07" (issuer "CN=smetsim Test CA,OU=07", serial ` +
				certSerial(supplierCrt) + ")\n"))
		})

		It("takes --cert several times, files or directories", func() {
			r := smetsim("duis", "verify", "--cert", fixturePKI+"/dcc.cert.pem", "--cert", fixturePKI+"/users", signed())
			Expect(r.code).To(Equal(exitOK), r.errOut)
		})

		It("reads standard input for -", func() {
			doc, err := os.ReadFile(testRequest)
			Expect(err).NotTo(HaveOccurred())
			s := smetsimIn(string(doc), "duis", "sign", "--key", supplierKey, "--cert", supplierCrt, "-")
			Expect(s.code).To(Equal(exitOK), s.errOut)
			v := smetsimIn(s.out, "duis", "verify", "--cert", supplierCrt, "-")
			Expect(v.code).To(Equal(exitOK), v.errOut)
		})

		It("signs and verifies the S1SP's signature inside a SMETS1 response", func() {
			inner := smetsim("duis", "sign", "--s1sp", "--key", fixturePKI+"/s1sp.key.pem", "--cert", fixturePKI+"/s1sp.cert.pem", smets1Resp)
			Expect(inner.code).To(Equal(exitOK), inner.errOut)
			outer := smetsimIn(inner.out, "duis", "sign", "--key", fixturePKI+"/dcc.key.pem", "--cert", fixturePKI+"/dcc.cert.pem", "-")
			Expect(outer.code).To(Equal(exitOK), outer.errOut)
			file := duisTemp("response.xml", outer.out)

			r := smetsim("duis", "verify", "--cert", fixturePKI+"/dcc.cert.pem", "--s1sp-cert", fixturePKI+"/s1sp.cert.pem", file)
			Expect(r.code).To(Equal(exitOK), r.errOut)
			Expect(r.out).To(ContainSubstring(`valid: signed by "CN=90-B3-D5-1F-30-00-00-02,OU=07"`))
			Expect(r.out).To(ContainSubstring(`valid: SMETS1SignedResponse signed by "CN=smetsim S1SP,OU=07"`))

			r = smetsim("duis", "verify", "--cert", fixturePKI+"/dcc.cert.pem", "--s1sp-cert", fixturePKI+"/dcc.cert.pem", file)
			Expect(r.code).To(Equal(exitFailed))
			Expect(r.errOut).To(ContainSubstring("SMETS1SignedResponse: unknown certificate"))
		})
	})

	Describe("verify", func() {
		It("exits 1 with the failed check for a tampered document", func() {
			doc, err := os.ReadFile(signed())
			Expect(err).NotTo(HaveOccurred())
			tampered := duisTemp("tampered.xml", strings.Replace(string(doc), ">26340<", ">26341<", 1))
			r := smetsim("duis", "verify", "--cert", fixturePKI, tampered)
			Expect(r.code).To(Equal(exitFailed))
			Expect(r.out).To(BeEmpty())
			Expect(r.errOut).To(MatchRegexp(`^smetsim: \S+tampered.xml: invalid signature: digest mismatch: ds:DigestValue is \S+ but the document, less its signature, digests to \S+ under exclusive C14N\n$`))
		})

		It("exits 1 for an unsigned document", func() {
			r := smetsim("duis", "verify", "--cert", fixturePKI, testRequest)
			Expect(r.code).To(Equal(exitFailed))
			Expect(r.errOut).To(ContainSubstring("invalid signature: no signature: <sr:Request> has no ds:Signature child"))
		})

		It("exits 1 when the signer is not among the certificates", func() {
			r := smetsim("duis", "verify", "--cert", fixturePKI+"/dcc.cert.pem", signed())
			Expect(r.code).To(Equal(exitFailed))
			Expect(r.errOut).To(ContainSubstring(`unknown certificate: no certificate issued by "CN=smetsim Test CA,OU=07" with serial number ` + certSerial(supplierCrt)))
		})

		It("exits 2 for a document it cannot read as one", func() {
			r := smetsim("duis", "verify", "--cert", fixturePKI, duisTemp("x.xml", `<!DOCTYPE r><r/>`))
			Expect(r.code).To(Equal(exitBadInput))
			Expect(r.errOut).To(ContainSubstring("DOCTYPE"))
		})
	})

	DescribeTable("exits 2 on bad input",
		func(says string, args ...string) {
			r := smetsim(args...)
			Expect(r.code).To(Equal(exitBadInput), r.errOut)
			Expect(r.errOut).To(ContainSubstring(says))
		},
		Entry("sign without a key", "--key and --cert are required", "duis", "sign", "--cert", supplierCrt, testRequest),
		Entry("sign with a key that is not the certificate's", "key does not match the certificate",
			"duis", "sign", "--key", fixturePKI+"/dcc.key.pem", "--cert", supplierCrt, testRequest),
		Entry("sign a missing file", "no such file", "duis", "sign", "--key", supplierKey, "--cert", supplierCrt, "missing.xml"),
		Entry("sign with --s1sp a document without SMETS1SignedResponse", "no {http://www.dccinterface.co.uk/ServiceUserGateway}SMETS1SignedResponse element",
			"duis", "sign", "--s1sp", "--key", supplierKey, "--cert", supplierCrt, testRequest),
		Entry("verify without --cert", "--cert is required", "duis", "verify", testRequest),
		Entry("verify with a --cert that holds no certificate", "no PEM CERTIFICATE block", "duis", "verify", "--cert", supplierKey, testRequest),
		Entry("verify with a missing --cert", "no such file", "duis", "verify", "--cert", "missing.pem", testRequest),
		Entry("two files", "accepts 1 arg(s)", "duis", "verify", "--cert", fixturePKI, testRequest, testRequest),
	)
})

// certSerial returns the decimal serial number of a PEM certificate.
func certSerial(path string) string {
	GinkgoHelper()
	data, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	block, _ := pem.Decode(data)
	Expect(block).NotTo(BeNil())
	cert, err := x509.ParseCertificate(block.Bytes)
	Expect(err).NotTo(HaveOccurred())
	return cert.SerialNumber.String()
}
