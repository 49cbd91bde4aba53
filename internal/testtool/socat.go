package testtool

import (
	"bufio"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"time"

	"github.com/onsi/ginkgo/v2"
)

// PtyPair is a pair of connected pseudo-terminals made by socat: bytes written to one come out of
// the other, like the two ends of a null-modem cable.
type PtyPair struct {
	A, B string // the two pty paths, such as /dev/pts/5
	cmd  *exec.Cmd
	done chan struct{}
}

var ptyLine = regexp.MustCompile(`PTY is (\S+)`)

// NewPtyPair starts `socat -d -d pty,raw,echo=0 pty,raw,echo=0` (skipping the spec when socat is
// missing), reads the two pty paths from its stderr and registers a cleanup that stops it. It
// waits up to 30 seconds for socat to report both ptys and to start its transfer loop, so that
// the ptys are ready when it returns.
func NewPtyPair() (*PtyPair, error) {
	socat := Require("socat")
	cmd := exec.Command(socat, "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start socat: %w", err)
	}
	p := &PtyPair{cmd: cmd, done: make(chan struct{})}
	paths := make(chan []string, 1)
	go func() {
		var found []string
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := ptyLine.FindStringSubmatch(sc.Text()); m != nil {
				found = append(found, m[1])
				if len(found) == 2 {
					paths <- found
				}
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		_ = cmd.Wait()
		close(p.done)
	}()
	ginkgo.DeferCleanup(p.Unplug)
	select {
	case f := <-paths:
		p.A, p.B = f[0], f[1]
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("socat ended before reporting two ptys")
	case <-time.After(30 * time.Second):
		p.Unplug()
		return nil, fmt.Errorf("socat reported no ptys within 30s")
	}
}

// Unplug stops socat, so both ptys lose their other end, and waits until it has gone.
func (p *PtyPair) Unplug() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Kill()
	<-p.done
}
