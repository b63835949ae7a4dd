package app

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// Attendance is taken on a group session's page with one tap per member.
// Each tap appends an attendance record (the type is append-only), so two
// workers taking attendance for one session on two tablets merge to the
// union of what they took; a member's attendance is their latest record.

// attMark is a member's attendance as taken so far.
type attMark struct {
	taken         bool
	present       bool
	participation string // code, "" when not given
	at            string // RFC 3339, of the record it comes from
	id            sync.RecID
}

// attendance is a session's grid: the group's members and their marks.
type attendance struct {
	members []*sync.Record
	marks   map[sync.RecID]attMark
	saving  map[sync.RecID]bool
}

// takenAttendance reads a session's attendance from its group's records
// (nil when session is not a group session).
func takenAttendance(session sync.RecID, recs []*sync.Record) *attendance {
	if session.Type() != model.TypeGroupSession {
		return nil
	}
	a := &attendance{marks: map[sync.RecID]attMark{}, saving: map[sync.RecID]bool{}}
	str := func(r *sync.Record, f string) string { v, _ := r.Get(f); s, _ := model.AsString(v); return s }
	for _, r := range recs {
		switch r.ID.Type() {
		case model.TypeGroupMember:
			a.members = append(a.members, r)
		case model.TypeAttendance:
			if str(r, model.FieldParent) != string(session) {
				continue
			}
			m := attMark{taken: true, at: str(r, "at"), participation: str(r, "participation"), id: r.ID}
			v, _ := r.Get("present")
			m.present, _ = model.AsBool(v)
			member := sync.RecID(str(r, "member"))
			if old, ok := a.marks[member]; !ok || cmp.Or(cmp.Compare(m.at, old.at), cmp.Compare(m.id, old.id)) > 0 {
				a.marks[member] = m
			}
		}
	}
	slices.SortFunc(a.members, func(x, y *sync.Record) int {
		return cmp.Or(cmp.Compare(str(x, "name"), str(y, "name")), cmp.Compare(x.ID, y.ID))
	})
	return a
}

// counts are the members present, absent and not yet taken.
func (a *attendance) counts() (present, absent, unmarked int) {
	for _, m := range a.members {
		switch mk := a.marks[m.ID]; {
		case !mk.taken:
			unmarked++
		case mk.present:
			present++
		default:
			absent++
		}
	}
	return
}

// attendanceEdits are the edits that append a member's mark to a session.
func attendanceEdits(root, session, member sync.RecID, present bool, participation, me string, now time.Time) []sync.Edit {
	t, _ := registry.Type(model.TypeAttendance)
	id := newRecID(model.TypeAttendance)
	edits := append(newRecordEdits(t, id, root, session, me),
		sync.Edit{Rec: id, Field: "member", Value: model.Str(string(member))},
		sync.Edit{Rec: id, Field: "present", Value: strconv.FormatBool(present)},
		sync.Edit{Rec: id, Field: "at", Value: model.Str(now.UTC().Format(time.RFC3339))},
	)
	if participation != "" {
		edits = append(edits, sync.Edit{Rec: id, Field: "participation", Value: model.Str(participation)})
	}
	return edits
}

// onAttend records a tap on a member's button (present ↔ absent) or a
// change of their participation.
func (p *recordPage) onAttend(ctx goapp.Context, e goapp.Event) {
	target := e.Get("target")
	row := target.Call("closest", "[data-member]")
	if p.att == nil || !row.Truthy() {
		return
	}
	member := sync.RecID(row.Get("dataset").Get("member").String())
	mk := p.att.marks[member]
	if target.Get("tagName").String() == "SELECT" {
		mk.participation = target.Get("value").String()
		if mk.participation == anyCode {
			mk.participation = ""
		}
		if !mk.taken {
			mk.present = true // participating means there
		}
	} else {
		mk.present = !mk.taken || !mk.present
	}
	mk.taken = true
	me, _ := theDevice.User()
	if theDevice.Session() == nil {
		return
	}
	now := time.Now()
	mk.at = now.UTC().Format(time.RFC3339)
	p.att.marks[member], p.att.saving[member] = mk, true
	p.attTaps++
	att, session := p.att, p.id
	var failed string
	saveEditsThen(ctx, langOf(p.lang), attendanceEdits(p.root, p.id, member, mk.present, mk.participation, me, now), &failed, func(ctx goapp.Context, ok bool) {
		delete(att.saving, member)
		if p.id != session {
			return // the worker has gone on to another record
		}
		if !ok {
			p.msg = failed
		}
		p.load(ctx) // the grid as stored: with the tap, or without it if it failed
	})
}

// attendanceGrid is the session's grid: one row per member, a large
// button that says (in words, not only colour) whether they are present.
func (p *recordPage) attendanceGrid(l i18n.Lang) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	lang := modelLang(l)
	a := p.att
	body := []ui{goapp.H2().Text(registryLabel(model.TypeAttendance, lang)), goapp.P().Class("jz-hint").Text(t(i18n.AttTitle))}
	if len(a.members) == 0 {
		return goapp.Section().ID("attendance").Body(append(body, goapp.P().Class("jz-empty").Text(t(i18n.AttNoMembers)))...)
	}
	present, absent, unmarked := a.counts()
	body = append(body, goapp.P().ID("att-count").Attr("role", "status").Text(fmt.Sprintf(t(i18n.AttCount), present, absent, unmarked)))
	var rows []ui
	for i, m := range a.members {
		mk := a.marks[m.ID]
		state, label := "unmarked", t(i18n.AttUnmarked)
		switch {
		case mk.taken && mk.present:
			state, label = "present", "✓ "+t(i18n.AttPresent)
		case mk.taken:
			state, label = "absent", "✗ "+t(i18n.AttAbsent)
		}
		saved := "saved"
		if a.saving[m.ID] {
			saved = "saving"
		}
		name, _ := m.Get("name")
		nameText, _ := model.AsString(name)
		id := "att-" + strconv.Itoa(i)
		opts := []ui{goapp.Option().Value(anyCode).Text(t(i18n.FormUnset)).Selected(mk.participation == "")}
		if cl, ok := registry.Codes(model.ListParticipation); ok {
			for _, c := range cl.Codes {
				opts = append(opts, goapp.Option().Value(c.Code).Text(c.Label.In(lang)).Selected(c.Code == mk.participation))
			}
		}
		rows = append(rows, goapp.Li().Class("jz-att jz-att-"+state).DataSet("member", string(m.ID)).DataSet("state", state).DataSet("saved", saved).Body(
			goapp.Span().Class("jz-att-name").ID(id+"-name").Text(nameText),
			goapp.Button().ID(id).Type("button").Class("jz-att-mark").Aria("pressed", strconv.FormatBool(mk.taken && mk.present)).
				Aria("describedby", id+"-name").Text(label).OnClick(p.onAttend),
			goapp.Label().For(id+"-part").Class("jz-visually-hidden").Text(nameText+" "+t(i18n.AttParticipation)),
			goapp.Select().ID(id+"-part").Body(opts...).OnChange(p.onAttend),
		))
	}
	body = append(body, goapp.Ul().ID("att-grid").Class("jz-att-grid").Body(rows...))
	return goapp.Section().ID("attendance").Body(body...)
}

// registryLabel is a record type's label in lang.
func registryLabel(typ, lang string) string {
	if t, ok := registry.Type(typ); ok {
		return t.Label.In(lang)
	}
	return typ
}
