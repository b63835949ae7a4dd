package app

import (
	"context"
	"slices"
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/syncer"
	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// sectionTypes are the root types each section lists (cases have their
// own list, reports their own page).
var sectionTypes = map[string][]string{
	"/groups":      {model.TypeGroup},
	"/community":   {model.TypeActivity},
	"/volunteers":  {model.TypeVolunteer},
	"/supervision": {model.TypeSupervision, model.TypeTraining, model.TypeStaff},
}

// sectionOf is the section a root type's records are listed in.
func sectionOf(rootType string) string {
	for path, types := range sectionTypes {
		if slices.Contains(types, rootType) {
			return path
		}
	}
	return "/cases"
}

// rootURL is the page of a root record: a case's page, or the record page
// of any other root.
func rootURL(root sync.RecID) string {
	if root.Type() == model.TypeCase {
		return caseURL(root)
	}
	return recordURL(root)
}

// sectionPage is the landing page of one part of the service: the records
// of its kinds on this tablet, newest first, with links to add one.
type sectionPage struct {
	goapp.Compo
	page
	Section Section
	lists   map[string][]*sync.Record // by type
	hours   []hoursRow                // supervision: training and supervision hours
	loaded  bool
	sync    syncer.Status
}

func (p *sectionPage) OnMount(ctx goapp.Context) {
	p.mount(ctx)
	ctx.ObserveState(stateSync, &p.sync).OnChange(func() { p.load(ctx) })
}

func (p *sectionPage) OnNav(ctx goapp.Context) {
	setTitle(ctx, langOf(p.lang), p.Section.Title)
	p.load(ctx)
}

func (p *sectionPage) load(ctx goapp.Context) {
	st := theDevice.Store()
	types := sectionTypes[p.Section.Path]
	if st == nil || len(types) == 0 {
		p.loaded = true
		return
	}
	path := p.Section.Path
	ctx.Async(func() {
		c := context.Background()
		lists := map[string][]*sync.Record{}
		out, err := st.Outbox(c)
		for _, typ := range types {
			var recs []*sync.Record
			if err == nil {
				recs, err = st.ListType(c, typ)
			}
			if err != nil {
				goapp.Log("jiuzhu: section:", err)
				return
			}
			lists[typ] = newestFirst(sync.WithPending(recs, out, typ))
		}
		var hours []hoursRow
		if path == "/supervision" {
			hours = hoursPerYear(lists[model.TypeStaff], lists[model.TypeTraining], lists[model.TypeSupervision])
		}
		ctx.Dispatch(func(goapp.Context) {
			if p.Section.Path == path {
				p.lists, p.hours, p.loaded = lists, hours, true
			}
		})
	})
}

// newestFirst orders records by their date (then id), newest first;
// records without a date (profiles) by their label.
func newestFirst(recs []*sync.Record) []*sync.Record {
	recs = slices.DeleteFunc(recs, func(r *sync.Record) bool { return r.Deleted() })
	slices.SortFunc(recs, func(a, b *sync.Record) int {
		if c := strings.Compare(recordDate(b), recordDate(a)); c != 0 {
			return c
		}
		return strings.Compare(string(b.ID), string(a.ID))
	})
	return recs
}

func (p *sectionPage) Render() ui { return p.gate(p.render) }

func (p *sectionPage) render(l i18n.Lang) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	lang := modelLang(l)
	body := []ui{
		goapp.H1().ID("page-title").Text(t(p.Section.Title)),
		goapp.P().Class("jz-hint").Text(t(p.Section.Desc)),
	}
	types := sectionTypes[p.Section.Path]
	if len(types) == 0 || !p.loaded {
		if len(types) == 0 {
			body = append(body, goapp.P().Class("jz-empty").Text(t(i18n.SectionEmpty)))
		}
		return frame(l, p.Section.Path, body...)
	}
	me, _ := theDevice.User()
	for _, typ := range types {
		tt, _ := registry.Type(typ)
		recs := p.lists[typ]
		if len(types) > 1 {
			body = append(body, goapp.H2().Text(tt.Label.In(lang)))
		}
		add := goapp.A().ID("new-" + typ).Class("button").Href(recordPath + "?new=" + typ).Text(t(i18n.RecordNew) + tt.Label.In(lang))
		if typ == model.TypeStaff { // one profile per worker: theirs
			add = goapp.A().ID("new-" + typ).Class("button").Href(recordPath + "?new=" + typ).Text(t(i18n.MyProfile))
			for _, r := range recs {
				if v, _ := r.Get("user"); v == model.Str(me) {
					add = goapp.A().ID("my-profile").Class("button secondary").Href(recordURL(r.ID)).Text(t(i18n.MyProfile))
				}
			}
		}
		body = append(body, goapp.Div().Class("jz-actions").Body(add))
		if len(recs) == 0 {
			body = append(body, goapp.P().Class("jz-empty").ID("none-"+typ).Text(t(i18n.SectionEmpty)))
			continue
		}
		rows := make([]ui, 0, len(recs))
		for _, r := range recs {
			rows = append(rows, goapp.Li().Class("jz-row").DataSet("id", string(r.ID)).Body(
				goapp.A().Class("jz-row-link").Href(recordURL(r.ID)).Text(recordLabel(r, lang))))
		}
		body = append(body, goapp.Ul().ID("list-"+typ).Class("jz-rows").Body(rows...))
	}
	if p.Section.Path == "/supervision" {
		body = append(body, hoursTable(l, p.hours))
	}
	return frame(l, p.Section.Path, body...)
}
