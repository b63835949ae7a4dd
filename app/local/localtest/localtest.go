// Package localtest is the contract test suite of app/local: every Store
// and Keyring implementation (the in-memory twin natively, IndexedDB in
// headless Chromium) must pass Run and RunKeyring. It imports only
// app/local, shared/sync and the standard library.
package localtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	stdsync "sync"
	"sync/atomic"
	"testing"
	"time"

	"jiuzhu/app/local"
	"jiuzhu/shared/sync"
)

// Opener opens a user's store for a device. Opening the same user again
// (after Close) must give the same data; different users never share data.
// The opener removes what it created when the test ends.
type Opener func(t *testing.T, user, device string) local.Store

var users atomic.Int64

// newUser returns a user id unique in this process.
func newUser() string { return fmt.Sprintf("t%d", users.Add(1)) }

// Device is the device id the suite uses.
const Device = "dev-1"

// PersonName and IDNumber are the plaintext the suite stores in records, so
// that a caller can check they never reach storage in the clear.
const (
	PersonName = "张秀英测试"
	IDNumber   = "62010219800101123X"
)

var seq atomic.Uint64

// RecID returns a new record id of a type.
func RecID(typ string) sync.RecID {
	n := seq.Add(1)
	var e [10]byte
	for i := range 8 {
		e[i] = byte(n >> (8 * i))
	}
	return sync.MakeRecID(typ, 1_700_000_000_000+int64(n), e)
}

func quote(s string) string { return `"` + s + `"` }

// Rec returns a confirmed record of nFields fields under root (none when
// root is empty), with the suite's plaintext name and ID number.
func Rec(id sync.RecID, root sync.RecID, nFields int) *sync.Record {
	r := sync.NewRecord(id)
	h := sync.MakeHLC(1_700_000_000_000, 0)
	set := func(f, v string) {
		h++
		r.Apply(sync.Entry{Seq: uint64(h) & 0xffff, Change: sync.Change{Op: sync.Op{Device: "srv-dev", Counter: uint64(h) & 0xffff},
			Rec: id, Field: f, Value: v, HLC: h, By: "u-author"}})
	}
	set("name", quote(PersonName))
	set("id_number", quote(IDNumber))
	if root != "" {
		set(sync.FieldRoot, quote(string(root)))
	}
	for i := 3; i < nFields; i++ {
		set(fmt.Sprintf("field_%02d", i), quote(fmt.Sprintf("value %d of record %s", i, id)))
	}
	return r
}

func change(id sync.RecID, counter uint64, field, value string) sync.Change {
	return sync.Change{Op: sync.Op{Device: Device, Counter: counter}, Rec: id, Field: field, Value: value,
		HLC: sync.MakeHLC(1_700_000_000_000, uint16(counter)), By: "u-1", Base: 7}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ids(recs []*sync.Record) []sync.RecID {
	out := make([]sync.RecID, len(recs))
	for i, r := range recs {
		out[i] = r.ID
	}
	return out
}

func outboxOps(t *testing.T, ctx context.Context, s local.Store) []uint64 {
	t.Helper()
	out, err := s.Outbox(ctx)
	must(t, err)
	var n []uint64
	for _, c := range out {
		n = append(n, c.Op.Counter)
	}
	return n
}

// Run runs the Store contract against open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		f    func(*testing.T, Opener)
	}{
		{"NewStoreHasDeviceOnly", testNew},
		{"EnqueueKeepsOrderAndMeta", testEnqueue},
		{"EnqueueDuplicateIsAtomic", testEnqueueDuplicate},
		{"SaveAck", testSaveAck},
		{"SavePageDropsRoots", testSavePage},
		{"RecordsAreCopies", testRecordsCopies},
		{"ListTypeByPrefix", testListType},
		{"RecentNewestFirst", testRecent},
		{"RootRecords", testRootRecords},
		{"DismissRejected", testDismiss},
		{"WipeKeepsDevice", testWipe},
		{"ReopenKeepsData", testReopen},
		{"ClosedStoreFails", testClosed},
		{"UsersAreIsolated", testIsolation},
		{"ConcurrentEnqueue", testConcurrent},
		{"SessionEditsSurviveReopen", testSession},
		{"LargePage", testLargePage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.f(t, open)
		})
	}
}

func testNew(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	m, err := s.Meta(ctx)
	must(t, err)
	if m != (sync.ClientMeta{Device: Device}) {
		t.Fatalf("meta = %+v", m)
	}
	for _, f := range []func() (int, error){
		func() (int, error) { o, err := s.Outbox(ctx); return len(o), err },
		func() (int, error) { o, err := s.Rejected(ctx); return len(o), err },
		func() (int, error) { o, err := s.ListType(ctx, "case"); return len(o), err },
		func() (int, error) { o, err := s.Records(ctx, []sync.RecID{RecID("case")}); return len(o), err },
	} {
		if n, err := f(); err != nil || n != 0 {
			t.Fatalf("new store: %d items, %v", n, err)
		}
	}
}

func testEnqueue(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	id := RecID("case")
	meta := sync.ClientMeta{Device: Device, Counter: 2, Clock: 99, Cursor: sync.Cursor{Epoch: 1, Seq: 5}}
	c1, c2 := change(id, 1, "name", quote(PersonName)), change(id, 2, "id_number", quote(IDNumber))
	must(t, s.Enqueue(ctx, meta, []sync.Change{c1, c2}))
	meta.Counter = 3
	c3 := change(id, 3, "note", `{"a":[1,2]}`)
	must(t, s.Enqueue(ctx, meta, []sync.Change{c3}))
	out, err := s.Outbox(ctx)
	must(t, err)
	if !slices.Equal(out, []sync.Change{c1, c2, c3}) {
		t.Fatalf("outbox = %+v", out)
	}
	if m, _ := s.Meta(ctx); m != meta {
		t.Fatalf("meta = %+v, want %+v", m, meta)
	}
	// Enqueue order is kept even when counters do not increase.
	meta.Counter = 4
	must(t, s.Enqueue(ctx, meta, []sync.Change{change(id, 10, "a", "1"), change(id, 9, "b", "2")}))
	if got := outboxOps(t, ctx, s); !slices.Equal(got, []uint64{1, 2, 3, 10, 9}) {
		t.Fatalf("outbox ops = %v", got)
	}
}

func testEnqueueDuplicate(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	id := RecID("case")
	meta := sync.ClientMeta{Device: Device, Counter: 1, Clock: 10}
	must(t, s.Enqueue(ctx, meta, []sync.Change{change(id, 1, "a", "1")}))
	for _, batch := range [][]sync.Change{
		{change(id, 2, "b", "2"), change(id, 3, "c", "3"), change(id, 1, "a", "9")}, // dup of the outbox, last
		{change(id, 4, "d", "4"), change(id, 4, "e", "5")},                          // dup inside the batch
	} {
		bad := sync.ClientMeta{Device: Device, Counter: 50, Clock: 500}
		err := s.Enqueue(ctx, bad, batch)
		if !errors.Is(err, local.ErrDuplicateOp) {
			t.Fatalf("duplicate enqueue: err = %v, want ErrDuplicateOp", err)
		}
		if got := outboxOps(t, ctx, s); !slices.Equal(got, []uint64{1}) {
			t.Fatalf("after a failed enqueue, outbox ops = %v, want [1]", got)
		}
		if m, _ := s.Meta(ctx); m != meta {
			t.Fatalf("after a failed enqueue, meta = %+v, want %+v", m, meta)
		}
	}
}

func testSaveAck(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	id := RecID("case")
	cs := []sync.Change{change(id, 1, "a", "1"), change(id, 2, "b", "2"), change(id, 3, "c", "3"), change(id, 4, "d", "4")}
	must(t, s.Enqueue(ctx, sync.ClientMeta{Device: Device, Counter: 4}, cs))
	r := sync.NewRecord(id)
	r.Apply(sync.Entry{Seq: 11, Change: cs[0]})
	rej := sync.RejectedChange{Change: cs[2], Code: sync.CodeSchema, Message: "字段无效 " + PersonName}
	must(t, s.SaveAck(ctx, []*sync.Record{r}, []sync.Op{cs[0].Op}, []sync.RejectedChange{rej}))
	if got := outboxOps(t, ctx, s); !slices.Equal(got, []uint64{2, 4}) {
		t.Fatalf("outbox ops = %v, want [2 4]", got)
	}
	got, err := s.Records(ctx, []sync.RecID{id})
	must(t, err)
	if got[id] == nil || !got[id].Equal(r) {
		t.Fatalf("record = %+v, want %+v", got[id], r)
	}
	rs, err := s.Rejected(ctx)
	must(t, err)
	if len(rs) != 1 || rs[0] != rej {
		t.Fatalf("rejected = %+v", rs)
	}
	// Acking ops that are not in the outbox is harmless.
	must(t, s.SaveAck(ctx, nil, []sync.Op{cs[0].Op, {Device: "x", Counter: 1}}, nil))
	if got := outboxOps(t, ctx, s); !slices.Equal(got, []uint64{2, 4}) {
		t.Fatalf("outbox ops = %v, want [2 4]", got)
	}
}

func testSavePage(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	root1, root2 := RecID("case"), RecID("case")
	kid1, kid2, other := RecID("person"), RecID("person"), RecID("group")
	meta := sync.ClientMeta{Device: Device, Clock: 77, Cursor: sync.Cursor{Epoch: 2, Seq: 40}}
	must(t, s.SavePage(ctx, meta, []*sync.Record{Rec(root1, root1, 5), Rec(kid1, root1, 5), Rec(root2, root2, 5), Rec(kid2, root2, 5), Rec(other, "", 4)}, nil))
	if m, _ := s.Meta(ctx); m != meta {
		t.Fatalf("meta = %+v", m)
	}
	// The page brings a new child of root1 and drops root1: the new child
	// goes too.
	kid3 := RecID("person")
	meta.Cursor.Seq = 50
	must(t, s.SavePage(ctx, meta, []*sync.Record{Rec(kid3, root1, 4)}, []sync.RecID{root1}))
	got, err := s.Records(ctx, []sync.RecID{root1, kid1, kid3, root2, kid2, other})
	must(t, err)
	for _, id := range []sync.RecID{root1, kid1, kid3} {
		if got[id] != nil {
			t.Errorf("%s survived the drop of its root", id)
		}
	}
	for _, id := range []sync.RecID{root2, kid2, other} {
		if got[id] == nil {
			t.Errorf("%s was dropped", id)
		}
	}
	if m, _ := s.Meta(ctx); m.Cursor.Seq != 50 {
		t.Fatalf("cursor = %+v", m.Cursor)
	}
}

func testRecordsCopies(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	id := RecID("case")
	r := Rec(id, id, 6)
	must(t, s.SavePage(ctx, sync.ClientMeta{Device: Device}, []*sync.Record{r}, nil))
	r.Fields["name"] = sync.FieldState{Value: `"changed"`}
	got, err := s.Records(ctx, []sync.RecID{id, RecID("case")})
	must(t, err)
	if len(got) != 1 || got[id].Fields["name"].Value != quote(PersonName) {
		t.Fatalf("records = %+v", got)
	}
	got[id].Fields["name"] = sync.FieldState{Value: `"changed again"`}
	again, err := s.Records(ctx, []sync.RecID{id})
	must(t, err)
	if !again[id].Equal(Rec(id, id, 6)) {
		t.Fatalf("the store's record changed through a returned copy: %+v", again[id])
	}
}

func testListType(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	var cases []*sync.Record
	var recs []*sync.Record
	for range 5 {
		id := RecID("case")
		r := Rec(id, id, 4)
		cases = append(cases, r)
		recs = append(recs, r, Rec(RecID("case_note"), id, 4), Rec(RecID("cas"), id, 4))
	}
	must(t, s.SavePage(ctx, sync.ClientMeta{Device: Device}, recs, nil))
	got, err := s.ListType(ctx, "case")
	must(t, err)
	if !slices.Equal(ids(got), ids(cases)) {
		t.Fatalf("ListType(case) = %v, want %v", ids(got), ids(cases))
	}
	for i := range got {
		if !got[i].Equal(cases[i]) {
			t.Fatalf("record %d = %+v, want %+v", i, got[i], cases[i])
		}
	}
	if got, _ := s.ListType(ctx, "case_note"); len(got) != 5 {
		t.Fatalf("ListType(case_note) = %d records", len(got))
	}
	if got, _ := s.ListType(ctx, "volunteer"); len(got) != 0 {
		t.Fatalf("ListType(volunteer) = %d records", len(got))
	}
}

func testRecent(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	var cases []*sync.Record
	var recs []*sync.Record
	for range 7 {
		id := RecID("case")
		r := Rec(id, id, 3)
		cases = append(cases, r)
		recs = append(recs, r, Rec(RecID("case_note"), id, 2))
	}
	must(t, s.SavePage(ctx, sync.ClientMeta{Device: Device}, recs, nil))
	slices.SortFunc(cases, func(a, b *sync.Record) int { return strings.Compare(string(b.ID), string(a.ID)) })
	got, total, err := s.Recent(ctx, "case", 3)
	must(t, err)
	if total != 7 || !slices.Equal(ids(got), ids(cases[:3])) {
		t.Fatalf("Recent(case, 3) = %v of %d, want %v of 7", ids(got), total, ids(cases[:3]))
	}
	if !got[0].Equal(cases[0]) {
		t.Fatalf("record = %+v, want %+v", got[0], cases[0])
	}
	if got, total, _ := s.Recent(ctx, "case", 100); total != 7 || !slices.Equal(ids(got), ids(cases)) {
		t.Fatalf("Recent(case, 100) = %v of %d", ids(got), total)
	}
	if got, total, _ := s.Recent(ctx, "volunteer", 5); total != 0 || len(got) != 0 {
		t.Fatalf("Recent(volunteer) = %v of %d", ids(got), total)
	}
}

func testDismiss(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	id := RecID("case")
	cs := []sync.Change{change(id, 1, "a", "1"), change(id, 2, "b", "2"), change(id, 3, "c", "3")}
	must(t, s.Enqueue(ctx, sync.ClientMeta{Device: Device, Counter: 3}, cs))
	var rej []sync.RejectedChange
	for _, c := range cs {
		rej = append(rej, sync.RejectedChange{Change: c, Code: sync.CodeDenied, Message: "no"})
	}
	must(t, s.SaveAck(ctx, nil, nil, rej))
	if got := outboxOps(t, ctx, s); len(got) != 0 {
		t.Fatalf("rejected changes left in the outbox: %v", got)
	}
	must(t, s.DismissRejected(ctx, cs[1].Op))
	must(t, s.DismissRejected(ctx, sync.Op{Device: "nope", Counter: 1}))
	rs, err := s.Rejected(ctx)
	must(t, err)
	if len(rs) != 2 || rs[0].Op != cs[0].Op || rs[1].Op != cs[2].Op {
		t.Fatalf("rejected = %+v", rs)
	}
}

func testWipe(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	id := RecID("case")
	must(t, s.SavePage(ctx, sync.ClientMeta{Device: Device, Counter: 3, Cursor: sync.Cursor{Seq: 9}}, []*sync.Record{Rec(id, id, 5)}, nil))
	must(t, s.Enqueue(ctx, sync.ClientMeta{Device: Device, Counter: 4}, []sync.Change{change(id, 4, "a", "1")}))
	must(t, s.SaveAck(ctx, nil, nil, []sync.RejectedChange{{Change: change(id, 4, "a", "1")}}))
	must(t, s.Wipe(ctx))
	if m, _ := s.Meta(ctx); m != (sync.ClientMeta{Device: Device}) {
		t.Fatalf("meta after wipe = %+v", m)
	}
	recs, _ := s.Records(ctx, []sync.RecID{id})
	out, _ := s.Outbox(ctx)
	rej, _ := s.Rejected(ctx)
	list, _ := s.ListType(ctx, "case")
	if len(recs)+len(out)+len(rej)+len(list) != 0 {
		t.Fatalf("after wipe: %d records, %d outbox, %d rejected, %d listed", len(recs), len(out), len(rej), len(list))
	}
}

func testReopen(t *testing.T, open Opener) {
	ctx := ctxT(t)
	user := newUser()
	s := open(t, user, Device)
	id := RecID("case")
	meta := sync.ClientMeta{Device: Device, Counter: 1, Clock: 5, Cursor: sync.Cursor{Epoch: 1, Seq: 3}}
	must(t, s.SavePage(ctx, meta, []*sync.Record{Rec(id, id, 8)}, nil))
	c := change(id, 1, "a", "1")
	must(t, s.Enqueue(ctx, meta, []sync.Change{c}))
	must(t, s.Close())
	s = open(t, user, Device)
	if m, _ := s.Meta(ctx); m != meta {
		t.Fatalf("meta after reopen = %+v", m)
	}
	got, err := s.Records(ctx, []sync.RecID{id})
	must(t, err)
	if got[id] == nil || !got[id].Equal(Rec(id, id, 8)) {
		t.Fatalf("record after reopen = %+v", got[id])
	}
	if out, _ := s.Outbox(ctx); len(out) != 1 || out[0] != c {
		t.Fatalf("outbox after reopen = %+v", out)
	}
}

func testClosed(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	must(t, s.Close())
	if _, err := s.Meta(ctx); !errors.Is(err, local.ErrClosed) {
		t.Errorf("Meta after Close: %v", err)
	}
	if err := s.Enqueue(ctx, sync.ClientMeta{Device: Device}, nil); !errors.Is(err, local.ErrClosed) {
		t.Errorf("Enqueue after Close: %v", err)
	}
	if _, err := s.ListType(ctx, "case"); !errors.Is(err, local.ErrClosed) {
		t.Errorf("ListType after Close: %v", err)
	}
}

func testIsolation(t *testing.T, open Opener) {
	ctx := ctxT(t)
	a, b := open(t, newUser(), Device), open(t, newUser(), "dev-2")
	id := RecID("case")
	must(t, a.SavePage(ctx, sync.ClientMeta{Device: Device, Cursor: sync.Cursor{Seq: 1}}, []*sync.Record{Rec(id, id, 4)}, nil))
	must(t, a.Enqueue(ctx, sync.ClientMeta{Device: Device, Counter: 1}, []sync.Change{change(id, 1, "a", "1")}))
	if got, _ := b.Records(ctx, []sync.RecID{id}); len(got) != 0 {
		t.Fatal("user b sees user a's record")
	}
	if got, _ := b.ListType(ctx, "case"); len(got) != 0 {
		t.Fatal("user b lists user a's record")
	}
	if got, _ := b.Outbox(ctx); len(got) != 0 {
		t.Fatal("user b sees user a's outbox")
	}
	if m, _ := b.Meta(ctx); m != (sync.ClientMeta{Device: "dev-2"}) {
		t.Fatalf("user b's meta = %+v", m)
	}
}

func testConcurrent(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	id := RecID("case")
	var wg stdsync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Go(func() {
			errs <- s.Enqueue(ctx, sync.ClientMeta{Device: Device, Counter: uint64(i + 1)}, []sync.Change{change(id, uint64(i+1), "a", "1")})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	got := outboxOps(t, ctx, s)
	slices.Sort(got)
	if len(got) != 20 || got[0] != 1 || got[19] != 20 {
		t.Fatalf("outbox ops = %v", got)
	}
}

func testSession(t *testing.T, open Opener) {
	ctx := ctxT(t)
	user := newUser()
	s := open(t, user, Device)
	clock := &sync.ManualTime{T: time.UnixMilli(1_700_000_000_000)}
	sess, err := sync.NewSession(ctx, s, clock, sync.SessionConfig{})
	must(t, err)
	id := RecID("case")
	_, err = sess.Edit(ctx, "u-1", sync.Edit{Rec: id, Field: "name", Value: quote(PersonName)}, sync.Edit{Rec: id, Field: "status", Value: `"open"`})
	must(t, err)
	must(t, s.Close())
	s = open(t, user, Device)
	sess, err = sync.NewSession(ctx, s, clock, sync.SessionConfig{})
	must(t, err)
	ch, err := sess.Edit(ctx, "u-1", sync.Edit{Rec: id, Field: "status", Value: `"closed"`})
	must(t, err)
	if ch[0].Op.Counter != 3 {
		t.Fatalf("counter after reopen = %d, want 3", ch[0].Op.Counter)
	}
	r, err := sess.Record(ctx, id)
	must(t, err)
	if v, _ := r.Get("status"); v != `"closed"` {
		t.Fatalf("status = %s", v)
	}
	if v, _ := r.Get("name"); v != quote(PersonName) {
		t.Fatalf("name = %s", v)
	}
}

func testLargePage(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	var recs []*sync.Record
	for range 1000 {
		id := RecID("case")
		recs = append(recs, Rec(id, id, 20))
	}
	must(t, s.SavePage(ctx, sync.ClientMeta{Device: Device, Cursor: sync.Cursor{Seq: 1000}}, recs, nil))
	got, err := s.ListType(ctx, "case")
	must(t, err)
	if len(got) != 1000 || !got[999].Equal(recs[999]) {
		t.Fatalf("listed %d records", len(got))
	}
}

func testRootRecords(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	a, b := RecID("case"), RecID("case")
	ka, kb, loose := RecID("person"), RecID("service_record"), RecID("group")
	must(t, s.SavePage(ctx, sync.ClientMeta{Device: Device}, []*sync.Record{Rec(a, a, 4), Rec(ka, a, 4), Rec(kb, a, 4), Rec(b, b, 4), Rec(loose, "", 4)}, nil))
	got, err := s.RootRecords(ctx, a)
	must(t, err)
	want := []sync.RecID{a, ka, kb}
	slices.Sort(want)
	if !slices.Equal(ids(got), want) {
		t.Fatalf("RootRecords(a) = %v, want %v", ids(got), want)
	}
	if got[0].Fields["name"].Value != quote(PersonName) {
		t.Fatalf("records not whole: %+v", got[0])
	}
	if none, err := s.RootRecords(ctx, RecID("case")); err != nil || len(none) != 0 {
		t.Fatalf("unknown root: %v %v", none, err)
	}
}
