// Package dsig signs and verifies DUIS messages with the XML signature profile DUIS uses:
// enveloped, exclusive C14N, ECDSA P-256 with SHA-256 as a raw r‖s, the key named by
// X509IssuerSerial and resolved in the verifier's own certificate store. It also makes and checks
// the SMETS1 Service Provider's signature over sr:SMETS1SignedResponse, which is made over that
// element as a standalone document before the DCC embeds it in a response it signs again.
//
// The canonicaliser is this package's own (inclusive and exclusive Canonical XML 1.0 over etree
// trees): it writes straight into the digest without changing the tree, and xmllint and xmlsec1
// check it in the specs. Real DCC signatures name only the enveloped-signature transform, after
// which XMLDSig digests with inclusive C14N; Verify accepts that as well as the explicit
// exclusive transform that Sign writes. docs/signatures.md has the whole picture.
package dsig
