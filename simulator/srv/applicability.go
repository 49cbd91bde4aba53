package srv

import (
	"time"

	"github.com/smetsim/smetsim/devices"
)

// Applicability says which device kinds an SRV addresses, whether it applies to SMETS1 at all, and
// where that comes from.
//
// The device kinds follow the GBCS use cases behind each SRV (gbcs-mapping-table and the
// service-request/use-case table of the reference material): ECS… use cases address an ESME, GCS…
// a GSME (some gas reads are answered from the GPF's mirror, as the RTDS templates address them),
// CCS… the CHF, PCS… a PPMID, CS… several. SMETS2-only features do not apply to SMETS1: SMKI
// security credentials, auxiliary load control and APC, Sub-GHz, local command delivery and
// status updates for DCC-provided hubs. The DCC's per-model SMETS1 matrix is not public, so where a
// line below goes beyond the GBCS use cases it says so; Device Model profiles narrow it further.
type Applicability struct {
	Kinds  []devices.Kind
	SMETS1 bool   // false: refused for SMETS1 devices (E11)
	Note   string // why it does not apply, or an assumption made
}

var (
	esme  = []devices.Kind{devices.KindESME}
	gsme  = []devices.Kind{devices.KindGSME}
	meter = []devices.Kind{devices.KindESME, devices.KindGSME}
	chf   = []devices.Kind{devices.KindCHF}
)

const (
	notSMKI    = "SMKI security credentials: SMETS1 devices hold no SMKI certificates"
	notALC     = "auxiliary load control and APC are SMETS2 features"
	notSubGHz  = "Sub-GHz configuration is for dual-band DCC hubs"
	notLocal   = "local command delivery does not exist for SMETS1 devices"
	notDCCHub  = "status updates concern DCC-provided communications hubs; a SMETS1 hub is the Lead Supplier's"
	assumption = "assumption: "
)

// applicability holds, for every device-targeted SRV, its device kinds and SMETS1 status.
// Non-device SRVs (8.2, 8.3, 8.4, 11.1, 12.x, 5.x …) are answered by the DCC itself.
var applicability = map[string]Applicability{
	"1.1.1":  {Kinds: meter, SMETS1: true},
	"1.1.2":  {Kinds: esme, SMETS1: true},
	"1.2.1":  {Kinds: meter, SMETS1: true},
	"1.2.2":  {Kinds: esme, SMETS1: true},
	"1.5":    {Kinds: meter, SMETS1: true},
	"1.6":    {Kinds: meter, SMETS1: true},
	"1.7":    {Kinds: esme, SMETS1: true},
	"2.1":    {Kinds: meter, SMETS1: true},
	"2.2":    {Kinds: meter, SMETS1: true, Note: "CS01a tops up an ESME, CS01b a GSME"},
	"2.3":    {Kinds: meter, SMETS1: true},
	"2.5":    {Kinds: meter, SMETS1: true},
	"3.1":    {Kinds: meter, SMETS1: true},
	"3.2":    {Kinds: meter, SMETS1: true},
	"3.3":    {Kinds: []devices.Kind{devices.KindESME, devices.KindGSME, devices.KindCHF, devices.KindGPF}, SMETS1: true, Note: "CS11 clears a ZigBee device's event log"},
	"3.4":    {Kinds: meter, SMETS1: true},
	"3.5":    {Kinds: meter, SMETS1: true},
	"4.1.1":  {Kinds: []devices.Kind{devices.KindESME, devices.KindGSME, devices.KindGPF}, SMETS1: true, Note: "gas reads may be addressed to the GPF, as RTDS GCS13a is"},
	"4.1.2":  {Kinds: []devices.Kind{devices.KindESME, devices.KindGSME, devices.KindGPF}, SMETS1: true},
	"4.1.3":  {Kinds: esme, SMETS1: true},
	"4.1.4":  {Kinds: []devices.Kind{devices.KindGSME, devices.KindGPF}, SMETS1: true},
	"4.2":    {Kinds: esme, SMETS1: true},
	"4.3":    {Kinds: []devices.Kind{devices.KindESME, devices.KindGSME, devices.KindGPF}, SMETS1: true},
	"4.4.2":  {Kinds: meter, SMETS1: true},
	"4.4.3":  {Kinds: meter, SMETS1: true},
	"4.4.4":  {Kinds: meter, SMETS1: true},
	"4.4.5":  {Kinds: meter, SMETS1: true},
	"4.6.1":  {Kinds: meter, SMETS1: true},
	"4.6.2":  {Kinds: esme, SMETS1: true},
	"4.8.1":  {Kinds: meter, SMETS1: true},
	"4.8.2":  {Kinds: esme, SMETS1: true},
	"4.8.3":  {Kinds: esme, SMETS1: true},
	"4.10":   {Kinds: meter, SMETS1: true},
	"4.11.1": {Kinds: meter, SMETS1: true},
	"4.11.2": {Kinds: esme, SMETS1: true, Note: assumption + "the secondary element exists on twin-element ESMEs only"},
	"4.12.1": {Kinds: esme, SMETS1: true},
	"4.12.2": {Kinds: esme, SMETS1: true},
	"4.13":   {Kinds: meter, SMETS1: true},
	"4.14":   {Kinds: []devices.Kind{devices.KindESME, devices.KindGSME, devices.KindGPF}, SMETS1: true},
	"4.15":   {Kinds: esme, SMETS1: true},
	"4.16":   {Kinds: esme, SMETS1: true},
	"4.17":   {Kinds: meter, SMETS1: true},
	"4.18":   {Kinds: []devices.Kind{devices.KindESME, devices.KindGSME, devices.KindGPF}, SMETS1: true},
	"6.2.1":  {Kinds: esme, SMETS1: true},
	"6.2.2":  {Kinds: esme, SMETS1: true},
	"6.2.3":  {Kinds: meter, SMETS1: true},
	"6.2.4":  {Kinds: meter, SMETS1: true},
	"6.2.5":  {Kinds: esme, SMETS1: true},
	"6.2.7":  {Kinds: meter, SMETS1: true},
	"6.2.8":  {Kinds: gsme, SMETS1: true},
	"6.2.9":  {Kinds: meter, SMETS1: true},
	"6.2.10": {Kinds: meter, SMETS1: true},
	"6.4.1":  {Kinds: esme, SMETS1: true},
	"6.4.2":  {Kinds: esme, SMETS1: true},
	"6.5":    {Kinds: esme, SMETS1: true},
	"6.6":    {Kinds: gsme, SMETS1: true},
	"6.7":    {Kinds: gsme, SMETS1: true},
	"6.8":    {Kinds: meter, SMETS1: true},
	"6.11":   {Kinds: meter, SMETS1: true},
	"6.12":   {Kinds: esme, SMETS1: true},
	"6.13":   {Kinds: []devices.Kind{devices.KindESME, devices.KindGSME, devices.KindCHF, devices.KindGPF}, SMETS1: true, Note: "CS10a/b read a ZigBee device's event or security log"},
	"6.14.1": {Kinds: esme, Note: notALC},
	"6.14.2": {Kinds: esme, Note: notALC},
	"6.14.3": {Kinds: esme, Note: notALC},
	"6.15.1": {Kinds: meter, Note: notSMKI},
	"6.15.2": {Kinds: meter, Note: notSMKI},
	"6.17":   {Kinds: meter, Note: notSMKI},
	"6.18.1": {Kinds: esme, SMETS1: true},
	"6.18.2": {Kinds: esme, SMETS1: true},
	"6.20.1": {Kinds: meter, SMETS1: true},
	"6.20.2": {Kinds: esme, SMETS1: true},
	"6.21":   {Kinds: []devices.Kind{devices.KindGPF}, Note: "handover of DCC-controlled devices uses SMKI"},
	"6.22":   {Kinds: meter, SMETS1: true},
	"6.23":   {Kinds: meter, Note: notSMKI},
	"6.24.1": {Kinds: meter, Note: notSMKI},
	"6.24.2": {Kinds: meter, Note: notSMKI},
	"6.25":   {Kinds: esme, SMETS1: true},
	"6.26":   {Kinds: esme, SMETS1: true},
	"6.27":   {Kinds: esme, SMETS1: true},
	"6.28":   {Kinds: chf, Note: notSubGHz},
	"6.29":   {Kinds: chf, Note: notSubGHz},
	"6.30":   {Kinds: chf, Note: notSubGHz},
	"6.31":   {Kinds: chf, Note: notSubGHz},
	"6.32":   {Kinds: chf, Note: notSubGHz},
	"7.1":    {Kinds: esme, SMETS1: true, Note: "a gas valve is only ever armed remotely; the consumer opens it"},
	"7.2":    {Kinds: meter, SMETS1: true},
	"7.3":    {Kinds: meter, SMETS1: true},
	"7.4":    {Kinds: meter, SMETS1: true},
	"7.5":    {Kinds: esme, Note: notALC},
	"7.6":    {Kinds: esme, Note: notALC},
	"7.7":    {Kinds: esme, Note: notALC},
	"7.8":    {Kinds: esme, Note: notALC},
	"7.9":    {Kinds: esme, Note: notALC},
	"7.10":   {Kinds: esme, Note: notALC},
	"7.11":   {Kinds: esme, Note: notALC},
	"7.12":   {Kinds: esme, Note: notALC},
	"7.13":   {Kinds: esme, Note: notALC},
	"7.14":   {Kinds: esme, Note: notALC},
	"7.15":   {Kinds: esme, Note: notALC},
	"7.16":   {Kinds: esme, Note: notALC},
	"8.1.1":  {Kinds: []devices.Kind{devices.KindESME, devices.KindGSME, devices.KindCHF, devices.KindGPF, devices.KindPPMID}, SMETS1: true, Note: assumption + "SMETS1 devices normally enter by migration; 8.1.1 commissions one installed after migration"},
	"8.5":    {Kinds: meter, Note: notSMKI},
	"8.7.1":  {Kinds: []devices.Kind{devices.KindESME, devices.KindGSME, devices.KindPPMID}, SMETS1: true},
	"8.7.2":  {Kinds: []devices.Kind{devices.KindESME, devices.KindGSME, devices.KindPPMID}, SMETS1: true},
	"8.8.1":  {Kinds: []devices.Kind{devices.KindESME, devices.KindGSME, devices.KindPPMID}, SMETS1: true},
	"8.8.2":  {Kinds: []devices.Kind{devices.KindESME, devices.KindGSME, devices.KindPPMID}, SMETS1: true},
	"8.9":    {Kinds: []devices.Kind{devices.KindCHF, devices.KindESME, devices.KindGSME, devices.KindPPMID}, SMETS1: true},
	"8.11":   {Kinds: chf, SMETS1: true},
	"8.12.1": {Kinds: chf, SMETS1: true},
	"8.12.2": {Kinds: []devices.Kind{devices.KindGPF}, SMETS1: true},
	"9.1":    {Kinds: meter, Note: assumption + "customer identification numbers are a SMETS2 prepayment feature"},
	"11.2":   {Kinds: []devices.Kind{devices.KindESME, devices.KindGSME, devices.KindCHF, devices.KindGPF, devices.KindPPMID}, SMETS1: true},
	"11.3":   {Kinds: []devices.Kind{devices.KindESME, devices.KindGSME, devices.KindCHF, devices.KindGPF, devices.KindPPMID}, SMETS1: true},
	"14.1":   {Kinds: gsme, Note: assumption + "gas network data recording is a SMETS2 feature"},
}

// nonDeviceSMETS1 lists the non-device SRVs that do not apply to SMETS1 installations.
var nonDeviceSMETS1 = map[string]string{
	"8.6":    notSMKI,
	"8.13":   notLocal,
	"8.14.1": notDCCHub,
	"8.14.2": notDCCHub,
	"8.14.3": notDCCHub,
	"8.14.4": notDCCHub,
	"11.4":   assumption + "PPMID firmware is distributed with 11.1 for SMETS1",
}

// Applies returns the SRV's applicability. For non-device SRVs Kinds is empty.
func (s *SRV) Applies() Applicability {
	if a, ok := applicability[s.Variant]; ok {
		return a
	}
	if note, ok := nonDeviceSMETS1[s.Variant]; ok {
		return Applicability{Note: note}
	}
	return Applicability{SMETS1: true}
}

// AppliesTo reports whether the SRV can be sent to a SMETS1 device of kind k, and if not why.
func (s *SRV) AppliesTo(k devices.Kind) (bool, string) {
	a := s.Applies()
	if !a.SMETS1 {
		return false, a.Note
	}
	for _, x := range a.Kinds {
		if x == k {
			return true, ""
		}
	}
	return false, "the SRV does not address a " + k.String()
}

// TargetResponseTime returns how long the DCC has to answer the SRV for a device of kind k. The DCC
// sets Target Response Times in the User Interface Services Schedule, which is not public in a
// form we hold, so these defaults are assumptions (docs/mock-dcc.md): on-demand requests to
// mains-powered devices 30 s, to a GSME its wake interval plus 30 s (it answers only when awake),
// non-device requests 5 s, future-dated requests 30 s after their execution time.
func (s *SRV) TargetResponseTime(k devices.Kind, wake time.Duration) time.Duration {
	if s.NonDevice {
		return 5 * time.Second
	}
	return DeviceTRT(k, wake)
}

// DeviceTRT is the Target Response Time of a request to a device of kind k (wake: a GSME's wake
// interval): 30 s, and for a GSME its wake interval on top, as it answers only when awake.
func DeviceTRT(k devices.Kind, wake time.Duration) time.Duration {
	if k == devices.KindGSME {
		return wake + 30*time.Second
	}
	return 30 * time.Second
}
