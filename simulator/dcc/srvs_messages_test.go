package dcc_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/dcc"
)

var messageTemplates = map[string]templateCase{
	"GCS07_3.1_SUCCESS_REQUEST_DUIS.XML": {rsp: "DisplayMessageRsp", check: func(e *env) {
		Expect(gasMeter(e).DisplayedMessage().Text).To(Equal("Reset"))
	}},
	"CS11_3.3_SUCCESS_REQUEST_DUIS.XML": {rsp: "ClearEventLogRsp",
		setup: func(e *env) {
			gasMeter(e).DisableSupply(e.f.Clock.Now())
			Expect(gasMeter(e).EventLog()).NotTo(BeEmpty())
		},
		check: func(e *env) { Expect(gasMeter(e).EventLog()).To(BeEmpty()) }},
	"ECS16_3.4_SUCCESS_REQUEST_DUIS.XML": {rsp: "UpdateSupplierNameRsp", check: func(e *env) {
		name, phone := elecMeter(e).SupplierName()
		Expect(name).To(Equal("E-ON"))
		Expect(phone).To(Equal("0333 202 4650"))
	}},
	"ECS14_3.5_SUCCESS_REQUEST_DUIS.XML": {rsp: "DisablePrivacyPINRsp", check: func(e *env) {
		Expect(elecMeter(e).PrivacyPINDisabled()).To(BeTrue())
	}},
}

var _ = Describe("Message and display SRVs", func() {
	var e *env
	BeforeEach(func() {
		requireJudges()
		e = newEnv(envOptions{})
		e.run(time.Minute)
	})

	DescribeTable("accept the DCC's templates as they are and change the device as the body says",
		func(name string, c templateCase) { runTemplateCase(e, name, c) },
		templateEntries(messageTemplates))

	It("shows an ESME's message on the PPMID over the HAN with 3.1", func() {
		Expect(e.serve(sendCommand, e.request(supplier, esme, 1, "3.1", "<sr:DisplayMessage><sr:SupplierMessage>Your tariff changes on 1 May</sr:SupplierMessage></sr:DisplayMessage>")).Code).To(Equal(dcc.I99))
		e.run(time.Minute)
		Expect(string(responseOf(e, supplier))).To(ContainSubstring(`<ra:DisplayMessageRsp MessageSuccess="true"`))
		Expect(elecMeter(e).DisplayedMessage().Text).To(Equal("Your tariff changes on 1 May"))
		Expect(ppmidOf(e).Message().Text).To(Equal("Your tariff changes on 1 May"))
	})

	It("gives a GSME its message only when it wakes", func() {
		Expect(e.serve(sendCommand, e.request(supplier, gsme, 1, "3.1", "<sr:DisplayMessage><sr:SupplierMessage>Hello</sr:SupplierMessage></sr:DisplayMessage>")).Code).To(Equal(dcc.I99))
		e.run(time.Minute)
		if gasMeter(e).NextWake().After(e.f.Clock.Now().Add(2 * time.Minute)) {
			Expect(gasMeter(e).DisplayedMessage()).To(BeNil())
		}
		e.settle(gsme)
		Expect(gasMeter(e).DisplayedMessage().Text).To(Equal("Hello"))
	})

	It("clears an ESME's event log with 3.3, keeping its security log", func() {
		m := elecMeter(e)
		m.DisableSupply(e.f.Clock.Now())
		Expect(m.EventLog()).NotTo(BeEmpty())
		Expect(e.serve(sendCommand, e.request(supplier, esme, 1, "3.3", "<sr:ClearEventLog><sr:ESMEEventLogType>ESME</sr:ESMEEventLogType></sr:ClearEventLog>")).Code).To(Equal(dcc.I99))
		e.run(time.Minute)
		Expect(codeOf(responseOf(e, supplier))).To(Equal("I0"))
		Expect(m.EventLog()).To(BeEmpty())
	})

	It("restricts access for a change of tenancy with 3.2", func() {
		at := "2026-03-27T00:00:00Z"
		Expect(e.serve(sendCommand, e.request(supplier, esme, 1, "3.2", "<sr:RestrictAccessForChangeOfTenancy><sr:RestrictionDateTime>"+at+"</sr:RestrictionDateTime></sr:RestrictAccessForChangeOfTenancy>")).Code).To(Equal(dcc.I99))
		e.run(time.Minute)
		Expect(string(responseOf(e, supplier))).To(ContainSubstring(`<ra:RestrictAccessForChangeOfTenancyRsp MessageSuccess="true"`))
		Expect(elecMeter(e).AccessRestrictedBefore()).To(Equal(time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC)))
	})

	DescribeTable("refuses a body that does not fit, naming the field",
		func(to devices.EUI64, variant, body, reason string) {
			ans := e.serve(sendCommand, e.request(supplier, to, 1, variant, body))
			Expect(ans.Code).To(Equal(dcc.E100))
			Expect(ans.Reason).To(ContainSubstring(reason))
		},
		Entry("an auxiliary load control log", esme, "3.3", "<sr:ClearEventLog><sr:ESMEEventLogType>ALCS</sr:ESMEEventLogType></sr:ClearEventLog>", "ESMEEventLogType ALCS"),
		Entry("a message longer than 116 characters", esme, "3.1", "<sr:DisplayMessage><sr:SupplierMessage>"+strings.Repeat("x", 117)+"</sr:SupplierMessage></sr:DisplayMessage>", "SupplierMessage"),
		Entry("a supplier name over 15 characters", gsme, "3.4", "<sr:UpdateSupplierName><sr:SupplierName>A very long supplier</sr:SupplierName><sr:SupplierTelephoneNumber>0800</sr:SupplierTelephoneNumber></sr:UpdateSupplierName>", "SupplierName"),
	)
})
