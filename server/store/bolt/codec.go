package bolt

import (
	"encoding/binary"
	"fmt"

	"jiuzhu/shared/sync"
)

// The binary layouts of log entries and field states. Strings are a uvarint
// length and the bytes; counters, sequences and bases are uvarints; an HLC is
// 8 big-endian bytes (it is about 2^56, where a varint saves nothing).
//
//	entry:       device counter rec field value hlc by base   (the seq is the key)
//	field state: value hlc device counter by seq
//
// A decoder copies the stored bytes into one string and slices every string
// field out of it: one allocation per value.

// maxEntrySize bounds the encoded size of e.
func maxEntrySize(e *sync.Entry) int {
	return len(e.Op.Device) + len(e.Rec) + len(e.Field) + len(e.Value) + len(e.By) +
		7*binary.MaxVarintLen64 + 8
}

// appendEntry appends the encoding of e (without its Seq) to dst.
func appendEntry(dst []byte, e *sync.Entry) []byte {
	dst = appendPrefixed(dst, e.Op.Device)
	dst = binary.AppendUvarint(dst, e.Op.Counter)
	dst = appendPrefixed(dst, string(e.Rec))
	dst = appendPrefixed(dst, e.Field)
	dst = appendPrefixed(dst, e.Value)
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.HLC))
	dst = appendPrefixed(dst, e.By)
	return binary.AppendUvarint(dst, e.Base)
}

// decodeEntry decodes the log entry stored under seq.
func decodeEntry(seq uint64, b []byte) (sync.Entry, error) {
	d := decoder{s: string(b)}
	e := sync.Entry{Seq: seq}
	e.Op.Device = d.str()
	e.Op.Counter = d.uvarint()
	e.Rec = sync.RecID(d.str())
	e.Field = d.str()
	e.Value = d.str()
	e.HLC = sync.HLC(d.fixed64())
	e.By = d.str()
	e.Base = d.uvarint()
	if err := d.done(); err != nil {
		return sync.Entry{}, fmt.Errorf("log entry %d: %w", seq, err)
	}
	return e, nil
}

// entryRec returns the record of an encoded log entry (a slice of b)
// without decoding the rest; ok is false when b is too short to hold one.
func entryRec(b []byte) (rec []byte, ok bool) {
	n, i := binary.Uvarint(b) // the op's device
	if i <= 0 || n > uint64(len(b)-i) {
		return nil, false
	}
	b = b[i+int(n):]
	if _, i = binary.Uvarint(b); i <= 0 { // its counter
		return nil, false
	}
	b = b[i:]
	n, i = binary.Uvarint(b)
	if i <= 0 || n > uint64(len(b)-i) {
		return nil, false
	}
	return b[i : i+int(n)], true
}

// maxFieldStateSize bounds the encoded size of f.
func maxFieldStateSize(f *sync.FieldState) int {
	return len(f.Value) + len(f.Op.Device) + len(f.By) + 5*binary.MaxVarintLen64 + 8
}

// appendFieldState appends the encoding of f to dst.
func appendFieldState(dst []byte, f *sync.FieldState) []byte {
	dst = appendPrefixed(dst, f.Value)
	dst = binary.BigEndian.AppendUint64(dst, uint64(f.HLC))
	dst = appendPrefixed(dst, f.Op.Device)
	dst = binary.AppendUvarint(dst, f.Op.Counter)
	dst = appendPrefixed(dst, f.By)
	return binary.AppendUvarint(dst, f.Seq)
}

// decodeFieldState decodes a stored field state.
func decodeFieldState(b []byte) (sync.FieldState, error) {
	d := decoder{s: string(b)}
	var f sync.FieldState
	f.Value = d.str()
	f.HLC = sync.HLC(d.fixed64())
	f.Op.Device = d.str()
	f.Op.Counter = d.uvarint()
	f.By = d.str()
	f.Seq = d.uvarint()
	if err := d.done(); err != nil {
		return sync.FieldState{}, fmt.Errorf("field state: %w", err)
	}
	return f, nil
}

// decoder reads the layouts above from a string. After the first error
// every read returns a zero value; done reports the error, or bytes left
// over.
type decoder struct {
	s   string
	pos int
	bad bool
}

func (d *decoder) uvarint() uint64 {
	if d.bad {
		return 0
	}
	var v uint64
	for shift := uint(0); shift < 70; shift += 7 {
		if d.pos >= len(d.s) {
			break
		}
		c := d.s[d.pos]
		d.pos++
		if shift == 63 && c > 1 {
			break // overflows 64 bits
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	d.bad = true
	return 0
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.s)-d.pos) {
		d.bad = true
		return ""
	}
	s := d.s[d.pos : d.pos+int(n)]
	d.pos += int(n)
	return s
}

func (d *decoder) fixed64() uint64 {
	if d.bad || len(d.s)-d.pos < 8 {
		d.bad = true
		return 0
	}
	var v uint64
	for _, c := range []byte(d.s[d.pos : d.pos+8]) {
		v = v<<8 | uint64(c)
	}
	d.pos += 8
	return v
}

func (d *decoder) done() error {
	if d.bad || d.pos != len(d.s) {
		return ErrCorrupt
	}
	return nil
}
