package sync

import (
	"context"
	"slices"
	stdsync "sync"
)

// ClientMeta is a device's durable sync bookkeeping.
type ClientMeta struct {
	Device  string // this device's id
	Counter uint64 // last op counter used; never reused
	Clock   HLC    // greatest HLC issued or seen; the clock resumes after it
	Cursor  Cursor // position in the server log
}

// RejectedChange is a change the server refused, kept for the worker to see.
type RejectedChange struct {
	Change
	Code    string
	Message string
}

// ClientStore is the device's durable store as the Session uses it. Each
// method is one atomic transaction. The PWA implements it over IndexedDB;
// MemClientStore is the in-memory twin.
type ClientStore interface {
	// Meta returns the bookkeeping (zero Counter/Clock/Cursor when new).
	Meta(ctx context.Context) (ClientMeta, error)
	// Records returns the confirmed state of the given records; unknown ids
	// are absent from the map.
	Records(ctx context.Context, ids []RecID) (map[RecID]*Record, error)
	// Enqueue appends new local changes to the outbox and stores meta (with
	// the counter and clock that made them), atomically.
	Enqueue(ctx context.Context, meta ClientMeta, changes []Change) error
	// Outbox returns the pending changes in the order they were enqueued.
	Outbox(ctx context.Context) ([]Change, error)
	// SaveAck stores recs as confirmed, removes done ops from the outbox
	// and appends rejected to the rejected list, atomically.
	SaveAck(ctx context.Context, recs []*Record, done []Op, rejected []RejectedChange) error
	// SavePage stores recs as confirmed, removes the roots in drop with
	// every record under them (field "root"), and stores meta (cursor,
	// clock), atomically.
	SavePage(ctx context.Context, meta ClientMeta, recs []*Record, drop []RecID) error
	// Rejected returns the rejected changes not yet dismissed.
	Rejected(ctx context.Context) ([]RejectedChange, error)
	// DismissRejected removes one rejected change from the list, once the
	// worker has seen it.
	DismissRejected(ctx context.Context, op Op) error
	// Wipe erases everything (after ErrRevoked).
	Wipe(ctx context.Context) error
}

// MemClientStore is an in-memory ClientStore, safe for concurrent use.
type MemClientStore struct {
	mu       stdsync.Mutex
	meta     ClientMeta
	recs     map[RecID]*Record
	outbox   []Change
	rejected []RejectedChange
}

// NewMemClientStore returns an empty store for a device.
func NewMemClientStore(device string) *MemClientStore {
	return &MemClientStore{meta: ClientMeta{Device: device}, recs: map[RecID]*Record{}}
}

// Meta implements ClientStore.
func (m *MemClientStore) Meta(context.Context) (ClientMeta, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.meta, nil
}

// Records implements ClientStore.
func (m *MemClientStore) Records(_ context.Context, ids []RecID) (map[RecID]*Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[RecID]*Record, len(ids))
	for _, id := range ids {
		if r, ok := m.recs[id]; ok {
			out[id] = r.Clone()
		}
	}
	return out, nil
}

// Enqueue implements ClientStore.
func (m *MemClientStore) Enqueue(_ context.Context, meta ClientMeta, changes []Change) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.meta = meta
	m.outbox = append(m.outbox, changes...)
	return nil
}

// Outbox implements ClientStore.
func (m *MemClientStore) Outbox(context.Context) ([]Change, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.outbox), nil
}

func (m *MemClientStore) putLocked(recs []*Record) {
	for _, r := range recs {
		m.recs[r.ID] = r.Clone()
	}
}

// SaveAck implements ClientStore.
func (m *MemClientStore) SaveAck(_ context.Context, recs []*Record, done []Op, rejected []RejectedChange) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.putLocked(recs)
	drop := make(map[Op]bool, len(done)+len(rejected))
	for _, op := range done {
		drop[op] = true
	}
	for _, r := range rejected {
		drop[r.Op] = true
	}
	m.outbox = slices.DeleteFunc(m.outbox, func(c Change) bool { return drop[c.Op] })
	m.rejected = append(m.rejected, rejected...)
	return nil
}

// SavePage implements ClientStore.
func (m *MemClientStore) SavePage(_ context.Context, meta ClientMeta, recs []*Record, drop []RecID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.putLocked(recs)
	if len(drop) > 0 {
		gone := make(map[RecID]bool, len(drop))
		for _, r := range drop {
			gone[r] = true
		}
		for id, r := range m.recs {
			if gone[id] || gone[RootOf(r)] {
				delete(m.recs, id)
			}
		}
	}
	m.meta = meta
	return nil
}

// Rejected implements ClientStore.
func (m *MemClientStore) Rejected(context.Context) ([]RejectedChange, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.rejected), nil
}

// DismissRejected implements ClientStore.
func (m *MemClientStore) DismissRejected(_ context.Context, op Op) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rejected = slices.DeleteFunc(m.rejected, func(r RejectedChange) bool { return r.Op == op })
	return nil
}

// Wipe implements ClientStore.
func (m *MemClientStore) Wipe(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.meta = ClientMeta{Device: m.meta.Device}
	m.recs = map[RecID]*Record{}
	m.outbox, m.rejected = nil, nil
	return nil
}

// All returns a copy of every confirmed record (for tests and exports).
func (m *MemClientStore) All() map[RecID]*Record {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[RecID]*Record, len(m.recs))
	for id, r := range m.recs {
		out[id] = r.Clone()
	}
	return out
}
