package han

import (
	"slices"

	"github.com/smetsim/smetsim/devices/han/frame"
)

// dropRule loses every Every-th frame a device sends or is sent, as a bad radio link does.
type dropRule struct {
	short uint16
	every int
	seen  int
}

// DropEvery makes the PAN lose every every-th frame sent by or to the joined device eui, from
// now on, as a failing radio link would: the frame is counted as dropped and never delivered,
// and the sender is not told (ZigBee's unacknowledged broadcast and a lost acknowledgement look
// the same to the application). every 1 loses every frame: the device's radio link is down.
// every below 1 ends the fault. It returns false if the device is not joined.
func (nw *Network) DropEvery(eui frame.EUI64, every int) bool {
	short, ok := nw.Lookup(eui)
	if !ok {
		return false
	}
	nw.drops = slices.DeleteFunc(nw.drops, func(r dropRule) bool { return r.short == short })
	if every >= 1 {
		nw.drops = append(nw.drops, dropRule{short: short, every: every})
	}
	return true
}

// dropped reports whether a frame falls to a drop rule, counting it.
func (nw *Network) dropped(m *Message) bool {
	for i := range nw.drops {
		r := &nw.drops[i]
		if r.short != m.Src && r.short != m.Dst {
			continue
		}
		r.seen++
		if r.seen%r.every == 0 {
			nw.medium.stats.Dropped++
			return true
		}
	}
	return false
}
