package ppc_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/scenarios/ppc"
)

// FuzzParseRequest: any bytes give a request or a located error, never a panic; a request that
// parses has a requester, a CSP, a CHF and an ESME.
func FuzzParseRequest(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(requests, "*.yaml"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed requests in %s: %v", requests, err)
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("requested_by: 90-B3-D5-1F-30-01-00-00\ncsp: x\nmodels: {CHF: &a a, ESME: *a}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := ppc.ParseRequest("fuzz.yaml", data)
		if err != nil {
			var ye *yamldoc.Error
			if !errors.As(err, &ye) {
				t.Fatalf("error %v is not a located error", err)
			}
			return
		}
		if req.Combination.CSP == "" || req.Combination.Models[devices.KindCHF] == "" || req.Combination.Models[devices.KindESME] == "" {
			t.Fatalf("accepted an incomplete request: %+v", req)
		}
	})
}
