package localtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	stdsync "sync"
	"sync/atomic"
	"testing"

	"jiuzhu/app/local"
	"jiuzhu/shared/sync"
)

// RunBlobs runs the contract of the Store's blob methods (local.BlobStore)
// against open.
func RunBlobs(t *testing.T, open Opener) {
	tests := []struct {
		name string
		f    func(*testing.T, Opener)
	}{
		{"BlobRoundTrip", testBlobRoundTrip},
		{"BlobBadSHA", testBlobBadSHA},
		{"BlobHashMismatch", testBlobMismatch},
		{"BlobTooLarge", testBlobTooLarge},
		{"BlobIdempotentPut", testBlobIdempotent},
		{"BlobPendingOrderAndUploaded", testBlobPending},
		{"BlobDelete", testBlobDelete},
		{"BlobSurviveReopen", testBlobReopen},
		{"BlobWipeRemoves", testBlobWipe},
		{"BlobLarge", testBlobLarge},
		{"BlobClosedStoreFails", testBlobClosed},
		{"BlobUsersAreIsolated", testBlobIsolation},
		{"BlobConcurrentPuts", testBlobConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.f(t, open)
		})
	}
}

// MakeBlob returns n pseudo-random bytes drawn from seed, and their name:
// the lowercase hex SHA-256.
func MakeBlob(n int, seed uint64) (sha string, data []byte) {
	data = make([]byte, n)
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	rand.NewChaCha8(s).Read(data)
	return SHA(data), data
}

// SHA returns the lowercase hex SHA-256 of data.
func SHA(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

var blobSeq atomic.Uint64

// newBlob returns a blob of n bytes that no other test of the suite uses
// (its seeds are above those a caller of MakeBlob would pick).
func newBlob(n int) (string, []byte) { return MakeBlob(n, 1<<40+blobSeq.Add(1)) }

// hasBlob checks that the blob sha is stored with exactly data.
func hasBlob(t *testing.T, s local.Store, sha string, data []byte) {
	t.Helper()
	got, ok, err := s.Blob(ctxT(t), sha)
	must(t, err)
	if !ok {
		t.Fatalf("blob %.12s… is not stored", sha)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("blob %.12s…: got %d bytes, want %d (equal lengths: differing content)", sha, len(got), len(data))
	}
}

// noBlob checks that the blob sha is not stored.
func noBlob(t *testing.T, s local.Store, sha string) {
	t.Helper()
	got, ok, err := s.Blob(ctxT(t), sha)
	must(t, err)
	if ok || got != nil {
		t.Fatalf("blob %.12s… is stored (%d bytes), want none", sha, len(got))
	}
}

// pendingAre checks the pending list.
func pendingAre(t *testing.T, s local.Store, want ...string) {
	t.Helper()
	got, err := s.PendingBlobs(ctxT(t))
	must(t, err)
	if !slices.Equal(got, want) {
		t.Fatalf("pending blobs = %v, want %v", short(got), short(want))
	}
}

func short(shas []string) []string {
	out := make([]string, len(shas))
	for i, s := range shas {
		out[i] = s[:min(8, len(s))]
	}
	return out
}

func testBlobRoundTrip(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	sha, data := newBlob(150 << 10)
	noBlob(t, s, sha)
	want := bytes.Clone(data)
	must(t, s.PutBlob(ctx, sha, data, false))
	data[0] ^= 0xff // the store keeps its own copy
	hasBlob(t, s, sha, want)
	got, _, err := s.Blob(ctx, sha)
	must(t, err)
	got[1] ^= 0xff // and hands out copies
	hasBlob(t, s, sha, want)
	pendingAre(t, s) // downloaded, not pending

	// An empty blob is a blob.
	empty := SHA(nil)
	must(t, s.PutBlob(ctx, empty, nil, false))
	hasBlob(t, s, empty, nil)
}

func testBlobBadSHA(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	sha, data := newBlob(1000)
	for _, bad := range []string{
		"",
		"abc",
		strings.ToUpper(sha), // the right hash, not lowercase
		sha + "0",
		sha[:63],
		sha[:63] + "g",
		" " + sha[1:],
		"sha256:" + sha,
		sha[:62] + "é",
		"../../" + sha[6:],
	} {
		errs := map[string]error{"PutBlob": s.PutBlob(ctx, bad, data, true), "BlobUploaded": s.BlobUploaded(ctx, bad), "DeleteBlob": s.DeleteBlob(ctx, bad)}
		_, ok, err := s.Blob(ctx, bad)
		errs["Blob"] = err
		for m, err := range errs {
			if !errors.Is(err, local.ErrBadSHA) {
				t.Errorf("%s(%q) = %v, want ErrBadSHA", m, bad, err)
			}
		}
		if ok {
			t.Errorf("Blob(%q) found something", bad)
		}
	}
	if err := s.PutBlob(ctx, "abc", data, true); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("the error does not say what a name should be: %v", err)
	}
	noBlob(t, s, sha)
	pendingAre(t, s)
}

func testBlobMismatch(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	sha, data := newBlob(5000)
	_, other := newBlob(5000)
	flipped := bytes.Clone(data)
	flipped[4321] ^= 1
	for name, d := range map[string][]byte{"other bytes": other, "one bit flipped": flipped, "cut short": data[:4999], "empty": nil} {
		if err := s.PutBlob(ctx, sha, d, true); !errors.Is(err, local.ErrBlobMismatch) {
			t.Errorf("PutBlob with %s = %v, want ErrBlobMismatch", name, err)
		}
	}
	noBlob(t, s, sha)
	pendingAre(t, s)
	must(t, s.PutBlob(ctx, sha, data, true)) // the right bytes still go in
	hasBlob(t, s, sha, data)
}

func testBlobTooLarge(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	sha, data := newBlob(local.MaxBlobSize + 1)
	if err := s.PutBlob(ctx, sha, data, true); !errors.Is(err, local.ErrBlobTooLarge) {
		t.Fatalf("PutBlob of %d bytes = %v, want ErrBlobTooLarge", len(data), err)
	}
	noBlob(t, s, sha)
	pendingAre(t, s)
}

func testBlobIdempotent(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	a, da := newBlob(3000)
	b, db := newBlob(3000)
	must(t, s.PutBlob(ctx, a, da, true))
	must(t, s.PutBlob(ctx, b, db, true))
	must(t, s.PutBlob(ctx, a, da, true)) // a keeps its place
	pendingAre(t, s, a, b)
	must(t, s.PutBlob(ctx, b, db, false)) // a download does not clear the mark
	pendingAre(t, s, a, b)
	hasBlob(t, s, a, da)
	hasBlob(t, s, b, db)

	must(t, s.BlobUploaded(ctx, a))
	must(t, s.PutBlob(ctx, a, da, false))
	pendingAre(t, s, b)
	must(t, s.PutBlob(ctx, a, da, true)) // pending again: at the end
	pendingAre(t, s, b, a)
	hasBlob(t, s, a, da)
}

func testBlobPending(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	blobs := map[string][]byte{}
	var names []string
	for range 5 {
		sha, d := newBlob(2000)
		blobs[sha] = d
		names = append(names, sha)
	}
	// Put in reverse name order, so that put order is not name order.
	slices.Sort(names)
	slices.Reverse(names)
	downloaded := names[2]
	var pending []string
	for _, sha := range names {
		must(t, s.PutBlob(ctx, sha, blobs[sha], sha != downloaded))
		if sha != downloaded {
			pending = append(pending, sha)
		}
	}
	pendingAre(t, s, pending...)

	must(t, s.BlobUploaded(ctx, pending[1]))
	pendingAre(t, s, pending[0], pending[2], pending[3])
	hasBlob(t, s, pending[1], blobs[pending[1]]) // the bytes stay
	// Uploaded twice, never pending, not on the device: no error.
	never, _ := newBlob(10)
	must(t, s.BlobUploaded(ctx, pending[1]))
	must(t, s.BlobUploaded(ctx, downloaded))
	must(t, s.BlobUploaded(ctx, never))
	pendingAre(t, s, pending[0], pending[2], pending[3])
	hasBlob(t, s, downloaded, blobs[downloaded])
	noBlob(t, s, never)

	for _, sha := range []string{pending[3], pending[0], pending[2]} {
		must(t, s.BlobUploaded(ctx, sha))
	}
	pendingAre(t, s)
	for sha, d := range blobs {
		hasBlob(t, s, sha, d)
	}
}

func testBlobDelete(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	a, da := newBlob(4000)
	b, db := newBlob(4000)
	c, dc := newBlob(4000)
	must(t, s.PutBlob(ctx, a, da, true))
	must(t, s.PutBlob(ctx, b, db, true))
	must(t, s.PutBlob(ctx, c, dc, false))
	must(t, s.DeleteBlob(ctx, a))
	noBlob(t, s, a)
	pendingAre(t, s, b)
	must(t, s.DeleteBlob(ctx, c))
	noBlob(t, s, c)
	hasBlob(t, s, b, db)
	pendingAre(t, s, b)
	// Deleting again, or what was never here: no error.
	must(t, s.DeleteBlob(ctx, a))
	never, _ := newBlob(10)
	must(t, s.DeleteBlob(ctx, never))
	// Put again after a delete: a new blob, pending at the end.
	must(t, s.PutBlob(ctx, a, da, true))
	hasBlob(t, s, a, da)
	pendingAre(t, s, b, a)
}

func testBlobReopen(t *testing.T, open Opener) {
	ctx := ctxT(t)
	user := newUser()
	s := open(t, user, Device)
	a, da := newBlob(6000)
	b, db := newBlob(6000)
	c, dc := newBlob(6000)
	d, dd := newBlob(6000)
	must(t, s.PutBlob(ctx, c, dc, true))
	must(t, s.PutBlob(ctx, a, da, false))
	must(t, s.PutBlob(ctx, b, db, true))
	must(t, s.PutBlob(ctx, d, dd, true))
	must(t, s.BlobUploaded(ctx, b))
	must(t, s.Close())
	s = open(t, user, Device)
	for sha, data := range map[string][]byte{a: da, b: db, c: dc, d: dd} {
		hasBlob(t, s, sha, data)
	}
	pendingAre(t, s, c, d)
}

func testBlobWipe(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	a, da := newBlob(7000)
	b, db := newBlob(7000)
	id := RecID("case")
	must(t, s.SavePage(ctx, sync.ClientMeta{Device: Device}, []*sync.Record{Rec(id, id, 4)}, nil))
	must(t, s.PutBlob(ctx, a, da, true))
	must(t, s.PutBlob(ctx, b, db, false))
	must(t, s.Wipe(ctx))
	noBlob(t, s, a)
	noBlob(t, s, b)
	pendingAre(t, s)
	must(t, s.PutBlob(ctx, a, da, true)) // the store works on
	hasBlob(t, s, a, da)
	pendingAre(t, s, a)
}

func testBlobLarge(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	photo, dp := newBlob(2 << 20)
	most, dm := newBlob(local.MaxBlobSize) // the largest taken
	must(t, s.PutBlob(ctx, photo, dp, true))
	must(t, s.PutBlob(ctx, most, dm, false))
	hasBlob(t, s, photo, dp)
	hasBlob(t, s, most, dm)
	pendingAre(t, s, photo)
	must(t, s.DeleteBlob(ctx, most))
	noBlob(t, s, most)
}

func testBlobClosed(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	sha, data := newBlob(100)
	must(t, s.PutBlob(ctx, sha, data, true))
	must(t, s.Close())
	_, _, err := s.Blob(ctx, sha)
	_, err2 := s.PendingBlobs(ctx)
	for m, err := range map[string]error{
		"PutBlob": s.PutBlob(ctx, sha, data, true), "Blob": err, "PendingBlobs": err2,
		"BlobUploaded": s.BlobUploaded(ctx, sha), "DeleteBlob": s.DeleteBlob(ctx, sha),
	} {
		if !errors.Is(err, local.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", m, err)
		}
	}
}

func testBlobIsolation(t *testing.T, open Opener) {
	ctx := ctxT(t)
	a, b := open(t, newUser(), Device), open(t, newUser(), "dev-2")
	sha, data := newBlob(800)
	must(t, a.PutBlob(ctx, sha, data, true))
	noBlob(t, b, sha)
	pendingAre(t, b)
	must(t, b.DeleteBlob(ctx, sha))
	hasBlob(t, a, sha, data)
	pendingAre(t, a, sha)
}

func testBlobConcurrent(t *testing.T, open Opener) {
	ctx := ctxT(t)
	s := open(t, newUser(), Device)
	same, ds := newBlob(5000)
	var want []string
	blobs := map[string][]byte{}
	for range 8 {
		sha, d := newBlob(5000)
		blobs[sha] = d
		want = append(want, sha)
	}
	var wg stdsync.WaitGroup
	errs := make(chan error, 16)
	for _, sha := range want {
		wg.Go(func() { errs <- s.PutBlob(ctx, sha, blobs[sha], true) })
		wg.Go(func() { errs <- s.PutBlob(ctx, same, ds, true) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	got, err := s.PendingBlobs(ctx)
	must(t, err)
	want = append(want, same)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("pending after concurrent puts = %v, want each blob once: %v", short(got), short(want))
	}
	hasBlob(t, s, same, ds)
}
