package caseindex

import (
	"fmt"
	"math/rand/v2"
	"slices"
	stdsync "sync"
	"testing"

	"jiuzhu/app/local"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

func TestCard(t *testing.T) {
	t.Parallel()
	c := newCase("低保复核", "张三", "11010519491231002X", "13800138000", fields{"categories": []string{"elderly", "dibao"}, "worker": "w9", "opened": "2025-01-10"})
	c.client.Fields["categories"] = sync.FieldState{Value: model.List("disabled", "dibao")}
	other := c.add(model.TypePerson, fields{"name": "张母"})
	c.add(model.TypeIntake, fields{"date": "2025-01-11", "accepted": true})
	c.add(model.TypeAssessment, fields{"date": "2025-01-12", "risk_level": "high"})
	c.add(model.TypeAssessment, fields{"date": "2025-02-12", "risk_level": "low"})
	c.add(model.TypeAssessment, fields{"date": "2025-03-12"}) // no level: the last stated one stands
	c.add(model.TypeServiceRecord, fields{"date": "2025-02-01"})
	c.add(model.TypeServiceRecord, fields{"date": "2025-03-01"})
	c.add(model.TypePlanGoal, fields{"date": "2025-01-15", "due": "2025-06-30"})
	c.add(model.TypeFollowUp, fields{"due": "2025-05-01", "done_date": "2025-04-30"}) // done
	c.add(model.TypeFollowUp, fields{"due": "2025-07-01"})
	x := indexOf(t, c)
	got, ok := x.Card(c.kase.ID)
	if !ok {
		t.Fatal("not listed")
	}
	want := Card{
		Root: c.kase.ID, Title: "低保复核", Client: "张三", ClientID: c.client.ID, IDNumber: "11010519491231002X",
		Phone: "13800138000", Gender: "female", Categories: []string{"dibao", "disabled", "elderly"},
		Worker: "w9", Opened: "2025-01-10", Stage: model.StageIntervention, Risk: "low",
		LastContact: "2025-03-01", NextDue: "2025-06-30",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("card\n%+v\nwant\n%+v", got, want)
	}
	// The caller owns what it is given.
	got.Categories[0] = "changed"
	if again, _ := x.Card(c.kase.ID); again.Categories[0] != "dibao" {
		t.Error("Card shares its Categories with the index")
	}

	// Once closed, the plan goal is no longer due; the open follow-up is.
	cl := c.add(model.TypeClosing, fields{"date": "2025-04-01"})
	x.Apply(digests(cl))
	if got, _ := x.Card(c.kase.ID); got.NextDue != "2025-07-01" || got.Stage != model.StageFollowUp {
		t.Errorf("closed: due %q stage %s", got.NextDue, got.Stage)
	}

	// Without a client reference, the first person of the root by id.
	c.kase.Fields["client"] = sync.FieldState{Value: model.Null}
	x.Apply(digests(c.kase))
	if got, _ := x.Card(c.kase.ID); got.Client != "张三" {
		t.Errorf("no client ref: client %q", got.Client)
	}
	// A client reference to a person of its own that has no digest yet:
	// the first person too, until it arrives.
	c.kase.Fields["client"] = sync.FieldState{Value: model.Str(string(newID(model.TypePerson)))}
	x.Apply(digests(c.kase))
	if got, _ := x.Card(c.kase.ID); got.Client != "张三" {
		t.Errorf("dangling client ref: client %q", got.Client)
	}
	c.kase.Fields["client"] = sync.FieldState{Value: model.Str(string(other.ID))}
	x.Apply(digests(c.kase))
	if got, _ := x.Card(c.kase.ID); got.Client != "张母" || got.IDNumber != "" {
		t.Errorf("client ref to other: %+v", got)
	}
	if _, ok := x.Card(newID(model.TypeCase)); ok {
		t.Error("unknown root listed")
	}
}

// fixture is five cases that differ in every filter and sort key.
type fixture struct {
	x             *Index
	a, b, c, d, e *aCase
	byRoot        map[sync.RecID]string
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{}
	f.a = newCase("A", "张三", "", "", fields{"categories": []string{"dibao"}, "worker": "w1", "opened": "2025-01-01"})
	f.a.add(model.TypeIntake, fields{"date": "2025-01-02", "accepted": true})
	f.a.add(model.TypeAssessment, fields{"date": "2025-01-03", "risk_level": "high"})
	f.a.add(model.TypeServiceRecord, fields{"date": "2025-03-01"})
	f.a.add(model.TypeFollowUp, fields{"due": "2025-04-01"})

	f.b = newCase("B", "李四", "", "", fields{"categories": []string{"elderly"}, "worker": "w2", "opened": "2025-02-01"})
	f.b.add(model.TypeIntake, fields{"date": "2025-02-02", "accepted": true})
	f.b.add(model.TypeServiceRecord, fields{"date": "2025-03-05"})
	f.b.add(model.TypePlanGoal, fields{"date": "2025-02-03", "due": "2025-03-15"})

	f.c = newCase("C", "单田芳", "", "", fields{"worker": "w1", "opened": "2025-03-01"})
	f.c.client.Fields["categories"] = sync.FieldState{Value: model.List("dibao")}
	f.c.add(model.TypeIntake, fields{"date": "2025-03-02", "accepted": false})

	f.d = newCase("D", "阿明", "", "", fields{"worker": "w2", "opened": "2024-12-01"})
	f.d.add(model.TypeAssessment, fields{"date": "2025-01-03", "risk_level": "low"})
	f.d.add(model.TypeServiceRecord, fields{"date": "2025-03-05"}) // same day as b

	f.e = newCase("E", "", "", "", fields{"worker": "w1", "opened": "2025-01-01"}) // same day as a
	f.x = indexOf(t, f.a, f.b, f.c, f.d, f.e)
	f.byRoot = map[sync.RecID]string{f.a.kase.ID: "a", f.b.kase.ID: "b", f.c.kase.ID: "c", f.d.kase.ID: "d", f.e.kase.ID: "e"}
	return f
}

func (f *fixture) names(rows []Card) string {
	s := ""
	for _, c := range rows {
		s += f.byRoot[c.Root]
	}
	return s
}

func TestFiltersAndSorts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// Ids grow with creation: e > d > c > b > a, the last tie breaker of every
	// order (newest first for dates, oldest first for name and due).
	tests := []struct {
		q    Query
		want string
	}{
		{Query{}, "bdace"},                 // last contact (b and d tie: newer opened first), then opened
		{Query{Sort: SortOpened}, "cbead"}, // e and a tie on opened
		{Query{Sort: SortName}, "dbcae"},   // a ming, li si, shan tian fang, zhang san; no name last
		{Query{Sort: SortDue}, "bacde"},    // due: b (03-15), a (04-01), then none by root
		{Query{Sort: Sort(99)}, "bdace"},   // unknown: the default
		{Query{Category: "dibao"}, "ac"},   // the case's or the client's
		{Query{Category: "elderly"}, "b"},
		{Query{Stage: model.StageIntervention}, "bda"},
		{Query{Stage: model.StageDeclined}, "c"},
		{Query{Stage: model.StageNew}, "e"},
		{Query{Risk: "high"}, "a"},
		{Query{Risk: "low"}, "d"},
		{Query{Worker: "w1"}, "ace"},
		{Query{DueBy: "2025-03-31"}, "b"},
		{Query{DueBy: "2025-04-01"}, "ba"},
		{Query{DueBy: "2025-04-01", Sort: SortDue}, "ba"},
		{Query{Worker: "w1", Category: "dibao", Sort: SortName}, "ca"},
		{Query{Worker: "w2", Text: "ls"}, "b"},
	}
	for _, tt := range tests {
		res := f.x.Query(tt.q)
		if got := f.names(res.Rows); got != tt.want || res.Total != len(tt.want) {
			t.Errorf("%+v: %s (total %d), want %s", tt.q, got, res.Total, tt.want)
		}
	}
}

func TestPaging(t *testing.T) {
	t.Parallel()
	var cases []*aCase
	for i := range 120 {
		cases = append(cases, newCase(fmt.Sprint("case ", i), "张三", "", "", fields{"opened": fmt.Sprintf("2025-01-%02d", i%28+1)}))
	}
	x := indexOf(t, cases...)
	all := x.Query(Query{Limit: 1000, Sort: SortOpened})
	if all.Total != 120 || len(all.Rows) != 120 {
		t.Fatalf("all: %d rows, total %d", len(all.Rows), all.Total)
	}
	var pages []sync.RecID
	for off := 0; off < 130; off += DefaultLimit {
		res := x.Query(Query{Offset: off, Sort: SortOpened})
		if res.Total != 120 {
			t.Errorf("offset %d: total %d", off, res.Total)
		}
		if want := min(DefaultLimit, 120-off); len(res.Rows) != want {
			t.Errorf("offset %d: %d rows, want %d", off, len(res.Rows), want)
		}
		pages = append(pages, roots(res.Rows)...)
	}
	if !slices.Equal(pages, roots(all.Rows)) {
		t.Error("pages do not add up to the whole list")
	}
	if res := x.Query(Query{Offset: 500}); res.Total != 120 || len(res.Rows) != 0 {
		t.Errorf("past the end: %d rows, total %d", len(res.Rows), res.Total)
	}
	if res := x.Query(Query{Offset: -5, Limit: 7}); len(res.Rows) != 7 || res.Rows[0].Root != x.Query(Query{}).Rows[0].Root {
		t.Errorf("negative offset: %d rows", len(res.Rows))
	}
	if res := x.Query(Query{Text: "zs", Offset: 100, Limit: 10}); res.Total != 120 || len(res.Rows) != 10 {
		t.Errorf("search page: %d rows, total %d", len(res.Rows), res.Total)
	}
}

func TestApplyRemovals(t *testing.T) {
	t.Parallel()
	a := newCase("A", "张三", "", "", nil)
	sr := a.add(model.TypeServiceRecord, fields{"date": "2025-03-01"})
	b := newCase("B", "李四", "", "", nil)
	x := indexOf(t, a, b)
	if x.Len() != 2 {
		t.Fatalf("Len %d", x.Len())
	}
	// A record's digest removed.
	x.Apply([]local.Digest{{ID: sr.ID, Root: a.kase.ID}})
	if c, _ := x.Card(a.kase.ID); c.LastContact != "" || c.Stage != model.StageNew {
		t.Errorf("after removing the service record: %+v", c)
	}
	// Removing what is not there is nothing.
	x.Apply([]local.Digest{{ID: newID(model.TypeIntake), Root: a.kase.ID}, {ID: newID(model.TypeIntake)}, {Root: newID(model.TypeCase)}})
	// The client's digest removed: no client.
	x.Apply([]local.Digest{{ID: a.client.ID, Root: a.kase.ID}})
	if c, _ := x.Card(a.kase.ID); c.Client != "" {
		t.Errorf("client removed: %q", c.Client)
	}
	// The case record deleted: the case leaves the list, its children stay.
	a.kase.Fields[sync.FieldDeleted] = sync.FieldState{Value: sync.ValueTrue}
	x.Apply(digests(a.kase))
	if _, ok := x.Card(a.kase.ID); ok || x.Len() != 1 {
		t.Errorf("deleted case still listed (Len %d)", x.Len())
	}
	// Root drop: every digest of b goes.
	x.Apply([]local.Digest{{Root: b.kase.ID}})
	if x.Len() != 0 || recCount(x) != 0 {
		t.Errorf("after dropping b: Len %d, %d digests kept", x.Len(), recCount(x))
	}
	// Dropped, then back.
	x.Apply(digests(b.recs...))
	if c, ok := x.Card(b.kase.ID); !ok || c.Client != "李四" {
		t.Errorf("b back: %+v %v", c, ok)
	}
	x.Reset()
	if x.Len() != 0 || x.Query(Query{}).Total != 0 {
		t.Error("Reset kept cases")
	}
}

func TestChildrenBeforeRoot(t *testing.T) {
	t.Parallel()
	c := newCase("A", "张三", "", "", nil)
	c.add(model.TypeIntake, fields{"date": "2025-01-02", "accepted": true})
	c.add(model.TypeServiceRecord, fields{"date": "2025-03-01"})
	x := New()
	x.Apply(digests(c.recs[1:]...)) // all but the case record
	if x.Len() != 0 || x.Query(Query{}).Total != 0 {
		t.Fatal("listed without its case record")
	}
	x.Apply(digests(c.kase))
	got, ok := x.Card(c.kase.ID)
	if !ok || got.Client != "张三" || got.Stage != model.StageIntervention || got.LastContact != "2025-03-01" {
		t.Errorf("after the root arrived: %+v", got)
	}
	if res := x.Query(Query{Text: "zs"}); res.Total != 1 {
		t.Errorf("search after the root arrived: %d", res.Total)
	}
}

func TestUpdateReplaces(t *testing.T) {
	t.Parallel()
	c := newCase("A", "张三", "", "", nil)
	x := indexOf(t, c)
	x.Query(Query{}) // sort now, so the update goes through the merge
	c.client.Fields["name"] = sync.FieldState{Value: model.Str("李四")}
	x.Apply(digests(c.client))
	if x.Query(Query{Text: "zs"}).Total != 0 || x.Query(Query{Text: "ls"}).Total != 1 {
		t.Error("search keys not recomputed after the client's name changed")
	}
	if recCount(x) != 2 {
		t.Errorf("%d digests kept, want 2", recCount(x))
	}
}

func TestOverlay(t *testing.T) {
	t.Parallel()
	a := newCase("A", "张三", "", "", nil)
	sr := a.add(model.TypeServiceRecord, fields{"date": "2025-03-01"})
	b := newCase("B", "李四", "", "", nil)
	x := indexOf(t, a, b)

	// An edit here: the overlay's digest wins, and the case is pending.
	edited := a.kase.Clone()
	edited.Fields["title"] = sync.FieldState{Value: model.Str("A edited")}
	newSR := a.add(model.TypeServiceRecord, fields{"date": "2025-04-01"})
	x.SetOverlay(digests(edited, newSR))
	ca, _ := x.Card(a.kase.ID)
	cb, _ := x.Card(b.kase.ID)
	if ca.Title != "A edited" || !ca.Pending || ca.LastContact != "2025-04-01" || cb.Pending {
		t.Errorf("with overlay: a %+v, b pending %v", ca, cb.Pending)
	}
	// Confirmed digests applied meanwhile do not override the overlay.
	x.Apply(digests(a.kase))
	if ca, _ := x.Card(a.kase.ID); ca.Title != "A edited" {
		t.Errorf("confirmed digest won over the overlay: %q", ca.Title)
	}

	// A new overlay replaces the old one entirely: a deletion here.
	x.SetOverlay([]local.Digest{{ID: sr.ID, Root: a.kase.ID}})
	ca, _ = x.Card(a.kase.ID)
	if ca.Title != "A" || ca.LastContact != "" || !ca.Pending {
		t.Errorf("second overlay: %+v", ca)
	}

	// A case made here and not sent yet is listed, pending.
	n := newCase("N", "王五", "", "", nil)
	x.SetOverlay(digests(n.recs...))
	if cn, ok := x.Card(n.kase.ID); !ok || !cn.Pending || cn.Client != "王五" {
		t.Errorf("new case: %+v %v", cn, ok)
	}
	if ca, _ := x.Card(a.kase.ID); ca.Pending || ca.LastContact != "2025-03-01" {
		t.Errorf("a after its overlay went: %+v", ca)
	}
	if x.Len() != 3 || x.Query(Query{Text: "ww"}).Total != 1 {
		t.Errorf("Len %d with a new case", x.Len())
	}

	// A case deleted here leaves the list; so does a root the overlay
	// removes whole.
	del := b.kase.Clone()
	del.Fields[sync.FieldDeleted] = sync.FieldState{Value: sync.ValueTrue}
	x.SetOverlay(append(digests(del), local.Digest{Root: a.kase.ID}))
	if x.Len() != 0 {
		t.Errorf("Len %d after deleting both here", x.Len())
	}
	// The same overlay again changes nothing; after a Reset it is set
	// afresh.
	same := digests(edited)
	x.SetOverlay(same)
	x.SetOverlay(same)
	if ca, _ := x.Card(a.kase.ID); ca.Title != "A edited" || !ca.Pending {
		t.Errorf("same overlay twice: %+v", ca)
	}
	x.Reset()
	x.Apply(digests(a.recs...))
	x.Apply(digests(b.recs...))
	if ca, _ := x.Card(a.kase.ID); ca.Title != "A" || ca.Pending {
		t.Errorf("after Reset: %+v", ca)
	}
	x.SetOverlay(same)
	if ca, _ := x.Card(a.kase.ID); ca.Title != "A edited" || !ca.Pending {
		t.Errorf("same overlay after Reset: %+v", ca)
	}
	x.SetOverlay(nil)
	if x.Len() != 2 || x.Query(Query{}).Rows[0].Pending {
		t.Errorf("Len %d after clearing the overlay", x.Len())
	}
	if len(x.roots) != 2 {
		t.Errorf("%d roots kept, want 2 (the overlay's new case is gone)", len(x.roots))
	}
}

// TestIncremental applies random changes to an index whose sorted orders
// are built, querying between changes, and checks every answer against an
// index built afresh from the same digests.
func TestIncremental(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	names := []string{"张三", "李四", "王五", "赵六", "单田芳", "吕布", ""}
	dates := []string{"", "2025-01-01", "2025-02-01", "2025-03-01"}
	var cases []*aCase
	for i := range 60 {
		c := newCase(fmt.Sprint("c", i), names[rng.IntN(len(names))], "", "", fields{"opened": dates[rng.IntN(len(dates))]})
		cases = append(cases, c)
	}
	x := indexOf(t, cases...)
	state := map[sync.RecID]local.Digest{} // what the index was given, for the fresh one
	for _, c := range cases {
		for _, d := range digests(c.recs...) {
			state[d.ID] = d
		}
	}
	queries := []Query{{}, {Sort: SortOpened}, {Sort: SortName}, {Sort: SortDue}, {Text: "zs", Sort: SortName}, {Stage: model.StageIntervention, Sort: SortDue}}
	for step := range 300 {
		c := cases[rng.IntN(len(cases))]
		var ds []local.Digest
		switch rng.IntN(5) {
		case 0:
			ds = digests(c.add(model.TypeServiceRecord, fields{"date": dates[rng.IntN(len(dates))]}))
		case 1:
			ds = digests(c.add(model.TypeFollowUp, fields{"due": dates[rng.IntN(len(dates))]}))
		case 2:
			c.client.Fields["name"] = sync.FieldState{Value: model.Str(names[rng.IntN(len(names))])}
			ds = digests(c.client)
		case 3:
			ds = []local.Digest{{ID: c.kase.ID, Root: c.kase.ID}} // the case goes
		case 4:
			ds = digests(c.kase) // and comes back
		}
		x.Apply(ds)
		for _, d := range ds {
			state[d.ID] = d
		}
		fresh := New()
		for _, d := range state {
			fresh.Apply([]local.Digest{d})
		}
		for _, q := range queries {
			q.Limit = 1000
			got, want := x.Query(q), fresh.Query(q)
			if !slices.Equal(roots(got.Rows), roots(want.Rows)) || got.Total != want.Total {
				t.Fatalf("step %d, %+v:\n%v\nwant\n%v", step, q, roots(got.Rows), roots(want.Rows))
			}
		}
	}
}

// TestConcurrent runs queries beside applies and overlays; run with -race.
func TestConcurrent(t *testing.T) {
	t.Parallel()
	var cases []*aCase
	for i := range 50 {
		cases = append(cases, newCase(fmt.Sprint("c", i), "张三", "", "", nil))
	}
	x := indexOf(t, cases...)
	var wg stdsync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				c := cases[(g*200+i)%len(cases)]
				switch g {
				case 0:
					x.Apply(digests(c.add(model.TypeServiceRecord, fields{"date": "2025-03-01"})))
				case 1:
					x.SetOverlay(digests(c.kase))
				default:
					x.Query(Query{Text: "zs", Sort: Sort(i % 4)})
					x.Card(c.kase.ID)
					x.Len()
				}
			}
		})
	}
	wg.Wait()
	if x.Len() != 50 {
		t.Errorf("Len %d", x.Len())
	}
}
