package duis

import (
	"fmt"
	"strconv"
	"time"

	"github.com/smetsim/smetsim/devices"
)

// ReadInventory is the body of SRV 8.2 Read Inventory. The schema makes it a choice of one
// selector: a Device ID, a UPRN, an MPxN, or a property filter (post code and address
// identifier). Exactly one field is set.
type ReadInventory struct {
	DeviceID       *devices.EUI64
	UPRN           uint64 // 0 when another selector is used
	MPxN           string
	PropertyFilter *PropertyFilter
}

// PropertyFilter selects premises by address, as sr:PropertyFilter does.
type PropertyFilter struct {
	PostCode          string // 6 to 8 characters
	AddressIdentifier string // up to 30 characters
}

// ReadInventory decodes an sr:ReadInventory body, checking each value as the schema types it.
// Errors are *ParseError (ErrStructure, or ErrField for a bad value); their positions count in
// Raw.
func (b Body) ReadInventory() (*ReadInventory, error) {
	if b.Name != "ReadInventory" {
		return nil, &ParseError{Reason: ErrStructure, Offset: -1, Path: b.Name, Detail: "the body is sr:" + shorten(b.Name) + ", not sr:ReadInventory"}
	}
	ri := &ReadInventory{}
	if err := b.read(ri.read); err != nil {
		return nil, err
	}
	return ri, nil
}

// read decodes the selector, starting inside sr:ReadInventory.
func (ri *ReadInventory) read(w *walker) error {
	se, off, ok, err := w.child()
	if err != nil {
		return err
	}
	if !ok {
		return w.fail(ErrStructure, w.s.start, "sr:ReadInventory is empty; want sr:DeviceID, sr:UPRN, sr:MPxN or sr:PropertyFilter", "")
	}
	if err := w.attrs(se, off); err != nil {
		return err
	}
	path := w.s.path()
	switch {
	case isSR(se.Name, "DeviceID"):
		text, err := w.text()
		if err != nil {
			return err
		}
		e, err := ParseEUI(text)
		if err != nil {
			return w.field(off, path, text, err)
		}
		ri.DeviceID = &e
	case isSR(se.Name, "UPRN"):
		text, err := w.text()
		if err != nil {
			return err
		}
		if ri.UPRN, err = parseUPRN(text); err != nil {
			return w.field(off, path, text, err)
		}
	case isSR(se.Name, "MPxN"):
		text, err := w.text()
		if err != nil {
			return err
		}
		if err := checkLength("MPxN", text, 1, 13); err != nil {
			return w.field(off, path, text, err)
		}
		ri.MPxN = text
	case isSR(se.Name, "PropertyFilter"):
		pf := &PropertyFilter{}
		for i, name := range []string{"PostCode", "AddressIdentifier"} {
			c, coff, ok, err := w.child()
			if err != nil {
				return err
			}
			if !ok || !isSR(c.Name, name) {
				if !ok {
					coff = w.s.start
				}
				return w.fail(ErrStructure, coff, "sr:PropertyFilter wants sr:PostCode then sr:AddressIdentifier", "")
			}
			if err := w.attrs(c, coff); err != nil {
				return err
			}
			cpath := w.s.path()
			text, err := w.text()
			if err != nil {
				return err
			}
			if i == 0 {
				pf.PostCode = text
				err = checkLength("PostCode", text, 6, 8)
			} else {
				pf.AddressIdentifier = text
				err = checkLength("AddressIdentifier", text, 0, 30)
			}
			if err != nil {
				return w.field(coff, cpath, text, err)
			}
		}
		if c, coff, ok, err := w.child(); err != nil || ok {
			if err == nil {
				err = w.fail(ErrStructure, coff, "unexpected <"+local(c.Name)+"> in sr:PropertyFilter", "")
			}
			return err
		}
		ri.PropertyFilter = pf
	default:
		return w.fail(ErrStructure, off, "unexpected <"+local(se.Name)+">, want sr:DeviceID, sr:UPRN, sr:MPxN or sr:PropertyFilter", "")
	}
	if c, coff, ok, err := w.child(); err != nil || ok {
		if err == nil {
			err = w.fail(ErrStructure, coff, "sr:ReadInventory takes one selector; found a second, <"+local(c.Name)+">", "")
		}
		return err
	}
	return nil
}

// Body writes the ReadInventory as a request body, for a DUIS client's Request.
func (ri ReadInventory) Body() (Body, error) {
	n := 0
	var w xw
	w.open("sr:ReadInventory")
	if ri.DeviceID != nil {
		n++
		w.eui("sr:DeviceID", *ri.DeviceID)
	}
	if ri.UPRN != 0 {
		n++
		if err := checkUPRN(ri.UPRN); err != nil {
			w.fail(err)
		}
		w.uint("sr:UPRN", ri.UPRN)
	}
	if ri.MPxN != "" {
		n++
		if err := checkLength("MPxN", ri.MPxN, 1, 13); err != nil {
			w.fail(err)
		}
		w.leaf("sr:MPxN", ri.MPxN)
	}
	if pf := ri.PropertyFilter; pf != nil {
		n++
		if err := checkLength("PostCode", pf.PostCode, 6, 8); err != nil {
			w.fail(err)
		}
		if err := checkLength("AddressIdentifier", pf.AddressIdentifier, 0, 30); err != nil {
			w.fail(err)
		}
		w.open("sr:PropertyFilter")
		w.leaf("sr:PostCode", pf.PostCode)
		w.leaf("sr:AddressIdentifier", pf.AddressIdentifier)
		w.close("sr:PropertyFilter")
	}
	w.close("sr:ReadInventory")
	if n != 1 {
		w.failf("want exactly one of DeviceID, UPRN, MPxN and PropertyFilter, got %d", n)
	}
	if w.err != nil {
		return Body{}, fmt.Errorf("duis: ReadInventory: %w", w.err)
	}
	return Body{Name: "ReadInventory", Raw: w.b}, nil
}

// DSPInventory is the content of a Read Inventory (8.2) response: the devices the DCC's Smart
// Metering Inventory holds for the selector, 1 to 17 of them.
type DSPInventory []InventoryDevice

// InventoryDevice is one sr:Device of a DSPInventory. Empty strings, nil pointers and a zero UPRN
// leave optional elements out; enumerated fields must hold one of the schema's values.
type InventoryDevice struct {
	DeviceID                    devices.EUI64
	DeviceType                  string // ESME, GSME, GPF, CHF, HCALCS, PPMID, IHD, CAD
	DeviceStatus                string // optional: Pending, Whitelisted, InstalledNotCommissioned, Commissioned, …
	DeviceManufacturer          string // up to 30 characters
	DeviceModel                 string // up to 30 characters
	SMETSCHTSVersion            string // optional, 1–20 characters
	DeviceFirmwareVersion       string // optional, 1–8 characters
	DeviceFirmwareVersionStatus string // optional: Active, Cancelled, Expired, Withdrawn
	CPLStatus                   string // optional: Active, Cancelled, Expired, Withdrawn
	DateCommissioned            *time.Time
	ImportMPxN                  string // optional, 1–13 characters
	SecondaryImportMPAN         string // optional, 13 characters
	ExportMPAN                  string // optional, 13 characters
	ESMEVariant                 string // optional: A, B, C, AD, …
	UPRN                        uint64 // optional (0 leaves it out), up to 12 digits
	PropertyFilter              *PropertyFilter
	CSPRegion                   string // optional: North, Central, South, 4G North, …, Unknown, SMETS1
	DeviceGBCSVersion           string // optional; blank for SMETS1 devices, so usually left out
	HANVariant                  string // optional
	S1SP                        string // optional: the SMETS1 Service Provider
	Connectivity                string // optional: Cellular, Virtual
}

func (inv DSPInventory) writeContent(w *xw) {
	if len(inv) < 1 || len(inv) > 17 {
		w.failf("DSPInventory: %d devices, want 1 to 17", len(inv))
		return
	}
	w.open("sr:DSPInventory")
	for i := range inv {
		inv[i].write(w, i)
	}
	w.close("sr:DSPInventory")
}

func (d *InventoryDevice) write(w *xw, i int) {
	field := func(name string) string { return fmt.Sprintf("DSPInventory device %d %s", i+1, name) }
	enum := func(name, v string, list []string, optional bool) {
		if v == "" && optional {
			return
		}
		if !oneOf(v, list) {
			w.failf("%s %q is not one of %v", field(name), v, list)
		}
	}
	length := func(name, v string, min, max int, optional bool) {
		if v == "" && optional {
			return
		}
		if err := checkLength(name, v, min, max); err != nil {
			w.failf("DSPInventory device %d: %v", i+1, err)
		}
	}
	enum("DeviceType", d.DeviceType, deviceTypes, false)
	enum("DeviceStatus", d.DeviceStatus, deviceStatuses, true)
	length("DeviceManufacturer", d.DeviceManufacturer, 0, 30, false)
	length("DeviceModel", d.DeviceModel, 0, 30, false)
	length("SMETSCHTSVersion", d.SMETSCHTSVersion, 1, 20, true)
	length("DeviceFirmwareVersion", d.DeviceFirmwareVersion, 1, 8, true)
	enum("DeviceFirmwareVersionStatus", d.DeviceFirmwareVersionStatus, versionStatuses, true)
	enum("CPLStatus", d.CPLStatus, versionStatuses, true)
	length("ImportMPxN", d.ImportMPxN, 1, 13, true)
	length("SecondaryImportMPAN", d.SecondaryImportMPAN, 13, 13, true)
	length("ExportMPAN", d.ExportMPAN, 13, 13, true)
	enum("ESMEVariant", d.ESMEVariant, esmeVariants, true)
	if d.UPRN != 0 {
		if err := checkUPRN(d.UPRN); err != nil {
			w.failf("DSPInventory device %d: %v", i+1, err)
		}
	}
	if pf := d.PropertyFilter; pf != nil {
		length("PostCode", pf.PostCode, 6, 8, false)
		length("AddressIdentifier", pf.AddressIdentifier, 0, 30, false)
	}
	enum("CSPRegion", d.CSPRegion, cspRegions, true)
	enum("Connectivity", d.Connectivity, connectivities, true)

	w.open("sr:Device")
	w.eui("sr:DeviceID", d.DeviceID)
	w.leaf("sr:DeviceType", d.DeviceType)
	w.opt("sr:DeviceStatus", d.DeviceStatus)
	w.leaf("sr:DeviceManufacturer", d.DeviceManufacturer)
	w.leaf("sr:DeviceModel", d.DeviceModel)
	w.opt("sr:SMETSCHTSVersion", d.SMETSCHTSVersion)
	w.opt("sr:DeviceFirmwareVersion", d.DeviceFirmwareVersion)
	w.opt("sr:DeviceFirmwareVersionStatus", d.DeviceFirmwareVersionStatus)
	w.opt("sr:CPLStatus", d.CPLStatus)
	if d.DateCommissioned != nil {
		s, err := formatDate(*d.DateCommissioned)
		if err != nil {
			w.failf("%s: %v", field("DateCommissioned"), err)
		}
		w.leaf("sr:DateCommissioned", s)
	}
	w.opt("sr:ImportMPxN", d.ImportMPxN)
	w.opt("sr:SecondaryImportMPAN", d.SecondaryImportMPAN)
	w.opt("sr:ExportMPAN", d.ExportMPAN)
	w.opt("sr:ESMEVariant", d.ESMEVariant)
	if d.UPRN != 0 {
		w.leaf("sr:UPRN", strconv.FormatUint(d.UPRN, 10))
	}
	if pf := d.PropertyFilter; pf != nil {
		w.open("sr:PropertyFilter")
		w.leaf("sr:PostCode", pf.PostCode)
		w.leaf("sr:AddressIdentifier", pf.AddressIdentifier)
		w.close("sr:PropertyFilter")
	}
	w.opt("sr:CSPRegion", d.CSPRegion)
	w.opt("sr:DeviceGBCSVersion", d.DeviceGBCSVersion)
	w.opt("sr:HANVariant", d.HANVariant)
	w.opt("sr:S1SP", d.S1SP)
	w.opt("sr:Connectivity", d.Connectivity)
	w.close("sr:Device")
}
