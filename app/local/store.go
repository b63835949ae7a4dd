package local

import (
	"context"

	"jiuzhu/shared/sync"
)

// Store is one user's store on this device. Every method is one atomic
// transaction: when it returns an error, nothing of that call was written.
// Implementations are safe for concurrent use.
type Store interface {
	sync.ClientStore
	// ListType returns the confirmed records of a record type (deleted ones
	// included: see Record.Deleted), ordered by id.
	ListType(ctx context.Context, typ string) ([]*sync.Record, error)
	// RootRecords returns the confirmed records of a root (a case and
	// everything under it, deleted ones included), in id order.
	RootRecords(ctx context.Context, root sync.RecID) ([]*sync.Record, error)
	// Recent returns the n newest confirmed records of a type (record ids
	// are ULIDs, so newest means greatest id), newest first, and how many
	// records of the type there are: the first screen of a list, without
	// decrypting the rest.
	Recent(ctx context.Context, typ string, n int) (recs []*sync.Record, total int, err error)
	// Digests returns the digests of the confirmed records (see Digester)
	// that changed since pos, and the position to pass next time. full
	// reports that the digests are the whole set, not changes: the caller
	// forgets what it had first. A zero pos always gets the whole set; so
	// does a pos from before the store folded its journal or was wiped.
	// Without a digester the set is always empty.
	Digests(ctx context.Context, since DigestPos) (ds []Digest, next DigestPos, full bool, err error)
	BlobStore
	// Close releases the store; later calls return ErrClosed.
	Close() error
}

// DBName is the IndexedDB database that holds a user's store.
func DBName(user string) string { return "jiuzhu-u-" + user }

// BlobStore keeps the bytes of photos and other attachments ("blobs") on
// the device, sealed like everything else. A blob is named by the
// lowercase hex SHA-256 of its bytes; a name that is not 64 lowercase hex
// digits gets ErrBadSHA, and nothing changes.
//
// The pending list is what the device must still upload: the blobs put
// with pending set (taken on this device), in the order they were first
// put, until BlobUploaded or DeleteBlob. Removing blobs that no record
// refers to any more is the caller's business: dropping a root or
// deleting an attachment record leaves its blob.
type BlobStore interface {
	// PutBlob stores data under its name sha. It returns ErrBlobMismatch
	// when SHA-256(data) is not sha and ErrBlobTooLarge beyond
	// MaxBlobSize, ErrQuota when the device is full: then nothing is
	// stored. pending marks a blob taken on this device (added to the end
	// of the pending list unless it is on it already); a blob downloaded
	// from the server is put with pending false, which leaves any mark as
	// it is. Putting the same blob again is harmless.
	PutBlob(ctx context.Context, sha string, data []byte, pending bool) error
	// Blob returns the bytes of the blob named sha, and false (with no
	// error) when it is not on this device.
	Blob(ctx context.Context, sha string) ([]byte, bool, error)
	// PendingBlobs returns the names of the blobs not yet uploaded, in the
	// order they were put.
	PendingBlobs(ctx context.Context) ([]string, error)
	// BlobUploaded takes a blob off the pending list; its bytes stay.
	// A blob that is not pending, or not here, is no error.
	BlobUploaded(ctx context.Context, sha string) error
	// DeleteBlob removes a blob's bytes and its pending mark. A blob that
	// is not here is no error.
	DeleteBlob(ctx context.Context, sha string) error
}
