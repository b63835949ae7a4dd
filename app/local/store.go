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
	// Close releases the store; later calls return ErrClosed.
	Close() error
}

// DBName is the IndexedDB database that holds a user's store.
func DBName(user string) string { return "jiuzhu-u-" + user }
