package server

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strings"

	"jiuzhu/server/store"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// Possible duplicates across devices: two person records with the same
// resident ID number are the same person registered twice, perhaps by two
// workers who cannot see each other's cases. When a push sets a person's
// ID number, the server looks it up in an index (by a hash of the number,
// so the index holds no ID numbers) and writes, on both records, the other
// one's id into the "duplicates" field; each worker sees the flag on their
// own record and confirms or dismisses it (not_duplicates). The ids name
// no one: a worker learns only that someone else has this number.

// idKey is the index key of a resident ID number.
func idKey(number string) string {
	h := sha256.Sum256([]byte(strings.ToUpper(number)))
	return "id:" + hex.EncodeToString(h[:16])
}

// flagDuplicates indexes the ID numbers that entries set and flags the
// person records that share one; the roots of the flagged records go into
// touched with their owners, so that their devices are told.
func (s *Server) flagDuplicates(tx store.Tx, entries []sync.Entry, touched map[sync.RecID][]string) error {
	add := map[sync.RecID][]sync.RecID{} // person → others to flag it with
	for _, e := range entries {
		if e.Rec.Type() != model.TypePerson || e.Field != "id_number" {
			continue
		}
		num, ok := sync.UnquoteJSON(e.Value)
		if !ok || len(num) != 18 {
			continue
		}
		key := idKey(num)
		if err := tx.IndexKey(key, e.Rec, true); err != nil {
			return err
		}
		others, err := tx.Keyed(key)
		if err != nil {
			return err
		}
		for _, o := range others {
			if o == e.Rec {
				continue
			}
			f, ok, err := tx.Field(o, "id_number")
			if err != nil {
				return err
			}
			if cur, _ := sync.UnquoteJSON(f.Value); !ok || !strings.EqualFold(cur, num) {
				if err := tx.IndexKey(key, o, false); err != nil { // its number changed since
					return err
				}
				continue
			}
			add[e.Rec] = append(add[e.Rec], o)
			add[o] = append(add[o], e.Rec)
		}
	}
	var edits []sync.Edit
	for _, p := range slices.Sorted(maps.Keys(add)) {
		f, _, err := tx.Field(p, "duplicates")
		if err != nil {
			return err
		}
		have, _ := model.AsList(f.Value)
		next := slices.Clone(have)
		for _, o := range add[p] {
			if !slices.Contains(next, string(o)) {
				next = append(next, string(o))
			}
		}
		if len(next) == len(have) {
			continue
		}
		slices.Sort(next)
		edits = append(edits, sync.Edit{Rec: p, Field: "duplicates", Value: model.List(next...)})
	}
	if len(edits) == 0 {
		return nil
	}
	if _, err := s.syncLog.ServerEdits(tx, s.now(), edits); err != nil {
		return err
	}
	for _, e := range edits {
		root, err := rootOf(tx, e.Rec)
		if err != nil || root == "" {
			return err
		}
		owner, err := ownerOf(tx, s.reg, root)
		if err != nil {
			return err
		}
		if owner != "" && !slices.Contains(touched[root], owner) {
			touched[root] = append(touched[root], owner)
		}
	}
	return nil
}
