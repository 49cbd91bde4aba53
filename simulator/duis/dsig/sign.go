package dsig

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"fmt"
	"os"

	"github.com/beevik/etree"
)

// Namespaces of DUIS messages and of XML signatures.
const (
	// NamespaceDS is XML Signature's namespace, prefixed ds in DUIS.
	NamespaceDS = "http://www.w3.org/2000/09/xmldsig#"
	// NamespaceSR is the DUIS namespace (Service User Gateway), prefixed sr.
	NamespaceSR = "http://www.dccinterface.co.uk/ServiceUserGateway"
	// NamespaceRA is the MMC namespace (Response and Alert), prefixed ra.
	NamespaceRA = "http://www.dccinterface.co.uk/ResponseAndAlert"
)

// The algorithms of the DUIS signature profile: the only ones Sign writes and Verify accepts.
const (
	// AlgorithmExcC14N is Exclusive XML Canonicalization 1.0 without comments.
	AlgorithmExcC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
	// AlgorithmECDSASHA256 is ECDSA with SHA-256 (RFC 6931), on P-256 in DUIS.
	AlgorithmECDSASHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
	// AlgorithmEnveloped is the enveloped-signature transform.
	AlgorithmEnveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
	// AlgorithmSHA256 is the SHA-256 digest.
	AlgorithmSHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
)

// SMETS1SignedResponse is the element the SMETS1 Service Provider signs as a standalone document
// inside a SMETS1 response, for SignEmbedded, VerifyEmbedded and Extract.
var SMETS1SignedResponse = xml.Name{Space: NamespaceSR, Local: "SMETS1SignedResponse"}

// Signer signs DUIS messages with an ECDSA P-256 key, naming its certificate by issuer and
// serial number as DUIS does (the certificate itself is not embedded).
type Signer struct {
	Key  *ecdsa.PrivateKey
	Cert *x509.Certificate
}

// LoadSigner reads a signer from a PEM private key file (PKCS #8 or SEC 1) and a PEM certificate
// file.
func LoadSigner(keyFile, certFile string) (*Signer, error) {
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, err
	}
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, err
	}
	s, err := ParseSigner(keyPEM, certPEM)
	if err != nil {
		return nil, fmt.Errorf("%s, %s: %w", keyFile, certFile, err)
	}
	return s, nil
}

// ParseSigner makes a signer from a PEM private key (PKCS #8 or SEC 1) and the first certificate
// in certPEM, and checks that they belong together.
func ParseSigner(keyPEM, certPEM []byte) (*Signer, error) {
	var key *ecdsa.PrivateKey
	for rest := keyPEM; key == nil; {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			return nil, errors.New("no PEM private key")
		}
		switch block.Type {
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("private key: %w", err)
			}
			ek, ok := k.(*ecdsa.PrivateKey)
			if !ok {
				return nil, fmt.Errorf("private key is %T; DUIS signatures need ECDSA P-256", k)
			}
			key = ek
		case "EC PRIVATE KEY":
			k, err := x509.ParseECPrivateKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("private key: %w", err)
			}
			key = k
		}
	}
	var cert *x509.Certificate
	for rest := certPEM; cert == nil; {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			return nil, errors.New("no PEM certificate")
		}
		if block.Type == "CERTIFICATE" {
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("certificate: %w", err)
			}
			cert = c
		}
	}
	s := &Signer{Key: key, Cert: cert}
	if err := s.check(); err != nil {
		return nil, err
	}
	return s, nil
}

// check refuses a signer whose key is not P-256 or does not match its certificate: a signature
// that no verifier could check is better refused at signing.
func (s *Signer) check() error {
	switch {
	case s == nil || s.Key == nil || s.Cert == nil:
		return errors.New("signer needs both Key and Cert")
	case s.Key.Curve != elliptic.P256():
		return fmt.Errorf("key is on %s; DUIS signatures use P-256", s.Key.Curve.Params().Name)
	case !s.Key.PublicKey.Equal(s.Cert.PublicKey):
		return fmt.Errorf("key does not match the certificate %q (serial %s)", s.Cert.Subject, s.Cert.SerialNumber)
	}
	return nil
}

// Sign returns doc signed with an enveloped signature as its root element's last child. A
// ds:Signature already among the root's children — the placeholder of a DUIS template, or an
// earlier signature — is removed first, and the new one takes its place when it was the last
// element. The document is re-serialised: its content is kept, its lexical form (quoting,
// character references, empty-element tags) may change. Comments are kept but not signed.
func (s *Signer) Sign(doc []byte) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	d, root, err := parse(doc)
	if err != nil {
		return nil, err
	}
	if err := s.signRoot(d, root); err != nil {
		return nil, err
	}
	return serialise(d), nil
}

// SignEmbedded signs the first element named name (SMETS1SignedResponse, for the S1SP) as a
// standalone document, as the SMETS1 Service Provider does before the DCC embeds its response:
// the element is taken out with the namespace declarations in force at it (see Extract), signed
// with Sign's rules, and put back in its place. The rest of doc is not signed; the DCC signs the
// whole with Sign afterwards.
func (s *Signer) SignEmbedded(doc []byte, name xml.Name) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	d, root, err := parse(doc)
	if err != nil {
		return nil, err
	}
	el := findElement(root, name)
	if el == nil {
		return nil, fmt.Errorf("no {%s}%s element to sign", name.Space, name.Local)
	}
	standalone := standaloneDocument(el)
	if err := s.signRoot(standalone, standalone.Root()); err != nil {
		return nil, err
	}
	parent, at := el.Parent(), el.Index()
	parent.RemoveChildAt(at)
	parent.InsertChildAt(at, standalone.Root())
	return serialise(d), nil
}

// signRoot replaces any signature among root's children by a new one over doc.
func (s *Signer) signRoot(doc *etree.Document, root *etree.Element) error {
	at := -1
	for i := len(root.Child) - 1; i >= 0; i-- {
		if e, ok := root.Child[i].(*etree.Element); ok && is(e, NamespaceDS, "Signature") {
			root.RemoveChildAt(i)
			at = i
		}
	}
	for i := at; at >= 0 && i < len(root.Child); i++ {
		if _, ok := root.Child[i].(*etree.Element); ok {
			at = -1 // an element follows the old signature: put the new one last, as DUIS wants
		}
	}

	h := sha256.New()
	bw := bufio.NewWriter(h)
	canonicalDocument(bw, doc, nil, true)
	bw.Flush()
	sig, signedInfo, value := signatureElement(h.Sum(nil), issuerName(s.Cert), s.Cert.SerialNumber.String())
	if at >= 0 {
		root.InsertChildAt(at, sig)
	} else {
		root.AddChild(sig)
	}

	var si bytes.Buffer
	canonicalSubtree(&si, signedInfo)
	digest := sha256.Sum256(si.Bytes())
	r, ss, err := ecdsa.Sign(rand.Reader, s.Key, digest[:])
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	raw := make([]byte, 64)
	r.FillBytes(raw[:32])
	ss.FillBytes(raw[32:])
	value.SetText(base64.StdEncoding.EncodeToString(raw))
	return nil
}

// signatureElement builds the ds:Signature DUIS uses, with an empty SignatureValue to fill. The
// Transforms name exclusive C14N explicitly after the enveloped-signature transform: left
// implicit, XMLDSig digests with inclusive C14N, which a signature made over a standalone
// element would not survive being embedded.
func signatureElement(digest []byte, issuer, serial string) (sig, signedInfo, value *etree.Element) {
	sig = etree.NewElement("ds:Signature")
	sig.CreateAttr("xmlns:ds", NamespaceDS)
	signedInfo = sig.CreateElement("ds:SignedInfo")
	signedInfo.CreateElement("ds:CanonicalizationMethod").CreateAttr("Algorithm", AlgorithmExcC14N)
	signedInfo.CreateElement("ds:SignatureMethod").CreateAttr("Algorithm", AlgorithmECDSASHA256)
	ref := signedInfo.CreateElement("ds:Reference")
	ref.CreateAttr("URI", "")
	transforms := ref.CreateElement("ds:Transforms")
	transforms.CreateElement("ds:Transform").CreateAttr("Algorithm", AlgorithmEnveloped)
	transforms.CreateElement("ds:Transform").CreateAttr("Algorithm", AlgorithmExcC14N)
	ref.CreateElement("ds:DigestMethod").CreateAttr("Algorithm", AlgorithmSHA256)
	ref.CreateElement("ds:DigestValue").SetText(base64.StdEncoding.EncodeToString(digest))
	value = sig.CreateElement("ds:SignatureValue")
	issuerSerial := sig.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509IssuerSerial")
	issuerSerial.CreateElement("ds:X509IssuerName").SetText(issuer)
	issuerSerial.CreateElement("ds:X509SerialNumber").SetText(serial)
	return sig, signedInfo, value
}

// findElement returns the first element named name in document order, or nil.
func findElement(e *etree.Element, name xml.Name) *etree.Element {
	if is(e, name.Space, name.Local) {
		return e
	}
	for _, c := range e.ChildElements() {
		if f := findElement(c, name); f != nil {
			return f
		}
	}
	return nil
}

// standaloneDocument copies el into a document of its own, declaring on it every namespace in
// force at el that it does not declare itself (the sr and ra of a SMETS1SignedResponse, usually
// declared on the sr:Response root). Under exclusive C14N only the visibly used ones reach the
// canonical form, so the copy canonicalises as el does in place; the others are copied too so
// that QNames in attribute values (xsi:type) keep their meaning in the standalone document.
func standaloneDocument(el *etree.Element) *etree.Document {
	cp := el.Copy()
	declared := map[string]bool{}
	for _, a := range el.Attr {
		if p, ok := declaration(a); ok {
			declared[p] = true
		}
	}
	for p := el.Parent(); p != nil; p = p.Parent() {
		for _, a := range p.Attr {
			prefix, ok := declaration(a)
			if !ok || declared[prefix] {
				continue
			}
			declared[prefix] = true
			if prefix == "" {
				if a.Value != "" {
					cp.CreateAttr("xmlns", a.Value)
				}
				continue
			}
			cp.CreateAttr("xmlns:"+prefix, a.Value)
		}
	}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	doc.CreateText("\n")
	doc.SetRoot(cp)
	return doc
}

// Extract returns the first element named name in doc (SMETS1SignedResponse, usually) as a
// standalone document, as a verifier of the S1SP's signature, or xmlsec1, needs it: see
// VerifyEmbedded.
func Extract(doc []byte, name xml.Name) ([]byte, error) {
	_, root, err := parse(doc)
	if err != nil {
		return nil, err
	}
	el := findElement(root, name)
	if el == nil {
		return nil, fmt.Errorf("%w: no {%s}%s element", ErrNoSignature, name.Space, name.Local)
	}
	return serialise(standaloneDocument(el)), nil
}
