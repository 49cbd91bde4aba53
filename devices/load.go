package devices

import "math"

// Mix is the seeded hash behind all of a device's randomness: SplitMix64's finaliser over seed and
// k. Deriving every random choice from (seed, what, when) instead of a stateful generator means a
// value is the same whatever order things are read in, and a device stores only its seed.
func Mix(seed, k uint64) uint64 {
	z := seed + k*0x9E3779B97F4A7C15 + 0x9E3779B97F4A7C15
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

// Unit maps a hash to a float in [0, 1).
func Unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// Commodity says what a load model measures.
type Commodity uint8

// Commodities of the load model: electricity in Wh, gas in dm³ (litres).
const (
	Electricity Commodity = iota
	Gas
)

// Relative demand per local half-hour of the day (00:00–00:30 first), shaped like a GB domestic
// profile class 1 day: a night trough, a morning rise and an evening peak. Gas follows heating.
var (
	elecShape = [48]float64{
		0.55, 0.50, 0.46, 0.44, 0.42, 0.41, 0.41, 0.42, 0.44, 0.47, 0.52, 0.60,
		0.75, 0.95, 1.10, 1.15, 1.10, 1.00, 0.95, 0.92, 0.90, 0.90, 0.92, 0.95,
		1.00, 0.98, 0.95, 0.92, 0.92, 0.95, 1.00, 1.10, 1.30, 1.55, 1.75, 1.85,
		1.85, 1.75, 1.60, 1.45, 1.35, 1.25, 1.15, 1.05, 0.95, 0.85, 0.72, 0.62,
	}
	gasShape = [48]float64{
		0.20, 0.15, 0.12, 0.10, 0.10, 0.10, 0.10, 0.10, 0.15, 0.30, 0.70, 1.60,
		2.40, 2.60, 2.20, 1.70, 1.20, 0.90, 0.70, 0.60, 0.55, 0.55, 0.55, 0.60,
		0.65, 0.65, 0.65, 0.70, 0.80, 1.00, 1.40, 1.90, 2.30, 2.40, 2.30, 2.10,
		1.90, 1.70, 1.50, 1.30, 1.10, 0.90, 0.70, 0.50, 0.40, 0.30, 0.25, 0.22,
	}
	shapeMean = [2]float64{meanOf(elecShape[:]), meanOf(gasShape[:])}
)

func meanOf(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// midJanuary2000 is 15 January 2000 in days since the Unix epoch.
const midJanuary2000 = 10971

// LoadModel is a premises' deterministic consumption: how much each half-hour slot would use if
// supply were on throughout. Registers, profiles and daily logs are all derived from it, so they
// agree whatever order they are read in.
type LoadModel struct {
	Seed      uint64
	Annual    uint32 // kWh a year for electricity, m³ a year for gas
	Commodity Commodity
}

// SlotUnits returns the slot's consumption with supply on throughout: Wh for electricity, dm³ for
// gas.
func (l LoadModel) SlotUnits(s Slot) uint64 {
	if l.Annual == 0 {
		return 0
	}
	start := s.Start()
	hh := LocalMinuteOfDay(start) / 30
	// The season peaks in mid-January: a cosine of the time since 15 January 2000, in years.
	phase := math.Cos(2 * math.Pi * (float64(start.Unix())/86400 - midJanuary2000) / 365.2425)
	shape, season := elecShape[hh], 1+0.25*phase
	if l.Commodity == Gas {
		shape, season = gasShape[hh], 1+0.75*phase
	}
	perSlot := float64(l.Annual) * 1000 / (365.25 * 48)
	noise := 0.5 + Unit(Mix(l.Seed, uint64(s)))
	return uint64(perSlot*shape/shapeMean[l.Commodity]*season*noise + 0.5)
}

// offInterval is a stretch of time, in Unix seconds, during which the meter's supply (or mains
// power) was off and nothing was consumed. to is math.MaxInt64 while it is still off.
type offInterval struct{ from, to int64 }

// onSeconds returns how many seconds of [a, b) are not inside any of the off intervals.
func onSeconds(offs []offInterval, a, b int64) int64 {
	on := b - a
	for _, o := range offs {
		if o.to <= a {
			continue
		}
		if o.from >= b {
			break
		}
		on -= min(o.to, b) - max(o.from, a)
	}
	return on
}

// unitsIn returns the consumption in [a, b) within slot s: the slot's units pro rata to the
// seconds supply was on. Integer division is the single rounding rule for registers and profiles.
func unitsIn(l LoadModel, offs []offInterval, s Slot, a, b int64) uint64 {
	on := onSeconds(offs, a, b)
	if on <= 0 {
		return 0
	}
	return l.SlotUnits(s) * uint64(on) / 1800
}

// slotSpan returns the Unix seconds bounding slot s.
func slotSpan(s Slot) (int64, int64) { return int64(s) * 1800, int64(s)*1800 + 1800 }
