package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Personal information on the tablet and administration in the browser:
// a person's ID number is masked until shown in full, and that view is
// audited; the person's data is printed or saved as a file for them; the
// history of a corrected field comes from the server; an administrator
// finds the views in the audit page and reassigns the case from one
// worker's tablet to another's, where it arrives whole and from which it
// goes.
func TestPersonalInformationAndReassignment(t *testing.T) {
	data := t.TempDir()
	addUser(t, data, "admin1", "a-long-password", "admin", "", "62")
	addUser(t, data, "wang", "a-long-password", "worker", "t1", "620102")
	addUser(t, data, "li", "a-long-password", "worker", "t1", "620102")
	srv := startServer(t, data, "127.0.0.1:0")
	a, _ := newBrowser(t, "")
	b, _ := newBrowser(t, "")
	adm, _ := newBrowser(t, "")
	for tab, user := range map[context.Context]string{a: "wang", b: "li", adm: "admin1"} {
		navigate(t, tab, srv.URL+"/cases")
		logIn(t, tab, user, "a-long-password")
		appShows(t, tab, "个案")
	}

	t.Log("a person's ID number is masked until shown in full")
	typeInto(t, a, "case-title", "王五个案")
	click(t, a, "case-create")
	waitFor(t, a, 20*time.Second, "the case listed", caseListed("王五个案"))
	openInApp(t, a, "#case-list .jz-row a")
	waitFor(t, a, 20*time.Second, "the case page", `document.getElementById("add-person") !== null`)
	addRecord(t, a, "person", map[string]string{"f-name": "王五", "f-id_number": "620102198505054320", "f-phone": "13800000001", "c-date": daysAgo(1), "c-separate": "true"},
		[]string{"c-scope-record", "c-scope-sensitive"}, true)
	waitFor(t, a, 10*time.Second, "the masked number", `document.getElementById("f-id_number-masked") !== null && document.getElementById("f-id_number") === null`)
	if got := eval[string](t, a, `document.getElementById("f-id_number-masked").textContent`); got != "6201**********4320" {
		t.Errorf("masked as %q", got)
	}
	if eval[bool](t, a, `document.body.innerText.includes("620102198505054320")`) {
		t.Error("the full number is on the page before it was asked for")
	}
	click(t, a, "f-id_number-reveal")
	waitFor(t, a, 10*time.Second, "the full number", `document.getElementById("f-id_number") !== null && document.getElementById("f-id_number").value === "620102198505054320"`)

	t.Log("a correction keeps its history")
	saveRecord(t, a, map[string]string{"f-phone": "13800000002"}, nil)
	openInApp(t, a, "#record-history")
	waitFor(t, a, 60*time.Second, "both phone numbers in the history", `document.querySelectorAll("#history-table tr[data-field=phone]").length === 2`)
	hist := eval[string](t, a, `document.getElementById("history-table").innerText`)
	if !strings.Contains(hist, "13800000001") || !strings.Contains(hist, "13800000002") || !strings.Contains(hist, "wang") {
		t.Errorf("history:\n%s", hist)
	}
	openInApp(t, a, "#record-back")

	t.Log("the person's data, saved as a file for them")
	openInApp(t, a, "#person-data")
	waitFor(t, a, 20*time.Second, "the person's records", `document.querySelectorAll(".jz-person-record").length >= 3`)
	dir := t.TempDir()
	if _, err := chromedp.Call(a, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir}); err != nil {
		t.Fatal(err)
	}
	click(t, a, "person-download")
	var file []byte
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && file == nil; time.Sleep(200 * time.Millisecond) {
		if m, _ := filepath.Glob(filepath.Join(dir, "person-*.json")); len(m) == 1 {
			file, _ = os.ReadFile(m[0])
		}
	}
	var saved struct {
		Records []struct {
			Type   string
			Fields []struct{ Label, Value string }
		}
	}
	if err := json.Unmarshal(file, &saved); err != nil || len(saved.Records) < 3 || saved.Records[0].Type != "人员" {
		t.Fatalf("the saved file (%v): %s", err, file)
	}
	if !strings.Contains(string(file), "620102198505054320") || !strings.Contains(string(file), "王五") {
		t.Errorf("the person's own file lacks their name or number: %s", file)
	}

	t.Log("the administrator finds the views in the audit page")
	openInApp(t, adm, "#nav-admin")
	waitFor(t, adm, 30*time.Second, "the users", `document.querySelector("#user-list [data-name=wang]") !== null && document.querySelector("#user-list [data-name=li]") !== null`)
	t.Log("the administrator adds a user, the org unit picked from the division tree")
	setControls(t, adm, map[string]string{"nu-name": "zhang", "nu-password": "zhang-first-password", "nu-role": "worker", "nu-team": "t2"})
	for _, pick := range [][2]string{{"nu-org-pref", "6201"}, {"nu-org-county", "620102"}} {
		waitFor(t, adm, 20*time.Second, "the org level "+pick[0], `document.querySelector("#`+pick[0]+` option[value='`+pick[1]+`']") !== null`)
		setControls(t, adm, map[string]string{pick[0]: pick[1]})
	}
	if eval[bool](t, adm, `document.getElementById("nu-org-village") !== null`) {
		t.Error("an org unit is picked down to a village")
	}
	waitFor(t, adm, 10*time.Second, "the county as the org unit", `document.getElementById("nu-org") !== null && document.getElementById("nu-org").value === "620102"`)
	click(t, adm, "nu-save")
	waitFor(t, adm, 20*time.Second, "the new user listed with their org unit", `document.querySelector("#user-list [data-name=zhang] h3") !== null && document.querySelector("#user-list [data-name=zhang] h3").textContent.includes("城关区")`)
	if bad := eval[[]string](t, adm, layoutProblems); len(bad) > 0 {
		t.Errorf("administration page: %s", strings.Join(bad, "; "))
	}
	openInApp(t, adm, "#tab-audit")
	waitFor(t, adm, 20*time.Second, "the audit filter", `document.getElementById("a-action") !== null`)
	// The tablet's audit records reach the server with its next sync: the
	// filter is applied again until they are there.
	setControls(t, adm, map[string]string{"a-action": "tablet_view_id_number"})
	applyUntil(t, adm, "audit-apply", "the ID number view in the audit", `document.querySelectorAll("#audit-table tr.jz-audit-row[data-action=tablet_view_id_number]").length === 1`)
	setControls(t, adm, map[string]string{"a-action": "tablet_export_person"})
	applyUntil(t, adm, "audit-apply", "the export in the audit", `document.querySelectorAll("#audit-table tr.jz-audit-row[data-action=tablet_export_person]").length === 1`)

	t.Log("the administrator reassigns the case from wang to li")
	openInApp(t, adm, "#tab-assign")
	waitFor(t, adm, 20*time.Second, "the assignment tab", `document.getElementById("assign-from") !== null`)
	selectByLabel(t, adm, "assign-from", "wang")
	waitFor(t, adm, 20*time.Second, "wang's case", `[...document.querySelectorAll("#roots label")].some(l => l.innerText.includes("王五个案"))`)
	checkByLabel(t, adm, "roots", "王五个案")
	selectByLabel(t, adm, "assign-to", "li")
	click(t, adm, "assign-save")
	waitFor(t, adm, 20*time.Second, "reassigned", `document.getElementById("admin-msg") !== null && document.getElementById("admin-msg").textContent === "已完成。"`)

	t.Log("the case arrives whole on li's tablet and leaves wang's")
	openInApp(t, b, "#nav-cases")
	waitFor(t, b, 60*time.Second, "the case on li's tablet", caseListed("王五个案"))
	openInApp(t, b, "#case-list .jz-row a")
	waitFor(t, b, 30*time.Second, "the whole case", `document.getElementById("case-timeline") !== null && document.querySelectorAll("#case-timeline li").length === 2`)
	openInApp(t, a, "#nav-cases")
	waitFor(t, a, 60*time.Second, "the case gone from wang's tablet", caseCount(0)+` && document.getElementById("case-list") === null`)
}

// applyUntil clicks the button that fetches a view from the server until
// predicate holds (what it waits for may still be on its way there), for
// 60 seconds.
func applyUntil(t testing.TB, ctx context.Context, button, what, predicate string) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; {
		click(t, ctx, button)
		if time.Now().Add(3 * time.Second).After(deadline) {
			waitFor(t, ctx, 3*time.Second, what, predicate)
			return
		}
		if eval[bool](t, ctx, `new Promise((resolve) => { const end = Date.now() + 3000; const check = () => { if (`+predicate+`) resolve(true); else if (Date.now() > end) resolve(false); else setTimeout(check, 50); }; check(); })`) {
			return
		}
	}
}
