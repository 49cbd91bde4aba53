package dcc_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/internal/testtool"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/duis/dsig"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/inventory"
	"github.com/smetsim/smetsim/simulator/users"
)

func TestDCC(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Mock DCC Suite")
}

var (
	supplier = eui("90-B3-D5-1F-30-01-00-00")
	distrib  = eui("90-B3-D5-1F-30-02-00-00")
	other    = eui("00-DB-12-34-56-78-00-04")
	esme     = eui("00-DB-12-34-56-78-90-A0")
	gsme     = eui("00-DB-12-34-56-78-90-A1")
	chf      = eui("00-DB-12-34-56-78-90-A2")
	gpf      = eui("00-DB-12-34-56-78-90-A3")
	ppmid    = eui("00-DB-12-34-56-78-90-A4")
)

func eui(s string) devices.EUI64 {
	e, err := devices.ParseEUI64(s)
	if err != nil {
		panic(err)
	}
	return e
}

// env is a mock DCC over the default fleet, with a client per user.
type env struct {
	f       *fleet.Fleet
	d       *dcc.DCC
	signers map[devices.EUI64]*dsig.Signer
	counter uint64
	keepDir string
}

type envOptions struct {
	users      *users.Directory
	ppcOpen    bool
	consumers  bool
	dataLimits dcc.DataLimits
	fleet      func(*fleet.Spec) // edits the default fleet before it is built
	config     func(*dcc.Config) // changes the DCC's configuration before it starts
}

func loadUsers() *users.Directory {
	dir, err := users.Load(fixtures.FS, fixtures.UsersFile)
	Expect(err).NotTo(HaveOccurred())
	return dir
}

func newEnv(o envOptions) *env {
	cat, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
	Expect(err).NotTo(HaveOccurred())
	spec, err := fleet.LoadSpec(fixtures.FS, fixtures.DefaultFleet, cat)
	Expect(err).NotTo(HaveOccurred())
	if o.fleet != nil {
		o.fleet(spec)
	}
	f, err := fleet.Build(spec, fleet.Options{Consumers: o.consumers})
	Expect(err).NotTo(HaveOccurred())
	if o.users == nil {
		o.users = loadUsers()
	}
	keys, err := dcc.LoadKeys(fixtures.FS, fixtures.PKIDir, fixtures.UsersFile, o.users)
	Expect(err).NotTo(HaveOccurred())
	epc, _ := fixtures.FS.ReadFile(fixtures.EPCFile)
	ppc, _ := fixtures.FS.ReadFile(fixtures.PPCFile)
	lists, err := inventory.ParseLists(fixtures.EPCFile, epc, fixtures.PPCFile, ppc, cat.Lookup)
	Expect(err).NotTo(HaveOccurred())
	if o.ppcOpen {
		Expect(lists.SetTestOpen("PPC-0001", true)).To(Succeed())
	}
	cfg := dcc.Config{Fleet: f, Catalogue: cat, Users: o.users, Keys: keys, Lists: lists, DataLimits: o.dataLimits,
		Retry: dcc.Retry{Attempts: 3, First: 10 * time.Millisecond, Max: 50 * time.Millisecond}}
	if o.config != nil {
		o.config(&cfg)
	}
	d, err := dcc.New(cfg)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(d.Close)
	e := &env{f: f, d: d, signers: map[devices.EUI64]*dsig.Signer{}, counter: 1000, keepDir: GinkgoT().TempDir()}
	for _, u := range o.users.Users {
		key, err := fs.ReadFile(fixtures.FS, path.Join(path.Dir(fixtures.UsersFile), u.Key))
		Expect(err).NotTo(HaveOccurred())
		cert, err := fs.ReadFile(fixtures.FS, path.Join(path.Dir(fixtures.UsersFile), u.Certificate))
		Expect(err).NotTo(HaveOccurred())
		s, err := dsig.ParseSigner(key, cert)
		Expect(err).NotTo(HaveOccurred())
		e.signers[u.EUI] = s
	}
	return e
}

// request builds and signs a request; body is the inner XML of the body element (sr: prefix).
func (e *env) request(from, to devices.EUI64, cv int, variant, body string) []byte {
	e.counter++
	return e.requestWithCounter(from, to, cv, variant, body, e.counter)
}

func (e *env) requestWithCounter(from, to devices.EUI64, cv int, variant, body string, counter uint64) []byte {
	ref := variant
	if parts := strings.Split(variant, "."); len(parts) == 3 {
		ref = parts[0] + "." + parts[1]
	}
	req := &duis.Request{SchemaVersion: "5.4", Header: duis.Header{
		RequestID: duis.RequestID{Originator: from, Target: to, Counter: counter}, CommandVariant: cv,
		ServiceReference: ref, ServiceReferenceVariant: variant},
		Body: duis.Body{Name: elementName(body), Raw: []byte(body)}}
	unsigned, err := req.Marshal()
	Expect(err).NotTo(HaveOccurred())
	signed, err := e.signers[from].Sign(unsigned)
	Expect(err).NotTo(HaveOccurred())
	return signed
}

func elementName(body string) string {
	s := strings.TrimPrefix(body, "<sr:")
	end := strings.IndexAny(s, " />")
	return s[:end]
}

// serve posts a document and checks every DUIS answer is schema-valid and signed by the DCC.
func (e *env) serve(path string, doc []byte) dcc.Answer {
	ans := e.d.Serve(path, doc)
	if ans.HTTPStatus == 200 {
		e.validate(ans.Body)
		_, err := dsig.Verify(ans.Body, dsig.NewCertStore(e.dccCert()))
		Expect(err).NotTo(HaveOccurred(), "the DCC's answer must verify")
	}
	return ans
}

func (e *env) dccCert() *x509.Certificate {
	data, err := fs.ReadFile(fixtures.FS, "pki/dcc.cert.pem")
	Expect(err).NotTo(HaveOccurred())
	return certFromPEM(data)
}

func certFromPEM(data []byte) *x509.Certificate {
	block, _ := pem.Decode(data)
	Expect(block).NotTo(BeNil())
	c, err := x509.ParseCertificate(block.Bytes)
	Expect(err).NotTo(HaveOccurred())
	return c
}

// run advances the fleet's virtual clock and waits for deliveries.
func (e *env) run(d time.Duration) {
	Expect(e.f.Clock.RunFor(context.Background(), d)).To(Succeed())
	e.d.Wait()
}

// outbox returns a user's async messages, each checked against the schema and both signatures.
func (e *env) outbox(user devices.EUI64) []*dcc.Message {
	msgs := e.d.Outbox(user)
	for _, m := range msgs {
		e.validate(m.Body)
		_, err := dsig.Verify(m.Body, dsig.NewCertStore(e.dccCert()))
		Expect(err).NotTo(HaveOccurred())
		if strings.Contains(string(m.Body), "SMETS1SignedResponse") {
			_, err := dsig.VerifyEmbedded(m.Body, dsig.SMETS1SignedResponse, dsig.NewCertStore(e.s1spCert()))
			Expect(err).NotTo(HaveOccurred(), "the S1SP's signature must verify")
		}
	}
	return msgs
}

func (e *env) s1spCert() *x509.Certificate {
	data, err := fs.ReadFile(fixtures.FS, "pki/s1sp.cert.pem")
	Expect(err).NotTo(HaveOccurred())
	return certFromPEM(data)
}

// validate runs xmllint against the DUIS 5.4 schema, when both are at hand.
func (e *env) validate(doc []byte) {
	xsd := sharedFile("duis/duis-5.4.xsd")
	if xsd == "" {
		return
	}
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		return
	}
	f := filepath.Join(e.keepDir, "doc.xml")
	Expect(os.WriteFile(f, doc, 0o644)).To(Succeed())
	out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", xsd, f).CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "xmllint: %s\n%s", out, doc)
}

// sharedFile finds a file of ../shared beside the repository, or "".
func sharedFile(rel string) string {
	dir, _ := os.Getwd()
	for i := 0; i < 6; i++ {
		p := filepath.Join(dir, "shared", rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		dir = filepath.Dir(dir)
	}
	return ""
}

func requireJudges() {
	testtool.Require("xmllint")
	if sharedFile("duis/duis-5.4.xsd") == "" {
		Skip("../shared/duis/duis-5.4.xsd not found beside the repository")
	}
}

func signerKey(e *env, u devices.EUI64) *ecdsa.PrivateKey { return e.signers[u].Key }

func base64Decode(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

func base64Encode(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
