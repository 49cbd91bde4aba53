// Package scenarios runs scenario scripts against the mock DCC (or any DUIS endpoint) as a DCC User
// would: it loads and validates scenario files, expands their parameter rows into test cases, runs
// them in parallel on their own emulated premises and virtual clocks, and reports what happened with
// the evidence of every step.
package scenarios

import (
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/fleet"
)

// Scenario is one scenario file, validated: everything it names exists and every value has its
// type. Its steps still hold ${variable} references; Expand resolves them per parameter row.
type Scenario struct {
	File        string // as given to the loader
	Line        int    // where the scenario starts in File
	Name        string
	Description string
	Tags        []string

	// Fleet is what the scenario runs on: its own premises (inline, in the fleet file format) or a
	// fleet file (a fixture name such as "default", or a path relative to the scenario file).
	Fleet *fleet.Spec
	// FleetName says where Fleet came from, for reports.
	FleetName string

	// Users are the DCC Users the scenario acts as, by the alias its steps use in "as:". The
	// built-in aliases are supplier (90-B3-D5-1F-30-01-00-00), distributor (…02-00-00),
	// transporter (…03-00-00) and other (00-DB-12-34-56-78-00-04); a scenario may add its own.
	Users map[string]devices.EUI64

	// Variables are the scenario's defaults; each row of Parameters overrides some of them and
	// makes one test case.
	Variables  map[string]string
	Parameters []Row

	// PPCOpen names PPC list entries whose test is open while the scenario runs.
	PPCOpen []string

	Setup    []Step
	Steps    []Step
	Teardown []Step
}

// Row is one parameter row: variable name → value, with where it was written.
type Row struct {
	Values map[string]string
	Line   int
	// Names are the row's variable names in the order written, for case names.
	Names []string
}

// Pos is a place in a scenario file, for errors and reports.
type Pos struct {
	File         string
	Line, Column int
}

// StepKind names what a step does.
type StepKind string

// Step kinds.
const (
	StepSend    StepKind = "send"    // a service request as a user, optionally with expectations
	StepDevice  StepKind = "device"  // assert device state
	StepHAN     StepKind = "han"     // a local action on a HAN
	StepAdvance StepKind = "advance" // move the virtual clock
	StepFault   StepKind = "fault"   // make a device misbehave for a while
	StepExpect  StepKind = "expect"  // wait for and check messages not tied to a request (alerts)
)

// Step is one step of a scenario. Exactly one of the kind-specific fields is set, as Kind says.
// ForEach, when set, repeats the step once per row with the row's variables.
type Step struct {
	Pos Pos
	// Path is the step's field path in its file ("steps[2]", "setup[0]"), for errors.
	Path string
	// Where locates the step's values by their path within the step ("send.to",
	// `device["rtds-reference.ESME"].supply`), for errors found when the step is expanded or run.
	Where   map[string]Pos
	Kind    StepKind
	Name    string // optional label for reports
	ForEach []Row

	Send    *Send
	Device  *DeviceCheck
	HAN     *HANAction
	Advance *Advance
	Fault   *Fault
	Expect  *Expect
}

// Send is a service request sent as a user.
type Send struct {
	As string // user alias
	// SRV is the Service Reference Variant, e.g. "7.2".
	SRV string
	// To is the target: a device reference ("<premises>.<KIND>", e.g. "lab-1.ESME", or an EUI-64),
	// or "DCC" for a non-device request.
	To string
	// CV is the command variant; 0 means the natural one: 8 for non-device SRVs, 4 (then 5,
	// automatically) for critical ones, 1 otherwise.
	CV int
	// Body is the request body's XML without namespace prefixes, e.g. "<ReadFirmwareVersion/>"
	// (the runner writes it in the sr: namespace). A scenario may write it as a YAML mapping, which
	// the loader turns into this form.
	Body string
	// BodyFromMapping says Body was written as a YAML mapping: values substituted into it are
	// XML-escaped, as they are text and attribute values there. Into a body written as XML they
	// go as written.
	BodyFromMapping bool
	// ExecuteAt, when set, makes the request future-dated (sr:ExecutionDateTime in the body): an
	// RFC 3339 instant, or a duration after the step's virtual time ("+1h").
	ExecuteAt string
	// TopUp, for 2.2 Top Up Device, is an amount in pounds: the runner makes a UTRN for it with the
	// target meter's key (as a han top_up does) and sends <TopUpDevice><UTRN>…</UTRN></TopUpDevice>
	// as the body, which is then left unwritten.
	TopUp string
	// Expect checks the answers; nil expects the request's natural success (I99 then I0, or I0).
	Expect *Expect
}

// Expect checks the answers to a request, or messages arriving while the clock runs.
type Expect struct {
	// Code is the synchronous response code (I99, I0, E19 …); "" accepts the natural success.
	Code string
	// Response, when set, checks the asynchronous response to the request.
	Response *ResponseCheck
	// Alerts are alert codes (device alerts as 4 hex digits such as "8F1C", DCC alerts such as
	// "AD1", "N42") the user must receive within Within.
	Alerts []string
	// NoResponse demands that no asynchronous response arrives within Within.
	NoResponse bool
	// Scheduled (an expect step) waits for a response the DCC sends from a User's schedule
	// (5.1): the first not matched by an earlier step, of SRV Scheduled.SRV when set, checked
	// like a send step's response.
	Scheduled *ResponseCheck
	// NoScheduled (an expect step) demands that no response from a DCC schedule arrives within
	// Within.
	NoScheduled bool
	// Within bounds how long the runner waits (virtual time): 0 means the SRV's Target Response
	// Time for the device (for alerts: one hour).
	Within time.Duration
}

// ResponseCheck checks an asynchronous response.
type ResponseCheck struct {
	Code   string  // the async response code; "" means I0
	Fields []Field // checks on the MMC payload
	SRV    string  // for a scheduled response: the SRV it must carry ("" any)
	// Save keeps payload values for later checks of the same case, which name them @{name}.
	Save []Saved
}

// Saved keeps the value at Path of a response under Name.
type Saved struct {
	Pos  Pos
	Name string
	Path string
}

// Field is one check on a value in a message: a path of element local names from the payload's
// root (e.g. "ReadFirmwareVersionRsp/FirmwareVersion", "@MessageSuccess" for an attribute of
// the root), a comparison and a value.
type Field struct {
	Pos   Pos
	Path  string
	Op    Op
	Value string
}

// Op is a comparison.
type Op string

// Comparisons. Numbers compare as numbers when both sides parse as such, otherwise as strings.
const (
	OpEq       Op = "=="
	OpNe       Op = "!="
	OpLt       Op = "<"
	OpLe       Op = "<="
	OpGt       Op = ">"
	OpGe       Op = ">="
	OpMatches  Op = "~"        // regular expression
	OpContains Op = "contains" // substring
	OpExists   Op = "exists"   // the path is there (Value unused)
	OpAbsent   Op = "absent"   // the path is not there (Value unused; response fields only)
)

// DeviceCheck asserts the state of devices: device reference → property → check.
type DeviceCheck struct {
	Checks []DeviceProperty
}

// DeviceProperty is one property of one device, compared as Field values are.
type DeviceProperty struct {
	Pos      Pos
	Device   string // device reference
	Property string // see Properties
	Op       Op
	Value    string
}

// Properties are the device properties a device step may check, by device kind. Money is in
// pounds ("12.50"), energy in Wh, gas volume in m³.
var Properties = map[string][]devices.Kind{
	"supply":          {devices.KindESME, devices.KindGSME},                  // enabled | disabled | armed
	"balance":         {devices.KindESME, devices.KindGSME},                  // £, prepayment meter balance
	"payment_mode":    {devices.KindESME, devices.KindGSME},                  // credit | prepayment
	"register":        {devices.KindESME, devices.KindGSME, devices.KindGPF}, // Wh or m³ (GPF: its mirror of the GSME)
	"mirror_age":      {devices.KindGPF},                                     // seconds since the GSME last reported to the GPF
	"mirror_lag":      {devices.KindGPF},                                     // m³ the mirror is below the GSME's register at that report
	"firmware":        {devices.KindESME, devices.KindGSME, devices.KindCHF, devices.KindGPF, devices.KindPPMID},
	"model":           {devices.KindESME, devices.KindGSME, devices.KindCHF, devices.KindGPF, devices.KindPPMID},
	"smi_status":      {devices.KindESME, devices.KindGSME, devices.KindCHF, devices.KindGPF, devices.KindPPMID},
	"standing_charge": {devices.KindESME, devices.KindGSME},                    // £ a day
	"price":           {devices.KindESME, devices.KindGSME, devices.KindPPMID}, // £ per kWh now in force (PPMID: the electricity price it shows)
	"gas_price":       {devices.KindPPMID},                                     // £ per kWh the PPMID shows for gas
	"message":         {devices.KindESME, devices.KindGSME, devices.KindPPMID}, // text on display
	"credit":          {devices.KindPPMID},                                     // £ the PPMID shows for electricity
	"gas_credit":      {devices.KindPPMID},                                     // £ the PPMID shows for gas
	"wan":             {devices.KindCHF},                                       // up | down
	"clock_offset":    {devices.KindESME, devices.KindGSME},                    // seconds the device clock is ahead
	// What 3.2, 3.4 and 3.5 set on a meter's display.
	"supplier_name":     {devices.KindESME, devices.KindGSME}, // the supplier's name (3.4)
	"supplier_phone":    {devices.KindESME, devices.KindGSME}, // the supplier's telephone number (3.4)
	"privacy_pin":       {devices.KindESME, devices.KindGSME}, // enabled | disabled (3.5)
	"restricted_before": {devices.KindESME, devices.KindGSME}, // RFC 3339 instant before which the consumer sees no data (3.2), or ""
}

// HANAction is a local action on a premises' HAN: what a consumer or an installer does.
type HANAction struct {
	Action string // top_up | emergency_credit | enable_supply | wake
	Device string // the device acted on (the PPMID for top_up; the GSME for wake)
	Fuel   string // electricity | gas, for PPMID actions
	Amount string // £ for top_up: a UTRN for that amount is made with the meter's key
	UTRN   string // or a given UTRN
}

// Advance moves the virtual clock: by a duration, to an instant, or to just after a GSME's next
// wake-up.
type Advance struct {
	By     time.Duration
	To     string // RFC 3339
	WakeOf string // device reference of a GSME
}

// Fault makes a device misbehave from the step's time for For (0: until the scenario ends).
type Fault struct {
	Device string
	Kind   string // offline | wan_down | power_off | slow | drop_frames | profile fault name
	For    time.Duration
	// Latency is the response time of a "slow" device.
	Latency time.Duration
	// Every is the N of a fault that affects every Nth event (drop_frames, miss_wakeups).
	Every int
}

// Case is one test case: a scenario with one parameter row applied.
type Case struct {
	Scenario *Scenario
	Row      *Row   // nil when the scenario has no parameters
	ID       string // "<file>::<name>" or "<file>::<name>[<row index>]", stable across runs
	Name     string // the scenario's name, with the row's values
	Vars     map[string]string
}
