package znp_test

import (
	"bytes"
	"fmt"

	"github.com/smetsim/smetsim/hil/znp"
)

// A SYS_PING request and the dongle's answer, as they cross the serial line.
func ExampleFrame_AppendTo() {
	ping := znp.Frame{Command: znp.CmdSysPing}
	b, _ := ping.AppendTo(nil)
	fmt.Printf("% X\n", b)

	rsp := znp.PingResponse{Capabilities: 0x0659}
	answer := znp.Frame{Command: znp.CmdSysPing.Response(), Data: rsp.AppendTo(nil)}
	b, _ = answer.AppendTo(nil)
	fmt.Printf("% X\n", b)
	// Output:
	// FE 00 21 01 20
	// FE 02 61 01 59 06 3D
}

// The reader finds frames in line noise, including behind a frame cut short.
func ExampleReader() {
	line := []byte{0x00, 0x13, 0xFE, 0x05, 0x61, 0x02, // noise, then a truncated SYS_VERSION SRSP
		0xFE, 0x02, 0x61, 0x01, 0x59, 0x06, 0x3D, // SYS_PING SRSP
		0xFE, 0x01, 0x45, 0xC0, 0x09, 0x8D} // ZDO_STATE_CHANGE_IND: coordinator
	r := znp.NewReader(bytes.NewReader(line))
	var f znp.Frame
	for r.ReadFrame(&f) == nil {
		fmt.Printf("%s % X\n", f.Command, f.Data)
	}
	fmt.Printf("dropped %d bytes\n", r.Stats().Garbage)
	// Output:
	// SRSP SYS_PING 59 06
	// AREQ ZDO_STATE_CHANGE_IND 09
	// dropped 6 bytes
}
