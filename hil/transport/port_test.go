package transport_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/hil/transport"
	"github.com/smetsim/smetsim/internal/testtool"
)

// every byte value, 0xFF (the telnet IAC) among them, some twice in a row.
func allBytes() []byte {
	b := make([]byte, 0, 260)
	for i := range 256 {
		b = append(b, byte(i))
	}
	return append(b, 0xff, 0xff, 0xff, 0)
}

func open(raw string) transport.Port {
	GinkgoHelper()
	u, err := transport.ParseURL(raw)
	Expect(err).NotTo(HaveOccurred())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := transport.Open(ctx, u)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = p.Close() }) // a spec may have closed it already
	return p
}

// readFull reads len(want) bytes within a generous deadline and expects them to be want.
func expectRead(r transport.Port, want []byte) {
	GinkgoHelper()
	Expect(r.SetReadDeadline(time.Now().Add(30 * time.Second))).To(Succeed())
	got := make([]byte, len(want))
	_, err := io.ReadFull(r, got)
	Expect(err).NotTo(HaveOccurred())
	Expect(got).To(Equal(want))
}

func expectTimeout(r transport.Port) {
	GinkgoHelper()
	Expect(r.SetReadDeadline(time.Now().Add(100 * time.Millisecond))).To(Succeed())
	n, err := r.Read(make([]byte, 16))
	Expect(n).To(BeZero())
	Expect(errors.Is(err, os.ErrDeadlineExceeded)).To(BeTrue(), "error %v", err)
	Expect(err).NotTo(MatchError(io.EOF))
	var ne net.Error
	Expect(errors.As(err, &ne) && ne.Timeout()).To(BeTrue())
}

// expectLinkLost reads until the link reports its loss, within a generous bound, and expects a
// clear error rather than a hang or a plain timeout.
func expectLinkLost(r transport.Port) {
	GinkgoHelper()
	Expect(r.SetReadDeadline(time.Now().Add(30 * time.Second))).To(Succeed())
	buf := make([]byte, 64)
	var err error
	for err == nil {
		_, err = r.Read(buf)
	}
	Expect(errors.Is(err, os.ErrDeadlineExceeded)).To(BeFalse(), "the loss was reported as a timeout: %v", err)
	var le *transport.LinkError
	Expect(errors.As(err, &le)).To(BeTrue(), "error %v is not a *transport.LinkError", err)
}

var _ = Describe("Open", func() {
	It("refuses emu://, which has no port", func() {
		_, err := transport.Open(context.Background(), transport.URL{Scheme: transport.Emu})
		Expect(err).To(MatchError(transport.ErrEmulated))
	})

	It("refuses hardware flow control on a local port, which go.bug.st/serial cannot set", func() {
		u, err := transport.ParseURL("serial:///dev/null?rtscts=true")
		Expect(err).NotTo(HaveOccurred())
		_, err = transport.Open(context.Background(), u)
		Expect(err).To(MatchError(transport.ErrUnsupported))
		Expect(err.Error()).To(ContainSubstring("rtscts"))
	})

	It("names the URL when a serial port does not exist", func() {
		u, _ := transport.ParseURL("serial:///dev/ttyNOSUCH9")
		_, err := transport.Open(context.Background(), u)
		var oe *transport.OpenError
		Expect(errors.As(err, &oe)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring("serial:///dev/ttyNOSUCH9"))
	})
})

var _ = Describe("a TCP port", func() {
	It("carries every byte both ways, times out as a timeout, and reports the peer hanging up", func() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(ln.Close)
		accepted := make(chan net.Conn, 1)
		go func() {
			defer GinkgoRecover()
			c, err := ln.Accept()
			Expect(err).NotTo(HaveOccurred())
			accepted <- c
		}()
		p := open("tcp://" + ln.Addr().String() + "?driver=znp")
		var peer net.Conn
		Eventually(accepted).WithTimeout(30 * time.Second).Should(Receive(&peer))

		_, err = p.Write(allBytes())
		Expect(err).NotTo(HaveOccurred())
		Expect(peer.SetReadDeadline(time.Now().Add(30 * time.Second))).To(Succeed())
		got := make([]byte, len(allBytes()))
		_, err = io.ReadFull(peer, got)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(allBytes()))

		_, err = peer.Write(allBytes())
		Expect(err).NotTo(HaveOccurred())
		expectRead(p, allBytes())
		expectTimeout(p)

		_, isModem := p.(transport.ModemLines)
		Expect(isModem).To(BeFalse(), "TCP has no modem lines")
		Expect(peer.Close()).To(Succeed())
		Expect(p.SetReadDeadline(time.Now().Add(30 * time.Second))).To(Succeed())
		_, err = p.Read(make([]byte, 1))
		Expect(err).To(MatchError(io.EOF))
	})
})

var _ = Describe("a serial port on a pty made by socat", func() {
	It("carries every byte both ways, times out as a timeout, and reports an unplug", func() {
		pair, err := testtool.NewPtyPair()
		Expect(err).NotTo(HaveOccurred())
		a := open("serial://" + pair.A + "?baud=115200&driver=znp")
		b := open("serial://" + pair.B + "?baud=115200")

		_, err = a.Write(allBytes())
		Expect(err).NotTo(HaveOccurred())
		expectRead(b, allBytes())
		_, err = b.Write([]byte("pong"))
		Expect(err).NotTo(HaveOccurred())
		expectRead(a, []byte("pong"))
		expectTimeout(a)

		_, isModem := a.(transport.ModemLines)
		Expect(isModem).To(BeTrue(), "a serial port has modem lines")

		reading := make(chan error, 1)
		go func() {
			defer GinkgoRecover()
			Expect(a.SetReadDeadline(time.Time{})).To(Succeed())
			_, err := a.Read(make([]byte, 1))
			reading <- err
		}()
		pair.Unplug()
		var err2 error
		Eventually(reading).WithTimeout(30*time.Second).Should(Receive(&err2), "a read blocked on an unplugged port must end")
		var le *transport.LinkError
		Expect(errors.As(err2, &le)).To(BeTrue(), "error %v", err2)
		expectLinkLost(a)
	})
})

var _ = Describe("a closed serial port", func() {
	It("ends a waiting read with ErrClosed, not a lost link", func() {
		pair, err := testtool.NewPtyPair()
		Expect(err).NotTo(HaveOccurred())
		u, _ := transport.ParseURL("serial://" + pair.A)
		p, err := transport.Open(context.Background(), u)
		Expect(err).NotTo(HaveOccurred())
		reading := make(chan error, 1)
		go func() {
			_, err := p.Read(make([]byte, 1))
			reading <- err
		}()
		Consistently(reading).WithTimeout(100 * time.Millisecond).ShouldNot(Receive())
		Expect(p.Close()).To(Succeed())
		var rerr error
		Eventually(reading).WithTimeout(30 * time.Second).Should(Receive(&rerr))
		Expect(rerr).To(MatchError(transport.ErrClosed))
	})
})
