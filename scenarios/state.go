package scenarios

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/smetsim/smetsim/devices"
)

// meterState is what the device step reads of an ESME or a GSME.
type meterState interface {
	Supply() devices.SupplyState
	Balance(now time.Time) devices.Money
	PaymentMode() devices.PaymentMode
	Tariff() *devices.Tariff
	ActiveTier(now time.Time) (tier, block int)
	DisplayedMessage() *devices.Message
	SupplierName() (name, phone string)
	PrivacyPINDisabled() bool
	AccessRestrictedBefore() time.Time
	DeviceTime(now time.Time) time.Time
	Firmware() (string, *devices.FirmwareImage)
	Model() *devices.Model
}

// pounds writes money as pounds with at least two decimals ("12.50", "-0.000125").
func pounds(m devices.Money) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	whole, frac := m/devices.Pound, m%devices.Pound
	if frac%devices.Penny == 0 {
		return fmt.Sprintf("%s%d.%02d", sign, whole, frac/devices.Penny)
	}
	s := strconv.FormatInt(int64(frac)+int64(devices.Pound), 10)[1:] // six digits
	for len(s) > 2 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	return fmt.Sprintf("%s%d.%s", sign, whole, s)
}

// PropertiesOf returns the device properties a kind has, sorted.
func PropertiesOf(k devices.Kind) []string {
	var out []string
	for p, kinds := range Properties {
		if slices.Contains(kinds, k) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// Property reads one property of a device (see Properties), as the device step compares it.
// Money is in pounds, energy in Wh, gas volume in m³ with three decimals.
func (w *World) Property(d *Device, prop string) (string, error) {
	if w.Fleet == nil || d.Premises == nil {
		return "", fmt.Errorf("device state is only known for emulated devices")
	}
	kinds, ok := Properties[prop]
	if !ok {
		return "", fmt.Errorf("unknown device property %q", prop)
	}
	if !slices.Contains(kinds, d.Kind) {
		return "", fmt.Errorf("a %s has no property %q", d.Kind, prop)
	}
	now := w.Now()
	p := d.Premises
	var m meterState
	switch d.Kind {
	case devices.KindESME:
		m = p.ESME
	case devices.KindGSME:
		m = p.GSME
	}
	switch prop {
	case "supply":
		return m.Supply().String(), nil
	case "balance":
		return pounds(m.Balance(now)), nil
	case "payment_mode":
		return m.PaymentMode().String(), nil
	case "register":
		if d.Kind == devices.KindGPF {
			mir := p.GPF.Mirror()
			if !mir.Valid {
				return "", fmt.Errorf("the GPF has no reading from its GSME yet")
			}
			return fmt.Sprintf("%d.%03d", mir.Volume/1000, mir.Volume%1000), nil
		}
		if d.Kind == devices.KindESME {
			return strconv.FormatUint(p.ESME.ImportRegister(now), 10), nil
		}
		v := p.GSME.VolumeRegister(now)
		return fmt.Sprintf("%d.%03d", v/1000, v%1000), nil
	case "firmware", "model":
		var mod *devices.Model
		switch d.Kind {
		case devices.KindESME, devices.KindGSME:
			mod = m.Model()
		case devices.KindCHF:
			mod = p.CHF.Model()
		case devices.KindGPF:
			mod = p.GPF.Model()
		case devices.KindPPMID:
			mod = p.PPMID.Model()
		}
		if prop == "model" {
			return mod.ID, nil
		}
		return mod.FirmwareVersion, nil
	case "smi_status":
		dev, ok := w.DCC.Inventory().Device(d.EUI)
		if !ok {
			return "", fmt.Errorf("device %s is not in the DCC's inventory", d.EUI)
		}
		return string(dev.Status), nil
	case "standing_charge":
		if t := m.Tariff(); t != nil {
			return pounds(t.StandingCharge), nil
		}
		return "0.00", nil
	case "price", "gas_price":
		if d.Kind == devices.KindPPMID {
			if prop == "gas_price" {
				return pounds(p.PPMID.Gas().Price), nil
			}
			return pounds(p.PPMID.Electricity().Price), nil
		}
		t := m.Tariff()
		if t == nil {
			return "0.00", nil
		}
		tier, block := m.ActiveTier(now)
		return pounds(t.Price(tier, block)), nil
	case "supplier_name":
		name, _ := m.SupplierName()
		return name, nil
	case "supplier_phone":
		_, phone := m.SupplierName()
		return phone, nil
	case "privacy_pin":
		if m.PrivacyPINDisabled() {
			return "disabled", nil
		}
		return "enabled", nil
	case "restricted_before":
		if t := m.AccessRestrictedBefore(); !t.IsZero() {
			return t.UTC().Format(time.RFC3339), nil
		}
		return "", nil
	case "message":
		var msg *devices.Message
		if d.Kind == devices.KindPPMID {
			msg = p.PPMID.Message()
		} else {
			msg = m.DisplayedMessage()
		}
		if msg == nil {
			return "", nil
		}
		return msg.Text, nil
	case "credit":
		return pounds(p.PPMID.Electricity().Credit), nil
	case "gas_credit":
		return pounds(p.PPMID.Gas().Credit), nil
	case "wan":
		if up, _ := p.CHF.WAN(); up {
			return "up", nil
		}
		return "down", nil
	case "mirror_age", "mirror_lag":
		mir := p.GPF.Mirror()
		if !mir.Valid {
			return "", fmt.Errorf("the GPF has no reading from its GSME yet")
		}
		if prop == "mirror_lag" {
			lag := int64(p.GSME.VolumeRegister(mir.LastSync)) - int64(mir.Volume)
			return strconv.FormatFloat(float64(lag)/1000, 'f', 3, 64), nil
		}
		return strconv.FormatFloat(now.Sub(mir.LastSync).Seconds(), 'f', -1, 64), nil
	case "clock_offset":
		off := m.DeviceTime(now).Sub(now)
		return strconv.FormatFloat(off.Seconds(), 'f', -1, 64), nil
	}
	return "", fmt.Errorf("unknown device property %q", prop)
}

// State reads every property a device has, for a step's before-and-after evidence.
func (w *World) State(d *Device) map[string]string {
	if w.Fleet == nil || d.Premises == nil {
		return nil
	}
	out := map[string]string{}
	for _, prop := range PropertiesOf(d.Kind) {
		if v, err := w.Property(d, prop); err == nil {
			out[prop] = v
		}
	}
	return out
}
