package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"jiuzhu/server/client"
	"jiuzhu/shared/report"
	"jiuzhu/shared/report/reporttest"
)

// Reports on a tablet and on the server agree: a worker's other device
// pushes the dataset with known figures; the worker's tablet (a real
// browser) syncs it and its reports page shows, in its tables, the figures
// the server's API answers and the dataset's known ones, for all time and
// for a custom period, in Chinese and in English, and offline. The team's
// supervisor sees the same figures in the server's report, narrowed by the
// org unit picked, and on their own tablet.
func TestReportsDeviceAndServerAgree(t *testing.T) {
	const pw = "a-long-password"
	data := t.TempDir()
	addUser(t, data, "wang", pw, "worker", "t1", "620102")
	addUser(t, data, "zhao", pw, "supervisor", "t1", "620102")
	srv := startServer(t, data, "127.0.0.1:0")

	t.Log("the dataset comes from another device of the worker's")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := client.Login(ctx, srv.URL, "wang", pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Edit(ctx, reporttest.Dataset(d.User.ID, 1)...); err != nil {
		t.Fatal(err)
	}
	if rep, err := d.Sync(ctx); err != nil || rep.Rejected != 0 {
		t.Fatalf("pushing the dataset: %+v, %v", rep, err)
	}
	all := report.Period{}
	h1 := report.Period{From: reporttest.H1From, To: reporttest.H1To}
	apiAll := apiReport(t, srv.URL, d.Token, all, "")
	apiH1 := apiReport(t, srv.URL, d.Token, h1, "")
	knownReport(t, "the API, all time", apiAll, reporttest.Expected(all, 1))
	knownReport(t, "the API, first half of 2025", apiH1, reporttest.Expected(h1, 1))

	t.Log("the worker's tablet syncs and shows the same figures")
	b, _ := newBrowser(t, "")
	navigate(t, b, srv.URL+"/reports")
	logIn(t, b, "wang", pw)
	appShows(t, b, "统计报表")
	if eval[bool](t, b, `document.getElementById("rep-src-server") !== null`) {
		t.Error("a worker is offered the server's report")
	}
	openInApp(t, b, "#rep-period-all")
	reportShows(t, b, 90*time.Second, "all time on the tablet", apiAll)
	waitFor(t, b, 5*time.Second, "the period said", `document.getElementById("rep-range").textContent.startsWith("统计期间：最早的记录 至 最近的记录")`)
	customPeriod(t, b, h1)
	reportShows(t, b, 30*time.Second, "the first half of 2025 on the tablet", apiH1)
	waitFor(t, b, 5*time.Second, "the period said", `document.getElementById("rep-range").textContent.startsWith("统计期间：2025-01-01 至 2025-06-30")`)
	if n := eval[int](t, b, `document.querySelectorAll("#report svg.jz-chart rect").length`); n < 20 {
		t.Errorf("the charts draw %d bars", n)
	}
	if n := eval[int](t, b, `document.querySelectorAll("#report svg.jz-chart").length`); n != 11 {
		t.Errorf("%d charts, want 11", n)
	}
	if n := eval[int](t, b, `document.querySelectorAll("#main [style]").length`); n != 0 {
		t.Errorf("%d elements with an inline style", n)
	}
	if got := eval[string](t, b, `document.querySelector("#rep-target-table tr[data-key='target/dibao'] th").textContent`); got != "最低生活保障人员" {
		t.Errorf("the dibao row is labelled %q", got)
	}
	for _, size := range [][2]int64{{1024, 768}, {768, 1024}} { // landscape and portrait tablets
		if _, err := chromedp.Call(b, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: size[0], Height: size[1], DeviceScaleFactor: 1, Mobile: true}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, b, 5*time.Second, "the new size", fmt.Sprintf("window.innerWidth === %d", size[0]))
		if bad := eval[[]string](t, b, layoutProblems); len(bad) > 0 {
			t.Errorf("%dx%d: %s", size[0], size[1], strings.Join(bad, "; "))
		}
		if eval[bool](t, b, `/\breports\.[a-z_]+/.test(document.body.innerText)`) {
			t.Errorf("%dx%d: a catalog key shows", size[0], size[1])
		}
	}
	if _, err := chromedp.Call(b, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 1024, Height: 768, DeviceScaleFactor: 1}); err != nil {
		t.Fatal(err)
	}

	t.Log("in English")
	click(t, b, "lang-switch")
	appShows(t, b, "Reports")
	waitFor(t, b, 10*time.Second, "English labels", `document.getElementById("rep-performance").textContent === "Project performance (MZ/T 059)" &&
		document.getElementById("rep-range").textContent.startsWith("Period: 2025-01-01 to 2025-06-30") &&
		document.querySelector("#rep-target-table tr[data-key='target/dibao'] th").textContent === "Minimum living guarantee (dibao)"`)
	reportShows(t, b, 10*time.Second, "the same figures in English", apiH1)
	click(t, b, "lang-switch")
	appShows(t, b, "统计报表")

	t.Log("offline")
	if code := srv.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("server exit %d", code)
	}
	openInApp(t, b, "#rep-period-all")
	reportShows(t, b, 30*time.Second, "all time, offline", apiAll)
	customPeriod(t, b, h1)
	reportShows(t, b, 30*time.Second, "the first half of 2025, offline", apiH1)
	srv = startServer(t, data, srv.Addr)

	t.Log("the supervisor: the server's report for an org unit, and their own tablet's")
	s, _ := newBrowser(t, "")
	navigate(t, s, srv.URL+"/reports")
	logIn(t, s, "zhao", pw)
	appShows(t, s, "统计报表")
	openInApp(t, s, "#rep-src-server") // shown once the server says zhao supervises
	waitFor(t, s, 30*time.Second, "the server's report", `document.getElementById("report") !== null && document.getElementById("report").dataset.source === "server"`)
	openInApp(t, s, "#rep-period-all")
	zhaoAll := apiAll // the team's roots are wang's
	reportShows(t, s, 30*time.Second, "the team's report from the server", zhaoAll)
	waitFor(t, s, 5*time.Second, "the heading", `document.getElementById("rep-heading").textContent === "服务器汇总：全部（您有权查看的范围）"`)

	pickOrg := func(county string) {
		t.Helper()
		waitFor(t, s, 20*time.Second, "the division picker", `document.getElementById("rep-org-pref") !== null`)
		setControls(t, s, map[string]string{"rep-org-pref": "6201"})
		waitFor(t, s, 20*time.Second, "the counties", `document.querySelector("#rep-org-county option[value='`+county+`']") !== null`)
		setControls(t, s, map[string]string{"rep-org-county": county})
		waitFor(t, s, 5*time.Second, "the code picked", `document.getElementById("rep-org").value === "`+county+`"`)
		click(t, s, "rep-fetch")
	}
	pickOrg("620103") // nobody of the team works there: not the supervisor's to see
	waitFor(t, s, 30*time.Second, "the refusal", `document.getElementById("rep-error") !== null && document.getElementById("rep-error").textContent === "该区划不在您的查看范围内。"`)
	if got := eval[string](t, s, `location.search`); !strings.Contains(got, "org=620103") {
		t.Errorf("the address %q does not name the org unit", got)
	}
	pickOrg("620102")
	reportShows(t, s, 30*time.Second, "the report of 城关区", zhaoAll)
	waitFor(t, s, 10*time.Second, "the org unit named", `document.getElementById("rep-heading").textContent === "服务器汇总：兰州市 城关区"`)

	openInApp(t, s, "#rep-src-device")
	waitFor(t, s, 30*time.Second, "the tablet's report", `document.getElementById("report") !== null && document.getElementById("report").dataset.source === "device"`)
	reportShows(t, s, 90*time.Second, "the supervisor's tablet (the team's records)", zhaoAll)
}

// apiReport asks the server for a report as the token's user.
func apiReport(t testing.TB, base, token string, p report.Period, org string) report.Report {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/api/reports?from="+p.From+"&to="+p.To+"&org="+org, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r report.Report
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/reports: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

// knownReport checks a report against the dataset's known figures (its
// day is the server's).
func knownReport(t testing.TB, what string, got, want report.Report) {
	t.Helper()
	if got.Today != time.Now().Format(time.DateOnly) && got.Today != time.Now().Add(-time.Minute).Format(time.DateOnly) {
		t.Errorf("%s: made on %s", what, got.Today)
	}
	want.Today = got.Today
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("%s:\ngot  %s\nwant %s", what, g, w)
	}
}

// reportCells is what a report's tables show: for each figure, its key (as
// the page's data-key names it) and its text.
func reportCells(r report.Report) map[string]string {
	out := map[string]string{}
	scalars := func(prefix string, part any) {
		b, _ := json.Marshal(part)
		var fields map[string]json.RawMessage
		json.Unmarshal(b, &fields)
		for name, raw := range fields {
			if len(raw) > 0 && raw[0] != '[' {
				out[prefix+name] = string(raw)
			}
		}
	}
	counts := func(prefix string, cs []report.Count) {
		for _, c := range cs {
			out[prefix+c.Code] = strconv.Itoa(c.N)
		}
	}
	d, pf := r.Dashboard, r.Performance
	scalars("fig/", d)
	scalars("perf/", pf)
	counts("target/", d.CasesByTarget)
	counts("stage/", d.CasesByStage)
	counts("svc-cat/", d.ServicesByCategory)
	counts("svc-method/", d.ServicesByMethod)
	for _, m := range d.ServiceMonths {
		out["month/"+m.Month] = strconv.Itoa(m.Services)
		counts("month/"+m.Month+"/cat/", m.ByCategory)
		counts("month/"+m.Month+"/method/", m.ByMethod)
	}
	counts("goal/", pf.GoalsByAttainment)
	counts("reason/", pf.ClosingReasons)
	counts("score/", pf.SatisfactionScores)
	return out
}

// pageCells reads the figures in the page's report tables, as JSON with
// sorted keys.
const pageCells = `(() => {
  const o = {};
  for (const td of document.querySelectorAll("#report td[data-key]")) o[td.dataset.key] = td.textContent;
  return JSON.stringify(Object.fromEntries(Object.entries(o).sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
})()`

// reportShows waits until the page's tables show exactly r's figures, and
// says which differ when they do not.
func reportShows(t testing.TB, ctx context.Context, limit time.Duration, what string, r report.Report) {
	t.Helper()
	want, _ := json.Marshal(reportCells(r)) // sorted keys
	deadline := time.Now().Add(limit)
	for {
		got := eval[string](t, ctx, `document.getElementById("report") ? `+pageCells+` : ""`)
		if got == string(want) {
			return
		}
		if time.Now().After(deadline) {
			var cells map[string]string
			json.Unmarshal([]byte(got), &cells)
			wantCells := reportCells(r)
			var diffs []string
			for k, v := range wantCells {
				if cells[k] != v {
					diffs = append(diffs, fmt.Sprintf("%s: page %q, want %q", k, cells[k], v))
				}
			}
			for k, v := range cells {
				if _, ok := wantCells[k]; !ok {
					diffs = append(diffs, fmt.Sprintf("%s: page %q, not in the report", k, v))
				}
			}
			slices.Sort(diffs)
			state := eval[string](t, ctx, `location.href + " | " + (document.getElementById("rep-error") ? document.getElementById("rep-error").textContent : "") + " | " + (document.getElementById("main") ? document.getElementById("main").innerText.slice(0, 300) : "")`)
			t.Fatalf("%s: the page's tables differ (%d figures on the page, %d in the report):\n%s\npage: %s", what, len(cells), len(wantCells), strings.Join(diffs, "\n"), state)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// customPeriod asks the page for the report of p's days.
func customPeriod(t testing.TB, ctx context.Context, p report.Period) {
	t.Helper()
	waitFor(t, ctx, 20*time.Second, "the period form", `document.getElementById("rep-from") !== null`)
	setControls(t, ctx, map[string]string{"rep-from": p.From, "rep-to": p.To})
	click(t, ctx, "rep-apply")
	waitFor(t, ctx, 20*time.Second, "the custom period", `location.search.includes("period=custom") && location.search.includes("from=`+p.From+`")`)
}
