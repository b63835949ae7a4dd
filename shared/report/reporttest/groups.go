package reporttest

import (
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// groupWork makes four groups and four community activities:
//
//	G1 starts 2025-02-01; members m1–m3, and m4 (deleted);
//	   session 1 2025-02-08: m1, m2 present, m3 absent         → 2 present
//	   session 2 2025-02-15: m1 present then absent (latest),
//	             m2, m3 present, m4 present (deleted member)   → 2 present
//	   session 3 2025-07-10: m1 present                        → 1 present
//	   a session 2025-03-01, deleted (m1 present)              → nothing
//	   evaluation 2025-06-28, satisfaction 4.5
//	G2 starts 2024-11-01; session 2024-11-10: n1 present; evaluation 2024-12-01, 3.75
//	G3 starts 2025-06-10, no session yet
//	G4 starts 2025-03-01, deleted, with a session               → nothing
//
//	A1 2025-03-08: 2 named participants, 25 others
//	A2 2025-05-01: 1 named, others not given
//	A3 2025-08-01: 3 named, 10 others
//	A4 2025-04-01: deleted (1 named, 5 others)
func (b *builder) groupWork() {
	group := func(name, start string) sync.RecID {
		return b.root(model.TypeGroup, "name", s(name), "type", s("support"), "start", s(start), "worker", s(b.user))
	}
	member := func(g sync.RecID, name string) sync.RecID {
		return b.child(model.TypeGroupMember, g, g, "name", s(name))
	}
	session := func(g sync.RecID, n int64, date string) sync.RecID {
		return b.child(model.TypeGroupSession, g, g, "number", num(n), "date", s(date), "stage", s("forming"))
	}
	mark := func(g, sess, m sync.RecID, present bool, at string) {
		b.child(model.TypeAttendance, g, sess, "member", s(string(m)), "present", model.Bool(present), "at", s(at))
	}
	evaluation := func(g sync.RecID, date string, satisfaction float64) {
		b.child(model.TypeGroupEvaluation, g, g, "date", s(date), "methods", codes("questionnaire"),
			"satisfaction", dec(satisfaction), "summary", s("小组总结"))
	}

	g1 := group("邻里互助支持小组", "2025-02-01")
	m1, m2, m3, m4 := member(g1, "张一"), member(g1, "李二"), member(g1, "王三"), member(g1, "赵四")
	s1 := session(g1, 1, "2025-02-08")
	mark(g1, s1, m1, true, "2025-02-08T02:00:00Z")
	mark(g1, s1, m2, true, "2025-02-08T02:00:10Z")
	mark(g1, s1, m3, false, "2025-02-08T02:00:20Z")
	s2 := session(g1, 2, "2025-02-15")
	mark(g1, s2, m1, true, "2025-02-15T02:00:00Z")
	mark(g1, s2, m1, false, "2025-02-15T02:05:00Z")
	mark(g1, s2, m2, true, "2025-02-15T02:00:10Z")
	mark(g1, s2, m3, true, "2025-02-15T02:00:20Z")
	mark(g1, s2, m4, true, "2025-02-15T02:00:30Z")
	b.del(m4)
	s3 := session(g1, 3, "2025-07-10")
	mark(g1, s3, m1, true, "2025-07-10T02:00:00Z")
	gone := session(g1, 4, "2025-03-01")
	mark(g1, gone, m1, true, "2025-03-01T02:00:00Z")
	b.del(gone)
	evaluation(g1, "2025-06-28", 4.5)

	g2 := group("长者成长小组", "2024-11-01")
	n1 := member(g2, "钱五")
	t1 := session(g2, 1, "2024-11-10")
	mark(g2, t1, n1, true, "2024-11-10T02:00:00Z")
	evaluation(g2, "2024-12-01", 3.75)

	group("青少年教育小组", "2025-06-10")

	g4 := group("已删除的小组", "2025-03-01")
	u1 := member(g4, "孙六")
	mark(g4, session(g4, 1, "2025-03-01"), u1, true, "2025-03-01T02:00:00Z")
	b.del(g4)

	activity := func(aim, date string, named int, others int64) sync.RecID {
		a := b.root(model.TypeActivity, "aim", s(aim), "date", s(date), "place", s("东岗社区"), "worker", s(b.user))
		var people []sync.RecID
		for i := range named {
			people = append(people, b.child(model.TypePerson, a, a, "name", s("参与者"+string(rune('甲'+i)))))
		}
		if len(people) > 0 {
			b.set(a, []string{"participants", refs(people...)})
		}
		if others >= 0 {
			b.set(a, []string{"others_count", num(others)})
		}
		return a
	}
	activity("重阳节敬老活动", "2025-03-08", 2, 25)
	activity("社区环境清洁日", "2025-05-01", 1, -1)
	activity("中秋邻里联欢", "2025-08-01", 3, 10)
	b.del(activity("已删除的活动", "2025-04-01", 1, 5))
}
