package duis

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SupportedSchemaVersions are the DUIS schemaVersion values smetsim reads and writes. The 5.x
// versions share the request header and envelope, and real requests in the wild still say 5.0,
// 5.1 or 5.2 (DCC Boxed's own samples do), so all of them are accepted and read with the 5.4
// structure. Anything else is refused with ErrSchemaVersion (see docs/duis.md).
var SupportedSchemaVersions = []string{"5.0", "5.1", "5.2", "5.3", "5.4"}

// DefaultSchemaVersion is what builders write when a document's SchemaVersion is empty.
const DefaultSchemaVersion = "5.4"

// normalDecimal writes an xs:decimal in a canonical form (no sign for positives, no leading or
// trailing zeros, at least one digit before the point, and ".0" for a whole number), so that
// "5.40", "+5.4" and "05.4" compare equal, as the schema's xs:decimal type has them.
func normalDecimal(s string) (string, bool) {
	s = strings.Trim(s, " \t\r\n")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	ip, fp, _ := strings.Cut(s, ".")
	if ip == "" && fp == "" || !allDigits(ip) || !allDigits(fp) {
		return "", false
	}
	ip = strings.TrimLeft(ip, "0")
	fp = strings.TrimRight(fp, "0")
	if ip == "" {
		ip = "0"
	}
	if fp == "" {
		fp = "0"
	}
	if neg && !(ip == "0" && fp == "0") {
		ip = "-" + ip
	}
	return ip + "." + fp, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkSchemaVersion accepts a schemaVersion attribute whose decimal value is one of
// SupportedSchemaVersions.
func checkSchemaVersion(v string) error {
	n, ok := normalDecimal(v)
	if !ok {
		return fmt.Errorf("schemaVersion %s is not a decimal number; supported: %s", shorten(v), strings.Join(SupportedSchemaVersions, ", "))
	}
	for _, s := range SupportedSchemaVersions {
		if s == n {
			return nil
		}
	}
	return fmt.Errorf("schemaVersion %s is not supported; supported: %s", shorten(v), strings.Join(SupportedSchemaVersions, ", "))
}

// parseDateTime reads an xs:dateTime (YYYY-MM-DDThh:mm:ss, optional fraction, optional Z or
// ±hh:mm). A value without a time zone is taken as UTC, since DUIS timestamps are UTC; 24:00:00 is
// the first instant of the next day, as XML Schema 1.0 has it.
func parseDateTime(s string) (time.Time, error) {
	in := strings.Trim(s, " \t\r\n")
	bad := func() (time.Time, error) {
		return time.Time{}, fmt.Errorf("%q is not an xs:dateTime such as 2026-01-15T09:00:00Z", shorten(in))
	}
	// The shape first: time.Parse alone would also take one-digit hours and comma fractions.
	const shape = "dddd-dd-ddTdd:dd:dd"
	if len(in) < len(shape) {
		return bad()
	}
	for i := 0; i < len(shape); i++ {
		if shape[i] == 'd' && (in[i] < '0' || in[i] > '9') || shape[i] != 'd' && in[i] != shape[i] {
			return bad()
		}
	}
	rest := in[len(shape):]
	frac := ""
	if strings.HasPrefix(rest, ".") {
		j := 1
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if j == 1 || j > 10 {
			return bad()
		}
		frac, rest = rest[:j], rest[j:]
	}
	zone := rest
	switch {
	case zone == "" || zone == "Z":
	case len(zone) == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' &&
		allDigits(zone[1:3]) && allDigits(zone[4:6]):
	default:
		return bad()
	}
	clock := in[11:19]
	endOfDay := clock == "24:00:00" && strings.Trim(frac, ".0") == ""
	if endOfDay {
		clock = "00:00:00"
	}
	text := in[:11] + clock + frac
	layout := "2006-01-02T15:04:05"
	if zone == "" {
		zone = "Z"
	}
	v, err := time.Parse(layout+"Z07:00", text+zone)
	if err != nil {
		return bad()
	}
	if endOfDay {
		v = v.AddDate(0, 0, 1)
	}
	return v.UTC(), nil
}

// formatDateTime writes an xs:dateTime in UTC with milliseconds, as the DCC does
// (2022-07-22T09:37:56.134Z).
func formatDateTime(t time.Time) (string, error) {
	u := t.UTC()
	if u.Year() < 1 || u.Year() > 9999 {
		return "", fmt.Errorf("time %v is outside years 0001–9999", t)
	}
	return u.Format("2006-01-02T15:04:05.000Z07:00"), nil
}

// formatDate writes an xs:date as the DCC does for DateCommissioned: the UTC date with a Z.
func formatDate(t time.Time) (string, error) {
	u := t.UTC()
	if u.Year() < 1 || u.Year() > 9999 {
		return "", fmt.Errorf("date %v is outside years 0001–9999", t)
	}
	return u.Format("2006-01-02") + "Z", nil
}

// parseBoolean reads an xs:boolean.
func parseBoolean(s string) (bool, error) {
	switch strings.Trim(s, " \t\r\n") {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("%q is not true, false, 1 or 0", shorten(s))
}

// parseCommandVariant reads a CommandVariant: an xs:positiveInteger from 1 to 9.
func parseCommandVariant(s string) (int, error) {
	in := strings.TrimPrefix(strings.Trim(s, " \t\r\n"), "+")
	if in == "" || !allDigits(in) {
		return 0, fmt.Errorf("%q is not a number from 1 to 9", shorten(s))
	}
	in = strings.TrimLeft(in, "0")
	if len(in) != 1 || in == "0" {
		return 0, fmt.Errorf("%s is not a Command Variant (1 to 9)", shorten(s))
	}
	return int(in[0] - '0'), nil
}

// dotted reports whether s is between min and max dot-separated numbers of 1 to 3 digits without
// leading zeros: the shape of Service References (4.1) and their Variants (4.1.1).
func dotted(s string, min, max int) bool {
	parts := strings.Split(s, ".")
	if len(parts) < min || len(parts) > max {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 3 || !allDigits(p) || len(p) > 1 && p[0] == '0' {
			return false
		}
	}
	return true
}

// checkServiceReference checks the header's Service Reference and Variant against each other: a
// Service Reference has two parts (8.2, 4.10), a Variant is the Reference or the Reference and one
// more part (4.1.1). Whether DUIS defines the variant is for the mock DCC to judge (simulator/srv).
func checkServiceReference(sr, srv string) (field string, err error) {
	if !dotted(sr, 2, 2) {
		return "ServiceReference", fmt.Errorf("%q is not a Service Reference such as 4.1 or 8.2", shorten(sr))
	}
	if !dotted(srv, 2, 3) {
		return "ServiceReferenceVariant", fmt.Errorf("%q is not a Service Reference Variant such as 4.1.1 or 8.2", shorten(srv))
	}
	if srv != sr && !strings.HasPrefix(srv, sr+".") {
		return "ServiceReferenceVariant", fmt.Errorf("variant %s does not belong to Service Reference %s", srv, sr)
	}
	return "", nil
}

// checkLength checks a string's length in characters, as xs:minLength and xs:maxLength count.
func checkLength(field, v string, min, max int) error {
	n := len([]rune(v))
	if n < min || n > max {
		if min == max {
			return fmt.Errorf("%s %q: want exactly %d characters, got %d", field, shorten(v), min, n)
		}
		return fmt.Errorf("%s %q: want %d to %d characters, got %d", field, shorten(v), min, max, n)
	}
	return nil
}

// checkUPRN checks a Unique Property Reference Number: an xs:positiveInteger of at most 12 digits.
func checkUPRN(v uint64) error {
	if v == 0 || v > 999_999_999_999 {
		return fmt.Errorf("UPRN %d: want 1 to 999999999999", v)
	}
	return nil
}

// parseUPRN reads a UPRN as the schema's positiveInteger with totalDigits 12 allows.
func parseUPRN(s string) (uint64, error) {
	in := strings.TrimPrefix(strings.Trim(s, " \t\r\n"), "+")
	if in == "" || !allDigits(in) {
		return 0, fmt.Errorf("UPRN %q is not a positive whole number", shorten(s))
	}
	in = strings.TrimLeft(in, "0")
	if len(in) > 12 {
		return 0, fmt.Errorf("UPRN %q has more than 12 digits", shorten(s))
	}
	v, _ := strconv.ParseUint(in, 10, 64)
	if v == 0 {
		return 0, fmt.Errorf("UPRN %q is not positive", shorten(s))
	}
	return v, nil
}
