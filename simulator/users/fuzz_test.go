package users_test

import (
	"errors"
	"testing"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/simulator/users"
)

// FuzzParse feeds arbitrary users files to Parse, seeded with the built-in one: the answer is a
// directory or an error located in the file, never a crash; every user of a directory that loads
// has an EUI it is found by, at least one role, and ADTs with a positive limit and period.
func FuzzParse(f *testing.F) {
	data, err := fixtures.FS.ReadFile(fixtures.UsersFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("users:\n  - eui: 90-B3-D5-1F-30-01-00-00\n    roles: [IS]\n    certificate: c.pem\n    adts: {\"7.2\": {limit: 1, period: 1h}}\n"))
	f.Add([]byte("users: []\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir, err := users.Parse("users.yaml", data)
		if err != nil {
			var ye *yamldoc.Error
			if !errors.As(err, &ye) || ye.File != "users.yaml" {
				t.Fatalf("error is not located in the file: %T %v", err, err)
			}
			return
		}
		for _, u := range dir.Users {
			if dir.Lookup(u.EUI) != u {
				t.Fatalf("user %s is not found by its EUI", u.EUI)
			}
			if len(u.Roles) == 0 {
				t.Fatalf("user %s has no role", u.EUI)
			}
			for srv, a := range u.ADTs {
				if a.Limit <= 0 || a.Period <= 0 {
					t.Fatalf("user %s: ADT %s %+v", u.EUI, srv, a)
				}
			}
		}
	})
}
