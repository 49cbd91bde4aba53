package dsig_test

import (
	"errors"
	"os"
	"testing"

	"github.com/smetsim/smetsim/simulator/duis/dsig"
)

// verifyErrors are the kinds every Verify error is one of.
var verifyErrors = []error{
	dsig.ErrInvalidDocument, dsig.ErrNoSignature, dsig.ErrMalformedSignature, dsig.ErrUnsupportedAlgorithm,
	dsig.ErrDigestMismatch, dsig.ErrUnknownCertificate, dsig.ErrBadSignature,
}

// FuzzVerify feeds arbitrary bytes to Verify and VerifyEmbedded, which must neither panic nor
// return an error of no known kind; and whatever Sign accepts must then verify, which holds the
// canonicaliser and the serialiser to agree on any document, not only on DUIS ones.
func FuzzVerify(f *testing.F) {
	s, store, request, signed := benchFixtures(f)
	f.Add(signed)
	f.Add(request)
	if resp, err := os.ReadFile("testdata/smets1-response.xml"); err == nil {
		if inner, err := s.SignEmbedded(resp, dsig.SMETS1SignedResponse); err == nil {
			if both, err := s.Sign(inner); err == nil {
				f.Add(both)
			}
		}
	}
	f.Add([]byte(`<r xmlns="urn:d"><x xmlns=""><![CDATA[<&>]]>&#13;</x><?pi x?><!-- c --></r>`))
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cert, err := dsig.Verify(data, store)
		if err == nil && cert == nil {
			t.Fatal("Verify returned neither a certificate nor an error")
		}
		if err != nil && !isVerifyError(err) {
			t.Fatalf("Verify error of no known kind: %v", err)
		}
		if _, err := dsig.VerifyEmbedded(data, dsig.SMETS1SignedResponse, store); err != nil && !isVerifyError(err) {
			t.Fatalf("VerifyEmbedded error of no known kind: %v", err)
		}
		out, err := s.Sign(data)
		if err != nil {
			if !errors.Is(err, dsig.ErrInvalidDocument) {
				t.Fatalf("Sign refused a document for another reason than its form: %v", err)
			}
			return
		}
		if _, err := dsig.Verify(out, store); err != nil {
			t.Fatalf("what Sign wrote does not verify: %v\n%s", err, out)
		}
	})
}

func isVerifyError(err error) bool {
	for _, kind := range verifyErrors {
		if errors.Is(err, kind) {
			return true
		}
	}
	return false
}
