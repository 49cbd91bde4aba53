// Package yamldoc loads the YAML files users write (device model profiles, fleets, later scenarios)
// so that every mistake is reported with the file, line, column and field it is in. Decoding is
// strict: unknown fields, duplicate keys and wrong types are errors, not silently ignored.
package yamldoc

import (
	"encoding"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
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
	// root and prefix are set for a Doc over part of a file (DecodeNode): paths are relative to
	// root, and errors name fields with prefix in front, as they are written in the whole file.
	root   ast.Node
	prefix string
}

// Decode parses data, read from the file called name, strictly into v.
func Decode(name string, data []byte, v any) (*Doc, error) {
	if len(data) > MaxSize {
		return nil, &Error{File: name, Msg: fmt.Sprintf("file is %d bytes; the limit is %d", len(data), MaxSize)}
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		e := convert(name, err)
		// The parser refuses a duplicate key before there is a tree to name its field in; a
		// second parse that tolerates duplicates gives that tree.
		if ye, ok := e.(*Error); ok && ye.Line > 0 {
			if g, gerr := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey()); gerr == nil && len(g.Docs) > 0 {
				ye.Field, _ = fieldAt(g.Docs[0].Body, "", ye.Line, ye.Column, 0)
			}
		}
		return nil, e
	}
	doc := &Doc{Name: name, file: f}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return nil, &Error{File: name, Line: 1, Msg: "file is empty"}
	}
	if len(f.Docs) > 1 {
		return nil, &Error{File: name, Line: docLine(f.Docs[1]), Msg: "file holds more than one YAML document"}
	}
	if err := decodeAt(name, f.Docs[0].Body, "", v); err != nil {
		return nil, err
	}
	return doc, nil
}

// decodeAt decodes the tree under body, whose own field path is prefix, strictly into v.
func decodeAt(name string, body ast.Node, prefix string, v any) error {
	t := reflect.TypeOf(v)
	if err := walkTyped(body, t, prefix, 0, checkTaggedLists(name, body)); err != nil {
		return err
	}
	_ = walkTyped(body, t, prefix, 0, keepKeyText)
	if err := nodeToValue(name, body, v); err != nil {
		if e, ok := err.(*Error); ok {
			return e
		}
		e := convert(name, err)
		if ye, ok := e.(*Error); ok && ye.Line > 0 {
			// The decoder knows only the token it stopped at; name the field the way the user
			// would write it, so the message reads like the file.
			ye.Field, _ = fieldAt(body, prefix, ye.Line, ye.Column, 0)
		}
		return e
	}
	return walkTyped(body, t, prefix, 0, checkWhole(name))
}

// walkTyped visits every node of the tree under n with the Go type it decodes into, following
// struct fields, map values and list items. It lets Decode check what the decoder gets wrong
// before or after it runs, with the path of the field at hand.
func walkTyped(n ast.Node, t reflect.Type, path string, depth int, visit func(n ast.Node, t reflect.Type, path string) error) error {
	if n == nil || t == nil || depth > maxWalkDepth || customDecoded(t) {
		return nil
	}
	if err := visit(n, t, path); err != nil {
		return err
	}
	if t.Kind() == reflect.Pointer {
		return walkTyped(n, t.Elem(), path, depth+1, visit) // the same node, as the pointer's target
	}
	n = unwrap(n)
	switch t.Kind() {
	case reflect.Struct:
		m, ok := n.(*ast.MappingNode)
		if !ok {
			return nil
		}
		for _, kv := range m.Values {
			k := keyString(kv.Key)
			if ft, ok := yamlField(t, k); ok {
				if err := walkTyped(kv.Value, ft, Join(path, k), depth+1, visit); err != nil {
					return err
				}
			}
		}
	case reflect.Map:
		m, ok := n.(*ast.MappingNode)
		if !ok {
			return nil
		}
		for _, kv := range m.Values {
			if err := walkTyped(kv.Value, t.Elem(), Join(path, keyString(kv.Key)), depth+1, visit); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		s, ok := n.(*ast.SequenceNode)
		if !ok {
			return nil
		}
		for i, item := range s.Values {
			if err := walkTyped(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), depth+1, visit); err != nil {
				return err
			}
		}
	}
	return nil
}

// errorAt is an *Error located at a node.
func errorAt(name string, n ast.Node, path, format string, args ...any) *Error {
	e := &Error{File: name, Field: path, Msg: fmt.Sprintf(format, args...)}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		e.Line, e.Column = tk.Position.Line, tk.Position.Column
	}
	return e
}

// checkTaggedLists refuses a tag (such as "! 3" or "!!str x") on something other than a list
// where a list is wanted, directly or through an alias: the decoder (goccy/go-yaml 1.19)
// dereferences nil on it and panics.
func checkTaggedLists(name string, body ast.Node) func(ast.Node, reflect.Type, string) error {
	var anchors map[string]*ast.AnchorNode
	return func(n ast.Node, t reflect.Type, path string) error {
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			return nil
		}
		at := n
		for hops := 0; hops < 100; hops++ { // bounded, in case aliases lead in a circle
			switch v := n.(type) {
			case *ast.AnchorNode:
				n = v.Value
				continue
			case *ast.AliasNode:
				if anchors == nil {
					anchors = map[string]*ast.AnchorNode{}
					collectAnchors(body, anchors, 0)
				}
				a := anchors[v.Value.GetToken().Value]
				if a == nil {
					return nil
				}
				n = a
				continue
			case *ast.TagNode:
				if _, ok := unwrap(v.Value).(*ast.SequenceNode); !ok {
					if _, alias := at.(*ast.AliasNode); !alias {
						at = v
					}
					return errorAt(name, at, path, "wrong type: got a tagged %s, want a list", strings.TrimPrefix(friendlyNode(unwrap(v.Value).Type()), "a "))
				}
				n = v.Value
				continue
			}
			return nil
		}
		return nil
	}
}

// collectAnchors finds the anchors under n by name, so an alias can be followed to its value.
func collectAnchors(n ast.Node, out map[string]*ast.AnchorNode, depth int) {
	if n == nil || depth > maxWalkDepth {
		return
	}
	switch v := n.(type) {
	case *ast.AnchorNode:
		if v.Name != nil {
			out[v.Name.GetToken().Value] = v
		}
		collectAnchors(v.Value, out, depth+1)
	case *ast.TagNode:
		collectAnchors(v.Value, out, depth+1)
	case *ast.MappingNode:
		for _, kv := range v.Values {
			collectAnchors(kv, out, depth+1)
		}
	case *ast.MappingValueNode:
		collectAnchors(v.Value, out, depth+1)
	case *ast.SequenceNode:
		for _, item := range v.Values {
			collectAnchors(item, out, depth+1)
		}
	}
}

// keepKeyText makes the keys of a map with string keys the text the file gives. The decoder
// would read an unquoted key as a number and write it back: "7.10" would become "7.1", turning
// the SRV 7.10 into 7.1, and "4.10" an SRV that does not exist.
func keepKeyText(n ast.Node, t reflect.Type, _ string) error {
	if t.Kind() != reflect.Map || t.Key().Kind() != reflect.String {
		return nil
	}
	m, ok := unwrap(n).(*ast.MappingNode)
	if !ok {
		return nil
	}
	for _, kv := range m.Values {
		switch k := kv.Key.(type) {
		case *ast.FloatNode, *ast.IntegerNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
			if tk := k.GetToken(); tk != nil {
				kv.Key = ast.String(tk)
			}
		}
	}
	return nil
}

// checkWhole refuses a number with a fraction where the value wants a whole number. The decoder
// would truncate it (tiers: 2.5 becomes 2), silently turning a typo into a different setting.
func checkWhole(name string) func(ast.Node, reflect.Type, string) error {
	return func(n ast.Node, t reflect.Type, path string) error {
		switch t.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		default:
			return nil
		}
		n = unwrap(n)
		var text string
		switch v := n.(type) {
		case *ast.FloatNode:
			text = v.GetToken().Value
		case *ast.StringNode:
			text = v.Value
		default:
			return nil
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(text), 64); err == nil && f != math.Trunc(f) {
			return errorAt(name, n, path, "wrong type: got %s, want a whole number", text)
		}
		return nil
	}
}

// nodeToValue runs the decoder, turning a panic inside it into an error: the decoder is outside
// code, and a file it chokes on is still a mistake to report, not a reason to crash.
func nodeToValue(name string, n ast.Node, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &Error{File: name, Msg: fmt.Sprintf("the YAML decoder failed on this file (%v); simplify anchors, aliases and tags", r)}
		}
	}()
	return yaml.NodeToValue(n, v, yaml.DisallowUnknownField())
}

var (
	textUnmarshaler  = reflect.TypeFor[encoding.TextUnmarshaler]()
	bytesUnmarshaler = reflect.TypeFor[yaml.BytesUnmarshaler]()
	ifaceUnmarshaler = reflect.TypeFor[yaml.InterfaceUnmarshaler]()
)

// customDecoded reports whether a type decodes itself, so its own checks apply rather than ours.
func customDecoded(t reflect.Type) bool {
	for _, u := range []reflect.Type{textUnmarshaler, bytesUnmarshaler, ifaceUnmarshaler} {
		if t.Implements(u) || reflect.PointerTo(t).Implements(u) {
			return true
		}
	}
	return false
}

// yamlField returns the type of the struct field a key decodes into, following inlined structs.
func yamlField(t reflect.Type, key string) (reflect.Type, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == "-" {
			continue
		}
		if strings.Contains(","+opts+",", ",inline,") {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if t, ok := yamlField(ft, key); ok {
					return t, true
				}
			}
			continue
		}
		if tag == "" {
			tag = strings.ToLower(f.Name)
		}
		if tag == key {
			return f.Type, true
		}
	}
	return nil, false
}

// docLine is the line a later document starts on: its "---" if it has one (a document may be
// nothing but the separator), else its first token.
func docLine(d *ast.DocumentNode) int {
	if d.Start != nil {
		return d.Start.Position.Line
	}
	if d.Body != nil && d.Body.GetToken() != nil {
		return d.Body.GetToken().Position.Line
	}
	return 0
}

func convert(name string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		e := &Error{File: name, Msg: message(ye)}
		if tk := ye.GetToken(); tk != nil {
			e.Line, e.Column = tk.Position.Line, tk.Position.Column
		}
		return e
	}
	if errors.Is(err, yaml.ErrExceededMaxDepth) {
		return &Error{File: name, Msg: "the file nests too deeply"}
	}
	return &Error{File: name, Msg: err.Error()}
}

// message words a decoder error for a fixture author. The typed errors carry the types
// involved, which is sturdier than reading them back out of the library's English.
func message(ye yaml.Error) string {
	var (
		te *yaml.TypeError
		ue *yaml.UnexpectedNodeTypeError
		oe *yaml.OverflowError
	)
	switch {
	case errors.As(ye, &te) && te.SrcType != nil && te.DstType != nil:
		return fmt.Sprintf("wrong type: got %s, want %s", friendlyType(te.SrcType.String()), friendlyType(te.DstType.String()))
	case errors.As(ye, &ue):
		return fmt.Sprintf("wrong type: got %s, want %s", friendlyNode(ue.Actual), friendlyNode(ue.Expected))
	case errors.As(ye, &oe) && oe.DstType != nil:
		return fmt.Sprintf("%s is out of range for %s", oe.SrcNum, friendlyType(oe.DstType.String()))
	}
	return cleanMessage(ye.GetMessage())
}

func friendlyNode(t ast.NodeType) string {
	switch t {
	case ast.NullType:
		return "nothing (null)"
	case ast.BoolType:
		return "true or false"
	case ast.IntegerType:
		return "a whole number"
	case ast.FloatType, ast.InfinityType, ast.NanType:
		return "a number"
	case ast.StringType, ast.LiteralType:
		return "a string"
	case ast.MappingType, ast.MappingValueType:
		return "a mapping"
	case ast.SequenceType:
		return "a list"
	case ast.TagType:
		return "a tagged value"
	}
	return t.YAMLName()
}

// fieldAt finds the path, written as Errorf takes it, of the node at line:col under n (whose own
// path is path). A key's position names that key; a value's names the key it belongs to.
func fieldAt(n ast.Node, path string, line, col, depth int) (string, bool) {
	if n == nil || depth > maxWalkDepth {
		return "", false
	}
	switch v := n.(type) {
	case *ast.TagNode:
		if at(v.GetToken(), line, col) {
			return path, true
		}
		return fieldAt(v.Value, path, line, col, depth+1)
	case *ast.AnchorNode:
		if at(v.GetToken(), line, col) {
			return path, true
		}
		return fieldAt(v.Value, path, line, col, depth+1)
	case *ast.MappingNode:
		for _, kv := range v.Values {
			if p, ok := fieldAt(kv, path, line, col, depth+1); ok {
				return p, true
			}
		}
		if at(v.GetToken(), line, col) {
			return path, true
		}
	case *ast.MappingValueNode:
		kp := Join(path, keyString(v.Key))
		if at(v.Key.GetToken(), line, col) || at(v.GetToken(), line, col) {
			return kp, true
		}
		return fieldAt(v.Value, kp, line, col, depth+1)
	case *ast.SequenceNode:
		for i, item := range v.Values {
			if p, ok := fieldAt(item, fmt.Sprintf("%s[%d]", path, i), line, col, depth+1); ok {
				return p, true
			}
		}
		if at(v.GetToken(), line, col) {
			return path, true
		}
	default:
		if at(n.GetToken(), line, col) {
			return path, true
		}
	}
	return "", false
}

// maxWalkDepth bounds the recursion over a document; the decoder refuses deeper nesting anyway.
const maxWalkDepth = 10_000

func at(tk *token.Token, line, col int) bool {
	return tk != nil && tk.Position != nil && tk.Position.Line == line && tk.Position.Column == col
}

var duplicateKey = regexp.MustCompile(`^mapping key "(.*)" already defined at \[(\d+):(\d+)\]$`)

// cleanMessage turns the decoder's Go-flavoured messages into ones a fixture author can act on.
func cleanMessage(m string) string {
	m = strings.TrimSpace(m)
	if d := duplicateKey.FindStringSubmatch(m); d != nil {
		return fmt.Sprintf("key %q is given twice (first on line %s)", d[1], d[2])
	}
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
	e := &Error{File: d.Name, Field: joinPath(d.prefix, path), Msg: fmt.Sprintf(format, args...)}
	e.Line, e.Column = d.Position(path)
	return e
}

// Position returns the line and column of the field with the given path, or of the nearest
// enclosing field that exists; 0, 0 if none does.
func (d *Doc) Position(path string) (int, int) {
	if d == nil || (d.file == nil && d.root == nil) {
		return 0, 0
	}
	for p := path; ; {
		if n := d.node(p); n != nil {
			if tk := startToken(n); tk != nil && tk.Position != nil {
				return tk.Position.Line, tk.Position.Column
			}
		}
		if p == "" {
			return 0, 0
		}
		p = parent(p)
	}
}

// startToken is where a node begins as the user sees it. A mapping's own token is the colon of
// its first key; pointing at the key reads better, for a list item as for the whole document.
func startToken(n ast.Node) *token.Token {
	switch v := unwrap(n).(type) {
	case *ast.MappingNode:
		if len(v.Values) > 0 && !v.IsFlowStyle {
			return startToken(v.Values[0])
		}
	case *ast.MappingValueNode:
		return v.Key.GetToken()
	}
	return n.GetToken()
}

// node finds a field by path. Keys are matched literally so that keys with dots (SRV variants such
// as "4.1.1") work, which a path query language would split.
func (d *Doc) node(path string) ast.Node {
	n := d.root
	if n == nil {
		if len(d.file.Docs) == 0 {
			return nil
		}
		n = d.file.Docs[0].Body
	}
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
			// Search after the opening `["`: in `["]"]` the quote that opens also starts a `"]`.
			end := strings.Index(path[2:], `"]`)
			if end < 0 {
				return steps
			}
			st.key, path = path[2:2+end], path[2+end+2:]
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
	if strings.HasSuffix(path, `"]`) {
		// A quoted key may itself hold brackets, so look for where the quoting starts.
		if i := strings.LastIndex(path, `["`); i >= 0 {
			return path[:i]
		}
	}
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

// Join appends a map key to a field path: "unsupported" and "4.11" give unsupported["4.11"], the
// form messages use and Position reads, and "devices" and "ESME" give devices.ESME.
func Join(path, key string) string {
	k := Key(key)
	if path == "" || strings.HasPrefix(k, "[") {
		return path + k
	}
	return path + "." + k
}
