// Package yamldoc loads the YAML files users write (device model profiles, fleets, later scenarios)
// so that every mistake is reported with the file, line, column and field it is in. Decoding is
// strict: unknown fields, duplicate keys and wrong types are errors, not silently ignored.
package yamldoc

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// MaxSize bounds the files this package reads, so that a mistaken path to a huge file fails
// clearly instead of exhausting memory.
const MaxSize = 16 << 20

// Error is a mistake in a YAML file, located by line and column (1-based; 0 when unknown) and by
// the path of the field, written as in the file (e.g. "firmware[1].faults[0].kind").
type Error struct {
	File   string
	Line   int
	Column int
	Field  string
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Doc is a parsed YAML document kept for locating fields in later checks.
type Doc struct {
	Name string
	file *ast.File
}

// Decode parses data, read from the file called name, strictly into v.
func Decode(name string, data []byte, v any) (*Doc, error) {
	if len(data) > MaxSize {
		return nil, &Error{File: name, Msg: fmt.Sprintf("file is %d bytes; the limit is %d", len(data), MaxSize)}
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, convert(name, err)
	}
	doc := &Doc{Name: name, file: f}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return nil, &Error{File: name, Line: 1, Msg: "file is empty"}
	}
	if len(f.Docs) > 1 {
		return nil, &Error{File: name, Line: docLine(f.Docs[1]), Msg: "file holds more than one YAML document"}
	}
	if err := yaml.NodeToValue(f.Docs[0].Body, v, yaml.DisallowUnknownField()); err != nil {
		return nil, convert(name, err)
	}
	return doc, nil
}

func docLine(d *ast.DocumentNode) int {
	if d.Body != nil && d.Body.GetToken() != nil {
		return d.Body.GetToken().Position.Line
	}
	return 0
}

func convert(name string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		e := &Error{File: name, Msg: cleanMessage(ye.GetMessage())}
		if tk := ye.GetToken(); tk != nil {
			e.Line, e.Column = tk.Position.Line, tk.Position.Column
		}
		return e
	}
	return &Error{File: name, Msg: err.Error()}
}

// cleanMessage turns the decoder's Go-flavoured messages into ones a fixture author can act on.
func cleanMessage(m string) string {
	m = strings.TrimSpace(m)
	if i := strings.Index(m, "cannot unmarshal "); i >= 0 {
		// "cannot unmarshal string into Go struct field rawModel.tiers of type int"
		rest := m[i+len("cannot unmarshal "):]
		from, after, ok := strings.Cut(rest, " into Go ")
		if ok {
			if j := strings.LastIndex(after, " of type "); j >= 0 {
				return fmt.Sprintf("wrong type: got %s, want %s", from, friendlyType(after[j+len(" of type "):]))
			}
		}
	}
	return m
}

func friendlyType(t string) string {
	switch {
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"):
		return "a whole number"
	case strings.HasPrefix(t, "float"):
		return "a number"
	case t == "string":
		return "a string"
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["):
		return "a mapping"
	}
	return t
}

// Errorf returns an *Error located at the field with the given path ("firmware[1].version"); if
// the field is absent, at the nearest enclosing field that exists.
func (d *Doc) Errorf(path, format string, args ...any) error {
	e := &Error{File: d.Name, Field: path, Msg: fmt.Sprintf(format, args...)}
	e.Line, e.Column = d.Position(path)
	return e
}

// Position returns the line and column of the field with the given path, or of the nearest
// enclosing field that exists; 0, 0 if none does.
func (d *Doc) Position(path string) (int, int) {
	if d == nil || d.file == nil {
		return 0, 0
	}
	for p := path; ; {
		if n := d.node(p); n != nil {
			if tk := n.GetToken(); tk != nil {
				return tk.Position.Line, tk.Position.Column
			}
		}
		if p == "" {
			return 0, 0
		}
		p = parent(p)
	}
}

// node finds a field by path. Keys are matched literally so that keys with dots (SRV variants such
// as "4.1.1") work, which a path query language would split.
func (d *Doc) node(path string) ast.Node {
	if len(d.file.Docs) == 0 {
		return nil
	}
	n := d.file.Docs[0].Body
	for _, step := range splitPath(path) {
		n = unwrap(n)
		if step.key != "" {
			m, ok := n.(*ast.MappingNode)
			if !ok {
				return nil
			}
			var found ast.Node
			for _, kv := range m.Values {
				if keyString(kv.Key) == step.key {
					if step.last && step.index < 0 {
						return kv.Key
					}
					found = kv.Value
					break
				}
			}
			if found == nil {
				return nil
			}
			n = found
		}
		if step.index >= 0 {
			s, ok := unwrap(n).(*ast.SequenceNode)
			if !ok || step.index >= len(s.Values) {
				return nil
			}
			n = s.Values[step.index]
		}
	}
	return n
}

func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.TagNode:
			n = v.Value
		case *ast.AnchorNode:
			n = v.Value
		default:
			return n
		}
	}
}

func keyString(k ast.MapKeyNode) string {
	if s, ok := k.(*ast.StringNode); ok {
		return s.Value
	}
	return strings.Trim(k.String(), `"'`)
}

type pathStep struct {
	key   string
	index int
	last  bool
}

// splitPath splits "a.b[2].c" into steps; a key in quotes (["4.1.1"]) may contain dots.
func splitPath(path string) []pathStep {
	var steps []pathStep
	for path != "" {
		st := pathStep{index: -1}
		switch {
		case strings.HasPrefix(path, `["`):
			end := strings.Index(path, `"]`)
			if end < 0 {
				return steps
			}
			st.key, path = path[2:end], path[end+2:]
		case path[0] == '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return steps
			}
			i, err := strconv.Atoi(path[1:end])
			if err != nil {
				return steps
			}
			st.index, path = i, path[end+1:]
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			st.key, path = path[:end], path[end:]
		}
		// A following [n] indexes this key's value.
		if st.key != "" && strings.HasPrefix(path, "[") && !strings.HasPrefix(path, `["`) {
			end := strings.IndexByte(path, ']')
			if i, err := strconv.Atoi(path[1:max(end, 1)]); err == nil && end > 0 {
				st.index, path = i, path[end+1:]
			}
		}
		path = strings.TrimPrefix(path, ".")
		steps = append(steps, st)
	}
	if len(steps) > 0 {
		steps[len(steps)-1].last = true
	}
	return steps
}

func parent(path string) string {
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i >= 0 {
			return path[:i]
		}
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

// Key formats a map key for a path, quoting it when it holds a dot.
func Key(k string) string {
	if strings.ContainsAny(k, ".[]") {
		return `["` + k + `"]`
	}
	return k
}
