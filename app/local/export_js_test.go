//go:build js && wasm

package local

import (
	"context"
	"errors"
	"jiuzhu/shared/sync"
	"syscall/js"
	"time"
)

// Hooks for the external js tests (package local_test, which can import
// localtest).

// OpenIDBStore opens a user's IndexedDB store with a given data key.
func OpenIDBStore(ctx context.Context, user string, key []byte, device string, dg *Digester) (Store, error) {
	return openIDBStore(ctx, user, key, device, dg)
}

// DBVersion is the version of the user's database this code writes.
const DBVersion = dbVersion

// OpenIDBStoreIn opens a user's store in the IDBFactory f (a storage
// bucket's, say) at a version of the database (at most DBVersion).
func OpenIDBStoreIn(ctx context.Context, f js.Value, version int, user string, key []byte, device string, dg *Digester) (Store, error) {
	return openIDBStoreIn(ctx, f, version, user, key, device, dg)
}

// BlobKey returns the key an IndexedDB store s keeps the blob sha under.
func BlobKey(s Store, sha string) string { return s.(*idbStore).blobKeys.of(sha) }

// NewKey returns a random data key.
func NewKey() []byte { return newKey() }

// ErrInjected is the error AbortNext makes a transaction fail with.
var ErrInjected = errors.New("injected failure")

// AbortNext makes the next write transaction named op on s abort after all
// its requests were issued (the last of them after the first handlers ran).
func AbortNext(s Store, op string) {
	is := s.(*idbStore)
	is.hook = func(name string, t *tx) {
		if name != op {
			return
		}
		is.hook = nil
		// Abort only once the transaction has done some work: after a
		// request issued last completes.
		req := t.t.Call("objectStore", t.t.Get("objectStoreNames").Index(0).String()).Call("count")
		t.on(req, func(js.Value) { t.fail(ErrInjected) })
	}
}

// DeleteUserDB deletes a user's database.
func DeleteUserDB(ctx context.Context, user string) error { return deleteDB(ctx, DBName(user)) }

// EncodeRecord is the stored plaintext of a record.
func EncodeRecord(r *sync.Record) []byte { return encodeRecord(r) }

// SealBench seals and opens plain n times and returns how long it took.
func SealBench(plain []byte, n int) time.Duration {
	s, _ := newSealer(newKey())
	ad := adRecord("case/x")
	start := time.Now()
	for range n {
		if _, err := s.open(s.seal(plain, ad), ad); err != nil {
			panic(err)
		}
	}
	return time.Since(start)
}
