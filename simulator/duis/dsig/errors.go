package dsig

import (
	"errors"
	"fmt"
	"math/big"
)

// Sentinel errors: every error from Verify and VerifyEmbedded matches exactly one of the first
// seven with errors.Is, and says in its text which element or value failed.
var (
	// ErrInvalidDocument means the input is not a document this package will read (not well-formed,
	// a DOCTYPE, too large, too deep, not UTF-8, an undeclared prefix).
	ErrInvalidDocument = errors.New("invalid document")
	// ErrNoSignature means the root element has no ds:Signature child.
	ErrNoSignature = errors.New("no signature")
	// ErrMalformedSignature means the ds:Signature is not shaped as DUIS signatures are (a missing or
	// repeated element, a Reference URI other than "", base64 that does not decode).
	ErrMalformedSignature = errors.New("malformed signature")
	// ErrUnsupportedAlgorithm means an algorithm other than the DUIS ones; see AlgorithmError.
	ErrUnsupportedAlgorithm = errors.New("unsupported algorithm")
	// ErrDigestMismatch means the document (less its signature) is not what was signed.
	ErrDigestMismatch = errors.New("digest mismatch")
	// ErrUnknownCertificate means no certificate in the store has the signature's issuer and serial;
	// see UnknownCertificateError.
	ErrUnknownCertificate = errors.New("unknown certificate")
	// ErrBadSignature means the SignatureValue does not verify with the certificate's key.
	ErrBadSignature = errors.New("bad signature")

	// ErrDERSignature accompanies ErrBadSignature when the SignatureValue is a DER ECDSA-Sig-Value:
	// DUIS signatures are the raw 64-byte r‖s of RFC 6931, and a DER one is a signer's mistake
	// worth naming rather than a mere mismatch.
	ErrDERSignature = errors.New("DER-encoded ECDSA signature where DUIS wants raw r‖s")
)

// AlgorithmError names an algorithm the DUIS signature profile does not allow, and where it was.
type AlgorithmError struct {
	Element   string // e.g. "ds:SignatureMethod"
	Algorithm string // the Algorithm attribute as found
	Want      string // what DUIS uses there
}

// Error names the element, the algorithm found and the one DUIS uses.
func (e *AlgorithmError) Error() string {
	return fmt.Sprintf("%s: %s Algorithm=%q, want %q", ErrUnsupportedAlgorithm, e.Element, e.Algorithm, e.Want)
}

// Is makes errors.Is(err, ErrUnsupportedAlgorithm) true.
func (e *AlgorithmError) Is(target error) bool { return target == ErrUnsupportedAlgorithm }

// UnknownCertificateError names the issuer and serial number that the certificate store could
// not resolve.
type UnknownCertificateError struct {
	Issuer string
	Serial *big.Int
}

// Error names the issuer and serial number looked up.
func (e *UnknownCertificateError) Error() string {
	return fmt.Sprintf("%s: no certificate issued by %q with serial number %s", ErrUnknownCertificate, e.Issuer, e.Serial)
}

// Is makes errors.Is(err, ErrUnknownCertificate) true.
func (e *UnknownCertificateError) Is(target error) bool { return target == ErrUnknownCertificate }
