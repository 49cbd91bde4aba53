package dcc

import (
	"strconv"
	"time"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/devices/zcl"
	"github.com/smetsim/smetsim/simulator/duis"
)

// impl is how the mock DCC carries out one SRV as equivalent steps on an emulated device.
type impl struct {
	// exec runs on the clock's goroutine when the device answers and returns the MMC payload of
	// its response (nil for a command whose success carries no data).
	exec func(j *job, now time.Time) ([]byte, *failure)
	// viaGSME marks SRVs that reach a GSME through its GPF's queue; queue puts the command there.
	viaGSME bool
	queue   func(j *job, now time.Time) error
	// check, when set, refuses a request whose body does not fit the SRV, the device or the DCC's
	// own records before it is acknowledged — at Transform for a critical SRV — so the user gets
	// the reason synchronously (E100 naming the field, or the code that fits).
	check func(d *DCC, c *call, body *duis.Request) *failure
}

// handlers are the SRVs the mock DCC executes on devices. `smetsim srv list` reports this table;
// every other SRV that applies to SMETS1 is answered E100 ("not executed by smetsim yet"). Each
// family of SRVs lives in its own file and adds itself with register.
var handlers = map[string]impl{}

func init() {
	register(map[string]impl{
		"2.2":   {exec: topUp, viaGSME: true, queue: queueTopUp},
		"4.1.1": {exec: readImportRegisters},
		"4.18":  {exec: readMeterBalance},
		"6.11":  {exec: synchroniseClock, viaGSME: true, queue: waitForWake},
		"7.1":   {exec: supplyCommand(devices.SupplyEnabled, "EnableSupplyRsp")},
		"7.2":   {exec: supplyCommand(devices.SupplyDisabled, "DisableSupplyRsp"), viaGSME: true, queue: queueSupply(zcl.SupplyOff)},
		"7.3":   {exec: supplyCommand(devices.SupplyArmed, "ArmSupplyRsp"), viaGSME: true, queue: queueSupply(zcl.SupplyOffArmed)},
		"7.4":   {exec: readSupplyStatus},
		"11.2":  {exec: readFirmwareVersion},
	})
}

// bodyCheck makes an impl's check from a body decoder: a body the decoder refuses is answered
// with its failure before the request is acknowledged; what it decodes is read again when the
// device carries the request out.
func bodyCheck[T any](decode func(*duis.Request) (T, *failure)) func(*DCC, *call, *duis.Request) *failure {
	return func(_ *DCC, _ *call, r *duis.Request) *failure {
		_, f := decode(r)
		return f
	}
}

// register adds SRV implementations; a variant registered twice is a programming error.
func register(m map[string]impl) {
	for v, h := range m {
		if _, dup := handlers[v]; dup {
			panic("dcc: SRV " + v + " registered twice")
		}
		handlers[v] = h
	}
}

// Executes reports whether the mock DCC carries out an SRV on devices (as opposed to refusing it
// as not yet implemented).
func Executes(variant string) bool { return handlers[variant].exec != nil }

// NonDeviceExecutes reports whether the mock DCC answers a non-device SRV itself.
func NonDeviceExecutes(variant string) bool { _, ok := nonDeviceHandlers[variant]; return ok }

func success(name string) *duis.MMCWriter {
	var m duis.MMCWriter
	m.Start(name, duis.Attr{Name: "MessageSuccess", Value: "true"})
	return &m
}

func finish(m *duis.MMCWriter) ([]byte, *failure) {
	b, err := m.Bytes()
	if err != nil {
		return nil, fail(E100, "building the response payload: %v", err)
	}
	return b, nil
}

// dm3 writes a volume in dm³ as m³ with three decimals.
func dm3(v uint64) string {
	return strconv.FormatUint(v/1000, 10) + "." + leftPad(strconv.FormatUint(v%1000, 10), 3)
}

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}

// readImportRegisters is 4.1.1: the ESME's active import register in Wh, or the gas consumption
// register in m³ — from the GPF's mirror, as the S1SP answers gas reads while the GSME sleeps.
func readImportRegisters(j *job, now time.Time) ([]byte, *failure) {
	m := success("ReadInstantaneousImportRegistersRsp")
	switch j.c.device.Kind {
	case devices.KindESME:
		m.Start("Electricity").Start("ActiveImportRegister").
			Leaf("Value", strconv.FormatUint(j.p.ESME.ImportRegister(now), 10)).Leaf("ActiveEnergyUnit", "Wh").End().End()
	default:
		mr := j.p.GPF.Mirror()
		if !mr.Valid {
			return nil, fail(E21, "the GPF holds no reading yet: the GSME has not woken since installation")
		}
		m.Start("Gas").Start("ConsumptionRegister").Leaf("Value", dm3(mr.Volume)).Leaf("Unit", "m3").End().End()
	}
	return finish(m.End())
}

// moneyUnits writes Money as the MMC's meter balance integer: smetsim's assumption is units of
// 1/100,000 of a pound (a thousandth of a penny), the resolution SMETS1 meters keep.
func moneyUnits(m devices.Money) string { return strconv.FormatInt(int64(m/10), 10) }

// readMeterBalance is 4.18.
func readMeterBalance(j *job, now time.Time) ([]byte, *failure) {
	m := success("ReadMeterBalanceRsp")
	switch j.c.device.Kind {
	case devices.KindESME:
		if j.p.ESME.PaymentMode() != devices.PrepaymentMode {
			return nil, fail(E5, "the ESME is in credit mode: it keeps no meter balance")
		}
		m.Leaf("MeterBalance", moneyUnits(j.p.ESME.Balance(now)))
	default:
		mr, f := mirror(j) // E21 before the GSME has reported at all, as every gas read
		if f != nil {
			return nil, f
		}
		if !mr.HasPrepayment {
			return nil, fail(E5, "the GSME reports no prepayment balance (credit mode)")
		}
		m.Start("Gas").Leaf("MeterBalancePrepaymentMode", strconv.FormatInt(mr.Credit*100/10, 10)).End()
	}
	return finish(m.End())
}

func supplyName(s devices.SupplyState) string {
	switch s {
	case devices.SupplyEnabled:
		return "Enabled"
	case devices.SupplyArmed:
		return "Armed"
	}
	return "Disabled"
}

// readSupplyStatus is 7.4.
func readSupplyStatus(j *job, now time.Time) ([]byte, *failure) {
	m := success("ReadSupplyStatusRsp")
	switch j.c.device.Kind {
	case devices.KindESME:
		m.Leaf("SupplyState", supplyName(j.p.ESME.Supply()))
	default:
		m.Leaf("SupplyState", supplyName(j.p.GSME.Supply())).
			Start("Gas").Leaf("RemainingBatteryCapacity", strconv.Itoa(j.p.GSME.BatteryPercent(now))).End()
	}
	return finish(m.End())
}

// supplyCommand is 7.1, 7.2 and 7.3 on an ESME (and, for 7.2 and 7.3, the answer once a GSME took
// the queued valve command).
func supplyCommand(want devices.SupplyState, rsp string) func(*job, time.Time) ([]byte, *failure) {
	return func(j *job, now time.Time) ([]byte, *failure) {
		if j.c.device.Kind == devices.KindGSME {
			if j.p.GSME.Supply() != want {
				return nil, fail(E21, "the GSME did not carry out the valve command")
			}
			return finish(success(rsp).End())
		}
		e := j.p.ESME
		switch want {
		case devices.SupplyEnabled:
			if err := e.EnableSupply(now); err != nil {
				var m duis.MMCWriter
				return finish(m.Start(rsp, duis.Attr{Name: "MessageSuccess", Value: "false"}).End())
			}
		case devices.SupplyDisabled:
			e.DisableSupply(now)
		case devices.SupplyArmed:
			e.ArmSupply(now)
		}
		return finish(success(rsp).End())
	}
}

func queueSupply(status uint8) func(*job, time.Time) error {
	return func(j *job, now time.Time) error { return j.p.GPF.QueueSupplyChange(now, status) }
}

// readFirmwareVersion is 11.2.
func readFirmwareVersion(j *job, now time.Time) ([]byte, *failure) {
	var v string
	switch j.c.device.Kind {
	case devices.KindESME:
		v, _ = j.p.ESME.Firmware()
	case devices.KindGSME:
		v, _ = j.p.GSME.Firmware()
	case devices.KindCHF:
		v, _ = j.p.CHF.Firmware()
	case devices.KindGPF:
		v, _ = j.p.GPF.Firmware()
	case devices.KindPPMID:
		v, _ = j.p.PPMID.Firmware()
	}
	return finish(success("ReadFirmwareVersionRsp").Leaf("FirmwareVersion", v).End())
}

// synchroniseClock is 6.11: the device clock is set to the DCC's time — a GSME's when it next
// wakes and takes the command from its GPF's queue, as it can take nothing while it sleeps.
func synchroniseClock(j *job, now time.Time) ([]byte, *failure) {
	switch j.c.device.Kind {
	case devices.KindESME:
		j.p.ESME.SetClock(now)
	case devices.KindGSME:
		j.p.GSME.SetClock(now)
	}
	return finish(success("SynchroniseClockRsp").Leaf("DeviceTime", now.UTC().Format("2006-01-02T15:04:05Z")).End())
}

type topUpBody struct {
	UTRN string `xml:"UTRN"`
}

func utrnOf(j *job) (string, *failure) {
	var b topUpBody
	if err := j.orig.Body.Decode(&b); err != nil {
		return "", fail(E100, "TopUpDevice: %v", err)
	}
	return b.UTRN, nil
}

// topUp is 2.2: the UTRN reaches the ESME directly, or the GSME through its GPF at its next wake.
func topUp(j *job, now time.Time) ([]byte, *failure) {
	ok := false
	switch j.c.device.Kind {
	case devices.KindESME:
		code, f := utrnOf(j)
		if f != nil {
			return nil, f
		}
		ok = j.p.ESME.TopUpCode(now, code).Accepted()
	default:
		ok = j.p.GPF.Mirror().LastTopUpResult.Accepted()
	}
	var m duis.MMCWriter
	return finish(m.Start("TopUpDeviceRsp", duis.Attr{Name: "MessageSuccess", Value: strconv.FormatBool(ok)}).End())
}

func queueTopUp(j *job, now time.Time) error {
	code, f := utrnOf(j)
	if f != nil {
		return errString(f.reason)
	}
	return j.p.GPF.QueueTopUp(now, code)
}

type errString string

func (e errString) Error() string { return string(e) }
