package devices

import (
	"errors"
	"time"
)

// Firmware activation failures, as a device answers 11.3 Activate Firmware (GBCS's noImageHeld
// and hashMismatch).
var (
	ErrNoImageHeld  = errors.New("no firmware image is held")
	ErrHashMismatch = errors.New("the firmware hash does not match the image held")
)

// CheckFirmwareHash reports whether the staged image is the one with hash: nil if so,
// ErrNoImageHeld or ErrHashMismatch otherwise.
func (b *base) CheckFirmwareHash(hash [32]byte) error {
	switch {
	case b.pending == nil:
		return ErrNoImageHeld
	case b.pending.Hash != hash:
		return ErrHashMismatch
	}
	return nil
}

// ActivateFirmwareNow makes the staged image current at once, if it is the image with hash, as an
// 11.3 Activate Firmware without an execution date does. A scheduled activation is cancelled.
func (b *base) ActivateFirmwareNow(now time.Time, hash [32]byte) error {
	if err := b.CheckFirmwareHash(hash); err != nil {
		return err
	}
	b.fwGen++
	b.activate(now, b.fwGen)
	return nil
}

// ActivateFirmware makes the staged firmware image current at at.
func (g *GSME) ActivateFirmware(at time.Time) error { return g.scheduleActivation(g, at) }

// ActivateFirmware makes the staged firmware image current at at.
func (d *PPMID) ActivateFirmware(at time.Time) error { return d.scheduleActivation(d, at) }
