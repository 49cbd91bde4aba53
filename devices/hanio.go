package devices

import (
	"errors"
	"time"

	"github.com/smetsim/smetsim/devices/han"
	"github.com/smetsim/smetsim/devices/han/frame"
	"github.com/smetsim/smetsim/devices/zcl"
)

// hanIO is the scratch space devices on one scheduler use to encode and decode ZCL frames. The
// scheduler runs one handler at a time, so one set serves every device of a run and a frame costs
// no allocation.
type hanIO struct {
	buf []byte
	dec zcl.Decoder
	ra  zcl.ReadAttributes
	rar zcl.ReadAttributesResponse
	rep zcl.ReportAttributes
	// recs gathers a report's records before they are split into frames.
	recs []zcl.AttributeRecord
	dr   zcl.DefaultResponse
	pp   zcl.PublishPrice
	ctu  zcl.ConsumerTopUp
	ctr  zcl.ConsumerTopUpResponse
	sec  zcl.SelectAvailableEmergencyCredit
	lcs  zcl.LocalChangeSupply
	ssr  zcl.SupplyStatusResponse
	mc   zcl.MessageConfirmation
	gpr  zcl.GetProfileResponse
}

// Encoding units on the HAN, documented in docs/devices.md: prices in PublishPrice are μ£ per
// kWh (Currency 826, 6 trailing digits); Prepayment cluster amounts are in 0.01p (10^-4 £).
const (
	priceTrailingDigits = 6
	prepayUnit          = 100 // Money per Prepayment cluster unit
)

func prepayValue(m Money) int64 { return int64(m / prepayUnit) }

// Attach joins the device to a HAN and remembers its address. It is how a premises wires devices to
// its PAN; the CHF must be attached first, as the coordinator.
func (b *base) attach(nw *han.Network, node han.Node, sleepy bool) error {
	short, err := nw.Join(b.eui, node, sleepy)
	if err != nil {
		return err
	}
	b.net, b.short = nw, short
	return nil
}

// Short returns the device's HAN short address.
func (b *base) Short() uint16 { return b.short }

// Network returns the HAN the device has joined, or nil.
func (b *base) Network() *han.Network { return b.net }

func (b *base) nextSeq() uint8 {
	b.seq++
	return b.seq
}

// send encodes a ZCL frame and puts it on the HAN.
func (b *base) send(now time.Time, dst, cluster uint16, h zcl.Header, c zcl.Command) error {
	if b.net == nil {
		return han.ErrNotJoined
	}
	io := &b.env.io
	buf, err := zcl.AppendFrame(io.buf[:0], h, c)
	if err != nil {
		return err
	}
	io.buf = buf
	m := han.Message{Src: b.short, Dst: dst, SrcEndpoint: han.Endpoint, DstEndpoint: han.Endpoint,
		Cluster: cluster, Profile: frame.ProfileSmartEnergy, Payload: buf}
	return b.net.Send(now, &m)
}

// request sends a client→server or server→client command that starts a transaction.
func (b *base) request(now time.Time, dst, cluster uint16, dir zcl.Direction, c zcl.Command) error {
	return b.send(now, dst, cluster, zcl.Header{Direction: dir, Sequence: b.nextSeq(), DisableDefaultResponse: true}, c)
}

// reply answers a received frame with the same transaction sequence number.
func (b *base) reply(now time.Time, m *han.Message, h zcl.Header, c zcl.Command) error {
	dir := zcl.ServerToClient
	if h.Direction == zcl.ServerToClient {
		dir = zcl.ClientToServer
	}
	return b.send(now, m.Src, m.Cluster, zcl.Header{Direction: dir, Sequence: h.Sequence, DisableDefaultResponse: true}, c)
}

// replyStatus sends a Default Response, as ZCL requires for a failed command and for a successful
// one without a specific response unless the sender disabled it.
func (b *base) replyStatus(now time.Time, m *han.Message, h zcl.Header, s zcl.Status) {
	if s == zcl.StatusSuccess && h.DisableDefaultResponse {
		return
	}
	dr := &b.env.io.dr
	dr.Command, dr.Status = h.Command, s
	_ = b.reply(now, m, h, dr)
}

// decode parses a received frame with the shared decoder. On failure it answers with the Default
// Response status the failure calls for and returns nil.
func (b *base) decode(now time.Time, m *han.Message) (zcl.Header, zcl.Command) {
	var h zcl.Header
	payload, err := h.Parse(m.Payload)
	if err != nil {
		return h, nil
	}
	c, err := b.env.io.dec.Decode(m.Cluster, h, payload)
	if err != nil {
		s := zcl.StatusMalformedCommand
		if errors.Is(err, zcl.ErrUnsupported) {
			s = zcl.StatusUnsupClusterCommand
			if h.FrameType == zcl.FrameProfileWide {
				s = zcl.StatusUnsupGeneralCommand
			}
		}
		if h.Command != zcl.CmdDefaultResponse || h.FrameType != zcl.FrameProfileWide {
			b.replyStatus(now, m, zcl.Header{Direction: h.Direction, Sequence: h.Sequence, Command: h.Command}, s)
		}
		return h, nil
	}
	return h, c
}

// attributeSource is a device that serves attributes of its clusters.
type attributeSource interface {
	attribute(now time.Time, cluster, id uint16) (zcl.Value, bool)
}

// serveRead answers Read Attributes from the device's attributes.
func (b *base) serveRead(now time.Time, m *han.Message, h zcl.Header, ra *zcl.ReadAttributes, src attributeSource) {
	rsp := &b.env.io.rar
	rsp.Records = rsp.Records[:0]
	for _, id := range ra.Attributes {
		v, ok := src.attribute(now, m.Cluster, id)
		if !ok {
			rsp.Records = append(rsp.Records, zcl.ReadAttributeRecord{ID: id, Status: zcl.StatusUnsupportedAttribute})
			continue
		}
		rsp.Records = append(rsp.Records, zcl.ReadAttributeRecord{ID: id, Status: zcl.StatusSuccess, Value: v})
	}
	if len(rsp.Records) == 0 {
		b.replyStatus(now, m, h, zcl.StatusMalformedCommand)
		return
	}
	_ = b.reply(now, m, h, rsp)
}

// readRequest asks another device for attributes.
func (b *base) readRequest(now time.Time, dst, cluster uint16, ids ...uint16) error {
	ra := &b.env.io.ra
	ra.Attributes = append(ra.Attributes[:0], ids...)
	return b.send(now, dst, cluster, zcl.Header{Direction: zcl.ClientToServer, Sequence: b.nextSeq(), DisableDefaultResponse: true}, ra)
}

// sharedAttribute serves the Basic and Time clusters every device has; master marks the HAN's
// time source (the CHF and GPF).
func (b *base) sharedAttribute(now time.Time, cluster, id uint16, master bool) (zcl.Value, bool) {
	switch cluster {
	case zcl.ClusterBasic:
		return b.basicAttribute(id)
	case zcl.ClusterTime:
		return b.timeAttribute(now, id, master)
	}
	return zcl.Value{}, false
}

// basicAttribute serves the Basic cluster from the Device Model.
func (b *base) basicAttribute(id uint16) (zcl.Value, bool) {
	m := b.model
	switch id {
	case zcl.AttrBasicZCLVersion:
		return zcl.Uint(zcl.TypeUint8, 1), true
	case zcl.AttrBasicApplicationVersion:
		return zcl.Uint(zcl.TypeUint8, uint64(leadingNumber(m.FirmwareVersion))), true
	case zcl.AttrBasicStackVersion:
		return zcl.Uint(zcl.TypeUint8, 2), true
	case zcl.AttrBasicHWVersion:
		return zcl.Uint(zcl.TypeUint8, uint64(leadingNumber(m.HardwareVersion))), true
	case zcl.AttrBasicManufacturerName:
		return zcl.CharString(clip(m.Manufacturer, 32)), true
	case zcl.AttrBasicModelIdentifier:
		return zcl.CharString(clip(m.ModelName, 32)), true
	case zcl.AttrBasicPowerSource:
		if m.Kind == KindGSME {
			return zcl.Uint(zcl.TypeEnum8, zcl.PowerSourceBattery), true
		}
		return zcl.Uint(zcl.TypeEnum8, zcl.PowerSourceMainsSingle), true
	case zcl.AttrBasicSWBuildID:
		return zcl.CharString(clip(m.FirmwareVersion, 16)), true
	}
	return zcl.Value{}, false
}

// timeAttribute serves the Time cluster from the device clock; master says the device is the
// HAN's time source (the CHF and GPF are).
func (b *base) timeAttribute(now time.Time, id uint16, master bool) (zcl.Value, bool) {
	dt := b.DeviceTime(now)
	switch id {
	case zcl.AttrTimeTime:
		u, err := zcl.UTCFromTime(dt)
		if err != nil {
			return zcl.Value{}, false
		}
		return zcl.UTC(u), true
	case zcl.AttrTimeTimeStatus:
		var s uint64 = zcl.TimeStatusSynchronized
		if master {
			s |= zcl.TimeStatusMaster | zcl.TimeStatusMasterZoneDst
		}
		return zcl.Uint(zcl.TypeBitmap8, s), true
	case zcl.AttrTimeTimeZone:
		return zcl.Int(zcl.TypeInt32, 0), true
	case zcl.AttrTimeDstStart, zcl.AttrTimeDstEnd:
		start, end := ukSummerTime(dt.Year())
		t := start
		if id == zcl.AttrTimeDstEnd {
			t = end
		}
		u, _ := zcl.UTCFromTime(t)
		return zcl.Uint(zcl.TypeUint32, uint64(u)), true
	case zcl.AttrTimeDstShift:
		return zcl.Int(zcl.TypeInt32, 3600), true
	case zcl.AttrTimeStandardTime:
		u, _ := zcl.UTCFromTime(dt)
		return zcl.Uint(zcl.TypeUint32, uint64(u)), true
	case zcl.AttrTimeLocalTime:
		_, off := dt.In(London).Zone()
		u, _ := zcl.UTCFromTime(dt.Add(time.Duration(off) * time.Second))
		return zcl.Uint(zcl.TypeUint32, uint64(u)), true
	}
	return zcl.Value{}, false
}

func leadingNumber(s string) uint8 {
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
		if n > 255 {
			return 255
		}
	}
	return uint8(n)
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// utc converts an instant to ZCL UTC time, saturating outside its range.
func utc(t time.Time) zcl.UTCTime {
	u, err := zcl.UTCFromTime(t)
	if err != nil {
		return 0
	}
	return u
}
