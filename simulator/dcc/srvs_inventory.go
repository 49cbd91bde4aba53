package dcc

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/inventory"
)

// The HAN and inventory SRVs: commissioning, joining and unjoining devices, the device logs. They
// act on the emulated HAN (the CHF's device log, the pairings between meters and the PPMID) and
// keep the SMI in step with it.
//
// smetsim's decision for the device IDs a body names (OtherDeviceID, OldCHFID, OldGPFID): the DCC
// checks their form, not the SMI; the device carries the command out and a partner it cannot act
// on gives MessageSuccess="false" with the ASN.1 status GBCS has for it. 8.11 is the exception:
// the whitelist is the DCC's own record, so its DeviceID must be in the SMI (E19).
func init() {
	register(map[string]impl{
		"8.1.1":  {exec: commissionDevice, check: bodyCheck(decodeCommission), viaGSME: true, queue: waitForWake},
		"8.7.1":  {exec: joinService("JoinServiceCriticalRsp", true), viaGSME: true, queue: waitForWake, check: checkOtherDevice("JoinServiceCritical")},
		"8.7.2":  {exec: joinService("JoinServiceNonCriticalRsp", true), viaGSME: true, queue: waitForWake, check: checkOtherDevice("JoinServiceNonCritical")},
		"8.8.1":  {exec: joinService("UnjoinServiceCriticalRsp", false), viaGSME: true, queue: waitForWake, check: checkOtherDevice("UnjoinServiceCritical")},
		"8.8.2":  {exec: joinService("UnjoinServiceNonCriticalRsp", false), viaGSME: true, queue: waitForWake, check: checkOtherDevice("UnjoinServiceNonCritical")},
		"8.9":    {exec: readDeviceLog, viaGSME: true, queue: waitForWake, check: checkBodyName("ReadDeviceLog")},
		"8.11":   {exec: updateHANDeviceLog, check: checkUpdateHANDeviceLog},
		"8.12.1": {exec: restoreHANDeviceLog, check: checkOldDevice("RestoreHANDeviceLog", "OldCHFID")},
		"8.12.2": {exec: restoreGPFDeviceLog, check: checkOldDevice("RestoreGPFDeviceLog", "OldGPFID")},
	})
}

// asn1Codes numbers the MMC's ASN.1 statuses: smetsim's assumption is each status's position in
// the MMC schema's StatusASN1 enumeration (success 0), as the public material gives no numbers.
var asn1Codes = map[string]int{
	"success": 0, "notKnown": 1, "invalidJoinMethodAndRole": 20, "incompatibleWithExistingEntry": 21,
	"deviceLogFull": 22, "writeFailure": 23, "otherDeviceNotInDeviceLog": 32, "otherFailure": 33,
	"noImageHeld": 35, "hashMismatch": 36, "activationFailure": 37, "reliable": 38,
}

// asn1 writes an ra:StatusASN1 element.
func asn1(m *duis.MMCWriter, elem, status string) *duis.MMCWriter {
	return m.Start(elem, duis.Attr{Name: "ResponseCode", Value: strconv.Itoa(asn1Codes[status])}).Leaf("ASN1Status", status).End()
}

func withOutcome(rsp string, ok bool) *duis.MMCWriter {
	var m duis.MMCWriter
	return m.Start(rsp, duis.Attr{Name: "MessageSuccess", Value: strconv.FormatBool(ok)})
}

// waitForWake is the queue step of a GSME command smetsim carries out when the GSME next wakes:
// the command waits at the GPF; the emulation keeps the wait, not a ZCL frame for it.
func waitForWake(*job, time.Time) error { return nil }

func checkBodyName(want string) func(*DCC, *call, *duis.Request) *failure {
	return func(_ *DCC, c *call, r *duis.Request) *failure {
		if r.Body.Name != want {
			return fail(E100, "%s takes an sr:%s body, not sr:%s", c.srv.Variant, want, r.Body.Name)
		}
		return nil
	}
}

func parseEUIField(body, field, s string) (devices.EUI64, *failure) {
	id, err := devices.ParseEUI64(strings.TrimSpace(s))
	if err != nil {
		return id, fail(E100, "%s: %s: %v", body, field, err)
	}
	return id, nil
}

// --- 8.1.1 Commission Device ---

type commissionBody struct {
	CurrentDateTime string `xml:"CurrentDateTime"`
	TolerancePeriod string `xml:"TolerancePeriod"`
}

func decodeCommission(r *duis.Request) (commissionBody, *failure) {
	var b commissionBody
	if r.Body.Name != "CommissionDeviceSynchroniseClock" {
		return b, fail(E100, "8.1.1 takes an sr:CommissionDeviceSynchroniseClock body, not sr:%s", r.Body.Name)
	}
	if err := r.Body.Decode(&b); err != nil {
		return b, fail(E100, "CommissionDeviceSynchroniseClock: %v", err)
	}
	if _, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(b.CurrentDateTime)); err != nil {
		return b, fail(E100, "CommissionDeviceSynchroniseClock: CurrentDateTime %q is not a UTC date-time", b.CurrentDateTime)
	}
	if t, err := strconv.Atoi(strings.TrimSpace(b.TolerancePeriod)); err != nil || t < 0 || t > 86400 {
		return b, fail(E100, "CommissionDeviceSynchroniseClock: TolerancePeriod %q is not 0–86400 seconds", b.TolerancePeriod)
	}
	return b, nil
}

// commissionDevice is 8.1.1: a meter's clock is set and the device becomes Commissioned in the
// SMI. smetsim's decision: the S1SP sets the clock to its own (the DCC's) time, as SMETS1 devices
// take time from the hub; the body's CurrentDateTime is checked for form only, since a User's
// value (the RTDS samples carry 2014) would set a meter years back. A device already Commissioned
// stays so and the answer is success, as a repeated commissioning is harmless.
func commissionDevice(j *job, now time.Time) ([]byte, *failure) {
	d, dev := j.d, j.c.device
	m := success("CommissionDeviceSynchroniseClockRsp").Leaf("DeviceTime", now.UTC().Format("2006-01-02T15:04:05Z"))
	switch dev.Kind {
	case devices.KindESME:
		j.p.ESME.SetClock(now)
		m.Start("Electricity").Start("ElecClockTimeStatus", duis.Attr{Name: "TimeStatusCode", Value: strconv.Itoa(asn1Codes["reliable"])}).
			Leaf("TimeStatus", "reliable").End().End()
	case devices.KindGSME:
		j.p.GSME.SetClock(now)
		asn1(m.Start("Gas"), "GasClockTimeStatus", "reliable").End()
	}
	cur, ok := d.inv.Device(dev.ID)
	if !ok {
		return nil, fail(E19, "device %s left the inventory", dev.ID)
	}
	if cur.Status != inventory.Commissioned {
		if err := d.inv.Move(now, dev.ID, inventory.Commissioned, "8.1.1 Commission Device by "+j.c.user.EUI.String()); err != nil {
			return nil, fail(E5, "%v", err)
		}
	}
	return finish(m.End())
}

// --- 8.7 Join Service, 8.8 Unjoin Service ---

type joinBody struct {
	OtherDeviceID string `xml:"OtherDeviceID"`
}

func otherDeviceOf(r *duis.Request, name string) (devices.EUI64, *failure) {
	if r.Body.Name != name {
		return devices.EUI64{}, fail(E100, "the body is sr:%s; this SRV takes sr:%s", r.Body.Name, name)
	}
	var b joinBody
	if err := r.Body.Decode(&b); err != nil {
		return devices.EUI64{}, fail(E100, "%s: %v", name, err)
	}
	return parseEUIField(name, "OtherDeviceID", b.OtherDeviceID)
}

func checkOtherDevice(name string) func(*DCC, *call, *duis.Request) *failure {
	return func(_ *DCC, c *call, r *duis.Request) *failure {
		other, f := otherDeviceOf(r, name)
		if f == nil && other == c.device.ID {
			f = fail(E100, "%s: OtherDeviceID %s is the target device itself", name, other)
		}
		return f
	}
}

// kindOf finds a device of the premises by Device ID.
func kindOf(p *fleet.Premises, id devices.EUI64) (devices.Kind, bool) {
	for k, e := range p.Devices() {
		if e == id {
			return k, true
		}
	}
	return 0, false
}

// partnerIn gives the Device ID behind a short address on the premises' HAN; it takes a
// device's (short, paired) answer as it is.
func partnerIn(p *fleet.Premises) func(short uint16, ok bool) (devices.EUI64, bool) {
	return func(short uint16, ok bool) (devices.EUI64, bool) {
		if !ok {
			return devices.EUI64{}, false
		}
		return p.HAN.EUI(short)
	}
}

// joinService is 8.7.1/8.7.2 (join) and 8.8.1/8.8.2 (unjoin). The target device pairs with, or
// leaves, the partner OtherDeviceID names, on its own side, as each GBCS join command acts on
// the device it is sent to: a PPMID starts or stops reading an ESME, or a GPF (for gas); an ESME
// starts or stops publishing to a PPMID. A GSME and its GPF are one pairing, joined or unjoined on
// both sides. A SMETS1 PPMID reaches gas through the GPF, so a GSME is not joined to a PPMID
// directly (invalidJoinMethodAndRole): join the PPMID to the GPF or GSME instead.
func joinService(rsp string, join bool) func(*job, time.Time) ([]byte, *failure) {
	codeElem := "joinResponseCode"
	if !join {
		codeElem = "unjoinResponseCode"
	}
	return func(j *job, now time.Time) ([]byte, *failure) {
		other, f := otherDeviceOf(j.orig, strings.TrimSuffix(rsp, "Rsp"))
		if f != nil {
			return nil, f
		}
		status := pair(j.p, j.c.device.Kind, other, join, now)
		return finish(asn1(withOutcome(rsp, status == "success"), codeElem, status).End())
	}
}

// pair joins (or unjoins) the target of kind k with other and returns the ASN.1 status.
func pair(p *fleet.Premises, k devices.Kind, other devices.EUI64, join bool, now time.Time) string {
	ok, failed := "success", "notKnown"
	if !join {
		failed = "otherDeviceNotInDeviceLog"
	}
	ok2, known := kindOf(p, other)
	short, onHAN := p.HAN.Lookup(other)
	if !known || (join && !onHAN) {
		return failed
	}
	switch {
	case k == devices.KindPPMID && ok2 == devices.KindESME:
		esme, has, _, _ := p.PPMID.Meters()
		if join {
			p.PPMID.JoinMeter(now, devices.KindESME, short)
			return ok
		}
		if id, yes := partnerIn(p)(esme, has); yes && id == other {
			p.PPMID.UnjoinMeter(devices.KindESME)
			return ok
		}
		return failed
	case k == devices.KindPPMID && (ok2 == devices.KindGPF || ok2 == devices.KindGSME):
		_, _, gpf, has := p.PPMID.Meters()
		if join {
			gs, up := p.HAN.Lookup(p.GPF.EUI())
			if !up {
				return failed
			}
			p.PPMID.JoinMeter(now, devices.KindGSME, gs)
			return ok
		}
		if id, yes := partnerIn(p)(gpf, has); yes && id == p.GPF.EUI() {
			p.PPMID.UnjoinMeter(devices.KindGSME)
			return ok
		}
		return failed
	case k == devices.KindESME && ok2 == devices.KindPPMID:
		if join {
			p.ESME.SetDisplay(short)
			return ok
		}
		if id, yes := partnerIn(p)(p.ESME.Display()); yes && id == other {
			p.ESME.ClearDisplay()
			return ok
		}
		return failed
	case k == devices.KindGSME && ok2 == devices.KindGPF:
		if join {
			gs, up := p.HAN.Lookup(p.GSME.EUI())
			if !up {
				return "otherFailure"
			}
			p.GSME.SetGPF(short)
			p.GPF.SetGSME(gs)
			return ok
		}
		if id, yes := partnerIn(p)(p.GSME.GPF()); yes && id == other {
			p.GSME.UnjoinGPF()
			p.GPF.UnjoinGSME()
			return ok
		}
		return failed
	}
	if join {
		return "invalidJoinMethodAndRole"
	}
	return failed
}

// --- 8.9 Read Device Log ---

// deviceLog is a device's partners: for the CHF its device log (the HAN whitelist), for the others
// the devices they are joined with.
func deviceLog(p *fleet.Premises, k devices.Kind) []devices.DeviceLogEntry {
	var out []devices.DeviceLogEntry
	add := func(short uint16, ok bool) {
		if id, yes := partnerIn(p)(short, ok); yes {
			if kind, known := kindOf(p, id); known {
				out = append(out, devices.DeviceLogEntry{EUI: id, Kind: kind})
			}
		}
	}
	switch k {
	case devices.KindCHF:
		return p.CHF.DeviceLog()
	case devices.KindESME:
		add(p.ESME.Display())
	case devices.KindGSME:
		add(p.GSME.GPF())
	case devices.KindGPF:
		add(p.GPF.GSME())
	case devices.KindPPMID:
		esme, hasE, gpf, hasG := p.PPMID.Meters()
		add(esme, hasE)
		add(gpf, hasG)
	}
	return out
}

// readDeviceLog is 8.9: the CHF's device log (with ReadSecurityDetails, the devices of it now
// connected to the HAN), or a meter's or PPMID's joined devices.
func readDeviceLog(j *job, now time.Time) ([]byte, *failure) {
	var b struct {
		ReadSecurityDetails *struct{} `xml:"ReadSecurityDetails"`
	}
	if err := j.orig.Body.Decode(&b); err != nil {
		return nil, fail(E100, "ReadDeviceLog: %v", err)
	}
	log := deviceLog(j.p, j.c.device.Kind)
	m := success("ReadDeviceLogRsp")
	switch {
	case j.c.device.Kind == devices.KindCHF && b.ReadSecurityDetails != nil:
		m.Start("CHFConnectedDeviceLog")
		for _, e := range log {
			if _, on := j.p.HAN.Lookup(e.EUI); on {
				m.Start("CHFCurrentConnectedDeviceLogEntry").Leaf("DeviceID", e.EUI.String()).End()
			}
		}
		m.End()
	case j.c.device.Kind == devices.KindCHF:
		m.Start("CHFDeviceLog")
		for _, e := range log {
			m.Start("CHFDeviceLogEntry").Leaf("DeviceID", e.EUI.String()).End()
		}
		m.End()
	default:
		m.Start("DeviceLogEntries")
		for _, e := range log {
			m.Start("LogEntry").Leaf("DeviceID", e.EUI.String()).Leaf("DeviceType", e.Kind.String()).End()
		}
		m.End()
	}
	return finish(m.End())
}

// --- 8.11 Update HAN Device Log ---

type updateHANDeviceLogBody struct {
	DeviceID    string `xml:"DeviceID"`
	RequestType string `xml:"RequestType"`
	Add         *struct {
		JoinTimePeriod string `xml:"JoinTimePeriod"`
		InstallCode    string `xml:"InstallCode"`
		ImportMPxN     string `xml:"ImportMPxN"`
	} `xml:"AddDeviceToCHFWhitelist"`
}

type hanLogUpdate struct {
	device inventory.Device
	add    bool
	mpxn   string
}

func decodeUpdateHANDeviceLog(d *DCC, r *duis.Request) (hanLogUpdate, *failure) {
	var u hanLogUpdate
	if r.Body.Name != "UpdateHANDeviceLog" {
		return u, fail(E100, "8.11 takes an sr:UpdateHANDeviceLog body, not sr:%s", r.Body.Name)
	}
	var b updateHANDeviceLogBody
	if err := r.Body.Decode(&b); err != nil {
		return u, fail(E100, "UpdateHANDeviceLog: %v", err)
	}
	id, f := parseEUIField("UpdateHANDeviceLog", "DeviceID", b.DeviceID)
	if f != nil {
		return u, f
	}
	switch strings.TrimSpace(b.RequestType) {
	case "Add":
		u.add = true
		if b.Add == nil {
			return u, fail(E100, "UpdateHANDeviceLog: RequestType Add needs AddDeviceToCHFWhitelist (join time and install code)")
		}
		if t, err := strconv.Atoi(strings.TrimSpace(b.Add.JoinTimePeriod)); err != nil || t < 1 || t > 3600 {
			return u, fail(E100, "UpdateHANDeviceLog: JoinTimePeriod %q is not 1–3600 seconds", b.Add.JoinTimePeriod)
		}
		if ic := strings.TrimSpace(b.Add.InstallCode); len(ic) < 12 || len(ic) > 32 || len(ic)%2 != 0 || strings.Trim(ic, "0123456789abcdefABCDEF") != "" {
			return u, fail(E100, "UpdateHANDeviceLog: InstallCode %q is not 6–16 octets of hex", b.Add.InstallCode)
		}
		u.mpxn = strings.TrimSpace(b.Add.ImportMPxN)
	case "Remove":
	default:
		return u, fail(E100, "UpdateHANDeviceLog: RequestType %q is not Add or Remove", b.RequestType)
	}
	dev, ok := d.inv.Device(id)
	if !ok {
		return u, fail(E19, "UpdateHANDeviceLog: DeviceID %s is not in the inventory (pre-notify it with 12.2 first)", id)
	}
	if dev.Kind == devices.KindCHF {
		return u, fail(E100, "UpdateHANDeviceLog: DeviceID %s is a CHF, which is not in its own device log", id)
	}
	if u.add && (dev.Status == inventory.Decommissioned || dev.Status == inventory.Withdrawn) {
		return u, fail(E5, "UpdateHANDeviceLog: DeviceID %s is %s and cannot be whitelisted", id, dev.Status)
	}
	u.device = dev
	return u, nil
}

func checkUpdateHANDeviceLog(d *DCC, _ *call, r *duis.Request) *failure {
	_, f := decodeUpdateHANDeviceLog(d, r)
	return f
}

// updateHANDeviceLog is 8.11: Add whitelists a device in the CHF's device log (a Pending device
// becomes Whitelisted, belongs to the CHF's installation, takes the ImportMPxN given) and, when
// the device is one of the fleet's and off the HAN, it joins at once (Whitelisted →
// InstalledNotCommissioned); a Commissioned device added back after a Remove is whitelisted and
// rejoins the same way, to be commissioned again. Remove takes it out of the log and off the HAN; smetsim's decision
// is that only a Whitelisted device changes SMI status then (back to Pending): a device in
// service that is removed stays as it is in the SMI until 8.3 decommissions it. The body's
// SecondaryImportMPAN and ExportMPAN are not held by smetsim's SMI.
func updateHANDeviceLog(j *job, now time.Time) ([]byte, *failure) {
	d, p := j.d, j.p
	u, f := decodeUpdateHANDeviceLog(d, j.orig)
	if f != nil {
		return nil, f
	}
	why := "8.11 Update HAN Device Log by " + j.c.user.EUI.String()
	id := u.device.ID
	if !u.add {
		if err := p.CHF.RemoveFromDeviceLog(now, id); err != nil {
			return finish(withOutcome("UpdateHANDeviceLogRsp", false).End())
		}
		if u.device.Status == inventory.Whitelisted {
			_ = d.inv.Move(now, id, inventory.Pending, why)
		}
		return finish(success("UpdateHANDeviceLogRsp").End())
	}
	inLog := false
	for _, e := range p.CHF.DeviceLog() {
		inLog = inLog || e.EUI == id
	}
	if err := p.CHF.AddToDeviceLog(now, id, u.device.Kind); err != nil {
		return finish(withOutcome("UpdateHANDeviceLogRsp", false).End())
	}
	_ = d.inv.Associate(id, p.CHF.EUI())
	if u.mpxn != "" {
		_ = d.inv.SetMPxN(id, u.mpxn)
	}
	// A Commissioned device that 8.11 Remove took off the log and the HAN comes back, smetsim's
	// decision, as a newly whitelisted device (the lifecycle's Commissioned → Whitelisted): it
	// rejoins and must be commissioned again (8.1.1). One still in the log stays as it is.
	if u.device.Status == inventory.Pending || (u.device.Status == inventory.Commissioned && !inLog) {
		_ = d.inv.Move(now, id, inventory.Whitelisted, why)
	}
	if rejoin(p, id) {
		if cur, _ := d.inv.Device(id); cur.Status == inventory.Whitelisted {
			_ = d.inv.Move(now, id, inventory.InstalledNotCommissioned, "joined the HAN of CHF "+p.CHF.EUI().String())
		}
	}
	return finish(success("UpdateHANDeviceLogRsp").End())
}

// rejoin attaches one of the premises' devices that is off the HAN, as the device does once it is
// whitelisted again; it reports whether the device is on the HAN afterwards.
func rejoin(p *fleet.Premises, id devices.EUI64) bool {
	if _, on := p.HAN.Lookup(id); on {
		return true
	}
	k, ok := kindOf(p, id)
	if !ok {
		return false
	}
	var err error
	switch k {
	case devices.KindESME:
		err = p.ESME.Attach(p.HAN)
	case devices.KindGPF:
		err = p.GPF.Attach(p.HAN)
	case devices.KindGSME:
		err = p.GSME.Attach(p.HAN)
	case devices.KindPPMID:
		err = p.PPMID.Attach(p.HAN)
	default:
		return false
	}
	return err == nil
}

// --- 8.12 Restore device logs ---

type oldDeviceBody struct {
	OldCHFID string `xml:"OldCHFID"`
	OldGPFID string `xml:"OldGPFID"`
}

func oldDeviceOf(r *duis.Request, name, field string) (devices.EUI64, *failure) {
	if r.Body.Name != name {
		return devices.EUI64{}, fail(E100, "the body is sr:%s; this SRV takes sr:%s", r.Body.Name, name)
	}
	var b oldDeviceBody
	if err := r.Body.Decode(&b); err != nil {
		return devices.EUI64{}, fail(E100, "%s: %v", name, err)
	}
	v := b.OldCHFID
	if field == "OldGPFID" {
		v = b.OldGPFID
	}
	return parseEUIField(name, field, v)
}

func checkOldDevice(name, field string) func(*DCC, *call, *duis.Request) *failure {
	return func(_ *DCC, _ *call, r *duis.Request) *failure {
		_, f := oldDeviceOf(r, name, field)
		return f
	}
}

// restoreHANDeviceLog is 8.12.1: the CHF's device log gets every device the SMI records as
// whitelisted by the old CHF (as after a hub replacement), and those devices now belong to it and
// rejoin. An old CHF the SMI does not know restores nothing (MessageSuccess="false").
func restoreHANDeviceLog(j *job, now time.Time) ([]byte, *failure) {
	d, p := j.d, j.p
	old, f := oldDeviceOf(j.orig, "RestoreHANDeviceLog", "OldCHFID")
	if f != nil {
		return nil, f
	}
	od, known := d.inv.Device(old)
	if !known || od.Kind != devices.KindCHF {
		return finish(withOutcome("RestoreHANDeviceLogRsp", false).End())
	}
	for _, dev := range d.inv.OfCHF(old) {
		if err := p.CHF.AddToDeviceLog(now, dev.ID, dev.Kind); err != nil {
			return finish(withOutcome("RestoreHANDeviceLogRsp", false).End())
		}
		_ = d.inv.Associate(dev.ID, p.CHF.EUI())
		rejoin(p, dev.ID)
	}
	return finish(success("RestoreHANDeviceLogRsp").End())
}

// restoreGPFDeviceLog is 8.12.2: the GPF is paired again with the gas meter and PPMID of the old
// GPF's installation (the SMI's record of the old GPF's device log), each with its outcome. An old
// GPF the SMI does not know restores nothing (MessageSuccess="false", no outcomes).
func restoreGPFDeviceLog(j *job, now time.Time) ([]byte, *failure) {
	d, p := j.d, j.p
	old, f := oldDeviceOf(j.orig, "RestoreGPFDeviceLog", "OldGPFID")
	if f != nil {
		return nil, f
	}
	od, known := d.inv.Device(old)
	in, inOK := d.inv.InstallationOf(old)
	if !known || od.Kind != devices.KindGPF || !inOK {
		return finish(withOutcome("RestoreGPFDeviceLogRsp", false).End())
	}
	type entry struct {
		id   devices.EUI64
		kind devices.Kind
	}
	var entries []entry
	for _, k := range []devices.Kind{devices.KindGSME, devices.KindPPMID} {
		if id, ok := in.Devices[k]; ok {
			entries = append(entries, entry{id, k})
		}
	}
	sort.SliceStable(entries, func(a, b int) bool { return entries[a].kind < entries[b].kind })
	m := success("RestoreGPFDeviceLogRsp")
	gpfShort, gpfOn := p.HAN.Lookup(p.GPF.EUI())
	for _, e := range entries {
		status := "incompatibleWithExistingEntry"
		short, on := p.HAN.Lookup(e.id)
		switch {
		case !gpfOn || !on:
		case e.kind == devices.KindGSME && p.GSME != nil && p.GSME.EUI() == e.id:
			p.GSME.SetGPF(gpfShort)
			p.GPF.SetGSME(short)
			status = "success"
		case e.kind == devices.KindPPMID && p.PPMID != nil && p.PPMID.EUI() == e.id:
			p.PPMID.JoinMeter(now, devices.KindGSME, gpfShort)
			status = "success"
		}
		m.Start("RestoreDeviceLogOutcome").Start("DeviceLogEntry").Leaf("DeviceID", e.id.String()).Leaf("DeviceType", e.kind.String()).End()
		asn1(m, "joinResponseCode", status)
		m.End()
	}
	return finish(m.End())
}
