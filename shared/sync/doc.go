// Package sync is the offline-first replication core of Jiuzhu: the hybrid
// logical clock, the Change that travels between devices and server, the
// per-field last-writer-wins merge with tombstones and append-only types,
// conflict detection with a change's base sequence, the protocol messages and
// their codecs, the server-side apply logic (Log) over a small store
// interface, and the client Session that pushes and pulls over a Conn.
//
// Everything here is pure and deterministic: no I/O, no network dialing, no
// file access, no syscall/js, no bbolt, no wall clock and no global
// randomness. Time enters through a TimeSource, the network through Conn, and
// durable state through the Store (server) and ClientStore (device)
// interfaces. The package is compiled into both the WebAssembly PWA and the
// server, so it depends only on the standard library; it must not import
// jiuzhu/shared/model (the model satisfies Schema by duck typing).
//
// # Ordering
//
// Changes to one (record, field) are ordered by (HLC, Op). HLC is compared
// numerically; equal HLCs are ordered by Op: first the device id compared as
// bytes, then the device counter compared numerically. The greatest wins.
//
// # Codec
//
// The wire codec is Binary, chosen from BenchmarkCodec (a page of 500
// realistic changes, both codecs in the same run): about 52 bytes per change
// against 211 for encoding/json, and on WebAssembly (node) about 36 times
// faster to decode and 3 times faster to encode. JSON stays as the readable
// baseline and for debugging.
//
// # Conflicts
//
// When the Log applies change c to (rec, field) and the field's current
// winner w was committed with a sequence greater than c.Base by another
// device, and the two values differ, c and w were concurrent and a conflict
// record (type "conflict", id derived from the two ops) is appended to the log
// as ordinary changes, so every replica receives the same conflicts. An edit
// concurrent with a delete (field "_deleted") is a conflict too. A conflict is
// resolved by a new change on the field and a change marking the conflict
// record resolved.
package sync
