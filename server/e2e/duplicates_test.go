package e2e

import (
	"context"
	"testing"
	"time"
)

// Two workers who cannot see each other's cases register the same person
// (same ID number) on their tablets. The server flags both records; each
// tablet shows the flag on its own person's page by itself, and a worker
// who finds they are different people says so.
func TestDuplicateAcrossTablets(t *testing.T) {
	data := t.TempDir()
	addUser(t, data, "wang", "a-long-password", "worker", "t1", "620102")
	addUser(t, data, "li", "a-long-password", "worker", "t2", "620103")
	srv := startServer(t, data, "127.0.0.1:0")
	a, _ := newBrowser(t, "")
	b, _ := newBrowser(t, "")
	for tab, user := range map[context.Context]string{a: "wang", b: "li"} {
		navigate(t, tab, srv.URL+"/cases")
		logIn(t, tab, user, "a-long-password")
		appShows(t, tab, "个案")
		typeInto(t, tab, "case-title", user+"的个案")
		click(t, tab, "case-create")
		waitFor(t, tab, 20*time.Second, "the case listed", caseListed(user+"的个案"))
		openInApp(t, tab, "#case-list .jz-row a")
		waitFor(t, tab, 20*time.Second, "the case page", `document.getElementById("add-person") !== null`)
		addRecord(t, tab, "person", map[string]string{"f-name": "张秀英", "f-id_number": "620102198001011239", "c-date": daysAgo(1), "c-separate": "true"},
			[]string{"c-scope-record", "c-scope-sensitive"}, true)
	}
	t.Log("both tablets show the server's flag on their own person, without a reload")
	for _, tab := range []context.Context{a, b} {
		backToCase(t, tab)
		openInApp(t, tab, "#case-timeline li[data-type=person] a")
		waitFor(t, tab, 60*time.Second, "the duplicate flag", `document.getElementById("record-dup-server") !== null && document.getElementById("record-dup-server").textContent.includes("1")`)
	}
	t.Log("li says they are different people: the flag goes, on his tablet")
	click(t, b, "dismiss-dup")
	waitFor(t, b, 20*time.Second, "the flag dismissed", `document.getElementById("record-dup-server") === null`)
	if eval[bool](t, a, `document.getElementById("record-dup-server") === null`) {
		t.Error("wang's flag went too: each worker answers for their own record")
	}
}
