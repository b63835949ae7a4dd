package bolt

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"jiuzhu/shared/sync"
)

func codecEntries() []sync.Entry {
	return []sync.Entry{
		{},
		{Seq: 1, Change: sync.Change{Op: sync.Op{Device: "01JN6Z8Q2V3W4X5Y6Z7A8B9C0D", Counter: 1000}, Rec: "person/01JN6Z8Q2V3W4X5Y6Z7A8B9C0D",
			Field: "address", Value: `"甘肃省兰州市城关区东岗西路 12 号"`, HLC: sync.MakeHLC(1740816000000, 3), By: "user-42", Base: 5000}},
		{Seq: 1<<64 - 1, Change: sync.Change{Op: sync.Op{Device: "d", Counter: 1<<64 - 1}, Rec: "a/1", Field: sync.FieldDeleted,
			Value: strings.Repeat("x", 70000), HLC: 1<<64 - 1, By: "\x00\xff", Base: 1<<64 - 1}},
	}
}

func TestCodecRoundTrip(t *testing.T) {
	t.Parallel()
	for _, e := range codecEntries() {
		b := appendEntry(nil, &e)
		if len(b) > maxEntrySize(&e) {
			t.Errorf("entry encodes to %d bytes, bound %d", len(b), maxEntrySize(&e))
		}
		got, err := decodeEntry(e.Seq, b)
		if err != nil || got != e {
			t.Errorf("entry round trip: %+v, %v; want %+v", got, err, e)
		}
		f := sync.StateOf(e)
		b = appendFieldState(nil, &f)
		if len(b) > maxFieldStateSize(&f) {
			t.Errorf("field state encodes to %d bytes, bound %d", len(b), maxFieldStateSize(&f))
		}
		gf, err := decodeFieldState(b)
		if err != nil || gf != f {
			t.Errorf("field state round trip: %+v, %v; want %+v", gf, err, f)
		}
	}
}

// TestCodecTruncated checks that every strict prefix of an encoding, and
// the encoding with a byte more, is refused.
func TestCodecTruncated(t *testing.T) {
	t.Parallel()
	e := codecEntries()[1]
	f := sync.StateOf(e)
	for name, b := range map[string][]byte{"entry": appendEntry(nil, &e), "field state": appendFieldState(nil, &f)} {
		decode := func(b []byte) error {
			if name == "entry" {
				_, err := decodeEntry(1, b)
				return err
			}
			_, err := decodeFieldState(b)
			return err
		}
		for i := range len(b) {
			if err := decode(b[:i]); !errors.Is(err, ErrCorrupt) {
				t.Errorf("%s cut to %d of %d bytes: %v, want ErrCorrupt", name, i, len(b), err)
			}
		}
		if err := decode(append(b, 0)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s with a byte more: %v, want ErrCorrupt", name, err)
		}
	}
}

// FuzzDecode checks that any bytes either decode or give ErrCorrupt, and
// that what decodes encodes to bytes that decode to the same.
func FuzzDecode(f *testing.F) {
	for _, e := range codecEntries()[:2] {
		f.Add(appendEntry(nil, &e))
		s := sync.StateOf(e)
		f.Add(appendFieldState(nil, &s))
	}
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, b []byte) {
		if e, err := decodeEntry(7, b); err == nil {
			again, err := decodeEntry(7, appendEntry(nil, &e))
			if err != nil || again != e {
				t.Errorf("entry %+v re-decodes to %+v, %v", e, again, err)
			}
		} else if !errors.Is(err, ErrCorrupt) {
			t.Errorf("entry: %v", err)
		}
		if s, err := decodeFieldState(b); err == nil {
			again, err := decodeFieldState(appendFieldState(nil, &s))
			if err != nil || again != s {
				t.Errorf("field state %+v re-decodes to %+v, %v", s, again, err)
			}
		} else if !errors.Is(err, ErrCorrupt) {
			t.Errorf("field state: %v", err)
		}
	})
}

// TestUvarintMatchesBinary checks the decoder's uvarint against
// encoding/binary on edge values.
func TestUvarintMatchesBinary(t *testing.T) {
	t.Parallel()
	for _, v := range []uint64{0, 1, 127, 128, 300, 1<<32 - 1, 1<<56 + 5, 1<<63 - 1, 1 << 63, 1<<64 - 1} {
		d := decoder{s: string(binary.AppendUvarint(nil, v))}
		if got := d.uvarint(); got != v || d.done() != nil {
			t.Errorf("uvarint %d decodes to %d (%v)", v, got, d.done())
		}
	}
	// Eleven bytes, and a tenth byte above 1, overflow.
	for _, b := range [][]byte{
		{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02},
	} {
		d := decoder{s: string(b)}
		if d.uvarint(); d.done() == nil {
			t.Errorf("% x decoded", b)
		}
	}
}
