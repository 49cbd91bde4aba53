package dcc_test

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/internal/testtool"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/duis/dsig"
	"github.com/smetsim/smetsim/simulator/users"
)

// These specs hold every kind of message the mock DCC emits up to judges that are not ours:
// xmlsec1 (libxmlsec1 on OpenSSL) checks the DCC's signature on each, and the S1SP's on the
// document it signed inside, with the fixture certificates chained to the fixture CA; xmllint
// checks each against the DUIS 5.4 schema (env.serve and env.outbox do). The other way round,
// requests signed by xmlsec1 with the fixture users' keys must be taken by the endpoint.

// judgePKI writes the fixture PKI's certificates to files xmlsec1 can read.
func judgePKI() (dir string) {
	GinkgoHelper()
	dir = GinkgoT().TempDir()
	for _, name := range []string{"ca", "dcc", "s1sp"} {
		data, err := fixtures.FS.ReadFile("pki/" + name + ".cert.pem")
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(filepath.Join(dir, name+".cert.pem"), data, 0o644)).To(Succeed())
	}
	for _, u := range loadUsers().Users {
		for _, f := range []string{u.Certificate, u.Key} {
			data, err := fixtures.FS.ReadFile(filepath.ToSlash(filepath.Join(filepath.Dir(fixtures.UsersFile), f)))
			Expect(err).NotTo(HaveOccurred())
			Expect(os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o600)).To(Succeed())
		}
	}
	return dir
}

// outerSignature is the signature that is a child of the root: the DCC's, not the S1SP's inside.
const outerSignature = `/*/*[local-name()="Signature" and namespace-uri()="http://www.w3.org/2000/09/xmldsig#"]`

// xmlsecVerify has xmlsec1 check the signature at xpath with the signer's certificate as
// untrusted and the fixture CA as the only trust anchor.
func xmlsecVerify(pki string, doc []byte, signer, xpath string) (string, bool) {
	GinkgoHelper()
	f := filepath.Join(GinkgoT().TempDir(), "doc.xml")
	Expect(os.WriteFile(f, doc, 0o644)).To(Succeed())
	out, err := exec.Command(testtool.Require("xmlsec1"), "--verify", "--trusted-pem", filepath.Join(pki, "ca.cert.pem"),
		"--untrusted-pem", filepath.Join(pki, signer+".cert.pem"), "--node-xpath", xpath, f).CombinedOutput()
	return string(out), err == nil
}

// judged checks one message as an outside party would: the DCC's signature, and the S1SP's on
// the document it signed (a SMETS1SignedResponse or an S1SPAlert) when there is one.
func judged(pki string, doc []byte) {
	GinkgoHelper()
	out, ok := xmlsecVerify(pki, doc, "dcc", outerSignature)
	Expect(ok).To(BeTrue(), "xmlsec1, the DCC's signature: %s\n%s", out, doc)
	// Anyone else's key must not do: the check is real.
	out, ok = xmlsecVerify(pki, doc, "s1sp", outerSignature)
	Expect(ok).To(BeFalse(), "xmlsec1 took the S1SP's certificate for the DCC's signature: %s", out)
	for _, inner := range []string{"SMETS1SignedResponse", "S1SPAlert"} {
		if !strings.Contains(string(doc), "<sr:"+inner) {
			continue
		}
		standalone, err := dsig.Extract(doc, xml.Name{Space: dsig.NamespaceSR, Local: inner})
		Expect(err).NotTo(HaveOccurred())
		out, ok := xmlsecVerify(pki, standalone, "s1sp", outerSignature)
		Expect(ok).To(BeTrue(), "xmlsec1, the S1SP's signature on %s: %s\n%s", inner, out, standalone)
		// Tampered inside, the S1SP's signature fails while the DCC's is untouched by the check.
		tampered := regexp.MustCompile(`<ra:OriginatorCounter>(\d+)<`).ReplaceAll(standalone, []byte("<ra:OriginatorCounter>99${1}<"))
		if inner == "S1SPAlert" {
			tampered = []byte(strings.Replace(string(standalone), "<sr:AdditionalInformation>", "<sr:AdditionalInformation>X", 1))
		}
		Expect(tampered).NotTo(Equal(standalone))
		_, ok = xmlsecVerify(pki, tampered, "s1sp", outerSignature)
		Expect(ok).To(BeFalse(), "xmlsec1 took a tampered %s", inner)
	}
}

var _ = Describe("Independent judges", func() {
	var (
		e   *env
		pki string
	)
	BeforeEach(func() {
		requireJudges()
		testtool.Require("xmlsec1")
		pki = judgePKI()
	})

	Describe("xmlsec1 verifies every kind of message the DCC sends", func() {
		BeforeEach(func() { e = newEnv(envOptions{}) })

		It("synchronous answers: an acknowledgement, a non-device I0 with content, a Transform's pre-command, errors", func() {
			var docs [][]byte
			for _, req := range []struct {
				path string
				doc  []byte
				code dcc.Code
			}{
				{sendCommand, e.request(supplier, esme, 1, "4.1.1", "<sr:ReadInstantaneousImportRegisters/>"), dcc.I99},
				{nonDevice, e.request(supplier, dcc.EUI, 8, "8.2", "<sr:ReadInventory><sr:DeviceID>00-DB-12-34-56-78-90-A2</sr:DeviceID></sr:ReadInventory>"), dcc.I0},
				{transform, e.request(supplier, esme, 4, "7.2", "<sr:DisableSupply/>"), dcc.I0},
				{sendCommand, e.request(supplier, eui("00-DB-12-34-56-78-99-99"), 1, "4.1.1", "<sr:ReadInstantaneousImportRegisters/>"), dcc.E19},
				{transform, e.request(distrib, esme, 4, "7.2", "<sr:DisableSupply/>"), dcc.E2},
				{nonDevice, e.request(supplier, esme, 1, "4.1.1", "<sr:ReadInstantaneousImportRegisters/>"), dcc.E13},
			} {
				ans := e.serve(req.path, req.doc)
				Expect(ans.Code).To(Equal(req.code), ans.Reason)
				docs = append(docs, ans.Body)
			}
			Expect(string(docs[1])).To(ContainSubstring("<sr:DeviceType>CHF</sr:DeviceType>"))
			Expect(string(docs[2])).To(ContainSubstring("<sr:PreCommand>"))
			for _, d := range docs {
				judged(pki, d)
			}
		})

		It("asynchronous SMETS1 responses, with the S1SP's signature inside, and async errors", func() {
			e.serve(sendCommand, e.request(supplier, esme, 1, "4.1.1", "<sr:ReadInstantaneousImportRegisters/>"))
			ans := e.serve(transform, e.request(supplier, esme, 4, "7.3", "<sr:ArmSupply/>"))
			signed, err := dcc.SignPreCommand(signerKey(e, supplier), preCommandOf(ans.Body))
			Expect(err).NotTo(HaveOccurred())
			Expect(e.serve(sendCommand, e.requestWithCounter(supplier, esme, 5, "7.3", signedPreCommand(signed), e.counter)).Code).To(Equal(dcc.I99))
			e.run(time.Minute)
			e.f.ByDevice(esme).CHF.SetWAN(false, -120)
			e.serve(sendCommand, e.request(supplier, esme, 1, "11.2", "<sr:ReadFirmwareVersion/>"))
			e.run(time.Minute)
			rsp := ofKind(e.outbox(supplier), "response")
			Expect(rsp).To(HaveLen(3))
			Expect(string(rsp[0].Body)).To(ContainSubstring("ReadInstantaneousImportRegistersRsp"))
			Expect(string(rsp[1].Body)).To(ContainSubstring("ArmSupplyRsp"))
			Expect(codeOf(rsp[2].Body)).To(Equal("E20"))
			for _, m := range rsp {
				judged(pki, m.Body)
			}
		})

		It("DCC alerts: AD1 for a quarantined request, an S1SP alert, a power outage; and device alerts", func() {
			dir := loadUsers()
			dir.Lookup(supplier).ADTs["7.3"] = users.ADT{Limit: 1, Period: time.Hour}
			e = newEnv(envOptions{users: dir, dataLimits: dcc.DataLimits{MaxTopUp: 20 * devices.Pound}})
			arm := func(to devices.EUI64) {
				ans := e.serve(transform, e.request(supplier, to, 4, "7.3", "<sr:ArmSupply/>"))
				signed, _ := dcc.SignPreCommand(signerKey(e, supplier), preCommandOf(ans.Body))
				Expect(e.serve(sendCommand, e.requestWithCounter(supplier, to, 5, "7.3", signedPreCommand(signed), e.counter)).Code).To(Equal(dcc.I99))
			}
			arm(gsme)
			arm(esme) // the second within the hour: quarantined
			key := e.f.ByDevice(esme).ESME.UTRNKey()
			big, _ := key.Encode(devices.UTRN{Amount: 50 * devices.Pound, Counter: 1})
			e.serve(sendCommand, e.request(supplier, esme, 1, "2.2", "<sr:TopUpDevice><sr:UTRN>"+big+"</sr:UTRN></sr:TopUpDevice>"))
			e.run(35 * time.Minute) // the GSME wakes, takes the arm command and raises Supply Armed
			p := e.f.ByDevice(esme)
			e.f.Clock.Do(func(now time.Time) { p.CHF.PowerFail(now) })
			e.run(time.Minute)

			var kinds []string
			seen := map[string]bool{}
			for _, u := range []devices.EUI64{supplier, distrib} {
				for _, m := range e.outbox(u) {
					judged(pki, m.Body)
					what := m.Kind
					if c := field(m.Body, "DCCAlertCode"); c != "" {
						what += " " + c
					}
					if !seen[what] {
						seen[what] = true
						kinds = append(kinds, what)
					}
				}
			}
			Expect(kinds).To(ContainElements("dcc-alert AD1", "dcc-alert "+dcc.DCCAlertS1SP, "dcc-alert "+dcc.DCCAlertPowerOutage, "device-alert", "response"))
		})
	})

	Describe("the endpoint takes requests signed by xmlsec1", func() {
		BeforeEach(func() { e = newEnv(envOptions{}) })

		// xmlsecSigned signs a request with xmlsec1 from a signature template naming the user's
		// certificate: with exclusive C14N named after the enveloped-signature transform, or with
		// the enveloped-signature transform alone (inclusive C14N), as DCC Boxed's samples are.
		xmlsecSigned := func(from, to devices.EUI64, cv int, variant, body string, counter uint64, exclusive bool) []byte {
			GinkgoHelper()
			signed := e.requestWithCounter(from, to, cv, variant, body, counter)
			unsigned := regexp.MustCompile(`(?s)<ds:Signature.*</ds:Signature>`).ReplaceAll(signed, nil)
			cert := e.signers[from].Cert
			transforms := `<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>`
			if exclusive {
				transforms += `<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>`
			}
			template := `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>` +
				`<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>` +
				`<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>` +
				`<ds:Reference URI=""><ds:Transforms>` + transforms + `</ds:Transforms>` +
				`<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>` +
				`</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509IssuerSerial>` +
				`<ds:X509IssuerName>` + cert.Issuer.String() + `</ds:X509IssuerName>` +
				`<ds:X509SerialNumber>` + cert.SerialNumber.String() + `</ds:X509SerialNumber>` +
				`</ds:X509IssuerSerial></ds:X509Data></ds:KeyInfo></ds:Signature>`
			doc, err := duis.InsertSignature(unsigned, []byte(template))
			Expect(err).NotTo(HaveOccurred())
			dir := GinkgoT().TempDir()
			in, out := filepath.Join(dir, "template.xml"), filepath.Join(dir, "signed.xml")
			Expect(os.WriteFile(in, doc, 0o644)).To(Succeed())
			name := from.String()
			msg, err := exec.Command(testtool.Require("xmlsec1"), "--sign", "--privkey-pem",
				filepath.Join(pki, name+".key.pem")+","+filepath.Join(pki, name+".cert.pem"), "--output", out, in).CombinedOutput()
			Expect(err).NotTo(HaveOccurred(), string(msg))
			result, err := os.ReadFile(out)
			Expect(err).NotTo(HaveOccurred())
			return result
		}

		for _, exclusive := range []bool{true, false} {
			name := "with the enveloped-signature transform alone"
			if exclusive {
				name = "with exclusive C14N named"
			}
			It("for a device request, a non-device one and a critical one through Transform, "+name, func() {
				e.counter++
				ans := e.serve(sendCommand, xmlsecSigned(supplier, esme, 1, "4.1.1", "<sr:ReadInstantaneousImportRegisters/>", e.counter, exclusive))
				Expect(ans.Code).To(Equal(dcc.I99), ans.Reason)
				e.counter++
				ans = e.serve(nonDevice, xmlsecSigned(other, dcc.EUI, 8, "8.2", "<sr:ReadInventory><sr:DeviceID>00-DB-12-34-56-78-90-A0</sr:DeviceID></sr:ReadInventory>", e.counter, exclusive))
				Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
				e.counter++
				ans = e.serve(transform, xmlsecSigned(supplier, esme, 4, "7.2", "<sr:DisableSupply/>", e.counter, exclusive))
				Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
				signed, err := dcc.SignPreCommand(signerKey(e, supplier), preCommandOf(ans.Body))
				Expect(err).NotTo(HaveOccurred())
				ans = e.serve(sendCommand, xmlsecSigned(supplier, esme, 5, "7.2", signedPreCommand(signed), e.counter, exclusive))
				Expect(ans.Code).To(Equal(dcc.I99), ans.Reason)
				e.run(time.Minute)
				Expect(e.f.ByDevice(esme).ESME.Supply()).To(Equal(devices.SupplyDisabled))
				rsp := ofKind(e.outbox(supplier), "response")
				Expect(rsp).To(HaveLen(2))
				for _, m := range rsp {
					Expect(codeOf(m.Body)).To(Equal("I0"))
					judged(pki, m.Body)
				}
			})
		}

		It("and refuses one whose originator was changed after xmlsec1 signed it", func() {
			e.counter++
			doc := xmlsecSigned(distrib, esme, 1, "4.1.1", "<sr:ReadInstantaneousImportRegisters/>", e.counter, true)
			doc = []byte(strings.Replace(string(doc), "<sr:RequestID>"+distrib.String(), "<sr:RequestID>"+supplier.String(), 1))
			ans := e.serve(sendCommand, doc)
			Expect(ans.Code).To(Equal(dcc.E1))
			Expect(ans.Reason).To(ContainSubstring("does not verify"))
		})
	})
})
