package report

import (
	"cmp"
	"maps"
	"slices"
	"strconv"

	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// Compute makes the report of recs for the period p (p.Check must pass).
// recs are merged records of any types, in any order; deleted ones are
// skipped, and so is every record whose root is deleted or absent. The
// code lists (target and service categories, methods, stages, attainment,
// closing reasons) come from reg, so a province's own codes are counted.
func Compute(reg *model.Registry, recs []*sync.Record, p Period) Report {
	ix := newIndex(recs)
	r := Report{From: p.From, To: p.To, Today: p.Today}
	c := counter{reg: reg, p: p, ix: ix}
	served := c.cases(&r)
	c.services(&r.Dashboard)
	c.groups(&r.Dashboard, &r.Performance)
	c.assurance(&r.Dashboard)
	c.outcomes(&r.Performance, served)
	d, pf := &r.Dashboard, &r.Performance
	pf.CasesServed, pf.Services, pf.GroupSessions, pf.Activities = d.Cases, d.Services, d.GroupSessions, d.Activities
	return r
}

// index holds the live records: not deleted, their root present and not
// deleted.
type index struct {
	byType map[string][]*sync.Record // in id order
	byID   map[sync.RecID]*sync.Record
	kids   map[sync.RecID][]*sync.Record // root → its live records but itself
}

func newIndex(recs []*sync.Record) *index {
	all := make(map[sync.RecID]*sync.Record, len(recs))
	for _, r := range recs {
		all[r.ID] = r
	}
	ix := &index{byType: map[string][]*sync.Record{}, byID: map[sync.RecID]*sync.Record{}, kids: map[sync.RecID][]*sync.Record{}}
	for _, r := range recs {
		root := sync.RootOf(r)
		rr := all[root]
		if r.Deleted() || rr == nil || rr.Deleted() || ix.byID[r.ID] != nil {
			continue
		}
		ix.byID[r.ID] = r
		ix.byType[r.ID.Type()] = append(ix.byType[r.ID.Type()], r)
		if root != r.ID {
			ix.kids[root] = append(ix.kids[root], r)
		}
	}
	byID := func(a, b *sync.Record) int { return cmp.Compare(a.ID, b.ID) }
	for _, list := range ix.byType {
		slices.SortFunc(list, byID)
	}
	for _, list := range ix.kids {
		slices.SortFunc(list, byID)
	}
	return ix
}

// Field readers: a missing or malformed value reads as empty.

func str(r *sync.Record, field string) string {
	v, _ := r.Get(field)
	s, _ := model.AsString(v)
	return s
}

func list(r *sync.Record, field string) []string {
	v, _ := r.Get(field)
	l, _ := model.AsList(v)
	return l
}

func integer(r *sync.Record, field string) (int64, bool) {
	v, _ := r.Get(field)
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

func decimal(r *sync.Record, field string) (Decimal, bool) {
	v, _ := r.Get(field)
	return ParseDecimal(v)
}

func values(r *sync.Record) model.Values {
	v := make(model.Values, len(r.Fields))
	for name, f := range r.Fields {
		v[name] = f.Value
	}
	return v
}

// counter computes the parts of one report.
type counter struct {
	reg *model.Registry
	p   Period
	ix  *index
}

// counts lists n by the codes of a code list, in its order and zeros
// included, then the codes the list does not know, in code order.
func (c *counter) counts(listName string, n map[string]int) []Count {
	var out []Count
	known := map[string]bool{}
	if l, ok := c.reg.Codes(listName); ok {
		for _, code := range l.Codes {
			known[code.Code] = true
			out = append(out, Count{Code: code.Code, N: n[code.Code]})
		}
	}
	var extra []string
	for code := range n {
		if !known[code] {
			extra = append(extra, code)
		}
	}
	slices.Sort(extra)
	for _, code := range extra {
		out = append(out, Count{Code: code, N: n[code]})
	}
	if out == nil {
		out = []Count{}
	}
	return out
}

// dated returns the live records of a type dated (by field) in the period.
func (c *counter) dated(typ, field string) []*sync.Record {
	var out []*sync.Record
	for _, r := range c.ix.byType[typ] {
		if c.p.contains(str(r, field)) {
			out = append(out, r)
		}
	}
	return out
}

// cases counts the cases served (by target category and by stage), the
// cases opened and closed, the closings by reason and the overdue
// follow-ups; it returns the cases served.
func (c *counter) cases(r *Report) map[sync.RecID]bool {
	d, pf := &r.Dashboard, &r.Performance
	served := map[sync.RecID]bool{}
	targets, stages := map[string]int{}, map[string]int{}
	for _, cs := range c.ix.byType[model.TypeCase] {
		var kids []model.Child
		lastClosing := ""
		for _, k := range c.ix.kids[cs.ID] {
			kids = append(kids, model.Child{Type: k.ID.Type(), Values: values(k)})
			if k.ID.Type() == model.TypeClosing {
				lastClosing = max(lastClosing, str(k, "date"))
			}
		}
		stage := model.DeriveStage(kids)
		opened := str(cs, "opened")
		if opened != "" && c.p.contains(opened) {
			pf.CasesOpened++
		}
		closedBefore := (stage == model.StageClosed || stage == model.StageFollowUp) && c.p.From != "" && lastClosing < c.p.From
		if c.p.To != "" && opened > c.p.To || closedBefore {
			continue
		}
		served[cs.ID] = true
		d.Cases++
		stages[stage]++
		cats := list(cs, "categories")
		if len(cats) == 0 {
			d.CasesNoTarget++
		}
		for _, code := range cats {
			targets[code]++
		}
	}
	d.CasesByTarget = c.counts(model.ListTarget, targets)
	d.CasesByStage = c.counts(model.ListStage, stages)

	reasons, closed := map[string]int{}, map[sync.RecID]bool{}
	for _, k := range c.dated(model.TypeClosing, "date") {
		pf.Closings++
		reasons[str(k, "reason")]++
		closed[sync.RootOf(k)] = true
	}
	pf.CasesClosed = len(closed)
	pf.ClosingReasons = c.counts(model.ListClosingReason, reasons)

	for _, f := range c.ix.byType[model.TypeFollowUp] {
		if due := str(f, "due"); due != "" && c.p.Today != "" && due < c.p.Today && str(f, "done_date") == "" {
			d.FollowUpsOverdue++
		}
	}
	return served
}

// services counts the service records by category and method, in all and
// per month.
func (c *counter) services(d *Dashboard) {
	cats, methods := map[string]int{}, map[string]int{}
	type month struct {
		n             int
		cats, methods map[string]int
	}
	months := map[string]*month{}
	for _, s := range c.dated(model.TypeServiceRecord, "date") {
		date := str(s, "date")
		key := ""
		if len(date) >= 7 {
			key = date[:7]
		}
		m := months[key]
		if m == nil {
			m = &month{cats: map[string]int{}, methods: map[string]int{}}
			months[key] = m
		}
		d.Services++
		m.n++
		for _, code := range list(s, "categories") {
			cats[code]++
			m.cats[code]++
		}
		if method := str(s, "method"); method != "" {
			methods[method]++
			m.methods[method]++
		}
	}
	d.ServicesByCategory = c.counts(model.ListService, cats)
	d.ServicesByMethod = c.counts(model.ListMethod, methods)
	d.ServiceMonths = []Month{}
	for _, key := range slices.Sorted(maps.Keys(months)) {
		m := months[key]
		d.ServiceMonths = append(d.ServiceMonths, Month{Month: key, Services: m.n,
			ByCategory: c.counts(model.ListService, m.cats), ByMethod: c.counts(model.ListMethod, m.methods)})
	}
}

// groups counts the groups, their sessions and attendance, the group
// evaluations and the community activities.
func (c *counter) groups(d *Dashboard, pf *Performance) {
	active := map[sync.RecID]bool{}
	for _, g := range c.ix.byType[model.TypeGroup] {
		if c.p.contains(str(g, "start")) {
			active[g.ID] = true
		}
	}
	// a member's attendance at a session is their latest record (by at,
	// then id), as the session's page shows it
	type mark struct {
		at      string
		id      sync.RecID
		present bool
	}
	marks := map[[2]sync.RecID]mark{} // (session, member)
	for _, a := range c.ix.byType[model.TypeAttendance] {
		k := [2]sync.RecID{sync.RecID(str(a, model.FieldParent)), sync.RecID(str(a, "member"))}
		m := mark{at: str(a, "at"), id: a.ID}
		v, _ := a.Get("present")
		m.present, _ = model.AsBool(v)
		if old, ok := marks[k]; !ok || cmp.Or(cmp.Compare(m.at, old.at), cmp.Compare(m.id, old.id)) > 0 {
			marks[k] = m
		}
	}
	for _, s := range c.dated(model.TypeGroupSession, "date") {
		d.GroupSessions++
		active[sync.RootOf(s)] = true
		for _, m := range c.ix.kids[sync.RootOf(s)] {
			if m.ID.Type() == model.TypeGroupMember && marks[[2]sync.RecID{s.ID, m.ID}].present {
				d.Attendances++
			}
		}
	}
	d.Groups = len(active)

	var sum Decimal
	for _, e := range c.dated(model.TypeGroupEvaluation, "date") {
		pf.GroupEvaluations++
		if x, ok := decimal(e, "satisfaction"); ok {
			pf.GroupRated++
			sum += x
		}
	}
	pf.GroupSatisfaction = ratio(int64(sum), int64(pf.GroupRated))

	for _, a := range c.dated(model.TypeActivity, "date") {
		d.Activities++
		d.ActivityNamed += len(list(a, "participants"))
		if n, ok := integer(a, "others_count"); ok {
			d.ActivityOthers += int(n)
		}
	}
}

// assurance adds up volunteer, supervision and training hours.
func (c *counter) assurance(d *Dashboard) {
	served := map[sync.RecID]bool{}
	for _, h := range c.dated(model.TypeVolunteerHours, "date") {
		x, ok := decimal(h, "hours")
		if !ok {
			continue
		}
		d.VolunteerServices++
		d.VolunteerHours += x
		served[sync.RootOf(h)] = true
	}
	d.Volunteers = len(served)
	for _, s := range c.dated(model.TypeSupervision, "date") {
		d.SupervisionSessions++
		if n, ok := integer(s, "minutes"); ok {
			d.SupervisionMinutes += int(n)
		}
	}
	d.SupervisionHours = ratio(int64(d.SupervisionMinutes)*100, 60)
	for _, t := range c.dated(model.TypeTraining, "date") {
		d.Trainings++
		if x, ok := decimal(t, "hours"); ok {
			d.TrainingHours += x
			d.TrainingPersonHours += x * Decimal(len(list(t, "attendees")))
		}
	}
}

// outcomes rates the plan goals of the cases served and the client
// satisfaction of the evaluations in the period.
func (c *counter) outcomes(pf *Performance, served map[sync.RecID]bool) {
	att := map[string]int{}
	for _, g := range c.ix.byType[model.TypePlanGoal] {
		if !served[sync.RootOf(g)] {
			continue
		}
		pf.Goals++
		if a := str(g, "attainment"); a != "" {
			att[a]++
		} else {
			pf.GoalsUnrated++
		}
	}
	pf.GoalsByAttainment = c.counts(model.ListAttainment, att)
	pf.GoalsAchievedPct = ratio(int64(att["achieved"])*100*100, int64(pf.Goals))

	scores := map[string]int{}
	sum := int64(0)
	for _, e := range c.dated(model.TypeEvaluation, "date") {
		pf.Evaluations++
		if n, ok := integer(e, "satisfaction"); ok && n >= 1 && n <= 5 {
			pf.Rated++
			sum += n
			scores[strconv.FormatInt(n, 10)]++
		}
	}
	pf.Satisfaction = ratio(sum*100, int64(pf.Rated))
	pf.SatisfactionScores = make([]Count, 0, 5)
	for n := 1; n <= 5; n++ {
		pf.SatisfactionScores = append(pf.SatisfactionScores, Count{Code: strconv.Itoa(n), N: scores[strconv.Itoa(n)]})
	}
}
