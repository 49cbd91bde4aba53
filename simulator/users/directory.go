package users

import "github.com/smetsim/smetsim/devices"

// NewDirectory returns a directory of the given users, looked up by EUI (the first of an EUI
// listed twice wins). A harness that gives the DCC changed copies of a file's users (UTS, which
// relays every user's asynchronous messages) builds its directory with it.
func NewDirectory(us []*User) *Directory {
	d := &Directory{Users: us, byEUI: make(map[devices.EUI64]*User, len(us))}
	for _, u := range us {
		if _, ok := d.byEUI[u.EUI]; !ok {
			d.byEUI[u.EUI] = u
		}
	}
	return d
}
