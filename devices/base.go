package devices

import (
	"fmt"
	"time"

	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/sched"
)

// Env is what the devices of a run share: the scheduler they run on and where their alerts go.
type Env struct {
	Sched  sched.Scheduler
	Alerts AlertSink
	io     hanIO
}

func (e *Env) alert(a Alert) {
	if e.Alerts != nil {
		e.Alerts.DeviceAlert(a)
	}
}

// Event kinds carried in the low byte of a scheduled event's argument; the rest is a generation
// number, so an event planned before a state change can be recognised as stale and ignored.
const (
	evTick = iota + 1
	evCredit
	evFriendlyEnd
	evBilling
	evFirmware
	evWake
	evSleep
	evPoll
	evRetry
)

func eventArg(kind int, gen uint32) uint64 { return uint64(kind) | uint64(gen)<<8 }

func splitArg(arg uint64) (int, uint32) { return int(arg & 0xff), uint32(arg >> 8) }

// LogEntry is one entry of a device's event or security log.
type LogEntry struct {
	Time  time.Time
	Code  AlertCode
	Value int64
}

// maxLogEntries is the depth of each log; SMETS1 meters keep at least 100 events.
const maxLogEntries = 100

type logRing struct {
	entries []LogEntry
	next    int
}

func (r *logRing) add(e LogEntry) {
	if len(r.entries) < maxLogEntries {
		r.entries = append(r.entries, e)
		return
	}
	r.entries[r.next] = e
	r.next = (r.next + 1) % maxLogEntries
}

func (r *logRing) list() []LogEntry {
	out := make([]LogEntry, 0, len(r.entries))
	out = append(out, r.entries[r.next:]...)
	return append(out, r.entries[:r.next]...)
}

type logs struct{ event, security logRing }

// FirmwareImage is an image distributed to a device and waiting to be activated. Activation
// makes the device a device of Model (a new firmware version is a new Device Model).
type FirmwareImage struct {
	Model *Model
	Hash  [32]byte
}

// base is what every device kind has: identity, model, clock, logs and firmware.
type base struct {
	env      *Env
	eui      EUI64
	model    *Model
	clockSet int64 // Unix seconds the device clock was last set; drift grows from here
	logs     *logs
	pending  *FirmwareImage
	fwGen    uint32
	net      *han.Network
	short    uint16
	seq      uint8 // ZCL transaction sequence number
	conf     *Config
}

// EUI returns the device's Device ID.
func (b *base) EUI() EUI64 { return b.eui }

// Model returns the device's current Device Model.
func (b *base) Model() *Model { return b.model }

// DeviceTime returns what the device's own clock shows at now: true time plus any drift its
// model declares since the clock was last set.
func (b *base) DeviceTime(now time.Time) time.Time {
	d := b.model.fault.driftPerDay
	if d == 0 {
		return now
	}
	elapsed := now.Unix() - b.clockSet
	return now.Add(time.Duration(float64(d) * float64(elapsed) / 86400))
}

// SetClock sets the device clock to the true time, as a time sync from the CHF or GPF does. It
// raises the clock-adjusted alert with the adjustment in seconds.
func (b *base) SetClock(now time.Time) {
	adj := b.DeviceTime(now).Sub(now)
	b.clockSet = now.Unix()
	if adj != 0 {
		b.record(now, AlertClockAdjusted, int64(adj/time.Second), true)
	}
}

// record logs an event and, if raise is set, sends it as an alert.
func (b *base) record(now time.Time, code AlertCode, value int64, raise bool) {
	if b.logs == nil {
		b.logs = &logs{}
	}
	e := LogEntry{Time: b.DeviceTime(now), Code: code, Value: value}
	behaviour := b.alertBehaviour(code) // as 6.22 Configure Alert Behaviour set it
	switch code {
	case AlertUTRNNotAuthentic, AlertDuplicateUTRN, AlertFirmwareVerified, AlertFirmwareChanged:
		b.logs.security.add(e)
	default:
		if behaviour&AlertLog != 0 {
			b.logs.event.add(e)
		}
	}
	if raise && behaviour&AlertWAN != 0 {
		b.env.alert(Alert{Time: e.Time, Device: b.eui, Kind: b.model.Kind, Code: code, Detail: fmt.Sprint(value)})
	}
}

// EventLog returns the device's event log, oldest first.
func (b *base) EventLog() []LogEntry {
	if b.logs == nil {
		return nil
	}
	return b.logs.event.list()
}

// SecurityLog returns the device's security log, oldest first.
func (b *base) SecurityLog() []LogEntry {
	if b.logs == nil {
		return nil
	}
	return b.logs.security.list()
}

// Firmware returns the current firmware version and the image waiting for activation, if any.
func (b *base) Firmware() (current string, pending *FirmwareImage) {
	return b.model.FirmwareVersion, b.pending
}

// StageFirmware stores an image for later activation, as 11.1 Update Firmware does. The image
// must be for a model of the same kind, manufacturer and model name.
func (b *base) StageFirmware(now time.Time, img FirmwareImage) error {
	if img.Model == nil || img.Model.Kind != b.model.Kind || img.Model.Manufacturer != b.model.Manufacturer || img.Model.ModelName != b.model.ModelName {
		return fmt.Errorf("firmware image is not for a %s %s %s", b.model.Manufacturer, b.model.ModelName, b.model.Kind)
	}
	b.pending = &img
	b.fwGen++
	b.record(now, AlertFirmwareVerified, 0, true)
	return nil
}

// scheduleActivation arranges for the staged image to become current at at.
func (b *base) scheduleActivation(h sched.Handler, at time.Time) error {
	if b.pending == nil {
		return fmt.Errorf("no firmware image is staged")
	}
	b.fwGen++
	b.env.Sched.At(at, h, eventArg(evFirmware, b.fwGen))
	return nil
}

// activate makes the staged image current if gen is the latest activation request.
func (b *base) activate(now time.Time, gen uint32) bool {
	if gen != b.fwGen || b.pending == nil {
		return false
	}
	b.model = b.pending.Model
	b.pending = nil
	b.record(now, AlertFirmwareChanged, 0, true)
	return true
}
