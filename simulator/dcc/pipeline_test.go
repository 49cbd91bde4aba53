package dcc_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/duis/dsig"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/users"
)

// receiver is a DCC User's Receive Response Service over real HTTP, answering each POST as its
// script says (by the POST's number, from 1).
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies [][]byte
	at     []time.Time
	script func(n int) (status int, delay time.Duration)
}

func newReceiver(script func(n int) (int, time.Duration)) *receiver {
	r := &receiver{script: script}
	if r.script == nil {
		r.script = func(int) (int, time.Duration) { return http.StatusOK, 0 }
	}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies = append(r.bodies, body)
		r.at = append(r.at, time.Now())
		n := len(r.bodies)
		r.mu.Unlock()
		status, delay := r.script(n)
		time.Sleep(delay)
		w.WriteHeader(status)
	}))
	DeferCleanup(r.srv.Close)
	return r
}

func (r *receiver) got() ([][]byte, []time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.bodies...), append([]time.Time(nil), r.at...)
}

var reResponseID = regexp.MustCompile(`<sr:ResponseID>([^<]+)</sr:ResponseID>`)

func responseID(doc []byte) string {
	m := reResponseID.FindSubmatch(doc)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// withURLs gives users their own Receive Response Service URLs.
func withURLs(urls map[devices.EUI64]string) *users.Directory {
	dir := loadUsers()
	for u, url := range urls {
		dir.Lookup(u).ResponseURL = url
	}
	return dir
}

func sentFor(d *dcc.DCC, id string) []*dcc.Message {
	var out []*dcc.Message
	for _, m := range d.Sent() {
		if responseID(m.Body) == id {
			out = append(out, m)
		}
	}
	return out
}

var _ = Describe("Asynchronous delivery", func() {
	read := "<sr:ReadInstantaneousImportRegisters/>"
	var e *env
	BeforeEach(requireJudges)

	// checked verifies a delivered document as the receiver would: schema-valid, signed by the DCC.
	checked := func(doc []byte) {
		GinkgoHelper()
		e.validate(doc)
		_, err := dsig.Verify(doc, dsig.NewCertStore(e.dccCert()))
		Expect(err).NotTo(HaveOccurred())
	}

	It("posts a device response to the user's Receive Response Service over HTTP", func() {
		rcv := newReceiver(nil)
		e = newEnv(envOptions{users: withURLs(map[devices.EUI64]string{supplier: rcv.srv.URL})})
		Expect(e.serve(sendCommand, e.request(supplier, esme, 1, "4.1.1", read)).Code).To(Equal(dcc.I99))
		e.run(time.Minute)
		bodies, _ := rcv.got()
		Expect(bodies).To(HaveLen(1))
		checked(bodies[0])
		Expect(string(bodies[0])).To(ContainSubstring("ReadInstantaneousImportRegistersRsp"))
		Expect(e.d.Outbox(supplier)).To(BeEmpty())
		sent := e.d.Sent()
		Expect(sent).To(HaveLen(1))
		Expect(sent[0].Delivered).To(BeTrue())
		Expect(sent[0].Attempts).To(Equal(1))
	})

	It("retries a receiver answering 5xx, waiting longer each time, and delivers the identical document", func() {
		rcv := newReceiver(func(n int) (int, time.Duration) {
			if n <= 2 {
				return http.StatusServiceUnavailable, 0
			}
			return http.StatusOK, 0
		})
		e = newEnv(envOptions{users: withURLs(map[devices.EUI64]string{supplier: rcv.srv.URL}),
			config: func(c *dcc.Config) { c.Retry = dcc.Retry{Attempts: 4, First: 30 * time.Millisecond, Max: time.Second} }})
		e.serve(sendCommand, e.request(supplier, esme, 1, "4.1.1", read))
		e.run(time.Minute)
		bodies, at := rcv.got()
		Expect(bodies).To(HaveLen(3))
		Expect(bodies[1]).To(Equal(bodies[0]))
		Expect(bodies[2]).To(Equal(bodies[0]))
		checked(bodies[2])
		Expect(at[1].Sub(at[0])).To(BeNumerically(">=", 30*time.Millisecond))
		Expect(at[2].Sub(at[1])).To(BeNumerically(">=", 60*time.Millisecond), "the wait doubles")
		sent := e.d.Sent()
		Expect(sent).To(HaveLen(1))
		Expect(sent[0].Delivered).To(BeTrue())
		Expect(sent[0].Attempts).To(Equal(3))
		Expect(sent[0].LastError).To(ContainSubstring("HTTP 503"))
	})

	It("gives up after the configured attempts when the connection is refused, and records it", func() {
		gone := httptest.NewServer(http.NotFoundHandler())
		url := gone.URL
		gone.Close()
		e = newEnv(envOptions{users: withURLs(map[devices.EUI64]string{supplier: url})})
		e.serve(sendCommand, e.request(supplier, esme, 1, "4.1.1", read))
		e.run(time.Minute)
		sent := e.d.Sent()
		Expect(sent).To(HaveLen(1))
		Expect(sent[0].Delivered).To(BeFalse())
		Expect(sent[0].Attempts).To(Equal(3))
		Expect(sent[0].LastError).To(ContainSubstring("connection refused"))
		Expect(sent[0].URL).To(Equal(url))
		// The device answered: the DCC's record of the request says so, delivered or not.
		Expect(e.d.Journal()[0].AsyncCode).To(Equal(dcc.I0))
	})

	It("sends the identical document again when the receiver took it but its answer timed out, and records one response", func() {
		rcv := newReceiver(func(n int) (int, time.Duration) {
			if n == 1 {
				return http.StatusOK, 400 * time.Millisecond // the DCC stops waiting at 100 ms
			}
			return http.StatusOK, 0
		})
		e = newEnv(envOptions{users: withURLs(map[devices.EUI64]string{supplier: rcv.srv.URL}),
			config: func(c *dcc.Config) { c.Client = &http.Client{Timeout: 100 * time.Millisecond} }})
		Expect(e.serve(sendCommand, e.request(supplier, esme, 1, "4.1.1", read)).Code).To(Equal(dcc.I99))
		e.run(time.Minute)
		bodies, _ := rcv.got()
		Expect(bodies).To(HaveLen(2), "the receiver sees a duplicate")
		Expect(bodies[1]).To(Equal(bodies[0]))
		id := responseID(bodies[0])
		Expect(id).To(HavePrefix(esme.String() + ":" + supplier.String() + ":"))
		checked(bodies[1])
		// The DCC made one response: one record of the request's outcome, one message sent twice.
		var records []dcc.Record
		for _, r := range e.d.Journal() {
			if r.RequestID.ResponseID().String() == id {
				records = append(records, r)
			}
		}
		Expect(records).To(HaveLen(1))
		Expect(records[0].AsyncCode).To(Equal(dcc.I0))
		msgs := sentFor(e.d, id)
		Expect(msgs).To(HaveLen(1))
		Expect(msgs[0].Attempts).To(Equal(2))
		Expect(msgs[0].Delivered).To(BeTrue())
		Expect(msgs[0].LastError).To(ContainSubstring("Timeout"))
	})

	It("never executes an answered request twice: re-posted, it is a replay (E3)", func() {
		rcv := newReceiver(nil)
		e = newEnv(envOptions{users: withURLs(map[devices.EUI64]string{supplier: rcv.srv.URL})})
		p := e.f.ByDevice(esme)
		key := p.ESME.UTRNKey()
		code, err := key.Encode(devices.UTRN{Amount: 10 * devices.Pound, Counter: 9})
		Expect(err).NotTo(HaveOccurred())
		req := e.request(supplier, esme, 1, "2.2", "<sr:TopUpDevice><sr:UTRN>"+code+"</sr:UTRN></sr:TopUpDevice>")
		before := p.ESME.Balance(e.f.Clock.Now())
		Expect(e.serve(sendCommand, req).Code).To(Equal(dcc.I99))
		e.run(time.Minute)
		again := e.serve(sendCommand, req)
		Expect(again.Code).To(Equal(dcc.E3))
		Expect(again.Reason).To(ContainSubstring("a replay"))
		e.run(time.Minute)
		Expect(p.ESME.Balance(e.f.Clock.Now()) - before).To(BeNumerically("~", 10*devices.Pound, 20*devices.Penny))
		bodies, _ := rcv.got()
		topUps := 0
		for _, b := range bodies {
			if regexp.MustCompile(`TopUpDeviceRsp`).Match(b) {
				topUps++
			}
		}
		Expect(topUps).To(Equal(1))
	})

	It("does not let a receiver that is down hold up another user's messages", func() {
		gone := httptest.NewServer(http.NotFoundHandler())
		down := gone.URL
		gone.Close()
		rcv := newReceiver(nil)
		e = newEnv(envOptions{users: withURLs(map[devices.EUI64]string{supplier: down, distrib: rcv.srv.URL}),
			config: func(c *dcc.Config) { c.Retry = dcc.Retry{Attempts: 3, First: time.Second, Max: time.Second} }})
		e.serve(sendCommand, e.request(supplier, esme, 1, "4.1.1", read))
		e.serve(sendCommand, e.request(distrib, esme, 1, "4.1.1", read))
		Expect(e.f.Clock.RunFor(context.Background(), time.Minute)).To(Succeed())
		start := time.Now()
		Eventually(func() int { b, _ := rcv.got(); return len(b) }).WithTimeout(900 * time.Millisecond).Should(Equal(1))
		Expect(time.Since(start)).To(BeNumerically("<", time.Second))
		e.d.Wait()
	})

	It("sends every user's messages to one ResponseURL when the DCC is told to", func() {
		one := newReceiver(nil)
		own := newReceiver(nil)
		e = newEnv(envOptions{users: withURLs(map[devices.EUI64]string{supplier: own.srv.URL, distrib: own.srv.URL}),
			config: func(c *dcc.Config) { c.ResponseURL = one.srv.URL }})
		e.serve(sendCommand, e.request(supplier, esme, 1, "4.1.1", read))
		e.serve(sendCommand, e.request(distrib, esme, 1, "4.1.1", read))
		e.run(time.Minute)
		bodies, _ := one.got()
		Expect(bodies).To(HaveLen(2))
		var to []string
		for _, b := range bodies {
			checked(b)
			id := responseID(b)
			to = append(to, id[len(esme.String())+1:len(esme.String())+1+len(supplier.String())])
		}
		Expect(to).To(ConsistOf(supplier.String(), distrib.String()))
		ownBodies, _ := own.got()
		Expect(ownBodies).To(BeEmpty())
	})
})

// lastRecord is the journal's record of the latest request with the given RequestID counter.
type fleetPremises = fleet.Premises

func lastRecord(d *dcc.DCC, counter uint64) dcc.Record {
	GinkgoHelper()
	j := d.Journal()
	for i := len(j) - 1; i >= 0; i-- {
		if j[i].RequestID.Counter == counter {
			return j[i]
		}
	}
	Fail("no journal record for counter")
	return dcc.Record{}
}

var _ = Describe("Devices that answer late or not at all", func() {
	var e *env
	BeforeEach(func() {
		requireJudges()
		e = newEnv(envOptions{})
	})

	// slow makes the reference ESME's model a variant that always takes d to answer.
	slow := func(d time.Duration) {
		e.f.ByDevice(esme).ESME.Model().Latency = devices.Latency{Dist: devices.LatencyFixed, Median: d}
	}

	It("answers E21 at the Target Response Time when the device is slower, and journals the breach and the device's time", func() {
		slow(50 * time.Second)
		start := e.f.Clock.Now()
		Expect(e.serve(sendCommand, e.request(supplier, esme, 1, "4.1.1", "<sr:ReadInstantaneousImportRegisters/>")).Code).To(Equal(dcc.I99))
		counter := e.counter
		e.run(29 * time.Second)
		Expect(e.outbox(supplier)).To(BeEmpty())
		e.run(2 * time.Second)
		msgs := ofKind(e.outbox(supplier), "response")
		Expect(msgs).To(HaveLen(1))
		Expect(codeOf(msgs[0].Body)).To(Equal("E21"))
		Expect(field(msgs[0].Body, "ResponseDateTime")).To(HavePrefix(start.Add(30 * time.Second).UTC().Format("2006-01-02T15:04:05")))
		rec := lastRecord(e.d, counter)
		Expect(rec.AsyncCode).To(Equal(dcc.E21))
		Expect(rec.AsyncReason).To(ContainSubstring("target response time (30s)"))
		Expect(rec.TRT).To(Equal(30 * time.Second))
		Expect(rec.Elapsed).To(Equal(30 * time.Second))
		Expect(rec.TRTBreached).To(BeTrue())
		Expect(rec.DeviceTook).To(BeZero(), "the device has not answered yet")
		e.run(time.Minute)
		Expect(e.outbox(supplier)).To(BeEmpty(), "the late answer is not sent after the E21")
		rec = lastRecord(e.d, counter)
		Expect(rec.DeviceTook).To(Equal(50 * time.Second))
		Expect(rec.AsyncCode).To(Equal(dcc.E21))
	})

	It("lets the slow device carry the command out after the E21, as a real one would", func() {
		slow(45 * time.Second)
		ans := e.serve(transform, e.request(supplier, esme, 4, "7.2", "<sr:DisableSupply/>"))
		signed, err := dcc.SignPreCommand(signerKey(e, supplier), preCommandOf(ans.Body))
		Expect(err).NotTo(HaveOccurred())
		Expect(e.serve(sendCommand, e.requestWithCounter(supplier, esme, 5, "7.2", signedPreCommand(signed), e.counter)).Code).To(Equal(dcc.I99))
		e.run(31 * time.Second)
		Expect(codeOf(ofKind(e.outbox(supplier), "response")[0].Body)).To(Equal("E21"))
		Expect(e.f.ByDevice(esme).ESME.Supply()).To(Equal(devices.SupplyEnabled))
		e.run(15 * time.Second)
		Expect(e.f.ByDevice(esme).ESME.Supply()).To(Equal(devices.SupplyDisabled))
		Expect(lastRecord(e.d, e.counter).DeviceTook).To(Equal(45 * time.Second))
	})

	It("journals the device's time and no breach when it answers within the target", func() {
		slow(12 * time.Second)
		e.serve(sendCommand, e.request(supplier, esme, 1, "4.1.1", "<sr:ReadInstantaneousImportRegisters/>"))
		e.run(time.Minute)
		rec := lastRecord(e.d, e.counter)
		Expect(rec.AsyncCode).To(Equal(dcc.I0))
		Expect(rec.DeviceTook).To(Equal(12 * time.Second))
		Expect(rec.Elapsed).To(Equal(12 * time.Second))
		Expect(rec.TRTBreached).To(BeFalse())
	})

	DescribeTable("answers E20 when the device cannot be reached",
		func(offline func(p *fleetPremises, now time.Time), to devices.EUI64, reason string) {
			p := e.f.ByDevice(to)
			e.f.Clock.Do(func(now time.Time) { offline(p, now) })
			e.run(time.Second)
			Expect(e.serve(sendCommand, e.request(supplier, to, 1, "11.2", "<sr:ReadFirmwareVersion/>")).Code).To(Equal(dcc.I99))
			e.run(time.Minute)
			msgs := ofKind(e.outbox(supplier), "response")
			Expect(msgs).To(HaveLen(1))
			Expect(codeOf(msgs[0].Body)).To(Equal("E20"))
			rec := lastRecord(e.d, e.counter)
			Expect(rec.AsyncCode).To(Equal(dcc.E20))
			Expect(rec.AsyncReason).To(ContainSubstring(reason))
			Expect(rec.TRTBreached).To(BeFalse(), "the DCC answered within the target: it knew")
		},
		Entry("the hub's WAN is down", func(p *fleetPremises, now time.Time) { p.CHF.SetWAN(false, -120) }, esme, "WAN connection is down"),
		Entry("the hub has lost mains power", func(p *fleetPremises, now time.Time) { p.CHF.PowerFail(now) }, gsme, "communications hub has no mains power"),
		Entry("the ESME has lost mains power", func(p *fleetPremises, now time.Time) { p.ESME.PowerFail(now) }, esme, "ESME has no mains power"),
	)
})

var _ = Describe("Future-dated requests", func() {
	var e *env
	BeforeEach(func() {
		requireJudges()
		e = newEnv(envOptions{})
	})
	stamp := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
	readFirmware := func(to devices.EUI64, at time.Time) dcc.Answer {
		GinkgoHelper()
		req := e.request(supplier, to, 1, "11.2", "<sr:ReadFirmwareVersion><sr:ExecutionDateTime>"+stamp(at)+"</sr:ExecutionDateTime></sr:ReadFirmwareVersion>")
		e.validate(req) // the request itself is what the DUIS schema allows
		return e.serve(sendCommand, req)
	}

	It("are acknowledged at once and carried out on the clock at their execution time", func() {
		at := e.f.Clock.Now().Add(2 * time.Hour)
		Expect(readFirmware(esme, at).Code).To(Equal(dcc.I99))
		counter := e.counter
		rec := lastRecord(e.d, counter)
		Expect(rec.ExecuteAt).To(BeTemporally("==", at))
		e.run(2*time.Hour - time.Second)
		Expect(e.outbox(supplier)).To(BeEmpty())
		Expect(lastRecord(e.d, counter).AsyncCode).To(BeEmpty())
		e.run(time.Minute)
		msgs := ofKind(e.outbox(supplier), "response")
		Expect(msgs).To(HaveLen(1))
		Expect(codeOf(msgs[0].Body)).To(Equal("I0"))
		v, _ := e.f.ByDevice(esme).ESME.Firmware()
		Expect(field(msgs[0].Body, "FirmwareVersion")).To(Equal(v))
		rec = lastRecord(e.d, counter)
		Expect(rec.AsyncCode).To(Equal(dcc.I0))
		Expect(rec.Responded).To(BeTemporally(">=", at))
		Expect(rec.Elapsed).To(BeNumerically("<", rec.TRT), "measured from the execution time")
		Expect(rec.TRTBreached).To(BeFalse())
	})

	It("answer E30 when the execution does not complete within the target after its time", func() {
		e.f.ByDevice(esme).ESME.Model().Latency = devices.Latency{Dist: devices.LatencyFixed, Median: 50 * time.Second}
		at := e.f.Clock.Now().Add(time.Hour)
		readFirmware(esme, at)
		e.run(time.Hour + 29*time.Second)
		Expect(e.outbox(supplier)).To(BeEmpty())
		e.run(2 * time.Second)
		msgs := ofKind(e.outbox(supplier), "response")
		Expect(msgs).To(HaveLen(1))
		Expect(codeOf(msgs[0].Body)).To(Equal("E30"))
		rec := lastRecord(e.d, e.counter)
		Expect(rec.AsyncCode).To(Equal(dcc.E30))
		Expect(rec.AsyncReason).To(ContainSubstring("execution time " + stamp(at)))
		Expect(rec.Responded).To(BeTemporally("==", at.Add(30*time.Second)))
		Expect(rec.Elapsed).To(Equal(30 * time.Second))
		Expect(rec.TRTBreached).To(BeTrue())
	})

	It("answer E30, not E20, when the device is offline at their time, at the end of the target", func() {
		at := e.f.Clock.Now().Add(time.Hour)
		readFirmware(esme, at)
		e.run(30 * time.Minute)
		e.f.ByDevice(esme).CHF.SetWAN(false, -120)
		e.run(31 * time.Minute)
		rec := lastRecord(e.d, e.counter)
		Expect(rec.AsyncCode).To(Equal(dcc.E30))
		Expect(rec.AsyncReason).To(ContainSubstring("WAN connection is down"))
		Expect(rec.Responded).To(BeTemporally("==", at.Add(rec.TRT)))
	})

	It("are executed at once when their time has passed", func() {
		Expect(readFirmware(esme, e.f.Clock.Now().Add(-time.Hour)).Code).To(Equal(dcc.I99))
		e.run(time.Minute)
		Expect(codeOf(ofKind(e.outbox(supplier), "response")[0].Body)).To(Equal("I0"))
	})

	It("are cancelled by the same user's request of the same SRV dated 3000-12-31T00:00:00Z", func() {
		at := e.f.Clock.Now().Add(time.Hour)
		readFirmware(esme, at)
		first := e.counter
		readFirmware(esme, at.Add(time.Minute))
		second := e.counter
		readFirmware(gsme, at)
		onGSME := e.counter
		Expect(readFirmware(esme, time.Date(3000, 12, 31, 0, 0, 0, 0, time.UTC)).Code).To(Equal(dcc.I99))
		cancel := e.counter
		e.run(time.Minute)
		msgs := ofKind(e.outbox(supplier), "response")
		Expect(msgs).To(HaveLen(1))
		Expect(codeOf(msgs[0].Body)).To(Equal("I0"))
		Expect(string(msgs[0].Body)).To(ContainSubstring(":" + strconv.FormatUint(cancel, 10) + "</sr:ResponseID>"))
		e.run(2 * time.Hour)
		msgs = ofKind(e.outbox(supplier), "response")
		Expect(msgs).To(HaveLen(1), "only the GSME's request ran")
		Expect(string(msgs[0].Body)).To(ContainSubstring(gsme.String() + ":" + supplier.String() + ":" + strconv.FormatUint(onGSME, 10)))
		for _, c := range []uint64{first, second} {
			rec := lastRecord(e.d, c)
			Expect(rec.AsyncCode).To(BeEmpty())
			Expect(rec.AsyncReason).To(ContainSubstring("cancelled by " + supplier.String() + ":" + esme.String() + ":" + strconv.FormatUint(cancel, 10)))
		}
	})

	It("are refused E100 for an SRV that cannot be future-dated, naming the field", func() {
		ans := e.serve(sendCommand, e.request(supplier, esme, 1, "7.4", "<sr:ReadSupplyStatus><sr:ExecutionDateTime>"+stamp(e.f.Clock.Now().Add(time.Hour))+"</sr:ExecutionDateTime></sr:ReadSupplyStatus>"))
		Expect(ans.Code).To(Equal(dcc.E100))
		Expect(ans.Reason).To(ContainSubstring("ReadSupplyStatus: ExecutionDateTime: 7.4 Read Supply Status cannot be future-dated"))
	})
})
