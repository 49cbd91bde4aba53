package scenarios_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/internal/testtool"
	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/users"
)

// externalDCC is a second mock DCC, smetsim's own, served on a real port with its fleet on a
// sped-up wall clock, as `smetsim serve` runs it; its async messages go to the runner's receiver
// through a proxy that loses the acknowledgement of the first one, so the DCC sends it again.
type externalDCC struct {
	url, listen, certs string
	delivered          atomic.Int32
}

func startExternalDCC() *externalDCC {
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

	ext := &externalDCC{}
	ext.listen, err = testtool.FreeAddr()
	Expect(err).NotTo(HaveOccurred())

	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rsp, err := http.Post("http://"+ext.listen+r.URL.Path, "application/xml", bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		_ = rsp.Body.Close()
		// The fleet runs on the wall clock and its meters raise alerts of their own: only the first
		// response to a request loses its acknowledgement.
		if bytes.Contains(body, []byte("<sr:RequestID>")) && ext.delivered.Add(1) == 1 {
			http.Error(w, "acknowledgement lost", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(rsp.StatusCode)
	}))
	DeferCleanup(proxy.Close)

	d, err := dcc.New(dcc.Config{Fleet: f, Catalogue: cat, Users: dir, Keys: keys, Lists: lists, ResponseURL: proxy.URL,
		Retry: dcc.Retry{Attempts: 3, First: 10 * time.Millisecond, Max: 50 * time.Millisecond}})
	Expect(err).NotTo(HaveOccurred())
	dl, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	srv := &http.Server{Handler: d.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(dl) }()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _ = f.Clock.Run(ctx) }()
	DeferCleanup(func() { cancel(); _ = srv.Close(); d.Close() })
	ext.url = "http://" + dl.Addr().String()

	var pem []byte
	for _, name := range []string{"pki/dcc.cert.pem", "pki/s1sp.cert.pem"} {
		b, err := fixtures.FS.ReadFile(name)
		Expect(err).NotTo(HaveOccurred())
		pem = append(pem, b...)
	}
	ext.certs = filepath.Join(GinkgoT().TempDir(), "dcc-certs.pem")
	Expect(os.WriteFile(ext.certs, pem, 0o644)).To(Succeed())
	return ext
}

func (e *externalDCC) options() scenarios.Options {
	return scenarios.Options{DCC: e.url, Users: filepath.Join("..", "fixtures", "users.yaml"), DCCCert: e.certs, Listen: e.listen}
}

var _ = Describe("Against an external DCC", func() {
	var ext *externalDCC
	BeforeEach(func() { ext = startExternalDCC() })

	It("sends over HTTP, receives on the listen address, and skips what needs the emulator, saying why", func() {
		sc := scenario("external",
			send(3, "8.2", "supplier", "DCC", "<ReadInventory><DeviceID>00-DB-12-34-56-78-90-A0</DeviceID></ReadInventory>", nil),
			send(4, "4.1.1", "supplier", esme, "<ReadInstantaneousImportRegisters/>", nil),
			device(5, esme, "supply", scenarios.OpEq, "enabled"),
			han(6, "wake", gsme, "", ""),
			fault(7, esme, "offline", time.Minute),
			send(8, "7.2", "supplier", esme, "<DisableSupply/>", nil),
		)
		res := scenarios.Run(context.Background(), []scenarios.Case{caseOf(sc)}, ext.options())
		Expect(res.DCC).To(Equal(ext.url))
		cr := res.Cases[0]
		Expect(cr.Status).To(Equal(scenarios.Passed), outcome(cr))
		for _, i := range []int{2, 3, 4} {
			Expect(cr.Steps[i].Status).To(Equal(scenarios.Skipped))
			Expect(cr.Steps[i].Skip).To(ContainSubstring("needs the emulated devices, which an external DCC (" + ext.url + ") does not expose"))
		}
		Expect(cr.Steps[1].Messages[len(cr.Steps[1].Messages)-1].Kind).To(Equal("response"))
		Expect(res.Warnings).NotTo(BeEmpty())
	})

	It("counts a message the DCC delivered twice once", func() {
		sc := scenario("duplicate")
		w, err := scenarios.NewWorld(sc, 1, ext.options())
		Expect(err).NotTo(HaveOccurred())
		defer w.Close()
		r := w.RunStep(send(3, "4.1.1", "supplier", esme, "<ReadInstantaneousImportRegisters/>", nil))
		Expect(r.Status).To(Equal(scenarios.Passed), r.Failure)
		id := r.Messages[len(r.Messages)-1].RequestID
		Eventually(func() int { return w.Receiver.Response(id).Count }).Should(Equal(2))
		Expect(w.Receiver.Duplicates()).To(BeNumerically(">=", 1))
		n := 0
		for _, m := range w.Receiver.Messages() {
			if m.RequestID == id {
				n++
				Expect(m.Err).NotTo(HaveOccurred())
			}
		}
		Expect(n).To(Equal(1), "one message for the request, however often it came")
		Expect(ext.delivered.Load()).To(BeNumerically(">=", 2))
	})

	It("fails every case, saying why, when the external DCC's settings are incomplete", func() {
		opts := ext.options()
		opts.DCCCert = ""
		res := scenarios.Run(context.Background(), []scenarios.Case{caseOf(scenario("x"))}, opts)
		Expect(res.Failed).To(Equal(1))
		Expect(res.Cases[0].Failure).To(ContainSubstring("--dcc-cert"))
	})
})
