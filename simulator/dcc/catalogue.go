package dcc

import (
	"fmt"
	"strings"

	"github.com/smetsim/smetsim/simulator/srv"
)

// Support is what the mock DCC does with one SRV, for `smetsim srv list`.
type Support struct {
	Variant   string   `json:"variant"`
	Name      string   `json:"name"`
	Critical  bool     `json:"critical"`
	NonDevice bool     `json:"non_device"`
	Roles     []string `json:"roles"`
	Kinds     []string `json:"device_types,omitempty"`
	SMETS1    bool     `json:"applies_to_smets1"`
	Note      string   `json:"note,omitempty"`
	// Smetsim is "executes", "not yet" (applies to SMETS1, answered E100 for now) or
	// "not applicable" (answered E11).
	Smetsim string `json:"smetsim"`
	// PreCommand says how a critical SRV's pre-command content is encoded: "interim" (the request
	// body's XML inside GBCS General-Signing framing) until GBCS use-case encodings land.
	PreCommand string `json:"pre_command,omitempty"`
	// UseCases are the GBCS use cases behind the SRV per device type, with their message codes.
	UseCases map[string]string `json:"gbcs_use_cases,omitempty"`
}

// Catalogue describes every SRV: its DUIS facts, its SMETS1 applicability and what the mock DCC
// does with it.
func Catalogue() []Support {
	out := make([]Support, 0, len(srv.All))
	for i := range srv.All {
		s := &srv.All[i]
		a := s.Applies()
		sup := Support{Variant: s.Variant, Name: s.Name, Critical: s.Critical, NonDevice: s.NonDevice, Roles: s.Roles,
			SMETS1: a.SMETS1, Note: a.Note}
		for _, k := range a.Kinds {
			sup.Kinds = append(sup.Kinds, k.String())
			if u, ok := useCase(s.Variant, k); ok {
				if sup.UseCases == nil {
					sup.UseCases = map[string]string{}
				}
				sup.UseCases[k.String()] = fmt.Sprintf("%s (0x%04X)", u.Name, u.Code)
			}
		}
		switch {
		case !a.SMETS1:
			sup.Smetsim = "not applicable"
		case s.NonDevice && NonDeviceExecutes(s.Variant), !s.NonDevice && Executes(s.Variant):
			sup.Smetsim = "executes"
		default:
			sup.Smetsim = "not yet"
		}
		if s.Critical && sup.Smetsim == "executes" {
			sup.PreCommand = "interim"
		}
		out = append(out, sup)
	}
	return out
}

// KindsString joins the device types for a table.
func (s Support) KindsString() string {
	if s.NonDevice {
		return "DCC"
	}
	return strings.Join(s.Kinds, ",")
}
