package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

const readFirmwareRequest = "testdata/read-firmware-version.xml"

// syncBuffer is a buffer a running command writes while a spec reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is `smetsim serve` running in the background.
type server struct {
	base        string
	out, errOut *syncBuffer
	stop        func() int // stops it and returns its exit code
}

func startServe(args ...string) *server {
	GinkgoHelper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{out: &syncBuffer{}, errOut: &syncBuffer{}}
	code := make(chan int, 1)
	go func() {
		code <- executeContext(ctx, &IOStreams{In: strings.NewReader(""), Out: s.out, ErrOut: s.errOut},
			append([]string{"serve", "--addr", "127.0.0.1:0"}, args...))
	}()
	listening := regexp.MustCompile(`listening on (http://\S+)`)
	Eventually(func() string {
		select {
		case c := <-code:
			code <- c
			Fail("serve exited " + s.errOut.String())
		default:
		}
		return s.out.String()
	}).WithTimeout(20 * time.Second).Should(MatchRegexp(listening.String()))
	s.base = listening.FindStringSubmatch(s.out.String())[1]
	var once sync.Once
	exit := 0
	s.stop = func() int {
		once.Do(func() { cancel(); exit = <-code })
		return exit
	}
	DeferCleanup(func() { s.stop() })
	return s
}

// signedRequest fills the request template's counter and signs it with `smetsim duis sign`, as a
// user would.
func signedRequest(template string, counter string) []byte {
	GinkgoHelper()
	data, err := os.ReadFile(template)
	Expect(err).NotTo(HaveOccurred())
	path := filepath.Join(GinkgoT().TempDir(), "request.xml")
	Expect(os.WriteFile(path, bytes.ReplaceAll(data, []byte("COUNTER"), []byte(counter)), 0o644)).To(Succeed())
	r := smetsim("duis", "sign", "--key", supplierKey, "--cert", supplierCrt, path)
	Expect(r.code).To(Equal(exitOK), r.errOut)
	return []byte(r.out)
}

func post(url string, body []byte) (int, http.Header, string) {
	GinkgoHelper()
	resp, err := http.Post(url, "application/xml", bytes.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return resp.StatusCode, resp.Header, string(b)
}

// receiver is a user's Receive Response Service.
type receiver struct {
	mu   sync.Mutex
	docs []string
	srv  *httptest.Server
}

func newReceiver() *receiver {
	r := &receiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.docs = append(r.docs, string(b))
		r.mu.Unlock()
	}))
	DeferCleanup(r.srv.Close)
	return r
}

func (r *receiver) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.docs...)
}

var responseCode = regexp.MustCompile(`<sr:ResponseCode>(\w+)</sr:ResponseCode>`)

var _ = Describe("serve", func() {
	It("answers a signed device request I99 and posts the device's signed answer to the response URL", func() {
		rcv := newReceiver()
		s := startServe("--speed", "600", "--response-url", rcv.srv.URL)
		Expect(s.out.String()).To(ContainSubstring("POST " + s.base + "/api/v1/serviceS"))
		Expect(s.out.String()).To(MatchRegexp(`fleet "[^"]+": 100 premises`))

		status, _, body := post(s.base+"/api/v1/serviceS", signedRequest(readFirmwareRequest, "7001"))
		Expect(status).To(Equal(http.StatusOK))
		Expect(responseCode.FindStringSubmatch(body)).To(Equal([]string{"<sr:ResponseCode>I99</sr:ResponseCode>", "I99"}))

		// The fleet's other premises raise alerts to the same supplier (a drifting clock's 8145)
		// and may post one first: the answer is the message carrying the request's ID.
		answer := func() string {
			for _, m := range rcv.received() {
				if strings.Contains(m, "<sr:RequestID>90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:7001<") {
					return m
				}
			}
			return ""
		}
		Eventually(answer).WithTimeout(30 * time.Second).ShouldNot(BeEmpty())
		async := answer()
		Expect(async).To(ContainSubstring("90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:7001"))
		Expect(async).To(ContainSubstring("ReadFirmwareVersionRsp"))
		Expect(responseCode.FindStringSubmatch(async)[1]).To(Equal("I0"))
		// The user checks the DCC's signature on what it received.
		path := filepath.Join(GinkgoT().TempDir(), "async.xml")
		Expect(os.WriteFile(path, []byte(async), 0o644)).To(Succeed())
		v := smetsim("duis", "verify", "--cert", fixturePKI+"/dcc.cert.pem", "--s1sp-cert", fixturePKI+"/s1sp.cert.pem", path)
		Expect(v.code).To(Equal(exitOK), v.errOut)

		Expect(s.stop()).To(Equal(exitOK))
		Expect(s.out.String()).To(ContainSubstring("served 1 DUIS requests: I99 1; device answers: I0 1; 0 beyond their target response time"))
		Expect(s.errOut.String()).To(ContainSubstring("path=/api/v1/serviceS status=200"))
	})

	It("refuses a replayed counter with E3 and says why in X-Smetsim-Reason", func() {
		s := startServe("--quiet")
		req := signedRequest(readFirmwareRequest, "9")
		status, _, body := post(s.base+"/api/v1/serviceS", req)
		Expect(status).To(Equal(http.StatusOK))
		Expect(responseCode.FindStringSubmatch(body)[1]).To(Equal("I99"))
		status, hdr, body := post(s.base+"/api/v1/serviceS", req)
		Expect(status).To(Equal(http.StatusOK))
		Expect(responseCode.FindStringSubmatch(body)[1]).To(Equal("E3"))
		Expect(hdr.Get("X-Smetsim-Reason")).To(ContainSubstring("counter"))
	})

	It("answers what is not DUIS with a 4xx and an explanation", func() {
		s := startServe("--quiet")
		status, _, body := post(s.base+"/api/v1/serviceS", []byte("hello"))
		Expect(status).To(Equal(http.StatusBadRequest))
		Expect(body).To(ContainSubstring("not a DUIS request"))
		resp, err := http.Get(s.base + "/api/v1/serviceS")
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
	})

	DescribeTable("refuses bad input with exit code 2 and names the flag",
		func(want string, args ...string) {
			r := smetsim(append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
			Expect(r.code).To(Equal(exitBadInput))
			Expect(r.errOut).To(ContainSubstring(want))
		},
		Entry("a zero speed", "--speed 0", "--speed", "0"),
		Entry("a response URL that is not HTTP", "--response-url", "--response-url", "ftp://x"),
		Entry("a missing users file", "no-such-users.yaml", "--users", "no-such-users.yaml"),
		Entry("an unknown PPC entry", "--ppc-open PPC-9999", "--ppc-open", "PPC-9999"),
		Entry("a bad start time", "--start", "--start", "yesterday"),
	)

	It("loads a users file from disk with certificates relative to it", func() {
		dir := GinkgoT().TempDir()
		abs, err := filepath.Abs(fixturePKI)
		Expect(err).NotTo(HaveOccurred())
		users := "users:\n  - eui: 90-B3-D5-1F-30-01-00-00\n    roles: [IS, GS]\n    certificate: " +
			filepath.Join(abs, "users/90-B3-D5-1F-30-01-00-00.cert.pem") + "\n"
		rel, err := filepath.Rel(dir, abs)
		Expect(err).NotTo(HaveOccurred())
		users = strings.Replace(users, abs, rel, 1)
		Expect(os.WriteFile(filepath.Join(dir, "users.yaml"), []byte(users), 0o644)).To(Succeed())
		s := startServe("--quiet", "--users", filepath.Join(dir, "users.yaml"))
		Expect(s.out.String()).To(ContainSubstring("users: 1"))
		status, _, body := post(s.base+"/api/v1/serviceS", signedRequest(readFirmwareRequest, "11"))
		Expect(status).To(Equal(http.StatusOK))
		Expect(responseCode.FindStringSubmatch(body)[1]).To(Equal("I99"))
	})
})
