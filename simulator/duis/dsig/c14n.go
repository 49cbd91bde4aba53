package dsig

import (
	"cmp"
	"io"
	"slices"
	"strings"

	"github.com/beevik/etree"
)

// This file is smetsim's own Canonical XML 1.0 (inclusive and exclusive, both without comments)
// over etree trees. It writes the canonical form straight to a writer (a hash, when digesting)
// without changing or copying the tree, so one parsed document serves the digest, the SignedInfo
// and the signature's removal alike. xmllint --c14n / --exc-c14n and xmlsec1 are its judges in
// the specs.

// xmlNamespace is the namespace the xml prefix is bound to by definition; it is never declared
// in canonical output.
const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

// nsBinding is one prefix-to-namespace binding; the prefix "" is the default namespace.
type nsBinding struct{ prefix, uri string }

// nsStack holds bindings innermost last, so the last binding of a prefix is the one in force.
type nsStack []nsBinding

// find returns the innermost binding of prefix on the stack.
func (s nsStack) find(prefix string) (string, bool) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i].prefix == prefix {
			return s[i].uri, true
		}
	}
	return "", false
}

// resolve is find with the xml prefix bound, as every XML document has it.
func (s nsStack) resolve(prefix string) (string, bool) {
	if prefix == "xml" {
		return xmlNamespace, true
	}
	return s.find(prefix)
}

// declaration reports whether a is a namespace declaration and which prefix it declares.
func declaration(a etree.Attr) (prefix string, ok bool) {
	switch {
	case a.Space == "xmlns":
		return a.Key, true
	case a.Space == "" && a.Key == "xmlns":
		return "", true
	}
	return "", false
}

// canonicalWriter is what the canonicaliser writes to: a bytes.Buffer or a bufio.Writer over a hash.
type canonicalWriter interface {
	io.Writer
	io.StringWriter
	io.ByteWriter
}

// canonicalizer writes one canonical form. exclusive selects Exclusive XML Canonicalization 1.0
// (namespaces rendered where visibly used); otherwise Canonical XML 1.0 (every namespace in scope).
type canonicalizer struct {
	w         canonicalWriter
	exclusive bool
	// exclude is the subtree the enveloped-signature transform removes, or nil.
	exclude *etree.Element
	// scope holds the bindings in force; rendered those already written by output ancestors.
	scope, rendered nsStack
}

// canonicalDocument writes the canonical form of a whole document less the exclude subtree: what
// a Reference URI="" with the enveloped-signature transform digests. Comments go, as URI=""
// requires; processing instructions outside the root element stay, each on its own line.
func canonicalDocument(w canonicalWriter, doc *etree.Document, exclude *etree.Element, exclusive bool) {
	c := canonicalizer{w: w, exclusive: exclusive, exclude: exclude}
	afterRoot := false
	for _, t := range doc.Child {
		switch t := t.(type) {
		case *etree.Element:
			c.element(t)
			afterRoot = true
		case *etree.ProcInst:
			if t.Target == "xml" {
				continue // the XML declaration is not a processing instruction in the data model
			}
			if afterRoot {
				w.WriteByte('\n')
			}
			c.procInst(t)
			if !afterRoot {
				w.WriteByte('\n')
			}
		}
	}
}

// canonicalSubtree writes the exclusive canonical form of el and its descendants with the
// namespaces in force at el, as the canonicalisation of SignedInfo needs.
func canonicalSubtree(w canonicalWriter, el *etree.Element) {
	c := canonicalizer{w: w, exclusive: true, scope: inScope(el.Parent())}
	c.element(el)
}

// inScope returns the namespace bindings in force inside el (nil: none), outermost first.
func inScope(el *etree.Element) nsStack {
	var chain []*etree.Element
	for e := el; e != nil; e = e.Parent() {
		chain = append(chain, e)
	}
	var s nsStack
	for i := len(chain) - 1; i >= 0; i-- {
		for _, a := range chain[i].Attr {
			if p, ok := declaration(a); ok {
				s = append(s, nsBinding{p, a.Value})
			}
		}
	}
	return s
}

// attrNode is an attribute with its namespace resolved, for sorting.
type attrNode struct {
	uri string
	a   *etree.Attr
}

func (c *canonicalizer) element(e *etree.Element) {
	scopeMark, renderedMark := len(c.scope), len(c.rendered)
	for _, a := range e.Attr {
		if p, ok := declaration(a); ok {
			c.scope = append(c.scope, nsBinding{p, a.Value})
		}
	}

	// The namespace nodes to render: visibly utilised prefixes (exclusive), or the element's own
	// declarations (inclusive over a whole document, where every ancestor is output, so a binding
	// differs from its parent's only where it is declared).
	var decls []nsBinding
	consider := func(prefix string) {
		if prefix == "xml" {
			return
		}
		for _, d := range decls {
			if d.prefix == prefix {
				return
			}
		}
		uri, _ := c.scope.find(prefix)
		prev, ok := c.rendered.find(prefix)
		if prefix == "" && uri == "" {
			if ok && prev != "" {
				decls = append(decls, nsBinding{"", ""}) // xmlns="" undoes an output ancestor's default
			}
			return
		}
		if !ok || prev != uri {
			decls = append(decls, nsBinding{prefix, uri})
		}
	}
	if c.exclusive {
		consider(e.Space)
		for _, a := range e.Attr {
			if _, ok := declaration(a); !ok && a.Space != "" {
				consider(a.Space)
			}
		}
	} else {
		for _, a := range e.Attr {
			if p, ok := declaration(a); ok {
				consider(p)
			}
		}
	}
	slices.SortFunc(decls, func(a, b nsBinding) int { return strings.Compare(a.prefix, b.prefix) })

	var attrs []attrNode
	for i := range e.Attr {
		a := &e.Attr[i]
		if _, ok := declaration(*a); ok {
			continue
		}
		uri := ""
		if a.Space != "" {
			uri, _ = c.scope.resolve(a.Space)
		}
		attrs = append(attrs, attrNode{uri, a})
	}
	slices.SortFunc(attrs, func(x, y attrNode) int {
		return cmp.Or(strings.Compare(x.uri, y.uri), strings.Compare(x.a.Key, y.a.Key))
	})

	w := c.w
	w.WriteByte('<')
	writeQName(w, e.Space, e.Tag)
	for _, d := range decls {
		if d.prefix == "" {
			w.WriteString(` xmlns="`)
		} else {
			w.WriteString(` xmlns:`)
			w.WriteString(d.prefix)
			w.WriteString(`="`)
		}
		escapeAttr(w, d.uri)
		w.WriteByte('"')
		c.rendered = append(c.rendered, d)
	}
	for _, an := range attrs {
		w.WriteByte(' ')
		writeQName(w, an.a.Space, an.a.Key)
		w.WriteString(`="`)
		escapeAttr(w, an.a.Value)
		w.WriteByte('"')
	}
	w.WriteByte('>')
	for _, t := range e.Child {
		switch t := t.(type) {
		case *etree.Element:
			if t != c.exclude {
				c.element(t)
			}
		case *etree.CharData:
			escapeText(w, t.Data)
		case *etree.ProcInst:
			c.procInst(t)
		}
	}
	w.WriteString("</")
	writeQName(w, e.Space, e.Tag)
	w.WriteByte('>')
	c.scope, c.rendered = c.scope[:scopeMark], c.rendered[:renderedMark]
}

func (c *canonicalizer) procInst(p *etree.ProcInst) {
	c.w.WriteString("<?")
	c.w.WriteString(p.Target)
	if p.Inst != "" {
		c.w.WriteByte(' ')
		c.w.WriteString(p.Inst)
	}
	c.w.WriteString("?>")
}

func writeQName(w canonicalWriter, prefix, local string) {
	if prefix != "" {
		w.WriteString(prefix)
		w.WriteByte(':')
	}
	w.WriteString(local)
}

// escapeText escapes character data as Canonical XML requires: &, <, > and carriage return.
func escapeText(w canonicalWriter, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\r':
			esc = "&#xD;"
		default:
			continue
		}
		w.WriteString(s[last:i])
		w.WriteString(esc)
		last = i + 1
	}
	w.WriteString(s[last:])
}

// escapeAttr escapes an attribute value as Canonical XML requires: &, <, " and the whitespace
// characters a parser would otherwise normalise away.
func escapeAttr(w canonicalWriter, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '"':
			esc = "&quot;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			continue
		}
		w.WriteString(s[last:i])
		w.WriteString(esc)
		last = i + 1
	}
	w.WriteString(s[last:])
}
