package han

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/smetsim/smetsim/devices/han/frame"
	"github.com/smetsim/smetsim/devices/sched"
)

// Airtime is the delay between a frame being sent and being delivered: roughly an unacknowledged
// 100-octet frame at 250 kbit/s plus CSMA back-off. It is the same for every frame so that the
// medium's delivery queue stays in sending order.
const Airtime = 5 * time.Millisecond

// maxSleepyQueue bounds the frames a parent holds for a sleepy child.
const maxSleepyQueue = 16

type inflight struct {
	at               int64 // Unix nanoseconds it is delivered
	net              *Network
	src, dst         uint16
	srcEP, dstEP     uint8
	cluster, profile uint16
	n                uint8
	buf              [MaxPayload]byte
}

// Medium is the air shared by the PANs of one run: it delivers frames after Airtime on the run's
// scheduler and shows each to the listeners. All its methods run on the scheduler's goroutine.
type Medium struct {
	sched     sched.Scheduler
	queue     []inflight // FIFO: frames on the air, delivered in order
	head      int
	scheduled bool // an event for the head of the queue is on the scheduler
	listeners []Listener
	pkt       frame.Packet
	stats     Stats
	// The frame being delivered: copied out of the queue, so that a receiver sending frames of
	// its own (which may reuse the queue's storage) cannot change what it is reading, and held
	// here rather than on the stack, where handing it to a Node would cost an allocation.
	rx  [MaxPayload]byte
	msg Message
}

// NewMedium returns a medium that delivers frames on sched.
func NewMedium(s sched.Scheduler) *Medium { return &Medium{sched: s} }

// Listen adds a listener that sees every frame from now on.
func (md *Medium) Listen(l Listener) { md.listeners = append(md.listeners, l) }

// Stats returns what the medium has carried so far.
func (md *Medium) Stats() Stats { return md.stats }

func (md *Medium) transmit(now time.Time, nw *Network, m *Message) {
	md.stats.Frames++
	md.stats.Bytes += uint64(len(m.Payload))
	if len(md.listeners) > 0 {
		nw.packet(&md.pkt, m)
		for _, l := range md.listeners {
			l.HANFrame(now, &md.pkt)
		}
	}
	switch {
	case md.head > 0 && md.head == len(md.queue):
		md.queue, md.head = md.queue[:0], 0
	case md.head >= 1024 && md.head*2 >= len(md.queue):
		// A medium that is never idle would otherwise grow without bound.
		n := copy(md.queue, md.queue[md.head:])
		md.queue, md.head = md.queue[:n], 0
	}
	md.queue = append(md.queue, inflight{})
	f := &md.queue[len(md.queue)-1]
	f.net, f.src, f.dst, f.srcEP, f.dstEP, f.cluster, f.profile = nw, m.Src, m.Dst, m.SrcEndpoint, m.DstEndpoint, m.Cluster, m.Profile
	f.n = uint8(copy(f.buf[:], m.Payload))
	f.at = now.Add(Airtime).UnixNano()
	// Every frame takes the same airtime, so the queue is in delivery order and one event on the
	// scheduler, for its head, is enough.
	if !md.scheduled {
		md.scheduled = true
		md.sched.At(now.Add(Airtime), md, 0)
	}
}

// Fire delivers every frame on the air that is due. It implements sched.Handler.
func (md *Medium) Fire(now time.Time, _ uint64) {
	due := now.UnixNano()
	for md.head < len(md.queue) && md.queue[md.head].at <= due {
		f := &md.queue[md.head]
		md.head++
		n := copy(md.rx[:], f.buf[:f.n])
		md.msg = Message{Src: f.src, Dst: f.dst, SrcEndpoint: f.srcEP, DstEndpoint: f.dstEP, Cluster: f.cluster, Profile: f.profile, Payload: md.rx[:n]}
		f.net.deliver(now, &md.msg)
	}
	if md.head < len(md.queue) {
		md.sched.At(time.Unix(0, md.queue[md.head].at), md, 0)
		return
	}
	md.scheduled = false
}

type member struct {
	eui    frame.EUI64
	short  uint16
	node   Node
	link   Link
	sleepy bool
	awake  bool
	// counters for the over-the-air headers this member sends
	macSeq, nwkSeq, apsCtr uint8
	held                   []heldFrame
}

type heldFrame struct {
	msg     Message
	payload []byte
}

// Network is one premises' PAN: the CHF as coordinator and the devices joined to it.
type Network struct {
	medium  *Medium
	pan     uint16
	members []member
	// admit, when set, is asked before a device joins (the CHF's device log).
	admit func(eui frame.EUI64) bool
	drops []dropRule // frames lost on purpose (drop.go)
}

// NewNetwork returns a PAN with the given PAN ID on the medium.
func (md *Medium) NewNetwork(pan uint16) *Network { return &Network{medium: md, pan: pan} }

// PANID returns the network's PAN identifier.
func (nw *Network) PANID() uint16 { return nw.pan }

// SetAdmission makes joins subject to a check, as the CHF's device log (whitelist) does.
func (nw *Network) SetAdmission(admit func(eui frame.EUI64) bool) { nw.admit = admit }

func (nw *Network) find(short uint16) *member {
	for i := range nw.members {
		if nw.members[i].short == short {
			return &nw.members[i]
		}
	}
	return nil
}

// Lookup returns the short address of a joined device.
func (nw *Network) Lookup(eui frame.EUI64) (uint16, bool) {
	for i := range nw.members {
		if nw.members[i].eui == eui {
			return nw.members[i].short, true
		}
	}
	return 0, false
}

// EUI returns the Device ID of a joined device.
func (nw *Network) EUI(short uint16) (frame.EUI64, bool) {
	if m := nw.find(short); m != nil {
		return m.eui, true
	}
	return frame.EUI64{}, false
}

// Join adds a device to the PAN and returns its short address: 0x0000 for the first device (the
// coordinator), otherwise one derived from the Device ID so a premises gets the same addresses
// every run. Sleepy devices only receive frames while awake.
func (nw *Network) Join(eui frame.EUI64, node Node, sleepy bool) (uint16, error) {
	return nw.join(eui, node, nil, sleepy)
}

// JoinRemote adds a device reached through a link (real hardware) to the PAN.
func (nw *Network) JoinRemote(eui frame.EUI64, link Link, sleepy bool) (uint16, error) {
	return nw.join(eui, nil, link, sleepy)
}

func (nw *Network) join(eui frame.EUI64, node Node, link Link, sleepy bool) (uint16, error) {
	if short, ok := nw.Lookup(eui); ok {
		return short, nil
	}
	if len(nw.members) > 0 && nw.admit != nil && !nw.admit(eui) {
		return 0, fmt.Errorf("%s: %w", eui, ErrNotAllowed)
	}
	short := Coordinator
	if len(nw.members) > 0 {
		for attempt := uint64(0); ; attempt++ {
			short = shortAddress(nw.pan, eui, attempt)
			if short != Coordinator && short < 0xFFF8 && nw.find(short) == nil {
				break
			}
		}
	}
	nw.members = append(nw.members, member{eui: eui, short: short, node: node, link: link, sleepy: sleepy, awake: !sleepy})
	return short, nil
}

// shortAddress derives a candidate short address from the PAN and Device ID (FNV-1a), so that the
// same premises gets the same addresses in every run.
func shortAddress(pan uint16, eui frame.EUI64, attempt uint64) uint16 {
	h := fnv.New64a()
	var b [18]byte
	binary.BigEndian.PutUint16(b[:2], pan)
	copy(b[2:10], eui[:])
	binary.BigEndian.PutUint64(b[10:], attempt)
	h.Write(b[:])
	return uint16(h.Sum64())
}

// Leave removes a device from the PAN; frames held for it are dropped.
func (nw *Network) Leave(short uint16) {
	for i := range nw.members {
		if nw.members[i].short == short {
			nw.medium.stats.Dropped += uint64(len(nw.members[i].held))
			nw.members = append(nw.members[:i], nw.members[i+1:]...)
			return
		}
	}
}

// Members returns the Device IDs and short addresses of the joined devices.
func (nw *Network) Members() map[frame.EUI64]uint16 {
	out := make(map[frame.EUI64]uint16, len(nw.members))
	for _, m := range nw.members {
		out[m.eui] = m.short
	}
	return out
}

// Send puts a frame from a joined device on the air. A frame for a sleepy device that is asleep
// is held (by its parent, as indirect transmission does) and sent when it wakes.
func (nw *Network) Send(now time.Time, m *Message) error {
	if len(m.Payload) > MaxPayload {
		return fmt.Errorf("%d-octet frame: %w", len(m.Payload), ErrTooLarge)
	}
	src := nw.find(m.Src)
	if src == nil {
		return fmt.Errorf("source %#04x: %w", m.Src, ErrNotJoined)
	}
	if src.sleepy && !src.awake {
		return fmt.Errorf("source %#04x is asleep", m.Src)
	}
	dst := nw.find(m.Dst)
	if dst == nil {
		nw.medium.stats.Dropped++
		return fmt.Errorf("destination %#04x: %w", m.Dst, ErrUnknownDest)
	}
	if m.Profile == 0 {
		m.Profile = frame.ProfileSmartEnergy
	}
	if len(nw.drops) > 0 && nw.dropped(m) {
		return nil
	}
	if dst.sleepy && !dst.awake {
		if len(dst.held) >= maxSleepyQueue {
			nw.medium.stats.Dropped++
			return fmt.Errorf("destination %s: %w", dst.eui, ErrQueueFull)
		}
		h := heldFrame{msg: *m, payload: append([]byte(nil), m.Payload...)}
		dst.held = append(dst.held, h)
		nw.medium.stats.Queued++
		return nil
	}
	nw.medium.transmit(now, nw, m)
	return nil
}

// Inject delivers a frame that arrived from a device behind a link, as if it had been sent on
// this PAN.
func (nw *Network) Inject(now time.Time, m *Message) error { return nw.Send(now, m) }

// Wake marks a sleepy device awake (it has polled its parent) and sends the frames held for it.
func (nw *Network) Wake(now time.Time, short uint16) {
	d := nw.find(short)
	if d == nil || !d.sleepy {
		return
	}
	d.awake = true
	held := d.held
	d.held = nil
	for i := range held {
		held[i].msg.Payload = held[i].payload
		nw.medium.transmit(now, nw, &held[i].msg)
	}
}

// Sleep marks a sleepy device asleep: frames for it are held until it wakes.
func (nw *Network) Sleep(short uint16) {
	if d := nw.find(short); d != nil && d.sleepy {
		d.awake = false
	}
}

// Held returns how many frames are waiting for a sleepy device.
func (nw *Network) Held(short uint16) int {
	if d := nw.find(short); d != nil {
		return len(d.held)
	}
	return 0
}

func (nw *Network) deliver(now time.Time, m *Message) {
	d := nw.find(m.Dst)
	switch {
	case d == nil:
		nw.medium.stats.Dropped++
	case d.link != nil:
		if err := d.link.Send(now, m); err != nil {
			nw.medium.stats.Dropped++
		}
	case d.node != nil:
		d.node.HANReceive(now, m)
	}
}

// packet wraps a message in the headers the sender's radio would put around it.
func (nw *Network) packet(p *frame.Packet, m *Message) {
	src := nw.find(m.Src)
	var mac, nwk, aps uint8
	if src != nil {
		src.macSeq++
		src.nwkSeq++
		src.apsCtr++
		mac, nwk, aps = src.macSeq, src.nwkSeq, src.apsCtr
	}
	*p = frame.Packet{
		MAC: frame.MAC{
			FrameType: frame.MACData, AckRequest: m.Dst != frame.BroadcastShort, PANIDCompress: true,
			DstMode: frame.AddrShort, SrcMode: frame.AddrShort,
			DstPAN: nw.pan, DstShort: m.Dst, SrcPAN: nw.pan, SrcShort: m.Src, Sequence: mac,
		},
		NWK: frame.NWK{
			FrameType: frame.NWKData, ProtocolVersion: frame.NWKProtocolVersion,
			Dst: m.Dst, Src: m.Src, Radius: 30, Sequence: nwk,
		},
		APS: frame.APS{
			FrameType: frame.APSData, DeliveryMode: frame.DeliveryUnicast,
			DstEndpoint: m.DstEndpoint, Cluster: m.Cluster, Profile: m.Profile,
			SrcEndpoint: m.SrcEndpoint, Counter: aps,
		},
		Payload: m.Payload,
	}
}
