package bolt

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"jiuzhu/server/store"
)

// TestBlobsDurable checks that a finished blob, its uploader and an upload
// in progress are there after Close and Open, kept as separate chunks.
func TestBlobsDurable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	photo := bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7}, 100000) // 700,000 bytes: three chunks
	sum := sha256.Sum256(photo)
	sha := hex.EncodeToString(sum[:])
	half := []byte("half a photo")
	err = db.Update(ctx, func(tx store.Tx) error {
		for off := 0; off < len(photo); off += 256 << 10 {
			if _, err := tx.AppendPartial("u1", sha, int64(off), photo[off:min(off+256<<10, len(photo))], t0); err != nil {
				return err
			}
		}
		if ok, err := tx.FinishBlob("u1", sha); err != nil || !ok {
			return errors.Join(err, errors.New("not verified"))
		}
		_, err := tx.AppendPartial("u2", "ab", 0, half, t0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(ctx, func(tx store.ReadTx) error {
		b, ok, err := tx.Blob(sha)
		if err != nil || !ok || !bytes.Equal(b, photo) {
			t.Errorf("after reopen: blob %d bytes, %v, %v", len(b), ok, err)
		}
		if u, err := tx.BlobUploaders(sha); err != nil || len(u) != 1 || u[0] != "u1" {
			t.Errorf("after reopen: uploaders %q, %v", u, err)
		}
		p, ok, err := tx.Partial("u2", "ab")
		if err != nil || !ok || p.Size != int64(len(half)) || !p.Updated.Equal(t0) {
			t.Errorf("after reopen: upload %+v, %v, %v", p, ok, err)
		}
		n := tx.(*readTx).btx.Bucket(bucketBlobs).Stats().KeyN
		if n != 3 {
			t.Errorf("blob kept in %d keys, want its 3 chunks", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Resuming the upload after the reopen goes on from its size.
	err = db.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.AppendPartial("u2", "ab", 0, half, t0); !errors.Is(err, store.ErrOffset) {
			t.Errorf("chunk at 0 after reopen: %v, want ErrOffset", err)
		}
		n, err := tx.AppendPartial("u2", "ab", int64(len(half)), half, t0)
		if n != 2*int64(len(half)) {
			t.Errorf("size after resuming = %d", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBlobsCorrupt checks that a blob missing a chunk is reported as
// corrupt, not served short.
func TestBlobsCorrupt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	photo := bytes.Repeat([]byte("x"), 300<<10)
	sum := sha256.Sum256(photo)
	sha := hex.EncodeToString(sum[:])
	err = db.Update(ctx, func(tx store.Tx) error {
		tx.AppendPartial("u1", sha, 0, photo[:256<<10], t0)
		tx.AppendPartial("u1", sha, 256<<10, photo[256<<10:], t0)
		_, err := tx.FinishBlob("u1", sha)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketBlobs).Delete(appendSeq(appendPrefixed(nil, sha), 0))
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(ctx, func(tx store.ReadTx) error {
		_, _, err := tx.Blob(sha)
		return err
	})
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("blob missing its first chunk: %v, want ErrCorrupt", err)
	}
}

// TestMigrateFromVersion3 opens a file of schema 3 holding data and checks
// that the blob buckets are added and the data kept.
func TestMigrateFromVersion3(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bdb, err := bbolt.Open(dir+"/"+FileName, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.Update(func(tx *bbolt.Tx) error {
		for _, m := range migrations[:3] {
			if err := m(tx); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketKeyed).Put(appendPair(nil, "id:a", "person/1"), empty); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, appendSeq(nil, 3))
	})
	bdb.Close()
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(context.Background(), func(tx store.ReadTx) error {
		if v := schemaVersion(tx.(*readTx).btx); v != SchemaVersion || v != 4 {
			t.Errorf("schema version %d, want %d", v, SchemaVersion)
		}
		if k, err := tx.Keyed("id:a"); err != nil || len(k) != 1 {
			t.Errorf("Keyed after migrating = %q, %v", k, err)
		}
		if _, ok, err := tx.BlobSize("ab"); err != nil || ok {
			t.Errorf("BlobSize on a migrated file = %v, %v", ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
