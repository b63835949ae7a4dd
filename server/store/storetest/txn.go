package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	stdsync "sync"
	"time"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

// snapshot is everything observable about the keys the transaction tests
// write.
type snapshot struct {
	LastSeq, Epoch, Counter uint64
	Log                     []sync.Entry
	Applied                 [2]bool
	Fields                  [2]map[string]sync.FieldState
	Roots, Assigned, DevRts []sync.RecID
	Users                   []store.User
	ByName                  [2]bool
	Sessions                [2]bool
	Devices                 []store.Device
	Audit                   []store.AuditEntry
}

func (e *env) snapshot() snapshot {
	e.t.Helper()
	var s snapshot
	e.view(func(tx store.ReadTx) error {
		s.LastSeq = must(tx.LastSeq()).in(e)
		s.Epoch = must(tx.Epoch()).in(e)
		s.Counter = must(tx.DeviceCounter("d1")).in(e)
		s.Log = logOf(e, tx, 0)
		for i, o := range []sync.Op{op("d1", 1), op("d1", 2)} {
			_, ok, err := tx.Applied(o)
			s.Applied[i] = must(ok, err).in(e)
		}
		for i, rec := range []sync.RecID{"a/1", "a/2"} {
			s.Fields[i] = must(tx.Fields(rec)).in(e)
		}
		s.Roots = must(tx.RootRecords("c/1")).in(e)
		s.Assigned = must(tx.Assigned("u1")).in(e)
		s.DevRts = must(tx.DeviceRoots("d1")).in(e)
		s.Users = must(tx.Users()).in(e)
		for i, name := range []string{"alice", "alice2"} {
			_, ok, err := tx.UserByName(name)
			s.ByName[i] = must(ok, err).in(e)
		}
		for i, h := range []string{"h1", "h2"} {
			_, ok, err := tx.Session([]byte(h))
			s.Sessions[i] = must(ok, err).in(e)
		}
		s.Devices = must(tx.Devices("")).in(e)
		s.Audit = auditOf(e, tx, 0)
		return nil
	})
	return s
}

// writeAll writes to every kind of data, on top of the state base leaves.
func writeAll(e *env, tx store.Tx, seq uint64) {
	e.t.Helper()
	e.check(tx.Append(entry(seq, "d1", seq, "a/1", "x", fmt.Sprint(seq))))
	e.check(tx.SetField("a/1", "x", sync.FieldState{Value: fmt.Sprint(seq), Seq: seq}))
	e.check(tx.SetField("a/2", "y", sync.FieldState{Value: fmt.Sprint(seq), Seq: seq}))
	e.check(tx.IndexRoot("c/1", sync.RecID(fmt.Sprintf("n/%d", seq))))
	e.check(tx.Assign(sync.RecID(fmt.Sprintf("c/%d", seq)), "u1", true))
	e.check(tx.Assign("c/1", "u1", false))
	e.check(tx.SetDeviceRoots("d1", []sync.RecID{sync.RecID(fmt.Sprintf("c/%d", seq))}, []sync.RecID{"c/1"}))
	u := user("u1", "alice2")
	u.Team = fmt.Sprint(seq)
	e.check(tx.PutUser(u))
	e.check(tx.PutUser(user(fmt.Sprintf("u%d", seq+10), fmt.Sprintf("name%d", seq))))
	e.check(tx.DeleteSession([]byte("h1")))
	e.check(tx.PutSession(store.Session{TokenHash: []byte("h2"), User: "u1"}))
	e.check(tx.PutDevice(store.Device{ID: "d1", User: fmt.Sprintf("u%d", seq)}))
	e.check(tx.PutDevice(store.Device{ID: fmt.Sprintf("d%d", seq+10), User: "u1"}))
	_, err := tx.AppendAudit(store.AuditEntry{Action: "x"})
	e.check(err)
}

// base commits a state for the rollback tests to start from.
func base(e *env) {
	e.update(func(tx store.Tx) error {
		e.check(tx.Append(entry(1, "d1", 1, "a/1", "x", "1")))
		e.check(tx.SetField("a/1", "x", sync.FieldState{Value: "1", Seq: 1}))
		e.check(tx.IndexRoot("c/1", "c/1"))
		e.check(tx.Assign("c/1", "u1", true))
		e.check(tx.SetDeviceRoots("d1", []sync.RecID{"c/1"}, nil))
		e.check(tx.PutUser(user("u1", "alice")))
		e.check(tx.PutSession(store.Session{TokenHash: []byte("h1"), User: "u1"}))
		e.check(tx.PutDevice(store.Device{ID: "d1", User: "u1"}))
		_, err := tx.AppendAudit(store.AuditEntry{Action: "base"})
		return err
	})
}

// testRollback checks that an Update whose function fails keeps nothing,
// and returns the function's error.
func testRollback(e *env) {
	base(e)
	before := e.snapshot()
	boom := errors.New("boom")
	err := e.s.Update(e.ctx, func(tx store.Tx) error {
		writeAll(e, tx, 2)
		if _, ok, _ := tx.UserByName("alice"); ok {
			e.t.Error("old name still taken inside the transaction")
		}
		return boom
	})
	if err != boom {
		e.t.Fatalf("Update = %v, want the function's error", err)
	}
	if after := e.snapshot(); !reflect.DeepEqual(after, before) {
		e.t.Errorf("a failed Update left changes:\nbefore %+v\n after %+v", before, after)
	}
	// The same writes succeed afterwards, and are all visible.
	e.update(func(tx store.Tx) error { writeAll(e, tx, 2); return nil })
	after := e.snapshot()
	if after.LastSeq != 2 || !after.Applied[1] || after.Sessions[0] || !after.Sessions[1] || after.ByName[0] ||
		!after.ByName[1] || len(after.Users) != 2 || len(after.Devices) != 2 || len(after.Audit) != 2 || after.Counter != 2 {
		e.t.Errorf("committed writes missing: %+v", after)
	}
}

// testRollbackOnPanic checks that a panicking Update keeps nothing and
// leaves the store usable.
func testRollbackOnPanic(e *env) {
	base(e)
	before := e.snapshot()
	func() {
		defer func() {
			if recover() == nil {
				e.t.Error("the panic did not reach the caller")
			}
		}()
		_ = e.s.Update(e.ctx, func(tx store.Tx) error {
			writeAll(e, tx, 2)
			panic("boom")
		})
	}()
	if after := e.snapshot(); !reflect.DeepEqual(after, before) {
		e.t.Errorf("a panicking Update left changes:\nbefore %+v\n after %+v", before, after)
	}
	e.update(func(tx store.Tx) error { writeAll(e, tx, 2); return nil })
}

// testContext checks that a cancelled context stops a transaction before
// it starts.
func testContext(e *env) {
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	if err := e.s.Update(ctx, func(store.Tx) error { e.t.Error("Update ran"); return nil }); !errors.Is(err, context.Canceled) {
		e.t.Errorf("Update = %v, want context.Canceled", err)
	}
	if err := e.s.View(ctx, func(store.ReadTx) error { e.t.Error("View ran"); return nil }); !errors.Is(err, context.Canceled) {
		e.t.Errorf("View = %v, want context.Canceled", err)
	}
	if err := e.s.Ping(ctx); err == nil {
		e.t.Error("Ping with a cancelled context succeeded")
	}
}

// testClosed checks that a closed store refuses transactions.
func testClosed(e *env) {
	base(e)
	e.closed = true
	e.check(e.s.Close())
	if err := e.s.Update(e.ctx, func(store.Tx) error { return nil }); err == nil {
		e.t.Error("Update after Close succeeded")
	}
	if err := e.s.View(e.ctx, func(store.ReadTx) error { return nil }); err == nil {
		e.t.Error("View after Close succeeded")
	}
	if err := e.s.Ping(e.ctx); err == nil {
		e.t.Error("Ping after Close succeeded")
	}
}

// testConcurrentViews runs readers while a writer commits: every reader
// sees whole transactions only (run with -race).
func testConcurrentViews(e *env) {
	const writes, readers = 40, 4
	done := make(chan struct{})
	var wg stdsync.WaitGroup
	for range readers {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				err := e.s.View(e.ctx, func(tx store.ReadTx) error {
					last, err := tx.LastSeq()
					if err != nil {
						return err
					}
					var l []sync.Entry
					err = tx.Log(0, func(x sync.Entry) (bool, error) { l = append(l, x); return true, nil })
					if err != nil {
						return err
					}
					x, okx, err := tx.Field("a/1", "x")
					if err != nil {
						return err
					}
					y, oky, err := tx.Field("a/1", "y")
					if err != nil {
						return err
					}
					var a []store.AuditEntry
					err = tx.Audit(0, func(x store.AuditEntry) (bool, error) { a = append(a, x); return true, nil })
					if err != nil {
						return err
					}
					if uint64(len(l)) != last || okx != oky || x.Value != y.Value || len(a) != len(l) ||
						okx && x.Value != l[len(l)-1].Value {
						return fmt.Errorf("torn read: last %d, %d entries, %d audit, x %+v y %+v", last, len(l), len(a), x, y)
					}
					return nil
				})
				if err != nil {
					e.t.Error(err)
					return
				}
			}
		})
	}
	for i := range uint64(writes) {
		e.update(func(tx store.Tx) error {
			seq := i + 1
			v := fmt.Sprint(seq)
			e.check(tx.Append(entry(seq, "d1", seq, "a/1", "x", v)))
			e.check(tx.SetField("a/1", "x", sync.FieldState{Value: v, Seq: seq}))
			time.Sleep(50 * time.Microsecond) // let readers try to see half a transaction
			e.check(tx.SetField("a/1", "y", sync.FieldState{Value: v, Seq: seq}))
			_, err := tx.AppendAudit(store.AuditEntry{Action: "push"})
			return err
		})
	}
	close(done)
	wg.Wait()
}
