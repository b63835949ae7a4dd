package storetest

import (
	"errors"
	"reflect"
	"strconv"
	"time"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

var now = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)

// push is one batch pushed by a device.
type push struct {
	who   sync.Author
	batch []sync.Change
}

// scenario returns pushes that exercise Log.Apply: new records, an edit
// conflict (two devices writing one field with a stale base), a denied and a
// foreign change, re-delivery of a whole batch and of an op within a batch,
// a delete concurrent with edits, an edit concurrent with the delete, and
// the resolution of a conflict (by a function of the log so far).
func scenario() []func(log []sync.Entry) push {
	c := sync.MakeRecID("case", now.UnixMilli(), [10]byte{1})
	n := sync.MakeRecID("note", now.UnixMilli(), [10]byte{2})
	a := sync.Author{Device: "devA", User: "user-devA"}
	b := sync.Author{Device: "devB", User: "user-devB"}
	ch := func(who sync.Author, ctr uint64, rec sync.RecID, field, value string, at int64, base uint64) sync.Change {
		return sync.Change{Op: sync.Op{Device: who.Device, Counter: ctr}, Rec: rec, Field: field, Value: value,
			HLC: sync.MakeHLC(now.UnixMilli()+at, 0), By: who.User, Base: base}
	}
	quoted := strconv.Quote(string(c))
	first := []sync.Change{
		ch(a, 1, c, "name", `"张"`, 1, 0),
		ch(a, 2, c, "phone", `"1"`, 2, 0),
		ch(a, 3, c, sync.FieldRoot, quoted, 3, 0),
		ch(a, 4, n, sync.FieldRoot, quoted, 4, 0),
		ch(a, 5, n, "text", `"入户走访"`, 5, 0),
	}
	foreign := ch(b, 99, c, "name", `"x"`, 12, 0)
	foreign.Op.Device = a.Device
	again := ch(b, 5, c, "name", `"王"`, 30, 0)
	return []func([]sync.Entry) push{
		func([]sync.Entry) push { return push{a, first} },
		func([]sync.Entry) push {
			return push{b, []sync.Change{
				ch(b, 1, c, "name", `"李"`, 10, 0),
				ch(b, 2, c, "secret", `"s"`, 11, 0),
				foreign,
				ch(b, 4, c, "phone", `"1"`, 11, 0),
			}}
		},
		func([]sync.Entry) push { return push{a, first} },
		func([]sync.Entry) push {
			return push{a, []sync.Change{ch(a, 6, c, sync.FieldDeleted, sync.ValueTrue, 20, 2)}}
		},
		func([]sync.Entry) push {
			return push{b, []sync.Change{again, again, ch(b, 6, n, "text", `"y"`, 31, 0)}}
		},
		func(log []sync.Entry) push {
			var conflict sync.RecID
			for _, e := range log {
				if e.Rec.Type() == sync.ConflictType {
					conflict = e.Rec
					break
				}
			}
			return push{a, []sync.Change{ch(a, 7, conflict, sync.ConflictResolved, sync.ValueTrue, 40, uint64(len(log)))}}
		},
	}
}

func applyLog() *sync.Log {
	return &sync.Log{MaxSkew: time.Hour, Authorize: func(st sync.StateReader, c *sync.Change) error {
		if _, err := st.Fields(c.Rec); err != nil { // read through the transaction, as a policy does
			return err
		}
		if c.Field == "secret" {
			return errors.New("no secrets here")
		}
		return nil
	}}
}

// testApply runs Log.Apply inside Update, push by push, and compares every
// result and the final state with sync.MemStore, the reference.
func testApply(e *env) {
	ref := sync.NewMemStore()
	l := applyLog()
	for i, p := range scenario() {
		ps := p(ref.Log())
		want, err := l.Apply(ref, ps.who, now, ps.batch)
		e.check(err)
		var got sync.Result
		e.update(func(tx store.Tx) error {
			var err error
			got, err = l.Apply(tx, ps.who, now, ps.batch)
			return err
		})
		if !reflect.DeepEqual(got, want) {
			e.t.Errorf("push %d:\n got %+v\nwant %+v", i, got, want)
		}
	}
	e.sameAs(ref)
}

// testApplyRolledBack applies pushes in an Update that fails, then all of
// them in one Update: the result is that of the reference.
func testApplyRolledBack(e *env) {
	ref := sync.NewMemStore()
	l := applyLog()
	var pushes []push
	for _, p := range scenario() {
		ps := p(ref.Log())
		pushes = append(pushes, ps)
		_, err := l.Apply(ref, ps.who, now, ps.batch)
		e.check(err)
	}
	boom := errors.New("boom")
	err := e.s.Update(e.ctx, func(tx store.Tx) error {
		for _, ps := range pushes {
			if _, err := l.Apply(tx, ps.who, now, ps.batch); err != nil {
				return err
			}
		}
		return boom
	})
	if err != boom {
		e.t.Fatalf("Update = %v, want boom", err)
	}
	e.view(func(tx store.ReadTx) error {
		if n := must(tx.LastSeq()).in(e); n != 0 {
			e.t.Errorf("LastSeq after a failed Update = %d", n)
		}
		return nil
	})
	e.update(func(tx store.Tx) error {
		for _, ps := range pushes {
			if _, err := l.Apply(tx, ps.who, now, ps.batch); err != nil {
				return err
			}
		}
		return nil
	})
	e.sameAs(ref)
}

// sameAs compares the store's log, state, op index and counters with ref.
func (e *env) sameAs(ref *sync.MemStore) {
	e.t.Helper()
	e.view(func(tx store.ReadTx) error {
		if got := logOf(e, tx, 0); !reflect.DeepEqual(got, ref.Log()) {
			e.t.Errorf("log:\n got %+v\nwant %+v", got, ref.Log())
		}
		if n := must(tx.LastSeq()).in(e); n != uint64(len(ref.Log())) {
			e.t.Errorf("LastSeq = %d, want %d", n, len(ref.Log()))
		}
		counters := map[string]uint64{}
		for _, x := range ref.Log() {
			counters[x.Op.Device] = max(counters[x.Op.Device], x.Op.Counter)
			if seq, ok, err := tx.Applied(x.Op); err != nil || !ok || seq != x.Seq {
				e.t.Errorf("Applied(%s) = %d, %v, %v; want %d", x.Op, seq, ok, err, x.Seq)
			}
		}
		for dev, n := range counters {
			if got := must(tx.DeviceCounter(dev)).in(e); got != n {
				e.t.Errorf("DeviceCounter(%s) = %d, want %d", dev, got, n)
			}
		}
		for id, r := range ref.Records() {
			if got := must(tx.Fields(id)).in(e); !reflect.DeepEqual(got, r.Fields) {
				e.t.Errorf("Fields(%s):\n got %+v\nwant %+v", id, got, r.Fields)
			}
		}
		return nil
	})
}
