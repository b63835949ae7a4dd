package app

import (
	"cmp"
	"fmt"
	"strconv"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/report"
)

// repRow is one figure of a report: a row of a table and, when charted, a
// bar of the chart beside it.
type repRow struct {
	// key names the figure, the same on every report and in both
	// languages (the cell's data-key): "fig/" or "perf/" and the JSON name
	// of a single figure, or a list's prefix and the code ("stage/closed",
	// "month/2025-03/cat/psych").
	key   string
	label string
	text  string // the number as shown
	value int64  // the bar's length: a count, or hundredths for a Decimal
	bar   bool   // drawn in the chart
}

func countRow(key, label string, n int, bar bool) repRow {
	return repRow{key: key, label: label, text: strconv.Itoa(n), value: int64(n), bar: bar}
}

func decimalRow(key, label string, d report.Decimal, bar bool) repRow {
	return repRow{key: key, label: label, text: d.String(), value: int64(d), bar: bar}
}

// codeRows are the rows of a list of counts, labelled from a code list.
func codeRows(prefix, list, lang string, counts []report.Count) []repRow {
	out := make([]repRow, 0, len(counts))
	for _, c := range counts {
		out = append(out, countRow(prefix+c.Code, registry.CodeLabel(list, c.Code).In(lang), c.N, true))
	}
	return out
}

// reportView renders a report: the dashboard, then the project performance
// evaluation, each part a chart with its numbers in a table beside it.
func reportView(l i18n.Lang, r *report.Report, src string) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	lang := modelLang(l)
	d, pf := &r.Dashboard, &r.Performance

	target := append([]repRow{countRow("fig/cases", t(i18n.RepCases), d.Cases, false)},
		codeRows("target/", model.ListTarget, lang, d.CasesByTarget)...)
	target = append(target, countRow("fig/cases_no_target", t(i18n.RepNoTarget), d.CasesNoTarget, true))
	svcCat := append([]repRow{countRow("fig/services", t(i18n.RepServices), d.Services, false)},
		codeRows("svc-cat/", model.ListService, lang, d.ServicesByCategory)...)
	groups := []repRow{
		countRow("fig/groups", t(i18n.RepGroups), d.Groups, true),
		countRow("fig/group_sessions", t(i18n.RepSessions), d.GroupSessions, true),
		countRow("fig/attendances", t(i18n.RepAttendances), d.Attendances, true),
		countRow("fig/activities", t(i18n.RepActivities), d.Activities, true),
		countRow("fig/activity_named", t(i18n.RepNamed), d.ActivityNamed, true),
		countRow("fig/activity_others", t(i18n.RepOthers), d.ActivityOthers, true),
	}
	hours := []repRow{
		decimalRow("fig/volunteer_hours", t(i18n.RepVolHours), d.VolunteerHours, true),
		countRow("fig/volunteer_services", t(i18n.RepVolServices), d.VolunteerServices, false),
		countRow("fig/volunteers", t(i18n.RepVolunteers), d.Volunteers, false),
		decimalRow("fig/supervision_hours", t(i18n.RepSupHours), d.SupervisionHours, true),
		countRow("fig/supervision_sessions", t(i18n.RepSupSessions), d.SupervisionSessions, false),
		countRow("fig/supervision_minutes", t(i18n.RepSupMinutes), d.SupervisionMinutes, false),
		decimalRow("fig/training_hours", t(i18n.RepTrainHours), d.TrainingHours, true),
		decimalRow("fig/training_person_hours", t(i18n.RepTrainPerson), d.TrainingPersonHours, true),
		countRow("fig/trainings", t(i18n.RepTrainings), d.Trainings, false),
	}
	outputs := []repRow{
		countRow("perf/cases_served", t(i18n.RepServed), pf.CasesServed, true),
		countRow("perf/cases_opened", t(i18n.RepOpened), pf.CasesOpened, true),
		countRow("perf/cases_closed", t(i18n.RepClosed), pf.CasesClosed, true),
		countRow("perf/services", t(i18n.RepServices), pf.Services, true),
		countRow("perf/group_sessions", t(i18n.RepSessions), pf.GroupSessions, true),
		countRow("perf/activities", t(i18n.RepActivities), pf.Activities, true),
	}
	goals := append(codeRows("goal/", model.ListAttainment, lang, pf.GoalsByAttainment),
		countRow("perf/goals_unrated", t(i18n.RepUnrated), pf.GoalsUnrated, true),
		countRow("perf/goals", t(i18n.RepGoals), pf.Goals, false),
		decimalRow("perf/goals_achieved_pct", t(i18n.RepAchievedPct), pf.GoalsAchievedPct, false))
	reasons := append(codeRows("reason/", model.ListClosingReason, lang, pf.ClosingReasons),
		countRow("perf/closings", t(i18n.RepClosings), pf.Closings, false))
	var scores []repRow
	for _, c := range pf.SatisfactionScores {
		scores = append(scores, countRow("score/"+c.Code, fmt.Sprintf(t(i18n.RepScore), c.Code), c.N, true))
	}
	scores = append(scores,
		countRow("perf/evaluations", t(i18n.RepEvaluations), pf.Evaluations, false),
		countRow("perf/rated", t(i18n.RepRated), pf.Rated, false),
		decimalRow("perf/satisfaction", t(i18n.RepAverage), pf.Satisfaction, false),
		countRow("perf/group_evaluations", t(i18n.RepGroupEvals), pf.GroupEvaluations, false),
		countRow("perf/group_rated", t(i18n.RepGroupRated), pf.GroupRated, false),
		decimalRow("perf/group_satisfaction", t(i18n.RepGroupAverage), pf.GroupSatisfaction, false),
	)

	return goapp.Div().ID("report").Class("jz-report").DataSet("source", src).Body(
		goapp.H2().ID("rep-dashboard").Text(t(i18n.RepDashboard)),
		repBlock(l, "rep-target", t(i18n.RepTarget), target),
		repBlock(l, "rep-stage", t(i18n.RepStage), codeRows("stage/", model.ListStage, lang, d.CasesByStage)),
		repBlock(l, "rep-svc-cat", t(i18n.RepSvcCategory), svcCat),
		repBlock(l, "rep-svc-method", t(i18n.RepSvcMethod), codeRows("svc-method/", model.ListMethod, lang, d.ServicesByMethod)),
		repMonths(l, lang, d.ServiceMonths),
		repBlock(l, "rep-groups", t(i18n.RepGroupsTitle), groups),
		repBlock(l, "rep-hours", t(i18n.RepHoursTitle), hours),
		repBlock(l, "rep-overdue", t(i18n.RepOverdueTitle), []repRow{countRow("fig/follow_ups_overdue", t(i18n.RepOverdue), d.FollowUpsOverdue, false)}),
		goapp.H2().ID("rep-performance").Text(t(i18n.RepPerformance)),
		repBlock(l, "rep-outputs", t(i18n.RepOutputs), outputs),
		repBlock(l, "rep-goals", t(i18n.RepOutcomes), goals),
		repBlock(l, "rep-reasons", t(i18n.RepReasons), reasons),
		repBlock(l, "rep-satisfaction", t(i18n.RepSatisfaction), scores),
	)
}

// repBlock is one part of a report: its title, the chart of its charted
// rows and, beside it, the table of all its rows (the table alone when
// nothing is charted).
func repBlock(l i18n.Lang, id, title string, rows []repRow) ui {
	var bars []repRow
	for _, r := range rows {
		if r.bar {
			bars = append(bars, r)
		}
	}
	trs := []ui{goapp.Tr().Body(goapp.Th().Scope("col").Text(i18n.T(l, i18n.RepItem)), goapp.Th().Scope("col").Class("jz-num").Text(i18n.T(l, i18n.RepNumber)))}
	for _, r := range rows {
		trs = append(trs, goapp.Tr().DataSet("key", r.key).Body(
			goapp.Th().Scope("row").Text(r.label),
			goapp.Td().Class("jz-num").DataSet("key", r.key).Text(r.text)))
	}
	table := goapp.Table().ID(id + "-table").Class("jz-compare jz-rep-table").Body(goapp.TBody().Body(trs...))
	pair := []ui{table}
	if len(bars) > 0 {
		pair = []ui{barChart(id+"-chart", fmt.Sprintf(i18n.T(l, i18n.RepChartOf), title), bars), table}
	}
	return goapp.Section().ID(id).Class("jz-rep-block").Body(
		goapp.H3().Text(title),
		goapp.Div().Class("jz-rep-pair").Body(pair...),
	)
}

// repMonths is the service records per month: a chart of the months'
// totals beside their table, then the months by category and by method.
func repMonths(l i18n.Lang, lang string, months []report.Month) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	if len(months) == 0 {
		return goapp.Section().ID("rep-months").Class("jz-rep-block").Body(
			goapp.H3().Text(t(i18n.RepSvcMonth)),
			goapp.P().ID("rep-months-none").Class("jz-empty").Text(t(i18n.RepNoServices)))
	}
	name := func(m string) string { return cmp.Or(m, t(i18n.RepNoDate)) }
	var totals []repRow
	for _, m := range months {
		totals = append(totals, countRow("month/"+m.Month, name(m.Month), m.Services, true))
	}
	block := repBlock(l, "rep-months", t(i18n.RepSvcMonth), totals)
	grid := func(id, title, list, kind string, counts func(report.Month) []report.Count) ui {
		head := []ui{goapp.Th().Scope("col").Text(t(i18n.RepMonthCol))}
		for _, c := range counts(months[0]) {
			head = append(head, goapp.Th().Scope("col").Class("jz-num").Text(registry.CodeLabel(list, c.Code).In(lang)))
		}
		trs := []ui{goapp.Tr().Body(head...)}
		for _, m := range months {
			cells := []ui{goapp.Th().Scope("row").Text(name(m.Month))}
			for _, c := range counts(m) {
				cells = append(cells, goapp.Td().Class("jz-num").DataSet("key", "month/"+m.Month+"/"+kind+"/"+c.Code).Text(strconv.Itoa(c.N)))
			}
			trs = append(trs, goapp.Tr().DataSet("key", "month/"+m.Month).Body(cells...))
		}
		return goapp.Section().ID(id).Class("jz-rep-block").Body(
			goapp.H3().Text(title),
			goapp.Div().Class("jz-rep-wide").Body(goapp.Table().ID(id+"-table").Class("jz-compare jz-rep-table").Body(goapp.TBody().Body(trs...))))
	}
	return goapp.Div().Body(
		block,
		grid("rep-months-cat", t(i18n.RepSvcMonthCat), model.ListService, "cat", func(m report.Month) []report.Count { return m.ByCategory }),
		grid("rep-months-method", t(i18n.RepSvcMonthMeth), model.ListMethod, "method", func(m report.Month) []report.Count { return m.ByMethod }),
	)
}
