package sit

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// Table is the report as text for a terminal: one line per combination (verdict, id, installed
// population, cells by status), the columns that failed or varied named, and the cells' legend.
//
//	FAIL  acme-e470-1.5.0   468,000  23 pass, 1 fail (1.1.1), 1 declared variation (4.12.1), 0 n/a
func Table(r *Report) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, row := range r.Rows {
		verdict := "PASS"
		if !row.Passed {
			verdict = "FAIL"
		}
		byStatus := map[Status][]string{}
		for _, col := range r.Columns {
			st := row.Cells[col.ID].Status
			byStatus[st] = append(byStatus[st], col.Label)
		}
		part := func(st Status, word string, named bool) string {
			s := fmt.Sprintf("%d %s", len(byStatus[st]), word)
			if named && len(byStatus[st]) > 0 {
				s += " (" + strings.Join(byStatus[st], ", ") + ")"
			}
			return s
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s, %s, %s, %s\n", verdict, row.ID, thousands(row.Population),
			part(Pass, "pass", false), part(Fail, "fail", true), part(DeclaredVariation, "declared variation", true), part(NotApplicable, "n/a", false))
	}
	tw.Flush()
	fmt.Fprintf(&b, "%d combinations, %d failed; cells: %d pass, %d fail, %d declared variation, %d not applicable\n",
		len(r.Rows), len(r.Failed()), r.Totals.Pass, r.Totals.Fail, r.Totals.DeclaredVariation, r.Totals.NotApplicable)
	return b.String()
}
