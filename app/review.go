package app

import (
	"context"
	"slices"
	"strconv"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/syncer"
	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// registry is the model's declarations, for labels and formatting.
var registry = model.NewRegistry()

// conflictView is one unresolved conflict as the review page shows it.
type conflictView struct {
	rec    *sync.Record // the conflict record
	target sync.RecID   // the record both sides wrote
	field  string
	kind   string // sync.KindEdit or sync.KindDelete
	sides  [2]side
	winner int // index of the side in use now
}

type side struct {
	op, by, value string
}

// conflictViews turns conflict records into views: unresolved ones only,
// newest first.
func conflictViews(recs []*sync.Record) []conflictView {
	str := func(r *sync.Record, f string) string {
		v, _ := r.Get(f)
		s, _ := sync.UnquoteJSON(v)
		return s
	}
	var out []conflictView
	for _, r := range recs {
		if v, _ := r.Get(sync.ConflictResolved); v == sync.ValueTrue || r.Deleted() {
			continue
		}
		c := conflictView{rec: r, target: sync.RecID(str(r, sync.ConflictRec)), field: str(r, sync.ConflictField), kind: str(r, sync.ConflictKind)}
		va, _ := r.Get(sync.ConflictValueA)
		vb, _ := r.Get(sync.ConflictValueB)
		c.sides[0] = side{op: str(r, sync.ConflictOpA), by: str(r, sync.ConflictByA), value: va}
		c.sides[1] = side{op: str(r, sync.ConflictOpB), by: str(r, sync.ConflictByB), value: vb}
		if str(r, sync.ConflictWinner) == c.sides[0].op {
			c.winner = 0
		} else {
			c.winner = 1
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b conflictView) int { return -compareRecID(a.rec.ID, b.rec.ID) })
	return out
}

func compareRecID(a, b sync.RecID) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// fieldLabel names a record's field for people: "个案 · 个案名称".
func fieldLabel(l i18n.Lang, rec sync.RecID, field string) string {
	ml := modelLang(l)
	t, ok := registry.Type(rec.Type())
	if !ok {
		return rec.Type() + " · " + field
	}
	if field == sync.FieldDeleted {
		return t.Label.In(ml)
	}
	if f, ok := t.Field(field); ok {
		return t.Label.In(ml) + " · " + f.Label.In(ml)
	}
	return t.Label.In(ml) + " · " + field
}

// showValue renders a field's value for people; ID and phone numbers are
// masked.
func showValue(l i18n.Lang, rec sync.RecID, field, v string) string {
	if field == sync.FieldDeleted {
		if v == sync.ValueTrue {
			return i18n.T(l, i18n.ReviewDeleted)
		}
		return ""
	}
	if t, ok := registry.Type(rec.Type()); ok {
		if f, ok := t.Field(field); ok {
			return registry.Format(f, v, modelLang(l), true)
		}
	}
	return v
}

// textField reports whether a field takes free text (so a third value can
// be typed when resolving).
func textField(rec sync.RecID, field string) bool {
	t, ok := registry.Type(rec.Type())
	if !ok {
		return false
	}
	f, ok := t.Field(field)
	return ok && (f.Kind == model.KindText || f.Kind == model.KindLongText)
}

func modelLang(l i18n.Lang) string {
	if l == i18n.EN {
		return model.LangEn
	}
	return model.LangZh
}

// reviewPage shows the device's sync state, the changes the server refused
// and the conflicts to resolve.
type reviewPage struct {
	goapp.Compo
	page
	conflicts []conflictView
	rejected  []sync.RejectedChange
	edits     map[sync.RecID]string // a typed third value, by conflict
	msg       string
	me        string
	sync      syncer.Status
}

func (p *reviewPage) OnMount(ctx goapp.Context) {
	p.mount(ctx)
	p.load(ctx)
	// Every sync round may bring or settle conflicts: read them again.
	ctx.ObserveState(stateSync, &p.sync).OnChange(func() { p.load(ctx) })
}

func (p *reviewPage) OnNav(ctx goapp.Context) { setTitle(ctx, langOf(p.lang), i18n.ReviewTitle) }

// load reads conflicts and refused changes from the open store.
func (p *reviewPage) load(ctx goapp.Context) {
	readList(ctx, sync.ConflictType, 0, func(recs []*sync.Record, _ int, _ []sync.Change) {
		p.me, _ = theDevice.User()
		p.conflicts = conflictViews(recs)
	})
	if theDevice == nil || theDevice.Store() == nil {
		return
	}
	st := theDevice.Store()
	ctx.Async(func() {
		rej, err := st.Rejected(context.Background())
		if err == nil {
			ctx.Dispatch(func(goapp.Context) { p.rejected = rej })
		}
	})
}

// resolve keeps value for a conflict, as a new change that syncs.
func (p *reviewPage) resolve(ctx goapp.Context, c conflictView, value string) {
	sess := theDevice.Session()
	if sess == nil {
		p.msg = i18n.T(langOf(p.lang), i18n.ReviewLocked)
		return
	}
	me, _ := theDevice.User()
	ctx.Async(func() {
		_, err := sess.Resolve(context.Background(), me, c.rec, value)
		if err == nil {
			theDevice.Kick() // see saveEdits
		}
		ctx.Dispatch(func(ctx goapp.Context) {
			if err != nil {
				p.msg = err.Error()
				return
			}
			p.msg = i18n.T(langOf(p.lang), i18n.ReviewSaved)
			p.load(ctx)
		})
	})
}

// Handlers read what they act on from the element's data attributes:
// go-app keeps an element's first handler when it reuses the element, so
// a handler must not capture values of the render that made it.

func (p *reviewPage) onDismiss(ctx goapp.Context, e goapp.Event) {
	op, err := sync.ParseOp(ctx.JSSrc().Get("dataset").Get("op").String())
	if err == nil {
		p.dismiss(ctx, op)
	}
}

// target finds the conflict an element names (data-conflict).
func (p *reviewPage) target(ctx goapp.Context) (conflictView, bool) {
	id := sync.RecID(ctx.JSSrc().Get("dataset").Get("conflict").String())
	for _, c := range p.conflicts {
		if c.rec.ID == id {
			return c, true
		}
	}
	return conflictView{}, false
}

func (p *reviewPage) onKeep(ctx goapp.Context, e goapp.Event) {
	c, ok := p.target(ctx)
	side, err := strconv.Atoi(ctx.JSSrc().Get("dataset").Get("side").String())
	if ok && err == nil && side >= 0 && side < 2 {
		p.resolve(ctx, c, c.sides[side].value)
	}
}

func (p *reviewPage) onEditInput(ctx goapp.Context, e goapp.Event) {
	if c, ok := p.target(ctx); ok {
		if p.edits == nil {
			p.edits = map[sync.RecID]string{}
		}
		p.edits[c.rec.ID] = ctx.JSSrc().Get("value").String()
	}
}

func (p *reviewPage) onEditSave(ctx goapp.Context, e goapp.Event) {
	if c, ok := p.target(ctx); ok && p.edits[c.rec.ID] != "" {
		p.resolve(ctx, c, model.Str(p.edits[c.rec.ID]))
	}
}

func (p *reviewPage) dismiss(ctx goapp.Context, op sync.Op) {
	st := theDevice.Store()
	if st == nil {
		return
	}
	ctx.Async(func() {
		st.DismissRejected(context.Background(), op)
		ctx.Dispatch(func(ctx goapp.Context) { p.load(ctx) })
	})
}

func (p *reviewPage) Render() ui { return p.gate(p.render) }

func (p *reviewPage) render(l i18n.Lang) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	body := []ui{
		goapp.H1().ID("page-title").Text(t(i18n.ReviewTitle)),
		goapp.P().Class("jz-hint").Text(t(i18n.ReviewIntro)),
	}
	if p.msg != "" {
		body = append(body, goapp.P().ID("review-message").Attr("role", "status").Text(p.msg))
	}
	body = append(body, goapp.H2().Text(t(i18n.ReviewConflicts)))
	if len(p.conflicts) == 0 {
		body = append(body, goapp.P().Class("jz-empty").ID("no-conflicts").Text(t(i18n.ReviewNoConflict)))
	}
	for i, c := range p.conflicts {
		body = append(body, p.conflictCard(l, i, c))
	}
	body = append(body, goapp.H2().Text(t(i18n.ReviewRejected)))
	if len(p.rejected) == 0 {
		body = append(body, goapp.P().Class("jz-empty").Text(t(i18n.ReviewNoRejected)))
	}
	for _, r := range p.rejected {
		body = append(body, goapp.Div().Class("jz-card jz-rejected").Body(
			goapp.H3().Text(fieldLabel(l, r.Rec, r.Field)),
			goapp.P().Text(showValue(l, r.Rec, r.Field, r.Value)),
			goapp.P().Class("jz-error").Text(t(i18n.ReviewReason)+": "+r.Message),
			goapp.Button().Class("secondary").DataSet("op", r.Op.String()).Text(t(i18n.ReviewDismiss)).
				OnClick(p.onDismiss),
		))
	}
	return frame(l, "/review", body...)
}

func (p *reviewPage) conflictCard(l i18n.Lang, i int, c conflictView) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	sides := make([]ui, 0, 2)
	for j, s := range c.sides {
		who := s.by
		if who == p.me {
			who = t(i18n.ReviewMe)
		}
		label := t(i18n.ReviewKeep)
		if c.kind == sync.KindDelete && c.field == sync.FieldDeleted {
			if s.value == sync.ValueTrue {
				label = t(i18n.ReviewKeepDelete)
			} else {
				label = t(i18n.ReviewRestore)
			}
		}
		var winner ui = goapp.Span()
		if j == c.winner {
			winner = goapp.Strong().Class("jz-winner").Text(t(i18n.ReviewWinner))
		}
		sides = append(sides, goapp.Div().Class("jz-side").Body(
			goapp.P().Class("jz-value").Text(showValue(l, c.target, c.field, s.value)),
			goapp.P().Class("jz-hint").Text(who+" · "+s.op),
			winner,
			goapp.Button().ID("keep-"+strconv.Itoa(j)+"-"+strconv.Itoa(i)).Text(label).
				DataSet("conflict", string(c.rec.ID)).DataSet("side", strconv.Itoa(j)).OnClick(p.onKeep),
		))
	}
	card := []ui{
		goapp.H3().Text(fieldLabel(l, c.target, c.field)),
		goapp.Div().Class("jz-sides").Body(sides...),
	}
	if textField(c.target, c.field) {
		id := "edit-" + strconv.Itoa(i)
		card = append(card, goapp.Div().Class("jz-field").Body(
			goapp.Label().For(id).Text(t(i18n.ReviewEdit)),
			goapp.Input().ID(id).Type("text").DataSet("conflict", string(c.rec.ID)).OnInput(p.onEditInput),
			goapp.Button().Class("secondary").Text(t(i18n.ReviewSave)).DataSet("conflict", string(c.rec.ID)).OnClick(p.onEditSave),
		))
	}
	return goapp.Div().Class("jz-card jz-conflict").Body(card...)
}
