package clock_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices/sched"
	"github.com/smetsim/smetsim/simulator/clock"
)

func TestClock(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Clock Suite")
}

type fired struct {
	at  time.Time
	arg uint64
}

type log struct{ got []fired }

func (l *log) Fire(now time.Time, arg uint64) { l.got = append(l.got, fired{now, arg}) }

var start = time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC)

var _ = Describe("The virtual clock", func() {
	It("jumps straight to each event in time order", func() {
		c := clock.NewVirtual(start)
		l := &log{}
		c.At(start.Add(3*time.Hour), l, 3)
		c.At(start.Add(time.Hour), l, 1)
		c.At(start.Add(2*time.Hour), l, 2)
		wall := time.Now()
		Expect(c.RunUntil(context.Background(), start.Add(24*time.Hour))).To(Succeed())
		Expect(time.Since(wall)).To(BeNumerically("<", time.Second))
		Expect(l.got).To(Equal([]fired{{start.Add(time.Hour), 1}, {start.Add(2 * time.Hour), 2}, {start.Add(3 * time.Hour), 3}}))
		Expect(c.Now()).To(Equal(start.Add(24 * time.Hour)))
		Expect(c.Fired()).To(Equal(uint64(3)))
	})

	It("fires events due at the same instant in the order they were scheduled", func() {
		c := clock.NewVirtual(start)
		l := &log{}
		for i := uint64(0); i < 100; i++ {
			c.At(start.Add(time.Minute), l, i)
		}
		Expect(c.RunFor(context.Background(), time.Hour)).To(Succeed())
		for i, f := range l.got {
			Expect(f.arg).To(Equal(uint64(i)))
		}
	})

	It("fires thousands of events scheduled in random order in time order, ties in scheduling order", func() {
		c := clock.NewVirtual(start)
		l := &log{}
		r := rand.New(rand.NewPCG(1, 2))
		for i := uint64(0); i < 5000; i++ {
			c.At(start.Add(time.Duration(r.IntN(300))*time.Second), l, i)
		}
		Expect(c.RunFor(context.Background(), time.Hour)).To(Succeed())
		Expect(l.got).To(HaveLen(5000))
		for i := 1; i < len(l.got); i++ {
			a, b := l.got[i-1], l.got[i]
			Expect(!b.at.Before(a.at)).To(BeTrue())
			if b.at.Equal(a.at) {
				Expect(b.arg).To(BeNumerically(">", a.arg))
			}
		}
	})

	It("runs an event scheduled in the past at once, without moving time backwards", func() {
		c := clock.NewVirtual(start)
		Expect(c.RunFor(context.Background(), time.Hour)).To(Succeed())
		l := &log{}
		c.At(start, l, 9)
		Expect(c.Step()).To(BeTrue())
		Expect(l.got).To(Equal([]fired{{start.Add(time.Hour), 9}}))
		Expect(c.Step()).To(BeFalse())
	})

	It("lets handlers schedule further events, which run in the same pass", func() {
		c := clock.NewVirtual(start)
		n := 0
		var tick sched.HandlerFunc
		tick = func(now time.Time, _ uint64) {
			n++
			c.At(now.Add(30*time.Minute), tick, 0)
		}
		c.At(start, tick, 0)
		Expect(c.RunFor(context.Background(), 24*time.Hour)).To(Succeed())
		Expect(n).To(Equal(49)) // 00:00, 00:30, … 24:00
		Expect(c.Pending()).To(Equal(1))
	})

	It("stops when its context is cancelled", func() {
		c := clock.NewVirtual(start)
		var tick sched.HandlerFunc
		tick = func(now time.Time, _ uint64) { c.At(now.Add(time.Millisecond), tick, 0) }
		c.At(start, tick, 0)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		Expect(c.Run(ctx)).To(MatchError(context.Canceled))
	})

	It("accepts work from other goroutines through Do", func() {
		c := clock.NewVirtual(start)
		done := make(chan struct{})
		go func() {
			c.Do(func(time.Time) { close(done) })
		}()
		Eventually(func() int { return c.Pending() }).Should(Equal(1))
		Expect(c.Step()).To(BeTrue())
		Eventually(done).Should(BeClosed())
	})
})

var _ = Describe("The wall clock", func() {
	It("follows real time sped up by its factor", func() {
		c := clock.NewWall(start, 3600) // an hour a second
		l := &log{}
		c.At(start.Add(30*time.Minute), l, 1)
		t0 := time.Now()
		Expect(c.RunUntil(context.Background(), start.Add(time.Hour))).To(Succeed())
		elapsed := time.Since(t0)
		Expect(elapsed).To(BeNumerically(">=", 900*time.Millisecond))
		Expect(elapsed).To(BeNumerically("<", 3*time.Second))
		Expect(l.got).To(HaveLen(1))
		Expect(l.got[0].at).To(Equal(start.Add(30 * time.Minute)))
		Expect(c.Now()).To(BeTemporally(">=", start.Add(time.Hour)))
	})

	It("wakes early for an event scheduled from another goroutine", func() {
		c := clock.NewWall(start, 1)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done := make(chan time.Time, 1)
		go func() {
			time.Sleep(50 * time.Millisecond)
			c.Do(func(now time.Time) { done <- now; cancel() })
		}()
		t0 := time.Now()
		Expect(c.Run(ctx)).To(MatchError(context.Canceled))
		Expect(time.Since(t0)).To(BeNumerically("<", 2*time.Second))
		Expect(done).To(Receive())
	})
})

func BenchmarkScheduleAndFire(b *testing.B) {
	c := clock.NewVirtual(start)
	l := sched.HandlerFunc(func(time.Time, uint64) {})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c.At(start.Add(time.Duration(i%1000)*time.Second), l, uint64(i))
		if i%1000 == 999 {
			for c.Step() {
			}
		}
	}
}
