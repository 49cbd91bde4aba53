package znp

import (
	"bytes"
	"errors"
	"io"
)

// ReaderStats counts what a Reader threw away while looking for frames.
type ReaderStats struct {
	Frames  uint64 // good frames returned
	Garbage uint64 // bytes dropped while looking for a start of frame
	BadFCS  uint64 // candidate frames whose FCS did not match
	TooLong uint64 // candidate frames whose length exceeded MaxData
}

// Reader reads MT frames from a byte stream such as a serial port. It resynchronises on line
// noise: bytes before a start of frame are dropped, and a candidate frame with an impossible length
// or a bad FCS costs only its SOF byte, so a truncated frame followed by a good one loses nothing
// of the good one. Frames may arrive split across reads or several to a read.
//
// A Reader owns a fixed buffer and does not allocate once made. It is not safe for concurrent use.
type Reader struct {
	r     io.Reader
	buf   [2 * MaxFrame]byte
	start int // first unconsumed byte
	end   int // one past the last byte read
	stats ReaderStats
}

// NewReader returns a Reader that reads frames from r.
func NewReader(r io.Reader) *Reader { return &Reader{r: r} }

// Stats returns what the reader has counted so far.
func (r *Reader) Stats() ReaderStats { return r.stats }

// ReadFrame returns the next good frame. Its Data aliases the reader's buffer and is valid only
// until the next call. The error is the underlying reader's (io.EOF at a clean end of stream,
// io.ErrUnexpectedEOF if the stream ends inside a frame).
func (r *Reader) ReadFrame(f *Frame) error {
	for {
		if err := r.scan(f); err == nil {
			return nil
		}
		if err := r.fill(); err != nil {
			if errors.Is(err, io.EOF) && r.end > r.start {
				return io.ErrUnexpectedEOF
			}
			return err
		}
	}
}

// scan looks for a frame in the buffered bytes, dropping what cannot start one. It returns nil
// with f filled, or errNeedMore.
func (r *Reader) scan(f *Frame) error {
	for r.start < r.end {
		b := r.buf[r.start:r.end]
		i := bytes.IndexByte(b, SOF)
		if i < 0 {
			r.stats.Garbage += uint64(len(b))
			r.start = r.end
			break
		}
		r.stats.Garbage += uint64(i)
		r.start += i
		n, _, _, err := f.parse(r.buf[r.start:r.end])
		if err == nil {
			r.start += n
			r.stats.Frames++
			return nil
		}
		switch err {
		case ErrTruncated:
			return errNeedMore
		case ErrBadFCS:
			r.stats.BadFCS++
		case ErrTooLong:
			r.stats.TooLong++
		}
		// This SOF did not start a frame: drop it and look for the next.
		r.stats.Garbage++
		r.start++
	}
	return errNeedMore
}

var errNeedMore = errors.New("need more bytes")

// fill reads more bytes, first moving the unconsumed tail to the front of the buffer. A candidate
// frame is at most MaxFrame bytes, so after compaction there is always room.
func (r *Reader) fill() error {
	if r.start > 0 {
		r.end = copy(r.buf[:], r.buf[r.start:r.end])
		r.start = 0
	}
	for range 100 {
		n, err := r.r.Read(r.buf[r.end:])
		r.end += n
		if n > 0 {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}
