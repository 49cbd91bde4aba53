package devices

import (
	"fmt"
	"slices"
	"time"
)

// InjectFault makes the device behave from now as if its Device Model declared f, as a test
// scenario's fault step asks, and returns the function that ends the fault. The device gets a
// private copy of its model with the fault added (models are shared between devices, so the
// shared one is never changed); the copy keeps the model's ID, so the DCC and the product lists
// still see the same Device Model. Ending the fault puts the original model back unless the
// device has changed model since (a firmware activation), which then stands.
//
// It runs on the scheduler's goroutine, as everything that touches device state does.
func (b *base) InjectFault(f Fault) (end func(), err error) {
	orig := b.model
	m := *orig
	m.Faults = append(slices.Clone(orig.Faults), f)
	if err := m.Compile(); err != nil {
		return nil, fmt.Errorf("inject fault into %s: %w", b.eui, err)
	}
	b.model = &m
	return func() {
		if b.model == &m {
			b.model = orig
		}
	}, nil
}

// WakeNow wakes the GSME at once, outside its schedule, as a consumer pressing its button does:
// it talks to its GPF (reports, takes the commands queued for it) and sleeps again after its
// awake window. Its scheduled wake-ups go on as before.
func (g *GSME) WakeNow(now time.Time) { g.awaken(now) }
