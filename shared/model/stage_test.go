package model

import "testing"

func TestDeriveStage(t *testing.T) {
	t.Parallel()
	ch := func(typ, date string, extra ...string) Child {
		v := Values{"date": Str(date)}
		for i := 0; i+1 < len(extra); i += 2 {
			v[extra[i]] = extra[i+1]
		}
		return Child{Type: typ, Values: v}
	}
	deleted := ch(TypeClosing, "2025-02-01")
	deleted.Deleted = true
	tests := []struct {
		name string
		kids []Child
		want string
	}{
		{"nothing", nil, StageNew},
		{"intake", []Child{ch(TypeIntake, "2025-01-01", "accepted", "true")}, StageIntake},
		{"declined", []Child{ch(TypeIntake, "2025-01-01", "accepted", "false")}, StageDeclined},
		{"assessment", []Child{ch(TypeIntake, "2025-01-01"), ch(TypeAssessment, "2025-01-03")}, StageAssessment},
		{"plan", []Child{ch(TypeIntake, "2025-01-01"), ch(TypeAssessment, "2025-01-03"), ch(TypePlan, "2025-01-05")}, StagePlan},
		{"intervention", []Child{ch(TypePlan, "2025-01-05"), ch(TypeServiceRecord, "2025-01-06")}, StageIntervention},
		{"referral counts as intervention", []Child{ch(TypeIntake, "2025-01-01"), ch(TypeReferral, "2025-01-06")}, StageIntervention},
		{"evaluation", []Child{ch(TypeServiceRecord, "2025-01-06"), ch(TypeEvaluation, "2025-02-01")}, StageEvaluation},
		{"closed", []Child{ch(TypeEvaluation, "2025-02-01"), ch(TypeClosing, "2025-02-02")}, StageClosed},
		{"deleted closing ignored", []Child{ch(TypeEvaluation, "2025-02-01"), deleted}, StageEvaluation},
		{"follow-up due only", []Child{ch(TypeClosing, "2025-02-02"), {Type: TypeFollowUp, Values: Values{"due": Str("2025-03-01")}}}, StageClosed},
		{"follow-up done", []Child{ch(TypeClosing, "2025-02-02"), {Type: TypeFollowUp, Values: Values{"done_date": Str("2025-03-01")}}}, StageFollowUp},
		{"reopened by follow-up", []Child{ch(TypeClosing, "2025-02-02"), {Type: TypeFollowUp, Values: Values{"done_date": Str("2025-03-01"), "reopen": "true"}}}, StageReopened},
		{"reopened record", []Child{ch(TypeServiceRecord, "2025-01-06"), ch(TypeClosing, "2025-02-02"), ch(TypeReopen, "2025-03-01")}, StageReopened},
		{"work after reopening", []Child{ch(TypeEvaluation, "2025-01-30"), ch(TypeClosing, "2025-02-02"), ch(TypeReopen, "2025-03-01"), ch(TypeAssessment, "2025-03-02")}, StageAssessment},
		{"closed again", []Child{ch(TypeClosing, "2025-02-02"), ch(TypeReopen, "2025-03-01"), ch(TypeClosing, "2025-04-01")}, StageClosed},
	}
	for _, tt := range tests {
		// Order of the children must not matter.
		for dir := range 2 {
			kids := tt.kids
			if dir == 1 {
				kids = nil
				for i := len(tt.kids) - 1; i >= 0; i-- {
					kids = append(kids, tt.kids[i])
				}
			}
			if got := DeriveStage(kids); got != tt.want {
				t.Errorf("%s (dir %d): %s, want %s", tt.name, dir, got, tt.want)
			}
		}
	}
	r := NewRegistry()
	if l := r.CodeLabel(ListStage, StageFollowUp); l.Zh != "回访" || l.En != "Follow-up" {
		t.Errorf("stage label %v", l)
	}
}
