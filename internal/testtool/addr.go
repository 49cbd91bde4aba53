package testtool

import (
	"fmt"
	"math/rand/v2"
	"net"
)

// FreeAddr returns a loopback address nothing listens on, for a server a spec must name before it
// starts (a Receive Response Service another DCC is told to post to). The port is drawn below
// Linux's ephemeral range (32768–60999): a port taken from that range and released can be handed
// to any outgoing connection of a test running beside this one before the server binds it again,
// which failed specs with "address already in use" under load; below it only explicit binds
// compete, and those draw at random too.
func FreeAddr() (string, error) {
	for range 64 {
		addr := fmt.Sprintf("127.0.0.1:%d", 20000+rand.IntN(12000))
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			continue
		}
		if err := ln.Close(); err != nil {
			return "", err
		}
		return addr, nil
	}
	return "", fmt.Errorf("no free loopback port in 20000–31999 after 64 tries")
}
