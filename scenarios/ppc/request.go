// Package ppc is the PPC testing workflow: a combination request puts a not-yet-eligible product
// combination on the PPC list, and a PPC test builds that combination on the reference premises,
// runs the PPC pack of scenarios against the mock DCC with the test open, and either moves the
// combination to the EPC (dated by the run's clock) or keeps it pending with a report of each
// issue: a confidential one for the requester and a shareable one that follows the
// information-sharing policy.
//
// The workflow sits under simulator/ because the lists it changes (simulator/registry) do, but it
// drives the scenario engine (scenarios) to run the pack: scenarios does not import it back, so the
// dependency stays one way.
package ppc

import (
	"fmt"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/simulator/inventory"
	"github.com/smetsim/smetsim/simulator/registry"
)

// Request is a combination request: the Device Model of each device of the combination, its
// communications service provider, and who asks.
type Request struct {
	File        string
	RequestedBy devices.EUI64
	Combination inventory.Combination
	Note        string
}

type rawRequest struct {
	RequestedBy string            `yaml:"requested_by"`
	CSP         string            `yaml:"csp"`
	Models      map[string]string `yaml:"models"`
	Note        string            `yaml:"note"`
}

// ParseRequest reads a combination request file (YAML, docs/registry.md). Every error names the
// file, line, column and field. Whether the models exist is checked by Submit, against the
// environment's catalogue.
func ParseRequest(name string, data []byte) (*Request, error) {
	var raw rawRequest
	doc, err := yamldoc.Decode(name, data, &raw)
	if err != nil {
		return nil, err
	}
	req := &Request{File: name, Note: raw.Note, Combination: inventory.Combination{CSP: strings.TrimSpace(raw.CSP), Models: map[devices.Kind]string{}}}
	if strings.TrimSpace(raw.RequestedBy) == "" {
		return nil, doc.Errorf("requested_by", "missing: the EUI-64 of the DCC User who requests the test")
	}
	if req.RequestedBy, err = devices.ParseEUI64(raw.RequestedBy); err != nil {
		return nil, doc.Errorf("requested_by", "%v", err)
	}
	if req.Combination.CSP == "" {
		return nil, doc.Errorf("csp", "missing: the communications service provider (Central, North, South)")
	}
	if len(raw.Models) == 0 {
		return nil, doc.Errorf("models", "missing: the Device Model of each device (CHF, ESME, GPF, GSME, PPMID)")
	}
	for k, id := range raw.Models {
		kind, err := devices.ParseKind(k)
		if err != nil {
			return nil, doc.Errorf(yamldoc.Join("models", k), "%v", err)
		}
		if strings.TrimSpace(id) == "" {
			return nil, doc.Errorf(yamldoc.Join("models", k), "missing: a Device Model id (family@version)")
		}
		if _, dup := req.Combination.Models[kind]; dup {
			return nil, doc.Errorf(yamldoc.Join("models", k), "%s is given twice", kind)
		}
		req.Combination.Models[kind] = strings.TrimSpace(id)
	}
	if req.Combination.Models[devices.KindCHF] == "" || req.Combination.Models[devices.KindESME] == "" {
		return nil, doc.Errorf("models", "a SMETS1 combination has at least a CHF and an ESME")
	}
	if (req.Combination.Models[devices.KindGPF] == "") != (req.Combination.Models[devices.KindGSME] == "") {
		return nil, doc.Errorf("models", "a GPF and a GSME come together")
	}
	return req, nil
}

// Refused is a request the registry does not take, with the reason.
type Refused struct{ Reason string }

func (r *Refused) Error() string { return "request refused: " + r.Reason }

// Submitted is what a request came to.
type Submitted struct {
	ID string
	// Existing says the combination was already pending: the requester joins that entry.
	Existing bool
	// Notice is what the last PPC test of an existing entry may share under its policy.
	Notice string
}

// Submit puts the requested combination on the PPC list, dated now, and commits the registry. It
// refuses a model that is unknown or not on the CPL, and a combination already eligible; a
// combination already pending is not listed twice: the requester gets its id and whatever its
// last failed test's policy lets be shared.
func Submit(reg *registry.Registry, req *Request, now time.Time) (Submitted, error) {
	for _, k := range devices.Kinds {
		id := req.Combination.Models[k]
		if id == "" {
			continue
		}
		m, err := reg.Catalogue.Lookup(id)
		if err != nil {
			return Submitted{}, &Refused{fmt.Sprintf("%s: %v", k, err)}
		}
		if m.Kind != k {
			return Submitted{}, &Refused{fmt.Sprintf("%s: %s is a %s model", k, m.ID, m.Kind)}
		}
		if !reg.Catalogue.OnCPL(m) {
			return Submitted{}, &Refused{fmt.Sprintf("%s: Device Model %s (%s %s hardware %s firmware %s) is not on the CPL", k, m.ID, m.Manufacturer, m.ModelName, m.HardwareVersion, m.FirmwareVersion)}
		}
		req.Combination.Models[k] = m.ID
	}
	if adm, id := reg.Lists.Admit(req.Combination); adm == inventory.Eligible {
		return Submitted{}, &Refused{fmt.Sprintf("the combination is already eligible: EPC entry %s covers it", id)}
	}
	for _, e := range reg.Lists.PPC() {
		if e.Combination.Key() == req.Combination.Key() {
			return Submitted{ID: e.ID, Existing: true, Notice: reg.Notice(e.ID)}, nil
		}
	}
	e := inventory.PPCEntry{ID: reg.NextPPCID(), Combination: req.Combination, Requested: now.UTC(), RequestedBy: req.RequestedBy.String()}
	if err := reg.Lists.AddPPC(e); err != nil {
		return Submitted{}, &Refused{err.Error()}
	}
	if err := reg.Commit("request " + e.ID + " from " + req.File); err != nil {
		return Submitted{}, err
	}
	return Submitted{ID: e.ID}, nil
}
