package devices

import "time"

// Joining pairs HAN devices so they talk to each other, as 8.7 Join Service and 8.8 Unjoin
// Service do. Each join or unjoin acts on one side of a pair, as GBCS sends the meter and the
// PPMID their own commands; the device log of a device (8.9) is the list of its partners.

// Display returns the PPMID the ESME publishes prices and messages to, if any.
func (e *ESME) Display() (short uint16, ok bool) { return e.display, e.hasDisplay }

// ClearDisplay unjoins the ESME from its PPMID.
func (e *ESME) ClearDisplay() { e.display, e.hasDisplay = 0, false }

// Meters returns the ESME and the GPF the PPMID reads credit from and sends top-ups to.
func (d *PPMID) Meters() (esme uint16, hasESME bool, gpf uint16, hasGPF bool) {
	return d.esme, d.hasESME, d.gpf, d.hasGPF
}

// JoinMeter pairs the PPMID with an ESME (fuel ESME) or a GPF (fuel GSME) at short, starting its
// periodic refresh if it had none.
func (d *PPMID) JoinMeter(now time.Time, fuel Kind, short uint16) {
	esme, hasESME, gpf, hasGPF := d.Meters()
	if fuel == KindESME {
		esme, hasESME = short, true
	} else {
		gpf, hasGPF = short, true
	}
	d.SetMeters(now, esme, hasESME, gpf, hasGPF, 0)
}

// UnjoinMeter ends the PPMID's pairing with its ESME (fuel ESME) or its GPF (fuel GSME); what it
// shows for that fuel stays as last read.
func (d *PPMID) UnjoinMeter(fuel Kind) {
	if fuel == KindESME {
		d.esme, d.hasESME = 0, false
		return
	}
	d.gpf, d.hasGPF = 0, false
}

// GPF returns the GPF the GSME reports to, if any.
func (g *GSME) GPF() (short uint16, ok bool) { return g.gpf, g.hasGPF }

// UnjoinGPF ends the GSME's pairing with its GPF: it keeps waking but reports to no one.
func (g *GSME) UnjoinGPF() { g.gpf, g.hasGPF = 0, false }

// GSME returns the GSME the GPF proxies, if any.
func (p *GPF) GSME() (short uint16, ok bool) { return p.gsme, p.hasGSME }

// UnjoinGSME ends the GPF's pairing with its GSME; commands still queued for it are dropped.
func (p *GPF) UnjoinGSME() {
	p.gsme, p.hasGSME = 0, false
	p.queue = p.queue[:0]
}
