package duis

import (
	"strconv"
	"strings"

	"github.com/smetsim/smetsim/devices"
)

// DSPUpdateFirmwareWarning is the content of an 11.1 Update Firmware answer that went to some
// devices and not others: the devices left out, by why.
type DSPUpdateFirmwareWarning struct {
	InvalidDeviceIDList               []devices.EUI64 // not in the inventory, or not the User's
	NotCommissionedDeviceIDList       []devices.EUI64
	NotApplicableFirmwareDeviceIDList []devices.EUI64 // the image is not for their Device Model
	OtherRequestInProgressList        []devices.EUI64
}

func (w *DSPUpdateFirmwareWarning) writeContent(x *xw) {
	x.open("sr:DSPUpdateFirmwareWarning")
	idList(x, "sr:InvalidDeviceIDList", w.InvalidDeviceIDList)
	idList(x, "sr:NotCommissionedDeviceIDList", w.NotCommissionedDeviceIDList)
	idList(x, "sr:NotApplicableFirmwareDeviceIDList", w.NotApplicableFirmwareDeviceIDList)
	idList(x, "sr:OtherRequestInProgressList", w.OtherRequestInProgressList)
	x.close("sr:DSPUpdateFirmwareWarning")
}

// idList writes a DUIS DeviceIDList (Device IDs joined by commas), or nothing for none.
func idList(x *xw, name string, ids []devices.EUI64) {
	if len(ids) == 0 {
		return
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id.String()
	}
	x.leaf(name, strings.Join(parts, ","))
}

// WANMatrixRequest echoes what a 12.1 Request WAN Matrix asked about: a UPRN, or a post code with
// an address identifier.
type WANMatrixRequest struct {
	UPRN              uint64
	PostCode          string
	AddressIdentifier string
}

// WANCoverage is one CSP region's answer in a DSPWANMatrix.
type WANCoverage struct {
	CSPRegion      string // North, Central, South, …
	Available      bool
	WANTechnology  string // 1–30 characters
	Likelihood     string // High, Medium, Low
	AdditionalInfo string // optional, up to 250 characters
}

// DSPWANMatrix is the content of a 12.1 Request WAN Matrix answer.
type DSPWANMatrix struct {
	Request  WANMatrixRequest
	Coverage []WANCoverage
}

func (m *DSPWANMatrix) writeContent(x *xw) {
	if len(m.Coverage) == 0 {
		x.failf("DSPWANMatrix: at least one region's answer is required")
	}
	x.open("sr:DSPWANMatrix")
	x.open("sr:Request")
	if m.Request.UPRN != 0 {
		if err := checkUPRN(m.Request.UPRN); err != nil {
			x.fail(err)
		}
		x.uint("sr:UPRN", m.Request.UPRN)
	} else {
		if err := checkLength("PostCode", m.Request.PostCode, 6, 8); err != nil {
			x.fail(err)
		}
		if err := checkLength("AddressIdentifier", m.Request.AddressIdentifier, 0, 30); err != nil {
			x.fail(err)
		}
		x.open("sr:PartialAddress")
		x.leaf("sr:PostCode", m.Request.PostCode)
		x.leaf("sr:AddressIdentifier", m.Request.AddressIdentifier)
		x.close("sr:PartialAddress")
	}
	x.close("sr:Request")
	for i, c := range m.Coverage {
		if !oneOf(c.CSPRegion, cspRegions) {
			x.failf("DSPWANMatrix answer %d: CSPRegion %q is not one of %v", i+1, c.CSPRegion, cspRegions)
		}
		if !oneOf(c.Likelihood, []string{"High", "Medium", "Low"}) {
			x.failf("DSPWANMatrix answer %d: ConnectivityLikelihood %q is not High, Medium or Low", i+1, c.Likelihood)
		}
		if err := checkLength("WANTechnology", c.WANTechnology, 1, 30); err != nil {
			x.fail(err)
		}
		x.open("sr:DSPWANMatrixResponse")
		x.leaf("sr:CSPRegion", c.CSPRegion)
		x.leaf("sr:CSPRegionResponseCode", "I0")
		x.leaf("sr:CoverageAvailability", strconv.FormatBool(c.Available))
		x.leaf("sr:WANTechnology", c.WANTechnology)
		x.leaf("sr:ConnectivityLikelihood", c.Likelihood)
		if c.AdditionalInfo != "" {
			if err := checkLength("AdditionalInformation", c.AdditionalInfo, 0, 250); err != nil {
				x.fail(err)
			}
			x.leaf("sr:AdditionalInformation", c.AdditionalInfo)
		}
		x.close("sr:DSPWANMatrixResponse")
	}
	x.close("sr:DSPWANMatrix")
}
