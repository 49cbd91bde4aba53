package han_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/han/frame"
	"github.com/smetsim/smetsim/simulator/clock"
)

func TestHAN(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "HAN Suite")
}

type node struct {
	got []string
	at  []time.Time
}

func (n *node) HANReceive(now time.Time, m *han.Message) {
	n.got = append(n.got, string(m.Payload))
	n.at = append(n.at, now)
}

type sniffer struct{ packets []frame.Packet }

func (s *sniffer) HANFrame(now time.Time, p *frame.Packet) {
	c := *p
	c.Payload = append([]byte(nil), p.Payload...)
	s.packets = append(s.packets, c)
}

type link struct{ sent []string }

func (l *link) Send(now time.Time, m *han.Message) error {
	l.sent = append(l.sent, string(m.Payload))
	return nil
}

func eui(last byte) frame.EUI64 { return frame.EUI64{0x00, 0xDB, 0x12, 0x34, 0x56, 0x78, 0x90, last} }

var _ = Describe("The in-process HAN", func() {
	var (
		clk   *clock.Clock
		md    *han.Medium
		nw    *han.Network
		coord *node
		start = time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC)
	)
	BeforeEach(func() {
		clk = clock.NewVirtual(start)
		md = han.NewMedium(clk)
		nw = md.NewNetwork(0x1a62)
		coord = &node{}
		short, err := nw.Join(eui(0xA2), coord, false)
		Expect(err).NotTo(HaveOccurred())
		Expect(short).To(Equal(han.Coordinator))
	})
	run := func(d time.Duration) { Expect(clk.RunFor(context.Background(), d)).To(Succeed()) }
	msg := func(src, dst uint16, payload string) *han.Message {
		return &han.Message{Src: src, Dst: dst, SrcEndpoint: 1, DstEndpoint: 1, Cluster: 0x0702, Payload: []byte(payload)}
	}

	It("delivers frames by short address after the airtime, in the order sent", func() {
		a := &node{}
		sa, err := nw.Join(eui(0xA0), a, false)
		Expect(err).NotTo(HaveOccurred())
		Expect(sa).NotTo(Equal(han.Coordinator))
		Expect(nw.Send(clk.Now(), msg(han.Coordinator, sa, "one"))).To(Succeed())
		Expect(nw.Send(clk.Now(), msg(han.Coordinator, sa, "two"))).To(Succeed())
		Expect(a.got).To(BeEmpty())
		run(time.Second)
		Expect(a.got).To(Equal([]string{"one", "two"}))
		Expect(a.at[0]).To(Equal(start.Add(han.Airtime)))
		Expect(md.Stats().Frames).To(Equal(uint64(2)))
	})

	It("gives the same premises the same short addresses, and finds devices by EUI-64", func() {
		other := han.NewMedium(clk).NewNetwork(0x1a62)
		_, _ = other.Join(eui(0xA2), &node{}, false)
		s1, _ := nw.Join(eui(0xA0), &node{}, false)
		s2, _ := other.Join(eui(0xA0), &node{}, false)
		Expect(s1).To(Equal(s2))
		got, ok := nw.Lookup(eui(0xA0))
		Expect(ok).To(BeTrue())
		Expect(got).To(Equal(s1))
		e, ok := nw.EUI(s1)
		Expect(ok).To(BeTrue())
		Expect(e).To(Equal(eui(0xA0)))
	})

	It("holds frames for a sleepy device until it wakes", func() {
		gas := &node{}
		sg, err := nw.Join(eui(0xA1), gas, true)
		Expect(err).NotTo(HaveOccurred())
		Expect(nw.Send(clk.Now(), msg(han.Coordinator, sg, "valve off"))).To(Succeed())
		run(time.Hour)
		Expect(gas.got).To(BeEmpty())
		Expect(nw.Held(sg)).To(Equal(1))
		Expect(nw.Send(clk.Now(), msg(sg, han.Coordinator, "asleep"))).To(MatchError(ContainSubstring("asleep")))

		nw.Wake(clk.Now(), sg)
		run(time.Second)
		Expect(gas.got).To(Equal([]string{"valve off"}))
		Expect(nw.Held(sg)).To(BeZero())
		nw.Sleep(sg)
		Expect(md.Stats().Queued).To(Equal(uint64(1)))
	})

	It("bounds what it holds for a sleepy device", func() {
		sg, _ := nw.Join(eui(0xA1), &node{}, true)
		for i := 0; i < 16; i++ {
			Expect(nw.Send(clk.Now(), msg(han.Coordinator, sg, "x"))).To(Succeed())
		}
		Expect(nw.Send(clk.Now(), msg(han.Coordinator, sg, "x"))).To(MatchError(han.ErrQueueFull))
		Expect(md.Stats().Dropped).To(Equal(uint64(1)))
	})

	It("refuses frames from or to devices not on the PAN, and frames that need fragmentation", func() {
		Expect(nw.Send(clk.Now(), msg(0x1234, han.Coordinator, "x"))).To(MatchError(han.ErrNotJoined))
		Expect(nw.Send(clk.Now(), msg(han.Coordinator, 0x1234, "x"))).To(MatchError(han.ErrUnknownDest))
		big := make([]byte, han.MaxPayload+1)
		Expect(nw.Send(clk.Now(), &han.Message{Src: han.Coordinator, Dst: han.Coordinator, Payload: big})).To(MatchError(han.ErrTooLarge))
	})

	It("admits only the devices its coordinator allows", func() {
		allowed := eui(0xA4)
		nw.SetAdmission(func(e frame.EUI64) bool { return e == allowed })
		_, err := nw.Join(eui(0xB0), &node{}, false)
		Expect(err).To(MatchError(han.ErrNotAllowed))
		_, err = nw.Join(allowed, &node{}, false)
		Expect(err).NotTo(HaveOccurred())
	})

	It("loses every Nth frame to or from a device, or all of them with every 1, until the rule ends", func() {
		a := &node{}
		sa, _ := nw.Join(eui(0xA0), a, false)
		Expect(nw.DropEvery(eui(0xA0), 2)).To(BeTrue())
		for _, p := range []string{"1", "2", "3", "4"} {
			Expect(nw.Send(clk.Now(), msg(han.Coordinator, sa, p))).To(Succeed())
		}
		run(time.Second)
		Expect(a.got).To(Equal([]string{"1", "3"}))
		Expect(nw.DropEvery(eui(0xA0), 1)).To(BeTrue())
		Expect(nw.Send(clk.Now(), msg(han.Coordinator, sa, "5"))).To(Succeed())
		Expect(nw.Send(clk.Now(), msg(han.Coordinator, sa, "6"))).To(Succeed())
		run(time.Second)
		Expect(a.got).To(HaveLen(2))
		Expect(nw.DropEvery(eui(0xA0), 0)).To(BeTrue())
		Expect(nw.Send(clk.Now(), msg(han.Coordinator, sa, "7"))).To(Succeed())
		run(time.Second)
		Expect(a.got).To(Equal([]string{"1", "3", "7"}))
		Expect(md.Stats().Dropped).To(Equal(uint64(4)))
		Expect(nw.DropEvery(eui(0xB9), 1)).To(BeFalse())
	})

	It("drops frames held for a device that leaves", func() {
		sg, _ := nw.Join(eui(0xA1), &node{}, true)
		Expect(nw.Send(clk.Now(), msg(han.Coordinator, sg, "x"))).To(Succeed())
		nw.Leave(sg)
		Expect(md.Stats().Dropped).To(Equal(uint64(1)))
		_, ok := nw.Lookup(eui(0xA1))
		Expect(ok).To(BeFalse())
	})

	It("shows listeners each frame wrapped in the 802.15.4, NWK and APS headers a radio would send", func() {
		sn := &sniffer{}
		md.Listen(sn)
		a := &node{}
		sa, _ := nw.Join(eui(0xA0), a, false)
		Expect(nw.Send(clk.Now(), msg(sa, han.Coordinator, "\x18\x01\x0a"))).To(Succeed())
		Expect(nw.Send(clk.Now(), msg(sa, han.Coordinator, "\x18\x02\x0a"))).To(Succeed())
		Expect(sn.packets).To(HaveLen(2))
		p := sn.packets[0]
		Expect(p.MAC.DstPAN).To(Equal(uint16(0x1a62)))
		Expect(p.MAC.SrcShort).To(Equal(sa))
		Expect(p.MAC.DstShort).To(Equal(han.Coordinator))
		Expect(p.NWK.Src).To(Equal(sa))
		Expect(p.APS.Profile).To(Equal(uint16(frame.ProfileSmartEnergy)))
		Expect(p.APS.Cluster).To(Equal(uint16(0x0702)))
		Expect(string(p.Payload)).To(Equal("\x18\x01\x0a"))
		// Each sender's sequence numbers count up, as a real radio's do.
		Expect(sn.packets[1].MAC.Sequence).To(Equal(p.MAC.Sequence + 1))
		Expect(sn.packets[1].APS.Counter).To(Equal(p.APS.Counter + 1))
		b := p.AppendTo(nil)
		var back frame.Packet
		Expect(back.Parse(b)).To(Succeed())
	})

	It("hands frames for a device behind a link to the link, and injects frames from it", func() {
		l := &link{}
		sr, err := nw.JoinRemote(eui(0xA1), l, false)
		Expect(err).NotTo(HaveOccurred())
		Expect(nw.Send(clk.Now(), msg(han.Coordinator, sr, "to the real meter"))).To(Succeed())
		run(time.Second)
		Expect(l.sent).To(Equal([]string{"to the real meter"}))
		Expect(nw.Inject(clk.Now(), msg(sr, han.Coordinator, "from the real meter"))).To(Succeed())
		run(time.Second)
		Expect(coord.got).To(Equal([]string{"from the real meter"}))
	})

	It("keeps what a receiver reads intact while the receiver sends", func() {
		echo := &echoNode{nw: nw}
		se, _ := nw.Join(eui(0xA0), echo, false)
		echo.self = se
		Expect(nw.Send(clk.Now(), msg(han.Coordinator, se, "ping"))).To(Succeed())
		run(time.Second)
		Expect(echo.read).To(Equal("ping"))
		Expect(coord.got).To(ContainElement("pong"))
	})
})

// echoNode answers each frame and checks its input was not overwritten by its own sending.
type echoNode struct {
	nw   *han.Network
	self uint16
	read string
}

func (e *echoNode) HANReceive(now time.Time, m *han.Message) {
	payload := m.Payload
	for i := 0; i < 20; i++ {
		_ = e.nw.Send(now, &han.Message{Src: e.self, Dst: han.Coordinator, Payload: []byte("pong")})
	}
	e.read = string(payload)
}

var _ = Describe("A medium that is never idle", func() {
	It("delivers every frame in order while frames keep arriving", func() {
		start := time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC)
		clk := clock.NewVirtual(start)
		md := han.NewMedium(clk)
		nw := md.NewNetwork(1)
		sink := &node{}
		_, _ = nw.Join(eui(0xA2), sink, false)
		src, _ := nw.Join(eui(0xA0), &node{}, false)
		// A frame every millisecond, each on the air for 5 ms, for ten seconds: the queue never empties.
		for i := 0; i < 10_000; i++ {
			payload := []byte{byte(i >> 8), byte(i)}
			clk.At(start.Add(time.Duration(i)*time.Millisecond), sendFunc(func(now time.Time) {
				Expect(nw.Send(now, &han.Message{Src: src, Dst: han.Coordinator, Payload: payload})).To(Succeed())
			}), 0)
		}
		Expect(clk.RunFor(context.Background(), time.Minute)).To(Succeed())
		Expect(sink.got).To(HaveLen(10_000))
		for i, g := range sink.got {
			Expect([]byte(g)).To(Equal([]byte{byte(i >> 8), byte(i)}))
		}
	})
})

type sendFunc func(now time.Time)

func (f sendFunc) Fire(now time.Time, _ uint64) { f(now) }
