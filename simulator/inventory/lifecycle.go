package inventory

import (
	"fmt"
	"sort"
	"time"

	"github.com/smetsim/smetsim/devices"
)

// Prenotify adds a device the DCC has not seen as Pending, as 12.2 Device Pre-notification does.
// It belongs to no installation until a CHF whitelists it (Associate).
func (inv *Inventory) Prenotify(at time.Time, id devices.EUI64, kind devices.Kind, model *devices.Model, reason string) error {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if d, dup := inv.devices[id]; dup {
		return &TransitionError{Device: id, From: d.Status, To: Pending}
	}
	inv.devices[id] = &Device{ID: id, Kind: kind, Model: model, Status: Pending,
		History: []Change{{At: at, To: Pending, Reason: reason}}}
	return nil
}

// Delete removes a device the DCC was told of but that never went further than Pending, as 8.4
// Update Inventory's DeleteDevice does.
func (inv *Inventory) Delete(id devices.EUI64) error {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	d, ok := inv.devices[id]
	if !ok {
		return fmt.Errorf("device %s is not in the inventory", id)
	}
	if d.Status != Pending {
		return fmt.Errorf("device %s is %s: only a Pending device can be deleted from the inventory", id, d.Status)
	}
	if in := inv.installations[d.Installation]; in != nil && in.Devices[d.Kind] == id {
		delete(in.Devices, d.Kind)
	}
	delete(inv.devices, id)
	return nil
}

// SetMPxN records a device's import MPAN or MPRN.
func (inv *Inventory) SetMPxN(id devices.EUI64, mpxn string) error {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	d, ok := inv.devices[id]
	if !ok {
		return fmt.Errorf("device %s is not in the inventory", id)
	}
	d.MPxN = mpxn
	return nil
}

// Associate records that a CHF whitelisted a device: the device joins the CHF's installation,
// taking its kind's place there if the installation has none.
func (inv *Inventory) Associate(id, chf devices.EUI64) error {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	d, ok := inv.devices[id]
	if !ok {
		return fmt.Errorf("device %s is not in the inventory", id)
	}
	h, ok := inv.devices[chf]
	if !ok {
		return fmt.Errorf("CHF %s is not in the inventory", chf)
	}
	d.CHF = chf
	if d.Installation == "" {
		d.Installation = h.Installation
	}
	if in := inv.installations[d.Installation]; in != nil {
		if _, taken := in.Devices[d.Kind]; !taken {
			in.Devices[d.Kind] = id
		}
	}
	return nil
}

// OfCHF returns the devices the SMI records as whitelisted by a CHF (the CHF itself excluded), by
// kind and Device ID.
func (inv *Inventory) OfCHF(chf devices.EUI64) []Device {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	var out []Device
	for _, d := range inv.devices {
		if d.CHF == chf && d.ID != chf && d.Status != Decommissioned && d.Status != Withdrawn {
			c := *d
			c.History = append([]Change(nil), d.History...)
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return string(out[i].ID[:]) < string(out[j].ID[:])
	})
	return out
}
