package dcc

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/clock"
	"github.com/smetsim/smetsim/simulator/duis"
	"github.com/smetsim/smetsim/simulator/fleet"
	"github.com/smetsim/smetsim/simulator/inventory"
	"github.com/smetsim/smetsim/simulator/users"
)

// Config is what a mock DCC serves and with which keys.
type Config struct {
	Fleet     *fleet.Fleet
	Catalogue *catalogue.Catalogue
	Users     *users.Directory
	Keys      *Keys
	Lists     *inventory.Lists
	// ResponseURL, when set, receives every user's asynchronous responses and alerts instead of
	// the users' own Receive Response Service URLs.
	ResponseURL string
	// Client posts asynchronous messages; nil uses a client with a 10 s timeout.
	Client *http.Client
	// Limits bound the requests the endpoint parses; zero fields take duis.DefaultLimits.
	Limits duis.Limits
	// DataLimits are the S1SP's data-value checks; the zero value takes DefaultDataLimits.
	DataLimits DataLimits
	// Retry is how asynchronous delivery retries a receiver that fails; the zero value takes
	// DefaultRetry.
	Retry Retry
	Log   *slog.Logger
	// Unsigned switches signatures off: requests are taken unsigned and unverified, answers and
	// async messages go out unsigned. It exists to measure what the cryptography costs
	// (BenchmarkDUISLoopback); the DCC never works this way.
	Unsigned bool
}

// DCC is a mock DCC serving one fleet.
type DCC struct {
	cfg   Config
	clock *clock.Clock
	inv   *inventory.Inventory
	lists *inventory.Lists

	mu          sync.Mutex
	counters    map[devices.EUI64]uint64      // last counter accepted from each originator
	transforms  map[duis.RequestID]*transform // CV 4 answers waiting for their CV 5
	adt         map[adtKey][]time.Time        // critical requests counted per user and SRV
	quarantines uint64                        // last quarantine reference
	alertCount  map[devices.EUI64]uint64      // counters of alerts each device has sent
	journal     []Record                      // every request, with its outcome and timings
	held        map[duis.RequestID]*job       // future-dated requests waiting for their time
	schedules   scheduleBook                  // DCC schedules (5.1), with their own lock
	deliver     *deliverer
}

// New builds a mock DCC for a fleet: every premises is migrated into the SMI (active, with the
// first user of each role registered for it), and the DCC starts receiving the fleet's alerts.
func New(cfg Config) (*DCC, error) {
	if cfg.Fleet == nil || cfg.Users == nil || cfg.Keys == nil || cfg.Lists == nil {
		return nil, fmt.Errorf("dcc: a fleet, users, keys and product lists are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.DataLimits == (DataLimits{}) {
		cfg.DataLimits = DefaultDataLimits
	}
	if cfg.Retry == (Retry{}) {
		cfg.Retry = DefaultRetry
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	d := &DCC{cfg: cfg, clock: cfg.Fleet.Clock, inv: inventory.New(), lists: cfg.Lists,
		counters: map[devices.EUI64]uint64{}, transforms: map[duis.RequestID]*transform{},
		adt: map[adtKey][]time.Time{}, alertCount: map[devices.EUI64]uint64{}}
	d.deliver = newDeliverer(cfg.Client, cfg.Retry, cfg.Log)
	is, gs, ed, gt := registerParties(cfg.Users)
	start := cfg.Fleet.Clock.Now()
	for _, p := range cfg.Fleet.Premises {
		in := inventory.Installation{ID: p.ID, ImportSupplier: is, GasSupplier: gs, ElectricityDistributor: ed,
			GasTransporter: gt, CSP: p.CSP}
		model := func(k devices.Kind) *devices.Model {
			switch k {
			case devices.KindCHF:
				return p.CHF.Model()
			case devices.KindESME:
				return p.ESME.Model()
			case devices.KindGPF:
				return p.GPF.Model()
			case devices.KindGSME:
				return p.GSME.Model()
			case devices.KindPPMID:
				return p.PPMID.Model()
			}
			return nil
		}
		if err := d.inv.Migrate(start, in, migratedDevices(p, model, p.MPAN, p.MPRN)); err != nil {
			return nil, fmt.Errorf("dcc: migrate premises %s: %w", p.ID, err)
		}
	}
	cfg.Fleet.SetAlertSink(d)
	return d, nil
}

// Inventory returns the DCC's SMI.
func (d *DCC) Inventory() *inventory.Inventory { return d.inv }

// Lists returns the EPC and PPC lists the DCC admits installations by.
func (d *DCC) Lists() *inventory.Lists { return d.lists }

// Close stops asynchronous delivery, waiting for messages in flight.
func (d *DCC) Close() { d.deliver.close() }

// Wait blocks until every asynchronous message queued so far has been delivered or given up on.
func (d *DCC) Wait() { d.deliver.wait() }

// Record is one request the DCC received and what became of it.
type Record struct {
	RequestID   duis.RequestID
	User        devices.EUI64
	Endpoint    string
	SRV         string
	CV          int
	Device      devices.EUI64
	Code        Code   // the synchronous answer
	Reason      string // why, when it is an error
	Received    time.Time
	ExecuteAt   time.Time     // a future-dated request's execution date-time
	AsyncCode   Code          // the device's (or DCC's) later answer, if any
	AsyncReason string        // why, when the later answer is an error
	Responded   time.Time     // when the async answer was sent
	Elapsed     time.Duration // from receipt to the async answer, on the run's clock
	TRT         time.Duration // the SRV's Target Response Time for the device
	TRTBreached bool
	// DeviceTook is how long the device took to answer, on the run's clock, measured also when it
	// answered after the DCC had given up on it (E21).
	DeviceTook time.Duration
}

// Journal returns every request received so far.
func (d *DCC) Journal() []Record {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Record(nil), d.journal...)
}

func (d *DCC) record(r Record) *Record {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.journal = append(d.journal, r)
	return &d.journal[len(d.journal)-1]
}

// finish records a device request's asynchronous outcome.
func (d *DCC) finish(id duis.RequestID, code Code, at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := len(d.journal) - 1; i >= 0; i-- {
		r := &d.journal[i]
		if r.RequestID == id && r.AsyncCode == "" && (r.Code == I99 || r.Code == I0) {
			r.AsyncCode, r.Responded = code, at
			r.Elapsed = at.Sub(r.Received)
			r.TRTBreached = r.TRT > 0 && r.Elapsed > r.TRT
			return
		}
	}
}
