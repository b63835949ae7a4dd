package mem

import (
	"bytes"
	"maps"
	"slices"
	"strings"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

// readTx is store.ReadTx over the data, valid inside its View or Update.
// Everything it returns is a copy.
type readTx struct {
	d *data
}

var _ store.ReadTx = (*readTx)(nil)

// Field implements sync.StateReader.
func (t *readTx) Field(rec sync.RecID, field string) (sync.FieldState, bool, error) {
	f, ok := t.d.state[rec][field]
	return f, ok, nil
}

// Fields implements sync.StateReader.
func (t *readTx) Fields(rec sync.RecID) (map[string]sync.FieldState, error) {
	return maps.Clone(t.d.state[rec]), nil
}

// Applied implements store.ReadTx.
func (t *readTx) Applied(op sync.Op) (uint64, bool, error) {
	seq, ok := t.d.ops[op]
	return seq, ok, nil
}

// LastSeq implements store.ReadTx.
func (t *readTx) LastSeq() (uint64, error) {
	if n := len(t.d.log); n > 0 {
		return t.d.log[n-1].Seq, nil
	}
	return 0, nil
}

// Epoch implements store.ReadTx.
func (t *readTx) Epoch() (uint64, error) { return t.d.epoch, nil }

// Log implements store.ReadTx.
func (t *readTx) Log(after uint64, fn func(e sync.Entry) (bool, error)) error {
	i, _ := slices.BinarySearchFunc(t.d.log, after, func(e sync.Entry, seq uint64) int {
		if e.Seq <= seq {
			return -1
		}
		return 1
	})
	for ; i < len(t.d.log); i++ {
		if more, err := fn(t.d.log[i]); err != nil || !more {
			return err
		}
	}
	return nil
}

// DeviceCounter implements store.ReadTx.
func (t *readTx) DeviceCounter(device string) (uint64, error) { return t.d.counters[device], nil }

// sorted returns the members of s in id order (nil when empty).
func sorted(s set) []sync.RecID {
	if len(s) == 0 {
		return nil
	}
	return slices.Sorted(maps.Keys(s))
}

// RootRecords implements store.ReadTx.
func (t *readTx) RootRecords(root sync.RecID) ([]sync.RecID, error) {
	return sorted(t.d.roots[root]), nil
}

// Keyed implements store.ReadTx.
func (t *readTx) Keyed(key string) ([]sync.RecID, error) { return sorted(t.d.keyed[key]), nil }

// Assigned implements store.ReadTx.
func (t *readTx) Assigned(user string) ([]sync.RecID, error) { return sorted(t.d.assigned[user]), nil }

// DeviceRoots implements store.ReadTx.
func (t *readTx) DeviceRoots(device string) ([]sync.RecID, error) {
	return sorted(t.d.devRoots[device]), nil
}

// User implements store.ReadTx.
func (t *readTx) User(id string) (store.User, bool, error) {
	u, ok := t.d.users[id]
	return u, ok, nil
}

// UserByName implements store.ReadTx.
func (t *readTx) UserByName(name string) (store.User, bool, error) {
	id, ok := t.d.names[name]
	if !ok {
		return store.User{}, false, nil
	}
	return t.User(id)
}

// Users implements store.ReadTx.
func (t *readTx) Users() ([]store.User, error) {
	var out []store.User
	for _, id := range slices.Sorted(maps.Keys(t.d.users)) {
		out = append(out, t.d.users[id])
	}
	return out, nil
}

// Session implements store.ReadTx.
func (t *readTx) Session(tokenHash []byte) (store.Session, bool, error) {
	s, ok := t.d.sessions[string(tokenHash)]
	s.TokenHash = bytes.Clone(s.TokenHash)
	return s, ok, nil
}

// Sessions implements store.ReadTx.
func (t *readTx) Sessions(user string) ([]store.Session, error) {
	var out []store.Session
	for _, k := range slices.Sorted(maps.Keys(t.d.sessions)) {
		if s := t.d.sessions[k]; user == "" || s.User == user {
			s.TokenHash = bytes.Clone(s.TokenHash)
			out = append(out, s)
		}
	}
	return out, nil
}

// Device implements store.ReadTx.
func (t *readTx) Device(id string) (store.Device, bool, error) {
	d, ok := t.d.devices[id]
	return d, ok, nil
}

// Devices implements store.ReadTx.
func (t *readTx) Devices(user string) ([]store.Device, error) {
	var out []store.Device
	for _, d := range t.d.devices {
		if user == "" || d.User == user {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b store.Device) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// Audit implements store.ReadTx.
func (t *readTx) Audit(after uint64, fn func(a store.AuditEntry) (bool, error)) error {
	for _, a := range t.d.audit {
		if a.Seq <= after {
			continue
		}
		if more, err := fn(a); err != nil || !more {
			return err
		}
	}
	return nil
}
