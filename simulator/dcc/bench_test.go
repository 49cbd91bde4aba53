package dcc_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"sync"
	"testing"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/duis/dsig"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/inventory"
	"github.com/smetsim/smetsim/simulator/users"
)

// benchDCC is a mock DCC over the default fleet behind a loopback HTTP server, with a signer per
// user, built without Ginkgo so benchmarks can use it.
type benchDCC struct {
	srv     *httptest.Server
	d       *dcc.DCC
	f       *fleet.Fleet
	dir     *users.Directory
	signers map[devices.EUI64]*dsig.Signer
}

func newBenchDCC(tb testing.TB, cfg func(*dcc.Config)) *benchDCC {
	tb.Helper()
	must := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	cat, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
	must(err)
	spec, err := fleet.LoadSpec(fixtures.FS, fixtures.DefaultFleet, cat)
	must(err)
	f, err := fleet.Build(spec, fleet.Options{})
	must(err)
	dir, err := users.Load(fixtures.FS, fixtures.UsersFile)
	must(err)
	keys, err := dcc.LoadKeys(fixtures.FS, fixtures.PKIDir, fixtures.UsersFile, dir)
	must(err)
	epc, err := fixtures.FS.ReadFile(fixtures.EPCFile)
	must(err)
	ppc, err := fixtures.FS.ReadFile(fixtures.PPCFile)
	must(err)
	lists, err := inventory.ParseLists(fixtures.EPCFile, epc, fixtures.PPCFile, ppc, cat.Lookup)
	must(err)
	c := dcc.Config{Fleet: f, Catalogue: cat, Users: dir, Keys: keys, Lists: lists}
	if cfg != nil {
		cfg(&c)
	}
	d, err := dcc.New(c)
	must(err)
	bd := &benchDCC{d: d, f: f, dir: dir, signers: map[devices.EUI64]*dsig.Signer{}}
	for _, u := range dir.Users {
		key, err := fs.ReadFile(fixtures.FS, path.Join(path.Dir(fixtures.UsersFile), u.Key))
		must(err)
		cert, err := fs.ReadFile(fixtures.FS, path.Join(path.Dir(fixtures.UsersFile), u.Certificate))
		must(err)
		s, err := dsig.ParseSigner(key, cert)
		must(err)
		bd.signers[u.EUI] = s
	}
	bd.srv = httptest.NewServer(d.Handler())
	tb.Cleanup(func() { bd.srv.Close(); d.Close() })
	return bd
}

// readInventory is a signed 8.2 Read Inventory of the default fleet's ESME, from user u.
func (bd *benchDCC) readInventory(b *testing.B, u devices.EUI64, counter uint64, sign bool) []byte {
	dev := devices.EUI64{0x00, 0xDB, 0x12, 0x34, 0x56, 0x78, 0x90, 0xA0}
	body, err := duis.ReadInventory{DeviceID: &dev}.Body()
	if err != nil {
		b.Fatal(err)
	}
	req := &duis.Request{SchemaVersion: "5.4", Header: duis.Header{
		RequestID:      duis.RequestID{Originator: u, Target: dcc.EUI, Counter: counter},
		CommandVariant: 8, ServiceReference: "8.2", ServiceReferenceVariant: "8.2"}, Body: body}
	doc, err := req.Marshal()
	if err != nil {
		b.Fatal(err)
	}
	if !sign {
		return doc
	}
	signed, err := bd.signers[u].Sign(doc)
	if err != nil {
		b.Fatal(err)
	}
	return signed
}

// BenchmarkDUISLoopback is the mock DCC's end-to-end throughput: signed 8.2 Read Inventory
// requests POSTed over loopback HTTP by one client per DCC User (each with its own counter), every
// one parsed, its signature verified, checked, answered from the SMI and the answer signed. The
// requests are signed before the clock starts: the figure is the DCC's, not the client's. The
// "signatures-off" variant runs the same pipeline with signature checking and response signing
// switched off, to show what the cryptography costs.
func BenchmarkDUISLoopback(b *testing.B) {
	b.Run("signatures-on", func(b *testing.B) { benchLoopback(b, true) })
	b.Run("signatures-off", func(b *testing.B) { benchLoopback(b, false) })
}

func benchLoopback(b *testing.B, signatures bool) {
	bd := newBenchDCC(b, func(c *dcc.Config) { c.Unsigned = !signatures })
	us := bd.dir.Users
	reqs := make([][][]byte, len(us))
	for i, u := range us {
		per := b.N / len(us)
		if i < b.N%len(us) {
			per++
		}
		reqs[i] = make([][]byte, per)
		for j := range per {
			reqs[i][j] = bd.readInventory(b, u.EUI, uint64(j+1), signatures)
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: len(us)}}
	url := bd.srv.URL + dcc.PathNonDevice
	var failed sync.Map
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	t0 := time.Now()
	for i := range us {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, req := range reqs[i] {
				resp, err := client.Post(url, "application/xml", bytes.NewReader(req))
				if err != nil {
					failed.Store("error", err.Error())
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if !bytes.Contains(body, []byte("<sr:ResponseCode>I0</sr:ResponseCode>")) {
					failed.Store("error", fmt.Sprintf("HTTP %d, %s: %.300s", resp.StatusCode, resp.Header.Get(dcc.ReasonHeader), body))
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	b.StopTimer()
	if msg, ok := failed.Load("error"); ok {
		b.Fatal(msg)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
}

// BenchmarkDUISCeiling is the ECDSA P-256 cost the DCC cannot avoid per request — verify the
// request's signature and sign its answer — on SHA-256 digests, with nothing else: the ceiling
// BenchmarkDUISLoopback's signatures-on figure is judged against. `make bench` prints the ratio.
func BenchmarkDUISCeiling(b *testing.B) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	digest := sha256.Sum256([]byte("a canonicalised SignedInfo"))
	b.ReportAllocs()
	b.ResetTimer()
	t0 := time.Now()
	// On every core, as the loopback benchmark's server is.
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
			if err != nil {
				b.Error(err)
				return
			}
			if !ecdsa.Verify(&key.PublicKey, digest[:], r, s) {
				b.Error("signature does not verify")
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "req/s")
}
