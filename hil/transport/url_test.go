package transport_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/hil/transport"
)

var _ = Describe("device URLs", func() {
	DescribeTable("parse",
		func(in string, want transport.URL, canonical string) {
			u, err := transport.ParseURL(in)
			Expect(err).NotTo(HaveOccurred())
			Expect(u).To(Equal(want))
			Expect(u.String()).To(Equal(canonical))
			again, err := transport.ParseURL(u.String())
			Expect(err).NotTo(HaveOccurred())
			Expect(again).To(Equal(u))
		},
		Entry("empty is emu", "", transport.URL{Scheme: transport.Emu}, "emu://"),
		Entry("emu", "emu://", transport.URL{Scheme: transport.Emu}, "emu://"),
		Entry("serial with defaults", "serial:///dev/ttyUSB0?driver=znp",
			transport.URL{Scheme: transport.Serial, Path: "/dev/ttyUSB0", Driver: "znp", Baud: 115200, DataBits: 8},
			"serial:///dev/ttyUSB0?driver=znp"),
		Entry("serial with every option", "serial:///dev/ttyACM0?baud=9600&databits=7&parity=even&stopbits=2&rtscts=true&dtr=off&rts=on",
			transport.URL{Scheme: transport.Serial, Path: "/dev/ttyACM0", Baud: 9600, DataBits: 7, Parity: transport.ParityEven,
				StopBits: transport.StopBits2, RTSCTS: true, DTR: transport.LineOff, RTS: transport.LineOn},
			"serial:///dev/ttyACM0?baud=9600&databits=7&parity=even&stopbits=2&rtscts=true&dtr=off&rts=on"),
		Entry("rfc2217", "rfc2217://rig1.lab:2000?driver=znp&baud=115200&stopbits=1.5",
			transport.URL{Scheme: transport.RFC2217, Host: "rig1.lab:2000", Driver: "znp", Baud: 115200, DataBits: 8, StopBits: transport.StopBits1Half},
			"rfc2217://rig1.lab:2000?driver=znp&stopbits=1.5"),
		Entry("rfc2217 IPv6", "rfc2217://[::1]:7000",
			transport.URL{Scheme: transport.RFC2217, Host: "[::1]:7000", Baud: 115200, DataBits: 8}, "rfc2217://[::1]:7000"),
		Entry("tcp", "tcp://127.0.0.1:6638?driver=znp",
			transport.URL{Scheme: transport.TCP, Host: "127.0.0.1:6638", Driver: "znp"}, "tcp://127.0.0.1:6638?driver=znp"),
		Entry("scheme in capitals", "TCP://h:1", transport.URL{Scheme: transport.TCP, Host: "h:1"}, "tcp://h:1"),
	)

	DescribeTable("refuse, naming the bad part",
		func(in, part, value string) {
			_, err := transport.ParseURL(in)
			var ue *transport.URLError
			Expect(errors.As(err, &ue)).To(BeTrue(), "error %v", err)
			Expect(ue.Part).To(Equal(part))
			Expect(ue.Value).To(Equal(value))
			Expect(ue.URL).To(Equal(in))
			Expect(err.Error()).To(ContainSubstring(part))
		},
		Entry("no scheme", "/dev/ttyUSB0", "scheme", ""),
		Entry("unknown scheme", "usb://x", "scheme", "usb"),
		Entry("serial with a host", "serial://dev/ttyUSB0", "host", "dev"),
		Entry("serial without a path", "serial://", "path", ""),
		Entry("tcp without a port", "tcp://localhost", "host", "localhost"),
		Entry("tcp with port 0", "tcp://localhost:0", "port", "0"),
		Entry("tcp with port too big", "tcp://localhost:65536", "port", "65536"),
		Entry("tcp with a path", "tcp://h:1/x", "path", "/x"),
		Entry("tcp with a baud", "tcp://h:1?baud=9600", "baud", "9600"),
		Entry("rfc2217 without a host", "rfc2217://:2000", "host", ":2000"),
		Entry("unknown driver", "serial:///dev/ttyUSB0?driver=ezsp", "driver", "ezsp"),
		Entry("baud not a number", "serial:///dev/ttyUSB0?baud=fast", "baud", "fast"),
		Entry("baud zero", "serial:///dev/ttyUSB0?baud=0", "baud", "0"),
		Entry("data bits 9", "serial:///dev/ttyUSB0?databits=9", "databits", "9"),
		Entry("parity", "serial:///dev/ttyUSB0?parity=weird", "parity", "weird"),
		Entry("stop bits 3", "serial:///dev/ttyUSB0?stopbits=3", "stopbits", "3"),
		Entry("rtscts", "serial:///dev/ttyUSB0?rtscts=maybe", "rtscts", "maybe"),
		Entry("dtr", "serial:///dev/ttyUSB0?dtr=2", "dtr", "2"),
		Entry("option twice", "serial:///dev/ttyUSB0?baud=9600&baud=19200", "baud", "9600,19200"),
		Entry("unknown option", "serial:///dev/ttyUSB0?speed=9600", "option", "speed"),
		Entry("emu with options", "emu://x", "emu", "x"),
		Entry("userinfo", "tcp://me:pw@h:1", "userinfo", "me"),
		Entry("fragment", "tcp://h:1#x", "fragment", ""),
		Entry("bad query escape", "serial:///dev/ttyUSB0?baud=%zz", "query", "baud=%zz"),
	)
})

var _ = Describe("dongle hints", func() {
	DescribeTable("by USB VID:PID, in either case",
		func(vid, pid, likelihood string) {
			d, ok := transport.IdentifyDongle(vid, pid)
			if likelihood == "" {
				Expect(ok).To(BeFalse())
				return
			}
			Expect(ok).To(BeTrue())
			Expect(d.Likelihood).To(Equal(likelihood))
		},
		Entry("TI CC2531", "0451", "16a8", "likely"),
		Entry("TI LaunchXL", "0451", "BEF3", "likely"),
		Entry("CP210x", "10c4", "ea60", "bridge: maybe"),
		Entry("CH340", "1A86", "7523", "bridge: maybe"),
		Entry("CH9102", "1a86", "55d4", "bridge: maybe"),
		Entry("FTDI", "0403", "6001", ""),
	)
})
