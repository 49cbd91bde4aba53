package dsig_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/simulator/duis/dsig"
)

var _ = Describe("CertStore", func() {
	var (
		store *dsig.CertStore
		user  *x509.Certificate
	)
	BeforeEach(func() {
		store = fixtureStore()
		user = signer("users/" + supplierEUI).Cert
	})

	DescribeTable("resolves an issuer however a DN writer spells it",
		func(issuer string) {
			got, err := store.Lookup(issuer, user.SerialNumber)
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal(user))
		},
		Entry("as Go and the DCC write it", "CN=smetsim Test CA,OU=07"),
		Entry("with a space after the comma, as the DUIS templates do", "CN=smetsim Test CA, OU=07"),
		Entry("with spaces around '=' and separators", " CN = smetsim Test CA ,  OU = 07 "),
		Entry("in another case", "cn=SMETSIM TEST CA,ou=07"),
		Entry("with a run of spaces inside a value", "CN=smetsim   Test CA,OU=07"),
		Entry("with RFC 1779 semicolons", "CN=smetsim Test CA; OU=07"),
		Entry("with a quoted value", `CN="smetsim Test CA",OU=07`),
		Entry("with hex-escaped characters", `CN=smetsim\20Test\20CA,OU=\307`),
		Entry("with a BER-encoded value", "CN=smetsim Test CA,OU=#13023037"),
		Entry("with dotted OIDs", "2.5.4.3=smetsim Test CA,OID.2.5.4.11=07"),
		Entry("in forward (OpenSSL one-line) order", "OU=07,CN=smetsim Test CA"),
	)

	DescribeTable("tells an unknown issuer or serial, naming both",
		func(issuer string, serial *big.Int) {
			if serial == nil {
				serial = user.SerialNumber
			}
			_, err := store.Lookup(issuer, serial)
			Expect(err).To(MatchError(dsig.ErrUnknownCertificate))
			Expect(err.Error()).To(ContainSubstring(issuer))
			Expect(err.Error()).To(ContainSubstring(serial.String()))
		},
		Entry("another OU", "CN=smetsim Test CA,OU=08", nil),
		Entry("a missing RDN", "CN=smetsim Test CA", nil),
		Entry("an extra RDN", "CN=smetsim Test CA,OU=07,O=smetsim", nil),
		Entry("another serial", "CN=smetsim Test CA,OU=07", big.NewInt(1234567890)),
	)

	DescribeTable("refuses a string that is not a distinguished name",
		func(issuer string) {
			_, err := store.Lookup(issuer, user.SerialNumber)
			Expect(err).To(HaveOccurred())
			Expect(err).NotTo(MatchError(dsig.ErrUnknownCertificate))
			Expect(err.Error()).To(ContainSubstring("distinguished name"))
		},
		Entry("empty", ""),
		Entry("no '='", "smetsim Test CA"),
		Entry("an unknown attribute type", "XX=1"),
		Entry("an unterminated quote", `CN="smetsim`),
		Entry("a dangling backslash", `CN=a\`),
	)

	It("compares a multi-valued RDN as a set", func() {
		caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		Expect(err).NotTo(HaveOccurred())
		cn := pkix.AttributeTypeAndValue{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: "Multi CA"}
		ou := pkix.AttributeTypeAndValue{Type: asn1.ObjectIdentifier{2, 5, 4, 11}, Value: "07"}
		rawSubject, err := asn1.Marshal(pkix.RDNSequence{{cn, ou}})
		Expect(err).NotTo(HaveOccurred())
		validity := func(c *x509.Certificate) *x509.Certificate {
			c.NotBefore, c.NotAfter = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2060, 1, 1, 0, 0, 0, 0, time.UTC)
			return c
		}
		ca := validity(&x509.Certificate{SerialNumber: big.NewInt(1), RawSubject: rawSubject, IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign})
		der, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
		Expect(err).NotTo(HaveOccurred())
		caCert, err := x509.ParseCertificate(der)
		Expect(err).NotTo(HaveOccurred())
		der, err = x509.CreateCertificate(rand.Reader, validity(&x509.Certificate{SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: "leaf"}}), caCert, &caKey.PublicKey, caKey)
		Expect(err).NotTo(HaveOccurred())
		leaf, err := x509.ParseCertificate(der)
		Expect(err).NotTo(HaveOccurred())

		s := dsig.NewCertStore(leaf)
		for _, issuer := range []string{"CN=Multi CA+OU=07", "OU=07+CN=Multi CA", "ou=07 + cn=multi ca"} {
			got, err := s.Lookup(issuer, big.NewInt(42))
			Expect(err).NotTo(HaveOccurred(), issuer)
			Expect(got).To(Equal(leaf))
		}
		_, err = s.Lookup("CN=Multi CA,OU=07", big.NewInt(42))
		Expect(err).To(MatchError(dsig.ErrUnknownCertificate), "two RDNs are not one RDN of two attributes")
	})

	It("loads a directory of PEM files, subdirectories included, skipping private keys", func() {
		Expect(store.Len()).To(Equal(7))
		for _, name := range []string{"ca", "dcc", "s1sp", "users/" + supplierEUI, "users/" + rtdsUserEUI} {
			c := readCert(pki(name + ".cert.pem"))
			got, err := store.Lookup(c.Issuer.String(), c.SerialNumber)
			Expect(err).NotTo(HaveOccurred(), name)
			Expect(got.Equal(c)).To(BeTrue())
		}
	})

	It("counts a certificate added twice once", func() {
		s := dsig.NewCertStore(user, user)
		Expect(s.Len()).To(Equal(1))
	})

	It("says which file holds no certificate", func() {
		_, err := (&dsig.CertStore{}).LoadPEMFile(pki("dcc.key.pem"))
		Expect(err).To(MatchError(ContainSubstring("dcc.key.pem: no PEM CERTIFICATE block")))
		bad := filepath.Join(GinkgoT().TempDir(), "bad.pem")
		Expect(os.WriteFile(bad, []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), 0o644)).To(Succeed())
		_, err = (&dsig.CertStore{}).LoadPEMDir(filepath.Dir(bad))
		Expect(err).To(MatchError(ContainSubstring("bad.pem: certificate 1")))
	})

	It("serves lookups while certificates are added", func() {
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				defer GinkgoRecover()
				for range 100 {
					_, err := store.Lookup("CN=smetsim Test CA,OU=07", user.SerialNumber)
					Expect(err).NotTo(HaveOccurred())
					store.Add(user)
				}
			})
		}
		wg.Wait()
		Expect(store.Len()).To(Equal(7))
	})
})

func readCert(path string) *x509.Certificate {
	GinkgoHelper()
	block, _ := pem.Decode(readFile(path))
	Expect(block).NotTo(BeNil())
	c, err := x509.ParseCertificate(block.Bytes)
	Expect(err).NotTo(HaveOccurred())
	return c
}
