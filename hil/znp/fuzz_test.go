package znp_test

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/smetsim/smetsim/hil/znp"
)

func seedVectors(f *testing.F) {
	for _, v := range vectors() {
		f.Add(unhex(v.wire))
	}
	f.Add([]byte{})
	f.Add(unhex("FE"))
	f.Add(unhex("FE FF 00 00"))
	f.Add(unhex("00 13 FE 05 61 02 FE 02 61 01 59 06 3D"))
}

// FuzzFrameParse checks that Frame.Parse never panics, fails only with a typed error, and that a
// frame it accepts encodes back to exactly the bytes it took. Each input is tried as it is and
// with a SOF and a correct FCS put in place: random mutations almost never keep an FCS right, and
// without the second pass the fuzzer would not reach the payload decoders behind it.
func FuzzFrameParse(f *testing.F) {
	seedVectors(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		checkFrame(t, b)
		if len(b) >= znp.Overhead && int(b[1]) <= znp.MaxData && len(b) >= int(b[1])+znp.Overhead {
			c := append([]byte(nil), b...)
			c[0] = znp.SOF
			n := int(c[1])
			c[4+n] = znp.FCS(c[1 : 4+n])
			checkFrame(t, c)
		}
	})
}

func checkFrame(t *testing.T, b []byte) {
	t.Helper()
	{
		in := append([]byte(nil), b...)
		var fr znp.Frame
		n, err := fr.Parse(b)
		if !bytes.Equal(b, in) {
			t.Fatal("Parse modified its input")
		}
		if err != nil {
			var ze *znp.Error
			if !errors.As(err, &ze) {
				t.Fatalf("Parse(% x): %v is not a *znp.Error", b, err)
			}
			if !errors.Is(err, znp.ErrTruncated) && !errors.Is(err, znp.ErrNoSOF) &&
				!errors.Is(err, znp.ErrTooLong) && !errors.Is(err, znp.ErrBadFCS) {
				t.Fatalf("Parse(% x): %v wraps no sentinel", b, err)
			}
			return
		}
		enc, err := fr.AppendTo(nil)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if !bytes.Equal(enc, b[:n]) {
			t.Fatalf("parse→encode changed the frame\n  in:  % x\n  out: % x", b[:n], enc)
		}
		checkPayload(t, fr.Command, fr.Data)
	}
}

// FuzzReader feeds arbitrary bytes to the stream reader whole and one byte at a time. Both must
// find the same frames, each must appear in the input as it is re-encoded, the reader must end with
// io.EOF or io.ErrUnexpectedEOF, and a known frame appended after any noise must be found.
func FuzzReader(f *testing.F) {
	seedVectors(f)
	tail := unhex("FE 02 61 01 59 06 3D")
	f.Fuzz(func(t *testing.T, b []byte) {
		whole := readFrames(t, bytes.NewReader(b))
		bytewise := readFrames(t, iotest.OneByteReader(bytes.NewReader(b)))
		if len(whole) != len(bytewise) {
			t.Fatalf("whole read found %d frames, byte-wise %d", len(whole), len(bytewise))
		}
		for i := range whole {
			if !bytes.Equal(whole[i], bytewise[i]) {
				t.Fatalf("frame %d differs: % x vs % x", i, whole[i], bytewise[i])
			}
			if !bytes.Contains(b, whole[i]) {
				t.Fatalf("frame % x is not in the input", whole[i])
			}
		}
		// The noise may hold the start of a frame that swallows the tail, but a long enough run of
		// non-SOF padding ends any candidate, so the known frame after it is always found.
		padded := append(append(append([]byte(nil), b...), bytes.Repeat([]byte{0}, znp.MaxFrame)...), tail...)
		got := readFrames(t, bytes.NewReader(padded))
		if len(got) == 0 || !bytes.Equal(got[len(got)-1], tail) {
			t.Fatalf("the frame after the noise was lost")
		}
	})
}

func readFrames(t *testing.T, src io.Reader) [][]byte {
	t.Helper()
	r := znp.NewReader(src)
	var out [][]byte
	var fr znp.Frame
	for {
		err := r.ReadFrame(&fr)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return out
		}
		if err != nil {
			t.Fatalf("ReadFrame: %v", err)
		}
		enc, err := fr.AppendTo(nil)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		out = append(out, enc)
		checkPayload(t, fr.Command, fr.Data)
	}
}

// checkPayload decodes data as the payload of cmd, when the package knows it: the decoder must
// not panic, must fail only with a typed error, and what it accepts must encode back to data.
func checkPayload(t *testing.T, cmd znp.Command, data []byte) {
	t.Helper()
	type codec interface{ Parse([]byte) error }
	var p codec
	var enc func() ([]byte, error)
	switch cmd {
	case znp.CmdSysPing.Response():
		v := &znp.PingResponse{}
		p, enc = v, func() ([]byte, error) { return v.AppendTo(nil), nil }
	case znp.CmdSysVersion.Response():
		v := &znp.VersionResponse{}
		p, enc = v, func() ([]byte, error) { return v.AppendTo(nil), nil }
	case znp.CmdSysResetReq:
		v := &znp.ResetRequest{}
		p, enc = v, func() ([]byte, error) { return v.AppendTo(nil), nil }
	case znp.CmdSysResetInd:
		v := &znp.ResetInd{}
		p, enc = v, func() ([]byte, error) { return v.AppendTo(nil), nil }
	case znp.CmdAFRegister:
		v := &znp.AFRegister{}
		p, enc = v, func() ([]byte, error) { return v.AppendTo(nil) }
	case znp.CmdAFRegister.Response(), znp.CmdAFDataRequest.Response(), znp.CmdZDOStartupFromApp.Response(),
		znp.CmdZDOMgmtPermitJoinReq.Response():
		v := &znp.StatusResponse{}
		p, enc = v, func() ([]byte, error) { return v.AppendTo(nil), nil }
	case znp.CmdAFDataRequest:
		v := &znp.AFDataRequest{}
		p, enc = v, func() ([]byte, error) { return v.AppendTo(nil) }
	case znp.CmdAFDataConfirm:
		v := &znp.AFDataConfirm{}
		p, enc = v, func() ([]byte, error) { return v.AppendTo(nil), nil }
	case znp.CmdAFIncomingMsg:
		v := &znp.AFIncomingMsg{}
		p, enc = v, func() ([]byte, error) { return v.AppendTo(nil) }
	case znp.CmdZDOStartupFromApp:
		v := &znp.StartupFromApp{}
		p, enc = v, func() ([]byte, error) { return v.AppendTo(nil), nil }
	case znp.CmdZDOStateChangeInd:
		v := &znp.StateChangeInd{}
		p, enc = v, func() ([]byte, error) { return v.AppendTo(nil), nil }
	case znp.CmdZDOMgmtPermitJoinReq:
		v := &znp.MgmtPermitJoinReq{}
		p, enc = v, func() ([]byte, error) { return v.AppendTo(nil), nil }
	case znp.CmdZDOMgmtPermitJoinRsp:
		v := &znp.MgmtPermitJoinRsp{}
		p, enc = v, func() ([]byte, error) { return v.AppendTo(nil), nil }
	case znp.CmdZDOEndDeviceAnnceInd:
		v := &znp.EndDeviceAnnceInd{}
		p, enc = v, func() ([]byte, error) { return v.AppendTo(nil), nil }
	case znp.CmdRPCError:
		v := &znp.RPCErrorResponse{}
		p, enc = v, func() ([]byte, error) { return v.AppendTo(nil), nil }
	default:
		return
	}
	if err := p.Parse(data); err != nil {
		var ze *znp.Error
		if !errors.As(err, &ze) {
			t.Fatalf("%s payload % x: %v is not a *znp.Error", cmd, data, err)
		}
		return
	}
	got, err := enc()
	if err != nil {
		t.Fatalf("%s payload % x: re-encode: %v", cmd, data, err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("%s payload parse→encode changed it\n  in:  % x\n  out: % x", cmd, data, got)
	}
}
