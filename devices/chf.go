package devices

import (
	"fmt"
	"time"

	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/zcl"
)

// DeviceLogEntry is one device in the CHF device log (the HAN whitelist).
type DeviceLogEntry struct {
	EUI  EUI64
	Kind Kind
}

// maxDeviceLog is the capacity of a CHF device log.
const maxDeviceLog = 16

// CHF is the Communications Hub Function: the WAN modem and the HAN coordinator. It forms the PAN,
// admits only devices in its device log, is the HAN's time source, and reports power outages to
// the DCC. In SMETS1 it sits in the ESME's enclosure and shares its mains supply.
type CHF struct {
	base
	log          []DeviceLogEntry
	wanConnected bool
	signal       int8 // WAN received signal strength, dBm
	powerOff     int64
	identifyTill int64
}

// NewCHF installs a CHF of the given model at now and makes it the coordinator of nw.
func NewCHF(env *Env, eui EUI64, model *Model, nw *han.Network, seed uint64, now time.Time) (*CHF, error) {
	if model.Kind != KindCHF {
		return nil, fmt.Errorf("model %s is a %s, not a CHF", model.ID, model.Kind)
	}
	c := &CHF{base: base{env: env, eui: eui, model: model, clockSet: now.Unix()}, wanConnected: true,
		signal: int8(-55 - int(Unit(Mix(seed, 0x5167))*40))}
	if err := c.attach(nw, c, false); err != nil {
		return nil, err
	}
	if c.short != han.Coordinator {
		return nil, fmt.Errorf("CHF %s must be the first device on its HAN", eui)
	}
	nw.SetAdmission(c.admit)
	return c, nil
}

// admit is the network's join check: only devices in the device log may join.
func (c *CHF) admit(eui EUI64) bool {
	for _, e := range c.log {
		if e.EUI == eui {
			c.record(c.env.Sched.Now(), AlertDeviceJoined, 0, false)
			return true
		}
	}
	return false
}

// DeviceLog returns the device log.
func (c *CHF) DeviceLog() []DeviceLogEntry { return append([]DeviceLogEntry(nil), c.log...) }

// AddToDeviceLog whitelists a device so it may join the HAN, as 8.11 Update HAN Device Log does.
func (c *CHF) AddToDeviceLog(now time.Time, eui EUI64, kind Kind) error {
	for _, e := range c.log {
		if e.EUI == eui {
			return nil
		}
	}
	if len(c.log) >= maxDeviceLog {
		return fmt.Errorf("CHF %s: device log is full (%d entries)", c.eui, maxDeviceLog)
	}
	c.log = append(c.log, DeviceLogEntry{EUI: eui, Kind: kind})
	c.record(now, AlertCHFDeviceLogChanged, int64(len(c.log)), true)
	return nil
}

// RemoveFromDeviceLog removes a device from the device log and the HAN.
func (c *CHF) RemoveFromDeviceLog(now time.Time, eui EUI64) error {
	for i, e := range c.log {
		if e.EUI != eui {
			continue
		}
		c.log = append(c.log[:i], c.log[i+1:]...)
		if short, ok := c.net.Lookup(eui); ok {
			c.net.Leave(short)
			c.record(now, AlertDeviceUnjoined, 0, false)
		}
		c.record(now, AlertCHFDeviceLogChanged, int64(len(c.log)), true)
		return nil
	}
	return fmt.Errorf("device %s is not in the device log of CHF %s", eui, c.eui)
}

// WAN returns whether the WAN is connected and its signal strength in dBm.
func (c *CHF) WAN() (bool, int) { return c.wanConnected && c.powerOff == 0, int(c.signal) }

// SetWAN changes the WAN state, as a fault or a scenario does.
func (c *CHF) SetWAN(connected bool, signal int) {
	c.wanConnected = connected
	c.signal = int8(max(-128, min(signal, 0)))
}

// Powered reports whether the CHF has mains power.
func (c *CHF) Powered() bool { return c.powerOff == 0 }

// PowerFail is the loss of mains power. The CHF's last gasp reaches the DCC as a Power Outage
// Event (a DCC alert, raised here with DCCEvent set).
func (c *CHF) PowerFail(now time.Time) {
	if c.powerOff != 0 {
		return
	}
	c.powerOff = now.Unix()
	c.env.alert(Alert{Time: c.DeviceTime(now), Device: c.eui, Kind: KindCHF, DCCEvent: DCCEventPowerOutage,
		Detail: "power outage started"})
}

// PowerRestore is the return of mains power.
func (c *CHF) PowerRestore(now time.Time) {
	if c.powerOff == 0 {
		return
	}
	dur := now.Unix() - c.powerOff
	c.powerOff = 0
	c.env.alert(Alert{Time: c.DeviceTime(now), Device: c.eui, Kind: KindCHF, DCCEvent: DCCEventPowerRestored,
		Detail: fmt.Sprintf("power restored after %s", time.Duration(dur)*time.Second)})
}

// Identifying reports whether the CHF is identifying itself (after an Identify command).
func (c *CHF) Identifying(now time.Time) bool { return now.Unix() < c.identifyTill }

// Fire handles the CHF's scheduled events. It implements sched.Handler.
func (c *CHF) Fire(now time.Time, arg uint64) {
	if kind, gen := splitArg(arg); kind == evFirmware {
		c.activate(now, gen)
	}
}

// ActivateFirmware makes the staged firmware image current at at.
func (c *CHF) ActivateFirmware(at time.Time) error { return c.scheduleActivation(c, at) }

// HANReceive handles a ZCL frame from the HAN. It implements han.Node.
func (c *CHF) HANReceive(now time.Time, m *han.Message) {
	if c.powerOff != 0 {
		return
	}
	h, cmd := c.decode(now, m)
	switch cmd := cmd.(type) {
	case nil:
	case *zcl.ReadAttributes:
		c.serveRead(now, m, h, cmd, c)
	case *zcl.Identify:
		c.identifyTill = now.Unix() + int64(cmd.IdentifyTime)
		c.replyStatus(now, m, h, zcl.StatusSuccess)
	case *zcl.IdentifyQuery:
		if left := c.identifyTill - now.Unix(); left > 0 {
			rsp := zcl.IdentifyQueryResponse{Timeout: uint16(min(left, 0xFFFF))}
			_ = c.reply(now, m, h, &rsp)
		}
	case *zcl.DefaultResponse, *zcl.ReadAttributesResponse:
	default:
		c.replyStatus(now, m, h, zcl.StatusUnsupClusterCommand)
	}
}

func (c *CHF) attribute(now time.Time, cluster, id uint16) (zcl.Value, bool) {
	switch cluster {
	case zcl.ClusterIdentify:
		if id == zcl.AttrIdentifyTime {
			return zcl.Uint(zcl.TypeUint16, uint64(max(0, min(c.identifyTill-now.Unix(), 0xFFFF)))), true
		}
	}
	return c.sharedAttribute(now, cluster, id, true)
}
