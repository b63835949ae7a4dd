package e2e

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"
)

// Group work on tablets: a worker plans a group, adds its members and a
// session (a session dated before the group starts is refused, nothing
// typed lost); offline, the worker's two tablets take attendance for the
// same session, and after sync both show the union; the team's supervisor
// sees the group and the attendance. The supervisor then records a
// training and a supervision session (a case of the worker's discussed),
// and the hours per worker per year add up.
func TestGroupWorkAndSupervision(t *testing.T) {
	data := t.TempDir()
	addUser(t, data, "wang", "a-long-password", "worker", "t1", "620102")
	addUser(t, data, "zhao", "a-long-password", "supervisor", "t1", "620102")
	srv := startServer(t, data, "127.0.0.1:0")
	a, _ := newBrowser(t, "")
	a2, _ := newBrowser(t, "")
	s, _ := newBrowser(t, "")
	for tab, user := range map[context.Context]string{a: "wang", a2: "wang", s: "zhao"} {
		navigate(t, tab, srv.URL+"/groups")
		logIn(t, tab, user, "a-long-password")
		appShows(t, tab, "小组工作")
	}

	t.Log("a group, its members and a session")
	openInApp(t, a, "#new-group")
	waitFor(t, a, 20*time.Second, "the group form", `document.getElementById("f-name") !== null`)
	saveRecord(t, a, map[string]string{"f-name": "邻里互助支持小组", "f-type": "support", "f-start": daysAgo(10), "f-venue": "社区活动室"}, []string{"f-goals-social_support"})
	members := []string{"张一", "李二", "王三", "赵四"}
	for _, m := range members {
		openInApp(t, a, "#add-group_member")
		waitFor(t, a, 20*time.Second, "the member form", `document.getElementById("f-name") !== null && document.getElementById("f-name").value === ""`)
		saveRecord(t, a, map[string]string{"f-name": m}, nil)
		openInApp(t, a, "#record-back")
		waitFor(t, a, 20*time.Second, "the group page", `document.getElementById("add-group_session") !== null`)
	}
	openInApp(t, a, "#add-group_session")
	waitFor(t, a, 20*time.Second, "the session form", `document.getElementById("f-number") !== null`)
	setControls(t, a, map[string]string{"f-number": "1", "f-date": daysAgo(20), "f-stage": "forming", "f-plan": "相互认识，订立小组契约"})
	click(t, a, "record-save")
	waitFor(t, a, 10*time.Second, "a date before the group refused", `document.getElementById("f-date-err").textContent.includes("小组开始日期")`)
	if v := eval[string](t, a, `document.getElementById("f-plan").value`); v != "相互认识，订立小组契约" {
		t.Fatalf("the plan typed was lost: %q", v)
	}
	saveRecord(t, a, map[string]string{"f-date": daysAgo(1)}, nil)
	waitFor(t, a, 20*time.Second, "the attendance grid", `document.querySelectorAll("#att-grid li").length === 4`)
	session := eval[string](t, a, `new URLSearchParams(location.search).get("id") || ""`)
	if session == "" {
		// a new record keeps its "new" address: find the session on the group page
		openInApp(t, a, "#record-back")
		waitFor(t, a, 20*time.Second, "the group page", `document.querySelector(".jz-rows a[href*='group_session']") !== null`)
		openInApp(t, a, ".jz-rows a[href*='group_session']")
		waitFor(t, a, 20*time.Second, "the session page", `document.querySelectorAll("#att-grid li").length === 4`)
	}

	t.Log("the worker's second tablet gets the group and opens the session")
	openInApp(t, a2, "#nav-groups")
	waitFor(t, a2, 60*time.Second, "the group on tablet A2", `document.querySelector("#list-group a") !== null`)
	openInApp(t, a2, "#list-group a")
	waitFor(t, a2, 30*time.Second, "the group page on A2", `document.querySelector(".jz-rows a[href*='group_session']") !== null`)
	openInApp(t, a2, ".jz-rows a[href*='group_session']")
	waitFor(t, a2, 30*time.Second, "the grid on A2", `document.querySelectorAll("#att-grid li").length === 4`)

	t.Log("offline, both tablets take attendance for the same session")
	if code := srv.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("server exit %d", code)
	}
	tap := func(tab context.Context, name string) {
		t.Helper()
		i := eval[int](t, tab, `[...document.querySelectorAll("#att-grid li")].findIndex(li => li.querySelector(".jz-att-name").textContent === `+quote(name)+`)`)
		if i < 0 {
			t.Fatalf("no member %s in the grid", name)
		}
		before := eval[string](t, tab, fmt.Sprintf(`document.getElementById("att-%d").closest("li").dataset.state`, i))
		click(t, tab, fmt.Sprintf("att-%d", i))
		waitFor(t, tab, 10*time.Second, name+" marked and saved", fmt.Sprintf(`(() => { const li = document.getElementById("att-%d").closest("li"); return li.dataset.state !== %q && li.dataset.saved === "saved"; })()`, i, before))
	}
	tap(a, "张一")
	tap(a, "李二")
	tap(a2, "王三")
	tap(a2, "赵四")
	tap(a2, "赵四") // present → absent
	waitFor(t, a, 5*time.Second, "A's count", `document.getElementById("att-count").textContent === "出席 2 人，缺席 0 人，未点名 2 人"`)
	waitFor(t, a2, 5*time.Second, "A2's count", `document.getElementById("att-count").textContent === "出席 1 人，缺席 1 人，未点名 2 人"`)
	// a participation chosen is an attendance record too
	eval[bool](t, a, `(() => { const sel = document.getElementById("att-0-part"); sel.value = "active"; sel.dispatchEvent(new Event("change", { bubbles: true })); return true; })()`)
	waitFor(t, a, 10*time.Second, "participation saved", `document.getElementById("att-0").closest("li").dataset.saved === "saved" && document.getElementById("att-0-part").value === "active"`)

	t.Log("back online: both tablets show the union")
	startServer(t, data, srv.Addr)
	backOnline(t, a, a2)
	for _, tab := range []context.Context{a, a2} {
		waitFor(t, tab, 60*time.Second, "the union of both tablets' attendance", `document.getElementById("att-count").textContent === "出席 3 人，缺席 1 人，未点名 0 人"`)
	}

	t.Log("the supervisor sees the group and its attendance")
	openInApp(t, s, "#nav-groups")
	waitFor(t, s, 60*time.Second, "the group on the supervisor's tablet", `document.querySelector("#list-group a") !== null`)
	openInApp(t, s, "#list-group a")
	waitFor(t, s, 30*time.Second, "the group page", `document.querySelector(".jz-rows a[href*='group_session']") !== null`)
	openInApp(t, s, ".jz-rows a[href*='group_session']")
	waitFor(t, s, 30*time.Second, "the attendance", `document.getElementById("att-count") !== null && document.getElementById("att-count").textContent === "出席 3 人，缺席 1 人，未点名 0 人"`)

	t.Log("staff profiles, a training and a supervision session; hours per worker per year")
	for tab, profile := range map[context.Context][2]string{a: {"王社工", "social_worker"}, s: {"赵督导", "senior"}} {
		openInApp(t, tab, "#nav-supervision")
		openInApp(t, tab, "#new-staff")
		waitFor(t, tab, 20*time.Second, "the profile form", `document.getElementById("f-qualification") !== null`)
		saveRecord(t, tab, map[string]string{"f-name": profile[0], "f-qualification": profile[1], "f-certificate": "S2024620100" + profile[1][:1]}, nil)
	}
	openInApp(t, a, "#nav-cases")
	typeInto(t, a, "case-title", "王社工的个案")
	click(t, a, "case-create")
	waitFor(t, a, 20*time.Second, "the case listed", caseListed("王社工的个案"))
	openInApp(t, s, "#nav-supervision")
	waitFor(t, s, 60*time.Second, "wang's profile on the supervisor's tablet", `document.getElementById("list-staff") !== null && document.getElementById("list-staff").innerText.includes("王社工")`)
	openInApp(t, s, "#new-training")
	waitFor(t, s, 20*time.Second, "the training form", `document.getElementById("f-attendees") !== null`)
	checkByLabel(t, s, "f-attendees", "王社工")
	checkByLabel(t, s, "f-attendees", "赵督导")
	saveRecord(t, s, map[string]string{"f-topic": "入户评估技巧", "f-date": daysAgo(5), "f-hours": "3", "f-trainer": "省社工协会"}, nil)
	openInApp(t, s, "#nav-supervision")
	openInApp(t, s, "#new-supervision")
	waitFor(t, s, 30*time.Second, "the supervision form with wang's case", `document.getElementById("f-cases") !== null && document.getElementById("f-cases").innerText.includes("王社工的个案")`)
	selectByLabel(t, s, "f-supervisor", "赵督导")
	checkByLabel(t, s, "f-supervisees", "王社工")
	checkByLabel(t, s, "f-cases", "王社工的个案")
	saveRecord(t, s, map[string]string{"f-mode": "individual", "f-date": daysAgo(2), "f-minutes": "90", "f-issues": "案主拒绝入户"}, nil)
	openInApp(t, s, "#nav-supervision")
	year := time.Now().AddDate(0, 0, -5).Format("2006")
	waitFor(t, s, 20*time.Second, "wang's hours", `(() => {
		const row = [...document.querySelectorAll("#hours-table tr")].find(r => r.innerText.includes("王社工") && r.dataset.year === `+quote(year)+`);
		return row !== undefined && row.cells[2].textContent === "3" && row.cells[3].textContent === "1.5";
	})()`)
}

// checkByLabel ticks the box of a multiple choice whose label holds text.
func checkByLabel(t testing.TB, ctx context.Context, id, text string) {
	t.Helper()
	waitFor(t, ctx, 20*time.Second, "a choice "+text, `[...document.querySelectorAll("#`+id+` label")].some(l => l.innerText.includes(`+quote(text)+`))`)
	eval[bool](t, ctx, `(() => { const box = [...document.querySelectorAll("#`+id+` label")].find(l => l.innerText.includes(`+quote(text)+`)).querySelector("input"); if (!box.checked) box.click(); return true; })()`)
}

// selectByLabel picks the option of a select whose text holds text.
func selectByLabel(t testing.TB, ctx context.Context, id, text string) {
	t.Helper()
	waitFor(t, ctx, 20*time.Second, "an option "+text, `[...document.querySelectorAll("#`+id+` option")].some(o => o.textContent.includes(`+quote(text)+`))`)
	eval[bool](t, ctx, `(() => { const sel = document.getElementById(`+quote(id)+`); sel.value = [...sel.options].find(o => o.textContent.includes(`+quote(text)+`)).value; sel.dispatchEvent(new Event("change", { bubbles: true })); return true; })()`)
}

// A volunteer's hours from several activities add up on their page and on
// the certificate; hours below 0, over 24, or over 24 in one day are
// refused with a message and nothing typed is lost.
func TestVolunteerHours(t *testing.T) {
	data := t.TempDir()
	addUser(t, data, "li", "a-long-password", "worker", "t1", "620102")
	srv := startServer(t, data, "127.0.0.1:0")
	b, _ := newBrowser(t, "")
	navigate(t, b, srv.URL+"/community")
	logIn(t, b, "li", "a-long-password")
	appShows(t, b, "社区活动")
	for _, aim := range []string{"重阳节敬老活动", "社区环境清洁日"} {
		openInApp(t, b, "#nav-community")
		openInApp(t, b, "#new-community_activity")
		waitFor(t, b, 20*time.Second, "the activity form", `document.getElementById("f-aim") !== null`)
		saveRecord(t, b, map[string]string{"f-aim": aim, "f-date": daysAgo(3), "f-place": "东岗社区", "f-others_count": "25"}, nil)
	}
	openInApp(t, b, "#nav-volunteers")
	openInApp(t, b, "#new-volunteer")
	waitFor(t, b, 20*time.Second, "the volunteer form", `document.getElementById("f-id_number") !== null`)
	setControls(t, b, map[string]string{"f-name": "孙志愿", "f-id_type": "resident_id", "f-id_number": "620102199001011230", "f-skills": "陪伴、理发"})
	click(t, b, "record-save")
	waitFor(t, b, 10*time.Second, "the bad ID number refused", `document.getElementById("f-id_number-err").textContent.includes("身份证")`)
	saveRecord(t, b, map[string]string{"f-id_number": "620102199001011233"}, nil)
	waitFor(t, b, 10*time.Second, "no hours yet", `document.getElementById("volunteer-total").textContent.startsWith("累计志愿服务时长 0 小时")`)

	addHours := func(date, hours, activity, content string) {
		t.Helper()
		openInApp(t, b, "#add-volunteer_hours")
		waitFor(t, b, 20*time.Second, "the hours form", `document.getElementById("f-hours") !== null`)
		if activity != "" {
			selectByLabel(t, b, "f-activity", activity)
		}
		saveRecord(t, b, map[string]string{"f-date": date, "f-hours": hours, "f-content": content}, nil)
		openInApp(t, b, "#record-back")
		waitFor(t, b, 20*time.Second, "the volunteer page", `document.getElementById("volunteer-total") !== null`)
	}
	t.Log("bad hours are refused")
	openInApp(t, b, "#add-volunteer_hours")
	waitFor(t, b, 20*time.Second, "the hours form", `document.getElementById("f-hours") !== null`)
	for _, bad := range []string{"-1", "25"} {
		setControls(t, b, map[string]string{"f-date": daysAgo(3), "f-hours": bad, "f-content": "陪老人聊天"})
		click(t, b, "record-save")
		waitFor(t, b, 10*time.Second, bad+" hours refused", `document.getElementById("f-hours-err").textContent !== ""`)
		if v := eval[string](t, b, `document.getElementById("f-content").value`); v != "陪老人聊天" {
			t.Fatalf("the content typed was lost: %q", v)
		}
		setControls(t, b, map[string]string{"f-hours": ""})
	}
	openInApp(t, b, "#record-back")
	waitFor(t, b, 20*time.Second, "the volunteer page", `document.getElementById("volunteer-total") !== null`)
	addHours(daysAgo(3), "8", "重阳节敬老活动", "陪老人聊天、理发")
	addHours(daysAgo(2), "10", "社区环境清洁日", "清理楼道")
	t.Log("a day over 24 hours is refused")
	openInApp(t, b, "#add-volunteer_hours")
	waitFor(t, b, 20*time.Second, "the hours form", `document.getElementById("f-hours") !== null`)
	setControls(t, b, map[string]string{"f-date": daysAgo(2), "f-hours": "15", "f-content": "再清理一次"})
	click(t, b, "record-save")
	waitFor(t, b, 10*time.Second, "the day's total refused", `document.getElementById("f-hours-err").textContent.includes("25")`)
	openInApp(t, b, "#record-back")
	waitFor(t, b, 20*time.Second, "the volunteer page", `document.getElementById("volunteer-total") !== null`)
	addHours(daysAgo(1), "2.5", "重阳节敬老活动", "整理照片")
	waitFor(t, b, 10*time.Second, "the total", `document.getElementById("volunteer-total").textContent.startsWith("累计志愿服务时长 20.5 小时（3 次服务）")`)

	t.Log("the certificate says the same")
	openInApp(t, b, "#volunteer-certificate")
	waitFor(t, b, 20*time.Second, "the certificate", `document.getElementById("cert-hours") !== null && document.querySelectorAll(".jz-cert-row").length === 3`)
	if got := eval[string](t, b, `document.getElementById("cert-hours").textContent`); got != "20.5 小时" {
		t.Errorf("certificate total %q", got)
	}
	for id, want := range map[string]string{"cert-name": "孙志愿", "cert-id_type": "居民身份证", "cert-id_number": "620102199001011233"} {
		if got := eval[string](t, b, `document.getElementById(`+quote(id)+`).textContent`); got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
	if n := eval[int](t, b, `[...document.querySelectorAll(".jz-cert-row")].filter(r => r.innerText.includes("重阳节敬老活动")).length`); n != 2 {
		t.Errorf("%d certificate rows name the first activity, want 2", n)
	}
}
