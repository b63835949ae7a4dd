package storetest

import (
	"context"
	"testing"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

// The store's transaction is what sync.Log.Apply runs on.
var _ sync.Store = store.Tx(nil)

// Run runs the contract suite. open returns a new, empty store for one
// subtest; Run closes it when the subtest ends. Subtests run in parallel.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(e *env)
	}{
		{"Empty", testEmpty},
		{"Log", testLog},
		{"LogRejectsGaps", testLogRejectsGaps},
		{"Applied", testApplied},
		{"AppliedRuns", testAppliedRuns},
		{"SetDeviceCounter", testSetDeviceCounter},
		{"Fields", testFields},
		{"RootRecords", testRootRecords},
		{"Keyed", testKeyed},
		{"Assign", testAssign},
		{"DeviceRoots", testDeviceRoots},
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"Devices", testDevices},
		{"Audit", testAudit},
		{"Rollback", testRollback},
		{"RollbackOnPanic", testRollbackOnPanic},
		{"Context", testContext},
		{"Closed", testClosed},
		{"ConcurrentViews", testConcurrentViews},
		{"Apply", testApply},
		{"ApplyRolledBack", testApplyRolledBack},
		{"Blobs", testBlobs},
		{"BlobsRollback", testBlobsRollback},
		{"ScrubLog", testScrubLog},
		{"DeleteBlob", testDeleteBlob},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := &env{t: t, s: open(t), ctx: context.Background()}
			t.Cleanup(func() {
				if !e.closed {
					if err := e.s.Close(); err != nil {
						t.Errorf("close: %v", err)
					}
				}
			})
			tt.fn(e)
		})
	}
}

// env is one subtest's store and helpers.
type env struct {
	t      *testing.T
	s      store.Store
	ctx    context.Context
	closed bool // the test closed the store itself
}

// update runs fn in an Update and fails the test on an error.
func (e *env) update(fn func(tx store.Tx) error) {
	e.t.Helper()
	if err := e.s.Update(e.ctx, fn); err != nil {
		e.t.Fatalf("update: %v", err)
	}
}

// view runs fn in a View and fails the test on an error.
func (e *env) view(fn func(tx store.ReadTx) error) {
	e.t.Helper()
	if err := e.s.View(e.ctx, fn); err != nil {
		e.t.Fatalf("view: %v", err)
	}
}

// check fails the test if err is not nil.
func (e *env) check(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// result holds what a store method returned; must(tx.LastSeq()).in(e)
// is the value, or a failed test.
type result[T any] struct {
	v   T
	err error
}

func must[T any](v T, err error) result[T] { return result[T]{v, err} }

func (r result[T]) in(e *env) T {
	e.t.Helper()
	e.check(r.err)
	return r.v
}

func op(dev string, ctr uint64) sync.Op { return sync.Op{Device: dev, Counter: ctr} }

// entry builds a log entry.
func entry(seq uint64, dev string, ctr uint64, rec sync.RecID, field, value string) sync.Entry {
	return sync.Entry{Seq: seq, Change: sync.Change{
		Op: sync.Op{Device: dev, Counter: ctr}, Rec: rec, Field: field, Value: value,
		HLC: sync.MakeHLC(1740816000000+int64(seq), uint16(seq)), By: "user-" + dev, Base: seq / 2,
	}}
}

// logOf returns the entries after after.
func logOf(e *env, tx store.ReadTx, after uint64) []sync.Entry {
	e.t.Helper()
	var out []sync.Entry
	e.check(tx.Log(after, func(x sync.Entry) (bool, error) {
		out = append(out, x)
		return true, nil
	}))
	return out
}

// auditOf returns the audit entries after after.
func auditOf(e *env, tx store.ReadTx, after uint64) []store.AuditEntry {
	e.t.Helper()
	var out []store.AuditEntry
	e.check(tx.Audit(after, func(a store.AuditEntry) (bool, error) {
		out = append(out, a)
		return true, nil
	}))
	return out
}
