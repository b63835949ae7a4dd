// Package reporttest is a dataset with known report figures, for the tests
// of the report on the tablet, on the server and in the browser: Dataset
// makes its records as a worker's device would (edits), Expected gives its
// report for the whole time and for the first half of 2025, every figure
// counted by hand from the tables below. It is pure, like its parent.
package reporttest

import (
	"encoding/binary"

	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// The periods Expected knows, and the day the unit tests make the report
// on. Every follow-up of the dataset is due long before it (overdue unless
// done) or in 2099, so any real day between gives the same figures.
const (
	H1From = "2025-01-01"
	H1To   = "2025-06-30"
	Today  = "2025-09-15"
)

// builder makes records as the edits a device would push.
type builder struct {
	user  string
	seed  byte
	n     uint32
	edits []sync.Edit
}

// id makes a record id of typ, distinct for each seed and record.
func (b *builder) id(typ string) sync.RecID {
	b.n++
	var ent [10]byte
	ent[0] = b.seed
	binary.BigEndian.PutUint32(ent[6:], b.n)
	return sync.MakeRecID(typ, 1735689600000+int64(b.seed)<<20+int64(b.n), ent)
}

// set writes fields given as name, value pairs (canonical JSON).
func (b *builder) set(id sync.RecID, fields []string) {
	for i := 0; i+1 < len(fields); i += 2 {
		b.edits = append(b.edits, sync.Edit{Rec: id, Field: fields[i], Value: fields[i+1]})
	}
}

// root makes a root record.
func (b *builder) root(typ string, fields ...string) sync.RecID {
	id := b.id(typ)
	b.set(id, append([]string{model.FieldRoot, model.Str(string(id))}, fields...))
	return id
}

// child makes a record under parent in root.
func (b *builder) child(typ string, root, parent sync.RecID, fields ...string) sync.RecID {
	id := b.id(typ)
	b.set(id, append([]string{model.FieldRoot, model.Str(string(root)), model.FieldParent, model.Str(string(parent))}, fields...))
	return id
}

// del deletes a record (its tombstone).
func (b *builder) del(id sync.RecID) {
	b.edits = append(b.edits, sync.Edit{Rec: id, Field: sync.FieldDeleted, Value: sync.ValueTrue})
}

// Short names for canonical values.
var (
	s     = model.Str
	codes = model.List
	num   = model.Int
	dec   = model.Decimal
	yes   = model.Bool(true)
	no    = model.Bool(false)
)

func refs(ids ...sync.RecID) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return model.List(out...)
}

// Dataset returns the edits that make one copy of the dataset, owned by
// user (a worker's id): what that worker's device pushes. Copies made with
// different seeds share no record; their figures add up (Expected's
// copies).
func Dataset(user string, seed byte) []sync.Edit {
	b := &builder{user: user, seed: seed}
	b.cases()
	b.groupWork()
	b.assurance()
	return b.edits
}

// caseSpec is one case of the dataset.
type caseSpec struct {
	opened string
	cats   []string
}

// cases makes twelve cases, numbered as in the comments (stage today,
// whether served in the first half of 2025):
//
//	0  2024-10-10 dibao                closed 2024-12-20 (goals_met)        not served in H1
//	1  2024-12-15 dibao, medical       assessment                            served, opened before H1
//	2  2025-01-20 tekun                intervention; goals achieved, partly
//	3  2025-02-03 low_income, medical  evaluation (4); goal not achieved
//	4  2025-02-17 temporary            closed 05-10 (goals_met), evaluation (5), follow-up overdue
//	5  2025-03-03 dibao                follow-up (closed 04-20 can_cope, visited 05-22), evaluation (5)
//	6  2025-03-17 disaster             declined
//	7  2025-04-07 employment, dibao    intervention; goal unrated; follow-up due 2099
//	8  2025-05-05 (no category)        new
//	9  2025-06-02 other                reopened (closed 06-20 withdrew, reopened 06-25), evaluation (no score)
//	10 2025-07-07 dibao                intervention, follow-up overdue      not served in H1 (opened after)
//	11 2025-02-10 medical              deleted, with a service and a follow-up: counted nowhere
func (b *builder) cases() {
	specs := []caseSpec{
		{"2024-10-10", []string{"dibao"}},
		{"2024-12-15", []string{"dibao", "medical"}},
		{"2025-01-20", []string{"tekun"}},
		{"2025-02-03", []string{"low_income", "medical"}},
		{"2025-02-17", []string{"temporary"}},
		{"2025-03-03", []string{"dibao"}},
		{"2025-03-17", []string{"disaster"}},
		{"2025-04-07", []string{"employment", "dibao"}},
		{"2025-05-05", nil},
		{"2025-06-02", []string{"other"}},
		{"2025-07-07", []string{"dibao"}},
		{"2025-02-10", []string{"medical"}},
	}
	cs := make([]sync.RecID, len(specs))
	for i, sp := range specs {
		f := []string{"title", s("报表测试个案 " + string(rune('A'+i))), "worker", s(b.user), "opened", s(sp.opened), "methods", codes("casework")}
		if sp.cats != nil {
			f = append(f, "categories", codes(sp.cats...))
		}
		cs[i] = b.root(model.TypeCase, f...)
	}
	intake := func(c int, date string, accepted bool) {
		b.child(model.TypeIntake, cs[c], cs[c], "date", s(date), "source", s("self"), "voluntary", yes, "accepted", model.Bool(accepted))
	}
	assess := func(c int, date string) {
		b.child(model.TypeAssessment, cs[c], cs[c], "date", s(date), "kind", s("initial"), "needs", codes("living"))
	}
	plan := func(c int, date string, attainments ...string) []sync.RecID {
		p := b.child(model.TypePlan, cs[c], cs[c], "date", s(date), "goals", codes("apply_assistance"), "responsible", s(b.user))
		var goals []sync.RecID
		for _, a := range attainments {
			f := []string{"date", s(date), "goal", s("apply_assistance"), "objective", s("完成救助申请")}
			if a != "" {
				f = append(f, "attainment", s(a))
			}
			goals = append(goals, b.child(model.TypePlanGoal, cs[c], p, f...))
		}
		return goals
	}
	evaluate := func(c int, date string, score int64) {
		f := []string{"date", s(date), "methods", codes("interview"), "attainment", s("partly")}
		if score > 0 {
			f = append(f, "satisfaction", num(score))
		}
		b.child(model.TypeEvaluation, cs[c], cs[c], f...)
	}
	closing := func(c int, date, reason string) {
		b.child(model.TypeClosing, cs[c], cs[c], "date", s(date), "reason", s(reason), "summary", s("结案总结"))
	}
	followUp := func(c int, due, done string) {
		f := []string{"due", s(due)}
		if done != "" {
			f = append(f, "done_date", s(done))
		}
		b.child(model.TypeFollowUp, cs[c], cs[c], f...)
	}
	service := func(c int, date, method string, cats ...string) sync.RecID {
		return b.child(model.TypeServiceRecord, cs[c], cs[c], "date", s(date), "start", s("09:30"), "place", s("home_visit"),
			"categories", codes(cats...), "method", s(method), "content", s("入户探访"))
	}

	intake(0, "2024-10-10", true)
	plan(0, "2024-10-20", "achieved")
	evaluate(0, "2024-12-10", 3)
	closing(0, "2024-12-20", "goals_met")

	intake(1, "2024-12-15", true)
	assess(1, "2025-01-10")

	intake(2, "2025-01-20", true)
	assess(2, "2025-01-22")
	goals := plan(2, "2025-01-24", "achieved", "partly", "achieved")
	b.del(goals[2]) // a third goal, deleted: counted nowhere

	intake(3, "2025-02-03", true)
	assess(3, "2025-02-05")
	plan(3, "2025-02-10", "not")
	evaluate(3, "2025-04-10", 4)

	intake(4, "2025-02-17", true)
	assess(4, "2025-02-19")
	evaluate(4, "2025-05-01", 5)
	closing(4, "2025-05-10", "goals_met")
	followUp(4, "2025-06-01", "")

	intake(5, "2025-03-03", true)
	evaluate(5, "2025-04-15", 5)
	closing(5, "2025-04-20", "can_cope")
	followUp(5, "2025-05-20", "2025-05-22")

	intake(6, "2025-03-17", false)

	intake(7, "2025-04-07", true)
	plan(7, "2025-04-10", "")
	followUp(7, "2099-01-01", "")

	intake(9, "2025-06-02", true)
	evaluate(9, "2025-06-05", 0)
	closing(9, "2025-06-20", "withdrew")
	b.child(model.TypeReopen, cs[9], cs[9], "date", s("2025-06-25"), "reason", s("新的困难"))

	intake(10, "2025-07-07", true)
	followUp(10, "2025-08-01", "")

	// The service records (date, method, categories):
	service(2, "2025-01-25", "casework", "resource_link")
	service(2, "2025-02-10", "casework", "resource_link", "psych")
	service(2, "2025-03-12", "case_management", "capacity")
	service(3, "2025-02-20", "casework", "psych")
	service(3, "2025-03-05", "casework", "psych", "integration")
	service(4, "2025-03-01", "casework", "resource_link")
	service(4, "2025-04-15", "casework", "crisis")
	service(5, "2025-03-20", "community", "rights")
	service(7, "2025-04-20", "groupwork", "capacity")
	service(7, "2025-05-18", "casework", "capacity", "resource_link")
	service(10, "2025-07-15", "casework", "psych")
	service(11, "2025-02-15", "casework", "psych")
	service(2, "2025-06-30", "casework", "integration")
	b.del(service(3, "2025-03-06", "casework", "psych"))

	followUp(11, "2025-01-01", "")
	b.del(cs[11])
}
