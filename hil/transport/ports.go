package transport

import (
	"strings"

	"go.bug.st/serial"
	"go.bug.st/serial/enumerator"
)

// LocalPort is a serial port on this machine, with its USB identity when it is a USB adapter.
type LocalPort struct {
	Name         string `json:"name"` // /dev/ttyUSB0, COM3
	USB          bool   `json:"usb"`
	VID          string `json:"vid,omitempty"` // four upper-case hex digits
	PID          string `json:"pid,omitempty"`
	SerialNumber string `json:"serial_number,omitempty"`
	Product      string `json:"product,omitempty"`
	// Dongle is the hint the USB IDs give, nil when they give none.
	Dongle *DongleHint `json:"dongle,omitempty"`
}

// DongleHint is what a USB VID:PID says about the radio behind a port. It is only a hint: many
// dongles sit behind generic USB-serial bridges that other devices use too, and the same chip
// can carry Z-Stack ZNP, EZSP or no ZigBee firmware at all. Only speaking the protocol confirms.
type DongleHint struct {
	VID, PID   string `json:"-"`
	Name       string `json:"name"`
	Likelihood string `json:"likelihood"` // "likely" (a ZigBee-only USB ID) or "bridge: maybe" (a generic bridge)
}

// Dongles is the table the hints come from.
var Dongles = []DongleHint{
	{VID: "0451", PID: "16A8", Name: "TI CC2531 USB dongle", Likelihood: "likely"},
	{VID: "0451", PID: "BEF3", Name: "TI CC2652/CC1352 LaunchXL (XDS110)", Likelihood: "likely"},
	{VID: "10C4", PID: "EA60", Name: "Silicon Labs CP210x bridge (Sonoff ZBDongle-P uses a CP2102N)", Likelihood: "bridge: maybe"},
	{VID: "1A86", PID: "7523", Name: "WCH CH340 bridge", Likelihood: "bridge: maybe"},
	{VID: "1A86", PID: "55D4", Name: "WCH CH9102 bridge", Likelihood: "bridge: maybe"},
}

// IdentifyDongle looks a USB VID:PID up in Dongles (case does not matter).
func IdentifyDongle(vid, pid string) (DongleHint, bool) {
	for _, d := range Dongles {
		if strings.EqualFold(d.VID, vid) && strings.EqualFold(d.PID, pid) {
			return d, true
		}
	}
	return DongleHint{}, false
}

// ListLocalPorts lists this machine's serial ports, with USB identities and dongle hints where
// the platform gives them. No ports is an empty list, not an error.
func ListLocalPorts() ([]LocalPort, error) {
	details, err := enumerator.GetDetailedPortsList()
	if err != nil {
		// Platforms without detailed enumeration still list names.
		names, err2 := serial.GetPortsList()
		if err2 != nil {
			return nil, err
		}
		out := make([]LocalPort, 0, len(names))
		for _, n := range names {
			out = append(out, LocalPort{Name: n})
		}
		return out, nil
	}
	out := make([]LocalPort, 0, len(details))
	for _, d := range details {
		out = append(out, DescribePort(d.Name, d.IsUSB, d.VID, d.PID, d.SerialNumber, d.Product))
	}
	return out, nil
}

// DescribePort builds a LocalPort from what an enumerator reports, attaching the dongle hint.
func DescribePort(name string, usb bool, vid, pid, serialNumber, product string) LocalPort {
	p := LocalPort{Name: name, USB: usb, VID: strings.ToUpper(vid), PID: strings.ToUpper(pid), SerialNumber: serialNumber, Product: product}
	if d, ok := IdentifyDongle(vid, pid); ok {
		p.Dongle = &d
	}
	return p
}
