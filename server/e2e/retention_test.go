package e2e

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"jiuzhu/server/client"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// Service files in the browser: a worker archives a closed case, whose
// page and records become read-only (saying why, with the date); an
// administrator finds a case archived thirty years ago among the expired
// files and purges it once its title is typed; it leaves the worker's
// tablet, and the purge is in the audit trail.
func TestRetentionInBrowser(t *testing.T) {
	data := t.TempDir()
	addUser(t, data, "admin1", "a-long-password", "admin", "", "62")
	addUser(t, data, "wang", "a-long-password", "worker", "t1", "620102")
	srv := startServer(t, data, "127.0.0.1:0")

	t.Log("seeding, from a native tablet of wang's: a case closed three days ago, and one closed and archived in 1990")
	bg := context.Background()
	seed, err := client.Login(bg, srv.URL, "wang", "a-long-password")
	if err != nil {
		t.Fatal(err)
	}
	newCase := func(title, closed, archived string) sync.RecID {
		c := retRec(model.TypeCase)
		edits := []sync.Edit{
			{Rec: c, Field: sync.FieldRoot, Value: model.Str(string(c))},
			{Rec: c, Field: "title", Value: model.Str(title)},
			{Rec: c, Field: "worker", Value: model.Str(seed.User.ID)},
			{Rec: c, Field: "opened", Value: model.Str("1989-12-01")},
		}
		for typ, fields := range map[string]map[string]string{
			model.TypeIntake:  {"date": model.Str("1989-12-02"), "source": model.Str("self"), "voluntary": "true", "accepted": "true"},
			model.TypeClosing: {"date": model.Str(closed), "reason": model.Str("goals_met"), "summary": model.Str("目标达成，结案")},
		} {
			r := retRec(typ)
			edits = append(edits, sync.Edit{Rec: r, Field: sync.FieldRoot, Value: model.Str(string(c))},
				sync.Edit{Rec: r, Field: model.FieldParent, Value: model.Str(string(c))})
			for name, v := range fields {
				edits = append(edits, sync.Edit{Rec: r, Field: name, Value: v})
			}
		}
		if archived != "" {
			edits = append(edits, sync.Edit{Rec: c, Field: model.FieldArchived, Value: model.Str(archived)})
		}
		if err := seed.Edit(bg, edits...); err != nil {
			t.Fatal(err)
		}
		return c
	}
	closed := newCase("待归档个案", daysAgo(3), "")
	expired := newCase("三十年前个案", "1990-01-02", "1990-02-01")
	if rep, err := seed.Sync(bg); err != nil || rep.Rejected != 0 {
		t.Fatalf("seeding: %+v %v", rep, err)
	}

	a, _ := newBrowser(t, "")
	adm, _ := newBrowser(t, "")
	for tab, user := range map[context.Context]string{a: "wang", adm: "admin1"} {
		navigate(t, tab, srv.URL+"/cases")
		logIn(t, tab, user, "a-long-password")
		appShows(t, tab, "个案")
	}
	waitFor(t, a, 60*time.Second, "both cases on wang's tablet", caseListed("待归档个案")+" && "+caseListed("三十年前个案"))

	t.Log("wang archives the closed case: it becomes read-only")
	openInApp(t, a, `#case-list .jz-row[data-id="`+string(closed)+`"] a`)
	waitFor(t, a, 30*time.Second, "the closed case's page", `document.getElementById("case-stage-now") !== null && document.getElementById("case-stage-now").textContent.endsWith("结案") && document.getElementById("case-archive") !== null`)
	if eval[bool](t, a, `document.getElementById("case-archived") !== null || document.getElementById("case-save") === null`) {
		t.Fatal("an open case's page is read-only")
	}
	click(t, a, "case-archive")
	today := time.Now().Format(time.DateOnly)
	waitFor(t, a, 20*time.Second, "the archived banner", `document.getElementById("case-archived-on") !== null && document.getElementById("case-archived-on").textContent.includes(`+quote(today)+`)`)
	page := eval[string](t, a, `document.querySelector("main") ? document.querySelector("main").innerText : document.body.innerText`)
	for _, want := range []string{"本个案已于 " + today + " 归档，只读。", "不能修改", "保管期限：定期30年", "撤销归档"} {
		if !strings.Contains(page, want) {
			t.Errorf("the archived case's page lacks %q:\n%s", want, page)
		}
	}
	if n := eval[int](t, a, `document.querySelectorAll("#case-form input, #case-form select, #case-form textarea, #case-form button, #case-archive, #case-save, [id^=add-]").length`); n != 0 {
		t.Errorf("the archived case's page still has %d controls to edit or add", n)
	}
	if got := eval[string](t, a, `document.getElementById("f-title").textContent`); got != "待归档个案" {
		t.Errorf("the title is shown as %q", got)
	}
	if bad := eval[[]string](t, a, layoutProblems); len(bad) > 0 {
		t.Errorf("archived case page: %s", strings.Join(bad, "; "))
	}

	t.Log("its records are read-only too, and nothing can be added")
	openInApp(t, a, `#case-timeline li[data-type="closing"] a`)
	waitFor(t, a, 20*time.Second, "the closing's page, read-only", `document.getElementById("record-archived") !== null && document.getElementById("record-archived").textContent.includes(`+quote(today)+`)`)
	if n := eval[int](t, a, `document.querySelectorAll("#record-save, #record-form input, #record-form select, #record-form textarea, [id^=add-], #photo-input").length`); n != 0 {
		t.Errorf("the archived case's record still has %d controls", n)
	}
	if got := eval[string](t, a, `document.getElementById("f-summary").textContent`); got != "目标达成，结案" {
		t.Errorf("the closing's summary is shown as %q", got)
	}
	// A link to add a record, as an old page would have had (the app
	// follows links itself: no reload).
	eval[bool](t, a, `(() => { const l = document.createElement("a"); l.id = "old-add-link"; l.href = "/record?new=service_record&case=`+string(closed)+`"; document.body.appendChild(l); l.click(); return true; })()`)
	waitFor(t, a, 20*time.Second, "a new record refused", `location.search.includes("new=service_record") && document.getElementById("f-summary") === null && document.getElementById("record-archived") !== null && document.getElementById("record-save") === null`)

	t.Log("the archive reached the server")
	waitUntilTrue(t, "the archive on the server", func() bool {
		if _, err := seed.Sync(bg); err != nil {
			return false
		}
		r, _ := seed.Record(bg, closed)
		v, _ := r.Get(model.FieldArchived)
		return v == model.Str(today)
	})

	t.Log("the administrator purges the expired file, after typing its title")
	openInApp(t, adm, "#nav-admin")
	openInApp(t, adm, "#tab-retention")
	waitFor(t, adm, 30*time.Second, "the expired files", `document.querySelector("#retention-list li[data-root='`+string(expired)+`']") !== null`)
	if n := eval[int](t, adm, `document.querySelectorAll("#retention-list li").length`); n != 1 {
		t.Errorf("%d files listed; want only the one archived in 1990", n)
	}
	card := eval[string](t, adm, `document.querySelector("#retention-list li").innerText`)
	for _, want := range []string{"三十年前个案", "wang", "1990-01-02", "1990-02-01", "定期30年", "2020-01-02"} {
		if !strings.Contains(card, want) {
			t.Errorf("the expired file's card lacks %q:\n%s", want, card)
		}
	}
	if bad := eval[[]string](t, adm, layoutProblems); len(bad) > 0 {
		t.Errorf("expired files tab: %s", strings.Join(bad, "; "))
	}
	click(t, adm, "purge-0")
	waitFor(t, adm, 10*time.Second, "asked to type the title", `document.getElementById("admin-msg") !== null && document.getElementById("admin-msg").textContent.includes("请先输入档案名称")`)
	typeInto(t, adm, "purge-confirm-0", "三十年前")
	click(t, adm, "purge-0")
	waitFor(t, adm, 20*time.Second, "a wrong title refused", `document.getElementById("admin-msg").textContent.includes("不一致")`)
	typeInto(t, adm, "purge-confirm-0", "三十年前个案")
	click(t, adm, "purge-0")
	waitFor(t, adm, 20*time.Second, "purged", `document.getElementById("admin-msg").textContent === "已销毁「三十年前个案」（3 条记录）。" && document.getElementById("retention-none") !== null`)

	t.Log("the file leaves wang's tablet; the purge is audited")
	openInApp(t, a, "#nav-cases")
	waitFor(t, a, 60*time.Second, "the purged case gone from wang's tablet", caseListed("待归档个案")+` && !document.getElementById("case-list").innerText.includes("三十年前个案")`)
	openInApp(t, adm, "#tab-audit")
	waitFor(t, adm, 20*time.Second, "the audit filter", `document.getElementById("a-action") !== null`)
	setControls(t, adm, map[string]string{"a-action": "retention_purge"})
	click(t, adm, "audit-apply")
	waitFor(t, adm, 30*time.Second, "the purge in the audit", `document.querySelectorAll("#audit-table tr.jz-audit-row[data-action=retention_purge]").length === 1`)
	if row := eval[string](t, adm, `document.querySelector("#audit-table tr.jz-audit-row[data-action=retention_purge]").innerText`); !strings.Contains(row, "admin1") ||
		!strings.Contains(row, string(expired)) || !strings.Contains(row, "三十年前个案") || !strings.Contains(row, "records=3") {
		t.Errorf("the purge's audit row: %s", row)
	}
}

// retRec makes a record id, as a tablet does.
func retRec(typ string) sync.RecID {
	var ent [10]byte
	rand.Read(ent[:])
	return sync.MakeRecID(typ, time.Now().UnixMilli(), ent)
}
