package sync

import (
	"cmp"
	"maps"
	"slices"
)

// FieldState is the winning change of one (record, field): its value and
// the (HLC, Op) that orders it, its author, and the server sequence it was
// committed with (0 while it exists only on the device).
type FieldState struct {
	Value string
	HLC   HLC
	Op    Op
	By    string
	Seq   uint64
}

// StateOf returns the field state a committed entry would set.
func StateOf(e Entry) FieldState {
	return FieldState{Value: e.Value, HLC: e.HLC, Op: e.Op, By: e.By, Seq: e.Seq}
}

// Compare orders two writes to the same field by (HLC, Op).
func Compare(aHLC HLC, aOp Op, bHLC HLC, bOp Op) int {
	if c := cmp.Compare(aHLC, bHLC); c != 0 {
		return c
	}
	return aOp.Compare(bOp)
}

// Beats reports whether f wins over g: f's (HLC, Op) is greater.
func (f FieldState) Beats(g FieldState) bool { return Compare(f.HLC, f.Op, g.HLC, g.Op) > 0 }

// Record is the merged state of one record: the winning write of each of
// its fields. The zero Record (with ID set) is an empty record.
type Record struct {
	ID     RecID
	Fields map[string]FieldState
}

// NewRecord returns an empty record.
func NewRecord(id RecID) *Record { return &Record{ID: id, Fields: map[string]FieldState{}} }

// Apply merges a committed entry into r with per-field last-writer-wins and
// reports whether the field changed. Merging is commutative, associative and
// idempotent: any order of the same entries, with repeats, gives the same
// record. When the same op arrives with a sequence and the state has none
// (the device's own change, now committed), the sequence is recorded.
func (r *Record) Apply(e Entry) bool {
	if r.Fields == nil {
		r.Fields = map[string]FieldState{}
	}
	next := StateOf(e)
	cur, ok := r.Fields[e.Field]
	switch {
	case !ok || next.Beats(cur):
		r.Fields[e.Field] = next
		return true
	case cur.Op == next.Op && cur.Seq == 0 && next.Seq != 0:
		cur.Seq = next.Seq
		r.Fields[e.Field] = cur
		return false
	}
	return false
}

// Get returns the value of a field and whether it is set.
func (r *Record) Get(field string) (string, bool) {
	f, ok := r.Fields[field]
	return f.Value, ok
}

// RootOf returns the root a record belongs to (its "root" field), or ""
// when the field is missing or not a record id.
func RootOf(r *Record) RecID {
	v, ok := r.Get(FieldRoot)
	if !ok {
		return ""
	}
	s, ok := UnquoteJSON(v)
	if !ok || !RecID(s).Valid() {
		return ""
	}
	return RecID(s)
}

// Deleted reports whether the record's tombstone is set.
func (r *Record) Deleted() bool {
	v, _ := r.Get(FieldDeleted)
	return v == ValueTrue
}

// Clone returns a deep copy of r.
func (r *Record) Clone() *Record {
	return &Record{ID: r.ID, Fields: maps.Clone(r.Fields)}
}

// Equal reports whether r and s hold the same fields with the same winning
// writes. Sequences are compared too.
func (r *Record) Equal(s *Record) bool {
	return r.ID == s.ID && maps.Equal(r.Fields, s.Fields)
}

// FieldNames returns the record's field names, sorted.
func (r *Record) FieldNames() []string {
	return slices.Sorted(maps.Keys(r.Fields))
}
