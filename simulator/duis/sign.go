package duis

import (
	"encoding/xml"
	"fmt"
	"io"
)

// Signer completes a document with its enveloped XML signature. Every Marshal in this package
// returns the unsigned document, exactly the bytes that get signed: DUIS signatures are enveloped
// (Reference URI="" with the enveloped-signature transform), so the signed content is the document
// without its ds:Signature, and the signature goes in as the root's last child, where every DUIS
// document type puts it. simulator/duis/dsig implements the signing; this package only defines
// the hook, so that the two do not depend on each other.
//
// Sign returns the whole signed document. A signer that only produces the ds:Signature element
// can return InsertSignature(unsigned, signature).
type Signer interface {
	Sign(unsigned []byte) ([]byte, error)
}

// SignerFunc lets an ordinary function serve as a Signer.
type SignerFunc func(unsigned []byte) ([]byte, error)

// Sign calls f.
func (f SignerFunc) Sign(unsigned []byte) ([]byte, error) { return f(unsigned) }

// Sign has s sign an unsigned document whose root is sr:root, and checks what comes back: a
// document that passes Check with the same root and ends its root with a ds:Signature.
func Sign(unsigned []byte, root Root, s Signer) ([]byte, error) {
	signed, err := s.Sign(unsigned)
	if err != nil {
		return nil, fmt.Errorf("duis: signing %s: %w", root, err)
	}
	if _, err := embedSigned(signed, root); err != nil {
		return nil, fmt.Errorf("duis: signed %s: %w", root, err)
	}
	return signed, nil
}

// InsertSignature puts a ds:Signature element (a standalone element that declares the ds prefix
// itself, as the DCC writes it) in as the last child of the unsigned document's root.
func InsertSignature(unsigned, signature []byte) ([]byte, error) {
	doc, err := outlineOf(unsigned)
	if err != nil {
		return nil, fmt.Errorf("duis: unsigned document: %w", err)
	}
	if doc.signed {
		return nil, fmt.Errorf("duis: the document already has a ds:Signature")
	}
	if doc.endTag == doc.end {
		return nil, fmt.Errorf("duis: the root element <%s/> is empty, with no end tag to sign before", local(doc.root))
	}
	sig, err := outlineOf(signature)
	if err != nil {
		return nil, fmt.Errorf("duis: signature: %w", err)
	}
	if sig.root.Space != DSNamespace || sig.root.Local != "Signature" {
		return nil, fmt.Errorf("duis: signature: root is <%s>, want ds:Signature", local(sig.root))
	}
	el := signature[sig.start:sig.end]
	out := make([]byte, 0, len(unsigned)+len(el))
	out = append(out, unsigned[:doc.endTag]...)
	out = append(out, el...)
	return append(out, unsigned[doc.endTag:]...), nil
}

// outline is the shape of a document that embedding and signing need.
type outline struct {
	root      xml.Name
	start     int64    // offset of the root's start tag
	endTag    int64    // offset of the root's end tag
	end       int64    // offset just past the root's end tag
	lastChild xml.Name // the root's last child element
	signed    bool     // the root has a ds:Signature child
}

// outlineOf passes doc through the checked scanner (DefaultLimits) and records its outline.
func outlineOf(doc []byte) (outline, error) {
	var o outline
	s, err := newScanner(doc, Limits{})
	if err != nil {
		return o, err
	}
	for {
		tok, err := s.next()
		if err == io.EOF {
			return o, nil
		}
		if err != nil {
			return o, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch len(s.stack) {
			case 1:
				o.root, o.start = t.Name, s.start
			case 2:
				o.lastChild = t.Name
				if t.Name.Space == DSNamespace && t.Name.Local == "Signature" {
					o.signed = true
				}
			}
		case xml.EndElement:
			if len(s.stack) == 0 {
				o.endTag, o.end = s.start, s.base+s.d.InputOffset()
			}
		}
	}
}

// embedSigned checks a signed standalone document (root sr:root, last child ds:Signature) and
// returns its root element's bytes, without the XML declaration, for embedding in a response.
func embedSigned(doc []byte, root Root) ([]byte, error) {
	if len(doc) == 0 {
		return nil, fmt.Errorf("no signed %s document", root)
	}
	if err := Check(doc, root, Limits{}); err != nil {
		return nil, err
	}
	o, err := outlineOf(doc)
	if err != nil {
		return nil, err
	}
	if o.lastChild.Space != DSNamespace || o.lastChild.Local != "Signature" {
		return nil, fmt.Errorf("sr:%s is not signed: its last child is not a ds:Signature", root)
	}
	return doc[o.start:o.end], nil
}

// checkFragment checks that raw is exactly one element in namespace ns (with the sr and ra
// prefixes available, as the enclosing document declares them) and returns its local name.
func checkFragment(raw []byte, ns string) (string, error) {
	const open = `<f xmlns:sr="` + SRNamespace + `" xmlns:ra="` + RANamespace + `">`
	doc := make([]byte, 0, len(open)+len(raw)+4)
	doc = append(append(append(doc, open...), raw...), "</f>"...)
	s, err := newScanner(doc, Limits{})
	if err != nil {
		return "", err
	}
	name := ""
	for {
		tok, err := s.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(s.stack) == 2 {
				if name != "" {
					return "", fmt.Errorf("more than one element")
				}
				if t.Name.Space != ns {
					return "", fmt.Errorf("<%s> is not in namespace %s", local(t.Name), ns)
				}
				name = t.Name.Local
			}
		case xml.CharData:
			if len(s.stack) == 1 && !isAllXMLSpace(t) {
				return "", fmt.Errorf("text outside the element")
			}
		}
	}
	if name == "" {
		return "", fmt.Errorf("no element")
	}
	return name, nil
}
