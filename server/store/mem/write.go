package mem

import (
	"bytes"
	"fmt"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

// tx is store.Tx: it writes in place and keeps an undo log, which rollback
// runs backwards.
type tx struct {
	readTx
	undo []func()
}

var _ store.Tx = (*tx)(nil)

func (t *tx) rollback() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		t.undo[i]()
	}
	t.undo = nil
}

// put sets m[k] = v, logging how to undo it.
func put[K comparable, V any](t *tx, m map[K]V, k K, v V) {
	if old, had := m[k]; had {
		t.undo = append(t.undo, func() { m[k] = old })
	} else {
		t.undo = append(t.undo, func() { delete(m, k) })
	}
	m[k] = v
}

// del deletes m[k], logging how to undo it.
func del[K comparable, V any](t *tx, m map[K]V, k K) {
	if old, had := m[k]; had {
		t.undo = append(t.undo, func() { m[k] = old })
		delete(m, k)
	}
}

// mark adds (on) or removes id from the set m[k].
func mark[K comparable](t *tx, m map[K]set, k K, id sync.RecID, on bool) {
	s := m[k]
	if _, in := s[id]; in == on {
		return
	}
	if !on {
		del(t, s, id)
		if len(s) == 0 {
			del(t, m, k)
		}
		return
	}
	if s == nil {
		s = set{}
		put(t, m, k, s)
	}
	put(t, s, id, struct{}{})
}

// Append implements store.Tx.
func (t *tx) Append(e sync.Entry) error {
	last, _ := t.LastSeq()
	if e.Seq != last+1 {
		return fmt.Errorf("append %d after %d: %w", e.Seq, last, ErrSeq)
	}
	d := t.d
	n := len(d.log)
	t.undo = append(t.undo, func() { clear(d.log[n:]); d.log = d.log[:n] })
	d.log = append(d.log, e)
	put(t, d.ops, e.Op, e.Seq)
	if e.Op.Counter > d.counters[e.Op.Device] {
		put(t, d.counters, e.Op.Device, e.Op.Counter)
	}
	return nil
}

// ScrubLog implements store.Tx.
func (t *tx) ScrubLog(recs []sync.RecID) ([]sync.Entry, error) {
	want := make(set, len(recs))
	for _, r := range recs {
		want[r] = struct{}{}
	}
	var out []sync.Entry
	d := t.d
	for i := range d.log {
		e := &d.log[i]
		if _, ok := want[e.Rec]; !ok {
			continue
		}
		blank := store.Blank(e.Field)
		if e.Value == blank {
			continue
		}
		out = append(out, *e)
		old := e.Value
		// Entries appended later are gone by the time this runs (the undo
		// log runs backwards), so d.log is the array that holds entry i.
		t.undo = append(t.undo, func() { d.log[i].Value = old })
		e.Value = blank
	}
	return out, nil
}

// SetDeviceCounter raises the device's counter to counter (never lowers
// it), for ops the server saw and refused. It is not in store.Tx yet; the
// server's push path uses it.
func (t *tx) SetDeviceCounter(device string, counter uint64) error {
	if counter > t.d.counters[device] {
		put(t, t.d.counters, device, counter)
	}
	return nil
}

// SetField implements store.Tx.
func (t *tx) SetField(rec sync.RecID, field string, f sync.FieldState) error {
	r := t.d.state[rec]
	if r == nil {
		r = map[string]sync.FieldState{}
		put(t, t.d.state, rec, r)
	}
	put(t, r, field, f)
	return nil
}

// IndexRoot implements store.Tx.
func (t *tx) IndexRoot(root, rec sync.RecID) error {
	mark(t, t.d.roots, root, rec, true)
	return nil
}

// IndexKey implements store.Tx.
func (t *tx) IndexKey(key string, rec sync.RecID, on bool) error {
	mark(t, t.d.keyed, key, rec, on)
	return nil
}

// Assign implements store.Tx.
func (t *tx) Assign(root sync.RecID, user string, on bool) error {
	mark(t, t.d.assigned, user, root, on)
	return nil
}

// SetDeviceRoots implements store.Tx. A root in both add and remove ends up
// removed.
func (t *tx) SetDeviceRoots(device string, add, remove []sync.RecID) error {
	for _, r := range add {
		mark(t, t.d.devRoots, device, r, true)
	}
	for _, r := range remove {
		mark(t, t.d.devRoots, device, r, false)
	}
	return nil
}

// PutUser implements store.Tx.
func (t *tx) PutUser(u store.User) error {
	if u.ID == "" || u.Name == "" {
		return fmt.Errorf("put user %q named %q: %w", u.ID, u.Name, ErrInvalid)
	}
	if id, ok := t.d.names[u.Name]; ok && id != u.ID {
		return fmt.Errorf("login name %q: %w", u.Name, store.ErrExists)
	}
	if old, had := t.d.users[u.ID]; had && old.Name != u.Name {
		del(t, t.d.names, old.Name)
	}
	u.Created, u.LockedUntil = u.Created.UTC(), u.LockedUntil.UTC()
	put(t, t.d.names, u.Name, u.ID)
	put(t, t.d.users, u.ID, u)
	return nil
}

// PutSession implements store.Tx.
func (t *tx) PutSession(s store.Session) error {
	if len(s.TokenHash) == 0 {
		return fmt.Errorf("put session: token hash: %w", ErrInvalid)
	}
	s.TokenHash = bytes.Clone(s.TokenHash)
	s.Created, s.Expires, s.LastUsed = s.Created.UTC(), s.Expires.UTC(), s.LastUsed.UTC()
	put(t, t.d.sessions, string(s.TokenHash), s)
	return nil
}

// DeleteSession implements store.Tx.
func (t *tx) DeleteSession(tokenHash []byte) error {
	del(t, t.d.sessions, string(tokenHash))
	return nil
}

// PutDevice implements store.Tx.
func (t *tx) PutDevice(d store.Device) error {
	if d.ID == "" {
		return fmt.Errorf("put device: %w", ErrInvalid)
	}
	d.Created, d.LastSeen, d.RevokedAt = d.Created.UTC(), d.LastSeen.UTC(), d.RevokedAt.UTC()
	put(t, t.d.devices, d.ID, d)
	return nil
}

// AppendAudit implements store.Tx.
func (t *tx) AppendAudit(a store.AuditEntry) (uint64, error) {
	d := t.d
	n := len(d.audit)
	a.Seq = uint64(n) + 1
	a.At = a.At.UTC()
	t.undo = append(t.undo, func() { clear(d.audit[n:]); d.audit = d.audit[:n] })
	d.audit = append(d.audit, a)
	return a.Seq, nil
}
