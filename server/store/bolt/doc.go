// Package bolt is the embedded bbolt implementation of store.Store: one file,
// jiuzhu.db, in the server's data directory. No other package of the server
// imports bbolt, and no bbolt type leaves this package.
//
// The layout of the file (buckets, keys, values) is described in keys.go
// and codec.go; it changes only through a numbered migration (migrate.go).
// An Update is one bbolt read-write transaction, fsynced on commit; a View
// is one bbolt read-only transaction.
package bolt
