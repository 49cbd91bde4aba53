package scenarios

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
)

// Message kinds, as a DCC User tells its incoming sr:Response documents apart.
const (
	KindAnswer      = "answer"       // the synchronous answer to a request
	KindResponse    = "response"     // an asynchronous response to a request
	KindDeviceAlert = "device-alert" // a device alert (SMETS1: in an SMETS1ResponseMessage)
	KindDCCAlert    = "dcc-alert"    // an alert the DCC raises itself (AD1, N…)
)

// Message is one DUIS sr:Response as a DCC User receives it: an answer, an asynchronous response
// or an alert, with what the runner needs from it read out.
type Message struct {
	Kind       string
	RequestID  string // "" when the message answers no request (alerts)
	ResponseID string
	Code       string    // sr:ResponseCode
	At         time.Time // sr:ResponseDateTime
	SRV        string    // the Service Reference Variant it names, if any
	// AlertCode is a device alert's GBCS code in 4 upper-case hex digits ("8F1C") or a DCC
	// alert's code ("AD1", "N42").
	AlertCode string
	// PreCommand is a Transform answer's GBCS pre-command, to be signed.
	PreCommand []byte
	// Payload is the MMC payload (the element inside ra:SMETSData, or a device alert's
	// ra:Payload content), or a synchronous answer's content (sr:DSPInventory, sr:PreCommand …);
	// nil when there is none.
	Payload *Node
	XML     []byte

	// Set by the Receive Response Service:
	User     devices.EUI64 // whose Receive Response Service URL it came to (zero: not known)
	Received time.Time     // wall time of the first delivery
	Count    int           // deliveries of this exact document (retries repeat it byte for byte)
	Err      error         // why its signatures do not verify, if they do not
	seq      int           // arrival number at the receiver, from 1
}

// Node is an element of a parsed message: its namespace and local name, attributes by local
// name, text and child elements.
type Node struct {
	Space, Local string
	Attrs        map[string]string
	Text         string
	Children     []*Node
}

// maxNodes bounds the elements parseNodes keeps, beyond duis.Check's own bounds.
const maxNodes = 300_000

// parseNodes reads a document that duis.Check has passed into a tree of Nodes.
func parseNodes(doc []byte) (*Node, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = true
	var stack []*Node
	var root *Node
	n := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if n++; n > maxNodes {
				return nil, fmt.Errorf("more than %d elements", maxNodes)
			}
			nd := &Node{Space: t.Name.Space, Local: t.Name.Local}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				if nd.Attrs == nil {
					nd.Attrs = map[string]string{}
				}
				nd.Attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, nd)
			} else if root == nil {
				root = nd
			}
			stack = append(stack, nd)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

// Child returns the first child element with the local name, or nil.
func (n *Node) Child(local string) *Node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if c.Local == local {
			return c
		}
	}
	return nil
}

// Path follows child elements by local name ("Header/ResponseCode"); nil when one is missing.
func (n *Node) Path(path string) *Node {
	for _, p := range strings.Split(path, "/") {
		n = n.Child(p)
	}
	return n
}

// text returns the trimmed text of the element at path, or "".
func (n *Node) text(path string) string {
	if c := n.Path(path); c != nil {
		return strings.TrimSpace(c.Text)
	}
	return ""
}

// ParseMessage reads a DUIS sr:Response — an answer, a response or an alert — after checking it
// is a safe, well-formed DUIS document (duis.Check). It does not check signatures.
func ParseMessage(doc []byte) (*Message, error) {
	if err := duis.Check(doc, duis.RootResponse, duis.Limits{}); err != nil {
		return nil, err
	}
	root, err := parseNodes(doc)
	if err != nil {
		return nil, fmt.Errorf("parse response: %w", err)
	}
	m := &Message{XML: doc, RequestID: root.text("Header/RequestID"), ResponseID: root.text("Header/ResponseID"),
		Code: root.text("Header/ResponseCode")}
	if m.Code == "" {
		return nil, fmt.Errorf("parse response: Header/ResponseCode missing")
	}
	if at := root.text("Header/ResponseDateTime"); at != "" {
		if m.At, err = parseDateTime(at); err != nil {
			return nil, fmt.Errorf("parse response: Header/ResponseDateTime %q: %w", at, err)
		}
	}
	body := root.Child("Body")
	if body == nil || len(body.Children) != 1 {
		return nil, fmt.Errorf("parse response: Body must hold exactly one element")
	}
	el := body.Children[0]
	switch el.Local {
	case "ResponseMessage":
		m.Kind = KindAnswer
		m.SRV = el.text("ServiceReferenceVariant")
		// The answer's content (a non-device request's result, such as sr:DSPInventory, or a
		// Transform's sr:PreCommand) is its payload, for field checks.
		for _, c := range el.Children {
			if c.Local != "ServiceReference" && c.Local != "ServiceReferenceVariant" {
				m.Payload = c
			}
		}
		if p := el.Path("PreCommand/GBCSPayload"); p != nil {
			if m.PreCommand, err = base64.StdEncoding.DecodeString(strings.TrimSpace(p.Text)); err != nil {
				return nil, fmt.Errorf("parse response: PreCommand/GBCSPayload: %w", err)
			}
		}
	case "DCCAlertMessage":
		m.Kind = KindDCCAlert
		m.AlertCode = el.text("DCCAlertCode")
	case "DeviceAlertMessage":
		m.Kind = KindDeviceAlert
		m.AlertCode = strings.ToUpper(el.text("AlertCode"))
	case "SMETS1ResponseMessage":
		m.Kind = KindResponse
		m.SRV = el.text("ServiceReferenceVariant")
		inner := el.Path("SMETS1SignedResponse/SMETS1Response")
		if inner == nil {
			return nil, fmt.Errorf("parse response: SMETS1ResponseMessage without SMETS1SignedResponse/SMETS1Response")
		}
		b := inner.Child("Body")
		switch {
		case b.Child("DeviceAlertMessage") != nil:
			m.Kind = KindDeviceAlert
			content := b.Path("DeviceAlertMessage/DeviceAlertContent")
			m.AlertCode = strings.ToUpper(content.text("GBCSHexAlertCode"))
			if p := content.Child("Payload"); p != nil && len(p.Children) > 0 {
				m.Payload = p.Children[0]
			}
		case b.Path("ResponseMessage/SMETSData") != nil:
			if d := b.Path("ResponseMessage/SMETSData"); len(d.Children) > 0 {
				m.Payload = d.Children[0]
			}
		}
	default:
		return nil, fmt.Errorf("parse response: unexpected Body element %s", el.Local)
	}
	return m, nil
}

// parseDateTime reads an xs:dateTime; one without a zone is UTC, as DUIS times are.
func parseDateTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("not an xs:dateTime")
	}
	return t, nil
}

// Field finds the value at a path of element local names from the payload's root (the root's
// own name may lead the path or be left out), or an attribute with a final "@name" segment. A
// name may end in "[n]" to take the nth element of that name among its siblings, counting from
// 1 as XPath does ("TariffTOUPriceMatrix/TariffTOUPrice[2]"); without it the first is taken.
// ok is false when the path leads nowhere.
func (n *Node) Field(path string) (string, bool) {
	if n == nil {
		return "", false
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) > 0 && parts[0] == n.Local && len(parts) > 1 {
		parts = parts[1:]
	} else if len(parts) == 1 && parts[0] == n.Local {
		return strings.TrimSpace(n.Text), true
	}
	cur := n
	for i, p := range parts {
		if strings.HasPrefix(p, "@") {
			if i != len(parts)-1 {
				return "", false
			}
			v, ok := cur.Attrs[p[1:]]
			return v, ok
		}
		if cur = cur.nth(p); cur == nil {
			return "", false
		}
	}
	return strings.TrimSpace(cur.Text), true
}

// nth returns the child a path segment names: "Name" is the first child of that local name,
// "Name[n]" the nth (from 1); nil when there is none or the position is not a positive number.
func (n *Node) nth(seg string) *Node {
	name, pos, ok := strings.Cut(seg, "[")
	if !ok {
		return n.Child(seg)
	}
	k, err := strconv.Atoi(strings.TrimSuffix(pos, "]"))
	if err != nil || k < 1 || !strings.HasSuffix(pos, "]") {
		return nil
	}
	for _, c := range n.Children {
		if c.Local == name {
			if k--; k == 0 {
				return c
			}
		}
	}
	return nil
}

// outline lists an element's attributes and children by name, for a message saying what a
// payload holds instead of what a check looked for.
func (n *Node) outline() string {
	var parts []string
	for a := range n.Attrs {
		parts = append(parts, "@"+a)
	}
	sort.Strings(parts)
	for _, c := range n.Children {
		parts = append(parts, c.Local)
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}
