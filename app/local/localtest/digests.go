package localtest

import (
	"fmt"
	"maps"
	"testing"

	"jiuzhu/app/local"
	"jiuzhu/shared/sync"
)

// Digester is the digester the suite's stores are opened with: a record's
// name with the digester's version, none for groups or deleted records.
var Digester = digester(1)

func digester(version int) *local.Digester {
	return &local.Digester{Version: version, Digest: func(r *sync.Record) []byte {
		if r.Deleted() || r.ID.Type() == "group" {
			return nil
		}
		v, _ := r.Get("name")
		return fmt.Appendf(nil, "v%d:%s", version, v)
	}}
}

// DigestOpener opens a user's store with a digester; like Opener
// otherwise.
type DigestOpener func(t *testing.T, user, device string, dg *local.Digester) local.Store

// RunDigests runs the contract of Store.Digests against open.
func RunDigests(t *testing.T, open DigestOpener) {
	tests := []struct {
		name string
		f    func(*testing.T, DigestOpener)
	}{
		{"FollowWrites", testDigestsFollowWrites},
		{"FoldedJournal", testDigestsFolded},
		{"NewDigesterRebuilds", testDigestsRebuild},
		{"Wipe", testDigestsWipe},
		{"Many", testDigestsMany},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.f(t, open)
		})
	}
}

// digestView follows a store's digests as a reader does.
type digestView struct {
	pos   local.DigestPos
	state map[sync.RecID]string
	roots map[sync.RecID]sync.RecID // each digested record's root
	full  bool                      // the last read was a full one
	n     int                       // entries the last read returned
}

func (v *digestView) read(t *testing.T, s local.Store) {
	t.Helper()
	ds, next, full, err := s.Digests(ctxT(t), v.pos)
	must(t, err)
	if full || v.state == nil {
		v.state, v.roots = map[sync.RecID]string{}, map[sync.RecID]sync.RecID{}
	}
	for _, d := range ds {
		switch {
		case d.ID == "":
			for id := range v.state {
				if id == d.Root || v.roots[id] == d.Root {
					delete(v.state, id)
				}
			}
		case d.Data == nil:
			delete(v.state, d.ID)
		default:
			v.state[d.ID] = string(d.Data)
			v.roots[d.ID] = d.Root
		}
	}
	v.pos, v.full, v.n = next, full, len(ds)
}

// want computes what the digests must be from the records themselves.
func want(t *testing.T, s local.Store, dg *local.Digester, ids []sync.RecID) map[sync.RecID]string {
	t.Helper()
	recs, err := s.Records(ctxT(t), ids)
	must(t, err)
	out := map[sync.RecID]string{}
	for id, r := range recs {
		if d := dg.Digest(r); d != nil {
			out[id] = string(d)
		}
	}
	return out
}

func checkView(t *testing.T, what string, v *digestView, want map[sync.RecID]string) {
	t.Helper()
	if !maps.Equal(v.state, want) {
		t.Fatalf("%s: digests = %v, want %v", what, v.state, want)
	}
}

func named(id, root sync.RecID, name string) *sync.Record {
	r := Rec(id, root, 4)
	f := r.Fields["name"]
	f.Value = quote(name)
	r.Fields["name"] = f
	return r
}

func testDigestsFollowWrites(t *testing.T, open DigestOpener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device, Digester)
	a, kid, c, grp := RecID("case"), RecID("person"), RecID("case"), RecID("group")
	all := []sync.RecID{a, kid, c, grp}
	meta := sync.ClientMeta{Device: Device}
	var v digestView
	v.read(t, s)
	if !v.full || len(v.state) != 0 {
		t.Fatalf("new store: full=%v digests=%v", v.full, v.state)
	}
	must(t, s.SavePage(ctx, meta, []*sync.Record{named(a, a, "甲"), named(kid, a, "乙"), named(grp, "", "组")}, nil))
	v.read(t, s)
	if v.full || v.n != 3 {
		t.Fatalf("after one page: full=%v entries=%d, want the page's 3 changes", v.full, v.n)
	}
	checkView(t, "after a page", &v, want(t, s, Digester, all))
	if len(v.state) != 2 {
		t.Fatalf("digests = %v: want the case and the person, not the group", v.state)
	}

	// An acknowledged edit replaces a digest; a deleted record loses its own.
	gone := named(kid, a, "乙")
	gone.Fields[sync.FieldDeleted] = sync.FieldState{Value: sync.ValueTrue}
	must(t, s.SaveAck(ctx, []*sync.Record{named(a, a, "甲二"), gone, named(c, c, "丙")}, nil, nil))
	v.read(t, s)
	checkView(t, "after an ack", &v, want(t, s, Digester, all))
	if v.state[a] != `v1:"甲二"` || v.state[kid] != "" || v.state[c] == "" {
		t.Fatalf("after an ack: %v", v.state)
	}

	// A dropped root takes its records' digests with it, even one that
	// came in the same page.
	kid2 := RecID("person")
	must(t, s.SavePage(ctx, meta, []*sync.Record{named(kid2, a, "丁")}, []sync.RecID{a}))
	v.read(t, s)
	checkView(t, "after a drop", &v, want(t, s, Digester, append(all, kid2)))
	if len(v.state) != 1 {
		t.Fatalf("after dropping the first case: %v", v.state)
	}

	// Nothing new: nothing returned. A fresh reader gets the same set.
	v.read(t, s)
	if v.full || v.n != 0 {
		t.Fatalf("no writes: full=%v entries=%d", v.full, v.n)
	}
	var fresh digestView
	fresh.read(t, s)
	checkView(t, "fresh reader", &fresh, v.state)
}

func testDigestsFolded(t *testing.T, open DigestOpener) {
	ctx := ctxT(t)
	user := newUser()
	s := open(t, user, Device, Digester)
	var v digestView
	v.read(t, s)
	var ids []sync.RecID
	for i := range 100 { // one journal entry each: more than a store keeps
		id := RecID("case")
		ids = append(ids, id)
		must(t, s.SaveAck(ctx, []*sync.Record{named(id, id, fmt.Sprint("case ", i))}, nil, nil))
	}
	v.read(t, s)
	if !v.full {
		t.Fatalf("100 writes since the last read: want a full read")
	}
	checkView(t, "after folding", &v, want(t, s, Digester, ids))
	// Reading on from the folded position, after reopening, gives only
	// what changed.
	s.Close()
	s = open(t, user, Device, Digester)
	one := RecID("case")
	must(t, s.SaveAck(ctx, []*sync.Record{named(one, one, "new")}, nil, nil))
	v.read(t, s)
	if v.full || v.n != 1 {
		t.Fatalf("one write after a fold and a reopen: full=%v entries=%d", v.full, v.n)
	}
	checkView(t, "after the fold", &v, want(t, s, Digester, append(ids, one)))
}

func testDigestsRebuild(t *testing.T, open DigestOpener) {
	ctx := ctxT(t)
	user := newUser()
	s := open(t, user, Device, Digester)
	a, b := RecID("case"), RecID("person")
	must(t, s.SavePage(ctx, sync.ClientMeta{Device: Device}, []*sync.Record{named(a, a, "甲"), named(b, a, "乙")}, nil))
	var v digestView
	v.read(t, s)
	s.Close()
	// The app changed its digest format: the store rebuilds every digest.
	v2 := digester(2)
	s = open(t, user, Device, v2)
	v.read(t, s)
	if !v.full {
		t.Fatal("a new digester version must give a full read")
	}
	checkView(t, "rebuilt", &v, want(t, s, v2, []sync.RecID{a, b}))
	if v.state[a] != `v2:"甲"` {
		t.Fatalf("rebuilt digests = %v", v.state)
	}
}

func testDigestsWipe(t *testing.T, open DigestOpener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device, Digester)
	a := RecID("case")
	must(t, s.SavePage(ctx, sync.ClientMeta{Device: Device}, []*sync.Record{named(a, a, "甲")}, nil))
	var v digestView
	v.read(t, s)
	must(t, s.Wipe(ctx))
	v.read(t, s)
	if !v.full || len(v.state) != 0 {
		t.Fatalf("after wipe: full=%v digests=%v", v.full, v.state)
	}
}

func testDigestsMany(t *testing.T, open DigestOpener) {
	ctx := ctxT(t)
	user := newUser()
	s := open(t, user, Device, Digester)
	// Enough digests for several snapshot chunks.
	var ids []sync.RecID
	for p := range 3 {
		recs := make([]*sync.Record, 0, 2000)
		for i := range 1000 {
			root, kid := RecID("case"), RecID("person")
			recs = append(recs, named(root, root, fmt.Sprintf("case %d/%d %0200d", p, i, i)), named(kid, root, "x"))
			ids = append(ids, root, kid)
		}
		must(t, s.SavePage(ctx, sync.ClientMeta{Device: Device}, recs, nil))
	}
	for i := range compactAfterForTests + 1 {
		must(t, s.SaveAck(ctx, []*sync.Record{named(ids[i], ids[i], "edited")}, nil, nil))
	}
	var v digestView
	v.read(t, s) // full, and folds the journal
	wantAll := want(t, s, Digester, ids)
	checkView(t, "many", &v, wantAll)
	s.Close()
	s = open(t, user, Device, Digester)
	var again digestView
	again.read(t, s) // from the folded snapshot
	checkView(t, "many, reopened", &again, wantAll)
}

// compactAfterForTests is more than the journal entries a store keeps.
const compactAfterForTests = 70
