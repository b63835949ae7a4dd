package sync

// MemStore is an in-memory Store and change log: the reference for the
// server's store contract and the server model in tests.
// It is not safe for concurrent use.
type MemStore struct {
	log   []Entry
	ops   map[Op]uint64
	state map[RecID]map[string]FieldState
}

// NewMemStore returns an empty store.
func NewMemStore() *MemStore {
	return &MemStore{ops: map[Op]uint64{}, state: map[RecID]map[string]FieldState{}}
}

// Field implements StateReader.
func (m *MemStore) Field(rec RecID, field string) (FieldState, bool, error) {
	f, ok := m.state[rec][field]
	return f, ok, nil
}

// Fields implements StateReader.
func (m *MemStore) Fields(rec RecID) (map[string]FieldState, error) { return m.state[rec], nil }

// Applied implements Store.
func (m *MemStore) Applied(op Op) (uint64, bool, error) {
	s, ok := m.ops[op]
	return s, ok, nil
}

// LastSeq implements Store.
func (m *MemStore) LastSeq() (uint64, error) { return uint64(len(m.log)), nil }

// Append implements Store.
func (m *MemStore) Append(e Entry) error {
	if e.Seq != uint64(len(m.log))+1 {
		return &Error{Op: "append", Err: ErrMalformed}
	}
	m.log = append(m.log, e)
	m.ops[e.Op] = e.Seq
	return nil
}

// SetField implements Store.
func (m *MemStore) SetField(rec RecID, field string, f FieldState) error {
	r := m.state[rec]
	if r == nil {
		r = map[string]FieldState{}
		m.state[rec] = r
	}
	r[field] = f
	return nil
}

// Page returns up to limit entries after sequence after, and whether more
// follow.
func (m *MemStore) Page(after uint64, limit int) ([]Entry, bool) {
	if after >= uint64(len(m.log)) {
		return nil, false
	}
	end := min(uint64(len(m.log)), after+uint64(max(limit, 1)))
	return append([]Entry(nil), m.log[after:end]...), end < uint64(len(m.log))
}

// Log returns the whole log (shared, do not modify).
func (m *MemStore) Log() []Entry { return m.log }

// Records returns the merged state as records.
func (m *MemStore) Records() map[RecID]*Record {
	out := make(map[RecID]*Record, len(m.state))
	for id, f := range m.state {
		r := NewRecord(id)
		for k, v := range f {
			r.Fields[k] = v
		}
		out[id] = r
	}
	return out
}
