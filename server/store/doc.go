// Package store defines the server's storage interface. It names no type of
// any storage engine, so that the embedded bbolt implementation (store/bolt)
// and later ones (PostgreSQL) are interchangeable; one contract test suite
// runs against every implementation.
package store
