package duis

// The enumerations of the DUIS 5.4 schema that builders check values against, so that what they
// write validates. A spec compares each list with the schema.

// ResponseCodes lists every sr:ResponseCode the schema enumerates, in its order: I0 success, I99
// acknowledgement, the E and W codes. What smetsim means by each is the mock DCC's table.
var ResponseCodes = []string{
	"I0", "I99", "E1", "E2", "E3", "E4", "E5", "E11", "E12", "E13", "E17", "E19", "E20", "E21", "E30",
	"E31", "E40", "E41", "E42", "E43", "E44", "E45", "E46", "E47", "E48", "E49", "E50", "E51", "E52",
	"E53", "E54", "E55", "E56", "E57", "E58", "E59", "E60", "E61", "E62", "E63", "E64", "E65", "E66",
	"E67", "E68", "E69", "E70", "E71", "E100", "E1000", "E1001", "E1003", "E1004", "E1006", "E1007",
	"E1008", "E1010", "E1011", "E010101", "E010102", "E010201", "E030301", "E030302", "E040101",
	"E041701", "E050101", "E050102", "E050103", "E050105", "E050107", "E050108", "E050109", "E050110",
	"E050111", "E050112", "E050201", "E050202", "W050201", "E050301", "E050302", "W050301", "E060501",
	"E060502", "E060701", "E060801", "E060802", "E060803", "E061301", "E061304", "E061305", "E061501",
	"E061504", "E061505", "E061506", "E061507", "E061508", "E061509", "E061801", "E061802", "E061803",
	"E062101", "E062102", "E062103", "E062105", "E062201", "E062202", "E062203", "E062301", "E062302",
	"E062303", "E062304", "E062305", "E062306", "E062401", "E062402", "E062403", "E062801", "E062802",
	"E062803", "E080201", "E080202", "E080301", "E080302", "E080405", "E080406", "E080407", "E080408",
	"E080409", "E080410", "E080411", "E080412", "E080413", "E080414", "E080415", "E080501", "E080502",
	"E080503", "E080601", "E080602", "E080604", "E080606", "E080607", "E080702", "E080721", "E080722",
	"E080723", "E080801", "E080821", "E080822", "E080901", "E080902", "E080903", "E081101", "E081102",
	"E081104", "E081105", "E081106", "E081107", "E081108", "E081109", "E081110", "E081111", "E081202",
	"E081204", "E081205", "E081221", "E081222", "E081223", "E081301", "E081302", "E081303", "E081401",
	"E081402", "E081405", "E081406", "W081401", "E110101", "E110102", "E110103", "E110105", "E110106",
	"W110101", "E110401", "E110402", "E110403", "E110405", "W110401", "E120101", "E120102", "E120103",
	"E120201", "E120203", "E120204", "E120207",
}

// DCCAlertCodes lists every sr:DCCAlertCode the schema enumerates: AD1 (anomaly detection) and the
// N codes. Which alert content goes with which code is the mock DCC's table, not the schema's.
var DCCAlertCodes = []string{
	"AD1", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9", "N10", "N11", "N12", "N13", "N14",
	"N15", "N16", "N17", "N18", "N19", "N20", "N21", "N22", "N23", "N24", "N25", "N26", "N27", "N28",
	"N29", "N30", "N31", "N33", "N34", "N35", "N36", "N37", "N38", "N39", "N40", "N41", "N42", "N43",
	"N44", "N45", "N46", "N47", "N48", "N49", "N50", "N51", "N52", "N53", "N54", "N55", "N56", "N57",
	"N58", "N59", "N60", "N61", "N62", "N63", "N64", "N65", "N999",
}

var (
	deviceTypes     = []string{"ESME", "GSME", "GPF", "CHF", "HCALCS", "PPMID", "IHD", "CAD"}
	deviceStatuses  = []string{"Pending", "Whitelisted", "InstalledNotCommissioned", "Commissioned", "Decommissioned", "Withdrawn", "Suspended", "Recovery", "Recovered"}
	versionStatuses = []string{"Active", "Cancelled", "Expired", "Withdrawn"} // FirmwareVersionStatus and CPLStatus alike
	esmeVariants    = []string{"A", "B", "C", "AD", "BD", "CD", "ADE", "BDE", "CDE", "ADF", "BDF", "CDF", "ADEF", "BDEF", "CDEF", "ADG", "ADEG", "AF", "BF", "CF", "AEF", "BEF", "CEF", "AG", "AEG"}
	cspRegions      = []string{"North", "Central", "South", "4G North", "4G Central", "4G South", "Unknown", "SMETS1"}
	connectivities  = []string{"Cellular", "Virtual"}
)

var responseCodeSet, dccAlertCodeSet = setOf(ResponseCodes), setOf(DCCAlertCodes)

func setOf(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}

func oneOf(v string, list []string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// ValidResponseCode reports whether the schema enumerates code as a ResponseCode.
func ValidResponseCode(code string) bool { return responseCodeSet[code] }

// ValidDCCAlertCode reports whether the schema enumerates code as a DCCAlertCode.
func ValidDCCAlertCode(code string) bool { return dccAlertCodeSet[code] }
