package app

import (
	"context"
	"net/url"
	"slices"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// mergePath is the page that merges two person records found to be the
// same person: /merge?a=person/…&b=person/….
const mergePath = "/merge"

// mergeURL is the address that merges person b into person a's view.
func mergeURL(a, b sync.RecID) string {
	return mergePath + "?" + url.Values{"a": {string(a)}, "b": {string(b)}}.Encode()
}

// A merge keeps both records, each in its own case (a record never moves
// between cases: its case decides who may see it). The worker chooses,
// field by field, which value is right; both records take the chosen
// values and name each other in same_person, which also settles the
// server's duplicate flag between them.

// mergeSkip are the person fields a merge does not compare.
var mergeSkip = []string{model.FieldRoot, model.FieldParent, "duplicates", "not_duplicates", "same_person"}

// mergeRow is a field the two records disagree on.
type mergeRow struct {
	field  *model.Field
	a, b   string // the values ("" or Null: empty)
	choice string // "a" or "b": the value kept unless the worker chooses
}

// mergeRows lists the fields on which person records a and b differ; the
// default choice is a's value unless it is empty.
func mergeRows(a, b map[string]string) []mergeRow {
	t, _ := registry.Type(model.TypePerson)
	var out []mergeRow
	for i := range t.Fields {
		f := &t.Fields[i]
		if slices.Contains(mergeSkip, f.Name) {
			continue
		}
		va, vb := a[f.Name], b[f.Name]
		if isEmpty(va) && isEmpty(vb) || va == vb {
			continue
		}
		choice := "a"
		if isEmpty(va) {
			choice = "b"
		}
		out = append(out, mergeRow{field: f, a: va, b: vb, choice: choice})
	}
	return out
}

func isEmpty(v string) bool { return v == "" || v == model.Null }

// mergeEdits writes the chosen value of every row to the record that does
// not have it (an empty choice keeps the value that is set), and names
// each record in the other's same_person.
func mergeEdits(a, b sync.RecID, av, bv map[string]string, rows []mergeRow, chosen func(field string) string) []sync.Edit {
	var out []sync.Edit
	for _, r := range rows {
		v := r.a
		if chosen(r.field.Name) == "b" {
			v = r.b
		}
		if isEmpty(v) { // a merge fills in, it does not erase
			v = r.a
			if isEmpty(v) {
				v = r.b
			}
		}
		if v != r.a {
			out = append(out, sync.Edit{Rec: a, Field: r.field.Name, Value: v})
		}
		if v != r.b {
			out = append(out, sync.Edit{Rec: b, Field: r.field.Name, Value: v})
		}
	}
	same := func(rec sync.RecID, vals map[string]string, other sync.RecID) {
		have, _ := model.AsList(vals["same_person"])
		if !slices.Contains(have, string(other)) {
			have = append(have, string(other))
			slices.Sort(have)
			out = append(out, sync.Edit{Rec: rec, Field: "same_person", Value: model.List(have...)})
		}
	}
	same(a, av, b)
	same(b, bv, a)
	return out
}

// mergePage compares two person records and merges them.
type mergePage struct {
	goapp.Compo
	page
	a, b   sync.RecID
	ra, rb *sync.Record
	loaded bool
	done   bool
	msg    string
}

func (p *mergePage) OnMount(ctx goapp.Context) { p.mount(ctx) }

func (p *mergePage) OnNav(ctx goapp.Context) {
	q := ctx.Page().URL().Query()
	*p = mergePage{Compo: p.Compo, page: p.page, a: sync.RecID(q.Get("a")), b: sync.RecID(q.Get("b"))}
	setTitle(ctx, langOf(p.lang), i18n.MergeTitle)
	p.load(ctx)
}

func (p *mergePage) load(ctx goapp.Context) {
	sess := theDevice.Session()
	a, b := p.a, p.b
	if sess == nil || a.Type() != model.TypePerson || b.Type() != model.TypePerson || a == b {
		p.loaded = true
		return
	}
	ctx.Async(func() {
		c := context.Background()
		ra, errA := sess.Record(c, a)
		rb, errB := sess.Record(c, b)
		ctx.Dispatch(func(goapp.Context) {
			if p.a != a || p.b != b {
				return
			}
			p.loaded = true
			if errA == nil && errB == nil {
				p.ra, p.rb = ra, rb
			}
		})
	})
}

func (p *mergePage) onMerge(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	sess := theDevice.Session()
	if sess == nil || p.ra == nil || p.rb == nil {
		return
	}
	l := langOf(p.lang)
	av, bv := recordValues(p.ra), recordValues(p.rb)
	doc := goapp.Window().Get("document")
	edits := mergeEdits(p.a, p.b, av, bv, mergeRows(av, bv), func(field string) string {
		if el := doc.Call("getElementById", "m-"+field+"-b"); el.Truthy() && el.Get("checked").Bool() {
			return "b"
		}
		return "a"
	})
	saveEdits(ctx, l, edits, &p.msg, func(ctx goapp.Context) {
		p.msg = i18n.T(l, i18n.MergeDone)
		p.load(ctx)
	})
}

func (p *mergePage) Render() ui { return p.gate(p.render) }

func (p *mergePage) render(l i18n.Lang) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	lang := modelLang(l)
	title := goapp.H1().ID("page-title").Text(t(i18n.MergeTitle))
	if !p.loaded {
		return frame(l, "/cases", title, goapp.P().Class("jz-hint").Text(t(i18n.AppLoading)))
	}
	if p.ra == nil || p.rb == nil {
		return frame(l, "/cases", title, goapp.P().ID("merge-missing").Class("jz-error").Text(t(i18n.MergeMissing)))
	}
	av, bv := recordValues(p.ra), recordValues(p.rb)
	links := goapp.Div().Class("jz-actions").Body(
		goapp.A().ID("merge-a").Class("button secondary").Href(recordURL(p.a)).Text(t(i18n.MergeThis)+" · "+recordLabel(p.ra, lang)),
		goapp.A().ID("merge-b").Class("button secondary").Href(recordURL(p.b)).Text(t(i18n.MergeOther)+" · "+recordLabel(p.rb, lang)),
	)
	body := []ui{goapp.A().ID("record-back").Class("jz-back").Href(recordURL(p.a)).Text("← " + t(i18n.RecordBack)), title}
	rows := mergeRows(av, bv)
	same := slices.Contains(listOf(av["same_person"]), string(p.b)) && slices.Contains(listOf(bv["same_person"]), string(p.a))
	if len(rows) == 0 && same {
		body = append(body, goapp.P().ID("merge-same").Text(t(i18n.MergeSame)))
		if p.msg != "" {
			body = append(body, goapp.P().ID("merge-msg").Attr("role", "status").Text(p.msg))
		}
		return frame(l, "/cases", append(body, links)...)
	}
	body = append(body, goapp.P().Class("jz-hint").Text(t(i18n.MergeIntro)))
	trs := []ui{goapp.Tr().Body(goapp.Th().Text(""), goapp.Th().Text(t(i18n.MergeThis)), goapp.Th().Text(t(i18n.MergeOther)))}
	for _, r := range rows {
		cell := func(side, v string) ui {
			id := "m-" + r.field.Name + "-" + side
			shown := registry.Format(r.field, v, lang, false)
			if shown == "" {
				shown = "—"
			}
			return goapp.Td().Body(goapp.Label().For(id).Body(
				goapp.Input().Type("radio").ID(id).Name("m-"+r.field.Name).Value(side).Checked(r.choice == side),
				goapp.Span().Text(shown),
			))
		}
		trs = append(trs, goapp.Tr().DataSet("field", r.field.Name).Body(
			goapp.Th().Attr("scope", "row").Text(r.field.Label.In(lang)), cell("a", r.a), cell("b", r.b)))
	}
	form := goapp.Form().ID("merge-form").Class("jz-form").OnSubmit(p.onMerge).Body(
		goapp.Table().ID("merge-table").Class("jz-compare").Body(goapp.TBody().Body(trs...)),
		goapp.Button().ID("merge-save").Type("submit").Text(t(i18n.MergeSave)),
	)
	body = append(body, form)
	if p.msg != "" {
		body = append(body, goapp.P().ID("merge-msg").Attr("role", "status").Text(p.msg))
	}
	return frame(l, "/cases", append(body, links)...)
}

// listOf is a list value's items (nil when empty or not a list).
func listOf(v string) []string {
	items, _ := model.AsList(v)
	return items
}
