// Package users holds the DCC Users a mock DCC serves: who they are (EUI, roles), how their
// requests are verified (certificate), where their asynchronous responses and alerts go (Receive
// Response Service URL) and the anomaly detection thresholds they set. It loads them from a users
// file (fixtures/users.yaml by default) with every mistake located by file, line and field.
package users

import (
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/simulator/srv"
)

// Role is a DCC User role.
type Role string

// The user roles DUIS names.
const (
	ImportSupplier          Role = "IS"
	ExportSupplier          Role = "ES"
	GasSupplier             Role = "GS"
	ElectricityDistributor  Role = "ED"
	GasTransporter          Role = "GT"
	RegisteredSupplierAgent Role = "RSA"
	OtherUser               Role = "OU"
)

var roleNames = map[Role]string{
	ImportSupplier: "Import Supplier", ExportSupplier: "Export Supplier", GasSupplier: "Gas Supplier",
	ElectricityDistributor: "Electricity Distributor", GasTransporter: "Gas Transporter",
	RegisteredSupplierAgent: "Registered Supplier Agent", OtherUser: "Other User",
}

// ADT is an anomaly detection threshold: at most Limit critical requests of one SRV (signed
// pre-commands and critical SMETS1 requests counted together) in any Period.
type ADT struct {
	Limit  int
	Period time.Duration
}

// User is one DCC User.
type User struct {
	EUI         devices.EUI64
	Name        string
	Roles       []Role
	Certificate string // PEM file of the user's signing certificate, relative to the users file
	Key         string // PEM file of the user's private key (clients such as the scenario runner sign with it)
	ResponseURL string // the user's Receive Response Service; empty: async messages are kept for polling
	ADTs        map[string]ADT
}

// Has reports whether the user holds a role.
func (u *User) Has(r Role) bool {
	for _, x := range u.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Eligible reports whether any of the user's roles may send the SRV.
func (u *User) Eligible(s *srv.SRV) bool {
	for _, r := range u.Roles {
		if s.Allows(string(r)) {
			return true
		}
	}
	return false
}

// Directory is the set of users by EUI.
type Directory struct {
	Users []*User
	byEUI map[devices.EUI64]*User
}

// Lookup returns a user by EUI, or nil.
func (d *Directory) Lookup(eui devices.EUI64) *User { return d.byEUI[eui] }

type rawADT struct {
	Limit  int    `yaml:"limit"`
	Period string `yaml:"period"`
}

type rawUser struct {
	EUI         string            `yaml:"eui"`
	Name        string            `yaml:"name"`
	Roles       []string          `yaml:"roles"`
	Certificate string            `yaml:"certificate"`
	Key         string            `yaml:"key"`
	ResponseURL string            `yaml:"response_url"`
	ADTs        map[string]rawADT `yaml:"adts"`
}

type rawFile struct {
	Users []rawUser `yaml:"users"`
}

// Load reads a users file from fsys.
func Load(fsys fs.FS, path string) (*Directory, error) {
	data, err := fs.ReadFile(fsys, path)
	if err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	return Parse(path, data)
}

// Parse reads a users file.
func Parse(name string, data []byte) (*Directory, error) {
	var raw rawFile
	doc, err := yamldoc.Decode(name, data, &raw)
	if err != nil {
		return nil, err
	}
	if len(raw.Users) == 0 {
		return nil, doc.Errorf("users", "missing: list at least one DCC User")
	}
	d := &Directory{byEUI: map[devices.EUI64]*User{}}
	for i, r := range raw.Users {
		p := fmt.Sprintf("users[%d]", i)
		u := &User{Name: r.Name, Certificate: r.Certificate, Key: r.Key, ResponseURL: r.ResponseURL}
		if u.EUI, err = devices.ParseEUI64(r.EUI); err != nil {
			return nil, doc.Errorf(p+".eui", "%v", err)
		}
		if prev := d.byEUI[u.EUI]; prev != nil {
			return nil, doc.Errorf(p+".eui", "user %s is listed twice", u.EUI)
		}
		if len(r.Roles) == 0 {
			return nil, doc.Errorf(p+".roles", "missing: give the user's roles (IS, ES, GS, ED, GT, RSA, OU)")
		}
		for j, rr := range r.Roles {
			role := Role(strings.ToUpper(rr))
			if _, ok := roleNames[role]; !ok {
				return nil, doc.Errorf(fmt.Sprintf("%s.roles[%d]", p, j), "unknown role %q (want IS, ES, GS, ED, GT, RSA or OU)", rr)
			}
			u.Roles = append(u.Roles, role)
		}
		if u.Certificate == "" {
			return nil, doc.Errorf(p+".certificate", "missing: the PEM certificate the user signs with")
		}
		if u.ResponseURL != "" {
			if ru, err := url.Parse(u.ResponseURL); err != nil || (ru.Scheme != "http" && ru.Scheme != "https") || ru.Host == "" {
				return nil, doc.Errorf(p+".response_url", "%q is not an http(s) URL", u.ResponseURL)
			}
		}
		if len(r.ADTs) > 0 {
			u.ADTs = map[string]ADT{}
		}
		keys := make([]string, 0, len(r.ADTs))
		for k := range r.ADTs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, variant := range keys {
			a := r.ADTs[variant]
			ap := yamldoc.Join(p+".adts", variant)
			s := srv.Lookup(variant)
			if s == nil {
				return nil, doc.Errorf(ap, "unknown SRV %q", variant)
			}
			if !s.Critical {
				return nil, doc.Errorf(ap, "SRV %s (%s) is not critical: thresholds are set for critical SMETS1 requests only", variant, s.Name)
			}
			if a.Limit < 1 {
				return nil, doc.Errorf(ap+".limit", "want a positive number of requests")
			}
			period, err := time.ParseDuration(a.Period)
			if err != nil || period <= 0 {
				return nil, doc.Errorf(ap+".period", "%q is not a period such as 24h", a.Period)
			}
			u.ADTs[variant] = ADT{Limit: a.Limit, Period: period}
		}
		d.Users = append(d.Users, u)
		d.byEUI[u.EUI] = u
	}
	return d, nil
}
