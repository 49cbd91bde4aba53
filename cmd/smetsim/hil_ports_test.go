package main

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/hil/transport"
)

var _ = Describe("hil ports", func() {
	fakePorts := func(ports []transport.LocalPort, err error) {
		saved := listLocalPorts
		listLocalPorts = func() ([]transport.LocalPort, error) { return ports, err }
		DeferCleanup(func() { listLocalPorts = saved })
	}
	rig := []transport.LocalPort{
		transport.DescribePort("/dev/ttyACM0", true, "0451", "16a8", "__0X00124B0012345678", "TI CC2531 USB CDC"),
		transport.DescribePort("/dev/ttyUSB0", true, "10c4", "ea60", "9c3f1a2b", "Sonoff Zigbee 3.0 USB Dongle Plus"),
		transport.DescribePort("/dev/ttyUSB1", true, "0403", "6001", "A50285BI", "FT232R USB UART"),
		transport.DescribePort("/dev/ttyS0", false, "", "", "", ""),
	}

	It("lists ports with USB IDs and serial numbers, hinting at dongles and saying it is a hint", func() {
		fakePorts(rig, nil)
		r := smetsim("hil", "ports")
		Expect(r.code).To(Equal(exitOK), r.errOut)
		Expect(r.out).To(MatchRegexp(`(?m)^PORT +VID:PID +SERIAL +PRODUCT +ZIGBEE HINT$`))
		Expect(r.out).To(MatchRegexp(`(?m)^/dev/ttyACM0 +0451:16A8 +__0X00124B0012345678 +TI CC2531 USB CDC +likely: TI CC2531 USB dongle$`))
		Expect(r.out).To(MatchRegexp(`(?m)^/dev/ttyUSB0 +10C4:EA60 +9c3f1a2b +.* +bridge: maybe: Silicon Labs CP210x`))
		Expect(r.out).To(MatchRegexp(`(?m)^/dev/ttyUSB1 +0403:6001 +A50285BI +FT232R USB UART +-$`))
		Expect(r.out).To(MatchRegexp(`(?m)^/dev/ttyS0 +- +- +- +-$`))
		Expect(r.out).To(ContainSubstring("only"))
	})

	It("prints JSON", func() {
		fakePorts(rig, nil)
		var out []transport.LocalPort
		r := smetsim("hil", "ports", "--json")
		Expect(r.code).To(Equal(exitOK), r.errOut)
		decodeJSON(r.out, &out)
		Expect(out).To(HaveLen(4))
		Expect(out[0].VID).To(Equal("0451"))
		Expect(out[0].PID).To(Equal("16A8"))
		Expect(out[0].Dongle).NotTo(BeNil())
		Expect(out[0].Dongle.Likelihood).To(Equal("likely"))
		Expect(out[3].Dongle).To(BeNil())
		Expect(r.out).To(ContainSubstring(`"serial_number": "__0X00124B0012345678"`))
	})

	It("says there are no ports and exits 0", func() {
		fakePorts(nil, nil)
		r := smetsim("hil", "ports")
		Expect(r.code).To(Equal(exitOK))
		Expect(r.out).To(Equal("no serial ports found\n"))
		r = smetsim("hil", "ports", "--json")
		Expect(r.code).To(Equal(exitOK))
		Expect(r.out).To(Equal("[]\n"))
	})

	It("fails with the enumerator's error", func() {
		fakePorts(nil, errors.New("permission denied"))
		r := smetsim("hil", "ports")
		Expect(r.code).To(Equal(exitFailed))
		Expect(r.errOut).To(ContainSubstring("list serial ports: permission denied"))
	})

	It("runs on this machine's real ports", func() {
		r := smetsim("hil", "ports")
		Expect(r.code).To(Equal(exitOK), r.errOut)
		Expect(r.out).To(Or(Equal("no serial ports found\n"), HavePrefix("PORT ")))
	})
})
