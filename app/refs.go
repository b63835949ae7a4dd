package app

import (
	"context"
	"slices"

	"jiuzhu/app/caseindex"
	"jiuzhu/app/local"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// maxCaseChoices bounds the cases and clients a picker offers (the most
// recently served first); the case list's search finds the rest.
const maxCaseChoices = 500

// outside is what a record's references may name beyond its own root:
// records of other roots read from the tablet, and the caseload's cases
// and clients from the case index.
type outside struct {
	recs  []*sync.Record
	cards []caseindex.Card
}

// otherOptions reads what the reference fields of a record of typ in root
// may name outside the root: roots of other kinds (staff, volunteers,
// activities, groups) and group sessions from the store, cases and (for
// records outside a case) clients from the case index. pending is the
// outbox the caller read with the root's records (read once per page).
func otherOptions(ctx context.Context, st local.Store, typ string, root sync.RecID, pending []sync.Change) outside {
	var out outside
	t, ok := registry.Type(typ)
	if !ok {
		return out
	}
	var types []string
	needCards := false
	for _, f := range t.Fields {
		if (f.Kind != model.KindRef && f.Kind != model.KindRefs) || f.Name == model.FieldRoot || f.Name == model.FieldParent {
			continue
		}
		for _, rt := range f.Refs {
			rtt, ok := registry.Type(rt)
			switch {
			case rt == model.TypeCase || rt == model.TypePerson && root.Type() != model.TypeCase:
				needCards = true
			case ok && rtt.Root || rt == model.TypeGroupSession && root.Type() != model.TypeGroup:
				if !slices.Contains(types, rt) {
					types = append(types, rt)
				}
			}
		}
	}
	for _, rt := range types {
		recs, err := st.ListType(ctx, rt)
		if err != nil {
			continue
		}
		for _, r := range sync.WithPending(recs, pending, rt) {
			if !r.Deleted() && sync.RootOf(r) != root {
				out.recs = append(out.recs, r)
			}
		}
	}
	if needCards {
		if idx, err := theCases.refresh(ctx, st); err == nil {
			out.cards = idx.Query(caseindex.Query{Limit: maxCaseChoices}).Rows
		}
	}
	return out
}

// options lists what field f of record self may name among these.
func (o outside) options(f *model.Field, self, root sync.RecID, lang string) []refOption {
	out := refOptions(o.recs, self, f, lang)
	for _, c := range o.cards {
		if slices.Contains(f.Refs, model.TypeCase) && c.Root != root {
			label := c.Title
			if c.Client != "" {
				label += " · " + c.Client
			}
			out = append(out, refOption{id: c.Root, label: label})
		}
		if slices.Contains(f.Refs, model.TypePerson) && root.Type() != model.TypeCase && c.ClientID != "" {
			label := c.Client
			if c.IDNumber != "" {
				label += " · " + model.MaskID(c.IDNumber)
			}
			out = append(out, refOption{id: c.ClientID, label: label + " · " + c.Title})
		}
	}
	return out
}
