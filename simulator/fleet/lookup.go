package fleet

import (
	"encoding/binary"
	"fmt"

	"github.com/smetsim/smetsim/devices"
)

// generatedSlot is the offset from a generated premises' first Device ID of each of its devices.
var generatedSlot = map[devices.Kind]uint64{
	devices.KindESME: 0, devices.KindGSME: 1, devices.KindCHF: 2, devices.KindGPF: 3, devices.KindPPMID: 4,
}

// PremisesKinds returns the device kinds of the premises with the given id, listed or generated,
// without building the fleet; ok is false if the spec has no such premises. For a generated
// premises whether it has gas or a PPMID is drawn from the seed, which a run may override, so
// the kinds are those it may have: a CHF and an ESME always, a GPF, GSME and PPMID when the
// generator can make them.
func (s *Spec) PremisesKinds(id string) (kinds []devices.Kind, ok bool) {
	for _, p := range s.Premises {
		if p.ID == id {
			for _, k := range devices.Kinds {
				if p.Devices[k] != nil {
					kinds = append(kinds, k)
				}
			}
			return kinds, true
		}
	}
	for i := range s.Generators {
		g := &s.Generators[i]
		if n, ok := generatedNumber(id, g.Prefix); ok && n <= g.Count {
			return g.possibleKinds(), true
		}
	}
	return nil, false
}

// DeviceByEUI finds the premises and kind of the device with the given Device ID, listed or in
// a generator's range (which, for gas and PPMID devices, the seed may leave unused).
func (s *Spec) DeviceByEUI(eui devices.EUI64) (premises string, kind devices.Kind, ok bool) {
	for _, p := range s.Premises {
		for k, d := range p.Devices {
			if d.EUI == eui {
				return p.ID, k, true
			}
		}
	}
	v := binary.BigEndian.Uint64(eui[:])
	for i := range s.Generators {
		g := &s.Generators[i]
		base := binary.BigEndian.Uint64(g.EUIBase[:])
		if v < base || (v-base)/8 >= uint64(g.Count) {
			continue
		}
		slot := (v - base) % 8
		for _, k := range g.possibleKinds() {
			if generatedSlot[k] == slot {
				return fmt.Sprintf("%s%06d", g.Prefix, (v-base)/8+1), k, true
			}
		}
	}
	return "", 0, false
}

// possibleKinds are the device kinds a generator's premises may have.
func (g *GeneratorSpec) possibleKinds() []devices.Kind {
	gas := g.Gas > 0
	ppmid := g.PPMID == "always" || (g.PPMID == "prepayment" && g.Prepayment > 0)
	if len(g.Combinations) > 0 {
		anyGas, anyPPMID := false, false
		for _, c := range g.Combinations {
			anyGas = anyGas || c.Value.Models[devices.KindGSME] != nil
			anyPPMID = anyPPMID || c.Value.Models[devices.KindPPMID] != nil
		}
		gas, ppmid = gas && anyGas, ppmid && anyPPMID
	}
	var kinds []devices.Kind
	for _, k := range devices.Kinds {
		switch k {
		case devices.KindGSME, devices.KindGPF:
			if !gas {
				continue
			}
		case devices.KindPPMID:
			if !ppmid {
				continue
			}
		}
		kinds = append(kinds, k)
	}
	return kinds
}
