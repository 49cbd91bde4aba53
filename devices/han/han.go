// Package han is the in-process ZigBee Smart Energy home area network: it carries real ZCL frames
// between the devices of a premises by short address and endpoint, holds frames for sleepy
// devices until they wake, and shows every frame to listeners (captures) wrapped in the 802.15.4,
// NWK and APS headers a radio would put around it.
//
// A Medium is the air shared by every PAN of a run and delivers frames on the run's scheduler; a
// Network is one premises' PAN. Devices not emulated in this process (a real GSME behind a dongle)
// are reached through a Link, which package hil implements.
package han

import (
	"errors"
	"time"

	"github.com/smetsim/smetsim/devices/han/frame"
)

// MaxPayload is the largest ZCL frame the HAN carries unfragmented: an 802.15.4 frame holds 127
// octets, less the MAC (9 with short addresses), FCS (2), NWK (8) and APS (8) headers.
const MaxPayload = 127 - 9 - 2 - 8 - 8

// Coordinator is the short address of the HAN coordinator (the CHF).
const Coordinator uint16 = 0x0000

// Endpoint is the application endpoint every Smart Energy device in smetsim uses.
const Endpoint uint8 = 1

// Message is an APS data frame as the application sees it.
type Message struct {
	Src, Dst                 uint16
	SrcEndpoint, DstEndpoint uint8
	Cluster                  uint16
	Profile                  uint16
	// Payload is the ZCL frame. On delivery it is only valid during the call.
	Payload []byte
}

// Node is a device on the HAN.
type Node interface {
	// HANReceive handles a frame addressed to the node. It runs on the scheduler's goroutine and
	// may send frames of its own.
	HANReceive(now time.Time, m *Message)
}

// Listener sees every frame as it goes on the air, in its over-the-air form. The packet is only
// valid during the call.
type Listener interface {
	HANFrame(now time.Time, p *frame.Packet)
}

// Link carries frames to a device that is not emulated in this process, such as a real GSME
// joined to a ZigBee dongle. Frames from that device come back through Network.Inject.
type Link interface {
	Send(now time.Time, m *Message) error
}

// Errors from sending on a HAN.
var (
	ErrNotJoined   = errors.New("device has not joined the HAN")
	ErrUnknownDest = errors.New("no such device on the HAN")
	ErrTooLarge    = errors.New("ZCL frame needs APS fragmentation")
	ErrQueueFull   = errors.New("sleepy device's queue is full")
	ErrNotAllowed  = errors.New("join refused: device is not in the coordinator's device log")
)

// Stats counts what a medium carried.
type Stats struct {
	Frames  uint64 // frames put on the air
	Bytes   uint64 // ZCL bytes carried
	Queued  uint64 // frames held for a sleepy device
	Dropped uint64 // frames lost: queue overflow, device gone, or injected loss
}
