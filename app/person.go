package app

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/account"
	"jiuzhu/app/syncer"
	"jiuzhu/shared/api"
	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// Personal information law (PIPL): an ID number is shown masked until the
// worker asks for it in full, and that view is recorded as an audit record
// on the tablet (synced like any record, so offline views are audited
// too); a person's data can be printed or saved for them (right of access,
// also audited); every record's corrections can be seen with who made them
// (the field history the server keeps).

// auditEdits are the edits that append an audit record about target (in
// root) by me: action, and a detail for people.
func auditEdits(root, target sync.RecID, me, action, detail string, now time.Time) []sync.Edit {
	t, _ := registry.Type(model.TypeAudit)
	id := newRecID(model.TypeAudit)
	edits := append(newRecordEdits(t, id, root, target, me),
		sync.Edit{Rec: id, Field: "at", Value: model.Str(now.UTC().Format(time.RFC3339))},
		sync.Edit{Rec: id, Field: "action", Value: model.Str(action)},
		sync.Edit{Rec: id, Field: "target", Value: model.Str(string(target))},
	)
	if detail != "" {
		edits = append(edits, sync.Edit{Rec: id, Field: "detail", Value: model.Str(detail)})
	}
	return edits
}

// The audit actions the tablet records.
const (
	auditViewID       = "view_id_number"
	auditExportPerson = "export_person"
	auditPrintPerson  = "print_person"
)

// maskedID is an ID number's control until it is revealed: the masked
// number and a button that shows it in full (and records that it was
// seen).
func (p *recordPage) maskedID(l i18n.Lang, f *model.Field, value string) ui {
	id := formID("f-", f.Name)
	s, _ := model.AsString(value)
	return goapp.Div().Class("jz-field").DataSet("field", f.Name).Body(
		goapp.Span().Class("jz-label").ID(id+"-label").Text(controlLabel(l, f)),
		goapp.Output().ID(id+"-masked").Aria("labelledby", id+"-label").Text(model.MaskID(s)),
		goapp.Button().ID(id+"-reveal").Type("button").Class("secondary").Text(i18n.T(l, i18n.PersonRevealID)).OnClick(p.onReveal),
		goapp.P().Class("jz-hint").Text(i18n.T(l, i18n.PersonRevealNote)),
	)
}

// onReveal shows the full ID number and records the view.
func (p *recordPage) onReveal(ctx goapp.Context, e goapp.Event) {
	me, _ := theDevice.User()
	l := langOf(p.lang)
	edits := auditEdits(p.root, p.id, me, auditViewID, "", time.Now())
	saveEdits(ctx, l, edits, &p.msg, func(goapp.Context) { p.revealed = true })
}

// personLinks are a saved person's right-of-access page and the history of
// corrections.
func personLinks(l i18n.Lang, id sync.RecID) ui {
	return goapp.Div().Class("jz-actions").Body(
		goapp.A().ID("person-data").Class("button secondary").Href(personDataPath+"?id="+url.QueryEscape(string(id))).Text(i18n.T(l, i18n.PersonData)),
		goapp.A().ID("record-history").Class("button secondary").Href(historyPath+"?id="+url.QueryEscape(string(id))).Text(i18n.T(l, i18n.HistoryTitle)),
	)
}

// personDataPath is a person's own data, printable and as a file (right of
// access): /person-data?id=person/…
const personDataPath = "/person-data"

// personDataPage shows everything the tablet holds about one person.
type personDataPage struct {
	goapp.Compo
	page
	id     sync.RecID
	root   sync.RecID
	recs   []*sync.Record // the person, then the records naming them
	loaded bool
	msg    string
}

func (p *personDataPage) OnMount(ctx goapp.Context) { p.mount(ctx) }

func (p *personDataPage) OnNav(ctx goapp.Context) {
	*p = personDataPage{Compo: p.Compo, page: p.page, id: sync.RecID(ctx.Page().URL().Query().Get("id"))}
	setTitle(ctx, langOf(p.lang), i18n.PersonData)
	sess, st, id := theDevice.Session(), theDevice.Store(), p.id
	if sess == nil || st == nil || id.Type() != model.TypePerson {
		p.loaded = true
		return
	}
	ctx.Async(func() {
		c := context.Background()
		r, err := sess.Record(c, id)
		if err != nil || r == nil {
			ctx.Dispatch(func(goapp.Context) { p.loaded = true })
			return
		}
		root := sync.RootOf(r)
		all, _, err := caseRecords(c, st, root)
		recs := personRecords(id, all)
		ctx.Dispatch(func(goapp.Context) {
			if p.id == id {
				p.loaded, p.root = true, root
				if err == nil {
					p.recs = recs
				}
			}
		})
	})
}

// personRecords are the person's record and every record of their case
// that names them (consents, household membership, the case whose client
// they are…), audit records left out.
func personRecords(id sync.RecID, all []*sync.Record) []*sync.Record {
	var self *sync.Record
	var out []*sync.Record
	for _, r := range all {
		if r.ID == id {
			self = r
			continue
		}
		if r.ID.Type() == model.TypeAudit {
			continue
		}
		for name := range r.Fields {
			if name == model.FieldRoot || name == model.FieldParent {
				continue
			}
			v, _ := r.Get(name)
			if v == model.Str(string(id)) || slices.Contains(listOf(v), string(id)) {
				out = append(out, r)
				break
			}
		}
	}
	if self == nil {
		return nil
	}
	return append([]*sync.Record{self}, out...)
}

// personFile is the person's data as a file: each record's type and
// fields, values as people read them.
func personFile(recs []*sync.Record, lang string, now time.Time) ([]byte, error) {
	type field struct {
		Label string `json:"label"`
		Value string `json:"value"`
	}
	type record struct {
		Type   string  `json:"type"`
		ID     string  `json:"id"`
		Fields []field `json:"fields"`
	}
	out := struct {
		Exported string   `json:"exported"`
		Records  []record `json:"records"`
	}{Exported: now.Format(time.RFC3339)}
	for _, r := range recs {
		t, ok := registry.Type(r.ID.Type())
		if !ok {
			continue
		}
		rec := record{Type: t.Label.In(lang), ID: string(r.ID)}
		for i := range t.Fields {
			f := &t.Fields[i]
			if f.Name == model.FieldRoot || f.Name == model.FieldParent {
				continue
			}
			if v, _ := r.Get(f.Name); v != "" && v != model.Null {
				rec.Fields = append(rec.Fields, field{f.Label.In(lang), registry.Format(f, v, lang, false)})
			}
		}
		out.Records = append(out.Records, rec)
	}
	return json.MarshalIndent(out, "", "  ")
}

// audit records that the person's data left the tablet (printed or saved).
func (p *personDataPage) audit(ctx goapp.Context, action string) {
	me, _ := theDevice.User()
	l := langOf(p.lang)
	saveEdits(ctx, l, auditEdits(p.root, p.id, me, action, "", time.Now()), &p.msg, func(goapp.Context) {})
}

func (p *personDataPage) onPrint(ctx goapp.Context, e goapp.Event) {
	p.audit(ctx, auditPrintPerson)
	goapp.Window().Call("print")
}

func (p *personDataPage) onDownload(ctx goapp.Context, e goapp.Event) {
	data, err := personFile(p.recs, modelLang(langOf(p.lang)), time.Now())
	if err != nil {
		return
	}
	p.audit(ctx, auditExportPerson)
	arr := goapp.Window().Get("Uint8Array").New(len(data))
	goapp.CopyBytesToJS(arr, data)
	goapp.Window().Call("jiuzhuDownload", arr, "application/json", "person-"+strings.TrimPrefix(string(p.id), model.TypePerson+"/")+".json")
}

func (p *personDataPage) Render() ui { return p.gate(p.render) }

func (p *personDataPage) render(l i18n.Lang) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	lang := modelLang(l)
	back := goapp.A().ID("record-back").Class("jz-back jz-noprint").Href(recordURL(p.id)).Text("← " + t(i18n.RecordBack))
	title := goapp.H1().ID("page-title").Text(t(i18n.PersonData))
	if !p.loaded {
		return frame(l, "/cases", back, title, goapp.P().Class("jz-hint").Text(t(i18n.AppLoading)))
	}
	if len(p.recs) == 0 {
		return frame(l, "/cases", back, goapp.H1().ID("page-title").Text(t(i18n.RecordMissing)))
	}
	body := []ui{back, title, goapp.P().Class("jz-hint").Text(t(i18n.PersonDataIntro))}
	for _, r := range p.recs {
		typ, ok := registry.Type(r.ID.Type())
		if !ok {
			continue
		}
		var facts []ui
		for i := range typ.Fields {
			f := &typ.Fields[i]
			if f.Name == model.FieldRoot || f.Name == model.FieldParent {
				continue
			}
			v, _ := r.Get(f.Name)
			if v == "" || v == model.Null {
				continue
			}
			facts = append(facts, goapp.Dt().Text(f.Label.In(lang)), goapp.Dd().DataSet("field", f.Name).Text(registry.Format(f, v, lang, false)))
		}
		body = append(body, goapp.Section().Class("jz-person-record").DataSet("type", r.ID.Type()).Body(
			goapp.H2().Text(typ.Label.In(lang)), goapp.Dl().Class("jz-facts").Body(facts...)))
	}
	body = append(body, goapp.Div().Class("jz-actions jz-noprint").Body(
		goapp.Button().ID("person-print").Text(t(i18n.CertPrint)).OnClick(p.onPrint),
		goapp.Button().ID("person-download").Class("secondary").Text(t(i18n.PersonDownload)).OnClick(p.onDownload),
	))
	if p.msg != "" {
		body = append(body, goapp.P().ID("person-msg").Attr("role", "status").Text(p.msg))
	}
	return frame(l, "/cases", body...)
}

// historyPath lists the corrections of a record: /history?id=…
const historyPath = "/history"

// historyPage shows every value each field of a record has had, who wrote
// it and when, from the server (the tablet keeps only the current values):
// it needs the network.
type historyPage struct {
	goapp.Compo
	page
	id      sync.RecID
	changes []api.FieldChange
	loaded  bool
	err     string
	sync    syncer.Status
}

// OnMount follows the sync status: a correction just made reaches the
// history once it is synced.
func (p *historyPage) OnMount(ctx goapp.Context) {
	p.mount(ctx)
	ctx.ObserveState(stateSync, &p.sync).OnChange(func() { p.load(ctx) })
}

func (p *historyPage) OnNav(ctx goapp.Context) {
	*p = historyPage{Compo: p.Compo, page: p.page, id: sync.RecID(ctx.Page().URL().Query().Get("id")), sync: p.sync}
	setTitle(ctx, langOf(p.lang), i18n.HistoryTitle)
	p.load(ctx)
}

func (p *historyPage) load(ctx goapp.Context) {
	token, id := theDevice.Token(), p.id
	if token == "" {
		p.loaded = true
		return
	}
	l := langOf(p.lang)
	ctx.Async(func() {
		var changes []api.FieldChange
		err := account.GetJSON(context.Background(), "/api/history/"+string(id), token, &changes)
		ctx.Dispatch(func(goapp.Context) {
			if p.id != id {
				return
			}
			p.loaded, p.changes = true, changes
			if err != nil {
				p.err = apiErrorText(l, err)
			}
		})
	})
}

// apiErrorText says why a server call failed, in l.
func apiErrorText(l i18n.Lang, err error) string {
	var ae *account.APIError
	switch {
	case err == account.ErrNetwork:
		return i18n.T(l, i18n.HistoryOffline)
	case errors.As(err, &ae) && l == i18n.EN:
		return ae.Body.En
	case errors.As(err, &ae):
		return ae.Body.Message
	}
	return err.Error()
}

func (p *historyPage) Render() ui { return p.gate(p.render) }

func (p *historyPage) render(l i18n.Lang) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	lang := modelLang(l)
	back := goapp.A().ID("record-back").Class("jz-back").Href(recordURL(p.id)).Text("← " + t(i18n.RecordBack))
	body := []ui{back, goapp.H1().ID("page-title").Text(t(i18n.HistoryTitle))}
	switch {
	case !p.loaded:
		return frame(l, "/cases", append(body, goapp.P().Class("jz-hint").Text(t(i18n.AppLoading)))...)
	case p.err != "":
		return frame(l, "/cases", append(body, goapp.P().ID("history-error").Class("jz-error").Text(p.err))...)
	}
	typ, _ := registry.Type(p.id.Type())
	rows := []ui{goapp.Tr().Body(goapp.Th().Text(t(i18n.HistoryField)), goapp.Th().Text(t(i18n.HistoryValue)),
		goapp.Th().Text(t(i18n.HistoryBy)), goapp.Th().Text(t(i18n.HistoryAt)))}
	for _, c := range p.changes {
		if c.Field == model.FieldRoot || c.Field == model.FieldParent {
			continue
		}
		label, shown := c.Field, c.Value
		if typ != nil {
			if f, ok := typ.Field(c.Field); ok {
				label, shown = f.Label.In(lang), orDash(registry.Format(f, c.Value, lang, false))
			}
		}
		rows = append(rows, goapp.Tr().DataSet("field", c.Field).Body(goapp.Td().Text(label), goapp.Td().Text(shown),
			goapp.Td().Text(orDash(c.ByName)), goapp.Td().Text(c.At.Local().Format("2006-01-02 15:04"))))
	}
	body = append(body, goapp.Table().ID("history-table").Class("jz-compare").Body(goapp.TBody().Body(rows...)))
	return frame(l, "/cases", body...)
}
