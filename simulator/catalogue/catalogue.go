// Package catalogue loads the Device Model catalogue: the profiles under fixtures/models (one file
// per model family, one Device Model per firmware version) and the Central Products List they are
// checked against. Every mistake in a file is reported with its file, line, column and field.
package catalogue

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/simulator/srv"
)

// Catalogue is the set of Device Models a run can use, with the CPL.
type Catalogue struct {
	// Models by ID (family@firmware), every one compiled and ready for devices.
	Models map[string]*devices.Model
	// Families by id, each with its models in firmware order as the profile lists them.
	Families map[string][]*devices.Model
	// CPL is the Central Products List as loaded.
	CPL []CPLEntry
}

// CPLEntry is one row of the Central Products List. For SMETS1 the GBCS version is blank.
type CPLEntry struct {
	DeviceType      devices.Kind
	Manufacturer    string
	Model           string
	HardwareVersion string
	FirmwareVersion string
	GBCSVersion     string
	Status          string // e.g. "Active"
	DateAdded       time.Time
	Line            int
}

// Lookup returns a model by ID; an ID without "@version" names the family's last listed version.
func (c *Catalogue) Lookup(id string) (*devices.Model, error) {
	if m, ok := c.Models[id]; ok {
		return m, nil
	}
	if !strings.Contains(id, "@") {
		if fam := c.Families[id]; len(fam) > 0 {
			return fam[len(fam)-1], nil
		}
	}
	family, _, _ := strings.Cut(id, "@")
	if fam := c.Families[family]; len(fam) > 0 {
		var vs []string
		for _, m := range fam {
			vs = append(vs, m.FirmwareVersion)
		}
		return nil, fmt.Errorf("unknown Device Model %q: family %s has firmware versions %s", id, family, strings.Join(vs, ", "))
	}
	return nil, fmt.Errorf("unknown Device Model %q (smetsim devices models lists them)", id)
}

// OnCPL reports whether a model is on the CPL.
func (c *Catalogue) OnCPL(m *devices.Model) bool {
	for _, e := range c.CPL {
		if e.DeviceType == m.Kind && e.Manufacturer == m.Manufacturer && e.Model == m.ModelName &&
			e.HardwareVersion == m.HardwareVersion && e.FirmwareVersion == m.FirmwareVersion {
			return true
		}
	}
	return false
}

// Sorted returns every model ordered by kind, then ID.
func (c *Catalogue) Sorted() []*devices.Model {
	out := make([]*devices.Model, 0, len(c.Models))
	for _, m := range c.Models {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Load reads every profile under modelsDir (*.yaml, recursively) and the CPL file from fsys.
// cplPath may be empty to load profiles only.
func Load(fsys fs.FS, modelsDir, cplPath string) (*Catalogue, error) {
	c := &Catalogue{Models: map[string]*devices.Model{}, Families: map[string][]*devices.Model{}}
	var files []string
	err := fs.WalkDir(fsys, modelsDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read models: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no model profiles (*.yaml) found", modelsDir)
	}
	sort.Strings(files)
	var errs []error
	familyFile := map[string]string{}
	for _, p := range files {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		models, err := ParseProfile(p, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fam := models[0].Family
		if prev, dup := familyFile[fam]; dup {
			errs = append(errs, fmt.Errorf("%s: family id %q is already used by %s", p, fam, prev))
			continue
		}
		familyFile[fam] = p
		c.Families[fam] = models
		for _, m := range models {
			c.Models[m.ID] = m
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if cplPath != "" {
		data, err := fs.ReadFile(fsys, cplPath)
		if err != nil {
			return nil, fmt.Errorf("read CPL: %w", err)
		}
		if c.CPL, err = ParseCPL(cplPath, data); err != nil {
			return nil, err
		}
	}
	return c, nil
}

type rawLatency struct {
	Distribution string `yaml:"distribution"`
	Min          string `yaml:"min"`
	Median       string `yaml:"median"`
	P95          string `yaml:"p95"`
	Max          string `yaml:"max"`
}

type rawVariation struct {
	Steps []string `yaml:"steps"`
	Note  string   `yaml:"note"`
}

type rawFault struct {
	Kind    string `yaml:"kind"`
	Divisor uint32 `yaml:"divisor"`
	Every   int    `yaml:"every"`
	PerDay  string `yaml:"per_day"`
	Note    string `yaml:"note"`
}

type rawFirmware struct {
	Version     string                  `yaml:"version"`
	Note        string                  `yaml:"note"`
	Latency     *rawLatency             `yaml:"latency"`
	Unsupported map[string]string       `yaml:"unsupported"`
	Variations  map[string]rawVariation `yaml:"variations"`
	Faults      []rawFault              `yaml:"faults"`
}

type rawProfile struct {
	ID               string                  `yaml:"id"`
	Kind             string                  `yaml:"kind"`
	Manufacturer     string                  `yaml:"manufacturer"`
	ManufacturerCode string                  `yaml:"manufacturer_code"`
	Model            string                  `yaml:"model"`
	HardwareVersion  string                  `yaml:"hardware_version"`
	Description      string                  `yaml:"description"`
	Tiers            int                     `yaml:"tiers"`
	Export           bool                    `yaml:"export"`
	WakeInterval     string                  `yaml:"wake_interval"`
	AwakeWindow      string                  `yaml:"awake_window"`
	PollInterval     string                  `yaml:"poll_interval"`
	Latency          *rawLatency             `yaml:"latency"`
	Unsupported      map[string]string       `yaml:"unsupported"`
	Variations       map[string]rawVariation `yaml:"variations"`
	Faults           []rawFault              `yaml:"faults"`
	Firmware         []rawFirmware           `yaml:"firmware"`
}

var (
	familyID     = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	responseCode = regexp.MustCompile(`^[EIW][0-9]{1,3}$`)
	versionText  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
)

// ParseProfile reads one profile file and returns its Device Models, one per firmware version.
func ParseProfile(name string, data []byte) ([]*devices.Model, error) {
	var raw rawProfile
	doc, err := yamldoc.Decode(name, data, &raw)
	if err != nil {
		return nil, err
	}
	if raw.ID == "" {
		return nil, doc.Errorf("id", "missing: every profile needs an id such as acme-e470")
	}
	if !familyID.MatchString(raw.ID) {
		return nil, doc.Errorf("id", "%q: use lower-case letters, digits and hyphens", raw.ID)
	}
	kind, err := devices.ParseKind(raw.Kind)
	if err != nil {
		return nil, doc.Errorf("kind", "%v", err)
	}
	for field, v := range map[string]string{"manufacturer": raw.Manufacturer, "model": raw.Model, "hardware_version": raw.HardwareVersion} {
		if strings.TrimSpace(v) == "" {
			return nil, doc.Errorf(field, "missing: the CPL identifies a model by manufacturer, model, hardware and firmware version")
		}
	}
	var code uint64
	if raw.ManufacturerCode != "" {
		code, err = strconv.ParseUint(raw.ManufacturerCode, 0, 16)
		if err != nil {
			return nil, doc.Errorf("manufacturer_code", "%q is not a 16-bit number (write it like 0x1234)", raw.ManufacturerCode)
		}
	}
	wake, err := duration(doc, "wake_interval", raw.WakeInterval)
	if err != nil {
		return nil, err
	}
	awake, err := duration(doc, "awake_window", raw.AwakeWindow)
	if err != nil {
		return nil, err
	}
	if kind == devices.KindGSME {
		if wake == 0 {
			return nil, doc.Errorf("wake_interval", "missing: a GSME profile needs a wake interval such as 30m")
		}
		if awake == 0 {
			awake = 7 * time.Second
		}
	} else if wake != 0 {
		return nil, doc.Errorf("wake_interval", "only a GSME sleeps; a %s is mains powered", kind)
	}
	poll, err := duration(doc, "poll_interval", raw.PollInterval)
	if err != nil {
		return nil, err
	}
	if kind == devices.KindPPMID {
		if poll == 0 {
			poll = 30 * time.Minute
		}
		if poll < time.Minute {
			return nil, doc.Errorf("poll_interval", "%s is too short: a PPMID polls at most once a minute", poll)
		}
	} else if poll != 0 {
		return nil, doc.Errorf("poll_interval", "only a PPMID polls its meters")
	}
	trt := srv.DeviceTRT(kind, wake)
	baseLatency := devices.Latency{Dist: devices.LatencyLogNormal, Median: 2 * time.Second, P95: 8 * time.Second, Max: 25 * time.Second}
	if raw.Latency != nil {
		if baseLatency, err = latency(doc, "latency", raw.Latency, kind, trt); err != nil {
			return nil, err
		}
	}
	baseUnsupported, err := unsupported(doc, "unsupported", raw.Unsupported, nil)
	if err != nil {
		return nil, err
	}
	baseVariations, err := variations(doc, "variations", raw.Variations, nil)
	if err != nil {
		return nil, err
	}
	baseFaults, err := faults(doc, "faults", raw.Faults, kind, nil)
	if err != nil {
		return nil, err
	}
	if len(raw.Firmware) == 0 {
		return nil, doc.Errorf("firmware", "missing: list at least one firmware version (each is a Device Model)")
	}
	seen := map[string]bool{}
	var out []*devices.Model
	for i, fw := range raw.Firmware {
		p := fmt.Sprintf("firmware[%d]", i)
		if !versionText.MatchString(fw.Version) {
			return nil, doc.Errorf(p+".version", "%q: want a firmware version such as 1.4.2", fw.Version)
		}
		if seen[fw.Version] {
			return nil, doc.Errorf(p+".version", "firmware %s is listed twice", fw.Version)
		}
		seen[fw.Version] = true
		m := &devices.Model{
			ID: raw.ID + "@" + fw.Version, Family: raw.ID, Kind: kind,
			Manufacturer: raw.Manufacturer, ModelName: raw.Model, HardwareVersion: raw.HardwareVersion,
			FirmwareVersion: fw.Version, ManufacturerCode: uint16(code), Description: raw.Description,
			Latency: baseLatency, WakeInterval: wake, AwakeWindow: awake, PollInterval: poll, Tiers: raw.Tiers, Export: raw.Export,
		}
		if fw.Latency != nil {
			if m.Latency, err = latency(doc, p+".latency", fw.Latency, kind, trt); err != nil {
				return nil, err
			}
		}
		if m.Unsupported, err = unsupported(doc, p+".unsupported", fw.Unsupported, baseUnsupported); err != nil {
			return nil, err
		}
		if m.Variations, err = variations(doc, p+".variations", fw.Variations, baseVariations); err != nil {
			return nil, err
		}
		if m.Faults, err = faults(doc, p+".faults", fw.Faults, kind, baseFaults); err != nil {
			return nil, err
		}
		if err := m.Compile(); err != nil {
			return nil, doc.Errorf(p, "%v", err)
		}
		out = append(out, m)
	}
	return out, nil
}

func duration(doc *yamldoc.Doc, field, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, doc.Errorf(field, "%q is not a duration (write it like 30m, 7s or 1h30m)", s)
	}
	return d, nil
}

// latency reads a latency distribution, bounded by trt, the Target Response Time of a request to
// the kind: a healthy device answers within it, so that a run passes on every seed and a TRT breach
// is something a scenario asks for (its slow fault), never a roll of the dice.
func latency(doc *yamldoc.Doc, field string, r *rawLatency, kind devices.Kind, trt time.Duration) (devices.Latency, error) {
	var l devices.Latency
	switch r.Distribution {
	case "fixed":
		l.Dist = devices.LatencyFixed
	case "uniform":
		l.Dist = devices.LatencyUniform
	case "lognormal", "":
		l.Dist = devices.LatencyLogNormal
	default:
		return l, doc.Errorf(field+".distribution", "%q: want fixed, uniform or lognormal", r.Distribution)
	}
	var err error
	for _, f := range []struct {
		name string
		raw  string
		dst  *time.Duration
	}{{"min", r.Min, &l.Min}, {"median", r.Median, &l.Median}, {"p95", r.P95, &l.P95}, {"max", r.Max, &l.Max}} {
		if *f.dst, err = duration(doc, field+"."+f.name, f.raw); err != nil {
			return l, err
		}
	}
	switch l.Dist {
	case devices.LatencyUniform:
		if l.Max <= l.Min {
			return l, doc.Errorf(field+".max", "a uniform latency needs max above min")
		}
	default:
		if l.Median <= 0 {
			return l, doc.Errorf(field+".median", "missing: a %s latency needs a median", r.Distribution)
		}
		if l.P95 != 0 && l.P95 < l.Median {
			return l, doc.Errorf(field+".p95", "the 95th percentile %s is below the median %s", l.P95, l.Median)
		}
		if l.Max != 0 && l.Max < l.Median {
			return l, doc.Errorf(field+".max", "max %s is below the median %s", l.Max, l.Median)
		}
	}
	upper, at := l.Max, field+".max"
	if l.Dist == devices.LatencyFixed {
		upper, at = max(l.Median, l.Min), field+".median"
	}
	switch {
	case upper == 0 && l.Dist != devices.LatencyFixed:
		return l, doc.Errorf(at, "missing: bound the latency with a max within the %s's Target Response Time (%s)", kind, trt)
	case upper > trt:
		return l, doc.Errorf(at, "%s is past the %s's Target Response Time (%s): a healthy device answers within it (a scenario's slow fault tests a breach)", upper, kind, trt)
	}
	return l, nil
}

func checkSRV(doc *yamldoc.Doc, field, variant string) error {
	if srv.Lookup(variant) == nil {
		return doc.Errorf(field, "unknown SRV %q (DUIS 5.4 has 129 variants, such as 4.1.1 and 11.1)", variant)
	}
	return nil
}

func unsupported(doc *yamldoc.Doc, field string, raw, base map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(base)+len(raw))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range raw {
		p := yamldoc.Join(field, k)
		if err := checkSRV(doc, p, k); err != nil {
			return nil, err
		}
		if v == "supported" {
			delete(out, k)
			continue
		}
		if !responseCode.MatchString(v) {
			return nil, doc.Errorf(p, "%q: give the DUIS response code the DCC returns (e.g. E11), or \"supported\"", v)
		}
		out[k] = v
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func variations(doc *yamldoc.Doc, field string, raw map[string]rawVariation, base map[string]devices.Variation) (map[string]devices.Variation, error) {
	if len(raw) == 0 && len(base) == 0 {
		return nil, nil
	}
	out := make(map[string]devices.Variation, len(base)+len(raw))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range raw {
		p := yamldoc.Join(field, k)
		if err := checkSRV(doc, p, k); err != nil {
			return nil, err
		}
		if len(v.Steps) == 0 && v.Note == "" {
			return nil, doc.Errorf(p, "a variation needs steps or a note saying how the model deviates")
		}
		out[k] = devices.Variation{Steps: v.Steps, Note: v.Note}
	}
	return out, nil
}

func faults(doc *yamldoc.Doc, field string, raw []rawFault, kind devices.Kind, base []devices.Fault) ([]devices.Fault, error) {
	out := append([]devices.Fault(nil), base...)
	for i, r := range raw {
		p := fmt.Sprintf("%s[%d]", field, i)
		k, err := devices.ParseFaultKind(r.Kind)
		if err != nil {
			return nil, doc.Errorf(p+".kind", "%v", err)
		}
		ok := false
		for _, applies := range devices.FaultKinds[k] {
			ok = ok || applies == kind
		}
		if !ok {
			return nil, doc.Errorf(p+".kind", "fault %s does not apply to a %s", k, kind)
		}
		f := devices.Fault{Kind: k, Divisor: r.Divisor, Every: r.Every, Note: r.Note}
		switch k {
		case devices.FaultWrongDivisor:
			if r.Divisor == 0 || r.Divisor > 0xFFFFFF {
				return nil, doc.Errorf(p+".divisor", "wrong_divisor needs the divisor the meter reports, 1–16777215")
			}
		case devices.FaultMissWakeups:
			if r.Every < 2 {
				return nil, doc.Errorf(p+".every", "miss_wakeups needs every: N with N ≥ 2 (skip every N-th wake-up)")
			}
		case devices.FaultClockDrift:
			d, err := time.ParseDuration(r.PerDay)
			if err != nil || d == 0 {
				return nil, doc.Errorf(p+".per_day", "clock_drift needs per_day, the drift a day such as 2s or -500ms")
			}
			f.DriftPerDay = d
		}
		for _, prev := range out {
			if prev.Kind == k {
				return nil, doc.Errorf(p+".kind", "fault %s is declared twice", k)
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// CPLColumns are the columns of the CPL file, in order.
var CPLColumns = []string{"device_type", "manufacturer", "model", "hardware_version", "firmware_version", "gbcs_version", "status", "date_added"}

// ParseCPL reads the CPL, a CSV file with the header CPLColumns; lines starting with # are comments.
func ParseCPL(name string, data []byte) ([]CPLEntry, error) {
	// Spreadsheets save CSV with a byte-order mark, which would otherwise stick to the first column.
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
	r.Comment = '#'
	r.FieldsPerRecord = len(CPLColumns)
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err == io.EOF {
		return nil, &yamldoc.Error{File: name, Line: 1, Msg: "empty: want the header " + strings.Join(CPLColumns, ",")}
	}
	if err != nil {
		return nil, cplError(name, header, err)
	}
	for i, h := range header {
		if strings.TrimSpace(h) != CPLColumns[i] {
			line, col := r.FieldPos(i)
			return nil, &yamldoc.Error{File: name, Line: line, Column: col, Field: CPLColumns[i], Msg: fmt.Sprintf("header column %d is %q; want %s", i+1, h, strings.Join(CPLColumns, ","))}
		}
	}
	var out []CPLEntry
	seen := map[string]int{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, cplError(name, rec, err)
		}
		line, _ := r.FieldPos(0)
		bad := func(col int, msg string, args ...any) error {
			l, c := r.FieldPos(col)
			return &yamldoc.Error{File: name, Line: l, Column: c, Field: CPLColumns[col], Msg: fmt.Sprintf(msg, args...)}
		}
		e := CPLEntry{Manufacturer: rec[1], Model: rec[2], HardwareVersion: rec[3], FirmwareVersion: rec[4], GBCSVersion: rec[5], Status: rec[6], Line: line}
		if e.DeviceType, err = devices.ParseKind(rec[0]); err != nil {
			return nil, bad(0, "%v", err)
		}
		for col := 1; col <= 4; col++ {
			if strings.TrimSpace(rec[col]) == "" {
				return nil, bad(col, "missing")
			}
		}
		if e.GBCSVersion != "" {
			return nil, bad(5, "%q: a SMETS1 CPL entry has a blank GBCS version", e.GBCSVersion)
		}
		if e.DateAdded, err = time.Parse("2006-01-02", rec[7]); err != nil {
			return nil, bad(7, "%q is not a date (write it as 2024-03-31)", rec[7])
		}
		key := strings.Join(rec[:5], "|")
		if prev, dup := seen[key]; dup {
			return nil, bad(0, "duplicate of the entry on line %d", prev)
		}
		seen[key] = line
		out = append(out, e)
	}
	return out, nil
}

// cplError locates a CSV reader error. For a row of the wrong length the reader still returns
// the row, so the message can say how many columns it has and which is the first one missing.
func cplError(name string, rec []string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		e := &yamldoc.Error{File: name, Line: pe.Line, Column: pe.Column, Msg: pe.Err.Error()}
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			e.Msg = fmt.Sprintf("the row has %d columns; want %d: %s", len(rec), len(CPLColumns), strings.Join(CPLColumns, ","))
			if len(rec) < len(CPLColumns) {
				e.Field = CPLColumns[len(rec)]
				e.Msg = "missing: " + e.Msg
			}
		}
		return e
	}
	return &yamldoc.Error{File: name, Msg: err.Error()}
}
