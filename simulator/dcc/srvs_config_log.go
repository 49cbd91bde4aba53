package dcc

import (
	"fmt"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
)

// maxLogRead is the most entries one 6.13 response carries (the MMC schema's limit).
const maxLogRead = 100

// powerEvents are the event log entries that make up an ESME's power event log: smetsim's
// reading of DUIS's PowerEvent log, as SMETS1 ESMEs keep one event log.
var powerEvents = map[devices.AlertCode]bool{devices.AlertSupplyOutageRestored: true, devices.AlertSupplyOutageRestored3: true}

type readLogBody struct {
	Start string `xml:"ReadLogPeriod>StartDateTime"`
	End   string `xml:"ReadLogPeriod>EndDateTime"`
	Log   string `xml:"LogToRead"`
}

// readEventOrSecurityLog is 6.13: the entries of the device's event or security log within the
// period, oldest first, at most the latest 100. A GSME's logs, and a GPF asked for the GSMEEvent
// or GSMESecurity log, answer with the GSME's entries up to its last wake-up, as far as the GPF
// has seen them.
func readEventOrSecurityLog(j *job, now time.Time) ([]byte, *failure) {
	const root = "ReadEventOrSecurityLog"
	var b readLogBody
	if f := decodeBody(j, &b); f != nil {
		return nil, f
	}
	from, f := parseDateTimeField(root+"/ReadLogPeriod/StartDateTime", b.Start)
	if f != nil {
		return nil, f
	}
	to, f := parseDateTimeField(root+"/ReadLogPeriod/EndDateTime", b.End)
	if f != nil {
		return nil, f
	}
	if to.Before(from) {
		return nil, fail(E100, "%s/ReadLogPeriod/EndDateTime: %s is before StartDateTime %s", root, utcStamp(to), utcStamp(from))
	}
	kind := j.c.device.Kind
	which := strings.TrimSpace(b.Log)
	var entries []devices.LogEntry
	var until time.Time // zero: no cut-off
	gsmeLog := func(security bool) *failure {
		mr := j.p.GPF.Mirror()
		if j.p.GSME == nil || !mr.Valid {
			return fail(E21, "the GPF holds none of the GSME's log yet: the GSME has not woken since installation")
		}
		until = j.p.GSME.LastWake()
		if security {
			entries = j.p.GSME.SecurityLog()
		} else {
			entries = j.p.GSME.EventLog()
		}
		return nil
	}
	switch {
	case which == "ALCSEvent":
		return nil, fail(E100, "%s/LogToRead: ALCSEvent is the auxiliary load control switch log, a SMETS2 feature", root)
	case which == "PowerEvent" && kind == devices.KindESME:
		for _, e := range j.p.ESME.EventLog() {
			if powerEvents[e.Code] {
				entries = append(entries, e)
			}
		}
	case which == "Event" || which == "Security":
		sec := which == "Security"
		switch kind {
		case devices.KindESME:
			entries = pick(sec, j.p.ESME.EventLog, j.p.ESME.SecurityLog)
		case devices.KindCHF:
			entries = pick(sec, j.p.CHF.EventLog, j.p.CHF.SecurityLog)
		case devices.KindGPF:
			entries = pick(sec, j.p.GPF.EventLog, j.p.GPF.SecurityLog)
		case devices.KindGSME:
			f = gsmeLog(sec)
		}
	case (which == "GSMEEvent" || which == "GSMESecurity") && (kind == devices.KindGSME || kind == devices.KindGPF):
		f = gsmeLog(which == "GSMESecurity")
	default:
		return nil, fail(E100, "%s/LogToRead: %q is not a log a %s keeps (Event, Security%s)", root, b.Log, kind, extraLogs(kind))
	}
	if f != nil {
		return nil, f
	}
	var in []devices.LogEntry
	for _, e := range entries {
		if e.Time.Before(from) || e.Time.After(to) || (!until.IsZero() && e.Time.After(until)) {
			continue
		}
		in = append(in, e)
	}
	if len(in) > maxLogRead {
		in = in[len(in)-maxLogRead:]
	}
	m := success("ReadEventOrSecurityLogRsp").Start("Log")
	for _, e := range in {
		m.Start("LogEntry").Leaf("Timestamp", utcStamp(e.Time)).Leaf("LogCode", fmt.Sprintf("%04X", uint16(e.Code)))
		if d := alertDescription(e.Code); d != "" {
			m.Leaf("LogMeaning", clip(d, 200))
		}
		if e.Value != 0 {
			m.Leaf("OtherInformation", fmt.Sprintf("%08X", uint32(e.Value)))
		}
		m.End()
	}
	return finish(m.End().End())
}

func pick(security bool, event, sec func() []devices.LogEntry) []devices.LogEntry {
	if security {
		return sec()
	}
	return event()
}

func extraLogs(k devices.Kind) string {
	switch k {
	case devices.KindESME:
		return ", PowerEvent"
	case devices.KindGSME, devices.KindGPF:
		return ", GSMEEvent, GSMESecurity"
	}
	return ""
}

func alertDescription(c devices.AlertCode) string {
	for _, a := range devices.Alerts {
		if a.Code == c {
			return a.Description
		}
	}
	return ""
}
