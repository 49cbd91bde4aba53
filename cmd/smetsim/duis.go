package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/smetsim/smetsim/simulator/duis/dsig"
)

func newDuisCmd(io *IOStreams, _ *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "duis",
		Short: "Sign and verify DUIS messages",
		Long: `Sign and verify DUIS XML messages as the DCC and its Users do: an enveloped XML signature,
exclusive C14N, ECDSA P-256 with SHA-256 (the raw r‖s), the key named by X509IssuerSerial.
The test PKI in fixtures/pki holds keys for the DCC, the S1SP and the fixture DCC Users.`,
	}
	cmd.AddCommand(newDuisSignCmd(io), newDuisVerifyCmd(io))
	return cmd
}

type duisSignOptions struct {
	key, cert string
	s1sp      bool
}

func newDuisSignCmd(io *IOStreams) *cobra.Command {
	opts := &duisSignOptions{}
	cmd := &cobra.Command{
		Use:   "sign --key KEY --cert CERT FILE",
		Short: "Sign a DUIS message (FILE, or - for standard input) and print it",
		Long: `Sign a DUIS message and print the signed document. A ds:Signature already in the document —
the placeholder of a DUIS template, or an earlier signature — is replaced. With --s1sp, only the
first sr:SMETS1SignedResponse is signed, as a standalone document, as the SMETS1 Service Provider
does before the DCC signs the whole response.`,
		Example: `  # a request signed by a DCC User
  smetsim duis sign --key fixtures/pki/users/90-B3-D5-1F-30-01-00-00.key.pem \
      --cert fixtures/pki/users/90-B3-D5-1F-30-01-00-00.cert.pem request.xml > signed.xml

  # a SMETS1 response: the S1SP signs inside, then the DCC signs the whole
  smetsim duis sign --s1sp --key fixtures/pki/s1sp.key.pem --cert fixtures/pki/s1sp.cert.pem response.xml |
      smetsim duis sign --key fixtures/pki/dcc.key.pem --cert fixtures/pki/dcc.cert.pem - > signed.xml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runDuisSign(io, opts, args[0]) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.key, "key", "", "PEM private key (PKCS #8 or SEC 1, ECDSA P-256)")
	f.StringVar(&opts.cert, "cert", "", "PEM certificate of the key: its issuer and serial number name the key in the signature")
	f.BoolVar(&opts.s1sp, "s1sp", false, "sign the first sr:SMETS1SignedResponse standalone, in place, as the S1SP does")
	return cmd
}

func runDuisSign(io *IOStreams, opts *duisSignOptions, file string) error {
	// Checked here rather than with cobra's required flags, so that a missing flag exits 2 like
	// every other usage mistake.
	if opts.key == "" || opts.cert == "" {
		return badInputf("--key and --cert are required")
	}
	signer, err := dsig.LoadSigner(opts.key, opts.cert)
	if err != nil {
		return badInputf("--key/--cert: %v", err)
	}
	doc, err := readDocument(io, file)
	if err != nil {
		return err
	}
	var out []byte
	if opts.s1sp {
		out, err = signer.SignEmbedded(doc, dsig.SMETS1SignedResponse)
	} else {
		out, err = signer.Sign(doc)
	}
	if err != nil {
		return badInputf("%s: %v", file, err)
	}
	_, err = io.Out.Write(out)
	return err
}

type duisVerifyOptions struct {
	certs, s1spCerts []string
}

func newDuisVerifyCmd(io *IOStreams) *cobra.Command {
	opts := &duisVerifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify --cert CERT... [--s1sp-cert CERT...] FILE",
		Short: "Verify the signature of a DUIS message (FILE, or - for standard input)",
		Long: `Verify the signature of a DUIS message against the certificates given: the signature's
X509IssuerSerial must name one of them. Exit status 0 when it is valid; 1 when it is not, with
the check that failed on standard error (no signature, an algorithm DUIS does not use, a digest
mismatch, an unknown certificate, a bad signature value); 2 when the input cannot be read as a
document. With --s1sp-cert, the S1SP's signature of the first sr:SMETS1SignedResponse is
verified too, against those certificates.`,
		Example: `  smetsim duis verify --cert fixtures/pki signed.xml
  smetsim duis verify --cert fixtures/pki/dcc.cert.pem --s1sp-cert fixtures/pki/s1sp.cert.pem response.xml
  smetsim duis verify --cert fixtures/pki/users --cert fixtures/pki/dcc.cert.pem - < signed.xml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runDuisVerify(io, opts, args[0]) },
	}
	f := cmd.Flags()
	f.StringArrayVar(&opts.certs, "cert", nil, "PEM certificate file, or a directory of them, to trust (repeatable)")
	f.StringArrayVar(&opts.s1spCerts, "s1sp-cert", nil, "also verify the S1SP's signature inside sr:SMETS1SignedResponse against these certificates (repeatable)")
	return cmd
}

func runDuisVerify(io *IOStreams, opts *duisVerifyOptions, file string) error {
	if len(opts.certs) == 0 {
		return badInputf("--cert is required: the certificates, or directories of them, to verify against")
	}
	store, err := loadCertStore("--cert", opts.certs)
	if err != nil {
		return err
	}
	var s1spStore *dsig.CertStore
	if len(opts.s1spCerts) > 0 {
		if s1spStore, err = loadCertStore("--s1sp-cert", opts.s1spCerts); err != nil {
			return err
		}
	}
	doc, err := readDocument(io, file)
	if err != nil {
		return err
	}
	cert, err := dsig.Verify(doc, store)
	if err != nil {
		return verifyFailure(file, err)
	}
	fmt.Fprintf(io.Out, "valid: signed by %q (issuer %q, serial %s)\n", cert.Subject, cert.Issuer, cert.SerialNumber)
	if s1spStore == nil {
		return nil
	}
	cert, err = dsig.VerifyEmbedded(doc, dsig.SMETS1SignedResponse, s1spStore)
	if err != nil {
		return verifyFailure(file, err)
	}
	fmt.Fprintf(io.Out, "valid: SMETS1SignedResponse signed by %q (issuer %q, serial %s)\n", cert.Subject, cert.Issuer, cert.SerialNumber)
	return nil
}

// verifyFailure sorts a verification error: a document that cannot be read is bad input (2),
// anything else a signature found invalid (1).
func verifyFailure(file string, err error) error {
	if errors.Is(err, dsig.ErrInvalidDocument) {
		return badInputf("%s: %v", file, err)
	}
	return failure{fmt.Errorf("%s: invalid signature: %w", file, err)}
}

// loadCertStore reads PEM certificates from files and directories into one store.
func loadCertStore(flag string, paths []string) (*dsig.CertStore, error) {
	store := &dsig.CertStore{}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, badInputf("%s: %v", flag, err)
		}
		if st.IsDir() {
			n, err := store.LoadPEMDir(p)
			if err != nil {
				return nil, badInputf("%s %s: %v", flag, p, err)
			}
			if n == 0 {
				return nil, badInputf("%s %s: no certificate in *.pem or *.crt files", flag, p)
			}
			continue
		}
		if _, err := store.LoadPEMFile(p); err != nil {
			return nil, badInputf("%s: %v", flag, err)
		}
	}
	return store, nil
}

// readDocument reads FILE, or standard input for "-", up to one byte past the largest document
// the signature package accepts, so that an oversized input is refused without being read whole.
func readDocument(streams *IOStreams, file string) ([]byte, error) {
	var r io.Reader = streams.In
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return nil, badInputf("%v", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, dsig.MaxDocumentSize+1))
	if err != nil {
		return nil, badInputf("%s: %v", file, err)
	}
	return data, nil
}
