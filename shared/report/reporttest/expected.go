package reporttest

import (
	"fmt"

	"jiuzhu/shared/report"
)

// The code lists in their registry order, written out here so that the
// expectation does not come from the code under test.
var (
	targets     = []string{"dibao", "tekun", "low_income", "medical", "temporary", "disaster", "employment", "homeless", "other"}
	stages      = []string{"new", "intake", "assessment", "plan", "intervention", "evaluation", "closed", "follow_up", "reopened", "declined"}
	services    = []string{"resource_link", "capacity", "psych", "integration", "crisis", "rights"}
	methods     = []string{"casework", "groupwork", "community", "case_management"}
	attainments = []string{"achieved", "partly", "not"}
	reasons     = []string{"goals_met", "can_cope", "withdrew", "referred", "other"}
	scores      = []string{"1", "2", "3", "4", "5"}
)

// counts pairs codes with ns, each times k.
func counts(k int, codes []string, ns ...int) []report.Count {
	if len(ns) != len(codes) {
		panic(fmt.Sprintf("reporttest: %d counts for %d codes", len(ns), len(codes)))
	}
	out := make([]report.Count, len(codes))
	for i, c := range codes {
		out[i] = report.Count{Code: c, N: ns[i] * k}
	}
	return out
}

// month is one month of service records: the total, then the counts by
// service category and by method (in list order).
func month(k int, m string, n int, byCategory, byMethod []int) report.Month {
	return report.Month{Month: m, Services: n * k, ByCategory: counts(k, services, byCategory...), ByMethod: counts(k, methods, byMethod...)}
}

// Expected is the report of copies copies of Dataset for p: the whole time
// (From and To empty) or the first half of 2025 (H1From to H1To), on any
// day from 2025-09-01 to 2098 (p.Today). Counts and hours add up over
// copies; averages and shares stay.
func Expected(p report.Period, copies int) report.Report {
	k := copies
	h := func(hundredths int) report.Decimal { return report.Decimal(hundredths * k) }
	r := report.Report{From: p.From, To: p.To, Today: p.Today}
	months := []report.Month{
		month(k, "2025-01", 1, []int{1, 0, 0, 0, 0, 0}, []int{1, 0, 0, 0}),
		month(k, "2025-02", 2, []int{1, 0, 2, 0, 0, 0}, []int{2, 0, 0, 0}),
		month(k, "2025-03", 4, []int{1, 1, 1, 1, 0, 1}, []int{2, 0, 1, 1}),
		month(k, "2025-04", 2, []int{0, 1, 0, 0, 1, 0}, []int{1, 1, 0, 0}),
		month(k, "2025-05", 1, []int{1, 1, 0, 0, 0, 0}, []int{1, 0, 0, 0}),
		month(k, "2025-06", 1, []int{0, 0, 0, 1, 0, 0}, []int{1, 0, 0, 0}),
	}
	switch {
	case p.From == "" && p.To == "":
		r.Dashboard = report.Dashboard{
			Cases:               11 * k,
			CasesByTarget:       counts(k, targets, 5, 1, 1, 2, 1, 1, 1, 0, 1),
			CasesNoTarget:       1 * k,
			CasesByStage:        counts(k, stages, 1, 0, 1, 0, 3, 1, 2, 1, 1, 1),
			Services:            12 * k,
			ServicesByCategory:  counts(k, services, 4, 3, 4, 2, 1, 1),
			ServicesByMethod:    counts(k, methods, 9, 1, 1, 1),
			ServiceMonths:       append(months, month(k, "2025-07", 1, []int{0, 0, 1, 0, 0, 0}, []int{1, 0, 0, 0})),
			Groups:              3 * k,
			GroupSessions:       4 * k,
			Attendances:         6 * k,
			Activities:          3 * k,
			ActivityNamed:       6 * k,
			ActivityOthers:      35 * k,
			VolunteerServices:   4 * k,
			Volunteers:          2 * k,
			VolunteerHours:      h(1150),
			SupervisionSessions: 3 * k,
			SupervisionMinutes:  195 * k,
			SupervisionHours:    h(325),
			Trainings:           3 * k,
			TrainingHours:       h(650),
			TrainingPersonHours: h(750),
			FollowUpsOverdue:    2 * k,
		}
		r.Performance = report.Performance{
			CasesServed: 11 * k, CasesOpened: 11 * k, CasesClosed: 4 * k,
			Services: 12 * k, GroupSessions: 4 * k, Activities: 3 * k,
			Goals: 5 * k, GoalsByAttainment: counts(k, attainments, 2, 1, 1), GoalsUnrated: 1 * k, GoalsAchievedPct: 4000,
			Closings: 4 * k, ClosingReasons: counts(k, reasons, 2, 1, 1, 0, 0),
			Evaluations: 5 * k, Rated: 4 * k, Satisfaction: 425, SatisfactionScores: counts(k, scores, 0, 0, 1, 1, 2),
			GroupEvaluations: 2 * k, GroupRated: 2 * k, GroupSatisfaction: 413,
		}
	case p.From == H1From && p.To == H1To:
		r.Dashboard = report.Dashboard{
			Cases:               9 * k,
			CasesByTarget:       counts(k, targets, 3, 1, 1, 2, 1, 1, 1, 0, 1),
			CasesNoTarget:       1 * k,
			CasesByStage:        counts(k, stages, 1, 0, 1, 0, 2, 1, 1, 1, 1, 1),
			Services:            11 * k,
			ServicesByCategory:  counts(k, services, 4, 3, 3, 2, 1, 1),
			ServicesByMethod:    counts(k, methods, 8, 1, 1, 1),
			ServiceMonths:       months,
			Groups:              2 * k,
			GroupSessions:       2 * k,
			Attendances:         4 * k,
			Activities:          2 * k,
			ActivityNamed:       3 * k,
			ActivityOthers:      25 * k,
			VolunteerServices:   3 * k,
			Volunteers:          2 * k,
			VolunteerHours:      h(825),
			SupervisionSessions: 2 * k,
			SupervisionMinutes:  135 * k,
			SupervisionHours:    h(225),
			Trainings:           2 * k,
			TrainingHours:       h(450),
			TrainingPersonHours: h(750),
			FollowUpsOverdue:    2 * k,
		}
		r.Performance = report.Performance{
			CasesServed: 9 * k, CasesOpened: 8 * k, CasesClosed: 3 * k,
			Services: 11 * k, GroupSessions: 2 * k, Activities: 2 * k,
			Goals: 4 * k, GoalsByAttainment: counts(k, attainments, 1, 1, 1), GoalsUnrated: 1 * k, GoalsAchievedPct: 2500,
			Closings: 3 * k, ClosingReasons: counts(k, reasons, 1, 1, 1, 0, 0),
			Evaluations: 4 * k, Rated: 3 * k, Satisfaction: 467, SatisfactionScores: counts(k, scores, 0, 0, 0, 1, 2),
			GroupEvaluations: 1 * k, GroupRated: 1 * k, GroupSatisfaction: 450,
		}
	default:
		panic("reporttest: no expectation for the period " + p.From + " – " + p.To)
	}
	return r
}
