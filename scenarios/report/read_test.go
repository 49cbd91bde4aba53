package report_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/scenarios/report"
)

// oneCase is a report.json with one passed case, for breaking one thing at a time.
const oneCase = `{
  "report_format": 1,
  "seed": 7,
  "started": "2026-06-01T00:00:00Z",
  "wall_ns": 1000,
  "dcc": "in-process",
  "cases": [
    {
      "id": "a.yaml::A",
      "name": "A",
      "file": "a.yaml",
      "seed": 8,
      "status": "passed",
      "wall_ns": 10,
      "virtual_ns": 0,
      "steps": [
        {"pos": {"File": "a.yaml", "Line": 3, "Column": 5}, "kind": "send", "name": "send 8.2", "status": "passed",
         "at": "2026-06-01T00:00:00Z", "wall_ns": 5,
         "messages": [{"kind": "request", "at": "2026-06-01T00:00:00Z", "xml": "<x/>"}]}
      ],
      "trt_breaches": 0
    }
  ],
  "passed": 1,
  "failed": 0,
  "skipped": 0
}
`

func writeReportJSON(content string) string {
	GinkgoHelper()
	dir := GinkgoT().TempDir()
	Expect(os.WriteFile(filepath.Join(dir, "report.json"), []byte(content), 0o644)).To(Succeed())
	return dir
}

var _ = Describe("Read", func() {
	It("reads a report.json written by hand in the documented format", func() {
		r, err := report.Read(writeReportJSON(oneCase))
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Seed).To(Equal(uint64(7)))
		Expect(r.Cases).To(HaveLen(1))
		Expect(r.Cases[0].Steps[0].Messages[0].XML).To(Equal("<x/>"))
		Expect(report.Summary(r)).To(Equal("1 passed, 0 failed, 0 skipped"))
	})

	It("ignores fields it does not know, so newer reports of the same format read", func() {
		_, err := report.Read(writeReportJSON(`{"report_format": 1, "seed": 1, "future_field": {"x": [1]}, "cases": []}`))
		Expect(err).NotTo(HaveOccurred())
	})

	It("says which directory has no report", func() {
		dir := GinkgoT().TempDir()
		_, err := report.Read(dir)
		Expect(err).To(MatchError(ContainSubstring(filepath.Join(dir, "report.json"))))
		Expect(errors.Is(err, os.ErrNotExist)).To(BeTrue())
	})

	DescribeTable("locates every mistake by line, column and field",
		func(content, want string) {
			dir := writeReportJSON(content)
			_, err := report.Read(dir)
			var ye *yamldoc.Error
			Expect(errors.As(err, &ye)).To(BeTrue(), "%T %v", err, err)
			Expect(ye.File).To(Equal(filepath.Join(dir, "report.json")))
			Expect(strings.TrimPrefix(err.Error(), filepath.Join(dir, "report.json")+":")).To(Equal(want))
		},
		Entry("not JSON", `seed: 1`, "1:1: invalid character 's' looking for beginning of value"),
		Entry("cut short", oneCase[:200], "11:22: cases[0].file: the file ends in the middle of the report: is it cut short?"),
		Entry("a list, not a report", `[1]`, "1:1: want an object, got array"),
		Entry("null", `null`, "1:1: want a report object, got null"),
		Entry("two documents", `{} {}`, "1:4: invalid character '{' after top-level value"),
		Entry("seed as a string", `{"seed": "x"}`, `1:10: seed: want a whole number, got string`),
		Entry("a negative seed", "{\n  \"seed\": -1}", `2:11: seed: want a whole number, got number -1`),
		Entry("cases as an object", `{"cases": {}}`, `1:11: cases: want a list, got object`),
		Entry("a status unknown", replace(`"status": "passed",`, `"status": "won",`), `13:17: cases[0].status: "won": want passed, failed or skipped`),
		Entry("a step status unknown", replace(`"status": "passed",
         "at"`, `"status": "ok",
         "at"`), `17:107: cases[0].steps[0].status: "ok": want passed, failed or skipped`),
		Entry("an evidence kind unknown", replace(`"kind": "request"`, `"kind": "postcard"`), `19:32: cases[0].steps[0].messages[0].kind: "postcard": want request, answer, response, alert`),
		Entry("a time that is not RFC 3339", replace(`"started": "2026-06-01T00:00:00Z"`, `"started": "yesterday"`), `4:14: started: "yesterday": want an RFC 3339 time (2026-06-01T00:00:00Z)`),
		Entry("a step time that is not RFC 3339", replace(`"at": "2026-06-01T00:00:00Z", "wall_ns"`, `"at": 5, "wall_ns"`), `18:16: cases[0].steps[0].at: want an RFC 3339 time (2026-06-01T00:00:00Z)`),
		Entry("totals that do not match the cases", replace(`"passed": 1`, `"passed": 2`), `24:13: passed: 2, but 1 cases passed`),
		Entry("a case without an ID", replace(`"id": "a.yaml::A",`, ``), `8:5: cases[0].id: a case needs an ID`),
		Entry("the same case twice", replace(`"passed": 1`, `"passed": 2`)[:0]+`{"cases": [{"id": "x", "status": "passed"},
  {"id": "x", "status": "passed"}], "passed": 2}`, `2:10: cases[1].id: case "x" is also cases[0]`),
		Entry("a negative duration", replace(`"wall_ns": 1000`, `"wall_ns": -1`), `5:14: wall_ns: negative duration`),
		Entry("a shard that does not exist", replace(`"seed": 7,`, `"seed": 7, "shard": "5/4",`), `3:23: shard: "5/4": shard 5 of 4 does not exist`),
		Entry("a shard label of another form", replace(`"seed": 7,`, `"seed": 7, "shard": "half",`), `3:23: shard: "half": want k/N (e.g. 2/4), or a comma-separated list of them`),
		Entry("a newer format", replace(`"report_format": 1`, `"report_format": 2`), `2:20: report_format: format 2 is newer than this smetsim reads (1): use a newer smetsim`),
	)

	It("refuses a file too large to be a report", func() {
		dir := GinkgoT().TempDir()
		f, err := os.Create(filepath.Join(dir, "report.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Truncate(report.MaxReportBytes + 1)).To(Succeed())
		Expect(f.Close()).To(Succeed())
		_, err = report.Read(dir)
		Expect(err).To(MatchError(ContainSubstring("larger than 256 MiB")))
	})
})

// replace is oneCase with old replaced by new; old must be there.
func replace(old, new string) string {
	GinkgoHelper()
	Expect(oneCase).To(ContainSubstring(old))
	return stringsReplace(oneCase, old, new)
}
