// Package devices holds the five SMETS1 device kinds (ESME, GSME, CHF, GPF, PPMID) as state
// machines on a shared scheduler, driven by Device Model profiles. Devices exchange real ZigBee
// Smart Energy ZCL frames over the HAN (devices/han), so an emulated device can be swapped for a
// real one behind a dongle and a capture opens in Wireshark.
//
// Nothing here runs a goroutine: a device is plain state plus events on a Scheduler, so a fleet of
// hundreds of thousands of premises fits in memory and a virtual day takes milliseconds. Registers
// and profiles are derived from a deterministic load model seeded per device, and only what
// changed (supply interruptions, tariff updates, logs) is stored.
package devices

import (
	"fmt"
	"strings"
)

// Kind is a SMETS1 device type.
type Kind uint8

// The device kinds of a SMETS1 installation. The zero Kind is invalid so that a forgotten field
// in a fixture is caught.
const (
	KindESME Kind = iota + 1
	KindGSME
	KindCHF
	KindGPF
	KindPPMID
)

// Kinds lists every device kind in the order smetsim prints them.
var Kinds = []Kind{KindESME, KindGSME, KindCHF, KindGPF, KindPPMID}

var kindInfo = [...]struct{ name, long, desc string }{
	KindESME:  {"ESME", "Electricity Smart Metering Equipment", "electricity meter: import/export and TOU/block registers, tariffs, credit or prepayment, load switch, profiles and logs"},
	KindGSME:  {"GSME", "Gas Smart Metering Equipment", "battery-powered gas meter: m³ register converted to kWh, prepayment, valve; sleepy, talks only when it wakes"},
	KindCHF:   {"CHF", "Communications Hub Function", "WAN modem and ZigBee HAN coordinator: device log (whitelist), WAN state, power outage alerts"},
	KindGPF:   {"GPF", "Gas Proxy Function", "mirror of the gas meter's data in the hub; queues commands for the GSME until it wakes; time source"},
	KindPPMID: {"PPMID", "Prepayment Meter Interface Device", "in-home prepayment interface: shows credit, sends top-up codes (UTRNs), activates emergency credit"},
}

// String returns the kind's abbreviation (ESME, GSME, CHF, GPF, PPMID).
func (k Kind) String() string {
	if k >= KindESME && k <= KindPPMID {
		return kindInfo[k].name
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// LongName returns the kind's full name as the SMETS1 specification writes it.
func (k Kind) LongName() string {
	if k >= KindESME && k <= KindPPMID {
		return kindInfo[k].long
	}
	return k.String()
}

// Description says in one line what a device of this kind does.
func (k Kind) Description() string {
	if k >= KindESME && k <= KindPPMID {
		return kindInfo[k].desc
	}
	return ""
}

// ParseKind reads a kind's abbreviation, in any letter case.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if strings.EqualFold(s, k.String()) {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown device kind %q (want one of ESME, GSME, CHF, GPF, PPMID)", s)
}

// MarshalText writes the kind's abbreviation.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a kind's abbreviation.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	*k = v
	return err
}
