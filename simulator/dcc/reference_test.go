package dcc_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/srv"
)

// These specs post every real DUIS request sample of the reference data (DCC's RTDS templates and
// the samples of DCC Boxed's signing tool, duis-parser and duis-sign-wrap) to the mock DCC, as a
// DCC User's system would after filling a template in: re-signed with the fixture user's key, with
// a fresh counter, the originator replaced by the fixture user holding a role the SRV needs, and
// the target by the default fleet's device of the right kind. What the DCC must answer is worked
// out from dcc.Catalogue() and the DUIS rules, never from the endpoint: when an SRV that is "not
// yet" executed lands, its entry demands success without being touched.

var (
	reRequestID = regexp.MustCompile(`<sr:RequestID>([^<]*)</sr:RequestID>`)
	reCV        = regexp.MustCompile(`<sr:CommandVariant>([^<]*)</sr:CommandVariant>`)
	reVariant   = regexp.MustCompile(`<sr:ServiceReferenceVariant>([^<]*)</sr:ServiceReferenceVariant>`)
	reExecution = regexp.MustCompile(`<sr:ExecutionDateTime>([^<]*)</sr:ExecutionDateTime>`)
	reSerial    = regexp.MustCompile(`<ds:X509SerialNumber>[^<]*</ds:X509SerialNumber>`)
)

// fixtureUsers are the fixture DCC Users in the order a sample's originator is replaced by one
// holding a role the SRV needs.
var fixtureUsers = []struct {
	eui   devices.EUI64
	roles []string
}{
	{supplier, []string{"IS", "ES", "GS"}},
	{distrib, []string{"ED"}},
	{eui("90-B3-D5-1F-30-03-00-00"), []string{"GT"}},
	{other, []string{"OU"}},
}

// fleetDevices are the default fleet's reference premises, by kind.
var fleetDevices = map[devices.Kind]devices.EUI64{
	devices.KindESME:  esme,
	devices.KindGSME:  gsme,
	devices.KindCHF:   chf,
	devices.KindGPF:   gpf,
	devices.KindPPMID: eui("00-DB-12-34-56-78-90-A4"),
}

// referenceSamples lists the request samples of ../shared/reference (relative paths), or nil
// when it is not beside the repository.
func referenceSamples() []string {
	root := sharedFile("reference")
	if root == "" {
		return nil
	}
	var out []string
	for _, pattern := range []string{
		"duis-templates/templates/*.XML",
		"dccboxed-signing-tool/src/test/resources/*REQUEST*.XML",
		"dccboxed-signing-tool/src/main/resources/message*.xml",
		"duis-parser/test/resources/*REQUEST*.XML",
		"duis-sign-wrap/test/data/*.XML",
	} {
		files, _ := filepath.Glob(filepath.Join(root, pattern))
		for _, f := range files {
			rel, _ := filepath.Rel(root, f)
			out = append(out, rel)
		}
	}
	sort.Strings(out)
	return out
}

// negativeSamples are the samples made to be refused, each with what the DCC answers: an HTTP
// status for what is not a DUIS request, else a DUIS code, and words of X-Smetsim-Reason.
var negativeSamples = map[string]struct {
	http   int
	code   dcc.Code
	reason string
}{
	// "…::1000": the RequestID has an empty EUI field where the target ends.
	"dccboxed-signing-tool/src/test/resources/ECS17b_4.1.1_SINGLE_SUCCESS_REQUEST_DUIS-invalid.XML": {http: 400, reason: "Request/Header/RequestID (value \"90-B3-D5-1F-30-01-00-00:00-07-81-D7-00-00-36-CE::1000\"): RequestID \"90-B3-D5-1F-30-01-00-00:00-07-81-D7-00-00-36-CE::1000\": format: 4 colon-separated parts, want 3"},
	// An originator (80-B3-…) that is no DCC User.
	"dccboxed-signing-tool/src/test/resources/ECS17b_4.1.1_SINGLE_SUCCESS_REQUEST_DUIS-nonexist-businessid.XML": {http: 200, code: dcc.E1, reason: "not a DCC User"},
	// The misspelt sr:ReqxuestID leaves no RequestID to address an answer to.
	"duis-sign-wrap/test/data/8.2_READ_INVENTORY_REQUEST_DUIS-invalid.XML": {http: 400, reason: "unexpected <sr:ReqxuestID>, want sr:RequestID"},
	// An originator (F0-B3-…) that is no DCC User.
	"duis-sign-wrap/test/data/8.2_READ_INVENTORY_REQUEST_DUIS-unknown-originator.XML": {http: 200, code: dcc.E1, reason: "not a DCC User"},
	// The right user, with X509IssuerSerial naming a certificate (serial 12345678901) the DCC does
	// not hold: the sample's serial is put in after signing, as the sample shows it.
	"duis-sign-wrap/test/data/8.2_READ_INVENTORY_REQUEST_DUIS-unknown-serial.XML": {http: 200, code: dcc.E1, reason: "certificate the DCC does not know"},
	// Signed DCC Boxed responses: not requests at all.
	"dccboxed-signing-tool/src/main/resources/message.xml":  {http: 400, reason: "want sr:Request"},
	"dccboxed-signing-tool/src/main/resources/message2.xml": {http: 400, reason: "want sr:Request"},
}

// refSample is one sample made ready to post.
type refSample struct {
	rel      string
	raw      []byte
	id       string // the RequestID as written
	cv       int
	variant  string
	from, to devices.EUI64
	srv      *srv.SRV
	support  dcc.Support
}

func loadSample(rel string) *refSample {
	GinkgoHelper()
	raw, err := os.ReadFile(filepath.Join(sharedFile("reference"), rel))
	Expect(err).NotTo(HaveOccurred())
	s := &refSample{rel: rel, raw: raw}
	if m := reRequestID.FindSubmatch(raw); m != nil {
		s.id = string(m[1])
	}
	if m := reCV.FindSubmatch(raw); m != nil {
		s.cv, _ = strconv.Atoi(strings.TrimSpace(string(m[1])))
	}
	if m := reVariant.FindSubmatch(raw); m != nil {
		s.variant = strings.TrimSpace(string(m[1]))
	}
	s.srv = srv.Lookup(s.variant)
	for _, sup := range dcc.Catalogue() {
		if sup.Variant == s.variant {
			s.support = sup
		}
	}
	return s
}

// cast picks the sample's originator and target as the brief for the fixtures says: the sample's
// own when the fixtures have it (and, for the originator, it may send the SRV), else the fixture
// user with a role the SRV needs and the reference premises' device of the SRV's first kind.
func (s *refSample) cast() {
	parts := strings.Split(s.id, ":")
	if len(parts) == 3 {
		s.from, _ = devices.ParseEUI64(parts[0])
		s.to, _ = devices.ParseEUI64(parts[1])
	}
	eligible := func(roles []string) bool {
		for _, r := range roles {
			if s.srv != nil && s.srv.Allows(r) {
				return true
			}
		}
		return false
	}
	chosen := false
	for _, u := range fixtureUsers {
		if u.eui == s.from && eligible(u.roles) {
			chosen = true
		}
	}
	if !chosen {
		s.from = supplier // when no fixture user may send the SRV, the supplier is refused E2
		for _, u := range fixtureUsers {
			if eligible(u.roles) {
				s.from = u.eui
				break
			}
		}
	}
	if s.srv != nil && s.srv.NonDevice {
		s.to = dcc.EUI
		return
	}
	reference := strings.HasPrefix(strings.ToUpper(parts[1]), "00-DB-12-34-56-78-90-A")
	if !reference && s.srv != nil {
		if k := s.srv.Applies().Kinds; len(k) > 0 {
			s.to = fleetDevices[k[0]]
		}
	}
}

// prepared returns the sample with the new RequestID, signed by its originator; a future-dated
// sample's execution date-time is moved to an hour after now, so that it comes due in the run.
func (s *refSample) prepared(e *env, counter uint64, now time.Time) []byte {
	GinkgoHelper()
	id := s.from.String() + ":" + s.to.String() + ":" + strconv.FormatUint(counter, 10)
	doc := reRequestID.ReplaceAll(s.raw, []byte("<sr:RequestID>"+id+"</sr:RequestID>"))
	doc = reExecution.ReplaceAllFunc(doc, func(m []byte) []byte {
		if strings.HasPrefix(string(reExecution.FindSubmatch(m)[1]), "3000-12-31") {
			return m // DUIS's cancellation date stays as it is
		}
		return []byte("<sr:ExecutionDateTime>" + now.Add(time.Hour).UTC().Format("2006-01-02T15:04:05Z") + "</sr:ExecutionDateTime>")
	})
	signer := e.signers[s.from]
	if signer == nil {
		signer = e.signers[supplier]
	}
	signed, err := signer.Sign(doc)
	Expect(err).NotTo(HaveOccurred(), s.rel)
	return signed
}

var preNotifiedDevice = regexp.MustCompile(`<sr:DeviceID>([^<]+)</sr:DeviceID>`)

// expected is what the DCC answers a sample, worked out from the catalogue and DUIS's rules in the
// order the DCC checks them.
type expected struct {
	code    dcc.Code
	reason  string
	execute bool // a device request the DCC carries out: I99, then an async I0
}

func (s *refSample) expect(e *env) expected {
	switch {
	case s.srv == nil:
		return expected{code: dcc.E100, reason: "unknown Service Reference Variant"}
	case s.cv == 2 || s.cv == 3 || s.cv == 6 || s.cv == 7:
		return expected{code: dcc.E12, reason: "local delivery"}
	case s.srv.NonDevice != (s.cv == 8):
		return expected{code: dcc.E12, reason: "command variant"}
	case s.srv.Critical != (s.cv == 4 || s.cv == 5):
		return expected{code: dcc.E12, reason: "critical"}
	}
	eligible := false
	for _, u := range fixtureUsers {
		if u.eui == s.from {
			for _, r := range u.roles {
				eligible = eligible || s.srv.Allows(r)
			}
		}
	}
	if !eligible {
		return expected{code: dcc.E2, reason: "may not send " + s.variant}
	}
	if s.support.Smetsim == "not applicable" && s.srv.NonDevice {
		return expected{code: dcc.E11, reason: "does not apply to SMETS1"}
	}
	if !s.srv.NonDevice {
		dev, ok := e.d.Inventory().Device(s.to)
		if !ok {
			return expected{code: dcc.E19, reason: "not in the inventory"}
		}
		if s.support.Smetsim == "not applicable" {
			return expected{code: dcc.E11, reason: "cannot be sent to"}
		}
		if !slices.Contains(s.support.Kinds, dev.Kind.String()) {
			return expected{code: dcc.E11, reason: "does not address a " + dev.Kind.String()}
		}
		if ok, code := dev.Model.Supports(s.variant); !ok {
			return expected{code: dcc.Code(code), reason: "does not support " + s.variant}
		}
	}
	if s.support.Smetsim != "executes" {
		return expected{code: dcc.E100, reason: s.variant + " " + s.srv.Name + " yet"}
	}
	if s.variant == "12.2" {
		// Pre-notifying a device the SMI already holds is refused (docs/mock-dcc.md); the DCC's
		// sample names the reference premises' ESME, which the default fleet has migrated.
		if m := preNotifiedDevice.FindSubmatch(s.raw); m != nil {
			if id, err := devices.ParseEUI64(string(m[1])); err == nil {
				if _, known := e.d.Inventory().Device(id); known {
					return expected{code: dcc.E5, reason: "cannot become Pending"}
				}
			}
		}
	}
	if s.srv.NonDevice {
		return expected{code: dcc.I0}
	}
	return expected{code: dcc.I99, execute: true}
}

var _ = Describe("Real DUIS request samples", func() {
	samples := referenceSamples()
	if len(samples) == 0 {
		It("are beside the repository", func() { Skip("../shared/reference not found beside the repository") })
		return
	}

	var e *env
	BeforeEach(func() {
		requireJudges()
		e = newEnv(envOptions{})
	})

	It("are all there", func() {
		Expect(len(samples)).To(BeNumerically(">=", 110))
	})

	for _, rel := range samples {
		if neg, ok := negativeSamples[rel]; ok {
			It("refuses "+rel+" for what it is meant to show", func() {
				s := loadSample(rel)
				var doc []byte
				switch {
				case strings.Contains(rel, "unknown-serial"):
					s.from, s.to = supplier, dcc.EUI
					doc = reSerial.ReplaceAll(s.prepared(e, e.counter+1, e.f.Clock.Now()), []byte("<ds:X509SerialNumber>12345678901</ds:X509SerialNumber>"))
				case strings.Contains(rel, "message"):
					doc = s.raw
				default:
					// Signed by the supplier's key with its RequestID as written: what is wrong is
					// in the document, not in its signature.
					signed, err := e.signers[supplier].Sign(s.raw)
					Expect(err).NotTo(HaveOccurred())
					doc = signed
				}
				ans := e.serve(s.endpoint(), doc)
				Expect(ans.HTTPStatus).To(Equal(neg.http), ans.Reason)
				if neg.http == 200 {
					Expect(ans.Code).To(Equal(neg.code), ans.Reason)
					Expect(codeOf(ans.Body)).To(Equal(string(neg.code)))
				}
				Expect(ans.Reason).To(ContainSubstring(neg.reason))
			})
			continue
		}
		It("answers "+rel+" as the DCC answers a SMETS1 system", func() {
			s := loadSample(rel)
			s.cast()
			want := s.expect(e)
			if want.execute {
				e.run(31 * time.Minute) // the GSME has woken and the GPF holds its readings
			}
			e.counter++
			counter := e.counter
			ans := e.serve(s.endpoint(), s.prepared(e, counter, e.f.Clock.Now()))
			Expect(ans.HTTPStatus).To(Equal(200), ans.Reason)
			if s.cv == 4 && want.execute {
				Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
				signed, err := dcc.SignPreCommand(signerKey(e, s.from), preCommandOf(ans.Body))
				Expect(err).NotTo(HaveOccurred())
				ans = e.serve(sendCommand, e.requestWithCounter(s.from, s.to, 5, s.variant, signedPreCommand(signed), counter))
			}
			Expect(ans.Code).To(Equal(want.code), "%s: %s", s.support.Smetsim, ans.Reason)
			Expect(codeOf(ans.Body)).To(Equal(string(want.code)))
			if want.code != dcc.I0 && want.code != dcc.I99 {
				Expect(ans.Reason).To(ContainSubstring(want.reason))
			}
			if !want.execute {
				return
			}
			wait := 35 * time.Minute // beyond a GSME's target response time
			cancellation := false
			if m := reExecution.FindSubmatch(s.raw); m != nil {
				cancellation = strings.HasPrefix(string(m[1]), "3000-12-31")
				if !cancellation {
					wait += time.Hour // the execution date-time prepared moved an hour ahead
				}
			}
			e.run(wait)
			rsp := ofKind(e.outbox(s.from), "response")
			Expect(rsp).To(HaveLen(1))
			Expect(codeOf(rsp[0].Body)).To(Equal("I0"), "%s", rsp[0].Body)
			Expect(string(rsp[0].Body)).To(ContainSubstring("<sr:ResponseID>" + s.to.String() + ":" + s.from.String() + ":" + strconv.FormatUint(counter, 10) + "</sr:ResponseID>"))
			if !cancellation { // a cancellation is the DCC's own work: no device payload
				Expect(string(rsp[0].Body)).To(ContainSubstring("<sr:SMETS1SignedResponse"))
			}
		})
	}
})

// endpoint is where a sample's command variant is posted.
func (s *refSample) endpoint() string {
	switch s.cv {
	case 4:
		return transform
	case 2, 6, 8:
		return nonDevice
	}
	return sendCommand
}

var _ = Describe("A real DUIS sample made wrong", func() {
	var (
		e      *env
		sample *refSample
	)
	const single = "dccboxed-signing-tool/src/test/resources/ECS17b_4.1.1_SINGLE_SUCCESS_REQUEST_DUIS.XML"
	BeforeEach(func() {
		requireJudges()
		if sharedFile("reference") == "" {
			Skip("../shared/reference not found beside the repository")
		}
		e = newEnv(envOptions{})
		sample = loadSample(single)
		sample.cast()
	})
	post := func(doc []byte) dcc.Answer {
		GinkgoHelper()
		ans := e.serve(sendCommand, doc)
		Expect(ans.HTTPStatus).To(Equal(200), ans.Reason)
		return ans
	}
	fresh := func() []byte {
		e.counter++
		return sample.prepared(e, e.counter, e.f.Clock.Now())
	}

	It("is taken as it is, to show the sample itself is good", func() {
		Expect(post(fresh()).Code).To(Equal(dcc.I99))
	})

	It("is refused E1 when changed after signing", func() {
		doc := strings.Replace(string(fresh()), "<sr:ReadInstantaneousImportRegisters/>", "<sr:ReadInstantaneousImportRegisters></sr:ReadInstantaneousImportRegisters><!---->", 1)
		doc = strings.Replace(doc, ":00-DB-12-34-56-78-90-A0:", ":00-DB-12-34-56-78-90-A4:", 1)
		ans := post([]byte(doc))
		Expect(ans.Code).To(Equal(dcc.E1))
		Expect(ans.Reason).To(ContainSubstring("signature does not verify"))
		Expect(ans.Reason).To(ContainSubstring("digest"))
	})

	It("is refused E1 when its signature value is not the originator's", func() {
		doc := regexp.MustCompile(`<ds:SignatureValue>[^<]*</ds:SignatureValue>`).ReplaceAllString(string(fresh()),
			"<ds:SignatureValue>"+base64Encode(make([]byte, 64))+"</ds:SignatureValue>")
		ans := post([]byte(doc))
		Expect(ans.Code).To(Equal(dcc.E1))
		Expect(ans.Reason).To(ContainSubstring("signature does not verify"))
	})

	It("is refused E1 with its signature removed", func() {
		doc := regexp.MustCompile(`(?s)<ds:Signature.*</ds:Signature>`).ReplaceAll(fresh(), nil)
		ans := post(doc)
		Expect(ans.Code).To(Equal(dcc.E1))
		Expect(ans.Reason).To(ContainSubstring("carries no signature"))
	})

	It("is refused E3 when its counter is replayed, even with a new signature", func() {
		Expect(post(fresh()).Code).To(Equal(dcc.I99))
		again := sample.prepared(e, e.counter, e.f.Clock.Now())
		ans := post(again)
		Expect(ans.Code).To(Equal(dcc.E3))
		Expect(ans.Reason).To(ContainSubstring("a replay"))
		older := sample.prepared(e, e.counter-1, e.f.Clock.Now())
		Expect(post(older).Code).To(Equal(dcc.E3))
		Expect(ofKind(e.outbox(supplier), "response")).To(BeEmpty(), "nothing ran yet")
		e.run(time.Minute)
		Expect(ofKind(e.outbox(supplier), "response")).To(HaveLen(1), "the replays were not executed")
	})

	It("is refused E19 addressed to its own device, which the DCC does not know", func() {
		sample.to = eui("00-07-81-D7-00-00-36-CE")
		ans := post(fresh())
		Expect(ans.Code).To(Equal(dcc.E19))
		Expect(ans.Reason).To(ContainSubstring("device 00-07-81-D7-00-00-36-CE is not in the inventory"))
	})

	It("answers the XXE sample with HTTP 400 before reading any entity, whatever its root", func() {
		raw, err := os.ReadFile(filepath.Join(sharedFile("reference"), "dccboxed-signing-tool/src/test/resources/duis-xxe.xml"))
		Expect(err).NotTo(HaveOccurred())
		for _, path := range []string{sendCommand, nonDevice, transform} {
			ans := e.d.Serve(path, raw)
			Expect(ans.HTTPStatus).To(Equal(400))
			Expect(ans.Reason).To(ContainSubstring("DOCTYPE"))
			Expect(ans.Reason).NotTo(ContainSubstring("root:"), "no file content leaks")
			// The same document made a request is refused for its DOCTYPE too, not its root.
			req := strings.NewReplacer("sr:Response", "sr:Request").Replace(string(raw))
			ans = e.d.Serve(path, []byte(req))
			Expect(ans.HTTPStatus).To(Equal(400))
			Expect(ans.Reason).To(ContainSubstring("DOCTYPE"))
		}
		Expect(e.d.Journal()).To(BeEmpty())
	})
})
