package uts_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/scenarios/uts"
	"github.com/smetsim/smetsim/simulator/dcc"
)

var (
	supplierEUI = "90-B3-D5-1F-30-01-00-00"
	esmeEUI     = "00-DB-12-34-56-78-90-A0"
)

// faultyReceiver is a DCC User's Receive Response Service with two faults: it answers 500 to a
// document it has already had (a duplicate), and 204 to anything else, invalid or not.
type faultyReceiver struct {
	mu   sync.Mutex
	seen map[[32]byte]bool
}

func (f *faultyReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h := sha256.Sum256(body)
	f.mu.Lock()
	dup := f.seen[h]
	f.seen[h] = true
	f.mu.Unlock()
	if dup {
		http.Error(w, "already processed", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func caseNamed(r *uts.Report, name string) uts.Case {
	for _, c := range r.Cases {
		if c.Name == name {
			return c
		}
	}
	Fail("no case named " + name)
	return uts.Case{}
}

var _ = Describe("A UTS session", func() {
	It("passes the scenario runner as a well-behaved User on every case of the fixture pack, with evidence", func() {
		pack, err := uts.LoadPack(fixtures.FS, fixtures.UTSPack)
		Expect(err).NotTo(HaveOccurred())
		listen := freeAddr()
		srv := startUTS(pack, "http://"+listen+"/")

		scs, err := scenarios.Load(fixtures.FS, fixtures.UTSPack+"/session")
		Expect(err).NotTo(HaveOccurred())
		res := scenarios.Run(context.Background(), scenarios.Cases(scs), scenarios.Options{Parallel: 1, DCC: srv.url,
			Users: filepath.Join("..", "..", "fixtures", "users.yaml"), DCCCert: srv.certs, Listen: listen})
		for _, c := range res.Cases {
			Expect(c.Status).To(Equal(scenarios.Passed), c.Failure)
		}
		Eventually(srv.session.Done()).WithTimeout(30 * time.Second).Should(BeClosed())
		r := srv.session.Report()
		Expect(r.Complete).To(BeTrue())
		for _, c := range r.Cases {
			Expect(c.Passed).To(BeTrue(), "%s: %s", c.Name, c.Failure)
		}
		Expect(r.OK()).To(BeTrue())

		// Every pack case ran, on a request of its SRV, with the User's answers as evidence.
		packCases := 0
		for _, c := range r.Cases {
			if c.Class == uts.ClassPack {
				packCases++
				Expect(c.RequestID).NotTo(BeEmpty(), c.Name)
				Expect(c.Evidence).NotTo(BeEmpty(), c.Name)
				Expect(c.Evidence[0].XML).To(ContainSubstring("<sr:ServiceReferenceVariant>" + c.SRV + "<"))
			}
		}
		Expect(packCases).To(Equal(len(pack.Cases)))
		dup := caseNamed(r, "Read registers response delivered twice")
		Expect(dup.Evidence).To(HaveLen(3))
		Expect(dup.Evidence[1].HTTPStatus).To(Equal(http.StatusNoContent))
		Expect(dup.Evidence[2].HTTPStatus).To(Equal(http.StatusNoContent))
		Expect(dup.Evidence[2].XML).To(Equal(dup.Evidence[1].XML), "a duplicate is the same document")
		inv := caseNamed(r, "Supply status followed by an invalid message")
		Expect(inv.Evidence[len(inv.Evidence)-1].HTTPStatus).To(Equal(http.StatusBadRequest))
		e21 := caseNamed(r, "Supply status gets no response (E21)")
		Expect(e21.Evidence[len(e21.Evidence)-1].XML).To(ContainSubstring("<sr:ResponseCode>E21</sr:ResponseCode>"))
		e5 := caseNamed(r, "Read registers refused E5")
		Expect(e5.Evidence[1].Code).To(Equal("E5"))
		Expect(e5.Evidence[1].Reason).To(ContainSubstring("Suspended"))
		alert := caseNamed(r, "Firmware version read followed by a device alert")
		Expect(alert.Evidence[len(alert.Evidence)-1].Label).To(Equal("device alert 8F35"))
		// The device is back in service after its E5.
		dev, _ := srv.session.DCC().Inventory().Device(eui(esmeEUI))
		Expect(string(dev.Status)).To(Equal("Commissioned"))

		dir := GinkgoT().TempDir()
		Expect(r.WriteDir(dir)).To(Succeed())
		for _, f := range []string{uts.JSONFile, uts.HTMLFile, uts.JUnitFile} {
			Expect(filepath.Join(dir, f)).To(BeARegularFile())
		}
	})

	It("fails a faulty User on each fault, each case naming its rule, with evidence", func() {
		pack, err := uts.ParsePack("faulty.yaml", []byte(`name: faults
cases:
  - {name: duplicate delivery, srv: "4.1.1", stimulus: duplicate}
  - {name: invalid message, srv: "7.4", stimulus: invalid}
`))
		Expect(err).NotTo(HaveOccurred())
		rrs := httptest.NewServer(&faultyReceiver{seen: map[[32]byte]bool{}})
		DeferCleanup(rrs.Close)
		srv := startUTS(pack, rrs.URL)
		s := signer(supplierEUI)
		from, to := eui(supplierEUI), eui(esmeEUI)

		read := signedRequest(s, from, to, 10, 1, "4.1", "4.1.1", "ReadInstantaneousImportRegisters")
		status, _ := post(srv.url+dcc.PathSendCommand, read)
		Expect(status).To(Equal(http.StatusOK))
		// Fault: the same counter again (the whole request replayed).
		post(srv.url+dcc.PathSendCommand, read)
		// Fault: a critical SRV sent as CV 1, without Transform.
		post(srv.url+dcc.PathSendCommand, signedRequest(s, from, to, 11, 1, "7.2", "7.2", "DisableSupply"))
		// The invalid message follows this one's response; the faulty receiver takes it with 204.
		post(srv.url+dcc.PathSendCommand, signedRequest(s, from, to, 12, 1, "7.4", "7.4", "ReadSupplyStatus"))

		Eventually(srv.session.Done()).WithTimeout(30 * time.Second).Should(BeClosed())
		r := srv.session.Report()
		Expect(r.OK()).To(BeFalse())
		byRule := map[string]uts.Case{}
		for _, c := range r.Failures() {
			byRule[strings.SplitN(c.Failure, ":", 2)[0]+"/"+c.Name] = c
		}
		replay := byRule["counter/4.1.1 CV 1 "+supplierEUI+":"+esmeEUI+":10"]
		Expect(replay.Failure).To(ContainSubstring("counter 10 is not greater than 10"))
		Expect(replay.Evidence[0].XML).To(Equal(string(read)))
		Expect(replay.Evidence[1].HTTPStatus).To(Equal(http.StatusOK))
		Expect(replay.Evidence[1].Code).To(Equal("E3"))

		cv1 := byRule["transform-first/7.2 CV 1 "+supplierEUI+":"+esmeEUI+":11"]
		Expect(cv1.Failure).To(ContainSubstring("7.2 Disable Supply is critical"))
		Expect(cv1.Evidence[1].Code).To(Equal("E12"))
		Expect(cv1.Evidence[1].XML).To(ContainSubstring("<sr:ResponseCode>E12</sr:ResponseCode>"))

		dup := byRule["receive/duplicate delivery"]
		Expect(dup.Failure).To(ContainSubstring("the duplicate delivery (a duplicate is acknowledged like the first and not processed twice) was answered HTTP 500; want 204"))
		Expect(dup.Evidence[len(dup.Evidence)-1].HTTPStatus).To(Equal(http.StatusInternalServerError))
		Expect(dup.Evidence[len(dup.Evidence)-1].Answer).To(ContainSubstring("already processed"))

		bad := byRule["receive/invalid message"]
		Expect(bad.Failure).To(ContainSubstring("the invalid message (a Receive Response Service refuses what is not a DUIS response) was answered HTTP 204; want 400"))
		Expect(bad.Evidence[len(bad.Evidence)-1].XML).NotTo(BeEmpty())

		Expect(byRule).To(HaveLen(4), "each fault once, nothing else: %v", keys(byRule))

		// The same verdicts in the report files.
		dir := GinkgoT().TempDir()
		Expect(r.WriteDir(dir)).To(Succeed())
		data, err := os.ReadFile(filepath.Join(dir, uts.JSONFile))
		Expect(err).NotTo(HaveOccurred())
		var back uts.Report
		Expect(json.Unmarshal(data, &back)).To(Succeed())
		Expect(back.Failed).To(Equal(4))
		junit, err := os.ReadFile(filepath.Join(dir, uts.JUnitFile))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(junit)).To(ContainSubstring(`failures="4"`))
		Expect(string(junit)).To(ContainSubstring(`type="transform-first"`))
		page, err := os.ReadFile(filepath.Join(dir, uts.HTMLFile))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(page)).To(ContainSubstring("counter 10 is not greater than 10"))
		Expect(string(page)).NotTo(MatchRegexp(`(src|href)=`), "self-contained: nothing fetched")
	})

	It("fails a pack case the User never exercised, and the pack is not complete", func() {
		pack, err := uts.ParsePack("p.yaml", []byte("name: p\ncases:\n  - {name: never sent, srv: \"7.4\", stimulus: answer}\n"))
		Expect(err).NotTo(HaveOccurred())
		srv := startUTS(pack, "http://127.0.0.1:1/")
		r := srv.session.Report()
		Expect(r.Complete).To(BeFalse())
		Expect(r.Cases).To(HaveLen(1))
		Expect(r.Cases[0].Failure).To(Equal("exercised: the User sent no 7.4 that the DCC accepted for this case (answer)"))
		Expect(r.Cases[0].Where).To(Equal("p.yaml:3"))
	})
})

func keys(m map[string]uts.Case) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

var _ = Describe("UTS's judgement of a request", func() {
	var srv *utsServer
	BeforeEach(func() {
		pack, err := uts.ParsePack("p.yaml", []byte("name: p\ncases:\n  - {name: a, srv: \"8.2\", stimulus: answer}\n"))
		Expect(err).NotTo(HaveOccurred())
		srv = startUTS(pack, "http://127.0.0.1:1/")
	})

	distributorEUI := "90-B3-D5-1F-30-02-00-00"
	DescribeTable("fails the rule the request breaks, with the DCC's answer as evidence",
		func(rule, path, code string, doc func() []byte, why string) {
			status, _ := post(srv.url+path, doc())
			r := srv.session.Report()
			var c *uts.Case
			for i := range r.Cases {
				if r.Cases[i].Class == uts.ClassRequest {
					c = &r.Cases[i]
				}
			}
			Expect(c).NotTo(BeNil())
			Expect(c.Passed).To(BeFalse())
			Expect(c.Failure).To(HavePrefix(rule + ": "))
			Expect(c.Failure).To(ContainSubstring(why))
			Expect(c.Evidence[1].HTTPStatus).To(Equal(status))
			Expect(c.Evidence[1].Code).To(Equal(code))
			failed := 0
			for _, ch := range c.Checks {
				if !ch.Passed {
					failed++
					Expect(ch.Rule).To(Equal(rule))
				}
			}
			Expect(failed).To(Equal(1), "one rule broken, one rule failed")
			Expect(c.Checks).To(HaveLen(len(uts.Rules)))
		},
		Entry("not DUIS", uts.RuleSchema, dcc.PathSendCommand, "", func() []byte { return []byte("hello") }, "not well-formed XML"),
		Entry("signed with another user's key", uts.RuleSignature, dcc.PathSendCommand, "E1", func() []byte {
			return signedRequest(signer(distributorEUI), eui(supplierEUI), eui(esmeEUI), 5, 1, "4.1", "4.1.1", "ReadInstantaneousImportRegisters")
		}, "not of the originator"),
		Entry("a device request at Transform", uts.RuleEndpoint, dcc.PathTransform, "E13", func() []byte {
			return signedRequest(signer(supplierEUI), eui(supplierEUI), eui(esmeEUI), 5, 1, "4.1", "4.1.1", "ReadInstantaneousImportRegisters")
		}, "command variant 1 is not taken at /api/v1/serviceT"),
		Entry("CV 8 for a device SRV", uts.RuleCommandVariant, dcc.PathNonDevice, "E12", func() []byte {
			return signedRequest(signer(supplierEUI), eui(supplierEUI), eui(esmeEUI), 5, 8, "4.1", "4.1.1", "ReadInstantaneousImportRegisters")
		}, ""),
		Entry("a Signed Pre-Command without its Transform", uts.RuleTransformFirst, dcc.PathSendCommand, "E3", func() []byte {
			return signedRequest(signer(supplierEUI), eui(supplierEUI), eui(esmeEUI), 5, 5, "7.2", "7.2", "SignedPreCommand")
		}, "no Transform (CV 4) of its RequestID before it"),
		Entry("an SRV the User's roles may not send", uts.RuleRole, dcc.PathTransform, "E2", func() []byte {
			return signedRequest(signer(distributorEUI), eui(distributorEUI), eui(esmeEUI), 5, 4, "7.2", "7.2", "DisableSupply")
		}, "may not send 7.2"),
	)

	It("passes a well-formed request on every rule, and notes a code that is not the User's fault", func() {
		post(srv.url+dcc.PathSendCommand, signedRequest(signer(supplierEUI), eui(supplierEUI), eui("00-DB-12-34-56-78-FF-FF"), 5, 1, "4.1", "4.1.1", "ReadInstantaneousImportRegisters"))
		c := srv.session.Report().Cases[0]
		Expect(c.Class).To(Equal(uts.ClassRequest))
		Expect(c.Passed).To(BeTrue(), c.Failure)
		Expect(c.Note).To(HavePrefix("answered E19: device 00-DB-12-34-56-78-FF-FF is not in the inventory"))
	})
})

var _ = Describe("Messages outside the pack", func() {
	It("judges the User's answer to a response of a request outside the pack, on the request's case", func() {
		pack, err := uts.ParsePack("p.yaml", []byte("name: p\ncases:\n  - {name: a, srv: \"8.2\", stimulus: answer}\n"))
		Expect(err).NotTo(HaveOccurred())
		rrs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusAccepted) }))
		DeferCleanup(rrs.Close)
		srv := startUTS(pack, rrs.URL)
		post(srv.url+dcc.PathSendCommand, signedRequest(signer(supplierEUI), eui(supplierEUI), eui(esmeEUI), 5, 1, "7.4", "7.4", "ReadSupplyStatus"))
		Eventually(func() string { return srv.session.Report().Cases[0].Failure }).WithTimeout(20 * time.Second).
			Should(Equal("receive: the response was answered HTTP 202; want 204"))
		c := srv.session.Report().Cases[0]
		Expect(c.Evidence).To(HaveLen(3))
		Expect(c.Evidence[2].URL).To(Equal(rrs.URL))
		Expect(c.Evidence[2].XML).To(ContainSubstring("ReadSupplyStatusRsp"))
	})

	It("delivers nothing to, and judges nothing for, a user with no Receive Response Service URL", func() {
		pack, err := uts.ParsePack("p.yaml", []byte("name: p\ncases:\n  - {name: a, srv: \"8.2\", stimulus: answer}\n"))
		Expect(err).NotTo(HaveOccurred())
		srv := startUTS(pack, "")
		post(srv.url+dcc.PathSendCommand, signedRequest(signer(supplierEUI), eui(supplierEUI), eui(esmeEUI), 5, 1, "7.4", "7.4", "ReadSupplyStatus"))
		Eventually(func() int { return len(srv.session.DCC().Sent()) }).WithTimeout(20 * time.Second).Should(BeNumerically(">=", 1))
		r := srv.session.Report()
		Expect(r.Cases).To(HaveLen(2)) // the request, and the pack case not exercised
		Expect(r.Cases[0].Passed).To(BeTrue(), r.Cases[0].Failure)
		Expect(r.Cases[0].Evidence).To(HaveLen(2))
	})
})
