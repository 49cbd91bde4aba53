package duis

import (
	"fmt"
	"time"

	"github.com/smetsim/smetsim/devices"
)

// DCCAlertMessage is sr:DCCAlertMessage, an alert the DCC raises itself: a code (AD1 for an
// anomaly-detection quarantine, N1… for notifications) and the matching sr:DCCAlert content.
type DCCAlertMessage struct {
	Code  string // one of DCCAlertCodes
	Alert DCCAlert
}

// DCCAlert is the content of sr:DCCAlert: *PowerOutageEvent, *QuarantinedRequest or
// *S1SPAlertDSP. Which code goes with which content is the mock DCC's table.
type DCCAlert interface {
	writeDCCAlert(w *xw)
}

func (m *DCCAlertMessage) writeResponseBody(w *xw) {
	if !ValidDCCAlertCode(m.Code) {
		w.failf("DCCAlertCode %q is not one the schema defines", shorten(m.Code))
	}
	if m.Alert == nil {
		w.failf("DCCAlertMessage: no DCCAlert content")
		return
	}
	w.open("sr:DCCAlertMessage")
	w.leaf("sr:DCCAlertCode", m.Code)
	w.open("sr:DCCAlert")
	m.Alert.writeDCCAlert(w)
	w.close("sr:DCCAlert")
	w.close("sr:DCCAlertMessage")
}

// PowerOutageEvent reports that a comms hub lost mains power (its last gasp): the hub, when the
// outage started, and the MPxN of the supply.
type PowerOutageEvent struct {
	CommsHubDeviceID devices.EUI64
	StartDateTime    time.Time
	MPxN             string // 1 to 13 characters
}

func (e *PowerOutageEvent) writeDCCAlert(w *xw) {
	if err := checkLength("MPxN", e.MPxN, 1, 13); err != nil {
		w.fail(err)
	}
	w.open("sr:PowerOutageEvent")
	w.eui("sr:CommsHubDeviceID", e.CommsHubDeviceID)
	w.dateTime("sr:StartDateTime", e.StartDateTime)
	w.leaf("sr:MPxN", e.MPxN)
	w.close("sr:PowerOutageEvent")
}

// ADBreach names which anomaly-detection threshold a quarantined request breached.
type ADBreach string

// The three kinds of breach the schema distinguishes.
const (
	// ADUserThresholdBreach: the request breached a threshold the User set for the SRV.
	ADUserThresholdBreach ADBreach = "ADUserThresholdBreach"
	// ADDCCThresholdBreach: the request breached a threshold the DCC set.
	ADDCCThresholdBreach ADBreach = "ADDCCThresholdBreach"
	// ADAttributeLimitsBreach: a value in the request is outside the limits for it.
	ADAttributeLimitsBreach ADBreach = "ADAttributeLimitsBreach"
)

// QuarantinedRequest is the content of an AD1 alert: the DCC quarantined a request because it
// breached an anomaly-detection threshold.
type QuarantinedRequest struct {
	Breach             ADBreach
	RequestID          RequestID // the request quarantined
	QuarantineEventRef uint64    // the DCC's reference for the quarantine (at most 20 digits)
}

func (q *QuarantinedRequest) writeDCCAlert(w *xw) {
	switch q.Breach {
	case ADUserThresholdBreach, ADDCCThresholdBreach, ADAttributeLimitsBreach:
	default:
		w.failf("QuarantinedRequest: breach %q is not ADUserThresholdBreach, ADDCCThresholdBreach or ADAttributeLimitsBreach", shorten(string(q.Breach)))
		return
	}
	w.open("sr:QuarantinedRequest")
	w.open("sr:" + string(q.Breach))
	w.leaf("sr:RequestID", q.RequestID.String())
	w.uint("sr:QuarantineEventRef", q.QuarantineEventRef)
	w.close("sr:" + string(q.Breach))
	w.close("sr:QuarantinedRequest")
}

// S1SPAlertDSP relays an alert the SMETS1 Service Provider raised: SignedAlert is the S1SPAlert
// document as the S1SP signed it (S1SPAlert.Marshal, then a Signer), embedded byte for byte without
// its XML declaration.
type S1SPAlertDSP struct {
	SignedAlert []byte
}

func (a *S1SPAlertDSP) writeDCCAlert(w *xw) {
	el, err := embedSigned(a.SignedAlert, RootS1SPAlert)
	if err != nil {
		w.failf("S1SPAlertDSP: %v", err)
	}
	w.open("sr:S1SPAlertDSP")
	w.raw(el)
	w.close("sr:S1SPAlertDSP")
}

// S1SPAlert is an alert from the SMETS1 Service Provider (for instance that a SMETS1 command
// failed or a device did not answer), a document of its own that the S1SP signs. The schema makes
// its ds:Signature mandatory: Marshal writes the unsigned document, a Signer completes it.
type S1SPAlert struct {
	SchemaVersion         string // "" writes DefaultSchemaVersion
	RequestID             *RequestID
	DeviceID              *devices.EUI64
	Code                  string // S1SPAlertCode, required
	AdditionalInformation string // optional
	UTRN                  string // optional: 20 digits, for alerts about a top-up
	DateTime              time.Time
}

// Marshal writes the unsigned S1SPAlert document with the sr prefix declared on its root.
func (a *S1SPAlert) Marshal() ([]byte, error) {
	version, err := versionOrDefault(a.SchemaVersion)
	if err != nil {
		return nil, fmt.Errorf("duis: S1SPAlert: %w", err)
	}
	w := &xw{b: make([]byte, 0, 512)}
	if a.Code == "" {
		w.failf("S1SPAlertCode is required")
	}
	if a.UTRN != "" && (len(a.UTRN) != 20 || !allDigits(a.UTRN)) {
		w.failf("UTRN %q: want 20 digits", shorten(a.UTRN))
	}
	if a.DateTime.IsZero() {
		w.failf("DateTime not set")
	}
	w.raw([]byte(xmlDecl))
	w.open("sr:S1SPAlert", "xmlns:sr", SRNamespace, "schemaVersion", version)
	if a.RequestID != nil {
		w.leaf("sr:RequestID", a.RequestID.String())
	}
	if a.DeviceID != nil {
		w.eui("sr:DeviceID", *a.DeviceID)
	}
	w.leaf("sr:S1SPAlertCode", a.Code)
	w.opt("sr:AdditionalInformation", a.AdditionalInformation)
	w.opt("sr:UTRN", a.UTRN)
	w.dateTime("sr:DateTime", a.DateTime)
	w.close("sr:S1SPAlert")
	if w.err != nil {
		return nil, fmt.Errorf("duis: S1SPAlert: %w", w.err)
	}
	return w.b, nil
}
