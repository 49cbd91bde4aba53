package dsig

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// CertStore resolves the X509IssuerSerial of a DUIS signature to a certificate: DUIS signatures
// carry no certificate, so the verifier's own store is what it trusts. The zero value is an
// empty store ready to use, and a store is safe for concurrent use.
type CertStore struct {
	mu    sync.RWMutex
	certs map[string]*x509.Certificate
	n     int
}

// NewCertStore returns a store holding certs.
func NewCertStore(certs ...*x509.Certificate) *CertStore {
	s := &CertStore{}
	for _, c := range certs {
		s.Add(c)
	}
	return s
}

// Add puts cert in the store under its issuer and serial number; a certificate with the same
// issuer and serial replaces the one there (a CA never issues two).
func (s *CertStore) Add(cert *x509.Certificate) {
	var seq pkix.RDNSequence
	if _, err := asn1.Unmarshal(cert.RawIssuer, &seq); err != nil {
		// x509.ParseCertificate has parsed this issuer already; a hand-made Certificate
		// without RawIssuer falls back to its parsed form.
		seq = cert.Issuer.ToRDNSequence()
	}
	key := storeKey(rdnsFromSequence(seq), cert.SerialNumber)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.certs == nil {
		s.certs = make(map[string]*x509.Certificate)
	}
	if _, ok := s.certs[key]; !ok {
		s.n++
	}
	s.certs[key] = cert
}

// Len returns how many certificates the store holds.
func (s *CertStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.n
}

// Lookup returns the certificate issued by issuer (a distinguished name written as RFC 4514
// does, e.g. "CN=Z1,OU=07") with the given serial number. Names are compared as X.509 compares
// them rather than as strings: white space around separators and runs of it inside values do
// not matter, nor does case, nor the order of the attributes of a multi-valued RDN. A name
// written in the reverse RDN order (as OpenSSL's one-line form and some Windows tools write
// them) also matches: the store only chooses which key to try, and the signature must still
// verify with it. It returns an *UnknownCertificateError when there is none, or an error
// describing why issuer is not a distinguished name.
func (s *CertStore) Lookup(issuer string, serial *big.Int) (*x509.Certificate, error) {
	rdns, err := parseDN(issuer)
	if err != nil {
		return nil, err
	}
	if serial == nil {
		return nil, &UnknownCertificateError{Issuer: issuer, Serial: serial}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	// parseDN returns the RDNs as written, most specific first; certificates hold them in the
	// opposite order.
	slices.Reverse(rdns)
	if c, ok := s.certs[storeKey(rdns, serial)]; ok {
		return c, nil
	}
	slices.Reverse(rdns)
	if c, ok := s.certs[storeKey(rdns, serial)]; ok {
		return c, nil
	}
	return nil, &UnknownCertificateError{Issuer: issuer, Serial: serial}
}

// LoadPEM adds every CERTIFICATE block in data and returns how many it added. Other blocks
// (private keys beside the certificates) are skipped, so that a directory holding key pairs
// serves as a store.
func (s *CertStore) LoadPEM(data []byte) (int, error) {
	n := 0
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return n, nil
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return n, fmt.Errorf("certificate %d: %w", n+1, err)
		}
		s.Add(cert)
		n++
	}
}

// LoadPEMFile adds the certificates in a PEM file and returns how many it added; a file with
// none is an error, since it was named to be used.
func (s *CertStore) LoadPEMFile(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	n, err := s.LoadPEM(data)
	if err != nil {
		return n, fmt.Errorf("%s: %w", path, err)
	}
	if n == 0 {
		return 0, fmt.Errorf("%s: no PEM CERTIFICATE block", path)
	}
	return n, nil
}

// LoadPEMDir adds the certificates of every *.pem and *.crt file under dir, subdirectories
// included, and returns how many it added.
func (s *CertStore) LoadPEMDir(dir string) (int, error) {
	total := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || (!strings.HasSuffix(path, ".pem") && !strings.HasSuffix(path, ".crt")) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n, err := s.LoadPEM(data)
		total += n
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	})
	return total, err
}

// atv is one attribute of a distinguished name: its type as a dotted OID and its value in the
// form names are compared in.
type atv struct{ oid, value string }

// rdnsFromSequence turns a certificate's name into comparable RDNs, in certificate order.
func rdnsFromSequence(seq pkix.RDNSequence) [][]atv {
	out := make([][]atv, 0, len(seq))
	for _, set := range seq {
		rdn := make([]atv, 0, len(set))
		for _, a := range set {
			var v string
			if str, ok := a.Value.(string); ok {
				v = normaliseValue(str)
			} else if der, err := asn1.Marshal(a.Value); err == nil {
				v = "#" + hex.EncodeToString(der)
			}
			rdn = append(rdn, atv{a.Type.String(), v})
		}
		out = append(out, rdn)
	}
	return out
}

// storeKey is the map key of a name and serial number: each RDN's attributes sorted, since a
// multi-valued RDN is a set.
func storeKey(rdns [][]atv, serial *big.Int) string {
	var b strings.Builder
	for _, rdn := range rdns {
		sorted := slices.Clone(rdn)
		slices.SortFunc(sorted, func(x, y atv) int {
			if c := strings.Compare(x.oid, y.oid); c != 0 {
				return c
			}
			return strings.Compare(x.value, y.value)
		})
		b.WriteByte('/')
		for i, a := range sorted {
			if i > 0 {
				b.WriteByte('+')
			}
			b.WriteString(a.oid)
			b.WriteByte('=')
			b.WriteString(strconv.Quote(a.value))
		}
	}
	b.WriteByte('#')
	b.WriteString(serial.String())
	return b.String()
}

// normaliseValue folds what X.500 name matching ignores: case, and white space at the ends and
// in runs.
func normaliseValue(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// attributeTypes are the RFC 4514 short names (and a few common others) with their OIDs.
var attributeTypes = map[string]string{
	"CN": "2.5.4.3", "SN": "2.5.4.4", "SERIALNUMBER": "2.5.4.5", "C": "2.5.4.6", "L": "2.5.4.7",
	"ST": "2.5.4.8", "S": "2.5.4.8", "STREET": "2.5.4.9", "O": "2.5.4.10", "OU": "2.5.4.11",
	"T": "2.5.4.12", "TITLE": "2.5.4.12", "POSTALCODE": "2.5.4.17", "GN": "2.5.4.42",
	"GIVENNAME": "2.5.4.42", "DC": "0.9.2342.19200300.100.1.25", "UID": "0.9.2342.19200300.100.1.1",
	"E": "1.2.840.113549.1.9.1", "EMAILADDRESS": "1.2.840.113549.1.9.1",
}

// parseDN parses a distinguished name written as RFC 4514 does (RFC 2253 and the quoted values
// and semicolons of RFC 1779 too), returning its RDNs in written order.
func parseDN(s string) ([][]atv, error) {
	p := dnParser{s: s}
	rdns, err := p.parse()
	if err != nil {
		return nil, fmt.Errorf("distinguished name %q: %w", s, err)
	}
	return rdns, nil
}

type dnParser struct {
	s string
	i int
}

func (p *dnParser) skipSpace() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\r' || p.s[p.i] == '\n') {
		p.i++
	}
}

func (p *dnParser) parse() ([][]atv, error) {
	var rdns [][]atv
	p.skipSpace()
	if p.i == len(p.s) {
		return nil, errors.New("empty")
	}
	rdn := []atv{}
	for {
		a, err := p.attribute()
		if err != nil {
			return nil, err
		}
		rdn = append(rdn, a)
		p.skipSpace()
		if p.i == len(p.s) {
			return append(rdns, rdn), nil
		}
		switch p.s[p.i] {
		case '+':
		case ',', ';':
			rdns = append(rdns, rdn)
			rdn = []atv{}
		default:
			return nil, fmt.Errorf("unexpected %q at offset %d", p.s[p.i], p.i)
		}
		p.i++
	}
}

func (p *dnParser) attribute() (atv, error) {
	p.skipSpace()
	start := p.i
	for p.i < len(p.s) && p.s[p.i] != '=' && p.s[p.i] != ',' && p.s[p.i] != '+' && p.s[p.i] != ';' {
		p.i++
	}
	if p.i == len(p.s) || p.s[p.i] != '=' {
		return atv{}, fmt.Errorf("attribute at offset %d has no '='", start)
	}
	typ := strings.TrimSpace(p.s[start:p.i])
	p.i++
	oid, err := attributeOID(typ)
	if err != nil {
		return atv{}, err
	}
	p.skipSpace()
	value, err := p.value()
	if err != nil {
		return atv{}, fmt.Errorf("%s: %w", typ, err)
	}
	return atv{oid, value}, nil
}

func attributeOID(typ string) (string, error) {
	if oid, ok := attributeTypes[strings.ToUpper(typ)]; ok {
		return oid, nil
	}
	dotted := strings.TrimPrefix(strings.TrimPrefix(typ, "OID."), "oid.")
	if dotted == "" {
		return "", errors.New("empty attribute type")
	}
	for _, part := range strings.Split(dotted, ".") {
		if _, err := strconv.ParseUint(part, 10, 32); err != nil {
			return "", fmt.Errorf("unknown attribute type %q", typ)
		}
	}
	return dotted, nil
}

// value reads one attribute value: #hex (a BER encoding), a quoted string, or an escaped string.
func (p *dnParser) value() (string, error) {
	if p.i < len(p.s) && p.s[p.i] == '#' {
		start := p.i + 1
		for p.i++; p.i < len(p.s) && isHex(p.s[p.i]); p.i++ {
		}
		der, err := hex.DecodeString(p.s[start:p.i])
		if err != nil || len(der) == 0 {
			return "", errors.New("bad #hex value")
		}
		var str string
		if rest, err := asn1.Unmarshal(der, &str); err == nil && len(rest) == 0 {
			return normaliseValue(str), nil
		}
		return "#" + hex.EncodeToString(der), nil
	}
	var b strings.Builder
	if p.i < len(p.s) && p.s[p.i] == '"' {
		for p.i++; ; p.i++ {
			if p.i == len(p.s) {
				return "", errors.New("unterminated quoted value")
			}
			c := p.s[p.i]
			if c == '"' {
				p.i++
				return normaliseValue(b.String()), nil
			}
			if c == '\\' {
				if err := p.escape(&b); err != nil {
					return "", err
				}
				continue
			}
			b.WriteByte(c)
		}
	}
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == ',' || c == '+' || c == ';' {
			break
		}
		if c == '\\' {
			if err := p.escape(&b); err != nil {
				return "", err
			}
			p.i++
			continue
		}
		b.WriteByte(c)
		p.i++
	}
	return normaliseValue(b.String()), nil
}

// escape reads the escape at p.i (a backslash) and leaves p.i on its last character.
func (p *dnParser) escape(b *strings.Builder) error {
	if p.i+1 >= len(p.s) {
		return errors.New("dangling backslash")
	}
	if p.i+2 < len(p.s) && isHex(p.s[p.i+1]) && isHex(p.s[p.i+2]) {
		v, _ := strconv.ParseUint(p.s[p.i+1:p.i+3], 16, 8)
		b.WriteByte(byte(v))
		p.i += 2
		return nil
	}
	b.WriteByte(p.s[p.i+1])
	p.i++
	return nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// issuerName writes cert's issuer as RFC 4514 does, from the encoded name itself so that no
// attribute is lost: what X509IssuerName carries.
func issuerName(cert *x509.Certificate) string {
	var seq pkix.RDNSequence
	if _, err := asn1.Unmarshal(cert.RawIssuer, &seq); err != nil {
		return cert.Issuer.String()
	}
	return seq.String()
}
