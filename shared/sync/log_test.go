package sync

import (
	"fmt"
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)

func rid(typ string, n byte) RecID { return MakeRecID(typ, 1, [10]byte{n}) }

func hlcAt(ms int64, c uint16) HLC { return MakeHLC(t0.UnixMilli()+ms, c) }

type side struct {
	dev   string
	ctr   uint64
	field string
	value string
	hlc   HLC
}

func (s side) change(rec RecID, base uint64) Change {
	return Change{Op: Op{s.dev, s.ctr}, Rec: rec, Field: s.field, Value: s.value, HLC: s.hlc, By: "u-" + s.dev, Base: base}
}

// TestMergeRules checks each merge and conflict rule with the two changes
// applied in both orders: the later one either saw the earlier (its base is
// the earlier's sequence) or did not.
func TestMergeRules(t *testing.T) {
	t.Parallel()
	rec := rid("case", 1)
	tests := []struct {
		name     string
		x, y     side
		seen     bool   // the second applied had seen the first
		typ      string // record type (default case)
		conflict string // expected conflict kind, "" for none
		winner   int    // 0: x, 1: y wins field x.field; -1: the second applied is rejected
	}{
		{name: "later hlc wins", x: side{"a", 1, "a", `1`, hlcAt(1, 0)}, y: side{"b", 1, "a", `2`, hlcAt(2, 0)}, seen: true, winner: 1},
		{name: "concurrent different values conflict", x: side{"a", 1, "a", `1`, hlcAt(1, 0)}, y: side{"b", 1, "a", `2`, hlcAt(2, 0)}, conflict: KindEdit, winner: 1},
		{name: "concurrent equal values agree", x: side{"a", 1, "a", `1`, hlcAt(1, 0)}, y: side{"b", 1, "a", `1`, hlcAt(2, 0)}, winner: 1},
		{name: "hlc counter orders within a millisecond", x: side{"a", 1, "a", `1`, hlcAt(1, 2)}, y: side{"b", 1, "a", `2`, hlcAt(1, 1)}, seen: true, winner: 0},
		{name: "equal hlc: device id breaks the tie", x: side{"a", 9, "a", `1`, hlcAt(1, 0)}, y: side{"b", 1, "a", `2`, hlcAt(1, 0)}, conflict: KindEdit, winner: 1},
		{name: "equal hlc same device: counter numerically", x: side{"a", 10, "a", `1`, hlcAt(1, 0)}, y: side{"a", 9, "a", `2`, hlcAt(1, 0)}, winner: 0},
		{name: "same device is never a conflict", x: side{"a", 1, "a", `1`, hlcAt(1, 0)}, y: side{"a", 2, "a", `2`, hlcAt(2, 0)}, winner: 1},
		{name: "other fields do not conflict", x: side{"a", 1, "a", `1`, hlcAt(1, 0)}, y: side{"b", 1, "b", `2`, hlcAt(2, 0)}, winner: 0},
		{name: "edit concurrent with delete", x: side{"a", 1, FieldDeleted, ValueTrue, hlcAt(1, 0)}, y: side{"b", 1, "a", `2`, hlcAt(2, 0)}, conflict: KindDelete, winner: 0},
		{name: "delete after seen edit", x: side{"a", 1, FieldDeleted, ValueTrue, hlcAt(2, 0)}, y: side{"b", 1, "a", `2`, hlcAt(1, 0)}, seen: true, winner: 0},
		{name: "concurrent deletes agree", x: side{"a", 1, FieldDeleted, ValueTrue, hlcAt(1, 0)}, y: side{"b", 1, FieldDeleted, ValueTrue, hlcAt(2, 0)}, winner: 1},
		{name: "restore concurrent with delete", x: side{"a", 1, FieldDeleted, ValueTrue, hlcAt(1, 0)}, y: side{"b", 1, FieldDeleted, ValueFalse, hlcAt(2, 0)}, conflict: KindDelete, winner: 1},
		{name: "append-only field written once", typ: "note", x: side{"a", 1, "text", `"x"`, hlcAt(1, 0)}, y: side{"b", 1, "text", `"y"`, hlcAt(2, 0)}, seen: true, winner: -1},
		{name: "append-only concurrent writes: second rejected", typ: "note", x: side{"a", 1, "text", `"x"`, hlcAt(1, 0)}, y: side{"b", 1, "text", `"y"`, hlcAt(2, 0)}, winner: -1},
		{name: "append-only fields grow", typ: "note", x: side{"a", 1, "text", `"x"`, hlcAt(1, 0)}, y: side{"b", 1, FieldRoot, `"r"`, hlcAt(2, 0)}, winner: 0},
	}
	for _, tt := range tests {
		for dir := range 2 {
			t.Run(fmt.Sprintf("%s/%d", tt.name, dir), func(t *testing.T) {
				t.Parallel()
				r := rec
				if tt.typ != "" {
					r = rid(tt.typ, 1)
				}
				first, second := tt.x, tt.y
				if dir == 1 {
					first, second = tt.y, tt.x
				}
				st := NewMemStore()
				l := &Log{Schema: simSchema{}, MaxSkew: time.Hour}
				apply := func(s side, base uint64) Result {
					res, err := l.Apply(st, Author{s.dev, "u-" + s.dev}, t0, []Change{s.change(r, base)})
					if err != nil {
						t.Fatal(err)
					}
					return res
				}
				r1 := apply(first, 0)
				if len(r1.Accepted) != 1 {
					t.Fatalf("first rejected: %+v", r1.Rejected)
				}
				base := uint64(0)
				if tt.seen {
					base = r1.Accepted[0].Seq
				}
				r2 := apply(second, base)
				if tt.winner == -1 {
					if len(r2.Rejected) != 1 || r2.Rejected[0].Code != CodeAppendOnly {
						t.Fatalf("second not rejected as append-only: %+v", r2)
					}
					return
				}
				if len(r2.Accepted) != 1 {
					t.Fatalf("second rejected: %+v", r2.Rejected)
				}
				win := []side{tt.x, tt.y}[tt.winner]
				if f, _, _ := st.Field(r, win.field); f.Op != (Op{win.dev, win.ctr}) {
					t.Errorf("field %s won by %v, want %s:%d", win.field, f.Op, win.dev, win.ctr)
				}
				var kinds []string
				for id, cr := range st.Records() {
					if id.Type() == ConflictType {
						k, _ := cr.Get(ConflictKind)
						kinds = append(kinds, k)
						if want := ConflictID(Op{tt.x.dev, tt.x.ctr}, Op{tt.y.dev, tt.y.ctr}, max(tt.x.hlc, tt.y.hlc)); id != want {
							t.Errorf("conflict id %s, want %s", id, want)
						}
						a, _ := cr.Get(ConflictOpA)
						lo := Op{tt.x.dev, tt.x.ctr}
						if o := (Op{tt.y.dev, tt.y.ctr}); o.Compare(lo) < 0 {
							lo = o
						}
						if a != jsonString(lo.String()) {
							t.Errorf("op_a %s not the smaller op", a)
						}
						if root, _ := cr.Get(FieldRoot); root != jsonString(string(r)) {
							t.Errorf("conflict root %s, want the record", root)
						}
					}
				}
				switch {
				case tt.conflict == "" && len(kinds) != 0:
					t.Errorf("unexpected conflict %v", kinds)
				case tt.conflict != "" && (len(kinds) != 1 || kinds[0] != jsonString(tt.conflict)):
					t.Errorf("conflicts %v, want one %q", kinds, tt.conflict)
				}
			})
		}
	}
}

func TestLogRejects(t *testing.T) {
	t.Parallel()
	rec := rid("case", 1)
	good := Change{Op: Op{"a", 1}, Rec: rec, Field: "a", Value: `1`, HLC: hlcAt(0, 0), By: "ua"}
	tests := []struct {
		name string
		mod  func(c *Change)
		code string
	}{
		{"other device", func(c *Change) { c.Op.Device = "b" }, CodeNotYours},
		{"other user", func(c *Change) { c.By = "ub" }, CodeNotYours},
		{"future clock", func(c *Change) { c.HLC = hlcAt(int64(2*time.Hour/time.Millisecond), 0) }, CodeClock},
		{"unknown field", func(c *Change) { c.Field = "zz" }, CodeSchema},
		{"bad json", func(c *Change) { c.Value = `{` }, CodeBadChange},
		{"bad field name", func(c *Change) { c.Field = "A-" }, CodeBadChange},
		{"bad tombstone", func(c *Change) { c.Field, c.Value = FieldDeleted, `1` }, CodeBadChange},
		{"bad record id", func(c *Change) { c.Rec = "case/x" }, CodeBadChange},
		{"zero counter", func(c *Change) { c.Op.Counter = 0 }, CodeBadChange},
		{"unknown conflict", func(c *Change) { c.Rec, c.Field, c.Value = rid(ConflictType, 1), ConflictResolved, ValueTrue }, CodeConflict},
		{"conflict side", func(c *Change) { c.Rec, c.Field = rid(ConflictType, 1), ConflictValueA }, CodeConflict},
		{"append-only delete", func(c *Change) { c.Rec, c.Field, c.Value = rid("note", 1), FieldDeleted, ValueTrue }, CodeAppendOnly},
		{"denied", func(c *Change) { c.Field = "c" }, CodeDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := &Log{Schema: simSchema{}, MaxSkew: time.Hour, Authorize: func(_ StateReader, c *Change) error {
				if c.Field == "c" {
					return fmt.Errorf("no access to c")
				}
				return nil
			}}
			c := good
			tt.mod(&c)
			res, err := l.Apply(NewMemStore(), Author{"a", "ua"}, t0, []Change{c})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Rejected) != 1 || res.Rejected[0].Code != tt.code || len(res.Entries) != 0 {
				t.Fatalf("got %+v, want rejection %s", res, tt.code)
			}
		})
	}
}

func TestLogIdempotent(t *testing.T) {
	t.Parallel()
	st := NewMemStore()
	l := &Log{Schema: simSchema{}, MaxSkew: time.Hour}
	c := Change{Op: Op{"a", 1}, Rec: rid("case", 1), Field: "a", Value: `1`, HLC: hlcAt(0, 0), By: "ua"}
	for range 3 {
		res, err := l.Apply(st, Author{"a", "ua"}, t0, []Change{c, c})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Accepted) != 2 || res.Accepted[0].Seq != 1 || res.Accepted[1].Seq != 1 {
			t.Fatalf("accepted %+v", res.Accepted)
		}
	}
	if n, _ := st.LastSeq(); n != 1 {
		t.Fatalf("log has %d entries, want 1", n)
	}
}

func TestClockNeverGoesBack(t *testing.T) {
	t.Parallel()
	mt := &ManualTime{T: t0}
	c := NewClock(mt, 0)
	prev, _ := c.Now()
	for i := range 200000 { // crosses the 16-bit counter
		if i%1000 == 0 {
			mt.Advance(-time.Second)
		}
		if i == 100 {
			c.Observe(prev + 50)
		}
		h, err := c.Now()
		if err != nil {
			t.Fatal(err)
		}
		if h <= prev {
			t.Fatalf("clock went back: %v after %v", h, prev)
		}
		prev = h
	}
	mt.T = time.UnixMilli(1 << 49)
	if _, err := c.Now(); err != ErrClockOverflow {
		t.Fatalf("overflow: %v", err)
	}
}

func TestOpAndRecID(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"dev:1", "a-b_C:18446744073709551615", "x:y:3"} {
		op, err := ParseOp(s)
		if s == "x:y:3" {
			if err == nil {
				t.Errorf("ParseOp(%q) accepted a colon in the device", s)
			}
			continue
		}
		if err != nil || op.String() != s {
			t.Errorf("ParseOp(%q) = %v, %v", s, op, err)
		}
	}
	for _, s := range []string{"", ":1", "d:", "d:0", "d:-1", "d:1x"} {
		if _, err := ParseOp(s); err == nil {
			t.Errorf("ParseOp(%q) accepted", s)
		}
	}
	if (Op{"a", 10}).Compare(Op{"a", 9}) <= 0 || (Op{"a", 10}).Compare(Op{"b", 1}) >= 0 {
		t.Error("op order")
	}
	id := MakeRecID("case", 1740816000000, [10]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	if !id.Valid() || id.Type() != "case" || len(id) != len("case/")+26 {
		t.Errorf("MakeRecID = %q", id)
	}
	for _, s := range []string{"case", "Case/01JN0000000000000000000000", "case/81JN00000000000000000000", "case/01JN000000000000000000000I", "/01JN0000000000000000000000"} {
		if RecID(s).Valid() {
			t.Errorf("%q valid", s)
		}
	}
}
