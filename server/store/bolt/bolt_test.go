package bolt

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"jiuzhu/server/store"
	"jiuzhu/server/store/storetest"
)

func TestOpenCreatesAndReopens(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "nested", "data")
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(context.Background()); err != nil {
		t.Fatalf("ping: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	err = db.db.View(func(tx *bbolt.Tx) error {
		if got := schemaVersion(tx); got != SchemaVersion {
			t.Errorf("schema version %d, want %d", got, SchemaVersion)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenLockedFailsFast(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = Open(dir)
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	var oe *store.OpenError
	if !errors.As(err, &oe) || !strings.Contains(err.Error(), filepath.Join(dir, FileName)) {
		t.Errorf("error %q does not name the database file", err)
	}
}

func TestOpenUnwritableNamesPath(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "plain-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(file, "data") // a directory cannot live under a file
	_, err := Open(dir)
	if err == nil {
		t.Fatal("open under a regular file succeeded")
	}
	if !strings.Contains(err.Error(), dir) {
		t.Errorf("error %q does not name %s", err, dir)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	err = db.db.Update(func(tx *bbolt.Tx) error {
		var buf [8]byte
		binary.BigEndian.PutUint64(buf[:], SchemaVersion+1)
		return tx.Bucket(bucketMeta).Put(keySchema, buf[:])
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir)
	if !errors.Is(err, store.ErrNewerSchema) {
		t.Fatalf("open newer schema: %v, want ErrNewerSchema", err)
	}
}

func TestContract(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Store {
		db, err := Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}
