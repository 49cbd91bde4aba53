package uts_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/internal/testtool"
	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/scenarios/uts"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/duis/dsig"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/users"
)

func TestUTS(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "UTS Suite")
}

// utsServer is a UTS session served on a real port, its fleet on a sped-up wall clock, as
// `smetsim uts serve` runs it.
type utsServer struct {
	session *uts.Session
	url     string
	certs   string // a PEM file with the DCC's and the S1SP's certificates
}

// freeAddr returns a local address nothing listens on yet.
func freeAddr() string {
	addr, err := testtool.FreeAddr()
	Expect(err).NotTo(HaveOccurred())
	return addr
}

func startUTS(pack *uts.Pack, responseURL string) *utsServer {
	cat, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
	Expect(err).NotTo(HaveOccurred())
	spec, err := fleet.LoadSpec(fixtures.FS, fixtures.DefaultFleet, cat)
	Expect(err).NotTo(HaveOccurred())
	f, err := fleet.Build(spec, fleet.Options{Speed: 50})
	Expect(err).NotTo(HaveOccurred())
	dir, err := users.Load(fixtures.FS, fixtures.UsersFile)
	Expect(err).NotTo(HaveOccurred())
	keys, err := dcc.LoadKeys(fixtures.FS, fixtures.PKIDir, fixtures.UsersFile, dir)
	Expect(err).NotTo(HaveOccurred())
	lists, err := scenarios.FixtureLists()
	Expect(err).NotTo(HaveOccurred())

	s, err := uts.New(uts.Config{Pack: pack, DCC: dcc.Config{Fleet: f, Catalogue: cat, Users: dir, Keys: keys, Lists: lists,
		ResponseURL: responseURL}})
	Expect(err).NotTo(HaveOccurred())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _ = f.Clock.Run(ctx) }()
	DeferCleanup(func() { cancel(); _ = srv.Close(); s.Close() })

	var pem []byte
	for _, name := range []string{"pki/dcc.cert.pem", "pki/s1sp.cert.pem"} {
		b, err := fixtures.FS.ReadFile(name)
		Expect(err).NotTo(HaveOccurred())
		pem = append(pem, b...)
	}
	certs := filepath.Join(GinkgoT().TempDir(), "dcc-certs.pem")
	Expect(os.WriteFile(certs, pem, 0o644)).To(Succeed())
	return &utsServer{session: s, url: "http://" + ln.Addr().String(), certs: certs}
}

func signer(user string) *dsig.Signer {
	key, err := fixtures.FS.ReadFile("pki/users/" + user + ".key.pem")
	Expect(err).NotTo(HaveOccurred())
	cert, err := fixtures.FS.ReadFile("pki/users/" + user + ".cert.pem")
	Expect(err).NotTo(HaveOccurred())
	s, err := dsig.ParseSigner(key, cert)
	Expect(err).NotTo(HaveOccurred())
	return s
}

func eui(s string) devices.EUI64 {
	e, err := devices.ParseEUI64(s)
	Expect(err).NotTo(HaveOccurred())
	return e
}

// signedRequest builds and signs a request as a User's system does, with whatever counter and
// command variant it is given.
func signedRequest(s *dsig.Signer, from, to devices.EUI64, counter uint64, cv int, ref, variant, body string) []byte {
	req := &duis.Request{Header: duis.Header{RequestID: duis.RequestID{Originator: from, Target: to, Counter: counter},
		CommandVariant: cv, ServiceReference: ref, ServiceReferenceVariant: variant}, Body: duis.Body{Name: body, Raw: []byte("<sr:" + body + "/>")}}
	unsigned, err := req.Marshal()
	Expect(err).NotTo(HaveOccurred())
	doc, err := s.Sign(unsigned)
	Expect(err).NotTo(HaveOccurred())
	return doc
}

func post(url string, doc []byte) (int, string) {
	rsp, err := http.Post(url, "application/xml", bytes.NewReader(doc))
	Expect(err).NotTo(HaveOccurred())
	defer rsp.Body.Close()
	b, _ := io.ReadAll(rsp.Body)
	return rsp.StatusCode, string(b)
}
