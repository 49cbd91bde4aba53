package uts

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/simulator/srv"
)

// Stimulus is what UTS does, as a real DCC might, when the User sends a pack case's SRV.
type Stimulus string

// The stimuli a pack case may ask for.
const (
	Answer      Stimulus = "answer"       // carry the request out; deliver its response once
	Duplicate   Stimulus = "duplicate"    // deliver the response twice, byte for byte
	Late        Stimulus = "late"         // hold the response for delay before delivering it
	Error       Stimulus = "error"        // answer code: E5 synchronously, E20 or E21 asynchronously
	DeviceAlert Stimulus = "device_alert" // deliver the response, then have the device raise alert
	DCCAlert    Stimulus = "dcc_alert"    // deliver the response, then send DCC alert alert
	Invalid     Stimulus = "invalid"      // deliver the response, then post a message that is not DUIS
)

var stimuli = []Stimulus{Answer, Duplicate, Late, Error, DeviceAlert, DCCAlert, Invalid}

// The error codes a pack may ask for: E5 is the DCC's synchronous refusal (the device's SMI status
// does not allow the request); E20 and E21 are asynchronous (cannot communicate, no response).
var errorCodes = []string{"E5", "E20", "E21"}

// The DCC alerts UTS can send of its own accord.
var dccAlertCodes = []string{"AD1", "N1"}

// MaxDelay bounds a late stimulus's delay: a UTS session runs on the wall clock.
const MaxDelay = 10 * time.Minute

// Pack is a UTS pack: the test cases a UTS session runs, each a stimulus UTS applies to the next
// request of an SRV the User sends.
type Pack struct {
	Name        string
	Description string
	Files       []string // the files it was read from
	Cases       []PackCase
}

// PackCase is one case of a pack.
type PackCase struct {
	Name        string
	Description string
	File        string
	Line        int
	SRV         string
	Stimulus    Stimulus
	Code        string        // Error: E5, E20 or E21
	Delay       time.Duration // Late
	Alert       string        // DeviceAlert: 4 hex digits; DCCAlert: AD1 or N1
}

// Where says where the case is written.
func (c PackCase) Where() string { return fmt.Sprintf("%s:%d", c.File, c.Line) }

type rawPack struct {
	Name        string    `yaml:"name"`
	Description string    `yaml:"description"`
	Cases       []rawCase `yaml:"cases"`
}

type rawCase struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	SRV         string `yaml:"srv"`
	Stimulus    string `yaml:"stimulus"`
	Code        string `yaml:"code"`
	Delay       string `yaml:"delay"`
	Alert       string `yaml:"alert"`
}

var hexAlert = regexp.MustCompile(`^[0-9A-Fa-f]{4}$`)

// ParsePack reads one pack file. Every mistake is an error naming the file, line, column and
// field.
func ParsePack(name string, data []byte) (*Pack, error) {
	var raw rawPack
	doc, err := yamldoc.Decode(name, data, &raw)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(raw.Name) == "" {
		return nil, doc.Errorf("name", "missing: name the pack")
	}
	if len(raw.Cases) == 0 {
		return nil, doc.Errorf("cases", "missing: list at least one case")
	}
	// YAML reads 7.10 as the number 7.1: an SRV must be written as text.
	tree, err := yamldoc.Parse(name, data)
	if err != nil {
		return nil, err
	}
	if cs := tree.Get("cases"); cs != nil {
		for i, item := range cs.Items {
			if v := item.Get("srv"); v != nil && v.Kind == yamldoc.ScalarNode && v.Type != yamldoc.StringScalar && !v.Quoted {
				return nil, doc.Errorf(fmt.Sprintf("cases[%d].srv", i), "%s is written as a number, which YAML may change (7.10 reads as 7.1): quote it, \"%s\"", v.Value, v.Value)
			}
		}
	}
	p := &Pack{Name: raw.Name, Description: raw.Description, Files: []string{name}}
	names := map[string]bool{}
	for i, r := range raw.Cases {
		at := fmt.Sprintf("cases[%d]", i)
		line, _ := doc.Position(at)
		c := PackCase{Name: strings.TrimSpace(r.Name), Description: r.Description, File: name, Line: line}
		if c.Name == "" {
			return nil, doc.Errorf(at+".name", "missing: name the case (its test case in the report takes the name)")
		}
		if names[c.Name] {
			return nil, doc.Errorf(at+".name", "%q names two cases: names are unique in a pack", c.Name)
		}
		names[c.Name] = true
		s := srv.Lookup(r.SRV)
		if s == nil {
			return nil, doc.Errorf(at+".srv", "%q is not a Service Reference Variant DUIS defines (write it quoted: \"4.1.1\")", r.SRV)
		}
		if a := s.Applies(); !a.SMETS1 {
			return nil, doc.Errorf(at+".srv", "%s %s does not apply to SMETS1: %s", s.Variant, s.Name, a.Note)
		}
		c.SRV = s.Variant
		c.Stimulus = Stimulus(r.Stimulus)
		if !containsStimulus(c.Stimulus) {
			return nil, doc.Errorf(at+".stimulus", "%q: want one of %s", r.Stimulus, joinStimuli())
		}
		if s.NonDevice && c.Stimulus != Answer {
			return nil, doc.Errorf(at+".stimulus", "%s is answered by the DCC itself, synchronously: only %q applies to it", s.Variant, Answer)
		}
		if r.Code != "" && c.Stimulus != Error {
			return nil, doc.Errorf(at+".code", "only an %q stimulus takes a code", Error)
		}
		if r.Delay != "" && c.Stimulus != Late {
			return nil, doc.Errorf(at+".delay", "only a %q stimulus takes a delay", Late)
		}
		if r.Alert != "" && c.Stimulus != DeviceAlert && c.Stimulus != DCCAlert {
			return nil, doc.Errorf(at+".alert", "only %q and %q stimuli take an alert", DeviceAlert, DCCAlert)
		}
		switch c.Stimulus {
		case Error:
			c.Code = strings.ToUpper(r.Code)
			if !containsString(errorCodes, c.Code) {
				return nil, doc.Errorf(at+".code", "%q: want one of %s", r.Code, strings.Join(errorCodes, ", "))
			}
		case Late:
			d, err := time.ParseDuration(r.Delay)
			if err != nil || d <= 0 || d > MaxDelay {
				return nil, doc.Errorf(at+".delay", "%q: want a duration above 0 and at most %s, such as 5s", r.Delay, MaxDelay)
			}
			c.Delay = d
		case DeviceAlert:
			if !hexAlert.MatchString(r.Alert) {
				return nil, doc.Errorf(at+".alert", "%q: a device alert is its GBCS code in 4 hex digits, such as \"8F35\"", r.Alert)
			}
			c.Alert = strings.ToUpper(r.Alert)
			if !knownAlert(c.Alert) {
				return nil, doc.Errorf(at+".alert", "%s is not an alert smetsim's devices raise (`smetsim devices alerts` lists them)", c.Alert)
			}
		case DCCAlert:
			c.Alert = strings.ToUpper(r.Alert)
			if !containsString(dccAlertCodes, c.Alert) {
				return nil, doc.Errorf(at+".alert", "%q: want one of %s", r.Alert, strings.Join(dccAlertCodes, ", "))
			}
		}
		p.Cases = append(p.Cases, c)
	}
	return p, nil
}

// LoadPack reads a pack from a file, or from every *.yaml file directly in a directory (in name
// order; sub-directories, such as a reference session's scenarios, are not read), as one pack.
func LoadPack(fsys fs.FS, name string) (*Pack, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("UTS pack: %w", err)
	}
	files := []string{name}
	if st.IsDir() {
		entries, err := fs.ReadDir(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("UTS pack: %w", err)
		}
		files = nil
		for _, e := range entries {
			if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
				files = append(files, path.Join(name, e.Name()))
			}
		}
		sort.Strings(files)
		if len(files) == 0 {
			return nil, fmt.Errorf("UTS pack %s: no .yaml files in it", name)
		}
	}
	var out *Pack
	seen := map[string]string{}
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("UTS pack: %w", err)
		}
		p, err := ParsePack(f, data)
		if err != nil {
			return nil, err
		}
		for _, c := range p.Cases {
			if prev, ok := seen[c.Name]; ok {
				return nil, fmt.Errorf("%s: case %q is already in %s: names are unique in a pack", c.Where(), c.Name, prev)
			}
			seen[c.Name] = c.Where()
		}
		if out == nil {
			out = p
			continue
		}
		out.Name += ", " + p.Name
		out.Files = append(out.Files, f)
		out.Cases = append(out.Cases, p.Cases...)
	}
	return out, nil
}

func containsStimulus(s Stimulus) bool {
	for _, x := range stimuli {
		if x == s {
			return true
		}
	}
	return false
}

func joinStimuli() string {
	parts := make([]string, len(stimuli))
	for i, s := range stimuli {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}

func containsString(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func knownAlert(code string) bool {
	for _, a := range devices.Alerts {
		if fmt.Sprintf("%04X", uint16(a.Code)) == code {
			return true
		}
	}
	return false
}

func alertInfo(code string) (devices.AlertInfo, bool) {
	for _, a := range devices.Alerts {
		if fmt.Sprintf("%04X", uint16(a.Code)) == code {
			return a, true
		}
	}
	return devices.AlertInfo{}, false
}
