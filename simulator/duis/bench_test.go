package duis_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smetsim/smetsim/simulator/duis"
)

// typicalRequest is a request of the size and shape most DUIS traffic has (about 2.5 KB): a
// header, a short future-dated body and an indented placeholder signature, as in the DCC's
// Reference Test Data Set templates.
func typicalRequest() []byte {
	sig := strings.NewReplacer("><", ">\n      <").Replace(dummySignature)
	body := `
    <sr:DisplayMessage>
      <sr:ExecutionDateTime>2030-01-15T09:00:00.00Z</sr:ExecutionDateTime>
      <sr:MessageCode>CSS1</sr:MessageCode>
      <sr:Message>` + strings.Repeat("Your supply will be interrupted for planned works. ", 6) + `</sr:Message>
    </sr:DisplayMessage>
  `
	h := "\n    " + strings.ReplaceAll(header(goodID, "1", "3.1", "3.1"), "><sr:", ">\n    <sr:") + "\n  "
	d := request("5.4", h, body)
	return []byte(strings.Replace(string(d), "</sr:Request>", "  <!-- placeholder signature -->\n  "+sig+"\n</sr:Request>", 1))
}

func benchmarkParse(b *testing.B, d []byte) {
	b.SetBytes(int64(len(d)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := duis.ParseRequest(d, duis.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseRequest measures Check plus ParseRequest (ParseRequest runs Check first) of a
// typical request, and of a real 3 KB template when the shared reference data is there.
func BenchmarkParseRequest(b *testing.B) {
	b.Run("typical", func(b *testing.B) { benchmarkParse(b, typicalRequest()) })
	if shared := sharedDir(); shared != "" {
		name := "CS02bACBByACB_8.5_SUCCESS_REQUEST_DUIS.XML"
		if d, err := os.ReadFile(filepath.Join(shared, "reference/duis-templates/templates", name)); err == nil {
			b.Run("template-8.5", func(b *testing.B) { benchmarkParse(b, d) })
		}
	}
}

// BenchmarkCheck measures the safe-parser pass alone on the typical request.
func BenchmarkCheck(b *testing.B) {
	d := typicalRequest()
	b.SetBytes(int64(len(d)))
	b.ReportAllocs()
	for b.Loop() {
		if err := duis.Check(d, duis.RootRequest, duis.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshalAck measures building and writing an I99 acknowledgement.
func BenchmarkMarshalAck(b *testing.B) {
	req, err := duis.ParseRequest(typicalRequest(), duis.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := duis.Reply(req, "I99", now).Marshal(); err != nil {
			b.Fatal(err)
		}
	}
}
