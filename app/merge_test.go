package app

import (
	"slices"
	"testing"

	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// Merging two person records: the fields they disagree on are listed, the
// chosen values go to both, an empty choice never erases, and each record
// names the other as the same person.
func TestMergeEdits(t *testing.T) {
	a, b := sync.RecID("person/01J0000000000000000000000A"), sync.RecID("person/01J0000000000000000000000B")
	av := map[string]string{
		"name": model.Str("张秀英"), "id_number": model.Str("620102198001011239"), "phone": model.Str("13912345678"),
		"address": model.Null, "duplicates": model.List(string(b)), sync.FieldRoot: model.Str("case/01J0000000000000000000000A"),
	}
	bv := map[string]string{
		"name": model.Str("张秀莹"), "id_number": model.Str("620102198001011239"), "address": model.Str("城关区张掖路1号"),
		"gender": model.Str("female"), sync.FieldRoot: model.Str("case/01J0000000000000000000000B"),
	}
	rows := mergeRows(av, bv)
	var fields []string
	for _, r := range rows {
		fields = append(fields, r.field.Name)
	}
	if want := []string{"name", "gender", "phone", "address"}; !slices.Equal(fields, want) {
		t.Fatalf("rows %v, want %v (same ID number, roots and the flag are not compared)", fields, want)
	}
	for _, r := range rows {
		if want := map[string]string{"name": "a", "gender": "b", "phone": "a", "address": "b"}[r.field.Name]; r.choice != want {
			t.Errorf("%s: default %s, want %s (a set value over an empty one)", r.field.Name, r.choice, want)
		}
	}
	choose := map[string]string{"name": "b", "gender": "b", "phone": "b", "address": "a"} // phone and address: the empty side
	edits := mergeEdits(a, b, av, bv, rows, func(f string) string { return choose[f] })
	got := map[sync.RecID]map[string]string{a: {}, b: {}}
	for _, e := range edits {
		got[e.Rec][e.Field] = e.Value
	}
	want := map[sync.RecID]map[string]string{
		a: {"name": model.Str("张秀莹"), "gender": model.Str("female"), "address": model.Str("城关区张掖路1号"), "same_person": model.List(string(b))},
		b: {"phone": model.Str("13912345678"), "same_person": model.List(string(a))},
	}
	for rec, fields := range want {
		for f, v := range fields {
			if got[rec][f] != v {
				t.Errorf("%s.%s = %s, want %s", rec, f, got[rec][f], v)
			}
		}
		if len(got[rec]) != len(fields) {
			t.Errorf("%s: edits %v, want %v", rec, got[rec], fields)
		}
	}
	// Applied, the two agree and the server's flag is settled.
	for _, e := range edits {
		map[sync.RecID]map[string]string{a: av, b: bv}[e.Rec][e.Field] = e.Value
	}
	if rows := mergeRows(av, bv); len(rows) != 0 {
		t.Errorf("after the merge they still differ on %d fields", len(rows))
	}
	if d := flaggedDuplicates(av); len(d) != 0 {
		t.Errorf("still flagged after the merge: %v", d)
	}
	if again := mergeEdits(a, b, av, bv, nil, func(string) string { return "a" }); len(again) != 0 {
		t.Errorf("merging again edits %v", again)
	}
}

// A household's income per head is compared with the local standard per
// person and per month, whatever each was written in.
func TestHouseholdStanding(t *testing.T) {
	money := func(yuan int64, area, per, period string) string {
		return model.Money{Amount: yuan * 100, Area: area, Per: per, Period: period, Unit: model.UnitYuan}.Value()
	}
	for _, c := range []struct {
		name    string
		vals    map[string]string
		members []map[string]string
		want    standing
	}{
		{"per head a month", map[string]string{"income_per_head": money(500, "urban", "person", "month"), "dibao_standard": money(770, "urban", "person", "month")},
			nil, standing{income: 50000, standard: 77000, ok: true}},
		{"a year, per household of 3", map[string]string{"size": "3", "income_per_head": money(36000, "rural", "household", "year"), "dibao_standard": money(6000, "rural", "person", "year")},
			nil, standing{income: 100000, standard: 50000, ok: true}},
		{"from members, areas differ", map[string]string{"size": "2", "dibao_standard": money(770, "urban", "person", "month")},
			[]map[string]string{{"income": money(1200, "rural", "person", "month")}, {"income": money(2400, "rural", "person", "year")}},
			standing{income: 70000, standard: 77000, fromMembers: true, areaDiffers: true, ok: true}},
		{"no standard", map[string]string{"income_per_head": money(500, "urban", "person", "month")}, nil, standing{}},
		{"no income", map[string]string{"dibao_standard": money(770, "urban", "person", "month")}, nil, standing{standard: 77000}},
	} {
		if got := householdStanding(c.vals, c.members); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
	if yuan(77000) != "770.00" || yuan(-5) != "-0.05" {
		t.Errorf("yuan: %s %s", yuan(77000), yuan(-5))
	}
}
