package fleet_test

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/devices/han/capture"
	"github.com/smetsim/smetsim/internal/testtool"
	"github.com/smetsim/smetsim/simulator/fleet"
)

// tsharkFields runs tshark over a capture and returns one row of fields per frame.
func tsharkFields(tshark, file, filter string, fields ...string) [][]string {
	args := []string{"-r", file, "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,"}
	if filter != "" {
		args = append(args, "-Y", filter)
	}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	out, err := exec.Command(tshark, args...).Output()
	Expect(err).NotTo(HaveOccurred(), "tshark %s", strings.Join(args, " "))
	var rows [][]string
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if line != "" {
			rows = append(rows, strings.Split(line, "|"))
		}
	}
	return rows
}

var _ = Describe("A simulated day, judged by tshark", Ordered, ContinueOnFailure, func() {
	var (
		tshark string
		file   string
		f      *fleet.Fleet
		report *fleet.Report
		prices map[uint16]devices.Money // price published by each ESME short address
	)

	BeforeAll(func() {
		tshark = testtool.Require("tshark")
		file = filepath.Join(GinkgoT().TempDir(), "day.pcapng")
		spec := sizedSpec(GinkgoT(), 40)
		var err error
		f, err = fleet.Build(spec, fleet.Options{Consumers: true})
		Expect(err).NotTo(HaveOccurred())
		w, err := capture.Create(file)
		Expect(err).NotTo(HaveOccurred())
		captured := f.CaptureTo(w)
		// At 06:00 every PPMID sends a top-up for each prepayment meter it serves.
		f.Clock.At(f.Start.Add(6*time.Hour), devicesFunc(func(now time.Time) {
			for i, p := range f.Premises {
				if p.PPMID == nil {
					continue
				}
				amount := devices.Money(500+i) * devices.Penny
				if p.ESME.PaymentMode() == devices.PrepaymentMode {
					key := p.ESME.UTRNKey()
					code, err := key.Encode(devices.UTRN{Amount: amount, Counter: 900_000})
					Expect(err).NotTo(HaveOccurred())
					Expect(p.PPMID.TopUp(now, devices.KindESME, code)).To(Succeed())
				}
				if p.GSME != nil && p.GSME.PaymentMode() == devices.PrepaymentMode {
					key := p.GSME.UTRNKey()
					code, err := key.Encode(devices.UTRN{Amount: amount, Counter: 900_000})
					Expect(err).NotTo(HaveOccurred())
					Expect(p.PPMID.TopUp(now, devices.KindGSME, code)).To(Succeed())
				}
			}
		}), 0)
		// A tariff change at noon makes every ESME with a PPMID publish its new price on the HAN.
		prices = map[uint16]devices.Money{}
		f.Clock.At(f.Start.Add(12*time.Hour), devicesFunc(func(now time.Time) {
			for _, p := range f.Premises {
				if p.PPMID == nil {
					continue
				}
				t := *p.ESME.Tariff()
				t.TierPrices[0] += 123 * devices.Penny / 100
				t.BlockPrices[0] = t.TierPrices[0]
				t.IssuerEventID++
				Expect(p.ESME.SetTariff(now, &t)).To(Succeed())
				price, _, _ := p.ESME.Tariff().ActivePrice(now, 0)
				prices[p.ESME.Short()] = price
				Expect(p.ESME.SendMessage(now, 1, "New prices from today", true)).To(Succeed())
			}
		}), 0)
		report, err = f.Simulate(context.Background(), 24*time.Hour, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(captured()).To(Succeed())
		Expect(w.Close()).To(Succeed())
		Expect(report.HAN.Frames).To(BeNumerically(">", 1000))
	})

	It("decodes every frame down to ZCL, with nothing malformed, unknown or warned about", func() {
		bad := tsharkFields(tshark, file, "_ws.malformed || _ws.expert.severity >= warning || _ws.unreassembled", "frame.number")
		Expect(bad).To(BeEmpty())
		all := tsharkFields(tshark, file, "", "frame.protocols")
		Expect(all).To(HaveLen(int(report.HAN.Frames)))
		for _, r := range all {
			Expect(r[0]).To(ContainSubstring("wpan:zbee_nwk:zbee_aps:zbee_zcl"))
		}
		// A frame can dissect without a warning yet be misread (e.g. a report sent in the wrong
		// direction is read against the other side's attribute table); tshark then names
		// attributes, types or commands "Unknown". The full dissection must have none.
		out, err := exec.Command(tshark, "-r", file, "-V").Output()
		Expect(err).NotTo(HaveOccurred())
		var unknown []string
		for _, line := range strings.Split(string(out), "\n") {
			if strings.Contains(strings.ToLower(line), "unknown") {
				unknown = append(unknown, strings.TrimSpace(line))
			}
		}
		Expect(unknown).To(BeEmpty())
	})

	It("shows the gas meters' reported summations equal to their registers at that instant", func() {
		rows := tsharkFields(tshark, file, "zbee_aps.cluster == 0x0702 && zbee_zcl.cmd.id == 0x0a",
			"frame.time_epoch", "wpan.src16", "zbee_zcl_se.met.attr_id", "zbee_zcl.attr.uint48")
		Expect(rows).NotTo(BeEmpty())
		bySource := gsmesByShort(f)
		checked := 0
		for _, r := range rows {
			ids := strings.Split(r[2], ",")
			Expect(ids[0]).To(Equal("0x0000")) // CurrentSummationDelivered first
			at := epoch(r[0])
			src := hex16(r[1])
			g := bySource[src]
			Expect(g).NotTo(BeNil(), "report from %s", r[1])
			values := strings.Split(r[3], ",")
			v, err := strconv.ParseUint(values[0], 10, 64)
			Expect(err).NotTo(HaveOccurred())
			Expect(v).To(Equal(g.VolumeRegister(at)), "GSME %s at %s", g.EUI(), at)
			checked++
		}
		Expect(checked).To(BeNumerically(">", 100))
	})

	It("shows the supplier's message and each PPMID's confirmation", func() {
		msgs := tsharkFields(tshark, file, "zbee_zcl_se.msg.cmd.srv_tx.id == 0x00", "zbee_zcl_se.msg.message.id", "zbee_zcl_se.msg.message")
		Expect(msgs).To(HaveLen(len(prices)))
		for _, r := range msgs {
			Expect(r[1]).To(Equal("New prices from today"))
		}
		confirmations := tsharkFields(tshark, file, "zbee_zcl_se.msg.cmd.srv_rx.id == 0x01", "zbee_zcl_se.msg.message.id", "zbee_zcl_se.msg.message.confirm_time")
		Expect(confirmations).To(HaveLen(len(prices)))
	})

	It("shows the prices the ESMEs published equal to their tariffs", func() {
		rows := tsharkFields(tshark, file, "zbee_zcl_se.price.price", "wpan.src16", "zbee_zcl_se.price.price", "zbee_zcl_se.price.rate_label")
		Expect(rows).To(HaveLen(len(prices)))
		for _, r := range rows {
			want, ok := prices[hex16(r[0])]
			Expect(ok).To(BeTrue())
			got, err := strconv.ParseUint(r[1], 10, 64)
			Expect(err).NotTo(HaveOccurred())
			Expect(devices.Money(got)).To(Equal(want)) // μ£ per kWh with 6 trailing digits
		}
	})

	It("shows each top-up's value equal to the amount in its UTRN, and the credit the meter held", func() {
		ups := tsharkFields(tshark, file, "zbee_zcl_se.pp.consumer_top_up.top_up_code", "wpan.dst16", "zbee_zcl_se.pp.consumer_top_up.top_up_code")
		rsps := tsharkFields(tshark, file, "zbee_zcl_se.pp.consumer_top_up_response.top_up_value",
			"wpan.src16", "zbee_zcl_se.pp.consumer_top_up_response.top_up_value", "zbee_zcl_se.pp.consumer_top_up_response.result_type")
		Expect(ups).NotTo(BeEmpty())
		amounts := map[string]devices.Money{}
		for _, r := range ups {
			code := asciiCode(r[1])
			p := premisesOfMeter(f, hex16(r[0]))
			Expect(p).NotTo(BeNil())
			var key devices.UTRNKey
			if p.GSME != nil && (hex16(r[0]) == p.GPF.Short() || hex16(r[0]) == p.GSME.Short()) {
				key = p.GSME.UTRNKey()
			} else {
				key = p.ESME.UTRNKey()
			}
			u, err := key.Decode(code)
			Expect(err).NotTo(HaveOccurred())
			amounts[code] = u.Amount
		}
		accepted := 0
		for _, r := range rsps {
			v, _ := strconv.ParseInt(r[1], 10, 64)
			result, _ := strconv.ParseUint(strings.TrimPrefix(r[2], "0x"), 16, 8)
			if devices.TopUpResult(result).Accepted() {
				accepted++
				Expect(devices.Money(v) * 100).To(BeElementOf(valuesOf(amounts)))
			}
		}
		Expect(accepted).To(BeNumerically(">", 0))
	})
})

type devicesFunc func(now time.Time)

func (d devicesFunc) Fire(now time.Time, _ uint64) { d(now) }

func epoch(s string) time.Time {
	sec, frac, _ := strings.Cut(s, ".")
	secs, err := strconv.ParseInt(sec, 10, 64)
	Expect(err).NotTo(HaveOccurred())
	for len(frac) < 9 {
		frac += "0"
	}
	ns, err := strconv.ParseInt(frac[:9], 10, 64)
	Expect(err).NotTo(HaveOccurred())
	return time.Unix(secs, ns).UTC()
}

func hex16(s string) uint16 {
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 16)
	Expect(err).NotTo(HaveOccurred(), s)
	return uint16(v)
}

func asciiCode(s string) string {
	var b bytes.Buffer
	for _, h := range strings.Split(s, ":") {
		v, err := strconv.ParseUint(h, 16, 8)
		Expect(err).NotTo(HaveOccurred())
		b.WriteByte(byte(v))
	}
	return b.String()
}

func gsmesByShort(f *fleet.Fleet) map[uint16]*devices.GSME {
	// Short addresses are only unique within a PAN; the fixture fleet's are distinct across
	// premises too, which the spec checks as it goes.
	out := map[uint16]*devices.GSME{}
	for _, p := range f.Premises {
		if p.GSME != nil {
			Expect(out).NotTo(HaveKey(p.GSME.Short()))
			out[p.GSME.Short()] = p.GSME
		}
	}
	return out
}

func premisesOfMeter(f *fleet.Fleet, short uint16) *fleet.Premises {
	for _, p := range f.Premises {
		if p.ESME.Short() == short || (p.GPF != nil && (p.GPF.Short() == short || p.GSME.Short() == short)) {
			return p
		}
	}
	return nil
}

func valuesOf(m map[string]devices.Money) []devices.Money {
	var out []devices.Money
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
