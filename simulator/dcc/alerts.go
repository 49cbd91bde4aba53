package dcc

import (
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
)

// DataLimits are the SMETS1 Service Provider's data-value checks: a request carrying a value
// outside them stops there, without quarantine, and the user gets an S1SP alert.
type DataLimits struct {
	MaxTopUp devices.Money // the largest single top-up the S1SP lets through
	// The highest unit price (per kWh), standing charge (per day) and meter balance adjustment
	// (either way) the S1SP lets through in 1.1.x, 1.2.x and 1.5; zero does not check.
	MaxPrice             devices.Money
	MaxStandingCharge    devices.Money
	MaxBalanceAdjustment devices.Money
}

// DefaultDataLimits is smetsim's choice (an assumption: the S1SP's real limits are not public).
var DefaultDataLimits = DataLimits{MaxTopUp: 500 * devices.Pound,
	MaxPrice: 2 * devices.Pound, MaxStandingCharge: 5 * devices.Pound, MaxBalanceAdjustment: 500 * devices.Pound}

// S1SPDataValueAlert is the S1SPAlertCode smetsim uses for a request stopped by a data-value check
// (an assumption: the S1SP's alert codes are not public).
const S1SPDataValueAlert = "S1SP-DATA-VALUE"

// checkData applies the S1SP's data-value checks to what the request asks the device to do.
func (d *DCC) checkData(c *call, orig *duis.Request, now time.Time) *failure {
	switch c.srv.Variant {
	case "1.1.1", "1.1.2", "1.2.1", "1.2.2":
		return d.checkTariffData(c, orig, now)
	case "1.5":
		return d.checkBalanceData(c, orig)
	case "2.2":
		var b topUpBody
		if err := orig.Body.Decode(&b); err != nil {
			return nil // a malformed body is refused by the device handler with its own answer
		}
		if p := d.cfg.Fleet.ByDevice(c.device.ID); p != nil {
			var key devices.UTRNKey
			if c.device.Kind == devices.KindGSME {
				key = p.GSME.UTRNKey()
			} else {
				key = p.ESME.UTRNKey()
			}
			if u, err := key.Decode(b.UTRN); err == nil && u.Amount > d.cfg.DataLimits.MaxTopUp {
				return fail(S1SPDataValueAlert, "the top-up of %s is above the S1SP's limit of %s", u.Amount, d.cfg.DataLimits.MaxTopUp)
			}
		}
	}
	return nil
}

// s1spAlert tells the user the S1SP stopped a request: a signed S1SPAlert, relayed in a DCC alert.
func (d *DCC) s1spAlert(c *call, now time.Time, f *failure) {
	id := c.req.Header.RequestID
	dev := c.device.ID
	a := &duis.S1SPAlert{SchemaVersion: c.req.SchemaVersion, RequestID: &id, DeviceID: &dev, Code: string(f.code),
		AdditionalInformation: f.reason, DateTime: now}
	unsigned, err := a.Marshal()
	if err != nil {
		d.cfg.Log.Error("cannot build an S1SP alert", "error", err)
		return
	}
	signed, err := duis.Sign(unsigned, duis.RootS1SPAlert, d.cfg.Keys.S1SP)
	if err != nil {
		d.cfg.Log.Error("cannot sign an S1SP alert", "error", err)
		return
	}
	d.finish(id, Code(DCCAlertS1SP), now)
	d.post(c.user.EUI, "dcc-alert", &duis.Response{SchemaVersion: c.req.SchemaVersion, ResponseCode: string(I0), ResponseDateTime: now,
		Body: &duis.DCCAlertMessage{Code: DCCAlertS1SP, Alert: &duis.S1SPAlertDSP{SignedAlert: signed}}})
}

// DCC alert codes smetsim raises besides AD1 (assumptions: which N code goes with which DCC alert
// is not in the public material at hand).
const (
	DCCAlertPowerOutage = "N1"  // a comms hub's power outage event
	DCCAlertS1SP        = "N42" // an S1SP alert relayed to the user
)

// DeviceAlert receives the fleet's alerts and sends each to the users who should get it: device
// alerts to the supplier of the device's fuel, a power outage to the electricity supplier and
// distributor. It implements devices.AlertSink and runs on the clock's goroutine.
func (d *DCC) DeviceAlert(a devices.Alert) {
	in, ok := d.inv.InstallationOf(a.Device)
	if !ok {
		return
	}
	if a.DCCEvent != "" {
		if a.DCCEvent != devices.DCCEventPowerOutage {
			return
		}
		p := d.cfg.Fleet.ByDevice(a.Device)
		mpan := ""
		if p != nil {
			mpan = p.MPAN
		}
		for _, u := range uniq(in.ImportSupplier, in.ElectricityDistributor) {
			d.post(u, "dcc-alert", &duis.Response{ResponseCode: string(I0), ResponseDateTime: a.Time,
				Body: &duis.DCCAlertMessage{Code: DCCAlertPowerOutage, Alert: &duis.PowerOutageEvent{CommsHubDeviceID: a.Device, StartDateTime: a.Time, MPxN: mpan}}})
		}
		return
	}
	to := in.ImportSupplier
	if a.Kind == devices.KindGSME || a.Kind == devices.KindGPF {
		to = in.GasSupplier
	}
	if to == (devices.EUI64{}) {
		return
	}
	desc := a.Code.String()
	for _, info := range devices.Alerts {
		if info.Code == a.Code {
			desc = info.Description
		}
	}
	d.mu.Lock()
	d.alertCount[a.Device]++
	counter := d.alertCount[a.Device]
	d.mu.Unlock()
	inner := &duis.SMETS1SignedResponse{Header: duis.MMCHeader{BusinessOriginatorID: a.Device, BusinessTargetID: to, OriginatorCounter: counter},
		Body: &duis.DeviceAlert{AlertCode: uint16(a.Code), Description: clip(desc, 250), Timestamp: a.Time}}
	unsigned, err := inner.Marshal()
	if err != nil {
		d.cfg.Log.Error("cannot build a device alert", "device", a.Device.String(), "error", err)
		return
	}
	signed, err := duis.Sign(unsigned, duis.RootSMETS1SignedResponse, d.cfg.Keys.S1SP)
	if err != nil {
		d.cfg.Log.Error("cannot sign a device alert", "device", a.Device.String(), "error", err)
		return
	}
	rid := duis.RequestID{Originator: a.Device, Target: to, Counter: counter}
	d.post(to, "device-alert", &duis.Response{ResponseID: &rid, ResponseCode: string(I0), ResponseDateTime: a.Time,
		Body: &duis.SMETS1ResponseMessage{SignedResponse: signed}})
}

func uniq(ids ...devices.EUI64) []devices.EUI64 {
	var out []devices.EUI64
	for _, id := range ids {
		if id == (devices.EUI64{}) {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || o == id
		}
		if !dup {
			out = append(out, id)
		}
	}
	return out
}
