package server_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"testing"
	"time"

	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/shared/api"
	"jiuzhu/shared/model"
	"jiuzhu/shared/report"
	"jiuzhu/shared/report/reporttest"
	"jiuzhu/shared/sync"
)

// getReport calls GET /api/reports with query as token's user.
func (e *adminEnv) getReport(t *testing.T, token, query string) (report.Report, int, api.Error) {
	t.Helper()
	var r report.Report
	status, apiErr := e.call(t, http.MethodGet, "/api/reports"+query, token, nil, &r)
	return r, status, apiErr
}

// sameReport fails unless got is want (made today).
func sameReport(t *testing.T, what string, got, want report.Report) {
	t.Helper()
	want.Today = time.Now().Format(time.DateOnly)
	if got.Today != want.Today {
		// the test ran over midnight, or the server's today is not ours
		want.Today = got.Today
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("%s:\ngot  %s\nwant %s", what, g, w)
	}
}

// deviceReport is the report a device computes from what it holds.
func deviceReport(d *client.Device, p report.Period) report.Report {
	recs := slices.Collect(maps.Values(d.Store.All()))
	return report.Compute(model.NewRegistry(), recs, p)
}

// The reports API on a real store: two workers of one team in two
// districts push the dataset from their devices; each worker's report, the
// supervisor's (the team) and the administrator's (the province) have the
// known figures, narrowed to an org unit on request; a device computes the
// same report from what it holds; bad requests are refused in both
// languages.
func TestReportsAPI(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	wangID := e.user(t, "wang", store.RoleWorker, "t1", "620102")
	liID := e.user(t, "li", store.RoleWorker, "t1", "620103")
	e.user(t, "zhao", store.RoleSupervisor, "t1", "620102")
	e.user(t, "sun", store.RoleWorker, "t2", "620102")
	e.user(t, "guan", store.RoleAdmin, "", "62")
	e.user(t, "gao", store.RoleAdmin, "", "6202")
	dev := map[string]*client.Device{}
	for _, name := range []string{"wang", "li", "zhao", "sun", "guan", "gao"} {
		dev[name] = e.login(t, name)
	}
	for name, seed := range map[string]byte{"wang": 1, "li": 2} {
		d := dev[name]
		if err := d.Edit(t.Context(), reporttest.Dataset(map[string]string{"wang": wangID, "li": liID}[name], seed)...); err != nil {
			t.Fatal(err)
		}
		if rep := syncDev(t, d); rep.Rejected != 0 || rep.Pushed == 0 {
			t.Fatalf("%s's dataset: %+v", name, rep)
		}
	}
	all := report.Period{}
	h1 := report.Period{From: reporttest.H1From, To: reporttest.H1To}
	q := func(p report.Period, org string) string {
		s := "?from=" + p.From + "&to=" + p.To
		if org != "" {
			s += "&org=" + org
		}
		return s
	}
	for _, c := range []struct {
		user, org string
		copies    int
	}{
		{"wang", "", 1}, {"li", "", 1}, {"wang", "620102", 1}, {"wang", "62010201", 0},
		{"zhao", "", 2}, {"zhao", "620102", 1}, {"zhao", "620103", 1},
		{"guan", "", 2}, {"guan", "62", 2}, {"guan", "6201", 2}, {"guan", "620103", 1}, {"guan", "6202", 0},
		{"gao", "", 0}, {"sun", "", 0},
	} {
		for _, p := range []report.Period{all, h1} {
			got, status, apiErr := e.getReport(t, dev[c.user].Token, q(p, c.org))
			what := c.user + " org " + c.org + " " + p.From + "–" + p.To
			if status != http.StatusOK {
				t.Errorf("%s: %d %+v", what, status, apiErr)
				continue
			}
			want := report.Compute(model.NewRegistry(), nil, report.Period{From: p.From, To: p.To})
			if c.copies > 0 {
				want = reporttest.Expected(p, c.copies)
			}
			sameReport(t, what, got, want)
		}
	}

	t.Log("device and server agree")
	syncDev(t, dev["zhao"]) // the supervisor's tablet receives the team's records
	for _, name := range []string{"wang", "zhao"} {
		for _, p := range []report.Period{all, h1} {
			api, _, _ := e.getReport(t, dev[name].Token, q(p, ""))
			p.Today = api.Today
			sameReport(t, name+"'s device", deviceReport(dev[name], p), api)
		}
	}

	t.Log("refusals")
	for _, c := range []struct {
		user, query string
		status      int
		code        string
	}{
		{"wang", "?org=620103", http.StatusForbidden, "org_out_of_scope"},
		{"wang", "?org=62", http.StatusForbidden, "org_out_of_scope"},
		{"zhao", "?org=6202", http.StatusForbidden, "org_out_of_scope"},
		{"zhao", "?org=6201", http.StatusForbidden, "org_out_of_scope"}, // more than the team's units
		{"sun", "?org=620103", http.StatusForbidden, "org_out_of_scope"},
		{"gao", "?org=6201", http.StatusForbidden, "org_out_of_scope"},
		{"guan", "?org=abc", http.StatusBadRequest, "bad_org"},
		{"guan", "?org=620", http.StatusBadRequest, "bad_org"},
		{"guan", "?from=2025-13-01", http.StatusBadRequest, "bad_date"},
		{"guan", "?to=20250101", http.StatusBadRequest, "bad_date"},
		{"guan", "?from=2025-03-01&to=2025-02-01", http.StatusBadRequest, "bad_range"},
	} {
		_, status, apiErr := e.getReport(t, dev[c.user].Token, c.query)
		want(t, c.user+" "+c.query, status, apiErr, c.status, c.code)
	}
	_, status, apiErr := e.getReport(t, "", "")
	want(t, "no token", status, apiErr, http.StatusUnauthorized, "no_token")
	_, status, apiErr = e.getReport(t, "not-a-token", "")
	if status != http.StatusUnauthorized {
		t.Errorf("a bad token: %d %+v", status, apiErr)
	}
}

// A record deleted on a device leaves the server's report at once, and a
// change made after the report is in the next one.
func TestReportsFollowChanges(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	id := e.user(t, "wang", store.RoleWorker, "t1", "620102")
	d := e.login(t, "wang")
	edits := reporttest.Dataset(id, 1)
	if err := d.Edit(t.Context(), edits...); err != nil {
		t.Fatal(err)
	}
	syncDev(t, d)
	before, _, _ := e.getReport(t, d.Token, "")
	var svc sync.RecID
	for _, ed := range edits {
		if ed.Rec.Type() == model.TypeServiceRecord {
			svc = ed.Rec
			break
		}
	}
	if err := d.Edit(t.Context(), sync.Edit{Rec: svc, Field: sync.FieldDeleted, Value: sync.ValueTrue}); err != nil {
		t.Fatal(err)
	}
	syncDev(t, d)
	after, _, _ := e.getReport(t, d.Token, "")
	if after.Dashboard.Services != before.Dashboard.Services-1 || after.Dashboard.Services != 11 {
		t.Errorf("services %d → %d after a deletion", before.Dashboard.Services, after.Dashboard.Services)
	}
	sameReport(t, "device after the deletion", deviceReport(d, report.Period{Today: after.Today}), after)
}
