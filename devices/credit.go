package devices

import "fmt"

// PaymentMode is how a meter's consumption is paid for.
type PaymentMode uint8

// Payment modes.
const (
	CreditMode PaymentMode = iota
	PrepaymentMode
)

// String names the payment mode as fleets and reports write it.
func (p PaymentMode) String() string {
	if p == PrepaymentMode {
		return "prepayment"
	}
	return "credit"
}

// ParsePaymentMode reads "credit" or "prepayment".
func ParsePaymentMode(s string) (PaymentMode, error) {
	switch s {
	case "credit":
		return CreditMode, nil
	case "prepayment", "prepay":
		return PrepaymentMode, nil
	}
	return 0, fmt.Errorf("unknown payment mode %q (want credit or prepayment)", s)
}

// Prepayment holds a prepayment meter's credit and debt. Balance is the meter balance; it goes
// below zero while emergency credit or friendly credit is being used.
type Prepayment struct {
	Balance Money
	// Emergency credit: available once Balance ≤ ECThreshold, activated by the consumer (PPMID
	// or meter button), worth ECLimit below zero, repaid by the next top-ups.
	ECLimit     Money
	ECThreshold Money
	ECActive    bool
	// DisableThreshold is the balance below which (after any emergency credit) supply is
	// disabled, outside non-disablement periods.
	DisableThreshold Money
	LowCredit        Money
	MaxCredit        Money // a top-up that would take Balance above this is refused; 0 = no cap
	// Time-based debt is recovered at TimeDebtRate a day; payment-based debt takes
	// PaymentDebtPercent of each top-up.
	TimeDebt           Money
	TimeDebtRate       Money
	PaymentDebt        Money
	PaymentDebtPercent uint8
	TotalCreditAdded   Money
	// Friendly is set while the meter is out of credit inside a non-disablement period.
	Friendly bool

	utrnSeen [4]uint32 // counters of the last accepted UTRNs, against replays
	utrnTop  uint32
	lowSent  bool
	ecSent   bool
}

// DefaultPrepayment returns the prepayment settings a newly installed SMETS1 prepayment meter has
// in smetsim's fleets: £5 emergency credit available below £1, low-credit warning at £2, supply
// disabled below zero, top-ups capped at £250.
func DefaultPrepayment(balance Money) *Prepayment {
	return &Prepayment{
		Balance:     balance,
		ECLimit:     5 * Pound,
		ECThreshold: 1 * Pound,
		LowCredit:   2 * Pound,
		MaxCredit:   250 * Pound,
	}
}

// Available is the credit the consumer can still use before disablement.
func (p *Prepayment) Available() Money {
	a := p.Balance - p.DisableThreshold
	if p.ECActive {
		a += p.ECLimit
	}
	return a
}

// Exhausted reports whether credit, including any activated emergency credit, has run out.
func (p *Prepayment) Exhausted() bool { return p.Available() <= 0 }

// ECAvailable reports whether the consumer may activate emergency credit now.
func (p *Prepayment) ECAvailable() bool {
	return !p.ECActive && p.ECLimit > 0 && p.Balance <= p.ECThreshold
}

// ECRemaining is the emergency credit not yet used.
func (p *Prepayment) ECRemaining() Money {
	if !p.ECActive {
		return p.ECLimit
	}
	return p.ECLimit + min(p.Balance, 0)
}

// charge takes an amount of consumption or standing charge and the share of time-based debt due
// in the same period.
func (p *Prepayment) charge(amount, debtShare Money) {
	p.Balance -= amount
	if d := min(p.TimeDebt, debtShare); d > 0 {
		p.Balance -= d
		p.TimeDebt -= d
	}
}

// CreditStatus returns the Prepayment cluster's CreditStatus bitmap (SE 1.2 Prepayment cluster):
// bit 0 credit OK, 1 low credit, 2 emergency credit enabled, 3 available, 4 selected, 5 in use,
// 6 credit exhausted.
func (p *Prepayment) CreditStatus() uint8 {
	var s uint8
	if !p.Exhausted() && p.Balance > p.LowCredit {
		s |= 1
	}
	if p.Balance <= p.LowCredit {
		s |= 1 << 1
	}
	if p.ECLimit > 0 {
		s |= 1 << 2
	}
	if p.ECAvailable() {
		s |= 1 << 3
	}
	if p.ECActive {
		s |= 1 << 4
		if p.Balance < 0 {
			s |= 1 << 5
		}
	}
	if p.Exhausted() {
		s |= 1 << 6
	}
	return s
}

// TopUpResult is the outcome of a top-up, with the ZCL ConsumerTopUpResponse result codes.
type TopUpResult uint8

// Top-up outcomes (SE 1.2 Prepayment cluster, ConsumerTopUpResponse ResultType).
const (
	TopUpAccepted       TopUpResult = 0x00
	TopUpInvalid        TopUpResult = 0x01
	TopUpDuplicate      TopUpResult = 0x02
	TopUpError          TopUpResult = 0x03
	TopUpMaxCredit      TopUpResult = 0x04
	TopUpKeypadLock     TopUpResult = 0x05
	TopUpTooLarge       TopUpResult = 0x06
	TopUpSupplyEnabled  TopUpResult = 0x10
	TopUpSupplyDisabled TopUpResult = 0x11
	TopUpSupplyArmed    TopUpResult = 0x12
)

var topUpNames = map[TopUpResult]string{
	TopUpAccepted: "accepted", TopUpInvalid: "rejected: invalid top-up", TopUpDuplicate: "rejected: duplicate top-up",
	TopUpError: "rejected: error", TopUpMaxCredit: "rejected: maximum credit reached", TopUpKeypadLock: "rejected: keypad lock",
	TopUpTooLarge: "rejected: top-up value too large", TopUpSupplyEnabled: "accepted: supply enabled",
	TopUpSupplyDisabled: "accepted: supply disabled", TopUpSupplyArmed: "accepted: supply armed",
}

// String describes the result.
func (r TopUpResult) String() string {
	if s, ok := topUpNames[r]; ok {
		return s
	}
	return fmt.Sprintf("TopUpResult(%#02x)", uint8(r))
}

// Accepted reports whether the top-up added credit.
func (r TopUpResult) Accepted() bool { return r == TopUpAccepted || r >= TopUpSupplyEnabled }

// applyTopUp checks a decoded UTRN against replays and the credit cap and adds its value.
func (p *Prepayment) applyTopUp(u UTRN) TopUpResult {
	if u.Counter <= p.utrnTop-min(p.utrnTop, 1<<16) {
		return TopUpDuplicate
	}
	for _, c := range p.utrnSeen {
		if c == u.Counter && c != 0 {
			return TopUpDuplicate
		}
	}
	if p.MaxCredit > 0 && p.Balance+u.Amount > p.MaxCredit {
		return TopUpMaxCredit
	}
	copy(p.utrnSeen[1:], p.utrnSeen[:3])
	p.utrnSeen[0] = u.Counter
	p.utrnTop = max(p.utrnTop, u.Counter)
	debt := min(p.PaymentDebt, u.Amount*Money(p.PaymentDebtPercent)/100)
	p.PaymentDebt -= debt
	p.Balance += u.Amount - debt
	p.TotalCreditAdded += u.Amount
	if p.ECActive && p.Balance >= 0 {
		p.ECActive = false
	}
	if p.Balance > p.LowCredit {
		p.lowSent = false
	}
	if p.Balance > p.ECThreshold {
		p.ecSent = false
	}
	return TopUpAccepted
}
