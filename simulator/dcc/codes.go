// Package dcc is the mock DCC: a DUIS service-request endpoint that answers as the DCC's own test
// environment does — signatures, counters, access control, SMI status, product-combination
// eligibility, anomaly detection and the S1SP's checks — and executes SMETS1 service requests as
// equivalent steps on emulated (or real) devices, posting their signed responses and alerts to
// each user's Receive Response Service.
package dcc

import (
	"fmt"
	"strings"
)

// Code is a DUIS response code.
type Code string

// CodeInfo is one row of smetsim's response-code table: the meaning it gives the code, where the
// meaning comes from, and when smetsim answers it.
type CodeInfo struct {
	Code    Code
	Meaning string
	Source  string // a public source, or "assumption: …"
	When    string // what makes the mock DCC answer it
}

const (
	srcDCCList = "DCC Systems response code list (secondary source: the DUIS response-code table as republished in SMETS reference notes)"
	srcSchema  = "enumerated by ResponseCode in DUIS 5.4's schema; meaning not in the public material at hand"
)

// Response codes the mock DCC answers.
const (
	I0   Code = "I0"
	I99  Code = "I99"
	E1   Code = "E1"
	E2   Code = "E2"
	E3   Code = "E3"
	E4   Code = "E4"
	E5   Code = "E5"
	E11  Code = "E11"
	E12  Code = "E12"
	E13  Code = "E13"
	E17  Code = "E17"
	E19  Code = "E19"
	E20  Code = "E20"
	E21  Code = "E21"
	E30  Code = "E30"
	E100 Code = "E100"
)

// Codes is the response-code table, the one the endpoint and docs/mock-dcc.md both follow.
var Codes = []CodeInfo{
	{I0, "Success: the request had a successful outcome", srcDCCList, "a synchronous non-device request (CV 8) or a Transform (CV 4) succeeded; the device's answer in an async response"},
	{I99, "Acknowledgement: accepted for sending to the device, access control passed", srcDCCList, "a device request (CV 1, 5) passed every check; the device's response follows asynchronously (for a future-dated request, after its sr:ExecutionDateTime: the DCC holds it until then)"},
	{E1, "Failed authorisation: invalid User / User Role", srcDCCList, "the originator in the RequestID is not a known DCC User, or the request is not signed by that User's certificate (missing, tampered, unknown certificate: the X-Smetsim-Reason header says which)"},
	{E2, "Failed authorisation: User Role not permitted to send the Service Reference", srcDCCList, "none of the User's roles is eligible for the SRV (DUIS SRV matrix)"},
	{E3, "Failed authorisation: User status does not permit the Service Reference", srcDCCList, "assumption: a RequestID counter not greater than the last one accepted from that User (a replay) is treated as a User-status failure, since DUIS's counter rule has no code of its own in the public material"},
	{E4, "Failed authorisation: User Role not authorised for the device at this time", srcDCCList, "the User is not registered for the device's installation in the role the SRV needs (supplier, network operator), or breaks the Lead Supplier rule (only the Lead Supplier may decommission a SMETS1 CHF); also a DCC schedule (5.2, 5.3) that belongs to another User"},
	{E5, "Failed authorisation: device SMI status incompatible with the Service Reference", srcDCCList, "the device's SMI status does not allow the SRV; also, by smetsim's decision, a device whose installation's product combination is neither eligible (EPC) nor under PPC test: the DCC does not serve it"},
	{E11, "Failed validation: Service Reference not compatible with the device type", srcDCCList, "the SRV does not address the device's kind, or does not apply to SMETS1 (`smetsim srv list` says why), or the device's model does not support it (its profile)"},
	{E12, "Failed validation: Command Variant not applicable to the request", srcDCCList, "CV 9 (DCC internal), the local-delivery CVs 2, 3, 6, 7 for SMETS1 devices, CV 8 for a device SRV, CV 1 for a critical SRV, CV 4/5 for a non-critical one"},
	{E13, "Failed validation: request type not valid for the URL", srcDCCList, "the command variant does not belong to the endpoint it was posted to (Transform takes CV 4; Non-Device CV 8; Send Command CV 1 and 5)"},
	{E17, "Failed authorisation: not available for local command services", srcDCCList, "not answered: local delivery is refused earlier with E12 for SMETS1"},
	{E19, "Failed authorisation: device does not exist", srcDCCList, "the target device is not in the SMI"},
	{E20, "Communications failure: unable to communicate with the device", srcDCCList, "the device is offline (its hub or, for an ESME, the meter has no mains power, its CHF's WAN is down, or the CHF has taken it off its HAN) when the request is sent; assumption: the DCC knows at once and answers asynchronously after 10 s (or the TRT if shorter), with the cause in the journal's AsyncReason"},
	{E21, "Communications failure: no response from the device", srcDCCList, "the device did not answer within the SRV's Target Response Time: the E21 goes out at the TRT and the journal marks the breach (TRTBreached); by smetsim's decision a slow device still carries the command out when it gets to it, its late answer is not sent, and the journal records how long it took (DeviceTook)"},
	{E30, "Time-out: future-dated command", srcDCCList, "a future-dated request (sr:ExecutionDateTime in its body), held by the DCC until its time, did not complete within the SRV's Target Response Time after that time — the device slow, asleep or unreachable (by smetsim's decision E30 replaces E20/E21 there); the journal marks the breach and keeps the cause"},
	{W110101, "Warning: Update Firmware distributed the image to some of the devices listed, not all", srcSchema + "; assumption: the warning form of 11.1's answer, as DUIS's W-codes are warnings", "an 11.1 request lists devices the image cannot go to (unknown, another Device Model, not a SMETS1 device): the answer's DSPUpdateFirmwareWarning lists them"},
	{E100, "Failed validation: the request does not validate (schema version or content)", srcSchema + "; assumption: used for a DUIS request smetsim cannot accept for its content", "an unsupported schemaVersion, a malformed RequestID or header field, or a body that does not fit its SRV (the X-Smetsim-Reason header says which), including an sr:ExecutionDateTime on an SRV that cannot be future-dated"},
}

// Info returns the table row for a code.
func Info(c Code) (CodeInfo, bool) {
	for _, i := range Codes {
		if i.Code == c {
			return i, true
		}
	}
	return CodeInfo{}, false
}

// CodesMarkdown renders the response-code table as docs/mock-dcc.md shows it (a spec keeps the
// two in step).
func CodesMarkdown() string {
	var b strings.Builder
	b.WriteString("| code | meaning | smetsim answers it when | source |\n|---|---|---|---|\n")
	for _, c := range Codes {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", c.Code, cell(c.Meaning), cell(c.When), cell(c.Source))
	}
	return b.String()
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
