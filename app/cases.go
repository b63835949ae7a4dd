package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/caseindex"
	"jiuzhu/app/local"
	"jiuzhu/app/syncer"
	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// casesPage is the worker's caseload: search as they type (name in hanzi
// or pinyin, the last digits of an ID number, a phone number), filter by
// stage and target category, the most recently served first, a page at a
// time; and a form that opens a new case. The list reads the case index
// (see caseList), so that 10,000 cases answer as fast as 100.
type casesPage struct {
	goapp.Compo
	page
	idx      *caseindex.Index
	res      caseindex.Result
	text     string
	answered string // the search text the listed result answers (none until the index has loaded)
	stage    string
	category string
	risk     string
	dueWeek  bool // only cases with a follow-up or plan goal due within 7 days (or overdue)
	sort     caseindex.Sort
	limit    int
	title    string
	msg      string
	sync     syncer.Status
}

func (p *casesPage) OnMount(ctx goapp.Context) {
	p.mount(ctx)
	p.load(ctx)
	ctx.ObserveState(stateSync, &p.sync).OnChange(func() { p.load(ctx) })
}

func (p *casesPage) OnNav(ctx goapp.Context) { setTitle(ctx, langOf(p.lang), i18n.NavCases) }

// load brings the index up to date in the background, then lists.
func (p *casesPage) load(ctx goapp.Context) {
	if theDevice == nil || theDevice.Store() == nil {
		return
	}
	st := theDevice.Store()
	ctx.Async(func() {
		idx, err := theCases.refresh(context.Background(), st)
		if err != nil {
			goapp.Log("jiuzhu: case list:", err)
			return
		}
		ctx.Dispatch(func(goapp.Context) {
			p.idx = idx
			p.query()
		})
	})
}

// query lists from the index (in memory: fast enough for every keystroke).
func (p *casesPage) query() {
	if p.idx == nil {
		return
	}
	if p.limit == 0 {
		p.limit = caseindex.DefaultLimit
	}
	q := caseindex.Query{Text: p.text, Stage: p.stage, Category: p.category, Risk: p.risk, Sort: p.sort, Limit: p.limit}
	if p.dueWeek {
		q.DueBy = time.Now().AddDate(0, 0, 7).Format(time.DateOnly)
	}
	p.res = p.idx.Query(q)
	p.answered = p.text
}

// onSearch follows the search box and the filters. The values are read
// from the elements when the event comes (see frame.go on go-app's first
// handler).
func (p *casesPage) onSearch(ctx goapp.Context, e goapp.Event) {
	read := func(id string) string {
		if el := goapp.Window().GetElementByID(id); el.Truthy() {
			return el.Get("value").String()
		}
		return ""
	}
	p.text, p.stage, p.category = read("case-search"), anyToEmpty(read("case-stage")), anyToEmpty(read("case-category"))
	p.risk = anyToEmpty(read("case-risk"))
	if n, err := strconv.Atoi(read("case-sort")); err == nil {
		p.sort = caseindex.Sort(n)
	}
	if el := goapp.Window().GetElementByID("case-due"); el.Truthy() {
		p.dueWeek = el.Get("checked").Bool()
	}
	p.limit = caseindex.DefaultLimit
	p.query()
}

func (p *casesPage) onMore(ctx goapp.Context, e goapp.Event) {
	p.limit += caseindex.DefaultLimit
	p.query()
}

// onCreate saves a new case on the tablet; "saved" shows only once the
// store has committed it.
func (p *casesPage) onCreate(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	l := langOf(p.lang)
	if el := goapp.Window().GetElementByID("case-title"); el.Truthy() {
		p.title = el.Get("value").String()
	}
	title := strings.TrimSpace(p.title)
	me, _ := theDevice.User()
	if theDevice.Session() == nil || title == "" {
		return
	}
	p.msg = "" // no earlier "saved" while this one is under way
	id := newRecID(model.TypeCase)
	saveEdits(ctx, l, []sync.Edit{
		{Rec: id, Field: sync.FieldRoot, Value: model.Str(string(id))},
		{Rec: id, Field: "title", Value: model.Str(title)},
		{Rec: id, Field: "worker", Value: model.Str(me)},
		{Rec: id, Field: "opened", Value: model.Date(time.Now())},
	}, &p.msg, func(ctx goapp.Context) {
		p.title, p.msg = "", i18n.T(l, i18n.CasesSaved)
		if el := goapp.Window().GetElementByID("case-title"); el.Truthy() {
			el.Set("value", "")
		}
		p.load(ctx)
	})
}

// newRecID makes a record id on the device: the type and a ULID.
func newRecID(typ string) sync.RecID {
	var ent [10]byte
	rand.Read(ent[:])
	return sync.MakeRecID(typ, time.Now().UnixMilli(), ent)
}

func (p *casesPage) Render() ui { return p.gate(p.render) }

func (p *casesPage) render(l i18n.Lang) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	lang := modelLang(l)
	items := make([]ui, 0, len(p.res.Rows))
	for _, c := range p.res.Rows {
		items = append(items, caseItem(l, lang, c))
	}
	count := fmt.Sprintf(t(i18n.CasesCount), p.res.Total)
	if p.idx == nil {
		count = t(i18n.AppLoading) + "…"
	}
	body := []ui{
		goapp.H1().ID("page-title").Text(t(i18n.NavCases)),
		goapp.Form().ID("case-find").Class("jz-inline-form").Attr("role", "search").OnSubmit(func(ctx goapp.Context, e goapp.Event) { e.PreventDefault() }).Body(
			goapp.Div().Class("jz-field jz-grow").Body(
				goapp.Label().For("case-search").Text(t(i18n.CasesSearch)),
				goapp.Input().ID("case-search").Type("search").Attr("autocomplete", "off").
					Attr("placeholder", t(i18n.CasesSearchHint)).OnInput(p.onSearch),
			),
			codeSelect("case-stage", t(i18n.CasesStage), t(i18n.CasesAny), model.ListStage, lang, p.onSearch),
			codeSelect("case-category", t(i18n.CasesCategory), t(i18n.CasesAny), model.ListTarget, lang, p.onSearch),
			codeSelect("case-risk", t(i18n.CasesRisk), t(i18n.CasesAny), model.ListRiskLevel, lang, p.onSearch),
			goapp.Div().Class("jz-field").Body(
				goapp.Label().For("case-sort").Text(t(i18n.CasesSort)),
				goapp.Select().ID("case-sort").OnChange(p.onSearch).Body(
					goapp.Option().Value(strconv.Itoa(int(caseindex.SortLastContact))).Text(t(i18n.CasesSortContact)),
					goapp.Option().Value(strconv.Itoa(int(caseindex.SortDue))).Text(t(i18n.CasesSortDue)),
					goapp.Option().Value(strconv.Itoa(int(caseindex.SortOpened))).Text(t(i18n.CasesSortOpened)),
					goapp.Option().Value(strconv.Itoa(int(caseindex.SortName))).Text(t(i18n.CasesSortName)),
				),
			),
			goapp.Label().Class("jz-check").For("case-due").Body(
				goapp.Input().Type("checkbox").ID("case-due").OnChange(p.onSearch),
				goapp.Span().Text(t(i18n.CasesDueWeek)),
			),
		),
		goapp.P().ID("case-count").Class("jz-hint").Attr("aria-live", "polite").DataSet("q", p.answered).Text(count),
	}
	// The results sit in one container, so that what they hold (nothing
	// while the index loads, the empty text, the list and its "more"
	// button) never shifts the new-case form below: go-app would replace
	// it, losing what the worker is typing and the save it is running.
	var results []ui
	switch {
	case p.idx == nil: // not "0 cases" while the index loads
	case len(items) == 0:
		results = append(results, goapp.P().Class("jz-empty").Text(t(i18n.SectionEmpty)))
	default:
		results = append(results, goapp.Ul().ID("case-list").Class("jz-rows").Body(items...))
		if p.res.Total > len(p.res.Rows) {
			results = append(results, goapp.Button().ID("case-more").Class("secondary").
				Text(fmt.Sprintf(t(i18n.CasesMore), len(p.res.Rows), p.res.Total)).OnClick(p.onMore))
		}
	}
	body = append(body, goapp.Div().ID("case-results").Body(results...))
	body = append(body,
		goapp.H2().Text(t(i18n.CasesNew)),
		goapp.Form().ID("case-new").Class("jz-inline-form").OnSubmit(p.onCreate).Body(
			goapp.Div().Class("jz-field").Body(
				goapp.Label().For("case-title").Text(t(i18n.CasesTitle)),
				goapp.Input().ID("case-title").Type("text").Attr("maxlength", 100).OnInput(p.ValueTo(&p.title)),
			),
			goapp.Button().ID("case-create").Type("submit").Text(t(i18n.CasesCreate)),
		),
	)
	if p.msg != "" {
		body = append(body, goapp.P().ID("case-message").Attr("role", "status").Text(p.msg))
	}
	return frame(l, "/cases", body...)
}

// caseItem is one case in the list: title and client (ID number masked),
// then stage, last contact and what is due, in words.
func caseItem(l i18n.Lang, lang string, c caseindex.Card) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	head := []ui{goapp.Strong().Text(c.Title)}
	if c.Client != "" {
		who := c.Client
		if c.IDNumber != "" {
			who += " " + model.MaskID(c.IDNumber)
		}
		head = append(head, goapp.Span().Class("jz-client").Text(" · "+who))
	}
	facts := []string{registry.CodeLabel(model.ListStage, c.Stage).In(lang)}
	if c.LastContact != "" {
		facts = append(facts, t(i18n.CasesLastContact)+" "+c.LastContact)
	} else {
		facts = append(facts, t(i18n.CasesOpened)+" "+c.Opened)
	}
	if c.NextDue != "" {
		facts = append(facts, t(i18n.CasesDue)+" "+c.NextDue)
	}
	line := []ui{goapp.Div().Body(head...), goapp.Div().Class("jz-hint").Text(strings.Join(facts, " · "))}
	if c.Pending {
		line = append(line, goapp.Span().Class("jz-pending").Text(t(i18n.CasesPending)))
	}
	return goapp.Li().Class("jz-row").DataSet("id", string(c.Root)).Body(
		goapp.A().Class("jz-row-link").Href(caseURL(c.Root)).Body(line...))
}

// anyCode is the value of a filter's "all" option (go-app leaves an empty
// value attribute out, and the option's text would be its value).
const anyCode = "*"

func anyToEmpty(v string) string {
	if v == anyCode {
		return ""
	}
	return v
}

// codeSelect is a labelled drop-down over a code list, with "any" first.
func codeSelect(id, label, any, list, lang string, onChange goapp.EventHandler) ui {
	opts := []ui{goapp.Option().Value(anyCode).Text(any)}
	if cl, ok := registry.Codes(list); ok {
		for _, c := range cl.Codes {
			opts = append(opts, goapp.Option().Value(c.Code).Text(c.Label.In(lang)))
		}
	}
	return goapp.Div().Class("jz-field").Body(
		goapp.Label().For(id).Text(label),
		goapp.Select().ID(id).OnChange(onChange).Body(opts...),
	)
}

// saveError says why something was not saved, in the interface's language.
func saveError(l i18n.Lang, err error) string {
	if errors.Is(err, local.ErrQuota) {
		return i18n.T(l, i18n.StorageFull)
	}
	return i18n.T(l, i18n.CasesNotSaved) + err.Error()
}

// saveEdits saves edits on the tablet off the UI goroutine; back on it, a
// failure goes into *msg (saveError) and a success runs saved.
func saveEdits(ctx goapp.Context, l i18n.Lang, edits []sync.Edit, msg *string, saved func(goapp.Context)) {
	saveEditsThen(ctx, l, edits, msg, func(ctx goapp.Context, ok bool) {
		if ok {
			saved(ctx)
		}
	})
}

// saveEditsThen is saveEdits with an after that runs either way (ok false:
// *msg says why). A save that commits pokes the sync loop at once, not in
// the dispatch: a worker who taps away removes the page, and go-app drops
// its dispatches.
func saveEditsThen(ctx goapp.Context, l i18n.Lang, edits []sync.Edit, msg *string, after func(ctx goapp.Context, ok bool)) {
	sess := theDevice.Session()
	me, _ := theDevice.User()
	if sess == nil {
		return
	}
	ctx.Async(func() {
		_, err := sess.Edit(context.Background(), me, edits...)
		if err == nil {
			theDevice.Kick()
		}
		ctx.Dispatch(func(ctx goapp.Context) {
			if err != nil {
				*msg = saveError(l, err)
			}
			after(ctx, err == nil)
		})
	})
}
