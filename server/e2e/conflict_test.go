package e2e

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// Two tablets edit the same field of one case while the server is away.
// Back online, both show the same winning value and the same conflict; the
// worker resolves it on tablet B and it clears on tablet A by itself.
func TestTwoTabletsSameFieldConflict(t *testing.T) {
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
	typeInto(t, a, "case-title", "两台平板共同的个案")
	click(t, a, "case-create")
	waitFor(t, b, 60*time.Second, "the case on tablet B", caseListed("两台平板共同的个案"))
	id := eval[string](t, b, `document.querySelector("#case-list .jz-row").dataset.id`)

	t.Log("both tablets open the case; the server goes away; both change its title")
	for _, tab := range []context.Context{a, b} {
		waitFor(t, tab, 30*time.Second, "the case listed", `document.querySelector('#case-list .jz-row[data-id="`+id+`"] a') !== null`)
		eval[bool](t, tab, `(() => { document.querySelector('#case-list .jz-row[data-id="`+id+`"] a').click(); return true; })()`)
		waitFor(t, tab, 30*time.Second, "the case page", `document.getElementById("f-title") !== null && document.getElementById("f-title").value === "两台平板共同的个案"`)
	}
	if code := srv.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("server exit %d", code)
	}
	for tab, title := range map[context.Context]string{a: "甲平板改的标题", b: "乙平板改的标题"} {
		typeInto(t, tab, "f-title", title)
		click(t, tab, "case-save")
		waitFor(t, tab, 20*time.Second, "saved on the tablet", `document.getElementById("case-save-msg") !== null && document.getElementById("case-save-msg").textContent === "已保存在本机。"`)
		waitFor(t, tab, 20*time.Second, "the new title, not yet synced", `document.getElementById("page-title").textContent === `+quote(title)+` && document.getElementById("case-pending") !== null`)
	}

	t.Log("the server is back: both tablets show one winner and the conflict")
	startServer(t, data, srv.Addr)
	backOnline(t, a, b)
	shownTitle := func(tab context.Context) string {
		waitFor(t, tab, 60*time.Second, "the conflict on the case page, without reloading",
			`document.getElementById("case-conflict") !== null && document.getElementById("case-pending") === null`)
		return eval[string](t, tab, `document.getElementById("page-title").textContent`)
	}
	// Each tablet sees the conflict once it has pulled the other's edit;
	// wait until both agree (the second to sync may need one more round).
	deadline := time.Now().Add(60 * time.Second)
	ta, tb := shownTitle(a), shownTitle(b)
	for ta != tb && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		ta, tb = shownTitle(a), shownTitle(b)
	}
	if ta != tb || (ta != "甲平板改的标题" && ta != "乙平板改的标题") {
		t.Fatalf("tablet A shows %q, tablet B %q: want the same winner, one of the two edits", ta, tb)
	}

	t.Log("tablet B resolves the conflict; it clears on tablet A")
	click(t, b, "case-conflict-link")
	waitFor(t, b, 30*time.Second, "the conflict on B's review page", `document.body.innerText.includes("甲平板改的标题") && document.body.innerText.includes("乙平板改的标题")`)
	loser := "甲平板改的标题"
	if ta == loser {
		loser = "乙平板改的标题"
	}
	// Keep the value that lost: the resolution must change the title on
	// both tablets, not only clear the mark.
	side := eval[string](t, b, `(() => { for (const btn of document.querySelectorAll("button[data-side]")) { if (btn.closest("li, section, div").innerText.includes(`+quote(loser)+`)) return btn.id; } return ""; })()`)
	if side == "" {
		t.Fatal("no button keeps the other value")
	}
	click(t, b, side)
	waitFor(t, b, 30*time.Second, "resolved on B", `document.getElementById("no-conflicts") !== null`)
	waitFor(t, a, 60*time.Second, "the conflict gone from tablet A, and the kept title shown",
		`document.getElementById("case-conflict") === null && document.getElementById("page-title").textContent === `+quote(loser))
}
