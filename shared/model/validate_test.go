package model

import (
	"errors"
	"strings"
	"testing"
	"time"

	"jiuzhu/shared/sync"
)

var today = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

func TestIDNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id  string
		key string // "" for valid
	}{
		{"62010219900307123X", ""},
		{"62010219900307123x", ""},
		{"622923201501010015", ""},
		{"440306198512314568", ""},
		{"11010519491231002X", ""},
		{"62010219900307123", MsgIDLength},
		{"62010219900307123XX", MsgIDLength},
		{"6201021990030712AX", MsgIDChars},
		{"62010219900307123Y", MsgIDChars},
		{"99010219900307123X", MsgIDDivision},
		{"620000199003071230", MsgIDDivision},
		{"620102199002301230", MsgIDBirth},
		{"620102180001011230", MsgIDBirth},
		{"620102203001011232", MsgIDFuture},
		{"620102199003071231", MsgIDChecksum},
		{"622923201501010016", MsgIDChecksum},
	}
	for _, tt := range tests {
		m := ValidateIDNumber(tt.id, today)
		switch {
		case tt.key == "" && m != nil:
			t.Errorf("%s: %s", tt.id, m.Text(LangEn))
		case tt.key != "" && (m == nil || m.Key != tt.key):
			t.Errorf("%s: got %v, want %s", tt.id, m, tt.key)
		}
	}
	if ValidateIDNumber("620102203001011232", time.Time{}) != nil {
		t.Error("zero today must skip the future check")
	}
	if got := MaskID("62010219900307123X"); got != "6201**********123X" {
		t.Errorf("MaskID = %s", got)
	}
	if p, _ := IDProvince("62010219900307123X"); p.Zh != "甘肃" {
		t.Errorf("province %v", p)
	}
}

func TestPhone(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"13800138000", "19912345678", "+8613800138000", "8613800138000", "0931-8888888", "09318888888", "010-12345678", "01012345678", "021-6666666"} {
		if !ValidPhone(s) {
			t.Errorf("%s rejected", s)
		}
	}
	for _, s := range []string{"", "12800138000", "1380013800", "138001380001", "+8612800138000", "0931-0888888", "931-8888888", "0931-888", "0931-88888888888", "1380013800a", "+86-0931-8888888"} {
		if ValidPhone(s) {
			t.Errorf("%s accepted", s)
		}
	}
	if got := MaskPhone("13800138000"); got != "138****8000" {
		t.Errorf("MaskPhone = %s", got)
	}
}

func TestMoney(t *testing.T) {
	t.Parallel()
	m := Money{Amount: 45050, Unit: UnitYuan, Period: "month", Area: "rural", Per: "person"}
	v := m.Value()
	if v != `{"amount":45050,"area":"rural","per":"person","period":"month","unit":"yuan"}` {
		t.Fatalf("Value = %s", v)
	}
	if got, msg := ParseMoney(v, Label{}); msg != nil || got != m {
		t.Fatalf("ParseMoney = %v %v", got, msg)
	}
	if m.Text(LangZh) != "农村人均每月 450.50 元" || m.Text(LangEn) != "450.50 yuan per person per month (rural)" {
		t.Errorf("Text: %s / %s", m.Text(LangZh), m.Text(LangEn))
	}
	for v, key := range map[string]string{
		`450`:          MsgBadMoney,
		`{"amount":1}`: MsgMoneyUnit,
		`{"amount":1,"area":"urban","per":"person","period":"week","unit":"yuan"}`:   MsgMoneyUnit,
		`{"amount":-1,"area":"urban","per":"person","period":"year","unit":"yuan"}`:  MsgMoneyNeg,
		`{"unit":"yuan","amount":1,"area":"urban","per":"person","period":"year"}`:   MsgNotCanonical,
		`{"amount":1.5,"area":"urban","per":"person","period":"year","unit":"yuan"}`: MsgBadMoney,
	} {
		if _, msg := ParseMoney(v, Label{}); msg == nil || msg.Key != key {
			t.Errorf("ParseMoney(%s) = %v, want %s", v, msg, key)
		}
	}
}

// TestCheckField checks each kind's accepted and refused values through
// the sync.Schema entry point.
func TestCheckField(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	person := `"person/01JN6Z8Q2V3W4X5Y6Z7A8B9C0D"`
	tests := []struct {
		typ, field, value string
		ok                bool
	}{
		{"person", "name", Str("张三"), true},
		{"person", "name", Str(strings.Repeat("长", 51)), false},
		{"person", "name", `"a\nb"`, false},
		{"person", "name", `1`, false},
		{"person", "name", Null, true},
		{"person", "name", `"\u5f20"`, false}, // not canonical
		{"person", "id_number", Str("62010219900307123X"), true},
		{"person", "id_number", Str("62010219900307123x"), false},
		{"person", "phone", Str("13800138000"), true},
		{"person", "phone", Str("12345"), false},
		{"person", "birth_date", Str("1990-03-07"), true},
		{"person", "birth_date", Str("1990-02-30"), false},
		{"person", "gender", Str("female"), true},
		{"person", "gender", Str("x"), false},
		{"person", "categories", List("medical", "dibao"), true},
		{"person", "categories", `["medical","dibao"]`, false},
		{"person", "categories", List("nope"), false},
		{"person", "work_ability", `true`, true},
		{"person", "work_ability", `"yes"`, false},
		{"person", "guardian", person, true},
		{"person", "guardian", `"case/01JN6Z8Q2V3W4X5Y6Z7A8B9C0D"`, false},
		{"person", "root", `"case/01JN6Z8Q2V3W4X5Y6Z7A8B9C0D"`, true},
		{"person", "root", `"case/xyz"`, false},
		{"household", "income_per_head", Money{Amount: 1, Unit: UnitYuan, Period: "year", Area: "urban", Per: "household"}.Value(), true},
		{"household", "income_per_head", `100`, false},
		{"household", "size", `3`, true},
		{"household", "size", `3.5`, false},
		{"household", "size", `31`, false},
		{"service_record", "start", Str("09:30"), true},
		{"service_record", "start", Str("9:30pm"), false},
		{"training", "hours", `1.5`, true},
		{"training", "hours", `1.555`, false},
		{"training", "hours", `-1`, false},
		{"audit", "at", Str("2025-03-01T08:00:00Z"), true},
		{"audit", "at", Str("2025-03-01T08:00:00+08:00"), false},
		{"conflict", "value_a", `{"any":[1,2]}`, true},
		{"case", "nope", `1`, false},
		{"nope", "x", `1`, false},
		{"case", "title", `{`, false},
	}
	for _, tt := range tests {
		err := r.CheckField(tt.typ, tt.field, tt.value)
		if (err == nil) != tt.ok {
			t.Errorf("%s.%s = %s: %v", tt.typ, tt.field, tt.value, err)
		}
	}
	var fe *FieldError
	if err := r.CheckField("case", "nope", `1`); !errors.As(err, &fe) || !errors.Is(err, ErrUnknownField) {
		t.Errorf("unknown field error %v", err)
	}
	if err := r.CheckField("person", "phone", `"1"`); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "Phone") {
		t.Errorf("invalid error %v", err)
	}
}

func TestValidateRecord(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	vals := Values{
		"root":    `"case/01JN6Z8Q2V3W4X5Y6Z7A8B9C0D"`,
		"parent":  `"case/01JN6Z8Q2V3W4X5Y6Z7A8B9C0D"`,
		"address": Str("兰州"), "area": Str("rural"),
		"extra": `1`,
	}
	keys := func(ps []Problem) string {
		var s []string
		for _, p := range ps {
			s = append(s, p.Field+":"+p.Msg.Key)
		}
		return strings.Join(s, " ")
	}
	if got := keys(r.ValidateRecord("household", vals, StageIntake, today)); got != "extra:unknown_field" {
		t.Errorf("at intake: %s", got)
	}
	if got := keys(r.ValidateRecord("household", vals, StageAssessment, today)); got != "income_per_head:required extra:unknown_field" {
		t.Errorf("at assessment: %s", got)
	}
	p := r.ValidateRecord("person", Values{"id_number": Str("620102203001011232")}, "", today)
	if keys(p) != "root:required parent:required name:required id_number:id_future" {
		t.Errorf("person: %s", keys(p))
	}
	if got := p[2].Msg.Text(LangZh); got != "请填写姓名" {
		t.Errorf("zh message %q", got)
	}
	if got := p[2].Msg.Text(LangEn); got != "Name is required" {
		t.Errorf("en message %q", got)
	}
}

// A date that records what happened cannot be later than the day it is
// entered; without a today (the server, whose clock is not the tablet's)
// it is not checked.
func TestPastDates(t *testing.T) {
	r := NewRegistry()
	st, _ := r.Type(TypeServiceRecord)
	f, _ := st.Field("date")
	today := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	if m := r.CheckValue(f, Str("2026-11-29"), today); m == nil || m.Key != MsgFuture || !strings.Contains(m.Text(LangZh), "服务日期不能晚于今天") {
		t.Errorf("tomorrow: %v", m)
	}
	for _, ok := range []string{"2026-11-28", "2020-01-01"} {
		if m := r.CheckValue(f, Str(ok), today); m != nil {
			t.Errorf("%s: %s", ok, m.Text(LangEn))
		}
	}
	if m := r.CheckValue(f, Str("2030-01-01"), time.Time{}); m != nil {
		t.Errorf("no today: %s", m.Text(LangEn))
	}
	fu, _ := r.Type(TypeFollowUp)
	due, _ := fu.Field("due")
	if m := r.CheckValue(due, Str("2030-01-01"), today); m != nil {
		t.Errorf("a follow-up is due in the future: %s", m.Text(LangEn))
	}
}

// A consent's signature is a PNG drawn on the screen, as a data URL no
// larger than a change may carry.
func TestSignatures(t *testing.T) {
	r := NewRegistry()
	ct, _ := r.Type(TypeConsent)
	f, ok := ct.Field("signature")
	if !ok || !f.Signature {
		t.Fatal("a consent has no signature field")
	}
	good := SignaturePrefix + "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
	if m := r.CheckValue(f, Str(good), time.Time{}); m != nil {
		t.Errorf("a PNG: %s", m.Text(LangEn))
	}
	for _, bad := range []string{"张三", "data:image/jpeg;base64,AAAA", SignaturePrefix + "abc", SignaturePrefix + "ab=c", SignaturePrefix + "<script>"} {
		if m := r.CheckValue(f, Str(bad), time.Time{}); m == nil || m.Key != MsgBadSignature {
			t.Errorf("%q: %v", bad, m)
		}
	}
	huge := SignaturePrefix + strings.Repeat("AAAA", MaxSignature/4)
	if m := r.CheckValue(f, Str(huge), time.Time{}); m == nil || m.Key != MsgTooLong {
		t.Errorf("a signature over %d characters: %v", MaxSignature, m)
	}
	if len(Str(strings.Repeat("A", MaxSignature))) > sync.DefaultLimits.MaxValue {
		t.Errorf("the largest signature does not fit in a change")
	}
}
