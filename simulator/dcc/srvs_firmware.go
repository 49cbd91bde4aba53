package dcc

import (
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/inventory"
)

// Firmware on the devices: 11.1 (nondevice_more.go) stages an image, 11.3 activates it, 11.2
// (srvs.go) reads the version back. A new firmware version is a new Device Model, so activation
// also changes the SMI's record and so the installation's product combination.
func init() {
	register(map[string]impl{
		"11.3": {exec: activateFirmware, check: bodyCheck(decodeActivateFirmware), viaGSME: true, queue: waitForWake},
	})
}

// firmwareDevice is what every device kind offers for firmware.
type firmwareDevice interface {
	Model() *devices.Model
	Firmware() (string, *devices.FirmwareImage)
	StageFirmware(now time.Time, img devices.FirmwareImage) error
	CheckFirmwareHash(hash [32]byte) error
	ActivateFirmwareNow(now time.Time, hash [32]byte) error
	ActivateFirmware(at time.Time) error
}

// firmwareDeviceOf returns the premises' device of kind k, or nil.
func firmwareDeviceOf(p *fleet.Premises, k devices.Kind) firmwareDevice {
	switch {
	case k == devices.KindESME:
		return p.ESME
	case k == devices.KindCHF:
		return p.CHF
	case k == devices.KindGSME && p.GSME != nil:
		return p.GSME
	case k == devices.KindGPF && p.GPF != nil:
		return p.GPF
	case k == devices.KindPPMID && p.PPMID != nil:
		return p.PPMID
	}
	return nil
}

type activateFirmwareBody struct {
	ExecutionDateTime string `xml:"ExecutionDateTime"`
	FirmwareHash      string `xml:"FirmwareHash"`
}

type activation struct {
	hash [32]byte
	at   *time.Time
}

func decodeActivateFirmware(r *duis.Request) (activation, *failure) {
	var a activation
	if r.Body.Name != "ActivateFirmware" {
		return a, fail(E100, "11.3 takes an sr:ActivateFirmware body, not sr:%s", r.Body.Name)
	}
	var b activateFirmwareBody
	if err := r.Body.Decode(&b); err != nil {
		return a, fail(E100, "ActivateFirmware: %v", err)
	}
	h, err := hex.DecodeString(strings.TrimSpace(b.FirmwareHash))
	if err != nil || len(h) != 32 {
		return a, fail(E100, "ActivateFirmware: FirmwareHash %q is not 32 octets of hex (the SHA-256 of the image 11.1 distributed)", b.FirmwareHash)
	}
	copy(a.hash[:], h)
	if s := strings.TrimSpace(b.ExecutionDateTime); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return a, fail(E100, "ActivateFirmware: ExecutionDateTime %q is not a UTC date-time", s)
		}
		a.at = &t
	}
	return a, nil
}

// activateFirmware is 11.3. The device checks the hash against the image it holds and answers
// noImageHeld or hashMismatch itself (MessageSuccess="false"). Before the device is told, the
// DCC checks that the installation with the image's Device Model is a combination it serves
// (EPC, or PPC with its test open): smetsim's decision is to refuse it (E5) otherwise, since the
// DCC would stop serving the installation the moment the firmware ran. Without an execution
// date, or one already past, the image runs at once and the answer carries the new version; with
// a future one the device holds the activation (GBCS's future-dated device pattern), answers now
// without execution details, and the SMI follows when it runs. Either way the device raises
// 0x8F43 (firmware changed), which the DCC sends to the device's supplier.
func activateFirmware(j *job, now time.Time) ([]byte, *failure) {
	d, dev := j.d, j.c.device
	a, f := decodeActivateFirmware(j.orig)
	if f != nil {
		return nil, f
	}
	fd := firmwareDeviceOf(j.p, dev.Kind)
	if fd == nil {
		return nil, fail(E19, "device %s is not in the fleet", dev.ID)
	}
	if err := fd.CheckFirmwareHash(a.hash); err != nil {
		status := "hashMismatch"
		if errors.Is(err, devices.ErrNoImageHeld) {
			status = "noImageHeld"
		}
		return finish(asn1(withOutcome("ActivateFirmwareRsp", false), "ActivateImageResponseCode", status).End())
	}
	_, img := fd.Firmware()
	comb, err := d.inv.Combination(j.c.install.ID)
	if err != nil {
		return nil, fail(E19, "%v", err)
	}
	comb.Models[dev.Kind] = img.Model.ID
	switch adm, id := d.lists.Admit(comb); adm {
	case inventory.NotListed:
		return nil, fail(E5, "with firmware %s the installation's combination (%s) would be on neither the EPC nor the PPC list", img.Model.ID, comb)
	case inventory.PendingOnly:
		return nil, fail(E5, "with firmware %s the installation's combination would be pending (%s) with no PPC test open", img.Model.ID, id)
	}
	if a.at != nil && a.at.After(now) {
		if err := fd.ActivateFirmware(*a.at); err != nil {
			return finish(asn1(withOutcome("ActivateFirmwareRsp", false), "ActivateImageResponseCode", "activationFailure").End())
		}
		want := img.Model
		d.clock.At(*a.at, funcHandler(func(time.Time) {
			if fd.Model() == want {
				_ = d.inv.SetModel(dev.ID, want)
			}
		}), 0)
		return finish(success("ActivateFirmwareRsp").End())
	}
	if err := fd.ActivateFirmwareNow(now, a.hash); err != nil {
		return finish(asn1(withOutcome("ActivateFirmwareRsp", false), "ActivateImageResponseCode", "activationFailure").End())
	}
	_ = d.inv.SetModel(dev.ID, fd.Model())
	m := asn1(success("ActivateFirmwareRsp"), "ActivateImageResponseCode", "success")
	return finish(m.Leaf("FirmwareVersion", clip(fd.Model().FirmwareVersion, 8)).End())
}
