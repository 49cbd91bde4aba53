package sit

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strings"

	"github.com/smetsim/smetsim/devices"
)

//go:embed sit.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("sit").Funcs(template.FuncMap{
	"kinds": func() []string {
		out := make([]string, 0, len(devices.Kinds))
		for _, k := range devices.Kinds {
			out = append(out, k.String())
		}
		return out
	},
	"short": func(s Status) string {
		switch s {
		case Pass:
			return "pass"
		case Fail:
			return "fail"
		case DeclaredVariation:
			return "var."
		}
		return "n/a"
	},
	"words": func(s Status) string { return strings.ReplaceAll(string(s), "_", " ") },
	"cellTitle": func(c *Cell) string {
		var b strings.Builder
		for i, l := range c.Cases {
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString(strings.ReplaceAll(string(l.Status), "_", " ") + ": " + l.Name)
			if l.Detail != "" {
				b.WriteString(" — " + l.Detail)
			}
		}
		return b.String()
	},
	"pct":       func(f float64) string { return fmt.Sprintf("%.1f%%", f) },
	"thousands": thousands,
}).Parse(htmlSource))

// thousands writes a population with thousands separators (1,250,000).
func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// WriteHTML writes the report as sit.html: one self-contained page (styles inline, no script or
// resource from anywhere) with the summary, the coverage, the heat table of combinations × columns
// and, under it, every failed or varied cell's cases with their details.
func (r *Report) WriteHTML(w *bytes.Buffer) error {
	return htmlTemplate.Execute(w, r)
}
