package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/local"
	"jiuzhu/app/syncer"
	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// caseRow is one case in the list.
type caseRow struct {
	id      sync.RecID
	title   string
	opened  string
	pending bool // changed on this tablet and not yet acknowledged
}

// caseRows turns case records (with pending edits applied) into rows, the
// newest case first.
func caseRows(recs []*sync.Record, outbox []sync.Change) []caseRow {
	pending := map[sync.RecID]bool{}
	for _, c := range outbox {
		pending[c.Rec] = true
	}
	rows := make([]caseRow, 0, len(recs))
	for _, r := range recs {
		if _, whole := r.Get(sync.FieldRoot); r.Deleted() || !whole {
			continue // deleted, or only a pending edit of a case not on this screen
		}
		title, _ := r.Get("title")
		opened, _ := r.Get("opened")
		t, _ := sync.UnquoteJSON(title)
		o, _ := sync.UnquoteJSON(opened)
		rows = append(rows, caseRow{id: r.ID, title: t, opened: o, pending: pending[r.ID]})
	}
	slices.SortFunc(rows, func(a, b caseRow) int { return -strings.Compare(string(a.id), string(b.id)) })
	return rows
}

// casesPage lists the cases on the tablet and opens a new one. (The full
// casework screens build on it.)
type casesPage struct {
	goapp.Compo
	page
	rows  []caseRow
	total int // cases on the tablet
	shown int // how many the list asks for
	title string
	msg   string
	sync  syncer.Status
}

// casesPerScreen is how many cases the list reads at a time: the newest
// first, more on request, so that 10,000 cases open as fast as 100.
const casesPerScreen = 50

func (p *casesPage) OnMount(ctx goapp.Context) {
	p.mount(ctx)
	p.load(ctx)
	ctx.ObserveState(stateSync, &p.sync).OnChange(func() { p.load(ctx) })
}

func (p *casesPage) OnNav(ctx goapp.Context) { setTitle(ctx, langOf(p.lang), i18n.NavCases) }

func (p *casesPage) load(ctx goapp.Context) {
	if p.shown == 0 {
		p.shown = casesPerScreen
	}
	readList(ctx, model.TypeCase, p.shown, func(recs []*sync.Record, total int, out []sync.Change) {
		p.rows, p.total = caseRows(recs, out), total
	})
}

func (p *casesPage) onMore(ctx goapp.Context, e goapp.Event) {
	p.shown += casesPerScreen
	p.load(ctx)
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
	sess := theDevice.Session()
	me, _ := theDevice.User()
	if sess == nil || title == "" {
		return
	}
	ctx.Async(func() {
		id := newRecID(model.TypeCase)
		_, err := sess.Edit(context.Background(), me,
			sync.Edit{Rec: id, Field: sync.FieldRoot, Value: model.Str(string(id))},
			sync.Edit{Rec: id, Field: "title", Value: model.Str(title)},
			sync.Edit{Rec: id, Field: "worker", Value: model.Str(me)},
			sync.Edit{Rec: id, Field: "opened", Value: model.Date(time.Now())},
		)
		ctx.Dispatch(func(ctx goapp.Context) {
			if err != nil {
				p.msg = saveError(l, err)
				return
			}
			p.title, p.msg = "", i18n.T(l, i18n.CasesSaved)
			if el := goapp.Window().GetElementByID("case-title"); el.Truthy() {
				el.Set("value", "")
			}
			theDevice.Kick()
			p.load(ctx)
		})
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
	items := make([]ui, 0, len(p.rows))
	for _, r := range p.rows {
		line := []ui{goapp.Strong().Text(r.title), goapp.Span().Class("jz-hint").Text(" " + t(i18n.CasesOpened) + " " + r.opened)}
		if r.pending {
			line = append(line, goapp.Span().Class("jz-pending").Text(" · "+t(i18n.CasesPending)))
		}
		items = append(items, goapp.Li().Class("jz-row").DataSet("id", string(r.id)).Body(line...))
	}
	body := []ui{
		goapp.H1().ID("page-title").Text(t(i18n.NavCases)),
		goapp.Form().ID("case-new").Class("jz-inline-form").OnSubmit(p.onCreate).Body(
			goapp.Div().Class("jz-field").Body(
				goapp.Label().For("case-title").Text(t(i18n.CasesTitle)),
				goapp.Input().ID("case-title").Type("text").Attr("maxlength", 100).OnInput(p.ValueTo(&p.title)),
			),
			goapp.Button().ID("case-create").Type("submit").Text(t(i18n.CasesNew)),
		),
	}
	if p.msg != "" {
		body = append(body, goapp.P().ID("case-message").Attr("role", "status").Text(p.msg))
	}
	if len(items) == 0 {
		body = append(body, goapp.P().Class("jz-empty").Text(t(i18n.SectionEmpty)))
	} else {
		body = append(body, goapp.Ul().ID("case-list").Class("jz-rows").Body(items...))
		if p.total > p.shown {
			body = append(body, goapp.Button().ID("case-more").Class("secondary").
				Text(fmt.Sprintf(t(i18n.CasesMore), p.shown, p.total)).OnClick(p.onMore))
		}
	}
	return frame(l, "/cases", body...)
}

// saveError says why something was not saved, in the interface's language.
func saveError(l i18n.Lang, err error) string {
	if errors.Is(err, local.ErrQuota) {
		return i18n.T(l, i18n.StorageFull)
	}
	return i18n.T(l, i18n.CasesNotSaved) + err.Error()
}
