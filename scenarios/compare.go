package scenarios

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Compare checks got against a check's operator and value. Numbers compare as numbers when both
// sides parse as such ("12.5" == "12.50"), otherwise as strings; equality of strings ignores case,
// since DUIS writes enumerations capitalised ("Disabled") and the device step lower-case
// ("disabled"). It returns "" when the check holds, or what differed.
func Compare(got string, op Op, want string) string {
	if op == "" {
		op = OpEq
	}
	gf, gerr := strconv.ParseFloat(strings.TrimSpace(got), 64)
	wf, werr := strconv.ParseFloat(strings.TrimSpace(want), 64)
	numeric := gerr == nil && werr == nil
	ok := false
	switch op {
	case OpExists:
		return ""
	case OpAbsent:
		return fmt.Sprintf("expected absent, got %q", got)
	case OpEq:
		ok = (numeric && gf == wf) || (!numeric && strings.EqualFold(got, want))
	case OpNe:
		ok = !((numeric && gf == wf) || (!numeric && strings.EqualFold(got, want)))
	case OpLt, OpLe, OpGt, OpGe:
		var c int
		if numeric {
			c = cmpFloat(gf, wf)
		} else {
			c = strings.Compare(got, want)
		}
		ok = map[Op]bool{OpLt: c < 0, OpLe: c <= 0, OpGt: c > 0, OpGe: c >= 0}[op]
	case OpMatches:
		re, err := regexp.Compile(want)
		if err != nil {
			return fmt.Sprintf("the pattern %q does not compile: %v", want, err)
		}
		ok = re.MatchString(got)
	case OpContains:
		ok = strings.Contains(got, want)
	default:
		return fmt.Sprintf("unknown comparison %q", op)
	}
	if ok {
		return ""
	}
	if op == OpEq {
		return fmt.Sprintf("expected %q, got %q", want, got)
	}
	return fmt.Sprintf("expected %s %q, got %q", op, want, got)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
