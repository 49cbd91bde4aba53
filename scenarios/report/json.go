package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/scenarios"
)

// Format is the version of report.json's layout, written as "report_format". It goes up only
// when a field changes meaning or goes away; new fields keep it, and Read ignores fields it does
// not know, so an older smetsim reads a newer report of the same format.
const Format = 1

// MaxReportBytes bounds the report.json Read accepts, so that a wrong path to a huge file fails
// clearly instead of exhausting memory.
const MaxReportBytes = 256 << 20

// jsonReport is report.json: the Result's own fields with the format version beside them.
type jsonReport struct {
	Format int `json:"report_format"`
	*scenarios.Result
}

func writeJSON(b *bytes.Buffer, r *scenarios.Result) error {
	c := *r
	// Lists are written as [] rather than null, so readers need no special case.
	c.Cases = make([]scenarios.CaseResult, len(r.Cases))
	for i, cr := range r.Cases {
		if cr.Steps == nil {
			cr.Steps = []scenarios.StepResult{}
		}
		c.Cases[i] = cr
	}
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false) // evidence is XML: keep its < and > readable
	enc.SetIndent("", "  ")
	return enc.Encode(jsonReport{Format: Format, Result: &c})
}

// Read reads the report.json in dir (as WriteDir writes it). Every mistake in the file is a
// *yamldoc.Error naming the file, line, column and field.
func Read(dir string) (*scenarios.Result, error) {
	path := filepath.Join(dir, JSONFile)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	defer f.Close()
	tooLarge := &yamldoc.Error{File: path, Msg: fmt.Sprintf("larger than %d MiB: not a report.json", MaxReportBytes>>20)}
	if st, err := f.Stat(); err == nil && st.Size() > MaxReportBytes {
		return nil, tooLarge
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxReportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read report %s: %w", path, err)
	}
	if len(data) > MaxReportBytes {
		return nil, tooLarge
	}
	return Parse(path, data)
}

// Parse reads a report.json's content; name is the file it came from, for errors. The document
// must be one JSON object of report format Format or older, with consistent content: every case
// has an ID no other case has, statuses and evidence kinds are the documented ones, durations are
// not negative, and the totals match the cases' statuses.
func Parse(name string, data []byte) (*scenarios.Result, error) {
	r := &scenarios.Result{}
	doc := jsonReport{Result: r}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, decodeError(name, data, err)
	}
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("null")) {
		return nil, &yamldoc.Error{File: name, Line: 1, Column: 1, Msg: "want a report object, got null"}
	}
	if doc.Format > Format {
		return nil, locatedError(name, data, "report_format", fmt.Sprintf("format %d is newer than this smetsim reads (%d): use a newer smetsim", doc.Format, Format))
	}
	if doc.Format < 0 {
		return nil, locatedError(name, data, "report_format", fmt.Sprintf("format %d: want %d", doc.Format, Format))
	}
	if path, msg := validate(r); msg != "" {
		return nil, locatedError(name, data, path, msg)
	}
	// Lists are written as [] and read back as Go's zero value.
	if len(r.Cases) == 0 {
		r.Cases = nil
	}
	for i := range r.Cases {
		if len(r.Cases[i].Steps) == 0 {
			r.Cases[i].Steps = nil
		}
	}
	return r, nil
}

var validStatus = map[scenarios.Status]bool{scenarios.Passed: true, scenarios.Failed: true, scenarios.Skipped: true}

// EvidenceKinds are the kinds of message a step's evidence may hold.
var EvidenceKinds = []string{"request", "answer", "response", "alert"}

// validate finds the first inconsistency in r, as a field path and a message ("" when none).
func validate(r *scenarios.Result) (path, msg string) {
	if _, err := parseShards(r.Shard); err != nil {
		return "shard", err.Error()
	}
	if r.Wall < 0 {
		return "wall_ns", "negative duration"
	}
	seen := make(map[string]int, len(r.Cases))
	for i := range r.Cases {
		c := &r.Cases[i]
		at := func(f string) string { return fmt.Sprintf("cases[%d].%s", i, f) }
		if c.ID == "" {
			return at("id"), "a case needs an ID"
		}
		if j, dup := seen[c.ID]; dup {
			return at("id"), fmt.Sprintf("case %q is also cases[%d]", c.ID, j)
		}
		seen[c.ID] = i
		if !validStatus[c.Status] {
			return at("status"), fmt.Sprintf("%q: want passed, failed or skipped", c.Status)
		}
		switch {
		case c.Wall < 0:
			return at("wall_ns"), "negative duration"
		case c.Virtual < 0:
			return at("virtual_ns"), "negative duration"
		case c.Breaches < 0:
			return at("trt_breaches"), "negative count"
		}
		for j := range c.Steps {
			s := &c.Steps[j]
			at := func(f string) string { return fmt.Sprintf("cases[%d].steps[%d].%s", i, j, f) }
			if !validStatus[s.Status] {
				return at("status"), fmt.Sprintf("%q: want passed, failed or skipped", s.Status)
			}
			if s.Wall < 0 {
				return at("wall_ns"), "negative duration"
			}
			for k := range s.Messages {
				m := &s.Messages[k]
				at := func(f string) string { return fmt.Sprintf("cases[%d].steps[%d].messages[%d].%s", i, j, k, f) }
				if !knownEvidence(m.Kind) {
					return at("kind"), fmt.Sprintf("%q: want %s", m.Kind, strings.Join(EvidenceKinds, ", "))
				}
				if m.Elapsed < 0 {
					return at("elapsed_ns"), "negative duration"
				}
				if m.TRT < 0 {
					return at("trt_ns"), "negative duration"
				}
			}
		}
	}
	t := *r
	t.Tally()
	for _, n := range []struct {
		field      string
		got, cases int
	}{{"passed", r.Passed, t.Passed}, {"failed", r.Failed, t.Failed}, {"skipped", r.Skipped, t.Skipped}} {
		if n.got != n.cases {
			return n.field, fmt.Sprintf("%d, but %d cases %s", n.got, n.cases, n.field)
		}
	}
	return "", ""
}

func knownEvidence(k string) bool {
	for _, e := range EvidenceKinds {
		if k == e {
			return true
		}
	}
	return false
}

// shardRE is one shard: "k/N".
var shardRE = regexp.MustCompile(`^([1-9][0-9]{0,5})/([1-9][0-9]{0,5})$`)

// shardSet is the shards a report covers: N and the set of k. A merged report that covers only
// some shards of a run is labelled with their list ("1/4,3/4").
type shardSet struct {
	n  int
	ks map[int]bool
}

// parseShards reads a shard label: "" (a whole run, or unknown), "k/N" or a comma-separated list
// of shards of the same N.
func parseShards(s string) (shardSet, error) {
	set := shardSet{ks: map[int]bool{}}
	if s == "" {
		return set, nil
	}
	for _, part := range strings.Split(s, ",") {
		m := shardRE.FindStringSubmatch(part)
		if m == nil {
			return set, fmt.Errorf("%q: want k/N (e.g. 2/4), or a comma-separated list of them", s)
		}
		k, _ := strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		if k > n {
			return set, fmt.Errorf("%q: shard %d of %d does not exist", s, k, n)
		}
		if set.n != 0 && n != set.n {
			return set, fmt.Errorf("%q: shards of %d and of %d", s, set.n, n)
		}
		if set.ks[k] {
			return set, fmt.Errorf("%q: shard %d/%d twice", s, k, n)
		}
		set.n = n
		set.ks[k] = true
	}
	return set, nil
}

// decodeError turns a decoding error into a located *yamldoc.Error.
func decodeError(name string, data []byte, err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syn):
		// The offset is of the byte after the one found wrong, unless the file ended.
		off := syn.Offset
		msg := strings.TrimPrefix(syn.Error(), "json: ")
		if strings.Contains(msg, "unexpected end") {
			msg = "the file ends in the middle of the report: is it cut short?"
		} else if off > 0 {
			off--
		}
		line, col := lineCol(data, off)
		return &yamldoc.Error{File: name, Line: line, Column: col, Field: pathAt(data, off+1), Msg: msg}
	case errors.As(err, &typ):
		path := pathAt(data, typ.Offset)
		line, col := lineCol(data, offsetOf(data, path))
		return &yamldoc.Error{File: name, Line: line, Column: col, Field: path, Msg: fmt.Sprintf("want %s, got %s", friendlyJSONType(typ.Type.String()), typ.Value)}
	}
	// A value that decodes itself (a time) says what is wrong but not where: find it.
	if path, msg := badTime(data); path != "" {
		return locatedError(name, data, path, msg)
	}
	return &yamldoc.Error{File: name, Msg: strings.TrimPrefix(err.Error(), "json: ")}
}

func friendlyJSONType(t string) string {
	switch t {
	case "uint64", "int", "int64", "time.Duration":
		return "a whole number"
	case "string", "scenarios.Status", "scenarios.StepKind":
		return "a string"
	case "time.Time":
		return "an RFC 3339 time"
	case "bool":
		return "true or false"
	}
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["), strings.HasPrefix(t, "scenarios."), strings.HasPrefix(t, "report."):
		return "an object"
	}
	return t
}

// badTime finds the first time field that does not hold an RFC 3339 time.
func badTime(data []byte) (path, msg string) {
	walk(data, func(p string, off int64, tok json.Token) bool {
		last := p[strings.LastIndexAny(p, ".")+1:]
		if last != "started" && last != "at" {
			return true
		}
		s, ok := tok.(string)
		if !ok {
			if tok == nil {
				return true // null: the zero time
			}
			path, msg = p, "want an RFC 3339 time (2026-06-01T00:00:00Z)"
			return false
		}
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			path, msg = p, fmt.Sprintf("%q: want an RFC 3339 time (2026-06-01T00:00:00Z)", s)
			return false
		}
		return true
	})
	return path, msg
}

// locatedError is an *yamldoc.Error at the field path of data, or at the nearest enclosing field
// that is written there.
func locatedError(name string, data []byte, path, msg string) error {
	line, col := lineCol(data, offsetOf(data, path))
	return &yamldoc.Error{File: name, Line: line, Column: col, Field: path, Msg: msg}
}

// offsetOf finds where the value at path starts in data, or the nearest enclosing value that is
// there; -1 when none is.
func offsetOf(data []byte, path string) int64 {
	// encoding/json matches keys without regard to case, and so does this.
	offs := map[string]int64{}
	walk(data, func(p string, off int64, _ json.Token) bool {
		if _, seen := offs[strings.ToLower(p)]; !seen {
			offs[strings.ToLower(p)] = off
		}
		return true
	})
	for {
		if off, ok := offs[strings.ToLower(path)]; ok {
			return off
		}
		if path == "" {
			return -1
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			path = ""
		} else {
			path = path[:i]
		}
	}
}

// pathAt is the path of the last value that starts before offset in data.
func pathAt(data []byte, offset int64) string {
	path := ""
	walk(data, func(p string, off int64, _ json.Token) bool {
		if off >= offset {
			return false
		}
		path = p
		return true
	})
	return path
}

// maxWalkDepth bounds the recursion over a document: a report nests seven deep.
const maxWalkDepth = 64

var errStop = errors.New("stop")

// walk visits every value of the JSON document in data, as far as it is well-formed, with its
// path ("cases[2].steps[0].status"; "" for the root), the offset it starts at and its first
// token (a json.Delim for objects and lists; nil for null, and for where the document stops
// being well-formed). visit returns false to stop.
func walk(data []byte, visit func(path string, off int64, tok json.Token) bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var value func(path string, depth int) error
	value = func(path string, depth int) error {
		if depth > maxWalkDepth {
			return errStop
		}
		off := valueStart(data, dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			visit(path, off, nil) // where the document breaks off
			return err
		}
		if !visit(path, off, tok) {
			return errStop
		}
		d, ok := tok.(json.Delim)
		if !ok {
			return nil
		}
		for i := 0; dec.More(); i++ {
			child := fmt.Sprintf("%s[%d]", path, i)
			if d == '{' {
				key, err := dec.Token()
				if err != nil {
					return err
				}
				k, _ := key.(string)
				child = k
				if path != "" {
					child = path + "." + k
				}
			}
			if err := value(child, depth+1); err != nil {
				return err
			}
		}
		_, err = dec.Token()
		return err
	}
	_ = value("", 0)
}

// valueStart skips the separators between the end of the previous token and the next value.
func valueStart(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ':', ',':
			off++
		default:
			return off
		}
	}
	return off
}

// lineCol turns a byte offset into a 1-based line and column (in characters); 0, 0 when the
// offset is not in data.
func lineCol(data []byte, off int64) (line, col int) {
	if off < 0 || off > int64(len(data)) {
		return 0, 0
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}
