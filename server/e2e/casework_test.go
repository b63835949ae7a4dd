package e2e

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A worker takes one person from registration and consent through intake,
// assessment, plan, two service records, a referral, evaluation, closing
// and a follow-up, entirely offline; back online, a second tablet shows
// the same case at the same stage. On the way, bad input is refused with
// a message and what was typed stays.
func TestCaseworkOffline(t *testing.T) {
	data := t.TempDir()
	addUser(t, data, "wang", "a-long-password", "worker", "t1", "620102")
	srv := startServer(t, data, "127.0.0.1:0")
	a, _ := newBrowser(t, "")
	b, _ := newBrowser(t, "")
	for _, tab := range []context.Context{a, b} {
		navigate(t, tab, srv.URL+"/cases")
		logIn(t, tab, "wang", "a-long-password")
		appShows(t, tab, "个案")
	}
	waitFor(t, a, 60*time.Second, "tablet A's service worker", `navigator.serviceWorker.controller !== null`)
	if code := srv.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("server exit %d", code)
	}

	t.Log("offline: a new case")
	typeInto(t, a, "case-title", "张秀英低保个案")
	click(t, a, "case-create")
	waitFor(t, a, 20*time.Second, "the case listed", caseListed("张秀英低保个案"))
	id := eval[string](t, a, `document.querySelector("#case-list .jz-row").dataset.id`)
	openInApp(t, a, `#case-list .jz-row[data-id="`+id+`"] a`)
	waitFor(t, a, 20*time.Second, "the case page", `document.getElementById("case-timeline") === null && document.getElementById("add-person") !== null`)

	t.Log("the client, with consent; a bad ID number first")
	addRecord(t, a, "person", map[string]string{"f-name": "张秀英", "f-id_number": "620102198001011235", "f-gender": "female", "f-phone": "13912345678"}, nil, false)
	waitFor(t, a, 10*time.Second, "the ID number refused", `document.getElementById("f-id_number-err").textContent.includes("身份证")`)
	if v := eval[string](t, a, `document.getElementById("f-name").value`); v != "张秀英" {
		t.Fatalf("the name typed was lost: %q", v)
	}
	setControls(t, a, map[string]string{"f-id_number": "620102198001011239"})
	click(t, a, "record-save")
	waitFor(t, a, 10*time.Second, "consent asked for", `document.getElementById("c-scope-err").textContent !== ""`)
	saveRecord(t, a, map[string]string{"c-date": daysAgo(8), "c-separate": "true"}, []string{"c-scope-record", "c-scope-sensitive"})
	backToCase(t, a)

	t.Log("intake is refused until the case names its target categories (required from intake on)")
	addRecord(t, a, "intake", map[string]string{"f-date": daysAgo(8), "f-source": "self", "f-voluntary": "true", "f-accepted": "true"}, nil, false)
	waitFor(t, a, 10*time.Second, "the stage requirement named", `document.getElementById("record-msg") !== null && document.getElementById("record-msg").textContent.includes("服务对象类别")`)
	backToCase(t, a)
	eval[bool](t, a, `(() => { document.getElementById("f-categories-dibao").click(); return true; })()`)
	// The division, picked down to the community, offline (the tables
	// come from the service worker's cache).
	for _, pick := range [][2]string{{"f-division-pref", "6201"}, {"f-division-county", "620102"}, {"f-division-town", "620102001"}, {"f-division-village", "620102001001"}} {
		waitFor(t, a, 20*time.Second, "the division level "+pick[0], `document.querySelector("#`+pick[0]+` option[value='`+pick[1]+`']") !== null`)
		setControls(t, a, map[string]string{pick[0]: pick[1]})
	}
	waitFor(t, a, 10*time.Second, "the community's code", `document.getElementById("f-division").value === "620102001001"`)
	click(t, a, "case-save")
	waitFor(t, a, 10*time.Second, "the case saved", `document.getElementById("case-save-msg") !== null && document.getElementById("case-save-msg").textContent === "已保存在本机。"`)

	t.Log("a service date in the future is refused, the rest of the form kept")
	addRecord(t, a, "service_record", map[string]string{"f-date": "2099-01-01", "f-start": "09:30", "f-content": "未来的服务"}, nil, false)
	waitFor(t, a, 10*time.Second, "the future date refused", `document.getElementById("f-date-err").textContent.includes("不能晚于今天")`)
	if v := eval[string](t, a, `document.getElementById("f-content").value`); v != "未来的服务" {
		t.Fatalf("the content typed was lost: %q", v)
	}
	backToCase(t, a)

	steps := []struct {
		typ    string
		fields map[string]string
		checks []string
		stage  string
	}{
		{"intake", map[string]string{"f-date": daysAgo(8), "f-source": "self", "f-voluntary": "true", "f-accepted": "true"}, nil, "接案"},
		{"assessment", map[string]string{"f-date": daysAgo(7), "f-kind": "initial", "f-risk_level": "medium"}, []string{"f-needs-living"}, "预估"},
		{"plan", map[string]string{"f-date": daysAgo(6), "f-summary": "申请临时救助并链接就业资源", "f-client_agreed": "true"}, []string{"f-goals-apply_assistance"}, "计划"},
		{"service_record", map[string]string{"f-date": daysAgo(5), "f-start": "09:30", "f-place": "home_visit", "f-method": "casework", "f-content": "入户了解家庭收支情况"}, []string{"f-categories-resource_link"}, "介入"},
		{"service_record", map[string]string{"f-date": daysAgo(4), "f-start": "14:00", "f-place": "office", "f-method": "casework", "f-content": "协助填写临时救助申请表"}, []string{"f-categories-resource_link"}, "介入"},
		{"referral", map[string]string{"f-date": daysAgo(4), "f-to_body": "城关区人社局", "f-reason": "就业技能培训"}, nil, "介入"},
		{"evaluation", map[string]string{"f-date": daysAgo(3), "f-attainment": "achieved", "f-satisfaction": "5"}, []string{"f-methods-interview"}, "评估"},
		{"closing", map[string]string{"f-date": daysAgo(2), "f-reason": "goals_met", "f-summary": "目标达成，结案"}, nil, "结案"},
		{"follow_up", map[string]string{"f-due": daysAgo(1), "f-done_date": daysAgo(1), "f-status": "生活稳定"}, nil, "回访"},
	}
	for _, s := range steps {
		t.Logf("offline: %s", s.typ)
		addRecord(t, a, s.typ, s.fields, s.checks, true)
		backToCase(t, a)
		waitFor(t, a, 20*time.Second, "stage "+s.stage, `document.getElementById("case-stage-now").textContent.endsWith(`+quote(s.stage)+`)`)
	}
	n := eval[int](t, a, `document.querySelectorAll("#case-timeline li").length`)
	if n != 11 { // person, consent and the nine records
		t.Fatalf("the timeline lists %d records, want 11", n)
	}

	t.Log("back online: tablet B shows the same case at the same stage")
	startServer(t, data, srv.Addr)
	backOnline(t, a, b)
	waitFor(t, b, 60*time.Second, "the case on tablet B", caseListed("张秀英低保个案")+` && document.getElementById("case-list").innerText.includes("回访")`)
	openInApp(t, b, `#case-list .jz-row[data-id="`+id+`"] a`)
	waitFor(t, b, 30*time.Second, "the case page on B", `document.getElementById("case-stage-now") !== null && document.getElementById("case-stage-now").textContent.endsWith("回访") && document.querySelectorAll("#case-timeline li").length === 11`)
	waitFor(t, b, 30*time.Second, "the division on B, down to the community", `document.getElementById("f-division") !== null && document.getElementById("f-division").value === "620102001001" && document.getElementById("f-division-village") !== null`)
	openInApp(t, b, "#case-back")
	search(t, b, "zxy")
	if got := listedClients(t, b); len(got) != 1 || !strings.HasPrefix(got[0], "张秀英") {
		t.Fatalf("zxy on tablet B lists %v", got)
	}
}

// daysAgo is the date n days before today, as a date input holds it.
func daysAgo(n int) string { return time.Now().AddDate(0, 0, -n).Format(time.DateOnly) }

// openInApp follows a link inside the app (no reload: the account stays
// open).
func openInApp(t testing.TB, ctx context.Context, selector string) {
	t.Helper()
	waitFor(t, ctx, 20*time.Second, selector, `document.querySelector(`+quote(selector)+`) !== null`)
	eval[bool](t, ctx, `(() => { document.querySelector(`+quote(selector)+`).click(); return true; })()`)
}

// setControls sets form controls by id as a person would.
func setControls(t testing.TB, ctx context.Context, values map[string]string) {
	t.Helper()
	for id, v := range values {
		eval[bool](t, ctx, fmt.Sprintf(`(() => { const el = document.getElementById(%q); if (!el) throw new Error("no control #" + %q); el.value = %q; el.dispatchEvent(new Event("input", { bubbles: true })); el.dispatchEvent(new Event("change", { bubbles: true })); return true; })()`, id, id, v))
	}
}

// saveRecord fills in and checks the boxes, saves, and waits for "saved".
func saveRecord(t testing.TB, ctx context.Context, values map[string]string, checks []string) {
	t.Helper()
	setControls(t, ctx, values)
	for _, id := range checks {
		eval[bool](t, ctx, fmt.Sprintf(`(() => { const el = document.getElementById(%q); if (!el.checked) el.click(); return true; })()`, id))
	}
	// The page counts its saves: an earlier save's "saved" is not this one's.
	before := eval[int](t, ctx, `Number((document.getElementById("record-msg") || { dataset: {} }).dataset.saves || 0)`)
	click(t, ctx, "record-save")
	waitFor(t, ctx, 20*time.Second, "saved", fmt.Sprintf(`(() => { const m = document.getElementById("record-msg"); return m !== null && Number(m.dataset.saves) > %d && m.textContent === "已保存在本机。"; })()`, before))
}

// addRecord opens the case page's link to add a record of typ and fills
// it in; with save it saves and waits for "saved".
func addRecord(t testing.TB, ctx context.Context, typ string, values map[string]string, checks []string, save bool) {
	t.Helper()
	openInApp(t, ctx, "#add-"+typ)
	waitFor(t, ctx, 20*time.Second, "the form for "+typ, `document.getElementById("record-form") !== null && document.getElementById("record-save") !== null`)
	if save {
		saveRecord(t, ctx, values, checks)
		return
	}
	setControls(t, ctx, values)
	click(t, ctx, "record-save")
}

func backToCase(t testing.TB, ctx context.Context) {
	t.Helper()
	openInApp(t, ctx, "#record-back")
	waitFor(t, ctx, 20*time.Second, "the case page", `document.getElementById("case-stage-now") !== null`)
}
