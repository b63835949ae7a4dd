//go:build js && wasm

package local

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"syscall/js"

	"jiuzhu/shared/sync"
)

// Digests in IndexedDB (see Digester). Two object stores:
//
//	dig      key: auto-increment; value: sealed list of digests, one entry per write
//	digsnap  key "h": header {v: digester version, e: epoch, t: last journal key folded in, n: chunks}
//	         keys 0…n-1: the snapshot, sealed chunks of digests sorted by root
//
// Every write of records adds its digests to the journal in the same
// transaction, so the digests never disagree with the records. A full read
// takes the snapshot and the journal after it; when the journal has grown
// past compactAfter entries, the reader folds it into a new snapshot (with
// a new epoch) and deletes it. The snapshot is large (about 60 bytes per
// record), so it is sealed and opened with WebCrypto's AES-GCM (native
// code) rather than Go's: the same format (nonce, ciphertext, tag) and key.
const (
	storeDig     = "dig"
	storeDigSnap = "digsnap"
	digHeaderKey = "h"
	// digChunk is the plaintext size a snapshot chunk is cut at.
	digChunk = 512 << 10
	// maxChunks bounds the numeric keys of snapshot chunks.
	maxChunks = 1 << 20
)

// errStale aborts a fold when another one has changed the snapshot since
// it was read; the digests read are still right, only not folded.
var errStale = errors.New("digest snapshot changed meanwhile")

// errNotFolded reports digests computed but not written (the fold failed:
// a full tablet, say). They are right; only the work is not kept.
var errNotFolded = errors.New("digests not folded")

func adDigJournal() []byte { return []byte("jiuzhu/digj") }
func adDigChunk(epoch int64, i int) []byte {
	return []byte("jiuzhu/digs\x00" + strconv.FormatInt(epoch, 10) + "/" + strconv.Itoa(i))
}

// newEpoch returns a random epoch (positive, exact as a JavaScript number).
func newEpoch() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.LittleEndian.Uint64(b[:])>>11) + 1
}

// journalDigests adds the digests of a write of recs and drop to t, sealed
// beforehand: call it outside the transaction, and the returned fill inside.
func (s *idbStore) journalDigests(recs []*sync.Record, drop []sync.RecID) func(t *tx) {
	ds := digestBatch(s.dg, recs, drop)
	if ds == nil {
		return func(*tx) {}
	}
	v := bytesToJS(s.seal.seal(encodeDigests(ds), adDigJournal()))
	return func(t *tx) { t.t.Call("objectStore", storeDig).Call("add", v) }
}

// digHeader is the snapshot's header.
type digHeader struct {
	ok      bool // there is a header
	version int
	epoch   int64
	through int64
	chunks  int
}

func readDigHeader(v js.Value) digHeader {
	if v.Type() != js.TypeObject || v.IsNull() {
		return digHeader{}
	}
	return digHeader{ok: true, version: v.Get("v").Int(), epoch: int64(v.Get("e").Float()),
		through: int64(v.Get("t").Float()), chunks: v.Get("n").Int()}
}

// Digests implements Store.
func (s *idbStore) Digests(ctx context.Context, since DigestPos) ([]Digest, DigestPos, bool, error) {
	if s.dg == nil || s.dg.Digest == nil {
		return nil, DigestPos{}, true, nil
	}
	for range 2 {
		ds, next, full, rebuild, err := s.readDigests(ctx, since)
		if err != nil || !rebuild {
			return ds, next, full, err
		}
		all, err := s.rebuildDigests(ctx)
		switch {
		case errors.Is(err, errStale):
			continue // another rebuild won: read what it wrote
		case errors.Is(err, errNotFolded):
			// Computed but not written (a full tablet): right for now; the
			// next read computes them again.
			return all, DigestPos{}, true, nil
		case err != nil:
			return nil, DigestPos{}, false, err
		}
	}
	return nil, DigestPos{}, false, &Error{Op: "read digests", Err: errStale}
}

// readDigests is one read; rebuild reports that the snapshot is missing or
// of another digester version.
func (s *idbStore) readDigests(ctx context.Context, since DigestPos) (ds []Digest, next DigestPos, full, rebuild bool, err error) {
	var h digHeader
	var rows, keys, chunks js.Value
	lower := int64(0)
	err = s.read(ctx, "read digests", []string{storeDig, storeDigSnap}, func(t *tx) error {
		snap, dig := t.t.Call("objectStore", storeDigSnap), t.t.Call("objectStore", storeDig)
		hreq := snap.Call("get", digHeaderKey)
		t.on(dig.Call("count"), func(count js.Value) {
			h = readDigHeader(hreq.Get("result"))
			if !h.ok || h.version != s.dg.Version {
				rebuild = true
				return
			}
			if since.Epoch == h.epoch && count.Int() <= compactAfter {
				lower = max(since.Seq, h.through)
			} else {
				full, lower = true, h.through
				if h.chunks > 0 {
					chunks = snap.Call("getAll", jsKeyRange.Call("bound", 0, h.chunks-1))
				}
			}
			rng := jsKeyRange.Call("lowerBound", lower, true)
			rows, keys = dig.Call("getAll", rng), dig.Call("getAllKeys", rng)
		})
		return nil
	})
	if err != nil || rebuild {
		return nil, DigestPos{}, false, rebuild, err
	}
	if full && h.chunks > 0 {
		if ds, err = s.openChunks(ctx, h, chunks.Get("result")); err != nil {
			return nil, DigestPos{}, false, false, err
		}
	}
	rows, keys = rows.Get("result"), keys.Get("result")
	n := rows.Length()
	for i := range n {
		plain, err := s.seal.open(bytesFromJS(rows.Index(i)), adDigJournal())
		var more []Digest
		if err == nil {
			more, err = decodeDigests(plain)
		}
		if err != nil {
			return nil, DigestPos{}, false, false, &Error{Op: "read digests", Err: err}
		}
		ds = append(ds, more...)
	}
	next = DigestPos{Epoch: h.epoch, Seq: lower}
	if n > 0 {
		next.Seq = int64(keys.Index(n - 1).Float())
	}
	if full && n > compactAfter {
		state := map[sync.RecID]Digest{}
		applyDigests(state, ds)
		ds = sortedDigests(state)
		// A fold that fails (another won, or the tablet is full) loses
		// nothing: the digests read are right and the journal stays.
		if epoch, err := s.foldDigests(ctx, h, ds, next.Seq); err == nil {
			next.Epoch = epoch
		}
	}
	return ds, next, full, false, nil
}

// openChunks opens the snapshot's chunks (all decrypting at once).
func (s *idbStore) openChunks(ctx context.Context, h digHeader, vals js.Value) ([]Digest, error) {
	if vals.Length() != h.chunks {
		return nil, &Error{Op: "read digests", Err: ErrCorrupt}
	}
	key, err := s.cryptoKey(ctx)
	if err != nil {
		return nil, err
	}
	ps := make([]js.Value, h.chunks)
	for i := range ps {
		if ps[i], err = subtleOpen(key, vals.Index(i), adDigChunk(h.epoch, i)); err != nil {
			return nil, &Error{Op: "read digests", Err: err}
		}
	}
	var out []Digest
	for i, p := range ps {
		plain, err := await(ctx, p)
		var ds []Digest
		if err == nil {
			ds, err = decodeDigests(bytesFromJS(plain))
		} else if ctx.Err() == nil {
			err = ErrCorrupt // WebCrypto rejects altered or misplaced chunks
		}
		if err != nil {
			return nil, &Error{Op: "read digest chunk " + strconv.Itoa(i), Err: err}
		}
		out = append(out, ds...)
	}
	return out, nil
}

// foldDigests writes ds (the whole set, up to journal key through) as a new
// snapshot with a new epoch and deletes the journal up to through — unless
// the snapshot is no longer the one described by old (errStale).
func (s *idbStore) foldDigests(ctx context.Context, old digHeader, ds []Digest, through int64) (int64, error) {
	key, err := s.cryptoKey(ctx)
	if err != nil {
		return 0, err
	}
	epoch := newEpoch()
	var ps []sealing
	for from := 0; from < len(ds); {
		to, size := from, 0
		for to < len(ds) && (to == from || size < digChunk) {
			size += len(ds[to].Root) + len(ds[to].ID) + len(ds[to].Data) + 4
			to++
		}
		p, err := subtleSeal(key, encodeDigests(ds[from:to]), adDigChunk(epoch, len(ps)))
		if err != nil {
			return 0, err
		}
		ps = append(ps, p)
		from = to
	}
	chunks := make([]js.Value, len(ps))
	for i, p := range ps {
		if chunks[i], err = p.wait(ctx); err != nil {
			return 0, &Error{Op: "seal digests", Err: err}
		}
	}
	hdr := jsObject.New()
	hdr.Set("v", s.dg.Version)
	hdr.Set("e", epoch)
	hdr.Set("t", through)
	hdr.Set("n", len(chunks))
	err = s.write(ctx, "fold digests", []string{storeDig, storeDigSnap}, relaxed, func(t *tx) error {
		snap, dig := t.t.Call("objectStore", storeDigSnap), t.t.Call("objectStore", storeDig)
		t.on(snap.Call("get", digHeaderKey), func(v js.Value) {
			if cur := readDigHeader(v); cur.ok != old.ok || cur.epoch != old.epoch {
				t.fail(errStale)
				return
			}
			for i, c := range chunks {
				snap.Call("put", c, i)
			}
			snap.Call("delete", jsKeyRange.Call("bound", len(chunks), maxChunks))
			snap.Call("put", hdr, digHeaderKey)
			if through > 0 {
				dig.Call("delete", jsKeyRange.Call("upperBound", through))
			}
		})
		return nil
	})
	if err != nil {
		return 0, err
	}
	return epoch, nil
}

// startDigests gives a store that has no digests yet and no records an
// empty snapshot, so that its first read does not rebuild: a tablet's
// first sync writes the journal from the start. (A store with records and
// no snapshot, from before digests or another digester version, is
// rebuilt by the first read.)
func (s *idbStore) startDigests(ctx context.Context) error {
	if s.dg == nil {
		return nil
	}
	hdr := jsObject.New()
	hdr.Set("v", s.dg.Version)
	hdr.Set("e", newEpoch())
	hdr.Set("t", 0)
	hdr.Set("n", 0)
	return s.write(ctx, "start digests", []string{storeRecs, storeDigSnap}, relaxed, func(t *tx) error {
		snap := t.t.Call("objectStore", storeDigSnap)
		t.on(snap.Call("get", digHeaderKey), func(h js.Value) {
			if readDigHeader(h).ok {
				return
			}
			t.on(t.t.Call("objectStore", storeRecs).Call("count"), func(n js.Value) {
				if n.Int() == 0 {
					snap.Call("put", hdr, digHeaderKey)
				}
			})
		})
		return nil
	})
}

// rebuildDigests computes every digest from the records (a new store, or a
// new digester version) and writes them as the snapshot. When they cannot
// be written it returns them with errNotFolded.
func (s *idbStore) rebuildDigests(ctx context.Context) ([]Digest, error) {
	var hreq, keys, vals, jkeys js.Value
	if err := s.read(ctx, "rebuild digests", []string{storeRecs, storeDig, storeDigSnap}, func(t *tx) error {
		hreq = t.t.Call("objectStore", storeDigSnap).Call("get", digHeaderKey)
		recs := t.t.Call("objectStore", storeRecs)
		keys, vals = recs.Call("getAllKeys"), recs.Call("getAll")
		jkeys = t.t.Call("objectStore", storeDig).Call("getAllKeys")
		return nil
	}); err != nil {
		return nil, err
	}
	keys, vals, jkeys = keys.Get("result"), vals.Get("result"), jkeys.Get("result")
	recs := make([]*sync.Record, 0, keys.Length())
	for i := range keys.Length() {
		id := keys.Index(i).String()
		r, err := s.openRecord(id, vals.Index(i))
		if err != nil {
			return nil, &Error{Op: "rebuild digests: read record " + id, Err: err}
		}
		recs = append(recs, r)
	}
	state := map[sync.RecID]Digest{}
	applyDigests(state, digestBatch(s.dg, recs, nil))
	through := int64(0)
	if n := jkeys.Length(); n > 0 {
		through = int64(jkeys.Index(n - 1).Float())
	}
	all := sortedDigests(state)
	_, err := s.foldDigests(ctx, readDigHeader(hreq.Get("result")), all, through)
	if err != nil && !errors.Is(err, errStale) {
		return all, fmt.Errorf("%w: %w", errNotFolded, err)
	}
	return all, err
}
