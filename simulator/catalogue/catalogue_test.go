package catalogue_test

import (
	"strings"
	"testing/fstest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/simulator/catalogue"
)

// esmeProfile is a minimal valid ESME profile; specs append to it or replace lines in it.
const esmeProfile = `id: spec-e1
kind: ESME
manufacturer: Spec Meters Ltd
model: E1
hardware_version: "1"
tiers: 4
firmware:
  - version: "1.0"
`

// gsmeProfile is a minimal valid GSME profile.
const gsmeProfile = `id: spec-g1
kind: GSME
manufacturer: Spec Meters Ltd
model: G1
hardware_version: "1"
wake_interval: 30m
firmware:
  - version: "1.0"
`

var _ = Describe("the built-in catalogue", func() {
	var cat *catalogue.Catalogue

	BeforeEach(func() {
		var err error
		cat, err = catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
		Expect(err).NotTo(HaveOccurred())
	})

	It("has at least three model families of every device kind", func() {
		families := map[devices.Kind]int{}
		for _, models := range cat.Families {
			Expect(models).NotTo(BeEmpty())
			families[models[0].Kind]++
		}
		for _, k := range devices.Kinds {
			Expect(families[k]).To(BeNumerically(">=", 3), "%s families", k)
		}
	})

	It("has several families with two or more firmware versions, each its own Device Model", func() {
		multi := 0
		for fam, models := range cat.Families {
			if len(models) >= 2 {
				multi++
			}
			for _, m := range models {
				Expect(m.Family).To(Equal(fam))
				Expect(m.ID).To(Equal(fam + "@" + m.FirmwareVersion))
				Expect(cat.Models[m.ID]).To(BeIdenticalTo(m))
			}
		}
		Expect(multi).To(BeNumerically(">=", 5))
	})

	It("has a profile for every CPL row", func() {
		Expect(cat.CPL).NotTo(BeEmpty())
		for _, e := range cat.CPL {
			var found *devices.Model
			for _, m := range cat.Models {
				if m.Kind == e.DeviceType && m.Manufacturer == e.Manufacturer && m.ModelName == e.Model &&
					m.HardwareVersion == e.HardwareVersion && m.FirmwareVersion == e.FirmwareVersion {
					found = m
				}
			}
			Expect(found).NotTo(BeNil(), "cpl.csv line %d: %s %s %s hw %s fw %s has no profile", e.Line, e.DeviceType, e.Manufacturer, e.Model, e.HardwareVersion, e.FirmwareVersion)
			Expect(cat.OnCPL(found)).To(BeTrue())
			Expect(e.GBCSVersion).To(BeEmpty())
			Expect(e.Status).To(Equal("Active"))
			Expect(e.DateAdded).To(BeTemporally(">", time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)))
		}
	})

	It("has every profile on the CPL except the release candidate kept off it on purpose", func() {
		var off []string
		for _, m := range cat.Sorted() {
			if !cat.OnCPL(m) {
				off = append(off, m.ID)
			}
		}
		Expect(off).To(Equal([]string{"britannia-bm200@3.2.0-rc1"}))
		rc := cat.Models["britannia-bm200@3.2.0-rc1"]
		Expect(rc.HasFault(devices.FaultWrongDivisor)).To(BeTrue())
	})

	It("sorts models by kind, then ID", func() {
		sorted := cat.Sorted()
		Expect(sorted).To(HaveLen(len(cat.Models)))
		for i := 1; i < len(sorted); i++ {
			a, b := sorted[i-1], sorted[i]
			Expect(a.Kind < b.Kind || (a.Kind == b.Kind && a.ID < b.ID)).To(BeTrue(), "%s before %s", a.ID, b.ID)
		}
	})

	DescribeTable("Lookup finds a Device Model",
		func(id, want string) {
			m, err := cat.Lookup(id)
			Expect(err).NotTo(HaveOccurred())
			Expect(m.ID).To(Equal(want))
		},
		Entry("by family@version", "acme-e470@1.4.2", "acme-e470@1.4.2"),
		Entry("by family alone: its last listed version", "acme-e470", "acme-e470@1.5.0"),
		Entry("by family alone, even when the last version is off the CPL", "britannia-bm200", "britannia-bm200@3.2.0-rc1"),
		Entry("a single-version family", "danum-dg10", "danum-dg10@5.1"),
	)

	It("Lookup of an unknown version lists the family's versions", func() {
		_, err := cat.Lookup("acme-e470@9.9")
		Expect(err).To(MatchError(`unknown Device Model "acme-e470@9.9": family acme-e470 has firmware versions 1.4.2, 1.5.0`))
	})

	It("Lookup of an unknown family says where the list is", func() {
		_, err := cat.Lookup("nobody-x1@1.0")
		Expect(err).To(MatchError(ContainSubstring(`unknown Device Model "nobody-x1@1.0"`)))
		Expect(err).To(MatchError(ContainSubstring("smetsim devices models")))
		_, err = cat.Lookup("")
		Expect(err).To(HaveOccurred())
	})

	It("compiles the declared faults into the Device Models", func() {
		g4 := cat.Models["acme-g4@1.1.0"]
		Expect(g4.HasFault(devices.FaultMissWakeups)).To(BeTrue())
		Expect(cat.Models["acme-g4@1.0.7"].HasFault(devices.FaultMissWakeups)).To(BeFalse())
		Expect(g4.WakeInterval).To(Equal(30 * time.Minute))
		Expect(g4.AwakeWindow).To(Equal(7 * time.Second))
		for _, m := range cat.Models {
			if m.Kind == devices.KindPPMID {
				Expect(m.PollInterval).To(BeNumerically(">=", time.Minute), m.ID)
			} else {
				Expect(m.PollInterval).To(BeZero(), m.ID)
			}
		}
	})
})

var _ = Describe("Load", func() {
	It("loads profiles without a CPL when none is named", func() {
		fsys := fstest.MapFS{"models/e1.yaml": {Data: []byte(esmeProfile)}}
		cat, err := catalogue.Load(fsys, "models", "")
		Expect(err).NotTo(HaveOccurred())
		Expect(cat.Models).To(HaveKey("spec-e1@1.0"))
		Expect(cat.OnCPL(cat.Models["spec-e1@1.0"])).To(BeFalse())
	})

	It("reports every broken profile, each with its file and line", func() {
		fsys := fstest.MapFS{
			"models/a.yaml":      {Data: []byte(strings.Replace(esmeProfile, "kind: ESME", "kind: XSME", 1))},
			"models/b/c.yml":     {Data: []byte(strings.Replace(esmeProfile, "tiers: 4", "tiers: four", 1))},
			"models/notes.txt":   {Data: []byte("not a profile")},
			"models/ok.yaml":     {Data: []byte(gsmeProfile)},
			"models/z/dup.yaml":  {Data: []byte(strings.Replace(gsmeProfile, "model: G1", "model: G2", 1))},
			"models/z/more.yaml": {Data: []byte(strings.Replace(esmeProfile, "spec-e1", "spec-e2", 1))},
		}
		_, err := catalogue.Load(fsys, "models", "")
		Expect(err).To(HaveOccurred())
		msg := err.Error()
		Expect(msg).To(ContainSubstring("models/a.yaml:2:1: kind:"))
		Expect(msg).To(ContainSubstring("models/b/c.yml:6:8: tiers: wrong type"))
		Expect(msg).To(ContainSubstring(`models/z/dup.yaml: family id "spec-g1" is already used by models/ok.yaml`))
		Expect(msg).NotTo(ContainSubstring("notes.txt"))
		Expect(msg).NotTo(ContainSubstring("more.yaml"))
	})

	It("says so when a directory holds no profiles", func() {
		_, err := catalogue.Load(fstest.MapFS{"models/readme.md": {Data: []byte("#")}}, "models", "")
		Expect(err).To(MatchError("models: no model profiles (*.yaml) found"))
	})

	It("says so when the models directory is missing", func() {
		_, err := catalogue.Load(fstest.MapFS{}, "models", "")
		Expect(err).To(MatchError(ContainSubstring("read models")))
	})

	It("names the CPL file when it is missing or broken", func() {
		fsys := fstest.MapFS{"models/e1.yaml": {Data: []byte(esmeProfile)}}
		_, err := catalogue.Load(fsys, "models", "cpl.csv")
		Expect(err).To(MatchError(ContainSubstring("read CPL")))
		fsys["cpl.csv"] = &fstest.MapFile{Data: []byte(strings.Join(catalogue.CPLColumns, ",") + "\nESME,a,b,c,d,,Active,2024-13-01\n")}
		_, err = catalogue.Load(fsys, "models", "cpl.csv")
		Expect(err).To(MatchError(ContainSubstring("cpl.csv:2:")))
	})
})

var _ = Describe("ParseProfile", func() {
	It("makes one Device Model per firmware version, each inheriting the family's settings", func() {
		src := `id: spec-e2
kind: ESME
manufacturer: Spec Meters Ltd
manufacturer_code: 0x1A99
model: E2
hardware_version: "2"
tiers: 2
export: true
latency: {distribution: fixed, median: 3s}
unsupported: {"4.11.1": E11, "6.20.1": E12}
faults:
  - kind: clock_drift
    per_day: -500ms
firmware:
  - version: "1.0"
  - version: "1.1"
    latency: {distribution: uniform, min: 1s, max: 5s}
    unsupported: {"4.11.1": supported}
    variations:
      "7.2": {note: opens the valve only after a confirmation on the PPMID}
    faults:
      - kind: forget_block_thresholds
`
		models, err := catalogue.ParseProfile("e2.yaml", []byte(src))
		Expect(err).NotTo(HaveOccurred())
		Expect(models).To(HaveLen(2))
		a, b := models[0], models[1]
		Expect(a.ID).To(Equal("spec-e2@1.0"))
		Expect(a.ManufacturerCode).To(BeEquivalentTo(0x1A99))
		Expect(a.Tiers).To(Equal(2))
		Expect(a.Export).To(BeTrue())
		Expect(a.Latency.Dist).To(Equal(devices.LatencyFixed))
		Expect(a.Unsupported).To(Equal(map[string]string{"4.11.1": "E11", "6.20.1": "E12"}))
		Expect(a.Faults).To(HaveLen(1))
		Expect(a.Faults[0].DriftPerDay).To(Equal(-500 * time.Millisecond))
		Expect(b.Latency.Dist).To(Equal(devices.LatencyUniform))
		Expect(b.Unsupported).To(Equal(map[string]string{"6.20.1": "E12"}))
		Expect(b.Variations).To(HaveKey("7.2"))
		Expect(b.HasFault(devices.FaultClockDrift)).To(BeTrue())
		Expect(b.HasFault(devices.FaultForgetBlockThresholds)).To(BeTrue())
		Expect(a.HasFault(devices.FaultForgetBlockThresholds)).To(BeFalse())
		ok, code := a.Supports("4.11.1")
		Expect(ok).To(BeFalse())
		Expect(code).To(Equal("E11"))
		ok, _ = b.Supports("4.11.1")
		Expect(ok).To(BeTrue())
	})

	It("reads an unquoted SRV such as 7.10 as written, not as the number 7.1", func() {
		models, err := catalogue.ParseProfile("e1.yaml", []byte(esmeProfile+"unsupported:\n  7.10: E11\n  4.10: E12\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(models[0].Unsupported).To(Equal(map[string]string{"7.10": "E11", "4.10": "E12"}))
		ok, _ := models[0].Supports("7.1")
		Expect(ok).To(BeTrue())
	})

	It("defaults a GSME's awake window and a PPMID's poll interval", func() {
		models, err := catalogue.ParseProfile("g1.yaml", []byte(gsmeProfile))
		Expect(err).NotTo(HaveOccurred())
		Expect(models[0].AwakeWindow).To(Equal(7 * time.Second))
		src := strings.NewReplacer("kind: ESME", "kind: PPMID", "tiers: 4\n", "").Replace(esmeProfile)
		models, err = catalogue.ParseProfile("p1.yaml", []byte(src))
		Expect(err).NotTo(HaveOccurred())
		Expect(models[0].PollInterval).To(Equal(30 * time.Minute))
	})

	DescribeTable("names the file, line, column and field of a mistake",
		func(src, where, field, msg string) {
			_, err := catalogue.ParseProfile("file.yaml", []byte(src))
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(HavePrefix("file.yaml:"+where+": "), "got: %v", err)
			Expect(err.Error()).To(ContainSubstring(field+": "), "got: %v", err)
			Expect(err.Error()).To(ContainSubstring(msg), "got: %v", err)
		},
		Entry("missing id", strings.Replace(esmeProfile, "id: spec-e1\n", "", 1),
			"1:1", "id", "missing: every profile needs an id"),
		Entry("an id with capitals", strings.Replace(esmeProfile, "spec-e1", "Spec-E1", 1),
			"1:1", "id", "lower-case letters"),
		Entry("a bad kind", strings.Replace(esmeProfile, "kind: ESME", "kind: XSME", 1),
			"2:1", "kind", `unknown device kind "XSME"`),
		Entry("an unknown field", esmeProfile+"colour: red\n",
			"9:1", "colour", `unknown field "colour"`),
		Entry("a wrong type for tiers", strings.Replace(esmeProfile, "tiers: 4", "tiers: four", 1),
			"6:8", "tiers", "wrong type: got a string, want a whole number"),
		Entry("too many tiers", strings.Replace(esmeProfile, "tiers: 4", "tiers: 9", 1),
			"8:5", "firmware[0]", "tiers must be 1–"),
		Entry("a missing manufacturer", strings.Replace(esmeProfile, "manufacturer: Spec Meters Ltd\n", "", 1),
			"1:1", "manufacturer", "missing"),
		Entry("a bad manufacturer code", esmeProfile+"manufacturer_code: 0x1FFFF\n",
			"9:1", "manufacturer_code", "not a 16-bit number"),
		Entry("an unknown SRV in unsupported", esmeProfile+"unsupported:\n  \"4.11.1\": E11\n  \"99.9\": E11\n",
			"11:3", `unsupported["99.9"]`, `unknown SRV "99.9"`),
		Entry("an unknown SRV in a firmware's unsupported", esmeProfile+"    unsupported: {\"9.9.9\": E11}\n",
			"9:19", `firmware[0].unsupported["9.9.9"]`, `unknown SRV "9.9.9"`),
		Entry("an unquoted variant that is not an SRV", esmeProfile+"variations:\n  6.20: {note: x}\n",
			"10:3", `variations["6.20"]`, `unknown SRV "6.20"`),
		Entry("a bad response code", esmeProfile+"unsupported:\n  \"4.11.1\": X1\n",
			"10:3", `unsupported["4.11.1"]`, `"X1": give the DUIS response code`),
		Entry("a variation without steps or note", esmeProfile+"variations:\n  \"7.2\": {}\n",
			"10:3", `variations["7.2"]`, "a variation needs steps or a note"),
		Entry("an unknown fault kind", esmeProfile+"faults:\n  - kind: melt\n",
			"10:5", "faults[0].kind", `unknown fault "melt"`),
		Entry("a fault not applicable to the kind", esmeProfile+"faults:\n  - kind: miss_wakeups\n    every: 3\n",
			"10:5", "faults[0].kind", "fault miss_wakeups does not apply to a ESME"),
		Entry("miss_wakeups every below 2", gsmeProfile+"    faults:\n      - kind: miss_wakeups\n        every: 1\n",
			"11:9", "firmware[0].faults[0].every", "miss_wakeups needs every: N with N ≥ 2"),
		Entry("miss_wakeups without every", gsmeProfile+"    faults:\n      - kind: miss_wakeups\n",
			"10:9", "firmware[0].faults[0].every", "miss_wakeups needs every"),
		Entry("wrong_divisor without divisor", esmeProfile+"    faults:\n      - kind: wrong_divisor\n",
			"10:9", "firmware[0].faults[0].divisor", "wrong_divisor needs the divisor"),
		Entry("clock_drift without per_day", esmeProfile+"faults:\n  - kind: clock_drift\n",
			"10:5", "faults[0].per_day", "clock_drift needs per_day"),
		Entry("a fault declared twice", esmeProfile+"faults:\n  - {kind: clock_drift, per_day: 1s}\n  - {kind: clock_drift, per_day: 2s}\n",
			"11:6", "faults[1].kind", "fault clock_drift is declared twice"),
		Entry("a GSME without wake_interval", strings.Replace(gsmeProfile, "wake_interval: 30m\n", "", 1),
			"1:1", "wake_interval", "missing: a GSME profile needs a wake interval"),
		Entry("a wake_interval on an ESME", esmeProfile+"wake_interval: 30m\n",
			"9:1", "wake_interval", "only a GSME sleeps"),
		Entry("a bad duration", strings.Replace(gsmeProfile, "30m", "half an hour", 1),
			"6:1", "wake_interval", `"half an hour" is not a duration`),
		Entry("a duplicate firmware version", esmeProfile+"  - version: \"1.1\"\n  - version: \"1.0\"\n",
			"10:5", "firmware[2].version", "firmware 1.0 is listed twice"),
		Entry("a bad firmware version", esmeProfile+"  - version: \"1.1 beta\"\n",
			"9:5", "firmware[1].version", `"1.1 beta": want a firmware version`),
		Entry("no firmware", strings.Replace(esmeProfile, "firmware:\n  - version: \"1.0\"\n", "", 1),
			"1:1", "firmware", "missing: list at least one firmware version"),
		Entry("a latency whose p95 is below its median", esmeProfile+"latency: {median: 5s, p95: 2s}\n",
			"9:23", "latency.p95", "the 95th percentile 2s is below the median 5s"),
		Entry("a firmware latency whose max is below its median", esmeProfile+"    latency: {median: 5s, max: 2s}\n",
			"9:27", "firmware[0].latency.max", "max 2s is below the median 5s"),
		Entry("a uniform latency without a range", esmeProfile+"latency: {distribution: uniform, min: 2s}\n",
			"9:1", "latency.max", "a uniform latency needs max above min"),
		Entry("a latency past the ESME's Target Response Time", esmeProfile+"latency: {median: 3s, p95: 11s, max: 45s}\n",
			"9:33", "latency.max", "45s is past the ESME's Target Response Time (30s): a healthy device answers within it"),
		Entry("an unbounded lognormal latency", esmeProfile+"latency: {median: 3s, p95: 11s}\n",
			"9:1", "latency.max", "missing: bound the latency with a max within the ESME's Target Response Time (30s)"),
		Entry("a fixed firmware latency past the TRT", esmeProfile+"    latency: {distribution: fixed, median: 31s}\n",
			"9:36", "firmware[0].latency.median", "31s is past the ESME's Target Response Time (30s)"),
		Entry("an unknown latency distribution", esmeProfile+"latency: {distribution: normal, median: 1s}\n",
			"9:11", "latency.distribution", `"normal": want fixed, uniform or lognormal`),
		Entry("a poll_interval on a non-PPMID", esmeProfile+"poll_interval: 10m\n",
			"9:1", "poll_interval", "only a PPMID polls its meters"),
		Entry("a PPMID polling too often", strings.NewReplacer("kind: ESME", "kind: PPMID", "tiers: 4", "poll_interval: 10s").Replace(esmeProfile),
			"6:1", "poll_interval", "10s is too short"),
	)
})

var _ = Describe("ParseCPL", func() {
	header := strings.Join(catalogue.CPLColumns, ",") + "\n"
	row := "ESME,Acme Metering Ltd,E470,2.1,1.4.2,,Active,2019-06-03\n"

	It("reads rows, skipping comments, with their line numbers", func() {
		cpl, err := catalogue.ParseCPL("cpl.csv", []byte("# a comment\n"+header+row+"# another\nGSME,Acme Metering Ltd,G4,1.3,1.0.7,,Active,2019-06-03\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(cpl).To(HaveLen(2))
		Expect(cpl[0]).To(Equal(catalogue.CPLEntry{DeviceType: devices.KindESME, Manufacturer: "Acme Metering Ltd", Model: "E470",
			HardwareVersion: "2.1", FirmwareVersion: "1.4.2", Status: "Active", DateAdded: time.Date(2019, 6, 3, 0, 0, 0, 0, time.UTC), Line: 3}))
		Expect(cpl[1].Line).To(Equal(5))
	})

	It("reads a file saved with a byte-order mark", func() {
		cpl, err := catalogue.ParseCPL("cpl.csv", []byte("\ufeff"+header+row))
		Expect(err).NotTo(HaveOccurred())
		Expect(cpl).To(HaveLen(1))
	})

	It("reads a header only as an empty list", func() {
		cpl, err := catalogue.ParseCPL("cpl.csv", []byte(header))
		Expect(err).NotTo(HaveOccurred())
		Expect(cpl).To(BeEmpty())
	})

	DescribeTable("names the file, line, column and column name of a mistake",
		func(src, where, field, msg string) {
			_, err := catalogue.ParseCPL("cpl.csv", []byte(src))
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(HavePrefix("cpl.csv:"+where+": "), "got: %v", err)
			if field != "" {
				Expect(err.Error()).To(ContainSubstring(field+": "), "got: %v", err)
			}
			Expect(err.Error()).To(ContainSubstring(msg), "got: %v", err)
		},
		Entry("a bad kind", header+"XSME,Acme,E470,2.1,1.4.2,,Active,2019-06-03\n",
			"2:1", "device_type", `unknown device kind "XSME"`),
		Entry("a missing column", header+row+"ESME,Acme,E470,2.1,1.4.2,,Active\n",
			"3:1", "date_added", "the row has 7 columns; want 8"),
		Entry("a column too many", header+"ESME,Acme,E470,2.1,1.4.2,,Active,2019-06-03,extra\n",
			"2:1", "", "the row has 9 columns; want 8"),
		Entry("a blank model", header+"ESME,Acme,,2.1,1.4.2,,Active,2019-06-03\n",
			"2:11", "model", "missing"),
		Entry("a non-blank GBCS version", header+"ESME,Acme,E470,2.1,1.4.2,4.3,Active,2019-06-03\n",
			"2:26", "gbcs_version", `"4.3": a SMETS1 CPL entry has a blank GBCS version`),
		Entry("a bad date", header+"ESME,Acme,E470,2.1,1.4.2,,Active,03/06/2019\n",
			"2:34", "date_added", `"03/06/2019" is not a date`),
		Entry("a duplicate row", header+row+"# comment\n"+row,
			"4:1", "device_type", "duplicate of the entry on line 2"),
		Entry("a wrong header", strings.Replace(header, "model", "model_name", 1)+row,
			"1:26", "model", `header column 3 is "model_name"`),
		Entry("a header in the wrong order", "manufacturer,device_type,model,hardware_version,firmware_version,gbcs_version,status,date_added\n"+row,
			"1:1", "device_type", `header column 1 is "manufacturer"`),
		Entry("a stray quote", header+"ESME,Acme \"Best\" Ltd,E470,2.1,1.4.2,,Active,2019-06-03\n",
			"2:11", "", `bare " in non-quoted-field`),
		Entry("an empty file", "",
			"1", "", "empty: want the header"),
		Entry("only comments", "# nothing\n",
			"1", "", "empty: want the header"),
	)
})
