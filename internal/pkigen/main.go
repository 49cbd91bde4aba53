// Command pkigen writes smetsim's test PKI: a test CA and ECDSA P-256 key pairs with certificates
// for the DCC, the SMETS1 Service Provider and the DCC Users the fixtures use, for signing and
// verifying DUIS messages in tests and in the mock DCC. The keys are test-only and worthless
// outside smetsim.
//
//	go run ./internal/pkigen -out fixtures/pki
//
// Every run makes new keys (Go's ECDSA takes no seed), so regenerate only when the set of
// certificates must change, and commit the result.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// Who gets a certificate. Each subject's CN is its EUI-64 in DUIS form (upper case, hyphens)
// where it has one, so a certificate says whose it is at a glance.
const (
	dccEUI = "90-B3-D5-1F-30-00-00-02"
	caName = "smetsim Test CA"
	ou     = "07" // as in the DCC's own issuer names ("CN=Z1,OU=07")
)

// userEUIs are the DCC Users of the fixtures: three of the DCC's test EUIs and the RTDS user.
var userEUIs = []string{
	"90-B3-D5-1F-30-01-00-00",
	"90-B3-D5-1F-30-02-00-00",
	"90-B3-D5-1F-30-03-00-00",
	"00-DB-12-34-56-78-00-04",
}

// Long validity so that no test fails on a date.
var (
	notBefore = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	notAfter  = time.Date(2060, 1, 1, 0, 0, 0, 0, time.UTC)
)

func main() {
	out := flag.String("out", "fixtures/pki", "directory to write the PKI to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "pkigen:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	if err := os.MkdirAll(filepath.Join(out, "users"), 0o755); err != nil {
		return err
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	caTemplate := &x509.Certificate{
		Subject:               pkix.Name{CommonName: caName, OrganizationalUnit: []string{ou}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caCert, err := issue(caTemplate, caKey, nil, nil)
	if err != nil {
		return err
	}
	if err := writePEM(filepath.Join(out, "ca.cert.pem"), "CERTIFICATE", caCert.Raw); err != nil {
		return err
	}
	leaves := []struct{ cn, path string }{
		{dccEUI, "dcc"},
		{"smetsim S1SP", "s1sp"},
	}
	for _, eui := range userEUIs {
		leaves = append(leaves, struct{ cn, path string }{eui, filepath.Join("users", eui)})
	}
	for _, l := range leaves {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return err
		}
		cert, err := issue(&x509.Certificate{
			Subject:   pkix.Name{CommonName: l.cn, OrganizationalUnit: []string{ou}},
			NotBefore: notBefore,
			NotAfter:  notAfter,
			KeyUsage:  x509.KeyUsageDigitalSignature,
		}, key, caCert, caKey)
		if err != nil {
			return err
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return err
		}
		if err := writePEM(filepath.Join(out, l.path+".key.pem"), "PRIVATE KEY", der); err != nil {
			return err
		}
		if err := writePEM(filepath.Join(out, l.path+".cert.pem"), "CERTIFICATE", cert.Raw); err != nil {
			return err
		}
	}
	return nil
}

// issue signs template with the CA (itself when ca is nil), giving it a fresh serial number.
func issue(template *x509.Certificate, key *ecdsa.PrivateKey, ca *x509.Certificate, caKey *ecdsa.PrivateKey) (*x509.Certificate, error) {
	serial, err := serialNumber()
	if err != nil {
		return nil, err
	}
	template.SerialNumber = serial
	if ca == nil {
		ca, caKey = template, key
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// serialNumber draws an 18-digit serial: X509SerialNumber is written in decimal, and xmllint
// refuses a value beyond about 18 digits when it validates a signed message against the schema.
func serialNumber() (*big.Int, error) {
	low := new(big.Int).Exp(big.NewInt(10), big.NewInt(17), nil)
	span := new(big.Int).Sub(new(big.Int).Mul(low, big.NewInt(10)), low)
	n, err := rand.Int(rand.Reader, span)
	if err != nil {
		return nil, err
	}
	return n.Add(n, low), nil
}

func writePEM(path, typ string, der []byte) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o644)
}
