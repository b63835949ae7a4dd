// Package bolt is the embedded bbolt implementation of store.Store: one file,
// jiuzhu.db, in the server's data directory. No other package of the server
// imports bbolt.
package bolt
