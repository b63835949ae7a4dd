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

// A conflict made by two other tablets reaches this tablet by itself (the
// server pokes it), is shown with both values on the review page, and
// resolving it here clears it everywhere.
func TestConflictReviewInBrowser(t *testing.T) {
	data := t.TempDir()
	addUser(t, data, "wang", "a-long-password", "worker", "t1", "620102")
	srv := startServer(t, data, "127.0.0.1:0")
	ctx, _ := newBrowser(t, "")
	navigate(t, ctx, srv.URL+"/review")
	logIn(t, ctx, "wang", "a-long-password")
	appShows(t, ctx, "同步与冲突")
	waitFor(t, ctx, 30*time.Second, "the first sync", `document.getElementById("net-status").textContent.startsWith("已同步")`)

	bg := context.Background()
	a, err := client.Login(bg, srv.URL, "wang", "a-long-password")
	if err != nil {
		t.Fatal(err)
	}
	b, err := client.Login(bg, srv.URL, "wang", "a-long-password")
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	c := caseOn(t, a, "原标题")
	_, err = a.Sync(bg)
	must(err)
	_, err = b.Sync(bg)
	must(err)
	must(a.Edit(bg, sync.Edit{Rec: c, Field: "title", Value: model.Str("甲平板的标题")}))
	must(b.Edit(bg, sync.Edit{Rec: c, Field: "title", Value: model.Str("乙平板的标题")}))
	_, err = a.Sync(bg)
	must(err)
	_, err = b.Sync(bg)
	must(err)

	// The browser tablet is poked and pulls; the page reads its list again
	// after every sync round.
	waitFor(t, ctx, 30*time.Second, "the conflict on the review page, without reloading", `document.body.innerText.includes("甲平板的标题") && document.body.innerText.includes("乙平板的标题")`)
	text := eval[string](t, ctx, `document.body.innerText`)
	if !strings.Contains(text, "个案 · 个案名称") || !strings.Contains(text, "当前采用") {
		t.Errorf("review page: %s", text)
	}
	click(t, ctx, "keep-0-0")
	waitFor(t, ctx, 30*time.Second, "the conflict to be resolved here", `document.getElementById("no-conflicts") !== null`)

	// The resolution reaches the other tablets.
	waitUntilTrue(t, "the resolution on tablet a", func() bool {
		a.Sync(bg)
		for id, r := range a.Store.All() {
			if id.Type() == sync.ConflictType {
				v, _ := r.Get(sync.ConflictResolved)
				return v == sync.ValueTrue
			}
		}
		return false
	})
}

func waitUntilTrue(t *testing.T, what string, f func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if f() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// caseOn writes a new case of d's user on device d (not yet synced).
func caseOn(t *testing.T, d *client.Device, title string) sync.RecID {
	t.Helper()
	var ent [10]byte
	rand.Read(ent[:])
	c := sync.MakeRecID(model.TypeCase, time.Now().UnixMilli(), ent)
	if err := d.Edit(context.Background(), sync.Edit{Rec: c, Field: sync.FieldRoot, Value: model.Str(string(c))},
		sync.Edit{Rec: c, Field: "title", Value: model.Str(title)},
		sync.Edit{Rec: c, Field: "worker", Value: model.Str(d.User.ID)}); err != nil {
		t.Fatal(err)
	}
	return c
}
