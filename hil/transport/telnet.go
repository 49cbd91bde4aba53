package transport

// Telnet bytes (RFC 854) and the options an RFC 2217 client negotiates.
const (
	iac  = 255
	dont = 254
	do   = 253
	wont = 252
	will = 251
	sb   = 250
	se   = 240

	optBinary  = 0
	optSGA     = 3
	optComPort = 44
)

// RFC 2217 COM-PORT-OPTION commands, client to server. The server answers each with the
// command plus 100 carrying the value it actually set.
const (
	cpSetBaudRate      = 1
	cpSetDataSize      = 2
	cpSetParity        = 3
	cpSetStopSize      = 4
	cpSetControl       = 5
	cpNotifyLineState  = 6
	cpNotifyModemState = 7
	cpFlowSuspend      = 8
	cpFlowResume       = 9
	cpSetLineMask      = 10
	cpSetModemMask     = 11
	cpPurgeData        = 12
	cpServerOffset     = 100
)

// SET-CONTROL values.
const (
	ctlFlowNone     = 1
	ctlFlowHardware = 3
	ctlDTROn        = 8
	ctlDTROff       = 9
	ctlRTSOn        = 11
	ctlRTSOff       = 12
)

// maxSubneg bounds a subnegotiation the decoder keeps; longer ones are cut (RFC 2217 values are
// at most 4 bytes).
const maxSubneg = 64

// telnetEvent is a telnet command found in the stream: an option negotiation (Verb is WILL,
// WONT, DO or DONT) or a complete subnegotiation (Verb is SB, Data its unescaped body).
type telnetEvent struct {
	Verb   byte
	Option byte
	Data   []byte // valid until the next call to decode
}

type telnetState uint8

const (
	tsData telnetState = iota
	tsIAC
	tsOption
	tsSB
	tsSBData
	tsSBIAC
)

// telnetDecoder splits a telnet byte stream into data and commands. It keeps its state between
// calls, so a command split over two reads decodes the same as one in a single read, and it
// allocates nothing after its first subnegotiation.
type telnetDecoder struct {
	state telnetState
	verb  byte
	opt   byte
	sub   []byte
}

// decode reads in, writes the data bytes to the front of data (which must be at least len(in)
// long; in and data may be the same slice) and calls event for each command. It returns the
// number of data bytes.
func (d *telnetDecoder) decode(in, data []byte, event func(telnetEvent)) int {
	n := 0
	for _, c := range in {
		switch d.state {
		case tsData:
			if c == iac {
				d.state = tsIAC
				continue
			}
			data[n] = c
			n++
		case tsIAC:
			switch c {
			case iac:
				data[n] = iac
				n++
				d.state = tsData
			case will, wont, do, dont:
				d.verb = c
				d.state = tsOption
			case sb:
				d.state = tsSB
			default: // NOP, GA, AYT and the rest carry nothing for a serial stream
				d.state = tsData
			}
		case tsOption:
			event(telnetEvent{Verb: d.verb, Option: c})
			d.state = tsData
		case tsSB:
			d.opt = c
			d.sub = d.sub[:0]
			d.state = tsSBData
		case tsSBData:
			if c == iac {
				d.state = tsSBIAC
				continue
			}
			if len(d.sub) < maxSubneg {
				d.sub = append(d.sub, c)
			}
		case tsSBIAC:
			switch c {
			case iac:
				if len(d.sub) < maxSubneg {
					d.sub = append(d.sub, iac)
				}
				d.state = tsSBData
			case se:
				event(telnetEvent{Verb: sb, Option: d.opt, Data: d.sub})
				d.state = tsData
			default:
				// A command inside a subnegotiation is a protocol error; end it there
				// and take the byte as the command it names.
				d.state = tsIAC
				n += d.decode([]byte{c}, data[n:], event)
			}
		}
	}
	return n
}

// appendEscaped appends p to dst with every 0xFF doubled, as telnet sends data.
func appendEscaped(dst, p []byte) []byte {
	for _, c := range p {
		if c == iac {
			dst = append(dst, iac, iac)
		} else {
			dst = append(dst, c)
		}
	}
	return dst
}

// appendSubneg appends a COM-PORT-OPTION subnegotiation carrying cmd and value.
func appendSubneg(dst []byte, cmd byte, value []byte) []byte {
	dst = append(dst, iac, sb, optComPort, cmd)
	dst = appendEscaped(dst, value)
	return append(dst, iac, se)
}
