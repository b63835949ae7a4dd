package store

import "context"

// Store is the server's durable state. Implementations are safe for
// concurrent use.
type Store interface {
	// Ping checks that the store can be read; /healthz reports its result.
	Ping(ctx context.Context) error
	// Close releases the store; it is called once, at shutdown.
	Close() error
}
