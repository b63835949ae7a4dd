package bolt

import (
	"encoding/binary"
	"fmt"
	"maps"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

// tx is store.Tx over a bbolt read-write transaction.
//
// Log.Apply calls it several times per change, so it keeps in memory what
// this transaction has read and written rather than reading it back: the
// last sequence; per device seen, its counter and the run of ops it is
// adding to the op index (both written once, by flush before the commit, or
// when the run breaks); and the whole state of each record it has looked at
// (one cursor scan per record, not one lookup per field). Values handed to
// bbolt's Put must stay untouched until the commit; they are carved out of
// arena chunks, which saves an allocation per Put.
type tx struct {
	readTx
	last     uint64
	haveLast bool
	devs     map[string]*devState
	recs     map[sync.RecID]map[string]sync.FieldState // empty map: no state
	arena    []byte
}

// devState is what a transaction knows of one device.
type devState struct {
	counter uint64 // the greatest op counter applied
	dirty   bool   // counter raised by Append, not yet written
	run     run    // ops appended and not yet written to the index (n > 0)
}

var _ store.Tx = (*tx)(nil)

// empty is the value of index keys.
var empty = []byte{}

// arenaChunk is the size of a new arena chunk.
const arenaChunk = 32 << 10

// reset readies t for a new transaction, keeping its maps and arena (bbolt
// holds no reference to the values of a finished transaction).
func (t *tx) reset() {
	t.readTx = readTx{key: t.key[:0]}
	t.last, t.haveLast = 0, false
	if t.devs == nil {
		t.devs = map[string]*devState{}
		t.recs = map[sync.RecID]map[string]sync.FieldState{}
	}
	clear(t.devs)
	clear(t.recs)
	t.arena = t.arena[:0]
}

// value returns an empty buffer with room for n bytes; once filled, it is
// passed through keep and then to Put.
func (t *tx) value(n int) []byte {
	if cap(t.arena)-len(t.arena) < n {
		t.arena = make([]byte, 0, max(n, arenaChunk))
	}
	return t.arena[len(t.arena):len(t.arena)]
}

// keep marks v, obtained from value and filled, as used.
func (t *tx) keep(v []byte) []byte {
	t.arena = t.arena[:len(t.arena)+len(v)]
	return v[:len(v):len(v)]
}

// put stores key → v in bucket i.
func (t *tx) put(i int, key, v []byte) error {
	b, err := t.bucket(i)
	if err != nil {
		return err
	}
	return b.Put(key, v)
}

// flush writes what the transaction kept in memory; Update calls it before
// the commit.
func (t *tx) flush() error {
	for dev, d := range t.devs {
		if err := t.writeRun(dev, d); err != nil {
			return err
		}
		if !d.dirty {
			continue
		}
		if err := t.put(bCounters, []byte(dev), t.keep(appendSeq(t.value(8), d.counter))); err != nil {
			return err
		}
	}
	return nil
}

// writeRun adds the device's pending run to the op index.
func (t *tx) writeRun(dev string, d *devState) error {
	if d.run.n == 0 {
		return nil
	}
	t.key = appendOpKey(t.key[:0], dev, d.run.counter)
	v := t.keep(appendRunValue(t.value(2*binary.MaxVarintLen64), d.run))
	d.run = run{}
	return t.put(bOps, t.key, v)
}

// record returns the state of rec, read once per transaction.
func (t *tx) record(rec sync.RecID) (map[string]sync.FieldState, error) {
	if r, ok := t.recs[rec]; ok {
		return r, nil
	}
	r, err := t.readTx.Fields(rec)
	if err != nil {
		return nil, err
	}
	if r == nil {
		r = map[string]sync.FieldState{}
	}
	t.recs[rec] = r
	return r, nil
}

// Field implements sync.StateReader.
func (t *tx) Field(rec sync.RecID, field string) (sync.FieldState, bool, error) {
	r, err := t.record(rec)
	f, ok := r[field]
	return f, ok, err
}

// Fields implements sync.StateReader.
func (t *tx) Fields(rec sync.RecID) (map[string]sync.FieldState, error) {
	r, err := t.record(rec)
	if len(r) == 0 {
		return nil, err
	}
	return maps.Clone(r), nil
}

// SetField implements store.Tx.
func (t *tx) SetField(rec sync.RecID, field string, f sync.FieldState) error {
	v := t.keep(appendFieldState(t.value(maxFieldStateSize(&f)), &f))
	t.key = append(appendPrefixed(t.key[:0], string(rec)), field...)
	if err := t.put(bState, t.key, v); err != nil {
		return err
	}
	if r, ok := t.recs[rec]; ok {
		r[field] = f
	}
	return nil
}

// LastSeq implements store.ReadTx.
func (t *tx) LastSeq() (uint64, error) {
	if !t.haveLast {
		last, err := t.readTx.LastSeq()
		if err != nil {
			return 0, err
		}
		t.last, t.haveLast = last, true
	}
	return t.last, nil
}

// dev returns what the transaction knows of a device, reading its counter
// once.
func (t *tx) dev(device string) (*devState, error) {
	if d, ok := t.devs[device]; ok {
		return d, nil
	}
	n, err := t.readTx.DeviceCounter(device)
	if err != nil {
		return nil, err
	}
	d := &devState{counter: n}
	t.devs[device] = d
	return d, nil
}

// DeviceCounter implements store.ReadTx.
func (t *tx) DeviceCounter(device string) (uint64, error) {
	d, err := t.dev(device)
	if err != nil {
		return 0, err
	}
	return d.counter, nil
}

// SetDeviceCounter raises the device's counter to counter (never lowers
// it), for ops the server saw and refused. It is not in store.Tx yet; the
// server's push path uses it.
func (t *tx) SetDeviceCounter(device string, counter uint64) error {
	d, err := t.dev(device)
	if err == nil && counter > d.counter {
		d.counter, d.dirty = counter, true
	}
	return err
}

// Applied implements store.ReadTx. An op whose counter is above its
// device's counter cannot have been applied, which spares the index lookup
// for every new change.
func (t *tx) Applied(op sync.Op) (uint64, bool, error) {
	d, err := t.dev(op.Device)
	if err != nil || op.Counter > d.counter {
		return 0, false, err
	}
	if seq, ok := d.run.seqOf(op.Counter); ok {
		return seq, true, nil
	}
	return t.readTx.Applied(op)
}

// Append implements store.Tx. Its op extends the device's pending run
// when both its counter and its sequence follow the run's last.
func (t *tx) Append(e sync.Entry) error {
	last, err := t.LastSeq()
	if err != nil {
		return err
	}
	if e.Seq != last+1 {
		return fmt.Errorf("append %d after %d: %w", e.Seq, last, ErrSeq)
	}
	d, err := t.dev(e.Op.Device)
	if err != nil {
		return err
	}
	t.key = appendSeq(t.key[:0], e.Seq)
	if err := t.put(bLog, t.key, t.keep(appendEntry(t.value(maxEntrySize(&e)), &e))); err != nil {
		return err
	}
	t.last = e.Seq
	if r := &d.run; r.n > 0 && e.Op.Counter == r.counter+r.n && e.Seq == r.seq+r.n {
		r.n++
	} else {
		if err := t.writeRun(e.Op.Device, d); err != nil {
			return err
		}
		d.run = run{counter: e.Op.Counter, seq: e.Seq, n: 1}
	}
	if e.Op.Counter > d.counter {
		d.counter, d.dirty = e.Op.Counter, true
	}
	return nil
}

// ScrubLog implements store.Tx. There is no index from a record to its
// log entries, so it reads the whole log once, decoding only the record of
// each entry (about 25 ms for 200,000 entries, BenchmarkScrubLog), and
// rewrites each entry to scrub under its sequence. bbolt frees the pages
// that held the old values: their bytes stay in the file until those pages
// are reused, or DB.WipeFree overwrites them.
func (t *tx) ScrubLog(recs []sync.RecID) ([]sync.Entry, error) {
	if len(recs) == 0 {
		return nil, nil
	}
	want := make(map[sync.RecID]bool, len(recs))
	for _, r := range recs {
		want[r] = true
	}
	b, err := t.bucket(bLog)
	if err != nil {
		return nil, err
	}
	var out []sync.Entry
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		rec, ok := entryRec(v)
		if !ok {
			return nil, fmt.Errorf("log entry %x: %w", k, ErrCorrupt)
		}
		if !want[sync.RecID(rec)] {
			continue
		}
		seq, ok := beUint64(k)
		if !ok {
			return nil, fmt.Errorf("log key %x: %w", k, ErrCorrupt)
		}
		e, err := decodeEntry(seq, v)
		if err != nil {
			return nil, err
		}
		if e.Value != store.Blank(e.Field) {
			out = append(out, e)
		}
	}
	// Written once the cursor is done: a Put moves the cursor's pages.
	for _, e := range out {
		e.Value = store.Blank(e.Field)
		t.key = appendSeq(t.key[:0], e.Seq)
		if err := b.Put(t.key, t.keep(appendEntry(t.value(maxEntrySize(&e)), &e))); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// mark adds (on) or removes the key lp(a) b of bucket i, writing only when
// that changes something.
func (t *tx) mark(i int, a, b string, on bool) error {
	bk, err := t.bucket(i)
	if err != nil {
		return err
	}
	t.key = appendPair(t.key[:0], a, b)
	if (bk.Get(t.key) != nil) == on {
		return nil
	}
	if on {
		return bk.Put(t.key, empty)
	}
	return bk.Delete(t.key)
}

// IndexRoot implements store.Tx.
func (t *tx) IndexRoot(root, rec sync.RecID) error {
	return t.mark(bRoots, string(root), string(rec), true)
}

// IndexKey implements store.Tx.
func (t *tx) IndexKey(key string, rec sync.RecID, on bool) error {
	return t.mark(bKeyed, key, string(rec), on)
}

// Assign implements store.Tx.
func (t *tx) Assign(root sync.RecID, user string, on bool) error {
	return t.mark(bAssigned, user, string(root), on)
}

// SetDeviceRoots implements store.Tx. A root in both add and remove ends up
// removed.
func (t *tx) SetDeviceRoots(device string, add, remove []sync.RecID) error {
	for _, r := range add {
		if err := t.mark(bDevRoots, device, string(r), true); err != nil {
			return err
		}
	}
	for _, r := range remove {
		if err := t.mark(bDevRoots, device, string(r), false); err != nil {
			return err
		}
	}
	return nil
}
