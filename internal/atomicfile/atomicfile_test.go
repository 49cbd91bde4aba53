package atomicfile_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/internal/atomicfile"
)

func TestAtomicfile(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Atomicfile Suite")
}

var _ = Describe("Write", func() {
	It("replaces a file whole, readable, leaving no temporary file behind", func() {
		dir := GinkgoT().TempDir()
		p := filepath.Join(dir, "epc.csv")
		Expect(os.WriteFile(p, []byte("old"), 0o600)).To(Succeed())
		Expect(atomicfile.Write(p, []byte("new contents"))).To(Succeed())
		Expect(os.ReadFile(p)).To(Equal([]byte("new contents")))
		fi, err := os.Stat(p)
		Expect(err).NotTo(HaveOccurred())
		Expect(fi.Mode().Perm()).To(Equal(os.FileMode(0o644)))
		entries, err := os.ReadDir(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(1))
	})

	It("leaves the old file and no temporary one when the rename cannot happen", func() {
		dir := GinkgoT().TempDir()
		p := filepath.Join(dir, "taken")
		Expect(os.Mkdir(p, 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(p, "x"), nil, 0o644)).To(Succeed())
		Expect(atomicfile.Write(p, []byte("data"))).To(MatchError(ContainSubstring("write " + p)))
		entries, err := os.ReadDir(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(1), "only the directory that was there")
	})

	It("says which directory it could not write in", func() {
		Expect(atomicfile.Write("/nonexistent/dir/f", nil)).To(MatchError(ContainSubstring("write /nonexistent/dir/f")))
	})
})

var _ = Describe("WriteDir", func() {
	It("makes the directory and writes each file whole, in order", func() {
		dir := filepath.Join(GinkgoT().TempDir(), "out", "report")
		Expect(atomicfile.WriteDir(dir, atomicfile.File{Name: "junit.xml", Data: []byte("<testsuites/>")},
			atomicfile.File{Name: "report.json", Data: []byte("{}")})).To(Succeed())
		Expect(os.ReadFile(filepath.Join(dir, "junit.xml"))).To(Equal([]byte("<testsuites/>")))
		Expect(os.ReadFile(filepath.Join(dir, "report.json"))).To(Equal([]byte("{}")))
	})

	It("says which directory it could not make", func() {
		file := filepath.Join(GinkgoT().TempDir(), "a-file")
		Expect(os.WriteFile(file, nil, 0o644)).To(Succeed())
		Expect(atomicfile.WriteDir(filepath.Join(file, "sub"), atomicfile.File{Name: "x", Data: nil})).
			To(MatchError(ContainSubstring("write " + filepath.Join(file, "sub"))))
	})
})
