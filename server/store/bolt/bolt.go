package bolt

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"jiuzhu/server/store"
)

// FileName is the database file inside the data directory.
const FileName = "jiuzhu.db"

// lockWait is how long Open waits for another process to release the file
// before it reports store.ErrLocked: long enough to ride over a restart,
// short enough to fail fast.
const lockWait = 500 * time.Millisecond

var (
	bucketMeta = []byte("meta")
	keySchema  = []byte("schema")
)

// DB is a store.Store kept in a bbolt file.
type DB struct {
	db   *bbolt.DB
	path string
	w    tx // the write transaction, reused: bbolt runs one at a time
}

var _ store.Store = (*DB)(nil)

// Open opens (creating if needed) the store in directory dir, and brings its
// schema up to date. Errors are *store.OpenError naming the path.
func Open(dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, &store.OpenError{Path: dir, Err: fmt.Errorf("cannot create the data directory: %w", err)}
	}
	path := filepath.Join(dir, FileName)
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: lockWait})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, &store.OpenError{Path: path, Err: store.ErrLocked}
	}
	if err != nil {
		return nil, &store.OpenError{Path: path, Err: err}
	}
	d := &DB{db: db, path: path}
	if err := d.migrate(); err != nil {
		db.Close()
		return nil, &store.OpenError{Path: path, Err: err}
	}
	return d, nil
}

// Path is the database file's path.
func (d *DB) Path() string { return d.path }

// Ping reads the schema version.
func (d *DB) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return d.db.View(func(tx *bbolt.Tx) error {
		if tx.Bucket(bucketMeta) == nil {
			return errors.New("meta bucket missing")
		}
		return nil
	})
}

// Close closes the file and releases its lock.
func (d *DB) Close() error { return d.db.Close() }

// appendFill is the fill percent of buckets written at the end of their
// key ranges (the log, the audit trail, each device's ops): a full page is
// split near its end, so pages stay nearly full.
const appendFill = 0.95

// Update implements store.Store with one bbolt read-write transaction,
// which bbolt fsyncs on commit.
func (d *DB) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return d.db.Update(func(btx *bbolt.Tx) error {
		t := &d.w
		t.reset()
		t.btx = btx
		if err := fn(t); err != nil {
			return err
		}
		return t.flush()
	})
}

// View implements store.Store with one bbolt read-only transaction.
func (d *DB) View(ctx context.Context, fn func(tx store.ReadTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return d.db.View(func(btx *bbolt.Tx) error {
		return fn(&readTx{btx: btx})
	})
}

// Size implements store.Store: the size of the file (0 if it cannot be
// read).
func (d *DB) Size() int64 {
	fi, err := os.Stat(d.path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// schemaVersion reads the stored schema version (0 for a new file).
func schemaVersion(tx *bbolt.Tx) uint64 {
	b := tx.Bucket(bucketMeta)
	if b == nil {
		return 0
	}
	v := b.Get(keySchema)
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}
