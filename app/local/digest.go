package local

import (
	"slices"
	"strings"

	"jiuzhu/shared/sync"
)

// A Digester picks from a confirmed record the little that lists and search
// need (a case's title, its client's name, the dates that decide its
// stage…), so that a screen over 10,000 cases opens without decrypting
// 10,000 records. The store keeps the digests beside the records, sealed
// like them, and hands them all over in one read (see Store.Digests).
type Digester struct {
	// Version names the digest format; when it changes, the store rebuilds
	// every digest from the records.
	Version int
	// Digest returns a record's digest, or nil when the record has none
	// (its type does not matter to any list, or it is deleted).
	Digest func(r *sync.Record) []byte
}

// A Digest is one record's digest, or a removal.
//
// ID set, Data nil: the record has no digest (any earlier one is removed).
// ID empty: every digest of the records of Root is removed (the root left
// this device's scope).
type Digest struct {
	ID   sync.RecID
	Root sync.RecID // the record's root; empty for a record without one
	Data []byte
}

// DigestPos is where a reader of Store.Digests is: pass it back to get only
// what changed since.
type DigestPos struct {
	Epoch int64
	Seq   int64
}

// compactAfter is how many journal entries (one per write) a store keeps
// beside its snapshot of digests before a full read folds them in.
const compactAfter = 64

// digestBatch returns the digests a write of recs and drop leaves: one
// entry per record (nil Data where it has none now), then one removal per
// dropped root.
func digestBatch(dg *Digester, recs []*sync.Record, drop []sync.RecID) []Digest {
	if dg == nil || dg.Digest == nil || len(recs)+len(drop) == 0 {
		return nil
	}
	out := make([]Digest, 0, len(recs)+len(drop))
	for _, r := range recs {
		out = append(out, Digest{ID: r.ID, Root: sync.RootOf(r), Data: dg.Digest(r)})
	}
	for _, root := range drop { // after the records, as the stores drop them
		out = append(out, Digest{Root: root})
	}
	return out
}

// applyDigests folds entries, in order, into state (record id → digest).
// A run of root removals costs one pass over state.
func applyDigests(state map[sync.RecID]Digest, ds []Digest) {
	for i := 0; i < len(ds); i++ {
		d := ds[i]
		switch {
		case d.ID == "":
			roots := map[sync.RecID]bool{}
			for ; i < len(ds) && ds[i].ID == ""; i++ {
				roots[ds[i].Root] = true
			}
			i--
			for id, x := range state {
				if roots[x.Root] || roots[id] {
					delete(state, id)
				}
			}
		case d.Data == nil:
			delete(state, d.ID)
		default:
			state[d.ID] = d
		}
	}
}

// sortedDigests lists state by root, then record id: the order a snapshot
// is written in, so that roots repeat next to each other.
func sortedDigests(state map[sync.RecID]Digest) []Digest {
	out := make([]Digest, 0, len(state))
	for _, d := range state {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Digest) int {
		if c := strings.Compare(string(a.Root), string(b.Root)); c != 0 {
			return c
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
	return out
}

// encodeDigests encodes a list of digests (a journal entry or a snapshot
// chunk). Data is written with its length plus one, so that nil (0) and a
// digest are told apart.
func encodeDigests(ds []Digest) []byte {
	e := enc{buf: make([]byte, 0, 16+len(ds)*64)}
	e.buf = append(e.buf, codecVersion)
	e.uv(uint64(len(ds)))
	for _, d := range ds {
		e.id(string(d.Root))
		e.str(string(d.ID))
		if d.Data == nil {
			e.uv(0)
			continue
		}
		e.uv(uint64(len(d.Data)) + 1)
		e.buf = append(e.buf, d.Data...)
	}
	return e.buf
}

// decodeDigests decodes what encodeDigests wrote. It allocates little: a
// snapshot holds tens of thousands of digests and is decoded at every
// unlock, so ids are substrings of one copy of b, and Data aliases b
// (the caller hands b over).
func decodeDigests(b []byte) ([]Digest, error) {
	d := newDec(b)
	all := string(b)
	str := func() string {
		n := d.uv()
		if d.bad || n > maxStored || n > uint64(len(b)-d.pos) {
			d.bad = true
			return ""
		}
		s := all[d.pos : d.pos+int(n)]
		d.pos += int(n)
		return s
	}
	var roots []string
	n := d.count(3)
	out := make([]Digest, 0, n)
	for i := 0; i < n && !d.bad; i++ {
		var x Digest
		if v := d.uv(); v&1 == 1 { // a root seen before in this list
			if v>>1 >= uint64(len(roots)) {
				d.bad = true
				break
			}
			x.Root = sync.RecID(roots[v>>1])
		} else if l := v >> 1; l <= maxStored && l <= uint64(len(b)-d.pos) {
			s := all[d.pos : d.pos+int(l)]
			d.pos += int(l)
			roots = append(roots, s)
			x.Root = sync.RecID(s)
		} else {
			d.bad = true
			break
		}
		x.ID = sync.RecID(str())
		if l := d.uv(); l > 0 && !d.bad {
			l--
			if l > uint64(len(b)-d.pos) {
				d.bad = true
				break
			}
			x.Data = b[d.pos : d.pos+int(l) : d.pos+int(l)]
			d.pos += int(l)
		}
		out = append(out, x)
	}
	if err := d.done(); err != nil {
		return nil, err
	}
	return out, nil
}
