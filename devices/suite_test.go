package devices_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/han/frame"
	"github.com/smetsim/smetsim/devices/zcl"
	"github.com/smetsim/smetsim/simulator/clock"
)

func TestDevices(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Devices Suite")
}

// model returns a compiled Device Model of the given kind for specs, with optional faults.
func model(kind devices.Kind, faults ...devices.Fault) *devices.Model {
	m := &devices.Model{ID: "spec-" + kind.String() + "@1.0", Family: "spec-" + kind.String(), Kind: kind,
		Manufacturer: "Spec Meters Ltd", ModelName: "S-" + kind.String(), HardwareVersion: "1", FirmwareVersion: "1.0",
		Tiers: 4, Latency: devices.Latency{Median: time.Second}, Faults: faults}
	switch kind {
	case devices.KindGSME:
		m.WakeInterval, m.AwakeWindow = 30*time.Minute, 7*time.Second
	case devices.KindPPMID:
		m.PollInterval = 30 * time.Minute
	}
	Expect(m.Compile()).To(Succeed())
	return m
}

var (
	euiESME  = mustEUI("00-DB-12-34-56-78-90-A0")
	euiGSME  = mustEUI("00-DB-12-34-56-78-90-A1")
	euiCHF   = mustEUI("00-DB-12-34-56-78-90-A2")
	euiGPF   = mustEUI("00-DB-12-34-56-78-90-A3")
	euiPPMID = mustEUI("00-DB-12-34-56-78-90-A4")
)

func mustEUI(s string) devices.EUI64 {
	e, err := devices.ParseEUI64(s)
	if err != nil {
		panic(err)
	}
	return e
}

// flat is a single-rate tariff of 25p/kWh with no standing charge, so charges are easy to check.
func flat() *devices.Tariff {
	return &devices.Tariff{Kind: devices.TariffTOU, TierPrices: [devices.MaxTiers]devices.Money{25 * devices.Penny}, Label: "Flat", ProviderID: 7, IssuerEventID: 1}
}

// recorder keeps every alert and every frame on the air.
type recorder struct {
	alerts []devices.Alert
	frames []seenFrame
}

type seenFrame struct {
	at       time.Time
	src, dst uint16
	cluster  uint16
	header   zcl.Header
	payload  []byte
}

func (r *recorder) DeviceAlert(a devices.Alert) { r.alerts = append(r.alerts, a) }

func (r *recorder) HANFrame(now time.Time, p *frame.Packet) {
	var h zcl.Header
	rest, err := h.Parse(p.Payload)
	Expect(err).NotTo(HaveOccurred())
	r.frames = append(r.frames, seenFrame{at: now, src: p.MAC.SrcShort, dst: p.MAC.DstShort, cluster: p.APS.Cluster, header: h, payload: append([]byte(nil), rest...)})
}

func (r *recorder) codes() []devices.AlertCode {
	var out []devices.AlertCode
	for _, a := range r.alerts {
		out = append(out, a.Code)
	}
	return out
}

// framesOf returns the frames of one cluster-specific command.
func (r *recorder) framesOf(cluster uint16, dir zcl.Direction, cmd uint8) []seenFrame {
	var out []seenFrame
	for _, f := range r.frames {
		if f.cluster == cluster && f.header.FrameType == zcl.FrameClusterSpecific && f.header.Direction == dir && f.header.Command == cmd {
			out = append(out, f)
		}
	}
	return out
}

// premises is a hand-wired installation for specs.
type premises struct {
	clk   *clock.Clock
	env   *devices.Env
	rec   *recorder
	nw    *han.Network
	chf   *devices.CHF
	esme  *devices.ESME
	gpf   *devices.GPF
	gsme  *devices.GSME
	ppmid *devices.PPMID
}

type premisesOptions struct {
	start      time.Time
	esmeModel  *devices.Model
	gsmeModel  *devices.Model
	chfModel   *devices.Model
	ppmidModel *devices.Model
	esmeMode   devices.PaymentMode
	esmePrepay *devices.Prepayment
	gsmeMode   devices.PaymentMode
	gsmePrepay *devices.Prepayment
	tariff     *devices.Tariff
	gasTariff  *devices.Tariff
	ndp        *devices.NonDisablement
	annualKWh  uint32
	seed       uint64
}

// newPremises installs and wires CHF, ESME, GPF, GSME and PPMID on one HAN.
func newPremises(o premisesOptions) *premises {
	if o.start.IsZero() {
		o.start = time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC) // a Monday in winter
	}
	for _, m := range []struct {
		dst  **devices.Model
		kind devices.Kind
	}{{&o.esmeModel, devices.KindESME}, {&o.gsmeModel, devices.KindGSME}, {&o.chfModel, devices.KindCHF}, {&o.ppmidModel, devices.KindPPMID}} {
		if *m.dst == nil {
			*m.dst = model(m.kind)
		}
	}
	if o.tariff == nil {
		o.tariff = flat()
	}
	if o.gasTariff == nil {
		o.gasTariff = flat()
	}
	if o.annualKWh == 0 {
		o.annualKWh = 3000
	}
	if o.seed == 0 {
		o.seed = 42
	}
	p := &premises{clk: clock.NewVirtual(o.start), rec: &recorder{}}
	p.env = &devices.Env{Sched: p.clk, Alerts: p.rec}
	md := han.NewMedium(p.clk)
	md.Listen(p.rec)
	p.nw = md.NewNetwork(0x1a62)
	now := o.start
	var err error
	p.chf, err = devices.NewCHF(p.env, euiCHF, o.chfModel, p.nw, o.seed, now)
	Expect(err).NotTo(HaveOccurred())
	for eui, k := range map[devices.EUI64]devices.Kind{euiESME: devices.KindESME, euiGPF: devices.KindGPF, euiGSME: devices.KindGSME, euiPPMID: devices.KindPPMID} {
		Expect(p.chf.AddToDeviceLog(now, eui, k)).To(Succeed())
	}
	p.esme, err = devices.NewESME(p.env, euiESME, o.esmeModel, devices.MeterConfig{
		Load: devices.LoadModel{Seed: o.seed, Annual: o.annualKWh}, Tariff: o.tariff, Mode: o.esmeMode,
		Prepayment: o.esmePrepay, NonDisablement: o.ndp}, "1100012345678", now)
	Expect(err).NotTo(HaveOccurred())
	p.gpf, err = devices.NewGPF(p.env, euiGPF, model(devices.KindGPF), now)
	Expect(err).NotTo(HaveOccurred())
	p.gsme, err = devices.NewGSME(p.env, euiGSME, o.gsmeModel, devices.MeterConfig{
		Load: devices.LoadModel{Seed: o.seed + 1, Annual: 1100}, Tariff: o.gasTariff, Mode: o.gsmeMode,
		Prepayment: o.gsmePrepay, NonDisablement: o.ndp}, "1234567890", now)
	Expect(err).NotTo(HaveOccurred())
	p.ppmid, err = devices.NewPPMID(p.env, euiPPMID, o.ppmidModel, now)
	Expect(err).NotTo(HaveOccurred())
	Expect(p.esme.Attach(p.nw)).To(Succeed())
	Expect(p.gpf.Attach(p.nw)).To(Succeed())
	Expect(p.gsme.Attach(p.nw)).To(Succeed())
	Expect(p.ppmid.Attach(p.nw)).To(Succeed())
	p.gpf.SetGSME(p.gsme.Short())
	p.gsme.SetGPF(p.gpf.Short())
	p.esme.SetDisplay(p.ppmid.Short())
	p.ppmid.SetMeters(now, p.esme.Short(), true, p.gpf.Short(), true, 10*time.Minute)
	return p
}

func (p *premises) run(d time.Duration) {
	Expect(p.clk.RunFor(context.Background(), d)).To(Succeed())
}

func (p *premises) runUntil(t time.Time) {
	Expect(p.clk.RunUntil(context.Background(), t)).To(Succeed())
}

func (p *premises) now() time.Time { return p.clk.Now() }

// runT is run for fuzz targets, which have no Gomega fail handler.
func (p *premises) runT(t *testing.T, d time.Duration) {
	if err := p.clk.RunFor(context.Background(), d); err != nil {
		t.Fatal(err)
	}
}

// fuzzPremises builds a prepayment premises outside Ginkgo, for fuzz targets: assertions report
// to t.
func fuzzPremises(t *testing.T) *premises {
	RegisterTestingT(t)
	return newPremises(premisesOptions{esmeMode: devices.PrepaymentMode, esmePrepay: devices.DefaultPrepayment(devices.Pound),
		gsmeMode: devices.PrepaymentMode, gsmePrepay: devices.DefaultPrepayment(devices.Pound)})
}

// probe is a HAN device that sends whatever a spec asks and keeps what it receives.
type probe struct {
	p        *premises
	short    uint16
	received []seenFrame
	seq      uint8
}

func newProbe(p *premises, eui devices.EUI64) *probe {
	Expect(p.chf.AddToDeviceLog(p.now(), eui, devices.KindPPMID)).To(Succeed())
	pr := &probe{p: p}
	short, err := p.nw.Join(eui, pr, false)
	Expect(err).NotTo(HaveOccurred())
	pr.short = short
	return pr
}

func (pr *probe) HANReceive(now time.Time, m *han.Message) {
	var h zcl.Header
	rest, err := h.Parse(m.Payload)
	Expect(err).NotTo(HaveOccurred())
	pr.received = append(pr.received, seenFrame{at: now, src: m.Src, dst: m.Dst, cluster: m.Cluster, header: h, payload: append([]byte(nil), rest...)})
}

// read sends Read Attributes and runs the clock until the answer arrives.
func (pr *probe) read(dst, cluster uint16, ids ...uint16) map[uint16]zcl.Value {
	pr.seq++
	b, err := zcl.AppendFrame(nil, zcl.Header{Direction: zcl.ClientToServer, Sequence: pr.seq}, &zcl.ReadAttributes{Attributes: ids})
	Expect(err).NotTo(HaveOccurred())
	Expect(pr.p.nw.Send(pr.p.now(), &han.Message{Src: pr.short, Dst: dst, SrcEndpoint: 1, DstEndpoint: 1, Cluster: cluster, Payload: b})).To(Succeed())
	pr.received = nil
	pr.p.run(time.Second)
	Expect(pr.received).To(HaveLen(1))
	var rsp zcl.ReadAttributesResponse
	Expect(rsp.Parse(pr.received[0].payload)).To(Succeed())
	out := map[uint16]zcl.Value{}
	for _, r := range rsp.Records {
		if r.Status == zcl.StatusSuccess {
			out[r.ID] = r.Value
		}
	}
	return out
}

type hanMessage = han.Message
