// Package duis holds the DUIS 5.4 message types the mock DCC and its clients exchange, with a safe
// parser and schema-valid marshalling.
//
// Reading: every document goes through Check first, a streaming pass over encoding/xml tokens (in
// Strict mode, with no entity map and no charset reader) that refuses DOCTYPE and every other
// markup declaration, processing instructions other than the XML declaration, entity references
// other than the five predefined ones and character references, invalid UTF-8, encodings other
// than UTF-8, namespace errors, a wrong root, and anything beyond the bounds in Limits. Nothing is
// expanded or fetched, and nothing is held beyond the bounds. Only then does ParseRequest read the
// structure, in a second pass over the same checked tokens; two passes keep the rule "nothing is
// interpreted before the whole document passed Check" obvious, for about 30 µs more on a typical
// 2–3 KB request (encoding/xml's tokenizer is most of the cost).
//
// Errors are *ParseError values whose Reason is one of the exported Err* sentinels and whose
// Malformed method separates "not a DUIS document at all" (an HTTP 4xx for the mock DCC) from
// "a DUIS document with a bad field" (a DUIS response code).
//
// Writing: the builders (Response, SMETS1SignedResponse, S1SPAlert, Request) write the namespace
// prefixes sr, ra and ds as the DCC does, compactly (no indentation, so no whitespace is ever
// significant to a signature), and check every value against the DUIS 5.4 schema's types before
// writing it, so what they return validates once the signatures are in place. Marshal always
// returns the unsigned document; a Signer adds the enveloped ds:Signature afterwards (see Signer).
//
// docs/duis.md describes the supported versions, the limits, the RequestID rules and the choices
// behind them.
package duis

// The namespaces of DUIS documents, and the prefixes the DCC binds them to.
const (
	// SRNamespace is the DUIS namespace, prefix sr: requests, responses and alerts.
	SRNamespace = "http://www.dccinterface.co.uk/ServiceUserGateway"
	// RANamespace is the MMC (Message Mapping Catalogue) namespace, prefix ra: the parsed device
	// responses and alerts inside SMETS1 responses.
	RANamespace = "http://www.dccinterface.co.uk/ResponseAndAlert"
	// DSNamespace is the XML Signature namespace, prefix ds.
	DSNamespace = "http://www.w3.org/2000/09/xmldsig#"

	xmlNamespace   = "http://www.w3.org/XML/1998/namespace"
	xmlnsNamespace = "http://www.w3.org/2000/xmlns/"
	xsiNamespace   = "http://www.w3.org/2001/XMLSchema-instance"
)

// Root names the document element a caller expects: each is a global element of the DUIS schema
// in the sr namespace.
type Root string

// The DUIS documents that stand alone: requests, responses, and the two SMETS1 documents a SMETS1
// Service Provider signs on their own before the DCC wraps them.
const (
	// RootRequest is sr:Request, a service request from a DCC User.
	RootRequest Root = "Request"
	// RootResponse is sr:Response: responses, acknowledgements and alerts from the DCC.
	RootResponse Root = "Response"
	// RootSMETS1SignedResponse is sr:SMETS1SignedResponse as the S1SP signs it.
	RootSMETS1SignedResponse Root = "SMETS1SignedResponse"
	// RootS1SPAlert is sr:S1SPAlert as the S1SP signs it.
	RootS1SPAlert Root = "S1SPAlert"
)
