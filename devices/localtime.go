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
	return time.Unix(localDayStart(t.Unix()), 0).UTC()
}

// NextLocalDayStart returns the UK local midnight that ends the local day containing t.
func NextLocalDayStart(t time.Time) time.Time {
	return time.Unix(nextLocalDayStart(t.Unix()), 0).UTC()
}

// HalfHoursInLocalDay returns the number of settlement periods in the UK local day containing t:
// 48 on most days, 46 on the day the clocks go forward and 50 on the day they go back.
func HalfHoursInLocalDay(t time.Time) int {
	s := t.Unix()
	return int((nextLocalDayStart(s) - localDayStart(s)) / 1800)
}

// LocalMinuteOfDay returns minutes since local midnight as a wall clock in the UK shows them, so
// 07:00 is 420 whether the day has 46, 48 or 50 half-hours. In the repeated hour of the autumn
// change both passes give the same minute.
func LocalMinuteOfDay(t time.Time) int {
	s := t.Unix()
	return int(floorMod(s+ukOffset(s), 86400) / 60)
}

func floorMod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

func localDayStart(s int64) int64 {
	off := ukOffset(s)
	l := s + off
	midnight := l - floorMod(l, 86400) // local wall-clock midnight, counted as if it were UTC
	c := midnight - off
	// The offset at midnight can differ from the offset at s on the days the clocks change.
	if o := ukOffset(c); o != off {
		c = midnight - o
	}
	return c
}

func nextLocalDayStart(s int64) int64 {
	// A UK day is 23 to 25 hours long, so 25 hours after its start is inside the next day.
	return localDayStart(localDayStart(s) + 25*3600)
}

// The UK offset from UTC is found by arithmetic in the years the current rule covers (British
// Summer Time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
// October, since 1996) because it is on the hottest path of every meter; other years ask the
// time zone database. A spec checks the two agree hour by hour.
const bstFirstYear, bstLastYear = 1996, 2199

var (
	bstYearStart []int64    // Unix seconds of 1 January 00:00 UTC, bstFirstYear…bstLastYear+1
	bstBounds    [][2]int64 // Unix seconds BST starts and ends, per year
)

func init() {
	for y := bstFirstYear; y <= bstLastYear+1; y++ {
		bstYearStart = append(bstYearStart, time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
		start, end := ukSummerTime(y)
		bstBounds = append(bstBounds, [2]int64{start.Unix(), end.Unix()})
	}
}

// ukOffset returns the UK offset from UTC, in seconds, at Unix time s.
func ukOffset(s int64) int64 {
	n := len(bstYearStart) - 1
	if s < bstYearStart[0] || s >= bstYearStart[n] {
		_, off := time.Unix(s, 0).In(London).Zone()
		return int64(off)
	}
	i := int((s - bstYearStart[0]) / 31_556_952) // average Gregorian year
	for i > 0 && bstYearStart[i] > s {
		i--
	}
	for i < n-1 && bstYearStart[i+1] <= s {
		i++
	}
	if b := bstBounds[i]; s >= b[0] && s < b[1] {
		return 3600
	}
	return 0
}

// ukSummerTime returns when British Summer Time starts and ends in a year (01:00 UTC on the last
// Sundays of March and October).
func ukSummerTime(year int) (time.Time, time.Time) {
	last := func(m time.Month) time.Time {
		d := time.Date(year, m+1, 1, 1, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
		return d.AddDate(0, 0, -int(d.Weekday()))
	}
	return last(time.March), last(time.October)
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
