package scenarios

import (
	"encoding/xml"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/simulator/srv"
)

// StepKinds are the step keys, in the order the format documents them.
var StepKinds = []StepKind{StepSend, StepExpect, StepDevice, StepHAN, StepAdvance, StepFault}

// HANActions are the local actions a han step may take.
var HANActions = []string{"top_up", "emergency_credit", "enable_supply", "wake"}

// Fuels are what a PPMID action is for.
var Fuels = []string{"electricity", "gas"}

// FaultKinds are the kinds of misbehaviour a fault step may cause: the harness's own, then the
// Device Model profile faults (devices.FaultKinds).
var FaultKinds = []string{"offline", "wan_down", "power_off", "slow", "drop_frames",
	"forget_block_thresholds", "wrong_divisor", "miss_wakeups", "clock_drift"}

// Ops are the comparisons in the order a check is matched against them (longest prefix first).
var Ops = []Op{OpEq, OpNe, OpLe, OpGe, OpLt, OpGt, OpMatches, OpContains, OpExists, OpAbsent}

var (
	codePattern  = regexp.MustCompile(`^[IEW][0-9]{1,8}$`)
	alertPattern = regexp.MustCompile(`^[0-9A-Fa-f]{4}$|^[A-Z][A-Z0-9-]{0,31}$`)
	xmlName      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)
	// opLike is a run of comparison characters followed by a space: a comparison, or a typo of one.
	opLike = regexp.MustCompile(`^[=!<>~]+(?:\s|$)`)
	// pathPattern is a field path: element names, each maybe with a position ("Price[2]"), and
	// perhaps an attribute at the end.
	pathPattern = regexp.MustCompile(`^(?:[A-Za-z_][A-Za-z0-9_.-]*(?:\[[1-9][0-9]{0,5}\])?/)*(?:@[A-Za-z_][A-Za-z0-9_.-]*|[A-Za-z_][A-Za-z0-9_.-]*(?:\[[1-9][0-9]{0,5}\])?)$`)
)

func kindNames() []string {
	out := make([]string, len(StepKinds))
	for i, k := range StepKinds {
		out[i] = string(k)
	}
	return out
}

func posOf(n *yamldoc.Node) Pos { return Pos{File: n.File, Line: n.Line, Column: n.Column} }

func entryPos(n *yamldoc.Node, e *yamldoc.Entry) Pos {
	return Pos{File: n.File, Line: e.Line, Column: e.Column}
}

// step reads one step. ok is false when the step has mistakes, so that later checks do not
// pile more messages on the same one.
func (f *fileLoader) step(n *yamldoc.Node) (Step, bool) {
	before := len(f.errs)
	st := Step{Pos: posOf(n), Path: n.Path, Where: map[string]Pos{}}
	kinds := kindNames()
	if n.Kind == yamldoc.NullNode || (n.Kind == yamldoc.MappingNode && len(n.Entries) == 0) {
		f.add(n.Errorf("empty step: want one of %s", strings.Join(kinds, ", ")))
		return st, false
	}
	if !f.mapping(n, "a step: a mapping with one of "+strings.Join(kinds, ", ")) {
		return st, false
	}
	f.checkKeys(n, append(kinds, "name", "foreach"))
	var found []*yamldoc.Entry
	for i := range n.Entries {
		if contains(kinds, n.Entries[i].Key) {
			found = append(found, &n.Entries[i])
		}
	}
	switch {
	case len(found) == 0:
		if len(f.errs) == before { // an unknown key already says what is wrong
			f.add(n.Errorf("empty step: want one of %s", strings.Join(kinds, ", ")))
		}
		return st, false
	case len(found) > 1:
		f.add(found[1].KeyErrorf("a step does one thing: this one has both %s and %s; make two steps", found[0].Key, found[1].Key))
		return st, false
	}
	if v := n.Get("name"); v != nil {
		st.Name, _ = f.str(v)
		st.Where["name"] = posOf(v)
	}
	if v := n.Get("foreach"); v != nil {
		st.ForEach = f.rows(v, "no rows: give at least one {name: value} row")
	}
	e := found[0]
	v := e.Value
	st.Kind = StepKind(e.Key)
	st.Where[e.Key] = posOf(v)
	switch st.Kind {
	case StepSend:
		st.Send = f.send(&st, v)
	case StepExpect:
		st.Expect = f.expect(&st, "expect", v, false)
	case StepDevice:
		st.Device = f.device(&st, v)
	case StepHAN:
		st.HAN = f.han(&st, v)
	case StepAdvance:
		st.Advance = f.advance(&st, v)
	case StepFault:
		st.Fault = f.fault(&st, v)
	}
	return st, len(f.errs) == before
}

// fields reads a step's mapping: it checks the keys, the required ones, and records where each
// value is.
func (f *fileLoader) fields(st *Step, prefix string, n *yamldoc.Node, want, required []string) bool {
	if !f.mapping(n, "a mapping of "+strings.Join(want, ", ")) {
		return false
	}
	f.checkKeys(n, want)
	for _, r := range required {
		if n.Get(r) == nil {
			f.add(missing(n, r, ""))
		}
	}
	for i := range n.Entries {
		st.Where[prefix+"."+n.Entries[i].Key] = posOf(n.Entries[i].Value)
	}
	return true
}

func (f *fileLoader) send(st *Step, n *yamldoc.Node) *Send {
	s := &Send{}
	if !f.fields(st, "send", n, []string{"srv", "as", "to", "cv", "body", "execute_at", "top_up", "expect"}, []string{"srv", "as"}) {
		return s
	}
	if v := n.Get("srv"); v != nil {
		s.SRV, _ = f.str(v)
	}
	if v := n.Get("as"); v != nil {
		s.As, _ = f.str(v)
	}
	if v := n.Get("to"); v != nil {
		s.To, _ = f.str(v)
	}
	if v := n.Get("cv"); v != nil {
		if v.Kind != yamldoc.ScalarNode || v.Type != yamldoc.IntScalar {
			f.add(v.Errorf("wrong type: got %s, want a command variant, a whole number such as 1 or 4", v.Describe()))
		} else if cv, err := strconv.Atoi(v.Value); err != nil || cv < 1 || cv > 9 {
			f.add(v.Errorf("command variant %s does not exist: DUIS has 1 to 9", v.Value))
		} else {
			s.CV = cv
		}
	}
	if v := n.Get("body"); v != nil {
		switch v.Kind {
		case yamldoc.MappingNode:
			s.Body, s.BodyFromMapping = f.xmlBody(v), true
		case yamldoc.ScalarNode:
			s.Body, _ = f.str(v)
		default:
			f.add(v.Errorf("wrong type: got %s, want XML without prefixes (\"<ReadFirmwareVersion/>\") or a mapping ({ReadFirmwareVersion: {}})", v.Describe()))
		}
	}
	if v := n.Get("execute_at"); v != nil {
		s.ExecuteAt, _ = f.str(v)
	}
	if v := n.Get("top_up"); v != nil {
		s.TopUp, _ = f.text(v)
	}
	if v := n.Get("expect"); v != nil {
		s.Expect = f.expect(st, "send.expect", v, true)
	}
	return s
}

// expect reads the checks of a send step (inSend) or an expect step.
func (f *fileLoader) expect(st *Step, prefix string, n *yamldoc.Node, inSend bool) *Expect {
	x := &Expect{}
	want := []string{"alerts", "scheduled", "no_scheduled", "within"}
	if inSend {
		want = []string{"code", "response", "no_response", "alerts", "within", "scheduled", "no_scheduled"} // the last two reported below
	}
	if !inSend && n.Kind == yamldoc.MappingNode {
		for _, k := range []string{"code", "response", "no_response"} {
			if e := n.Entry(k); e != nil {
				f.add(e.KeyErrorf("%s checks the answer to a request: it belongs in a send step's expect", k))
			}
		}
		want = append(want, "code", "response", "no_response") // reported above, not again
	}
	if !f.fields(st, prefix, n, want, nil) {
		return x
	}
	if v := n.Get("code"); v != nil && inSend {
		x.Code = f.code(v)
	}
	if v := n.Get("response"); v != nil && inSend {
		x.Response = f.response(st, prefix+".response", v)
	}
	if v := n.Get("no_response"); v != nil && inSend {
		if v.Kind != yamldoc.ScalarNode || v.Type != yamldoc.BoolScalar {
			f.add(v.Errorf("wrong type: got %s, want true or false", v.Describe()))
		} else {
			x.NoResponse = v.Value == "true"
		}
		if x.NoResponse && n.Get("response") != nil {
			f.add(v.Errorf("no_response: true contradicts the response check beside it"))
		}
	}
	if v := n.Get("alerts"); v != nil {
		for _, item := range f.list(v) {
			a, ok := f.text(item)
			if !ok {
				continue
			}
			if !alertPattern.MatchString(a) {
				f.add(item.Errorf("%q is not an alert code: a device alert is 4 hex digits (\"8F1C\"), a DCC alert a code such as AD1 or N42", a))
				continue
			}
			if len(a) == 4 && strings.Trim(strings.ToUpper(a), "0123456789ABCDEF") == "" {
				a = strings.ToUpper(a)
			}
			x.Alerts = append(x.Alerts, a)
		}
		if v.Kind == yamldoc.SequenceNode && len(v.Items) == 0 {
			f.add(v.Errorf("no alerts: list the codes to wait for"))
		}
	}
	if v := n.Get("within"); v != nil {
		x.Within, _ = f.duration(v)
	}
	if !inSend {
		if v := n.Get("scheduled"); v != nil {
			x.Scheduled = f.scheduled(st, prefix+".scheduled", v)
		}
		if v := n.Get("no_scheduled"); v != nil {
			if v.Kind != yamldoc.ScalarNode || v.Type != yamldoc.BoolScalar {
				f.add(v.Errorf("wrong type: got %s, want true or false", v.Describe()))
			} else {
				x.NoScheduled = v.Value == "true"
			}
			if x.NoScheduled && x.Scheduled != nil {
				f.add(v.Errorf("no_scheduled: true contradicts the scheduled check beside it"))
			}
		}
	} else {
		for _, k := range []string{"scheduled", "no_scheduled"} {
			if e := n.Entry(k); e != nil {
				f.add(e.KeyErrorf("%s waits for a DCC schedule's response: it belongs in an expect step", k))
			}
		}
	}
	if !inSend && n.Get("alerts") == nil && n.Get("scheduled") == nil && n.Get("no_scheduled") == nil {
		f.add(missing(n, "alerts", "an expect step waits for alerts (or a DCC schedule's response: scheduled, no_scheduled)"))
	}
	return x
}

func (f *fileLoader) code(n *yamldoc.Node) string {
	c, ok := f.str(n)
	if ok && !codePattern.MatchString(c) {
		f.add(n.Errorf("%q is not a DUIS response code such as I0, I99 or E19", c))
		return ""
	}
	return c
}

// scheduled reads an expect step's check of a DCC schedule's response: a response check with
// the SRV it must carry.
func (f *fileLoader) scheduled(st *Step, prefix string, n *yamldoc.Node) *ResponseCheck {
	if n.Kind == yamldoc.MappingNode {
		if v := n.Get("srv"); v != nil {
			s, ok := f.str(v)
			r := f.responseWith(st, prefix, n, []string{"srv", "code", "fields"})
			if ok {
				if srv.Lookup(s) == nil {
					f.add(v.Errorf("%q is not a DUIS Service Reference Variant", s))
				}
				r.SRV = s
			}
			return r
		}
	}
	return f.responseWith(st, prefix, n, []string{"srv", "code", "fields"})
}

func (f *fileLoader) response(st *Step, prefix string, n *yamldoc.Node) *ResponseCheck {
	return f.responseWith(st, prefix, n, []string{"code", "fields", "save"})
}

func (f *fileLoader) responseWith(st *Step, prefix string, n *yamldoc.Node, keys []string) *ResponseCheck {
	r := &ResponseCheck{}
	if !f.fields(st, prefix, n, keys, nil) {
		return r
	}
	if v := n.Get("code"); v != nil {
		r.Code = f.code(v)
	}
	if v := n.Get("fields"); v != nil && f.mapping(v, "a mapping of paths (ReadSupplyStatusRsp/SupplyStatus) to checks") {
		for i := range v.Entries {
			e := &v.Entries[i]
			if !strings.Contains(e.Key, "${") && !pathPattern.MatchString(e.Key) {
				f.add(e.KeyErrorf("%q is not a path: element local names from the payload's root separated by /, each maybe with a position from 1 ([2]), with @name for an attribute at the end", e.Key))
				continue
			}
			op, val, ok := f.check(e.Value)
			if !ok {
				continue
			}
			key := yamldoc.Join(prefix+".fields", e.Key)
			st.Where[key] = posOf(e.Value)
			r.Fields = append(r.Fields, Field{Pos: entryPos(v, e), Path: e.Key, Op: op, Value: val})
		}
	}
	if v := n.Get("save"); v != nil && f.mapping(v, "a mapping of names to paths ({reg: ReadInstantaneousImportRegistersRsp/Electricity/ActiveImportRegister/Value})") {
		for i := range v.Entries {
			e := &v.Entries[i]
			if !savedName.MatchString(e.Key) {
				f.add(e.KeyErrorf("%q is not a name to save under: letters, digits and _, not starting with a digit", e.Key))
				continue
			}
			path, ok := f.str(e.Value)
			if !ok {
				continue
			}
			if !pathPattern.MatchString(path) {
				f.add(e.Value.Errorf("%q is not a path: element local names from the payload's root separated by /, each maybe with a position from 1 ([2]), with @name for an attribute at the end", path))
				continue
			}
			r.Save = append(r.Save, Saved{Pos: entryPos(v, e), Name: e.Key, Path: path})
		}
	}
	return r
}

// savedName is a name response values are saved under (expect.response.save), and savedRef a
// check value's reference to one: @{name}.
var (
	savedName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	savedRef  = regexp.MustCompile(`@\{([A-Za-z_][A-Za-z0-9_]*)\}`)
)

// check reads a check: a value (equality) or a comparison written as a string ("> 0").
func (f *fileLoader) check(n *yamldoc.Node) (Op, string, bool) {
	switch {
	case n.Kind == yamldoc.NullNode:
		f.add(n.Errorf("no check: give a value or a comparison such as \"> 0\""))
		return "", "", false
	case n.Kind != yamldoc.ScalarNode:
		f.add(n.Errorf("wrong type: got %s, want a value or a comparison such as \"> 0\"", n.Describe()))
		return "", "", false
	case n.Type != yamldoc.StringScalar:
		return OpEq, n.Value, true
	}
	op, v, err := ParseCheck(n.Value)
	if err != nil {
		f.add(n.Errorf("%v", err))
		return "", "", false
	}
	return op, v, true
}

// ParseCheck reads a check as scenarios write it: "exists", a comparison ("> 0", "~ ^1\.4",
// "contains Economy") or a plain value, which is compared for equality. A regular expression
// is compiled here unless it holds ${variables}, which are compiled once substituted.
func ParseCheck(s string) (Op, string, error) {
	t := strings.TrimSpace(s)
	if t == string(OpExists) || t == string(OpAbsent) {
		return Op(t), "", nil
	}
	if m := opLike.FindString(t); m != "" && !contains(Ops, Op(strings.TrimSpace(m))) {
		return "", "", fmt.Errorf("%q: unknown comparison %q; want ==, !=, <, <=, >, >=, ~ (regular expression), contains, exists or absent (write \"== %s\" to compare with that text)", s, strings.TrimSpace(m), t)
	}
	for _, op := range Ops {
		if op == OpExists || op == OpAbsent {
			continue
		}
		rest, ok := strings.CutPrefix(t, string(op))
		if !ok {
			continue
		}
		if op == OpContains && rest != "" && rest[0] != ' ' && rest[0] != '\t' {
			break // a value that starts with the word, such as "containsX"
		}
		v := strings.TrimSpace(rest)
		if v == "" {
			return "", "", fmt.Errorf("%q compares with nothing: write the value after %s", s, op)
		}
		if op == OpMatches && !strings.Contains(v, "${") {
			if _, err := regexp.Compile(v); err != nil {
				return "", "", fmt.Errorf("%q: the regular expression does not compile: %v", s, regexpReason(err))
			}
		}
		return op, v, nil
	}
	return OpEq, s, nil
}

func regexpReason(err error) string {
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}

// duration reads a positive duration written with its unit.
func (f *fileLoader) duration(n *yamldoc.Node) (time.Duration, bool) {
	if n.Kind == yamldoc.ScalarNode && (n.Type == yamldoc.IntScalar || n.Type == yamldoc.FloatScalar) {
		f.add(n.Errorf("wrong type: got %s, want a duration with its unit, such as %ss", n.Describe(), n.Value))
		return 0, false
	}
	s, ok := f.str(n)
	if !ok {
		return 0, false
	}
	d, err := ParseDuration(s)
	if err != nil {
		f.add(n.Errorf("%v", err))
		return 0, false
	}
	return d, true
}

// ParseDuration reads a positive duration such as 90s, 30m, 1h30m or 2d (days of 24 hours).
func ParseDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	var days time.Duration
	if i := strings.IndexByte(t, 'd'); i > 0 {
		n, err := strconv.Atoi(t[:i])
		if err == nil && n >= 0 && n <= 3660 {
			days, t = time.Duration(n)*24*time.Hour, t[i+1:]
		}
	}
	var d time.Duration
	if t != "" {
		var err error
		if d, err = time.ParseDuration(t); err != nil || strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
			return 0, fmt.Errorf("%q is not a duration: write one such as 90s, 30m, 1h30m or 2d", s)
		}
	}
	d += days
	if d <= 0 {
		return 0, fmt.Errorf("%q: a duration here must be more than zero", s)
	}
	return d, nil
}

func (f *fileLoader) device(st *Step, n *yamldoc.Node) *DeviceCheck {
	dc := &DeviceCheck{}
	if !f.mapping(n, "a mapping of device references to {property: check}") {
		return dc
	}
	if len(n.Entries) == 0 {
		f.add(n.Errorf("no devices: give {<device>: {<property>: <check>}}"))
	}
	props := make([]string, 0, len(Properties))
	for p := range Properties {
		props = append(props, p)
	}
	sort.Strings(props)
	for i := range n.Entries {
		e := &n.Entries[i]
		dkey := yamldoc.Join("device", e.Key)
		st.Where[dkey] = entryPos(n, e)
		v := e.Value
		if !f.mapping(v, "a mapping of device properties to checks, such as {supply: disabled}") {
			continue
		}
		if len(v.Entries) == 0 {
			f.add(v.Errorf("no properties: give at least one, such as {supply: disabled}"))
		}
		for j := range v.Entries {
			pe := &v.Entries[j]
			if _, ok := Properties[pe.Key]; !ok {
				msg := fmt.Sprintf("unknown device property %q; want %s", pe.Key, strings.Join(props, ", "))
				if s := suggest(pe.Key, props); s != "" {
					msg = fmt.Sprintf("unknown device property %q (did you mean %s?); want %s", pe.Key, s, strings.Join(props, ", "))
				}
				f.add(pe.KeyErrorf("%s", msg))
				continue
			}
			op, val, ok := f.check(pe.Value)
			if !ok {
				continue
			}
			st.Where[yamldoc.Join(dkey, pe.Key)] = posOf(pe.Value)
			dc.Checks = append(dc.Checks, DeviceProperty{Pos: entryPos(v, pe), Device: e.Key, Property: pe.Key, Op: op, Value: val})
		}
	}
	return dc
}

func (f *fileLoader) han(st *Step, n *yamldoc.Node) *HANAction {
	h := &HANAction{}
	if !f.fields(st, "han", n, []string{"action", "device", "fuel", "amount", "utrn"}, []string{"action", "device"}) {
		return h
	}
	if v := n.Get("action"); v != nil {
		h.Action, _ = f.str(v)
	}
	if v := n.Get("device"); v != nil {
		h.Device, _ = f.str(v)
	}
	if v := n.Get("fuel"); v != nil {
		h.Fuel, _ = f.str(v)
	}
	if v := n.Get("amount"); v != nil {
		h.Amount, _ = f.text(v)
	}
	if v := n.Get("utrn"); v != nil {
		h.UTRN, _ = f.text(v)
	}
	return h
}

func (f *fileLoader) advance(st *Step, n *yamldoc.Node) *Advance {
	a := &Advance{}
	if n.Kind == yamldoc.ScalarNode {
		st.Where["advance.by"] = posOf(n)
		a.By, _ = f.duration(n)
		return a
	}
	if !f.fields(st, "advance", n, []string{"by", "to", "wake_of"}, nil) {
		return a
	}
	if len(n.Entries) != 1 {
		f.add(n.Errorf("give one of by, to or wake_of"))
		return a
	}
	if v := n.Get("by"); v != nil {
		a.By, _ = f.duration(v)
	}
	if v := n.Get("to"); v != nil {
		a.To, _ = f.str(v)
	}
	if v := n.Get("wake_of"); v != nil {
		a.WakeOf, _ = f.str(v)
	}
	return a
}

func (f *fileLoader) fault(st *Step, n *yamldoc.Node) *Fault {
	x := &Fault{}
	if !f.fields(st, "fault", n, []string{"device", "kind", "for", "latency", "every"}, []string{"device", "kind"}) {
		return x
	}
	if v := n.Get("device"); v != nil {
		x.Device, _ = f.str(v)
	}
	if v := n.Get("kind"); v != nil {
		x.Kind, _ = f.str(v)
	}
	if v := n.Get("for"); v != nil {
		x.For, _ = f.duration(v)
	}
	if v := n.Get("latency"); v != nil {
		x.Latency, _ = f.duration(v)
	}
	if v := n.Get("every"); v != nil {
		if v.Kind != yamldoc.ScalarNode || v.Type != yamldoc.IntScalar {
			f.add(v.Errorf("wrong type: got %s, want a whole number", v.Describe()))
		} else if e, err := strconv.Atoi(v.Value); err != nil || e < 1 || e > 1_000_000 {
			f.add(v.Errorf("every %s: want a whole number from 1 to 1000000", v.Value))
		} else {
			x.Every = e
		}
	}
	return x
}

// xmlBody turns a body written as a YAML mapping into XML without prefixes: each key is an
// element, "@name" keys its attributes, "#text" its text beside attributes, a list repeats the
// element and a scalar is its text, escaped.
func (f *fileLoader) xmlBody(n *yamldoc.Node) string {
	var b strings.Builder
	if len(n.Entries) == 0 {
		f.add(n.Errorf("an empty body: give the request's element, such as {ReadFirmwareVersion: {}}"))
	}
	for i := range n.Entries {
		e := &n.Entries[i]
		if strings.HasPrefix(e.Key, "@") || e.Key == "#text" {
			f.add(e.KeyErrorf("the body's top level holds elements; %q belongs inside one", e.Key))
			continue
		}
		f.element(&b, e, e.Value, 0)
	}
	return b.String()
}

func (f *fileLoader) element(b *strings.Builder, e *yamldoc.Entry, v *yamldoc.Node, depth int) {
	if !xmlName.MatchString(e.Key) {
		f.add(e.KeyErrorf("%q is not an XML element name (write it without a namespace prefix)", e.Key))
		return
	}
	if depth > 64 {
		f.add(v.Errorf("the body nests too deeply"))
		return
	}
	switch v.Kind {
	case yamldoc.NullNode:
		fmt.Fprintf(b, "<%s/>", e.Key)
	case yamldoc.ScalarNode:
		fmt.Fprintf(b, "<%s>", e.Key)
		escape(b, v.Value)
		fmt.Fprintf(b, "</%s>", e.Key)
	case yamldoc.SequenceNode:
		for _, item := range v.Items {
			if item.Kind == yamldoc.SequenceNode {
				f.add(item.Errorf("wrong type: got a list in a list; a list repeats its element, so give each item as a value or a mapping"))
				continue
			}
			f.element(b, e, item, depth+1)
		}
	case yamldoc.MappingNode:
		fmt.Fprintf(b, "<%s", e.Key)
		var text *yamldoc.Node
		var children []*yamldoc.Entry
		for i := range v.Entries {
			c := &v.Entries[i]
			switch {
			case strings.HasPrefix(c.Key, "@"):
				name := c.Key[1:]
				if !xmlName.MatchString(name) {
					f.add(c.KeyErrorf("%q is not an XML attribute name", c.Key))
					continue
				}
				if c.Value.Kind != yamldoc.ScalarNode {
					f.add(c.Value.Errorf("wrong type: got %s, want the attribute's value", c.Value.Describe()))
					continue
				}
				fmt.Fprintf(b, ` %s="`, name)
				escape(b, c.Value.Value)
				b.WriteByte('"')
			case c.Key == "#text":
				if c.Value.Kind != yamldoc.ScalarNode {
					f.add(c.Value.Errorf("wrong type: got %s, want the element's text", c.Value.Describe()))
					continue
				}
				text = c.Value
			default:
				children = append(children, c)
			}
		}
		if text != nil && len(children) > 0 {
			f.add(text.Errorf("an element holds text or child elements, not both"))
		}
		if text == nil && len(children) == 0 {
			b.WriteString("/>")
			return
		}
		b.WriteByte('>')
		if text != nil {
			escape(b, text.Value)
		}
		for _, c := range children {
			f.element(b, c, c.Value, depth+1)
		}
		fmt.Fprintf(b, "</%s>", e.Key)
	}
}

func escape(b *strings.Builder, s string) {
	_ = xml.EscapeText(b, []byte(s))
}
