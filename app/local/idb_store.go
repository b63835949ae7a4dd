//go:build js && wasm

package local

import (
	"context"
	"slices"
	"strings"
	stdsync "sync"
	"syscall/js"

	"jiuzhu/shared/sync"
)

// The user's database. Object stores:
//
//	recs      key: record id;          value {v: sealed record, r: root id (absent if none)}; index "root" on r
//	outbox    key: auto-increment;      value {o: op "device:counter", v: sealed change};   unique index "op" on o
//	rejected  key: auto-increment;      value {o: op, v: sealed rejected change};             index "op" on o
//	meta      key: "meta";              value: sealed ClientMeta
//	dig, digsnap                        the digests (see idb_digest.go)
//	blobs, blobq                        photos' bytes and the upload queue (see idb_blob.go)
//
// Keys, roots and ops are ids without personal data; everything else is
// sealed with the data key, bound to its key (see sealer). Blobs are keyed
// by a keyed hash of their name (see blobKeyer).
const (
	storeRecs     = "recs"
	storeOutbox   = "outbox"
	storeRejected = "rejected"
	storeMeta     = "meta"
	metaKey       = "meta"
)

// userDBMigrations[v] upgrades a user's database from version v to v+1.
// Existing data is kept: a migration only adds object stores and indexes.
var userDBMigrations = [...]func(db js.Value){
	func(db js.Value) { // 1: records, outbox, rejected changes, meta
		recs := db.Call("createObjectStore", storeRecs)
		recs.Call("createIndex", "root", "r")
		db.Call("createObjectStore", storeOutbox, autoIncrement()).Call("createIndex", "op", "o", unique())
		db.Call("createObjectStore", storeRejected, autoIncrement()).Call("createIndex", "op", "o")
		db.Call("createObjectStore", storeMeta)
	},
	func(db js.Value) { // 2: digests
		db.Call("createObjectStore", storeDig, autoIncrement())
		db.Call("createObjectStore", storeDigSnap)
	},
	func(db js.Value) { // 3: blobs
		db.Call("createObjectStore", storeBlobs)
		db.Call("createObjectStore", storeBlobQ, autoIncrement()).Call("createIndex", "k", "k", unique())
	},
}

// dbVersion is the version of the user's database this code writes.
const dbVersion = len(userDBMigrations)

// upgradeUserDB returns the upgrade to version (at most dbVersion): the
// migrations from the database's version up to it, in order.
func upgradeUserDB(version int) func(db js.Value, old int) {
	return func(db js.Value, old int) {
		for v := old; v < version; v++ {
			userDBMigrations[v](db)
		}
	}
}

func autoIncrement() js.Value {
	o := jsObject.New()
	o.Set("autoIncrement", true)
	return o
}

func unique() js.Value {
	o := jsObject.New()
	o.Set("unique", true)
	return o
}

// idbStore is a user's Store in IndexedDB.
type idbStore struct {
	c        *conn
	seal     *sealer
	blobKeys blobKeyer // blob names to storage keys
	device   string
	dg       *Digester
	key      []byte // the data key, for WebCrypto (see cryptoKey)
	keyMu    stdsync.Mutex
	subtle   js.Value               // the data key imported into WebCrypto, once needed
	hook     func(op string, t *tx) // tests: called at the end of each write transaction's fill
}

// openIDBStore opens (creating or upgrading if needed) user's database
// with their data key; device is the device id a new store starts with.
func openIDBStore(ctx context.Context, user string, key []byte, device string, dg *Digester) (*idbStore, error) {
	f, err := indexedDB()
	if err != nil {
		return nil, err
	}
	return openIDBStoreIn(ctx, f, dbVersion, user, key, device, dg)
}

// openIDBStoreIn is openIDBStore in the IDBFactory f, at a version (tests:
// a storage bucket's factory, an older version).
func openIDBStoreIn(ctx context.Context, f js.Value, version int, user string, key []byte, device string, dg *Digester) (*idbStore, error) {
	s, err := newSealer(key)
	if err != nil {
		return nil, err
	}
	bk, err := newBlobKeyer(key)
	if err != nil {
		return nil, err
	}
	c, err := openDBIn(ctx, f, DBName(user), version, upgradeUserDB(version))
	if err != nil {
		return nil, err
	}
	st := &idbStore{c: c, seal: s, blobKeys: bk, device: device, dg: dg, key: key}
	// Best effort: a full tablet still opens; its first digest read then
	// computes them from the records.
	st.startDigests(ctx)
	return st, nil
}

func (s *idbStore) write(ctx context.Context, op string, stores []string, durability string, fill func(t *tx) error) error {
	err := s.c.run(ctx, stores, "readwrite", durability, func(t *tx) error {
		if err := fill(t); err != nil {
			return err
		}
		if s.hook != nil {
			s.hook(op, t)
		}
		return nil
	})
	if err != nil {
		return &Error{Op: op, Err: err}
	}
	return nil
}

func (s *idbStore) read(ctx context.Context, op string, stores []string, fill func(t *tx) error) error {
	if err := s.c.run(ctx, stores, "readonly", "", fill); err != nil {
		return &Error{Op: op, Err: err}
	}
	return nil
}

func opKey(o sync.Op) string { return o.String() }

// Meta implements sync.ClientStore.
func (s *idbStore) Meta(ctx context.Context) (sync.ClientMeta, error) {
	var req js.Value
	if err := s.read(ctx, "read meta", []string{storeMeta}, func(t *tx) error {
		req = t.t.Call("objectStore", storeMeta).Call("get", metaKey)
		return nil
	}); err != nil {
		return sync.ClientMeta{}, err
	}
	return s.openMeta(req.Get("result"))
}

func (s *idbStore) openMeta(v js.Value) (sync.ClientMeta, error) {
	if v.IsUndefined() {
		return sync.ClientMeta{Device: s.device}, nil
	}
	plain, err := s.seal.open(bytesFromJS(v), adMeta())
	if err != nil {
		return sync.ClientMeta{}, &Error{Op: "read meta", Err: err}
	}
	m, err := decodeMeta(plain)
	if err != nil {
		return sync.ClientMeta{}, &Error{Op: "read meta", Err: err}
	}
	return m, nil
}

func (s *idbStore) sealedMeta(m *sync.ClientMeta) js.Value {
	return bytesToJS(s.seal.seal(encodeMeta(m), adMeta()))
}

func (s *idbStore) openRecord(id string, v js.Value) (*sync.Record, error) {
	plain, err := s.seal.open(bytesFromJS(v.Get("v")), adRecord(id))
	if err != nil {
		return nil, err
	}
	return decodeRecord(sync.RecID(id), plain)
}

// sealedRecords prepares records for put, before the transaction opens.
func (s *idbStore) sealedRecords(recs []*sync.Record) []js.Value {
	out := make([]js.Value, len(recs))
	for i, r := range recs {
		o := jsObject.New()
		o.Set("v", bytesToJS(s.seal.seal(encodeRecord(r), adRecord(string(r.ID)))))
		if root := sync.RootOf(r); root != "" {
			o.Set("r", string(root))
		}
		out[i] = o
	}
	return out
}

// Records implements sync.ClientStore.
func (s *idbStore) Records(ctx context.Context, ids []sync.RecID) (map[sync.RecID]*sync.Record, error) {
	reqs := make([]js.Value, len(ids))
	if err := s.read(ctx, "read records", []string{storeRecs}, func(t *tx) error {
		st := t.t.Call("objectStore", storeRecs)
		for i, id := range ids {
			reqs[i] = st.Call("get", string(id))
		}
		return nil
	}); err != nil {
		return nil, err
	}
	out := make(map[sync.RecID]*sync.Record, len(ids))
	for i, id := range ids {
		v := reqs[i].Get("result")
		if v.IsUndefined() {
			continue
		}
		r, err := s.openRecord(string(id), v)
		if err != nil {
			return nil, &Error{Op: "read record " + string(id), Err: err}
		}
		out[id] = r
	}
	return out, nil
}

// ListType implements Store.
func (s *idbStore) ListType(ctx context.Context, typ string) ([]*sync.Record, error) {
	var keys, vals js.Value
	if err := s.read(ctx, "list "+typ, []string{storeRecs}, func(t *tx) error {
		// Every key "typ/…" sorts between "typ/" and "typ0" ('0' follows '/').
		rng := js.Global().Get("IDBKeyRange").Call("bound", typ+"/", typ+"0", false, true)
		st := t.t.Call("objectStore", storeRecs)
		keys = st.Call("getAllKeys", rng)
		vals = st.Call("getAll", rng)
		return nil
	}); err != nil {
		return nil, err
	}
	keys, vals = keys.Get("result"), vals.Get("result")
	n := keys.Length()
	out := make([]*sync.Record, 0, n)
	for i := 0; i < n; i++ {
		id := keys.Index(i).String()
		r, err := s.openRecord(id, vals.Index(i))
		if err != nil {
			return nil, &Error{Op: "read record " + id, Err: err}
		}
		out = append(out, r)
	}
	return out, nil
}

// RootRecords implements Store: the root itself and the records its
// "root" index holds.
func (s *idbStore) RootRecords(ctx context.Context, root sync.RecID) ([]*sync.Record, error) {
	var keys, vals js.Value
	if err := s.read(ctx, "read "+string(root), []string{storeRecs}, func(t *tx) error {
		idx := t.t.Call("objectStore", storeRecs).Call("index", "root")
		keys, vals = idx.Call("getAllKeys", string(root)), idx.Call("getAll", string(root))
		return nil
	}); err != nil {
		return nil, err
	}
	keys, vals = keys.Get("result"), vals.Get("result")
	out := make([]*sync.Record, 0, keys.Length())
	for i := range keys.Length() {
		id := keys.Index(i).String()
		r, err := s.openRecord(id, vals.Index(i))
		if err != nil {
			return nil, &Error{Op: "read record " + id, Err: err}
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *sync.Record) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return out, nil
}

// Recent implements Store: one read for the keys of the type (no values),
// one for the values of the newest n, which alone are decrypted.
func (s *idbStore) Recent(ctx context.Context, typ string, n int) ([]*sync.Record, int, error) {
	var keys js.Value
	if err := s.read(ctx, "count "+typ, []string{storeRecs}, func(t *tx) error {
		rng := js.Global().Get("IDBKeyRange").Call("bound", typ+"/", typ+"0", false, true)
		keys = t.t.Call("objectStore", storeRecs).Call("getAllKeys", rng)
		return nil
	}); err != nil {
		return nil, 0, err
	}
	keys = keys.Get("result")
	total := keys.Length()
	if n <= 0 || total == 0 {
		return nil, total, nil
	}
	from := keys.Index(max(0, total-n)).String()
	var vals js.Value
	if err := s.read(ctx, "recent "+typ, []string{storeRecs}, func(t *tx) error {
		rng := js.Global().Get("IDBKeyRange").Call("bound", from, typ+"0", false, true)
		st := t.t.Call("objectStore", storeRecs)
		keys = st.Call("getAllKeys", rng)
		vals = st.Call("getAll", rng)
		return nil
	}); err != nil {
		return nil, 0, err
	}
	keys, vals = keys.Get("result"), vals.Get("result")
	m := keys.Length()
	out := make([]*sync.Record, 0, m)
	for i := m - 1; i >= 0 && len(out) < n; i-- {
		id := keys.Index(i).String()
		r, err := s.openRecord(id, vals.Index(i))
		if err != nil {
			return nil, 0, &Error{Op: "read record " + id, Err: err}
		}
		out = append(out, r)
	}
	return out, total, nil
}

// Enqueue implements sync.ClientStore.
func (s *idbStore) Enqueue(ctx context.Context, meta sync.ClientMeta, changes []sync.Change) error {
	vals := make([]js.Value, len(changes))
	for i := range changes {
		op := opKey(changes[i].Op)
		o := jsObject.New()
		o.Set("o", op)
		o.Set("v", bytesToJS(s.seal.seal(encodeChange(&changes[i]), adOutbox(op))))
		vals[i] = o
	}
	m := s.sealedMeta(&meta)
	return s.write(ctx, "enqueue", []string{storeOutbox, storeMeta}, strict, func(t *tx) error {
		out := t.t.Call("objectStore", storeOutbox)
		for _, v := range vals {
			out.Call("add", v)
		}
		t.t.Call("objectStore", storeMeta).Call("put", m, metaKey)
		return nil
	})
}

// Outbox implements sync.ClientStore.
func (s *idbStore) Outbox(ctx context.Context) ([]sync.Change, error) {
	var req js.Value
	if err := s.read(ctx, "read outbox", []string{storeOutbox}, func(t *tx) error {
		req = t.t.Call("objectStore", storeOutbox).Call("getAll")
		return nil
	}); err != nil {
		return nil, err
	}
	vals := req.Get("result")
	out := make([]sync.Change, 0, vals.Length())
	for i := range vals.Length() {
		v := vals.Index(i)
		plain, err := s.seal.open(bytesFromJS(v.Get("v")), adOutbox(v.Get("o").String()))
		if err == nil {
			var c sync.Change
			if c, err = decodeChange(plain); err == nil {
				out = append(out, c)
				continue
			}
		}
		return nil, &Error{Op: "read outbox", Err: err}
	}
	return out, nil
}

// deleteOps deletes the entries of an outbox or rejected store whose op is
// in ops, inside t.
func deleteOps(t *tx, store string, ops []string) {
	st := t.t.Call("objectStore", store)
	idx := st.Call("index", "op")
	for _, op := range ops {
		t.on(idx.Call("getAllKeys", op), func(keys js.Value) {
			for i := range keys.Length() {
				st.Call("delete", keys.Index(i))
			}
		})
	}
}

// SaveAck implements sync.ClientStore.
func (s *idbStore) SaveAck(ctx context.Context, recs []*sync.Record, done []sync.Op, rejected []sync.RejectedChange) error {
	rv := s.sealedRecords(recs)
	ops := make([]string, 0, len(done)+len(rejected))
	for _, o := range done {
		ops = append(ops, opKey(o))
	}
	xv := make([]js.Value, len(rejected))
	for i := range rejected {
		op := opKey(rejected[i].Op)
		ops = append(ops, op)
		o := jsObject.New()
		o.Set("o", op)
		o.Set("v", bytesToJS(s.seal.seal(encodeRejected(&rejected[i]), adReject(op))))
		xv[i] = o
	}
	dig := s.journalDigests(recs, nil)
	return s.write(ctx, "save ack", []string{storeRecs, storeOutbox, storeRejected, storeDig}, strict, func(t *tx) error {
		dig(t)
		st := t.t.Call("objectStore", storeRecs)
		for i, r := range recs {
			st.Call("put", rv[i], string(r.ID))
		}
		deleteOps(t, storeOutbox, ops)
		rej := t.t.Call("objectStore", storeRejected)
		for _, v := range xv {
			rej.Call("add", v)
		}
		return nil
	})
}

// SavePage implements sync.ClientStore. The transaction is relaxed: a page
// lost to a power cut is lost with its cursor and pulled again.
func (s *idbStore) SavePage(ctx context.Context, meta sync.ClientMeta, recs []*sync.Record, drop []sync.RecID) error {
	rv := s.sealedRecords(recs)
	m := s.sealedMeta(&meta)
	dig := s.journalDigests(recs, drop)
	return s.write(ctx, "save page", []string{storeRecs, storeMeta, storeDig}, relaxed, func(t *tx) error {
		dig(t)
		st := t.t.Call("objectStore", storeRecs)
		for i, r := range recs {
			st.Call("put", rv[i], string(r.ID))
		}
		idx := st.Call("index", "root")
		for _, root := range drop {
			st.Call("delete", string(root))
			t.on(idx.Call("getAllKeys", string(root)), func(keys js.Value) {
				for i := range keys.Length() {
					st.Call("delete", keys.Index(i))
				}
			})
		}
		t.t.Call("objectStore", storeMeta).Call("put", m, metaKey)
		return nil
	})
}

// Rejected implements sync.ClientStore.
func (s *idbStore) Rejected(ctx context.Context) ([]sync.RejectedChange, error) {
	var req js.Value
	if err := s.read(ctx, "read rejected", []string{storeRejected}, func(t *tx) error {
		req = t.t.Call("objectStore", storeRejected).Call("getAll")
		return nil
	}); err != nil {
		return nil, err
	}
	vals := req.Get("result")
	out := make([]sync.RejectedChange, 0, vals.Length())
	for i := range vals.Length() {
		v := vals.Index(i)
		plain, err := s.seal.open(bytesFromJS(v.Get("v")), adReject(v.Get("o").String()))
		if err == nil {
			var r sync.RejectedChange
			if r, err = decodeRejected(plain); err == nil {
				out = append(out, r)
				continue
			}
		}
		return nil, &Error{Op: "read rejected", Err: err}
	}
	return out, nil
}

// DismissRejected implements sync.ClientStore.
func (s *idbStore) DismissRejected(ctx context.Context, op sync.Op) error {
	return s.write(ctx, "dismiss rejected", []string{storeRejected}, strict, func(t *tx) error {
		deleteOps(t, storeRejected, []string{opKey(op)})
		return nil
	})
}

// Wipe implements sync.ClientStore: it empties the store; the device id
// stays.
func (s *idbStore) Wipe(ctx context.Context) error {
	all := []string{storeRecs, storeOutbox, storeRejected, storeMeta, storeDig, storeDigSnap, storeBlobs, storeBlobQ}
	return s.write(ctx, "wipe", all, strict, func(t *tx) error {
		for _, name := range all {
			t.t.Call("objectStore", name).Call("clear")
		}
		return nil
	})
}

// Close implements Store.
func (s *idbStore) Close() error {
	s.c.close()
	return nil
}

var _ Store = (*idbStore)(nil)
