package local

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	stdsync "sync"

	"jiuzhu/shared/sync"
)

// MemStore is the in-memory twin of the IndexedDB store, for native tests
// and for the app's component tests. It holds plaintext (nothing is sealed)
// and keeps its data across Close: Reopen returns a new handle on the same
// data, as opening the same IndexedDB database again would.
type MemStore struct {
	data   *memData
	dg     *Digester
	mu     stdsync.Mutex
	closed bool
}

type memData struct {
	mu      stdsync.Mutex // serializes the twin's own checks with the inner store's calls
	s       *sync.MemClientStore
	dig     memDigests
	blobs   map[string][]byte // blob name → bytes
	pending []string          // names of the blobs not yet uploaded, in put order
}

// memDigests mirrors the IndexedDB store's digests: a state folded so far
// (the snapshot) plus a journal of the writes since, and an epoch that
// changes whenever readers must start again from a full read.
type memDigests struct {
	version int  // the Digester version state was built with
	built   bool // state holds every record's digest
	epoch   int64
	seq     int64
	journal []memDigestWrite
	state   map[sync.RecID]Digest
}

type memDigestWrite struct {
	seq int64
	ds  []Digest
}

// NewMemStore returns an empty store for a device.
func NewMemStore(device string) *MemStore {
	return &MemStore{data: &memData{s: sync.NewMemClientStore(device), blobs: map[string][]byte{}}}
}

// Reopen returns a new open handle on the same data (after Close, as the
// app does when it unlocks again), with the same digester.
func (m *MemStore) Reopen() *MemStore { return &MemStore{data: m.data, dg: m.dg} }

// WithDigester returns a new open handle on the same data that keeps
// digests with dg (see Store.Digests).
func (m *MemStore) WithDigester(dg *Digester) *MemStore { return &MemStore{data: m.data, dg: dg} }

// journalDigests records the digests a write leaves. Called with data.mu
// held, after the write succeeded.
func (m *MemStore) journalDigests(recs []*sync.Record, drop []sync.RecID) {
	ds := digestBatch(m.dg, recs, drop)
	g := &m.data.dig
	if ds == nil || !g.built {
		return
	}
	if g.version != m.dg.Version {
		g.built = false // written by another format: the next read rebuilds
		return
	}
	g.seq++
	g.journal = append(g.journal, memDigestWrite{seq: g.seq, ds: ds})
	applyDigests(g.state, ds)
}

// Digests implements Store.
func (m *MemStore) Digests(ctx context.Context, since DigestPos) ([]Digest, DigestPos, bool, error) {
	s, err := m.inner()
	if err != nil {
		return nil, DigestPos{}, false, err
	}
	m.data.mu.Lock()
	defer m.data.mu.Unlock()
	g := &m.data.dig
	if m.dg == nil || m.dg.Digest == nil {
		return nil, DigestPos{}, true, nil
	}
	if !g.built || g.version != m.dg.Version {
		g.state = map[sync.RecID]Digest{}
		recs := make([]*sync.Record, 0, len(s.All()))
		for _, r := range s.All() {
			recs = append(recs, r)
		}
		applyDigests(g.state, digestBatch(m.dg, recs, nil))
		g.version, g.built, g.journal = m.dg.Version, true, nil
		g.epoch++
	}
	if since.Epoch == g.epoch && len(g.journal) <= compactAfter {
		var out []Digest
		for _, w := range g.journal {
			if w.seq > since.Seq {
				out = append(out, w.ds...)
			}
		}
		return out, DigestPos{Epoch: g.epoch, Seq: g.seq}, false, nil
	}
	if len(g.journal) > compactAfter {
		g.journal = nil
		g.epoch++
	}
	return sortedDigests(g.state), DigestPos{Epoch: g.epoch, Seq: g.seq}, true, nil
}

func (m *MemStore) inner() (*sync.MemClientStore, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	return m.data.s, nil
}

// Meta implements sync.ClientStore.
func (m *MemStore) Meta(ctx context.Context) (sync.ClientMeta, error) {
	s, err := m.inner()
	if err != nil {
		return sync.ClientMeta{}, err
	}
	return s.Meta(ctx)
}

// Records implements sync.ClientStore.
func (m *MemStore) Records(ctx context.Context, ids []sync.RecID) (map[sync.RecID]*sync.Record, error) {
	s, err := m.inner()
	if err != nil {
		return nil, err
	}
	return s.Records(ctx, ids)
}

// Enqueue implements sync.ClientStore. A change whose op is already in the
// outbox, or twice in changes, fails the whole call with ErrDuplicateOp.
func (m *MemStore) Enqueue(ctx context.Context, meta sync.ClientMeta, changes []sync.Change) error {
	s, err := m.inner()
	if err != nil {
		return err
	}
	m.data.mu.Lock()
	defer m.data.mu.Unlock()
	out, err := s.Outbox(ctx)
	if err != nil {
		return err
	}
	seen := make(map[sync.Op]bool, len(out)+len(changes))
	for _, c := range out {
		seen[c.Op] = true
	}
	for _, c := range changes {
		if seen[c.Op] {
			return &Error{Op: "enqueue", Err: ErrDuplicateOp}
		}
		seen[c.Op] = true
	}
	return s.Enqueue(ctx, meta, changes)
}

// Outbox implements sync.ClientStore.
func (m *MemStore) Outbox(ctx context.Context) ([]sync.Change, error) {
	s, err := m.inner()
	if err != nil {
		return nil, err
	}
	return s.Outbox(ctx)
}

// SaveAck implements sync.ClientStore.
func (m *MemStore) SaveAck(ctx context.Context, recs []*sync.Record, done []sync.Op, rejected []sync.RejectedChange) error {
	s, err := m.inner()
	if err != nil {
		return err
	}
	m.data.mu.Lock()
	defer m.data.mu.Unlock()
	if err := s.SaveAck(ctx, recs, done, rejected); err != nil {
		return err
	}
	m.journalDigests(recs, nil)
	return nil
}

// SavePage implements sync.ClientStore.
func (m *MemStore) SavePage(ctx context.Context, meta sync.ClientMeta, recs []*sync.Record, drop []sync.RecID) error {
	s, err := m.inner()
	if err != nil {
		return err
	}
	m.data.mu.Lock()
	defer m.data.mu.Unlock()
	if err := s.SavePage(ctx, meta, recs, drop); err != nil {
		return err
	}
	m.journalDigests(recs, drop)
	return nil
}

// Rejected implements sync.ClientStore.
func (m *MemStore) Rejected(ctx context.Context) ([]sync.RejectedChange, error) {
	s, err := m.inner()
	if err != nil {
		return nil, err
	}
	return s.Rejected(ctx)
}

// DismissRejected implements sync.ClientStore.
func (m *MemStore) DismissRejected(ctx context.Context, op sync.Op) error {
	s, err := m.inner()
	if err != nil {
		return err
	}
	m.data.mu.Lock()
	defer m.data.mu.Unlock()
	return s.DismissRejected(ctx, op)
}

// Wipe implements sync.ClientStore.
func (m *MemStore) Wipe(ctx context.Context) error {
	s, err := m.inner()
	if err != nil {
		return err
	}
	m.data.mu.Lock()
	defer m.data.mu.Unlock()
	if err := s.Wipe(ctx); err != nil {
		return err
	}
	g := &m.data.dig
	g.journal, g.state = nil, map[sync.RecID]Digest{}
	g.epoch++
	m.data.blobs, m.data.pending = map[string][]byte{}, nil
	return nil
}

// PutBlob implements Store.
func (m *MemStore) PutBlob(_ context.Context, sha string, data []byte, pending bool) error {
	if err := checkBlob(sha, data); err != nil {
		return &Error{Op: "put blob", Err: err}
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != sha {
		return &Error{Op: blobOp("put blob", sha), Err: ErrBlobMismatch}
	}
	if _, err := m.inner(); err != nil {
		return err
	}
	m.data.mu.Lock()
	defer m.data.mu.Unlock()
	m.data.blobs[sha] = bytes.Clone(data)
	if pending && !slices.Contains(m.data.pending, sha) {
		m.data.pending = append(m.data.pending, sha)
	}
	return nil
}

// Blob implements Store.
func (m *MemStore) Blob(_ context.Context, sha string) ([]byte, bool, error) {
	if err := checkSHA(sha); err != nil {
		return nil, false, &Error{Op: "read blob", Err: err}
	}
	if _, err := m.inner(); err != nil {
		return nil, false, err
	}
	m.data.mu.Lock()
	defer m.data.mu.Unlock()
	b, ok := m.data.blobs[sha]
	return bytes.Clone(b), ok, nil
}

// PendingBlobs implements Store.
func (m *MemStore) PendingBlobs(context.Context) ([]string, error) {
	if _, err := m.inner(); err != nil {
		return nil, err
	}
	m.data.mu.Lock()
	defer m.data.mu.Unlock()
	return slices.Clone(m.data.pending), nil
}

// BlobUploaded implements Store.
func (m *MemStore) BlobUploaded(_ context.Context, sha string) error {
	if err := checkSHA(sha); err != nil {
		return &Error{Op: "blob uploaded", Err: err}
	}
	if _, err := m.inner(); err != nil {
		return err
	}
	m.data.mu.Lock()
	defer m.data.mu.Unlock()
	m.data.pending = slices.DeleteFunc(m.data.pending, func(s string) bool { return s == sha })
	return nil
}

// DeleteBlob implements Store.
func (m *MemStore) DeleteBlob(_ context.Context, sha string) error {
	if err := checkSHA(sha); err != nil {
		return &Error{Op: "delete blob", Err: err}
	}
	if _, err := m.inner(); err != nil {
		return err
	}
	m.data.mu.Lock()
	defer m.data.mu.Unlock()
	delete(m.data.blobs, sha)
	m.data.pending = slices.DeleteFunc(m.data.pending, func(s string) bool { return s == sha })
	return nil
}

// ListType implements Store.
func (m *MemStore) ListType(_ context.Context, typ string) ([]*sync.Record, error) {
	s, err := m.inner()
	if err != nil {
		return nil, err
	}
	var out []*sync.Record
	for id, r := range s.All() {
		if id.Type() == typ {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *sync.Record) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return out, nil
}

// RootRecords implements Store.
func (m *MemStore) RootRecords(_ context.Context, root sync.RecID) ([]*sync.Record, error) {
	s, err := m.inner()
	if err != nil {
		return nil, err
	}
	var out []*sync.Record
	for id, r := range s.All() {
		if id == root || sync.RootOf(r) == root {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *sync.Record) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return out, nil
}

// Recent implements Store.
func (m *MemStore) Recent(ctx context.Context, typ string, n int) ([]*sync.Record, int, error) {
	all, err := m.ListType(ctx, typ)
	if err != nil {
		return nil, 0, err
	}
	slices.Reverse(all)
	return all[:min(n, len(all))], len(all), nil
}

// Close implements Store.
func (m *MemStore) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

var _ Store = (*MemStore)(nil)
