package dcc_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/dcc"
	"github.com/smetsim/smetsim/simulator/inventory"
)

func updateFirmware(image []byte, version string, ids ...devices.EUI64) string {
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = id.String()
	}
	return "<sr:UpdateFirmware><sr:FirmwareImage>" + base64.StdEncoding.EncodeToString(image) + "</sr:FirmwareImage><sr:FirmwareVersion>" +
		version + "</sr:FirmwareVersion><sr:DeviceIDList>" + strings.Join(list, ",") + "</sr:DeviceIDList></sr:UpdateFirmware>"
}

func activateFirmware(hash [32]byte) string {
	return "<sr:ActivateFirmware><sr:FirmwareHash>" + strings.ToUpper(hex.EncodeToString(hash[:])) + "</sr:FirmwareHash></sr:ActivateFirmware>"
}

// openPPC puts the reference premises' combination with one device's new model on the PPC list,
// its test open, as a lab does before trying new firmware (or opens the fixture entry listing it).
func openPPC(e *env, kind devices.Kind, model string) {
	in, _ := e.d.Inventory().InstallationOf(esme)
	c, err := e.d.Inventory().Combination(in.ID)
	Expect(err).NotTo(HaveOccurred())
	c.Models[kind] = model
	if adm, id := e.d.Lists().Admit(c); adm == inventory.PendingOnly {
		Expect(e.d.Lists().SetTestOpen(id, true)).To(Succeed()) // a fixture PPC entry already lists it
		return
	}
	Expect(e.d.Lists().AddPPC(inventory.PPCEntry{ID: "PPC-SPEC", Combination: c, Requested: e.f.Clock.Now(), TestOpen: true})).To(Succeed())
}

var _ = Describe("Firmware SRVs", func() {
	var e *env
	BeforeEach(func() {
		requireJudges()
		e = newEnv(envOptions{})
	})

	It("distributes the 11.1 sample's image to the ESME: staged with its SHA-256, 0x8F72 to the supplier", func() {
		ans := e.serve(nonDevice, e.template("11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML", supplier, dcc.EUI, nil))
		Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
		e.run(time.Minute)
		cur, img := e.f.ByDevice(esme).ESME.Firmware()
		Expect(cur).To(Equal("1.4.2"))
		Expect(img).NotTo(BeNil())
		Expect(img.Model.FirmwareVersion).To(Equal("00000000"))
		Expect(img.Model.ID).To(Equal("acme-e470@00000000"))
		raw, err := os.ReadFile(sharedFile("reference/duis-templates/templates/11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML"))
		Expect(err).NotTo(HaveOccurred())
		b64 := regexp.MustCompile(`<sr:FirmwareImage>([^<]+)</sr:FirmwareImage>`).FindSubmatch(raw)[1]
		image, _ := base64.StdEncoding.DecodeString(string(b64))
		Expect(img.Hash).To(Equal(sha256.Sum256(image)))
		alerts := ofKind(e.outbox(supplier), "device-alert")
		Expect(alerts).To(HaveLen(1))
		Expect(string(alerts[0].Body)).To(ContainSubstring("<ra:GBCSHexAlertCode>8F72</ra:GBCSHexAlertCode>"))
	})

	It("activates an image with the CS06 sample (11.3, run at once): new version, new Device Model in the SMI, 0x8F43", func() {
		p := e.f.ByDevice(esme)
		var hash [32]byte
		_, err := hex.Decode(hash[:], []byte("AA758690730934FF0685AA758690730934FF0685657788990011223344556677"))
		Expect(err).NotTo(HaveOccurred())
		model := catalogueModel("acme-e470@1.5.0")
		e.f.Clock.Do(func(now time.Time) { err = p.ESME.StageFirmware(now, devices.FirmwareImage{Model: model, Hash: hash}) })
		e.run(time.Second)
		Expect(err).NotTo(HaveOccurred())
		e.outbox(supplier)
		openPPC(e, devices.KindESME, "acme-e470@1.5.0")
		immediate := func(doc string) string {
			return regexp.MustCompile(`<sr:ExecutionDateTime>[^<]*</sr:ExecutionDateTime>\s*`).ReplaceAllString(doc, "")
		}
		ans := e.criticalDoc(supplier, esme, "11.3", e.template("CS06_11.3_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML", supplier, esme, immediate))
		Expect(ans.Code).To(Equal(dcc.I99), ans.Reason)
		doc, msgs := e.response(supplier, time.Minute)
		Expect(doc).To(ContainSubstring(`<ra:ActivateFirmwareRsp MessageSuccess="true"><ra:ActivateImageResponseCode ResponseCode="0"><ra:ASN1Status>success</ra:ASN1Status></ra:ActivateImageResponseCode><ra:FirmwareVersion>1.5.0</ra:FirmwareVersion>`))
		Expect(p.ESME.Model().ID).To(Equal("acme-e470@1.5.0"))
		Expect(smi(e, esme).Model.ID).To(Equal("acme-e470@1.5.0"))
		alerts := ofKind(msgs, "device-alert")
		Expect(alerts).NotTo(BeEmpty())
		Expect(string(alerts[0].Body)).To(ContainSubstring("<ra:GBCSHexAlertCode>8F43</ra:GBCSHexAlertCode>"))
	})

	It("takes 11.1 → 11.3 → 11.2 on the PPMID, and 8.2 shows the new version", func() {
		image := []byte("smetsim PD2 2.0 image")
		Expect(e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "11.1", updateFirmware(image, "2.0", ppmid))).Code).To(Equal(dcc.I0))
		e.run(time.Minute)
		e.outbox(supplier)
		openPPC(e, devices.KindPPMID, "acme-pd2@2.0")
		ans := e.criticalDoc(supplier, ppmid, "11.3", e.request(supplier, ppmid, 4, "11.3", activateFirmware(sha256.Sum256(image))))
		Expect(ans.Code).To(Equal(dcc.I99), ans.Reason)
		doc, _ := e.response(supplier, time.Minute)
		Expect(field([]byte(doc), "FirmwareVersion")).To(Equal("2.0"))
		e.serve(sendCommand, e.request(supplier, ppmid, 1, "11.2", "<sr:ReadFirmwareVersion/>"))
		doc, _ = e.response(supplier, time.Minute)
		Expect(doc).To(ContainSubstring("<ra:FirmwareVersion>2.0</ra:FirmwareVersion>"))
		inv := e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "8.2", "<sr:ReadInventory><sr:DeviceID>"+ppmid.String()+"</sr:DeviceID></sr:ReadInventory>"))
		Expect(string(inv.Body)).To(ContainSubstring("<sr:DeviceFirmwareVersion>2.0</sr:DeviceFirmwareVersion>"))
	})

	It("holds a future-dated activation until its date, then the device and the SMI follow", func() {
		image := []byte("smetsim CH1 4.0.0 image")
		Expect(e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "11.1", updateFirmware(image, "4.0.0", chf))).Code).To(Equal(dcc.I0))
		e.run(time.Minute)
		openPPC(e, devices.KindCHF, "acme-ch1@4.0.0")
		at := e.f.Clock.Now().Add(2 * time.Hour).UTC().Format("2006-01-02T15:04:05Z")
		hash := sha256.Sum256(image)
		body := "<sr:ActivateFirmware><sr:ExecutionDateTime>" + at + "</sr:ExecutionDateTime><sr:FirmwareHash>" + hex.EncodeToString(hash[:]) + "</sr:FirmwareHash></sr:ActivateFirmware>"
		e.outbox(supplier)
		Expect(e.criticalDoc(supplier, chf, "11.3", e.request(supplier, chf, 4, "11.3", body)).Code).To(Equal(dcc.I99))
		// The DCC holds the request until its execution date-time: nothing happens meanwhile.
		e.run(time.Hour)
		Expect(ofKind(e.outbox(supplier), "response")).To(BeEmpty())
		Expect(e.f.ByDevice(chf).CHF.Model().ID).To(Equal("acme-ch1@4.1.0"))
		Expect(smi(e, chf).Model.ID).To(Equal("acme-ch1@4.1.0"))
		doc, _ := e.response(supplier, time.Hour+time.Minute)
		Expect(doc).To(ContainSubstring(`<ra:ActivateFirmwareRsp MessageSuccess="true"`))
		Expect(e.f.ByDevice(chf).CHF.Model().ID).To(Equal("acme-ch1@4.0.0"))
		Expect(smi(e, chf).Model.ID).To(Equal("acme-ch1@4.0.0"))
	})

	It("refuses an activation that would leave the installation on neither list (E5), and the device keeps its firmware", func() {
		image := []byte("smetsim E470 1.5.0 image")
		e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "11.1", updateFirmware(image, "1.5.0", esme)))
		e.run(time.Minute)
		e.outbox(supplier)
		Expect(e.criticalDoc(supplier, esme, "11.3", e.request(supplier, esme, 4, "11.3", activateFirmware(sha256.Sum256(image)))).Code).To(Equal(dcc.I99))
		doc, _ := e.response(supplier, time.Minute)
		Expect(codeOf([]byte(doc))).To(Equal("E5"))
		Expect(e.f.ByDevice(esme).ESME.Model().ID).To(Equal("acme-e470@1.4.2"))
	})

	It("answers hashMismatch from the device when the hash is not the staged image's", func() {
		e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "11.1", updateFirmware([]byte("one"), "1.5.0", esme)))
		e.run(time.Minute)
		e.outbox(supplier)
		e.criticalDoc(supplier, esme, "11.3", e.request(supplier, esme, 4, "11.3", activateFirmware(sha256.Sum256([]byte("another")))))
		doc, _ := e.response(supplier, time.Minute)
		Expect(doc).To(ContainSubstring(`<ra:ActivateFirmwareRsp MessageSuccess="false"><ra:ActivateImageResponseCode ResponseCode="36"><ra:ASN1Status>hashMismatch</ra:ASN1Status>`))
	})

	It("warns W110101 and lists the devices an 11.1 image did not go to", func() {
		unknown := eui("00-DB-12-34-56-78-99-99")
		ans := e.serve(nonDevice, e.request(supplier, dcc.EUI, 8, "11.1", updateFirmware([]byte("img"), "1.5.0", esme, unknown, chf)))
		Expect(ans.Code).To(Equal(dcc.W110101))
		Expect(ans.Reason).To(ContainSubstring("DeviceIDList"))
		Expect(string(ans.Body)).To(ContainSubstring("<sr:DSPUpdateFirmwareWarning><sr:InvalidDeviceIDList>00-DB-12-34-56-78-99-99</sr:InvalidDeviceIDList><sr:NotApplicableFirmwareDeviceIDList>00-DB-12-34-56-78-90-A2</sr:NotApplicableFirmwareDeviceIDList></sr:DSPUpdateFirmwareWarning>"))
		e.run(time.Minute)
		_, img := e.f.ByDevice(esme).ESME.Firmware()
		Expect(img).NotTo(BeNil())
		_, img = e.f.ByDevice(chf).CHF.Firmware()
		Expect(img).To(BeNil())
	})

	DescribeTable("bodies that do not fit",
		func(path string, to devices.EUI64, cv int, variant, body string, code dcc.Code, reason string) {
			ans := e.serve(path, e.request(supplier, to, cv, variant, body))
			Expect(ans.Code).To(Equal(code))
			Expect(ans.Reason).To(ContainSubstring(reason))
		},
		Entry("11.3 with a short FirmwareHash", transform, esme, 4, "11.3", "<sr:ActivateFirmware><sr:FirmwareHash>AA75</sr:FirmwareHash></sr:ActivateFirmware>", dcc.E100, "FirmwareHash"),
		Entry("11.1 with a malformed DeviceIDList", nonDevice, dcc.EUI, 8, "11.1", strings.Replace(updateFirmware([]byte("x"), "1.5.0", esme), "00-DB-12-34-56-78-90-A0", "00-DB-12", 1), dcc.E100, "DeviceIDList"),
		Entry("11.1 with a FirmwareVersion over 8 characters", nonDevice, dcc.EUI, 8, "11.1", updateFirmware([]byte("x"), "1.5.0-beta.7", esme), dcc.E100, "FirmwareVersion"),
	)
})

func catalogueModel(id string) *devices.Model {
	cat, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
	Expect(err).NotTo(HaveOccurred())
	m, err := cat.Lookup(id)
	Expect(err).NotTo(HaveOccurred())
	return m
}
