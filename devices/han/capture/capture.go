// Package capture records the frames of the simulated HAN in pcapng files that Wireshark and tshark
// open directly, and reads such files back.
//
// Each frame is written whole, as it would cross the air: IEEE 802.15.4 MAC header, ZigBee NWK and
// APS headers, ZCL payload and the 2-byte FCS, under link type 195 (LINKTYPE_IEEE802_15_4_WITHFCS).
// Including the FCS matters: Wireshark only dissects an 802.15.4 frame past the MAC layer when its
// FCS checks out, so a capture doubles as an outside check that frame encodes what the HAN sends.
//
// Timestamps are whatever the caller passes, normally the simulator's virtual clock rather than
// the wall clock, so that a capture of a replayed scenario is identical from run to run. They are
// stored with nanosecond resolution.
//
// # Decryption secrets
//
// Real SMETS HANs secure every frame with the ZigBee network key and APS link keys. pcapng carries
// such keys in Decryption Secrets Blocks, and pcapgo's NgWriter.WriteDecryptionSecretsBlock writes
// them for both ZigBee secret types: "ZNWK" (0x5a4e574b: the 16-byte network key followed by the
// little-endian PAN ID) and "ZAPS" (0x5a415053: a 16-byte link key, the PAN ID and the two short
// addresses it protects, lower first). Writer.AddNetworkKey writes the first kind, so that once
// NWK security lands in package frame a capture will carry the key that opens it, for a Wireshark
// release that knows these secret types to decrypt without configuration. Wireshark 4.0 predates
// them: it reads and keeps the block (editcap copies it, --discard-all-secrets drops it) but does
// not use the key. A link-key counterpart follows the same pattern when APS security lands.
// pcapgo's reader keeps such blocks to itself, so Reader does not return them.
package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/smetsim/smetsim/devices/han/frame"
)

// LinkType is LINKTYPE_IEEE802_15_4_WITHFCS, the pcap link type of 802.15.4 frames that end with
// their FCS; gopacket names no constant for it.
const LinkType = layers.LinkType(195)

// MaxFrameSize is aMaxPHYPacketSize of IEEE 802.15.4, the longest frame (FCS included) a 2.4 GHz
// radio can send. A longer frame could never have been on the air, so Write refuses it rather than
// record something no real HAN would show.
const MaxFrameSize = 127

// InterfaceName names the capture interface, which Wireshark shows as the frame's interface.
const InterfaceName = "smetsim-han"

// ErrClosed is returned by a Writer used after Close.
var ErrClosed = errors.New("capture: writer is closed")

// The range of time.Time that pcapng's unsigned 64-bit nanosecond timestamps, reached through
// time.Time.UnixNano, can represent.
var (
	minTime = time.Unix(0, 0)
	maxTime = time.Unix(0, math.MaxInt64)
)

// Writer writes HAN frames to a pcapng stream. It is meant for one goroutine, the HAN's own: it
// reuses one encoding buffer across frames and has no locking, so concurrent calls must be
// serialised by the caller.
type Writer struct {
	ng     *pcapgo.NgWriter
	file   *os.File // owned, closed by Close; nil when the caller owns the destination
	buf    []byte   // encoding buffer reused by every Write
	frames int      // frames written so far; Wireshark numbers frames from 1 in the same order
	closed bool
}

// NewWriter starts a pcapng capture on w: a section header naming smetsim and one 802.15.4
// interface. Nothing reaches w until Flush or Close, because pcapgo buffers its output. Close does
// not close w.
func NewWriter(w io.Writer) (*Writer, error) {
	intf := pcapgo.NgInterface{
		Name:        InterfaceName,
		Description: "simulated GB Smart Energy HAN (ZigBee SE 1.x over IEEE 802.15.4)",
		OS:          runtime.GOOS,
		LinkType:    LinkType,
	}
	opts := pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{
		Application: "smetsim",
		Hardware:    runtime.GOARCH,
		OS:          runtime.GOOS,
		// Said in the file because Wireshark shows these dates as if they were wall-clock time.
		Comment: "frames from the smetsim in-process HAN; timestamps are simulator virtual time",
	}}
	ng, err := pcapgo.NewNgWriterInterface(w, intf, opts)
	if err != nil {
		return nil, fmt.Errorf("capture: start pcapng: %w", err)
	}
	return &Writer{ng: ng, buf: make([]byte, 0, MaxFrameSize)}, nil
}

// Create creates (or truncates) the file at path and starts a capture in it. The Writer owns the
// file: Close flushes and closes it.
func Create(path string) (*Writer, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	w, err := NewWriter(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	w.file = f
	return w, nil
}

// Write encodes p and records it with timestamp ts. ts must lie between 1970 and 2262, the span
// of pcapng's nanosecond timestamps. In the steady state Write does not allocate.
func (w *Writer) Write(ts time.Time, p *frame.Packet) error {
	n := w.frames + 1
	if w.closed {
		return fmt.Errorf("capture: write frame %d: %w", n, ErrClosed)
	}
	if ts.Before(minTime) || ts.After(maxTime) {
		return fmt.Errorf("capture: write frame %d: timestamp %v outside the pcapng range 1970–2262", n, ts)
	}
	w.buf = p.AppendTo(w.buf[:0])
	if len(w.buf) > MaxFrameSize {
		return fmt.Errorf("capture: write frame %d: %d-byte frame exceeds the %d-byte 802.15.4 limit", n, len(w.buf), MaxFrameSize)
	}
	ci := gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(w.buf), Length: len(w.buf)}
	if err := w.ng.WritePacket(ci, w.buf); err != nil {
		return fmt.Errorf("capture: write frame %d: %w", n, err)
	}
	w.frames = n
	return nil
}

// AddNetworkKey records the ZigBee network key of the PAN pan in a Decryption Secrets Block, so
// that Wireshark can decrypt NWK-secured frames that follow it without being configured. The key
// is in the byte order it is used for AES, as the Transport Key command carries it.
//
// A capture holding the key exposes the HAN's traffic to anyone with the file; simulated keys are
// not secrets, but a capture from a real HAN would be.
func (w *Writer) AddNetworkKey(key [16]byte, pan uint16) error {
	if w.closed {
		return fmt.Errorf("capture: add network key: %w", ErrClosed)
	}
	var secret [18]byte
	copy(secret[:], key[:])
	binary.LittleEndian.PutUint16(secret[16:], pan)
	if err := w.ng.WriteDecryptionSecretsBlock(pcapgo.DSB_SECRETS_TYPE_ZIGBEE_NWK_KEY, secret[:]); err != nil {
		return fmt.Errorf("capture: add network key: %w", err)
	}
	return nil
}

// Frames returns how many frames have been written.
func (w *Writer) Frames() int { return w.frames }

// Flush passes everything written so far to the underlying writer, so that a capture can be read
// while the simulation is still running.
func (w *Writer) Flush() error {
	if w.closed {
		return fmt.Errorf("capture: flush: %w", ErrClosed)
	}
	if err := w.ng.Flush(); err != nil {
		return fmt.Errorf("capture: flush: %w", err)
	}
	return nil
}

// Close flushes the capture and, when the Writer was made by Create, closes the file. Closing
// twice is harmless; any other use after Close returns ErrClosed.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.ng.Flush()
	if err != nil {
		err = fmt.Errorf("capture: flush: %w", err)
	}
	if w.file != nil {
		if cerr := w.file.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("capture: %w", cerr)
		}
	}
	return err
}
