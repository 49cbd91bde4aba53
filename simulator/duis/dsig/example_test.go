package dsig_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/smetsim/smetsim/simulator/duis/dsig"
)

// A DCC User signs a request; the DCC verifies it against the certificates it trusts.
func Example() {
	const pki = "../../../fixtures/pki/"
	user, err := dsig.LoadSigner(pki+"users/90-B3-D5-1F-30-01-00-00.key.pem", pki+"users/90-B3-D5-1F-30-01-00-00.cert.pem")
	if err != nil {
		log.Fatal(err)
	}
	request, err := os.ReadFile("testdata/request.xml")
	if err != nil {
		log.Fatal(err)
	}
	signed, err := user.Sign(request)
	if err != nil {
		log.Fatal(err)
	}

	store := &dsig.CertStore{}
	if _, err := store.LoadPEMDir(pki); err != nil {
		log.Fatal(err)
	}
	cert, err := dsig.Verify(signed, store)
	fmt.Println(cert.Subject, err)

	tampered := strings.Replace(string(signed), "<sr:StandingCharge>26340<", "<sr:StandingCharge>1<", 1)
	_, err = dsig.Verify([]byte(tampered), store)
	fmt.Println(errors.Is(err, dsig.ErrDigestMismatch))
	// Output:
	// CN=90-B3-D5-1F-30-01-00-00,OU=07 <nil>
	// true
}
