package dcc_test

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/dcc"
)

// critical sends a critical request through Transform (CV 4) and its Signed Pre-Command (CV 5)
// and returns the CV 5 answer.
func (e *env) critical(from, to devices.EUI64, variant, body string) dcc.Answer {
	ans := e.serve(transform, e.request(from, to, 4, variant, body))
	Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
	signed, err := dcc.SignPreCommand(signerKey(e, from), preCommandOf(ans.Body))
	Expect(err).NotTo(HaveOccurred())
	return e.serve(sendCommand, e.requestWithCounter(from, to, 5, variant, signedPreCommand(signed), e.counter))
}

// settle advances the clock far enough for the device addressed to answer: a minute, or past
// the GSME's next wake-up.
func (e *env) settle(to devices.EUI64) {
	if to == gsme {
		g := e.f.ByDevice(gsme).GSME
		e.run(g.NextWake().Sub(e.f.Clock.Now()) + time.Minute)
		return
	}
	e.run(time.Minute)
}

// responseOf returns the only asynchronous response among a user's messages.
func responseOf(e *env, user devices.EUI64) []byte {
	rsp := ofKind(e.outbox(user), "response")
	Expect(rsp).To(HaveLen(1))
	return rsp[0].Body
}

var (
	templateRequestID = regexp.MustCompile(`<sr:RequestID>[^<]+</sr:RequestID>`)
	templateSignature = regexp.MustCompile(`(?s)<ds:Signature[ >].*</ds:Signature>`)
	templateHeader    = regexp.MustCompile(`<sr:CommandVariant>(\d)</sr:CommandVariant>\s*<sr:ServiceReference>[^<]+</sr:ServiceReference>\s*<sr:ServiceReferenceVariant>([^<]+)</sr:ServiceReferenceVariant>`)
	templateTarget    = regexp.MustCompile(`<sr:RequestID>[^:]+:([^:]+):`)
	templateExecution = regexp.MustCompile(`<sr:ExecutionDateTime>([^<]+)</sr:ExecutionDateTime>`)
)

// sendTemplate sends a DCC template request as it is, but from the fixture user to the matching
// default-fleet device with a fresh counter and the user's own signature, through Transform and
// the Signed Pre-Command when it is critical; exec, when set, replaces its execution date-time.
// It returns the acknowledgement.
func (e *env) sendTemplate(name string, exec *time.Time) dcc.Answer {
	path := sharedFile("reference/duis-templates/templates/" + name)
	if path == "" {
		Skip("../shared/reference/duis-templates not found beside the repository")
	}
	raw, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	doc := string(raw)
	h := templateHeader.FindStringSubmatch(doc)
	Expect(h).NotTo(BeNil(), "no header in %s", name)
	cv, variant := h[1], h[2]
	to := eui(templateTarget.FindStringSubmatch(doc)[1])
	e.counter++
	doc = templateRequestID.ReplaceAllString(doc, "<sr:RequestID>"+supplier.String()+":"+to.String()+":"+strconv.FormatUint(e.counter, 10)+"</sr:RequestID>")
	doc = templateSignature.ReplaceAllString(doc, "")
	if exec != nil {
		Expect(templateExecution.MatchString(doc)).To(BeTrue(), "%s is not future-dated", name)
		doc = templateExecution.ReplaceAllString(doc, "<sr:ExecutionDateTime>"+exec.UTC().Format("2006-01-02T15:04:05Z")+"</sr:ExecutionDateTime>")
	}
	signed, err := e.signers[supplier].Sign([]byte(doc))
	Expect(err).NotTo(HaveOccurred())
	if cv == "4" {
		ans := e.serve(transform, signed)
		Expect(ans.Code).To(Equal(dcc.I0), ans.Reason)
		pre, err := dcc.SignPreCommand(signerKey(e, supplier), preCommandOf(ans.Body))
		Expect(err).NotTo(HaveOccurred())
		signed = e.requestWithCounter(supplier, to, 5, variant, signedPreCommand(pre), e.counter)
	}
	ans := e.serve(sendCommand, signed)
	Expect(ans.Code).To(Equal(dcc.I99), ans.Reason)
	return ans
}

// runTemplate sends a template (a future-dated one for an hour ahead, and lets the hour pass) and
// returns the device's response.
func (e *env) runTemplate(name string) []byte {
	to := e.templateTarget(name)
	if e.templateFutureDated(name) {
		at := e.f.Clock.Now().Add(time.Hour)
		e.sendTemplate(name, &at)
		e.run(time.Hour)
	} else {
		e.sendTemplate(name, nil)
	}
	e.settle(to)
	doc := responseOf(e, supplier)
	Expect(codeOf(doc)).To(Equal("I0"))
	return doc
}

func (e *env) templateDoc(name string) string {
	path := sharedFile("reference/duis-templates/templates/" + name)
	if path == "" {
		Skip("../shared/reference/duis-templates not found beside the repository")
	}
	raw, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	return string(raw)
}

func (e *env) templateTarget(name string) devices.EUI64 {
	return eui(templateTarget.FindStringSubmatch(e.templateDoc(name))[1])
}

func (e *env) templateFutureDated(name string) bool {
	return templateExecution.MatchString(e.templateDoc(name))
}

// templateCancels says whether a template is a cancellation: DUIS cancels a user's future-dated
// requests of an SRV for a device with the execution date-time 3000-12-31T00:00:00.
func (e *env) templateCancels(name string) bool {
	m := templateExecution.FindStringSubmatch(e.templateDoc(name))
	return m != nil && strings.HasPrefix(m[1], "3000-12-31T00:00:00")
}

// templateCase is one DCC template: the response element it must produce and what the device
// must then hold.
type templateCase struct {
	rsp   string
	setup func(e *env)
	check func(e *env)
}

func templateEntries(cases map[string]templateCase) []TableEntry {
	var out []TableEntry
	for name, c := range cases {
		out = append(out, Entry(name, name, c))
	}
	return out
}

func runTemplateCase(e *env, name string, c templateCase) {
	if c.setup != nil {
		c.setup(e)
	}
	if e.templateCancels(name) {
		// A cancellation: first hold the same request for an hour ahead, then cancel it. The
		// cancellation is answered at once, the held request never reaches the device, and the
		// device is not changed as the body says.
		to := e.templateTarget(name)
		at := e.f.Clock.Now().Add(time.Hour)
		e.sendTemplate(name, &at)
		e.sendTemplate(name, nil)
		e.settle(to)
		doc := responseOf(e, supplier)
		Expect(codeOf(doc)).To(Equal("I0"))
		Expect(string(doc)).NotTo(ContainSubstring("<ra:"), "a cancellation carries no device payload")
		e.run(2 * time.Hour)
		Expect(ofKind(e.outbox(supplier), "response")).To(BeEmpty(), "the cancelled request must not run")
		Expect(checkFails(e, c.check)).To(BeTrue(), "the cancelled request changed the device")
		// The same body sent for execution now does change it: the body is read as it says.
		now := e.f.Clock.Now()
		e.sendTemplate(name, &now)
		e.settle(to)
		doc = responseOf(e, supplier)
		Expect(string(doc)).To(ContainSubstring(`<ra:` + c.rsp + ` MessageSuccess="true"`))
		c.check(e)
		return
	}
	doc := e.runTemplate(name)
	Expect(string(doc)).To(ContainSubstring(`<ra:` + c.rsp + ` MessageSuccess="true"`))
	c.check(e)
}

// checkFails reports whether a device check does not hold (a failed expectation, or a panic on
// state the update would have created).
func checkFails(e *env, check func(*env)) (failed bool) {
	defer func() {
		if recover() != nil {
			failed = true
		}
	}()
	return len(InterceptGomegaFailures(func() { check(e) })) > 0
}

func elecTariff(e *env) *devices.Tariff       { return e.f.ByDevice(esme).ESME.Tariff() }
func gasTariff(e *env) *devices.Tariff        { return e.f.ByDevice(gsme).GSME.Tariff() }
func ppmidOf(e *env) *devices.PPMID           { return e.f.ByDevice(ppmid).PPMID }
func money(pence float64) devices.Money       { return devices.Pence(pence) }
func tiers(t *devices.Tariff) []devices.Money { return t.TierPrices[:] }

var tariffTemplates = map[string]templateCase{
	"ECS01a_1.1.1_IMMEDIATE_TOU_SUCCESS_REQUEST_DUIS.XML": {rsp: "UpdateImportTariffPrimaryElementRsp", check: func(e *env) {
		t := elecTariff(e)
		// 2121 × 10^-5 £ = 2.121p; the standing charge 20000 × 10^-5 £ = 20p a day.
		Expect(tiers(t)).To(Equal([]devices.Money{21210, 31270, 47440, 0}))
		Expect(t.StandingCharge).To(Equal(money(20)))
		Expect(t.Calendar.Days).To(HaveLen(3))
		Expect(t.Calendar.Seasons).To(HaveLen(2))
		// The PPMID was sent the price now in force.
		now := e.f.Clock.Now()
		price, _, _ := t.ActivePrice(now, 0)
		Expect(ppmidOf(e).Electricity().Price).To(Equal(price))
	}},
	"ECS01a_1.1.1_CANCELLATION_TOU_BLOCK_SUCCESS_REQUEST_DUIS.XML": {rsp: "UpdateImportTariffPrimaryElementRsp", check: func(e *env) {
		t := elecTariff(e)
		Expect(t.Kind).To(Equal(devices.TariffBlock))
		Expect(t.Calendar.BlockSets).To(HaveLen(8))
		Expect(t.Calendar.BlockSets[0].Prices[:2]).To(Equal([]devices.Money{22890, 35460}))
		Expect(t.Calendar.BlockSets[1].Prices[:2]).To(Equal([]devices.Money{40020, 69690}))
		Expect(t.TierPrices[0]).To(Equal(devices.Money(21210)))
		// 10000 Wh is 10 kWh; 4294967295 is no threshold.
		Expect(t.Calendar.BlockSets[0].Thresholds).To(Equal([3]uint32{10, 0, 0}))
		Expect(t.Calendar.BlockSets[1].Thresholds).To(Equal([3]uint32{40, 0, 0}))
		Expect(t.BlockThresholds).To(Equal([3]uint32{10, 0, 0}))
	}},
	"ECS01b_1.2.1_IMMEDIATE_BLOCK_SUCCESS_REQUEST_DUIS.XML": {rsp: "UpdatePricePrimaryElementRsp", check: func(e *env) {
		t := elecTariff(e)
		Expect(t.BlockPrices[:3]).To(Equal([]devices.Money{23610, 42890, 65660}))
		Expect(t.StandingCharge).To(Equal(money(20)))
		// A price update keeps the switching table: Economy 7's switches are still there.
		Expect(t.Switches).To(HaveLen(2))
		Expect(t.Kind).To(Equal(devices.TariffTOU))
	}},
	"ECS01c_1.1.2_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML": {rsp: "UpdateImportTariffSecondaryElementRsp", check: func(e *env) {
		t := e.f.ByDevice(esme).ESME.SecondaryTariff()
		Expect(t).NotTo(BeNil())
		Expect(tiers(t)).To(Equal([]devices.Money{101000, 0, 123000, 134000}))
		Expect(t.Calendar.Days[1]).To(HaveLen(3))
		// The primary element is untouched.
		Expect(elecTariff(e).Label).To(Equal("Economy 7"))
	}},
	"ECS01d_1.2.2_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML": {rsp: "UpdatePriceSecondaryElementRsp", check: func(e *env) {
		Expect(tiers(e.f.ByDevice(esme).ESME.SecondaryTariff())).To(Equal([]devices.Money{10100, 11200, 12300, 13400}))
	}},
	"GCS01a_1.1.1_IMMEDIATE_TOU_SUCCESS_REQUEST_DUIS.XML": {rsp: "UpdateImportTariffPrimaryElementRsp", check: func(e *env) {
		t := gasTariff(e)
		// Gas prices in £0.00001: 9600 is 9.6p/kWh.
		Expect(tiers(t)).To(Equal([]devices.Money{96000, 102000, 107500, 110000}))
		Expect(t.StandingCharge).To(Equal(devices.Money(224650)))
		Expect(t.CalorificValue).NotTo(BeZero()) // kept from the meter's configuration
		// Late March, a weekday: season 1 (from 20 March), week 1, day profile 1 → tier 1.
		price, tier, _ := t.ActivePrice(e.f.Clock.Now(), 0)
		Expect(tier).To(Equal(0))
		Expect(ppmidOf(e).Gas().Price).To(Equal(price))
		Expect(price).To(Equal(devices.Money(96000)))
	}},
	"GCS01b_1.2.1_IMMEDIATE_TOU_SUCCESS_REQUEST_DUIS.XML": {rsp: "UpdatePricePrimaryElementRsp", check: func(e *env) {
		t := gasTariff(e)
		Expect(tiers(t)).To(Equal([]devices.Money{96000, 102000, 107500, 110000}))
		Expect(ppmidOf(e).Gas().Price).To(Equal(devices.Money(96000)))
	}},
}

var _ = Describe("Tariff SRVs", func() {
	var e *env
	BeforeEach(func() {
		requireJudges()
		e = newEnv(envOptions{})
		e.run(time.Minute)
	})

	DescribeTable("accept the DCC's templates as they are and change the device as the body says",
		func(name string, c templateCase) { runTemplateCase(e, name, c) },
		templateEntries(tariffTemplates))

	It("prices consumption by the new tariff's switching table (1.1.1 → the meter charges by it)", func() {
		body := `<sr:UpdateImportTariffPrimaryElement><sr:ElecTariffElements><sr:CurrencyUnits>GBP</sr:CurrencyUnits><sr:SwitchingTable>` +
			`<sr:DayProfiles><sr:DayProfile><sr:DayName>1</sr:DayName><sr:ProfileSchedule><sr:StartTime>00:00:00</sr:StartTime><sr:TOUTariffAction>1</sr:TOUTariffAction></sr:ProfileSchedule>` +
			`<sr:ProfileSchedule><sr:StartTime>12:00:00</sr:StartTime><sr:TOUTariffAction>2</sr:TOUTariffAction></sr:ProfileSchedule></sr:DayProfile></sr:DayProfiles>` +
			`<sr:WeekProfiles><sr:WeekProfile><sr:WeekName>1</sr:WeekName>` + weekOf(1) + `</sr:WeekProfile></sr:WeekProfiles>` +
			`<sr:Seasons><sr:Season><sr:SeasonName>all</sr:SeasonName><sr:SeasonStartDate>` + anyDate + `</sr:SeasonStartDate><sr:ReferencedWeekName>1</sr:ReferencedWeekName></sr:Season></sr:Seasons>` +
			`</sr:SwitchingTable><sr:SpecialDays/><sr:ThresholdMatrix>` + noThresholds + `</sr:ThresholdMatrix></sr:ElecTariffElements>` +
			`<sr:PriceElements><sr:ElectricityPriceElements><sr:StandingCharge>0</sr:StandingCharge><sr:StandingChargeScale>-5</sr:StandingChargeScale><sr:PriceScale>-5</sr:PriceScale>` +
			`<sr:TOUTariff><sr:TOUPrice index="1">10000</sr:TOUPrice><sr:TOUPrice index="2">30000</sr:TOUPrice></sr:TOUTariff></sr:ElectricityPriceElements></sr:PriceElements></sr:UpdateImportTariffPrimaryElement>`
		Expect(e.critical(supplier, esme, "1.1.1", body).Code).To(Equal(dcc.I99))
		e.run(time.Minute)
		Expect(string(responseOf(e, supplier))).To(ContainSubstring(`<ra:UpdateImportTariffPrimaryElementRsp MessageSuccess="true"`))
		t := elecTariff(e)
		day := devices.LocalDayStart(e.f.Clock.Now())
		p, tier, _ := t.ActivePrice(day.Add(11*time.Hour), 0)
		Expect(p).To(Equal(money(10)))
		Expect(tier).To(Equal(0))
		p, tier, _ = t.ActivePrice(day.Add(13*time.Hour), 0)
		Expect(p).To(Equal(money(30)))
		Expect(tier).To(Equal(1))
		// The prepayment balance now falls at the new prices: read it back with 4.18.
		m := e.f.ByDevice(esme).ESME
		before := m.Balance(e.f.Clock.Now())
		e.run(2 * time.Hour)
		charged := before - m.Balance(e.f.Clock.Now())
		Expect(charged).To(BeNumerically(">", 0))
		e.serve(sendCommand, e.request(supplier, esme, 1, "4.18", "<sr:ReadMeterBalance/>"))
		e.run(time.Minute)
		bal, err := strconv.ParseInt(field(responseOf(e, supplier), "MeterBalance"), 10, 64)
		Expect(err).NotTo(HaveOccurred())
		Expect(devices.Money(bal * 10)).To(BeNumerically("~", m.Balance(e.f.Clock.Now()), 5*devices.Penny))
	})

	It("resets the tariff block counters with 1.7", func() {
		m := e.f.ByDevice(esme).ESME
		e.run(3 * time.Hour)
		Expect(m.BlockCounters(e.f.Clock.Now())[0]).To(BeNumerically(">", 0))
		Expect(e.critical(supplier, esme, "1.7", "<sr:ResetTariffBlockCounterMatrix/>").Code).To(Equal(dcc.I99))
		e.run(time.Minute)
		Expect(string(responseOf(e, supplier))).To(ContainSubstring(`<ra:ResetTariffBlockCounterMatrixRsp MessageSuccess="true"`))
		Expect(m.BlockCounters(e.f.Clock.Now())).To(Equal([devices.MaxBlocks]uint64{}))
	})

	DescribeTable("refuses a body that does not fit, at Transform, naming the field",
		func(to devices.EUI64, variant, body, reason string) {
			ans := e.serve(transform, e.request(supplier, to, 4, variant, body))
			Expect(ans.Code).To(Equal(dcc.E100))
			Expect(ans.Reason).To(ContainSubstring(reason))
			Expect(codeOf(ans.Body)).To(Equal("E100"))
		},
		Entry("a fifth TOU price", esme, "1.2.1", elecPrices(`<sr:TOUTariff><sr:TOUPrice index="5">1000</sr:TOUPrice></sr:TOUTariff>`), "TOUPrice index 5"),
		Entry("a negative price", esme, "1.2.1", elecPrices(`<sr:TOUTariff><sr:TOUPrice index="1">-1000</sr:TOUPrice></sr:TOUTariff>`), "tier 1 price is negative"),
		Entry("electricity prices for a gas meter", gsme, "1.2.1", elecPrices(`<sr:TOUTariff><sr:TOUPrice index="1">1000</sr:TOUPrice></sr:TOUTariff>`), "takes GasPriceElements"),
		Entry("a secondary price for a tier the meter lacks", esme, "1.2.2",
			`<sr:UpdatePriceSecondaryElement><sr:PriceElements><sr:PriceScale>-5</sr:PriceScale><sr:ElectricityPriceElement index="4">1</sr:ElectricityPriceElement><sr:ElectricityPriceElement index="4">x</sr:ElectricityPriceElement></sr:PriceElements></sr:UpdatePriceSecondaryElement>`,
			"ElectricityPriceElement 4"),
	)

	It("lets the S1SP stop a price above its limit, without quarantine, and leaves the tariff alone", func() {
		e = newEnv(envOptions{dataLimits: dcc.DataLimits{MaxTopUp: 500 * devices.Pound, MaxPrice: 50 * devices.Penny}})
		before := *elecTariff(e)
		Expect(e.critical(supplier, esme, "1.2.1", elecPrices(`<sr:TOUTariff><sr:TOUPrice index="1">100000</sr:TOUPrice></sr:TOUTariff>`)).Code).To(Equal(dcc.I99))
		e.run(time.Minute)
		msgs := e.outbox(supplier)
		Expect(msgs).To(HaveLen(1))
		Expect(field(msgs[0].Body, "S1SPAlertCode")).To(Equal(dcc.S1SPDataValueAlert))
		Expect(string(msgs[0].Body)).To(ContainSubstring("£1.00/kWh is above the S1SP's limit of £0.50/kWh"))
		Expect(elecTariff(e).TierPrices).To(Equal(before.TierPrices))
		// 40p passes.
		Expect(e.critical(supplier, esme, "1.2.1", elecPrices(`<sr:TOUTariff><sr:TOUPrice index="1">40000</sr:TOUPrice></sr:TOUTariff>`)).Code).To(Equal(dcc.I99))
		e.run(time.Minute)
		Expect(elecTariff(e).TierPrices[0]).To(Equal(money(40)))
	})
})

const anyDate = `<sr:Year><sr:NonSpecifiedYear/></sr:Year><sr:Month><sr:SpecifiedMonth>1</sr:SpecifiedMonth></sr:Month>` +
	`<sr:DayOfMonth><sr:SpecifiedDayOfMonth>1</sr:SpecifiedDayOfMonth></sr:DayOfMonth><sr:DayOfWeek><sr:NonSpecifiedDayOfWeek/></sr:DayOfWeek>`

var noThresholds = func() string {
	var b strings.Builder
	for i := 1; i <= 8; i++ {
		b.WriteString(`<sr:Thresholds index="` + strconv.Itoa(i) + `"><sr:BlockThreshold index="1">4294967295</sr:BlockThreshold></sr:Thresholds>`)
	}
	return b.String()
}()

func weekOf(day int) string {
	var b strings.Builder
	for i := 1; i <= 7; i++ {
		b.WriteString(`<sr:ReferencedDayName index="` + strconv.Itoa(i) + `">` + strconv.Itoa(day) + `</sr:ReferencedDayName>`)
	}
	return b.String()
}

func elecPrices(tariff string) string {
	return `<sr:UpdatePricePrimaryElement><sr:PriceElements><sr:ElectricityPriceElements><sr:StandingCharge>20000</sr:StandingCharge>` +
		`<sr:StandingChargeScale>-5</sr:StandingChargeScale><sr:PriceScale>-5</sr:PriceScale>` + tariff +
		`</sr:ElectricityPriceElements></sr:PriceElements></sr:UpdatePricePrimaryElement>`
}
