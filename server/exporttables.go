package server

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// The tables of an export (export.go). Each has an id column first where
// its rows are records, then the record type's own fields in form order
// (their zh-CN labels as headers; codes as their labels, references as
// what the referenced record is called, users by name, dates as dates),
// then the columns derived from other records. Rows are sorted by their
// table's date, then by id, so the same data gives the same file.

// stageTypes are the case records a case's stage is derived from.
var stageTypes = []string{model.TypeIntake, model.TypeAssessment, model.TypePlan, model.TypePlanGoal,
	model.TypeServiceRecord, model.TypeReferral, model.TypeEvaluation, model.TypeClosing, model.TypeFollowUp,
	model.TypeReopen}

// labelFields name, by type, the field that names a record in a column of
// another table (a case's client by the person's name).
var labelFields = map[string]string{
	model.TypeCase: "title", model.TypePerson: "name", model.TypeHousehold: "address",
	model.TypePlanGoal: "objective", model.TypeGroup: "name", model.TypeGroupMember: "name",
	model.TypeActivity: "aim", model.TypeVolunteer: "name", model.TypeStaff: "name",
	model.TypeTraining: "topic", model.TypeSupervision: "date",
}

// cases: one row per case opened in the period, with its client's ID
// number and phone, its stage, its number of service records and the day
// of the last.
func (rd *exportReader) cases() (*table, error) {
	ct, pt := rd.typ(model.TypeCase), rd.typ(model.TypePerson)
	own := ownFields(ct)
	t := &table{sheet: "个案", slug: "cases", cols: []column{idColumn()}}
	t.cols = append(t.cols, fieldColumns(ct, own)...)
	t.cols = append(t.cols, renamed(pt, "id_number", "服务对象身份证号码"), renamed(pt, "phone", "服务对象联系电话"),
		sized("个案阶段", cellText, 10), sized("服务记录数", cellNumber, 10), sized("最近服务日期", cellDate, 12))
	for _, root := range rd.roots[model.TypeCase] {
		c, err := rd.rec(root)
		if err != nil {
			return nil, err
		}
		opened := str(c.v["opened"])
		if !rd.inPeriod(opened) {
			continue
		}
		kids, err := rd.kids(root, stageTypes...)
		if err != nil {
			return nil, err
		}
		children := make([]model.Child, 0, len(kids))
		services, last := 0, ""
		for _, k := range kids {
			children = append(children, model.Child{Type: k.id.Type(), Values: k.v})
			if k.id.Type() == model.TypeServiceRecord {
				services++
				last = max(last, str(k.v["date"]))
			}
		}
		stage := model.DeriveStage(children)
		client, err := rd.seen(sync.RecID(str(c.v["client"])))
		if err != nil {
			return nil, err
		}
		var cv model.Values
		if client != nil && client.id.Type() == model.TypePerson {
			cv = client.v
		}
		b := rd.row(root).text(string(root)).fields(ct, own, c.v).field(pt, "id_number", cv).field(pt, "phone", cv).
			text(rd.reg.CodeLabel(model.ListStage, stage).Zh).number(strconv.Itoa(services)).date(last)
		if err := rd.add(t, opened+"\x00"+string(root), b); err != nil {
			return nil, err
		}
	}
	return sorted(t), nil
}

// services: one row per service record dated in the period, with its
// case, client and worker, its length and who wrote it.
func (rd *exportReader) services() (*table, error) {
	ct, st := rd.typ(model.TypeCase), rd.typ(model.TypeServiceRecord)
	own := ownFields(st)
	t := &table{sheet: "服务记录", slug: "services", cols: []column{idColumn(), renamed(ct, "title", "个案"),
		renamed(ct, "client", ""), renamed(ct, "worker", "")}}
	t.cols = append(t.cols, fieldColumns(st, own)...)
	t.cols = append(t.cols, sized("时长（分钟）", cellNumber, 10), sized("记录人", cellText, 12))
	for _, root := range rd.roots[model.TypeCase] {
		c, err := rd.rec(root)
		if err != nil {
			return nil, err
		}
		recs, err := rd.kids(root, model.TypeServiceRecord)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			day := str(r.v["date"])
			if !rd.inPeriod(day) {
				continue
			}
			b := rd.row(root).text(string(r.id)).field(ct, "title", c.v).field(ct, "client", c.v).field(ct, "worker", c.v).
				fields(st, own, r.v).number(minutes(str(r.v["start"]), str(r.v["end"]))).user(r.by)
			if err := rd.add(t, day+"\x00"+str(r.v["start"])+"\x00"+string(r.id), b); err != nil {
				return nil, err
			}
		}
	}
	return sorted(t), nil
}

// group is a group's records, as the three group tables read them.
type group struct {
	rec      *rec
	members  []*rec
	sessions []*rec
	// latest is each member's attendance in each session: their latest
	// record (attendance is append-only; the last tap counts).
	latest map[sync.RecID]map[sync.RecID]*rec
}

func (rd *exportReader) group(root sync.RecID) (*group, error) {
	g := &group{latest: map[sync.RecID]map[sync.RecID]*rec{}}
	var err error
	if g.rec, err = rd.rec(root); err != nil {
		return nil, err
	}
	if g.members, err = rd.kids(root, model.TypeGroupMember); err != nil {
		return nil, err
	}
	if g.sessions, err = rd.kids(root, model.TypeGroupSession); err != nil {
		return nil, err
	}
	att, err := rd.kids(root, model.TypeAttendance)
	if err != nil {
		return nil, err
	}
	for _, a := range att {
		s, m := sync.RecID(str(a.v[model.FieldParent])), sync.RecID(str(a.v["member"]))
		if g.latest[s] == nil {
			g.latest[s] = map[sync.RecID]*rec{}
		}
		if old := g.latest[s][m]; old == nil || str(a.v["at"]) > str(old.v["at"]) ||
			str(a.v["at"]) == str(old.v["at"]) && a.id > old.id {
			g.latest[s][m] = a
		}
	}
	return g, nil
}

// present counts the members present at, and absent from, a session.
func (g *group) present(session sync.RecID) (yes, no int) {
	for _, a := range g.latest[session] {
		if p, _ := model.AsBool(a.v["present"]); p {
			yes++
		} else {
			no++
		}
	}
	return yes, no
}

// groups: one row per group started in the period, with its numbers of
// members, sessions held and attendances.
func (rd *exportReader) groups() (*table, error) {
	gt := rd.typ(model.TypeGroup)
	own := ownFields(gt)
	t := &table{sheet: "小组", slug: "groups", cols: []column{idColumn()}}
	t.cols = append(t.cols, fieldColumns(gt, own)...)
	t.cols = append(t.cols, sized("组员人数", cellNumber, 10), sized("已开展节数", cellNumber, 10), sized("出席人次", cellNumber, 10))
	for _, root := range rd.roots[model.TypeGroup] {
		g, err := rd.group(root)
		if err != nil {
			return nil, err
		}
		start := str(g.rec.v["start"])
		if !rd.inPeriod(start) {
			continue
		}
		present := 0
		for _, s := range g.sessions {
			yes, _ := g.present(s.id)
			present += yes
		}
		b := rd.row(root).text(string(root)).fields(gt, own, g.rec.v).number(strconv.Itoa(len(g.members))).
			number(strconv.Itoa(len(g.sessions))).number(strconv.Itoa(present))
		if err := rd.add(t, start+"\x00"+string(root), b); err != nil {
			return nil, err
		}
	}
	return sorted(t), nil
}

// sessions: one row per group session held in the period, with its group
// and how many members came.
func (rd *exportReader) sessions() (*table, error) {
	gt, st := rd.typ(model.TypeGroup), rd.typ(model.TypeGroupSession)
	own := ownFields(st)
	t := &table{sheet: "小组活动记录", slug: "sessions", cols: []column{idColumn(), renamed(gt, "name", "小组")}}
	t.cols = append(t.cols, fieldColumns(st, own)...)
	t.cols = append(t.cols, sized("出席人数", cellNumber, 10), sized("缺席人数", cellNumber, 10))
	for _, root := range rd.roots[model.TypeGroup] {
		g, err := rd.group(root)
		if err != nil {
			return nil, err
		}
		for _, s := range g.sessions {
			day := str(s.v["date"])
			if !rd.inPeriod(day) {
				continue
			}
			yes, no := g.present(s.id)
			b := rd.row(root).text(string(s.id)).field(gt, "name", g.rec.v).fields(st, own, s.v).
				number(strconv.Itoa(yes)).number(strconv.Itoa(no))
			if err := rd.add(t, sessionKey(day, root, s), b); err != nil {
				return nil, err
			}
		}
	}
	return sorted(t), nil
}

// attendance: one row per member of each session held in the period whose
// attendance was taken: group, session number and day, member, present.
func (rd *exportReader) attendance() (*table, error) {
	gt, st, at := rd.typ(model.TypeGroup), rd.typ(model.TypeGroupSession), rd.typ(model.TypeAttendance)
	own := ownFields(at)
	t := &table{sheet: "出勤", slug: "attendance", cols: []column{renamed(gt, "name", "小组"), renamed(st, "number", ""),
		renamed(st, "date", "")}}
	t.cols = append(t.cols, fieldColumns(at, own)...)
	for _, root := range rd.roots[model.TypeGroup] {
		g, err := rd.group(root)
		if err != nil {
			return nil, err
		}
		for _, s := range g.sessions {
			day := str(s.v["date"])
			if !rd.inPeriod(day) {
				continue
			}
			for _, a := range g.latest[s.id] {
				b := rd.row(root).field(gt, "name", g.rec.v).field(st, "number", s.v).field(st, "date", s.v).fields(at, own, a.v)
				if err := rd.add(t, sessionKey(day, root, s)+"\x00"+str(a.v["member"]), b); err != nil {
					return nil, err
				}
			}
		}
	}
	return sorted(t), nil
}

// sessionKey sorts sessions by day, group and number.
func sessionKey(day string, root sync.RecID, s *rec) string {
	n, _ := strconv.Atoi(s.v["number"])
	return fmt.Sprintf("%s\x00%s\x00%04d\x00%s", day, root, n, s.id)
}

// activities: one row per community activity held in the period, with its
// number of participants (named and others).
func (rd *exportReader) activities() (*table, error) {
	ct := rd.typ(model.TypeActivity)
	own := ownFields(ct)
	t := &table{sheet: "社区活动", slug: "activities", cols: []column{idColumn()}}
	t.cols = append(t.cols, fieldColumns(ct, own)...)
	t.cols = append(t.cols, sized("参与总人数", cellNumber, 10))
	for _, root := range rd.roots[model.TypeActivity] {
		a, err := rd.rec(root)
		if err != nil {
			return nil, err
		}
		day := str(a.v["date"])
		if !rd.inPeriod(day) {
			continue
		}
		named, _ := model.AsList(a.v["participants"])
		others, _ := strconv.Atoi(a.v["others_count"])
		b := rd.row(root).text(string(root)).fields(ct, own, a.v).number(strconv.Itoa(len(named) + others))
		if err := rd.add(t, day+"\x00"+string(root), b); err != nil {
			return nil, err
		}
	}
	return sorted(t), nil
}

// volunteerHours: one row per day of service in the period, with the
// volunteer's name and number, and who recorded it.
func (rd *exportReader) volunteerHours() (*table, error) {
	vt, ht := rd.typ(model.TypeVolunteer), rd.typ(model.TypeVolunteerHours)
	own := ownFields(ht)
	t := &table{sheet: "志愿服务时长", slug: "volunteer-hours", cols: []column{idColumn(), renamed(vt, "name", "志愿者"),
		renamed(vt, "volunteer_no", "")}}
	t.cols = append(t.cols, fieldColumns(ht, own)...)
	t.cols = append(t.cols, sized("记录人", cellText, 12))
	for _, root := range rd.roots[model.TypeVolunteer] {
		v, err := rd.rec(root)
		if err != nil {
			return nil, err
		}
		hours, err := rd.kids(root, model.TypeVolunteerHours)
		if err != nil {
			return nil, err
		}
		for _, h := range hours {
			day := str(h.v["date"])
			if !rd.inPeriod(day) {
				continue
			}
			b := rd.row(root).text(string(h.id)).field(vt, "name", v.v).field(vt, "volunteer_no", v.v).fields(ht, own, h.v).user(h.by)
			if err := rd.add(t, day+"\x00"+string(root)+"\x00"+string(h.id), b); err != nil {
				return nil, err
			}
		}
	}
	return sorted(t), nil
}

// ---- helpers ----

func (rd *exportReader) typ(name string) *model.Type {
	t, ok := rd.reg.Type(name)
	if !ok {
		panic("export: no record type " + name)
	}
	return t
}

// ownFields are a type's fields but root and parent, in form order.
func ownFields(t *model.Type) []string {
	var out []string
	for _, f := range t.Fields {
		if f.Name != sync.FieldRoot && f.Name != model.FieldParent {
			out = append(out, f.Name)
		}
	}
	return out
}

func fieldColumns(t *model.Type, names []string) []column {
	out := make([]column, len(names))
	for i, n := range names {
		f, _ := t.Field(n)
		out[i] = columnFor(f)
	}
	return out
}

// renamed is the column of a field of another type, under head ("": the
// field's label).
func renamed(t *model.Type, field, head string) column {
	f, _ := t.Field(field)
	c := columnFor(f)
	if head != "" {
		c = sized(head, c.kind, c.width)
	}
	return c
}

func idColumn() column { return sized("编号", cellText, 34) }

func sorted(t *table) *table {
	slices.SortStableFunc(t.rows, func(a, b row) int { return strings.Compare(a.key, b.key) })
	return t
}

// str is the string of a JSON string value ("" for anything else).
func str(v string) string {
	s, _ := model.AsString(v)
	return s
}

// minutes is the length in minutes from start to end (HH:MM), "" when
// either is missing or end is not after start.
func minutes(start, end string) string {
	a, err1 := time.Parse("15:04", start)
	b, err2 := time.Parse("15:04", end)
	if err1 != nil || err2 != nil || !b.After(a) {
		return ""
	}
	return strconv.Itoa(int(b.Sub(a).Minutes()))
}

// ---- rows ----

// rowBuilder renders one row, masking sensitive values unless the row is
// written in full.
type rowBuilder struct {
	rd     *exportReader
	mask   bool // sensitive values are masked in this row
	masked bool // and masking changed at least one
	cells  []cell
	err    error
}

// row starts a row of a record under root.
func (rd *exportReader) row(root sync.RecID) *rowBuilder {
	return &rowBuilder{rd: rd, mask: !rd.full[root]}
}

func (b *rowBuilder) put(c cell) *rowBuilder { b.cells = append(b.cells, c); return b }

func (b *rowBuilder) text(s string) *rowBuilder   { return b.put(cell{s: clip(s), kind: cellText}) }
func (b *rowBuilder) number(s string) *rowBuilder { return b.put(cell{s: s, kind: cellNumber}) }
func (b *rowBuilder) date(s string) *rowBuilder   { return b.put(cell{s: s, kind: cellDate}) }

// user names a user.
func (b *rowBuilder) user(id string) *rowBuilder {
	n, err := b.rd.userName(id)
	if err != nil && b.err == nil {
		b.err = err
	}
	return b.text(n)
}

// fields appends the named fields of a record of type t.
func (b *rowBuilder) fields(t *model.Type, names []string, v model.Values) *rowBuilder {
	for _, n := range names {
		b.field(t, n, v)
	}
	return b
}

// field appends one field of a record of type t.
func (b *rowBuilder) field(t *model.Type, name string, v model.Values) *rowBuilder {
	f, ok := t.Field(name)
	if !ok {
		b.err = cmp.Or(b.err, fmt.Errorf("export: %s has no field %s", t.Name, name))
		return b.put(cell{})
	}
	raw := v[name]
	if raw == "" || raw == model.Null {
		return b.put(cell{})
	}
	sensitive := b.rd.reg.Sensitive(t.Name, name)
	switch f.Kind {
	case model.KindRef:
		return b.refs(f, []string{str(raw)}, sensitive)
	case model.KindRefs:
		ids, _ := model.AsList(raw)
		return b.refs(f, ids, sensitive)
	case model.KindUser:
		return b.user(str(raw))
	case model.KindDateTime:
		if at, err := time.Parse(time.RFC3339, str(raw)); err == nil {
			return b.value(f, at.Local().Format("2006-01-02 15:04"), cellText, sensitive)
		}
	}
	return b.value(f, b.rd.reg.Format(f, raw, model.LangZh, false), kindOf(f), sensitive)
}

// value appends s, a value of field f: masked when the row masks and the
// value is sensitive.
func (b *rowBuilder) value(f *model.Field, s string, kind cellKind, sensitive bool) *rowBuilder {
	if sensitive && b.mask && s != "" {
		m := maskValue(f, s)
		b.masked = b.masked || m != s
		return b.put(cell{s: m, kind: cellText})
	}
	return b.put(cell{s: clip(s), kind: kind})
}

// refs appends what the records a reference field names are called,
// joined by 、; a name is masked as its own field is (a person's name
// is sensitive wherever it appears).
func (b *rowBuilder) refs(f *model.Field, ids []string, sensitive bool) *rowBuilder {
	var out []string
	for _, id := range ids {
		s, lf, lsens, err := b.rd.label(sync.RecID(id))
		if err != nil && b.err == nil {
			b.err = err
		}
		if s == "" {
			continue
		}
		if (sensitive || lsens) && b.mask {
			if lf == nil {
				lf = f
			}
			m := maskValue(lf, s)
			b.masked = b.masked || m != s
			s = m
		}
		out = append(out, s)
	}
	return b.text(strings.Join(out, "、"))
}

// label is what a record the caller may see is called in another
// table, the field that holds it (nil if none) and whether that is
// sensitive; "" for a record the caller may not see.
func (rd *exportReader) label(id sync.RecID) (string, *model.Field, bool, error) {
	r, err := rd.seen(id)
	if r == nil || err != nil {
		return "", nil, false, err
	}
	if id.Type() == model.TypeGroupSession {
		return fmt.Sprintf("第%s节 %s", r.v["number"], str(r.v["date"])), nil, false, nil
	}
	t, ok := rd.reg.Type(id.Type())
	if !ok {
		return string(id), nil, false, nil
	}
	f, ok := t.Field(labelFields[t.Name])
	if !ok {
		return t.Label.Zh + " " + string(id), nil, false, nil
	}
	return rd.reg.Format(f, r.v[f.Name], model.LangZh, false), f, rd.reg.Sensitive(t.Name, f.Name), nil
}
