package sit

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/inventory"
)

// Status is the outcome of one cell of the SIT table.
type Status string

// Cell statuses, from the worst: a cell shows the worst of its cases.
const (
	Fail              Status = "fail"
	DeclaredVariation Status = "declared_variation" // a model of the combination declares the SRV unsupported, and answers as declared
	Pass              Status = "pass"
	NotApplicable     Status = "not_applicable" // the combination has no device the scenarios address
)

var rank = map[Status]int{Fail: 0, DeclaredVariation: 1, Pass: 2, NotApplicable: 3}

// Options say how Run runs the matrix.
type Options struct {
	// Parallel is how many test cases run at once, across all combinations; 0 means one per CPU.
	Parallel int
	// Seed is the run's seed (scenarios.Options.Seed).
	Seed uint64
	// Lists makes the EPC and PPC lists the combinations are admitted by, for the admission check
	// and for every world; nil means the built-in fixture lists.
	Lists func() (*inventory.Lists, error)
	// Start, when set, is told how many test cases will run, once they are planned.
	Start func(cases int)
	// Progress, when set, is called as each test case ends, its name starting with the
	// combination's id in brackets.
	Progress func(scenarios.CaseResult)
}

// Admission is how a combination is served during the run: an EPC entry, or a PPC entry whose
// test the run opens.
type Admission struct {
	Entry   string `json:"entry"`           // EPC-0001, PPC-0002
	PPCOpen bool   `json:"ppc_test_opened"` // the combination is pending: its PPC test is opened for the run
}

// Admit finds how each combination of the matrix is served by the lists: eligible (EPC) or pending
// (PPC, whose test the run opens). A combination on neither list is refused with an error at its
// place in the matrix file: the DCC serves no installation of it, so there is nothing to integrate.
func Admit(m *Matrix, lists *inventory.Lists) ([]Admission, error) {
	out := make([]Admission, len(m.Combinations))
	for i, c := range m.Combinations {
		adm, id := lists.Admit(c.Inventory())
		switch adm {
		case inventory.Eligible:
			out[i] = Admission{Entry: id}
		case inventory.PendingOnly, inventory.PendingTest:
			out[i] = Admission{Entry: id, PPCOpen: true}
		default:
			return nil, &yamldoc.Error{File: m.File, Line: c.Line, Column: c.Column, Field: fmt.Sprintf("combinations[%d]", i),
				Msg: fmt.Sprintf("%s (%s) is on neither the EPC nor the PPC list: the DCC serves no installation of it (request it with smetsim ppc request)", c.ID, c.String())}
		}
	}
	return out, nil
}

// planned is one test case of the run: a pack case on one combination, a probe of a declared
// variation, or a case that does not apply.
type planned struct {
	comb    int
	columns []string
	status  Status // NotApplicable, or "" for a case that runs
	reason  string
	probe   string // for a probe: the declared response code it checks
	c       scenarios.Case
	result  scenarios.CaseResult
}

// Run proves every combination of the matrix with the pack: each combination is fitted to the
// rtds-reference premises of the pack's fleet (fleet.Spec.Fit), every pack case runs on it, all
// combinations' cases in parallel, and the outcomes fill the combination × column table. A case
// that addresses a device kind the combination lacks is not applicable; a case that sends an SRV
// a model of the combination declares unsupported is replaced by a probe that sends the SRV and
// expects the declared response code (a declared variation, checked as declared). A combination
// passes when none of its cells fails; the coverage is the share of the installed population
// whose combinations pass.
func Run(ctx context.Context, m *Matrix, p *Pack, opts Options) (*Report, error) {
	lists := opts.Lists
	if lists == nil {
		lists = scenarios.FixtureLists
	}
	l, err := lists()
	if err != nil {
		return nil, err
	}
	adms, err := Admit(m, l)
	if err != nil {
		return nil, err
	}
	started := time.Now()
	var plan []*planned
	for i, comb := range m.Combinations {
		ps, err := planCombination(i, comb, adms[i], p)
		if err != nil {
			return nil, err
		}
		plan = append(plan, ps...)
	}
	var cases []scenarios.Case
	var runs []*planned
	for _, pl := range plan {
		if pl.status == "" {
			cases = append(cases, pl.c)
			runs = append(runs, pl)
		}
	}
	if opts.Start != nil {
		opts.Start(len(cases))
	}
	res := scenarios.Run(ctx, cases, scenarios.Options{Parallel: opts.Parallel, Seed: opts.Seed, Lists: lists, Progress: opts.Progress})
	for i, pl := range runs {
		pl.result = res.Cases[i]
	}
	for _, pl := range plan {
		if pl.status == NotApplicable {
			pl.result = scenarios.CaseResult{ID: pl.c.ID, Name: pl.c.Name, File: pl.c.Scenario.File, Tags: pl.c.Scenario.Tags,
				Vars: pl.c.Vars, Seed: scenarios.CaseSeed(opts.Seed, pl.c.ID), Status: scenarios.Skipped, Skip: "not applicable: " + pl.reason}
		}
	}
	return newReport(m, p, adms, plan, opts.Seed, started, time.Since(started), ctx.Err() != nil), nil
}

// planCombination makes the test cases of one combination.
func planCombination(i int, comb Combination, adm Admission, p *Pack) ([]*planned, error) {
	var out []*planned
	fitted := map[*fleet.Spec]*fleet.Spec{}
	for _, sc := range p.Scenarios {
		spec := fitted[sc.Fleet]
		if spec == nil {
			var err error
			if spec, err = sc.Fleet.Fit(PremisesID, comb.Fleet()); err != nil {
				return nil, fmt.Errorf("%s: combination %s: %w", sc.File, comb.ID, err)
			}
			fitted[sc.Fleet] = spec
		}
		cp := *sc
		cp.Fleet = spec
		cp.FleetName = sc.FleetName + " fitted with " + comb.ID
		cp.Variables = maps.Clone(sc.Variables)
		if cp.Variables == nil {
			cp.Variables = map[string]string{}
		}
		for k, model := range comb.Models {
			cp.Variables["firmware_"+k.String()] = model.FirmwareVersion
			cp.Variables["model_"+k.String()] = model.ID
		}
		if adm.PPCOpen {
			cp.PPCOpen = append(append([]string(nil), sc.PPCOpen...), adm.Entry)
		}
		for _, c := range scenarios.Cases([]*scenarios.Scenario{&cp}) {
			c.ID = comb.ID + "/" + c.ID
			c.Name = "[" + comb.ID + "] " + c.Name
			pl := &planned{comb: i, columns: p.ColumnsOf(sc), c: c}
			out = append(out, pl)
			// Expanded against the pack's own fleet: the fitted one may lack the devices a case
			// addresses, which is what makes the case not applicable rather than wrong.
			whole := cp
			whole.Fleet = sc.Fleet
			ec := c
			ec.Scenario = &whole
			setup, steps, teardown, err := scenarios.Expand(ec)
			if err != nil {
				continue // it runs, and fails saying why
			}
			all := append(append(append([]scenarios.Step(nil), setup...), steps...), teardown...)
			refs := referencedKinds(all, sc.Fleet)
			var missing []string
			for _, k := range devices.Kinds {
				if refs[k] && !comb.Has(k) {
					missing = append(missing, k.String())
				}
			}
			if len(missing) > 0 {
				pl.status = NotApplicable
				pl.reason = fmt.Sprintf("the combination has no %s", strings.Join(missing, " or "))
				continue
			}
			probes := declaredProbes(all, sc.Fleet, comb)
			if len(probes) == 0 {
				continue
			}
			// The case cannot run as written on this combination: each SRV it sends that a model
			// declares unsupported is checked to answer its declared code instead.
			pl.status = NotApplicable
			pl.reason = "replaced by the declared variations' probes"
			out = out[:len(out)-1]
			for j, pr := range probes {
				probe := cp
				probe.Name = fmt.Sprintf("%s: %s declared unsupported by %s", sc.Name, pr.step.Send.SRV, pr.model)
				probe.Setup, probe.Teardown, probe.Parameters = nil, nil, nil
				probe.Steps = []scenarios.Step{pr.step}
				pc := scenarios.Case{Scenario: &probe, ID: fmt.Sprintf("%s/declared[%d]", c.ID, j), Name: "[" + comb.ID + "] " + probe.Name, Vars: c.Vars}
				out = append(out, &planned{comb: i, columns: probeColumns(pl.columns, pr.step.Send.SRV), c: pc, probe: pr.code})
			}
		}
	}
	return out, nil
}

type probe struct {
	step  scenarios.Step
	model string
	code  string
}

// declaredProbes are the send steps of a case whose target's model declares the SRV unsupported,
// each turned into a step that expects the declared code.
func declaredProbes(steps []scenarios.Step, spec *fleet.Spec, comb Combination) []probe {
	var out []probe
	seen := map[string]bool{}
	for _, st := range steps {
		if st.Send == nil {
			continue
		}
		k, ok := kindOf(st.Send.To, spec)
		if !ok || comb.Models[k] == nil {
			continue
		}
		model := comb.Models[k]
		supported, code := model.Supports(st.Send.SRV)
		if supported || seen[st.Send.SRV+"|"+k.String()] {
			continue
		}
		seen[st.Send.SRV+"|"+k.String()] = true
		send := *st.Send
		send.Expect = &scenarios.Expect{Code: code}
		probeStep := st
		probeStep.ForEach = nil
		probeStep.Send = &send
		probeStep.Name = fmt.Sprintf("%s to the %s answers %s, as %s declares", st.Send.SRV, k, code, model.ID)
		out = append(out, probe{step: probeStep, model: model.ID, code: code})
	}
	return out
}

// referencedKinds are the device kinds of the rtds-reference premises the steps address.
func referencedKinds(steps []scenarios.Step, spec *fleet.Spec) map[devices.Kind]bool {
	out := map[devices.Kind]bool{}
	add := func(ref string) {
		if k, ok := kindOf(ref, spec); ok {
			out[k] = true
		}
	}
	for _, st := range steps {
		switch {
		case st.Send != nil:
			add(st.Send.To)
		case st.Device != nil:
			for _, c := range st.Device.Checks {
				add(c.Device)
			}
		case st.HAN != nil:
			add(st.HAN.Device)
		case st.Advance != nil:
			add(st.Advance.WakeOf)
		case st.Fault != nil:
			add(st.Fault.Device)
		}
	}
	return out
}

// kindOf resolves a device reference of the rtds-reference premises: "rtds-reference.GSME" or a
// Device ID of one of its devices.
func kindOf(ref string, spec *fleet.Spec) (devices.Kind, bool) {
	if rest, ok := strings.CutPrefix(ref, PremisesID+"."); ok {
		k, err := devices.ParseKind(rest)
		return k, err == nil
	}
	eui, err := devices.ParseEUI64(ref)
	if err != nil {
		return 0, false
	}
	for _, ps := range spec.Premises {
		if ps.ID != PremisesID {
			continue
		}
		for k, d := range ps.Devices {
			if d.EUI == eui {
				return k, true
			}
		}
	}
	return 0, false
}

// probeColumns are the columns a declared variation's probe counts in: the probed SRV's own column
// when the case has it, so that a read-back the model lacks does not mark the SRV the case proves;
// otherwise (the case proves something else with it) all the case's columns, which it cannot prove
// on this combination as written.
func probeColumns(cols []string, srv string) []string {
	for _, c := range cols {
		if c == ColumnSRV+":"+srv {
			return []string{c}
		}
	}
	return cols
}
