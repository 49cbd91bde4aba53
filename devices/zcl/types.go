package zcl

import (
	"bytes"
	"strconv"
	"time"
)

// DataType is a ZCL data type identifier (ZCL §2.6.2, Table 2-10). The package carries the types the
// SE clusters' attributes use. Values of the others (floats, long strings, arrays, structures,
// keys…) are refused with ErrUnsupported rather than guessed at: a decoder that skipped one on a
// wrong length would misread every record after it.
type DataType uint8

// Data types carried by Value.
const (
	TypeBool        DataType = 0x10
	TypeBitmap8     DataType = 0x18
	TypeBitmap16    DataType = 0x19
	TypeBitmap24    DataType = 0x1a
	TypeBitmap32    DataType = 0x1b
	TypeBitmap40    DataType = 0x1c
	TypeBitmap48    DataType = 0x1d
	TypeBitmap56    DataType = 0x1e
	TypeBitmap64    DataType = 0x1f
	TypeUint8       DataType = 0x20
	TypeUint16      DataType = 0x21
	TypeUint24      DataType = 0x22
	TypeUint32      DataType = 0x23
	TypeUint40      DataType = 0x24
	TypeUint48      DataType = 0x25
	TypeUint56      DataType = 0x26
	TypeUint64      DataType = 0x27
	TypeInt8        DataType = 0x28
	TypeInt16       DataType = 0x29
	TypeInt24       DataType = 0x2a
	TypeInt32       DataType = 0x2b
	TypeInt40       DataType = 0x2c
	TypeInt48       DataType = 0x2d
	TypeInt56       DataType = 0x2e
	TypeInt64       DataType = 0x2f
	TypeEnum8       DataType = 0x30
	TypeEnum16      DataType = 0x31
	TypeOctetString DataType = 0x41
	TypeCharString  DataType = 0x42
	TypeUTCTime     DataType = 0xe2
	TypeClusterID   DataType = 0xe8
	TypeAttributeID DataType = 0xe9
	TypeIEEEAddress DataType = 0xf0
)

type typeKind uint8

const (
	kindNone typeKind = iota
	kindBool
	kindUnsigned
	kindSigned
	kindString
)

// layout returns how a type is represented and its fixed width in octets (0 for strings).
func (t DataType) layout() (typeKind, int) {
	switch {
	case t == TypeBool:
		return kindBool, 1
	case t >= TypeBitmap8 && t <= TypeBitmap64:
		return kindUnsigned, int(t-TypeBitmap8) + 1
	case t >= TypeUint8 && t <= TypeUint64:
		return kindUnsigned, int(t-TypeUint8) + 1
	case t >= TypeInt8 && t <= TypeInt64:
		return kindSigned, int(t-TypeInt8) + 1
	case t == TypeEnum8:
		return kindUnsigned, 1
	case t == TypeEnum16, t == TypeClusterID, t == TypeAttributeID:
		return kindUnsigned, 2
	case t == TypeUTCTime:
		return kindUnsigned, 4
	case t == TypeIEEEAddress:
		return kindUnsigned, 8
	case t == TypeOctetString, t == TypeCharString:
		return kindString, 0
	}
	return kindNone, 0
}

// Supported reports whether this package can encode and decode values of the type.
func (t DataType) Supported() bool {
	k, _ := t.layout()
	return k != kindNone
}

// Size returns the fixed width of the type in octets, or 0 for strings and unsupported types.
func (t DataType) Size() int {
	_, n := t.layout()
	return n
}

// Signed reports whether the type is a two's-complement integer.
func (t DataType) Signed() bool {
	k, _ := t.layout()
	return k == kindSigned
}

// Analog reports whether the type is analog in the sense of ZCL Table 2-10: integers and times, whose
// Configure Reporting record carries a reportable change, unlike the discrete bitmaps, enumerations,
// strings and identifiers.
func (t DataType) Analog() bool {
	return t >= TypeUint8 && t <= TypeInt64 || t == TypeUTCTime
}

var typeNames = map[DataType]string{
	TypeBool: "bool", TypeBitmap8: "map8", TypeBitmap16: "map16", TypeBitmap24: "map24",
	TypeBitmap32: "map32", TypeBitmap40: "map40", TypeBitmap48: "map48", TypeBitmap56: "map56",
	TypeBitmap64: "map64", TypeUint8: "uint8", TypeUint16: "uint16", TypeUint24: "uint24",
	TypeUint32: "uint32", TypeUint40: "uint40", TypeUint48: "uint48", TypeUint56: "uint56",
	TypeUint64: "uint64", TypeInt8: "int8", TypeInt16: "int16", TypeInt24: "int24",
	TypeInt32: "int32", TypeInt40: "int40", TypeInt48: "int48", TypeInt56: "int56",
	TypeInt64: "int64", TypeEnum8: "enum8", TypeEnum16: "enum16", TypeOctetString: "octstr",
	TypeCharString: "string", TypeUTCTime: "UTC", TypeClusterID: "clusterId",
	TypeAttributeID: "attribId", TypeIEEEAddress: "EUI64",
}

// String returns the short name ZCL Table 2-10 gives the type, or its number when unsupported.
func (t DataType) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return "DataType(0x" + strconv.FormatUint(uint64(t), 16) + ")"
}

// Value is one typed attribute value. Numeric types (bool, bitmaps, integers, enumerations, UTC
// time, cluster and attribute identifiers, IEEE address) live in Num; signed integers hold their
// int64 two's complement there, so that one field serves every width, and an IEEE address is the
// EUI-64 read as a number (0x00DB1234567890A0 for 00-DB-12-34-56-78-90-A0). Octet and character
// strings live in Bytes, which aliases the input when the Value was parsed.
type Value struct {
	Type  DataType
	Num   uint64
	Bytes []byte
}

// Uint returns an unsigned-family value (bitmap, uint, enum, UTC time, identifier, IEEE address).
func Uint(t DataType, v uint64) Value { return Value{Type: t, Num: v} }

// Int returns a signed integer value.
func Int(t DataType, v int64) Value { return Value{Type: t, Num: uint64(v)} }

// Bool returns a boolean value.
func Bool(v bool) Value {
	if v {
		return Value{Type: TypeBool, Num: 1}
	}
	return Value{Type: TypeBool}
}

// UTC returns a UTC time value.
func UTC(t UTCTime) Value { return Value{Type: TypeUTCTime, Num: uint64(t)} }

// OctetString returns an octet string value that aliases b.
func OctetString(b []byte) Value { return Value{Type: TypeOctetString, Bytes: b} }

// CharString returns a character string value holding a copy of s. An empty s gives nil Bytes, as
// decoding an empty string does, so the two compare equal even with reflect.DeepEqual.
func CharString(s string) Value {
	if s == "" {
		return Value{Type: TypeCharString}
	}
	return Value{Type: TypeCharString, Bytes: []byte(s)}
}

// Int returns the value as a signed integer; meaningful for signed types.
func (v Value) Int() int64 { return int64(v.Num) }

// Bool reports whether a boolean value is true.
func (v Value) Bool() bool { return v.Num != 0 }

// UTC returns the value as a UTC time; meaningful for TypeUTCTime.
func (v Value) UTC() UTCTime { return UTCTime(v.Num) }

// Equal reports whether two values have the same type and contents.
func (v Value) Equal(o Value) bool {
	return v.Type == o.Type && v.Num == o.Num && bytes.Equal(v.Bytes, o.Bytes)
}

// Len returns the encoded length of the value's data, without the type octet, or -1 when the type
// is unsupported.
func (v Value) Len() int {
	k, n := v.Type.layout()
	switch k {
	case kindNone:
		return -1
	case kindString:
		return 1 + len(v.Bytes)
	}
	return n
}

// check refuses a value that does not fit its type, so that what is encoded is exactly what a
// decoder will hand back.
func (v Value) check() error {
	k, n := v.Type.layout()
	name := v.Type.String()
	switch k {
	case kindNone:
		return encodeError("Value", name, ErrUnsupported)
	case kindString:
		if v.Num != 0 {
			return encodeError("Value", name, ErrInvalid)
		}
		if len(v.Bytes) > maxString {
			return encodeError("Value", name, ErrRange)
		}
		return nil
	}
	if v.Bytes != nil {
		return encodeError("Value", name, ErrInvalid)
	}
	switch k {
	case kindBool:
		if v.Num > 1 {
			return encodeError("Value", name, ErrRange)
		}
	case kindUnsigned:
		if n < 8 && v.Num>>(8*n) != 0 {
			return encodeError("Value", name, ErrRange)
		}
	case kindSigned:
		if n < 8 {
			lim := int64(1) << (8*n - 1)
			if i := int64(v.Num); i < -lim || i >= lim {
				return encodeError("Value", name, ErrRange)
			}
		}
	}
	return nil
}

// AppendTo appends the value's data, without the type octet, little-endian as ZCL §2.6.2 requires.
// It refuses a value that does not fit its type (ErrRange), a type this package does not carry
// (ErrUnsupported), and a numeric value with Bytes set or a string value with Num set (ErrInvalid).
func (v Value) AppendTo(b []byte) ([]byte, error) {
	if err := v.check(); err != nil {
		return b, err
	}
	k, n := v.Type.layout()
	if k == kindString {
		b = append(b, byte(len(v.Bytes)))
		return append(b, v.Bytes...), nil
	}
	return appendUint(b, v.Num, n), nil
}

// ParseValue decodes data of type t from the start of b and returns the value and the number of
// octets it used. Odd-width signed integers are sign-extended; string data aliases b.
func ParseValue(t DataType, b []byte) (Value, int, error) {
	r := newReader("Value", b)
	v := r.value(t, t.String())
	return v, r.off, r.err
}

func (r *reader) value(t DataType, field string) Value {
	k, n := t.layout()
	v := Value{Type: t}
	switch k {
	case kindNone:
		r.fail(field, ErrUnsupported)
	case kindString:
		v.Bytes = r.str(field, maxString)
	case kindBool:
		v.Num = uint64(r.u8(field))
		if v.Num > 1 {
			// 0xFF is ZCL's "invalid boolean"; anything else is not a boolean at all. Neither can
			// be re-encoded as a bool, so both are refused.
			r.off--
			r.fail(field, ErrInvalid)
		}
	case kindUnsigned:
		v.Num = r.uint(n, field)
	case kindSigned:
		u := r.uint(n, field)
		shift := uint(64 - 8*n)
		v.Num = uint64(int64(u<<shift) >> shift)
	}
	return v
}

// UTCTime is the ZCL UTC time type: seconds since 2000-01-01 00:00:00 UTC (ZCL §2.6.2). In SE
// commands a start time of 0 means "now".
type UTCTime uint32

// UTCInvalid is the value ZCL reserves for an invalid or unset UTC time.
const UTCInvalid UTCTime = 0xffffffff

// utcEpoch is 2000-01-01T00:00:00Z as a Unix time.
const utcEpoch = 946684800

// UTCFromTime converts t to a ZCL UTC time, dropping any fraction of a second. It fails with
// ErrRange before 2000 and from 0xFFFFFFFF seconds after it, which the type cannot represent.
func UTCFromTime(t time.Time) (UTCTime, error) {
	s := t.Unix() - utcEpoch
	if s < 0 || s >= int64(UTCInvalid) {
		return 0, encodeError("UTCTime", "seconds", ErrRange)
	}
	return UTCTime(s), nil
}

// Time returns the instant u denotes, in UTC.
func (u UTCTime) Time() time.Time { return time.Unix(int64(u)+utcEpoch, 0).UTC() }
