// Package mem is an in-memory store.Store with the same semantics as the
// bbolt store, transactions included: one writer at a time, readers see a
// consistent state, and an Update whose function fails leaves nothing behind
// (an undo log). It is for fast tests; nothing is kept on disk. It must not
// import bbolt.
package mem
