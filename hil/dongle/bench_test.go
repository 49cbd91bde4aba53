package dongle_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/hil/dongle"
	"github.com/smetsim/smetsim/hil/znp"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/fleet"
)

// benchRig is the default fleet on the wall clock with a brought-up dongle behind a driver on
// net.Pipe.
func benchRig(b *testing.B) (*fleet.Premises, *znp.Driver) {
	b.Helper()
	cat, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
	if err != nil {
		b.Fatal(err)
	}
	spec, err := fleet.LoadSpec(fixtures.FS, fixtures.DefaultFleet, cat)
	if err != nil {
		b.Fatal(err)
	}
	f, err := fleet.Build(spec, fleet.Options{Speed: 1})
	if err != nil {
		b.Fatal(err)
	}
	p := f.Premises[0]
	if err := p.CHF.AddToDeviceLog(f.Clock.Now(), euiDongle, devices.KindPPMID); err != nil {
		b.Fatal(err)
	}
	d, err := dongle.New(p.HAN, f.Clock, euiDongle)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	go func() { _ = f.Clock.Run(ctx) }()
	host, dev := net.Pipe()
	go func() { _ = d.Serve(ctx, dev) }()
	drv := znp.New(host, znp.WithTimeout(generous))
	b.Cleanup(func() { drv.Close() })
	if _, err := drv.Reset(ctx, znp.SoftReset); err != nil {
		b.Fatal(err)
	}
	if _, err := drv.StartCoordinator(ctx); err != nil {
		b.Fatal(err)
	}
	if err := drv.RegisterEndpoint(ctx, znp.SmartEnergyEndpoint()); err != nil {
		b.Fatal(err)
	}
	return p, drv
}

// BenchmarkPing is a SYS_PING SREQ→SRSP answered by the emulator through net.Pipe.
func BenchmarkPing(b *testing.B) {
	_, drv := benchRig(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := drv.Ping(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadSummation is a ZCL Read Attributes of the ESME's CurrentSummationDelivered through
// the emulated dongle: AF_DATA_REQUEST, the HAN on the wall clock (5 ms of airtime each way),
// AF_DATA_CONFIRM and AF_INCOMING_MSG.
func BenchmarkReadSummation(b *testing.B) {
	p, drv := benchRig(b)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	seq := uint8(0)
	b.ReportAllocs()
	for b.Loop() {
		seq++
		if _, err := readSummation(ctx, drv, p.ESME.Short(), seq); err != nil {
			b.Fatal(err)
		}
	}
}
