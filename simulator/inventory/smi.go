// Package inventory is the mock DCC's Smart Metering Inventory (SMI) — every device's type, model,
// status and history, its MPxN and its installation — together with the product lists that decide
// which installations the DCC serves: the CPL, the EPC (eligible product combinations) and the PPC
// (pending product combinations).
package inventory

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/smetsim/smetsim/devices"
)

// Status is a device's SMI status.
type Status string

// SMI statuses, as DUIS names them.
const (
	Pending                  Status = "Pending"
	Whitelisted              Status = "Whitelisted"
	InstalledNotCommissioned Status = "InstalledNotCommissioned"
	Commissioned             Status = "Commissioned"
	Decommissioned           Status = "Decommissioned"
	Withdrawn                Status = "Withdrawn"
	Suspended                Status = "Suspended"
	Recovery                 Status = "Recovery"
	Recovered                Status = "Recovered"
)

// Statuses lists every SMI status.
var Statuses = []Status{Pending, Whitelisted, InstalledNotCommissioned, Commissioned, Decommissioned, Withdrawn, Suspended, Recovery, Recovered}

// transitions is the one table of allowed SMI status changes, with the event that makes each. It
// follows the DCC's device lifecycle: pre-notified (Pending), added to the CHF device log
// (Whitelisted), joined to the HAN (InstalledNotCommissioned), commissioned or migrated
// (Commissioned), decommissioned or withdrawn at the end; suspended when its Device Model is
// removed from the CPL, and Recovery/Recovered around a communications hub replacement.
var transitions = map[Status][]Status{
	Pending:                  {Whitelisted, Withdrawn},
	Whitelisted:              {InstalledNotCommissioned, Pending, Withdrawn},
	InstalledNotCommissioned: {Commissioned, Whitelisted, Decommissioned, Withdrawn},
	Commissioned:             {Decommissioned, Suspended, Recovery, Whitelisted},
	Suspended:                {Commissioned, Decommissioned},
	Recovery:                 {Recovered, Decommissioned},
	Recovered:                {Commissioned, Decommissioned},
	Decommissioned:           nil,
	Withdrawn:                nil,
}

// CanMove reports whether an SMI status may change from one status to another.
func CanMove(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Change is one entry of a device's SMI history.
type Change struct {
	At     time.Time
	From   Status
	To     Status
	Reason string
}

// Device is a device's SMI record.
type Device struct {
	ID           devices.EUI64
	Kind         devices.Kind
	Model        *devices.Model
	Status       Status
	Installation string // the installation (premises) it belongs to
	MPxN         string // MPAN for an ESME, MPRN for a GSME; empty for others
	CHF          devices.EUI64
	Commissioned time.Time
	History      []Change
}

// Installation is a SMETS1 installation as the DCC knows it: its devices, the parties registered
// for it, and whether it was migrated as active or dormant.
type Installation struct {
	ID      string
	Devices map[devices.Kind]devices.EUI64
	// ImportSupplier, GasSupplier, ElectricityDistributor and GasTransporter are the registered
	// parties; the Lead Supplier (the one responsible for the SMETS1 hub) is the import supplier,
	// or the gas supplier in a gas-only installation.
	ImportSupplier         devices.EUI64
	GasSupplier            devices.EUI64
	ElectricityDistributor devices.EUI64
	GasTransporter         devices.EUI64
	LeadSupplier           devices.EUI64
	// Dormant installations were migrated with their smart functions off (the supplier at
	// migration was not a DCC User); only non-device services work until they are activated.
	Dormant bool
	// CSP is the communications service provider whose WAN serves the hub (part of the product
	// combination).
	CSP string
}

// Inventory is the SMI. It is safe for concurrent use: the DCC's HTTP handlers read it while the
// clock's goroutine updates it.
type Inventory struct {
	mu            sync.RWMutex
	devices       map[devices.EUI64]*Device
	installations map[string]*Installation
}

// New returns an empty inventory.
func New() *Inventory {
	return &Inventory{devices: map[devices.EUI64]*Device{}, installations: map[string]*Installation{}}
}

// Device returns a copy of a device's record, and false if the SMI does not know it.
func (inv *Inventory) Device(id devices.EUI64) (Device, bool) {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	d, ok := inv.devices[id]
	if !ok {
		return Device{}, false
	}
	c := *d
	c.History = append([]Change(nil), d.History...)
	return c, true
}

// Installation returns a copy of an installation, and false if unknown.
func (inv *Inventory) Installation(id string) (Installation, bool) {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	in, ok := inv.installations[id]
	if !ok {
		return Installation{}, false
	}
	c := *in
	c.Devices = make(map[devices.Kind]devices.EUI64, len(in.Devices))
	for k, v := range in.Devices {
		c.Devices[k] = v
	}
	return c, true
}

// InstallationOf returns the installation a device belongs to.
func (inv *Inventory) InstallationOf(id devices.EUI64) (Installation, bool) {
	inv.mu.RLock()
	d, ok := inv.devices[id]
	inv.mu.RUnlock()
	if !ok {
		return Installation{}, false
	}
	return inv.Installation(d.Installation)
}

// Len returns the number of devices in the SMI.
func (inv *Inventory) Len() int {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	return len(inv.devices)
}

// Migrated describes one device of an installation being migrated.
type Migrated struct {
	ID    devices.EUI64
	Kind  devices.Kind
	Model *devices.Model
	MPxN  string
}

// Migrate brings an existing SMETS1 installation into the SMI, as TMAD migration does: every device
// Commissioned, the installation active or dormant.
func (inv *Inventory) Migrate(at time.Time, in Installation, devs []Migrated) error {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if _, dup := inv.installations[in.ID]; dup {
		return fmt.Errorf("installation %s is already in the inventory", in.ID)
	}
	in.Devices = map[devices.Kind]devices.EUI64{}
	var chf devices.EUI64
	for _, d := range devs {
		if _, dup := inv.devices[d.ID]; dup {
			return fmt.Errorf("device %s is already in the inventory", d.ID)
		}
		if _, dup := in.Devices[d.Kind]; dup {
			return fmt.Errorf("installation %s has two %s devices", in.ID, d.Kind)
		}
		in.Devices[d.Kind] = d.ID
		if d.Kind == devices.KindCHF {
			chf = d.ID
		}
	}
	if in.LeadSupplier == (devices.EUI64{}) {
		in.LeadSupplier = in.ImportSupplier
		if _, ok := in.Devices[devices.KindESME]; !ok {
			in.LeadSupplier = in.GasSupplier
		}
	}
	reason := "migrated (active)"
	if in.Dormant {
		reason = "migrated (dormant)"
	}
	for _, d := range devs {
		inv.devices[d.ID] = &Device{ID: d.ID, Kind: d.Kind, Model: d.Model, Status: Commissioned, Installation: in.ID,
			MPxN: d.MPxN, CHF: chf, Commissioned: at,
			History: []Change{{At: at, From: "", To: Commissioned, Reason: reason}}}
	}
	c := in
	inv.installations[in.ID] = &c
	return nil
}

// Move changes a device's SMI status if the lifecycle allows it.
func (inv *Inventory) Move(at time.Time, id devices.EUI64, to Status, reason string) error {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	d, ok := inv.devices[id]
	if !ok {
		return fmt.Errorf("device %s is not in the inventory", id)
	}
	if !CanMove(d.Status, to) {
		return &TransitionError{Device: id, From: d.Status, To: to}
	}
	d.History = append(d.History, Change{At: at, From: d.Status, To: to, Reason: reason})
	d.Status = to
	if to == Commissioned {
		d.Commissioned = at
	}
	return nil
}

// TransitionError is a status change the device lifecycle does not allow.
type TransitionError struct {
	Device   devices.EUI64
	From, To Status
}

func (e *TransitionError) Error() string {
	allowed := make([]string, 0, len(transitions[e.From]))
	for _, s := range transitions[e.From] {
		allowed = append(allowed, string(s))
	}
	sort.Strings(allowed)
	next := "none: it is final"
	if len(allowed) > 0 {
		next = strings.Join(allowed, ", ")
	}
	return fmt.Sprintf("device %s is %s and cannot become %s (from %s it may become %s)", e.Device, e.From, e.To, e.From, next)
}

// SetModel records a new Device Model for a device, as a firmware activation makes it.
func (inv *Inventory) SetModel(id devices.EUI64, m *devices.Model) error {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	d, ok := inv.devices[id]
	if !ok {
		return fmt.Errorf("device %s is not in the inventory", id)
	}
	d.Model = m
	return nil
}

// Combination returns the Device Models of an installation's devices, by kind.
func (inv *Inventory) Combination(installation string) (Combination, error) {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	in, ok := inv.installations[installation]
	if !ok {
		return Combination{}, fmt.Errorf("installation %s is not in the inventory", installation)
	}
	c := Combination{CSP: in.CSP, Models: map[devices.Kind]string{}}
	for k, id := range in.Devices {
		if d := inv.devices[id]; d != nil && d.Model != nil {
			c.Models[k] = d.Model.ID
		}
	}
	return c, nil
}
