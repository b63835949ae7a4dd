package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"jiuzhu/server/store"
)

// Backups. A copy of the store is the bbolt file as one read transaction
// sees it (bbolt's Tx.WriteTo): consistent, taken while writes go on, and a
// valid database file by itself. The serving process takes it through
// DB.Backup (it holds the file's exclusive lock, so nobody else can open
// the file); with no server running, OpenReadOnly takes a shared lock and
// copies the file the same way. Inspect checks that a file is a Jiuzhu
// database before it is restored, and MarkRestored prepares a copy to be
// served again.

// ErrNotDatabase means a file is not a Jiuzhu database: not a bbolt file,
// or a bbolt file without Jiuzhu's meta bucket and schema version.
var ErrNotDatabase = errors.New("not a Jiuzhu database")

// BackupInfo describes a copy of the store: what one read transaction saw.
type BackupInfo struct {
	Size    int64  `json:"size"`     // bytes of the copy
	Schema  uint64 `json:"schema"`   // schema version of the file
	Epoch   uint64 `json:"epoch"`    // the log's epoch
	LastSeq uint64 `json:"last_seq"` // greatest sequence in the change log
	Users   int    `json:"users"`
	Devices int    `json:"devices"`
	Blobs   int    `json:"blobs"` // complete blobs (photos)
}

// Backup writes a consistent copy of the store to w from one read
// transaction, which the server's writes do not wait for (but a write that
// must grow the file waits for it to end: keep w fast, a local file or
// socket). start, when not nil, is called with what the copy holds before
// its first byte is written; an error from it ends the backup. Backup
// returns the same description once the copy is written.
func (d *DB) Backup(w io.Writer, start func(BackupInfo) error) (BackupInfo, error) {
	return backup(d.db, w, start)
}

// ReadOnly is a database file opened read-only, with a shared lock: no
// server can open it (for writing) meanwhile.
type ReadOnly struct {
	db *bbolt.DB
}

// OpenReadOnly opens the database file at path read-only. It returns
// store.ErrLocked when a server holds the file, and ErrNotDatabase (with
// the reason) when the file is not a bbolt database. Errors are
// *store.OpenError naming the path.
func OpenReadOnly(path string) (*ReadOnly, error) {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return nil, &store.OpenError{Path: path, Err: err}
	case !fi.Mode().IsRegular():
		return nil, &store.OpenError{Path: path, Err: fmt.Errorf("%w: not a regular file", ErrNotDatabase)}
	case fi.Size() == 0:
		return nil, &store.OpenError{Path: path, Err: fmt.Errorf("%w: the file is empty", ErrNotDatabase)}
	}
	db, err := bbolt.Open(path, 0, &bbolt.Options{ReadOnly: true, Timeout: lockWait})
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, &store.OpenError{Path: path, Err: store.ErrLocked}
	case errors.As(err, new(*fs.PathError)):
		return nil, &store.OpenError{Path: path, Err: err} // cannot be read: permissions
	case err != nil:
		// bbolt's own complaints: invalid, version mismatch, checksum,
		// a size that cannot be mapped…
		return nil, &store.OpenError{Path: path, Err: fmt.Errorf("%w: %v", ErrNotDatabase, err)}
	}
	return &ReadOnly{db: db}, nil
}

// Info checks that the file is a Jiuzhu database this build can serve and
// describes it. A file of an older schema is accepted (the server brings
// it up to date when it opens it); one of a newer schema returns
// store.ErrNewerSchema.
func (r *ReadOnly) Info() (BackupInfo, error) {
	fi, err := os.Stat(r.db.Path())
	if err != nil {
		return BackupInfo{}, err
	}
	var info BackupInfo
	err = r.db.View(func(btx *bbolt.Tx) (err error) {
		// A file cut short (a copy that stopped half way) maps pages past
		// its end, and reading them kills the process (SIGBUS): check first.
		if btx.Size() > fi.Size() {
			return fmt.Errorf("%w: cut short, %d bytes of %d", ErrNotDatabase, fi.Size(), btx.Size())
		}
		info, err = describe(btx)
		return err
	})
	return info, err
}

// Backup writes a copy of the file to w, as DB.Backup does.
func (r *ReadOnly) Backup(w io.Writer, start func(BackupInfo) error) (BackupInfo, error) {
	return backup(r.db, w, start)
}

// Close releases the file and its lock.
func (r *ReadOnly) Close() error { return r.db.Close() }

// Inspect opens the database file at path read-only and describes it
// (ReadOnly.Info), naming the path in its errors.
func Inspect(path string) (BackupInfo, error) {
	r, err := OpenReadOnly(path)
	if err != nil {
		return BackupInfo{}, err
	}
	defer r.Close()
	info, err := r.Info()
	if err != nil {
		return info, &store.OpenError{Path: path, Err: err}
	}
	return info, nil
}

// MarkRestored prepares the copy at path (which nobody else has open) to
// be served in place of the database it was taken from: it moves the log's
// epoch on by one, so that every device, whose cursor may point past the
// copy's last sequence, downloads its scope again instead of missing the
// changes that take those sequence numbers anew. It returns the copy's
// description after the change.
func MarkRestored(path string) (info BackupInfo, err error) {
	if _, err := Inspect(path); err != nil {
		return BackupInfo{}, err
	}
	defer func() { // bbolt panics on a damaged page (see describe)
		if p := recover(); p != nil {
			err = &store.OpenError{Path: path, Err: fmt.Errorf("%w: damaged file (%v)", ErrCorrupt, p)}
		}
	}()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: lockWait})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return BackupInfo{}, &store.OpenError{Path: path, Err: store.ErrLocked}
	}
	if err != nil {
		return BackupInfo{}, &store.OpenError{Path: path, Err: err}
	}
	defer db.Close()
	err = db.Update(func(btx *bbolt.Tx) error {
		meta := btx.Bucket(bucketMeta)
		if e, ok := beUint64(meta.Get(keyEpoch)); ok {
			if err := meta.Put(keyEpoch, binary.BigEndian.AppendUint64(nil, e+1)); err != nil {
				return err
			}
		}
		var err error
		info, err = describe(btx)
		return err
	})
	if err != nil {
		return info, &store.OpenError{Path: path, Err: err}
	}
	return info, nil
}

// backup copies db to w from one read transaction.
func backup(db *bbolt.DB, w io.Writer, start func(BackupInfo) error) (BackupInfo, error) {
	var info BackupInfo
	err := db.View(func(btx *bbolt.Tx) error {
		var err error
		if info, err = describe(btx); err != nil {
			return err
		}
		if start != nil {
			if err := start(info); err != nil {
				return err
			}
		}
		n, err := btx.WriteTo(w)
		if err == nil && n != info.Size {
			err = fmt.Errorf("wrote %d bytes of a %d-byte copy", n, info.Size)
		}
		return err
	})
	return info, err
}

// describe reads what a copy taken in btx holds, and checks it is a
// Jiuzhu database this build can serve. bbolt trusts its pages once the
// meta page's checksum holds, and panics on a damaged one: a file given to
// be restored may be anything, so a panic is reported as ErrCorrupt.
func describe(btx *bbolt.Tx) (info BackupInfo, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: damaged file (%v)", ErrCorrupt, p)
		}
	}()
	info = BackupInfo{Size: btx.Size()}
	meta := btx.Bucket(bucketMeta)
	if meta == nil {
		return info, fmt.Errorf("%w: no meta bucket", ErrNotDatabase)
	}
	info.Schema = schemaVersion(btx)
	switch {
	case info.Schema == 0:
		return info, fmt.Errorf("%w: no schema version", ErrNotDatabase)
	case info.Schema > SchemaVersion:
		return info, fmt.Errorf("schema version %d, this build knows up to %d: %w", info.Schema, SchemaVersion, store.ErrNewerSchema)
	case info.Schema < SchemaVersion:
		// An older file: the buckets it lacks come with its migrations.
		// What it has is described as far as it goes.
	default:
		for _, name := range dataBuckets {
			if btx.Bucket(name) == nil {
				return info, fmt.Errorf("bucket %s missing: %w", name, ErrCorrupt)
			}
		}
	}
	info.Epoch, _ = beUint64(meta.Get(keyEpoch))
	if b := btx.Bucket(bucketLog); b != nil {
		if k, _ := b.Cursor().Last(); k != nil {
			seq, ok := beUint64(k)
			if !ok {
				return info, fmt.Errorf("log key %x: %w", k, ErrCorrupt)
			}
			info.LastSeq = seq
		}
	}
	info.Users = countKeys(btx, bucketUsers)
	info.Devices = countKeys(btx, bucketDevices)
	info.Blobs = countKeys(btx, bucketBlobSizes)
	return info, nil
}

// countKeys counts the keys of a bucket (0 when it is missing).
func countKeys(btx *bbolt.Tx, name []byte) int {
	b := btx.Bucket(name)
	if b == nil {
		return 0
	}
	n := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	return n
}

// RestoredName is the name a database replaced by a restore is kept under
// in its directory: jiuzhu.db.before-restore-20260102T150405.
func RestoredName(at time.Time) string {
	return FileName + ".before-restore-" + at.Format("20060102T150405")
}
