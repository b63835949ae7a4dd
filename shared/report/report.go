package report

import (
	"errors"
	"time"

	"jiuzhu/shared/model"
)

// Period is what a report covers: records dated From to To, both days
// included (YYYY-MM-DD; either empty: unbounded on that side), and Today,
// the day the report is made on, which decides which follow-ups are
// overdue.
type Period struct {
	From, To string
	Today    string
}

// Errors of Period.Check.
var (
	ErrBadDate  = errors.New("report: a date is not a real YYYY-MM-DD date")
	ErrBadRange = errors.New("report: the period ends before it starts")
)

// Check reports whether the period's dates are real dates, in order.
func (p Period) Check() error {
	for _, d := range []string{p.From, p.To, p.Today} {
		if d == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return ErrBadDate
		}
	}
	if p.From != "" && p.To != "" && p.To < p.From {
		return ErrBadRange
	}
	return nil
}

// bounded reports whether the period has a start or an end.
func (p Period) bounded() bool { return p.From != "" || p.To != "" }

// contains reports whether a record dated date falls in the period. A
// record without a date is in an unbounded period only.
func (p Period) contains(date string) bool {
	if !p.bounded() {
		return true
	}
	return date != "" && (p.From == "" || date >= p.From) && (p.To == "" || date <= p.To)
}

// Report is one report: what it covers, the dashboard and the project
// performance evaluation. It is the JSON that GET /api/reports answers.
type Report struct {
	From        string      `json:"from"` // "" from the first record
	To          string      `json:"to"`   // "" to the last record
	Today       string      `json:"today"`
	Dashboard   Dashboard   `json:"dashboard"`
	Performance Performance `json:"performance"`
}

// Count is how many (cases, records, goals) hold one code.
type Count struct {
	Code string `json:"code"`
	N    int    `json:"n"`
}

// Dashboard holds the figures of §8 for a period.
//
// A case is served in the period when it was opened by the period's end
// and was not closed before its start (a closed case counts until its last
// closing). Records with a date (service records, sessions, activities,
// hours, supervision, trainings) count when dated in the period; a group
// counts when it starts in the period or has a session in it.
type Dashboard struct {
	// Cases is the number of cases served.
	Cases int `json:"cases"`
	// CasesByTarget counts the cases served per target category of the
	// case (distinct cases: a case in several categories counts in each),
	// every code of the list in its order, then unknown codes;
	// CasesNoTarget the cases served with no category.
	CasesByTarget []Count `json:"cases_by_target"`
	CasesNoTarget int     `json:"cases_no_target"`
	// CasesByStage counts the cases served by their stage today
	// (model.DeriveStage, as the case list shows it).
	CasesByStage []Count `json:"cases_by_stage"`
	// Services is the number of service records; by category a record
	// with several categories counts in each.
	Services           int     `json:"services"`
	ServicesByCategory []Count `json:"services_by_category"`
	ServicesByMethod   []Count `json:"services_by_method"`
	// ServiceMonths are the months (YYYY-MM) with service records, in
	// order, each with its counts by category and method.
	ServiceMonths []Month `json:"service_months"`
	// Groups active in the period, their sessions, and the members
	// present at those sessions (person-times: a member's attendance is
	// their latest attendance record of the session).
	Groups        int `json:"groups"`
	GroupSessions int `json:"group_sessions"`
	Attendances   int `json:"attendances"`
	// Community activities and their participants: named clients
	// (person-times) and the head count of others.
	Activities     int `json:"activities"`
	ActivityNamed  int `json:"activity_named"`
	ActivityOthers int `json:"activity_others"`
	// Volunteer service: records of hours, the volunteers who served and
	// their hours.
	VolunteerServices int     `json:"volunteer_services"`
	Volunteers        int     `json:"volunteers"`
	VolunteerHours    Decimal `json:"volunteer_hours"`
	// Supervision sessions and their length (minutes, and hours rounded
	// to hundredths once).
	SupervisionSessions int     `json:"supervision_sessions"`
	SupervisionMinutes  int     `json:"supervision_minutes"`
	SupervisionHours    Decimal `json:"supervision_hours"`
	// Trainings, their hours, and their hours times their attendees.
	Trainings           int     `json:"trainings"`
	TrainingHours       Decimal `json:"training_hours"`
	TrainingPersonHours Decimal `json:"training_person_hours"`
	// FollowUpsOverdue counts the follow-up visits due before Today and
	// not done, whatever the period.
	FollowUpsOverdue int `json:"follow_ups_overdue"`
}

// Month is one month's service records.
type Month struct {
	Month      string  `json:"month"` // YYYY-MM ("" for records without a date)
	Services   int     `json:"services"`
	ByCategory []Count `json:"by_category"`
	ByMethod   []Count `json:"by_method"`
}

// Performance is the project performance evaluation of MZ/T 059 for the
// period: outputs, outcomes and client satisfaction.
type Performance struct {
	// Outputs: cases served (as Dashboard.Cases), cases opened and cases
	// closed in the period (distinct cases), service records, group
	// sessions and community activities.
	CasesServed   int `json:"cases_served"`
	CasesOpened   int `json:"cases_opened"`
	CasesClosed   int `json:"cases_closed"`
	Services      int `json:"services"`
	GroupSessions int `json:"group_sessions"`
	Activities    int `json:"activities"`
	// Outcomes: the plan goals of the cases served, by attainment (every
	// code of the list; GoalsUnrated: not yet rated), and the share
	// achieved in percent; the closings in the period by reason.
	Goals             int     `json:"goals"`
	GoalsByAttainment []Count `json:"goals_by_attainment"`
	GoalsUnrated      int     `json:"goals_unrated"`
	GoalsAchievedPct  Decimal `json:"goals_achieved_pct"`
	Closings          int     `json:"closings"`
	ClosingReasons    []Count `json:"closing_reasons"`
	// Client satisfaction: the evaluations in the period, those with a
	// score, the average score (1–5) and how many gave each score ("1" …
	// "5"); the group evaluations in the period, those with a score and
	// their average.
	Evaluations        int     `json:"evaluations"`
	Rated              int     `json:"rated"`
	Satisfaction       Decimal `json:"satisfaction"`
	SatisfactionScores []Count `json:"satisfaction_scores"`
	GroupEvaluations   int     `json:"group_evaluations"`
	GroupRated         int     `json:"group_rated"`
	GroupSatisfaction  Decimal `json:"group_satisfaction"`
}

// Types are the record types a report reads: a caller that loads records
// by type (the tablet) needs only these.
var Types = []string{
	model.TypeCase, model.TypeIntake, model.TypeAssessment, model.TypePlan, model.TypePlanGoal,
	model.TypeServiceRecord, model.TypeReferral, model.TypeEvaluation, model.TypeClosing,
	model.TypeFollowUp, model.TypeReopen,
	model.TypeGroup, model.TypeGroupMember, model.TypeGroupSession, model.TypeAttendance, model.TypeGroupEvaluation,
	model.TypeActivity, model.TypeVolunteer, model.TypeVolunteerHours, model.TypeSupervision, model.TypeTraining,
}
