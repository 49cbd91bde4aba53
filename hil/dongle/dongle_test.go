package dongle_test

import (
	"context"
	"errors"
	"io"
	"net"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/hil/dongle"
	"github.com/smetsim/smetsim/hil/transport"
	"github.com/smetsim/smetsim/hil/znp"
	"github.com/smetsim/smetsim/internal/testtool"
)

var _ = Describe("the emulated dongle against the real hil/znp driver", func() {
	var (
		r   *rig
		ctx context.Context
	)
	BeforeEach(func() {
		r = newRig()
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.Background(), generous)
		DeferCleanup(cancel)
	})

	Context("on the wire", func() {
		It("answers SYS_PING with the bytes worked out from the MT layout", func() {
			host, dev := net.Pipe()
			r.serve(dev)
			DeferCleanup(host.Close)
			_, err := host.Write([]byte{0xFE, 0x00, 0x21, 0x01, 0x20})
			Expect(err).NotTo(HaveOccurred())
			// FE len=2 cmd0=0x61 (SRSP SYS) cmd1=0x01, capabilities 0x0059 little-endian, FCS 02^61^01^59^00.
			want := []byte{0xFE, 0x02, 0x61, 0x01, 0x59, 0x00, 0x3B}
			got := make([]byte, len(want))
			_, err = io.ReadFull(host, got)
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal(want))
		})
	})

	Context("over net.Pipe", func() {
		var (
			drv  *znp.Driver
			host net.Conn
		)
		BeforeEach(func() {
			var dev net.Conn
			host, dev = net.Pipe()
			r.serve(dev)
			drv = znp.New(host, znp.WithTimeout(generous))
			DeferCleanup(drv.Close)
		})

		It("answers SYS_PING with its capabilities", func() {
			p, err := drv.Ping(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(p.Capabilities).To(Equal(dongle.Capabilities))
		})

		It("comes up as coordinator and reads an ESME's CurrentSummationDelivered from the default fleet", func() {
			bringUp(ctx, drv)
			Expect(drv.PermitJoin(ctx, 60)).To(Succeed())
			expectSummation(ctx, r, drv, 1)
			Expect(r.dongle.Stats().Sent).To(BeNumerically(">=", 1))
			Expect(r.dongle.Stats().Incoming).To(BeNumerically(">=", 1))
		})

		It("survives line noise from the host between frames", func() {
			bringUp(ctx, drv)
			for i := range 5 {
				_, err := host.Write(noise)
				Expect(err).NotTo(HaveOccurred())
				expectSummation(ctx, r, drv, uint8(10+i))
			}
		})

		It("refuses data before the network is started, and a second registration of an endpoint", func() {
			_, err := drv.Reset(ctx, znp.SoftReset)
			Expect(err).NotTo(HaveOccurred())
			req := znp.AFDataRequest{DstAddr: r.prem.ESME.Short(), DstEndpoint: 1, SrcEndpoint: 1, Cluster: 0x0702, Data: []byte{0, 1, 0, 0, 0}}
			var se *znp.StatusError
			Expect(errors.As(drv.DataRequest(ctx, &req), &se)).To(BeTrue())
			Expect(se.Status).To(Equal(znp.Failure))
			_, err = drv.StartCoordinator(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(errors.As(drv.DataRequest(ctx, &req), &se)).To(BeTrue())
			Expect(se.Status).To(Equal(znp.InvalidParameter)) // endpoint 1 not registered
			Expect(drv.RegisterEndpoint(ctx, znp.SmartEnergyEndpoint())).To(Succeed())
			Expect(errors.As(drv.RegisterEndpoint(ctx, znp.SmartEnergyEndpoint()), &se)).To(BeTrue())
			Expect(se.Status).To(Equal(znp.Status(0xB8)))
		})

		It("confirms a frame to an address nobody has with NWK_NO_ROUTE", func() {
			bringUp(ctx, drv)
			req := znp.AFDataRequest{DstAddr: 0xFFF0, DstEndpoint: 1, SrcEndpoint: 1, Cluster: 0x0702, TransID: 9, Data: []byte{0, 1, 0, 0, 0}}
			var se *znp.StatusError
			Expect(errors.As(drv.SendData(ctx, &req), &se)).To(BeTrue())
			Expect(se.Command).To(Equal(znp.CmdAFDataConfirm))
			Expect(se.Status).To(Equal(znp.NWKNoRoute))
		})

		It("answers a request it does not know with the RPC error", func() {
			_, err := drv.Request(ctx, znp.Command{Type: znp.SREQ, Subsystem: znp.UTIL, ID: 0x04}, nil)
			var re *znp.RPCError
			Expect(errors.As(err, &re)).To(BeTrue())
			Expect(re.Code).To(Equal(znp.RPCInvalidSubsystem))
			_, err = drv.Request(ctx, znp.Command{Type: znp.SREQ, Subsystem: znp.SYS, ID: 0x33}, nil)
			Expect(errors.As(err, &re)).To(BeTrue())
			Expect(re.Code).To(Equal(znp.RPCInvalidCommandID))
			_, err = drv.Request(ctx, znp.CmdZDOStartupFromApp, []byte{1})
			Expect(errors.As(err, &re)).To(BeTrue())
			Expect(re.Code).To(Equal(znp.RPCInvalidLength))
			Expect(r.dongle.Stats().RPCErrors).To(BeEquivalentTo(3))
		})

		It("recovers from a SYS_RESET mid-run: the endpoint is gone until registered again", func() {
			bringUp(ctx, drv)
			expectSummation(ctx, r, drv, 1)
			ind, err := drv.Reset(ctx, znp.SoftReset)
			Expect(err).NotTo(HaveOccurred())
			Expect(ind.Reason).To(Equal(znp.ResetExternal))
			_, err = readSummation(ctx, drv, r.prem.ESME.Short(), 2)
			var se *znp.StatusError
			Expect(errors.As(err, &se)).To(BeTrue())
			st, err := drv.StartCoordinator(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(st).To(Equal(znp.StartupRestored))
			Expect(drv.RegisterEndpoint(ctx, znp.SmartEnergyEndpoint())).To(Succeed())
			expectSummation(ctx, r, drv, 3)
			Expect(r.dongle.Stats().Resets).To(BeEquivalentTo(2))
		})
	})

	Context("with line noise from the dongle before every frame", func() {
		It("the driver still gets every answer", func() {
			host, dev := net.Pipe()
			r.serve(noisy{dev})
			drv := znp.New(host, znp.WithTimeout(generous))
			DeferCleanup(drv.Close)
			bringUp(ctx, drv)
			for i := range 3 {
				expectSummation(ctx, r, drv, uint8(i+1))
			}
		})
	})

	Context("through a real pty pair (socat), opened as serial:// device URLs", func() {
		It("brings the dongle up, reads the ESME, survives noise and a reset", func() {
			pair, err := testtool.NewPtyPair()
			Expect(err).NotTo(HaveOccurred())
			devURL, err := transport.ParseURL("serial://" + pair.A)
			Expect(err).NotTo(HaveOccurred())
			devPort, err := transport.Open(ctx, devURL)
			Expect(err).NotTo(HaveOccurred())
			r.serve(devPort)
			hostURL, err := transport.ParseURL("serial://" + pair.B + "?driver=znp")
			Expect(err).NotTo(HaveOccurred())
			hostPort, err := transport.Open(ctx, hostURL)
			Expect(err).NotTo(HaveOccurred())
			drv := znp.New(hostPort, znp.WithTimeout(generous))
			DeferCleanup(drv.Close)

			bringUp(ctx, drv)
			expectSummation(ctx, r, drv, 1)
			_, err = hostPort.Write(noise)
			Expect(err).NotTo(HaveOccurred())
			expectSummation(ctx, r, drv, 2)
			_, err = drv.Reset(ctx, znp.SoftReset)
			Expect(err).NotTo(HaveOccurred())
			_, err = drv.StartCoordinator(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(drv.RegisterEndpoint(ctx, znp.SmartEnergyEndpoint())).To(Succeed())
			expectSummation(ctx, r, drv, 3)
		})
	})
})
