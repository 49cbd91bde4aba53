package transport_test

import (
	"fmt"

	"github.com/smetsim/smetsim/hil/transport"
)

func ExampleParseURL() {
	u, err := transport.ParseURL("serial:///dev/ttyUSB0?driver=znp&baud=115200&dtr=off")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u.Scheme, u.Path, u.Driver, u.Baud, u.DTR)
	fmt.Println(u)

	_, err = transport.ParseURL("rfc2217://rig1.lab?driver=znp")
	fmt.Println(err)
	// Output:
	// serial /dev/ttyUSB0 znp 115200 off
	// serial:///dev/ttyUSB0?driver=znp&dtr=off
	// device URL "rfc2217://rig1.lab?driver=znp": host "rig1.lab": want host:port
}
