package dcc

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/users"
)

// The event codes whose behaviour DUIS lets each party configure (6.22) and read (6.2.10), in the
// order the DUIS 5.4 schemas list them (the request and response schemas agree).
var (
	supplierESMECommon = []devices.AlertCode{0x810D, 0x810E, 0x8119, 0x8145, 0x8154, 0x8155, 0x8161, 0x8162, 0x8168, 0x8183, 0x81A0, 0x81A1, 0x81A2, 0x81A3, 0x81A4, 0x81A5, 0x81A6, 0x81A7, 0x81A8, 0x81A9, 0x81AA, 0x81AB, 0x81AC, 0x81AD, 0x81AE, 0x81AF, 0x81B0, 0x81B1, 0x81B2, 0x81B3, 0x81B8, 0x81B9, 0x81BA, 0x81BB, 0x81BC, 0x81BD, 0x81BE, 0x81C0, 0x81C1, 0x81C4, 0x81C5, 0x81C6}
	supplierESMEPoly   = []devices.AlertCode{0x81B7}
	operatorCommon     = []devices.AlertCode{0x8014, 0x8015}
	operatorSingle     = []devices.AlertCode{0x8002, 0x8006, 0x8020, 0x8024, 0x8028, 0x802C, 0x8085, 0x8089, 0x808D, 0x8091, 0x8095, 0x8099, 0x8010}
	operatorPoly       = []devices.AlertCode{0x8003, 0x8004, 0x8005, 0x8007, 0x8008, 0x8009, 0x8021, 0x8022, 0x8023, 0x8025, 0x8026, 0x8027, 0x8029, 0x802A, 0x802B, 0x802D, 0x802E, 0x802F, 0x8086, 0x8087, 0x8088, 0x808A, 0x808B, 0x808C, 0x808E, 0x808F, 0x8090, 0x8092, 0x8093, 0x8094, 0x8096, 0x8097, 0x8098, 0x809A, 0x809B, 0x809C, 0x8011, 0x8016, 0x8013}
	gasSupplierWAN     = []devices.AlertCode{0x810D, 0x810E, 0x8119, 0x8145, 0x8154, 0x8155, 0x8168, 0x8183, 0x8184, 0x81A1, 0x81A4, 0x81A5, 0x81A6, 0x81A7, 0x81A8, 0x81A9, 0x81AA, 0x81AB, 0x81AC, 0x81AD, 0x81AE, 0x81AF, 0x81B0, 0x81B1, 0x81B2, 0x81B3, 0x81B4, 0x81B5, 0x81B6, 0x81B9, 0x81BA, 0x81BC, 0x81BD, 0x81BE, 0x81BF, 0x81C0, 0x81C2, 0x81C3, 0x81C4, 0x81C5}
	gasSupplierEvents  = []devices.AlertCode{0x810D, 0x810E, 0x8119, 0x8145, 0x8154, 0x8155, 0x8161, 0x8162, 0x8168, 0x8183, 0x8184, 0x81A0, 0x81A1, 0x81A4, 0x81A5, 0x81A6, 0x81A7, 0x81A8, 0x81A9, 0x81AA, 0x81AB, 0x81AC, 0x81AD, 0x81AE, 0x81AF, 0x81B0, 0x81B1, 0x81B2, 0x81B3, 0x81B4, 0x81B5, 0x81B6, 0x81B9, 0x81BA, 0x81BC, 0x81BD, 0x81BE, 0x81BF, 0x81C0, 0x81C2, 0x81C3, 0x81C4, 0x81C5, 0x81C6}
)

// alertGroup is one choice of ConfigureAlertBehaviour: what it addresses and which behaviour bit
// it sets.
type alertGroup struct {
	kind     devices.Kind
	role     users.Role
	bit      devices.AlertBehaviour // 0: each code carries WANAlert, HANAlert, EventLog, Alarm
	sections map[string][]devices.AlertCode
	flat     []devices.AlertCode // codes directly under the choice element (gas)
}

var (
	supplierSections = map[string][]devices.AlertCode{"SupplierESMECommon": supplierESMECommon, "SupplierESMEPolyPhase": supplierESMEPoly}
	operatorSections = map[string][]devices.AlertCode{"NetworkOperatorESMECommon": operatorCommon,
		"NetworkOperatorESMESinglePhase": operatorSingle, "NetworkOperatorESMEPolyPhase": operatorPoly}
	alertGroups = map[string]alertGroup{
		"ElectricitySupplierAlerts":                 {devices.KindESME, users.ImportSupplier, devices.AlertWAN, supplierSections, nil},
		"ElectricitySupplierHANAlertSettings":       {devices.KindESME, users.ImportSupplier, devices.AlertHAN, supplierSections, nil},
		"ElectricitySupplierAlarmSettings":          {devices.KindESME, users.ImportSupplier, devices.AlertAlarm, supplierSections, nil},
		"ElectricitySupplierLoggingSettings":        {devices.KindESME, users.ImportSupplier, devices.AlertLog, supplierSections, nil},
		"ElectricityNetworkOperatorAlerts":          {devices.KindESME, users.ElectricityDistributor, devices.AlertWAN, operatorSections, nil},
		"ElectricityNetworkOperatorLoggingSettings": {devices.KindESME, users.ElectricityDistributor, devices.AlertLog, operatorSections, nil},
		"GasSupplierAlerts":                         {devices.KindGSME, users.GasSupplier, devices.AlertWAN, nil, gasSupplierWAN},
		"GasSupplierAlertEventSettings":             {devices.KindGSME, users.GasSupplier, 0, nil, gasSupplierEvents},
	}
	behaviourBits = []struct {
		name string
		bit  devices.AlertBehaviour
	}{{"WANAlert", devices.AlertWAN}, {"HANAlert", devices.AlertHAN}, {"EventLog", devices.AlertLog}, {"Alarm", devices.AlertAlarm}}
)

// xnode is a body element read generically, for bodies whose element names carry data (x810D).
type xnode struct {
	XMLName xml.Name
	Text    string  `xml:",chardata"`
	Kids    []xnode `xml:",any"`
}

func decodeTree(j *job) (xnode, *failure) {
	var n xnode
	if err := j.orig.Body.Decode(&n); err != nil {
		return n, fail(E100, "%s: %v", j.orig.Body.Name, err)
	}
	return n, nil
}

func alertCodeOf(name string) (devices.AlertCode, bool) {
	if len(name) != 5 || name[0] != 'x' {
		return 0, false
	}
	v, err := strconv.ParseUint(name[1:], 16, 16)
	return devices.AlertCode(v), err == nil
}

func enableDisable(path, s string) (bool, *failure) {
	switch strings.TrimSpace(s) {
	case "Enable":
		return true, nil
	case "Disable":
		return false, nil
	}
	return false, fail(E100, "ConfigureAlertBehaviour: %s is %q, not Enable or Disable", path, s)
}

func listed(code devices.AlertCode, codes []devices.AlertCode) bool {
	for _, c := range codes {
		if c == code {
			return true
		}
	}
	return false
}

// alertSettings reads a ConfigureAlertBehaviour body into settings, checking it addresses the
// device's kind and that the user holds the role its choice is for.
func alertSettings(j *job) ([]devices.AlertSetting, *failure) {
	root, f := decodeTree(j)
	if f != nil {
		return nil, f
	}
	if len(root.Kids) != 1 {
		return nil, fail(E100, "ConfigureAlertBehaviour: exactly one choice of settings is needed, not %d", len(root.Kids))
	}
	choice := root.Kids[0]
	name := choice.XMLName.Local
	g, ok := alertGroups[name]
	if !ok {
		return nil, fail(E100, "ConfigureAlertBehaviour: %s is not a choice of ConfigureAlertBehaviour", name)
	}
	if g.kind != j.c.device.Kind {
		return nil, fail(E100, "ConfigureAlertBehaviour: %s configures a %s, not the %s %s", name, g.kind, j.c.device.Kind, j.c.device.ID)
	}
	if !hasRole(j.c.user, g.role) {
		return nil, fail(E4, "ConfigureAlertBehaviour: %s is for a User in the %s role", name, g.role)
	}
	var out []devices.AlertSetting
	add := func(path string, codes []devices.AlertCode, n xnode) *failure {
		code, ok := alertCodeOf(n.XMLName.Local)
		if !ok || !listed(code, codes) {
			return fail(E100, "ConfigureAlertBehaviour: %s/%s is not an event code %s configures", path, n.XMLName.Local, name)
		}
		p := path + "/" + n.XMLName.Local
		if g.bit != 0 {
			on, f := enableDisable(p, n.Text)
			if f != nil {
				return f
			}
			s := devices.AlertSetting{Code: code, Mask: g.bit}
			if on {
				s.Value = g.bit
			}
			out = append(out, s)
			return nil
		}
		s := devices.AlertSetting{Code: code}
		for _, k := range n.Kids {
			found := false
			for _, b := range behaviourBits {
				if k.XMLName.Local != b.name {
					continue
				}
				found = true
				on, f := enableDisable(p+"/"+b.name, k.Text)
				if f != nil {
					return f
				}
				s.Mask |= b.bit
				if on {
					s.Value |= b.bit
				}
			}
			if !found {
				return fail(E100, "ConfigureAlertBehaviour: %s/%s is not WANAlert, HANAlert, EventLog or Alarm", p, k.XMLName.Local)
			}
		}
		if s.Mask != devices.AlertEverything {
			return fail(E100, "ConfigureAlertBehaviour: %s needs WANAlert, HANAlert, EventLog and Alarm", p)
		}
		out = append(out, s)
		return nil
	}
	if g.flat != nil {
		for _, n := range choice.Kids {
			if f := add(name, g.flat, n); f != nil {
				return nil, f
			}
		}
	} else {
		for _, sec := range choice.Kids {
			codes, ok := g.sections[sec.XMLName.Local]
			if !ok {
				return nil, fail(E100, "ConfigureAlertBehaviour: %s/%s is not a section of %s", name, sec.XMLName.Local, name)
			}
			for _, n := range sec.Kids {
				if f := add(name+"/"+sec.XMLName.Local, codes, n); f != nil {
					return nil, f
				}
			}
		}
	}
	if len(out) == 0 {
		return nil, fail(E100, "ConfigureAlertBehaviour: %s names no event code", name)
	}
	return out, nil
}

func hasRole(u *users.User, r users.Role) bool {
	for _, x := range u.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// configureAlerts is 6.22 Configure Alert Behaviour: the ESME takes the settings at once; a GSME
// took them from its GPF's queue at its wake-up, and the answer says whether it holds them now.
func configureAlerts(j *job, now time.Time) ([]byte, *failure) {
	settings, f := alertSettings(j)
	if f != nil {
		return nil, f
	}
	if j.c.device.Kind == devices.KindESME {
		for _, s := range settings {
			j.p.ESME.ConfigureAlert(s.Code, s.Mask, s.Value)
		}
		return finish(success("ConfigureAlertBehaviourRsp").End())
	}
	cfg := j.p.GSME.Configuration()
	for _, s := range settings {
		if cfg.Alert(s.Code)&s.Mask != s.Value {
			return nil, fail(E21, "the GSME did not take the alert behaviour of %04X", uint16(s.Code))
		}
	}
	return finish(success("ConfigureAlertBehaviourRsp").End())
}

func queueAlertBehaviour(j *job, now time.Time) error {
	settings, f := alertSettings(j)
	if f != nil {
		return bodyError{f}
	}
	return j.p.GPF.QueueAlertBehaviours(now, settings)
}

func onOff(on bool) string {
	if on {
		return "Enable"
	}
	return "Disable"
}

// writeAlertSection writes one section of event codes with the state of one behaviour bit.
func writeAlertSection(m *duis.MMCWriter, name string, codes []devices.AlertCode, cfg *devices.Config, bit devices.AlertBehaviour) {
	m.Start(name)
	for _, c := range codes {
		m.Leaf(fmt.Sprintf("x%04X", uint16(c)), onOff(cfg.Alert(c)&bit != 0))
	}
	m.End()
}

// readAlertBehaviours is 6.2.10: an ESME answers a supplier with the supplier's settings (WAN,
// HAN, alarm, logging) and a network operator with the operator's (WAN, logging); a GSME's come
// from its GPF. smetsim's ESMEs are single-phase: the polyphase supplier code appears only once it
// has been configured.
func readAlertBehaviours(j *job, now time.Time) ([]byte, *failure) {
	m := success("ReadDeviceConfigurationEventAndAlertBehavioursRsp")
	switch j.c.device.Kind {
	case devices.KindESME:
		cfg := j.p.ESME.Configuration()
		if !hasRole(j.c.user, users.ImportSupplier) && hasRole(j.c.user, users.ElectricityDistributor) {
			m.Start("ElectricityNetworkOperatorAlertEventSettings")
			for _, s := range []struct {
				name string
				bit  devices.AlertBehaviour
			}{{"ElectricityNetworkOperatorWANAlertSettings", devices.AlertWAN}, {"ElectricityNetworkOperatorLoggingSettings", devices.AlertLog}} {
				m.Start(s.name)
				writeAlertSection(m, "NetworkOperatorESMECommon", operatorCommon, &cfg, s.bit)
				writeAlertSection(m, "NetworkOperatorESMESinglePhase", operatorSingle, &cfg, s.bit)
				m.End()
			}
			m.End()
			break
		}
		_, poly := cfg.Alerts()[supplierESMEPoly[0]]
		m.Start("ElectricitySupplierAlertEventSettings")
		for _, s := range []struct {
			name string
			bit  devices.AlertBehaviour
		}{{"ElectricitySupplierWANAlertSettings", devices.AlertWAN}, {"ElectricitySupplierHANAlertSettings", devices.AlertHAN},
			{"ElectricitySupplierAlarmSettings", devices.AlertAlarm}, {"ElectricitySupplierLoggingSettings", devices.AlertLog}} {
			m.Start(s.name)
			writeAlertSection(m, "SupplierESMECommon", supplierESMECommon, &cfg, s.bit)
			if poly {
				writeAlertSection(m, "SupplierESMEPolyPhase", supplierESMEPoly, &cfg, s.bit)
			}
			m.End()
		}
		m.End()
	default:
		cfg, f := gsmeConfig(j)
		if f != nil {
			return nil, f
		}
		m.Start("GasSupplierAlertEventSettings")
		for _, c := range gasSupplierEvents {
			b := cfg.Alert(c)
			m.Start(fmt.Sprintf("x%04X", uint16(c)))
			for _, bit := range behaviourBits {
				m.Leaf(bit.name, onOff(b&bit.bit != 0))
			}
			m.End()
		}
		m.End()
	}
	return finish(m.End())
}
