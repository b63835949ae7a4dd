package model

// Case stage codes (code list ListStage). A case's stage is derived from its
// child records by DeriveStage, never typed in.
const (
	StageNew          = "new"          // no intake yet
	StageIntake       = "intake"       // 接案
	StageAssessment   = "assessment"   // 预估
	StagePlan         = "plan"         // 计划
	StageIntervention = "intervention" // 介入
	StageEvaluation   = "evaluation"   // 评估
	StageClosed       = "closed"       // 结案
	StageFollowUp     = "follow_up"    // 回访
	StageReopened     = "reopened"     // reopened after closing, no new work yet
	StageDeclined     = "declined"     // intake not accepted
)

// stageRank orders stages for "required at stage" rules. A reopened case
// starts again from intake.
func stageRank(s string) int {
	switch s {
	case StageIntake, StageReopened, StageDeclined:
		return 1
	case StageAssessment:
		return 2
	case StagePlan:
		return 3
	case StageIntervention:
		return 4
	case StageEvaluation:
		return 5
	case StageClosed:
		return 6
	case StageFollowUp:
		return 7
	}
	return 0
}

// Child is one child record of a case, as DeriveStage reads it.
type Child struct {
	Type    string
	Values  Values
	Deleted bool // tombstoned records are ignored
}

// activityRank maps the record types that move a case forward to the
// stage they show.
var activityStage = map[string]string{
	TypeIntake:        StageIntake,
	TypeAssessment:    StageAssessment,
	TypePlan:          StagePlan,
	TypePlanGoal:      StagePlan,
	TypeServiceRecord: StageIntervention,
	TypeReferral:      StageIntervention,
	TypeEvaluation:    StageEvaluation,
}

func dateOf(v Values, field string) string {
	s, _ := AsString(v[field])
	return s
}

// DeriveStage returns the stage of a case from its child records:
// closed once a closing exists (follow-up once a follow-up visit was done
// on or after the closing date); reopened when a reopen record, or a
// follow-up that asks to reopen, is dated on or after the last closing —
// after which the work done since the reopening decides again; otherwise
// the furthest step of the casework process that has a record (intake,
// assessment, plan, intervention, evaluation), or declined if the only
// intake was not accepted. Dates are compared as YYYY-MM-DD strings.
func DeriveStage(children []Child) string {
	closed, reopened := "", ""
	for _, c := range children {
		if c.Deleted {
			continue
		}
		switch c.Type {
		case TypeClosing:
			closed = max(closed, dateOf(c.Values, "date"))
		case TypeReopen:
			reopened = max(reopened, dateOf(c.Values, "date"))
		case TypeFollowUp:
			if b, _ := AsBool(c.Values["reopen"]); b {
				reopened = max(reopened, dateOf(c.Values, "done_date"))
			}
		}
	}
	hasClosing := false
	for _, c := range children {
		hasClosing = hasClosing || (!c.Deleted && c.Type == TypeClosing)
	}
	if hasClosing && (reopened == "" || reopened < closed) {
		for _, c := range children {
			if !c.Deleted && c.Type == TypeFollowUp {
				if d := dateOf(c.Values, "done_date"); d != "" && d >= closed {
					return StageFollowUp
				}
			}
		}
		return StageClosed
	}
	since := ""
	if hasClosing {
		since = reopened
	}
	best, rank, declined := "", 0, false
	for _, c := range children {
		st, ok := activityStage[c.Type]
		if c.Deleted || !ok || dateOf(c.Values, "date") < since {
			continue
		}
		if c.Type == TypeIntake {
			if acc, ok := AsBool(c.Values["accepted"]); ok && !acc {
				declined = true
				continue
			}
		}
		if r := stageRank(st); r > rank {
			best, rank = st, r
		}
	}
	switch {
	case best != "":
		return best
	case hasClosing:
		return StageReopened
	case declined:
		return StageDeclined
	}
	return StageNew
}
