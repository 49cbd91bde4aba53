package dsig

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"math/big"
	"strings"

	"github.com/beevik/etree"
)

// Verify checks the enveloped signature of doc's root element against the certificates in
// store and returns the certificate that signed it. The checks run in this order, and the first
// to fail gives the error: the document parses (ErrInvalidDocument); the root has exactly one
// ds:Signature child (ErrNoSignature, ErrMalformedSignature); its algorithms are DUIS's
// (ErrUnsupportedAlgorithm); the digest matches the document (ErrDigestMismatch); the issuer and
// serial resolve in store (ErrUnknownCertificate); the SignatureValue, a raw r‖s, verifies
// (ErrBadSignature, with ErrDERSignature for a DER one).
//
// The digest is checked before the certificate is looked up because it needs no key: a tampered
// document is reported as tampered even when its signer is unknown to this store.
//
// The Reference's transforms are either the enveloped-signature transform followed by exclusive
// C14N (what Sign writes), or the enveloped-signature transform alone, after which XMLDSig
// digests the document with inclusive Canonical XML 1.0 — what the DCC's own signatures and the
// DUIS request templates use.
func Verify(doc []byte, store *CertStore) (*x509.Certificate, error) {
	d, root, err := parse(doc)
	if err != nil {
		return nil, err
	}
	return verifyRoot(d, root, store)
}

// VerifyEmbedded checks the signature of the first element named name in doc (SMETS1SignedResponse,
// for the S1SP's signature) as Verify would if that element were a document of its own: the
// element is taken out with the namespace declarations in force at it (see Extract) and its own
// enveloped signature verified. The signature of doc's root is not checked; call Verify for it.
func VerifyEmbedded(doc []byte, name xml.Name, store *CertStore) (*x509.Certificate, error) {
	_, root, err := parse(doc)
	if err != nil {
		return nil, err
	}
	el := findElement(root, name)
	if el == nil {
		return nil, fmt.Errorf("%w: no {%s}%s element", ErrNoSignature, name.Space, name.Local)
	}
	standalone := standaloneDocument(el)
	cert, err := verifyRoot(standalone, standalone.Root(), store)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name.Local, err)
	}
	return cert, nil
}

// signature is a ds:Signature read and checked for shape and algorithms.
type signature struct {
	el         *etree.Element
	signedInfo *etree.Element
	exclusive  bool // the digest is over exclusive C14N (explicit) rather than inclusive (implicit)
	digest     []byte
	value      string // base64 as found, white space removed
	issuer     string
	serial     *big.Int
}

func verifyRoot(doc *etree.Document, root *etree.Element, store *CertStore) (*x509.Certificate, error) {
	var sigEl *etree.Element
	for _, c := range root.ChildElements() {
		if is(c, NamespaceDS, "Signature") {
			if sigEl != nil {
				return nil, fmt.Errorf("%w: <%s> has more than one ds:Signature child", ErrMalformedSignature, root.FullTag())
			}
			sigEl = c
		}
	}
	if sigEl == nil {
		return nil, fmt.Errorf("%w: <%s> has no ds:Signature child", ErrNoSignature, root.FullTag())
	}
	sig, err := readSignature(sigEl)
	if err != nil {
		return nil, err
	}

	h := sha256.New()
	bw := bufio.NewWriter(h)
	canonicalDocument(bw, doc, sigEl, sig.exclusive)
	bw.Flush()
	if got := h.Sum(nil); !bytes.Equal(got, sig.digest) {
		c14n := "inclusive C14N 1.0 (no canonicalisation transform after enveloped-signature)"
		if sig.exclusive {
			c14n = "exclusive C14N"
		}
		return nil, fmt.Errorf("%w: ds:DigestValue is %s but the document, less its signature, digests to %s under %s",
			ErrDigestMismatch, base64.StdEncoding.EncodeToString(sig.digest), base64.StdEncoding.EncodeToString(got), c14n)
	}

	if store == nil {
		store = &CertStore{}
	}
	cert, err := store.Lookup(sig.issuer, sig.serial)
	if err != nil {
		if _, ok := err.(*UnknownCertificateError); ok {
			return nil, err
		}
		return nil, fmt.Errorf("%w: ds:X509IssuerName: %v", ErrMalformedSignature, err)
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return nil, &AlgorithmError{Element: fmt.Sprintf("key of certificate %q serial %s", cert.Subject, cert.SerialNumber),
			Algorithm: fmt.Sprintf("%T", cert.PublicKey), Want: "ECDSA P-256"}
	}

	raw, err := base64.StdEncoding.DecodeString(sig.value)
	if err != nil {
		return nil, fmt.Errorf("%w: ds:SignatureValue is not base64: %v", ErrMalformedSignature, err)
	}
	if len(raw) != 64 {
		var der struct{ R, S *big.Int }
		if rest, err := asn1.Unmarshal(raw, &der); err == nil && len(rest) == 0 {
			return nil, fmt.Errorf("%w: %w: ds:SignatureValue is a %d-byte DER ECDSA-Sig-Value; DUIS (RFC 6931) wants the 64-byte r‖s",
				ErrBadSignature, ErrDERSignature, len(raw))
		}
		return nil, fmt.Errorf("%w: ds:SignatureValue is %d bytes; an ECDSA P-256 r‖s is 64", ErrBadSignature, len(raw))
	}
	var si bytes.Buffer
	canonicalSubtree(&si, sig.signedInfo)
	hashed := sha256.Sum256(si.Bytes())
	r, s := new(big.Int).SetBytes(raw[:32]), new(big.Int).SetBytes(raw[32:])
	if !ecdsa.Verify(pub, hashed[:], r, s) {
		return nil, fmt.Errorf("%w: ds:SignatureValue does not verify with the key of %q (issuer %q, serial %s)",
			ErrBadSignature, cert.Subject, sig.issuer, sig.serial)
	}
	return cert, nil
}

// readSignature checks the shape of a ds:Signature against the DUIS profile and reads what
// verifying needs. It is strict: anything DUIS signatures do not carry is refused rather than
// ignored, since a verifier that skips what it does not understand can be led to accept it.
func readSignature(sigEl *etree.Element) (*signature, error) {
	sig := &signature{el: sigEl}
	kids, err := dsChildren(sigEl, "SignedInfo", "SignatureValue", "KeyInfo")
	if err != nil {
		return nil, err
	}
	sig.signedInfo = kids[0]
	value, err := leafText(kids[1])
	if err != nil {
		return nil, err
	}
	sig.value = stripXMLSpace(value)

	si, err := dsChildren(sig.signedInfo, "CanonicalizationMethod", "SignatureMethod", "Reference")
	if err != nil {
		return nil, err
	}
	if err := checkAlgorithm(si[0], AlgorithmExcC14N); err != nil {
		return nil, err
	}
	if err := checkAlgorithm(si[1], AlgorithmECDSASHA256); err != nil {
		return nil, err
	}
	ref := si[2]
	if uri := ref.SelectAttr("URI"); uri == nil || uri.Value != "" {
		got := "no URI"
		if uri != nil {
			got = fmt.Sprintf("URI=%q", uri.Value)
		}
		return nil, fmt.Errorf(`%w: ds:Reference has %s; DUIS signs the whole document with URI=""`, ErrMalformedSignature, got)
	}
	refKids, err := dsChildren(ref, "Transforms", "DigestMethod", "DigestValue")
	if err != nil {
		return nil, err
	}
	transforms := refKids[0].ChildElements()
	for _, t := range transforms {
		if !is(t, NamespaceDS, "Transform") {
			return nil, fmt.Errorf("%w: ds:Transforms holds <%s>", ErrMalformedSignature, t.FullTag())
		}
	}
	switch {
	case len(transforms) == 0:
		return nil, fmt.Errorf("%w: ds:Transforms is empty; DUIS needs the enveloped-signature transform", ErrMalformedSignature)
	case len(transforms) > 2:
		return nil, fmt.Errorf("%w: ds:Transforms has %d transforms; DUIS uses enveloped-signature then at most exclusive C14N", ErrMalformedSignature, len(transforms))
	}
	if err := checkAlgorithm(transforms[0], AlgorithmEnveloped); err != nil {
		return nil, err
	}
	if len(transforms) == 2 {
		if err := checkAlgorithm(transforms[1], AlgorithmExcC14N); err != nil {
			return nil, err
		}
		sig.exclusive = true
	}
	if err := checkAlgorithm(refKids[1], AlgorithmSHA256); err != nil {
		return nil, err
	}
	digest, err := leafText(refKids[2])
	if err != nil {
		return nil, err
	}
	if sig.digest, err = base64.StdEncoding.DecodeString(stripXMLSpace(digest)); err != nil {
		return nil, fmt.Errorf("%w: ds:DigestValue is not base64: %v", ErrMalformedSignature, err)
	}
	if len(sig.digest) != sha256.Size {
		return nil, fmt.Errorf("%w: ds:DigestValue is %d bytes; a SHA-256 digest is %d", ErrMalformedSignature, len(sig.digest), sha256.Size)
	}

	issuerSerial := findDS(kids[2], "X509Data", "X509IssuerSerial")
	if issuerSerial == nil {
		return nil, fmt.Errorf("%w: ds:KeyInfo has no ds:X509Data/ds:X509IssuerSerial, which DUIS names its keys by", ErrMalformedSignature)
	}
	names, err := dsChildren(issuerSerial, "X509IssuerName", "X509SerialNumber")
	if err != nil {
		return nil, err
	}
	issuer, err := leafText(names[0])
	if err != nil {
		return nil, err
	}
	sig.issuer = strings.TrimSpace(issuer)
	serial, err := leafText(names[1])
	if err != nil {
		return nil, err
	}
	serial = strings.TrimSpace(serial)
	var ok bool
	if sig.serial, ok = new(big.Int).SetString(serial, 10); !ok {
		return nil, fmt.Errorf("%w: ds:X509SerialNumber %q is not a decimal integer", ErrMalformedSignature, serial)
	}
	return sig, nil
}

// dsChildren returns e's child elements, which must be exactly the ds elements named, in order.
// Comments and white space between them are allowed; text is not.
func dsChildren(e *etree.Element, names ...string) ([]*etree.Element, error) {
	var kids []*etree.Element
	for _, t := range e.Child {
		switch t := t.(type) {
		case *etree.Element:
			kids = append(kids, t)
		case *etree.CharData:
			if len(names) > 0 && !isXMLSpace(t.Data) {
				return nil, fmt.Errorf("%w: <%s> holds text", ErrMalformedSignature, e.FullTag())
			}
		}
	}
	for i, name := range names {
		if i >= len(kids) {
			return nil, fmt.Errorf("%w: <%s> has no ds:%s", ErrMalformedSignature, e.FullTag(), name)
		}
		if !is(kids[i], NamespaceDS, name) {
			return nil, fmt.Errorf("%w: <%s> has <%s> where ds:%s belongs", ErrMalformedSignature, e.FullTag(), kids[i].FullTag(), name)
		}
	}
	if len(kids) > len(names) {
		return nil, fmt.Errorf("%w: <%s> has <%s> after ds:%s, which DUIS signatures do not carry",
			ErrMalformedSignature, e.FullTag(), kids[len(names)].FullTag(), names[len(names)-1])
	}
	return kids, nil
}

// checkAlgorithm checks an algorithm element: the Algorithm attribute is want, and it has no
// parameters (InclusiveNamespaces, HMACOutputLength), which DUIS never uses.
func checkAlgorithm(e *etree.Element, want string) error {
	got := e.SelectAttrValue("Algorithm", "")
	if got != want {
		return &AlgorithmError{Element: e.FullTag(), Algorithm: got, Want: want}
	}
	if kids := e.ChildElements(); len(kids) > 0 {
		return fmt.Errorf("%w: %s has parameter <%s>, which DUIS does not use", ErrUnsupportedAlgorithm, e.FullTag(), kids[0].FullTag())
	}
	return nil
}

// findDS follows a path of ds child elements from e, taking the first match at each step.
func findDS(e *etree.Element, path ...string) *etree.Element {
	for _, name := range path {
		var next *etree.Element
		for _, c := range e.ChildElements() {
			if is(c, NamespaceDS, name) {
				next = c
				break
			}
		}
		if next == nil {
			return nil
		}
		e = next
	}
	return e
}

// leafText returns the text of an element that must hold text only.
func leafText(e *etree.Element) (string, error) {
	var b strings.Builder
	for _, t := range e.Child {
		switch t := t.(type) {
		case *etree.Element:
			return "", fmt.Errorf("%w: <%s> holds element <%s> where text belongs", ErrMalformedSignature, e.FullTag(), t.FullTag())
		case *etree.CharData:
			b.WriteString(t.Data)
		}
	}
	return b.String(), nil
}
