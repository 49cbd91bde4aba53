package devices

import (
	"time"
	_ "time/tzdata" // the binary must know Europe/London on machines without /usr/share/zoneinfo
)

// London is the time zone of GB tariff switch times, non-disablement periods, daily logs and
// billing days. Device clocks and every timestamp on the wire are UTC.
var London = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("devices: time zone " + name + ": " + err.Error())
	}
	return loc
}

// HalfHour is the settlement period of GB metering.
const HalfHour = 30 * time.Minute

// Slot numbers a half-hour settlement period: slot n starts n half-hours after the Unix epoch.
// Slot boundaries are the same in UTC and in UK local time, because the UK offset is whole hours.
type Slot int64

// SlotOf returns the slot that contains t.
func SlotOf(t time.Time) Slot {
	s := t.Unix()
	if s < 0 {
		return Slot((s - 1799) / 1800)
	}
	return Slot(s / 1800)
}

// Start is the instant the slot begins.
func (s Slot) Start() time.Time { return time.Unix(int64(s)*1800, 0).UTC() }

// LocalDayStart returns the UK local midnight that begins the local day containing t, as an
// instant (its UTC value is 00:00 in winter and 23:00 the day before in summer).
func LocalDayStart(t time.Time) time.Time {
	l := t.In(London)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, London).UTC()
}

// NextLocalDayStart returns the UK local midnight that ends the local day containing t.
func NextLocalDayStart(t time.Time) time.Time {
	l := t.In(London)
	return time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, London).UTC()
}

// HalfHoursInLocalDay returns the number of settlement periods in the UK local day containing t:
// 48 on most days, 46 on the day the clocks go forward and 50 on the day they go back.
func HalfHoursInLocalDay(t time.Time) int {
	return int(NextLocalDayStart(t).Sub(LocalDayStart(t)) / HalfHour)
}

// LocalMinuteOfDay returns minutes since local midnight as a wall clock in the UK shows them, so
// 07:00 is 420 whether the day has 46, 48 or 50 half-hours. In the repeated hour of the autumn
// change both passes give the same minute.
func LocalMinuteOfDay(t time.Time) int {
	l := t.In(London)
	return l.Hour()*60 + l.Minute()
}

// LocalTimeOnDay returns the instant at which UK clocks show minute m (since midnight) on the local
// day containing t. A wall time that does not exist (01:00–01:59 on the spring change) resolves to
// the instant clocks jump to; one that occurs twice (autumn) resolves to its first occurrence.
func LocalTimeOnDay(t time.Time, m int) time.Time {
	l := t.In(London)
	r := time.Date(l.Year(), l.Month(), l.Day(), m/60, m%60, 0, 0, London)
	if LocalMinuteOfDay(r) != m%1440 {
		// A wall time in the spring gap: time.Date read it in one of the two offsets; the
		// transition is the zone boundary next to it.
		start, end := r.ZoneBounds()
		if !end.IsZero() && end.Sub(r) <= time.Hour {
			return end.UTC()
		}
		return start.UTC()
	}
	// time.Date picks one of the two instants of a repeated wall time; prefer the earlier one.
	if e := r.Add(-time.Hour); LocalMinuteOfDay(e) == m%1440 && LocalDayStart(e).Equal(LocalDayStart(r)) {
		r = e
	}
	return r.UTC()
}
