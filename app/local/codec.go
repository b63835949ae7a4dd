package local

import (
	"encoding/binary"

	"jiuzhu/shared/sync"
)

// The stored (plaintext, before sealing) form of records, changes and meta:
// a version byte, then varints and length-prefixed strings. Strings that
// repeat inside one value (device ids, authors) are interned: the first
// occurrence is written, later ones are a back-reference. Decoding checks
// every length against the input and never panics.

const codecVersion = 1

// maxStored bounds any one string in a stored value.
const maxStored = 1 << 20

type enc struct {
	buf   []byte
	table map[string]uint64
}

func (e *enc) uv(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *enc) str(s string) {
	e.uv(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *enc) id(s string) {
	if i, ok := e.table[s]; ok {
		e.uv(i<<1 | 1)
		return
	}
	if e.table == nil {
		e.table = map[string]uint64{}
	}
	e.table[s] = uint64(len(e.table))
	e.uv(uint64(len(s)) << 1)
	e.buf = append(e.buf, s...)
}

type dec struct {
	b     []byte
	pos   int
	bad   bool
	table []string
}

func newDec(b []byte) *dec {
	d := &dec{b: b}
	if len(b) == 0 || b[0] != codecVersion {
		d.bad = true
	}
	d.pos = 1
	return d
}

func (d *dec) uv() uint64 {
	if d.bad {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.pos:])
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.pos += n
	return v
}

func (d *dec) raw(n uint64) string {
	if d.bad || n > maxStored || n > uint64(len(d.b)-d.pos) {
		d.bad = true
		return ""
	}
	s := string(d.b[d.pos : d.pos+int(n)])
	d.pos += int(n)
	return s
}

func (d *dec) str() string { return d.raw(d.uv()) }

func (d *dec) id() string {
	v := d.uv()
	if d.bad {
		return ""
	}
	if v&1 == 1 {
		if v>>1 >= uint64(len(d.table)) {
			d.bad = true
			return ""
		}
		return d.table[v>>1]
	}
	s := d.raw(v >> 1)
	if !d.bad {
		d.table = append(d.table, s)
	}
	return s
}

// count reads a list length, each element at least minBytes long.
func (d *dec) count(minBytes int) int {
	n := d.uv()
	if d.bad || n*uint64(minBytes) > uint64(len(d.b)-d.pos) {
		d.bad = true
		return 0
	}
	return int(n)
}

func (d *dec) done() error {
	if d.bad || d.pos != len(d.b) {
		return ErrCorrupt
	}
	return nil
}

// encodeRecord encodes r's fields (the id is the storage key, not encoded).
func encodeRecord(r *sync.Record) []byte {
	e := enc{buf: make([]byte, 0, 64+len(r.Fields)*48)}
	e.buf = append(e.buf, codecVersion)
	names := r.FieldNames()
	e.uv(uint64(len(names)))
	for _, name := range names {
		f := r.Fields[name]
		e.str(name)
		e.str(f.Value)
		e.uv(uint64(f.HLC))
		e.id(f.Op.Device)
		e.uv(f.Op.Counter)
		e.id(f.By)
		e.uv(f.Seq)
	}
	return e.buf
}

func decodeRecord(id sync.RecID, b []byte) (*sync.Record, error) {
	d := newDec(b)
	n := d.count(7)
	r := &sync.Record{ID: id, Fields: make(map[string]sync.FieldState, n)}
	for i := 0; i < n && !d.bad; i++ {
		name := d.str()
		var f sync.FieldState
		f.Value = d.str()
		f.HLC = sync.HLC(d.uv())
		f.Op.Device = d.id()
		f.Op.Counter = d.uv()
		f.By = d.id()
		f.Seq = d.uv()
		r.Fields[name] = f
	}
	if err := d.done(); err != nil {
		return nil, err
	}
	return r, nil
}

func (e *enc) change(c *sync.Change) {
	e.id(c.Op.Device)
	e.uv(c.Op.Counter)
	e.str(string(c.Rec))
	e.str(c.Field)
	e.str(c.Value)
	e.uv(uint64(c.HLC))
	e.id(c.By)
	e.uv(c.Base)
}

func (d *dec) change(c *sync.Change) {
	c.Op.Device = d.id()
	c.Op.Counter = d.uv()
	c.Rec = sync.RecID(d.str())
	c.Field = d.str()
	c.Value = d.str()
	c.HLC = sync.HLC(d.uv())
	c.By = d.id()
	c.Base = d.uv()
}

func encodeChange(c *sync.Change) []byte {
	e := enc{buf: make([]byte, 0, 64+len(c.Value))}
	e.buf = append(e.buf, codecVersion)
	e.change(c)
	return e.buf
}

func decodeChange(b []byte) (sync.Change, error) {
	var c sync.Change
	d := newDec(b)
	d.change(&c)
	return c, d.done()
}

func encodeRejected(r *sync.RejectedChange) []byte {
	e := enc{buf: make([]byte, 0, 96+len(r.Value)+len(r.Message))}
	e.buf = append(e.buf, codecVersion)
	e.change(&r.Change)
	e.str(r.Code)
	e.str(r.Message)
	return e.buf
}

func decodeRejected(b []byte) (sync.RejectedChange, error) {
	var r sync.RejectedChange
	d := newDec(b)
	d.change(&r.Change)
	r.Code = d.str()
	r.Message = d.str()
	return r, d.done()
}

func encodeMeta(m *sync.ClientMeta) []byte {
	e := enc{buf: make([]byte, 0, 32+len(m.Device))}
	e.buf = append(e.buf, codecVersion)
	e.str(m.Device)
	e.uv(m.Counter)
	e.uv(uint64(m.Clock))
	e.uv(m.Cursor.Epoch)
	e.uv(m.Cursor.Seq)
	return e.buf
}

func decodeMeta(b []byte) (sync.ClientMeta, error) {
	var m sync.ClientMeta
	d := newDec(b)
	m.Device = d.str()
	m.Counter = d.uv()
	m.Clock = sync.HLC(d.uv())
	m.Cursor.Epoch = d.uv()
	m.Cursor.Seq = d.uv()
	return m, d.done()
}

// encodeStrings and decodeStrings store a short list of strings (the
// keyring's sealed secrets).
func encodeStrings(ss ...string) []byte {
	e := enc{}
	e.buf = append(e.buf, codecVersion)
	e.uv(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
	return e.buf
}

func decodeStrings(b []byte) ([]string, error) {
	d := newDec(b)
	n := d.count(1)
	out := make([]string, 0, n)
	for i := 0; i < n && !d.bad; i++ {
		out = append(out, d.str())
	}
	return out, d.done()
}
