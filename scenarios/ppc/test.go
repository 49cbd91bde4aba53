package ppc

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing/fstest"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/inventory"
	"github.com/smetsim/smetsim/simulator/registry"
	"github.com/smetsim/smetsim/simulator/srv"
)

// ReferencePremises is the premises of the default fleet the pack's scenarios are written for;
// the combination under test is fitted to it (fleet.Spec.Fit).
const ReferencePremises = "rtds-reference"

// FirmwarePathTag marks the pack's scenarios that start from the eligible combination an upgrade
// comes from and take the upgraded device through 11.1 → 11.3 → 11.2.
const FirmwarePathTag = "firmware-path"

// Options say how a PPC test runs.
type Options struct {
	Policy   registry.Policy // what the shareable report may say; "" means none
	Seed     uint64          // the run's seed: the same seed reproduces the run
	Parallel int             // cases at once; 0: one per CPU
	// Pack and PackDir hold the PPC pack's scenario files; nil and "" mean the built-in pack
	// (fixtures/packs/ppc).
	Pack    fs.FS
	PackDir string
	// Opened, when set, is called once the test is open and committed to the registry.
	Opened func()
}

// Upgrade is a combination under test that differs from an eligible one in one device's
// firmware: the firmware path starts from Base and ends on the combination under test.
type Upgrade struct {
	Base string       `json:"base"` // the EPC entry
	Kind devices.Kind `json:"-"`
	From string       `json:"from"` // Device Model ids
	To   string       `json:"to"`
}

// Issue is one thing the pack found wrong.
type Issue struct {
	Case     string `json:"case"`
	Step     string `json:"step"`
	At       string `json:"at"` // file:line of the step in the pack
	SRV      string `json:"srv"`
	SRVName  string `json:"srv_name"`
	Device   string `json:"device,omitempty"` // the target Device ID
	Expected string `json:"expected"`
	Observed string `json:"observed"`
	Failure  string `json:"failure"`
	// After is the SRV sent before the failing one in the case: the update a failed read-back proves.
	After    string                       `json:"after,omitempty"`
	Evidence []scenarios.Evidence         `json:"evidence,omitempty"`
	State    map[string]map[string]string `json:"device_state,omitempty"`
}

// Report is what a PPC test found: everything, for the requester (the confidential report). The
// shareable report is derived from it by the policy (Shareable).
type Report struct {
	PPC         string            `json:"ppc"`
	Combination map[string]string `json:"combination"` // kind → Device Model id, and "CSP"
	RequestedBy string            `json:"requested_by"`
	Upgrade     *Upgrade          `json:"upgrade,omitempty"`
	Policy      registry.Policy   `json:"policy"`
	Passed      bool              `json:"passed"`
	Tested      time.Time         `json:"tested"` // the run's (virtual) clock when the pack ended
	EPC         string            `json:"epc,omitempty"`
	Seed        uint64            `json:"seed"`
	Issues      []Issue           `json:"issues"`
	// NotApplicable are the pack's cases that do not apply to this combination, with why.
	NotApplicable map[string]string `json:"not_applicable,omitempty"`
	Result        *scenarios.Result `json:"result"`
}

// FailedSRVs are the SRVs with issues, in SRV order, without repeats.
func (r *Report) FailedSRVs() []string {
	seen := map[string]bool{}
	var out []string
	for _, is := range r.Issues {
		if is.SRV != "" && !seen[is.SRV] {
			seen[is.SRV] = true
			out = append(out, is.SRV)
		}
	}
	sort.Slice(out, func(i, j int) bool { return srv.Less(out[i], out[j]) })
	return out
}

// NotFound is a PPC test of an id the PPC list does not hold.
type NotFound struct{ ID string }

func (e *NotFound) Error() string {
	return fmt.Sprintf("no pending combination %s on the PPC list (smetsim ppc list shows them)", e.ID)
}

// Test runs the PPC test of the pending combination id: it opens the test (committed, so the mock
// DCC of this environment admits the combination), runs the PPC pack on the combination fitted to
// the reference premises, and commits the outcome: on success the combination moves to the EPC
// dated by the run's clock; on failure it stays pending, its test closed, with the outcome and the
// policy recorded for later requesters. The error is for a test that could not run; a failed
// test is a Report with Passed false.
func Test(ctx context.Context, reg *registry.Registry, id string, opts Options) (*Report, error) {
	if opts.Policy == "" {
		opts.Policy = registry.PolicyNone
	}
	entry, ok := reg.Lists.PPCEntry(id)
	if !ok {
		return nil, &NotFound{id}
	}
	comb, err := models(reg, entry.Combination)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	base, err := scenarios.DefaultFleetSpec()
	if err != nil {
		return nil, err
	}
	fitted, err := base.Fit(ReferencePremises, comb)
	if err != nil {
		return nil, fmt.Errorf("%s: build the combination: %w", id, err)
	}
	up, upFleet, err := upgradeOf(reg, entry.Combination, base)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	pack, packDir := opts.Pack, opts.PackDir
	if pack == nil {
		pack, packDir = fixtures.FS, fixtures.PPCPack
	}
	scs, err := (&scenarios.Loader{}).Load(pack, packDir)
	if err != nil {
		return nil, err
	}
	declared, err := declaredVariations(comb)
	if err != nil {
		return nil, err
	}
	scs = append(scs, declared...)

	rep := &Report{PPC: id, Combination: map[string]string{"CSP": entry.Combination.CSP}, RequestedBy: entry.RequestedBy,
		Upgrade: up, Policy: opts.Policy, Seed: opts.Seed, NotApplicable: map[string]string{}}
	for k, m := range entry.Combination.Models {
		rep.Combination[k.String()] = m
	}
	var run []*scenarios.Scenario
	for _, sc := range scs {
		c := *sc
		c.PPCOpen = nil
		c.Fleet, c.FleetName = fitted, id+" on "+ReferencePremises
		c.Variables = combinationVars(sc.Variables, comb)
		if hasTag(sc, FirmwarePathTag) {
			if up == nil {
				rep.NotApplicable[sc.Name] = "the combination is not a firmware upgrade of one device of an eligible combination"
				continue
			}
			c.Fleet, c.FleetName = upFleet, up.Base+" on "+ReferencePremises
			c.Variables = firmwareVars(c.Variables, up, upFleet, comb)
		}
		if why := notApplicable(&c, comb); why != "" {
			rep.NotApplicable[sc.Name] = why
			continue
		}
		run = append(run, &c)
	}

	if err := reg.Lists.SetTestOpen(id, true); err != nil {
		return nil, err
	}
	if err := reg.Commit("PPC test of " + id + " opened"); err != nil {
		return nil, err
	}
	if opts.Opened != nil {
		opts.Opened()
	}
	lists := reg.Lists.Clone()
	rep.Result = scenarios.Run(ctx, scenarios.Cases(run), scenarios.Options{Seed: opts.Seed, Parallel: opts.Parallel,
		Lists: func() (*inventory.Lists, error) { return lists.Clone(), nil }})
	rep.Tested = runClock(rep.Result)
	rep.Issues = issues(rep.Result, stepsByPos(run))
	rep.Passed = rep.Result.Failed == 0 && rep.Result.Passed > 0 && len(rep.Issues) == 0

	if err := reg.Lists.SetTestOpen(id, false); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		// An interrupted test proves nothing either way: it is closed, and no outcome recorded.
		if err := reg.Commit("PPC test of " + id + " interrupted"); err != nil {
			return nil, err
		}
		return rep, fmt.Errorf("PPC test of %s interrupted: %w", id, ctx.Err())
	}
	res := registry.Result{PPC: id, Tested: rep.Tested, Policy: opts.Policy}
	if rep.Passed {
		e, err := reg.Lists.Promote(id, reg.NextEPCID(), rep.Tested)
		if err != nil {
			return nil, err
		}
		rep.EPC, res.Outcome, res.EPC = e.ID, registry.Passed, e.ID
	} else {
		res.Outcome, res.FailedSRVs = registry.Failed, rep.FailedSRVs()
	}
	reg.Results = append(reg.Results, res)
	if err := reg.Commit(fmt.Sprintf("PPC test of %s %s", id, res.Outcome)); err != nil {
		return nil, err
	}
	return rep, nil
}

// models resolves a list combination's Device Models.
func models(reg *registry.Registry, c inventory.Combination) (fleet.Combination, error) {
	out := fleet.Combination{CSP: c.CSP, Models: map[devices.Kind]*devices.Model{}}
	for k, id := range c.Models {
		m, err := reg.Catalogue.Lookup(id)
		if err != nil {
			return out, err
		}
		out.Models[k] = m
	}
	return out, nil
}

// upgradeOf finds the eligible combination the pending one upgrades: same CSP, same models but
// one device's, which is another firmware version of the same family. None is not an error.
func upgradeOf(reg *registry.Registry, c inventory.Combination, base *fleet.Spec) (*Upgrade, *fleet.Spec, error) {
	for _, e := range reg.Lists.SortedEPC() {
		if e.Combination.CSP != c.CSP || len(e.Combination.Models) != len(c.Models) {
			continue
		}
		var diff []devices.Kind
		for k, m := range c.Models {
			if e.Combination.Models[k] != m {
				diff = append(diff, k)
			}
		}
		if len(diff) != 1 {
			continue
		}
		k := diff[0]
		from, err := reg.Catalogue.Lookup(e.Combination.Models[k])
		if err != nil {
			return nil, nil, err
		}
		to, err := reg.Catalogue.Lookup(c.Models[k])
		if err != nil {
			return nil, nil, err
		}
		if from.Family != to.Family {
			continue
		}
		bc, err := models(reg, e.Combination)
		if err != nil {
			return nil, nil, err
		}
		spec, err := base.Fit(ReferencePremises, bc)
		if err != nil {
			return nil, nil, fmt.Errorf("build the eligible combination %s: %w", e.ID, err)
		}
		return &Upgrade{Base: e.ID, Kind: k, From: from.ID, To: to.ID}, spec, nil
	}
	return nil, nil, nil
}

// combinationVars are the variables every pack scenario gets, over its own defaults: for each
// device kind of the combination (esme, gsme, chf, gpf, ppmid), <kind>_model (the CPL's model
// name), <kind>_manufacturer, <kind>_firmware, <kind>_model_id (family@version), and
// <kind>_image and <kind>_image_hash, the image of the firmware the device runs and its SHA-256,
// for 11.1 and 11.3 to distribute and activate it again.
func combinationVars(defaults map[string]string, comb fleet.Combination) map[string]string {
	out := map[string]string{}
	for k, v := range defaults {
		out[k] = v
	}
	for k, m := range comb.Models {
		p := strings.ToLower(k.String())
		out[p+"_model"], out[p+"_manufacturer"], out[p+"_firmware"], out[p+"_model_id"] = m.ModelName, m.Manufacturer, m.FirmwareVersion, m.ID
		out[p+"_image"], out[p+"_image_hash"] = firmwareImage(m)
	}
	return out
}

// firmwareImage is the image that makes a device run the Device Model m, base64 as 11.1 sends
// it, and its SHA-256 as 11.3 names it.
func firmwareImage(m *devices.Model) (image, hash string) {
	b := []byte("SMETSIM FIRMWARE IMAGE " + m.Family + " " + m.FirmwareVersion)
	sum := sha256.Sum256(b)
	return base64.StdEncoding.EncodeToString(b), strings.ToUpper(hex.EncodeToString(sum[:]))
}

// firmwareVars are the variables of a firmware-path scenario: the device, its image (named after
// the model it makes) and the image's SHA-256 that 11.3 names.
func firmwareVars(defaults map[string]string, up *Upgrade, spec *fleet.Spec, comb fleet.Combination) map[string]string {
	out := map[string]string{}
	for k, v := range defaults {
		out[k] = v
	}
	to := comb.Models[up.Kind]
	out["fw_kind"] = up.Kind.String()
	out["fw_device"] = ReferencePremises + "." + up.Kind.String()
	out["fw_device_id"] = spec.Premises[0].Devices[up.Kind].EUI.String()
	out["fw_image"], out["fw_hash"] = firmwareImage(to)
	out["fw_version"] = to.FirmwareVersion
	out["fw_model"] = to.ID
	out["fw_old_model"] = up.From
	_, out["fw_old_version"], _ = strings.Cut(up.From, "@")
	return out
}

// notApplicable says why a pack scenario does not apply to the combination: it sends an SRV to
// a device kind the combination lacks, or one the device's model declares unsupported (the
// declared-variations case checks those answer their declared code instead).
func notApplicable(sc *scenarios.Scenario, comb fleet.Combination) string {
	for _, steps := range [][]scenarios.Step{sc.Setup, sc.Steps, sc.Teardown} {
		for _, st := range steps {
			refs := deviceRefs(st)
			for _, ref := range refs {
				kind, ok := refKind(ref)
				if !ok {
					continue
				}
				m := comb.Models[kind]
				if m == nil {
					return fmt.Sprintf("the combination has no %s", kind)
				}
				if st.Send != nil && st.Send.To == ref && (st.Send.Expect == nil || st.Send.Expect.Code == "") {
					if ok, code := m.Supports(st.Send.SRV); !ok {
						return fmt.Sprintf("%s declares %s unsupported (%s), checked as declared", m.ID, st.Send.SRV, code)
					}
				}
			}
		}
	}
	return ""
}

func deviceRefs(st scenarios.Step) []string {
	var out []string
	switch {
	case st.Send != nil:
		out = append(out, st.Send.To)
	case st.Device != nil:
		for _, c := range st.Device.Checks {
			out = append(out, c.Device)
		}
	case st.Fault != nil:
		out = append(out, st.Fault.Device)
	}
	return out
}

func refKind(ref string) (devices.Kind, bool) {
	p, k, ok := strings.Cut(ref, ".")
	if !ok || p != ReferencePremises {
		return 0, false
	}
	kind, err := devices.ParseKind(k)
	return kind, err == nil
}

func hasTag(sc *scenarios.Scenario, tag string) bool {
	for _, t := range sc.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

// declaredVariations builds the case that checks each device's declared unsupported SRVs get
// the response code its model's profile declares.
func declaredVariations(comb fleet.Combination) ([]*scenarios.Scenario, error) {
	var b strings.Builder
	b.WriteString("name: Declared variations - unsupported SRVs answer their declared codes\n")
	b.WriteString("description: generated from the Device Model profiles of the combination under test\n")
	b.WriteString("tags: [ppc, declared-variations]\nfleet: default\nsteps:\n")
	n := 0
	for _, k := range devices.Kinds {
		m := comb.Models[k]
		if m == nil {
			continue
		}
		variants := make([]string, 0, len(m.Unsupported))
		for v := range m.Unsupported {
			variants = append(variants, v)
		}
		sort.Slice(variants, func(i, j int) bool { return srv.Less(variants[i], variants[j]) })
		for _, v := range variants {
			s := srv.Lookup(v)
			if s == nil {
				continue
			}
			as := aliasFor(s)
			if as == "" {
				continue
			}
			fmt.Fprintf(&b, "  - name: %q\n    send: {srv: %q, as: %s, to: %s.%s, body: %q, expect: {code: %s}}\n",
				fmt.Sprintf("%s %s declares %s unsupported: %s", k, m.ID, v, m.Unsupported[v]),
				v, as, ReferencePremises, k, "<"+bodyRoot(s.Name)+"/>", m.Unsupported[v])
			n++
		}
	}
	if n == 0 {
		return nil, nil
	}
	fsys := fstest.MapFS{"declared-variations.yaml": &fstest.MapFile{Data: []byte(b.String())}}
	return (&scenarios.Loader{}).Load(fsys, "declared-variations.yaml")
}

// aliasFor is a built-in user alias with a role that may send the SRV.
func aliasFor(s *srv.SRV) string {
	for _, r := range s.Roles {
		switch r {
		case "IS", "ES", "GS":
			return "supplier"
		case "ED":
			return "distributor"
		case "GT":
			return "transporter"
		case "OU":
			return "other"
		}
	}
	return ""
}

// bodyRoot makes an element name of an SRV name ("Read Maximum Demand Import Registers").
func bodyRoot(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// runClock is the run's clock at its end: the latest virtual instant any case reached.
func runClock(r *scenarios.Result) time.Time {
	var t time.Time
	for _, c := range r.Cases {
		for _, s := range c.Steps {
			if s.At.After(t) {
				t = s.At
			}
		}
		if len(c.Steps) > 0 {
			if end := c.Steps[0].At.Add(c.Virtual); end.After(t) {
				t = end
			}
		}
	}
	return t.UTC().Truncate(time.Second)
}

var (
	expectedGot  = regexp.MustCompile(`^(?:field )?(.*?):? ?expected (.+?), got (.+)$`)
	notInPayload = regexp.MustCompile(`^field (.+?): not in the response's (\S+) payload`)
	srvOfXML     = regexp.MustCompile(`ServiceReferenceVariant>([0-9][0-9.]*)<`)
	targetOfXML  = regexp.MustCompile(`RequestID>[0-9A-F-]+:([0-9A-F-]+):`)
	fileLine     = regexp.MustCompile(`^\S+:\d+: `)
)

// issues are the failed steps of the failed cases, and every response past its TRT. steps maps
// a step's position in the pack to the step, for the values its checks expected.
func issues(r *scenarios.Result, steps map[scenarios.Pos]*scenarios.Step) []Issue {
	var out []Issue
	for _, c := range r.Cases {
		var sent []string
		for _, s := range c.Steps {
			srvID, dev := "", ""
			for _, ev := range s.Messages {
				if m := srvOfXML.FindStringSubmatch(ev.XML); m != nil && srvID == "" {
					srvID = m[1]
				}
				if m := targetOfXML.FindStringSubmatch(ev.XML); m != nil && dev == "" {
					dev = m[1]
				}
			}
			st := steps[s.Pos]
			for _, ev := range s.Messages {
				if ev.TRTBreached && !expectsFailure(st) {
					out = append(out, Issue{Case: c.Name, Step: s.Name, At: posOf(s.Pos), SRV: srvID, SRVName: srvName(srvID), Device: dev,
						Expected: "a response within the TRT of " + ev.TRT.String(), Observed: "a response after " + ev.Elapsed.String(),
						Failure: fmt.Sprintf("%s: response time %s exceeded the target response time %s", srvID, ev.Elapsed, ev.TRT), Evidence: []scenarios.Evidence{ev}})
				}
			}
			before := append([]string(nil), sent...)
			if srvID != "" {
				sent = append(sent, srvID)
			}
			if s.Status != scenarios.Failed {
				continue
			}
			if srvID == "" && len(before) > 0 {
				srvID = before[len(before)-1] // a device or alert check proves the request before it
			}
			is := Issue{Case: c.Name, Step: s.Name, At: posOf(s.Pos), SRV: srvID, SRVName: srvName(srvID), Device: dev,
				Failure: s.Failure, Evidence: s.Messages, State: s.After}
			for i := len(before) - 1; i >= 0; i-- {
				if before[i] != srvID {
					is.After = before[i]
					break
				}
			}
			is.Expected, is.Observed = expectedObserved(s.Failure, st)
			out = append(out, is)
		}
		if c.Status == scenarios.Failed && len(c.Steps) == 0 {
			out = append(out, Issue{Case: c.Name, Failure: c.Failure, Expected: "the case to run", Observed: firstLine(c.Failure)})
		}
	}
	return out
}

// expectedObserved reads what a failed step expected and what it saw from its failure message,
// with the values its field checks wanted.
func expectedObserved(failure string, st *scenarios.Step) (string, string) {
	line := fileLine.ReplaceAllString(firstLine(failure), "")
	var exp, obs []string
	for _, part := range strings.Split(line, "; ") {
		if m := notInPayload.FindStringSubmatch(part); m != nil {
			want := "present"
			if f := fieldCheck(st, m[1]); f != nil {
				want = fmt.Sprintf("%s %s", f.Op, f.Value)
			}
			exp = append(exp, fmt.Sprintf("%s %s", m[1], want))
			obs = append(obs, fmt.Sprintf("%s absent from the %s payload", m[1], m[2]))
			continue
		}
		if m := expectedGot.FindStringSubmatch(part); m != nil {
			exp = append(exp, strings.TrimSpace(m[1]+" "+m[2]))
			obs = append(obs, strings.TrimSpace(m[1]+" "+m[3]))
			continue
		}
		exp, obs = append(exp, "the step to pass"), append(obs, part)
	}
	return strings.Join(exp, "; "), strings.Join(obs, "; ")
}

// expectsFailure says the step expects its response to be an error (E21 from a device that can
// no longer be reached): the TRT passing is then what it tests, not a breach.
func expectsFailure(st *scenarios.Step) bool {
	if st == nil || st.Send == nil || st.Send.Expect == nil || st.Send.Expect.Response == nil {
		return false
	}
	c := st.Send.Expect.Response.Code
	return c != "" && c != "I0"
}

func fieldCheck(st *scenarios.Step, path string) *scenarios.Field {
	if st == nil || st.Send == nil || st.Send.Expect == nil || st.Send.Expect.Response == nil {
		return nil
	}
	for i, f := range st.Send.Expect.Response.Fields {
		if f.Path == path {
			return &st.Send.Expect.Response.Fields[i]
		}
	}
	return nil
}

func srvName(v string) string {
	if info := srv.Lookup(v); info != nil {
		return info.Name
	}
	return ""
}

// stepsByPos indexes the steps of the scenarios by their position.
func stepsByPos(scs []*scenarios.Scenario) map[scenarios.Pos]*scenarios.Step {
	out := map[scenarios.Pos]*scenarios.Step{}
	for _, sc := range scs {
		for _, steps := range [][]scenarios.Step{sc.Setup, sc.Steps, sc.Teardown} {
			for i := range steps {
				out[steps[i].Pos] = &steps[i]
			}
		}
	}
	return out
}

func posOf(p scenarios.Pos) string {
	if p.File == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
