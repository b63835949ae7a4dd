package app

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/syncer"
	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// The complete case file (服务档案, DB62/T 4987 §7.4): every record of one
// case as the tablet holds it, offline, laid out to print on A4 (the print
// rules are in web/static/app.css): a cover, then the casework in the order
// of the process, each record with every field under its model label, and
// a block for signatures. ID numbers stay masked, as on the person page;
// the rest is shown in full, as on the person's own data page, for the
// people who serve the client. Printing it is audited like the person's
// data (auditPrintCaseFile).

// caseFilePath is a case's file: /casefile?id=case/…
const caseFilePath = "/casefile"

// caseFileURL is the address of a case's file.
func caseFileURL(id sync.RecID) string { return caseFilePath + "?id=" + url.QueryEscape(string(id)) }

// auditPrintCaseFile is the tablet audit action of a printed case file.
const auditPrintCaseFile = "print_case_file"

// caseFilePage shows a case's file and prints it.
type caseFilePage struct {
	goapp.Compo
	page
	id     sync.RecID
	recs   []*sync.Record // the case first, as caseRecords returns them
	loaded bool
	now    time.Time // when the file was opened: the date printed
	msg    string
	sync   syncer.Status
	// pageCtx is the page's own context (from OnNav): reloads after a sync
	// and the print audit run on it.
	pageCtx goapp.Context
	navved  bool
}

// OnMount follows the sync status: what another tablet adds meanwhile is
// in the file when it is printed.
func (p *caseFilePage) OnMount(ctx goapp.Context) {
	p.mount(ctx)
	ctx.ObserveState(stateSync, &p.sync).OnChange(func() {
		if p.navved {
			p.load(p.pageCtx)
		}
	})
}

func (p *caseFilePage) OnNav(ctx goapp.Context) {
	*p = caseFilePage{Compo: p.Compo, page: p.page, sync: p.sync, pageCtx: ctx, navved: true,
		id: sync.RecID(ctx.Page().URL().Query().Get("id")), now: time.Now()}
	setTitle(ctx, langOf(p.lang), i18n.CaseFileTitle)
	p.load(ctx)
}

// load reads the case's records, and the division names its division
// needs (from the service worker's cache when offline; the code is shown
// when they cannot be read).
func (p *caseFilePage) load(ctx goapp.Context) {
	st, id := theDevice.Store(), p.id
	if st == nil || id.Type() != model.TypeCase {
		p.loaded = true
		return
	}
	ctx.Async(func() {
		c := context.Background()
		recs, _, err := caseRecords(c, st, id)
		if err != nil {
			goapp.Log("jiuzhu: case file:", err)
		}
		if len(recs) > 0 && recs[0].ID == id {
			v, _ := recs[0].Get("division")
			if code, _ := model.AsString(v); code != "" && divisions.load(c, "top") == nil && len(code) >= 6 {
				divisions.load(c, code[:6])
			}
		}
		ctx.Dispatch(func(goapp.Context) {
			if p.id == id {
				p.recs, p.loaded = recs, true
			}
		})
	})
}

// onPrint records that the file left the tablet, then prints it.
func (p *caseFilePage) onPrint(ctx goapp.Context, e goapp.Event) {
	me, _ := theDevice.User()
	l := langOf(p.lang)
	saveEdits(p.pageCtx, l, auditEdits(p.id, p.id, me, auditPrintCaseFile, "", time.Now()), &p.msg, func(goapp.Context) {
		goapp.Window().Call("print")
	})
}

func (p *caseFilePage) Render() ui { return p.gate(p.render) }

func (p *caseFilePage) render(l i18n.Lang) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	back := goapp.A().ID("casefile-back").Class("jz-back jz-noprint").Href(caseURL(p.id)).Text("← " + t(i18n.RecordBack))
	title := goapp.H1().ID("page-title").Text(t(i18n.CaseFileTitle))
	if !p.loaded {
		return frame(l, "/cases", back, title, goapp.P().Class("jz-hint").Text(t(i18n.AppLoading)))
	}
	if len(p.recs) == 0 || p.recs[0].ID != p.id {
		return frame(l, "/cases", back, goapp.H1().ID("page-title").Text(t(i18n.CaseMissing)))
	}
	_, me := theDevice.User()
	body := []ui{back, goapp.Button().ID("casefile-print").Class("jz-noprint").Text(t(i18n.CaseFilePrint)).OnClick(p.onPrint)}
	if p.msg != "" {
		body = append(body, goapp.P().ID("casefile-msg").Class("jz-noprint").Attr("role", "status").Text(p.msg))
	}
	body = append(body, newCaseFile(p.id, p.recs).view(l, title, me, p.now))
	return frame(l, "/cases", body...)
}

// caseFile is a case's records sorted for its file.
type caseFile struct {
	root  *sync.Record
	recs  []*sync.Record // in caseRecords' order
	byID  map[sync.RecID]*sync.Record
	kids  map[sync.RecID][]*sync.Record // by parent
	shown map[sync.RecID]bool           // put in a section already
}

// notFiled are the records a file leaves out: the tablet's audit trail
// and sync conflicts are not casework.
var notFiled = []string{model.TypeAudit, model.TypeConflict}

// notFiledFields are the fields a file leaves out: where a record sits
// (its section says that) and the server's duplicate flags, shown apart on
// the person's page.
var notFiledFields = []string{model.FieldRoot, model.FieldParent, "duplicates", "not_duplicates", "same_person"}

func newCaseFile(root sync.RecID, recs []*sync.Record) *caseFile {
	cf := &caseFile{byID: map[sync.RecID]*sync.Record{}, kids: map[sync.RecID][]*sync.Record{}, shown: map[sync.RecID]bool{}}
	for _, r := range recs {
		if slices.Contains(notFiled, r.ID.Type()) {
			continue
		}
		if r.ID == root {
			cf.root = r
			continue
		}
		cf.recs = append(cf.recs, r)
		cf.byID[r.ID] = r
	}
	for _, r := range cf.recs {
		cf.kids[cf.parentOf(r)] = append(cf.kids[cf.parentOf(r)], r)
	}
	return cf
}

// parentOf is the record a record hangs under in the file: its parent when
// that is in the file, else the case.
func (cf *caseFile) parentOf(r *sync.Record) sync.RecID {
	v, _ := r.Get(model.FieldParent)
	s, _ := model.AsString(v)
	if id := sync.RecID(s); cf.byID[id] != nil && id != r.ID {
		return id
	}
	if cf.root != nil {
		return cf.root.ID
	}
	return ""
}

// caseFileSection is one section of the file: the record types whose
// records (those hanging under the case) it lists, each followed by the
// records under it.
type caseFileSection struct {
	id    string
	title i18n.Key
	types []string
}

// caseFileSections are the file's sections in the order of the casework
// process (MZ/T 094).
var caseFileSections = []caseFileSection{
	{"cf-persons", i18n.CaseFilePersons, []string{model.TypePerson, model.TypeHousehold}},
	{"cf-consents", i18n.CaseFileConsents, []string{model.TypeConsent}},
	{"cf-intake", i18n.CaseFileIntake, []string{model.TypeIntake}},
	{"cf-assessments", i18n.CaseFileAssessments, []string{model.TypeAssessment}},
	{"cf-plans", i18n.CaseFilePlans, []string{model.TypePlan, model.TypePlanGoal}},
	{"cf-services", i18n.CaseFileServices, []string{model.TypeServiceRecord, model.TypeServiceNote}},
	{"cf-referrals", i18n.CaseFileReferrals, []string{model.TypeReferral}},
	{"cf-evaluations", i18n.CaseFileEvaluations, []string{model.TypeEvaluation}},
	{"cf-closing", i18n.CaseFileClosing, []string{model.TypeClosing}},
	{"cf-follow-ups", i18n.CaseFileFollowUps, []string{model.TypeFollowUp}},
	{"cf-reopenings", i18n.CaseFileReopenings, []string{model.TypeReopen}},
	{"cf-team", i18n.CaseFileTeam, []string{model.TypeTeamMember, model.TypeTeamNote}},
}

// view is the whole file: the cover, the sections, any record no section
// took, and the signatures.
func (cf *caseFile) view(l i18n.Lang, title ui, printedBy string, now time.Time) ui {
	body := []ui{cf.cover(l, title, printedBy, now)}
	for _, s := range caseFileSections {
		var blocks []ui
		if s.id == "cf-persons" {
			blocks = cf.persons(l)
		}
		for _, typ := range s.types {
			for _, r := range cf.kids[cf.root.ID] {
				if r.ID.Type() == typ && !cf.shown[r.ID] {
					blocks = append(blocks, cf.record(l, r, ""))
				}
			}
		}
		body = append(body, cf.section(l, s.id, s.title, blocks))
	}
	var rest []ui
	for _, r := range cf.kids[cf.root.ID] {
		if !cf.shown[r.ID] {
			rest = append(rest, cf.record(l, r, ""))
		}
	}
	if len(rest) > 0 {
		body = append(body, cf.section(l, "cf-other", i18n.CaseFileOther, rest))
	}
	body = append(body, cf.signatures(l))
	return goapp.Article().ID("casefile").Class("jz-casefile").Body(body...)
}

// section is a heading and its records, or "None".
func (cf *caseFile) section(l i18n.Lang, id string, title i18n.Key, blocks []ui) ui {
	if len(blocks) == 0 {
		blocks = []ui{goapp.P().Class("jz-cf-none").Text(i18n.T(l, i18n.CaseFileNone))}
	}
	return goapp.Section().ID(id).Class("jz-cf-section").Body(
		append([]ui{goapp.H2().Text(i18n.T(l, title))}, blocks...)...)
}

// cover names the case and the printing: the case's own fields with its
// number and stage, the date printed and who printed it.
func (cf *caseFile) cover(l i18n.Lang, title ui, printedBy string, now time.Time) ui {
	lang := modelLang(l)
	row := func(label string, value ui) ui {
		return goapp.Tr().Body(goapp.Th().Attr("scope", "row").Text(label), goapp.Td().Body(value))
	}
	ct, _ := registry.Type(model.TypeCase)
	caseTitle, _ := cf.root.Get("title")
	name, _ := model.AsString(caseTitle)
	var rows []ui
	for i := range ct.Fields {
		f := &ct.Fields[i]
		if slices.Contains(notFiledFields, f.Name) {
			continue
		}
		v, _ := cf.root.Get(f.Name)
		rows = append(rows, goapp.Tr().DataSet("field", f.Name).Body(goapp.Th().Attr("scope", "row").Text(f.Label.In(lang)), goapp.Td().Body(cf.value(l, f, v))))
		if f.Name == "title" {
			rows = append(rows, row(i18n.T(l, i18n.CaseFileNumber), goapp.Text(strings.TrimPrefix(string(cf.root.ID), model.TypeCase+"/"))))
		}
	}
	stage := registry.CodeLabel(model.ListStage, cf.stage()).In(lang)
	rows = append(rows,
		row(i18n.T(l, i18n.CaseFileStage), goapp.Text(stage)),
		row(i18n.T(l, i18n.CaseFilePrinted), goapp.Text(now.Format(time.DateOnly))),
		row(i18n.T(l, i18n.CaseFilePrintedBy), goapp.Text(orDash(printedBy))),
	)
	return goapp.Header().ID("cf-cover").Class("jz-cf-cover").Body(
		title,
		goapp.P().ID("cf-case-title").Class("jz-cf-case-title").Text(name),
		goapp.Table().Class("jz-cf-fields").Body(goapp.TBody().Body(rows...)),
		goapp.P().Class("jz-cf-confidential").Text(i18n.T(l, i18n.CaseFileConfidence)),
	)
}

// stage is the case's stage derived from its records, as everywhere else.
func (cf *caseFile) stage() string {
	kids := make([]model.Child, 0, len(cf.recs))
	for _, r := range cf.recs {
		kids = append(kids, model.Child{Type: r.ID.Type(), Values: recordValues(r)})
	}
	return model.DeriveStage(kids)
}

// persons is the client, first in their section (the case's other people
// and its households follow in the section's order).
func (cf *caseFile) persons(l i18n.Lang) []ui {
	v, _ := cf.root.Get("client")
	s, _ := model.AsString(v)
	var out []ui
	if c := cf.byID[sync.RecID(s)]; c != nil && c.ID.Type() == model.TypePerson {
		out = append(out, cf.record(l, c, i18n.T(l, i18n.CaseFileClient)))
	}
	return out
}

// record is one record with every field, and the records under it.
func (cf *caseFile) record(l i18n.Lang, r *sync.Record, role string) ui {
	cf.shown[r.ID] = true
	lang := modelLang(l)
	t, ok := registry.Type(r.ID.Type())
	heading := r.ID.Type()
	if ok {
		heading = t.Label.In(lang)
	}
	if role != "" {
		heading = role + " · " + heading
	}
	if n := cf.name(r); n != "" {
		heading += " · " + n
	} else if d := recordDate(r); d != "" {
		heading += " " + localTime(d)
	}
	var rows []ui
	if ok {
		for i := range t.Fields {
			f := &t.Fields[i]
			if slices.Contains(notFiledFields, f.Name) {
				continue
			}
			v, _ := r.Get(f.Name)
			rows = append(rows, goapp.Tr().DataSet("field", f.Name).Body(
				goapp.Th().Attr("scope", "row").Text(f.Label.In(lang)), goapp.Td().Body(cf.value(l, f, v))))
		}
	}
	body := []ui{goapp.H3().Text(heading), goapp.Table().Class("jz-cf-fields").Body(goapp.TBody().Body(rows...))}
	for _, k := range cf.kids[r.ID] {
		if !cf.shown[k.ID] {
			body = append(body, cf.record(l, k, ""))
		}
	}
	return goapp.Section().Class("jz-cf-record").DataSet("type", r.ID.Type()).DataSet("id", string(r.ID)).Body(body...)
}

// name is a record's name field, if it has one (people, team members).
func (cf *caseFile) name(r *sync.Record) string {
	v, _ := r.Get("name")
	s, _ := model.AsString(v)
	return s
}

// value is a field's value as the file shows it: codes as their labels,
// references as the records they name, users by name where the tablet
// knows it, divisions by name, a signature as its image, ID numbers
// masked, nothing as "—".
func (cf *caseFile) value(l i18n.Lang, f *model.Field, v string) ui {
	lang := modelLang(l)
	if isEmpty(v) {
		return goapp.Text("—")
	}
	s, _ := model.AsString(v)
	switch {
	case f.Signature && strings.HasPrefix(s, "data:image/png;base64,"):
		return goapp.Img().Class("jz-cf-signature").Src(s).Alt(registry.Format(f, v, lang, false))
	case f.Kind == model.KindIDNumber:
		return goapp.Text(model.MaskID(s))
	case f.Kind == model.KindDateTime:
		return goapp.Text(localTime(s))
	case f.Kind == model.KindRef:
		return goapp.Text(cf.refName(l, s))
	case f.Kind == model.KindRefs:
		ids, _ := model.AsList(v)
		names := make([]string, len(ids))
		for i, id := range ids {
			names[i] = cf.refName(l, id)
		}
		sep := "、"
		if lang == model.LangEn {
			sep = ", "
		}
		return goapp.Text(orDash(strings.Join(names, sep)))
	case f.Division:
		if n := divisions.name(s); n != s && n != "" {
			return goapp.Text(n + "（" + s + "）")
		}
	}
	return goapp.Text(orDash(shownValue(f, v, lang))) // users by name, codes by label
}

// localTime shows a stored UTC time (RFC 3339) as the tablet's local
// time to the minute; anything else as it is.
func localTime(s string) string {
	if at, err := time.Parse(time.RFC3339, s); err == nil {
		return when(at)
	}
	return s
}

// refName names a record a reference points to: a person or team member
// by name, other records by type, date and summary.
func (cf *caseFile) refName(l i18n.Lang, id string) string {
	r := cf.byID[sync.RecID(id)]
	if cf.root != nil && sync.RecID(id) == cf.root.ID {
		r = cf.root
	}
	if r == nil {
		return i18n.T(l, i18n.CaseFileNotHere)
	}
	if n := cf.name(r); n != "" {
		return n
	}
	return recordLabel(r, modelLang(l))
}

// signatures are the consents' drawn signatures and lines for the worker,
// the supervisor and the client to sign and date.
func (cf *caseFile) signatures(l i18n.Lang) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	var signed []ui
	for _, r := range cf.recs {
		if r.ID.Type() != model.TypeConsent {
			continue
		}
		v, _ := r.Get("signature")
		s, _ := model.AsString(v)
		if !strings.HasPrefix(s, "data:image/png;base64,") {
			continue
		}
		caption := t(i18n.CaseFileSignConsent)
		if p, _ := r.Get("person"); !isEmpty(p) {
			ps, _ := model.AsString(p)
			caption += " · " + cf.refName(l, ps)
		}
		if d := recordDate(r); d != "" {
			caption += " · " + d
		}
		signed = append(signed, goapp.Figure().Class("jz-cf-sig").Body(
			goapp.Img().Class("jz-cf-signature").Src(s).Alt(caption),
			goapp.FigCaption().Text(caption)))
	}
	if len(signed) == 0 {
		signed = []ui{goapp.P().Class("jz-cf-none").Text(t(i18n.CaseFileSignNone))}
	}
	line := func(who i18n.Key) ui {
		return goapp.Tr().Body(
			goapp.Th().Attr("scope", "row").Text(t(who)), goapp.Td().Class("jz-cf-line"),
			goapp.Th().Attr("scope", "row").Text(t(i18n.CaseFileSignDate)), goapp.Td().Class("jz-cf-line jz-cf-date"))
	}
	return goapp.Section().ID("cf-signatures").Class("jz-cf-section jz-cf-signatures").Body(
		goapp.H2().Text(t(i18n.CaseFileSignatures)),
		goapp.Div().Class("jz-cf-sigs").Body(signed...),
		goapp.Table().Class("jz-cf-sign-lines").Body(goapp.TBody().Body(
			line(i18n.CaseFileSignWorker), line(i18n.CaseFileSignSupervisor), line(i18n.CaseFileSignClient))),
	)
}
