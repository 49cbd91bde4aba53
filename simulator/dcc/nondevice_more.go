package dcc

import (
	"crypto/sha256"
	"encoding/base64"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/inventory"
)

// More non-device SRVs the DCC answers itself (CV 8, synchronously): firmware distribution, the
// inventory updates and pre-notification, and the WAN matrix.
func init() {
	registerNonDevice(map[string]nonDeviceHandler{
		"8.4":  updateInventory,
		"11.1": updateFirmware,
		"12.1": requestWANMatrix,
		"12.2": prenotifyDevice,
	})
}

// W110101 is the 11.1 warning code: the image went to some of the devices listed and not others,
// listed by why in the answer's DSPUpdateFirmwareWarning (assumption: DUIS enumerates the code;
// its meaning here is smetsim's reading of the warning content it goes with).
const W110101 Code = "W110101"

// decodeText decodes a body into v and names the body on failure.
func decodeText(c *call, name string, v any) *failure {
	if c.req.Body.Name != name {
		return fail(E100, "%s takes an sr:%s body, not sr:%s", c.srv.Variant, name, c.req.Body.Name)
	}
	if err := c.req.Body.Decode(v); err != nil {
		return fail(E100, "%s: %v", name, err)
	}
	return nil
}

// supplies reports whether a user is the supplier registered for a device: the gas supplier for
// a GSME or GPF, the import supplier for the others (for the CHF, the Lead Supplier too).
func supplies(in inventory.Installation, k devices.Kind, u devices.EUI64) bool {
	switch k {
	case devices.KindGSME, devices.KindGPF:
		return in.GasSupplier == u
	case devices.KindCHF:
		return in.ImportSupplier == u || in.LeadSupplier == u
	}
	return in.ImportSupplier == u
}

// --- 11.1 Update Firmware ---

type updateFirmwareBody struct {
	FirmwareImage   string `xml:"FirmwareImage"`
	FirmwareVersion string `xml:"FirmwareVersion"`
	DeviceIDList    string `xml:"DeviceIDList"`
}

// imageModel is the Device Model a device becomes with firmware version v: the catalogue's model
// of the same family and version, or, for a version the catalogue does not list, smetsim's
// decision: a model like the device's current one with that version (family@version), which no
// EPC or PPC entry names, so 11.3 will not activate it until the lists do.
func (d *DCC) imageModel(cur *devices.Model, v string) *devices.Model {
	id := cur.Family + "@" + v
	if d.cfg.Catalogue != nil {
		if m, err := d.cfg.Catalogue.Lookup(id); err == nil && m.Kind == cur.Kind && m.Manufacturer == cur.Manufacturer && m.ModelName == cur.ModelName {
			return m
		}
	}
	m := *cur
	m.ID, m.FirmwareVersion = id, v
	return &m
}

// updateFirmware is 11.1: the image goes to each listed device the User supplies that is
// Commissioned and of the Device Model the image is for (the first such device's manufacturer
// and model, an image being for one model); the others are listed in the warning. Distribution
// runs on the run's clock right after the answer (the device raises 0x8F72 when it has verified
// the image); the image's hash is the SHA-256 of FirmwareImage as sent, which is what 11.3 names.
// For a GSME the image is modelled as staged at once (the GPF holds it for the GSME in SMETS1).
func updateFirmware(d *DCC, c *call, now time.Time) (duis.ResponseContent, *failure) {
	var b updateFirmwareBody
	if f := decodeText(c, "UpdateFirmware", &b); f != nil {
		return nil, f
	}
	image, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b.FirmwareImage), ""))
	if err != nil || len(image) == 0 {
		return nil, fail(E100, "UpdateFirmware: FirmwareImage is not a base64 image")
	}
	version := strings.TrimSpace(b.FirmwareVersion)
	if version == "" || len(version) > 8 {
		return nil, fail(E100, "UpdateFirmware: FirmwareVersion %q is not 1–8 characters", b.FirmwareVersion)
	}
	var ids []devices.EUI64
	for _, s := range strings.Split(strings.TrimSpace(b.DeviceIDList), ",") {
		id, f := parseEUIField("UpdateFirmware", "DeviceIDList", s)
		if f != nil {
			return nil, f
		}
		ids = append(ids, id)
	}
	hash := sha256.Sum256(image)
	var warn duis.DSPUpdateFirmwareWarning
	type staging struct {
		id   devices.EUI64
		kind devices.Kind
		img  devices.FirmwareImage
	}
	var send []staging
	var target *devices.Model
	for _, id := range ids {
		dev, ok := d.inv.Device(id)
		in, _ := d.inv.InstallationOf(id)
		switch {
		case !ok || dev.Model == nil || !supplies(in, dev.Kind, c.user.EUI):
			warn.InvalidDeviceIDList = append(warn.InvalidDeviceIDList, id)
			continue
		case dev.Status != inventory.Commissioned:
			warn.NotCommissionedDeviceIDList = append(warn.NotCommissionedDeviceIDList, id)
			continue
		case target != nil && (dev.Model.Kind != target.Kind || dev.Model.Manufacturer != target.Manufacturer || dev.Model.ModelName != target.ModelName):
			warn.NotApplicableFirmwareDeviceIDList = append(warn.NotApplicableFirmwareDeviceIDList, id)
			continue
		}
		if target == nil {
			target = dev.Model
		}
		send = append(send, staging{id, dev.Kind, devices.FirmwareImage{Model: d.imageModel(dev.Model, version), Hash: hash}})
	}
	d.clock.Do(func(now time.Time) {
		for _, s := range send {
			p := d.cfg.Fleet.ByDevice(s.id)
			if p == nil {
				continue
			}
			if fd := firmwareDeviceOf(p, s.kind); fd != nil {
				if err := fd.StageFirmware(now, s.img); err != nil {
					d.cfg.Log.Info("firmware not staged", "device", s.id.String(), "error", err)
				}
			}
		}
	})
	if len(send) == len(ids) {
		return nil, nil
	}
	return &warn, &failure{code: W110101, reason: warningReason(warn)}
}

func warningReason(w duis.DSPUpdateFirmwareWarning) string {
	var parts []string
	add := func(what string, ids []devices.EUI64) {
		if len(ids) > 0 {
			parts = append(parts, strconv.Itoa(len(ids))+" "+what)
		}
	}
	add("not in the inventory or not the User's", w.InvalidDeviceIDList)
	add("not Commissioned", w.NotCommissionedDeviceIDList)
	add("of another Device Model than the image's", w.NotApplicableFirmwareDeviceIDList)
	return "UpdateFirmware: DeviceIDList: the image was not sent to " + strings.Join(parts, ", ")
}

// --- 8.4 Update Inventory ---

type updateInventoryBody struct {
	DeviceID       string         `xml:"DeviceID"`
	StatusExceptCH *string        `xml:"UpdateDeviceStatusExceptCH"`
	StatusCH       *string        `xml:"UpdateDeviceStatusCH"`
	Details        *deviceDetails `xml:"UpdateDeviceDetails"`
	DeleteDevice   *struct{}      `xml:"DeleteDevice"`
	UpdateMPxN     *struct {
		ImportMPxN          *string `xml:"ImportMPxN"`
		SecondaryImportMPAN *string `xml:"SecondaryImportMPAN"`
		ExportMPAN          *string `xml:"ExportMPAN"`
	} `xml:"UpdateMPxN"`
}

type deviceDetails struct {
	DeviceManufacturer string `xml:"DeviceManufacturer"`
	DeviceModel        string `xml:"DeviceModel"`
	FirmwareVersion    string `xml:"FirmwareVersion"`
}

// updateInventory is 8.4. The User must be registered for the device's installation in some
// role (any User may update a device that belongs to none yet). Status updates follow the SMI's
// lifecycle table (E5 with the allowed moves otherwise); details (manufacturer, model,
// firmware) may change only while the device is Pending — smetsim's decision, since the Device
// Model of a device in service changes only by firmware activation (11.3); DeleteDevice removes a
// Pending device; UpdateMPxN sets the import MPxN (smetsim's SMI holds no secondary or export
// MPAN, so those are refused E100).
func updateInventory(d *DCC, c *call, now time.Time) (duis.ResponseContent, *failure) {
	var b updateInventoryBody
	if f := decodeText(c, "UpdateInventory", &b); f != nil {
		return nil, f
	}
	id, f := parseEUIField("UpdateInventory", "DeviceID", b.DeviceID)
	if f != nil {
		return nil, f
	}
	dev, ok := d.inv.Device(id)
	if !ok {
		return nil, fail(E19, "UpdateInventory: DeviceID %s is not in the inventory", id)
	}
	if in, ok := d.inv.InstallationOf(id); ok {
		u := c.user.EUI
		if in.ImportSupplier != u && in.GasSupplier != u && in.ElectricityDistributor != u && in.GasTransporter != u && in.LeadSupplier != u {
			return nil, fail(E4, "%s is not registered for installation %s", u, in.ID)
		}
	}
	why := "8.4 Update Inventory by " + c.user.EUI.String()
	move := func(to string) *failure {
		if err := d.inv.Move(now, id, inventory.Status(to), why); err != nil {
			return fail(E5, "UpdateInventory: %v", err)
		}
		return nil
	}
	switch {
	case b.StatusExceptCH != nil:
		to := strings.TrimSpace(*b.StatusExceptCH)
		if dev.Kind == devices.KindCHF {
			return nil, fail(E100, "UpdateInventory: UpdateDeviceStatusExceptCH is for devices other than a CHF; %s is a CHF", id)
		}
		if to != string(inventory.Pending) && to != string(inventory.InstalledNotCommissioned) {
			return nil, fail(E100, "UpdateInventory: UpdateDeviceStatusExceptCH %q is not Pending or InstalledNotCommissioned", to)
		}
		return nil, move(to)
	case b.StatusCH != nil:
		to := strings.TrimSpace(*b.StatusCH)
		if dev.Kind != devices.KindCHF {
			return nil, fail(E100, "UpdateInventory: UpdateDeviceStatusCH is for a CHF; %s is a %s", id, dev.Kind)
		}
		if to != string(inventory.Commissioned) && to != string(inventory.Withdrawn) && to != string(inventory.InstalledNotCommissioned) {
			return nil, fail(E100, "UpdateInventory: UpdateDeviceStatusCH %q is not Commissioned, Withdrawn or InstalledNotCommissioned", to)
		}
		return nil, move(to)
	case b.Details != nil:
		if dev.Status != inventory.Pending {
			return nil, fail(E5, "UpdateInventory: UpdateDeviceDetails: device %s is %s; its Device Model changes only by firmware activation (11.3) once it is past Pending", id, dev.Status)
		}
		m := devices.Model{Kind: dev.Kind}
		if dev.Model != nil {
			m = *dev.Model
		}
		set := func(dst *string, v string) {
			if v = strings.TrimSpace(v); v != "" {
				*dst = v
			}
		}
		set(&m.Manufacturer, b.Details.DeviceManufacturer)
		set(&m.ModelName, b.Details.DeviceModel)
		set(&m.FirmwareVersion, b.Details.FirmwareVersion)
		model := d.prenotifiedModel(dev.Kind, m.Manufacturer, m.ModelName, m.FirmwareVersion)
		return nil, failOf(d.inv.SetModel(id, model), E5)
	case b.DeleteDevice != nil:
		return nil, failOf(d.inv.Delete(id), E5)
	case b.UpdateMPxN != nil:
		u := b.UpdateMPxN
		switch {
		case u.ImportMPxN != nil:
			v := strings.TrimSpace(*u.ImportMPxN)
			if v == "" || len(v) > 13 {
				return nil, fail(E100, "UpdateInventory: ImportMPxN %q is not 1–13 characters", v)
			}
			return nil, failOf(d.inv.SetMPxN(id, v), E5)
		case u.SecondaryImportMPAN != nil:
			return nil, fail(E100, "UpdateInventory: SecondaryImportMPAN: smetsim's SMI holds no secondary MPAN")
		case u.ExportMPAN != nil:
			return nil, fail(E100, "UpdateInventory: ExportMPAN: smetsim's SMI holds no export MPAN")
		}
		return nil, fail(E100, "UpdateInventory: UpdateMPxN names no MPxN")
	}
	return nil, fail(E100, "UpdateInventory: the body says no update (UpdateDeviceStatusExceptCH, UpdateDeviceStatusCH, UpdateDeviceDetails, DeleteDevice or UpdateMPxN)")
}

func failOf(err error, code Code) *failure {
	if err == nil {
		return nil
	}
	return fail(code, "%v", err)
}

// --- 12.2 Device Pre-notification ---

type prenotificationBody struct {
	DeviceID           string `xml:"DeviceID"`
	DeviceManufacturer string `xml:"DeviceManufacturer"`
	DeviceModel        string `xml:"DeviceModel"`
	DeviceType         string `xml:"DeviceType"`
	FirmwareVersion    string `xml:"FirmwareVersion"`
}

// prenotifiedModel is the Device Model a pre-notification names: the catalogue's model with that
// kind, manufacturer, model and firmware version, or a record of what the User said (its ID
// "prenotified:manufacturer/model@version"), which is on no CPL or combination list.
func (d *DCC) prenotifiedModel(k devices.Kind, manufacturer, model, version string) *devices.Model {
	if d.cfg.Catalogue != nil {
		for _, m := range d.cfg.Catalogue.Sorted() {
			if m.Kind == k && strings.EqualFold(m.Manufacturer, manufacturer) && strings.EqualFold(m.ModelName, model) && m.FirmwareVersion == version {
				return m
			}
		}
	}
	return &devices.Model{ID: "prenotified:" + manufacturer + "/" + model + "@" + version, Kind: k,
		Manufacturer: manufacturer, ModelName: model, FirmwareVersion: version}
}

// prenotifyDevice is 12.2: a device the DCC has not seen enters the SMI as Pending, with the
// Device Model the User names; 8.11 then whitelists it in a CHF's device log. A device the SMI
// already holds is refused E5 (its status is not one a pre-notification fits). Only the five
// SMETS1 device types with an inventory status are taken (E100 for others).
func prenotifyDevice(d *DCC, c *call, now time.Time) (duis.ResponseContent, *failure) {
	var b prenotificationBody
	if f := decodeText(c, "DevicePrenotification", &b); f != nil {
		return nil, f
	}
	id, f := parseEUIField("DevicePrenotification", "DeviceID", b.DeviceID)
	if f != nil {
		return nil, f
	}
	k, err := devices.ParseKind(strings.TrimSpace(b.DeviceType))
	if err != nil {
		return nil, fail(E100, "DevicePrenotification: DeviceType %q is not a SMETS1 device with an inventory record (ESME, GSME, CHF, GPF, PPMID)", b.DeviceType)
	}
	mfr, model := strings.TrimSpace(b.DeviceManufacturer), strings.TrimSpace(b.DeviceModel)
	if mfr == "" || model == "" {
		return nil, fail(E100, "DevicePrenotification: DeviceManufacturer and DeviceModel are required")
	}
	m := d.prenotifiedModel(k, mfr, model, strings.TrimSpace(b.FirmwareVersion))
	if err := d.inv.Prenotify(now, id, k, m, "12.2 Device Pre-notification by "+c.user.EUI.String()); err != nil {
		return nil, fail(E5, "DevicePrenotification: DeviceID: %v", err)
	}
	return nil, nil
}

// --- 12.1 Request WAN Matrix ---

type wanMatrixBody struct {
	UPRN           string `xml:"UPRN"`
	PartialAddress *struct {
		PostCode          string `xml:"PostCode"`
		AddressIdentifier string `xml:"AddressIdentifier"`
	} `xml:"PartialAddress"`
}

// requestWANMatrix is 12.1. smetsim holds no address gazetteer, so its decision is to answer
// every address alike: for each communications service provider region its fleet's SMETS1
// installations use, coverage available with high likelihood. The request is echoed as sent.
func requestWANMatrix(d *DCC, c *call, now time.Time) (duis.ResponseContent, *failure) {
	var b wanMatrixBody
	if f := decodeText(c, "RequestWANMatrix", &b); f != nil {
		return nil, f
	}
	var req duis.WANMatrixRequest
	switch {
	case strings.TrimSpace(b.UPRN) != "":
		v, err := strconv.ParseUint(strings.TrimSpace(b.UPRN), 10, 64)
		if err != nil || v == 0 || v > 999_999_999_999 {
			return nil, fail(E100, "RequestWANMatrix: UPRN %q is not 1 to 12 digits", b.UPRN)
		}
		req.UPRN = v
	case b.PartialAddress != nil:
		req.PostCode, req.AddressIdentifier = strings.TrimSpace(b.PartialAddress.PostCode), strings.TrimSpace(b.PartialAddress.AddressIdentifier)
		if len(req.PostCode) < 6 || len(req.PostCode) > 8 {
			return nil, fail(E100, "RequestWANMatrix: PostCode %q is not 6–8 characters", req.PostCode)
		}
	default:
		return nil, fail(E100, "RequestWANMatrix: give a UPRN or a PartialAddress")
	}
	regions := map[string]bool{}
	for _, p := range d.cfg.Fleet.Premises {
		switch p.CSP {
		case "North", "Central", "South":
			regions[p.CSP] = true
		}
	}
	if len(regions) == 0 {
		regions["Central"] = true
	}
	names := make([]string, 0, len(regions))
	for r := range regions {
		names = append(names, r)
	}
	sort.Strings(names)
	out := &duis.DSPWANMatrix{Request: req}
	for _, r := range names {
		out.Coverage = append(out.Coverage, duis.WANCoverage{CSPRegion: r, Available: true, WANTechnology: "SMETS1 " + r + " WAN", Likelihood: "High"})
	}
	return out, nil
}
