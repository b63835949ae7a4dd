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
	// Close releases the store; later calls return ErrClosed.
	Close() error
}

// DBName is the IndexedDB database that holds a user's store.
func DBName(user string) string { return "jiuzhu-u-" + user }
