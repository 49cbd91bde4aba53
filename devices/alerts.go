package devices

import (
	"fmt"
	"time"
)

// AlertCode is a device alert code as GBCS numbers them and DUIS carries them (DeviceAlertCode,
// hexBinary).
type AlertCode uint16

// The alerts emulated devices raise, with GBCS's codes. The codes and names are GBCS facts as
// Wireshark's GBCS dissector (epan/dissectors/packet-gbcs.c) lists them; the RTDS 4.5.0 test
// vectors confirm several (ECS68 0x8F0A, CS14 0x8F12, ECS80 0x8F36, FDRA 0x8F72).
const (
	AlertLowCredit             AlertCode = 0x810D
	AlertCreditAddedLocally    AlertCode = 0x810E
	AlertECAvailable           AlertCode = 0x8119
	AlertClockAdjusted         AlertCode = 0x8145
	AlertDisabledArmedEC       AlertCode = 0x8168
	AlertECExhausted           AlertCode = 0x81AA
	AlertCustomerAcknowledged  AlertCode = 0x81A6
	AlertECActivated           AlertCode = 0x81AB
	AlertBillingDataLog        AlertCode = 0x8F0A
	AlertClockNotAdjusted      AlertCode = 0x8F0C
	AlertCreditBelowDisable    AlertCode = 0x8F0F
	AlertCHFDeviceLogChanged   AlertCode = 0x8F12
	AlertLowBattery            AlertCode = 0x8F1F
	AlertSupplyArmed           AlertCode = 0x8F32
	AlertSupplyOutageRestored  AlertCode = 0x8F35
	AlertSupplyOutageRestored3 AlertCode = 0x8F36
	AlertFirmwareChanged       AlertCode = 0x8F43
	AlertDeviceJoined          AlertCode = 0x8F49
	AlertDeviceUnjoined        AlertCode = 0x8F4B
	AlertDuplicateUTRN         AlertCode = 0x8F51
	AlertSupplyInterrupted     AlertCode = 0x8F57
	AlertUTRNExceedsMaxCredit  AlertCode = 0x8F5B
	AlertUTRNNotAuthentic      AlertCode = 0x8F63
	AlertFirmwareVerified      AlertCode = 0x8F72
	AlertDisablementSuspended  AlertCode = 0x8F83
)

// AlertInfo says what an alert code means in smetsim and where that meaning comes from.
type AlertInfo struct {
	Code        AlertCode
	Description string
	RaisedBy    []Kind
}

// AlertSource is where the codes and descriptions of Alerts come from.
const AlertSource = "GBCS alert codes (Table 16.2 of GBCS) as listed by Wireshark's GBCS dissector; several confirmed by RTDS 4.5.0 vectors"

// Alerts is smetsim's table of the alerts its devices raise.
var Alerts = []AlertInfo{
	{AlertLowCredit, "Combined Credit Below Low Credit Threshold (prepayment mode)", []Kind{KindESME, KindGSME}},
	{AlertCreditAddedLocally, "Credit Added Locally", []Kind{KindESME, KindGSME}},
	{AlertECAvailable, "Emergency Credit Has Become Available (prepayment mode)", []Kind{KindESME, KindGSME}},
	{AlertClockAdjusted, "Clock adjusted (within tolerance)", []Kind{KindESME, KindGSME}},
	{AlertDisabledArmedEC, "Supply Disabled then Armed - Activate Emergency Credit triggered", []Kind{KindESME, KindGSME}},
	{AlertECExhausted, "Emergency Credit Exhausted", []Kind{KindESME, KindGSME}},
	{AlertCustomerAcknowledged, "Customer Acknowledged Message on HAN Device", []Kind{KindESME}},
	{AlertECActivated, "Emergency Credit Activated", []Kind{KindESME, KindGSME}},
	{AlertBillingDataLog, "Billing Data Log Updated", []Kind{KindESME, KindGSME}},
	{AlertClockNotAdjusted, "Clock not adjusted (adjustment greater than 10 seconds)", []Kind{KindESME, KindGSME}},
	{AlertCreditBelowDisable, "Credit Below Disablement Threshold (prepayment mode)", []Kind{KindESME, KindGSME}},
	{AlertCHFDeviceLogChanged, "CHF Device Log Changed", []Kind{KindCHF}},
	{AlertLowBattery, "Low Battery Capacity", []Kind{KindGSME}},
	{AlertSupplyArmed, "Supply Armed", []Kind{KindESME, KindGSME}},
	{AlertSupplyOutageRestored, "Supply Outage Restored", []Kind{KindESME}},
	{AlertSupplyOutageRestored3, "Supply Outage Restored - Outage >= 3 minutes", []Kind{KindESME}},
	{AlertFirmwareChanged, "Change in the executing Firmware version", []Kind{KindESME, KindGSME, KindCHF, KindPPMID}},
	{AlertDeviceJoined, "Device joining succeeded", []Kind{KindCHF}},
	{AlertDeviceUnjoined, "Device Unjoining succeeded", []Kind{KindCHF}},
	{AlertDuplicateUTRN, "Duplicate UTRN entered", []Kind{KindESME, KindGSME}},
	{AlertSupplyInterrupted, "Supply interrupted", []Kind{KindESME}},
	{AlertUTRNExceedsMaxCredit, "UTRN exceeds Maximum Credit Threshold", []Kind{KindESME, KindGSME}},
	{AlertUTRNNotAuthentic, "UTRN not Authentic", []Kind{KindESME, KindGSME}},
	{AlertFirmwareVerified, "Firmware Verification Successful", []Kind{KindESME, KindGSME, KindCHF, KindPPMID}},
	{AlertDisablementSuspended, "Disablement of Supply due to insufficient credit has been suspended", []Kind{KindESME, KindGSME}},
}

// String gives the code in hex with its description.
func (c AlertCode) String() string {
	for _, a := range Alerts {
		if a.Code == c {
			return fmt.Sprintf("%04X %s", uint16(c), a.Description)
		}
	}
	return fmt.Sprintf("%04X", uint16(c))
}

// DCC events are what a device reports that the DCC, not the device, turns into an alert to Users
// (a DCC alert rather than a GBCS device alert).
const (
	DCCEventPowerOutage   = "PowerOutageEvent" // the CHF's last gasp when mains power fails
	DCCEventPowerRestored = "PowerRestored"    // the CHF is back; the ESME raises 0x8F35/0x8F36
)

// Alert is one alert raised by a device.
type Alert struct {
	Time     time.Time // device time (UTC) when raised
	Device   EUI64
	Kind     Kind
	Code     AlertCode // GBCS alert code; zero for a DCC event
	DCCEvent string    // set instead of Code for events the DCC reports as DCC alerts
	Detail   string
}

// AlertSink receives alerts; the CHF forwards them over the WAN, the simulator counts and reports
// them. It is called on the scheduler's goroutine.
type AlertSink interface {
	DeviceAlert(a Alert)
}

// AlertFunc adapts a function to AlertSink.
type AlertFunc func(Alert)

// DeviceAlert calls f.
func (f AlertFunc) DeviceAlert(a Alert) { f(a) }
