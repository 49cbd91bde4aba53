package duis

import (
	"fmt"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/srv"
)

// Response is a DUIS sr:Response: the DCC's acknowledgements and errors, its answers to
// non-device requests, device responses, device alerts and DCC alerts all share this envelope.
// Marshal writes it unsigned; the DCC's ds:Signature, which the schema makes optional, is added
// by a Signer.
type Response struct {
	SchemaVersion    string     // "" writes DefaultSchemaVersion; the DCC answers in the request's version
	RequestID        *RequestID // the request answered, if any
	ResponseID       *RequestID // for responses and alerts that come from a device: RequestID.ResponseID()
	ResponseCode     string     // one of ResponseCodes: I0, I99, E…
	ResponseDateTime time.Time  // written in UTC with milliseconds
	Body             ResponseBody
}

// ResponseBody is the one element of sr:Response/sr:Body: *ResponseMessage, *DeviceAlertMessage,
// *DCCAlertMessage or *SMETS1ResponseMessage.
type ResponseBody interface {
	writeResponseBody(w *xw)
}

// Reply builds the DCC's own answer to a request in the form DCC Boxed uses for acknowledgements
// (I99), non-device results (I0) and errors (E…): the request's schema version and RequestID, no
// ResponseID, and a ResponseMessage naming the request's Service Reference and Variant. Set
// ResponseMessage.Content for a result that carries data, such as a DSPInventory. To answer a
// request that ParseRequest refused at the DUIS level, pass &Request{Header: *parseErr.Header}
// (schema version 5.4).
func Reply(req *Request, code string, at time.Time) *Response {
	id := req.Header.RequestID
	return &Response{
		SchemaVersion:    req.SchemaVersion,
		RequestID:        &id,
		ResponseCode:     code,
		ResponseDateTime: at,
		Body: &ResponseMessage{
			ServiceReference:        req.Header.ServiceReference,
			ServiceReferenceVariant: req.Header.ServiceReferenceVariant,
		},
	}
}

// Marshal writes the response as an unsigned document with the sr and ra prefixes declared on the
// root, as the DCC writes them. Every value is checked against the schema first; an error names
// the field.
func (r *Response) Marshal() ([]byte, error) {
	version, err := versionOrDefault(r.SchemaVersion)
	if err != nil {
		return nil, fmt.Errorf("duis: response: %w", err)
	}
	if !ValidResponseCode(r.ResponseCode) {
		return nil, fmt.Errorf("duis: response: ResponseCode %q is not one the schema defines", shorten(r.ResponseCode))
	}
	if r.ResponseDateTime.IsZero() {
		return nil, fmt.Errorf("duis: response: ResponseDateTime not set")
	}
	if r.Body == nil {
		return nil, fmt.Errorf("duis: response: %w", errNoBody)
	}
	w := &xw{b: make([]byte, 0, 512)}
	w.raw([]byte(xmlDecl))
	w.open("sr:Response", "xmlns:sr", SRNamespace, "xmlns:ra", RANamespace, "schemaVersion", version)
	w.open("sr:Header")
	if r.RequestID != nil {
		w.leaf("sr:RequestID", r.RequestID.String())
	}
	if r.ResponseID != nil {
		w.leaf("sr:ResponseID", r.ResponseID.String())
	}
	w.leaf("sr:ResponseCode", r.ResponseCode)
	w.dateTime("sr:ResponseDateTime", r.ResponseDateTime)
	w.close("sr:Header")
	w.open("sr:Body")
	r.Body.writeResponseBody(w)
	w.close("sr:Body")
	w.close("sr:Response")
	if w.err != nil {
		return nil, fmt.Errorf("duis: response: %w", w.err)
	}
	return w.b, nil
}

func versionOrDefault(v string) (string, error) {
	if v == "" {
		return DefaultSchemaVersion, nil
	}
	return v, checkSchemaVersion(v)
}

// checkSRV checks a Service Reference and Variant for a response: the schema enumerates both,
// and they are the 129 SRVs of simulator/srv, so an unknown SRV cannot be answered in DUIS.
func checkSRV(w *xw, ref, variant string) {
	s := srv.Lookup(variant)
	switch {
	case s == nil:
		w.failf("Service Reference Variant %q is not one DUIS defines", shorten(variant))
	case s.Reference != ref && !strings.HasPrefix(variant, ref+"."):
		// The DUIS matrix writes 6.2 for 6.20.1 and 6.20.2 (a spreadsheet's rounding of 6.20);
		// DCC's own templates and the schema use 6.20, so both are answered.
		w.failf("Service Reference %q does not go with variant %s (want %s)", shorten(ref), variant, s.Reference)
	}
}

// ResponseMessage is sr:ResponseMessage: the Service Reference and Variant answered, and
// optionally one piece of content.
type ResponseMessage struct {
	ServiceReference        string
	ServiceReferenceVariant string
	Content                 ResponseContent // nil for acknowledgements and errors
}

// ResponseContent is what a ResponseMessage carries: DSPInventory, GBCSPayload or PreCommand.
type ResponseContent interface {
	writeContent(w *xw)
}

func (m *ResponseMessage) writeResponseBody(w *xw) {
	checkSRV(w, m.ServiceReference, m.ServiceReferenceVariant)
	w.open("sr:ResponseMessage")
	w.leaf("sr:ServiceReference", m.ServiceReference)
	w.leaf("sr:ServiceReferenceVariant", m.ServiceReferenceVariant)
	if m.Content != nil {
		m.Content.writeContent(w)
	}
	w.close("sr:ResponseMessage")
}

// GBCSPayload is a GBCS message carried whole (base64 in the document), as SMETS2 device responses
// and CV 4 pre-commands carry theirs.
type GBCSPayload []byte

func (p GBCSPayload) writeContent(w *xw) { w.base64("sr:GBCSPayload", p) }

// PreCommand is the DCC's answer to a CV 4 Transform: the GBCS command the User must sign and send
// back as a Signed Pre-Command (CV 5), with the GBCS version it is framed for.
type PreCommand struct {
	GBCSVersion string
	GBCSPayload []byte
}

func (p *PreCommand) writeContent(w *xw) {
	if p.GBCSVersion == "" {
		w.failf("PreCommand: GBCSVersion is required")
	}
	w.open("sr:PreCommand")
	w.leaf("sr:GBCSVersion", p.GBCSVersion)
	w.base64("sr:GBCSPayload", p.GBCSPayload)
	w.close("sr:PreCommand")
}

// DeviceAlertMessage is sr:DeviceAlertMessage, the GBCS form of a device alert: the alert code
// and the GBCS alert itself. SMETS1 device alerts travel as SMETS1ResponseMessage with a
// DeviceAlert body instead.
type DeviceAlertMessage struct {
	AlertCode   uint16 // e.g. 0x8F35, written as hexBinary
	GBCSPayload []byte
}

func (m *DeviceAlertMessage) writeResponseBody(w *xw) {
	w.open("sr:DeviceAlertMessage")
	w.hex("sr:AlertCode", hexBytes(m.AlertCode))
	w.base64("sr:GBCSPayload", m.GBCSPayload)
	w.close("sr:DeviceAlertMessage")
}

// SMETS1ResponseMessage is how the DCC returns a SMETS1 device's response or alert: a
// SMETS1SignedResponse that the SMETS1 Service Provider signed as a document of its own, embedded
// whole. SignedResponse is that signed document (SMETS1SignedResponse.Marshal, then a Signer);
// its XML declaration is dropped when it is embedded, and everything else is kept byte for byte so
// its signature still verifies once a verifier extracts the element.
type SMETS1ResponseMessage struct {
	ServiceReference        string // optional: both or neither
	ServiceReferenceVariant string
	// DSPScheduleID, when set, names the DCC schedule whose execution this is (5.1).
	DSPScheduleID  *uint64
	SignedResponse []byte
}

func (m *SMETS1ResponseMessage) writeResponseBody(w *xw) {
	if (m.ServiceReference == "") != (m.ServiceReferenceVariant == "") {
		w.failf("SMETS1ResponseMessage: give both ServiceReference and ServiceReferenceVariant, or neither")
	}
	if m.ServiceReferenceVariant != "" {
		checkSRV(w, m.ServiceReference, m.ServiceReferenceVariant)
	}
	el, err := embedSigned(m.SignedResponse, RootSMETS1SignedResponse)
	if err != nil {
		w.failf("SMETS1ResponseMessage: %v", err)
	}
	w.open("sr:SMETS1ResponseMessage")
	w.opt("sr:ServiceReference", m.ServiceReference)
	w.opt("sr:ServiceReferenceVariant", m.ServiceReferenceVariant)
	if m.DSPScheduleID != nil {
		DSPScheduleID(*m.DSPScheduleID).writeContent(w)
	}
	w.raw(el)
	w.close("sr:SMETS1ResponseMessage")
}

// SMETS1SignedResponse is the document a SMETS1 Service Provider signs: an SMETS1Response whose
// header is the MMC header (who sent it to whom, and the counter) and whose body is a parsed
// device response (ResponsePayload) or a device alert (DeviceAlert). Marshal writes it unsigned;
// the schema requires its ds:Signature, so it validates only once a Signer has added one.
type SMETS1SignedResponse struct {
	SchemaVersion string // "" writes DefaultSchemaVersion
	Header        MMCHeader
	Body          SMETS1Body
}

// SMETS1Body is the body of an SMETS1Response: *ResponsePayload or *DeviceAlert.
type SMETS1Body interface {
	writeSMETS1Body(w *xw)
}

// MMCHeader is ra:HeaderType. For a response the originator is the device and the target the
// User (or the DCC, for DCC-scheduled requests); the counter is the request's.
type MMCHeader struct {
	BusinessOriginatorID            devices.EUI64
	BusinessTargetID                devices.EUI64
	OriginatorCounter               uint64
	SupplementaryRemotePartyID      *devices.EUI64 // the User, when the DCC originated the command
	SupplementaryRemotePartyCounter *uint64
	SupplementaryOriginatorCounter  *uint64
	GBCSHexadecimalMessageCode      []byte // optional hexBinary, e.g. {0x00, 0x01}
	ServiceReference                string // optional: both or neither
	ServiceReferenceVariant         string
	Timestamp                       *time.Time
}

// Marshal writes the unsigned SMETS1SignedResponse document, with the sr and ra prefixes declared
// on its root.
func (s *SMETS1SignedResponse) Marshal() ([]byte, error) {
	version, err := versionOrDefault(s.SchemaVersion)
	if err != nil {
		return nil, fmt.Errorf("duis: SMETS1SignedResponse: %w", err)
	}
	if s.Body == nil {
		return nil, fmt.Errorf("duis: SMETS1SignedResponse: %w", errNoBody)
	}
	w := &xw{b: make([]byte, 0, 1024)}
	w.raw([]byte(xmlDecl))
	w.open("sr:SMETS1SignedResponse", "xmlns:sr", SRNamespace, "xmlns:ra", RANamespace, "schemaVersion", version)
	w.open("sr:SMETS1Response")
	s.Header.write(w)
	w.open("sr:Body")
	s.Body.writeSMETS1Body(w)
	w.close("sr:Body")
	w.close("sr:SMETS1Response")
	w.close("sr:SMETS1SignedResponse")
	if w.err != nil {
		return nil, fmt.Errorf("duis: SMETS1SignedResponse: %w", w.err)
	}
	return w.b, nil
}

func (h *MMCHeader) write(w *xw) {
	w.open("sr:Header")
	w.eui("ra:BusinessOriginatorID", h.BusinessOriginatorID)
	w.eui("ra:BusinessTargetID", h.BusinessTargetID)
	w.uint("ra:OriginatorCounter", h.OriginatorCounter)
	if h.SupplementaryRemotePartyID != nil {
		w.eui("ra:SupplementaryRemotePartyID", *h.SupplementaryRemotePartyID)
	}
	if h.SupplementaryRemotePartyCounter != nil {
		w.uint("ra:SupplementaryRemotePartyCounter", *h.SupplementaryRemotePartyCounter)
	}
	if h.SupplementaryOriginatorCounter != nil {
		w.uint("ra:SupplementaryOriginatorCounter", *h.SupplementaryOriginatorCounter)
	}
	if h.GBCSHexadecimalMessageCode != nil {
		w.hex("ra:GBCSHexadecimalMessageCode", h.GBCSHexadecimalMessageCode)
	}
	if (h.ServiceReference == "") != (h.ServiceReferenceVariant == "") {
		w.failf("MMC header: give both ServiceReference and ServiceReferenceVariant, or neither")
	}
	if h.ServiceReferenceVariant != "" {
		checkSRV(w, h.ServiceReference, h.ServiceReferenceVariant)
		w.leaf("ra:ServiceReference", h.ServiceReference)
		w.leaf("ra:ServiceReferenceVariant", h.ServiceReferenceVariant)
	}
	if h.Timestamp != nil {
		w.dateTime("ra:Timestamp", *h.Timestamp)
	}
	w.close("sr:Header")
}

// ResponsePayload is a parsed SMETS1 device response (ra:ResponsePayload). SMETSData is the one
// MMC element inside ra:SMETSData, such as <ra:ReadInstantaneousImportRegistersRsp>…, written with
// the ra prefix (MMCWriter makes it); nil leaves ra:SMETSData out, as for a command whose success
// has no data.
type ResponsePayload struct {
	SMETSData []byte
}

func (p *ResponsePayload) writeSMETS1Body(w *xw) {
	w.open("sr:ResponseMessage")
	if p.SMETSData != nil {
		if _, err := checkFragment(p.SMETSData, RANamespace); err != nil {
			w.failf("SMETSData: %v", err)
		}
		w.open("ra:SMETSData")
		w.raw(p.SMETSData)
		w.close("ra:SMETSData")
	}
	w.close("sr:ResponseMessage")
}

// DeviceAlert is an SMETS1 device alert (ra:DeviceAlertMessageType with its DeviceAlertContent).
type DeviceAlert struct {
	AlertCode   uint16    // the GBCS alert code, e.g. 0x8F35; 0 leaves GBCSHexAlertCode out
	Description string    // required, up to 250 characters
	Timestamp   time.Time // when the device raised it
	Payload     []byte    // optional: the one MMC element of ra:Payload, for the alerts that carry data
}

func (a *DeviceAlert) writeSMETS1Body(w *xw) {
	if err := checkLength("AlertDescription", a.Description, 0, 250); err != nil {
		w.fail(err)
	}
	if a.Description == "" {
		w.failf("DeviceAlert: AlertDescription is required")
	}
	w.open("sr:DeviceAlertMessage")
	w.open("ra:DeviceAlertContent")
	if a.AlertCode != 0 {
		w.hex("ra:GBCSHexAlertCode", hexBytes(a.AlertCode))
	}
	w.leaf("ra:AlertDescription", a.Description)
	w.dateTime("ra:Timestamp", a.Timestamp)
	if a.Payload != nil {
		if _, err := checkFragment(a.Payload, RANamespace); err != nil {
			w.failf("DeviceAlert payload: %v", err)
		}
		w.open("ra:Payload")
		w.raw(a.Payload)
		w.close("ra:Payload")
	}
	w.close("ra:DeviceAlertContent")
	w.close("sr:DeviceAlertMessage")
}
