// Package clock is the time every device, the HAN and the mock DCC run on: a scheduler with a timer
// heap that in virtual mode jumps straight to the next event (a simulated day costs milliseconds)
// and in wall mode follows real time, optionally sped up, for runs with real hardware attached.
//
// Handlers run one at a time on the goroutine that drives the clock (Run, RunUntil or Step), so
// device state needs no locks. Other goroutines hand work to that goroutine with Do.
package clock

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/smetsim/smetsim/devices/sched"
)

// Mode says whether the clock jumps between events or follows the wall clock.
type Mode uint8

const (
	// Virtual time jumps to the next event as soon as the previous one is handled.
	Virtual Mode = iota
	// Wall time follows the real clock, multiplied by the speed factor.
	Wall
)

type event struct {
	at  int64 // Unix nanoseconds
	seq uint64
	h   sched.Handler
	arg uint64
}

// eventHeap is a 4-ary min-heap ordered by (at, seq): half the depth of a binary heap, with the
// children of a node side by side in memory, which matters when a fleet keeps tens of thousands of
// events pending. It is written out rather than using container/heap because that interface
// boxes every pushed event, an allocation per event on the hottest path of a run.
type eventHeap []event

func (e *event) before(o *event) bool {
	return e.at < o.at || (e.at == o.at && e.seq < o.seq)
}

func (q *eventHeap) push(e event) {
	*q = append(*q, e)
	h := *q
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 4
		if !h[i].before(&h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (q *eventHeap) pop() event {
	h := *q
	top := h[0]
	n := len(h) - 1
	last := h[n]
	h[n] = event{}
	h = h[:n]
	if n > 0 {
		i := 0
		for {
			c := 4*i + 1
			if c >= n {
				break
			}
			m := c
			for j := c + 1; j < c+4 && j < n; j++ {
				if h[j].before(&h[m]) {
					m = j
				}
			}
			if !h[m].before(&last) {
				break
			}
			h[i] = h[m]
			i = m
		}
		h[i] = last
	}
	*q = h
	return top
}

// Clock is a scheduler and the source of the current instant. Its zero value is not usable; make
// one with NewVirtual or NewWall. It implements sched.Scheduler.
type Clock struct {
	mode  Mode
	speed float64

	mu      sync.Mutex
	now     int64 // virtual Unix nanoseconds of the event being handled (virtual mode)
	seq     uint64
	events  eventHeap
	wake    chan struct{} // wall mode: a new event may be earlier than the one waited for
	driven  atomic.Int32  // wall mode: goroutines running the clock (Run, RunUntil)
	fired   uint64
	wallT0  time.Time // wall mode: real instant that corresponds to virtT0
	virtT0  int64
	nowFunc func() time.Time // real clock, replaceable in tests
}

// NewVirtual returns a clock in virtual mode whose time starts at start.
func NewVirtual(start time.Time) *Clock {
	return &Clock{mode: Virtual, speed: 1, now: start.UnixNano(), nowFunc: time.Now}
}

// NewWall returns a clock that follows the wall clock from start, speed times faster than real
// time (speed 1 is real time; values below 1 slow it down). Run drives it.
func NewWall(start time.Time, speed float64) *Clock {
	if speed <= 0 {
		speed = 1
	}
	c := &Clock{mode: Wall, speed: speed, now: start.UnixNano(), wake: make(chan struct{}, 1), nowFunc: time.Now}
	c.wallT0 = c.nowFunc()
	c.virtT0 = c.now
	return c
}

// Mode reports whether the clock is virtual or follows the wall.
func (c *Clock) Mode() Mode { return c.mode }

// Now returns the current instant in UTC. In virtual mode it is the time of the event being
// handled (or the time the clock was last advanced to); in wall mode it follows the real clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Unix(0, c.nowLocked()).UTC()
}

func (c *Clock) nowLocked() int64 {
	if c.mode == Wall {
		v := c.virtT0 + int64(float64(c.nowFunc().Sub(c.wallT0))*c.speed)
		if v > c.now {
			c.now = v
		}
	}
	return c.now
}

// At schedules h.Fire(t, arg). An event at or before the current instant fires next, after the
// events already due; events due at the same instant fire in the order they were scheduled, so a
// run is reproducible.
func (c *Clock) At(t time.Time, h sched.Handler, arg uint64) {
	c.mu.Lock()
	at := t.UnixNano()
	if at < c.now {
		at = c.now
	}
	c.seq++
	c.events.push(event{at: at, seq: c.seq, h: h, arg: arg})
	first := c.events[0].seq == c.seq
	c.mu.Unlock()
	if first && c.wake != nil {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}

// After schedules h.Fire after d has passed on this clock.
func (c *Clock) After(d time.Duration, h sched.Handler, arg uint64) {
	c.At(c.Now().Add(d), h, arg)
}

// Do runs f on the clock's goroutine as soon as possible. It is how HTTP handlers, transports and
// other goroutines touch device state.
func (c *Clock) Do(f func(now time.Time)) {
	c.At(time.Time{}, sched.HandlerFunc(func(now time.Time, _ uint64) { f(now) }), 0)
}

// Pending returns the number of events waiting.
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.events)
}

// Fired returns how many events have been handled since the clock was made.
func (c *Clock) Fired() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fired
}

// Next returns the time of the earliest pending event, and false if there is none.
func (c *Clock) Next() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.events) == 0 {
		return time.Time{}, false
	}
	return time.Unix(0, c.events[0].at).UTC(), true
}

// popDue removes and returns the earliest event if it is due by limit.
func (c *Clock) popDue(limit int64) (event, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.events) == 0 || c.events[0].at > limit {
		return event{}, false
	}
	e := c.events.pop()
	if e.at > c.now {
		c.now = e.at
	}
	c.fired++
	return e, true
}

// Step handles the next event, moving virtual time to it. It reports false if nothing is pending.
// Only for virtual clocks.
func (c *Clock) Step() bool {
	e, ok := c.popDue(1<<63 - 1)
	if !ok {
		return false
	}
	e.h.Fire(time.Unix(0, e.at).UTC(), e.arg)
	return true
}

// RunUntil handles, in order, every event due at or before t and leaves the clock at t. In virtual
// mode this takes as long as the handlers do; in wall mode it waits for t to arrive.
func (c *Clock) RunUntil(ctx context.Context, t time.Time) error {
	limit := t.UnixNano()
	if c.mode == Wall {
		return c.runWall(ctx, limit)
	}
	for n := 0; ; n++ {
		if n&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		e, ok := c.popDue(limit)
		if !ok {
			break
		}
		e.h.Fire(time.Unix(0, e.at).UTC(), e.arg)
	}
	c.mu.Lock()
	if limit > c.now {
		c.now = limit
	}
	c.mu.Unlock()
	return nil
}

// RunFor is RunUntil(Now()+d).
func (c *Clock) RunFor(ctx context.Context, d time.Duration) error {
	return c.RunUntil(ctx, c.Now().Add(d))
}

// Run handles events as they fall due until ctx ends. In virtual mode it never waits: it runs
// until the heap is empty or ctx ends.
func (c *Clock) Run(ctx context.Context) error {
	if c.mode == Wall {
		return c.runWall(ctx, 1<<63-1)
	}
	for n := 0; ; n++ {
		if n&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if !c.Step() {
			return nil
		}
	}
}

// Driven reports whether a goroutine is running the clock on the wall (Run or RunUntil in wall
// mode). Other goroutines must then hand work that touches device state to it with Do; in virtual
// mode the goroutine that advances the clock is the only one, and works directly.
func (c *Clock) Driven() bool { return c.driven.Load() > 0 }

func (c *Clock) runWall(ctx context.Context, limit int64) error {
	c.driven.Add(1)
	defer c.driven.Add(-1)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		c.mu.Lock()
		now := c.nowLocked()
		next := int64(1<<63 - 1)
		if len(c.events) > 0 {
			next = c.events[0].at
		}
		c.mu.Unlock()
		if next <= now && next <= limit {
			if e, ok := c.popDue(now); ok {
				e.h.Fire(time.Unix(0, e.at).UTC(), e.arg)
			}
			continue
		}
		if now >= limit {
			return nil
		}
		until := min(next, limit)
		wait := time.Duration(float64(until-now) / c.speed)
		if wait < 0 {
			wait = 0
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.wake:
		case <-timer.C:
		}
	}
}
