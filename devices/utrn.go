package devices

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
)

// UTRN is a decoded Unique Transaction Reference Number: a 20-digit top-up code that a supplier
// issues for one meter and the consumer keys in at the meter or PPMID.
//
// SMETS1 meters used manufacturer-specific UTRN schemes, and GBCS's SMETS2 scheme needs the
// supplier's signing keys, so smetsim has its own, documented in docs/devices.md: the first 13
// digits hold the amount in pence (6 digits) and a per-meter counter (7 digits), added modulo
// 10^13 to a pad keyed by the meter; the last 7 digits are an HMAC-SHA256 tag of the clear value.
// A code keyed for another meter, mistyped or forged fails the tag; a replayed counter is refused
// as a duplicate.
type UTRN struct {
	Amount  Money  // whole pence
	Counter uint32 // strictly increasing per meter, 1–9,999,999
}

// ErrUTRN is wrapped by every UTRN decoding failure.
var ErrUTRN = errors.New("invalid UTRN")

const (
	utrnBodyMod    = 10_000_000_000_000 // 10^13
	utrnTagMod     = 10_000_000         // 10^7
	maxUTRNPence   = 999_999
	maxUTRNCounter = 9_999_999
)

// UTRNKey is the secret a supplier shares with one meter for its top-up codes.
type UTRNKey [32]byte

// DeriveUTRNKey returns the UTRN key smetsim gives the meter with the given seed and Device ID, so
// that tests and scenarios can issue codes for any meter of a fleet without storing keys.
func DeriveUTRNKey(seed uint64, eui EUI64) UTRNKey {
	h := sha256.New()
	h.Write([]byte("smetsim UTRN key v1"))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seed)
	h.Write(b[:])
	h.Write(eui[:])
	var k UTRNKey
	h.Sum(k[:0])
	return k
}

// mac is HMAC-SHA256 under the key of a domain byte and a number, reduced modulo mod: the tag
// ('T', of the clear value) and the pad ('P', of the tag) come from it.
func (k *UTRNKey) mac(domain byte, v, mod uint64) uint64 {
	m := hmac.New(sha256.New, k[:])
	var b [9]byte
	b[0] = domain
	binary.BigEndian.PutUint64(b[1:], v)
	m.Write(b[:])
	return binary.BigEndian.Uint64(m.Sum(nil)) % mod
}

func (k *UTRNKey) tag(body uint64) uint64 { return k.mac('T', body, utrnTagMod) }

func (k *UTRNKey) pad(tag uint64) uint64 { return k.mac('P', tag, utrnBodyMod) }

// Encode returns the 20-digit code for a top-up of amount (whole pence) with the given counter.
func (k *UTRNKey) Encode(u UTRN) (string, error) {
	if u.Amount <= 0 || u.Amount%Penny != 0 || u.Amount/Penny > maxUTRNPence {
		return "", fmt.Errorf("%w: amount %s must be whole pence between 1p and £9,999.99", ErrUTRN, u.Amount)
	}
	if u.Counter == 0 || u.Counter > maxUTRNCounter {
		return "", fmt.Errorf("%w: counter %d must be 1–%d", ErrUTRN, u.Counter, maxUTRNCounter)
	}
	body := uint64(u.Amount/Penny)*utrnTagMod + uint64(u.Counter)
	tag := k.tag(body)
	enc := (body + k.pad(tag)) % utrnBodyMod
	return fmt.Sprintf("%013d%07d", enc, tag), nil
}

// Decode checks a 20-digit code against the key and returns the top-up it carries.
func (k *UTRNKey) Decode(code string) (UTRN, error) {
	if len(code) != 20 {
		return UTRN{}, fmt.Errorf("%w: %d characters, want 20 digits", ErrUTRN, len(code))
	}
	var enc, tag uint64
	for i := 0; i < 20; i++ {
		c := code[i]
		if c < '0' || c > '9' {
			return UTRN{}, fmt.Errorf("%w: character %d is not a digit", ErrUTRN, i+1)
		}
		if i < 13 {
			enc = enc*10 + uint64(c-'0')
		} else {
			tag = tag*10 + uint64(c-'0')
		}
	}
	body := (enc + utrnBodyMod - k.pad(tag)) % utrnBodyMod
	if k.tag(body) != tag {
		return UTRN{}, fmt.Errorf("%w: check digits do not match this meter", ErrUTRN)
	}
	u := UTRN{Amount: Money(body/utrnTagMod) * Penny, Counter: uint32(body % utrnTagMod)}
	if u.Amount == 0 || u.Counter == 0 {
		return UTRN{}, fmt.Errorf("%w: zero amount or counter", ErrUTRN)
	}
	return u, nil
}
