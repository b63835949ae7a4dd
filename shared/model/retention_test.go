package model

import (
	"slices"
	"testing"
)

// rootsUnder returns the root types a record of typ can belong to, through
// its parents (a type with no declared parents hangs under any root).
func rootsUnder(r *Registry, typ string, seen map[string]bool) []string {
	t, ok := r.Type(typ)
	if !ok || seen[typ] {
		return nil
	}
	if t.Root {
		return []string{typ}
	}
	seen[typ] = true
	if t.Parents == nil {
		return r.RootTypes()
	}
	var out []string
	for _, p := range t.Parents {
		out = append(out, rootsUnder(r, p, seen)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Every registered type has a class; a type with a period of its own
// belongs only to files of that class (otherwise it must go with its
// file); roots have a period or are permanent.
func TestRetentionClasses(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	known := []RetentionClass{RetainPermanent, RetainLong, RetainShort, RetainWithFile}
	for _, typ := range r.Types() {
		c, ok := r.Retention(typ.Name)
		if !ok || !slices.Contains(known, c) {
			t.Errorf("%s: no retention class (%q)", typ.Name, c)
			continue
		}
		if typ.Root {
			if c == RetainWithFile {
				t.Errorf("root %s cannot go with a file: it is one", typ.Name)
			}
			continue
		}
		if c == RetainWithFile || c == RetainPermanent {
			continue
		}
		for _, root := range rootsUnder(r, typ.Name, map[string]bool{}) {
			if rc, _ := r.Retention(root); rc != c {
				t.Errorf("%s (%s) can belong to %s (%s): give it the file's class", typ.Name, c, root, rc)
			}
		}
	}
	if _, ok := r.Retention("nonsense"); ok {
		t.Error("an unknown type has a class")
	}
	for c, years := range map[RetentionClass]int{RetainPermanent: 0, RetainLong: 30, RetainShort: 10, RetainWithFile: 0} {
		if c.Years() != years {
			t.Errorf("%s: %d years", c, c.Years())
		}
	}
	if c, _ := r.Retention(TypeCase); c != RetainLong {
		t.Errorf("a case file is kept %s", c)
	}
	if c, _ := r.Retention(TypeAudit); c != RetainPermanent {
		t.Errorf("audit entries are kept %s", c)
	}
	if f, ok := mustType(t, r, TypeCase).Field(FieldArchived); !ok || f.Kind != KindDate || f.Required != Optional {
		t.Error("a case has no optional archive date")
	}
}

func mustType(t *testing.T, r *Registry, name string) *Type {
	t.Helper()
	typ, ok := r.Type(name)
	if !ok {
		t.Fatalf("no type %s", name)
	}
	return typ
}

func TestCheckArchive(t *testing.T) {
	t.Parallel()
	intake := Child{Type: TypeIntake, Values: Values{"date": Str("2025-01-02"), "accepted": "true"}}
	closing := Child{Type: TypeClosing, Values: Values{"date": Str("2025-06-01")}}
	planned := Child{Type: TypeFollowUp, Values: Values{"due": Str("2025-09-01")}}
	done := Child{Type: TypeFollowUp, Values: Values{"due": Str("2025-09-01"), "done_date": Str("2025-09-03")}}
	reopen := Child{Type: TypeReopen, Values: Values{"date": Str("2025-10-01")}}
	for _, tc := range []struct {
		name string
		kids []Child
		date string
		want string
	}{
		{"closed", []Child{intake, closing}, "2025-06-01", ""},
		{"followed up", []Child{intake, closing, done}, "2025-12-01", ""},
		{"open", []Child{intake}, "2025-06-01", ArchiveNotClosed},
		{"new", nil, "2025-06-01", ArchiveNotClosed},
		{"follow-up pending", []Child{intake, closing, planned}, "2025-06-02", ArchiveFollowUpPending},
		{"reopened", []Child{intake, closing, reopen}, "2025-12-01", ArchiveNotClosed},
		{"deleted closing", []Child{intake, {Type: TypeClosing, Values: closing.Values, Deleted: true}}, "2025-06-01", ArchiveNotClosed},
		{"before closing", []Child{intake, closing}, "2025-05-31", ArchiveBeforeClosing},
		{"not a date", []Child{intake, closing}, "soon", ArchiveBadDate},
	} {
		if got := CheckArchive(tc.kids, tc.date); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestRetentionEnd(t *testing.T) {
	t.Parallel()
	closings := []Child{
		{Type: TypeClosing, Values: Values{"date": Str("2020-03-01")}},
		{Type: TypeClosing, Values: Values{"date": Str("2024-05-06")}},
		{Type: TypeClosing, Values: Values{"date": Str("2025-01-01")}, Deleted: true},
	}
	hours := []Child{{Type: TypeVolunteerHours, Values: Values{"date": Str("2023-02-03")}}, {Type: TypeVolunteerHours, Values: Values{"date": Str("2021-01-01")}}}
	sessions := []Child{{Type: TypeGroupSession, Values: Values{"date": Str("2022-04-05")}}}
	for _, tc := range []struct {
		typ  string
		root Values
		kids []Child
		want string
	}{
		{TypeCase, Values{FieldArchived: Str("2024-06-01")}, closings, "2024-05-06"},
		{TypeCase, Values{FieldArchived: Str("2024-06-01")}, nil, "2024-06-01"},
		{TypeGroup, Values{"start": Str("2022-01-01")}, sessions, "2022-04-05"},
		{TypeGroup, Values{"start": Str("2022-01-01")}, nil, "2022-01-01"},
		{TypeVolunteer, Values{}, hours, "2023-02-03"},
		{TypeActivity, Values{"date": Str("2021-07-07")}, nil, "2021-07-07"},
		{TypeSupervision, Values{"date": Str("2021-07-08")}, nil, "2021-07-08"},
		{TypeTraining, Values{"date": Str("2021-07-09")}, nil, "2021-07-09"},
		{TypeStaff, Values{}, nil, ""},
	} {
		if got := RetentionEnd(tc.typ, tc.root, tc.kids); got != tc.want {
			t.Errorf("%s: end %q, want %q", tc.typ, got, tc.want)
		}
	}
	for _, tc := range []struct {
		c                   RetentionClass
		end, today, expires string
		expired             bool
	}{
		{RetainLong, "1990-01-02", "2020-01-01", "2020-01-02", false},
		{RetainLong, "1990-01-02", "2020-01-02", "2020-01-02", true},
		{RetainShort, "2012-02-29", "2022-03-01", "2022-03-01", true}, // no 29 February in 2022
		{RetainShort, "2020-05-05", "2026-01-01", "2030-05-05", false},
		{RetainPermanent, "1900-01-01", "2026-01-01", "", false},
		{RetainWithFile, "1900-01-01", "2026-01-01", "", false},
		{RetainLong, "", "2026-01-01", "", false},
	} {
		exp, ok := RetentionExpired(tc.c, tc.end, tc.today)
		if exp != tc.expires || ok != tc.expired {
			t.Errorf("%s from %q on %s: %q %v, want %q %v", tc.c, tc.end, tc.today, exp, ok, tc.expires, tc.expired)
		}
	}
	if Archived(Values{FieldArchived: Null}) != "" || Archived(Values{FieldArchived: Str("2024-01-01")}) != "2024-01-01" {
		t.Error("Archived")
	}
}
