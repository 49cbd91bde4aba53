package capture

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gopacket/gopacket/pcapgo"

	"github.com/smetsim/smetsim/devices/han/frame"
)

// Record is one frame read back from a capture.
type Record struct {
	Time   time.Time // as written, in UTC
	Packet frame.Packet
}

// Reader reads the frames of a pcapng capture of link type 195, such as Writer produces or an
// 802.15.4 sniffer records. It reads from one goroutine.
type Reader struct {
	ng     *pcapgo.NgReader
	frames int
}

// NewReader reads the section and interface headers from r and checks that the capture holds
// 802.15.4 frames with FCS.
func NewReader(r io.Reader) (*Reader, error) {
	ng, err := pcapgo.NewNgReader(r, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		return nil, fmt.Errorf("capture: read pcapng header: %w", err)
	}
	if lt := ng.LinkType(); lt != LinkType {
		return nil, fmt.Errorf("capture: link type %d is not %d (IEEE 802.15.4 with FCS)", lt, LinkType)
	}
	return &Reader{ng: ng}, nil
}

// Next returns the next frame, or io.EOF after the last. A frame that package frame cannot decode
// (a bad FCS, a MAC command, a secured frame) is an error naming its frame number, counted from 1
// as Wireshark counts. Each Record owns its memory: nothing aliases the Reader or other Records.
func (r *Reader) Next() (Record, error) {
	data, ci, err := r.ng.ReadPacketData() // a fresh slice per frame, unlike ZeroCopyReadPacketData
	if err != nil {
		if errors.Is(err, io.EOF) {
			return Record{}, io.EOF
		}
		return Record{}, fmt.Errorf("capture: read frame %d: %w", r.frames+1, err)
	}
	r.frames++
	rec := Record{Time: ci.Timestamp}
	if ci.CaptureLength < ci.Length {
		return Record{}, fmt.Errorf("capture: read frame %d: only %d of %d bytes captured", r.frames, ci.CaptureLength, ci.Length)
	}
	if err := rec.Packet.Parse(data); err != nil {
		return Record{}, fmt.Errorf("capture: read frame %d: %w", r.frames, err)
	}
	// Parse points the NWK IEEE addresses into the Packet it filled; copying the Record out would
	// leave them pointing into this local one, so give each address storage of its own.
	if a := rec.Packet.NWK.DstIEEE; a != nil {
		e := *a
		rec.Packet.NWK.DstIEEE = &e
	}
	if a := rec.Packet.NWK.SrcIEEE; a != nil {
		e := *a
		rec.Packet.NWK.SrcIEEE = &e
	}
	return rec, nil
}

// ReadFile reads every frame of the capture at path. If a frame cannot be read or decoded, it
// returns the frames before it together with the error.
func ReadFile(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	defer f.Close()
	r, err := NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	var recs []Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, fmt.Errorf("%w (%s)", err, path)
		}
		recs = append(recs, rec)
	}
}
