package dcc_test

import (
	"os"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/simulator/dcc"
)

var _ = Describe("docs/mock-dcc.md", func() {
	It("shows the response-code table the endpoint follows, row for row", func() {
		doc, err := os.ReadFile("../../docs/mock-dcc.md")
		Expect(err).NotTo(HaveOccurred())
		Expect(string(doc)).To(ContainSubstring(dcc.CodesMarkdown()),
			"regenerate the table: UPDATE_DOCS=1 go test ./simulator/dcc -run TestUpdateDocs")
	})
})

// TestUpdateDocs rewrites the response-code table in docs/mock-dcc.md when UPDATE_DOCS=1:
//
//	UPDATE_DOCS=1 go test ./simulator/dcc -run TestUpdateDocs
func TestUpdateDocs(t *testing.T) {
	if os.Getenv("UPDATE_DOCS") == "" {
		t.Skip("set UPDATE_DOCS=1 to rewrite docs/mock-dcc.md's response-code table")
	}
	path := "../../docs/mock-dcc.md"
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- codes:begin -->\n", "<!-- codes:end -->"
	i, j := strings.Index(string(doc), begin), strings.Index(string(doc), end)
	if i < 0 || j < i {
		t.Fatalf("%s: no %q … %q markers", path, begin, end)
	}
	out := string(doc[:i+len(begin)]) + dcc.CodesMarkdown() + string(doc[j:])
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}
