package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	gosync "sync"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/account"
	"jiuzhu/shared/api"
	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// Service files (§7.4; the server's rules are in server/retention.go): a
// closed case is archived from its page (a change to its archived field,
// which syncs like any edit) and is then read-only on the tablet: its page
// and its records' pages show values, not controls, and offer nothing to
// add; a supervisor or an administrator un-archives it. The
// administrator's page lists the archived files whose retention has run
// out, and purges one once its title is typed.

// retentionKey is the label of a retention class.
func retentionKey(c model.RetentionClass) i18n.Key {
	switch c {
	case model.RetainPermanent:
		return i18n.RetentionClassPermanent
	case model.RetainShort:
		return i18n.RetentionClassShort
	case model.RetainWithFile:
		return i18n.RetentionClassWithFile
	}
	return i18n.RetentionClassLong
}

// myRole is the open account's role, asked of the server once (GET
// /api/me; the tablet does not keep it): the un-archive button is offered
// to supervisors and administrators only.
var myRole struct {
	gosync.Mutex
	user, role string
	asking     bool
}

// knownRole returns the open account's role ("" until the server said).
func knownRole() string {
	id, _ := theDevice.User()
	myRole.Lock()
	defer myRole.Unlock()
	if id == "" || myRole.user != id {
		return ""
	}
	return myRole.role
}

// askRole asks the server for the open account's role when it is not
// known yet, and updates ctx's component when it answers (offline: asked
// again at the next page).
func askRole(ctx goapp.Context) {
	id, _ := theDevice.User()
	token := theDevice.Token()
	myRole.Lock()
	ask := id != "" && token != "" && myRole.user != id && !myRole.asking
	myRole.asking = myRole.asking || ask
	myRole.Unlock()
	if !ask {
		return
	}
	ctx.Async(func() {
		var me api.Me
		err := account.GetJSON(context.Background(), "/api/me", token, &me)
		myRole.Lock()
		myRole.asking = false
		if err == nil && me.User.ID == id {
			myRole.user, myRole.role = id, me.User.Role
		}
		myRole.Unlock()
		if err == nil {
			ctx.Dispatch(func(goapp.Context) {})
		}
	})
}

// caseChildren are a case's records as model.DeriveStage reads them (the
// case itself left out).
func caseChildren(root sync.RecID, recs []*sync.Record) []model.Child {
	var kids []model.Child
	for _, r := range recs {
		if r.ID != root {
			kids = append(kids, model.Child{Type: r.ID.Type(), Values: recordValues(r), Deleted: r.Deleted()})
		}
	}
	return kids
}

// retentionLine says how long an archived case is kept and from when it
// may be purged.
func retentionLine(l i18n.Lang, root sync.RecID, vals map[string]string, recs []*sync.Record) string {
	class, _ := registry.Retention(root.Type())
	line := i18n.T(l, i18n.RetentionKept) + i18n.T(l, retentionKey(class))
	end := model.RetentionEnd(root.Type(), vals, caseChildren(root, recs))
	if exp, ok := model.RetentionExpires(class, end); ok {
		line += fmt.Sprintf(i18n.T(l, i18n.RetentionPurgeFrom), exp)
	}
	return line
}

// archivedBanner is the top of an archived case's page: when it was
// archived, why nothing can change, its retention, and for a supervisor
// or an administrator the un-archive button.
func (p *casePage) archivedBanner(l i18n.Lang, vals map[string]string) []ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	out := []ui{goapp.Div().ID("case-archived").Class("jz-card").Attr("role", "status").Body(
		goapp.P().ID("case-archived-on").Text(fmt.Sprintf(t(i18n.RetentionArchivedOn), model.Archived(vals))),
		goapp.P().Class("jz-hint").Text(t(i18n.RetentionReadOnly)),
		goapp.P().ID("case-retention").Text(retentionLine(l, p.id, vals, p.recs)),
	)}
	if r := knownRole(); r == "supervisor" || r == "admin" {
		out = append(out, goapp.Div().Class("jz-actions").Body(
			goapp.Button().ID("case-unarchive").Type("button").Class("secondary").Text(t(i18n.RetentionUnarchive)).OnClick(p.onUnarchive)))
	} else {
		out = append(out, goapp.P().Class("jz-hint").Text(t(i18n.RetentionUnarchiveNote)))
	}
	return out
}

// archiveForm is the archive button under an open case's records.
func (p *casePage) archiveForm(l i18n.Lang) []ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	return []ui{
		goapp.H3().Text(t(i18n.RetentionArchive)),
		goapp.P().Class("jz-hint").Text(t(i18n.RetentionArchiveNote)),
		goapp.Div().Class("jz-actions").Body(
			goapp.Button().ID("case-archive").Type("button").Class("secondary").Text(t(i18n.RetentionArchive)).OnClick(p.onArchive)),
	}
}

// onArchive archives the case today, once the model allows it (the server
// checks again).
func (p *casePage) onArchive(ctx goapp.Context, e goapp.Event) {
	l := langOf(p.lang)
	if p.rec == nil {
		return
	}
	today := time.Now().Format(time.DateOnly)
	switch model.CheckArchive(caseChildren(p.id, p.recs), today) {
	case "":
	case model.ArchiveFollowUpPending:
		p.msg = i18n.T(l, i18n.RetentionFollowUpDue)
		return
	case model.ArchiveBeforeClosing:
		p.msg = i18n.T(l, i18n.RetentionBeforeClosing)
		return
	default:
		p.msg = i18n.T(l, i18n.RetentionNotClosed)
		return
	}
	p.setArchived(ctx, model.Str(today), i18n.RetentionArchiveDone)
}

// onUnarchive clears the archive date.
func (p *casePage) onUnarchive(ctx goapp.Context, e goapp.Event) {
	p.setArchived(ctx, model.Null, i18n.RetentionUnarchiveDone)
}

// setArchived saves the archive date and reloads the page on its own
// context (the button clicked goes away).
func (p *casePage) setArchived(ctx goapp.Context, v string, done i18n.Key) {
	l := langOf(p.lang)
	page := p.pageCtx
	saveEdits(ctx, l, []sync.Edit{{Rec: p.id, Field: model.FieldArchived, Value: v}}, &p.msg, func(goapp.Context) {
		p.msg = i18n.T(l, done)
		p.load(page)
	})
}

// readOnlyField shows a field's value, not a control: references by the
// label of the record they name, a signature as its picture.
func readOnlyField(l i18n.Lang, prefix string, f *model.Field, value string, recs []*sync.Record) ui {
	lang := modelLang(l)
	id := formID(prefix, f.Name)
	var shown ui = goapp.Output().ID(id).Aria("labelledby", id+"-label").Text(shownValue(f, value, lang))
	switch s, _ := model.AsString(value); {
	case f.Kind == model.KindRef || f.Kind == model.KindRefs:
		ids := listOf(value)
		if s != "" {
			ids = []string{s}
		}
		var names []string
		for _, ref := range ids {
			name := ref
			if i := slices.IndexFunc(recs, func(r *sync.Record) bool { return string(r.ID) == ref }); i >= 0 {
				name = recordLabel(recs[i], lang)
			}
			names = append(names, name)
		}
		text := "—"
		if len(names) > 0 {
			text = strings.Join(names, "、")
		}
		shown = goapp.Output().ID(id).Aria("labelledby", id+"-label").Text(text)
	case f.Signature && s != "":
		shown = goapp.Img().ID(id).Class("jz-cf-signature").Src(s).Alt(f.Label.In(lang))
	}
	return goapp.Div().Class("jz-field jz-readonly").DataSet("field", f.Name).Body(
		goapp.Span().Class("jz-label").ID(id+"-label").Text(f.Label.In(lang)), shown)
}

// archivedOn returns the date this record's case was archived ("" when it
// is not, or the record is not in a case).
func (p *recordPage) archivedOn() string {
	if p.root.Type() != model.TypeCase {
		return ""
	}
	if c := p.caseRecord(); c != nil {
		return model.Archived(recordValues(c))
	}
	return ""
}

// archivedView is a record of an archived case: its values, its photos
// and the records under it, with nothing to save, add or take. A full ID
// number may still be shown (and the view is audited).
func (p *recordPage) archivedView(l i18n.Lang, back ui, heading string, typ *model.Type, vals map[string]string, archived string) []ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	lang := modelLang(l)
	body := []ui{back, goapp.H1().ID("page-title").Text(heading),
		goapp.P().ID("record-archived").Class("jz-card").Attr("role", "status").Text(fmt.Sprintf(t(i18n.RetentionRecordReadOnly), archived)),
		goapp.P().Class("jz-hint").Text(t(i18n.RetentionReadOnly))}
	if p.isNew {
		return body
	}
	var fields []ui
	for i := range typ.Fields {
		f := &typ.Fields[i]
		switch f.Name {
		case model.FieldRoot, model.FieldParent, "duplicates", "not_duplicates", "same_person":
			continue
		}
		if f.Kind == model.KindIDNumber && !p.revealed && !isEmpty(vals[f.Name]) {
			fields = append(fields, p.maskedID(l, f, vals[f.Name]))
			continue
		}
		fields = append(fields, readOnlyField(l, "f-", f, vals[f.Name], p.recs))
	}
	body = append(body, goapp.Div().ID("record-form").Class("jz-form jz-readonly").Body(fields...))
	if p.msg != "" {
		body = append(body, goapp.P().ID("record-msg").Attr("role", "status").Text(p.msg))
	}
	var photos, kids []ui
	for _, r := range p.recs {
		if v, _ := r.Get(model.FieldParent); v != model.Str(string(p.id)) || r.ID == p.id {
			continue
		}
		switch r.ID.Type() {
		case model.TypeAttachment:
			str := func(f string) string { v, _ := r.Get(f); s, _ := model.AsString(v); return s }
			photos = append(photos, &photoView{SHA: str("sha256"), Mime: str("mime"), Name: str("name")})
		case model.TypeAudit, model.TypeAttendance:
		default:
			kids = append(kids, goapp.Li().Class("jz-row").Body(goapp.A().Class("jz-row-link").Href(recordURL(r.ID)).Text(recordLabel(r, lang))))
		}
	}
	if len(photos) > 0 {
		body = append(body, goapp.Section().ID("photos").Body(goapp.H2().Text(t(i18n.PhotoTitle)), goapp.Div().ID("photo-list").Class("jz-photos").Body(photos...)))
	}
	if p.typ == model.TypePerson {
		body = append(body, personLinks(l, p.id))
	}
	if len(kids) > 0 {
		body = append(body, goapp.H2().Text(t(i18n.RecordChildren)), goapp.Ul().Class("jz-rows").Body(kids...))
	}
	return body
}

// ---- the administrator's expired files ----

// retentionTab lists the expired files, each with the confirmation to type
// and its purge button.
func (p *adminPage) retentionTab(l i18n.Lang) []ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	lang := modelLang(l)
	out := []ui{goapp.P().Class("jz-hint").Text(t(i18n.RetentionTabNote))}
	if len(p.retention) == 0 {
		return append(out, goapp.P().ID("retention-none").Class("jz-empty").Text(t(i18n.RetentionNone)))
	}
	var rows []ui
	for i, r := range p.retention {
		n := fmt.Sprint(i)
		title := orDash(r.Title)
		confirm := r.Title
		if confirm == "" {
			confirm = r.ID
		}
		var facts []ui
		for _, f := range []struct {
			k i18n.Key
			v string
		}{{i18n.RetentionWorker, r.WorkerName}, {i18n.RetentionEnd, r.End}, {i18n.RetentionArchived, r.Archived},
			{i18n.RetentionClass, t(retentionKey(model.RetentionClass(r.Class)))}, {i18n.RetentionExpires, r.Expires},
			{i18n.RetentionRecords, fmt.Sprint(r.Records)}} {
			facts = append(facts, goapp.Dt().Text(t(f.k)), goapp.Dd().Text(orDash(f.v)))
		}
		rows = append(rows, goapp.Li().Class("jz-card jz-retention").DataSet("root", r.ID).Body(
			goapp.H3().Text(registryLabel(r.Type, lang)+" · "+title),
			goapp.Dl().Class("jz-facts").Body(facts...),
			labeled("purge-confirm-"+n, fmt.Sprintf(t(i18n.RetentionConfirm), confirm),
				goapp.Input().ID("purge-confirm-"+n).Type("text").Attr("autocomplete", "off")),
			goapp.Div().Class("jz-actions").Body(
				goapp.Button().ID("purge-"+n).Type("button").DataSet("root", r.ID).DataSet("row", n).
					Text(t(i18n.RetentionPurge)).OnClick(p.onPurge)),
		))
	}
	return append(out, goapp.Ul().ID("retention-list").Class("jz-rows").Body(rows...))
}

// onPurge purges the file the button names, with what was typed.
func (p *adminPage) onPurge(ctx goapp.Context, e goapp.Event) {
	l := langOf(p.lang)
	ds := e.Get("target").Get("dataset")
	root, row := ds.Get("root").String(), ds.Get("row").String()
	i := slices.IndexFunc(p.retention, func(r api.RetentionRoot) bool { return r.ID == root })
	confirm := value("purge-confirm-" + row)
	if i < 0 {
		return
	}
	if confirm == "" {
		p.msg = i18n.T(l, i18n.RetentionPurgeEmpty)
		return
	}
	r := p.retention[i]
	req := api.PurgeRequest{Root: root, Confirm: confirm}
	p.call(ctx, func(c context.Context, token string) error {
		return account.SendJSON(c, "POST", "/api/admin/retention/purge", token, req, nil)
	}, fmt.Sprintf(i18n.T(l, i18n.RetentionPurged), orDash(r.Title), r.Records))
}
