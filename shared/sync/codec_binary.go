package sync

import (
	"encoding/binary"
)

// Binary is the compact hand-written codec used on the wire.
//
// Layout: one byte protocol version, one byte message type, then the body.
// Integers are varints; sequences, counters, HLCs and bases are deltas from
// the previous change in the same message. Identifiers (devices, record ids,
// field names, authors) are interned: the first occurrence is written, later
// ones are a back-reference, so a batch that edits many fields of one record
// carries the record id once. Decode checks every length against the
// remaining input and the Limits before allocating.
type Binary struct {
	Limits Limits
}

// Encode implements Codec.
func (c Binary) Encode(m Message) ([]byte, error) {
	lim := c.Limits.orDefault()
	e := binEnc{lim: lim, buf: make([]byte, 0, 256), table: map[string]uint64{}}
	e.buf = append(e.buf, ProtocolVersion, byte(m.Type()))
	if err := e.body(m); err != nil {
		return nil, &Error{Op: "encode " + m.Type().String(), Err: err}
	}
	if len(e.buf) > lim.MaxMessage {
		return nil, &Error{Op: "encode " + m.Type().String(), Err: ErrTooLarge}
	}
	return e.buf, nil
}

// Decode implements Codec.
func (c Binary) Decode(b []byte) (Message, error) {
	lim := c.Limits.orDefault()
	if len(b) > lim.MaxMessage {
		return nil, &Error{Op: "decode", Err: ErrTooLarge}
	}
	if len(b) < 2 {
		return nil, &Error{Op: "decode", Err: ErrMalformed}
	}
	if b[0] != ProtocolVersion {
		return nil, &Error{Op: "decode", Err: ErrVersion}
	}
	d := binDec{lim: lim, b: b, pos: 2}
	m, err := d.body(MsgType(b[1]))
	if err == nil && d.pos != len(b) {
		err = ErrMalformed
	}
	if err != nil {
		return nil, &Error{Op: "decode " + MsgType(b[1]).String(), Err: err}
	}
	return m, nil
}

type binEnc struct {
	lim   Limits
	buf   []byte
	table map[string]uint64
	prev  Change // previous change in this message, for deltas
	seq   uint64
}

func (e *binEnc) uv(v uint64)       { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *binEnc) sv(v int64)        { e.buf = binary.AppendVarint(e.buf, v) }
func (e *binEnc) delta(a, b uint64) { e.sv(int64(a - b)) }
func (e *binEnc) flag(v bool) {
	if v {
		e.buf = append(e.buf, 1)
	} else {
		e.buf = append(e.buf, 0)
	}
}

func (e *binEnc) str(s string) error {
	if len(s) > e.lim.MaxString {
		return ErrTooLarge
	}
	e.uv(uint64(len(s)))
	e.buf = append(e.buf, s...)
	return nil
}

// id writes an interned string.
func (e *binEnc) id(s string) error {
	if i, ok := e.table[s]; ok {
		e.uv(i<<1 | 1)
		return nil
	}
	if len(s) > e.lim.MaxString {
		return ErrTooLarge
	}
	e.table[s] = uint64(len(e.table))
	e.uv(uint64(len(s)) << 1)
	e.buf = append(e.buf, s...)
	return nil
}

func (e *binEnc) cursor(c Cursor) { e.uv(c.Epoch); e.uv(c.Seq) }

func (e *binEnc) op(o Op) error {
	if err := e.id(o.Device); err != nil {
		return err
	}
	e.delta(o.Counter, e.prev.Op.Counter)
	e.prev.Op.Counter = o.Counter
	return nil
}

func (e *binEnc) change(c *Change) error {
	if len(c.Value) > e.lim.MaxValue {
		return ErrTooLarge
	}
	if err := e.op(c.Op); err != nil {
		return err
	}
	if err := e.id(string(c.Rec)); err != nil {
		return err
	}
	if err := e.id(c.Field); err != nil {
		return err
	}
	e.uv(uint64(len(c.Value)))
	e.buf = append(e.buf, c.Value...)
	e.delta(uint64(c.HLC), uint64(e.prev.HLC))
	if err := e.id(c.By); err != nil {
		return err
	}
	e.delta(c.Base, e.prev.Base)
	e.prev.HLC, e.prev.Base = c.HLC, c.Base
	return nil
}

func (e *binEnc) count(n int) error {
	if n > e.lim.MaxBatch {
		return ErrTooLarge
	}
	e.uv(uint64(n))
	return nil
}

func (e *binEnc) body(m Message) error {
	switch m := m.(type) {
	case *Hello:
		e.cursor(m.Cursor)
		return firstErr(e.str(m.Token), e.str(m.Device), e.str(m.App))
	case *Welcome:
		e.sv(m.ServerTime)
		e.uv(m.Epoch)
		e.flag(m.Reset)
		return e.str(m.MinApp)
	case *Push:
		e.uv(uint64(m.ID))
		if err := e.count(len(m.Changes)); err != nil {
			return err
		}
		for i := range m.Changes {
			if err := e.change(&m.Changes[i]); err != nil {
				return err
			}
		}
	case *Ack:
		e.uv(uint64(m.ID))
		if err := e.count(len(m.Accepted)); err != nil {
			return err
		}
		for _, a := range m.Accepted {
			if err := e.op(a.Op); err != nil {
				return err
			}
			e.delta(a.Seq, e.seq)
			e.seq = a.Seq
		}
		if err := e.count(len(m.Rejected)); err != nil {
			return err
		}
		for _, r := range m.Rejected {
			if err := firstErr(e.op(r.Op), e.str(r.Code), e.str(r.Message)); err != nil {
				return err
			}
		}
	case *Pull:
		e.uv(uint64(m.ID))
		e.cursor(m.Cursor)
		e.uv(uint64(m.Limit))
	case *Page:
		e.uv(uint64(m.ID))
		e.cursor(m.From)
		e.cursor(m.To)
		e.flag(m.More)
		if err := e.count(len(m.Entries)); err != nil {
			return err
		}
		for i := range m.Entries {
			e.delta(m.Entries[i].Seq, e.seq)
			e.seq = m.Entries[i].Seq
			if err := e.change(&m.Entries[i].Change); err != nil {
				return err
			}
		}
		if err := e.count(len(m.Drop)); err != nil {
			return err
		}
		for _, r := range m.Drop {
			if err := e.str(string(r)); err != nil {
				return err
			}
		}
	case *Poke:
	case *Revoked:
		return e.str(m.Reason)
	case *ErrorMsg:
		return firstErr(e.str(m.Code), e.str(m.Message))
	default:
		return ErrMalformed
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

type binDec struct {
	lim   Limits
	b     []byte
	pos   int
	err   error
	table []string
	prev  Change
	seq   uint64
}

func (d *binDec) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *binDec) uv() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.pos:])
	if n <= 0 {
		d.fail(ErrMalformed)
		return 0
	}
	d.pos += n
	return v
}

func (d *binDec) sv() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b[d.pos:])
	if n <= 0 {
		d.fail(ErrMalformed)
		return 0
	}
	d.pos += n
	return v
}

func (d *binDec) u32() uint32 {
	v := d.uv()
	if v > 1<<32-1 {
		d.fail(ErrMalformed)
	}
	return uint32(v)
}

func (d *binDec) flag() bool {
	if d.err != nil {
		return false
	}
	if d.pos >= len(d.b) || d.b[d.pos] > 1 {
		d.fail(ErrMalformed)
		return false
	}
	d.pos++
	return d.b[d.pos-1] == 1
}

// raw reads n bytes as a string, n checked against max and the input.
func (d *binDec) raw(n uint64, max int) string {
	if d.err != nil {
		return ""
	}
	if n > uint64(max) {
		d.fail(ErrTooLarge)
		return ""
	}
	if n > uint64(len(d.b)-d.pos) {
		d.fail(ErrMalformed)
		return ""
	}
	s := string(d.b[d.pos : d.pos+int(n)])
	d.pos += int(n)
	return s
}

func (d *binDec) str() string { return d.raw(d.uv(), d.lim.MaxString) }

func (d *binDec) id() string {
	v := d.uv()
	if d.err != nil {
		return ""
	}
	if v&1 == 1 {
		if v>>1 >= uint64(len(d.table)) {
			d.fail(ErrMalformed)
			return ""
		}
		return d.table[v>>1]
	}
	s := d.raw(v>>1, d.lim.MaxString)
	if d.err == nil {
		d.table = append(d.table, s)
	}
	return s
}

func (d *binDec) cursor() Cursor { return Cursor{Epoch: d.uv(), Seq: d.uv()} }

func (d *binDec) delta(prev uint64) uint64 { return prev + uint64(d.sv()) }

func (d *binDec) op() Op {
	o := Op{Device: d.id()}
	o.Counter = d.delta(d.prev.Op.Counter)
	d.prev.Op.Counter = o.Counter
	return o
}

// count reads a list length; each element takes at least minBytes.
func (d *binDec) count(minBytes int) int {
	n := d.uv()
	if d.err != nil {
		return 0
	}
	if n > uint64(d.lim.MaxBatch) {
		d.fail(ErrTooLarge)
		return 0
	}
	if n*uint64(minBytes) > uint64(len(d.b)-d.pos) {
		d.fail(ErrMalformed)
		return 0
	}
	return int(n)
}

func (d *binDec) change(c *Change) {
	c.Op = d.op()
	c.Rec = RecID(d.id())
	c.Field = d.id()
	c.Value = d.raw(d.uv(), d.lim.MaxValue)
	c.HLC = HLC(d.delta(uint64(d.prev.HLC)))
	c.By = d.id()
	c.Base = d.delta(d.prev.Base)
	d.prev.HLC, d.prev.Base = c.HLC, c.Base
}

const minChangeBytes = 8 // op(2) rec(1) field(1) value(1) hlc(1) by(1) base(1)

func (d *binDec) body(t MsgType) (Message, error) {
	var m Message
	switch t {
	case THello:
		h := &Hello{Cursor: d.cursor()}
		h.Token, h.Device, h.App = d.str(), d.str(), d.str()
		m = h
	case TWelcome:
		w := &Welcome{ServerTime: d.sv(), Epoch: d.uv(), Reset: d.flag()}
		w.MinApp = d.str()
		m = w
	case TPush:
		p := &Push{ID: d.u32()}
		if n := d.count(minChangeBytes); n > 0 {
			p.Changes = make([]Change, n)
			for i := range p.Changes {
				d.change(&p.Changes[i])
			}
		}
		m = p
	case TAck:
		a := &Ack{ID: d.u32()}
		if n := d.count(3); n > 0 {
			a.Accepted = make([]Accepted, n)
			for i := range a.Accepted {
				a.Accepted[i].Op = d.op()
				a.Accepted[i].Seq = d.delta(d.seq)
				d.seq = a.Accepted[i].Seq
			}
		}
		if n := d.count(4); n > 0 {
			a.Rejected = make([]Rejected, n)
			for i := range a.Rejected {
				a.Rejected[i].Op = d.op()
				a.Rejected[i].Code = d.str()
				a.Rejected[i].Message = d.str()
			}
		}
		m = a
	case TPull:
		m = &Pull{ID: d.u32(), Cursor: d.cursor(), Limit: d.u32()}
	case TPage:
		p := &Page{ID: d.u32(), From: d.cursor(), To: d.cursor(), More: d.flag()}
		if n := d.count(minChangeBytes + 1); n > 0 {
			p.Entries = make([]Entry, n)
			for i := range p.Entries {
				p.Entries[i].Seq = d.delta(d.seq)
				d.seq = p.Entries[i].Seq
				d.change(&p.Entries[i].Change)
			}
		}
		if n := d.count(1); n > 0 {
			p.Drop = make([]RecID, n)
			for i := range p.Drop {
				p.Drop[i] = RecID(d.str())
			}
		}
		m = p
	case TPoke:
		m = &Poke{}
	case TRevoked:
		m = &Revoked{Reason: d.str()}
	case TError:
		e := &ErrorMsg{Code: d.str()}
		e.Message = d.str()
		m = e
	default:
		return nil, ErrMalformed
	}
	if d.err != nil {
		return nil, d.err
	}
	return m, nil
}
