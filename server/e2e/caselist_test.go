package e2e

import (
	"context"
	"testing"
	"time"

	"jiuzhu/server/client"
)

// The new-case form stays where it is while the list above it changes
// shape: here a case from another tablet takes the list past one page, so a
// "more" button appears above the form. go-app diffs by position: had the
// button shifted the form, it would have been rebuilt, losing what the
// worker was typing (and a save under way).
func TestNewCaseFormKeptWhileListChanges(t *testing.T) {
	data := t.TempDir()
	addUser(t, data, "wang", "a-long-password", "worker", "t1", "620102")
	demo(t, data, "wang", 50, 3) // one full page: no "more" button yet
	srv := startServer(t, data, "127.0.0.1:0")
	ctx, _ := newBrowser(t, "")
	navigate(t, ctx, srv.URL+"/cases")
	logIn(t, ctx, "wang", "a-long-password")
	waitFor(t, ctx, 60*time.Second, "the 50 cases", caseCount(50))
	if eval[bool](t, ctx, `document.getElementById("case-more") !== null`) {
		t.Fatal("a 'more' button with one page of cases")
	}
	typeInto(t, ctx, "case-title", "正在输入的个案")
	eval[bool](t, ctx, `(() => { document.getElementById("case-title").dataset.mark = "typed here"; return true; })()`)

	bg := context.Background()
	other, err := client.Login(bg, srv.URL, "wang", "a-long-password")
	if err != nil {
		t.Fatal(err)
	}
	caseOn(t, other, "另一台平板的个案")
	if _, err := other.Sync(bg); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, 60*time.Second, "51 cases and the 'more' button", caseCount(51)+` && document.getElementById("case-more") !== null`)
	if got := eval[string](t, ctx, `(document.getElementById("case-title").dataset.mark || "a new element") + " | " + document.getElementById("case-title").value`); got != "typed here | 正在输入的个案" {
		t.Fatalf("the form was rebuilt under the worker: %q", got)
	}
	click(t, ctx, "case-create")
	waitFor(t, ctx, 20*time.Second, "the typed case saved", caseCount(52))
}
