package bolt

import (
	"encoding/binary"
)

// The buckets of schema version 2. Keys that join two strings start with the
// first one length-prefixed (a uvarint), so that a prefix scan for one
// record, root, user or device never reaches another whose id merely starts
// the same ("a/1" and "a/10"), whatever bytes the ids hold.
//
//	meta        "schema" → BE uint64; "epoch" → BE uint64
//	log         BE seq → entry (codec.go)
//	ops         lp(device) BE counter → run: uvarint seq, uvarint n; ops
//	            counter+i of the device have sequence seq+i, for i < n
//	counters    device → BE greatest counter
//	state       lp(rec) field → field state (codec.go)
//	roots       lp(root) rec → ""
//	assigned    lp(user) root → ""
//	devroots    lp(device) root → ""
//	users       id → user (JSON)
//	usernames   login name → id
//	sessions    token hash → session (JSON)
//	devices     id → device (JSON)
//	userdevices lp(user) device → ""
//	audit       BE seq → audit entry (JSON); the bucket's sequence is the last seq
//
// Schema 3 added:
//
//	keyed       lp(key) rec → ""
//
// Schema 4 added the blobs (blob.go). A blob is kept in the chunks it was
// uploaded in, each under its offset, so that no value is larger than a
// chunk:
//
//	blobs       lp(sha) BE offset → bytes
//	blobsizes   sha → BE length
//	blobusers   lp(sha) user → ""
//	partials    lp(user) sha → BE size, BE last activity (Unix ns)
//	partchunks  lp(user) lp(sha) BE offset → bytes
var (
	bucketLog         = []byte("log")
	bucketOps         = []byte("ops")
	bucketCounters    = []byte("counters")
	bucketState       = []byte("state")
	bucketRoots       = []byte("roots")
	bucketAssigned    = []byte("assigned")
	bucketDevRoots    = []byte("devroots")
	bucketUsers       = []byte("users")
	bucketUserNames   = []byte("usernames")
	bucketSessions    = []byte("sessions")
	bucketDevices     = []byte("devices")
	bucketUserDevices = []byte("userdevices")
	bucketAudit       = []byte("audit")
	bucketKeyed       = []byte("keyed")
	bucketBlobs       = []byte("blobs")
	bucketBlobSizes   = []byte("blobsizes")
	bucketBlobUsers   = []byte("blobusers")
	bucketPartials    = []byte("partials")
	bucketPartChunks  = []byte("partchunks")

	keyEpoch = []byte("epoch")
)

// Indexes into readTx.b, in the order of dataBuckets.
const (
	bLog = iota
	bOps
	bCounters
	bState
	bRoots
	bAssigned
	bDevRoots
	bUsers
	bUserNames
	bSessions
	bDevices
	bUserDevices
	bAudit
	bKeyed
	bBlobs
	bBlobSizes
	bBlobUsers
	bPartials
	bPartChunks
	numBuckets
)

// dataBuckets are the buckets a transaction opens, indexed by the b*
// constants.
var dataBuckets = [numBuckets][]byte{
	bucketLog, bucketOps, bucketCounters, bucketState, bucketRoots, bucketAssigned,
	bucketDevRoots, bucketUsers, bucketUserNames, bucketSessions, bucketDevices,
	bucketUserDevices, bucketAudit, bucketKeyed, bucketBlobs, bucketBlobSizes, bucketBlobUsers,
	bucketPartials, bucketPartChunks,
}

// appendPrefixed appends s with its length as a uvarint before it.
func appendPrefixed(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// appendPair appends lp(a) b: the key of b under a.
func appendPair(dst []byte, a, b string) []byte {
	return append(appendPrefixed(dst, a), b...)
}

// appendSeq appends v as 8 big-endian bytes, which sort like the numbers.
func appendSeq(dst []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(dst, v) }

// appendOpKey appends the ops key of (device, counter).
func appendOpKey(dst []byte, device string, counter uint64) []byte {
	return appendSeq(appendPrefixed(dst, device), counter)
}

// run is an entry of the op index: n ops of one device, whose counters and
// sequences both increase by one from (counter, seq). A batch pushed by one
// device is usually one run, one key.
type run struct{ counter, seq, n uint64 }

// seqOf returns the sequence of the op with counter c, if the run holds it.
func (r run) seqOf(c uint64) (uint64, bool) {
	if c < r.counter || c-r.counter >= r.n {
		return 0, false
	}
	return r.seq + (c - r.counter), true
}

// appendRunValue appends the value of r's key.
func appendRunValue(dst []byte, r run) []byte {
	return binary.AppendUvarint(binary.AppendUvarint(dst, r.seq), r.n)
}

// decodeRun decodes a run from the counter part of its key and its value.
func decodeRun(counter, v []byte) (run, bool) {
	c, ok := beUint64(counter)
	seq, i := binary.Uvarint(v)
	if !ok || i <= 0 {
		return run{}, false
	}
	n, j := binary.Uvarint(v[i:])
	if j <= 0 || i+j != len(v) || n == 0 {
		return run{}, false
	}
	return run{c, seq, n}, true
}

// beUint64 decodes an 8-byte big-endian value; ok is false for any other
// length.
func beUint64(b []byte) (uint64, bool) {
	if len(b) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(b), true
}
