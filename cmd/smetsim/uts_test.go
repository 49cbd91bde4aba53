package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// utsRun is `smetsim uts serve --once` running in the background.
type utsRun struct {
	base        string
	out, errOut *syncBuffer
	code        chan int
}

func startUTS(args ...string) *utsRun {
	GinkgoHelper()
	ctx, cancel := context.WithCancel(context.Background())
	DeferCleanup(cancel)
	r := &utsRun{out: &syncBuffer{}, errOut: &syncBuffer{}, code: make(chan int, 1)}
	go func() {
		r.code <- executeContext(ctx, &IOStreams{In: strings.NewReader(""), Out: r.out, ErrOut: r.errOut},
			append([]string{"uts", "serve", "--addr", "127.0.0.1:0", "--quiet"}, args...))
	}()
	listening := regexp.MustCompile(`listening on (http://\S+)`)
	Eventually(func() string {
		select {
		case c := <-r.code:
			r.code <- c
			Fail("uts serve exited: " + r.errOut.String())
		default:
		}
		return r.out.String()
	}).WithTimeout(20 * time.Second).Should(MatchRegexp(listening.String()))
	r.base = listening.FindStringSubmatch(r.out.String())[1]
	return r
}

func onePackFile() string {
	GinkgoHelper()
	p := filepath.Join(GinkgoT().TempDir(), "pack.yaml")
	Expect(os.WriteFile(p, []byte("name: firmware\ncases:\n  - {name: read firmware, srv: \"11.2\", stimulus: duplicate}\n"), 0o644)).To(Succeed())
	return p
}

var _ = Describe("uts serve", func() {
	DescribeTable("runs a pack to its end with --once, writes the report, and exits by the verdict",
		func(status, exit int, verdict string) {
			rrs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) }))
			DeferCleanup(rrs.Close)
			dir := filepath.Join(GinkgoT().TempDir(), "report")
			r := startUTS("--once", "--speed", "600", "--pack", onePackFile(), "--response-url", rrs.URL, "--report-dir", dir)
			Expect(r.out.String()).To(ContainSubstring(`pack "firmware": 1 cases`))
			code, _, _ := post(r.base+"/api/v1/serviceS", signedRequest(readFirmwareRequest, "41"))
			Expect(code).To(Equal(http.StatusOK))
			Eventually(r.code).WithTimeout(30 * time.Second).Should(Receive(Equal(exit)))
			Expect(r.out.String()).To(ContainSubstring(verdict))
			data, err := os.ReadFile(filepath.Join(dir, "uts.json"))
			Expect(err).NotTo(HaveOccurred())
			var rep struct {
				Complete bool `json:"complete"`
				Cases    []struct {
					Class    string `json:"class"`
					Evidence []struct {
						HTTPStatus int `json:"http_status"`
					} `json:"evidence"`
				} `json:"cases"`
			}
			Expect(json.Unmarshal(data, &rep)).To(Succeed())
			Expect(rep.Complete).To(BeTrue())
			Expect(filepath.Join(dir, "uts.html")).To(BeARegularFile())
			Expect(filepath.Join(dir, "junit.xml")).To(BeARegularFile())
		},
		Entry("a receiver that answers 204", http.StatusNoContent, exitOK, "UTS: 2 passed, 0 failed; pack complete"),
		Entry("a receiver that answers 200", http.StatusOK, exitFailed, "FAIL pack read firmware: receive: the response was answered HTTP 200; want 204"),
	)

	It("fails the cases a User never exercised when stopped", func() {
		dir := filepath.Join(GinkgoT().TempDir(), "report")
		ctx, cancel := context.WithCancel(context.Background())
		out, errOut := &syncBuffer{}, &syncBuffer{}
		code := make(chan int, 1)
		go func() {
			code <- executeContext(ctx, &IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut},
				[]string{"uts", "serve", "--addr", "127.0.0.1:0", "--quiet", "--pack", onePackFile(), "--report-dir", dir, "--json"})
		}()
		Eventually(out.String).WithTimeout(20 * time.Second).Should(ContainSubstring("listening on"))
		cancel()
		Eventually(code).WithTimeout(20 * time.Second).Should(Receive(Equal(exitFailed)))
		Expect(out.String()).To(ContainSubstring(`"failure": "exercised: the User sent no 11.2`))
		Expect(errOut.String()).To(ContainSubstring("UTS: 1 of 1 cases failed; the pack is not complete"))
		Expect(filepath.Join(dir, "uts.json")).To(BeARegularFile())
	})

	DescribeTable("refuses bad input with exit code 2, naming what is wrong",
		func(want string, args ...string) {
			r := smetsim(append([]string{"uts", "serve", "--addr", "127.0.0.1:0"}, args...)...)
			Expect(r.code).To(Equal(exitBadInput))
			Expect(r.errOut).To(ContainSubstring(want))
		},
		Entry("a pack that is not there", "no-such-pack.yaml", "--pack", "no-such-pack.yaml"),
		Entry("a pack with a mistake", "bad.yaml:3:5: cases[0].srv", "--pack", "testdata/uts/bad.yaml"),
		Entry("a zero speed", "--speed 0", "--speed", "0"),
		Entry("a response URL that is not HTTP", "--response-url", "--response-url", "ftp://x"),
	)
})

var _ = Describe("uts validate", func() {
	It("lists the built-in pack's cases, and as JSON", func() {
		r := smetsim("uts", "validate")
		Expect(r.code).To(Equal(exitOK), r.errOut)
		Expect(r.out).To(ContainSubstring(`pack "UTS core pack": 12 cases`))
		Expect(r.out).To(MatchRegexp(`packs/uts/pack.yaml:\d+ +7.4 +late 2s +Supply status response held back`))
		j := smetsim("uts", "validate", "--json")
		Expect(j.code).To(Equal(exitOK), j.errOut)
		var out struct {
			Cases []struct {
				SRV      string `json:"srv"`
				Stimulus string `json:"stimulus"`
				Code     string `json:"code"`
			} `json:"cases"`
		}
		Expect(json.Unmarshal([]byte(j.out), &out)).To(Succeed())
		Expect(out.Cases).To(HaveLen(12))
		Expect(out.Cases[3].Code).To(Equal("E5"))
	})

	It("names the file, line, column and field of a mistake, exit code 2", func() {
		r := smetsim("uts", "validate", "testdata/uts/bad.yaml")
		Expect(r.code).To(Equal(exitBadInput))
		Expect(r.errOut).To(ContainSubstring(`testdata/uts/bad.yaml:3:5: cases[0].srv: "4.99" is not a Service Reference Variant`))
	})
})
