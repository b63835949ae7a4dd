package server

import (
	"fmt"
	"net/http"
	"slices"

	"jiuzhu/server/store"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// exportReader reads, in one transaction, the records an export needs,
// and renders them into rows with the masking decided per root.
type exportReader struct {
	tx     store.ReadTx
	reg    *model.Registry
	caller store.User
	users  map[string]store.User
	req    exportRequest

	roots   map[string][]sync.RecID // the visible roots that exist, by type
	visible map[sync.RecID]bool
	ids     map[sync.RecID][]sync.RecID // records under a root
	recs    map[sync.RecID]*rec
	full    map[sync.RecID]bool // root → written in full
	staff   map[string]string   // user id → name on their staff profile

	rows, masked int
}

// rec is one record that exists: its values and its creator.
type rec struct {
	id sync.RecID
	v  model.Values
	by string
}

func (s *Server) newExportReader(tx store.ReadTx, caller store.User, req exportRequest) (*exportReader, error) {
	list, err := s.userList(tx)
	if err != nil {
		return nil, err
	}
	byID, err := s.userMap(tx)
	if err != nil {
		return nil, err
	}
	rd := &exportReader{tx: tx, reg: s.reg, caller: caller, users: byID, req: req,
		roots: map[string][]sync.RecID{}, visible: map[sync.RecID]bool{}, ids: map[sync.RecID][]sync.RecID{},
		recs: map[sync.RecID]*rec{}, full: map[sync.RecID]bool{}}
	roots, err := visibleRoots(tx, caller, list)
	if err != nil {
		return nil, err
	}
	for _, root := range roots {
		r, err := rd.rec(root)
		if err != nil {
			return nil, err
		}
		if r == nil {
			continue
		}
		rd.visible[root] = true
		rd.roots[root.Type()] = append(rd.roots[root.Type()], root)
		if req.full {
			owner, err := ownerOf(tx, s.reg, root)
			if err != nil {
				return nil, err
			}
			o, ok := rd.users[owner]
			rd.full[root] = ok && mayReadFull(caller, o)
		}
	}
	return rd, nil
}

// rec reads a record, nil when it is unknown or deleted.
func (rd *exportReader) rec(id sync.RecID) (*rec, error) {
	if r, ok := rd.recs[id]; ok {
		return r, nil
	}
	fields, err := rd.tx.Fields(id)
	if err != nil {
		return nil, err
	}
	var r *rec
	if len(fields) > 0 && fields[sync.FieldDeleted].Value != sync.ValueTrue {
		r = &rec{id: id, v: make(model.Values, len(fields)), by: fields[sync.FieldRoot].By}
		for name, f := range fields {
			r.v[name] = f.Value
		}
	}
	rd.recs[id] = r
	return r, nil
}

// seen returns a record the caller may see (its root is visible), else
// nil: a reference to anything else shows nothing.
func (rd *exportReader) seen(id sync.RecID) (*rec, error) {
	if !id.Valid() {
		return nil, nil
	}
	r, err := rd.rec(id)
	if r == nil || err != nil {
		return nil, err
	}
	root, _ := model.AsString(r.v[sync.FieldRoot])
	if !rd.visible[sync.RecID(root)] {
		return nil, nil
	}
	return r, nil
}

// kids returns the records of the given types under root, in id order.
func (rd *exportReader) kids(root sync.RecID, types ...string) ([]*rec, error) {
	ids, ok := rd.ids[root]
	if !ok {
		var err error
		if ids, err = rd.tx.RootRecords(root); err != nil {
			return nil, err
		}
		rd.ids[root] = ids
	}
	var out []*rec
	for _, id := range ids {
		if id == root || !slices.Contains(types, id.Type()) {
			continue
		}
		r, err := rd.rec(id)
		if err != nil {
			return nil, err
		}
		if r != nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// inPeriod reports whether a day (YYYY-MM-DD) is in the asked period; with
// no period every record is, with one a record without the day is not.
func (rd *exportReader) inPeriod(day string) bool {
	if rd.req.from == "" && rd.req.to == "" {
		return true
	}
	return day != "" && (rd.req.from == "" || day >= rd.req.from) && (rd.req.to == "" || day <= rd.req.to)
}

// userName names a user: the name on their staff profile when the caller
// sees it, else their login name.
func (rd *exportReader) userName(id string) (string, error) {
	if rd.staff == nil {
		rd.staff = map[string]string{}
		for _, root := range rd.roots[model.TypeStaff] {
			r, err := rd.rec(root)
			if err != nil {
				return "", err
			}
			u, _ := model.AsString(r.v["user"])
			if n, _ := model.AsString(r.v["name"]); u != "" && n != "" {
				rd.staff[u] = n
			}
		}
	}
	if n, ok := rd.staff[id]; ok {
		return n, nil
	}
	if u, ok := rd.users[id]; ok {
		return u.Name, nil
	}
	return id, nil
}

// add appends a row to t, counting it against the limit.
func (rd *exportReader) add(t *table, key string, b *rowBuilder) error {
	if b.err != nil {
		return b.err
	}
	rd.rows++
	if b.masked {
		rd.masked++
	}
	if limit := rowLimit(); rd.rows > limit {
		return refuse(http.StatusBadRequest, "too_many_rows",
			fmt.Sprintf("导出内容超过 %d 行，请选择较短的时间段分批导出。", limit),
			fmt.Sprintf("The export would hold more than %d rows; choose a shorter period and export in parts.", limit))
	}
	t.rows = append(t.rows, row{key: key, cells: b.cells})
	return nil
}
