// Package caseindex lists and searches the cases on a device without
// decrypting their records.
//
// The device store keeps, beside each confirmed record, a small digest
// made by Digester: for a case its title, client, worker, opening date and
// categories; for a person their name, gender, ID number, phone and
// categories; for the casework records the dates that decide the case's
// stage, its risk level and what falls due. At unlock the store hands over
// every digest in one read, and an Index built from them answers the case
// list's queries — search by name, pinyin, ID number or phone; filters by
// category, stage, risk, due date and worker; four sort orders — over
// 10,000 cases in well under a frame.
//
// An Index holds one Card per case, recomputed only when a digest of that
// case changes, and with it the keys search compares against, so that a
// query is one pass over the cards in an order sorted in advance.
package caseindex

import (
	"bytes"
	"slices"
	"strings"
	stdsync "sync"

	"jiuzhu/app/local"
	"jiuzhu/shared/sync"
)

// Card is what the case list shows of one case.
type Card struct {
	Root   sync.RecID // the case record's id
	Title  string
	Client string // the client's name: the person case.client names, else the root's first person by id
	// ClientID is that person's record id ("" when the case has none).
	ClientID sync.RecID
	// IDNumber is the client's full resident ID number; lists mask it
	// (model.MaskID).
	IDNumber   string
	Phone      string
	Gender     string   // code (model list gender)
	Categories []string // target categories of the case and of its client, sorted
	Worker     string
	Opened     string // YYYY-MM-DD
	Stage      string // model.DeriveStage over the case's records
	// Risk is the risk level of the latest-dated assessment that states
	// one.
	Risk        string
	LastContact string // date of the latest service record
	// NextDue is the earliest due date among the follow-ups not yet done
	// and, while the case is not closed, its plan goals; "" for none.
	NextDue string
	// Pending reports that some record of the case has edits made on this
	// device and not yet confirmed by the server.
	Pending bool
}

// Sort orders a query's rows.
type Sort int

const (
	// SortLastContact puts the most recently served first, then the most
	// recently opened.
	SortLastContact Sort = iota
	SortOpened           // newest opened first
	SortName             // by the client's name in pinyin order
	SortDue              // earliest due first, cases with nothing due last
	sortCount
)

// Query selects, orders and pages cards. Its zero value lists the first 50
// cases, most recently served first.
type Query struct {
	// Text is search text: digits (4 or more, perhaps ending in X) match
	// the end of the client's ID number or any part of their phone; text
	// with Chinese characters matches part of the client's name or the
	// title; latin letters match the pinyin of the client's name (full
	// syllables, or any prefix of each: "zs", "zhangs" and "zhs" all find
	// 张三) or part of the title. Anything else (fewer digits, say)
	// matches part of the title or the name. Case does not matter;
	// surrounding spaces are ignored; empty matches every case.
	Text     string
	Category string // a target category code (case or client), "" any
	Stage    string // a stage code, "" any
	Risk     string // a risk level code, "" any
	DueBy    string // YYYY-MM-DD: only cases with something due on or before it
	Worker   string // the case's worker, "" any
	Sort     Sort
	Offset   int
	Limit    int // 0 (or less): 50
}

// DefaultLimit is the page size of a Query with no Limit.
const DefaultLimit = 50

// Result is one page of a query.
type Result struct {
	Rows  []Card
	Total int // cases that match, before paging
}

// Index is an in-memory index of the cases' digests. It is safe for
// concurrent use.
//
// Digests are filed by root, and found within their root by a linear
// search: roots hold a few dozen records at most, and a map by record id
// would cost a third of the time of building the index. This relies on a
// record's root never changing, which the model ensures (the root field is
// set when the record is made, and access is decided on it).
type Index struct {
	mu stdsync.RWMutex

	roots  map[sync.RecID]*rootState // by root id
	over   []*rootState              // the roots the overlay touches
	overDs []local.Digest            // the overlay as last set (a copy)
	dirty  []*rootState              // roots whose card is out of date
	// orders holds, per sort, the listed cards in that order; nil until
	// a query needs it.
	orders [sortCount][]*card
	listed int
	last   *rootState // the root root() returned last

	// Digests, roots and their record lists are carved from these, a
	// batch at a time, so that applying 60,000 digests costs a few
	// hundred allocations rather than 100,000.
	recBuf  []rec
	rootBuf []rootState
	ptrBuf  []*rec
}

// rootState is what the index knows of one root.
type rootState struct {
	id   sync.RecID
	recs []*rec // confirmed digests of its records
	// over holds the overlay's entries for this root: a digest (kind set)
	// or a removal (kind 0), at most one per record id.
	over []*rec
	// hidden reports that the overlay removed the whole root.
	hidden bool
	dirty  bool
	card   *card // nil while the root is not listed
}

// New returns an empty index.
func New() *Index {
	return &Index{roots: map[sync.RecID]*rootState{}}
}

// Reset forgets every digest and the overlay: call it before applying a
// full set (and set the overlay again after).
func (x *Index) Reset() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.roots = map[sync.RecID]*rootState{}
	x.over, x.overDs, x.dirty, x.orders, x.listed, x.last = nil, nil, nil, [sortCount][]*card{}, 0, nil
	x.recBuf, x.rootBuf, x.ptrBuf = nil, nil, nil
}

// Apply applies confirmed digests, in order: a digest replaces the
// record's previous one; Data nil (or not a digest this package reads)
// removes it; ID "" removes every digest of Root. Children may come before
// their case: they are kept, and the case is listed once its own digest
// arrives.
func (x *Index) Apply(ds []local.Digest) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if len(x.roots) == 0 && len(ds) > 1024 {
		// The full set at unlock: size the map once rather than let it
		// grow (and rehash) a dozen times.
		x.roots = make(map[sync.RecID]*rootState, len(ds)/4)
	}
	var data string // the bytes of ds[i:], copied a chunk at a time
	for i, d := range ds {
		if len(data) < len(d.Data) {
			data = copyChunk(ds[i:])
		}
		s := data[:len(d.Data)]
		data = data[len(d.Data):]
		if d.ID == "" {
			x.dropRoot(d.Root)
			continue
		}
		r := x.newRec()
		if d.Data == nil || !decode(d.ID, s, r) {
			x.recBuf = x.recBuf[:len(x.recBuf)-1] // r is not kept
			x.remove(d.ID, rootFor(d, 0))
			continue
		}
		root := rootFor(d, r.kind)
		if root == "" {
			x.recBuf = x.recBuf[:len(x.recBuf)-1]
			continue
		}
		x.put(root, r)
	}
}

// chunkSize bounds the digest bytes copied into one string.
const chunkSize = 64 << 10

// copyChunk copies the data of the first digests of ds, up to chunkSize
// bytes (and at least the first's), into one string. Decoded digests are
// substrings of it: one allocation for a thousand digests rather than one
// each, which halves the time to apply 60,000 in WebAssembly. A chunk
// lives as long as any of its digests; the store hands most digests over
// at unlock, in one batch that stays.
func copyChunk(ds []local.Digest) string {
	n := 0
	for i, d := range ds {
		if i > 0 && n+len(d.Data) > chunkSize {
			break
		}
		n += len(d.Data)
	}
	var b strings.Builder
	b.Grow(n)
	for _, d := range ds {
		if b.Len()+len(d.Data) > n {
			break
		}
		b.Write(d.Data)
	}
	return b.String()
}

// rootFor returns the root a digest files under: its Root, or for a case
// record that names none, the case itself.
func rootFor(d local.Digest, kind byte) sync.RecID {
	if d.Root != "" {
		return d.Root
	}
	if kind == kCase || d.ID.Type() == kinds[kCase].typ {
		return d.ID
	}
	return ""
}

// newRec returns a zeroed rec.
func (x *Index) newRec() *rec {
	if len(x.recBuf) == cap(x.recBuf) {
		x.recBuf = make([]rec, 0, 1024)
	}
	x.recBuf = x.recBuf[:len(x.recBuf)+1]
	r := &x.recBuf[len(x.recBuf)-1]
	*r = rec{}
	return r
}

// root returns the state of a root, made on first use. Digests come
// grouped by root, so the last one asked for is remembered.
func (x *Index) root(id sync.RecID) *rootState {
	if x.last != nil && x.last.id == id {
		return x.last
	}
	rs := x.roots[id]
	if rs == nil {
		if len(x.rootBuf) == cap(x.rootBuf) {
			x.rootBuf = make([]rootState, 0, 256)
		}
		x.rootBuf = append(x.rootBuf, rootState{id: id})
		rs = &x.rootBuf[len(x.rootBuf)-1]
		x.roots[id] = rs
	}
	x.last = rs
	return rs
}

func (x *Index) markDirty(rs *rootState) {
	if !rs.dirty {
		rs.dirty = true
		x.dirty = append(x.dirty, rs)
	}
}

// find returns the index of record id's confirmed digest in rs.recs, or -1.
func (rs *rootState) find(id sync.RecID) int {
	for i, r := range rs.recs {
		if r.id == id {
			return i
		}
	}
	return -1
}

func (x *Index) put(root sync.RecID, r *rec) {
	rs := x.root(root)
	x.markDirty(rs)
	if i := rs.find(r.id); i >= 0 {
		rs.recs[i] = r
		return
	}
	if rs.recs == nil {
		// Room for a typical case's records, carved from a shared
		// array: growing each root's slice from one would cost four
		// allocations a case.
		if len(x.ptrBuf)+rootRoom > cap(x.ptrBuf) {
			x.ptrBuf = make([]*rec, 0, 256*rootRoom)
		}
		n := len(x.ptrBuf)
		x.ptrBuf = x.ptrBuf[:n+rootRoom]
		rs.recs = x.ptrBuf[n : n : n+rootRoom]
	}
	rs.recs = append(rs.recs, r)
}

// rootRoom is how many records a root has room for before its slice
// grows.
const rootRoom = 8

// remove removes record id's digest from root; with no root given, from
// whichever root holds it.
func (x *Index) remove(id, root sync.RecID) {
	rs, i := x.locate(id, root)
	if i < 0 {
		return
	}
	last := len(rs.recs) - 1
	rs.recs[i] = rs.recs[last]
	rs.recs[last] = nil
	rs.recs = rs.recs[:last]
	x.markDirty(rs)
}

// locate finds record id's confirmed digest: in root when given, else
// (which the store never does for a record with a digest) by a search of
// every root, for the record types that have digests.
func (x *Index) locate(id, root sync.RecID) (*rootState, int) {
	if root != "" {
		rs := x.roots[root]
		if rs == nil {
			return nil, -1
		}
		return rs, rs.find(id)
	}
	if kindOf(id.Type()) == 0 {
		return nil, -1
	}
	for _, rs := range x.roots {
		if i := rs.find(id); i >= 0 {
			return rs, i
		}
	}
	return nil, -1
}

func (x *Index) dropRoot(id sync.RecID) {
	rs := x.roots[id]
	if rs == nil {
		return
	}
	clear(rs.recs)
	rs.recs = rs.recs[:0]
	x.markDirty(rs)
}

// SetOverlay sets the digests of the records this device has edited and
// not yet sent, computed with those edits applied. They take precedence
// over the confirmed digests of the same records, and mark their cases
// Pending. Each call replaces the previous overlay entirely; SetOverlay(nil)
// clears it. Entries read as in Apply: Data nil hides a record's confirmed
// digest (it was deleted here), ID "" hides its whole root.
func (x *Index) SetOverlay(ds []local.Digest) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if slices.EqualFunc(ds, x.overDs, sameDigest) {
		// The app sets the overlay on every refresh; most often it has
		// not changed, and recomputing its cards would be for nothing.
		return
	}
	x.overDs = x.overDs[:0]
	for _, d := range ds {
		d.Data = bytes.Clone(d.Data)
		x.overDs = append(x.overDs, d)
	}
	for _, rs := range x.over {
		rs.over, rs.hidden = nil, false
		x.markDirty(rs)
	}
	x.over = x.over[:0]
	touch := func(rs *rootState) {
		if len(rs.over) == 0 && !rs.hidden {
			x.over = append(x.over, rs) // the first entry for rs
		}
		x.markDirty(rs)
	}
	for _, d := range ds {
		if d.ID == "" {
			if d.Root != "" {
				rs := x.root(d.Root)
				touch(rs)
				rs.over, rs.hidden = nil, true
			}
			continue
		}
		r := &rec{}
		if d.Data == nil || !decode(d.ID, string(d.Data), r) {
			r = &rec{id: d.ID} // a removal
		}
		root := rootFor(d, r.kind)
		if root == "" {
			if rs, i := x.locate(d.ID, ""); i >= 0 {
				root = rs.id
			}
		}
		if root == "" {
			continue
		}
		rs := x.root(root)
		touch(rs)
		rs.over = setOver(rs.over, r)
	}
}

// sameDigest reports whether two overlay entries are the same. An entry
// without a root never is: where it applies depends on the confirmed
// digests, which may have changed.
func sameDigest(a, b local.Digest) bool {
	return a.Root != "" && a.ID == b.ID && a.Root == b.Root && (a.Data == nil) == (b.Data == nil) && bytes.Equal(a.Data, b.Data)
}

// setOver puts r in an overlay list, replacing an entry for the same
// record.
func setOver(list []*rec, r *rec) []*rec {
	for i, o := range list {
		if o.id == r.id {
			list[i] = r
			return list
		}
	}
	return append(list, r)
}

// Len returns the number of cases listed: those whose case record has a
// digest (and, with the overlay, is not deleted here).
func (x *Index) Len() int {
	x.mu.RLock()
	if len(x.dirty) == 0 {
		defer x.mu.RUnlock()
		return x.listed
	}
	x.mu.RUnlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	x.refresh()
	return x.listed
}

// Card returns the card of a case, and false when the case is not listed.
// Its Categories are the caller's own.
func (x *Index) Card(root sync.RecID) (Card, bool) {
	x.mu.RLock()
	if len(x.dirty) == 0 {
		defer x.mu.RUnlock()
		return x.cardOf(root)
	}
	x.mu.RUnlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	x.refresh()
	return x.cardOf(root)
}

func (x *Index) cardOf(root sync.RecID) (Card, bool) {
	rs := x.roots[root]
	if rs == nil || rs.card == nil {
		return Card{}, false
	}
	return rs.card.public(), true
}

// Query returns the page of cards q asks for, and how many match in all.
// Rows are the caller's own.
func (x *Index) Query(q Query) Result {
	s := q.Sort
	if s < 0 || s >= sortCount {
		s = SortLastContact
	}
	x.mu.RLock()
	if len(x.dirty) == 0 && x.orders[s] != nil {
		defer x.mu.RUnlock()
		return x.query(q, s)
	}
	x.mu.RUnlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	x.refresh()
	if x.orders[s] == nil {
		x.orders[s] = x.sorted(s)
	}
	return x.query(q, s)
}

// refresh recomputes the cards of dirty roots and brings the sorted orders
// up to date: by merging the changed cards in when they are few, else by
// dropping the order so the next query that needs it sorts afresh.
func (x *Index) refresh() {
	if len(x.dirty) == 0 {
		return
	}
	p := pinyinOnce()
	var added []*card
	removed := 0
	for _, rs := range x.dirty {
		rs.dirty = false
		old := rs.card
		rs.card = buildCard(p, rs)
		if old != nil {
			old.stale = true
			removed++
			x.listed--
		}
		if rs.card != nil {
			added = append(added, rs.card)
			x.listed++
		}
		if len(rs.recs) == 0 && len(rs.over) == 0 && !rs.hidden {
			delete(x.roots, rs.id)
			if x.last == rs {
				x.last = nil
			}
		}
	}
	x.dirty = x.dirty[:0]
	for s := range x.orders {
		o := x.orders[s]
		if o == nil {
			continue
		}
		if (len(added)+removed)*8 > len(o) {
			x.orders[s] = nil
			continue
		}
		x.orders[s] = mergeOrder(o, added, Sort(s))
	}
}

// sorted returns every listed card in order s.
func (x *Index) sorted(s Sort) []*card {
	// Sort keys beside pointers: comparing them needs no card, and most
	// comparisons need nothing else.
	type item struct {
		k uint64
		c *card
	}
	items := make([]item, 0, x.listed)
	for _, rs := range x.roots {
		if rs.card != nil {
			items = append(items, item{rs.card.sortKey(s), rs.card})
		}
	}
	slices.SortFunc(items, func(a, b item) int {
		if a.k != b.k {
			if a.k < b.k {
				return -1
			}
			return 1
		}
		return tie(s, a.c, b.c)
	})
	out := make([]*card, len(items))
	for i, it := range items {
		out[i] = it.c
	}
	return out
}

// mergeOrder drops the stale cards from o and merges added in.
func mergeOrder(o, added []*card, s Sort) []*card {
	cmp := compareFor(s)
	add := slices.Clone(added)
	slices.SortFunc(add, cmp)
	out := make([]*card, 0, len(o)+len(add))
	j := 0
	for _, c := range o {
		if c.stale {
			continue
		}
		for j < len(add) && cmp(add[j], c) < 0 {
			out = append(out, add[j])
			j++
		}
		out = append(out, c)
	}
	return append(out, add[j:]...)
}

// query runs q over order s; the caller holds the lock and has refreshed.
func (x *Index) query(q Query, s Sort) Result {
	m := compileMatch(q.Text)
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	offset := max(q.Offset, 0)
	var res Result
	for _, c := range x.orders[s] {
		if !c.filter(&q) || !m.match(c) {
			continue
		}
		if res.Total >= offset && len(res.Rows) < limit {
			res.Rows = append(res.Rows, c.public())
		}
		res.Total++
	}
	return res
}
