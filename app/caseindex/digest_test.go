package caseindex

import (
	"bytes"
	"slices"
	"testing"

	"jiuzhu/app/local"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

func TestDigestRoundTrip(t *testing.T) {
	t.Parallel()
	caseID := newID(model.TypeCase)
	tests := []struct {
		typ  string
		f    fields
		want []string // rec.f in digest order; lists as their items joined by ","
	}{
		{model.TypeCase, fields{"title": "低保复核", "client": "person/01J0000000000000000000000P", "worker": "u7", "opened": "2025-03-01", "categories": []string{"dibao", "elderly"}, "methods": []string{"casework"}},
			[]string{"低保复核", "person/01J0000000000000000000000P", "u7", "2025-03-01", "dibao,elderly"}},
		{model.TypePerson, fields{"name": "张三", "gender": "male", "id_number": "11010519491231002X", "phone": "13800138000", "categories": []string{"disabled"}, "address": "secret"},
			[]string{"张三", "male", "11010519491231002X", "13800138000", "disabled"}},
		{model.TypePerson, fields{"name": "李四"}, []string{"李四", "", "", "", ""}},
		{model.TypeIntake, fields{"date": "2025-01-02", "accepted": true, "presenting_problem": "x"}, []string{"2025-01-02", "1"}},
		{model.TypeIntake, fields{"date": "2025-01-02", "accepted": false}, []string{"2025-01-02", "0"}},
		{model.TypeIntake, fields{"date": "2025-01-02"}, []string{"2025-01-02", ""}},
		{model.TypeIntake, fields{"date": "2025-01-02", "accepted": rawJSON("null")}, []string{"2025-01-02", ""}},
		{model.TypeAssessment, fields{"date": "2025-01-03", "risk_level": "high"}, []string{"2025-01-03", "high"}},
		{model.TypePlan, fields{"date": "2025-01-04", "summary": "x"}, []string{"2025-01-04"}},
		{model.TypePlanGoal, fields{"date": "2025-01-04", "due": "2025-06-30"}, []string{"2025-01-04", "2025-06-30"}},
		{model.TypeServiceRecord, fields{"date": "2025-01-05", "content": "secret"}, []string{"2025-01-05"}},
		{model.TypeReferral, fields{"date": "2025-01-06"}, []string{"2025-01-06"}},
		{model.TypeEvaluation, fields{"date": "2025-01-07"}, []string{"2025-01-07"}},
		{model.TypeClosing, fields{"date": "2025-01-08"}, []string{"2025-01-08"}},
		{model.TypeFollowUp, fields{"due": "2025-02-01", "done_date": "2025-02-03", "reopen": true}, []string{"2025-02-01", "2025-02-03", "1"}},
		{model.TypeFollowUp, fields{"due": "2025-02-01"}, []string{"2025-02-01", "", ""}},
		{model.TypeReopen, fields{"date": "2025-03-01"}, []string{"2025-03-01"}},
		// A date that is not a JSON string reads as no date, as in
		// model.DeriveStage.
		{model.TypeClosing, fields{"date": rawJSON("20250108")}, []string{""}},
	}
	for _, tt := range tests {
		root := caseID
		if tt.typ == model.TypeCase {
			root = ""
		}
		r := mkRec(tt.typ, root, tt.f)
		data := Digest(r)
		if data == nil {
			t.Fatalf("%s: no digest", tt.typ)
		}
		var d rec
		if !decode(r.ID, string(data), &d) {
			t.Fatalf("%s: digest %x does not decode", tt.typ, data)
		}
		if d.kind != kindOf(tt.typ) || d.id != r.ID {
			t.Errorf("%s: kind %d id %s", tt.typ, d.kind, d.id)
		}
		var got []string
		for i, f := range kinds[d.kind].fields {
			v := d.get(i)
			if f.kind == list {
				var items []string
				listItems(v, func(s string) { items = append(items, s) })
				v = joinComma(items)
			}
			got = append(got, v)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s %v: decoded %q, want %q", tt.typ, tt.f, got, tt.want)
		}
		// Only what the list needs is kept.
		if bytes.Contains(data, []byte("secret")) {
			t.Errorf("%s: digest keeps a field it does not need: %q", tt.typ, data)
		}
	}
}

func joinComma(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(x)
	}
	return b.String()
}

func TestDigestNil(t *testing.T) {
	t.Parallel()
	caseID := newID(model.TypeCase)
	groupID := newID(model.TypeGroup)
	deleted := mkRec(model.TypeServiceRecord, caseID, fields{"date": "2025-01-01"})
	deleted.Fields[sync.FieldDeleted] = sync.FieldState{Value: sync.ValueTrue}
	deletedCase := mkRecID(caseID, caseID, fields{"title": "t"})
	deletedCase.Fields[sync.FieldDeleted] = sync.FieldState{Value: sync.ValueTrue}
	noRoot := sync.NewRecord(newID(model.TypeIntake))
	noRoot.Fields["date"] = sync.FieldState{Value: model.Str("2025-01-01")}
	tests := map[string]*sync.Record{
		"nil":                 nil,
		"deleted":             deleted,
		"deleted case":        deletedCase,
		"type not listed":     mkRec(model.TypeHousehold, caseID, fields{"address": "x"}),
		"service note":        mkRec(model.TypeServiceNote, caseID, fields{"text": "x"}),
		"group's evaluation":  mkRec(model.TypeEvaluation, groupID, fields{"date": "2025-01-01"}),
		"group's person":      mkRec(model.TypePerson, groupID, fields{"name": "张三"}),
		"child without root":  noRoot,
		"case in another one": mkRec(model.TypeCase, newID(model.TypeCase), fields{"title": "x"}),
	}
	for name, r := range tests {
		if d := Digest(r); d != nil {
			t.Errorf("%s: digest %q, want nil", name, d)
		}
	}
	// A case record that lacks its root field still digests: its root
	// is itself.
	c := sync.NewRecord(newID(model.TypeCase))
	c.Fields["title"] = sync.FieldState{Value: model.Str("t")}
	if Digest(c) == nil {
		t.Error("case without root field: no digest")
	}
	x := New()
	x.Apply([]local.Digest{{ID: c.ID, Data: Digest(c)}})
	if x.Len() != 1 {
		t.Errorf("case without root field: %d listed", x.Len())
	}
}

func TestDecodeGarbage(t *testing.T) {
	t.Parallel()
	kase := mkRec(model.TypeCase, "", fields{"title": "t", "categories": []string{"a", "b"}})
	good := Digest(kase)
	id := kase.ID
	bad := [][]byte{
		{},
		{0},
		{kindCount},
		{255, 1, 2},
		good[:len(good)-1], // truncated
		append(good, 0),    // trailing byte
		{kCase, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, // varint overflow
		{kCase, 0x80},                  // varint cut short
		{kCase, 5, 'a'},                // length past the end
		{kCase, 0, 0, 0, 0, 2, 5, 'a'}, // a list item past the list's end
		{kPerson, 0, 0, 0, 0, 0},       // a person's digest for a case id
	}
	for _, b := range bad {
		var r rec
		if decode(id, string(b), &r) {
			t.Errorf("decode(%x) accepted garbage", b)
		}
	}
	var r rec
	if !decode(id, string(good), &r) {
		t.Fatal("good digest rejected")
	}
	// Garbage in Apply is no digest: it removes an earlier good one.
	x := New()
	x.Apply([]local.Digest{{ID: id, Root: id, Data: good}})
	if x.Len() != 1 {
		t.Fatalf("Len %d after good digest", x.Len())
	}
	x.Apply([]local.Digest{{ID: id, Root: id, Data: good[:3]}})
	if x.Len() != 0 {
		t.Fatalf("Len %d after garbage", x.Len())
	}
}

// FuzzDecode checks that no input makes decode, or an index fed with it,
// panic, and that what decodes re-encodes to the same bytes.
func FuzzDecode(f *testing.F) {
	c := newCase("个案", "张三", "11010519491231002X", "13800138000", fields{"categories": []string{"dibao"}})
	c.add(model.TypeIntake, fields{"date": "2025-01-02", "accepted": true})
	c.add(model.TypeFollowUp, fields{"due": "2025-02-01", "reopen": false})
	for _, r := range c.recs {
		f.Add(string(r.ID), Digest(r))
	}
	f.Add("case/01J00000000000000000000000", []byte{kCase, 0, 0, 0, 0, 3, 1, 'a'})
	f.Fuzz(func(t *testing.T, id string, data []byte) {
		var r rec
		if decode(sync.RecID(id), string(data), &r) {
			if got := encodeRec(&r); !bytes.Equal(got, data) {
				t.Errorf("decode/encode %x → %x", data, got)
			}
		}
		x := New()
		x.Apply([]local.Digest{{ID: sync.RecID(id), Root: c.kase.ID, Data: data}})
		x.Apply(digests(c.recs...))
		x.SetOverlay([]local.Digest{{ID: sync.RecID(id), Root: c.kase.ID, Data: data}})
		x.Query(Query{Text: "zs"})
		x.Card(c.kase.ID)
	})
}

// encodeRec encodes a decoded digest again (lists are kept encoded).
func encodeRec(r *rec) []byte {
	b := []byte{r.kind}
	for i := range kinds[r.kind].fields {
		b = appendString(b, r.get(i))
	}
	return b
}
