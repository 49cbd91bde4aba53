package dsig_test

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"

	"github.com/smetsim/smetsim/simulator/duis/dsig"
)

// pkiDir finds fixtures/pki from the package directory without Ginkgo, for benchmarks and fuzzing.
func pkiDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "fixtures", "pki")
		}
		if filepath.Dir(dir) == dir {
			tb.Fatal("no go.mod above the package directory")
		}
		dir = filepath.Dir(dir)
	}
}

// benchFixtures are the supplier's signer, a store of the fixture PKI and testdata/request.xml
// (2 KB, a 1.2.1 Update Price request) unsigned and signed.
func benchFixtures(tb testing.TB) (s *dsig.Signer, store *dsig.CertStore, request, signed []byte) {
	tb.Helper()
	dir := pkiDir(tb)
	s, err := dsig.LoadSigner(filepath.Join(dir, "users", supplierEUI+".key.pem"), filepath.Join(dir, "users", supplierEUI+".cert.pem"))
	if err != nil {
		tb.Fatal(err)
	}
	store = &dsig.CertStore{}
	if _, err := store.LoadPEMDir(dir); err != nil {
		tb.Fatal(err)
	}
	if request, err = os.ReadFile("testdata/request.xml"); err != nil {
		tb.Fatal(err)
	}
	if signed, err = s.Sign(request); err != nil {
		tb.Fatal(err)
	}
	return s, store, request, signed
}

func BenchmarkSign(b *testing.B) {
	s, _, request, _ := benchFixtures(b)
	b.SetBytes(int64(len(request)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Sign(request); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	_, store, _, signed := benchFixtures(b)
	b.SetBytes(int64(len(signed)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := dsig.Verify(signed, store); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkECDSASignVerify is one P-256 signature made and checked with nothing else: the ceiling
// that signing and verifying DUIS messages approach, and that the mock DCC's throughput is
// compared with.
func BenchmarkECDSASignVerify(b *testing.B) {
	s, _, _, _ := benchFixtures(b)
	digest := sha256.Sum256([]byte("SignedInfo"))
	b.ReportAllocs()
	for b.Loop() {
		r, ss, err := ecdsa.Sign(rand.Reader, s.Key, digest[:])
		if err != nil {
			b.Fatal(err)
		}
		if !ecdsa.Verify(&s.Key.PublicKey, digest[:], r, ss) {
			b.Fatal("signature does not verify")
		}
	}
}
