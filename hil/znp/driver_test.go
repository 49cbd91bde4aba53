package znp_test

import (
	"context"
	"errors"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/han/frame"
	"github.com/smetsim/smetsim/hil/znp"
)

// generous is the wait for things that do happen: the CI machine is small and loaded, and a
// passing spec never waits this long.
const generous = 10 * time.Second

var _ = Describe("Driver", func() {
	var (
		dongle *fakeDongle
		drv    *znp.Driver
		ctx    context.Context
	)

	BeforeEach(func() {
		d, conn := newFakeDongle()
		dongle = d
		drv = znp.New(conn, znp.WithTimeout(generous))
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.Background(), 2*generous)
		DeferCleanup(func() {
			cancel()
			drv.Close()
			dongle.unplug()
		})
	})

	It("pings: SYS_PING out, its SRSP's capabilities back", func() {
		r, err := drv.Ping(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Capabilities).To(Equal(uint16(0x0659)))
		Expect(dongle.requests()).To(Equal([]znp.Command{znp.CmdSysPing}))
	})

	It("reads the version, with or without Z-Stack 3's revision", func() {
		dongle.on(znp.CmdSysVersion, func([]byte) []znp.Frame {
			return []znp.Frame{{Command: znp.CmdSysVersion.Response(), Data: unhex("02 01 02 07 01 44 33 22 01")}}
		})
		v, err := drv.Version(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(v).To(Equal(znp.VersionResponse{TransportRev: 2, Product: 1, Major: 2, Minor: 7, Maint: 1, HasRevision: true, Revision: 0x01223344}))
	})

	It("resets the dongle and returns its SYS_RESET_IND", func() {
		dongle.on(znp.CmdSysResetReq, func(data []byte) []znp.Frame {
			Expect(data).To(Equal([]byte{byte(znp.SoftReset)}))
			return []znp.Frame{{Command: znp.CmdSysResetInd, Data: unhex("00 02 00 02 06 03")}}
		})
		ind, err := drv.Reset(ctx, znp.SoftReset)
		Expect(err).NotTo(HaveOccurred())
		Expect(ind).To(Equal(znp.ResetInd{Reason: znp.ResetPowerUp, TransportRev: 2, Major: 2, Minor: 6, HwRev: 3}))
	})

	It("brings the dongle up as the HAN coordinator and talks ZCL to a joined meter", func() {
		dongle.on(znp.CmdZDOStartupFromApp, func([]byte) []znp.Frame {
			return []znp.Frame{
				{Command: znp.CmdZDOStartupFromApp.Response(), Data: []byte{byte(znp.StartupNew)}},
				{Command: znp.CmdZDOStateChangeInd, Data: []byte{byte(znp.DevCoordStarting)}},
				{Command: znp.CmdZDOStateChangeInd, Data: []byte{byte(znp.DevZBCoord)}},
			}
		})
		var registered znp.AFRegister
		dongle.on(znp.CmdAFRegister, func(data []byte) []znp.Frame {
			Expect(registered.Parse(data)).To(Succeed())
			return status(znp.CmdAFRegister, znp.Success)(data)
		})
		dongle.on(znp.CmdZDOMgmtPermitJoinReq, func(data []byte) []znp.Frame {
			// The GSME joins while the network is open and announces itself.
			a := znp.EndDeviceAnnceInd{SrcAddr: 0x4A1C, NwkAddr: 0x4A1C, IEEEAddr: meterEUI, Capabilities: 0x80}
			return []znp.Frame{
				{Command: znp.CmdZDOMgmtPermitJoinReq.Response(), Data: []byte{0}},
				{Command: znp.CmdZDOEndDeviceAnnceInd, Data: a.AppendTo(nil)},
			}
		})
		dongle.on(znp.CmdAFDataRequest, func(data []byte) []znp.Frame {
			var req znp.AFDataRequest
			Expect(req.Parse(data)).To(Succeed())
			conf := znp.AFDataConfirm{Status: znp.Success, Endpoint: req.SrcEndpoint, TransID: req.TransID}
			// The meter answers the Read Attributes with CurrentSummationDelivered = 10000.
			in := znp.AFIncomingMsg{Cluster: req.Cluster, SrcAddr: req.DstAddr, SrcEndpoint: req.DstEndpoint,
				DstEndpoint: req.SrcEndpoint, LinkQuality: 200, TransSeq: 1,
				Data: unhex("18 01 01 00 00 00 25 10 27 00 00 00 00")}
			return []znp.Frame{
				{Command: znp.CmdAFDataRequest.Response(), Data: []byte{0}},
				{Command: znp.CmdAFDataConfirm, Data: conf.AppendTo(nil)},
				{Command: znp.CmdAFIncomingMsg, Data: must(in.AppendTo(nil))},
			}
		})

		var states []znp.DeviceState
		var smu sync.Mutex
		drv.OnStateChange(func(s znp.DeviceState) { smu.Lock(); states = append(states, s); smu.Unlock() })

		st, err := drv.StartCoordinator(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(st).To(Equal(znp.StartupNew))
		smu.Lock()
		Expect(states).To(Equal([]znp.DeviceState{znp.DevCoordStarting, znp.DevZBCoord}))
		smu.Unlock()

		Expect(drv.RegisterEndpoint(ctx, znp.SmartEnergyEndpoint())).To(Succeed())
		Expect(registered.Profile).To(Equal(uint16(0x0109)))
		Expect(registered.Endpoint).To(Equal(han.Endpoint))
		Expect(registered.InClusters).To(ContainElements(uint16(0x0702), uint16(0x0705)))

		annces := make(chan znp.EndDeviceAnnceInd, 1)
		drv.OnEndDeviceAnnce(func(a znp.EndDeviceAnnceInd) { annces <- a })
		Expect(drv.PermitJoin(ctx, 60)).To(Succeed())
		Expect(dongle.last(znp.CmdZDOMgmtPermitJoinReq)).To(Equal(unhex("0F FC FF 3C 01")))
		var a znp.EndDeviceAnnceInd
		Eventually(annces, generous).Should(Receive(&a))
		Expect(a.IEEEAddr).To(Equal(meterEUI))
		Expect(a.NwkAddr).To(Equal(uint16(0x4A1C)))
		Expect(a.Sleepy()).To(BeTrue())

		link := &znp.Link{Driver: drv}
		got := make(chan han.Message, 1)
		stop := link.Receive(func(m *han.Message) {
			c := *m
			c.Payload = append([]byte(nil), m.Payload...)
			got <- c
		})
		defer stop()
		Expect(link.Send(time.Now(), &han.Message{Src: han.Coordinator, Dst: 0x4A1C, SrcEndpoint: 1, DstEndpoint: 1,
			Cluster: 0x0702, Profile: frame.ProfileSmartEnergy, Payload: unhex("00 01 00 00 00")})).To(Succeed())
		var m han.Message
		Eventually(got, generous).Should(Receive(&m))
		Expect(m).To(Equal(han.Message{Src: 0x4A1C, Dst: han.Coordinator, SrcEndpoint: 1, DstEndpoint: 1,
			Cluster: 0x0702, Profile: frame.ProfileSmartEnergy, Payload: unhex("18 01 01 00 00 00 25 10 27 00 00 00 00")}))

		req := dongle.last(znp.CmdAFDataRequest)
		var sent znp.AFDataRequest
		Expect(sent.Parse(req)).To(Succeed())
		Expect(sent.Options & znp.AFOptionAckRequest).NotTo(BeZero())
		Expect(sent.Data).To(Equal(unhex("00 01 00 00 00")))
	})

	It("waits for the AF_DATA_CONFIRM of its own transaction and reports a failed delivery", func() {
		dongle.on(znp.CmdAFDataRequest, func(data []byte) []znp.Frame {
			var req znp.AFDataRequest
			Expect(req.Parse(data)).To(Succeed())
			other := znp.AFDataConfirm{Status: znp.Success, Endpoint: req.SrcEndpoint, TransID: req.TransID + 1}
			mine := znp.AFDataConfirm{Status: znp.MACTransactionExpired, Endpoint: req.SrcEndpoint, TransID: req.TransID}
			return []znp.Frame{
				{Command: znp.CmdAFDataRequest.Response(), Data: []byte{0}},
				{Command: znp.CmdAFDataConfirm, Data: other.AppendTo(nil)},
				{Command: znp.CmdAFDataConfirm, Data: mine.AppendTo(nil)},
			}
		})
		err := drv.SendData(ctx, &znp.AFDataRequest{DstAddr: 0x4A1C, DstEndpoint: 1, SrcEndpoint: 1, Cluster: 0x0702, TransID: 7, Data: []byte{0}})
		var se *znp.StatusError
		Expect(errors.As(err, &se)).To(BeTrue(), "%v", err)
		Expect(*se).To(Equal(znp.StatusError{Command: znp.CmdAFDataConfirm, Status: znp.MACTransactionExpired}))
		Expect(err.Error()).To(ContainSubstring("MAC_TRANSACTION_EXPIRED"))
	})

	It("turns a failure status in an SRSP into a *StatusError", func() {
		dongle.on(znp.CmdAFRegister, status(znp.CmdAFRegister, 0xB8))
		err := drv.RegisterEndpoint(ctx, znp.SmartEnergyEndpoint())
		Expect(err).To(MatchError(&znp.StatusError{Command: znp.CmdAFRegister, Status: 0xB8}))
		Expect(err.Error()).To(Equal("znp: SREQ AF_REGISTER: status 0xB8"))
	})

	It("times out with a typed error when the dongle does not answer, and frees the subsystem", func() {
		d, conn := newFakeDongle()
		short := znp.New(conn, znp.WithTimeout(50*time.Millisecond))
		DeferCleanup(func() { short.Close(); d.unplug() })
		d.on(znp.CmdSysVersion, func([]byte) []znp.Frame { return nil }) // a wedged dongle
		_, err := short.Version(ctx)
		var te *znp.TimeoutError
		Expect(errors.As(err, &te)).To(BeTrue(), "%v", err)
		Expect(te.Command).To(Equal(znp.CmdSysVersion))
		Expect(te.After).To(BeNumerically(">=", 50*time.Millisecond))
		Expect(err).To(MatchError(znp.ErrTimeout))
		Expect(err).To(MatchError(context.DeadlineExceeded))
		Expect(err.Error()).To(HavePrefix("znp: no SREQ SYS_VERSION within"))
		// The subsystem is free again: the next SYS request goes out and is answered.
		r, err := short.Ping(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Capabilities).To(Equal(uint16(0x0659)))
	})

	It("drops a late SRSP to a request that timed out, whatever its timing against the next request", func() {
		d, conn := newFakeDongle()
		short := znp.New(conn, znp.WithTimeout(50*time.Millisecond))
		DeferCleanup(func() { short.Close(); d.unplug() })
		d.on(znp.CmdSysVersion, func([]byte) []znp.Frame { return nil })
		_, err := short.Version(ctx)
		Expect(err).To(MatchError(znp.ErrTimeout))
		d.on(znp.CmdSysPing, func([]byte) []znp.Frame {
			return []znp.Frame{
				{Command: znp.CmdSysVersion.Response(), Data: unhex("02 00 02 06 03")}, // the late answer
				{Command: znp.CmdSysPing.Response(), Data: []byte{0x59, 0x06}},
			}
		})
		r, err := short.Ping(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Capabilities).To(Equal(uint16(0x0659)))
	})

	It("times out at the context's deadline when that comes first", func() {
		dongle.on(znp.CmdSysVersion, func([]byte) []znp.Frame { return nil })
		dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		_, err := drv.Version(dctx)
		Expect(err).To(MatchError(znp.ErrTimeout))
	})

	It("waits for a device's announcement, ignoring other devices'", func() {
		other := znp.EndDeviceAnnceInd{SrcAddr: 0x1111, NwkAddr: 0x1111, IEEEAddr: frame.EUI64{1, 2, 3, 4, 5, 6, 7, 8}, Capabilities: 0x8E}
		mine := znp.EndDeviceAnnceInd{SrcAddr: 0x4A1C, NwkAddr: 0x4A1C, IEEEAddr: meterEUI, Capabilities: 0x80}
		got := make(chan znp.EndDeviceAnnceInd, 1)
		go func() {
			defer GinkgoRecover()
			a, err := drv.WaitForDevice(ctx, meterEUI)
			Expect(err).NotTo(HaveOccurred())
			got <- a
		}()
		// The waiter registers on its own goroutine: announce until it has heard, as a joining
		// device retries.
		var a znp.EndDeviceAnnceInd
		Eventually(func() bool {
			Expect(dongle.emit(znp.Frame{Command: znp.CmdZDOEndDeviceAnnceInd, Data: other.AppendTo(nil)})).To(Succeed())
			Expect(dongle.emit(znp.Frame{Command: znp.CmdZDOEndDeviceAnnceInd, Data: mine.AppendTo(nil)})).To(Succeed())
			select {
			case a = <-got:
				return true
			default:
				return false
			}
		}, generous).Should(BeTrue())
		Expect(a).To(Equal(mine))
		Expect(other.Sleepy()).To(BeFalse())
	})

	It("returns the dongle's RPC error for a request it cannot parse", func() {
		_, err := drv.Request(ctx, znp.Command{Type: znp.SREQ, Subsystem: 0x1E, ID: 0x01}, nil)
		var re *znp.RPCError
		Expect(errors.As(err, &re)).To(BeTrue(), "%v", err)
		Expect(re.Code).To(Equal(znp.RPCInvalidSubsystem))
		Expect(err.Error()).To(ContainSubstring("invalid subsystem"))
	})

	It("keeps one SREQ outstanding per subsystem, while other subsystems' flow", func() {
		dongle.on(znp.CmdSysVersion, func([]byte) []znp.Frame { return nil }) // answered by hand below
		dongle.on(znp.CmdAFRegister, status(znp.CmdAFRegister, znp.Success))
		version := make(chan error, 1)
		ping := make(chan error, 1)
		go func() { _, err := drv.Version(ctx); version <- err }()
		Eventually(dongle.requests, generous).Should(ContainElement(znp.CmdSysVersion))
		go func() { _, err := drv.Ping(ctx); ping <- err }()

		// AF is another subsystem: its request goes out and is answered meanwhile.
		Expect(drv.RegisterEndpoint(ctx, znp.SmartEnergyEndpoint())).To(Succeed())
		// SYS_PING is in SYS, behind the unanswered SYS_VERSION: it has not been written.
		Consistently(dongle.requests, 200*time.Millisecond).ShouldNot(ContainElement(znp.CmdSysPing))
		Expect(ping).NotTo(Receive())

		Expect(dongle.emit(znp.Frame{Command: znp.CmdSysVersion.Response(), Data: unhex("02 00 02 06 03")})).To(Succeed())
		Eventually(version, generous).Should(Receive(BeNil()))
		Eventually(ping, generous).Should(Receive(BeNil()))
		Expect(dongle.requests()).To(Equal([]znp.Command{znp.CmdSysVersion, znp.CmdAFRegister, znp.CmdSysPing}))
	})

	It("drops an SRSP that answers nothing outstanding", func() {
		Expect(dongle.emit(znp.Frame{Command: znp.CmdSysVersion.Response(), Data: unhex("02 00 02 06 03")})).To(Succeed())
		Expect(dongle.emit(znp.Frame{Command: znp.CmdRPCError, Data: unhex("02 21 55")})).To(Succeed())
		r, err := drv.Ping(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Capabilities).To(Equal(uint16(0x0659)))
	})

	It("resynchronises on line noise and partial frames between answers", func() {
		dongle.on(znp.CmdSysPing, func([]byte) []znp.Frame {
			Expect(dongle.raw(unhex("00 13 FE 05 61 02 FE FF 21"))).To(Succeed())
			return []znp.Frame{{Command: znp.CmdSysPing.Response(), Data: []byte{0x59, 0x06}}}
		})
		for range 3 {
			r, err := drv.Ping(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(r.Capabilities).To(Equal(uint16(0x0659)))
		}
		Expect(drv.ReaderStats().Frames).To(Equal(uint64(3)))
		Expect(drv.ReaderStats().Garbage).To(BeNumerically(">", 0))
	})

	It("dispatches AREQs to every handler registered for them, until removed", func() {
		var mu sync.Mutex
		var a, b int
		removeA := drv.Handle(znp.CmdZDOStateChangeInd, func([]byte) { mu.Lock(); a++; mu.Unlock() })
		drv.Handle(znp.CmdZDOStateChangeInd, func([]byte) { mu.Lock(); b++; mu.Unlock() })
		count := func() [2]int { mu.Lock(); defer mu.Unlock(); return [2]int{a, b} }
		Expect(dongle.emit(znp.Frame{Command: znp.CmdZDOStateChangeInd, Data: []byte{9}})).To(Succeed())
		Eventually(count, generous).Should(Equal([2]int{1, 1}))
		removeA()
		Expect(dongle.emit(znp.Frame{Command: znp.CmdZDOStateChangeInd, Data: []byte{9}})).To(Succeed())
		Eventually(count, generous).Should(Equal([2]int{1, 2}))
	})

	It("fails a request cancelled by its context with the context's error", func() {
		dongle.on(znp.CmdSysVersion, func([]byte) []znp.Frame { return nil })
		cctx, cancel := context.WithCancel(ctx)
		errs := make(chan error, 1)
		go func() { _, err := drv.Version(cctx); errs <- err }()
		Eventually(dongle.requests, generous).Should(ContainElement(znp.CmdSysVersion))
		cancel()
		var err error
		Eventually(errs, generous).Should(Receive(&err))
		Expect(err).To(MatchError(context.Canceled))
		Expect(err).NotTo(MatchError(znp.ErrTimeout))
	})

	It("closes cleanly: a waiting request fails with ErrClosed, later ones too", func() {
		dongle.on(znp.CmdSysVersion, func([]byte) []znp.Frame { return nil })
		errs := make(chan error, 1)
		go func() { _, err := drv.Version(ctx); errs <- err }()
		Eventually(dongle.requests, generous).Should(ContainElement(znp.CmdSysVersion))
		Expect(drv.Close()).To(Succeed())
		Eventually(errs, generous).Should(Receive(MatchError(znp.ErrClosed)))
		Expect(drv.Done()).To(BeClosed())
		_, err := drv.Ping(ctx)
		Expect(err).To(MatchError(znp.ErrClosed))
		Expect(drv.Send(znp.CmdSysResetReq, []byte{0})).To(MatchError(znp.ErrClosed))
		Expect(drv.Close()).To(Succeed(), "Close twice is harmless")
	})

	It("stops when the dongle is unplugged, and says so", func() {
		dongle.on(znp.CmdSysVersion, func([]byte) []znp.Frame { return nil })
		errs := make(chan error, 1)
		go func() { _, err := drv.Version(ctx); errs <- err }()
		Eventually(dongle.requests, generous).Should(ContainElement(znp.CmdSysVersion))
		dongle.unplug()
		var err error
		Eventually(errs, generous).Should(Receive(&err))
		Expect(err).To(MatchError(znp.ErrClosed))
		Expect(err.Error()).To(ContainSubstring("stream ended"))
		Eventually(drv.Done(), generous).Should(BeClosed())
		Expect(drv.Err()).To(MatchError(znp.ErrClosed))
	})

	It("refuses to send an SREQ as an AREQ and the reverse", func() {
		_, err := drv.Request(ctx, znp.CmdSysResetReq, []byte{0})
		Expect(err).To(MatchError(znp.ErrNotSREQ))
		Expect(drv.Send(znp.CmdSysPing, nil)).To(MatchError(znp.ErrNotSREQ))
	})
})
