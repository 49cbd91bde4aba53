package scenarios

import (
	"fmt"
	"strings"
)

// TagExpr is a boolean expression over scenario tags, as --tags takes it: tags, "!" (not), "&&"
// (and), "||" (or) and parentheses, with ! binding tightest and && before ||
// ("ppc && !slow || smoke" is "(ppc && (!slow)) || smoke"). The empty expression matches every
// scenario.
type TagExpr struct {
	src  string
	root tagNode
}

// TagError is a mistake in a tag expression, at a 1-based column.
type TagError struct {
	Expr   string
	Column int
	Msg    string
}

func (e *TagError) Error() string {
	return fmt.Sprintf("tags %q: column %d: %s", e.Expr, e.Column, e.Msg)
}

type tagNode interface {
	match(tags map[string]bool) bool
}

type (
	tagWord string
	tagNot  struct{ x tagNode }
	tagAnd  struct{ a, b tagNode }
	tagOr   struct{ a, b tagNode }
)

func (t tagWord) match(m map[string]bool) bool { return m[string(t)] }
func (t tagNot) match(m map[string]bool) bool  { return !t.x.match(m) }
func (t tagAnd) match(m map[string]bool) bool  { return t.a.match(m) && t.b.match(m) }
func (t tagOr) match(m map[string]bool) bool   { return t.a.match(m) || t.b.match(m) }

// ParseTags reads a tag expression; a mistake is a *TagError naming the column.
func ParseTags(expr string) (*TagExpr, error) {
	p := &tagParser{src: expr}
	p.next()
	if p.tok.kind == tokEnd {
		return &TagExpr{src: expr}, nil
	}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.tok.kind == tokBad && p.tok.text != "&" && p.tok.text != "|" {
		return nil, p.errorf("%q cannot be in a tag; tags are letters, digits, '_', '.', ':' and '-'", p.tok.text)
	}
	if p.tok.kind != tokEnd {
		return nil, p.errorf("unexpected %s: join tags with && or ||", p.tok.describe())
	}
	return &TagExpr{src: expr, root: n}, nil
}

// String returns the expression as written.
func (e *TagExpr) String() string { return e.src }

// Match reports whether a scenario with these tags is selected.
func (e *TagExpr) Match(tags []string) bool {
	if e == nil || e.root == nil {
		return true
	}
	m := make(map[string]bool, len(tags))
	for _, t := range tags {
		m[t] = true
	}
	return e.root.match(m)
}

// Filter returns the cases whose scenario's tags match.
func (e *TagExpr) Filter(cases []Case) []Case {
	var out []Case
	for _, c := range cases {
		if c.Scenario != nil && e.Match(c.Scenario.Tags) {
			out = append(out, c)
		}
	}
	return out
}

type tokKind uint8

const (
	tokEnd tokKind = iota
	tokWord
	tokNot
	tokAnd
	tokOr
	tokOpen
	tokClose
	tokBad
)

type tagToken struct {
	kind tokKind
	text string
	col  int
}

func (t tagToken) describe() string {
	switch t.kind {
	case tokEnd:
		return "end of expression"
	case tokWord:
		return fmt.Sprintf("tag %q", t.text)
	case tokBad:
		if t.text == "&" || t.text == "|" {
			return fmt.Sprintf("%q (write && for and, || for or)", t.text)
		}
	}
	return fmt.Sprintf("%q", t.text)
}

type tagParser struct {
	src string
	pos int
	tok tagToken
}

// maxTagDepth bounds nesting, so a hostile --tags cannot exhaust the stack.
const maxTagDepth = 200

func (p *tagParser) errorf(format string, args ...any) *TagError {
	return &TagError{Expr: p.src, Column: p.tok.col, Msg: fmt.Sprintf(format, args...)}
}

func isTagByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == ':' || c == '-'
}

func (p *tagParser) next() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
	start := p.pos
	col := len([]rune(p.src[:start])) + 1
	if p.pos >= len(p.src) {
		p.tok = tagToken{tokEnd, "", col}
		return
	}
	rest := p.src[p.pos:]
	switch {
	case strings.HasPrefix(rest, "&&"):
		p.pos += 2
		p.tok = tagToken{tokAnd, "&&", col}
	case strings.HasPrefix(rest, "||"):
		p.pos += 2
		p.tok = tagToken{tokOr, "||", col}
	case rest[0] == '!':
		p.pos++
		p.tok = tagToken{tokNot, "!", col}
	case rest[0] == '(':
		p.pos++
		p.tok = tagToken{tokOpen, "(", col}
	case rest[0] == ')':
		p.pos++
		p.tok = tagToken{tokClose, ")", col}
	case isTagByte(rest[0]):
		for p.pos < len(p.src) && isTagByte(p.src[p.pos]) {
			p.pos++
		}
		p.tok = tagToken{tokWord, p.src[start:p.pos], col}
	default:
		r := []rune(rest)[0]
		p.pos += len(string(r))
		p.tok = tagToken{tokBad, string(r), col}
	}
}

func (p *tagParser) or(depth int) (tagNode, error) {
	a, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tokOr {
		p.next()
		b, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		a = tagOr{a, b}
	}
	return a, nil
}

func (p *tagParser) and(depth int) (tagNode, error) {
	a, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tokAnd {
		p.next()
		b, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		a = tagAnd{a, b}
	}
	return a, nil
}

func (p *tagParser) unary(depth int) (tagNode, error) {
	if depth > maxTagDepth {
		return nil, p.errorf("the expression nests too deeply")
	}
	switch p.tok.kind {
	case tokNot:
		p.next()
		x, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return tagNot{x}, nil
	case tokOpen:
		open := p.tok
		p.next()
		x, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tokClose {
			return nil, &TagError{Expr: p.src, Column: open.col, Msg: "this ( is never closed"}
		}
		p.next()
		return x, nil
	case tokWord:
		w := tagWord(p.tok.text)
		p.next()
		return w, nil
	case tokBad:
		if p.tok.text == "&" || p.tok.text == "|" {
			return nil, p.errorf("want a tag, ! or ( here, got %s", p.tok.describe())
		}
		return nil, p.errorf("%q cannot be in a tag; tags are letters, digits, '_', '.', ':' and '-'", p.tok.text)
	}
	return nil, p.errorf("want a tag, ! or ( here, got %s", p.tok.describe())
}
