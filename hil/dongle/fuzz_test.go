package dongle_test

import (
	"bytes"
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/zcl"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/hil/dongle"
	"github.com/smetsim/smetsim/hil/znp"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/clock"
	"github.com/smetsim/smetsim/simulator/fleet"
)

// script is a host's side of a connection for fuzzing: reads come from the input, writes are
// kept.
type script struct {
	r  io.Reader
	mu sync.Mutex
	w  bytes.Buffer
}

func (s *script) Read(b []byte) (int, error) { return s.r.Read(b) }
func (s *script) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}
func (s *script) Close() error { return nil }

// inline runs work at once on the calling goroutine: in the fuzz target the goroutine serving the
// dongle is the only one touching the HAN while Serve runs.
type inline struct{ clk interface{ Now() time.Time } }

func (i inline) Do(f func(now time.Time)) { f(i.clk.Now()) }

func frameBytes(cmd znp.Command, data []byte) []byte {
	f := znp.Frame{Command: cmd, Data: data}
	b, err := f.AppendTo(nil)
	if err != nil {
		panic(err)
	}
	return b
}

// FuzzServe feeds the dongle any byte stream as a host's requests. It must not panic, and
// everything it writes back must be well-formed MT frames (SRSPs and AREQs) with no stray byte.
// Each input gets a fresh HAN (the dongle as coordinator and an ESME of the default fleet's first
// premises' model), so that inputs do not depend on each other.
func FuzzServe(f *testing.F) {
	cat, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
	if err != nil {
		f.Fatal(err)
	}
	spec, err := fleet.LoadSpec(fixtures.FS, fixtures.DefaultFleet, cat)
	if err != nil {
		f.Fatal(err)
	}
	fl, err := fleet.Build(spec, fleet.Options{})
	if err != nil {
		f.Fatal(err)
	}
	model := fl.Premises[0].ESME.Model()
	euiESME := fl.Premises[0].Devices()[devices.KindESME]
	start := fl.Start

	type han1 struct {
		clk    *clock.Clock
		dongle *dongle.Dongle
		esme   *devices.ESME
	}
	newHAN := func() (*han1, error) {
		clk := clock.NewVirtual(start)
		env := &devices.Env{Sched: clk}
		nw := han.NewMedium(clk).NewNetwork(0x1a62)
		d, err := dongle.New(nw, inline{clk}, euiDongle)
		if err != nil {
			return nil, err
		}
		e, err := devices.NewESME(env, euiESME, model, devices.MeterConfig{
			Load: devices.LoadModel{Seed: 1, Annual: 3000}, Tariff: &devices.Tariff{Kind: devices.TariffTOU,
				TierPrices: [devices.MaxTiers]devices.Money{25 * devices.Penny}, Label: "Flat"}}, "1100012345678", start)
		if err != nil {
			return nil, err
		}
		if err := e.Attach(nw); err != nil {
			return nil, err
		}
		return &han1{clk, d, e}, nil
	}
	h, err := newHAN()
	if err != nil {
		f.Fatal(err)
	}

	ep := znp.SmartEnergyEndpoint()
	reg, _ := ep.AppendTo(nil)
	read, _ := zcl.AppendFrame(nil, zcl.Header{Direction: zcl.ClientToServer, Sequence: 1},
		&zcl.ReadAttributes{Attributes: []uint16{zcl.AttrMeteringCurrentSummationDelivered}})
	dr := znp.AFDataRequest{DstAddr: h.esme.Short(), DstEndpoint: 1, SrcEndpoint: 1, Cluster: zcl.ClusterMetering, TransID: 1, Data: read}
	drb, _ := dr.AppendTo(nil)
	bringUp := bytes.Join([][]byte{
		{0xFE, 0x00, 0x21, 0x01, 0x20}, // SYS_PING, the vector
		frameBytes(znp.CmdSysResetReq, []byte{1}),
		frameBytes(znp.CmdSysVersion, nil),
		frameBytes(znp.CmdZDOStartupFromApp, []byte{100, 0}),
		frameBytes(znp.CmdAFRegister, reg),
		frameBytes(znp.CmdZDOMgmtPermitJoinReq, []byte{0x0F, 0xFC, 0xFF, 60, 1}),
		frameBytes(znp.CmdAFDataRequest, drb),
	}, nil)
	f.Add(bringUp)
	f.Add(append(append([]byte{0x00, 0xFE, 0xFF}, noise...), bringUp...))
	f.Add(frameBytes(znp.CmdAFDataRequest, drb[:5]))
	f.Add(frameBytes(znp.Command{Type: znp.SREQ, Subsystem: 31, ID: 9}, nil))

	f.Fuzz(func(t *testing.T, in []byte) {
		h, err := newHAN()
		if err != nil {
			t.Fatal(err)
		}
		s := &script{r: bytes.NewReader(in)}
		if err := h.dongle.Serve(context.Background(), s); err != nil && err != io.ErrUnexpectedEOF {
			t.Fatalf("Serve: %v", err)
		}
		// Let the ESME answer (the HAN takes milliseconds; its billing and tick events are days
		// away and not what is being fuzzed).
		if err := h.clk.RunFor(context.Background(), time.Second); err != nil {
			t.Fatal(err)
		}
		rd := znp.NewReader(bytes.NewReader(s.w.Bytes()))
		var fr znp.Frame
		for {
			err := rd.ReadFrame(&fr)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("the dongle wrote a partial frame: %v", err)
			}
			if fr.Type != znp.SRSP && fr.Type != znp.AREQ {
				t.Fatalf("the dongle wrote a %v", fr.Command)
			}
		}
		if st := rd.Stats(); st.Garbage != 0 {
			t.Fatalf("the dongle wrote %d stray bytes", st.Garbage)
		}
	})
}
