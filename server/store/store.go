package store

import (
	"context"
	"time"

	"jiuzhu/shared/sync"
)

// Store is the server's durable state: the change log and the merged state
// of every record (through sync.Log), the indexes that decide scope, and the
// accounts (users, sessions, devices) and audit trail, and the blobs (the
// bytes of attachments) with the uploads in progress. Implementations are
// safe for concurrent use; there is at most one write transaction at a time.
type Store interface {
	// Ping checks that the store can be read; /healthz reports its result.
	Ping(ctx context.Context) error
	// Close releases the store; it is called once, at shutdown.
	Close() error
	// Update runs fn in one read-write transaction. When fn returns nil the
	// transaction is committed durably (on disk, fsynced) before Update
	// returns nil; when fn returns an error nothing it wrote is kept and
	// Update returns that error. fn must not do network I/O.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// View runs fn in a read-only transaction that sees one consistent
	// state. fn must not do network I/O.
	View(ctx context.Context, fn func(tx ReadTx) error) error
	// Size is the store's size on disk in bytes (0 where that has no
	// meaning).
	Size() int64
}

// ReadTx reads inside a transaction.
type ReadTx interface {
	// Field and Fields give the merged state (sync.StateReader).
	sync.StateReader
	// Applied returns the sequence an op was committed with, if it was.
	Applied(op sync.Op) (seq uint64, ok bool, err error)
	// LastSeq returns the greatest sequence in the log (0 when empty).
	LastSeq() (uint64, error)
	// Epoch returns the log's epoch: it changes when old log entries are
	// compacted away, and devices on an older epoch download their scope
	// again. A new store has epoch 1.
	Epoch() (uint64, error)
	// Log calls fn with each entry whose Seq is greater than after, in
	// increasing order, until fn returns false or an error, or the log ends.
	Log(after uint64, fn func(e sync.Entry) (more bool, err error)) error
	// DeviceCounter returns the greatest op counter applied from a device
	// (0 when none).
	DeviceCounter(device string) (uint64, error)
	// RootRecords returns the records indexed under root (IndexRoot),
	// including root itself when it was indexed, in id order.
	RootRecords(root sync.RecID) ([]sync.RecID, error)
	// Keyed returns the records indexed under a key (IndexKey), in id
	// order.
	Keyed(key string) ([]sync.RecID, error)
	// Assigned returns the roots assigned to a user (Assign), in id order.
	Assigned(user string) ([]sync.RecID, error)
	// DeviceRoots returns the roots whose whole state a device has been
	// sent (SetDeviceRoots), in id order.
	DeviceRoots(device string) ([]sync.RecID, error)

	// User returns a user by id; UserByName by login name.
	User(id string) (User, bool, error)
	UserByName(name string) (User, bool, error)
	// Users returns every user, in id order.
	Users() ([]User, error)
	// Session returns the session whose token hashes to tokenHash.
	Session(tokenHash []byte) (Session, bool, error)
	// Sessions returns the sessions of a user, or every session when user
	// is "", in token hash order.
	Sessions(user string) ([]Session, error)
	// Device returns a device by id.
	Device(id string) (Device, bool, error)
	// Devices returns the devices of a user, or every device when user is
	// "", in id order.
	Devices(user string) ([]Device, error)
	// Audit calls fn with each audit entry whose Seq is greater than after,
	// in increasing order, until fn returns false or an error.
	Audit(after uint64, fn func(a AuditEntry) (more bool, err error)) error

	// Blob returns the bytes of the complete blob whose SHA-256 is sha (a
	// copy, valid after the transaction).
	Blob(sha string) (data []byte, ok bool, err error)
	// BlobSize returns the length of the complete blob sha, without
	// reading it.
	BlobSize(sha string) (size int64, ok bool, err error)
	// BlobUploaders returns the users who uploaded the whole of blob sha
	// (FinishBlob verified their bytes), in id order.
	BlobUploaders(sha string) ([]string, error)
	// Partial returns a user's upload of sha in progress.
	Partial(user, sha string) (Partial, bool, error)
	// Partials returns a user's uploads in progress, in sha order.
	Partials(user string) ([]Partial, error)
}

// Tx reads and writes inside a transaction. It satisfies sync.Store, so
// sync.Log.Apply runs directly on it.
type Tx interface {
	ReadTx
	// Append adds e to the log; e.Seq must be LastSeq()+1. It also records
	// e.Op as applied with e.Seq and raises the op's device counter.
	Append(e sync.Entry) error
	// ScrubLog erases the values of the log entries of recs: each entry
	// keeps its sequence, op, record, field, HLC, author and base, and its
	// value becomes Blank(field), so sequences, device counters and
	// applied ops stay as they were, and a device that pulls the entry
	// merges a blank. It returns the entries whose value it changed, as
	// they were (in sequence order), so that the caller can also drop what
	// those values were indexed under; scrubbing again changes nothing and
	// returns none. The merged state is left alone: the caller writes the
	// blanks there as changes of their own (sync.Log.ServerEdits), later
	// than every scrubbed one, so that devices learn of them.
	ScrubLog(recs []sync.RecID) (scrubbed []sync.Entry, err error)
	// SetDeviceCounter raises a device's counter to counter (never lowers
	// it): ops the server refused count as seen too, so the next op is not
	// taken for a gap. It does not make an op look applied.
	SetDeviceCounter(device string, counter uint64) error
	// SetField stores the new winning write of (rec, field).
	SetField(rec sync.RecID, field string, f sync.FieldState) error
	// IndexRoot records that rec belongs to root (idempotent).
	IndexRoot(root, rec sync.RecID) error
	// IndexKey adds (on) or removes (!on) rec under a key: an index of
	// values the server looks records up by (a hash of a person's ID
	// number, to flag possible duplicates). Idempotent.
	IndexKey(key string, rec sync.RecID, on bool) error
	// Assign adds (on) or removes (!on) root from a user's assigned roots
	// (idempotent).
	Assign(root sync.RecID, user string, on bool) error
	// SetDeviceRoots adds and removes roots from a device's sent set.
	SetDeviceRoots(device string, add, remove []sync.RecID) error
	// PutUser creates or replaces a user. Login names are unique: putting a
	// user whose Name belongs to another id returns ErrExists.
	PutUser(u User) error
	// PutSession creates or replaces a session (keyed by TokenHash).
	PutSession(s Session) error
	// DeleteSession removes a session; removing an unknown one is not an
	// error.
	DeleteSession(tokenHash []byte) error
	// PutDevice creates or replaces a device.
	PutDevice(d Device) error
	// AppendAudit appends an audit entry, giving it the next audit
	// sequence, which it returns. Audit entries are never changed or
	// removed.
	AppendAudit(a AuditEntry) (uint64, error)

	// AppendPartial adds chunk to a user's upload of sha at offset,
	// starting the upload when there is none and offset is 0, and records
	// now as its last activity. It returns the upload's size after the
	// chunk. When offset is not the upload's size (0 for none) it writes
	// nothing and returns the size with ErrOffset. The store keeps its own
	// copy of chunk.
	AppendPartial(user, sha string, offset int64, chunk []byte, now time.Time) (size int64, err error)
	// FinishBlob ends a user's upload of sha: when its bytes hash to sha
	// (SHA-256, lowercase hex) they become the complete blob sha (kept as
	// it was if it already exists), user becomes one of its uploaders and
	// ok is true; otherwise the upload is dropped and ok is false. Without
	// an upload it returns ErrNoPartial.
	FinishBlob(user, sha string) (ok bool, err error)
	// DropPartial removes a user's upload of sha; removing none is not an
	// error.
	DropPartial(user, sha string) error
	// DeleteBlob removes the complete blob sha (its bytes and its
	// uploaders) and every user's upload of sha in progress. ok reports
	// whether the complete blob was there; removing none is not an error.
	DeleteBlob(sha string) (ok bool, err error)
}

// Blank is the value Tx.ScrubLog leaves in a log entry of field: true for
// a tombstone (the record stays deleted), null for any other field.
func Blank(field string) string {
	if field == sync.FieldDeleted {
		return sync.ValueTrue
	}
	return sync.ValueNull
}
