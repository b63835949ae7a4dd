package app

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/caseindex"
	"jiuzhu/app/syncer"
	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// recordPath is the page of one record: /record?id=… edits it;
// /record?new=TYPE&case=ROOT[&parent=ID][&visit=home] adds one to a root
// (a case, a group, an activity…); /record?new=TYPE adds a root.
const recordPath = "/record"

// newRecordURL is the address that adds a record of typ to a case.
func newRecordURL(typ string, root, parent sync.RecID) string {
	q := url.Values{"new": {typ}, "case": {string(root)}}
	if parent != "" && parent != root {
		q.Set("parent", string(parent))
	}
	return recordPath + "?" + q.Encode()
}

// recordURL is the address of a record's page.
func recordURL(id sync.RecID) string { return recordPath + "?id=" + url.QueryEscape(string(id)) }

// consentPrefix prefixes the ids of the consent controls on a new person's
// form (the person's own fields use "f-").
const consentPrefix = "c-"

// recordPage adds or edits one record of a case with a form generated from
// its type's declaration. References pick among the case's records. A new
// person is registered together with their consent: sensitive fields are
// not saved without it, and a child under 14 needs a guardian's.
type recordPage struct {
	goapp.Compo
	page
	typ      string
	id       sync.RecID
	root     sync.RecID
	parent   sync.RecID
	isNew    bool
	preset   map[string]string // a new record's first values
	rec      *sync.Record      // the record as the tablet has it (nil when new)
	recs     []*sync.Record    // the case's records
	stage    string
	loaded   bool
	fresh    bool // navigated here: the first load's controls are cleared of stale text (clearStale)
	problems map[string]string
	msg      string
	saves    int        // saves completed on this page (data-saves on the message: what a save waits for)
	attTaps  int        // attendance taps on this page (a load read before one must not undo it)
	notes    []string   // reminders after a save (late entry, possible duplicate)
	dup      string     // while typing: another case whose client has this ID number
	dupID    sync.RecID // that case's client
	merge    sync.RecID // after a save: a person on the tablet with the same ID number
	// onTablet are the people the server flagged as possible duplicates
	// that are on this tablet too (they can be compared and merged here).
	onTablet map[string]bool
	// others are what references may name outside this record's root:
	// other roots (volunteers, activities, staff…), group sessions, and
	// the cases and clients of the worker's caseload.
	others outside
	att    *attendance // a group session's attendance (nil otherwise)
	// photoMsg says what became of the last photo taken; photoStats are
	// its figures for the benchmark (bytes in, bytes kept, ms to resize,
	// ms to store).
	photoMsg, photoStats string
	revealed             bool // the full ID number was asked for (and the view recorded)
	sync                 syncer.Status
}

func (p *recordPage) OnMount(ctx goapp.Context) {
	p.mount(ctx)
	ctx.ObserveState(stateSync, &p.sync).OnChange(func() { p.load(ctx) })
}

func (p *recordPage) OnNav(ctx goapp.Context) {
	q := ctx.Page().URL().Query()
	*p = recordPage{Compo: p.Compo, page: p.page, sync: p.sync, fresh: true}
	if typ := q.Get("new"); typ != "" {
		p.typ, p.isNew = typ, true
		p.root = sync.RecID(q.Get("case"))
		p.parent = sync.RecID(q.Get("parent"))
		if p.parent == "" {
			p.parent = p.root
		}
		p.id = newRecID(typ)
		p.preset = presets(typ, q.Get("visit"), time.Now())
		if t, ok := registry.Type(typ); ok && t.Root {
			p.root, p.parent = p.id, ""
		}
	} else {
		p.id = sync.RecID(q.Get("id"))
		p.typ = p.id.Type()
	}
	setTitle(ctx, langOf(p.lang), i18n.NavCases)
	p.load(ctx)
}

// presets fills a new record's obvious values: today's date, and for a
// home visit the place and the time it started. (Never a consent's
// answers: the person gives them, the worker records them.)
func presets(typ, visit string, now time.Time) map[string]string {
	out := map[string]string{}
	t, ok := registry.Type(typ)
	if !ok {
		return out
	}
	if f, ok := t.Field("date"); ok && f.Kind == model.KindDate {
		out["date"] = model.Date(now)
	}
	if typ == model.TypeServiceRecord && visit == "home" {
		out["place"] = model.Str("home_visit")
		out["start"] = model.Str(now.Format("15:04"))
	}
	return out
}

func (p *recordPage) load(ctx goapp.Context) {
	sess, st := theDevice.Session(), theDevice.Store()
	if sess == nil || st == nil {
		p.loaded = true
		return
	}
	id, root := p.id, p.root
	// Attendance read while a tap was being saved, or before a tap since,
	// may not have it: such a load keeps the grid as the taps left it (the
	// save's own load follows).
	taps, attSettled := p.attTaps, p.att == nil || len(p.att.saving) == 0
	ctx.Async(func() {
		c := context.Background()
		if root == "" { // an existing record: its case is its root
			r, err := sess.Record(c, id)
			if err != nil || r == nil {
				ctx.Dispatch(func(goapp.Context) { p.loaded = true })
				return
			}
			root = sync.RootOf(r)
		}
		recs, pending, err := caseRecords(c, st, root)
		if err != nil {
			goapp.Log("jiuzhu: record:", err)
			return
		}
		stage := ""
		if root.Type() == model.TypeCase {
			stage = theCases.stage(c, st, root)
		}
		others := otherOptions(c, st, id.Type(), root, pending)
		onTablet := map[string]bool{}
		for _, r := range recs {
			if r.ID != id {
				continue
			}
			for _, d := range flaggedDuplicates(recordValues(r)) {
				if o, err := sess.Record(c, sync.RecID(d)); err == nil && o != nil {
					onTablet[d] = true
				}
			}
		}
		ctx.Dispatch(func(goapp.Context) {
			if p.id != id {
				return
			}
			p.root, p.recs, p.stage, p.loaded, p.onTablet, p.others = root, recs, stage, true, onTablet, others
			if p.att == nil || p.attTaps == taps && attSettled {
				p.att = takenAttendance(p.id, recs)
			}
			if i := slices.IndexFunc(recs, func(r *sync.Record) bool { return r.ID == id }); i >= 0 {
				p.rec, p.isNew = recs[i], false
				if v, ok := p.rec.Get(model.FieldParent); ok {
					s, _ := model.AsString(v)
					p.parent = sync.RecID(s)
				}
			}
			if p.fresh {
				p.fresh = false
				ctx.Defer(p.clearStale)
			}
		})
	})
}

// clearStale empties the text controls of the fields that have no value,
// once, after the first render of a record navigated to. go-app drops an
// empty value attribute instead of setting the control's value, so a
// control reused from the page before (the same field at the same place:
// a group's name, then its new member's) would keep the text it showed,
// and the worker could save it without noticing.
func (p *recordPage) clearStale(goapp.Context) {
	typ, ok := registry.Type(p.typ)
	if !ok {
		return
	}
	vals := p.values()
	doc := goapp.Window().Get("document")
	for i := range typ.Fields {
		name := typ.Fields[i].Name
		if vals[name] != "" {
			continue
		}
		el := doc.Call("getElementById", formID("f-", name))
		if !el.Truthy() {
			continue
		}
		switch el.Get("tagName").String() {
		case "INPUT", "TEXTAREA":
			switch el.Get("type").String() {
			case "checkbox", "radio", "file":
				continue
			}
			if el.Get("value").String() != "" {
				el.Set("value", "")
			}
		}
	}
}

// values returns what the form starts from: the record's values, or a new
// record's presets.
func (p *recordPage) values() map[string]string {
	if p.rec != nil {
		return recordValues(p.rec)
	}
	return p.preset
}

// refOptions lists the records of a case (recs) a reference field of
// record self may name.
func refOptions(recs []*sync.Record, self sync.RecID, f *model.Field, lang string) []refOption {
	var out []refOption
	for _, r := range recs {
		if r.ID == self || (len(f.Refs) > 0 && !slices.Contains(f.Refs, r.ID.Type())) {
			continue
		}
		out = append(out, refOption{id: r.ID, label: recordLabel(r, lang)})
	}
	return out
}

// caseControl is a field's control on a root's pages: references pick
// among the root's records and extra, the rest as fieldControl.
func caseControl(l i18n.Lang, prefix string, f *model.Field, value, problem string, recs []*sync.Record, self sync.RecID, extra []refOption) ui {
	switch f.Kind {
	case model.KindRef:
		return refControl(l, prefix, f, value, problem, append(refOptions(recs, self, f, modelLang(l)), extra...))
	case model.KindRefs:
		return refsControl(l, prefix, f, value, problem, append(refOptions(recs, self, f, modelLang(l)), extra...))
	}
	return fieldControl(l, prefix, f, value, problem)
}

// recordLabel names a record in a picker or a list: its type, date and
// summary.
func recordLabel(r *sync.Record, lang string) string {
	label := r.ID.Type()
	if t, ok := registry.Type(r.ID.Type()); ok {
		label = t.Label.In(lang)
	}
	if d := recordDate(r); d != "" {
		label += " " + d
	}
	if s := recordSummary(r, lang); s != "" {
		label += " · " + s
	}
	return label
}

// onSave validates the form and saves the record (a new person with their
// consent, and as the case's client if it has none).
func (p *recordPage) onSave(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	l := langOf(p.lang)
	lang := modelLang(l)
	t, ok := registry.Type(p.typ)
	sess := theDevice.Session()
	me, _ := theDevice.User()
	if !ok || sess == nil || !p.loaded {
		return
	}
	today := time.Now()
	read := func(prefix string) func(*model.Field) (string, bool) {
		return func(f *model.Field) (string, bool) {
			return readControl(prefix, f)
		}
	}
	current := map[string]string{}
	if p.rec != nil {
		current = recordValues(p.rec)
	}
	edits, problems := formEdits(t, p.id, current, p.stage, lang, today, read("f-"))
	if problems == nil {
		problems = map[string]string{}
	}
	if p.isNew {
		edits = append(newRecordEdits(t, p.id, p.root, p.parent, me), edits...)
	}
	if p.typ == model.TypePerson {
		edits = append(edits, derivedFromID(current, edits)...)
	}
	// Consent first: a new person's sensitive fields go with a consent.
	if p.isNew && p.typ == model.TypePerson && sensitiveIn(t, edits) {
		ct, _ := registry.Type(model.TypeConsent)
		cid := newRecID(model.TypeConsent)
		cv, cp := formEdits(ct, cid, map[string]string{"person": model.Str(string(p.id))}, "", lang, today, read(consentPrefix))
		for k, v := range cp {
			problems[consentPrefix+k] = v
		}
		if g, _ := readControl(consentPrefix, mustField(ct, "guardian")); under14(edits, today) && (g == "" || g == model.Null) {
			problems[consentPrefix+"guardian"] = i18n.T(l, i18n.RecordGuardianNeeded)
		}
		edits = append(edits, newRecordEdits(ct, cid, p.root, p.root, me)...)
		edits = append(edits, sync.Edit{Rec: cid, Field: "person", Value: model.Str(string(p.id))})
		edits = append(edits, cv...)
	}
	if p.isNew && p.typ == model.TypePerson {
		if c := p.caseRecord(); c != nil {
			if v, _ := c.Get("client"); v == "" || v == model.Null {
				edits = append(edits, sync.Edit{Rec: p.root, Field: "client", Value: model.Str(string(p.id))})
			}
		}
	}
	p.problems = problems
	if len(problems) > 0 {
		p.msg = i18n.T(l, i18n.FormFix)
		return
	}
	for k, v := range p.crossChecks(l, edits) {
		if problems[k] == "" {
			problems[k] = v
		}
	}
	if len(problems) > 0 {
		p.problems, p.msg = problems, i18n.T(l, i18n.FormFix)
		return
	}
	if missing := p.stageBlock(edits, lang, today); missing != "" {
		p.msg = missing
		return
	}
	if !p.isNew && len(edits) == 0 {
		p.msg = i18n.T(l, i18n.FormNoChange)
		return
	}
	notes, merge := p.reminders(l, edits, today)
	p.msg = "" // no earlier "saved" while this one is under way
	id := p.id
	saveEdits(ctx, l, edits, &p.msg, func(ctx goapp.Context) {
		if p.id != id {
			return // the worker has gone on to another record (go-app reused this page)
		}
		p.msg, p.notes, p.merge, p.isNew = i18n.T(l, i18n.CasesSaved), notes, merge, false
		p.saves++
		p.load(ctx)
	})
}

// flaggedDuplicates returns the people the server found with the same ID
// number that no one has yet confirmed are someone else or merged.
func flaggedDuplicates(vals map[string]string) []string {
	dups, _ := model.AsList(vals["duplicates"])
	not, _ := model.AsList(vals["not_duplicates"])
	same, _ := model.AsList(vals["same_person"])
	var out []string
	for _, d := range dups {
		if !slices.Contains(not, d) && !slices.Contains(same, d) {
			out = append(out, d)
		}
	}
	return out
}

// onNotDuplicate records that the flagged people are someone else.
func (p *recordPage) onNotDuplicate(ctx goapp.Context, e goapp.Event) {
	sess := theDevice.Session()
	if sess == nil || p.rec == nil {
		return
	}
	vals := recordValues(p.rec)
	not, _ := model.AsList(vals["not_duplicates"])
	all := append(not, flaggedDuplicates(vals)...)
	slices.Sort(all)
	l := langOf(p.lang)
	saveEdits(ctx, l, []sync.Edit{{Rec: p.id, Field: "not_duplicates", Value: model.List(slices.Compact(all)...)}}, &p.msg, func(ctx goapp.Context) {
		p.msg = i18n.T(l, i18n.CasesSaved)
		p.load(ctx)
	})
}

// onInput warns while an ID number is typed that another case on the
// tablet has a client with the same number.
func (p *recordPage) onInput(ctx goapp.Context, e goapp.Event) {
	target := e.Get("target")
	if target.Get("id").String() != formID("f-", "id_number") {
		return
	}
	p.dup, p.dupID = duplicateCase(model.Str(strings.TrimSpace(target.Get("value").String())), p.root)
}

// stageBlock says what must be filled in first when saving edits would
// move the case to a stage at which some of its records lack a field
// required from that stage on ("" when nothing blocks).
func (p *recordPage) stageBlock(edits []sync.Edit, lang string, today time.Time) string {
	if p.root.Type() != model.TypeCase {
		return "" // stages are a case's
	}
	vals := map[sync.RecID]model.Values{}
	var order []sync.RecID
	for _, r := range p.recs {
		vals[r.ID] = recordValues(r)
		order = append(order, r.ID)
	}
	for _, e := range edits {
		if vals[e.Rec] == nil {
			vals[e.Rec] = model.Values{}
			order = append(order, e.Rec)
		}
		vals[e.Rec][e.Field] = e.Value
	}
	var kids []model.Child
	for _, id := range order {
		if id != p.root {
			kids = append(kids, model.Child{Type: id.Type(), Values: vals[id]})
		}
	}
	next := model.DeriveStage(kids)
	if next == p.stage {
		return ""
	}
	var missing []string
	for _, id := range order {
		t, ok := registry.Type(id.Type())
		if !ok {
			continue
		}
		for _, pr := range registry.ValidateRecord(id.Type(), vals[id], next, today) {
			if pr.Msg.Key == model.MsgRequired {
				f, _ := t.Field(pr.Field)
				missing = append(missing, t.Label.In(lang)+"·"+f.Label.In(lang))
			}
		}
	}
	if len(missing) == 0 {
		return ""
	}
	l := i18n.ZH
	if lang == model.LangEn {
		l = i18n.EN
	}
	return fmt.Sprintf(i18n.T(l, i18n.RecordStageBlocked), registry.CodeLabel(model.ListStage, next).In(lang)) + strings.Join(missing, "、")
}

// reminders are what a worker should know after saving: a service record
// written more than 24 hours after the visit, an ID number that another
// case on the tablet already has (and that case's client, to merge with).
func (p *recordPage) reminders(l i18n.Lang, edits []sync.Edit, now time.Time) (out []string, merge sync.RecID) {
	vals := p.values()
	for _, e := range edits {
		if e.Rec == p.id {
			vals[e.Field] = e.Value
		}
	}
	if p.typ == model.TypeServiceRecord {
		d, _ := model.AsString(vals["date"])
		end, _ := model.AsString(vals["end"])
		if end == "" {
			end, _ = model.AsString(vals["start"])
		}
		if at, err := time.ParseInLocation("2006-01-02 15:04", d+" "+end, time.Local); err == nil && now.Sub(at) > 24*time.Hour {
			out = append(out, i18n.T(l, i18n.RecordLate))
		}
	}
	if p.typ == model.TypePerson {
		if dup, client := duplicateCase(vals["id_number"], p.root); dup != "" {
			same, _ := model.AsList(vals["same_person"])
			if !slices.Contains(same, string(client)) {
				out = append(out, i18n.T(l, i18n.RecordDuplicate)+dup)
				merge = client
			}
		}
	}
	return out, merge
}

// duplicateCase names another case on the tablet whose client has the ID
// number v, and that client ("" if none).
func duplicateCase(v string, root sync.RecID) (string, sync.RecID) {
	id, _ := model.AsString(v)
	idx := theCases.last.Load()
	if len(id) != 18 || idx == nil {
		return "", ""
	}
	for _, c := range idx.Query(caseindex.Query{Text: id, Limit: 5}).Rows {
		if c.Root != root && c.IDNumber == id {
			return c.Title, c.ClientID
		}
	}
	return "", ""
}

func (p *recordPage) caseRecord() *sync.Record {
	for _, r := range p.recs {
		if r.ID == p.root {
			return r
		}
	}
	return nil
}

// newRecordEdits are the edits that create a record: its root, its parent
// (children), and the user fields a new record names its creator in.
func newRecordEdits(t *model.Type, id, root, parent sync.RecID, me string) []sync.Edit {
	out := []sync.Edit{{Rec: id, Field: sync.FieldRoot, Value: model.Str(string(root))}}
	if _, ok := t.Field(model.FieldParent); ok {
		out = append(out, sync.Edit{Rec: id, Field: model.FieldParent, Value: model.Str(string(parent))})
	}
	for _, f := range t.Fields {
		if f.Kind == model.KindUser {
			out = append(out, sync.Edit{Rec: id, Field: f.Name, Value: model.Str(me)})
		}
	}
	return out
}

// derivedFromID fills a person's birth date and gender from a resident ID
// number when they are empty (GB 11643: digits 7–14 are the birth date,
// the 17th is odd for men).
func derivedFromID(current map[string]string, edits []sync.Edit) []sync.Edit {
	vals := maps.Clone(current)
	var id sync.RecID
	for _, e := range edits {
		vals[e.Field], id = e.Value, e.Rec
	}
	num, _ := model.AsString(vals["id_number"])
	birth, ok := model.IDBirthDate(num)
	if !ok {
		return nil
	}
	var out []sync.Edit
	if v := vals["birth_date"]; v == "" || v == model.Null {
		out = append(out, sync.Edit{Rec: id, Field: "birth_date", Value: model.Date(birth)})
	}
	if v := vals["gender"]; (v == "" || v == model.Null) && len(num) == 18 {
		g := "female"
		if (num[16]-'0')%2 == 1 {
			g = "male"
		}
		out = append(out, sync.Edit{Rec: id, Field: "gender", Value: model.Str(g)})
	}
	return out
}

// sensitiveIn reports whether edits set a sensitive field of t.
func sensitiveIn(t *model.Type, edits []sync.Edit) bool {
	for _, e := range edits {
		if f, ok := t.Field(e.Field); ok && (f.Sensitive || t.Sensitive) && e.Value != model.Null {
			return true
		}
	}
	return false
}

// under14 reports whether the person the edits describe is under 14 today
// (from the birth date, or the ID number's).
func under14(edits []sync.Edit, today time.Time) bool {
	birth := ""
	for _, e := range edits {
		switch e.Field {
		case "birth_date":
			birth, _ = model.AsString(e.Value)
		case "id_number":
			if birth == "" {
				s, _ := model.AsString(e.Value)
				if t, ok := model.IDBirthDate(s); ok {
					birth = t.Format(time.DateOnly)
				}
			}
		}
	}
	age, ok := model.Age(birth, today.Format(time.DateOnly))
	return ok && age < 14
}

func mustField(t *model.Type, name string) *model.Field {
	f, _ := t.Field(name)
	return f
}

func (p *recordPage) Render() ui { return p.gate(p.render) }

func (p *recordPage) render(l i18n.Lang) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	lang := modelLang(l)
	backTo := rootURL(p.root)
	switch {
	case p.root == "" || p.id == p.root:
		backTo = sectionOf(p.typ)
	case p.parent != "" && p.parent != p.root && p.root.Type() != model.TypeCase:
		backTo = recordURL(p.parent)
	}
	section := sectionOf(p.root.Type())
	back := goapp.A().ID("record-back").Class("jz-back").Href(backTo).Text("← " + t(i18n.RecordBack))
	typ, ok := registry.Type(p.typ)
	if !p.loaded {
		return frame(l, section, back, goapp.P().Class("jz-hint").Text(t(i18n.AppLoading)))
	}
	if !ok || (!p.isNew && p.rec == nil) || p.root == "" {
		return frame(l, section, back, goapp.H1().ID("page-title").Text(t(i18n.RecordMissing)))
	}
	heading := typ.Label.In(lang)
	if p.isNew {
		heading = t(i18n.RecordNew) + heading
	}
	vals := p.values()
	if b, _ := model.AsString(vals["birth_date"]); p.typ == model.TypePerson && b != "" {
		if age, ok := model.Age(b, time.Now().Format(time.DateOnly)); ok {
			heading += " · " + fmt.Sprintf(t(i18n.RecordAge), age)
		}
	}
	if d := p.archivedOn(); d != "" { // its case is archived: read-only (retention.go)
		return frame(l, section, p.archivedView(l, back, heading, typ, vals, d)...)
	}
	fields := make([]ui, 0, len(typ.Fields)+4)
	for i := range typ.Fields {
		f := &typ.Fields[i]
		switch f.Name {
		case model.FieldRoot, model.FieldParent, "duplicates", "not_duplicates", "same_person": // the flag is shown apart
			continue
		}
		if f.Kind == model.KindIDNumber && !p.isNew && !p.revealed && !isEmpty(vals[f.Name]) && p.problems[f.Name] == "" {
			fields = append(fields, p.maskedID(l, f, vals[f.Name]))
			continue
		}
		fields = append(fields, p.control(l, "f-", f, vals[f.Name], p.problems[f.Name]))
	}
	if p.isNew && p.typ == model.TypePerson {
		ct, _ := registry.Type(model.TypeConsent)
		consent := []ui{goapp.Legend().Text(ct.Label.In(lang)), goapp.P().Class("jz-hint").Text(t(i18n.RecordConsentFirst))}
		cv := presets(model.TypeConsent, "", time.Now())
		for i := range ct.Fields {
			f := &ct.Fields[i]
			switch f.Name {
			case model.FieldRoot, model.FieldParent, "person", "withdrawn":
				continue
			}
			consent = append(consent, p.control(l, consentPrefix, f, cv[f.Name], p.problems[consentPrefix+f.Name]))
		}
		fields = append(fields, goapp.FieldSet().ID("consent").Class("jz-consent").Body(consent...))
	}
	fields = append(fields, goapp.Button().ID("record-save").Type("submit").Text(t(i18n.FormSave)))
	body := []ui{back, goapp.H1().ID("page-title").Text(heading)}
	if others := flaggedDuplicates(vals); len(others) > 0 {
		flag := []ui{goapp.P().Text(fmt.Sprintf(t(i18n.RecordDupServer), len(others)))}
		for i, o := range others {
			if p.onTablet[o] {
				flag = append(flag, goapp.A().ID("merge-dup-"+strconv.Itoa(i)).Class("button secondary").Href(mergeURL(p.id, sync.RecID(o))).Text(t(i18n.MergeLink)))
			}
		}
		flag = append(flag, goapp.Button().ID("dismiss-dup").Class("secondary").Text(t(i18n.RecordNotDuplicate)).OnClick(p.onNotDuplicate))
		body = append(body, goapp.Div().ID("record-dup-server").Class("jz-error").Attr("role", "status").Body(flag...))
	}
	body = append(body,
		goapp.Form().ID("record-form").Class("jz-form").OnSubmit(p.onSave).OnInput(p.onInput).Body(fields...))
	if p.dup != "" {
		body = append(body, goapp.P().ID("record-dup").Class("jz-error").Attr("role", "status").Text(t(i18n.RecordDuplicate)+p.dup))
	}
	if p.msg != "" {
		body = append(body, goapp.P().ID("record-msg").Attr("role", "status").DataSet("saves", p.saves).Text(p.msg))
	}
	for i, n := range p.notes {
		body = append(body, goapp.P().ID("record-note-"+strconv.Itoa(i)).Class("jz-error").Text(n))
	}
	if p.merge != "" && !p.isNew {
		body = append(body, goapp.A().ID("record-merge").Class("button secondary").Href(mergeURL(p.id, p.merge)).Text(t(i18n.MergeLink)))
	}
	if p.typ == model.TypeHousehold && !p.isNew {
		var members []map[string]string
		for _, r := range p.recs {
			if v, _ := r.Get(model.FieldParent); v == model.Str(string(p.id)) && r.ID.Type() == model.TypeHouseholdMember {
				members = append(members, recordValues(r))
			}
		}
		if v := standingView(l, householdStanding(vals, members)); v != nil {
			body = append(body, v)
		}
	}
	if p.att != nil && !p.isNew {
		body = append(body, p.attendanceGrid(l))
	}
	if slices.Contains(photoTypes, p.typ) && !p.isNew {
		body = append(body, p.photos(l))
	}
	if p.typ == model.TypePerson && !p.isNew {
		body = append(body, personLinks(l, p.id))
	}
	if p.typ == model.TypeVolunteer && !p.isNew {
		body = append(body, volunteerSummary(l, p.id, p.recs))
	}
	if !p.isNew {
		body = append(body, p.children(l, lang, typ)...)
	}
	return frame(l, section, body...)
}

// control is a field's control on this page.
func (p *recordPage) control(l i18n.Lang, prefix string, f *model.Field, value, problem string) ui {
	return caseControl(l, prefix, f, value, problem, p.recs, p.id, p.others.options(f, p.id, p.root, modelLang(l)))
}

// shownApart are the records a page shows in sections of their own
// (the attendance grid, the photos) or not at all (the tablet's audit
// records), not in the list of records under it.
var shownApart = []string{model.TypeAttendance, model.TypeAttachment, model.TypeAudit}

// children lists the records under this one and links to add them.
func (p *recordPage) children(l i18n.Lang, lang string, typ *model.Type) []ui {
	var kids, adds []ui
	for _, r := range p.recs {
		if slices.Contains(shownApart, r.ID.Type()) {
			continue
		}
		if v, _ := r.Get(model.FieldParent); v == model.Str(string(p.id)) && r.ID != p.id {
			kids = append(kids, goapp.Li().Class("jz-row").Body(goapp.A().Class("jz-row-link").Href(recordURL(r.ID)).Text(recordLabel(r, lang))))
		}
	}
	for _, ct := range registry.Types() {
		if slices.Contains(ct.Parents, typ.Name) && !ct.Root && !slices.Contains(shownApart, ct.Name) {
			adds = append(adds, goapp.A().ID("add-"+ct.Name).Class("button secondary").Href(newRecordURL(ct.Name, p.root, p.id)).Text(i18n.T(l, i18n.RecordNew)+ct.Label.In(lang)))
		}
	}
	if len(kids) == 0 && len(adds) == 0 {
		return nil
	}
	out := []ui{goapp.H2().Text(i18n.T(l, i18n.RecordChildren))}
	if len(kids) > 0 {
		out = append(out, goapp.Ul().Class("jz-rows").Body(kids...))
	}
	return append(out, goapp.Div().Class("jz-actions").Body(adds...))
}
