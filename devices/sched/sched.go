// Package sched defines the clock that devices, the HAN and the mock DCC run on, as the interfaces
// they use. Devices are plain state, not goroutines; everything they do over time is an event
// on a Scheduler, which the simulator's virtual clock (simulator/clock) implements.
package sched

import "time"

// Handler receives a scheduled event. Devices are plain state, not goroutines: everything they do
// over time happens in Fire, called by the scheduler on its own goroutine. Arg is whatever the
// device passed to At, typically an event kind and a generation number so that a superseded event
// can be recognised and ignored instead of cancelled.
type Handler interface {
	Fire(now time.Time, arg uint64)
}

// Scheduler is the clock devices run on. The simulator's virtual clock jumps from one event to the
// next; with real hardware attached it follows the wall clock. Devices never read time.Now.
type Scheduler interface {
	// Now is the current instant of the run, in UTC.
	Now() time.Time
	// At arranges for h.Fire(t, arg) to be called at t (or at once, if t is not after Now).
	At(t time.Time, h Handler, arg uint64)
}

// HandlerFunc adapts a function to Handler, for events that are rare enough that a closure's
// allocation does not matter (tests, one-off faults).
type HandlerFunc func(now time.Time, arg uint64)

// Fire calls f.
func (f HandlerFunc) Fire(now time.Time, arg uint64) { f(now, arg) }
