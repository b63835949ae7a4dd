package app

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"jiuzhu/shared/i18n"
	"jiuzhu/shared/report"
	"jiuzhu/shared/report/reporttest"
)

// cellsOf reads the figures of a rendered report: data-key → text of the
// table cells (td) that carry one.
func cellsOf(html string) map[string]string {
	out := map[string]string{}
	td := regexp.MustCompile(`<td([^>]*)>([^<]*)</td>`)
	key := regexp.MustCompile(`data-key="([^"]+)"`)
	for _, m := range td.FindAllStringSubmatch(html, -1) {
		if k := key.FindStringSubmatch(m[1]); k != nil {
			out[k[1]] = m[2]
		}
	}
	return out
}

// The page shows every figure of the report in its tables, under keys that
// do not depend on the language, with a chart beside the tables; labels in
// Chinese by default and in English when chosen; no inline style.
func TestReportsPageShowsEveryFigure(t *testing.T) {
	recs := reporttest.Records(reporttest.Dataset("u-wang", 1))
	p := report.Period{From: reporttest.H1From, To: reporttest.H1To, Today: reporttest.Today}
	r := report.Compute(registry, recs, p)
	q := reportQuery{period: periodCustom, from: p.From, to: p.To, src: srcDevice}
	zh := render(t, &reportsPage{page: page{user: "wang"}, q: q, loaded: true, rep: &r})
	en := render(t, &reportsPage{page: page{user: "wang", lang: string(i18n.EN)}, q: q, loaded: true, rep: &r})

	cells := cellsOf(zh)
	want := map[string]string{
		"fig/cases": "9", "target/dibao": "3", "target/medical": "2", "target/homeless": "0", "fig/cases_no_target": "1",
		"stage/intervention": "2", "stage/declined": "1", "stage/plan": "0",
		"fig/services": "11", "svc-cat/resource_link": "4", "svc-method/casework": "8",
		"month/2025-03": "4", "month/2025-03/cat/psych": "1", "month/2025-03/method/community": "1", "month/2025-06/cat/integration": "1",
		"fig/groups": "2", "fig/group_sessions": "2", "fig/attendances": "4", "fig/activities": "2", "fig/activity_named": "3", "fig/activity_others": "25",
		"fig/volunteer_hours": "8.25", "fig/volunteers": "2", "fig/volunteer_services": "3", "fig/supervision_hours": "2.25", "fig/supervision_minutes": "135",
		"fig/supervision_sessions": "2", "fig/trainings": "2", "fig/training_hours": "4.5", "fig/training_person_hours": "7.5", "fig/follow_ups_overdue": "2",
		"perf/cases_served": "9", "perf/cases_opened": "8", "perf/cases_closed": "3", "perf/services": "11", "perf/group_sessions": "2", "perf/activities": "2",
		"goal/achieved": "1", "goal/partly": "1", "goal/not": "1", "perf/goals_unrated": "1", "perf/goals": "4", "perf/goals_achieved_pct": "25",
		"reason/goals_met": "1", "reason/referred": "0", "perf/closings": "3",
		"score/5": "2", "score/4": "1", "score/1": "0", "perf/evaluations": "4", "perf/rated": "3", "perf/satisfaction": "4.67",
		"perf/group_evaluations": "1", "perf/group_rated": "1", "perf/group_satisfaction": "4.5",
	}
	for k, v := range want {
		if cells[k] != v {
			t.Errorf("cell %s = %q, want %q", k, cells[k], v)
		}
	}
	// 9 + 1 + 1 targets, 10 stages, 1 + 6 categories, 4 methods, 6 months
	// with 6 + 4 codes each, 6 + 9 + 1 figures, 6 outputs, 3 + 3 goals,
	// 5 + 1 reasons, 5 + 6 satisfaction
	if n := len(cells); n != 11+10+7+4+6*11+16+6+6+6+11 {
		t.Errorf("%d figures in the tables", n)
	}
	if en := cellsOf(en); len(en) != len(cells) {
		t.Errorf("English shows %d figures, Chinese %d", len(en), len(cells))
	}
	for _, id := range []string{"rep-target-chart", "rep-stage-chart", "rep-svc-cat-chart", "rep-svc-method-chart", "rep-months-chart",
		"rep-groups-chart", "rep-hours-chart", "rep-outputs-chart", "rep-goals-chart", "rep-reasons-chart", "rep-satisfaction-chart"} {
		if !regexp.MustCompile(`<svg[^>]* id="` + id + `"`).MatchString(zh) {
			t.Errorf("no chart %s", id)
		}
	}
	if strings.Contains(zh, "style=") {
		t.Error("the page sets an inline style, which the CSP refuses")
	}
	for _, s := range []string{"统计期间：2025-01-01 至 2025-06-30", "最低生活保障人员", "个案所处阶段", "项目绩效评估", "服务目标达成", "心理疏导服务"} {
		if !strings.Contains(zh, s) {
			t.Errorf("Chinese page lacks %q", s)
		}
	}
	for _, s := range []string{"Period: 2025-01-01 to 2025-06-30", "Minimum living guarantee (dibao)", "Cases by stage", "Project performance", "Goals met", "Psychological support"} {
		if !strings.Contains(en, s) {
			t.Errorf("English page lacks %q", s)
		}
	}
	if strings.Contains(en, "个案所处阶段") || strings.Contains(en, "服务目标达成") {
		t.Error("English page shows Chinese labels")
	}
	// a worker (not known to be staff) on the tablet's report: no server tab
	if strings.Contains(zh, "rep-src-server") {
		t.Error("server report offered to a worker")
	}
	staff := render(t, &reportsPage{page: page{user: "zhao"}, q: q, loaded: true, rep: &r, staff: true, roleFor: "zhao"})
	if !strings.Contains(staff, `id="rep-src-server"`) {
		t.Error("no server report for a supervisor")
	}
}

func TestReportsPageStates(t *testing.T) {
	q := reportQuery{period: periodMonth, src: srcDevice}
	if html := render(t, &reportsPage{q: q}); !strings.Contains(html, `id="login-form"`) {
		t.Error("reports without an account")
	}
	if html := render(t, &reportsPage{page: page{user: "wang"}, q: q}); !strings.Contains(html, `id="rep-loading"`) {
		t.Error("no loading state")
	}
	bad := render(t, &reportsPage{page: page{user: "wang"}, q: q, loaded: true, err: report.ErrBadRange})
	if !strings.Contains(bad, `id="rep-error"`) || !strings.Contains(bad, "结束日期不能早于开始日期") {
		t.Errorf("bad period not said:\n%s", bad)
	}
	empty := report.Compute(registry, nil, report.Period{Today: "2026-01-01"})
	html := render(t, &reportsPage{page: page{user: "wang"}, q: q, loaded: true, rep: &empty})
	if !strings.Contains(html, `id="rep-months-none"`) || cellsOf(html)["fig/cases"] != "0" {
		t.Error("an empty report")
	}
}

func TestReportQuery(t *testing.T) {
	now := time.Date(2026, 2, 14, 15, 0, 0, 0, time.Local)
	for raw, want := range map[string]report.Period{
		"":            {From: "2026-02-01", To: "2026-02-28"},
		"period=year": {From: "2026-01-01", To: "2026-12-31"},
		"period=all":  {},
		"period=custom&from=2025-01-01&to=2025-06-30": {From: "2025-01-01", To: "2025-06-30"},
		"period=month&from=2025-01-01":                {From: "2026-02-01", To: "2026-02-28"},
		"period=nonsense":                             {From: "2026-02-01", To: "2026-02-28"},
	} {
		v, _ := url.ParseQuery(raw)
		q := reportQueryOf(v)
		want.Today = "2026-02-14"
		if got := q.span(now); got != want {
			t.Errorf("%q: %+v, want %+v", raw, got, want)
		}
		back, _ := url.Parse(q.url())
		if reportQueryOf(back.Query()) != q {
			t.Errorf("%q does not survive its address %s", raw, q.url())
		}
	}
	v, _ := url.ParseQuery("src=server&org=620102&period=all")
	if q := reportQueryOf(v); q.src != srcServer || q.org != "620102" || !strings.Contains(q.url(), "org=620102") {
		t.Errorf("server query %+v %s", q, q.url())
	}
	v, _ = url.ParseQuery("src=elsewhere&org=620102")
	if q := reportQueryOf(v); q.src != srcDevice || q.org != "" {
		t.Errorf("unknown source kept: %+v", q)
	}
}
