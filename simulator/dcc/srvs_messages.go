package dcc

import (
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
)

// The message and display SRVs: 3.1 to 3.5. On a GSME each waits for its next wake-up (atWake:
// SMETS1 carries them in the S1SP's manufacturer-specific exchange, with no Smart Energy frame
// the GSME takes).
func init() {
	register(map[string]impl{
		"3.1": {exec: displayMessage, viaGSME: true, queue: atWake, check: bodyCheck(parseMessage)},
		"3.2": {exec: restrictAccess, viaGSME: true, queue: atWake, check: bodyCheck(parseRestriction)},
		"3.3": {exec: clearEventLog, viaGSME: true, queue: atWake, check: bodyCheck(parseClearEventLog)},
		"3.4": {exec: updateSupplierName, viaGSME: true, queue: atWake, check: bodyCheck(parseSupplierName)},
		"3.5": {exec: disablePrivacyPIN, viaGSME: true, queue: atWake},
	})
}

// displayer is what ESMEs and GSMEs share for the display SRVs.
type displayer interface {
	ShowMessage(now time.Time, id uint32, text string)
	RestrictAccess(at time.Time)
	SetSupplierName(name, phone string)
	DisablePrivacyPIN()
	ClearEventLog()
}

func displayOf(j *job) displayer {
	if j.c.device.Kind == devices.KindESME {
		return j.p.ESME
	}
	return j.p.GSME
}

func parseMessage(req *duis.Request) (string, *failure) {
	var b struct {
		Text *string `xml:"SupplierMessage"`
	}
	if err := req.Body.Decode(&b); err != nil {
		return "", fail(E100, "DisplayMessage: %v", err)
	}
	if b.Text == nil || *b.Text == "" || len(*b.Text) > 116 {
		return "", fail(E100, "DisplayMessage: SupplierMessage must be 1 to 116 characters")
	}
	for _, r := range *b.Text {
		if r < ' ' || r > '~' {
			return "", fail(E100, "DisplayMessage: SupplierMessage holds %q, outside printable ASCII", r)
		}
	}
	return *b.Text, nil
}

// ppmidMessageMax is the longest text one HAN Display Message frame carries in smetsim
// (devices.ESME.SendMessage's limit).
const ppmidMessageMax = 80

// displayMessage is 3.1. The meter shows the message on its own display; an ESME also sends it
// to the PPMID, which shows the first 80 characters: smetsim's decision, as one HAN frame carries
// no more and SMETS1 PPMIDs differ in how they page longer texts.
func displayMessage(j *job, now time.Time) ([]byte, *failure) {
	text, f := parseMessage(j.orig)
	if f != nil {
		return nil, f
	}
	id := uint32(j.c.req.Header.RequestID.Counter)
	displayOf(j).ShowMessage(now, id, text)
	if j.c.device.Kind == devices.KindESME && j.p.PPMID != nil {
		if err := j.p.ESME.SendMessage(now, id, clip(text, ppmidMessageMax), false); err != nil {
			return finish(refused("DisplayMessageRsp"))
		}
	}
	return finish(success("DisplayMessageRsp").End())
}

func parseRestriction(req *duis.Request) (time.Time, *failure) {
	var b struct {
		At *string `xml:"RestrictionDateTime"`
	}
	if err := req.Body.Decode(&b); err != nil {
		return time.Time{}, fail(E100, "RestrictAccessForChangeOfTenancy: %v", err)
	}
	if b.At == nil {
		return time.Time{}, fail(E100, "RestrictAccessForChangeOfTenancy: RestrictionDateTime is missing")
	}
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(*b.At))
	if err != nil {
		return time.Time{}, fail(E100, "RestrictAccessForChangeOfTenancy: RestrictionDateTime %q is not a date-time with a zone", *b.At)
	}
	return t, nil
}

// restrictAccess is 3.2: data recorded before RestrictionDateTime is hidden from the consumer.
func restrictAccess(j *job, now time.Time) ([]byte, *failure) {
	t, f := parseRestriction(j.orig)
	if f != nil {
		return nil, f
	}
	displayOf(j).RestrictAccess(t)
	return finish(success("RestrictAccessForChangeOfTenancyRsp").End())
}

func parseClearEventLog(req *duis.Request) (struct{}, *failure) {
	var b struct {
		Type string `xml:"ESMEEventLogType"`
	}
	if err := req.Body.Decode(&b); err != nil {
		return struct{}{}, fail(E100, "ClearEventLog: %v", err)
	}
	if b.Type == "ALCS" {
		return struct{}{}, fail(E100, "ClearEventLog: ESMEEventLogType ALCS: auxiliary load control is a SMETS2 feature")
	}
	return struct{}{}, nil
}

// clearEventLog is 3.3: the device's event log is emptied; its security log stays.
func clearEventLog(j *job, now time.Time) ([]byte, *failure) {
	switch j.c.device.Kind {
	case devices.KindESME:
		j.p.ESME.ClearEventLog()
	case devices.KindGSME:
		j.p.GSME.ClearEventLog()
	case devices.KindCHF:
		j.p.CHF.ClearEventLog()
	case devices.KindGPF:
		j.p.GPF.ClearEventLog()
	}
	return finish(success("ClearEventLogRsp").End())
}

type supplierName struct{ name, phone string }

func parseSupplierName(req *duis.Request) (supplierName, *failure) {
	var b struct {
		Name  *string `xml:"SupplierName"`
		Phone *string `xml:"SupplierTelephoneNumber"`
	}
	if err := req.Body.Decode(&b); err != nil {
		return supplierName{}, fail(E100, "UpdateSupplierName: %v", err)
	}
	if b.Name == nil || len(*b.Name) > 15 {
		return supplierName{}, fail(E100, "UpdateSupplierName: SupplierName must be at most 15 characters")
	}
	if b.Phone == nil || len(*b.Phone) > 18 || strings.Trim(*b.Phone, "0123456789 ") != "" {
		return supplierName{}, fail(E100, "UpdateSupplierName: SupplierTelephoneNumber must be at most 18 digits and spaces")
	}
	return supplierName{*b.Name, *b.Phone}, nil
}

// updateSupplierName is 3.4.
func updateSupplierName(j *job, now time.Time) ([]byte, *failure) {
	s, f := parseSupplierName(j.orig)
	if f != nil {
		return nil, f
	}
	displayOf(j).SetSupplierName(s.name, s.phone)
	return finish(success("UpdateSupplierNameRsp").End())
}

// disablePrivacyPIN is 3.5.
func disablePrivacyPIN(j *job, now time.Time) ([]byte, *failure) {
	displayOf(j).DisablePrivacyPIN()
	return finish(success("DisablePrivacyPINRsp").End())
}
