package mem

import (
	"context"
	stdsync "sync"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

// Store is an in-memory store.Store. The zero value is not usable; call New.
type Store struct {
	mu     stdsync.RWMutex // Update holds it for writing, View for reading
	closed bool
	d      data
}

// set is a set of record ids.
type set = map[sync.RecID]struct{}

// data is everything the store holds.
type data struct {
	epoch    uint64
	log      []sync.Entry
	ops      map[sync.Op]uint64
	counters map[string]uint64
	state    map[sync.RecID]map[string]sync.FieldState
	roots    map[sync.RecID]set
	assigned map[string]set
	keyed    map[string]set
	devRoots map[string]set
	users    map[string]store.User
	names    map[string]string // login name → user id
	sessions map[string]store.Session
	devices  map[string]store.Device
	audit    []store.AuditEntry

	blobs     map[string][]byte              // sha → bytes (never changed once stored)
	blobUsers map[string]map[string]struct{} // sha → uploaders
	partials  map[partialKey]partial
}

var _ store.Store = (*Store)(nil)

// New returns an empty store, at epoch 1.
func New() *Store {
	return &Store{d: data{
		epoch:    1,
		ops:      map[sync.Op]uint64{},
		counters: map[string]uint64{},
		state:    map[sync.RecID]map[string]sync.FieldState{},
		roots:    map[sync.RecID]set{},
		assigned: map[string]set{},
		keyed:    map[string]set{},
		devRoots: map[string]set{},
		users:    map[string]store.User{},
		names:    map[string]string{},
		sessions: map[string]store.Session{},
		devices:  map[string]store.Device{},

		blobs:     map[string][]byte{},
		blobUsers: map[string]map[string]struct{}{},
		partials:  map[partialKey]partial{},
	}}
}

// Ping implements store.Store.
func (s *Store) Ping(ctx context.Context) error {
	return s.View(ctx, func(store.ReadTx) error { return nil })
}

// Close implements store.Store; later calls fail with ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// Size implements store.Store: 0, nothing is on disk.
func (s *Store) Size() int64 { return 0 }

// Update implements store.Store. The writes of fn are undone if it returns
// an error or panics.
func (s *Store) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	t := &tx{readTx: readTx{d: &s.d}}
	committed := false
	defer func() {
		if !committed {
			t.rollback()
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	committed = true
	return nil
}

// View implements store.Store.
func (s *Store) View(ctx context.Context, fn func(tx store.ReadTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	return fn(&readTx{d: &s.d})
}
