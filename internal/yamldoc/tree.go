package yamldoc

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// NodeKind says what a Node holds.
type NodeKind uint8

// Node kinds.
const (
	NullNode NodeKind = iota // "key:" with nothing, "~" or "null"
	ScalarNode
	MappingNode
	SequenceNode
)

// ScalarType is what YAML reads a scalar as, for messages and for formats that want a string
// where YAML would read a number ("7.2").
type ScalarType uint8

// Scalar types.
const (
	StringScalar ScalarType = iota
	IntScalar
	FloatScalar
	BoolScalar
)

// Node is a YAML value with where it is written: the form for formats whose shape depends on the
// values (a step is a mapping with one of several keys; a value is a string or a mapping) and
// which report every mistake rather than the first. Aliases are resolved (an alias's Node is a
// copy of its anchor's, located at the alias) and merge keys ("<<") are applied.
type Node struct {
	Kind NodeKind
	// Value is a scalar's text as the file writes it, quotes and block indicators removed: a
	// number keeps its digits ("1.50", "7.10"), which decoding to a number would lose.
	Value  string
	Type   ScalarType
	Quoted bool // a scalar written in quotes, or tagged !!str

	File         string
	Line, Column int
	// Path is the field path as errors name it ("steps[2].send.srv").
	Path string

	Entries []Entry // a mapping's keys and values, in the order written
	Items   []*Node // a sequence's items

	src ast.Node // for DecodeNode
}

// Entry is one key and value of a mapping.
type Entry struct {
	Key          string
	Line, Column int // of the key
	Value        *Node
}

// MaxNodes bounds the nodes a document may expand to through aliases, so that a few lines of
// nested aliases ("billion laughs") fail clearly instead of exhausting memory.
const MaxNodes = 1_000_000

// Parse reads data, from the file called name, as one YAML document and returns its tree.
// Syntax errors, duplicate keys, more than one document and an empty file are *Error.
func Parse(name string, data []byte) (*Node, error) {
	if len(data) > MaxSize {
		return nil, &Error{File: name, Msg: fmt.Sprintf("file is %d bytes; the limit is %d", len(data), MaxSize)}
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		e := convert(name, err)
		if ye, ok := e.(*Error); ok && ye.Line > 0 {
			if g, gerr := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey()); gerr == nil && len(g.Docs) > 0 {
				ye.Field, _ = fieldAt(g.Docs[0].Body, "", ye.Line, ye.Column, 0)
			}
		}
		return nil, e
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return nil, &Error{File: name, Line: 1, Msg: "file is empty"}
	}
	if len(f.Docs) > 1 {
		return nil, &Error{File: name, Line: docLine(f.Docs[1]), Msg: "file holds more than one YAML document"}
	}
	b := &treeBuilder{name: name, anchors: map[string]*ast.AnchorNode{}}
	collectAnchors(f.Docs[0].Body, b.anchors, 0)
	n := b.build(f.Docs[0].Body, "", 0)
	if b.err != nil {
		return nil, b.err
	}
	return n, nil
}

type treeBuilder struct {
	name    string
	anchors map[string]*ast.AnchorNode
	nodes   int
	err     *Error
}

func (b *treeBuilder) build(n ast.Node, path string, depth int) *Node {
	out := &Node{File: b.name, Path: path, src: n}
	if tk := startToken(n); tk != nil && tk.Position != nil {
		out.Line, out.Column = tk.Position.Line, tk.Position.Column
	}
	b.nodes++
	if b.err != nil {
		return out
	}
	if b.nodes > MaxNodes || depth > maxWalkDepth {
		b.err = out.Errorf("the document expands to more than %d values through aliases, or nests too deeply", MaxNodes)
		return out
	}
	tagged := false
	for hops := 0; ; hops++ {
		if hops > 100 {
			b.err = out.Errorf("aliases lead in a circle")
			return out
		}
		switch v := n.(type) {
		case *ast.TagNode:
			if t := v.Start.Value; t == "!!str" || t == "!str" {
				tagged = true
			}
			n = v.Value
			continue
		case *ast.AnchorNode:
			n = v.Value
			continue
		case *ast.AliasNode:
			a := b.anchors[v.Value.GetToken().Value]
			if a == nil {
				b.err = out.Errorf("alias *%s names no anchor", v.Value.GetToken().Value)
				return out
			}
			n = a
			continue
		}
		break
	}
	out.src = n
	switch v := n.(type) {
	case nil, *ast.NullNode:
		out.Kind = NullNode
	case *ast.MappingNode:
		out.Kind = MappingNode
		b.mapping(out, v.Values, depth)
	case *ast.MappingValueNode:
		out.Kind = MappingNode
		b.mapping(out, []*ast.MappingValueNode{v}, depth)
	case *ast.SequenceNode:
		out.Kind = SequenceNode
		for i, item := range v.Values {
			out.Items = append(out.Items, b.build(item, fmt.Sprintf("%s[%d]", path, i), depth+1))
		}
	case *ast.LiteralNode:
		out.Kind, out.Value, out.Quoted = ScalarNode, v.Value.Value, true
	case *ast.StringNode:
		out.Kind, out.Value = ScalarNode, v.Value
		if tk := v.GetToken(); tk != nil {
			out.Quoted = tk.Type == token.DoubleQuoteType || tk.Type == token.SingleQuoteType
		}
	case *ast.IntegerNode:
		out.Kind, out.Value, out.Type = ScalarNode, v.GetToken().Value, IntScalar
	case *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		out.Kind, out.Value, out.Type = ScalarNode, v.GetToken().Value, FloatScalar
	case *ast.BoolNode:
		out.Kind, out.Value, out.Type = ScalarNode, v.GetToken().Value, BoolScalar
	default:
		out.Kind, out.Value = ScalarNode, strings.TrimSpace(n.String())
	}
	if tagged && out.Kind == ScalarNode {
		out.Type, out.Quoted = StringScalar, true
	}
	return out
}

// mapping fills a mapping node's entries, applying merge keys: a key written in the mapping wins
// over one merged in.
func (b *treeBuilder) mapping(out *Node, values []*ast.MappingValueNode, depth int) {
	var merged []Entry
	for _, kv := range values {
		if _, ok := kv.Key.(*ast.MergeKeyNode); ok {
			m := b.build(kv.Value, out.Path, depth+1)
			switch m.Kind {
			case MappingNode:
				merged = append(merged, m.Entries...)
			case SequenceNode:
				for _, item := range m.Items {
					if item.Kind != MappingNode {
						b.fail(item.Errorf("a merge key (<<) takes a mapping or a list of mappings"))
						continue
					}
					merged = append(merged, item.Entries...)
				}
			default:
				b.fail(m.Errorf("a merge key (<<) takes a mapping or a list of mappings"))
			}
			continue
		}
		k := keyString(kv.Key)
		e := Entry{Key: k, Value: b.build(kv.Value, Join(out.Path, k), depth+1)}
		if tk := kv.Key.GetToken(); tk != nil && tk.Position != nil {
			e.Line, e.Column = tk.Position.Line, tk.Position.Column
		}
		out.Entries = append(out.Entries, e)
	}
	for _, e := range merged {
		if out.Get(e.Key) == nil {
			out.Entries = append(out.Entries, e)
		}
	}
}

func (b *treeBuilder) fail(e *Error) {
	if b.err == nil {
		b.err = e
	}
}

// Get returns the value of a mapping's key, or nil.
func (n *Node) Get(key string) *Node {
	if e := n.Entry(key); e != nil {
		return e.Value
	}
	return nil
}

// Entry returns a mapping's entry for key, or nil.
func (n *Node) Entry(key string) *Entry {
	if n == nil {
		return nil
	}
	for i := range n.Entries {
		if n.Entries[i].Key == key {
			return &n.Entries[i]
		}
	}
	return nil
}

// Errorf returns an *Error located at the node and naming its field.
func (n *Node) Errorf(format string, args ...any) *Error {
	return &Error{File: n.File, Line: n.Line, Column: n.Column, Field: n.Path, Msg: fmt.Sprintf(format, args...)}
}

// KeyErrorf returns an *Error located at a mapping entry's key.
func (e *Entry) KeyErrorf(format string, args ...any) *Error {
	return &Error{File: e.Value.File, Line: e.Line, Column: e.Column, Field: e.Value.Path, Msg: fmt.Sprintf(format, args...)}
}

// Describe names what a node holds, for "wrong type" messages: "a mapping", "the number 7.2".
func (n *Node) Describe() string {
	switch n.Kind {
	case NullNode:
		return "nothing (null)"
	case MappingNode:
		return "a mapping"
	case SequenceNode:
		return "a list"
	}
	switch n.Type {
	case IntScalar, FloatScalar:
		return "the number " + n.Value
	case BoolScalar:
		return n.Value + " (true or false)"
	}
	return fmt.Sprintf("the string %q", n.Value)
}

// DecodeNode decodes the tree under n strictly into v, as Decode does a whole file: every error
// names the file and the field as written in the whole document. The Doc returned locates paths
// relative to n for later checks, and its errors name fields with n's path in front.
func DecodeNode(n *Node, v any) (*Doc, error) {
	if n == nil {
		return nil, &Error{Msg: "nothing to decode"}
	}
	if n.src == nil {
		return nil, n.Errorf("nothing to decode")
	}
	if err := decodeAt(n.File, n.src, n.Path, v); err != nil {
		return nil, err
	}
	return &Doc{Name: n.File, root: n.src, prefix: n.Path}, nil
}

// joinPath puts a field path relative to a part of a document after that part's own path.
func joinPath(prefix, rel string) string {
	switch {
	case prefix == "":
		return rel
	case rel == "":
		return prefix
	case strings.HasPrefix(rel, "["):
		return prefix + rel
	}
	return prefix + "." + rel
}
