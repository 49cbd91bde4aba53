package dsig_test

import (
	"crypto/x509/pkix"
	"errors"
	"math/big"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/simulator/duis/dsig"
)

// Real responses from DCC Boxed (SmartDCCInnovation/dccboxed-signing-tool), signed with keys we do
// not have. They cannot verify here, but everything up to the key can be checked, and because
// Verify checks the digest before it looks the certificate up, reaching ErrUnknownCertificate
// shows that our canonicalisation digests them exactly as the DCC did.

func boxed(name string) []byte {
	GinkgoHelper()
	return readFile(shared("reference/dccboxed-signing-tool/src", name))
}

var _ = Describe("DCC Boxed's signed samples", func() {
	DescribeTable("digest as the DCC's did, then name the DCC certificate we lack",
		func(name, serial string) {
			_, err := dsig.Verify(boxed(name), fixtureStore())
			Expect(err).To(MatchError(dsig.ErrUnknownCertificate))
			var unknown *dsig.UnknownCertificateError
			Expect(errors.As(err, &unknown)).To(BeTrue())
			Expect(unknown.Issuer).To(Equal("CN=Z1,OU=07"))
			Expect(unknown.Serial.String()).To(Equal(serial))
		},
		Entry("11.2 response (message.xml)", "main/resources/message.xml", "117636141832862931915946451229571981153"),
		Entry("11.2 response", "test/resources/readfw-response.xml", "50669612984035780968362471400449834504"),
		Entry("11.2 response re-signed", "test/resources/readfw-response-resigned.xml", "20315062944123339095836004026371736578"),
		Entry("8.2 inventory response (4G)", "test/resources/read-inventory-response-4g.xml", "167048897159233642262001557408276884033"),
		Entry("8.2 inventory response (DUIS 5.4)", "test/resources/read-inventory-response-5.4.xml", "20315062944123339095836004026371736578"),
		Entry("a serial the DCC never issued", "test/resources/readfw-response-nonexist-serial.xml", "217636141832862931915946451229571981153"),
		// Only the key could tell this one from readfw-response.xml: one base64 character differs.
		Entry("a bad signature value", "test/resources/readfw-response-badsignature.xml", "50669612984035780968362471400449834504"),
	)

	DescribeTable("give the specific error of each broken sample",
		func(name string, want error, says string) {
			_, err := dsig.Verify(boxed(name), fixtureStore())
			Expect(err).To(MatchError(want))
			Expect(err.Error()).To(ContainSubstring(says))
		},
		Entry("a body changed after signing", "test/resources/readfw-response-invalid.xml", dsig.ErrDigestMismatch, "under inclusive C14N 1.0"),
		Entry("no signature", "test/resources/readfw-response-no-signature.xml", dsig.ErrNoSignature, "<sr:Response> has no ds:Signature"),
		Entry("no KeyInfo", "test/resources/readfw-response-no-serial.xml", dsig.ErrMalformedSignature, "no ds:KeyInfo"),
		Entry("a placeholder signature", "test/resources/ECS17b_4.1.1_SINGLE_SUCCESS_REQUEST_DUIS-signed.XML", dsig.ErrMalformedSignature, "ds:DigestValue is 7 bytes"),
		Entry("an XXE attack", "test/resources/duis-xxe.xml", dsig.ErrInvalidDocument, "DOCTYPE"),
	)

	It("read the DCC's base64, broken with a carriage return and a newline, to the key check", func() {
		// With a certificate of the right issuer and serial but another key, verification gets as
		// far as the ECDSA check, so the SignatureValue "…&#13;\nxVi72EWN4A==" decoded to 64 bytes.
		serial, _ := new(big.Int).SetString("117636141832862931915946451229571981153", 10)
		store := dsig.NewCertStore(impostor(pkix.Name{CommonName: "Z1", OrganizationalUnit: []string{"07"}}, serial))
		_, err := dsig.Verify(boxed("main/resources/message.xml"), store)
		Expect(err).To(MatchError(dsig.ErrBadSignature))
		Expect(err.Error()).To(ContainSubstring("does not verify with the key of"))
	})
})
