package app

import (
	"context"
	"slices"
	"strings"

	"jiuzhu/app/local"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// caseRecords returns every record of a case as the tablet shows it: the
// confirmed ones with the tablet's unsent edits on top, records so far only
// in the outbox included, deleted ones left out; the case itself first,
// then by date (the type's first date field), then id. It also returns the
// outbox it read, for callers that need more of it.
func caseRecords(ctx context.Context, st local.Store, root sync.RecID) ([]*sync.Record, []sync.Change, error) {
	out, err := st.Outbox(ctx)
	if err != nil {
		return nil, nil, err
	}
	recs, err := st.RootRecords(ctx, root)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[sync.RecID]*sync.Record, len(recs))
	for _, r := range recs {
		byID[r.ID] = r
	}
	var missing []sync.RecID
	for _, c := range out {
		if byID[c.Rec] == nil && !slices.Contains(missing, c.Rec) {
			missing = append(missing, c.Rec)
		}
	}
	if len(missing) > 0 {
		more, err := st.Records(ctx, missing)
		if err != nil {
			return nil, nil, err
		}
		for _, id := range missing {
			r := more[id]
			if r == nil {
				r = sync.NewRecord(id)
			}
			byID[id] = r
		}
	}
	for _, c := range out {
		byID[c.Rec].Apply(sync.Entry{Change: c})
	}
	list := make([]*sync.Record, 0, len(byID))
	for _, r := range byID {
		if !r.Deleted() && (r.ID == root || sync.RootOf(r) == root) {
			list = append(list, r)
		}
	}
	slices.SortFunc(list, func(a, b *sync.Record) int {
		if a.ID == root || b.ID == root {
			return boolCmp(b.ID == root, a.ID == root)
		}
		if c := strings.Compare(recordDate(a), recordDate(b)); c != 0 {
			return c
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
	return list, out, nil
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// recordDate is the value of a record's first date field ("" if none).
func recordDate(r *sync.Record) string {
	t, ok := registry.Type(r.ID.Type())
	if !ok {
		return ""
	}
	for _, f := range t.Fields {
		if f.Kind == model.KindDate || f.Kind == model.KindDateTime {
			v, _ := r.Get(f.Name)
			s, _ := model.AsString(v)
			return s
		}
	}
	return ""
}

// recordSummary is a record's few words in a list: its first text, code or
// name field.
func recordSummary(r *sync.Record, lang string) string {
	t, ok := registry.Type(r.ID.Type())
	if !ok {
		return ""
	}
	for i := range t.Fields {
		f := &t.Fields[i]
		switch f.Kind {
		case model.KindText, model.KindLongText, model.KindCode, model.KindCodes:
		default:
			continue
		}
		if f.Signature {
			continue
		}
		v, ok := r.Get(f.Name)
		if !ok || v == model.Null {
			continue
		}
		s := registry.Format(f, v, lang, f.Kind == model.KindText && f.Sensitive && f.Name != "name")
		if len([]rune(s)) > 60 {
			s = string([]rune(s)[:60]) + "…"
		}
		return s
	}
	return ""
}
