package bolt

import (
	"bytes"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

// readTx is store.ReadTx over a bbolt transaction. Like the bbolt
// transaction, it is valid only inside the View or Update that made it, and
// is used by one goroutine.
type readTx struct {
	btx *bbolt.Tx
	b   [numBuckets]*bbolt.Bucket // opened on first use
	key []byte                    // scratch buffer for keys to look up (never stored)
}

var _ store.ReadTx = (*readTx)(nil)

// bucket returns data bucket i (one of the b* constants).
func (t *readTx) bucket(i int) (*bbolt.Bucket, error) {
	if b := t.b[i]; b != nil {
		return b, nil
	}
	b := t.btx.Bucket(dataBuckets[i])
	if b == nil {
		return nil, fmt.Errorf("bucket %s: %w", dataBuckets[i], ErrCorrupt)
	}
	if i == bLog || i == bAudit || i == bOps {
		b.FillPercent = appendFill
	}
	t.b[i] = b
	return b, nil
}

// get returns the value of key in bucket i (nil if absent).
func (t *readTx) get(i int, key []byte) ([]byte, error) {
	b, err := t.bucket(i)
	if err != nil {
		return nil, err
	}
	return b.Get(key), nil
}

// Field implements sync.StateReader.
func (t *readTx) Field(rec sync.RecID, field string) (sync.FieldState, bool, error) {
	t.key = append(appendPrefixed(t.key[:0], string(rec)), field...)
	v, err := t.get(bState, t.key)
	if v == nil || err != nil {
		return sync.FieldState{}, false, err
	}
	f, err := decodeFieldState(v)
	if err != nil {
		return sync.FieldState{}, false, fmt.Errorf("%s.%s: %w", rec, field, err)
	}
	return f, true, nil
}

// Fields implements sync.StateReader with a prefix scan.
func (t *readTx) Fields(rec sync.RecID) (map[string]sync.FieldState, error) {
	var out map[string]sync.FieldState
	err := t.scan(bState, string(rec), func(field, v []byte) error {
		f, err := decodeFieldState(v)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", rec, field, err)
		}
		if out == nil {
			out = map[string]sync.FieldState{}
		}
		out[string(field)] = f
		return nil
	})
	return out, err
}

// scan calls fn with the rest of the key and the value of every key of
// bucket i under lp(prefix), in key order.
func (t *readTx) scan(i int, prefix string, fn func(rest, v []byte) error) error {
	return t.scanRaw(i, appendPrefixed(nil, prefix), fn)
}

// scanRaw calls fn with the rest of the key and the value of every key of
// bucket i that starts with p, in key order.
func (t *readTx) scanRaw(i int, p []byte, fn func(rest, v []byte) error) error {
	b, err := t.bucket(i)
	if err != nil {
		return err
	}
	c := b.Cursor()
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		if err := fn(k[len(p):], v); err != nil {
			return err
		}
	}
	return nil
}

// ids returns the rest of the keys under lp(prefix) in bucket i, as record
// ids in order.
func (t *readTx) ids(i int, prefix string) ([]sync.RecID, error) {
	var out []sync.RecID
	err := t.scan(i, prefix, func(rest, _ []byte) error {
		out = append(out, sync.RecID(rest))
		return nil
	})
	return out, err
}

// each calls fn with the key and value of every key of bucket i from
// seq after+1 on, in order, until fn returns false or an error.
func (t *readTx) each(i int, after uint64, fn func(seq uint64, v []byte) (bool, error)) error {
	if after == ^uint64(0) {
		return nil
	}
	b, err := t.bucket(i)
	if err != nil {
		return err
	}
	c := b.Cursor()
	for k, v := c.Seek(appendSeq(t.key[:0], after+1)); k != nil; k, v = c.Next() {
		seq, ok := beUint64(k)
		if !ok {
			return fmt.Errorf("%s key %x: %w", dataBuckets[i], k, ErrCorrupt)
		}
		if more, err := fn(seq, v); err != nil || !more {
			return err
		}
	}
	return nil
}

// Applied implements store.ReadTx: it finds the run of the op index that
// starts at or before op's counter and checks that the run covers it.
func (t *readTx) Applied(op sync.Op) (uint64, bool, error) {
	b, err := t.bucket(bOps)
	if err != nil {
		return 0, false, err
	}
	t.key = appendOpKey(t.key[:0], op.Device, op.Counter)
	prefix := t.key[:len(t.key)-8]
	c := b.Cursor()
	k, v := c.Seek(t.key)
	switch {
	case k == nil:
		k, v = c.Last()
	case !bytes.Equal(k, t.key):
		k, v = c.Prev()
	}
	if len(k) != len(t.key) || !bytes.HasPrefix(k, prefix) {
		return 0, false, nil
	}
	r, ok := decodeRun(k[len(prefix):], v)
	if !ok {
		return 0, false, fmt.Errorf("op index of %s: %w", op.Device, ErrCorrupt)
	}
	seq, ok := r.seqOf(op.Counter)
	return seq, ok, nil
}

// LastSeq implements store.ReadTx.
func (t *readTx) LastSeq() (uint64, error) {
	b, err := t.bucket(bLog)
	if err != nil {
		return 0, err
	}
	k, _ := b.Cursor().Last()
	if k == nil {
		return 0, nil
	}
	seq, ok := beUint64(k)
	if !ok {
		return 0, fmt.Errorf("log key %x: %w", k, ErrCorrupt)
	}
	return seq, nil
}

// Epoch implements store.ReadTx.
func (t *readTx) Epoch() (uint64, error) {
	var v []byte
	if b := t.btx.Bucket(bucketMeta); b != nil {
		v = b.Get(keyEpoch)
	}
	e, ok := beUint64(v)
	if !ok {
		return 0, fmt.Errorf("epoch: %w", ErrCorrupt)
	}
	return e, nil
}

// Log implements store.ReadTx.
func (t *readTx) Log(after uint64, fn func(e sync.Entry) (bool, error)) error {
	return t.each(bLog, after, func(seq uint64, v []byte) (bool, error) {
		e, err := decodeEntry(seq, v)
		if err != nil {
			return false, err
		}
		return fn(e)
	})
}

// DeviceCounter implements store.ReadTx.
func (t *readTx) DeviceCounter(device string) (uint64, error) {
	v, err := t.get(bCounters, []byte(device))
	if v == nil || err != nil {
		return 0, err
	}
	n, ok := beUint64(v)
	if !ok {
		return 0, fmt.Errorf("counter of %s: %w", device, ErrCorrupt)
	}
	return n, nil
}

// RootRecords implements store.ReadTx.
func (t *readTx) RootRecords(root sync.RecID) ([]sync.RecID, error) {
	return t.ids(bRoots, string(root))
}

// Keyed implements store.ReadTx.
func (t *readTx) Keyed(key string) ([]sync.RecID, error) { return t.ids(bKeyed, key) }

// Assigned implements store.ReadTx.
func (t *readTx) Assigned(user string) ([]sync.RecID, error) { return t.ids(bAssigned, user) }

// DeviceRoots implements store.ReadTx.
func (t *readTx) DeviceRoots(device string) ([]sync.RecID, error) {
	return t.ids(bDevRoots, device)
}

// User implements store.ReadTx.
func (t *readTx) User(id string) (store.User, bool, error) {
	if id == "" {
		return store.User{}, false, nil
	}
	v, err := t.get(bUsers, []byte(id))
	if v == nil || err != nil {
		return store.User{}, false, err
	}
	u, err := decodeUser(v)
	return u, err == nil, err
}

// UserByName implements store.ReadTx.
func (t *readTx) UserByName(name string) (store.User, bool, error) {
	if name == "" {
		return store.User{}, false, nil
	}
	id, err := t.get(bUserNames, []byte(name))
	if id == nil || err != nil {
		return store.User{}, false, err
	}
	u, ok, err := t.User(string(id))
	if err == nil && !ok {
		err = fmt.Errorf("login name %q names missing user %q: %w", name, id, ErrCorrupt)
	}
	return u, ok, err
}

// all calls fn with every value of bucket i, in key order.
func (t *readTx) all(i int, fn func(v []byte) error) error {
	b, err := t.bucket(i)
	if err != nil {
		return err
	}
	return b.ForEach(func(_, v []byte) error { return fn(v) })
}

// Users implements store.ReadTx.
func (t *readTx) Users() ([]store.User, error) {
	var out []store.User
	err := t.all(bUsers, func(v []byte) error {
		u, err := decodeUser(v)
		out = append(out, u)
		return err
	})
	return out, err
}

// Session implements store.ReadTx.
func (t *readTx) Session(tokenHash []byte) (store.Session, bool, error) {
	if len(tokenHash) == 0 {
		return store.Session{}, false, nil
	}
	v, err := t.get(bSessions, tokenHash)
	if v == nil || err != nil {
		return store.Session{}, false, err
	}
	s, err := decodeSession(v)
	return s, err == nil, err
}

// Sessions implements store.ReadTx. Sessions are not indexed by user:
// there are few (one per login, removed at logout), and they are listed
// only to end them.
func (t *readTx) Sessions(user string) ([]store.Session, error) {
	var out []store.Session
	err := t.all(bSessions, func(v []byte) error {
		s, err := decodeSession(v)
		if err == nil && (user == "" || s.User == user) {
			out = append(out, s)
		}
		return err
	})
	return out, err
}

// Device implements store.ReadTx.
func (t *readTx) Device(id string) (store.Device, bool, error) {
	if id == "" {
		return store.Device{}, false, nil
	}
	v, err := t.get(bDevices, []byte(id))
	if v == nil || err != nil {
		return store.Device{}, false, err
	}
	d, err := decodeDevice(v)
	return d, err == nil, err
}

// Devices implements store.ReadTx.
func (t *readTx) Devices(user string) ([]store.Device, error) {
	var out []store.Device
	if user == "" {
		err := t.all(bDevices, func(v []byte) error {
			d, err := decodeDevice(v)
			out = append(out, d)
			return err
		})
		return out, err
	}
	err := t.scan(bUserDevices, user, func(id, _ []byte) error {
		d, ok, err := t.Device(string(id))
		if err == nil && !ok {
			err = fmt.Errorf("device index of %q names missing device %q: %w", user, id, ErrCorrupt)
		}
		out = append(out, d)
		return err
	})
	return out, err
}

// Audit implements store.ReadTx.
func (t *readTx) Audit(after uint64, fn func(a store.AuditEntry) (bool, error)) error {
	return t.each(bAudit, after, func(seq uint64, v []byte) (bool, error) {
		a, err := decodeAudit(seq, v)
		if err != nil {
			return false, err
		}
		return fn(a)
	})
}
