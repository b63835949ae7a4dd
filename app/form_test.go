package app

import (
	"strings"
	"testing"
	"time"

	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

func TestFormValuesRoundTrip(t *testing.T) {
	pt, _ := registry.Type(model.TypePerson)
	ht, _ := registry.Type(model.TypeHousehold)
	field := func(tp *model.Type, name string) *model.Field {
		f, ok := tp.Field(name)
		if !ok {
			t.Fatalf("no field %s", name)
		}
		return f
	}
	for _, c := range []struct {
		f     *model.Field
		text  string
		codes []string
		want  string
	}{
		{field(pt, "name"), " 张三 ", nil, model.Str("张三")},
		{field(pt, "name"), "  ", nil, model.Null},
		{field(pt, "birth_date"), "1980-01-01", nil, model.Str("1980-01-01")},
		{field(pt, "work_ability"), "true", nil, "true"},
		{field(pt, "work_ability"), "", nil, model.Null},
		{field(pt, "gender"), "female", nil, model.Str("female")},
		{field(pt, "gender"), anyCode, nil, model.Null},
		{field(pt, "work_ability"), anyCode, nil, model.Null},
		{field(pt, "categories"), "", []string{"tekun", "dibao"}, model.List("dibao", "tekun")},
		{field(pt, "categories"), "", nil, model.Null},
		{field(ht, "size"), "4", nil, "4"},
		{field(ht, "size"), "四", nil, model.Str("四")}, // stays text: validation names it
	} {
		got := formValue(c.f, c.text, c.codes)
		if got != c.want {
			t.Errorf("formValue(%s, %q, %v) = %s, want %s", c.f.Name, c.text, c.codes, got, c.want)
		}
		if c.f.Kind != model.KindCodes && got != model.Null && formValue(c.f, formText(c.f, got), nil) != got && c.f.Kind != model.KindInt {
			t.Errorf("%s: %s does not survive the form", c.f.Name, got)
		}
	}
}

func TestFormEdits(t *testing.T) {
	ct, _ := registry.Type(model.TypeCase)
	id := sync.RecID("case/01J0000000000000000000000A")
	current := map[string]string{"title": model.Str("旧名称"), "opened": model.Str("2026-01-02"), "worker": model.Str("u1"), "client": model.Str("person/01J0000000000000000000000A")}
	form := map[string]string{"title": model.Str("新名称"), "opened": model.Str("2026-01-02")}
	read := func(f *model.Field) (string, bool) {
		if v, ok := form[f.Name]; ok {
			return v, true
		}
		return model.Null, f.Kind != model.KindRef && f.Kind != model.KindUser
	}
	edits, problems := formEdits(ct, id, current, model.StageNew, model.LangZh, time.Now(), read)
	if problems != nil || len(edits) != 1 || edits[0].Field != "title" || edits[0].Value != model.Str("新名称") {
		t.Fatalf("one changed field: edits %+v problems %v", edits, problems)
	}
	// A required field emptied, and a stage requirement (categories from
	// intake on): both named, nothing to save.
	form["title"] = model.Null
	edits, problems = formEdits(ct, id, current, model.StageIntake, model.LangZh, time.Now(), read)
	if edits != nil || !strings.Contains(problems["title"], "个案名称") || problems["categories"] == "" {
		t.Fatalf("required: edits %+v problems %v", edits, problems)
	}
	// A bad value is refused with the model's message, in English here.
	pt, _ := registry.Type(model.TypePerson)
	bad := map[string]string{"name": model.Str("张三"), "id_number": model.Str("620102198001011234")}
	_, problems = formEdits(pt, "person/01J0000000000000000000000A", map[string]string{}, "", model.LangEn, time.Now(), func(f *model.Field) (string, bool) {
		if v, ok := bad[f.Name]; ok {
			return v, true
		}
		return model.Null, true
	})
	if !strings.Contains(problems["id_number"], "ID number") {
		t.Fatalf("bad ID number: %v", problems)
	}
}

func TestCasePageForm(t *testing.T) {
	id := sync.RecID("case/01J0000000000000000000000A")
	rec := confirmed(id, sync.FieldRoot, model.Str(string(id)), "title", model.Str("低保个案"), "categories", model.List("dibao"), "opened", model.Str("2026-01-02"))
	p := &casePage{page: page{user: "wang"}, id: id, rec: rec, loaded: true, conflicts: 1, stage: model.StageIntake,
		problems: map[string]string{"client": "服务对象为必填项"}}
	html := render(t, p)
	for _, want := range []string{`<h1 id="page-title">低保个案</h1>`, `for="f-title"`, `id="f-opened"`, `type="date"`, `id="f-categories-dibao"`, "checked",
		`href="/review"`, "服务对象为必填项", i18n.T(i18n.ZH, i18n.FormSave)} {
		if !strings.Contains(html, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	missing := render(t, &casePage{page: page{user: "wang"}, id: id, loaded: true})
	if !strings.Contains(missing, i18n.T(i18n.ZH, i18n.CaseMissing)) {
		t.Error("a case not on the tablet is not said so")
	}
}

// A new person's form asks for consent beside the person's fields, and a
// reference picks among the case's records.
func TestRecordPageNewPerson(t *testing.T) {
	root := sync.RecID("case/01J0000000000000000000000A")
	other := sync.RecID("person/01J0000000000000000000000B")
	recs := []*sync.Record{
		confirmed(root, sync.FieldRoot, model.Str(string(root)), "title", model.Str("低保个案")),
		confirmed(other, sync.FieldRoot, model.Str(string(root)), "name", model.Str("李四")),
	}
	p := &recordPage{page: page{user: "wang"}, typ: model.TypePerson, id: "person/01J0000000000000000000000C", root: root, parent: root,
		isNew: true, preset: presets(model.TypePerson, "", time.Now()), recs: recs, loaded: true,
		problems: map[string]string{consentPrefix + "scope": "请填写同意范围"}}
	html := render(t, p)
	for _, want := range []string{`for="f-name"`, `id="consent"`, `id="c-scope-record"`, `id="c-date"`, "请填写同意范围",
		`id="f-guardian"`, `value="` + string(other) + `"`, "人员 · 李四", i18n.T(i18n.ZH, i18n.RecordConsentFirst)} {
		if !strings.Contains(html, want) {
			t.Errorf("new person form lacks %q", want)
		}
	}
	if v := presets(model.TypeServiceRecord, "home", time.Date(2026, 11, 28, 9, 5, 0, 0, time.Local)); v["place"] != model.Str("home_visit") || v["start"] != model.Str("09:05") || v["date"] != model.Str("2026-11-28") {
		t.Errorf("home visit presets %v", v)
	}
	if !under14([]sync.Edit{{Field: "id_number", Value: model.Str("62010220150101123X")}}, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)) ||
		under14([]sync.Edit{{Field: "birth_date", Value: model.Str("1980-01-01")}}, time.Now()) {
		t.Error("under14")
	}
}

func TestMoneyValue(t *testing.T) {
	if got := moneyValue("450.5", "urban", "person", "month"); got != (model.Money{Amount: 45050, Area: "urban", Per: "person", Period: "month", Unit: "yuan"}).Value() {
		t.Errorf("450.5: %s", got)
	}
	if got := moneyValue(" ", "urban", "person", "month"); got != model.Null {
		t.Errorf("empty: %s", got)
	}
	ht, _ := registry.Type(model.TypeHousehold)
	f, _ := ht.Field("income_per_head")
	if m := registry.CheckValue(f, moneyValue("-3", "rural", "household", "year"), time.Now()); m == nil {
		t.Error("a negative amount passes")
	}
	if m := registry.CheckValue(f, moneyValue("3", "rural", "household", "year"), time.Now()); m != nil {
		t.Errorf("3 yuan: %s", m.Text(model.LangZh))
	}
	html := render(t, &recordPage{page: page{user: "wang"}, typ: model.TypeHousehold, id: "household/01J0000000000000000000000C",
		root: "case/01J0000000000000000000000A", isNew: true, preset: map[string]string{}, loaded: true})
	for _, want := range []string{`id="f-income_per_head-amount"`, `id="f-income_per_head-period"`, `for="f-income_per_head-amount"`} {
		if !strings.Contains(html, want) {
			t.Errorf("household form lacks %q", want)
		}
	}
}

func TestDivisions(t *testing.T) {
	tb := &divisionTable{byCode: map[string]division{}, kids: map[string][]string{}, loaded: map[string]bool{}}
	if err := tb.add("top", "6201,兰州市,62\n620102,城关区,6201\n620102001,酒泉路街道,620102\n"); err != nil {
		t.Fatal(err)
	}
	if err := tb.add("620102", "620102001001,畅家巷社区居委会,620102001\n620102001002,张家园社区居委会,620102001\n"); err != nil {
		t.Fatal(err)
	}
	if got := tb.path("620102001002"); strings.Join(got, ">") != "6201>620102>620102001>620102001002" {
		t.Errorf("path %v", got)
	}
	if kids := tb.children("620102001"); len(kids) != 2 || kids[1].name != "张家园社区居委会" {
		t.Errorf("children %v", kids)
	}
	if got := tb.path("6299"); len(got) != 0 {
		t.Errorf("unknown code: %v", got)
	}
	if err := tb.add("bad", "a,\"b\n"); err == nil {
		t.Error("a broken file is not refused")
	}
}

func TestDerivedFromID(t *testing.T) {
	id := sync.RecID("person/01J0000000000000000000000C")
	got := derivedFromID(map[string]string{}, []sync.Edit{{Rec: id, Field: "id_number", Value: model.Str("620102198001011239")}})
	if len(got) != 2 || got[0].Value != model.Str("1980-01-01") || got[1].Value != model.Str("male") {
		t.Errorf("derived %+v", got)
	}
	kept := derivedFromID(map[string]string{"birth_date": model.Str("1980-01-02"), "gender": model.Str("female")},
		[]sync.Edit{{Rec: id, Field: "id_number", Value: model.Str("620102198001011239")}})
	if len(kept) != 0 {
		t.Errorf("typed values overwritten: %+v", kept)
	}
	if bad := derivedFromID(map[string]string{}, []sync.Edit{{Rec: id, Field: "id_number", Value: model.Str("12")}}); bad != nil {
		t.Errorf("from a bad number: %+v", bad)
	}
}

// A person the server flagged shows the flag with a way to dismiss it,
// until a worker confirms the others are someone else.
func TestDuplicateFlag(t *testing.T) {
	root := sync.RecID("case/01J0000000000000000000000A")
	p := sync.RecID("person/01J0000000000000000000000C")
	flagged := confirmed(p, sync.FieldRoot, model.Str(string(root)), "name", model.Str("张三"),
		"duplicates", model.List("person/01J0000000000000000000000D"))
	page := &recordPage{page: page{user: "wang"}, typ: model.TypePerson, id: p, root: root, rec: flagged, recs: []*sync.Record{flagged}, loaded: true}
	if html := render(t, page); !strings.Contains(html, `id="record-dup-server"`) || !strings.Contains(html, `id="dismiss-dup"`) || strings.Contains(html, `id="f-duplicates"`) {
		t.Error("the flag is not shown, or shown as a field")
	}
	flagged.Apply(sync.Entry{Seq: 9, Change: sync.Change{Rec: p, Field: "not_duplicates", Value: model.List("person/01J0000000000000000000000D"), HLC: sync.MakeHLC(1_800_000_000_000, 0), By: "u1"}})
	again := &recordPage{page: page.page, typ: model.TypePerson, id: p, root: root, rec: flagged, recs: []*sync.Record{flagged}, loaded: true}
	if html := render(t, again); strings.Contains(html, `id="record-dup-server"`) {
		t.Error("a dismissed flag is still shown")
	}
}
