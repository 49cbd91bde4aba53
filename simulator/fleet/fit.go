package fleet

import (
	"fmt"
	"maps"

	"github.com/smetsim/smetsim/devices"
)

// Fit returns a copy of the spec holding only the listed premises id, its devices fitted with the
// combination's Device Models: a product combination under test (a PPC test, a SIT run) runs on
// the premises a pack's scenarios were written for, with its tariffs, balances and Device IDs,
// so that the same scenario files prove any combination. The premises keeps the kinds the
// combination has: a combination without gas devices or a PPMID drops them (the DCC's cover rule
// treats such installations as covered by the full combination). A kind the combination names
// but the premises lacks, or a model of the wrong kind, is an error; the CSP is the
// combination's. Generators are dropped; the receiver is not changed.
func (s *Spec) Fit(id string, c Combination) (*Spec, error) {
	var src *PremisesSpec
	for i := range s.Premises {
		if s.Premises[i].ID == id {
			src = &s.Premises[i]
		}
	}
	if src == nil {
		return nil, fmt.Errorf("fleet %s has no listed premises %q to fit the combination to", s.Name, id)
	}
	if c.Models[devices.KindCHF] == nil || c.Models[devices.KindESME] == nil {
		return nil, fmt.Errorf("a combination needs at least a CHF and an ESME")
	}
	if (c.Models[devices.KindGSME] == nil) != (c.Models[devices.KindGPF] == nil) {
		return nil, fmt.Errorf("a combination has a GSME and a GPF together or neither")
	}
	p := PremisesSpec{ID: src.ID, CSP: src.CSP, MPAN: src.MPAN, MPRN: src.MPRN, Devices: map[devices.Kind]*DeviceSpec{}}
	if c.CSP != "" {
		p.CSP = c.CSP
	}
	for _, k := range devices.Kinds {
		m := c.Models[k]
		if m == nil {
			continue
		}
		if m.Kind != k {
			return nil, fmt.Errorf("%s is a %s model, not a %s one", m.ID, m.Kind, k)
		}
		d := src.Devices[k]
		if d == nil {
			return nil, fmt.Errorf("premises %s has no %s to fit %s to", id, k, m.ID)
		}
		fitted := *d
		fitted.Model = m
		p.Devices[k] = &fitted
	}
	if p.Devices[devices.KindGSME] == nil {
		p.MPRN = ""
	}
	out := *s
	out.Tariffs = maps.Clone(s.Tariffs)
	out.Calendars = maps.Clone(s.Calendars)
	out.Premises = []PremisesSpec{p}
	out.Generators = nil
	return &out, nil
}
