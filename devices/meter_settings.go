package devices

import (
	"fmt"
	"time"

	"github.com/smetsim/smetsim/devices/zcl"
)

// meterSettings are what a supplier sets on a meter besides its tariff and credit: the
// prepayment options that the Prepayment struct does not hold, the supplier's name on the
// display, privacy and change-of-tenancy settings, and the message on the meter's own display.
type meterSettings struct {
	secondary            *Tariff
	suspendDebtDisabled  bool
	suspendDebtEmergency bool
	debtRecoveryCap      Money
	maxCreditThreshold   Money
	supplierName         string
	supplierPhone        string
	privacyPINDisabled   bool
	restrictedBefore     time.Time
	message              *Message
}

// MeterBalance kinds for AdjustMeterBalance and ResetMeterBalance: the prepayment meter balance,
// or the credit-mode balance (what the meter has charged, counted down from zero).
const (
	PrepaymentBalance = PrepaymentMode
	CreditBalance     = CreditMode
)

// AdjustMeterBalance adds delta (negative to take away) to the prepayment meter balance or to
// the credit-mode balance, as 1.5 Update Meter Balance does. Adding prepayment credit to a meter
// disabled for lack of it arms the supply, as a top-up does.
func (m *meter) AdjustMeterBalance(now time.Time, which PaymentMode, delta Money) error {
	return m.setMeterBalance(now, which, func(cur Money) Money { return cur + delta })
}

// ResetMeterBalance sets the prepayment meter balance or the credit-mode balance to zero at now.
func (m *meter) ResetMeterBalance(now time.Time, which PaymentMode) error {
	return m.setMeterBalance(now, which, func(Money) Money { return 0 })
}

func (m *meter) setMeterBalance(now time.Time, which PaymentMode, to func(Money) Money) error {
	m.catchUp(now)
	_, c := m.pending(now)
	if which == CreditBalance {
		// The credit-mode balance is minus what has been charged, the half hour in progress included.
		m.charged = -to(-(m.charged + c)) - c
		return nil
	}
	if m.prepay == nil {
		return fmt.Errorf("the meter has no prepayment settings")
	}
	m.prepay.Balance = to(m.prepay.Balance-c) + c
	if m.mode == PrepaymentMode && m.supply == SupplyDisabled && !m.exhausted(now) {
		m.supply = SupplyArmed
		m.record(now, AlertSupplyArmed, 0, true)
	}
	m.replan(now)
	return nil
}

// CreditModeBalance returns the credit-mode meter balance at now: minus what the meter has
// charged since installation or since it was last reset.
func (m *meter) CreditModeBalance(now time.Time) Money { return -m.Charged(now) }

// UpdatePaymentMode switches the meter to credit, or to prepayment with the given disablement
// threshold and debt-suspension options, as 1.6 Update Payment Mode does. A meter that never had
// prepayment settings gets DefaultPrepayment with a zero balance.
func (m *meter) UpdatePaymentMode(now time.Time, mode PaymentMode, disableThreshold Money, suspendDebtDisabled, suspendDebtEmergency bool) error {
	if mode == CreditMode {
		return m.SetPaymentMode(now, CreditMode, nil)
	}
	p := m.prepay
	if p == nil {
		p = DefaultPrepayment(0)
	}
	p.DisableThreshold = disableThreshold
	m.settings.suspendDebtDisabled, m.settings.suspendDebtEmergency = suspendDebtDisabled, suspendDebtEmergency
	return m.SetPaymentMode(now, PrepaymentMode, p)
}

// DebtSuspension returns whether debt recovery is suspended while the supply is disabled and
// while emergency credit is in use.
func (m *meter) DebtSuspension() (disabled, emergency bool) {
	return m.settings.suspendDebtDisabled, m.settings.suspendDebtEmergency
}

// PrepayConfig is what 2.1 Update Prepay Configuration sets.
type PrepayConfig struct {
	DebtRecoveryRateCap Money // the most debt recovered per day
	ECLimit             Money
	ECThreshold         Money
	LowCredit           Money
	MaxMeterBalance     Money // a top-up taking the balance above it is refused
	MaxCreditThreshold  Money // the largest single top-up the meter accepts
	NonDisablement      *NonDisablement
}

// UpdatePrepayConfig installs prepayment settings. A credit-mode meter keeps them for when it
// is switched to prepayment.
func (m *meter) UpdatePrepayConfig(now time.Time, cfg PrepayConfig) error {
	if cfg.ECLimit < 0 || cfg.ECThreshold < 0 || cfg.MaxMeterBalance < 0 || cfg.MaxCreditThreshold < 0 {
		return fmt.Errorf("prepayment limits must not be negative")
	}
	m.catchUp(now)
	if m.prepay == nil {
		m.prepay = DefaultPrepayment(0)
	}
	p := m.prepay
	p.ECLimit, p.ECThreshold, p.LowCredit, p.MaxCredit = cfg.ECLimit, cfg.ECThreshold, cfg.LowCredit, cfg.MaxMeterBalance
	p.lowSent, p.ecSent = false, false
	m.settings.debtRecoveryCap, m.settings.maxCreditThreshold = cfg.DebtRecoveryRateCap, cfg.MaxCreditThreshold
	m.ndp = cfg.NonDisablement
	m.replan(now)
	return nil
}

// PrepayConfig returns the prepayment settings 2.1 sets, or false if the meter has none.
func (m *meter) PrepayConfig() (PrepayConfig, bool) {
	if m.prepay == nil {
		return PrepayConfig{}, false
	}
	p := m.prepay
	return PrepayConfig{DebtRecoveryRateCap: m.settings.debtRecoveryCap, ECLimit: p.ECLimit, ECThreshold: p.ECThreshold,
		LowCredit: p.LowCredit, MaxMeterBalance: p.MaxCredit, MaxCreditThreshold: m.settings.maxCreditThreshold,
		NonDisablement: m.ndp}, true
}

// DebtUpdate is what 2.3 Update Debt sets.
type DebtUpdate struct {
	TimeDebt           Money // both time-based debt registers together
	TimeDebtRate       Money // recovered per day
	PaymentDebt        Money
	PaymentDebtPercent uint8 // of each top-up
}

// UpdateDebt replaces the meter's debt registers and recovery rates.
func (m *meter) UpdateDebt(now time.Time, d DebtUpdate) error {
	if m.prepay == nil {
		return fmt.Errorf("the meter has no prepayment settings")
	}
	if d.TimeDebt < 0 || d.PaymentDebt < 0 || d.TimeDebtRate < 0 || d.PaymentDebtPercent > 100 {
		return fmt.Errorf("debts and recovery rates must be positive, and at most 100%% of a top-up")
	}
	m.catchUp(now)
	p := m.prepay
	p.TimeDebt, p.TimeDebtRate, p.PaymentDebt, p.PaymentDebtPercent = d.TimeDebt, d.TimeDebtRate, d.PaymentDebt, d.PaymentDebtPercent
	m.replan(now)
	return nil
}

// NonDisablement returns the meter's non-disablement calendar, or nil.
func (m *meter) NonDisablement() *NonDisablement { return m.ndp }

// SetSupplierName sets the supplier's name and telephone number the meter displays, as 3.4 does.
func (m *meter) SetSupplierName(name, phone string) {
	m.settings.supplierName, m.settings.supplierPhone = name, phone
}

// SupplierName returns the supplier's name and telephone number on the meter's display.
func (m *meter) SupplierName() (name, phone string) {
	return m.settings.supplierName, m.settings.supplierPhone
}

// DisablePrivacyPIN turns off the PIN that protects the consumer's data on the meter's display,
// as 3.5 does.
func (m *meter) DisablePrivacyPIN() { m.settings.privacyPINDisabled = true }

// PrivacyPINDisabled reports whether 3.5 has turned the privacy PIN off.
func (m *meter) PrivacyPINDisabled() bool { return m.settings.privacyPINDisabled }

// RestrictAccess hides from the consumer's displays the data recorded before at, as 3.2
// Restrict Access for Change of Tenancy does.
func (m *meter) RestrictAccess(at time.Time) { m.settings.restrictedBefore = at.UTC() }

// AccessRestrictedBefore returns the instant before which data is hidden from the consumer, or
// the zero time.
func (m *meter) AccessRestrictedBefore() time.Time { return m.settings.restrictedBefore }

// ShowMessage puts a supplier message on the meter's own display, as 3.1 does for a GSME.
func (m *meter) ShowMessage(now time.Time, id uint32, text string) {
	m.settings.message = &Message{ID: id, Text: text, Received: now}
}

// DisplayedMessage returns the supplier message on the meter's own display, or nil.
func (m *meter) DisplayedMessage() *Message { return m.settings.message }

// ClearEventLog empties the device's event log, as 3.3 does; the security log is kept.
func (b *base) ClearEventLog() {
	if b.logs != nil {
		b.logs.event = logRing{}
	}
}

// QueueEmergencyCredit queues the activation of emergency credit for the GSME, as 2.5 for gas
// does; the GSME activates it at its next wake-up if it is available.
func (p *GPF) QueueEmergencyCredit(now time.Time) error {
	c := zcl.SelectAvailableEmergencyCredit{CommandIssueDateTime: utc(now), OriginatingDevice: zcl.OriginEnergyServiceInterface}
	return p.enqueue(zcl.ClusterPrepayment, &c, 0, 0, false)
}
