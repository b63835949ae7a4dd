package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// A tablet whose storage is full refuses the next save with a clear
// message, and loses nothing saved before.
func TestFullTabletLosesNothing(t *testing.T) {
	data := t.TempDir()
	addUser(t, data, "wang", "a-long-password", "worker", "t1", "620102")
	srv := startServer(t, data, "127.0.0.1:0")
	ctx, _ := newBrowser(t, "")
	navigate(t, ctx, srv.URL+"/cases")
	logIn(t, ctx, "wang", "a-long-password")
	appShows(t, ctx, "个案")
	waitFor(t, ctx, 60*time.Second, "the service worker's cache", `navigator.serviceWorker.controller !== null`)
	// The precache and the first sync settle: synced, and the usage the same
	// twice half a second apart.
	waitFor(t, ctx, 30*time.Second, "the first sync", `document.getElementById("net-status").textContent.startsWith("已同步")`)
	waitFor(t, ctx, 30*time.Second, "the storage use to settle", `(async () => {
	  const a = (await navigator.storage.estimate()).usage;
	  await new Promise((r) => setTimeout(r, 500));
	  return a === (await navigator.storage.estimate()).usage;
	})()`)
	usage := eval[float64](t, ctx, `navigator.storage.estimate().then((e) => e.usage)`)
	quota := usage + 8000
	if _, err := chromedp.Call(ctx, storage.OverrideQuotaForOrigin, storage.OverrideQuotaForOriginParams{Origin: srv.URL, QuotaSize: &quota}); err != nil {
		t.Fatal(err)
	}
	defer chromedp.Call(ctx, storage.OverrideQuotaForOrigin, storage.OverrideQuotaForOriginParams{Origin: srv.URL})

	pad := strings.Repeat("长", 80)
	saved := ""
	full := false
	for i := 0; i < 400 && !full; i++ {
		title := fmt.Sprintf("第%d个%s", i, pad)
		typeInto(t, ctx, "case-title", title)
		click(t, ctx, "case-create")
		waitFor(t, ctx, 20*time.Second, "the save's outcome", `document.getElementById("case-message") !== null && (`+caseListed(title)+` || document.getElementById("case-message").textContent.includes("存储空间已满"))`)
		if eval[bool](t, ctx, `document.getElementById("case-message").textContent.includes("存储空间已满")`) {
			full = true
		} else {
			saved = title
		}
	}
	if !full || saved == "" {
		t.Fatalf("full=%v after saving up to %q (quota %.0f bytes over %.0f)", full, saved, quota-usage, usage)
	}
	msg := eval[string](t, ctx, `document.getElementById("case-message").textContent`)
	if !strings.Contains(msg, "之前保存的都还在") {
		t.Errorf("message %q", msg)
	}
	// Everything saved before the refusal is still there after a reload.
	reload(t, ctx)
	unlock(t, ctx, "a-long-password")
	waitFor(t, ctx, 30*time.Second, "the last saved case after reloading", caseListed(saved))
}
