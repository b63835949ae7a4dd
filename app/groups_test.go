package app

import (
	"testing"
	"time"

	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

func rec(id sync.RecID, fields map[string]string) *sync.Record {
	r := sync.NewRecord(id)
	for k, v := range fields {
		r.Fields[k] = sync.FieldState{Value: v}
	}
	return r
}

// A member's attendance is their latest record for the session, whichever
// tablet took it; other sessions' records do not count.
func TestTakenAttendance(t *testing.T) {
	g := sync.RecID("group/01J0000000000000000000000G")
	s1, s2 := sync.RecID("group_session/01J000000000000000000000S1"), sync.RecID("group_session/01J000000000000000000000S2")
	m1, m2, m3 := sync.RecID("group_member/01J000000000000000000000M1"), sync.RecID("group_member/01J000000000000000000000M2"), sync.RecID("group_member/01J000000000000000000000M3")
	att := func(n string, session, member sync.RecID, present bool, at string) *sync.Record {
		p := "false"
		if present {
			p = "true"
		}
		return rec(sync.RecID("attendance/01J00000000000000000000A"+n), map[string]string{
			sync.FieldRoot: model.Str(string(g)), model.FieldParent: model.Str(string(session)),
			"member": model.Str(string(member)), "present": p, "at": model.Str(at)})
	}
	recs := []*sync.Record{
		rec(m2, map[string]string{"name": model.Str("李二")}), rec(m1, map[string]string{"name": model.Str("张一")}), rec(m3, map[string]string{"name": model.Str("王三")}),
		att("01", s1, m1, true, "2026-11-28T09:00:00Z"),
		att("02", s1, m1, false, "2026-11-28T09:05:00Z"), // tablet B, later: absent
		att("03", s1, m2, true, "2026-11-28T09:01:00Z"),
		att("04", s2, m3, true, "2026-11-28T09:01:00Z"), // another session
	}
	a := takenAttendance(s1, recs)
	if p, ab, un := a.counts(); p != 1 || ab != 1 || un != 1 {
		t.Errorf("counts %d present %d absent %d not taken, want 1 1 1", p, ab, un)
	}
	if a.marks[m1].present || !a.marks[m2].present || a.marks[m3].taken {
		t.Errorf("marks %+v", a.marks)
	}
	if len(a.members) != 3 || a.members[0].ID != m1 { // by name
		t.Errorf("members %d, first %s", len(a.members), a.members[0].ID)
	}
	if takenAttendance(g, recs) != nil {
		t.Error("a group is not a session")
	}
	edits := attendanceEdits(g, s1, m3, true, "active", "u1", mustTime(t, "2026-11-28T10:00:00Z"))
	vals := map[string]string{}
	for _, e := range edits {
		vals[e.Field] = e.Value
	}
	if errs := registry.ValidateRecord(model.TypeAttendance, vals, "", mustTime(t, "2026-11-28T10:00:00Z")); len(errs) != 0 {
		t.Errorf("an attendance mark does not validate: %v", errs)
	}
}

// Training and supervision hours add up per worker and year; people not
// on the tablet are left out.
func TestHoursPerYear(t *testing.T) {
	w, s := sync.RecID("staff/01J0000000000000000000000W"), sync.RecID("staff/01J0000000000000000000000S")
	staff := []*sync.Record{rec(w, map[string]string{"name": model.Str("王社工")}), rec(s, map[string]string{"name": model.Str("赵督导")})}
	trainings := []*sync.Record{
		rec("training/01J000000000000000000000T1", map[string]string{"date": model.Str("2026-03-01"), "hours": "3", "attendees": model.List(string(s), string(w))}),
		rec("training/01J000000000000000000000T2", map[string]string{"date": model.Str("2026-05-01"), "hours": "2.5", "attendees": model.List(string(w), "staff/01J0000000000000000000000X")}),
		rec("training/01J000000000000000000000T3", map[string]string{"date": model.Str("2025-12-01"), "hours": "6", "attendees": model.List(string(w))}),
	}
	sup := []*sync.Record{rec("supervision/01J000000000000000000000U1", map[string]string{"date": model.Str("2026-06-01"), "minutes": "90", "supervisees": model.List(string(w))})}
	got := hoursPerYear(staff, trainings, sup)
	want := []hoursRow{{w, "王社工", "2026", 5.5, 1.5}, {w, "王社工", "2025", 6, 0}, {s, "赵督导", "2026", 3, 0}}
	if len(got) != len(want) {
		t.Fatalf("rows %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if hoursText(5.5) != "5.5" || hoursText(1.5) != "1.5" || hoursText(3) != "3" {
		t.Errorf("hoursText: %s %s %s", hoursText(5.5), hoursText(1.5), hoursText(3))
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}
