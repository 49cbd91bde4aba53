package dcc_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/smetsim/smetsim/simulator/dcc"
)

var (
	fuzzRequestID = regexp.MustCompile(`<sr:RequestID>[^:<]*:([^:<]*):[^<]*</sr:RequestID>`)
	fuzzSignature = regexp.MustCompile(`(?s)<ds:Signature[ >].*</ds:Signature>`)
)

// FuzzServe posts arbitrary documents to the mock DCC, seeded with every DCC template request
// (when ../shared is beside the repository) sent as the default supplier, and runs the clock so
// that whatever was accepted is carried out on the devices: every document gets a DUIS answer or
// a 4xx with a reason, and nothing — parser, checks, SRV body readers, device steps — crashes.
// Signatures are off so that the fuzzer's documents reach the body readers.
func FuzzServe(f *testing.F) {
	bd := newBenchDCC(f, func(c *dcc.Config) { c.Unsigned = true })
	paths := []string{dcc.PathSendCommand, dcc.PathTransform, dcc.PathNonDevice}
	counter := 0
	if dir := sharedFile("reference/duis-templates/templates"); dir != "" {
		names, _ := filepath.Glob(filepath.Join(dir, "*.XML"))
		for _, name := range names {
			doc, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			counter++
			doc = fuzzRequestID.ReplaceAll(doc, []byte(fmt.Sprintf("<sr:RequestID>90-B3-D5-1F-30-01-00-00:${1}:%d</sr:RequestID>", counter)))
			doc = fuzzSignature.ReplaceAll(doc, nil)
			for i := range paths {
				f.Add(uint8(i), doc)
			}
		}
	}
	f.Add(uint8(2), []byte(`<sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="5.4"><sr:Header>`+
		`<sr:RequestID>90-B3-D5-1F-30-01-00-00:90-B3-D5-1F-30-00-00-02:1</sr:RequestID><sr:CommandVariant>8</sr:CommandVariant>`+
		`<sr:ServiceReference>8.2</sr:ServiceReference><sr:ServiceReferenceVariant>8.2</sr:ServiceReferenceVariant></sr:Header>`+
		`<sr:Body><sr:ReadInventory><sr:DeviceID>00-DB-12-34-56-78-90-A0</sr:DeviceID></sr:ReadInventory></sr:Body></sr:Request>`))
	f.Add(uint8(0), []byte("not xml"))
	f.Fuzz(func(t *testing.T, path uint8, doc []byte) {
		ans := bd.d.Serve(paths[int(path)%len(paths)], doc)
		switch {
		case ans.HTTPStatus == 200 && (len(ans.Body) == 0 || ans.Code == ""):
			t.Fatalf("HTTP 200 without a DUIS answer: %+v", ans)
		case ans.HTTPStatus != 200 && (ans.HTTPStatus < 400 || ans.HTTPStatus > 499 || ans.Reason == ""):
			t.Fatalf("HTTP %d without a reason", ans.HTTPStatus)
		}
		if err := bd.f.Clock.RunFor(context.Background(), 2*time.Minute); err != nil {
			t.Fatal(err)
		}
	})
}
