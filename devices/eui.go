package devices

import "github.com/smetsim/smetsim/devices/han/frame"

// EUI64 is a Device ID: the IEEE extended address every SMETS1 device carries, written
// 00-DB-12-34-56-78-90-A0.
type EUI64 = frame.EUI64

// ParseEUI64 reads a Device ID written as 8 hex pairs separated by hyphens, colons or nothing.
func ParseEUI64(s string) (EUI64, error) { return frame.ParseEUI64(s) }
