package dcc

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io/fs"
	"path"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis/dsig"
	"github.com/smetsim/smetsim/simulator/inventory"
	"github.com/smetsim/smetsim/simulator/users"
)

// EUI is the DCC's own EUI-64, the target of non-device requests and the originator of its alerts.
var EUI = devices.EUI64{0x90, 0xB3, 0xD5, 0x1F, 0x30, 0x00, 0x00, 0x02}

// Keys are the DCC's credentials and what it knows of its users' certificates.
type Keys struct {
	DCC       *dsig.Signer // signs every response and DCC alert
	S1SP      *dsig.Signer // signs each SMETS1SignedResponse and S1SP alert
	Users     *dsig.CertStore
	UserCerts map[devices.EUI64]*x509.Certificate // the certificate each user must sign with
}

// LoadKeys reads the DCC's and S1SP's keys and every user's certificate from a fixtures tree laid
// out as fixtures/pki is (pki/dcc.*.pem, pki/s1sp.*.pem, the users file's certificate paths
// relative to the users file).
func LoadKeys(fsys fs.FS, pkiDir, usersFile string, dir *users.Directory) (*Keys, error) {
	return LoadKeysFrom(fsys, pkiDir, fsys, usersFile, dir)
}

// LoadKeysFrom is LoadKeys with the DCC's and S1SP's keys (pkiFS, pkiDir) and the users file with
// its certificates (usersFS, usersFile) in different trees: a user's own users file on disk with
// the built-in DCC keys.
func LoadKeysFrom(pkiFS fs.FS, pkiDir string, usersFS fs.FS, usersFile string, dir *users.Directory) (*Keys, error) {
	readFrom := func(fsys fs.FS, p string) ([]byte, error) {
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		return b, nil
	}
	read := func(p string) ([]byte, error) { return readFrom(pkiFS, p) }
	signer := func(name string) (*dsig.Signer, error) {
		key, err := read(path.Join(pkiDir, name+".key.pem"))
		if err != nil {
			return nil, err
		}
		cert, err := read(path.Join(pkiDir, name+".cert.pem"))
		if err != nil {
			return nil, err
		}
		s, err := dsig.ParseSigner(key, cert)
		if err != nil {
			return nil, fmt.Errorf("%s key: %w", name, err)
		}
		return s, nil
	}
	k := &Keys{Users: dsig.NewCertStore(), UserCerts: map[devices.EUI64]*x509.Certificate{}}
	var err error
	if k.DCC, err = signer("dcc"); err != nil {
		return nil, err
	}
	if k.S1SP, err = signer("s1sp"); err != nil {
		return nil, err
	}
	base := path.Dir(usersFile)
	for _, u := range dir.Users {
		data, err := readFrom(usersFS, path.Join(base, u.Certificate))
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", u.EUI, err)
		}
		block, _ := pem.Decode(data)
		if block == nil || block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("user %s: %s holds no PEM certificate", u.EUI, u.Certificate)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("user %s: %s: %w", u.EUI, u.Certificate, err)
		}
		k.Users.Add(cert)
		k.UserCerts[u.EUI] = cert
	}
	return k, nil
}

// registerParties picks the users registered for the fleet's installations: the first user with
// each role. A lab with several suppliers gives each premises its own (a later fleet option).
func registerParties(dir *users.Directory) (is, gs, ed, gt devices.EUI64) {
	first := func(r users.Role) devices.EUI64 {
		for _, u := range dir.Users {
			if u.Has(r) {
				return u.EUI
			}
		}
		return devices.EUI64{}
	}
	return first(users.ImportSupplier), first(users.GasSupplier), first(users.ElectricityDistributor), first(users.GasTransporter)
}

// migrated lists a premises' devices for the SMI.
func migratedDevices(p interface {
	Devices() map[devices.Kind]devices.EUI64
}, model func(devices.Kind) *devices.Model, mpan, mprn string) []inventory.Migrated {
	var out []inventory.Migrated
	for _, k := range devices.Kinds {
		id, ok := p.Devices()[k]
		if !ok {
			continue
		}
		m := inventory.Migrated{ID: id, Kind: k, Model: model(k)}
		switch k {
		case devices.KindESME:
			m.MPxN = mpan
		case devices.KindGSME:
			m.MPxN = mprn
		}
		out = append(out, m)
	}
	return out
}
