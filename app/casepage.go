package app

import (
	"context"
	"slices"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/syncer"
	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// casePath is the page of one case: /case?id=case/…
const casePath = "/case"

// caseURL is the address of a case's page.
func caseURL(id sync.RecID) string { return casePath + "?id=" + string(id) }

// casePage shows one case: its own fields in a form generated from the
// model, its stage, the timeline of its records with links to add more
// (see recordPage). What it shows is the case as this tablet has it:
// confirmed, with the tablet's unsent edits on top; a conflict on the case
// is named with a link to resolve it.
type casePage struct {
	goapp.Compo
	page
	id        sync.RecID
	rec       *sync.Record // nil: not on this tablet (yet)
	loaded    bool
	pending   bool
	conflicts int
	stage     string
	recs      []*sync.Record // the case's records (the case first)
	problems  map[string]string
	msg       string
	sync      syncer.Status
	pageCtx   goapp.Context // the page's own (OnNav): reloads after an action on an element that goes away
}

func (p *casePage) OnMount(ctx goapp.Context) {
	p.mount(ctx)
	ctx.ObserveState(stateSync, &p.sync).OnChange(func() { p.load(ctx) })
}

func (p *casePage) OnNav(ctx goapp.Context) {
	p.id = sync.RecID(ctx.Page().URL().Query().Get("id"))
	p.rec, p.loaded, p.problems, p.msg = nil, false, nil, ""
	p.pageCtx = ctx
	setTitle(ctx, langOf(p.lang), i18n.NavCases)
	askRole(ctx) // who may un-archive (retention.go)
	p.load(ctx)
}

// load reads the case, its pending edits and the conflicts on it.
func (p *casePage) load(ctx goapp.Context) {
	sess, st := theDevice.Session(), theDevice.Store()
	id := p.id
	if sess == nil || st == nil || id.Type() != model.TypeCase {
		p.loaded = true
		return
	}
	ctx.Async(func() {
		c := context.Background()
		recs, out, err := caseRecords(c, st, id)
		if err != nil {
			goapp.Log("jiuzhu: case:", err)
			return
		}
		var rec *sync.Record // the case comes first, unless deleted or not on the tablet
		if len(recs) > 0 && recs[0].ID == id {
			rec = recs[0]
		}
		pending := false
		for _, ch := range out {
			pending = pending || ch.Rec == id
		}
		confs, err := st.ListType(c, sync.ConflictType)
		if err != nil {
			return
		}
		n := 0
		for _, v := range conflictViews(sync.WithPending(confs, out, sync.ConflictType)) {
			if v.target == id {
				n++
			}
		}
		stage := theCases.stage(c, st, id)
		ctx.Dispatch(func(goapp.Context) {
			if p.id != id {
				return // navigated to another case meanwhile
			}
			p.rec, p.pending, p.conflicts, p.stage, p.recs, p.loaded = rec, pending, n, stage, recs, true
		})
	})
}

// onSave saves the fields that changed, once every field is valid.
func (p *casePage) onSave(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	l := langOf(p.lang)
	t, _ := registry.Type(model.TypeCase)
	sess := theDevice.Session()
	if sess == nil || p.rec == nil {
		return
	}
	edits, problems := formEdits(t, p.id, recordValues(p.rec), p.stage, modelLang(l), time.Now(), func(f *model.Field) (string, bool) {
		return readControl("f-", f)
	})
	p.problems = problems
	switch {
	case problems != nil:
		p.msg = i18n.T(l, i18n.FormFix)
		return
	case len(edits) == 0:
		p.msg = i18n.T(l, i18n.FormNoChange)
		return
	}
	saveEdits(ctx, l, edits, &p.msg, func(ctx goapp.Context) {
		p.msg = i18n.T(l, i18n.CasesSaved)
		p.load(ctx)
	})
}

// recordValues returns a record's field values by name.
func recordValues(r *sync.Record) map[string]string {
	out := make(map[string]string, len(r.Fields))
	for name := range r.Fields {
		out[name], _ = r.Get(name)
	}
	return out
}

func (p *casePage) Render() ui { return p.gate(p.render) }

func (p *casePage) render(l i18n.Lang) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	lang := modelLang(l)
	back := goapp.A().ID("case-back").Class("jz-back").Href("/cases").Text("← " + t(i18n.NavCases))
	if !p.loaded {
		return frame(l, "/cases", back, goapp.P().Class("jz-hint").Text(t(i18n.AppLoading)))
	}
	if p.rec == nil {
		return frame(l, "/cases", back, goapp.H1().ID("page-title").Text(t(i18n.CaseMissing)))
	}
	vals := recordValues(p.rec)
	title, _ := model.AsString(vals["title"])
	body := []ui{
		back,
		goapp.H1().ID("page-title").Text(title),
		goapp.P().ID("case-stage-now").Class("jz-hint").Text(t(i18n.CasesStage) + t(i18n.Colon) + registry.CodeLabel(model.ListStage, p.stage).In(lang)),
		goapp.A().ID("case-file").Class("button secondary").Href(caseFileURL(p.id)).Text(t(i18n.CaseFileLink)),
	}
	if p.conflicts > 0 {
		body = append(body, goapp.P().ID("case-conflict").Class("jz-error").Body(
			goapp.Text(t(i18n.CaseHasConflict)+" "),
			goapp.A().ID("case-conflict-link").Href("/review").Text(t(i18n.ReviewTitle)),
		))
	}
	if p.pending {
		body = append(body, goapp.P().ID("case-pending").Class("jz-pending").Text(t(i18n.CasesPending)))
	}
	archived := model.Archived(vals) // read-only (retention.go)
	if archived != "" {
		body = append(body, p.archivedBanner(l, vals)...)
	}
	ct, _ := registry.Type(model.TypeCase)
	fields := make([]ui, 0, len(ct.Fields)+1)
	for i := range ct.Fields {
		f := &ct.Fields[i]
		if f.Name == model.FieldRoot || f.Name == model.FieldParent || f.Name == model.FieldArchived {
			continue
		}
		if archived != "" {
			fields = append(fields, readOnlyField(l, "f-", f, vals[f.Name], p.recs))
			continue
		}
		fields = append(fields, caseControl(l, "f-", f, vals[f.Name], p.problems[f.Name], p.recs, p.id, nil))
	}
	if archived == "" {
		fields = append(fields, goapp.Button().ID("case-save").Type("submit").Text(t(i18n.FormSave)))
	}
	body = append(body, goapp.Form().ID("case-form").Class("jz-form").OnSubmit(p.onSave).Body(fields...))
	if p.msg != "" {
		body = append(body, goapp.P().ID("case-save-msg").Attr("role", "status").Text(p.msg))
	}
	body = append(body, p.timeline(l, lang)...)
	if archived == "" {
		body = append(body, p.archiveForm(l)...)
	}
	return frame(l, "/cases", body...)
}

// timeline lists the case's records in date order, and the records a
// worker can add: every casework record the model hangs under a case, and
// a quick home-visit service record.
func (p *casePage) timeline(l i18n.Lang, lang string) []ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	var items []ui
	for _, r := range p.recs {
		if r.ID == p.id || r.ID.Type() == model.TypeAudit { // the tablet's audit trail is not casework
			continue
		}
		items = append(items, goapp.Li().Class("jz-row").DataSet("type", r.ID.Type()).Body(
			goapp.A().Class("jz-row-link").Href(recordURL(r.ID)).Text(recordLabel(r, lang))))
	}
	out := []ui{goapp.H2().Text(t(i18n.CaseRecords))}
	if len(items) == 0 {
		out = append(out, goapp.P().Class("jz-empty").Text(t(i18n.CaseNoRecords)))
	} else {
		out = append(out, goapp.Ol().ID("case-timeline").Class("jz-rows").Body(items...))
	}
	if model.Archived(recordValues(p.rec)) != "" {
		return out // archived: nothing to add (retention.go)
	}
	adds := []ui{goapp.A().ID("add-home-visit").Class("button").Href(newRecordURL(model.TypeServiceRecord, p.id, p.id) + "&visit=home").Text(t(i18n.CaseHomeVisit))}
	for _, ct := range registry.Types() {
		if !ct.Root && slices.Contains(ct.Parents, model.TypeCase) {
			adds = append(adds, goapp.A().ID("add-"+ct.Name).Class("button secondary").Href(newRecordURL(ct.Name, p.id, p.id)).Text(t(i18n.RecordNew)+ct.Label.In(lang)))
		}
	}
	return append(out, goapp.H3().Text(t(i18n.CaseAdd)), goapp.Div().Class("jz-actions").Body(adds...))
}
