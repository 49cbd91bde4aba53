package devices

import (
	"time"

	"github.com/smetsim/smetsim/devices/zcl"
)

// The gas side of the DCC's reads. The S1SP answers gas reads from the GPF while the GSME sleeps,
// so what a read needs must reach the GPF's mirror: at each wake-up the GSME reports, beyond its
// register and credit, its TOU and block registers, the consumption since local midnight, its
// prepayment settings and top-up log and its tariff, all as standard ZCL attributes. The GPF
// keeps them, and builds from successive reports the logs that have no ZCL attribute: the daily
// read log (exact: the register at midnight is the register less the consumption since
// midnight), the prepayment daily read log and the change of mode / tariff log (both as of the
// first wake-up that shows them, stamped with that wake-up).

// Price cluster attributes for the price of each block (no tier) and of each tier (block 1): the
// SE Block Price Information set. Prices are in μ£ per kWh, as smetsim's standing charge is.
func priceNoTierBlock(block int) uint16 { return 0x0400 + uint16(block-1) }
func priceTierBlock1(tier int) uint16   { return 0x0410 + uint16(16*(tier-1)) }

// GasReads is the part of the GPF's mirror that serves the DCC's gas reads.
type GasReads struct {
	Tiers       [MaxTiers]uint64  // TOU registers, dm³
	Blocks      [MaxBlocks]uint64 // block counters of the billing period, dm³
	TodayVolume uint64            // dm³ since UK local midnight
	Daily       []DailyRead       // register at each local midnight, oldest first (≤ 31)
	// Prepayment settings and debt, in ZCL Prepayment units (0.01p).
	AccumulatedDebt, ECLimit, ECThreshold int64
	LowCredit, MaxCredit, CutOff          int64
	TotalCredit                           int64
	TopUps                                []AmountEntry        // most recent last (≤ 5)
	PrepayDaily                           []PrepaymentSnapshot // first report of each local day (≤ 31)
	Changes                               []ChangeEntry        // tariff changes seen (≤ 12)
	// The tariff, in μ£ (thresholds in kWh).
	HasTariff      bool
	StandingCharge Money
	Thresholds     [MaxBlocks - 1]uint32
	BlockPrices    [MaxBlocks]Money
	TierPrices     [MaxTiers]Money
	reported       gasTariff // the tariff of the last complete report
}

type gasTariff struct {
	standing   Money
	thresholds [MaxBlocks - 1]uint32
	blocks     [MaxBlocks]Money
	tiers      [MaxTiers]Money
}

const gasReportChunk = 8 // attribute records per frame: 8 × 9 bytes fits a HAN frame

// gasSent is what a GSME last reported of its read-side attributes, as hashes, so that a wake-up
// sends only what changed: the TOU and block registers when they moved, the tariff and the
// prepayment settings and top-up log when they changed or on the first wake-up of a local day
// (which is when the GPF takes its daily prepayment snapshot).
type gasSent struct {
	tiers          [MaxTiers]uint64
	blocks         [MaxBlocks]uint64
	tariff, prepay uint64
	day            int32 // local day of the last prepayment report, days since 1970
	any            bool
	// The register at the start of the local day of the last report, and that day's start.
	midnight, midnightAt int64
	// The payment mode last reported, and the start of the local day it was reported on.
	mode       PaymentMode
	modeAt     int64
	modeIsSent bool
}

// meteringReads appends to recs the read-side Metering attributes: the consumption since local
// midnight, and each TOU and block register that changed since the last report (all of them the
// first time).
func (g *GSME) meteringReads(now time.Time, recs []zcl.AttributeRecord) []zcl.AttributeRecord {
	first := !g.sent.any
	// The register at local midnight is found once a day; today's consumption is the register
	// less it, not a sum over the day's half hours at every wake-up.
	reg := g.Register(now)
	if day := LocalDayStart(now); day.Unix() != g.sent.midnightAt {
		g.sent.midnightAt, g.sent.midnight = day.Unix(), int64(reg-g.consumptionSince(now, day))
	}
	recs = append(recs, zcl.AttributeRecord{ID: zcl.AttrMeteringCurrentDayConsumptionDelivered,
		Value: zcl.Uint(zcl.TypeUint24, min(reg-uint64(g.sent.midnight), 0xFFFFFF))})
	for i := range MaxTiers {
		if v := g.tiers[i]; first || v != g.sent.tiers[i] {
			g.sent.tiers[i] = v
			recs = append(recs, zcl.AttributeRecord{ID: zcl.MeteringTierSummationDelivered(i + 1), Value: zcl.Uint(zcl.TypeUint48, v&(1<<48-1))})
		}
	}
	for b := range MaxBlocks {
		if v := g.blocks[b]; first || v != g.sent.blocks[b] {
			g.sent.blocks[b] = v
			recs = append(recs, zcl.AttributeRecord{ID: zcl.MeteringBlockSummationDelivered(0, b+1), Value: zcl.Uint(zcl.TypeUint48, v&(1<<48-1))})
		}
	}
	return recs
}

// reportReads sends the GSME's read-side Price and Prepayment attributes to the GPF (called at
// each wake-up, after report, which carries the Metering ones).
func (g *GSME) reportReads(now time.Time) {
	g.catchUp(now)
	io := &g.env.io
	recs := io.recs[:0]
	first := !g.sent.any
	g.sent.any = true // after report, whose meteringReads looks at it first

	t := g.tariff
	h := Mix(0, uint64(t.StandingCharge))
	for _, th := range t.BlockThresholds {
		h = Mix(h, uint64(th))
	}
	for b := range MaxBlocks {
		h = Mix(h, uint64(t.BlockPrices[b]))
	}
	for i := range MaxTiers {
		h = Mix(h, uint64(t.TierPrices[i]))
	}
	if first || h != g.sent.tariff {
		g.sent.tariff = h
		recs = append(recs, zcl.AttributeRecord{ID: zcl.AttrPriceStandingCharge, Value: zcl.Uint(zcl.TypeUint32, uint64(t.StandingCharge))})
		for i, th := range t.BlockThresholds {
			recs = append(recs, zcl.AttributeRecord{ID: zcl.PriceBlockThreshold(i + 1), Value: zcl.Uint(zcl.TypeUint48, uint64(th)*1000)})
		}
		for b := range MaxBlocks {
			recs = append(recs, zcl.AttributeRecord{ID: priceNoTierBlock(b + 1), Value: zcl.Uint(zcl.TypeUint32, uint64(t.BlockPrices[b]))})
		}
		for i := range MaxTiers {
			recs = append(recs, zcl.AttributeRecord{ID: priceTierBlock1(i + 1), Value: zcl.Uint(zcl.TypeUint32, uint64(t.TierPrices[i]))})
		}
		recs = g.sendReads(now, zcl.ClusterPrice, nil, recs)
	}

	if g.mode != PrepaymentMode || g.prepay == nil {
		io.recs = recs
		return
	}
	p := g.prepay
	vals := [...]int64{prepayValue(p.TimeDebt + p.PaymentDebt), prepayValue(p.ECLimit), max(prepayValue(p.ECThreshold), 0),
		max(prepayValue(p.LowCredit), 0), prepayValue(p.MaxCredit), prepayValue(p.DisableThreshold), prepayValue(p.TotalCreditAdded)}
	h = 0
	for _, v := range vals {
		h = Mix(h, uint64(v))
	}
	log := g.reads.credits
	for _, e := range log {
		h = Mix(Mix(h, uint64(e.Time.UnixNano())), uint64(e.Amount))
	}
	day := int32(LocalDayStart(now).Unix() / 86400)
	if !first && h == g.sent.prepay && day == g.sent.day {
		io.recs = recs
		return
	}
	g.sent.prepay, g.sent.day = h, day
	recs = append(recs,
		zcl.AttributeRecord{ID: zcl.AttrPrepaymentAccumulatedDebt, Value: zcl.Int(zcl.TypeInt32, vals[0])},
		zcl.AttributeRecord{ID: zcl.AttrPrepaymentEmergencyCreditLimitAllowance, Value: zcl.Uint(zcl.TypeUint32, uint64(vals[1]))},
		zcl.AttributeRecord{ID: zcl.AttrPrepaymentEmergencyCreditThreshold, Value: zcl.Uint(zcl.TypeUint32, uint64(vals[2]))},
		zcl.AttributeRecord{ID: zcl.AttrPrepaymentLowCreditWarningLevel, Value: zcl.Uint(zcl.TypeUint32, uint64(vals[3]))},
		zcl.AttributeRecord{ID: zcl.AttrPrepaymentMaxCreditLimit, Value: zcl.Uint(zcl.TypeUint32, uint64(vals[4]))},
		zcl.AttributeRecord{ID: zcl.AttrPrepaymentCutOffValue, Value: zcl.Int(zcl.TypeInt32, vals[5])},
		zcl.AttributeRecord{ID: zcl.AttrPrepaymentTotalCreditAdded, Value: zcl.Uint(zcl.TypeUint48, uint64(vals[6]))})
	recs = g.sendReads(now, zcl.ClusterPrepayment, nil, recs)
	for n := 1; n <= len(log); n++ {
		e := log[len(log)-n]
		recs = append(recs,
			zcl.AttributeRecord{ID: zcl.PrepaymentTopUp(zcl.AttrPrepaymentTopUpDateTime1, n), Value: zcl.UTC(utc(e.Time))},
			zcl.AttributeRecord{ID: zcl.PrepaymentTopUp(zcl.AttrPrepaymentTopUpAmount1, n), Value: zcl.Int(zcl.TypeInt32, prepayValue(e.Amount))})
	}
	io.recs = g.sendReads(now, zcl.ClusterPrepayment, nil, recs)
}

// sendReads reports recs to the GPF in frames of at most gasReportChunk records, each led by
// lead when given (unless it leads already), and returns recs emptied for reuse.
func (g *GSME) sendReads(now time.Time, cluster uint16, lead *zcl.AttributeRecord, recs []zcl.AttributeRecord) []zcl.AttributeRecord {
	rep := &g.env.io.rep
	rest := recs
	for len(rest) > 0 {
		room := gasReportChunk
		rep.Records = rep.Records[:0]
		if lead != nil && rest[0].ID != lead.ID {
			rep.Records = append(rep.Records, *lead)
			room--
		}
		n := min(len(rest), room)
		rep.Records = append(rep.Records, rest[:n]...)
		_ = g.request(now, g.gpf, cluster, zcl.ServerToClient, rep)
		rest = rest[n:]
	}
	return recs[:0]
}

// extendMirror takes the read-side attributes of a GSME report into the mirror and, when a
// report shows a new local day or a changed tariff or payment mode, writes the GPF's logs.
func (p *GPF) extendMirror(now time.Time, cluster uint16, recs []zcl.AttributeRecord) {
	mr := &p.mirror
	r := &mr.Reads
	switch cluster {
	case zcl.ClusterMetering:
		for _, a := range recs {
			id := a.ID
			switch {
			case id >= zcl.MeteringTierSummationDelivered(1) && id <= zcl.MeteringTierSummationDelivered(MaxTiers) && id%2 == 0:
				r.Tiers[(id-zcl.MeteringTierSummationDelivered(1))/2] = a.Value.Num
			case id >= zcl.MeteringBlockSummationDelivered(0, 1) && id <= zcl.MeteringBlockSummationDelivered(0, MaxBlocks):
				r.Blocks[id-zcl.MeteringBlockSummationDelivered(0, 1)] = a.Value.Num
			case id == zcl.AttrMeteringCurrentDayConsumptionDelivered:
				r.TodayVolume = a.Value.Num
				day := LocalDayStart(now)
				if n := len(r.Daily); (n == 0 || r.Daily[n-1].Time.Before(day)) && mr.Volume >= a.Value.Num {
					r.Daily = appendCapped(r.Daily, DailyRead{Time: day, Total: mr.Volume - a.Value.Num}, maxDailyLog)
				}
			}
		}
	case zcl.ClusterPrice:
		last := false
		for _, a := range recs {
			id := a.ID
			switch {
			case id == zcl.AttrPriceStandingCharge:
				r.StandingCharge = Money(a.Value.Num)
			case id >= zcl.PriceBlockThreshold(1) && id <= zcl.PriceBlockThreshold(MaxBlocks-1):
				r.Thresholds[id-zcl.PriceBlockThreshold(1)] = uint32(a.Value.Num / 1000)
			case id >= priceNoTierBlock(1) && id <= priceNoTierBlock(MaxBlocks):
				r.BlockPrices[id-priceNoTierBlock(1)] = Money(a.Value.Num)
			case id >= priceTierBlock1(1) && id <= priceTierBlock1(MaxTiers) && (id-priceTierBlock1(1))%16 == 0:
				r.TierPrices[(id-priceTierBlock1(1))/16] = Money(a.Value.Num)
				last = last || id == priceTierBlock1(MaxTiers)
			}
		}
		// A tariff report spans frames; compare whole tariffs once its last frame is in.
		if last {
			t := gasTariff{r.StandingCharge, r.Thresholds, r.BlockPrices, r.TierPrices}
			if r.HasTariff && t != r.reported {
				p.logGasChange(now)
			}
			r.HasTariff, r.reported = true, t
		}
	case zcl.ClusterPrepayment:
		for _, a := range recs {
			switch id := a.ID; {
			case id == zcl.AttrPrepaymentAccumulatedDebt:
				r.AccumulatedDebt = a.Value.Int()
			case id == zcl.AttrPrepaymentEmergencyCreditLimitAllowance:
				r.ECLimit = int64(a.Value.Num)
			case id == zcl.AttrPrepaymentEmergencyCreditThreshold:
				r.ECThreshold = int64(a.Value.Num)
			case id == zcl.AttrPrepaymentLowCreditWarningLevel:
				r.LowCredit = int64(a.Value.Num)
			case id == zcl.AttrPrepaymentMaxCreditLimit:
				r.MaxCredit = int64(a.Value.Num)
			case id == zcl.AttrPrepaymentCutOffValue:
				r.CutOff = a.Value.Int()
			case id == zcl.AttrPrepaymentTotalCreditAdded:
				r.TotalCredit = int64(a.Value.Num)
			case id >= zcl.AttrPrepaymentTopUpDateTime1 && id < zcl.PrepaymentTopUp(zcl.AttrPrepaymentTopUpDateTime1, maxCreditLog+1):
				n := int(id-zcl.AttrPrepaymentTopUpDateTime1)/0x10 + 1
				switch (id - zcl.AttrPrepaymentTopUpDateTime1) % 0x10 {
				case 0:
					if n == 1 {
						r.TopUps = r.TopUps[:0]
					}
					r.TopUps = append([]AmountEntry{{Time: a.Value.UTC().Time()}}, r.TopUps...)
				case 1:
					if len(r.TopUps) >= n {
						r.TopUps[len(r.TopUps)-n].Amount = Money(a.Value.Int()) * prepayUnit
					}
				}
			}
		}
		day := LocalDayStart(now)
		if n := len(r.PrepayDaily); n == 0 || r.PrepayDaily[n-1].Time.Before(day) {
			r.PrepayDaily = appendCapped(r.PrepayDaily, p.gasPrepaySnapshot(now), maxDailyLog)
		}
	}
}

// gasPrepaySnapshot is the mirror's prepayment data, stamped now.
func (p *GPF) gasPrepaySnapshot(now time.Time) PrepaymentSnapshot {
	mr := &p.mirror
	return PrepaymentSnapshot{Time: now, Balance: Money(mr.Credit) * prepayUnit, ECBalance: Money(mr.ECRemaining) * prepayUnit,
		AccumulatedDebt: Money(mr.Reads.AccumulatedDebt) * prepayUnit}
}

func (p *GPF) logGasChange(now time.Time) {
	mr := &p.mirror
	e := ChangeEntry{Time: now, Total: mr.Volume, Tiers: mr.Reads.Tiers, Blocks: mr.Reads.Blocks}
	if mr.HasPrepayment {
		e.Prepaid, e.Prepay = true, p.gasPrepaySnapshot(now)
	}
	mr.Reads.Changes = appendCapped(mr.Reads.Changes, e, maxChangeLog)
}

// GasDailyReadsBetween returns the mirror's daily read log entries within [from, to].
func (mr GasMirror) GasDailyReadsBetween(from, to time.Time) []DailyRead {
	var out []DailyRead
	for _, d := range mr.Reads.Daily {
		if !d.Time.Before(from) && !d.Time.After(to) {
			out = append(out, d)
		}
	}
	return out
}
