package znp

import (
	"context"
	"time"

	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/han/frame"
)

// Link carries HAN frames through a dongle: it implements han.Link, sending each frame as an
// AF_DATA_REQUEST from the coordinator's registered Smart Energy endpoint, and turns
// AF_INCOMING_MSG indications back into han.Messages.
//
// Send waits only for the dongle to accept the frame (the SRSP), not for the AF_DATA_CONFIRM: it
// runs on the HAN scheduler's goroutine, and a sleepy GSME may take its whole wake cycle to collect
// a frame.
type Link struct {
	Driver *Driver
	Radius uint8 // 0 means Z-Stack's default maximum
	ids    transIDs
}

var _ han.Link = (*Link)(nil)

// Send implements han.Link.
func (l *Link) Send(_ time.Time, m *han.Message) error {
	if len(m.Payload) > MaxAFData {
		return han.ErrTooLarge
	}
	req := AFDataRequest{DstAddr: m.Dst, DstEndpoint: m.DstEndpoint, SrcEndpoint: m.SrcEndpoint,
		Cluster: m.Cluster, TransID: l.ids.take(), Options: AFOptionAckRequest, Radius: l.Radius,
		Data: m.Payload}
	return l.Driver.DataRequest(context.Background(), &req)
}

// Receive calls h with every frame the dongle receives, as a han.Message addressed to the
// coordinator under the Smart Energy profile (the only profile a Link's endpoint is registered
// with). h runs on the driver's reader goroutine; the message is valid only during the call, so a
// caller that hands it to its scheduler copies it first. Receive returns a function that stops it.
func (l *Link) Receive(h func(m *han.Message)) (stop func()) {
	var msg han.Message
	return l.Driver.OnIncomingMsg(func(in *AFIncomingMsg) {
		msg = han.Message{Src: in.SrcAddr, Dst: han.Coordinator, SrcEndpoint: in.SrcEndpoint,
			DstEndpoint: in.DstEndpoint, Cluster: in.Cluster, Profile: frame.ProfileSmartEnergy, Payload: in.Data}
		h(&msg)
	})
}

// SmartEnergyEndpoint is the AF_REGISTER a HAN coordinator makes: endpoint han.Endpoint under the
// Smart Energy profile, serving and using the clusters a CHF/GPF exchanges with a GSME or PPMID
// (Basic, Identify, Time, Price, Messaging, Metering, Prepayment, Key Establishment).
func SmartEnergyEndpoint() AFRegister {
	clusters := []uint16{0x0000, 0x0003, 0x000A, 0x0700, 0x0702, 0x0703, 0x0705, 0x0800}
	return AFRegister{
		Endpoint:    han.Endpoint,
		Profile:     frame.ProfileSmartEnergy,
		DeviceID:    0x0500, // ESI (energy service interface), the device type of a CHF
		InClusters:  clusters,
		OutClusters: clusters,
	}
}
