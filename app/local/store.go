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
	// Recent returns the n newest confirmed records of a type (record ids
	// are ULIDs, so newest means greatest id), newest first, and how many
	// records of the type there are: the first screen of a list, without
	// decrypting the rest.
	Recent(ctx context.Context, typ string, n int) (recs []*sync.Record, total int, err error)
	// Close releases the store; later calls return ErrClosed.
	Close() error
}

// DBName is the IndexedDB database that holds a user's store.
func DBName(user string) string { return "jiuzhu-u-" + user }
