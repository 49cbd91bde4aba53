package zcl_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices/han/frame"
	"github.com/smetsim/smetsim/devices/zcl"
	"github.com/smetsim/smetsim/internal/testtool"
)

// suspicious selects every frame Wireshark could not dissect cleanly: malformed packets and expert
// items of warning severity or worse.
const suspicious = "_ws.malformed || _ws.expert.severity >= warning"

// The HAN of the capture: the communications hub at 0x0000 and a meter at 0x1a2b.
const (
	pan       = 0x1a62
	hubAddr   = 0x0000
	meterAddr = 0x1a2b
)

// hanFrame wraps a ZCL frame in the MAC, NWK and APS headers of a Smart Energy unicast: client to
// server frames go from the hub to the meter, server to client frames back.
func hanFrame(seq uint8, cluster uint16, dir zcl.Direction, zclFrame []byte) []byte {
	src, dst := uint16(hubAddr), uint16(meterAddr)
	if dir == zcl.ServerToClient {
		src, dst = dst, src
	}
	p := frame.Packet{
		MAC: frame.MAC{FrameType: frame.MACData, AckRequest: true, PANIDCompress: true,
			DstMode: frame.AddrShort, SrcMode: frame.AddrShort, DstPAN: pan, DstShort: dst, SrcShort: src,
			Sequence: seq},
		NWK: frame.NWK{ProtocolVersion: 2, Dst: dst, Src: src, Radius: 30, Sequence: seq},
		APS: frame.APS{DstEndpoint: 1, Cluster: cluster, Profile: frame.ProfileSmartEnergy, SrcEndpoint: 1,
			Counter: seq},
		Payload: zclFrame,
	}
	return p.AppendTo(nil)
}

// writeCapture writes every case of the round-trip table, one frame each in table order, into a
// pcapng file of IEEE 802.15.4 frames with FCS (link type 195).
func writeCapture(path string, cases []frameCase) {
	GinkgoHelper()
	f, err := os.Create(path)
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	w, err := pcapgo.NewNgWriter(f, layers.LinkType(195))
	Expect(err).NotTo(HaveOccurred())
	start := time.Date(2024, 1, 1, 12, 30, 0, 0, time.UTC)
	for n, c := range cases {
		h := wantHeader(c)
		h.Sequence = uint8(n)
		z, err := zcl.AppendFrame(nil, h, c.cmd)
		Expect(err).NotTo(HaveOccurred())
		b := hanFrame(uint8(n), c.cluster, h.Direction, z)
		ci := gopacket.CaptureInfo{Timestamp: start.Add(time.Duration(n) * time.Second),
			CaptureLength: len(b), Length: len(b)}
		Expect(w.WritePacket(ci, b)).To(Succeed())
	}
	Expect(w.Flush()).To(Succeed())
}

// writeRaw writes one frame into a pcapng file.
func writeRaw(path string, b []byte) {
	GinkgoHelper()
	f, err := os.Create(path)
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	w, err := pcapgo.NewNgWriter(f, layers.LinkType(195))
	Expect(err).NotTo(HaveOccurred())
	ci := gopacket.CaptureInfo{Timestamp: time.Unix(1704112200, 0), CaptureLength: len(b), Length: len(b)}
	Expect(w.WritePacket(ci, b)).To(Succeed())
	Expect(w.Flush()).To(Succeed())
}

// runTshark runs tshark and returns its standard output. tshark complains on standard error when
// run as root, so standard error is only shown on failure.
func runTshark(path string, args ...string) string {
	GinkgoHelper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	Expect(cmd.Run()).To(Succeed(), "tshark %s\n%s", strings.Join(args, " "), stderr.String())
	return stdout.String()
}

// fieldTable runs tshark over the capture printing the given fields, and returns one map of field
// to text per frame.
func fieldTable(tshark, capture string, fields []string) []map[string]string {
	GinkgoHelper()
	args := []string{"-r", capture, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	var rows []map[string]string
	for _, line := range strings.Split(strings.TrimSuffix(runTshark(tshark, args...), "\n"), "\n") {
		cols := strings.Split(line, "\t")
		Expect(cols).To(HaveLen(len(fields)), line)
		row := make(map[string]string, len(fields))
		for n, f := range fields {
			row[f] = cols[n]
		}
		rows = append(rows, row)
	}
	return rows
}

var _ = Describe("Frames, as tshark reads them", Ordered, func() {
	var (
		tshark  string
		capture string
		cases   []frameCase
	)
	BeforeAll(func() {
		tshark = testtool.Require("tshark")
		cases = frameCases()
		capture = filepath.Join(GinkgoT().TempDir(), "zcl.pcapng")
		writeCapture(capture, cases)
		if keep := os.Getenv("ZCL_KEEP_CAPTURE"); keep != "" {
			// For looking at the frames in Wireshark when a spec below fails.
			writeCapture(keep, cases)
		}
	})

	It("dissects every frame without a malformed packet or an expert warning", func() {
		Expect(runTshark(tshark, "-r", capture, "-Y", suspicious)).To(BeEmpty())
	})

	It("flags a frame cut short, so the clean result above is not vacuous", func() {
		z, err := zcl.AppendFrame(nil, toClient, &zcl.ConsumerTopUpResponse{CreditRemaining: 1750})
		Expect(err).NotTo(HaveOccurred())
		bad := filepath.Join(GinkgoT().TempDir(), "cut.pcapng")
		writeRaw(bad, hanFrame(1, zcl.ClusterPrepayment, zcl.ServerToClient, z[:len(z)-2]))
		Expect(runTshark(tshark, "-r", bad, "-Y", suspicious)).NotTo(BeEmpty())
	})

	It("reads the frame control, sequence number, cluster and command that were sent", func() {
		fields := []string{"frame.protocols", "zbee_aps.cluster", "zbee_zcl.type", "zbee_zcl.dir",
			"zbee_zcl.ddr", "zbee_zcl.cmd.tsn", "zbee_zcl.cmd.id"}
		for _, c := range cases {
			if f := clusterCommandField(c.cluster, wantHeader(c).Direction); f != "" && !slices.Contains(fields, f) {
				fields = append(fields, f)
			}
		}
		rows := fieldTable(tshark, capture, fields)
		Expect(rows).To(HaveLen(len(cases)))
		for n, c := range cases {
			h := wantHeader(c)
			row := rows[n]
			Expect(row["frame.protocols"]).To(HavePrefix("wpan:zbee_nwk:zbee_aps:zbee_zcl"), c.name)
			Expect(row["zbee_aps.cluster"]).To(Equal(hex4(c.cluster)), c.name)
			Expect(row["zbee_zcl.type"]).To(Equal("0x0"+string('0'+byte(h.FrameType))), c.name)
			Expect(row["zbee_zcl.dir"]).To(Equal(bit(h.Direction == zcl.ServerToClient)), c.name)
			Expect(row["zbee_zcl.ddr"]).To(Equal(bit(h.DisableDefaultResponse)), c.name)
			Expect(row["zbee_zcl.cmd.tsn"]).To(Equal(dec(uint64(n))), c.name)
			cmdField := "zbee_zcl.cmd.id"
			if h.FrameType == zcl.FrameClusterSpecific {
				cmdField = clusterCommandField(c.cluster, h.Direction)
			}
			Expect(row[cmdField]).To(Equal(hex2(h.Command)), c.name)
		}
	})

	It("shows the field values that were encoded", func() {
		var fields []string
		seen := map[string]bool{}
		for _, c := range cases {
			for _, s := range c.tshark {
				if !seen[s.field] {
					seen[s.field] = true
					fields = append(fields, s.field)
				}
			}
		}
		rows := fieldTable(tshark, capture, fields)
		// Collect every disagreement before failing, so one run shows them all.
		var wrong []string
		checked := 0
		for n, c := range cases {
			for _, s := range c.tshark {
				if got := rows[n][s.field]; got != s.want {
					wrong = append(wrong, c.name+": "+s.field+" = "+strconv.Quote(got)+", encoded "+strconv.Quote(s.want))
				}
				checked++
			}
		}
		Expect(wrong).To(BeEmpty())
		Expect(checked).To(BeNumerically(">", 150))
	})

	It("reads every data type's value as it was encoded", func() {
		frameNo := -1
		for n, c := range cases {
			if c.name == "Report Attributes of every data type" {
				frameNo = n
			}
		}
		Expect(frameNo).NotTo(Equal(-1))
		recs := cases[frameNo].cmd.(*zcl.ReportAttributes).Records

		// What tshark must show: each value in the field its type dissects into, values sharing a
		// field joined in record order; the attribute identifiers of the records, with the value of
		// the attribId record among them, since tshark shows that value in the same field.
		want := map[string][]string{}
		ids := "zbee_zcl_general.identify.attr_id"
		var fields []string
		add := func(field, text string) {
			if _, ok := want[field]; !ok {
				fields = append(fields, field)
			}
			want[field] = append(want[field], text)
		}
		for _, r := range recs {
			add(ids, hex4(r.ID))
			field, text := tsharkText(r.Value)
			add(field, text)
		}
		got := fieldTable(tshark, capture, fields)[frameNo]
		for _, f := range fields {
			Expect(got[f]).To(Equal(strings.Join(want[f], ",")), f)
		}
	})
})

// tsharkText returns the field tshark 4.0 dissects a value of a profile-wide attribute record into,
// and the text -T fields prints for it.
func tsharkText(v zcl.Value) (field, text string) {
	t := v.Type
	switch {
	case t == zcl.TypeBool:
		return "zbee_zcl.attr.boolean", dec(v.Num)
	case t >= zcl.TypeBitmap8 && t <= zcl.TypeBitmap32:
		return "zbee_zcl.attr.bitmap" + dec(uint64(8*t.Size())), "0x" + hexDigits(v.Num, 2*t.Size())
	case t >= zcl.TypeBitmap40 && t <= zcl.TypeBitmap64:
		return "zbee_zcl.attr.bitmap" + dec(uint64(8*t.Size())), "0x" + hexDigits(v.Num, 16)
	case t >= zcl.TypeUint8 && t <= zcl.TypeUint64:
		return "zbee_zcl.attr.uint" + dec(uint64(8*t.Size())), dec(v.Num)
	case t >= zcl.TypeInt8 && t <= zcl.TypeInt32:
		return "zbee_zcl.attr.int" + dec(uint64(8*t.Size())), strconv.FormatInt(v.Int(), 10)
	case t >= zcl.TypeInt40 && t <= zcl.TypeInt64:
		// tshark has no 40-, 48- or 56-bit signed fields and shows them all as int64.
		return "zbee_zcl.attr.int64", strconv.FormatInt(v.Int(), 10)
	case t == zcl.TypeEnum8:
		return "zbee_zcl.attr.uint8", dec(v.Num)
	case t == zcl.TypeEnum16:
		return "zbee_zcl.attr.uint16", dec(v.Num)
	case t == zcl.TypeOctetString:
		return "zbee_zcl.attr.ostr", hexBytes(string(v.Bytes))
	case t == zcl.TypeCharString:
		return "zbee_zcl.attr.str", string(v.Bytes)
	case t == zcl.TypeUTCTime:
		return "zbee_zcl.attr.utc", v.UTC().Time().Format("Jan _2, 2006 15:04:05.000000000 UTC")
	case t == zcl.TypeClusterID:
		return "zbee_zcl.attr.cid", hex4(uint16(v.Num))
	case t == zcl.TypeAttributeID:
		return "zbee_zcl_general.identify.attr_id", hex4(uint16(v.Num))
	case t == zcl.TypeIEEEAddress:
		// Shown as raw bytes in the order they travel, least significant first.
		b, err := v.AppendTo(nil)
		Expect(err).NotTo(HaveOccurred())
		return "zbee_zcl.attr.bytes", strings.ReplaceAll(hexBytes(string(b)), ":", "")
	}
	Fail("no tshark field for " + t.String())
	return "", ""
}

// clusterCommandField is the field in which tshark's dissector for a cluster shows the identifier of
// a cluster-specific command in the given direction.
func clusterCommandField(cluster uint16, dir zcl.Direction) string {
	proto := map[uint16]string{
		zcl.ClusterIdentify:   "zbee_zcl_general.identify",
		zcl.ClusterPrice:      "zbee_zcl_se.price",
		zcl.ClusterMetering:   "zbee_zcl_se.met",
		zcl.ClusterMessaging:  "zbee_zcl_se.msg",
		zcl.ClusterPrepayment: "zbee_zcl_se.pp",
	}[cluster]
	if proto == "" {
		return ""
	}
	if dir == zcl.ClientToServer {
		return proto + ".cmd.srv_rx.id"
	}
	return proto + ".cmd.srv_tx.id"
}

func hex4(v uint16) string { return "0x" + hexDigits(uint64(v), 4) }
func hex2(v uint8) string  { return "0x" + hexDigits(uint64(v), 2) }

func hexDigits(v uint64, n int) string {
	const digits = "0123456789abcdef"
	out := make([]byte, n)
	for k := n - 1; k >= 0; k-- {
		out[k] = digits[v&0xf]
		v >>= 4
	}
	return string(out)
}

func dec(v uint64) string {
	if v == 0 {
		return "0"
	}
	var out []byte
	for ; v > 0; v /= 10 {
		out = append([]byte{byte('0' + v%10)}, out...)
	}
	return string(out)
}

func bit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
