package dsig_test

import (
	"os"
	"os/exec"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/internal/testtool"
	"github.com/smetsim/smetsim/simulator/duis/dsig"
)

// EUIs of the fixture DCC Users whose keys the specs sign with.
const (
	supplierEUI = "90-B3-D5-1F-30-01-00-00"
	rtdsUserEUI = "00-DB-12-34-56-78-00-04"
)

// repoRoot is the directory holding go.mod, found by walking up from the package directory.
func repoRoot() string {
	GinkgoHelper()
	dir, err := os.Getwd()
	Expect(err).NotTo(HaveOccurred())
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		Expect(parent).NotTo(Equal(dir), "no go.mod above the package directory")
		dir = parent
	}
}

// shared returns a path under ../shared beside the repository (read-only reference data), or
// skips the spec when that folder is absent.
func shared(rel ...string) string {
	GinkgoHelper()
	dir := filepath.Join(append([]string{repoRoot(), "..", "shared"}, rel...)...)
	if _, err := os.Stat(dir); err != nil {
		Skip("reference data not found at " + dir + " (the shared/ folder beside the repository)")
	}
	return dir
}

// pki returns a path in the fixture PKI.
func pki(rel string) string {
	return filepath.Join(repoRoot(), "fixtures", "pki", rel)
}

func userCert(eui string) string { return pki("users/" + eui + ".cert.pem") }

// signer loads a fixture key pair: "dcc", "s1sp" or "users/<EUI>".
func signer(name string) *dsig.Signer {
	GinkgoHelper()
	s, err := dsig.LoadSigner(pki(name+".key.pem"), pki(name+".cert.pem"))
	Expect(err).NotTo(HaveOccurred())
	return s
}

// fixtureStore holds every certificate of the fixture PKI.
func fixtureStore() *dsig.CertStore {
	GinkgoHelper()
	store := &dsig.CertStore{}
	n, err := store.LoadPEMDir(pki("."))
	Expect(err).NotTo(HaveOccurred())
	Expect(n).To(Equal(7)) // CA, DCC, S1SP and four users
	return store
}

func readFile(path string) []byte {
	GinkgoHelper()
	data, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	return data
}

// tempFile writes data to a new file in the spec's temporary directory.
func tempFile(name string, data []byte) string {
	GinkgoHelper()
	path := filepath.Join(GinkgoT().TempDir(), name)
	Expect(os.WriteFile(path, data, 0o644)).To(Succeed())
	return path
}

// xmlsec1 runs xmlsec1 (skipping the spec when it is not installed) and returns its combined
// output and whether it exited 0.
func xmlsec1(args ...string) (string, bool) {
	GinkgoHelper()
	out, err := exec.Command(testtool.Require("xmlsec1"), args...).CombinedOutput()
	return string(out), err == nil
}
