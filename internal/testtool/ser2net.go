package testtool

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/onsi/ginkgo/v2"
)

// StartSer2net exports device over RFC 2217 with a real ser2net on a loopback port drawn by
// FreeAddr (skipping the spec when ser2net is missing) and returns the address it listens on,
// once it accepts connections. A cleanup stops it.
func StartSer2net(device string) (string, error) {
	bin := Require("ser2net")
	var lastErr error
	for range 5 { // a port FreeAddr found free can be taken before ser2net binds it
		addr, err := FreeAddr()
		if err != nil {
			return "", err
		}
		host, port, _ := net.SplitHostPort(addr)
		dir := ginkgo.GinkgoT().TempDir()
		config := filepath.Join(dir, "ser2net.yaml")
		yaml := fmt.Sprintf("connection: &dongle\n  accepter: telnet(rfc2217),tcp,%s,%s\n  enable: on\n  connector: serialdev,%s,115200n81,local\n  options:\n    kickolduser: true\n", host, port, device)
		if err := os.WriteFile(config, []byte(yaml), 0o600); err != nil {
			return "", err
		}
		cmd := exec.Command(bin, "-n", "-d", "-c", config, "-P", filepath.Join(dir, "ser2net.pid"))
		cmd.Stdout = ginkgo.GinkgoWriter
		cmd.Stderr = ginkgo.GinkgoWriter
		if err := cmd.Start(); err != nil {
			return "", fmt.Errorf("start ser2net: %w", err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		stop := func() {
			_ = cmd.Process.Kill()
			<-exited
		}
		// The probe connection that shows ser2net accepting may still hold the port when the
		// spec connects; kickolduser makes ser2net hand the port to the newer connection
		// instead of refusing it.
		if lastErr = waitAccepting(addr, exited); lastErr == nil {
			ginkgo.DeferCleanup(stop)
			return addr, nil
		}
		stop()
	}
	return "", lastErr
}

// waitAccepting waits up to 30 seconds for something to accept connections on addr, giving up
// early if the server exits.
func waitAccepting(addr string, exited <-chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return c.Close()
		}
		select {
		case err := <-exited:
			return fmt.Errorf("ser2net exited before accepting on %s: %v", addr, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("ser2net did not accept on %s within 30s", addr)
}
