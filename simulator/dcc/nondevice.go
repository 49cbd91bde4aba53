package dcc

import (
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/inventory"
)

// nonDeviceHandler answers one non-device SRV synchronously.
type nonDeviceHandler func(d *DCC, c *call, now time.Time) (duis.ResponseContent, *failure)

// nonDeviceHandlers are the non-device SRVs (CV 8) the DCC answers itself, synchronously. Files
// with more of them add theirs with registerNonDevice.
var nonDeviceHandlers = map[string]nonDeviceHandler{
	"8.2": readInventory,
	"8.3": decommission,
}

// registerNonDevice adds non-device SRVs; a variant registered twice is a programming error.
func registerNonDevice(m map[string]nonDeviceHandler) {
	for v, h := range m {
		if _, dup := nonDeviceHandlers[v]; dup {
			panic("dcc: non-device SRV " + v + " registered twice")
		}
		nonDeviceHandlers[v] = h
	}
}

// nonDevice answers a CV 8 request.
func (d *DCC) nonDevice(c *call, now time.Time) (duis.ResponseContent, *failure) {
	h, ok := nonDeviceHandlers[c.srv.Variant]
	if !ok {
		return nil, fail(E100, "smetsim does not answer %s %s yet (`smetsim srv list` shows what it does)", c.srv.Variant, c.srv.Name)
	}
	return h(d, c, now)
}

// readInventory is 8.2: the SMI's record of the device asked for and, for a device ID, the other
// devices of its installation.
func readInventory(d *DCC, c *call, now time.Time) (duis.ResponseContent, *failure) {
	sel, err := c.req.Body.ReadInventory()
	if err != nil {
		return nil, fail(E100, "ReadInventory: %v", err)
	}
	if sel.DeviceID == nil {
		return nil, fail(E100, "ReadInventory: smetsim selects by DeviceID only (UPRN, MPxN and property filters are not held)")
	}
	dev, ok := d.inv.Device(*sel.DeviceID)
	if !ok {
		return nil, fail(E19, "device %s is not in the inventory", *sel.DeviceID)
	}
	in, _ := d.inv.InstallationOf(dev.ID)
	var out duis.DSPInventory
	add := func(dv inventory.Device) {
		out = append(out, inventoryEntry(d, dv))
	}
	add(dev)
	for _, k := range devices.Kinds {
		if id, ok := in.Devices[k]; ok && id != dev.ID {
			if other, ok := d.inv.Device(id); ok {
				add(other)
			}
		}
	}
	return out, nil
}

func inventoryEntry(d *DCC, dv inventory.Device) duis.InventoryDevice {
	e := duis.InventoryDevice{DeviceID: dv.ID, DeviceType: dv.Kind.String(), DeviceStatus: string(dv.Status),
		ImportMPxN: dv.MPxN, CSPRegion: "SMETS1", S1SP: "smetsim"}
	if dv.Model != nil {
		e.DeviceManufacturer = clip(dv.Model.Manufacturer, 30)
		e.DeviceModel = clip(dv.Model.ModelName, 30)
		e.DeviceFirmwareVersion = clip(dv.Model.FirmwareVersion, 8)
		e.DeviceFirmwareVersionStatus = "Active"
		e.CPLStatus = "Active"
		if d.cfg.Catalogue != nil && !d.cfg.Catalogue.OnCPL(dv.Model) {
			e.CPLStatus = "Withdrawn"
		}
	}
	if !dv.Commissioned.IsZero() && dv.Status == inventory.Commissioned {
		t := dv.Commissioned
		e.DateCommissioned = &t
	}
	return e
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

type decommissionBody struct {
	DeviceID string `xml:"DeviceID"`
}

// decommission is 8.3: the device's SMI status becomes Decommissioned. Only the Lead Supplier may
// decommission a SMETS1 CHF.
func decommission(d *DCC, c *call, now time.Time) (duis.ResponseContent, *failure) {
	var b decommissionBody
	if err := c.req.Body.Decode(&b); err != nil {
		return nil, fail(E100, "DecommissionDevice: %v", err)
	}
	id, err := devices.ParseEUI64(b.DeviceID)
	if err != nil {
		return nil, fail(E100, "DecommissionDevice: DeviceID: %v", err)
	}
	dev, ok := d.inv.Device(id)
	if !ok {
		return nil, fail(E19, "device %s is not in the inventory", id)
	}
	in, _ := d.inv.InstallationOf(id)
	if dev.Kind == devices.KindCHF && in.LeadSupplier != c.user.EUI {
		return nil, fail(E4, "only the Lead Supplier (%s) may decommission the SMETS1 CHF of installation %s", in.LeadSupplier, in.ID)
	}
	if in.ImportSupplier != c.user.EUI && in.GasSupplier != c.user.EUI {
		return nil, fail(E4, "%s is not a supplier of installation %s", c.user.EUI, in.ID)
	}
	if err := d.inv.Move(now, id, inventory.Decommissioned, "8.3 Decommission Device by "+c.user.EUI.String()); err != nil {
		return nil, fail(E5, "%v", err)
	}
	return nil, nil
}
