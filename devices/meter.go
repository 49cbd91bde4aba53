package devices

import (
	"fmt"
	"math"
	"time"

	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/sched"
	"github.com/smetsim/smetsim/devices/zcl"
)

// SupplyState is the state of an ESME's load switch or a GSME's valve.
type SupplyState uint8

// Supply states. Armed is off, waiting for the consumer to enable it locally.
const (
	SupplyEnabled SupplyState = iota
	SupplyDisabled
	SupplyArmed
)

// String names the state as SMETS writes it.
func (s SupplyState) String() string {
	switch s {
	case SupplyEnabled:
		return "enabled"
	case SupplyDisabled:
		return "disabled"
	case SupplyArmed:
		return "armed"
	}
	return fmt.Sprintf("SupplyState(%d)", uint8(s))
}

// Reasons the supply is off, kept as bits so a power cut during a remote disablement is one
// continuous off interval.
const (
	offSupply uint8 = 1 << iota // load switch or valve open/armed
	offPower                    // mains power lost (ESME only)
)

// maxOffIntervals bounds how much supply history a meter keeps; older history is given up and the
// horizon moves forward, past which profiles and historic reads are unavailable.
const maxOffIntervals = 48

// MeterConfig is how a meter is installed.
type MeterConfig struct {
	Load           LoadModel
	Tariff         *Tariff
	Mode           PaymentMode
	Prepayment     *Prepayment // required in prepayment mode
	NonDisablement *NonDisablement
	BillingDay     int // day of the month billing data is logged (1–28); 0 means 1
}

// meter is what an ESME and a GSME share: registers derived from the load model, tariff, credit,
// supply state and the billing cycle.
type meter struct {
	base
	h       sched.Handler // the device that embeds this meter, for scheduling
	load    LoadModel
	tariff  *Tariff
	mode    PaymentMode
	prepay  *Prepayment
	ndp     *NonDisablement
	supply  SupplyState
	off     uint8
	offs    []offInterval
	horizon int64 // Unix seconds: history before this is not derivable
	settled Slot  // consumption of every slot before this is in the registers
	total   uint64
	tiers   [MaxTiers]uint64
	blocks  [MaxBlocks]uint64
	period  uint64 // consumption in the current billing period (blocks)
	charged Money  // credit mode: charges since installation
	billDay uint8
	gen     uint32 // generation of credit events
	ticking bool
	billing []BillingEntry
	reads   readState // logs and registers for the DCC's reads (reads.go)
	// settings are what the supplier's SRVs set beyond tariff and credit (meter_settings.go).
	settings meterSettings
}

// BillingEntry is one entry of the billing data log, taken at local midnight on the billing day.
type BillingEntry struct {
	Time     time.Time
	Total    uint64
	Tiers    [MaxTiers]uint64
	Blocks   [MaxBlocks]uint64
	Balance  Money // prepayment: meter balance; credit: charges in the period
	Standing Money
}

func (m *meter) init(env *Env, h sched.Handler, eui EUI64, model *Model, cfg MeterConfig, now time.Time) error {
	if cfg.Tariff == nil {
		return fmt.Errorf("%s %s: no tariff", model.Kind, eui)
	}
	if cfg.Mode == PrepaymentMode && cfg.Prepayment == nil {
		return fmt.Errorf("%s %s: prepayment mode needs prepayment settings", model.Kind, eui)
	}
	m.base = base{env: env, eui: eui, model: model, clockSet: now.Unix()}
	m.h = h
	m.load = cfg.Load
	m.tariff = cfg.Tariff
	m.mode = cfg.Mode
	m.prepay = cfg.Prepayment
	m.ndp = cfg.NonDisablement
	m.horizon = now.Unix()
	m.settled = SlotOf(now)
	m.billDay = uint8(max(1, min(cfg.BillingDay, 28)))
	// Consumption from installation to the end of its slot is not the meter's.
	if a, _ := slotSpan(m.settled); a < m.horizon {
		m.offs = append(m.offs, offInterval{a, m.horizon})
	}
	m.scheduleBilling(now)
	if m.mode == PrepaymentMode {
		m.startTicking(now)
	}
	return nil
}

// toWh converts register units to energy: identity for electricity; for gas, m³ to kWh with the
// tariff's calorific value and conversion factor (kWh = m³ × CV × CF / 3.6).
func (m *meter) toWh(units uint64) uint64 {
	if m.load.Commodity != Gas {
		return units
	}
	cv, cf := m.tariff.CalorificValue, m.tariff.ConversionFactor
	if cv == 0 {
		cv = 39_500
	}
	if cf == 0 {
		cf = 1_022_640
	}
	return uint64(float64(units) * float64(cv) * float64(cf) / 3.6e9)
}

// costOf returns the charge for the given consumption, standing charge share and debt share of one
// slot, without applying it.
func (m *meter) slotCharges(k Slot, units uint64, dayHH int) (cost, standing, debt Money, tier, block int) {
	wh := m.toWh(units)
	var price Money
	price, tier, block = m.tariff.ActivePrice(k.Start(), m.period)
	cost = Money(uint64(price) * wh / 1000)
	standing = m.tariff.StandingCharge / Money(dayHH)
	if m.prepay != nil {
		debt = m.prepay.TimeDebtRate / Money(dayHH)
	}
	return
}

// settleTo moves every completed slot before s into the registers and charges it.
func (m *meter) settleTo(s Slot) {
	dayEnd := int64(math.MinInt64)
	dayHH := 48
	for k := m.settled; k < s; k++ {
		a, b := slotSpan(k)
		if a >= dayEnd {
			st := k.Start()
			dayEnd = NextLocalDayStart(st).Unix()
			dayHH = HalfHoursInLocalDay(st)
		}
		u := unitsIn(m.load, m.offs, k, a, b)
		cost, standing, debt, tier, block := m.slotCharges(k, u, dayHH)
		m.total += u
		m.tiers[tier] += u
		m.blocks[block] += u
		m.period += m.toWh(u)
		if m.mode == PrepaymentMode && m.prepay != nil {
			m.prepay.charge(cost+standing, debt)
		} else {
			m.charged += cost + standing
		}
		m.settledSlot(k, u, b == dayEnd)
	}
	if s > m.settled {
		m.settled = s
	}
}

// pending returns the consumption and charges of the current slot from its start to now, which
// are not yet in the registers.
func (m *meter) pending(now time.Time) (units uint64, charge Money) {
	k := SlotOf(now)
	a, _ := slotSpan(k)
	t := now.Unix()
	if k < m.settled || t <= a {
		return 0, 0
	}
	u := unitsIn(m.load, m.offs, k, a, t)
	cost, standing, debt, _, _ := m.slotCharges(k, u, HalfHoursInLocalDay(now))
	frac := Money(t - a)
	charge = cost + standing*frac/1800
	if m.prepay != nil {
		charge += min(m.prepay.TimeDebt, debt*frac/1800)
	}
	return u, charge
}

// catchUp settles every completed slot up to now.
func (m *meter) catchUp(now time.Time) { m.settleTo(SlotOf(now)) }

// Register returns the total register at t: Wh imported for an ESME, dm³ for a GSME. An instant
// before the current half hour is derived backwards from the load model, as RegisterAt does.
func (m *meter) Register(t time.Time) uint64 {
	m.catchUp(t)
	k := SlotOf(t)
	if k >= m.settled {
		u, _ := m.pending(t)
		return m.total + u
	}
	total := m.total
	for j := k + 1; j < m.settled; j++ {
		a, b := slotSpan(j)
		total -= unitsIn(m.load, m.offs, j, a, b)
	}
	a, b := slotSpan(k)
	return total - (unitsIn(m.load, m.offs, k, a, b) - unitsIn(m.load, m.offs, k, a, t.Unix()))
}

// consumptionSince returns the import since the slot boundary t (or since installation, if later).
func (m *meter) consumptionSince(now, t time.Time) uint64 {
	if t.Unix() < m.horizon {
		t = SlotOf(time.Unix(m.horizon, 0)).Start()
	}
	r, err := m.RegisterAt(now, t)
	if err != nil {
		return 0
	}
	return m.Register(now) - r
}

// TierRegisters returns the TOU registers at the start of the current slot.
func (m *meter) TierRegisters(now time.Time) [MaxTiers]uint64 {
	m.catchUp(now)
	return m.tiers
}

// BlockCounters returns the block counters of the current billing period at the start of the
// current slot.
func (m *meter) BlockCounters(now time.Time) [MaxBlocks]uint64 {
	m.catchUp(now)
	return m.blocks
}

// RegisterAt returns the total register at a past slot boundary t, derived backwards from the
// registers and the load model. It fails before the meter's history horizon.
func (m *meter) RegisterAt(now, t time.Time) (uint64, error) {
	m.catchUp(now)
	k := SlotOf(t)
	if !k.Start().Equal(t) {
		return 0, fmt.Errorf("%s is not on a half-hour boundary", t.Format(time.RFC3339))
	}
	if k < SlotOf(time.Unix(m.horizon, 0)) {
		return 0, fmt.Errorf("%s is before the meter's history starts (%s)", t.Format(time.RFC3339), time.Unix(m.horizon, 0).UTC().Format(time.RFC3339))
	}
	if k >= m.settled {
		if k > SlotOf(now) {
			return 0, fmt.Errorf("%s is in the future", t.Format(time.RFC3339))
		}
		return m.total, nil
	}
	total := m.total
	for j := k; j < m.settled; j++ {
		a, b := slotSpan(j)
		total -= unitsIn(m.load, m.offs, j, a, b)
	}
	return total, nil
}

// Profile returns the consumption of each half-hour slot from from (inclusive) for n slots, the
// last possibly still in progress. The slots sum to the register's change over the same span.
func (m *meter) Profile(now time.Time, from Slot, n int) ([]uint64, error) {
	if from < SlotOf(time.Unix(m.horizon, 0)) {
		return nil, fmt.Errorf("profile from %s is before the meter's history starts", from.Start().Format(time.RFC3339))
	}
	if last := from + Slot(n) - 1; last > SlotOf(now) {
		return nil, fmt.Errorf("profile to %s is in the future", last.Start().Format(time.RFC3339))
	}
	out := make([]uint64, n)
	for i := range out {
		k := from + Slot(i)
		a, b := slotSpan(k)
		b = min(b, now.Unix())
		out[i] = unitsIn(m.load, m.offs, k, a, b)
	}
	return out, nil
}

// Supply returns the supply (load switch or valve) state.
func (m *meter) Supply() SupplyState { return m.supply }

// PaymentMode returns the meter's payment mode.
func (m *meter) PaymentMode() PaymentMode { return m.mode }

// Tariff returns the tariff in force.
func (m *meter) Tariff() *Tariff { return m.tariff }

// Prepayment returns the prepayment state, or nil in credit mode. Its Balance is as of the last
// completed half hour; Balance(now) includes the half hour in progress.
func (m *meter) Prepayment() *Prepayment { return m.prepay }

// Balance returns the meter balance at now, including the half hour in progress. now is the
// run's current instant: the balance history is not kept, so an earlier instant reads as the
// balance at the start of the current half hour.
func (m *meter) Balance(now time.Time) Money {
	if m.prepay == nil {
		return 0
	}
	m.catchUp(now)
	_, c := m.pending(now)
	return m.prepay.Balance - c
}

// Charged returns what a credit-mode meter has charged since installation.
func (m *meter) Charged(now time.Time) Money {
	m.catchUp(now)
	_, c := m.pending(now)
	return m.charged + c
}

func (m *meter) setOff(now time.Time, reason uint8) {
	t := now.Unix()
	if m.off == 0 {
		if n := len(m.offs); n > 0 && m.offs[n-1].to == t {
			m.offs[n-1].to = math.MaxInt64
		} else {
			if n == maxOffIntervals {
				m.horizon = m.offs[0].to
				copy(m.offs, m.offs[1:])
				m.offs = m.offs[:n-1]
			}
			m.offs = append(m.offs, offInterval{t, math.MaxInt64})
		}
	}
	m.off |= reason
}

func (m *meter) clearOff(now time.Time, reason uint8) {
	if m.off&reason == 0 {
		return
	}
	m.off &^= reason
	if m.off == 0 {
		n := len(m.offs)
		m.offs[n-1].to = now.Unix()
		if m.offs[n-1].to <= m.offs[n-1].from {
			m.offs = m.offs[:n-1]
		}
	}
}

// setSupply changes the load switch or valve.
func (m *meter) setSupply(now time.Time, s SupplyState) {
	if s == m.supply {
		return
	}
	m.catchUp(now)
	m.supply = s
	if s == SupplyEnabled {
		m.clearOff(now, offSupply)
	} else {
		m.setOff(now, offSupply)
	}
	m.replan(now)
}

// DisableSupply opens the load switch or closes the valve, as 7.2 Disable Supply does.
func (m *meter) DisableSupply(now time.Time) {
	m.setSupply(now, SupplyDisabled)
	m.record(now, AlertSupplyInterrupted, 0, false)
}

// ArmSupply leaves the supply off but lets the consumer enable it locally, as 7.3 Arm Supply
// does. An enabled supply is armed too (it goes off and waits for the consumer).
func (m *meter) ArmSupply(now time.Time) {
	m.setSupply(now, SupplyArmed)
	m.record(now, AlertSupplyArmed, 0, true)
}

// EnableSupply closes the load switch or opens the valve remotely, as 7.1 Enable Supply does.
// A prepayment meter out of credit stays off.
func (m *meter) EnableSupply(now time.Time) error {
	if m.mode == PrepaymentMode && m.exhausted(now) {
		return fmt.Errorf("credit is exhausted: supply stays %s", m.supply)
	}
	m.setSupply(now, SupplyEnabled)
	return nil
}

// LocalEnable is the consumer pressing the button on an armed meter (or the PPMID's enable).
func (m *meter) LocalEnable(now time.Time) error {
	if m.supply != SupplyArmed {
		return fmt.Errorf("supply is %s, not armed", m.supply)
	}
	if m.mode == PrepaymentMode && m.exhausted(now) {
		return fmt.Errorf("credit is exhausted: supply stays armed")
	}
	m.setSupply(now, SupplyEnabled)
	return nil
}

func (m *meter) exhausted(now time.Time) bool {
	if m.prepay == nil {
		return false
	}
	m.catchUp(now)
	_, c := m.pending(now)
	return m.prepay.Available()-c <= 0
}

// SetTariff installs a new tariff from now. A model with FaultForgetBlockThresholds keeps the
// new prices but loses the block thresholds.
func (m *meter) SetTariff(now time.Time, t *Tariff) error {
	if err := t.Validate(); err != nil {
		return err
	}
	m.catchUp(now)
	m.logChange(now)
	if m.model.fault.forgetBlocks && t.Kind == TariffBlock {
		t = t.WithoutBlockThresholds()
	}
	m.tariff = t
	m.replan(now)
	return nil
}

// SetPaymentMode switches between credit and prepayment. Switching to prepayment needs settings.
func (m *meter) SetPaymentMode(now time.Time, mode PaymentMode, p *Prepayment) error {
	m.catchUp(now)
	if mode == PrepaymentMode {
		if p == nil && m.prepay == nil {
			return fmt.Errorf("prepayment mode needs prepayment settings")
		}
		m.logChange(now)
		if p != nil {
			m.prepay = p
		}
	} else {
		m.logChange(now)
	}
	m.mode = mode
	if mode == PrepaymentMode {
		m.startTicking(now)
	}
	m.replan(now)
	return nil
}

// ApplyTopUp adds a decoded UTRN's credit, as a top-up keyed in at the meter or sent from the
// PPMID does. A meter disabled for lack of credit is armed once credit is restored.
func (m *meter) applyTopUp(now time.Time, u UTRN) TopUpResult {
	if m.mode != PrepaymentMode || m.prepay == nil {
		return TopUpError
	}
	m.catchUp(now)
	debt0 := m.prepay.PaymentDebt
	r := m.prepay.applyTopUp(u)
	switch r {
	case TopUpDuplicate:
		m.record(now, AlertDuplicateUTRN, int64(u.Counter), true)
		return r
	case TopUpMaxCredit:
		m.record(now, AlertUTRNExceedsMaxCredit, int64(u.Amount), true)
		return r
	}
	m.record(now, AlertCreditAddedLocally, int64(u.Amount), true)
	m.logTopUp(now, u.Amount, debt0-m.prepay.PaymentDebt)
	if m.supply == SupplyDisabled && !m.exhausted(now) {
		m.supply = SupplyArmed
		m.record(now, AlertSupplyArmed, 0, true)
	}
	m.replan(now)
	switch m.supply {
	case SupplyArmed:
		return TopUpSupplyArmed
	case SupplyDisabled:
		return TopUpSupplyDisabled
	}
	return TopUpSupplyEnabled
}

// UTRNKey returns the key a supplier uses to issue top-up codes for this meter.
func (m *meter) UTRNKey() UTRNKey { return DeriveUTRNKey(m.load.Seed, m.eui) }

// TopUpCode applies a UTRN keyed in at the meter itself.
func (m *meter) TopUpCode(now time.Time, code string) TopUpResult {
	r, _ := m.topUp(now, code)
	return r
}

// topUp decodes a UTRN with the meter's key and applies it, returning the amount added.
func (m *meter) topUp(now time.Time, code string) (TopUpResult, Money) {
	key := m.UTRNKey()
	u, err := key.Decode(code)
	if err != nil {
		m.record(now, AlertUTRNNotAuthentic, 0, true)
		return TopUpInvalid, 0
	}
	r := m.applyTopUp(now, u)
	if !r.Accepted() {
		return r, 0
	}
	return r, u.Amount
}

// answerTopUp applies a Consumer Top Up from the HAN and answers it.
func (m *meter) answerTopUp(now time.Time, msg *han.Message, h zcl.Header, c *zcl.ConsumerTopUp) {
	r, amount := m.topUp(now, string(c.TopUpCode))
	rsp := &m.env.io.ctr
	*rsp = zcl.ConsumerTopUpResponse{ResultType: uint8(r), TopUpValue: int32(prepayValue(amount)),
		SourceOfTopUp: c.OriginatingDevice, CreditRemaining: int32(prepayValue(m.Balance(now)))}
	_ = m.reply(now, msg, h, rsp)
}

// answerEmergencyCredit activates emergency credit on a request from the HAN and answers it.
func (m *meter) answerEmergencyCredit(now time.Time, msg *han.Message, h zcl.Header) {
	if err := m.ActivateEmergencyCredit(now); err != nil {
		m.replyStatus(now, msg, h, zcl.StatusFailure)
		return
	}
	m.replyStatus(now, msg, h, zcl.StatusSuccess)
}

// ActivateEmergencyCredit activates emergency credit if it is available. A meter disabled for
// lack of credit is armed.
func (m *meter) ActivateEmergencyCredit(now time.Time) error {
	if m.prepay == nil || m.mode != PrepaymentMode {
		return fmt.Errorf("not in prepayment mode")
	}
	m.catchUp(now)
	_, c := m.pending(now)
	p := m.prepay
	if p.ECActive {
		return fmt.Errorf("emergency credit is already active")
	}
	if p.ECLimit <= 0 || p.Balance-c > p.ECThreshold {
		return fmt.Errorf("emergency credit is not available: balance %s is above the threshold %s", p.Balance-c, p.ECThreshold)
	}
	p.ECActive = true
	m.record(now, AlertECActivated, 0, true)
	if m.supply == SupplyDisabled && !m.exhausted(now) {
		m.supply = SupplyArmed
		m.record(now, AlertDisabledArmedEC, 0, true)
	}
	m.replan(now)
	return nil
}

// startTicking begins the half-hourly credit check of a prepayment meter.
func (m *meter) startTicking(now time.Time) {
	if m.ticking {
		return
	}
	m.ticking = true
	m.env.Sched.At(SlotOf(now).Start().Add(HalfHour), m.h, eventArg(evTick, 0))
}

// tick is the half-hourly settlement of a prepayment meter.
func (m *meter) tick(now time.Time) {
	if m.mode != PrepaymentMode {
		m.ticking = false
		return
	}
	m.catchUp(now)
	m.checkCredit(now)
	m.plan(now)
	m.env.Sched.At(SlotOf(now).Start().Add(HalfHour), m.h, eventArg(evTick, 0))
}

// replan drops planned credit events and plans afresh after a state change.
func (m *meter) replan(now time.Time) {
	m.gen++
	if m.mode == PrepaymentMode && m.prepay != nil {
		m.checkCredit(now)
		m.plan(now)
	}
}

// checkCredit applies the prepayment rules at now: warnings, and disablement when credit is
// exhausted outside a non-disablement period.
func (m *meter) checkCredit(now time.Time) {
	p := m.prepay
	_, c := m.pending(now)
	bal := p.Balance - c
	if bal <= p.LowCredit && !p.lowSent {
		p.lowSent = true
		m.record(now, AlertLowCredit, int64(bal), true)
	}
	if !p.ECActive && p.ECLimit > 0 && bal <= p.ECThreshold && !p.ecSent {
		p.ecSent = true
		m.record(now, AlertECAvailable, int64(bal), true)
	}
	if p.Available()-c > 0 {
		p.Friendly = false
		return
	}
	if m.supply != SupplyEnabled {
		return
	}
	if in, end := m.ndp.Covering(now); in {
		if !p.Friendly {
			p.Friendly = true
			m.record(now, AlertDisablementSuspended, int64(bal), true)
		}
		m.env.Sched.At(end, m.h, eventArg(evFriendlyEnd, m.gen))
		return
	}
	p.Friendly = false
	if p.ECActive {
		m.record(now, AlertECExhausted, int64(bal), true)
	}
	m.supply = SupplyDisabled
	m.setOff(now, offSupply)
	m.gen++
	m.record(now, AlertCreditBelowDisable, int64(bal), true)
}

// plan schedules a credit event at the next instant, within the current slot, at which the
// balance crosses a level that matters: the low-credit warning, the emergency-credit threshold,
// or exhaustion. Consumption within a slot is uniform, so the crossing is found by proportion.
func (m *meter) plan(now time.Time) {
	p := m.prepay
	if m.supply != SupplyEnabled || p.Friendly {
		return
	}
	_, cNow := m.pending(now)
	bal := p.Balance - cNow
	exhaust := p.DisableThreshold
	if p.ECActive {
		exhaust -= p.ECLimit
	}
	target, found := exhaust, bal > exhaust
	for _, level := range [...]struct {
		at   Money
		live bool
	}{{p.LowCredit, !p.lowSent}, {p.ECThreshold, !p.ecSent && !p.ECActive && p.ECLimit > 0}} {
		if level.live && level.at < bal && (!found || level.at > target) {
			target, found = level.at, true
		}
	}
	if !found {
		return
	}
	need := bal - target
	_, end := slotSpan(SlotOf(now))
	_, cEnd := m.pending(time.Unix(end-1, 0))
	if cEnd-cNow < need || cEnd <= cNow {
		return
	}
	t0 := now.Unix()
	dt := float64(end-1-t0) * float64(need) / float64(cEnd-cNow)
	at := time.Unix(t0+int64(math.Ceil(dt)), 0)
	m.env.Sched.At(at, m.h, eventArg(evCredit, m.gen))
}

// onCredit handles a planned credit event if nothing has changed since it was planned.
func (m *meter) onCredit(now time.Time, gen uint32) {
	if gen != m.gen || m.mode != PrepaymentMode {
		return
	}
	m.catchUp(now)
	m.checkCredit(now)
	m.plan(now)
}

// onFriendlyEnd re-checks credit when a non-disablement period ends.
func (m *meter) onFriendlyEnd(now time.Time, gen uint32) {
	if gen != m.gen || m.mode != PrepaymentMode {
		return
	}
	m.catchUp(now)
	m.prepay.Friendly = false
	m.checkCredit(now)
	m.plan(now)
}

// scheduleBilling plans the next billing event from the meter's billing calendar (config.go).
func (m *meter) scheduleBilling(now time.Time) {
	next, gen := m.nextBilling(now)
	m.env.Sched.At(next, m.h, eventArg(evBilling, gen))
}

// onBilling logs the billing data at local midnight of the billing day and starts a new period.
func (m *meter) onBilling(now time.Time) {
	m.catchUp(now)
	// A log entry's timestamp is whole seconds of the device's clock (a ZCL UTCTime): a drifting
	// clock's fraction of a second would otherwise hide the entry from a read of the second it shows.
	e := BillingEntry{Time: m.DeviceTime(now).Truncate(time.Second), Total: m.total, Tiers: m.tiers, Blocks: m.blocks, Standing: m.tariff.StandingCharge}
	if m.prepay != nil && m.mode == PrepaymentMode {
		e.Balance = m.prepay.Balance
	} else {
		e.Balance = m.charged
	}
	if len(m.billing) == 12 {
		copy(m.billing, m.billing[1:])
		m.billing = m.billing[:11]
	}
	m.billing = append(m.billing, e)
	m.blocks = [MaxBlocks]uint64{}
	m.period = 0
	m.record(now, AlertBillingDataLog, int64(e.Total), true)
	m.scheduleBilling(now.Add(time.Hour))
}

// BillingLog returns the billing data log, oldest first (up to 12 entries).
func (m *meter) BillingLog() []BillingEntry { return append([]BillingEntry(nil), m.billing...) }

// DailyReads returns the total register at each UK local midnight of the last n days before now,
// oldest first: the daily read log, derived rather than stored.
func (m *meter) DailyReads(now time.Time, n int) ([]DailyRead, error) {
	out := make([]DailyRead, 0, n)
	day := LocalDayStart(now)
	for i := 0; i < n; i++ {
		day = LocalDayStart(day.Add(-time.Hour))
	}
	for i := 0; i < n; i++ {
		day = NextLocalDayStart(day)
		r, err := m.RegisterAt(now, day)
		if err != nil {
			return out, err
		}
		out = append(out, DailyRead{Time: day, Total: r})
	}
	return out, nil
}

// DailyRead is one entry of the daily read log.
type DailyRead struct {
	Time  time.Time
	Total uint64
}

// fire dispatches the meter's own events; it reports whether the event was one of them.
func (m *meter) fire(now time.Time, kind int, gen uint32) bool {
	switch kind {
	case evTick:
		m.tick(now)
	case evCredit:
		m.onCredit(now, gen)
	case evFriendlyEnd:
		m.onFriendlyEnd(now, gen)
	case evBilling:
		if m.billingCurrent(gen) { // a calendar changed since is planned afresh
			m.onBilling(now)
		}
	case evFirmware:
		m.activate(now, gen)
	default:
		return false
	}
	return true
}
