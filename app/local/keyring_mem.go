package local

import (
	"context"
	"crypto/pbkdf2"
	"crypto/sha256"
	"slices"
	stdsync "sync"
)

// NewMemKeyring returns a keyring that keeps its entries and each user's
// MemStore in memory, deriving keys with Go's PBKDF2: the twin of the
// browser's keyring, for native tests.
func NewMemKeyring(opt KeyringOptions) *Keyring {
	return newKeyring(&memBackend{stores: map[string]*MemStore{}}, opt)
}

type memBackend struct {
	mu      stdsync.Mutex
	list    []entry
	stores  map[string]*MemStore // user -> the data, kept across Close
	handles map[string][]*MemStore
}

func (m *memBackend) entries(context.Context) ([]entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.list), nil
}

func (m *memBackend) put(_ context.Context, e entry, create bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, x := range m.list {
		if x.User == e.User || x.Name == e.Name {
			if create || x.User != e.User {
				return ErrExists
			}
			m.list[i] = e
			return nil
		}
	}
	if !create {
		return ErrNoUser
	}
	m.list = append(m.list, e)
	return nil
}

func (m *memBackend) remove(_ context.Context, user string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.list = slices.DeleteFunc(m.list, func(e entry) bool { return e.User == user })
	return nil
}

func (m *memBackend) deleteStore(_ context.Context, user string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, h := range m.handles[user] {
		h.Close()
	}
	delete(m.handles, user)
	delete(m.stores, user)
	return nil
}

func (m *memBackend) derive(_ context.Context, password string, salt []byte, iter int) ([]byte, error) {
	return pbkdf2.Key(sha256.New, password, salt, iter, KeySize)
}

func (m *memBackend) openStore(_ context.Context, user string, _ []byte, device string, dg *Digester) (Store, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.stores[user]
	if !ok {
		s = NewMemStore(device)
		m.stores[user] = s
	}
	h := s.WithDigester(dg)
	if m.handles == nil {
		m.handles = map[string][]*MemStore{}
	}
	m.handles[user] = append(m.handles[user], h)
	return h, nil
}
