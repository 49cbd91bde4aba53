package dongle_test

import (
	"context"
	"fmt"
	"io"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/zcl"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/hil/dongle"
	"github.com/smetsim/smetsim/hil/znp"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/fleet"
)

// generous bounds every wait: the CI machine is small and loaded, and nothing here waits on time
// passing, only on answers arriving.
const generous = 20 * time.Second

var euiDongle = devices.EUI64{0x00, 0xDB, 0x12, 0x34, 0x56, 0x78, 0x90, 0xDD}

// rig is the default fleet on the wall clock, an hour of the run to each real second so that
// the meters' registers move visibly, with an emulated dongle joined to the first
// premises' HAN (and admitted by its CHF's device log).
type rig struct {
	fleet  *fleet.Fleet
	prem   *fleet.Premises
	dongle *dongle.Dongle
}

func newRig() *rig {
	cat, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
	Expect(err).NotTo(HaveOccurred())
	spec, err := fleet.LoadSpec(fixtures.FS, fixtures.DefaultFleet, cat)
	Expect(err).NotTo(HaveOccurred())
	f, err := fleet.Build(spec, fleet.Options{Speed: 3600})
	Expect(err).NotTo(HaveOccurred())
	r := &rig{fleet: f, prem: f.Premises[0]}
	Expect(r.prem.CHF.AddToDeviceLog(f.Clock.Now(), euiDongle, devices.KindPPMID)).To(Succeed())
	r.dongle, err = dongle.New(r.prem.HAN, f.Clock, euiDongle)
	Expect(err).NotTo(HaveOccurred())
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		_ = f.Clock.Run(ctx)
	}()
	DeferCleanup(func() {
		cancel()
		<-ran
	})
	Eventually(r.esmeRegister).WithTimeout(generous).Should(BeNumerically(">", 0))
	return r
}

// onClock runs f on the fleet's clock and waits for it.
func (r *rig) onClock(f func(now time.Time)) {
	done := make(chan struct{})
	r.fleet.Clock.Do(func(now time.Time) {
		defer close(done)
		f(now)
	})
	Eventually(done).WithTimeout(generous).Should(BeClosed())
}

// esmeRegister reads the ESME's import register on the clock.
func (r *rig) esmeRegister() uint64 {
	var v uint64
	r.onClock(func(now time.Time) { v = r.prem.ESME.ImportRegister(now) })
	return v
}

// serve runs the dongle on its end of a connection until the spec ends.
func (r *rig) serve(conn io.ReadWriteCloser) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.dongle.Serve(ctx, conn) }()
	DeferCleanup(func() {
		cancel()
		Eventually(done).WithTimeout(generous).Should(Receive())
	})
}

// bringUp does what a host does with a fresh dongle: reset, version, start as coordinator,
// register the Smart Energy endpoint.
func bringUp(ctx context.Context, drv *znp.Driver) {
	ind, err := drv.Reset(ctx, znp.SoftReset)
	Expect(err).NotTo(HaveOccurred())
	Expect(ind.Product).To(Equal(dongle.Version.Product))
	v, err := drv.Version(ctx)
	Expect(err).NotTo(HaveOccurred())
	Expect(v).To(Equal(dongle.Version))
	_, err = drv.StartCoordinator(ctx)
	Expect(err).NotTo(HaveOccurred())
	Expect(drv.RegisterEndpoint(ctx, znp.SmartEnergyEndpoint())).To(Succeed())
}

// readSummation reads the Metering cluster's CurrentSummationDelivered from the device at dst
// through the dongle with a ZCL Read Attributes, and returns the value of the response.
func readSummation(ctx context.Context, drv *znp.Driver, dst uint16, seq uint8) (uint64, error) {
	got := make(chan []byte, 8)
	stop := drv.OnIncomingMsg(func(m *znp.AFIncomingMsg) {
		if m.Cluster == zcl.ClusterMetering && m.SrcAddr == dst {
			select {
			case got <- append([]byte(nil), m.Data...):
			default:
			}
		}
	})
	defer stop()
	payload, err := zcl.AppendFrame(nil, zcl.Header{Direction: zcl.ClientToServer, Sequence: seq, DisableDefaultResponse: true},
		&zcl.ReadAttributes{Attributes: []uint16{zcl.AttrMeteringCurrentSummationDelivered}})
	if err != nil {
		return 0, err
	}
	req := znp.AFDataRequest{DstAddr: dst, DstEndpoint: han.Endpoint, SrcEndpoint: han.Endpoint,
		Cluster: zcl.ClusterMetering, TransID: seq, Options: znp.AFOptionAckRequest, Data: payload}
	if err := drv.SendData(ctx, &req); err != nil {
		return 0, err
	}
	for {
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case b := <-got:
			var h zcl.Header
			rest, err := h.Parse(b)
			if err != nil {
				return 0, err
			}
			if h.Sequence != seq || h.Command != zcl.CmdReadAttributesResponse {
				continue
			}
			var rsp zcl.ReadAttributesResponse
			if err := rsp.Parse(rest); err != nil {
				return 0, err
			}
			rec := rsp.Records[0]
			if rec.ID != zcl.AttrMeteringCurrentSummationDelivered || rec.Status != zcl.StatusSuccess {
				return 0, fmt.Errorf("record %+v", rec)
			}
			return rec.Value.Num, nil
		}
	}
}

// expectSummation reads CurrentSummationDelivered from the ESME through the dongle and checks it
// against the ESME's own register, read on the clock just before and just after: the meter keeps
// consuming in wall-clock time, so the answer lies between the two.
func expectSummation(ctx context.Context, r *rig, drv *znp.Driver, seq uint8) {
	before := r.esmeRegister()
	v, err := readSummation(ctx, drv, r.prem.ESME.Short(), seq)
	Expect(err).NotTo(HaveOccurred())
	after := r.esmeRegister()
	Expect(v).To(BeNumerically(">=", before))
	Expect(v).To(BeNumerically("<=", after))
}

// noisy writes line noise before every frame it carries: a stray byte, a SOF with an impossible
// length, and the start of a frame that the next frame cuts short.
type noisy struct {
	io.ReadWriteCloser
}

var noise = []byte{0x00, 0x13, 0xFE, 0xFF, 0x42, 0xFE, 0x02, 0x61, 0x01}

func (n noisy) Write(b []byte) (int, error) {
	if _, err := n.ReadWriteCloser.Write(noise); err != nil {
		return 0, err
	}
	return n.ReadWriteCloser.Write(b)
}
