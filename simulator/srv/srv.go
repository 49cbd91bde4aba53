// Package srv is smetsim's catalogue of the DUIS Service Reference Variants (SRVs): the 129
// service requests a DCC User can send, with the flags DUIS gives each (critical, on demand,
// future-dated response pattern, DCC scheduled, non-device) and the user roles eligible to send it.
//
// The facts come from the DUIS 5.4 SRV matrix (DCC User Interface Specification, as published in
// SmartDCCInnovation/duis-parser); a spec compares this table with that matrix field by field.
package srv

import "sort"

// FuturePattern is how an SRV's future-dated requests are answered.
type FuturePattern uint8

// Future-dated response patterns of DUIS.
const (
	FutureNone         FuturePattern = iota // not future-dateable
	FutureDSP                               // the DCC holds the request until its execution date
	FutureDevice                            // the device holds the command until its execution date
	FutureDSPAndDevice                      // either, depending on the device
)

// String names the pattern as the DUIS matrix does.
func (p FuturePattern) String() string {
	return [...]string{"No", "DSP", "Device", "DSP & Device"}[p]
}

// SRV is one Service Reference Variant.
type SRV struct {
	Variant      string // e.g. "4.1.1"
	Reference    string // the Service Reference, e.g. "4.1"
	Name         string
	Critical     bool
	OnDemand     bool
	FutureDated  FuturePattern
	DCCScheduled bool
	NonDevice    bool
	Roles        []string // IS, ES, GS, ED, GT, RSA, OU
}

// All lists every SRV in DUIS order.
var All = []SRV{
	{Variant: "1.1.1", Reference: "1.1", Name: "Update Import Tariff (Primary Element)", Critical: true, OnDemand: true, FutureDated: FutureDevice, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "1.1.2", Reference: "1.1", Name: "Update Import Tariff (Secondary Element)", Critical: true, OnDemand: true, FutureDated: FutureDevice, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "1.2.1", Reference: "1.2", Name: "Update Price (Primary Element)", Critical: true, OnDemand: true, FutureDated: FutureDevice, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "1.2.2", Reference: "1.2", Name: "Update Price (Secondary Element)", Critical: true, OnDemand: true, FutureDated: FutureDevice, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "1.5", Reference: "1.5", Name: "Update Meter Balance", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "1.6", Reference: "1.6", Name: "Update Payment Mode", Critical: true, OnDemand: true, FutureDated: FutureDevice, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "1.7", Reference: "1.7", Name: "Reset Tariff Block Counter Matrix", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "2.1", Reference: "2.1", Name: "Update Prepay Configuration", Critical: true, OnDemand: true, FutureDated: FutureDevice, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "2.2", Reference: "2.2", Name: "Top Up Device", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "2.3", Reference: "2.3", Name: "Update Debt", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "2.5", Reference: "2.5", Name: "Activate Emergency Credit", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "3.1", Reference: "3.1", Name: "Display Message", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "3.2", Reference: "3.2", Name: "Restrict Access For Change Of Tenancy", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "3.3", Reference: "3.3", Name: "Clear Event Log", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "3.4", Reference: "3.4", Name: "Update Supplier Name", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "3.5", Reference: "3.5", Name: "Disable Privacy PIN", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "4.1.1", Reference: "4.1", Name: "Read Instantaneous Import Registers", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS", "ED", "GT"}},
	{Variant: "4.1.2", Reference: "4.1", Name: "Read Instantaneous Import TOU Matrices", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS", "ED", "GT"}},
	{Variant: "4.1.3", Reference: "4.1", Name: "Read Instantaneous Import TOU With Blocks Matrices", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "ED"}},
	{Variant: "4.1.4", Reference: "4.1", Name: "Read Instantaneous Import Block Counters", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"GS"}},
	{Variant: "4.2", Reference: "4.2", Name: "Read Instantaneous Export Registers", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"ES", "ED"}},
	{Variant: "4.3", Reference: "4.3", Name: "Read Instantaneous Prepay Values", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "4.4.2", Reference: "4.4", Name: "Retrieve Change Of Mode / Tariff Triggered Billing Data Log", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "4.4.3", Reference: "4.4", Name: "Retrieve Billing Calendar Triggered Billing Data Log", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "4.4.4", Reference: "4.4", Name: "Retrieve Billing Data Log (Payment Based Debt Payments)", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"GS", "IS"}},
	{Variant: "4.4.5", Reference: "4.4", Name: "Retrieve Billing Data Log (Prepayment Credits)", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"GS", "IS"}},
	{Variant: "4.6.1", Reference: "4.6", Name: "Retrieve Import Daily Read Log", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: true, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "4.6.2", Reference: "4.6", Name: "Retrieve Export Daily Read Log", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: true, NonDevice: false, Roles: []string{"ES"}},
	{Variant: "4.8.1", Reference: "4.8", Name: "Read Active Import Profile Data", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: true, NonDevice: false, Roles: []string{"IS", "GS", "ED", "GT", "OU"}},
	{Variant: "4.8.2", Reference: "4.8", Name: "Read Reactive Import Profile Data", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: true, NonDevice: false, Roles: []string{"IS", "ED", "OU"}},
	{Variant: "4.8.3", Reference: "4.8", Name: "Read Export Profile Data", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: true, NonDevice: false, Roles: []string{"ES", "ED", "OU"}},
	{Variant: "4.10", Reference: "4.10", Name: "Read Network Data", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: true, NonDevice: false, Roles: []string{"IS", "GS", "ED", "GT"}},
	{Variant: "4.11.1", Reference: "4.11", Name: "Read Tariff (Primary Element)", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS", "OU"}},
	{Variant: "4.11.2", Reference: "4.11", Name: "Read Tariff (Secondary Element)", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "OU"}},
	{Variant: "4.12.1", Reference: "4.12", Name: "Read Maximum Demand Import Registers", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: true, NonDevice: false, Roles: []string{"IS", "ED"}},
	{Variant: "4.12.2", Reference: "4.12", Name: "Read Maximum Demand Export Registers", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: true, NonDevice: false, Roles: []string{"ES", "ED"}},
	{Variant: "4.13", Reference: "4.13", Name: "Read Prepayment Configuration", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "4.14", Reference: "4.14", Name: "Read Prepayment Daily Read Log", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: true, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "4.15", Reference: "4.15", Name: "Read Load Limit Data", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: true, NonDevice: false, Roles: []string{"IS", "ED"}},
	{Variant: "4.16", Reference: "4.16", Name: "Read Active Power Import", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: true, NonDevice: false, Roles: []string{"IS", "ED"}},
	{Variant: "4.17", Reference: "4.17", Name: "Retrieve Daily Consumption Log", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: true, NonDevice: false, Roles: []string{"IS", "GS", "ED", "GT", "OU"}},
	{Variant: "4.18", Reference: "4.18", Name: "Read Meter Balance", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "5.1", Reference: "5.1", Name: "Create Schedule", Critical: false, OnDemand: false, FutureDated: FutureNone, DCCScheduled: false, NonDevice: true, Roles: []string{"IS", "ES", "GS", "ED", "GT", "OU"}},
	{Variant: "5.2", Reference: "5.2", Name: "Read Schedule", Critical: false, OnDemand: false, FutureDated: FutureNone, DCCScheduled: false, NonDevice: true, Roles: []string{"IS", "ES", "GS", "ED", "GT", "OU"}},
	{Variant: "5.3", Reference: "5.3", Name: "Delete Schedule", Critical: false, OnDemand: false, FutureDated: FutureNone, DCCScheduled: false, NonDevice: true, Roles: []string{"IS", "ES", "GS", "ED", "GT", "OU"}},
	{Variant: "6.2.1", Reference: "6.2", Name: "Read Device Configuration (Voltage)", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "RSA", "ED"}},
	{Variant: "6.2.2", Reference: "6.2", Name: "Read Device Configuration (Randomisation)", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "RSA", "ED"}},
	{Variant: "6.2.3", Reference: "6.2", Name: "Read Device Configuration (Billing Calendar)", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "RSA", "GS"}},
	{Variant: "6.2.4", Reference: "6.2", Name: "Read Device Configuration (Identity Exc MPxN)", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "ES", "GS", "RSA", "ED", "GT", "OU"}},
	{Variant: "6.2.5", Reference: "6.2", Name: "Read Device Configuration (Instantaneous Power Thresholds)", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "RSA"}},
	{Variant: "6.2.7", Reference: "6.2", Name: "Read Device Configuration (MPxN)", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "ES", "GS", "RSA", "ED", "GT", "OU"}},
	{Variant: "6.2.8", Reference: "6.2", Name: "Read Device Configuration (Gas)", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"GS", "RSA", "GT"}},
	{Variant: "6.2.9", Reference: "6.2", Name: "Read Device Configuration (Payment Mode)", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS", "RSA"}},
	{Variant: "6.2.10", Reference: "6.2", Name: "Read Device Configuration (Event and Alert Behaviours)", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS", "ED"}},
	{Variant: "6.4.1", Reference: "6.4", Name: "Update Device Configuration (Load Limiting General Settings)", Critical: true, OnDemand: true, FutureDated: FutureDevice, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "6.4.2", Reference: "6.4", Name: "Update Device Configuration (Load Limiting Counter Reset)", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "6.5", Reference: "6.5", Name: "Update Device Configuration (Voltage)", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"ED"}},
	{Variant: "6.6", Reference: "6.6", Name: "Update Device Configuration (Gas Conversion)", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"GS"}},
	{Variant: "6.7", Reference: "6.7", Name: "Update Device Configuration (Gas Flow)", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"GS"}},
	{Variant: "6.8", Reference: "6.8", Name: "Update Device Configuration (Billing Calendar)", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "6.11", Reference: "6.11", Name: "Synchronise Clock", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "6.12", Reference: "6.12", Name: "Update Device Configuration (Instantaneous Power Threshold)", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "6.13", Reference: "6.13", Name: "Read Event Or Security Log", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS", "ED", "GT", "RSA"}},
	{Variant: "6.14.1", Reference: "6.14", Name: "Update Device Configuration (Auxiliary Load Control Description)", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "6.14.2", Reference: "6.14", Name: "Update Device Configuration (Auxiliary Load Control Scheduler)", Critical: true, OnDemand: true, FutureDated: FutureDevice, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "6.14.3", Reference: "6.14", Name: "Update Device Configuration (Auxiliary Controller Scheduler)", Critical: true, OnDemand: true, FutureDated: FutureDevice, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "6.15.1", Reference: "6.15", Name: "Update Security Credentials (KRP)", Critical: true, OnDemand: true, FutureDated: FutureDevice, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS", "ED", "GT"}},
	{Variant: "6.15.2", Reference: "6.15", Name: "Update Security Credentials (Device)", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "6.17", Reference: "6.17", Name: "Issue Security Credentials", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "6.18.1", Reference: "6.18", Name: "Set Maximum Demand Configurable Time Period", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"ED"}},
	{Variant: "6.18.2", Reference: "6.18", Name: "Reset Maximum Demand Registers", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"ED"}},
	{Variant: "6.20.1", Reference: "6.20", Name: "Set Device Configuration (Import MPxN)", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "6.20.2", Reference: "6.20", Name: "Set Device Configuration (Export MPAN)", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"ES"}},
	{Variant: "6.21", Reference: "6.21", Name: "Request Handover Of DCC Controlled Device", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "6.22", Reference: "6.22", Name: "Configure Alert Behaviour", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS", "ED"}},
	{Variant: "6.23", Reference: "6.23", Name: "Update Security Credentials (CoS)", Critical: false, OnDemand: true, FutureDated: FutureDSPAndDevice, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "6.24.1", Reference: "6.24", Name: "Retrieve Device Security Credentials (KRP)", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS", "ED", "GT"}},
	{Variant: "6.24.2", Reference: "6.24", Name: "Retrieve Device Security Credentials (Device)", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "6.25", Reference: "6.25", Name: "Set Electricity Supply Tamper State", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "6.26", Reference: "6.26", Name: "Update Device Configuration (daily resetting of Tariff Block Counter Matrix)", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "6.27", Reference: "6.27", Name: "Update Device Configuration (RMS Voltage Counter Reset)", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"ED"}},
	{Variant: "6.28", Reference: "6.28", Name: "Set CHF Sub GHz Configuration", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "6.29", Reference: "6.29", Name: "Request CHF Sub GHz Channel Scan", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "6.30", Reference: "6.30", Name: "Read CHF Sub GHz Configuration", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS", "RSA"}},
	{Variant: "6.31", Reference: "6.31", Name: "Read CHF Sub GHz Channel", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS", "RSA"}},
	{Variant: "6.32", Reference: "6.32", Name: "Read CHF Sub GHz Channel Log", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS", "RSA"}},
	{Variant: "7.1", Reference: "7.1", Name: "Enable Supply", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "7.2", Reference: "7.2", Name: "Disable Supply", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "7.3", Reference: "7.3", Name: "Arm Supply", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "7.4", Reference: "7.4", Name: "Read Supply Status", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "ES", "GS", "RSA", "ED", "GT"}},
	{Variant: "7.5", Reference: "7.5", Name: "Activate Auxiliary Load", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "7.6", Reference: "7.6", Name: "Deactivate Auxiliary Load", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "7.7", Reference: "7.7", Name: "Read Auxiliary Load Switch Data", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "ED", "OU"}},
	{Variant: "7.8", Reference: "7.8", Name: "Reset Auxiliary Load", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "7.9", Reference: "7.9", Name: "Add Auxiliary Load To Boost Button", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "7.10", Reference: "7.10", Name: "Remove Auxiliary Load From Boost Button", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "7.11", Reference: "7.11", Name: "Read Boost Button Details", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "OU"}},
	{Variant: "7.12", Reference: "7.12", Name: "Set Randomised Offset Limit", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "7.13", Reference: "7.13", Name: "Set Auxiliary Controller State", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS"}},
	{Variant: "7.14", Reference: "7.14", Name: "Read Auxiliary Controller Configuration Data", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "ED", "OU"}},
	{Variant: "7.15", Reference: "7.15", Name: "Read Auxiliary Controller Operational Data", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "ED", "OU"}},
	{Variant: "7.16", Reference: "7.16", Name: "Limit APC Level", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{}},
	{Variant: "8.1.1", Reference: "8.1", Name: "Commission Device", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "8.2", Reference: "8.2", Name: "Read Inventory (Current and Future Suppliers may use this Service Request)", Critical: false, OnDemand: false, FutureDated: FutureNone, DCCScheduled: false, NonDevice: true, Roles: []string{"IS", "ES", "GS", "RSA", "ED", "GT", "OU"}},
	{Variant: "8.3", Reference: "8.3", Name: "Decommission Device", Critical: false, OnDemand: false, FutureDated: FutureNone, DCCScheduled: false, NonDevice: true, Roles: []string{"IS", "GS"}},
	{Variant: "8.4", Reference: "8.4", Name: "Update Inventory", Critical: false, OnDemand: false, FutureDated: FutureNone, DCCScheduled: false, NonDevice: true, Roles: []string{"IS", "ES", "GS", "RSA", "ED", "GT", "OU"}},
	{Variant: "8.5", Reference: "8.5", Name: "Service Opt Out", Critical: false, OnDemand: false, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{}},
	{Variant: "8.6", Reference: "8.6", Name: "Service Opt In", Critical: false, OnDemand: false, FutureDated: FutureNone, DCCScheduled: false, NonDevice: true, Roles: []string{}},
	{Variant: "8.7.1", Reference: "8.7", Name: "Join Service (Critical)", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "8.7.2", Reference: "8.7", Name: "Join Service (Non-Critical)", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS", "OU"}},
	{Variant: "8.8.1", Reference: "8.8", Name: "Unjoin Service (Critical)", Critical: true, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "8.8.2", Reference: "8.8", Name: "Unjoin Service (Non-Critical)", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS", "OU"}},
	{Variant: "8.9", Reference: "8.9", Name: "Read Device Log", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS", "OU"}},
	{Variant: "8.11", Reference: "8.11", Name: "Update HAN Device Log", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS", "OU"}},
	{Variant: "8.12.1", Reference: "8.12", Name: "Restore HAN Device Log", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "8.12.2", Reference: "8.12", Name: "Restore Gas Proxy Function Device Log", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "8.13", Reference: "8.13", Name: "Return Local Command Response", Critical: false, OnDemand: false, FutureDated: FutureNone, DCCScheduled: false, NonDevice: true, Roles: []string{"IS", "GS"}},
	{Variant: "8.14.1", Reference: "8.14", Name: "Communications Hub Status Update- Install Success", Critical: false, OnDemand: false, FutureDated: FutureNone, DCCScheduled: false, NonDevice: true, Roles: []string{"IS", "GS"}},
	{Variant: "8.14.2", Reference: "8.14", Name: "Communications Hub Status Update - Install No SM WAN", Critical: false, OnDemand: false, FutureDated: FutureNone, DCCScheduled: false, NonDevice: true, Roles: []string{"IS", "GS"}},
	{Variant: "8.14.3", Reference: "8.14", Name: "Communications Hub  Status Update. – Fault Return", Critical: false, OnDemand: false, FutureDated: FutureNone, DCCScheduled: false, NonDevice: true, Roles: []string{"IS", "GS"}},
	{Variant: "8.14.4", Reference: "8.14", Name: "Communications Hub Status Update – No Fault Return", Critical: false, OnDemand: false, FutureDated: FutureNone, DCCScheduled: false, NonDevice: true, Roles: []string{"IS", "GS"}},
	{Variant: "9.1", Reference: "9.1", Name: "Request Customer Identification Number", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: false, NonDevice: false, Roles: []string{"OU"}},
	{Variant: "11.1", Reference: "11.1", Name: "Update Firmware", Critical: false, OnDemand: false, FutureDated: FutureNone, DCCScheduled: false, NonDevice: true, Roles: []string{"IS", "GS"}},
	{Variant: "11.2", Reference: "11.2", Name: "Read Firmware Version", Critical: false, OnDemand: true, FutureDated: FutureDSP, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "ES", "GS", "RSA", "ED", "GT", "OU"}},
	{Variant: "11.3", Reference: "11.3", Name: "Activate Firmware", Critical: true, OnDemand: true, FutureDated: FutureDevice, DCCScheduled: false, NonDevice: false, Roles: []string{"IS", "GS"}},
	{Variant: "11.4", Reference: "11.4", Name: "Update PPMID Firmware", Critical: false, OnDemand: false, FutureDated: FutureNone, DCCScheduled: false, NonDevice: true, Roles: []string{"IS", "GS"}},
	{Variant: "12.1", Reference: "12.1", Name: "Request WAN Matrix", Critical: false, OnDemand: false, FutureDated: FutureNone, DCCScheduled: false, NonDevice: true, Roles: []string{"IS", "ES", "GS", "RSA", "ED", "GT", "OU"}},
	{Variant: "12.2", Reference: "12.2", Name: "Device Pre-notification", Critical: false, OnDemand: false, FutureDated: FutureNone, DCCScheduled: false, NonDevice: true, Roles: []string{"IS", "ES", "GS", "RSA", "ED", "GT", "OU"}},
	{Variant: "14.1", Reference: "14.1", Name: "Record Network Data (GAS)", Critical: false, OnDemand: true, FutureDated: FutureNone, DCCScheduled: true, NonDevice: false, Roles: []string{"GT"}},
}

var byVariant = func() map[string]*SRV {
	m := make(map[string]*SRV, len(All))
	for i := range All {
		m[All[i].Variant] = &All[i]
	}
	return m
}()

// Lookup returns the SRV with the given variant ("4.1.1"), or nil.
func Lookup(variant string) *SRV { return byVariant[variant] }

// Variants returns every variant, sorted as DUIS numbers them.
func Variants() []string {
	out := make([]string, 0, len(All))
	for _, s := range All {
		out = append(out, s.Variant)
	}
	sort.SliceStable(out, func(i, j int) bool { return Less(out[i], out[j]) })
	return out
}

// Less orders variants numerically part by part (4.2 before 4.10).
func Less(a, b string) bool {
	for a != "" || b != "" {
		var x, y int
		x, a = leading(a)
		y, b = leading(b)
		if x != y {
			return x < y
		}
	}
	return false
}

func leading(s string) (int, string) {
	n, i := 0, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
	}
	if i == 0 && s != "" {
		return -1, ""
	}
	return n, s[i:]
}

// Allows reports whether a user with the given role may send the SRV.
func (s *SRV) Allows(role string) bool {
	for _, r := range s.Roles {
		if r == role {
			return true
		}
	}
	return false
}
