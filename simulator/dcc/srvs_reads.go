package dcc

import (
	"strconv"
	"strings"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/simulator/duis"
)

// The 4.x reads: each answers from the device's own state (registers, logs, tariff, prepayment
// settings) at the instant the device answers. Gas reads are answered from the GPF's mirror, as
// the S1SP does while the GSME sleeps (4.1.1 and 4.18 do the same in srvs.go); a mirror that has
// not yet heard from its GSME answers E21.
//
// Units, where the public material leaves them open (smetsim's decisions):
//   - electricity energy in Wh and power in W; gas volumes, including the gas TOU and block
//     registers, in m³ with three decimals (the GSME counts dm³);
//   - money (balances, credit, debt, thresholds) in units of 1/100,000 of a pound, as 4.18 writes
//     the meter balance;
//   - prices as value × 10^scale millipence, with the smallest scale that fits the schema's type;
//   - log timestamps in UTC; daily logs are taken at UK local midnight, profile entries are
//     stamped with the end of their half hour.
func init() {
	register(map[string]impl{
		"4.1.2":  {exec: readTOUMatrices, check: bodyIs("ReadInstantaneousImportTOUMatrices")},
		"4.1.3":  {exec: readTOUWithBlocks, check: bodyIs("ReadInstantaneousImportTOUWithBlocksMatrices")},
		"4.1.4":  {exec: readBlockCounters, check: bodyIs("ReadInstantaneousImportBlockCounters")},
		"4.2":    {exec: readExportRegisters, check: bodyIs("ReadInstantaneousExportRegisters")},
		"4.3":    {exec: readPrepayValues, check: bodyIs("ReadInstantaneousPrepayValues")},
		"4.4.2":  {exec: readChangeLog, check: logBody("RetrieveCoMOrTariffTriggeredBillingDataLog")},
		"4.4.3":  {exec: readBillingLog, check: electricityOnly(logBody("RetrieveBillingCalendarTriggeredBillingDataLog"))},
		"4.4.4":  {exec: readDebtPayments, check: electricityOnly(logBody("RetrieveBillingDataLogDebtPayments"))},
		"4.4.5":  {exec: readCredits, check: logBody("RetrieveBillingDataLogPrepaymentCredits")},
		"4.6.1":  {exec: readImportDailyLog, check: logBody("RetrieveImportDailyReadLog")},
		"4.6.2":  {exec: readExportDailyLog, check: logBody("RetrieveExportDailyReadLog")},
		"4.8.1":  {exec: readActiveImportProfile, check: electricityOnly(logBody("ReadActiveImportProfileData"))},
		"4.8.2":  {exec: readReactiveImportProfile, check: logBody("ReadReactiveImportProfileData")},
		"4.8.3":  {exec: readExportProfile, check: logBody("ReadExportProfileData")},
		"4.10":   {exec: readNetworkData, check: logBody("ReadNetworkData")},
		"4.11.1": {exec: readTariffPrimary, check: bodyIs("ReadTariffPrimaryElement")},
		"4.11.2": {exec: readTariffSecondary, check: bodyIs("ReadTariffSecondaryElement")},
		"4.12.1": {exec: readMaxDemandImport, check: bodyIs("ReadMaximumDemandImportRegisters")},
		"4.12.2": {exec: readMaxDemandExport, check: bodyIs("ReadMaximumDemandExportRegisters")},
		"4.13":   {exec: readPrepaymentConfiguration, check: bodyIs("ReadPrepaymentConfiguration")},
		"4.14":   {exec: readPrepaymentDailyLog, check: logBody("ReadPrepaymentDailyReadLog")},
		"4.15":   {exec: readLoadLimitData, check: bodyIs("ReadLoadLimitData")},
		"4.16":   {exec: readActivePowerImport, check: bodyIs("ReadActivePowerImport")},
		"4.17":   {exec: readDailyConsumptionLog, check: logBody("RetrieveDailyConsumptionLog")},
	})
}

// bodyIs checks that the body is the SRV's element.
func bodyIs(name string) func(*DCC, *call, *duis.Request) *failure {
	return func(_ *DCC, c *call, req *duis.Request) *failure {
		if req.Body.Name != name {
			return fail(E100, "Body: %s takes sr:%s, not sr:%s", c.srv.Variant, name, req.Body.Name)
		}
		return nil
	}
}

// logBody checks that the body is the SRV's element and carries a readable ReadLogPeriod.
func logBody(name string) func(*DCC, *call, *duis.Request) *failure {
	is := bodyIs(name)
	return func(d *DCC, c *call, req *duis.Request) *failure {
		if f := is(d, c, req); f != nil {
			return f
		}
		_, _, f := logPeriod(req)
		return f
	}
}

// electricityOnly refuses a gas device for reads smetsim does not yet carry out on gas, because
// the GPF's mirror does not hold the log they need.
func electricityOnly(next func(*DCC, *call, *duis.Request) *failure) func(*DCC, *call, *duis.Request) *failure {
	return func(d *DCC, c *call, req *duis.Request) *failure {
		if c.device.Kind != devices.KindESME {
			return fail(E100, "smetsim does not execute %s %s for a %s yet: the GPF's mirror does not hold that log", c.srv.Variant, c.srv.Name, c.device.Kind)
		}
		return next(d, c, req)
	}
}

type logPeriodBody struct {
	Period *struct {
		Start *string `xml:"StartDateTime"`
		End   *string `xml:"EndDateTime"`
	} `xml:"ReadLogPeriod"`
}

// logPeriod reads the body's ReadLogPeriod. An xs:dateTime without a time zone is taken as UTC,
// the zone of every DUIS timestamp.
func logPeriod(req *duis.Request) (from, to time.Time, f *failure) {
	var b logPeriodBody
	if err := req.Body.Decode(&b); err != nil {
		return from, to, fail(E100, "%s: %v", req.Body.Name, err)
	}
	if b.Period == nil {
		return from, to, fail(E100, "%s/ReadLogPeriod is missing", req.Body.Name)
	}
	if b.Period.Start == nil || b.Period.End == nil {
		return from, to, fail(E100, "%s/ReadLogPeriod needs StartDateTime and EndDateTime", req.Body.Name)
	}
	parse := func(field, s string) (time.Time, *failure) {
		s = strings.TrimSpace(s)
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), nil
			}
		}
		return time.Time{}, fail(E100, "%s/ReadLogPeriod/%s: %q is not an xs:dateTime", req.Body.Name, field, s)
	}
	if from, f = parse("StartDateTime", *b.Period.Start); f != nil {
		return
	}
	if to, f = parse("EndDateTime", *b.Period.End); f != nil {
		return
	}
	if to.Before(from) {
		return from, to, fail(E100, "%s/ReadLogPeriod/EndDateTime %s is before StartDateTime %s", req.Body.Name, to.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	return from, to, nil
}

func jobPeriod(j *job) (time.Time, time.Time, *failure) { return logPeriod(j.orig) }

func inRange(t, from, to time.Time) bool { return !t.Before(from) && !t.After(to) }

func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func itoa(v uint64) string { return strconv.FormatUint(v, 10) }

func index(i int) duis.Attr { return duis.Attr{Name: "index", Value: strconv.Itoa(i)} }

// gasMoney converts a ZCL Prepayment amount (0.01p) to the MMC's money units.
func gasMoney(v int64) string { return strconv.FormatInt(v*10, 10) }

// mirror returns the GPF's mirror, or E21 if it has not yet heard from the GSME.
func mirror(j *job) (devices.GasMirror, *failure) {
	mr := j.p.GPF.Mirror()
	if !mr.Valid {
		return mr, fail(E21, "the GPF holds no reading yet: the GSME has not woken since installation")
	}
	return mr, nil
}

// periodLog reads a log request's period and the meter's log: a GSME's as its GPF mirrors it
// (gas), an ESME's own (elec).
func periodLog[T any](j *job, gas func(devices.GasMirror) []T, elec func() []T) (from, to time.Time, log []T, f *failure) {
	if from, to, f = jobPeriod(j); f != nil {
		return from, to, nil, f
	}
	if !isGas(j) {
		return from, to, elec(), nil
	}
	mr, f := mirror(j)
	if f != nil {
		return from, to, nil, f
	}
	return from, to, gas(mr), nil
}

// inPeriod keeps the entries whose time (at) falls within the period.
func inPeriod[T any](log []T, from, to time.Time, at func(T) time.Time) []T {
	var in []T
	for _, e := range log {
		if inRange(at(e), from, to) {
			in = append(in, e)
		}
	}
	return in
}

func isGas(j *job) bool { return j.c.device.Kind != devices.KindESME }

func elecTiers(j *job) int {
	if n := j.p.ESME.Model().Tiers; n > 0 {
		return min(n, devices.MaxTiers)
	}
	return 1
}

// readTOUMatrices is 4.1.2: the TOU registers.
func readTOUMatrices(j *job, now time.Time) ([]byte, *failure) {
	m := success("ReadInstantaneousImportTOUMatricesRsp")
	if isGas(j) {
		mr, f := mirror(j)
		if f != nil {
			return nil, f
		}
		m.Start("Gas").Start("TariffTOURegisterMatrix")
		for i, v := range mr.Reads.Tiers {
			m.Leaf("TOURegisterMatrixValue", dm3(v), index(i+1))
		}
		return finish(m.End().End().End())
	}
	tiers := j.p.ESME.TierRegisters(now)
	m.Start("Electricity").Start("TariffTOURegisterCollection")
	for i := 0; i < elecTiers(j); i++ {
		m.Leaf("TOUPrimaryRegisterValue", itoa(tiers[i]), index(i+1))
	}
	return finish(m.End().End().End())
}

// readTOUWithBlocks is 4.1.3. smetsim's meters price by TOU tier or by block, never both, so the
// matrix has the TOU registers in block 1 and each block's counter of the billing period.
func readTOUWithBlocks(j *job, now time.Time) ([]byte, *failure) {
	e := j.p.ESME
	tiers, blocks := e.TierRegisters(now), e.BlockCounters(now)
	m := success("ReadInstantaneousImportTOUWithBlocksMatricesRsp").Start("TariffBlockTOURegisterCollection")
	for b := 0; b < devices.MaxBlocks; b++ {
		m.Start("TariffBlock", index(b+1))
		if b == 0 {
			for i := 0; i < elecTiers(j); i++ {
				m.Leaf("RegisterMatrixTOUValue", itoa(tiers[i]), index(i+1))
			}
		}
		m.Leaf("CounterMatrixTOUValue", itoa(blocks[b]), index(1)).End()
	}
	return finish(m.End().End())
}

// readBlockCounters is 4.1.4 (gas): the block counters of the billing period, from the mirror.
func readBlockCounters(j *job, now time.Time) ([]byte, *failure) {
	mr, f := mirror(j)
	if f != nil {
		return nil, f
	}
	m := success("ReadInstantaneousImportBlockCountersRsp").Start("ImportBlockCounters")
	for b, v := range mr.Reads.Blocks {
		m.Leaf("TariffBlockCounterValue", dm3(v), index(b+1))
	}
	return finish(m.End().End())
}

// readExportRegisters is 4.2. Every smetsim ESME has an export register; it stays at zero unless
// the premises generates.
func readExportRegisters(j *job, now time.Time) ([]byte, *failure) {
	m := success("ReadInstantaneousExportRegistersRsp").Start("ActiveExportRegister").
		Leaf("Value", itoa(j.p.ESME.ExportRegister())).Leaf("ActiveEnergyUnit", "Wh").End()
	return finish(m.End())
}

// readPrepayValues is 4.3. A credit-mode meter keeps no prepayment values: E5.
func readPrepayValues(j *job, now time.Time) ([]byte, *failure) {
	m := success("ReadInstantaneousPrepayValuesRsp")
	if isGas(j) {
		mr, f := mirror(j)
		if f != nil {
			return nil, f
		}
		if !mr.HasPrepayment {
			return nil, fail(E5, "the GSME reports no prepayment values (credit mode)")
		}
		m.Leaf("EmergencyCreditBalance", gasMoney(mr.ECRemaining)).Leaf("AccumulatedDebtRegister", gasMoney(mr.Reads.AccumulatedDebt)).
			Leaf("MeterBalance", gasMoney(mr.Credit))
		return finish(m.End())
	}
	v, ok := j.p.ESME.PrepaymentValues(now)
	if !ok {
		return nil, fail(E5, "the ESME is in credit mode: it keeps no prepayment values")
	}
	m.Leaf("EmergencyCreditBalance", moneyUnits(v.ECBalance)).Leaf("AccumulatedDebtRegister", moneyUnits(v.AccumulatedDebt)).
		Leaf("PaymentDebtRegister", moneyUnits(v.PaymentDebt)).Leaf("TimeDebtRegister1", moneyUnits(v.TimeDebt)).
		Leaf("TimeDebtRegister2", "0").Leaf("MeterBalance", moneyUnits(v.Balance))
	return finish(m.End())
}

// prepaymentData writes a PrepaymentOperationalDataType's content.
func prepaymentData(m *duis.MMCWriter, s devices.PrepaymentSnapshot) *duis.MMCWriter {
	return m.Leaf("AccumulatedDebtRegister", moneyUnits(s.AccumulatedDebt)).Leaf("EmergencyCreditBalance", moneyUnits(s.ECBalance)).
		Leaf("MeterBalance", moneyUnits(s.Balance)).Leaf("PaymentDebtRegister", moneyUnits(s.PaymentDebt)).
		Leaf("TimeDebtRegisters1", moneyUnits(s.TimeDebt)).Leaf("TimeDebtRegisters2", "0").Leaf("Timestamp", ts(s.Time))
}

// lastN keeps the last n of a log, as a response bounded by the schema does.
func lastN[T any](s []T, n int) []T {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// readChangeLog is 4.4.2: the entries written when the tariff or payment mode changed, within
// the period. A GSME's come from the GPF, which logs a change when a wake-up report shows it.
func readChangeLog(j *job, now time.Time) ([]byte, *failure) {
	from, to, log, f := periodLog(j, func(mr devices.GasMirror) []devices.ChangeEntry { return mr.Reads.Changes },
		func() []devices.ChangeEntry { return j.p.ESME.ChangeLog() })
	if f != nil {
		return nil, f
	}
	in := inPeriod(log, from, to, func(e devices.ChangeEntry) time.Time { return e.Time })
	m := success("RetrieveCoMOrTariffTriggeredBillingDataLogRsp")
	if isGas(j) {
		m.Start("Gas")
		for _, e := range in {
			m.Start("LogEntryConsumptionRegister").Leaf("ConsumptionRegister", dm3(e.Total)).Leaf("Timestamp", ts(e.Time))
			for i, v := range e.Tiers {
				m.Leaf("TariffTOURegisterMatrixValue", dm3(v), index(i+1))
			}
			for b, v := range e.Blocks {
				m.Leaf("BlockRegisterMatrixValue", dm3(v), index(b+1))
			}
			m.End()
		}
	} else {
		m.Start("Electricity")
		for _, e := range in {
			m.Start("LogEntryConsumptionAndTariffRegistersData").Leaf("ActiveImportRegisterConsumption", itoa(e.Total))
			for i := 0; i < elecTiers(j); i++ {
				m.Leaf("TariffTOURegisterMatrixValue", itoa(e.Tiers[i]), index(i+1))
			}
			for b, v := range e.Blocks {
				m.Leaf("TariffTOUBlock"+strconv.Itoa(b+1)+"RegisterMatrixValue", itoa(v), index(1))
			}
			m.Leaf("Timestamp", ts(e.Time)).End()
		}
	}
	for _, e := range in {
		if e.Prepaid {
			prepaymentData(m.Start("LogEntryPrepaymentData"), e.Prepay).End()
		}
	}
	return finish(m.End().End())
}

// readBillingLog is 4.4.3 (ESME): the billing data log entries taken on the billing day within
// the period; a prepayment meter's entries carry its balance as of the billing day.
func readBillingLog(j *job, now time.Time) ([]byte, *failure) {
	from, to, f := jobPeriod(j)
	if f != nil {
		return nil, f
	}
	e := j.p.ESME
	var in []devices.BillingEntry
	for _, b := range e.BillingLog() {
		if inRange(b.Time, from, to) {
			in = append(in, b)
		}
	}
	m := success("RetrieveBillingCalendarTriggeredBillingDataLogRsp").Start("Electricity")
	for _, b := range in {
		m.Start("ESMEBillingDataLogEntry").Leaf("Timestamp", ts(b.Time)).Leaf("ActiveImportRegisterValueConsumption", itoa(b.Total))
		for i := 0; i < elecTiers(j); i++ {
			m.Leaf("TariffTOURegisterMatrixValue", itoa(b.Tiers[i]), index(i+1))
		}
		for k, v := range b.Blocks {
			m.Leaf("TariffTOUBlock"+strconv.Itoa(k+1)+"RegisterMatrixValue", itoa(v), index(1))
		}
		m.End()
	}
	if e.PaymentMode() == devices.PrepaymentMode {
		for _, b := range in {
			m.Start("ESMEBillingPrepaymentDataLogEntry").Leaf("MeterBalance", moneyUnits(b.Balance)).Leaf("Timestamp", ts(b.Time)).End()
		}
	}
	return finish(m.End().End())
}

func amountLog(m *duis.MMCWriter, log []devices.AmountEntry, from, to time.Time, n int) {
	var in []devices.AmountEntry
	for _, e := range log {
		if inRange(e.Time, from, to) {
			in = append(in, e)
		}
	}
	for _, e := range lastN(in, n) {
		m.Start("LogEntry").Leaf("Amount", moneyUnits(e.Amount)).Leaf("Timestamp", ts(e.Time)).End()
	}
}

// readDebtPayments is 4.4.4 (ESME): the payment-based debt taken from top-ups within the period.
func readDebtPayments(j *job, now time.Time) ([]byte, *failure) {
	from, to, f := jobPeriod(j)
	if f != nil {
		return nil, f
	}
	m := success("RetrieveBillingDataLogDebtPaymentsRsp").Start("PaymentBasedDebtRepayment")
	amountLog(m, j.p.ESME.DebtPaymentLog(), from, to, 10)
	return finish(m.End().End())
}

// readCredits is 4.4.5: the top-ups within the period (a GSME's from the ZCL top-up log it
// reports to the GPF).
func readCredits(j *job, now time.Time) ([]byte, *failure) {
	from, to, log, f := periodLog(j, func(mr devices.GasMirror) []devices.AmountEntry { return mr.Reads.TopUps },
		func() []devices.AmountEntry { return j.p.ESME.CreditLog() })
	if f != nil {
		return nil, f
	}
	m := success("RetrieveBillingDataLogPrepaymentCreditsRsp").Start("PrepaymentCredits")
	amountLog(m, log, from, to, 5)
	return finish(m.End().End())
}

// dailyReads returns the daily read log entries within the period, from the ESME or the mirror.
func dailyReads(j *job, now, from, to time.Time) ([]devices.DailyRead, *failure) {
	if isGas(j) {
		mr, f := mirror(j)
		if f != nil {
			return nil, f
		}
		return mr.GasDailyReadsBetween(from, to), nil
	}
	return j.p.ESME.DailyReadsBetween(now, from, to), nil
}

// readImportDailyLog is 4.6.1: the register at each UK local midnight within the period (at most
// the latest 31, as the response holds).
func readImportDailyLog(j *job, now time.Time) ([]byte, *failure) {
	from, to, f := jobPeriod(j)
	if f != nil {
		return nil, f
	}
	reads, f := dailyReads(j, now, from, to)
	if f != nil {
		return nil, f
	}
	m := success("RetrieveImportDailyReadLogRsp")
	for _, r := range lastN(reads, 31) {
		m.Start("LogEntry").Leaf("Timestamp", ts(r.Time))
		if isGas(j) {
			m.Start("Gas").Leaf("GasActiveImportRegisterConsumption", dm3(r.Total)).End()
		} else {
			m.Start("Electricity").Leaf("ElecActiveImportRegisterConsumption", itoa(r.Total)).End()
		}
		m.End()
	}
	return finish(m.End())
}

// readExportDailyLog is 4.6.2: the export register at each local midnight within the period.
// smetsim keeps no export history: the register has its present value at every midnight, which
// is exact while the premises does not generate.
func readExportDailyLog(j *job, now time.Time) ([]byte, *failure) {
	from, to, f := jobPeriod(j)
	if f != nil {
		return nil, f
	}
	m := success("RetrieveExportDailyReadLogRsp")
	for _, r := range lastN(j.p.ESME.DailyReadsBetween(now, from, to), 31) {
		m.Start("LogEntry").Leaf("ActiveExportRegisterValue", itoa(j.p.ESME.ExportRegister())).Leaf("TimeStamp", ts(r.Time)).End()
	}
	return finish(m.End())
}

// readActiveImportProfile is 4.8.1 (ESME): each completed half hour whose end is in the period.
func readActiveImportProfile(j *job, now time.Time) ([]byte, *failure) {
	from, to, f := jobPeriod(j)
	if f != nil {
		return nil, f
	}
	m := success("ReadActiveImportProfileDataRsp")
	for _, p := range j.p.ESME.ProfileBetween(now, from, to, 19056) {
		m.Start("LogEntry").Leaf("Timestamp", ts(p.Time)).Start("Electricity").Leaf("PrimaryValue", itoa(p.Units)).End().End()
	}
	return finish(m.End())
}

// readReactiveImportProfile is 4.8.2: reactive energy per half hour (smetsim's loads have a
// power factor of 0.95).
func readReactiveImportProfile(j *job, now time.Time) ([]byte, *failure) {
	from, to, f := jobPeriod(j)
	if f != nil {
		return nil, f
	}
	e := j.p.ESME
	m := success("ReadReactiveImportProfileDataRsp")
	for _, p := range e.ProfileBetween(now, from, to, 4464) {
		m.Start("LogEntry").Leaf("ReactiveEnergyImportedValue", itoa(e.ReactiveImport(p.Units))).Leaf("Timestamp", ts(p.Time)).End()
	}
	return finish(m.End())
}

// readExportProfile is 4.8.3: export per half hour, zero while the premises does not generate.
func readExportProfile(j *job, now time.Time) ([]byte, *failure) {
	from, to, f := jobPeriod(j)
	if f != nil {
		return nil, f
	}
	m := success("ReadExportProfileDataRsp")
	for _, p := range j.p.ESME.ProfileBetween(now, from, to, 4464) {
		m.Start("LogEntry").Leaf("ActiveEnergyExportedValue", "0").Leaf("Timestamp", ts(p.Time)).End()
	}
	return finish(m.End())
}

// RMS voltage limits of the network data counters: the statutory 230 V +10 % / −6 %.
const (
	overVoltage  = 253.0
	underVoltage = 216.2
)

// readNetworkData is 4.10. An ESME gives its average RMS voltage per half hour within the period
// and how many of those half hours were above or below the statutory limits; a SMETS1 GSME
// records no network data, so a gas answer is empty.
func readNetworkData(j *job, now time.Time) ([]byte, *failure) {
	from, to, f := jobPeriod(j)
	if f != nil {
		return nil, f
	}
	m := success("ReadNetworkDataRsp")
	if isGas(j) {
		return finish(m.Start("Gas").End().End())
	}
	e := j.p.ESME
	prof := e.ProfileBetween(now, from, to, 4320)
	var over, under int
	volts := make([]float64, len(prof))
	for i, p := range prof {
		v := e.AverageRMSVoltage(devices.SlotOf(p.Time.Add(-devices.HalfHour)))
		volts[i] = v
		if v > overVoltage {
			over++
		}
		if v < underVoltage {
			under++
		}
	}
	m.Start("Electricity").Start("SinglePhaseESME").
		Start("AvgRMSOverVoltageCounter").Leaf("Value", strconv.Itoa(over)).End().
		Start("AvgRMSUnderVoltageCounter").Leaf("Value", strconv.Itoa(under)).End().
		Start("AvgRMSVoltageProfileDataLog")
	for i, p := range prof {
		m.Start("LogEntry").Leaf("Value", strconv.FormatFloat(volts[i], 'f', 1, 64)).Leaf("Timestamp", ts(p.Time)).End()
	}
	m.Leaf("MeasurementPeriod", "1800")
	return finish(m.End().End().End().End())
}

// scaled writes μ£ amounts as value × 10^scale millipence (1 millipenny = 10 μ£), with the
// smallest scale at which every value fits limit.
func scaled(limit int64, ms ...devices.Money) (vals []int64, scale int) {
	vals = make([]int64, len(ms))
	for i, m := range ms {
		vals[i] = int64(m) / 10
	}
	for {
		fits := true
		for _, v := range vals {
			if v > limit {
				fits = false
			}
		}
		if fits {
			return vals, scale
		}
		for i := range vals {
			vals[i] /= 10
		}
		scale++
	}
}

const shortMax = 32767

// readTariffPrimary is 4.11.1: the tariff in force (a GSME's as it reported it to the GPF).
func readTariffPrimary(j *job, now time.Time) ([]byte, *failure) {
	m := success("ReadTariffPrimaryElementRsp")
	if isGas(j) {
		mr, f := mirror(j)
		if f != nil {
			return nil, f
		}
		r := mr.Reads
		if !r.HasTariff {
			return nil, fail(E21, "the GSME has not yet reported its tariff to the GPF")
		}
		// The price in force when the GSME last reported: its tier by the switching table the
		// S1SP downloaded with the tariff (ZCL reports carry the prices, not the table).
		tier := 0
		if t := j.p.GSME.Tariff(); t != nil {
			_, tier, _ = t.ActivePrice(mr.LastSync, 0)
		}
		active := r.TierPrices[min(max(tier, 0), devices.MaxTiers-1)]
		if active == 0 {
			active = r.BlockPrices[0]
		}
		prices, scale := scaled(1<<32-1, active, r.StandingCharge)
		m.Start("Gas").Leaf("PrimaryActiveTariffPrice", strconv.FormatInt(prices[0], 10)).
			Leaf("PrimaryActiveTariffPriceScale", strconv.Itoa(scale)).Leaf("CurrencyUnitsLabel", "GBP").
			Leaf("StandingCharge", strconv.FormatInt(prices[1], 10))
		m.Start("TariffThresholds")
		for i, th := range r.Thresholds {
			if th != 0 {
				m.Leaf("BlockThreshold", strconv.FormatUint(uint64(th), 10), index(i+1))
			}
		}
		m.End()
		tou, _ := scaled(1<<32-1, r.TierPrices[:]...)
		m.Start("TOUTariff")
		for i, v := range tou {
			m.Leaf("TariffTOUPrice", strconv.FormatInt(v, 10), index(i+1))
		}
		m.End()
		return finish(m.End().End())
	}
	e := j.p.ESME
	t := e.Tariff()
	tier, block := e.ActiveTier(now)
	all := append([]devices.Money{t.Price(tier, block)}, t.TierPrices[:]...)
	all = append(all, t.BlockPrices[:]...)
	prices, scale := scaled(shortMax, all...)
	sc, scScale := scaled(shortMax, t.StandingCharge)
	m.Start("Electricity").Leaf("PrimaryActiveTariffPrice", strconv.FormatInt(prices[0], 10)).
		Leaf("CurrencyUnitsLabel", "GBP").Leaf("CurrencyUnitsName", "Millipence").
		Leaf("StandingCharge", strconv.FormatInt(sc[0], 10)).Leaf("StandingChargeScale", strconv.Itoa(scScale)).
		Leaf("PriceScale", strconv.Itoa(scale))
	if t.Kind == devices.TariffBlock {
		m.Start("TariffBlockPriceMatrix").Start("TariffBlockPrices", index(1))
		for b := 0; b < devices.MaxBlocks; b++ {
			m.Leaf("BlockPrice", strconv.FormatInt(prices[1+devices.MaxTiers+b], 10), index(b+1))
		}
		m.End().End()
	} else {
		m.Start("TariffTOUPriceMatrix")
		for i := 0; i < elecTiers(j); i++ {
			m.Leaf("TariffTOUPrice", strconv.FormatInt(prices[1+i], 10), index(i+1))
		}
		m.End()
		if len(t.Switches) > 0 {
			m.Start("TariffSwitchingTable").Start("DayProfiles").Start("DayProfile").Leaf("Day", "1")
			for _, s := range t.Switches {
				m.Start("ProfileSchedule").Leaf("StartTime", xsTime(int(s.Minute))).Leaf("TOUTariffAction", strconv.Itoa(int(s.Tier)+1)).End()
			}
			m.End().End().End()
		}
	}
	if t.Kind == devices.TariffBlock {
		m.Start("TariffThresholdMatrix").Start("ElecTariffThresholds", index(1))
		for i, th := range t.BlockThresholds {
			if th != 0 {
				m.Leaf("BlockThreshold", strconv.FormatUint(uint64(th)*1000, 10), index(i+1))
			}
		}
		m.End().End()
	}
	return finish(m.End().End())
}

// xsTime writes local minutes since midnight as xs:time.
func xsTime(minute int) string {
	return leftPad(strconv.Itoa(minute/60), 2) + ":" + leftPad(strconv.Itoa(minute%60), 2) + ":00"
}

// readTariffSecondary is 4.11.2: the secondary element's tariff as 1.1.2 and 1.2.2 set it (an ESME
// holds it without charging by it: see updateTariff), in the units 4.11.1 reads the primary one
// in; nothing but MessageSuccess before a secondary tariff was ever set.
func readTariffSecondary(j *job, now time.Time) ([]byte, *failure) {
	m := success("ReadTariffSecondaryElementRsp")
	t := j.p.ESME.SecondaryTariff()
	if t == nil {
		return finish(m.End())
	}
	active, _, _ := t.ActivePrice(now, 0)
	prices, scale := scaled(shortMax, append([]devices.Money{active}, t.TierPrices[:]...)...)
	m.Leaf("SecondaryActiveTariffPrice", strconv.FormatInt(prices[0], 10)).Leaf("PriceScale", strconv.Itoa(scale))
	m.Start("TariffTOUPriceMatrix")
	for i := range devices.MaxTiers {
		m.Leaf("TariffTOUPrice", strconv.FormatInt(prices[1+i], 10), index(i+1))
	}
	m.End()
	if len(t.Switches) > 0 {
		m.Start("TariffSwitchingTable").Start("DayProfiles").Start("DayProfile").Leaf("Day", "1")
		for _, s := range t.Switches {
			m.Start("ProfileSchedule").Leaf("StartTime", xsTime(int(s.Minute))).Leaf("TOUTariffAction", strconv.Itoa(int(s.Tier)+1)).End()
		}
		m.End().End().End()
	}
	return finish(m.End())
}

// readMaxDemandImport is 4.12.1: the highest half-hourly average import power since the last
// reset, overall and within the configurable period.
func readMaxDemandImport(j *job, now time.Time) ([]byte, *failure) {
	all, period, from, to := j.p.ESME.MaxDemandImport(now)
	m := success("ReadMaximumDemandImportRegistersRsp")
	md := func(name string, d devices.MaxDemand) {
		m.Start(name).Leaf("Value", itoa(d.Value))
		if !d.At.IsZero() {
			m.Leaf("CaptureTime", ts(d.At))
		}
		if !d.LastReset.IsZero() {
			m.Leaf("LastResetDateTime", ts(d.LastReset))
		}
		m.End()
	}
	md("MaxDemandConfigurableTimeActivePowerImport", period)
	md("MaxDemandActiveEnergyImport", all)
	m.Start("MaxDemandConfigurableTimePeriod").Leaf("StartTime", xsTime(int(from))).Leaf("EndTime", xsTime(int(to))).End()
	return finish(m.End())
}

// readMaxDemandExport is 4.12.2: zero while the premises does not generate.
func readMaxDemandExport(j *job, now time.Time) ([]byte, *failure) {
	m := success("ReadMaximumDemandExportRegistersRsp").Start("MaxDemandActiveEnergyExport").Leaf("Value", "0").End()
	return finish(m.End())
}

// readPrepaymentConfiguration is 4.13.
func readPrepaymentConfiguration(j *job, now time.Time) ([]byte, *failure) {
	m := success("ReadPrepaymentConfigurationRsp")
	if isGas(j) {
		mr, f := mirror(j)
		if f != nil {
			return nil, f
		}
		if mr.HasPrepayment {
			r := mr.Reads
			m.Leaf("DisablementThreshold", gasMoney(r.CutOff)).Leaf("EmergencyCreditLimit", gasMoney(r.ECLimit)).
				Leaf("EmergencyCreditThreshold", gasMoney(r.ECThreshold)).Leaf("LowCreditThreshold", gasMoney(r.LowCredit)).
				Leaf("MaxCreditMaxMeterBalance", gasMoney(r.MaxCredit))
		}
		return finish(m.End())
	}
	e := j.p.ESME
	if p := e.Prepayment(); p != nil {
		// In hundredths of a percent, the unit 2.3 writes it in.
		m.Leaf("DebtRecoveryPerPayment", strconv.Itoa(int(p.PaymentDebtPercent)*100)).
			Leaf("DisablementThreshold", moneyUnits(p.DisableThreshold)).Leaf("EmergencyCreditLimit", moneyUnits(p.ECLimit)).
			Leaf("EmergencyCreditThreshold", moneyUnits(p.ECThreshold)).Leaf("LowCreditThreshold", moneyUnits(p.LowCredit)).
			Leaf("MaxCreditMaxMeterBalance", moneyUnits(p.MaxCredit))
	}
	mode := "Credit"
	if e.PaymentMode() == devices.PrepaymentMode {
		mode = "Prepayment"
	}
	m.Start("Electricity").Leaf("PaymentMode", mode)
	if p := e.Prepayment(); p != nil {
		m.Start("DebtRecovery1").Leaf("DebtRecoveryRate", moneyUnits(p.TimeDebtRate)).Leaf("DebtRecoveryRatePeriod", "DAILY").End()
	}
	return finish(m.End().End())
}

// readPrepaymentDailyLog is 4.14: the prepayment data at each local midnight within the period
// (a GSME's as the GPF saw it at the first wake-up of each day).
func readPrepaymentDailyLog(j *job, now time.Time) ([]byte, *failure) {
	from, to, log, f := periodLog(j, func(mr devices.GasMirror) []devices.PrepaymentSnapshot { return mr.Reads.PrepayDaily },
		func() []devices.PrepaymentSnapshot { return j.p.ESME.PrepaymentDailyLog(now) })
	if f != nil {
		return nil, f
	}
	fuel := "Electricity"
	if isGas(j) {
		fuel = "Gas"
	}
	in := inPeriod(log, from, to, func(s devices.PrepaymentSnapshot) time.Time { return s.Time })
	m := success("ReadPrepaymentDailyReadLogRsp").Start(fuel)
	for _, s := range lastN(in, 31) {
		prepaymentData(m.Start("LogEntry"), s).End()
	}
	return finish(m.End().End())
}

// readLoadLimitData is 4.15.
func readLoadLimitData(j *job, now time.Time) ([]byte, *failure) {
	l := j.p.ESME.LoadLimit(now)
	state := "Unchanged"
	if l.DisableSupply {
		state = "Disable"
	}
	m := success("ReadLoadLimitDataRsp").Leaf("LoadLimitCounterValue", itoa(uint64(l.Counter))).
		Leaf("LoadLimitPowerThreshold", itoa(uint64(l.PowerThreshold))).Leaf("LoadLimitPeriod", itoa(uint64(l.Period))).
		Leaf("LoadLimitRestorationPeriod", itoa(uint64(l.RestorationPeriod))).Leaf("LoadLimitSupplyState", state)
	return finish(m.End())
}

// readActivePowerImport is 4.16: the instantaneous import power.
func readActivePowerImport(j *job, now time.Time) ([]byte, *failure) {
	m := success("ReadActivePowerImportRsp").Start("ActivePowerImport").
		Leaf("Value", strconv.FormatInt(j.p.ESME.InstantaneousDemand(now), 10)).Leaf("Unit", "W").End()
	return finish(m.End())
}

// readDailyConsumptionLog is 4.17: the consumption of each whole UK local day that ends within
// the period, stamped with the midnight that ends it.
func readDailyConsumptionLog(j *job, now time.Time) ([]byte, *failure) {
	from, to, f := jobPeriod(j)
	if f != nil {
		return nil, f
	}
	reads, f := dailyReads(j, now, devices.LocalDayStart(from.Add(-time.Second)), to)
	if f != nil {
		return nil, f
	}
	fuel := "Electricity"
	if isGas(j) {
		fuel = "Gas"
	}
	m := success("RetrieveDailyConsumptionLogRsp").Start(fuel)
	var entries []devices.DailyRead
	for i := 1; i < len(reads); i++ {
		prev, cur := reads[i-1], reads[i]
		if !inRange(cur.Time, from, to) || !devices.NextLocalDayStart(prev.Time).Equal(cur.Time) {
			continue
		}
		entries = append(entries, devices.DailyRead{Time: cur.Time, Total: cur.Total - prev.Total})
	}
	for _, e := range lastN(entries, 731) {
		v := itoa(e.Total)
		if isGas(j) {
			v = dm3(e.Total)
		}
		m.Start("LogEntry").Leaf("Value", v).Leaf("Timestamp", ts(e.Time)).End()
	}
	return finish(m.End().End())
}
