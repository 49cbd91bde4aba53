package duis

// Limits bound what Check accepts, so that a hostile or broken document costs a bounded amount of
// memory and time before it is refused. A zero (or negative) field takes its value from
// DefaultLimits, so Limits{} means the defaults and a caller tightens only what it cares about.
type Limits struct {
	MaxBytes      int // the whole document, in bytes
	MaxDepth      int // element nesting; the root is depth 1
	MaxElements   int // elements in the document
	MaxAttributes int // attributes on one element, namespace declarations included
	MaxTextBytes  int // text directly inside one element (all its text nodes together), one attribute value, or one comment
}

// DefaultLimits admit every schema-valid DUIS 5.4 service request and the responses smetsim builds,
// and little more:
//
//   - MaxBytes 16 MiB and MaxTextBytes 14 MiB: the largest legal request is an Update Firmware
//     (11.1) or Update PPMID Firmware whose FirmwareImage may hold 10,240,000 octets, which is
//     13,653,336 characters of base64 (more with line breaks). Everything else in DUIS is tiny;
//     the largest Reference Test Data Set request is about 25 KB.
//   - MaxDepth 32: the deepest request (a tariff) nests 10 elements; an SMETS1 response with its
//     Response/Body/SMETS1ResponseMessage/SMETS1SignedResponse/SMETS1Response/Body wrappers
//     around an MMC payload stays under 20.
//   - MaxElements 250,000: requests have at most a few thousand elements (the largest sample has
//     419), but an MMC 4.8.1 profile response may carry 19,056 log entries of several elements.
//   - MaxAttributes 16: DUIS elements carry at most a schemaVersion, an XMLDSig Algorithm or URI,
//     MMC format/sequence/name/type attributes, and a handful of namespace declarations.
var DefaultLimits = Limits{
	MaxBytes:      16 << 20,
	MaxDepth:      32,
	MaxElements:   250_000,
	MaxAttributes: 16,
	MaxTextBytes:  14 << 20,
}

// withDefaults fills every unset field from DefaultLimits.
func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	if l.MaxElements <= 0 {
		l.MaxElements = DefaultLimits.MaxElements
	}
	if l.MaxAttributes <= 0 {
		l.MaxAttributes = DefaultLimits.MaxAttributes
	}
	if l.MaxTextBytes <= 0 {
		l.MaxTextBytes = DefaultLimits.MaxTextBytes
	}
	return l
}
