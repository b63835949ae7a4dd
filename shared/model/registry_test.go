package model

import (
	"strings"
	"testing"
)

// syncSchema mirrors jiuzhu/shared/sync.Schema, which Registry satisfies.
type syncSchema interface {
	AppendOnly(typ string) bool
	CheckField(typ, field, value string) error
}

var _ syncSchema = (*Registry)(nil)

func validName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// TestDeclarations checks the one declaration every consumer reads.
func TestDeclarations(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	want := []string{TypeCase, TypePerson, TypeHousehold, TypeHouseholdMember, TypeConsent, TypeIntake, TypeAssessment,
		TypePlan, TypePlanGoal, TypeServiceRecord, TypeServiceNote, TypeReferral, TypeEvaluation, TypeClosing,
		TypeFollowUp, TypeReopen, TypeTeamMember, TypeTeamNote, TypeGroup, TypeGroupMember, TypeGroupSession, TypeGroupEvaluation, TypeAttendance, TypeActivity,
		TypeVolunteer, TypeVolunteerHours, TypeSupervision, TypeTraining, TypeStaff, TypeAttachment, TypeConflict, TypeAudit}
	if len(r.Types()) != len(want) {
		t.Errorf("%d types declared, want %d", len(r.Types()), len(want))
	}
	for _, name := range want {
		typ, ok := r.Type(name)
		if !ok {
			t.Errorf("type %s not declared", name)
			continue
		}
		if typ.Label.Zh == "" || typ.Label.En == "" || !validName(name) {
			t.Errorf("type %s: label or name", name)
		}
		root, ok := typ.Field(FieldRoot)
		if !ok || root.Kind != KindRef || root.Required != Always {
			t.Errorf("%s: root not derivable", name)
		}
		if _, ok := typ.Field(FieldParent); ok == typ.Root {
			t.Errorf("%s: parent field iff not a root", name)
		}
		seen := map[string]bool{}
		for _, f := range typ.Fields {
			if seen[f.Name] || !validName(f.Name) {
				t.Errorf("%s.%s: duplicate or bad name", name, f.Name)
			}
			seen[f.Name] = true
			if f.Label.Zh == "" || f.Label.En == "" || f.Kind.String() == "unknown" {
				t.Errorf("%s.%s: label or kind", name, f.Name)
			}
			if (f.Kind == KindCode || f.Kind == KindCodes) != (f.Codes != "") {
				t.Errorf("%s.%s: code list", name, f.Name)
			}
			if _, ok := r.Codes(f.Codes); f.Codes != "" && !ok {
				t.Errorf("%s.%s: unknown code list %s", name, f.Name, f.Codes)
			}
			if f.Required != Optional && f.Required != Always {
				if _, ok := r.codes[ListStage].Find(string(f.Required)); !ok {
					t.Errorf("%s.%s: required at unknown stage %s", name, f.Name, f.Required)
				}
			}
			for _, ref := range f.Refs {
				if _, ok := r.Type(ref); !ok {
					t.Errorf("%s.%s: ref to unknown type %s", name, f.Name, ref)
				}
			}
		}
	}
	for _, name := range []string{TypeServiceNote, TypeAttendance, TypeVolunteerHours, TypeAudit, TypeTeamNote} {
		if !r.AppendOnly(name) {
			t.Errorf("%s should be append-only", name)
		}
	}
	if r.AppendOnly(TypeCase) || !r.Sensitive(TypePerson, "id_number") || !r.Sensitive(TypeConsent, "date") || r.Sensitive(TypeCase, "title") {
		t.Error("append-only or sensitive flags")
	}
	for _, k := range Keys() {
		if l := catalog[k]; l.Zh == "" || l.En == "" {
			t.Errorf("message %s lacks a language", k)
		}
	}
	for name, l := range r.codes {
		seen := map[string]bool{}
		for _, c := range l.Codes {
			if seen[c.Code] || c.Label.Zh == "" || c.Label.En == "" {
				t.Errorf("code list %s: code %s", name, c.Code)
			}
			seen[c.Code] = true
		}
	}
}

func TestAddCode(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	if err := r.AddCode(ListService, Code{"elder_care", Label{"养老照护", "Elder care"}}); err != nil {
		t.Fatal(err)
	}
	if err := r.CheckField(TypeServiceRecord, "categories", List("elder_care", "psych")); err != nil {
		t.Error(err)
	}
	if err := r.AddCode(ListService, Code{"psych", Label{}}); err == nil {
		t.Error("duplicate code accepted")
	}
	if NewRegistry().CheckField(TypeServiceRecord, "categories", List("elder_care")) == nil {
		t.Error("a province's code leaked into a fresh registry")
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	vals := Values{"name": Str("张三"), "id_number": Str("62010219900307123X"), "phone": Str("13800138000"),
		"gender": Str("female"), "categories": List("dibao", "medical"), "work_ability": "false"}
	row := strings.Join(r.Row(TypePerson, vals, LangZh, true), "|")
	for _, want := range []string{"张三", "6201**********123X", "138****8000", "女", "最低生活保障人员、医疗救助对象", "否"} {
		if !strings.Contains(row, want) {
			t.Errorf("row %q lacks %q", row, want)
		}
	}
	if h := r.Header(TypePerson, LangEn); h[2] != "Name" {
		t.Errorf("header %v", h)
	}
	if a, _ := Age("2011-03-02", "2025-03-01"); a != 13 {
		t.Errorf("age %d", a)
	}
}

// Every root names either an owner field of kind user, or none (creator).
func TestRootOwners(t *testing.T) {
	r := NewRegistry()
	owned := 0
	for _, typ := range r.Types() {
		if typ.Owner == "" {
			continue
		}
		if !typ.Root {
			t.Errorf("%s is not a root but has an owner field", typ.Name)
		}
		f, ok := typ.Field(typ.Owner)
		if !ok || f.Kind != KindUser {
			t.Errorf("%s: owner field %q is not a user field", typ.Name, typ.Owner)
		}
		owned++
	}
	if owned < 4 {
		t.Errorf("only %d roots have an owner field", owned)
	}
}
