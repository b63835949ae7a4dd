package reporttest

import (
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// assurance makes the worker's staff profile S1, four volunteers, four
// supervision sessions and three trainings:
//
//	V1 hours 2025-01-10 2.5, 2025-03-08 4, 2025-07-01 3.25
//	V2 hours 2025-04-01 1.75
//	V3 no hours
//	V4 deleted, hours 2025-02-02 5
//
//	supervision 2025-02-14 90 min, 2025-05-20 45 min, 2024-12-12 60 min,
//	            2025-03-03 30 min (deleted)
//	training    2025-03-15 3 h (S1, V1), 2025-06-01 1.5 h (S1),
//	            2025-09-01 2 h (no attendee recorded)
func (b *builder) assurance() {
	s1 := b.root(model.TypeStaff, "user", s(b.user), "name", s("报表测试社工"), "qualification", s("social_worker"))
	volunteer := func(name string) sync.RecID {
		return b.root(model.TypeVolunteer, "name", s(name), "id_type", s("none"))
	}
	hours := func(v sync.RecID, date string, h float64) {
		b.child(model.TypeVolunteerHours, v, v, "date", s(date), "hours", dec(h), "content", s("陪伴服务"))
	}
	v1, v2 := volunteer("志愿者甲"), volunteer("志愿者乙")
	hours(v1, "2025-01-10", 2.5)
	hours(v1, "2025-03-08", 4)
	hours(v1, "2025-07-01", 3.25)
	hours(v2, "2025-04-01", 1.75)
	volunteer("志愿者丙")
	v4 := volunteer("志愿者丁")
	hours(v4, "2025-02-02", 5)
	b.del(v4)

	supervision := func(date string, minutes int64) sync.RecID {
		return b.root(model.TypeSupervision, "supervisor", s(string(s1)), "supervisees", refs(s1), "mode", s("individual"),
			"date", s(date), "minutes", num(minutes))
	}
	supervision("2025-02-14", 90)
	supervision("2025-05-20", 45)
	supervision("2024-12-12", 60)
	b.del(supervision("2025-03-03", 30))

	training := func(topic, date string, h float64, attendees ...sync.RecID) {
		f := []string{"topic", s(topic), "date", s(date), "hours", dec(h)}
		if len(attendees) > 0 {
			f = append(f, "attendees", refs(attendees...))
		}
		b.root(model.TypeTraining, f...)
	}
	training("入户评估技巧", "2025-03-15", 3, s1, v1)
	training("危机干预", "2025-06-01", 1.5, s1)
	training("档案管理", "2025-09-01", 2)
}
