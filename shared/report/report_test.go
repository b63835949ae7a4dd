package report_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"jiuzhu/shared/model"
	"jiuzhu/shared/report"
	"jiuzhu/shared/report/reporttest"
	"jiuzhu/shared/sync"
)

var (
	all = report.Period{Today: reporttest.Today}
	h1  = report.Period{From: reporttest.H1From, To: reporttest.H1To, Today: reporttest.Today}
)

// same fails the test with both reports in JSON unless they are equal.
func same(t *testing.T, what string, got, want report.Report) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("%s:\ngot  %s\nwant %s", what, g, w)
	}
}

// Every figure of the dataset's report, for the whole time and the first
// half of 2025, for one copy and for two (figures add up, averages stay),
// whatever the order of the records.
func TestDatasetFigures(t *testing.T) {
	t.Parallel()
	reg := model.NewRegistry()
	one := reporttest.Records(reporttest.Dataset("u-wang", 1))
	two := append(reporttest.Records(reporttest.Dataset("u-wang", 2)), one...)
	for _, p := range []report.Period{all, h1} {
		for copies, recs := range map[int][]*sync.Record{1: one, 2: two} {
			want := reporttest.Expected(p, copies)
			got := report.Compute(reg, recs, p)
			same(t, p.From+"–"+p.To+" ×"+string(rune('0'+copies)), got, want)
			back := slices.Clone(recs)
			slices.Reverse(back)
			same(t, "records reversed", report.Compute(reg, back, p), want)
			// as the server sends it and the tablet reads it
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			var read report.Report
			if err := json.Unmarshal(b, &read); err != nil {
				t.Fatal(err)
			}
			same(t, "after JSON", read, want)
		}
	}
}

// Overdue follow-ups depend on the day the report is made, not on the
// period.
func TestOverdueFollowUps(t *testing.T) {
	t.Parallel()
	reg := model.NewRegistry()
	recs := reporttest.Records(reporttest.Dataset("u-wang", 1))
	for today, want := range map[string]int{"2025-05-01": 0, "2025-06-01": 0, "2025-06-02": 1, "2025-08-02": 2, "2099-01-02": 3, "": 0} {
		for _, p := range []report.Period{{Today: today}, {From: "2025-03-01", To: "2025-03-31", Today: today}} {
			if got := report.Compute(reg, recs, p).Dashboard.FollowUpsOverdue; got != want {
				t.Errorf("today %s, period %s–%s: %d overdue, want %d", today, p.From, p.To, got, want)
			}
		}
	}
}

// A period of one month, and a period open on one side.
func TestPartialPeriods(t *testing.T) {
	t.Parallel()
	reg := model.NewRegistry()
	recs := reporttest.Records(reporttest.Dataset("u-wang", 1))
	march := report.Compute(reg, recs, report.Period{From: "2025-03-01", To: "2025-03-31", Today: reporttest.Today})
	d := march.Dashboard
	// served in March: cases 1–6 (0 closed in 2024; 7–10 opened later)
	if d.Cases != 6 || d.Services != 4 || d.GroupSessions != 0 || d.Groups != 0 || d.Activities != 1 || d.ActivityOthers != 25 ||
		d.VolunteerHours != 400 || d.Trainings != 1 || d.SupervisionSessions != 0 || len(d.ServiceMonths) != 1 {
		t.Errorf("March: %+v", d)
	}
	since := report.Compute(reg, recs, report.Period{From: "2025-07-01", Today: reporttest.Today})
	// from July on: cases 1, 2, 3, 6, 7, 8, 9, 10 are open (0, 4, 5 closed before)
	if since.Dashboard.Cases != 8 || since.Dashboard.Services != 1 || since.Dashboard.GroupSessions != 1 || since.Performance.CasesOpened != 1 {
		t.Errorf("since July: %+v", since.Dashboard)
	}
	until := report.Compute(reg, recs, report.Period{To: "2024-12-31", Today: reporttest.Today})
	if until.Dashboard.Cases != 2 || until.Performance.Closings != 1 || until.Performance.Satisfaction != 300 || until.Dashboard.Groups != 1 {
		t.Errorf("until 2024: %+v %+v", until.Dashboard, until.Performance)
	}
}

// A province's own codes are counted after the standard's; codes nobody
// declared still show, after those.
func TestOwnCodes(t *testing.T) {
	t.Parallel()
	reg := model.NewRegistry()
	if err := reg.AddCode(model.ListService, model.Code{Code: "elder_care", Label: model.Label{Zh: "养老服务", En: "Elder care"}}); err != nil {
		t.Fatal(err)
	}
	edits := reporttest.Dataset("u-wang", 1)
	var svc sync.RecID
	for _, e := range edits {
		if e.Rec.Type() == model.TypeServiceRecord {
			svc = e.Rec
			break
		}
	}
	edits = append(edits, sync.Edit{Rec: svc, Field: "categories", Value: model.List("elder_care", "zz_unknown")})
	got := report.Compute(reg, reporttest.Records(edits), all).Dashboard.ServicesByCategory
	codes := make([]string, len(got))
	for i, c := range got {
		codes[i] = c.Code
	}
	want := []string{"resource_link", "capacity", "psych", "integration", "crisis", "rights", "elder_care", "zz_unknown"}
	if !slices.Equal(codes, want) || got[6].N != 1 || got[7].N != 1 || got[0].N != 3 {
		t.Errorf("categories %+v", got)
	}
}

func TestDecimal(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]report.Decimal{
		"0": 0, "3": 300, "2.5": 250, "1.75": 175, "0.05": 5, "2.675": 268, "2.674": 267, "-1.5": -150, "10.999": 1100,
	} {
		got, ok := report.ParseDecimal(in)
		if !ok || got != want {
			t.Errorf("ParseDecimal(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", ".", "1.", ".5", "1e2", "abc", "1.2.3", "--1", "1,5"} {
		if _, ok := report.ParseDecimal(bad); ok {
			t.Errorf("ParseDecimal(%q) accepted", bad)
		}
	}
	for d, want := range map[report.Decimal]string{0: "0", 300: "3", 250: "2.5", 467: "4.67", 5: "0.05", 1150: "11.5", -150: "-1.5", -5: "-0.05"} {
		if got := d.String(); got != want {
			t.Errorf("Decimal(%d) = %q, want %q", int64(d), got, want)
		}
		b, _ := json.Marshal(d)
		var back report.Decimal
		if err := json.Unmarshal(b, &back); err != nil || back != d {
			t.Errorf("JSON round trip of %d: %s → %d, %v", int64(d), b, back, err)
		}
	}
}

func TestPeriodCheck(t *testing.T) {
	t.Parallel()
	for _, p := range []report.Period{{}, h1, {From: "2025-01-01"}, {To: "2025-01-01", Today: "2025-01-01"}, {From: "2025-02-01", To: "2025-02-01"}} {
		if err := p.Check(); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
	}
	for p, want := range map[report.Period]error{
		{From: "2025-02-30"}:                   report.ErrBadDate,
		{To: "20250101"}:                       report.ErrBadDate,
		{Today: "today"}:                       report.ErrBadDate,
		{From: "2025-03-01", To: "2025-02-28"}: report.ErrBadRange,
	} {
		if err := p.Check(); err != want {
			t.Errorf("%+v: %v, want %v", p, err, want)
		}
	}
}
