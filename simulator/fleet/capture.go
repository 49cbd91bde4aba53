package fleet

import (
	"time"

	"github.com/smetsim/smetsim/devices/han/capture"
	"github.com/smetsim/smetsim/devices/han/frame"
)

// captureListener writes every HAN frame of the fleet to a pcapng capture, timestamped with the
// virtual clock, keeping the first write error for the end of the run.
type captureListener struct {
	w   *capture.Writer
	err error
}

func (c *captureListener) HANFrame(now time.Time, p *frame.Packet) {
	if c.err == nil {
		c.err = c.w.Write(now, p)
	}
}

// CaptureTo writes every frame the fleet's HANs carry from now on to w. The returned function
// reports the first write error, if any.
func (f *Fleet) CaptureTo(w *capture.Writer) (errs func() error) {
	l := &captureListener{w: w}
	f.Medium.Listen(l)
	return func() error { return l.err }
}
