package caseindex

import (
	"encoding/binary"
	"sync/atomic"
	"testing"

	"jiuzhu/app/local"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// idSeq makes record ids that grow in creation order, as real ones do.
var idSeq atomic.Uint64

func newID(typ string) sync.RecID {
	n := idSeq.Add(1)
	var e [10]byte
	binary.BigEndian.PutUint64(e[2:], n)
	return sync.MakeRecID(typ, 1_700_000_000_000+int64(n), e)
}

// fields is a record's values as plain Go values: string (a JSON string),
// bool, []string (a list), or a raw JSON value as rawJSON(…).
type fields map[string]any

type rawJSON string

// mkRec builds a full record of type typ in root (root "" for a case: the
// case is its own root).
func mkRec(typ string, root sync.RecID, f fields) *sync.Record {
	id := newID(typ)
	return mkRecID(id, root, f)
}

func mkRecID(id sync.RecID, root sync.RecID, f fields) *sync.Record {
	r := sync.NewRecord(id)
	set := func(name, v string) { r.Fields[name] = sync.FieldState{Value: v} }
	if root == "" {
		root = id
	}
	set(sync.FieldRoot, model.Str(string(root)))
	for k, v := range f {
		switch v := v.(type) {
		case string:
			set(k, model.Str(v))
		case bool:
			set(k, model.Bool(v))
		case []string:
			set(k, model.List(v...))
		case rawJSON:
			set(k, string(v))
		}
	}
	return r
}

// digests returns the digests the store would hand over for recs.
func digests(recs ...*sync.Record) []local.Digest {
	out := make([]local.Digest, 0, len(recs))
	for _, r := range recs {
		out = append(out, local.Digest{ID: r.ID, Root: sync.RootOf(r), Data: Digest(r)})
	}
	return out
}

// aCase is a case with its client, for tests.
type aCase struct {
	kase   *sync.Record
	client *sync.Record
	recs   []*sync.Record // kase, client, then children
}

// newCase makes a case whose client has the given name, ID number and
// phone; more fields of the case record come in cf.
func newCase(title, name, idNumber, phone string, cf fields) *aCase {
	caseID := newID(model.TypeCase)
	client := mkRec(model.TypePerson, caseID, fields{"name": name, "id_number": idNumber, "phone": phone, "gender": "female"})
	f := fields{"title": title, "client": string(client.ID), "worker": "w1", "opened": "2025-01-01"}
	for k, v := range cf {
		f[k] = v
	}
	kase := mkRecID(caseID, caseID, f)
	return &aCase{kase: kase, client: client, recs: []*sync.Record{kase, client}}
}

func (c *aCase) add(typ string, f fields) *sync.Record {
	r := mkRec(typ, c.kase.ID, f)
	c.recs = append(c.recs, r)
	return r
}

func indexOf(t testing.TB, cases ...*aCase) *Index {
	t.Helper()
	x := New()
	for _, c := range cases {
		x.Apply(digests(c.recs...))
	}
	return x
}

func roots(rows []Card) []sync.RecID {
	out := make([]sync.RecID, len(rows))
	for i, c := range rows {
		out[i] = c.Root
	}
	return out
}

// recCount returns how many confirmed digests x keeps.
func recCount(x *Index) int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	n := 0
	for _, rs := range x.roots {
		n += len(rs.recs)
	}
	return n
}
