package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"reflect"
	"time"

	"jiuzhu/server/store"
)

// shaOf is the name of a blob: the lowercase hex SHA-256 of its bytes.
func shaOf(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

var tBlob = time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC)

// blobState is everything observable about one blob and one user's upload
// of it.
type blobState struct {
	Data      []byte
	Have      bool
	Size      int64
	HaveSize  bool
	Uploaders []string
	Partial   store.Partial
	InFlight  bool
}

func (e *env) blobState(tx store.ReadTx, user, sha string) blobState {
	e.t.Helper()
	var s blobState
	var err error
	s.Data, s.Have, err = tx.Blob(sha)
	e.check(err)
	s.Size, s.HaveSize, err = tx.BlobSize(sha)
	e.check(err)
	s.Uploaders = must(tx.BlobUploaders(sha)).in(e)
	s.Partial, s.InFlight, err = tx.Partial(user, sha)
	e.check(err)
	return s
}

// upload appends chunks to user's upload of sha from offset 0 and returns
// the final size.
func (e *env) upload(tx store.Tx, user, sha string, chunks ...[]byte) int64 {
	e.t.Helper()
	var off int64
	for _, c := range chunks {
		n, err := tx.AppendPartial(user, sha, off, c, tBlob)
		e.check(err)
		if n != off+int64(len(c)) {
			e.t.Fatalf("AppendPartial at %d of %d bytes = %d", off, len(c), n)
		}
		off = n
	}
	return off
}

func testBlobs(e *env) {
	photo := bytes.Repeat([]byte("jpeg-bytes-"), 40000) // 440,000 bytes, chunks out of order in a naive key
	sha := shaOf(photo)
	e.view(func(tx store.ReadTx) error {
		if s := e.blobState(tx, "u1", sha); s.Have || s.HaveSize || s.InFlight || len(s.Uploaders) > 0 || s.Data != nil {
			e.t.Errorf("empty store: %+v", s)
		}
		if p := must(tx.Partials("u1")).in(e); len(p) != 0 {
			e.t.Errorf("empty store: Partials = %+v", p)
		}
		return nil
	})

	// Three chunks, the first two in one transaction; a chunk at the wrong
	// offset changes nothing and tells the size.
	chunks := [][]byte{photo[:256<<10], photo[256<<10 : 256<<10+10], photo[256<<10+10:]}
	e.update(func(tx store.Tx) error {
		e.upload(tx, "u1", sha, chunks[0], chunks[1])
		return nil
	})
	e.update(func(tx store.Tx) error {
		for _, off := range []int64{0, 5, 256<<10 + 11} {
			n, err := tx.AppendPartial("u1", sha, off, []byte("x"), tBlob)
			if !errors.Is(err, store.ErrOffset) || n != 256<<10+10 {
				e.t.Errorf("chunk at %d: %d, %v; want %d and ErrOffset", off, n, err, 256<<10+10)
			}
		}
		// Another user's upload of the same blob is their own.
		n, err := tx.AppendPartial("u10", sha, 1, []byte("x"), tBlob)
		if !errors.Is(err, store.ErrOffset) || n != 0 {
			e.t.Errorf("u10's first chunk at 1: %d, %v; want 0 and ErrOffset", n, err)
		}
		e.check(must(tx.AppendPartial("u10", sha, 0, []byte("not the photo"), tBlob.Add(time.Hour))).err)
		return nil
	})
	e.view(func(tx store.ReadTx) error {
		s := e.blobState(tx, "u1", sha)
		want := store.Partial{User: "u1", SHA: sha, Size: 256<<10 + 10, Updated: tBlob}
		if !s.InFlight || s.Partial.User != want.User || s.Partial.SHA != want.SHA || s.Partial.Size != want.Size ||
			!s.Partial.Updated.Equal(want.Updated) || s.Have || s.HaveSize {
			e.t.Errorf("after two chunks: %+v, want the upload %+v and no blob", s, want)
		}
		if p := must(tx.Partials("u1")).in(e); len(p) != 1 || p[0].SHA != sha || p[0].Size != want.Size {
			e.t.Errorf("Partials(u1) = %+v", p)
		}
		if p := must(tx.Partials("u10")).in(e); len(p) != 1 || p[0].User != "u10" || p[0].Size != 13 || !p[0].Updated.Equal(tBlob.Add(time.Hour)) {
			e.t.Errorf("Partials(u10) = %+v", p)
		}
		if p := must(tx.Partials("u")).in(e); len(p) != 0 {
			e.t.Errorf("Partials(u) = %+v", p)
		}
		return nil
	})
	// The last chunk; the caller's buffer is not the store's.
	e.update(func(tx store.Tx) error {
		last := bytes.Clone(chunks[2])
		if n := must(tx.AppendPartial("u1", sha, 256<<10+10, last, tBlob)).in(e); n != int64(len(photo)) {
			e.t.Errorf("size after the last chunk = %d", n)
		}
		last[0] ^= 0xff
		if ok := must(tx.FinishBlob("u1", sha)).in(e); !ok {
			e.t.Error("FinishBlob of the right bytes = false")
		}
		if s := e.blobState(tx, "u1", sha); !s.Have || !bytes.Equal(s.Data, photo) || s.InFlight {
			e.t.Errorf("inside the transaction: have %v, %d bytes, upload left %v", s.Have, len(s.Data), s.InFlight)
		}
		return nil
	})
	e.view(func(tx store.ReadTx) error {
		s := e.blobState(tx, "u1", sha)
		if !s.Have || !bytes.Equal(s.Data, photo) || !s.HaveSize || s.Size != int64(len(photo)) || s.InFlight ||
			!reflect.DeepEqual(s.Uploaders, []string{"u1"}) {
			e.t.Errorf("finished: have %v, %d bytes (equal %v), size %d %v, upload left %v, uploaders %q",
				s.Have, len(s.Data), bytes.Equal(s.Data, photo), s.Size, s.HaveSize, s.InFlight, s.Uploaders)
		}
		s.Data[0] ^= 0xff // a copy: the store's bytes stay
		if again, _, _ := tx.Blob(sha); !bytes.Equal(again, photo) {
			e.t.Error("changing the returned bytes changed the blob")
		}
		if p := must(tx.Partials("u1")).in(e); len(p) != 0 {
			e.t.Errorf("Partials(u1) after finishing = %+v", p)
		}
		return nil
	})

	// Wrong bytes under the name: the upload is dropped, the blob and its
	// uploaders stay.
	e.update(func(tx store.Tx) error {
		if ok := must(tx.FinishBlob("u10", sha)).in(e); ok {
			e.t.Error("FinishBlob of the wrong bytes = true")
		}
		return nil
	})
	// The same bytes uploaded by another user: the blob stays, the user is
	// an uploader too.
	e.update(func(tx store.Tx) error {
		e.upload(tx, "u2", sha, photo)
		if ok := must(tx.FinishBlob("u2", sha)).in(e); !ok {
			e.t.Error("FinishBlob of u2's right bytes = false")
		}
		return nil
	})
	e.view(func(tx store.ReadTx) error {
		s := e.blobState(tx, "u10", sha)
		if s.InFlight || !bytes.Equal(s.Data, photo) || !reflect.DeepEqual(s.Uploaders, []string{"u1", "u2"}) {
			e.t.Errorf("after a wrong and a second upload: upload left %v, blob intact %v, uploaders %q",
				s.InFlight, bytes.Equal(s.Data, photo), s.Uploaders)
		}
		return nil
	})

	// No upload to finish; an empty user; dropping none.
	e.update(func(tx store.Tx) error {
		if _, err := tx.FinishBlob("u3", sha); !errors.Is(err, store.ErrNoPartial) {
			e.t.Errorf("FinishBlob without an upload: %v, want ErrNoPartial", err)
		}
		if _, err := tx.AppendPartial("", sha, 0, []byte("x"), tBlob); err == nil {
			e.t.Error("AppendPartial for no user succeeded")
		}
		e.check(tx.DropPartial("u3", sha))
		return nil
	})

	// Dropping an upload: it starts again from 0.
	other := []byte("another photo")
	osha := shaOf(other)
	e.update(func(tx store.Tx) error {
		e.upload(tx, "u1", osha, other[:5])
		return nil
	})
	e.update(func(tx store.Tx) error { return tx.DropPartial("u1", osha) })
	e.update(func(tx store.Tx) error {
		if s := e.blobState(tx, "u1", osha); s.InFlight {
			e.t.Errorf("dropped upload still there: %+v", s.Partial)
		}
		if _, err := tx.AppendPartial("u1", osha, 5, other[5:], tBlob); !errors.Is(err, store.ErrOffset) {
			e.t.Errorf("resuming a dropped upload: %v, want ErrOffset", err)
		}
		e.upload(tx, "u1", osha, other[:3], other[3:])
		if ok := must(tx.FinishBlob("u1", osha)).in(e); !ok {
			e.t.Error("FinishBlob after a restart = false")
		}
		return nil
	})
	e.view(func(tx store.ReadTx) error {
		if b, ok, err := tx.Blob(osha); err != nil || !ok || !bytes.Equal(b, other) {
			e.t.Errorf("restarted blob: %q %v %v", b, ok, err)
		}
		return nil
	})

	// An empty blob is a blob.
	empty := shaOf(nil)
	e.update(func(tx store.Tx) error {
		if n := must(tx.AppendPartial("u1", empty, 0, nil, tBlob)).in(e); n != 0 {
			e.t.Errorf("empty upload size %d", n)
		}
		if _, ok, _ := tx.Partial("u1", empty); !ok {
			e.t.Error("an empty upload is not in progress")
		}
		if ok := must(tx.FinishBlob("u1", empty)).in(e); !ok {
			e.t.Error("FinishBlob of the empty blob = false")
		}
		return nil
	})
	e.view(func(tx store.ReadTx) error {
		s := e.blobState(tx, "u1", empty)
		if !s.Have || len(s.Data) != 0 || !s.HaveSize || s.Size != 0 || s.InFlight {
			e.t.Errorf("empty blob: %+v", s)
		}
		return nil
	})
}

// testBlobsRollback checks that a failed Update leaves no chunk, upload or
// blob behind, and takes back a drop.
func testBlobsRollback(e *env) {
	photo := []byte("a photo that never arrives")
	sha := shaOf(photo)
	boom := errors.New("boom")
	e.update(func(tx store.Tx) error {
		e.upload(tx, "u1", sha, photo[:4])
		return nil
	})
	before := func() blobState {
		var s blobState
		e.view(func(tx store.ReadTx) error { s = e.blobState(tx, "u1", sha); return nil })
		return s
	}()
	for name, fn := range map[string]func(tx store.Tx){
		"append": func(tx store.Tx) {
			e.check(must(tx.AppendPartial("u1", sha, 4, photo[4:10], tBlob.Add(time.Hour))).err)
		},
		"finish": func(tx store.Tx) {
			e.check(must(tx.AppendPartial("u1", sha, 4, photo[4:], tBlob)).err)
			if ok := must(tx.FinishBlob("u1", sha)).in(e); !ok {
				e.t.Error("FinishBlob = false")
			}
		},
		"drop":    func(tx store.Tx) { e.check(tx.DropPartial("u1", sha)) },
		"wrong":   func(tx store.Tx) { e.check(must(tx.FinishBlob("u1", sha)).err) },
		"another": func(tx store.Tx) { e.upload(tx, "u2", sha, photo) },
	} {
		err := e.s.Update(e.ctx, func(tx store.Tx) error {
			fn(tx)
			return boom
		})
		if err != boom {
			e.t.Fatalf("%s: Update = %v", name, err)
		}
		var after blobState
		var others []store.Partial
		e.view(func(tx store.ReadTx) error {
			after = e.blobState(tx, "u1", sha)
			others = must(tx.Partials("u2")).in(e)
			return nil
		})
		if !reflect.DeepEqual(after.Data, before.Data) || after.Have || after.InFlight != before.InFlight ||
			after.Partial.Size != before.Partial.Size || !after.Partial.Updated.Equal(before.Partial.Updated) ||
			len(after.Uploaders) != 0 || len(others) != 0 {
			e.t.Errorf("%s rolled back: %+v, u2's uploads %+v; want %+v", name, after, others, before)
		}
	}
}
