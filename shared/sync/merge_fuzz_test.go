package sync

import (
	"slices"
	"testing"
	"time"
)

// fuzzChanges turns bytes into changes, 6 bytes each: device, counter,
// field, value, hlc, base. Small ranges make collisions likely.
func fuzzChanges(b []byte) []Change {
	devs := []string{"a", "b", "c"}
	fields := []string{"a", "b", FieldDeleted, "text"}
	values := []string{`1`, `2`, `"x"`, `null`}
	var out []Change
	for ; len(b) >= 6 && len(out) < 64; b = b[6:] {
		f := fields[int(b[2])%len(fields)]
		v := values[int(b[3])%len(values)]
		if f == FieldDeleted {
			v = []string{ValueTrue, ValueFalse}[b[3]%2]
		}
		typ := "case"
		if f == "text" {
			typ = "note"
		}
		d := devs[int(b[0])%len(devs)]
		out = append(out, Change{Op: Op{d, uint64(b[1]%8) + 1}, Rec: rid(typ, b[4]%2), Field: f, Value: v,
			HLC: hlcAt(int64(b[4]%16), uint16(b[5]%2)), By: "u" + d, Base: uint64(b[5] % 8)})
	}
	return out
}

// FuzzMerge checks the merge: any order of the same entries, with repeats,
// gives the same records; and the Log, fed the changes in that order, never
// fails and holds exactly the fold of its own log.
func FuzzMerge(f *testing.F) {
	// Seeds from the table: concurrent edits, a tie on hlc, edit vs delete,
	// append-only rewrites.
	f.Add([]byte{0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 2, 0})
	f.Add([]byte{0, 9, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0})
	f.Add([]byte{0, 1, 2, 0, 1, 0, 1, 1, 0, 1, 2, 0})
	f.Add([]byte{0, 1, 3, 0, 1, 0, 1, 1, 3, 1, 2, 0, 2, 1, 2, 0, 3, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		changes := fuzzChanges(b)
		st := NewMemStore()
		l := &Log{Schema: simSchema{}, MaxSkew: time.Hour}
		for _, c := range changes {
			if _, err := l.Apply(st, Author{c.Op.Device, c.By}, t0, []Change{c}); err != nil {
				t.Fatal(err)
			}
		}
		log := st.Log()
		want := st.Records()
		if err := sameRecords(want, fold(log)); err != nil {
			t.Fatalf("log state vs fold: %v", err)
		}
		rev := slices.Clone(log)
		slices.Reverse(rev)
		if err := sameRecords(want, fold(append(rev, log...))); err != nil {
			t.Fatalf("reversed with repeats: %v", err)
		}
		if err := sameRecords(refConflictsFromLog(log), conflictsOf(want)); err != nil {
			t.Fatalf("conflicts: %v", err)
		}
	})
}

// refConflictsFromLog and conflictsOf reduce both sides to "conflict id ->
// empty record" so sameRecords compares the sets.
func refConflictsFromLog(log []Entry) map[RecID]*Record {
	out := map[RecID]*Record{}
	for id := range refConflicts(log) {
		out[id] = NewRecord(id)
	}
	return out
}

func conflictsOf(recs map[RecID]*Record) map[RecID]*Record {
	out := map[RecID]*Record{}
	for id := range recs {
		if id.Type() == ConflictType {
			out[id] = NewRecord(id)
		}
	}
	return out
}
