package scenarios

import (
	"encoding/xml"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/inventory"
	"github.com/smetsim/smetsim/simulator/srv"
)

// Cases makes the test cases of scenarios: one per scenario, or one per parameter row. IDs are
// "<file>::<name>" or "<file>::<name>[<row index>]", stable across runs; a row's case is named
// "<name> [k=v …]" with the row's values in the order written.
func Cases(scs []*Scenario) []Case {
	var out []Case
	for _, sc := range scs {
		base := sc.File + "::" + sc.Name
		if len(sc.Parameters) == 0 {
			out = append(out, Case{Scenario: sc, ID: base, Name: sc.Name, Vars: merge(sc.Variables, nil)})
			continue
		}
		for i := range sc.Parameters {
			row := &sc.Parameters[i]
			out = append(out, Case{Scenario: sc, Row: row, ID: fmt.Sprintf("%s[%d]", base, i),
				Name: sc.Name + " [" + rowLabel(*row) + "]", Vars: merge(sc.Variables, row)})
		}
	}
	return out
}

// rowLabel writes a row as k=v pairs, quoting values that hold spaces.
func rowLabel(r Row) string {
	names := r.Names
	if len(names) != len(r.Values) { // a Row made by hand, without Names
		names = make([]string, 0, len(r.Values))
		for k := range r.Values {
			names = append(names, k)
		}
		sort.Strings(names)
	}
	parts := make([]string, len(names))
	for i, k := range names {
		v := r.Values[k]
		if v == "" || strings.ContainsAny(v, " \t\"[]=") {
			v = strconv.Quote(v)
		}
		parts[i] = k + "=" + v
	}
	return strings.Join(parts, " ")
}

func merge(vars map[string]string, row *Row) map[string]string {
	out := make(map[string]string, len(vars))
	for k, v := range vars {
		out[k] = v
	}
	if row != nil {
		for k, v := range row.Values {
			out[k] = v
		}
	}
	return out
}

// Shard returns the cases of shard k of n (1 ≤ k ≤ n): a case belongs to the shard its ID
// hashes to, so shards do not change when cases are added elsewhere, and shards 1..n together
// hold every case exactly once. Outside that range it returns nothing.
func Shard(cases []Case, k, n int) []Case {
	if n < 1 || k < 1 || k > n {
		return nil
	}
	var out []Case
	for _, c := range cases {
		h := fnv.New64a()
		_, _ = io.WriteString(h, c.ID)
		if int(h.Sum64()%uint64(n)) == k-1 {
			out = append(out, c)
		}
	}
	return out
}

// ParseShard reads a shard written "K/N", as --shard takes it.
func ParseShard(s string) (k, n int, err error) {
	ks, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	k, kerr := strconv.Atoi(ks)
	n, nerr := strconv.Atoi(ns)
	if !ok || kerr != nil || nerr != nil || n < 1 || k < 1 || k > n {
		return 0, 0, fmt.Errorf("shard %q: write K/N with 1 ≤ K ≤ N, such as 2/4", s)
	}
	return k, n, nil
}

// Expand makes a case's steps concrete: ${name} references are replaced with the case's
// variables (and each foreach row's), and a foreach step becomes one step per row. Every value
// is checked as Load checks it; mistakes come back as a *LoadError located at the steps.
func Expand(c Case) (setup, steps, teardown []Step, err error) {
	sc := c.Scenario
	if sc == nil {
		return nil, nil, nil, errors.New("expand: the case has no scenario")
	}
	var errs []*yamldoc.Error
	ctx := ""
	if c.Row != nil {
		ctx = c.Name
	}
	expand := func(in []Step) []Step {
		var out []Step
		for _, st := range in {
			rows := st.ForEach
			if len(rows) == 0 {
				rows = []Row{{}}
			}
			for qi, q := range rows {
				vars, qctx := c.Vars, ctx
				if len(st.ForEach) > 0 {
					vars = merge(c.Vars, &q)
					qctx = joinCtx(ctx, fmt.Sprintf("foreach[%d] %s", qi, rowLabel(q)))
				}
				x, e := expandStep(sc, st, vars, qctx)
				errs = append(errs, e...)
				x.ForEach = nil
				if len(st.ForEach) > 0 && x.Name != "" {
					x.Name += " [" + rowLabel(q) + "]"
				}
				out = append(out, x)
			}
		}
		return out
	}
	setup, steps, teardown = expand(sc.Setup), expand(sc.Steps), expand(sc.Teardown)
	if len(errs) > 0 {
		return nil, nil, nil, &LoadError{Errors: sortErrors(errs)}
	}
	return setup, steps, teardown, nil
}

func joinCtx(a, b string) string {
	if a == "" {
		return b
	}
	return a + ", " + b
}

// stringField is one string of a step that may hold ${name} references, with where it is.
type stringField struct {
	key string // the value's path within the step, a key of Step.Where
	ptr *string
}

// stringFields lists a step's substitutable strings: everything but durations, numbers, codes,
// step kinds and property names, which are written literally.
func stringFields(st *Step) []stringField {
	out := []stringField{{"name", &st.Name}}
	if s := st.Send; s != nil {
		out = append(out, stringField{"send.srv", &s.SRV}, stringField{"send.as", &s.As}, stringField{"send.to", &s.To},
			stringField{"send.body", &s.Body}, stringField{"send.execute_at", &s.ExecuteAt}, stringField{"send.top_up", &s.TopUp})
		if s.Expect != nil && s.Expect.Response != nil {
			for i := range s.Expect.Response.Fields {
				fl := &s.Expect.Response.Fields[i]
				key := yamldoc.Join("send.expect.response.fields", fl.Path)
				out = append(out, stringField{key, &fl.Path}, stringField{key, &fl.Value})
			}
		}
	}
	if e := st.Expect; e != nil && e.Scheduled != nil {
		for i := range e.Scheduled.Fields {
			fl := &e.Scheduled.Fields[i]
			key := yamldoc.Join("expect.scheduled.fields", fl.Path)
			out = append(out, stringField{key, &fl.Path}, stringField{key, &fl.Value})
		}
	}
	if d := st.Device; d != nil {
		for i := range d.Checks {
			c := &d.Checks[i]
			dkey := yamldoc.Join("device", c.Device)
			out = append(out, stringField{dkey, &c.Device}, stringField{yamldoc.Join(dkey, c.Property), &c.Value})
		}
	}
	if h := st.HAN; h != nil {
		out = append(out, stringField{"han.action", &h.Action}, stringField{"han.device", &h.Device},
			stringField{"han.fuel", &h.Fuel}, stringField{"han.amount", &h.Amount}, stringField{"han.utrn", &h.UTRN})
	}
	if a := st.Advance; a != nil {
		out = append(out, stringField{"advance.to", &a.To}, stringField{"advance.wake_of", &a.WakeOf})
	}
	if f := st.Fault; f != nil {
		out = append(out, stringField{"fault.device", &f.Device}, stringField{"fault.kind", &f.Kind})
	}
	return out
}

// cloneStep copies a step deeply enough that substituting its strings leaves the original alone.
func cloneStep(st Step) Step {
	x := st
	if s := st.Send; s != nil {
		c := *s
		if s.Expect != nil {
			e := cloneExpect(s.Expect)
			c.Expect = e
		}
		x.Send = &c
	}
	if st.Expect != nil {
		x.Expect = cloneExpect(st.Expect)
	}
	if d := st.Device; d != nil {
		x.Device = &DeviceCheck{Checks: append([]DeviceProperty(nil), d.Checks...)}
	}
	if h := st.HAN; h != nil {
		c := *h
		x.HAN = &c
	}
	if a := st.Advance; a != nil {
		c := *a
		x.Advance = &c
	}
	if f := st.Fault; f != nil {
		c := *f
		x.Fault = &c
	}
	return x
}

func cloneExpect(e *Expect) *Expect {
	c := *e
	c.Alerts = append([]string(nil), e.Alerts...)
	if e.Response != nil {
		r := *e.Response
		r.Fields = append([]Field(nil), e.Response.Fields...)
		c.Response = &r
	}
	if e.Scheduled != nil {
		r := *e.Scheduled
		r.Fields = append([]Field(nil), e.Scheduled.Fields...)
		c.Scheduled = &r
	}
	return &c
}

// refPattern finds ${name} references; "$${" writes a literal "${".
var refPattern = regexp.MustCompile(`\$\$\{|\$\{([^}]*)\}|\$\{`)

// substitute replaces ${name} references in s with vars; it returns the names that have no value
// and whether s held references at all.
func substitute(s string, vars map[string]string) (out string, missing []string, had bool) {
	if !strings.Contains(s, "${") {
		return s, nil, false
	}
	out = refPattern.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$${" {
			return "${"
		}
		had = true
		name := strings.TrimSuffix(strings.TrimPrefix(m, "${"), "}")
		v, ok := vars[name]
		if !ok {
			missing = append(missing, name)
			return m
		}
		return v
	})
	return out, missing, had
}

// refs lists the ${name} references in s, with a mistake if one is malformed.
func refs(s string) (names []string, bad string) {
	for _, m := range refPattern.FindAllStringSubmatch(s, -1) {
		switch {
		case m[0] == "$${":
		case !strings.HasSuffix(m[0], "}"):
			return names, "${ without a closing }: write ${name}, or $${ for a literal ${"
		case !namePattern.MatchString(m[1]):
			return names, fmt.Sprintf("${%s}: a variable name is letters, digits and '_', not starting with a digit", m[1])
		default:
			names = append(names, m[1])
		}
	}
	return names, ""
}

// checkVariables finds every ${name} that some test case would leave without a value.
func (f *fileLoader) checkVariables(sc *Scenario) {
	for _, set := range [][]Step{sc.Setup, sc.Steps, sc.Teardown} {
		for i := range set {
			st := &set[i]
			for _, sf := range stringFields(st) {
				names, bad := refs(*sf.ptr)
				if bad != "" {
					f.add(stepError(st, sf.key, "%s", bad))
					f.badSteps = append(f.badSteps, st.Path)
					continue
				}
				for _, name := range names {
					if where, missing := unset(sc, st, name); missing {
						f.add(stepError(st, sf.key, "${%s} has no value%s: set it in variables, in every parameters row or in every foreach row of the step", name, where))
						f.badSteps = append(f.badSteps, st.Path)
					}
				}
			}
		}
	}
}

// unset says whether a variable may lack a value, and in which parameters row. Where foreach
// rows and parameter rows meet, checkCases finds the combinations that lack it.
func unset(sc *Scenario, st *Step, name string) (where string, missing bool) {
	if _, ok := sc.Variables[name]; ok {
		return "", false
	}
	firstMissing := func(rows []Row) int {
		for i, r := range rows {
			if _, ok := r.Values[name]; !ok {
				return i
			}
		}
		return -1
	}
	switch {
	case len(st.ForEach) > 0 && firstMissing(st.ForEach) < 0:
		return "", false
	case len(sc.Parameters) > 0 && firstMissing(sc.Parameters) < 0:
		return "", false
	case len(st.ForEach) > 0:
		return "", false
	case len(sc.Parameters) > 0:
		return fmt.Sprintf(" in parameters[%d]", firstMissing(sc.Parameters)), true
	}
	return "", true
}

// checkCases expands every test case as Expand will, so that a mistake that only shows once a
// row's values are in (an unknown device in one row) is found now.
func (f *fileLoader) checkCases(sc *Scenario) {
	if n := expandedSteps(sc); n > MaxExpandedSteps {
		f.add(&yamldoc.Error{File: sc.File, Line: sc.Line, Column: 1, Msg: fmt.Sprintf("the scenario expands to %d steps over its parameter and foreach rows; the limit is %d", n, MaxExpandedSteps)})
		return
	}
	bad := map[string]bool{}
	for _, p := range f.badSteps {
		bad[p] = true
	}
	for _, c := range Cases([]*Scenario{sc}) {
		ctx := ""
		if c.Row != nil {
			ctx = fmt.Sprintf("with parameters[%d] %s", rowIndex(sc, c.Row), rowLabel(*c.Row))
		}
		for _, set := range [][]Step{sc.Setup, sc.Steps, sc.Teardown} {
			for _, st := range set {
				if bad[st.Path] {
					continue
				}
				rows := st.ForEach
				if len(rows) == 0 {
					rows = []Row{{}}
				}
				for qi, q := range rows {
					vars, qctx := c.Vars, ctx
					if len(st.ForEach) > 0 {
						vars = merge(c.Vars, &q)
						qctx = joinCtx(ctx, fmt.Sprintf("foreach[%d] %s", qi, rowLabel(q)))
					}
					_, errs := expandStep(sc, st, vars, qctx)
					f.errs = append(f.errs, errs...)
				}
			}
		}
	}
}

// MaxExpandedSteps bounds the steps a scenario's cases expand to together, so that a few lines of
// aliased rows cannot make a suite that never finishes loading.
const MaxExpandedSteps = 100_000

// expandedSteps counts the steps of all of a scenario's cases once foreach rows are expanded.
func expandedSteps(sc *Scenario) int {
	per := 0
	for _, set := range [][]Step{sc.Setup, sc.Steps, sc.Teardown} {
		for _, st := range set {
			per += max(len(st.ForEach), 1)
		}
	}
	return per * max(len(sc.Parameters), 1)
}

func rowIndex(sc *Scenario, r *Row) int {
	for i := range sc.Parameters {
		if &sc.Parameters[i] == r {
			return i
		}
	}
	return 0
}

// stepError is an error at one of a step's values.
func stepError(st *Step, key, format string, args ...any) *yamldoc.Error {
	p, ok := st.Where[key]
	if !ok {
		p = st.Pos
	}
	field := st.Path
	switch {
	case field == "":
		field = key
	case strings.HasPrefix(key, "["):
		field += key
	default:
		field += "." + key
	}
	return &yamldoc.Error{File: p.File, Line: p.Line, Column: p.Column, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// stepChecker checks a step once its variables are in.
type stepChecker struct {
	sc   *Scenario
	st   *Step
	had  map[string]bool // keys whose values came from variables
	ctx  string
	errs []*yamldoc.Error
}

// missing reports a required value absent from the mapping at key.
func (c *stepChecker) missing(key, name, why string) {
	e := stepError(c.st, key, "missing: %s", why)
	e.Field += "." + name
	c.errs = append(c.errs, e)
}

func (c *stepChecker) errorf(key, format string, args ...any) {
	e := stepError(c.st, key, format, args...)
	if c.had[key] && c.ctx != "" {
		e.Msg += " (" + c.ctx + ")"
	}
	c.errs = append(c.errs, e)
}

// expandStep substitutes vars into a copy of st and checks the result.
func expandStep(sc *Scenario, st Step, vars map[string]string, ctx string) (Step, []*yamldoc.Error) {
	x := cloneStep(st)
	c := &stepChecker{sc: sc, st: &st, had: map[string]bool{}, ctx: ctx}
	// Keys of device checks come from the step as written, before substitution changes them.
	var devKeys []string
	if x.Device != nil {
		for _, d := range x.Device.Checks {
			devKeys = append(devKeys, yamldoc.Join("device", d.Device))
		}
	}
	for _, sf := range stringFields(&x) {
		vs := vars
		if sf.key == "send.body" && x.Send.BodyFromMapping {
			vs = escaped(vars)
		}
		out, missing, had := substitute(*sf.ptr, vs)
		if had {
			c.had[sf.key] = true
		}
		for _, m := range missing {
			c.errorf(sf.key, "${%s} has no value", m)
		}
		*sf.ptr = out
	}
	if len(c.errs) > 0 {
		return x, c.errs // checking "${name}" as a value would only add noise
	}
	switch x.Kind {
	case StepSend:
		c.send(x.Send)
	case StepExpect:
		c.expect("expect", x.Expect)
	case StepDevice:
		c.device(x.Device, devKeys)
	case StepHAN:
		c.han(x.HAN)
	case StepAdvance:
		c.advance(x.Advance)
	case StepFault:
		c.fault(x.Fault)
	}
	return x, c.errs
}

func (c *stepChecker) send(s *Send) {
	if s == nil {
		return
	}
	sr := srv.Lookup(s.SRV)
	if sr == nil {
		c.errorf("send.srv", "unknown SRV %q; smetsim srv list shows them all", s.SRV)
	}
	if _, ok := c.sc.Users[s.As]; !ok && BuiltinUsers[s.As] == (devices.EUI64{}) {
		c.errorf("send.as", "unknown user alias %q; want %s", s.As, strings.Join(c.aliases(), ", "))
	}
	switch {
	case s.To == "" && sr != nil && sr.NonDevice:
		s.To = "DCC"
	case s.To == "":
		c.missing("send", "to", "name the device (<premises>.<KIND> or a Device ID)")
	case s.To == "DCC":
		if sr != nil && !sr.NonDevice {
			c.errorf("send.to", "%s goes to a device, not the DCC", sr.Variant)
		}
	default:
		c.resolve("send.to", s.To)
	}
	expectsError := s.Expect != nil && strings.HasPrefix(s.Expect.Code, "E")
	if sr != nil && s.CV != 0 && !expectsError {
		if err := sr.CheckCommandVariant(s.CV); err != nil {
			c.errorf("send.cv", "%v; to test the DCC's refusal, expect it (expect: {code: E12})", err)
		}
	}
	if s.Body != "" {
		if err := wellFormed(s.Body); err != nil {
			c.errorf("send.body", "not well-formed XML: %v", err)
		}
	}
	if s.TopUp != "" {
		switch {
		case s.SRV != "2.2":
			c.errorf("send.top_up", "only 2.2 Top Up Device takes a top_up amount")
		case s.Body != "":
			c.errorf("send.top_up", "give a body or a top_up amount, not both")
		default:
			if _, err := parseAmount(s.TopUp); err != nil {
				c.errorf("send.top_up", "%q is not an amount: %v", s.TopUp, err)
			}
		}
	}
	if s.ExecuteAt != "" {
		if _, err := ParseExecuteAt(s.ExecuteAt); err != nil {
			c.errorf("send.execute_at", "%v", err)
		} else if sr != nil && sr.FutureDated == srv.FutureNone {
			c.errorf("send.execute_at", "%s cannot be future-dated", sr.Variant)
		}
	}
	if s.Expect != nil {
		c.expect("send.expect", s.Expect)
	}
}

// ParseExecuteAt reads a send step's execute_at: an RFC 3339 instant, or "+duration" after the
// step's virtual time (the instant is zero then).
func ParseExecuteAt(s string) (at time.Time, err error) {
	if rest, ok := strings.CutPrefix(s, "+"); ok {
		if _, err := ParseDuration(rest); err != nil {
			return time.Time{}, fmt.Errorf("%q: want an RFC 3339 instant or +duration, such as +1h", s)
		}
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want an RFC 3339 instant (2026-03-28T01:30:00Z) or +duration, such as +1h", s)
	}
	return t, nil
}

func (c *stepChecker) aliases() []string {
	out := make([]string, 0, len(c.sc.Users)+len(BuiltinUsers))
	for k := range c.sc.Users {
		out = append(out, k)
	}
	for k := range BuiltinUsers {
		if _, dup := c.sc.Users[k]; !dup {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// wellFormed checks a body is XML: elements closed, attributes quoted, entities known.
func wellFormed(body string) error {
	d := xml.NewDecoder(strings.NewReader("<body>" + body + "</body>"))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return errors.New(se.Msg)
			}
			return err
		}
	}
}

func (c *stepChecker) expect(prefix string, x *Expect) {
	if x == nil {
		return
	}
	if x.Scheduled != nil {
		c.fieldChecks(prefix+".scheduled.fields", x.Scheduled.Fields)
	}
	if x.Response != nil {
		c.fieldChecks(prefix+".response.fields", x.Response.Fields)
	}
}

func (c *stepChecker) fieldChecks(prefix string, fields []Field) {
	for _, fl := range fields {
		key := yamldoc.Join(prefix, fl.Path)
		if !pathPattern.MatchString(fl.Path) {
			c.errorf(key, "%q is not a path: element local names separated by /, each maybe with a position from 1 ([2]), with @name for an attribute at the end", fl.Path)
		}
		if fl.Op == OpMatches {
			if _, err := regexp.Compile(fl.Value); err != nil {
				c.errorf(key, "the regular expression %q does not compile: %s", fl.Value, regexpReason(err))
			}
		}
	}
}

// resolve finds the device a reference names in the scenario's fleet.
func (c *stepChecker) resolve(key, ref string) (devices.Kind, bool) {
	spec := c.sc.Fleet
	if spec == nil {
		return 0, false // the fleet has its own mistakes, already reported
	}
	if ref == "" {
		c.errorf(key, "missing: name the device (<premises>.<KIND> or a Device ID)")
		return 0, false
	}
	if i := strings.LastIndexByte(ref, '.'); i > 0 {
		id, kname := ref[:i], ref[i+1:]
		kind, err := devices.ParseKind(kname)
		if err != nil {
			c.errorf(key, "%q: the device kind after the premises is ESME, GSME, CHF, GPF or PPMID", ref)
			return 0, false
		}
		kinds, ok := spec.PremisesKinds(id)
		if !ok {
			c.errorf(key, "no premises %q in fleet %s (%s)", id, c.sc.FleetName, premisesHint(spec))
			return 0, false
		}
		if !contains(kinds, kind) {
			c.errorf(key, "premises %s has no %s (it has %s)", id, kind, kindList(kinds))
			return 0, false
		}
		return kind, true
	}
	eui, err := devices.ParseEUI64(ref)
	if err != nil {
		c.errorf(key, "%q is not a device reference: write <premises>.<KIND> (rtds-reference.ESME) or a Device ID (00-DB-12-34-56-78-90-A0)", ref)
		return 0, false
	}
	_, kind, ok := spec.DeviceByEUI(eui)
	if !ok {
		c.errorf(key, "no device %s in fleet %s", eui, c.sc.FleetName)
		return 0, false
	}
	return kind, true
}

func kindList(kinds []devices.Kind) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = k.String()
	}
	return strings.Join(s, ", ")
}

// premisesHint names the premises of a fleet briefly: the listed ones and each generator's range.
func premisesHint(spec *fleet.Spec) string {
	var parts []string
	for i, p := range spec.Premises {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("%d more listed", len(spec.Premises)-5))
			break
		}
		parts = append(parts, p.ID)
	}
	for _, g := range spec.Generators {
		if g.Count == 1 {
			parts = append(parts, fmt.Sprintf("%s%06d", g.Prefix, 1))
		} else {
			parts = append(parts, fmt.Sprintf("%s%06d … %s%06d", g.Prefix, 1, g.Prefix, g.Count))
		}
	}
	return "it has " + strings.Join(parts, ", ")
}

// enumerated are the values of the device properties that have a fixed set.
var enumerated = map[string][]string{
	"supply":       {"enabled", "disabled", "armed"},
	"payment_mode": {"credit", "prepayment"},
	"wan":          {"up", "down"},
	"privacy_pin":  {"enabled", "disabled"},
}

// numeric are the device properties whose values are numbers.
var numeric = map[string]string{
	"balance": "pounds", "standing_charge": "pounds a day", "price": "pounds per kWh", "credit": "pounds",
	"gas_credit": "pounds", "register": "Wh or m³", "clock_offset": "seconds",
	"mirror_age": "seconds", "gas_price": "pounds per kWh", "mirror_lag": "m³",
}

func init() {
	for _, s := range inventory.Statuses {
		enumerated["smi_status"] = append(enumerated["smi_status"], string(s))
	}
}

func (c *stepChecker) device(d *DeviceCheck, keys []string) {
	if d == nil {
		return
	}
	for i, p := range d.Checks {
		key := keys[i]
		kind, ok := c.resolve(key, p.Device)
		pkey := yamldoc.Join(key, p.Property)
		if ok && !contains(Properties[p.Property], kind) {
			e := stepError(c.st, pkey, "%s has no property %s; it is for %s", article(kind), p.Property, kindList(Properties[p.Property]))
			e.Line, e.Column = p.Pos.Line, p.Pos.Column
			c.errs = append(c.errs, e)
		}
		switch {
		case p.Op == OpAbsent:
			c.errorf(pkey, "a device always has its %s: absent is for response fields", p.Property)
		case p.Op == OpMatches:
			if _, err := regexp.Compile(p.Value); err != nil {
				c.errorf(pkey, "the regular expression %q does not compile: %s", p.Value, regexpReason(err))
			}
		case enumerated[p.Property] != nil && (p.Op == OpEq || p.Op == OpNe):
			if !contains(enumerated[p.Property], p.Value) {
				c.errorf(pkey, "%s is never %q; want %s", p.Property, p.Value, strings.Join(enumerated[p.Property], ", "))
			}
		case numeric[p.Property] != "" && p.Op != OpExists && p.Op != OpContains:
			if _, err := strconv.ParseFloat(p.Value, 64); err != nil {
				c.errorf(pkey, "%s is a number (%s); %q is not one", p.Property, numeric[p.Property], p.Value)
			}
		}
	}
}

var (
	amountPattern = regexp.MustCompile(`^[0-9]{1,6}(\.[0-9]{1,2})?$`)
	utrnPattern   = regexp.MustCompile(`^[0-9]{20}$`)
)

func (c *stepChecker) han(h *HANAction) {
	if h == nil {
		return
	}
	if !contains(HANActions, h.Action) {
		c.errorf("han.action", "unknown HAN action %q; want %s", h.Action, strings.Join(HANActions, ", "))
		return
	}
	want := devices.KindPPMID
	if h.Action == "wake" {
		want = devices.KindGSME
	}
	kind, ok := c.resolve("han.device", h.Device)
	// A supply disabled remotely is re-enabled locally: at the PPMID for electricity, and at the
	// meter itself — the only way for a SMETS1 gas valve, which the PPMID cannot open.
	atMeter := h.Action == "enable_supply" && ok && (kind == devices.KindESME || kind == devices.KindGSME)
	switch {
	case atMeter && h.Fuel != "":
		c.errorf("han.fuel", "enable_supply at a meter takes no fuel: the meter is its own")
		return
	case atMeter:
		return
	case ok && kind != want && h.Action == "enable_supply":
		c.errorf("han.device", "enable_supply acts on a PPMID, an ESME or a GSME; %s is %s", h.Device, article(kind))
	case ok && kind != want:
		c.errorf("han.device", "%s acts on %s; %s is %s", h.Action, article(want), h.Device, article(kind))
	}
	if h.Action == "wake" {
		if h.Fuel != "" {
			c.errorf("han.fuel", "wake takes no fuel: it wakes the GSME")
		}
	} else if h.Fuel == "" {
		h.Fuel = "electricity"
	} else if !contains(Fuels, h.Fuel) {
		c.errorf("han.fuel", "unknown fuel %q; want electricity or gas", h.Fuel)
	}
	if h.Action != "top_up" {
		if h.Amount != "" {
			c.errorf("han.amount", "only top_up takes an amount")
		}
		if h.UTRN != "" {
			c.errorf("han.utrn", "only top_up takes a UTRN")
		}
		return
	}
	switch {
	case h.Amount == "" && h.UTRN == "":
		c.missing("han", "amount", "a top_up needs an amount (pounds) or a utrn")
	case h.Amount != "" && h.UTRN != "":
		c.errorf("han.utrn", "give an amount or a utrn, not both")
	case h.Amount != "" && !amountPattern.MatchString(h.Amount):
		c.errorf("han.amount", "%q is not an amount: write pounds such as 10 or 12.50", h.Amount)
	case h.Amount != "" && strings.Trim(h.Amount, "0.") == "":
		c.errorf("han.amount", "a top-up of nothing: give more than 0")
	case h.UTRN != "" && !utrnPattern.MatchString(h.UTRN):
		c.errorf("han.utrn", "%q is not a UTRN: 20 digits", h.UTRN)
	}
}

func (c *stepChecker) advance(a *Advance) {
	if a == nil {
		return
	}
	if a.To != "" {
		if _, err := time.Parse(time.RFC3339, a.To); err != nil {
			c.errorf("advance.to", "%q is not an RFC 3339 instant such as 2026-03-29T01:30:00Z", a.To)
		}
	}
	if a.WakeOf != "" {
		if kind, ok := c.resolve("advance.wake_of", a.WakeOf); ok && kind != devices.KindGSME {
			c.errorf("advance.wake_of", "%s is %s; only a GSME wakes", a.WakeOf, article(kind))
		}
	}
}

func (c *stepChecker) fault(f *Fault) {
	if f == nil {
		return
	}
	if !contains(FaultKinds, f.Kind) {
		msg := fmt.Sprintf("unknown fault kind %q; want %s", f.Kind, strings.Join(FaultKinds, ", "))
		if s := suggest(f.Kind, FaultKinds); s != "" {
			msg = fmt.Sprintf("unknown fault kind %q (did you mean %s?); want %s", f.Kind, s, strings.Join(FaultKinds, ", "))
		}
		c.errorf("fault.kind", "%s", msg)
		return
	}
	kind, ok := c.resolve("fault.device", f.Device)
	var applies []devices.Kind
	switch f.Kind {
	case "wan_down":
		applies = []devices.Kind{devices.KindCHF}
	case "offline", "power_off", "slow", "drop_frames":
		applies = devices.Kinds
	default:
		fk, err := devices.ParseFaultKind(f.Kind)
		if err == nil {
			applies = devices.FaultKinds[fk]
		}
	}
	if ok && !contains(applies, kind) {
		c.errorf("fault.device", "fault %s does not apply to %s; it is for %s", f.Kind, article(kind), kindList(applies))
	}
	switch {
	case f.Kind == "slow" && f.Latency == 0:
		c.missing("fault", "latency", "a slow device needs its response time, such as latency: 45s")
	case f.Kind != "slow" && f.Latency != 0:
		c.errorf("fault.latency", "only a slow fault takes a latency")
	}
	switch {
	case f.Kind == "drop_frames" && f.Every == 0:
		c.missing("fault", "every", "drop_frames drops every Nth frame, such as every: 3")
	case f.Kind == "miss_wakeups" && f.Every == 1:
		c.errorf("fault.every", "missing every wake-up is offline; every is 2 or more")
	case f.Every != 0 && f.Kind != "drop_frames" && f.Kind != "miss_wakeups":
		c.errorf("fault.every", "only drop_frames and miss_wakeups take every")
	}
}

// article writes a device kind with its indefinite article: "an ESME", "a GSME".
func article(k devices.Kind) string {
	if k == devices.KindESME {
		return "an " + k.String()
	}
	return "a " + k.String()
}

// escaped returns the variables XML-escaped, for a body written as a mapping.
func escaped(vars map[string]string) map[string]string {
	out := make(map[string]string, len(vars))
	for k, v := range vars {
		var b strings.Builder
		escape(&b, v)
		out[k] = b.String()
	}
	return out
}
