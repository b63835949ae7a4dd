// Package local is the device's store: everything the PWA keeps on the
// tablet, behind one interface (Store), for one user at a time.
//
// A Store implements sync.ClientStore (confirmed records, the outbox, the
// rejected list and the sync bookkeeping, each method one atomic
// transaction) plus what screens need (ListType, Close). In the browser it
// is an IndexedDB database per user ("jiuzhu-u-<user id>"), every value
// sealed with AES-GCM under a random 256-bit data key; only record ids
// ("type/ULID"), roots and op ids ("device:counter") are stored in the
// clear, as keys. Photos' bytes (blobs, see BlobStore) are sealed the same
// way and keyed by an HMAC of their SHA-256, which would otherwise
// fingerprint them. MemStore is the in-memory twin used by native tests;
// one contract suite (package localtest) runs against both.
//
// The Keyring keeps, per user on this tablet, the data key wrapped with a
// key derived from the user's password (PBKDF2-SHA256 via WebCrypto), plus
// the sync session token and device id sealed with the data key, so the app
// unlocks offline and a lost tablet reveals nothing.
//
// Files that touch IndexedDB or WebCrypto are built for js/wasm only; the
// interface, the twin, the codec, the sealing and the contract suite build
// everywhere. This package must not import server/ or bbolt, and should not
// grow dependencies beyond the standard library and shared/.
package local
