package capture_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices/han/capture"
	"github.com/smetsim/smetsim/devices/han/frame"
	"github.com/smetsim/smetsim/internal/testtool"
)

// suspicious selects every frame Wireshark could not dissect cleanly: malformed packets and any
// expert item of warning severity or worse, which includes a bad FCS.
const suspicious = "_ws.malformed || _ws.expert.severity >= warning"

// runTool runs an outside tool and returns its standard output, failing the spec if it exits
// non-zero. tshark complains on standard error when run as root, so standard error is only shown
// on failure.
func runTool(path string, args ...string) string {
	GinkgoHelper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	Expect(cmd.Run()).To(Succeed(), "%s %s\n%s", filepath.Base(path), strings.Join(args, " "), stderr.String())
	return stdout.String()
}

// epoch formats t as tshark prints frame.time_epoch for a nanosecond-resolution capture.
func epoch(t time.Time) string { return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond()) }

// seTraffic is a short exchange on a SMETS1 HAN: the electricity meter reports its
// CurrentSummationDelivered, the hub asks it for its ManufacturerName on the Basic cluster, the gas
// meter (announcing its IEEE address at NWK level) reports its reading, and the hub polls the gas
// meter's summation.
func seTraffic() ([]time.Time, []frame.Packet) {
	gasIEEE := frame.EUI64{0x00, 0xDB, 0x12, 0x34, 0x56, 0x78, 0x90, 0xA0}
	gasReading := unicast(3, gas, hub, 0x0702, summationResponse(3, 98765432))
	gasReading.NWK.SrcIEEE = &gasIEEE
	packets := []frame.Packet{
		unicast(1, electricity, hub, 0x0702, summationResponse(1, 123456)),
		unicast(2, hub, electricity, 0x0000, readBasicManufacturer),
		gasReading,
		unicast(4, hub, gas, 0x0702, []byte{0x00, 0x04, 0x00, 0x00, 0x00}),
	}
	times := []time.Time{
		virtualStart,
		virtualStart.Add(250*time.Millisecond + 1*time.Microsecond),
		virtualStart.Add(30*time.Second + 7),
		virtualStart.Add(30*time.Minute + 999999999),
	}
	return times, packets
}

var _ = Describe("Captures, as tshark reads them", func() {
	var (
		tshark string
		dir    string
	)
	BeforeEach(func() {
		tshark = testtool.Require("tshark")
		dir = GinkgoT().TempDir()
	})

	writeCapture := func(name string, key bool) string {
		path := filepath.Join(dir, name)
		w, err := capture.Create(path)
		Expect(err).NotTo(HaveOccurred())
		if key {
			Expect(w.AddNetworkKey([16]byte{0: 0xab, 15: 0xcd}, pan)).To(Succeed())
		}
		times, packets := seTraffic()
		writeAll(w, times, packets)
		Expect(w.Close()).To(Succeed())
		return path
	}

	It("dissects every frame down to ZCL without warnings", func() {
		path := writeCapture("se.pcapng", false)
		Expect(runTool(tshark, "-r", path, "-Y", suspicious)).To(BeEmpty())
		protocols := runTool(tshark, "-r", path, "-T", "fields", "-e", "wpan.fcs_ok", "-e", "frame.protocols")
		Expect(strings.Split(strings.TrimSpace(protocols), "\n")).To(HaveEach("1\twpan:zbee_nwk:zbee_aps:zbee_zcl"))
	})

	It("shows the timestamps, addresses, clusters and values that were written", func() {
		path := writeCapture("se.pcapng", false)
		out := runTool(tshark, "-r", path, "-T", "fields",
			"-e", "frame.time_epoch", "-e", "wpan.src16", "-e", "wpan.dst16", "-e", "zbee_nwk.src64",
			"-e", "zbee_aps.cluster", "-e", "zbee_zcl.cmd.id", "-e", "zbee_zcl_se.met.attr_id",
			"-e", "zbee_zcl_general.basic.attr_id", "-e", "zbee_zcl.attr.uint48")
		// The times differ from whole seconds by odd nanoseconds: tshark printing them to the
		// nanosecond shows the virtual clock survives without rounding.
		times, _ := seTraffic()
		Expect(strings.Split(strings.TrimSuffix(out, "\n"), "\n")).To(Equal([]string{
			// time | MAC src | MAC dst | NWK src64 | cluster | ZCL command | Metering attr | Basic attr | uint48
			epoch(times[0]) + "\t0x1a2b\t0x0000\t\t0x0702\t0x01\t0x0000\t\t123456",
			epoch(times[1]) + "\t0x0000\t0x1a2b\t\t0x0000\t0x00\t\t0x0004\t",
			epoch(times[2]) + "\t0x2c3d\t0x0000\t00:db:12:34:56:78:90:a0\t0x0702\t0x01\t0x0000\t\t98765432",
			epoch(times[3]) + "\t0x0000\t0x2c3d\t\t0x0702\t0x00\t0x0000\t\t",
		}))
	})

	It("names the interface", func() {
		path := writeCapture("se.pcapng", false)
		out := runTool(tshark, "-r", path, "-T", "fields", "-e", "frame.interface_name", "-c", "1")
		Expect(out).To(Equal(capture.InterfaceName + "\n"))
	})

	It("flags a frame with a bad FCS, so the clean result above is not vacuous", func() {
		p := unicast(1, electricity, hub, 0x0702, summationResponse(1, 123456))
		b := p.AppendTo(nil)
		b[len(b)-2] ^= 0x01
		path := filepath.Join(dir, "bad.pcapng")
		writeRaw(path, capture.LinkType, b)
		Expect(runTool(tshark, "-r", path, "-Y", suspicious)).NotTo(BeEmpty())
	})

	It("reads a capture carrying a network key as cleanly, and wiretap keeps the key block", func() {
		path := writeCapture("keyed.pcapng", true)
		Expect(runTool(tshark, "-r", path, "-Y", suspicious)).To(BeEmpty())
		Expect(strings.Count(runTool(tshark, "-r", path, "-T", "fields", "-e", "frame.number"), "\n")).To(Equal(4))

		// editcap (from wireshark-common, which tshark depends on) drops Decryption Secrets Blocks
		// on request: the file shrinking by exactly one 40-byte block shows Wireshark's reader took
		// ours for a well-formed DSB.
		editcap, err := exec.LookPath("editcap")
		if err != nil {
			Skip(`editcap not found on PATH: install the Debian package "wireshark-common"`)
		}
		stripped := filepath.Join(dir, "stripped.pcapng")
		runTool(editcap, "--discard-all-secrets", path, stripped)
		before, err := os.Stat(path)
		Expect(err).NotTo(HaveOccurred())
		after, err := os.Stat(stripped)
		Expect(err).NotTo(HaveOccurred())
		Expect(before.Size() - after.Size()).To(BeEquivalentTo(40))
	})
})
