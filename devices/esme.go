package devices

import (
	"fmt"
	"time"

	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/zcl"
)

// ESME is an electricity meter: import (and export) registers, TOU registers and block counters,
// a tariff, credit or prepayment, a load switch, half-hourly profile, daily and billing logs,
// event and security logs, a clock and firmware. On the HAN it serves the Metering, Price,
// Prepayment, Basic and Time clusters to the PPMID and accepts top-ups, emergency credit and
// local enablement from it.
type ESME struct {
	meter
	site       string // MPAN, the Metering SiteID
	display    uint16 // short address of the PPMID prices are published to
	hasDisplay bool
	powerOff   int64 // Unix seconds mains power was lost; 0 while powered
	exported   uint64
}

// NewESME installs an ESME of the given model at now.
func NewESME(env *Env, eui EUI64, model *Model, cfg MeterConfig, mpan string, now time.Time) (*ESME, error) {
	if model.Kind != KindESME {
		return nil, fmt.Errorf("model %s is a %s, not an ESME", model.ID, model.Kind)
	}
	e := &ESME{site: mpan}
	cfg.Load.Commodity = Electricity
	if err := e.init(env, e, eui, model, cfg, now); err != nil {
		return nil, err
	}
	return e, nil
}

// Fire handles the ESME's scheduled events. It implements sched.Handler.
func (e *ESME) Fire(now time.Time, arg uint64) {
	kind, gen := splitArg(arg)
	e.fire(now, kind, gen)
}

// Attach joins the ESME to its premises' HAN.
func (e *ESME) Attach(nw *han.Network) error { return e.attach(nw, e, false) }

// SetDisplay names the PPMID that the ESME publishes prices and messages to.
func (e *ESME) SetDisplay(short uint16) { e.display, e.hasDisplay = short, true }

// ImportRegister returns the active import register at now, in Wh.
func (e *ESME) ImportRegister(now time.Time) uint64 { return e.Register(now) }

// ExportRegister returns the active export register, in Wh (zero unless the model has an export
// register and the premises generates).
func (e *ESME) ExportRegister() uint64 { return e.exported }

// Powered reports whether the ESME has mains power.
func (e *ESME) Powered() bool { return e.powerOff == 0 }

// PowerFail is the loss of mains power: nothing is consumed and the meter stops answering the HAN
// until power returns.
func (e *ESME) PowerFail(now time.Time) {
	if e.powerOff != 0 {
		return
	}
	e.catchUp(now)
	e.powerOff = now.Unix()
	e.setOff(now, offPower)
}

// PowerRestore is the return of mains power: the meter raises Supply Outage Restored (0x8F36 if
// the outage lasted three minutes or more).
func (e *ESME) PowerRestore(now time.Time) {
	if e.powerOff == 0 {
		return
	}
	e.catchUp(now)
	dur := now.Unix() - e.powerOff
	e.powerOff = 0
	e.clearOff(now, offPower)
	code := AlertSupplyOutageRestored
	if dur >= 180 {
		code = AlertSupplyOutageRestored3
	}
	e.record(now, code, dur, true)
	e.replan(now)
}

// SetTariff installs a new tariff and publishes its price to the PPMID.
func (e *ESME) SetTariff(now time.Time, t *Tariff) error {
	if err := e.meter.SetTariff(now, t); err != nil {
		return err
	}
	if e.hasDisplay {
		_ = e.publishPrice(now, e.display, 0)
	}
	return nil
}

// ActivateFirmware makes the staged firmware image current at at, as 11.3 Activate Firmware does.
func (e *ESME) ActivateFirmware(at time.Time) error { return e.scheduleActivation(e, at) }

// InstantaneousDemand returns the power drawn at now, in W.
func (e *ESME) InstantaneousDemand(now time.Time) int64 {
	if e.off != 0 {
		return 0
	}
	return int64(e.load.SlotUnits(SlotOf(now)) * 2)
}

// HANReceive handles a ZCL frame from the HAN. It implements han.Node.
func (e *ESME) HANReceive(now time.Time, m *han.Message) {
	if e.powerOff != 0 {
		return
	}
	h, cmd := e.decode(now, m)
	switch c := cmd.(type) {
	case nil:
	case *zcl.ReadAttributes:
		e.serveRead(now, m, h, c, e)
	case *zcl.GetCurrentPrice:
		_ = e.publishPrice(now, m.Src, h.Sequence)
	case *zcl.GetProfile:
		e.serveProfile(now, m, h, c)
	case *zcl.ConsumerTopUp:
		e.answerTopUp(now, m, h, c)
	case *zcl.SelectAvailableEmergencyCredit:
		e.answerEmergencyCredit(now, m, h)
	case *zcl.LocalChangeSupply:
		if c.ProposedSupplyStatus != zcl.SupplyOn {
			e.replyStatus(now, m, h, zcl.StatusInvalidValue)
			return
		}
		if err := e.LocalEnable(now); err != nil {
			e.replyStatus(now, m, h, zcl.StatusFailure)
			return
		}
		e.replyStatus(now, m, h, zcl.StatusSuccess)
	case *zcl.MessageConfirmation:
		e.record(now, AlertCustomerAcknowledged, int64(c.MessageID), true)
	case *zcl.DefaultResponse, *zcl.PriceAcknowledgement, *zcl.ReadAttributesResponse:
		// Acknowledgements need no answer.
	default:
		e.replyStatus(now, m, h, zcl.StatusUnsupClusterCommand)
	}
}

func (e *ESME) publishPrice(now time.Time, dst uint16, seq uint8) error {
	e.catchUp(now)
	t := e.tariff
	price, tier, _ := t.ActivePrice(now, e.period)
	tiers := 1
	if t.Kind == TariffTOU {
		for _, s := range t.Switches {
			tiers = max(tiers, int(s.Tier)+1)
		}
	}
	n := 0
	for _, th := range t.BlockThresholds {
		if th != 0 {
			n++
		}
	}
	label := t.Label
	if label == "" {
		label = fmt.Sprintf("Tier %d", tier+1)
	}
	pp := &e.env.io.pp
	*pp = zcl.PublishPrice{
		ProviderID: t.ProviderID, RateLabel: []byte(clip(label, 12)), IssuerEventID: t.IssuerEventID,
		CurrentTime: utc(e.DeviceTime(now)), UnitOfMeasure: zcl.UnitKWh, Currency: zcl.CurrencyGBP,
		PriceTrailingDigitAndPriceTier:    priceTrailingDigits<<4 | uint8(tier+1),
		NumberOfPriceTiersAndRegisterTier: uint8(tiers)<<4 | uint8(tier+1),
		StartTime:                         0, DurationInMinutes: 0xFFFF, Price: uint32(price),
		PriceRatio: 0xFF, GenerationPrice: 0xFFFFFFFF, GenerationPriceRatio: 0xFF,
		AlternateCostDelivered: 0xFFFFFFFF, AlternateCostUnit: 0xFF, AlternateCostTrailingDigit: 0xFF,
		NumberOfBlockThresholds: uint8(n),
	}
	h := zcl.Header{Direction: zcl.ServerToClient, Sequence: seq, DisableDefaultResponse: true}
	if seq == 0 {
		h.Sequence = e.nextSeq()
	}
	return e.send(now, dst, zcl.ClusterPrice, h, pp)
}

// serveProfile answers Get Profile with the half-hourly profile, most recent first.
func (m *meter) serveProfile(now time.Time, msg *han.Message, h zcl.Header, c *zcl.GetProfile) {
	rsp := &m.env.io.gpr
	*rsp = zcl.GetProfileResponse{ProfileIntervalPeriod: 2, Intervals: rsp.Intervals[:0]}
	end := SlotOf(now)
	if c.EndTime != 0 {
		end = SlotOf(c.EndTime.Time())
		if end > SlotOf(now) {
			end = SlotOf(now)
		}
	}
	n := int(c.NumberOfPeriods)
	if n == 0 || n > 24 {
		n = 24
	}
	from := end - Slot(n)
	if min := SlotOf(time.Unix(m.horizon, 0)); from < min {
		from = min
	}
	// After a change of tenancy (3.2) the consumer sees no half hour that began before it.
	if r := m.settings.restrictedBefore; !r.IsZero() {
		if min := SlotOf(r.Add(HalfHour - time.Second)); from < min {
			from = min
		}
	}
	if c.IntervalChannel != 0 || end <= from {
		rsp.Status = 1 // undefined interval channel or no data
	} else if p, err := m.Profile(now, from, int(end-from)); err == nil {
		for i := len(p) - 1; i >= 0; i-- {
			rsp.Intervals = append(rsp.Intervals, uint32(min(p[i], 0xFFFFFF)))
		}
	} else {
		rsp.Status = 4 // no intervals available
	}
	rsp.EndTime = utc(end.Start())
	_ = m.reply(now, msg, h, rsp)
}

// attribute serves the ESME's clusters.
func (e *ESME) attribute(now time.Time, cluster, id uint16) (zcl.Value, bool) {
	switch cluster {
	case zcl.ClusterMetering:
		return e.meteringAttribute(now, id)
	case zcl.ClusterPrice:
		return e.priceAttribute(id)
	case zcl.ClusterPrepayment:
		return e.prepaymentAttribute(now, id)
	}
	return e.sharedAttribute(now, cluster, id, false)
}

func (e *ESME) meteringAttribute(now time.Time, id uint16) (zcl.Value, bool) {
	switch id {
	case zcl.AttrMeteringCurrentSummationReceived:
		if !e.model.Export {
			return zcl.Value{}, false
		}
		return zcl.Uint(zcl.TypeUint48, e.exported), true
	case zcl.AttrMeteringUnitOfMeasure:
		return zcl.Uint(zcl.TypeEnum8, zcl.UnitKWh), true
	case zcl.AttrMeteringMeteringDeviceType:
		return zcl.Uint(zcl.TypeBitmap8, zcl.DeviceElectric), true
	case zcl.AttrMeteringInstantaneousDemand:
		return zcl.Int(zcl.TypeInt24, e.InstantaneousDemand(now)), true
	case zcl.AttrMeteringSiteID:
		return zcl.OctetString([]byte(e.site)), true
	case zcl.AttrMeteringDemandFormatting:
		return zcl.Uint(zcl.TypeBitmap8, 0x00), true
	}
	return e.meter.meteringAttribute(now, id)
}

// meteringAttribute serves the Metering attributes ESMEs and GSMEs share. Register units are Wh
// (ESME) or dm³ (GSME), so the multiplier is 1 and the divisor 1000 — unless the model declares
// FaultWrongDivisor.
func (m *meter) meteringAttribute(now time.Time, id uint16) (zcl.Value, bool) {
	switch id {
	case zcl.AttrMeteringCurrentSummationDelivered:
		return zcl.Uint(zcl.TypeUint48, m.Register(now)&(1<<48-1)), true
	case zcl.AttrMeteringMultiplier:
		return zcl.Uint(zcl.TypeUint24, 1), true
	case zcl.AttrMeteringDivisor:
		d := uint64(1000)
		if m.model.fault.divisor != 0 {
			d = uint64(m.model.fault.divisor)
		}
		return zcl.Uint(zcl.TypeUint24, d), true
	case zcl.AttrMeteringSummationFormatting:
		return zcl.Uint(zcl.TypeBitmap8, 0x33), true // 6 digits left of the point, 3 right
	case zcl.AttrMeteringHistoricalConsumptionFormatting:
		return zcl.Uint(zcl.TypeBitmap8, 0x33), true
	case zcl.AttrMeteringStatus:
		var s uint64
		if m.supply != SupplyEnabled {
			s |= 1 << 6 // service disconnect open
		}
		return zcl.Uint(zcl.TypeBitmap8, s), true
	case zcl.AttrMeteringSupplyStatus:
		return zcl.Uint(zcl.TypeEnum8, uint64(supplyStatus(m.supply))), true
	case zcl.AttrMeteringCurrentDayConsumptionDelivered:
		return zcl.Uint(zcl.TypeUint24, min(m.consumptionSince(now, LocalDayStart(now)), 0xFFFFFF)), true
	case zcl.AttrMeteringPreviousDayConsumptionDelivered:
		today := LocalDayStart(now)
		a, errA := m.RegisterAt(now, LocalDayStart(today.Add(-time.Hour)))
		b, errB := m.RegisterAt(now, today)
		if errA != nil || errB != nil {
			return zcl.Uint(zcl.TypeUint24, 0), true
		}
		return zcl.Uint(zcl.TypeUint24, min(b-a, 0xFFFFFF)), true
	case zcl.AttrMeteringProfileIntervalPeriod:
		return zcl.Uint(zcl.TypeEnum8, 2), true // 30 minutes
	case zcl.AttrMeteringCurrentBlockPeriodConsumptionDelivered:
		return zcl.Uint(zcl.TypeUint48, m.period), true
	}
	if id >= zcl.AttrMeteringCurrentTier1SummationDelivered && id < zcl.AttrMeteringCurrentTier1SummationDelivered+2*MaxTiers && id%2 == 0 {
		tier := int(id-zcl.AttrMeteringCurrentTier1SummationDelivered) / 2
		if tier >= m.model.Tiers {
			return zcl.Value{}, false
		}
		return zcl.Uint(zcl.TypeUint48, m.TierRegisters(now)[tier]&(1<<48-1)), true
	}
	return zcl.Value{}, false
}

func supplyStatus(s SupplyState) uint8 {
	switch s {
	case SupplyEnabled:
		return zcl.SupplyOn
	case SupplyArmed:
		return zcl.SupplyOffArmed
	}
	return zcl.SupplyOff
}

func (m *meter) priceAttribute(id uint16) (zcl.Value, bool) {
	t := m.tariff
	switch id {
	case zcl.AttrPriceStandingCharge:
		return zcl.Uint(zcl.TypeUint32, uint64(t.StandingCharge)), true
	case zcl.AttrPriceBlock1Threshold, zcl.AttrPriceBlock2Threshold, zcl.AttrPriceBlock3Threshold:
		return zcl.Uint(zcl.TypeUint48, uint64(t.BlockThresholds[id-zcl.AttrPriceBlock1Threshold])*1000), true
	case zcl.AttrPriceCommodityType:
		if m.load.Commodity == Gas {
			return zcl.Uint(zcl.TypeEnum8, 2), true // gas metering
		}
		return zcl.Uint(zcl.TypeEnum8, 1), true // electric metering
	case zcl.AttrPriceCalorificValue:
		if m.load.Commodity != Gas {
			return zcl.Value{}, false
		}
		return zcl.Uint(zcl.TypeUint32, uint64(t.CalorificValue)), true
	case zcl.AttrPriceConversionFactor:
		if m.load.Commodity != Gas {
			return zcl.Value{}, false
		}
		return zcl.Uint(zcl.TypeUint32, uint64(t.ConversionFactor)), true
	}
	return zcl.Value{}, false
}

// prepaymentAttribute serves the Prepayment cluster; amounts are in 0.01p.
func (m *meter) prepaymentAttribute(now time.Time, id uint16) (zcl.Value, bool) {
	p := m.prepay
	if id == zcl.AttrPrepaymentPaymentControlConfiguration {
		var v uint64 = 1 << 7 // contactor (load switch or valve) fitted
		if m.mode == PrepaymentMode {
			v |= 1<<0 | 1<<1 | 1<<4 // disconnection, prepayment, credit display enabled
		}
		return zcl.Uint(zcl.TypeBitmap16, v), true
	}
	if p == nil || m.mode != PrepaymentMode {
		return zcl.Value{}, false
	}
	m.catchUp(now)
	_, c := m.pending(now)
	switch id {
	case zcl.AttrPrepaymentCreditRemaining:
		return zcl.Int(zcl.TypeInt32, prepayValue(p.Balance-c)), true
	case zcl.AttrPrepaymentEmergencyCreditRemaining:
		ec := p.ECLimit
		if p.ECActive {
			ec += min(p.Balance-c, 0)
		}
		return zcl.Int(zcl.TypeInt32, prepayValue(max(ec, 0))), true
	case zcl.AttrPrepaymentCreditStatus:
		return zcl.Uint(zcl.TypeBitmap8, uint64(p.CreditStatus())), true
	case zcl.AttrPrepaymentCreditRemainingTimeStamp:
		return zcl.UTC(utc(m.DeviceTime(now))), true
	case zcl.AttrPrepaymentAccumulatedDebt:
		return zcl.Int(zcl.TypeInt32, prepayValue(p.TimeDebt+p.PaymentDebt)), true
	case zcl.AttrPrepaymentEmergencyCreditLimitAllowance:
		return zcl.Uint(zcl.TypeUint32, uint64(prepayValue(p.ECLimit))), true
	case zcl.AttrPrepaymentEmergencyCreditThreshold:
		return zcl.Uint(zcl.TypeUint32, uint64(max(prepayValue(p.ECThreshold), 0))), true
	case zcl.AttrPrepaymentTotalCreditAdded:
		return zcl.Uint(zcl.TypeUint48, uint64(prepayValue(p.TotalCreditAdded))), true
	case zcl.AttrPrepaymentMaxCreditLimit:
		return zcl.Uint(zcl.TypeUint32, uint64(prepayValue(p.MaxCredit))), true
	case zcl.AttrPrepaymentLowCreditWarningLevel:
		return zcl.Uint(zcl.TypeUint32, uint64(max(prepayValue(p.LowCredit), 0))), true
	case zcl.AttrPrepaymentCutOffValue:
		return zcl.Int(zcl.TypeInt32, prepayValue(p.DisableThreshold)), true
	}
	return zcl.Value{}, false
}

// PublishPrice sends the current price to a HAN device, as the ESME does when its tariff changes.
func (e *ESME) PublishPrice(now time.Time, dst uint16) error { return e.publishPrice(now, dst, 0) }

// SendMessage shows a text on the PPMID (a supplier message, for example), asking the consumer to
// confirm it if confirm is set. The PPMID's confirmation comes back as Message Confirmation.
func (e *ESME) SendMessage(now time.Time, id uint32, text string, confirm bool) error {
	if !e.hasDisplay {
		return fmt.Errorf("ESME %s has no PPMID to show messages on", e.eui)
	}
	if len(text) > han.MaxPayload-20 {
		return fmt.Errorf("message of %d characters does not fit one HAN frame (at most %d)", len(text), han.MaxPayload-20)
	}
	dm := zcl.DisplayMessage{MessageID: id, StartTime: 0, DurationInMinutes: 0xFFFF, Message: []byte(text)}
	if confirm {
		dm.MessageControl = 0x80
	}
	return e.request(now, e.display, zcl.ClusterMessaging, zcl.ServerToClient, &dm)
}
