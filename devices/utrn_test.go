package devices_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
)

var _ = Describe("UTRNs", func() {
	key := devices.DeriveUTRNKey(1, euiESME)

	It("encode to 20 digits and decode back with the same key", func() {
		code, err := key.Encode(devices.UTRN{Amount: 2550 * devices.Penny, Counter: 42})
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(MatchRegexp(`^[0-9]{20}$`))
		u, err := key.Decode(code)
		Expect(err).NotTo(HaveOccurred())
		Expect(u).To(Equal(devices.UTRN{Amount: 2550 * devices.Penny, Counter: 42}))
	})

	It("fail with another meter's key, a changed digit or a wrong length", func() {
		code, _ := key.Encode(devices.UTRN{Amount: 10 * devices.Pound, Counter: 1})
		other := devices.DeriveUTRNKey(1, euiGSME)
		_, err := other.Decode(code)
		Expect(err).To(MatchError(devices.ErrUTRN))
		for i := 0; i < 20; i++ {
			b := []byte(code)
			b[i] = '0' + (b[i]-'0'+1)%10
			_, err := key.Decode(string(b))
			Expect(err).To(MatchError(devices.ErrUTRN), "digit %d changed", i+1)
		}
		_, err = key.Decode(code[:19])
		Expect(err).To(MatchError(ContainSubstring("want 20 digits")))
		_, err = key.Decode("1234567890123456789x")
		Expect(err).To(MatchError(ContainSubstring("not a digit")))
	})

	It("refuse amounts that are not whole pence or too large, and zero counters", func() {
		_, err := key.Encode(devices.UTRN{Amount: devices.Penny / 2, Counter: 1})
		Expect(err).To(HaveOccurred())
		_, err = key.Encode(devices.UTRN{Amount: 10_000 * devices.Pound, Counter: 1})
		Expect(err).To(HaveOccurred())
		_, err = key.Encode(devices.UTRN{Amount: devices.Pound, Counter: 0})
		Expect(err).To(HaveOccurred())
	})
})

var _ = Describe("Prepayment", func() {
	It("takes the payment-debt share of a top-up and refuses one past the credit cap", func() {
		p := newPremises(premisesOptions{esmeMode: devices.PrepaymentMode, esmePrepay: &devices.Prepayment{
			Balance: 5 * devices.Pound, MaxCredit: 50 * devices.Pound, PaymentDebt: 30 * devices.Pound, PaymentDebtPercent: 20}})
		key := p.esme.UTRNKey()
		code, _ := key.Encode(devices.UTRN{Amount: 20 * devices.Pound, Counter: 1})
		before := p.esme.Balance(p.now())
		Expect(p.esme.TopUpCode(p.now(), code).Accepted()).To(BeTrue())
		Expect(p.esme.Balance(p.now()) - before).To(Equal(16 * devices.Pound))
		Expect(p.esme.Prepayment().PaymentDebt).To(Equal(26 * devices.Pound))

		big, _ := key.Encode(devices.UTRN{Amount: 40 * devices.Pound, Counter: 2})
		Expect(p.esme.TopUpCode(p.now(), big)).To(Equal(devices.TopUpMaxCredit))
		Expect(p.rec.codes()).To(ContainElement(devices.AlertUTRNExceedsMaxCredit))
	})

	It("recovers time-based debt a little every half hour", func() {
		p := newPremises(premisesOptions{esmeMode: devices.PrepaymentMode, esmePrepay: &devices.Prepayment{
			Balance: 50 * devices.Pound, TimeDebt: 10 * devices.Pound, TimeDebtRate: 48 * devices.Penny}})
		p.run(24 * time.Hour)
		Expect(p.esme.Prepayment().TimeDebt).To(Equal(10*devices.Pound - 48*devices.Penny))
	})
})
