package caseindex

import (
	"math/rand/v2"
	"testing"

	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// modelStage is model.DeriveStage over the full records of a case.
func modelStage(recs []*sync.Record) string {
	var kids []model.Child
	for _, r := range recs {
		v := model.Values{}
		for k, f := range r.Fields {
			v[k] = f.Value
		}
		kids = append(kids, model.Child{Type: r.ID.Type(), Values: v, Deleted: r.Deleted()})
	}
	return model.DeriveStage(kids)
}

type kid struct {
	typ string
	f   fields
}

func TestStageScenarios(t *testing.T) {
	t.Parallel()
	d := func(typ, date string) kid { return kid{typ, fields{"date": date}} }
	tests := []struct {
		name string
		kids []kid
		want string
	}{
		{"nothing", nil, model.StageNew},
		{"intake", []kid{{model.TypeIntake, fields{"date": "2025-01-01", "accepted": true}}}, model.StageIntake},
		{"declined", []kid{{model.TypeIntake, fields{"date": "2025-01-01", "accepted": false}}}, model.StageDeclined},
		{"assessment", []kid{d(model.TypeIntake, "2025-01-01"), d(model.TypeAssessment, "2025-01-03")}, model.StageAssessment},
		{"plan goal", []kid{d(model.TypeIntake, "2025-01-01"), d(model.TypePlanGoal, "2025-01-05")}, model.StagePlan},
		{"intervention", []kid{d(model.TypePlan, "2025-01-05"), d(model.TypeServiceRecord, "2025-01-06")}, model.StageIntervention},
		{"referral", []kid{d(model.TypeIntake, "2025-01-01"), d(model.TypeReferral, "2025-01-06")}, model.StageIntervention},
		{"evaluation", []kid{d(model.TypeServiceRecord, "2025-01-06"), d(model.TypeEvaluation, "2025-02-01")}, model.StageEvaluation},
		{"closed", []kid{d(model.TypeEvaluation, "2025-02-01"), d(model.TypeClosing, "2025-02-02")}, model.StageClosed},
		{"follow-up due only", []kid{d(model.TypeClosing, "2025-02-02"), {model.TypeFollowUp, fields{"due": "2025-03-01"}}}, model.StageClosed},
		{"follow-up done", []kid{d(model.TypeClosing, "2025-02-02"), {model.TypeFollowUp, fields{"done_date": "2025-03-01"}}}, model.StageFollowUp},
		{"reopened by follow-up", []kid{d(model.TypeClosing, "2025-02-02"), {model.TypeFollowUp, fields{"done_date": "2025-03-01", "reopen": true}}}, model.StageReopened},
		{"reopened", []kid{d(model.TypeServiceRecord, "2025-01-06"), d(model.TypeClosing, "2025-02-02"), d(model.TypeReopen, "2025-03-01")}, model.StageReopened},
		{"work after reopening", []kid{d(model.TypeEvaluation, "2025-01-30"), d(model.TypeClosing, "2025-02-02"), d(model.TypeReopen, "2025-03-01"), d(model.TypeAssessment, "2025-03-02")}, model.StageAssessment},
		{"closed again", []kid{d(model.TypeClosing, "2025-02-02"), d(model.TypeReopen, "2025-03-01"), d(model.TypeClosing, "2025-04-01")}, model.StageClosed},
	}
	for _, tt := range tests {
		c := newCase("t", "张三", "", "", nil)
		for _, k := range tt.kids {
			c.add(k.typ, k.f)
		}
		x := indexOf(t, c)
		card, ok := x.Card(c.kase.ID)
		if !ok {
			t.Fatalf("%s: not listed", tt.name)
		}
		if want := modelStage(c.recs); want != tt.want {
			t.Fatalf("%s: model says %s, test wants %s", tt.name, want, tt.want)
		}
		if card.Stage != tt.want {
			t.Errorf("%s: stage %s, want %s", tt.name, card.Stage, tt.want)
		}
	}
}

// TestStageMatchesModel checks stageOf against model.DeriveStage on many
// random cases: random casework records with dates from a small pool (so
// that ties and orderings all occur), some accepted or not, some deleted,
// some follow-ups asking to reopen.
func TestStageMatchesModel(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	dates := []string{"", "2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"}
	types := []string{model.TypeIntake, model.TypeAssessment, model.TypePlan, model.TypePlanGoal,
		model.TypeServiceRecord, model.TypeReferral, model.TypeEvaluation, model.TypeClosing,
		model.TypeFollowUp, model.TypeReopen, model.TypePerson}
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	seen := map[string]int{}
	for i := range 5000 {
		c := newCase("t", "张三", "", "", nil)
		for range rng.IntN(7) {
			typ := pick(types)
			f := fields{}
			if d := pick(dates); d != "" {
				f["date"] = d
			}
			switch typ {
			case model.TypeIntake:
				switch rng.IntN(3) {
				case 0:
					f["accepted"] = true
				case 1:
					f["accepted"] = false
				}
			case model.TypeFollowUp:
				f = fields{"due": pick(dates)}
				if d := pick(dates); d != "" {
					f["done_date"] = d
				}
				if rng.IntN(2) == 0 {
					f["reopen"] = rng.IntN(2) == 0
				}
			}
			r := c.add(typ, f)
			if rng.IntN(8) == 0 {
				r.Fields[sync.FieldDeleted] = sync.FieldState{Value: sync.ValueTrue}
			}
		}
		want := modelStage(c.recs)
		seen[want]++
		card, _ := indexOf(t, c).Card(c.kase.ID)
		if card.Stage != want {
			t.Fatalf("case %d: stage %s, model.DeriveStage %s", i, card.Stage, want)
		}
	}
	for _, s := range []string{model.StageNew, model.StageIntake, model.StageAssessment, model.StagePlan,
		model.StageIntervention, model.StageEvaluation, model.StageClosed, model.StageFollowUp,
		model.StageReopened, model.StageDeclined} {
		if seen[s] == 0 {
			t.Errorf("no random case reached stage %s", s)
		}
	}
}
