package dsig

import "bytes"

// CanonicalForm exposes the canonicaliser to the specs, which compare it with xmllint's.
func CanonicalForm(doc []byte, exclusive bool) ([]byte, error) {
	d, _, err := parse(doc)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	canonicalDocument(&b, d, nil, exclusive)
	return b.Bytes(), nil
}
