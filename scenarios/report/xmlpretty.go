package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
)

// prettyXML indents an XML message for reading: one element a line, an element holding only
// text on one line, prefixes as written. Whitespace between elements is dropped and nothing else
// changes, so it is for showing evidence, never for checking a signature; a document that does
// not parse is returned as it is.
func prettyXML(doc string) string {
	var toks []xml.Token
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		t, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return doc
		}
		if cd, ok := t.(xml.CharData); ok && len(bytes.TrimSpace(cd)) == 0 {
			continue
		}
		toks = append(toks, xml.CopyToken(t))
	}
	var b strings.Builder
	depth := 0
	pad := func() {
		for range depth {
			b.WriteString("  ")
		}
	}
	for i := 0; i < len(toks); i++ {
		switch t := toks[i].(type) {
		case xml.StartElement:
			pad()
			writeStart(&b, t)
			if i+1 < len(toks) {
				if _, ok := toks[i+1].(xml.EndElement); ok {
					b.WriteString("/>\n")
					i++
					continue
				}
				if cd, ok := toks[i+1].(xml.CharData); ok && i+2 < len(toks) {
					if end, ok := toks[i+2].(xml.EndElement); ok {
						b.WriteString(">")
						escape(&b, cd)
						b.WriteString("</" + qname(end.Name) + ">\n")
						i += 2
						continue
					}
				}
			}
			b.WriteString(">\n")
			depth++
		case xml.EndElement:
			depth = max(depth-1, 0)
			pad()
			b.WriteString("</" + qname(t.Name) + ">\n")
		case xml.CharData:
			pad()
			escape(&b, bytes.TrimSpace(t))
			b.WriteString("\n")
		case xml.Comment:
			pad()
			b.WriteString("<!--" + string(t) + "-->\n")
		case xml.ProcInst:
			pad()
			b.WriteString("<?" + t.Target + " " + string(t.Inst) + "?>\n")
		case xml.Directive:
			pad()
			b.WriteString("<!" + string(t) + ">\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func writeStart(b *strings.Builder, t xml.StartElement) {
	b.WriteString("<" + qname(t.Name))
	for _, a := range t.Attr {
		b.WriteString(" " + qname(a.Name) + `="`)
		escape(b, []byte(a.Value))
		b.WriteString(`"`)
	}
}

func qname(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// xmlEscaper escapes what must be escaped in text and attribute values, and keeps line breaks
// and tabs as they are (xml.EscapeText would write them as character references).
var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func escape(b *strings.Builder, s []byte) {
	_, _ = xmlEscaper.WriteString(b, string(s))
}
