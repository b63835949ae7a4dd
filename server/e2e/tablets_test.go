package e2e

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// caseListed is the predicate that the case list shows title.
func caseListed(title string) string {
	return `document.getElementById("case-list") !== null && document.getElementById("case-list").innerText.includes(` + quote(title) + `)`
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// Two tablets of one worker, two browser profiles. Tablet A works with no
// server: what it saves survives a reload and the closing of its tab, is
// stored encrypted, and reaches tablet B by itself once the server is back.
func TestTwoTabletsOfflineThenSync(t *testing.T) {
	data := t.TempDir()
	addUser(t, data, "wang", "a-long-password", "worker", "t1", "620102")
	srv := startServer(t, data, "127.0.0.1:0")
	aBrowser, _ := newBrowser(t, "")
	a := newTab(t, aBrowser) // a tab of its own, so that closing it leaves the browser
	b, _ := newBrowser(t, "")
	navigate(t, a, srv.URL+"/cases")
	logIn(t, a, "wang", "a-long-password")
	appShows(t, a, "个案")
	navigate(t, b, srv.URL+"/cases")
	logIn(t, b, "wang", "a-long-password")
	appShows(t, b, "个案")
	waitFor(t, a, 60*time.Second, "tablet A's service worker", `navigator.serviceWorker.controller !== null`)

	t.Log("left untouched, tablet B locks itself")
	eval[chromedp.Void](t, b, `localStorage.setItem("jiuzhu.idle", "2s")`)
	waitFor(t, b, 20*time.Second, "the idle lock", `document.getElementById("login-password") !== null && document.getElementById("login-name") === null`)
	eval[chromedp.Void](t, b, `localStorage.removeItem("jiuzhu.idle")`)
	unlock(t, b, "a-long-password")
	appShows(t, b, "个案")

	t.Log("the server goes away; tablet A records a case offline")
	if code := srv.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("server exit %d", code)
	}
	const secret = "李四家低保复核 610102199001011234"
	typeInto(t, a, "case-title", secret)
	click(t, a, "case-create")
	waitFor(t, a, 20*time.Second, "saved", `document.getElementById("case-message") && document.getElementById("case-message").textContent === "已保存在本机。"`)
	waitFor(t, a, 20*time.Second, "the case listed as not yet synced", caseListed(secret)+` && document.getElementById("case-list").innerText.includes("待同步")`)

	t.Log("nothing readable in IndexedDB")
	raw := eval[string](t, a, `(async () => {
	  let all = "";
	  for (const info of await indexedDB.databases()) {
	    const db = await new Promise((ok, no) => { const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
	    for (const name of db.objectStoreNames) {
	      const rows = await new Promise((ok, no) => { const r = db.transaction(name).objectStore(name).getAll(); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
	      all += JSON.stringify(rows, (k, v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? Array.from(new Uint8Array(v.buffer || v)).join(",") : v);
	    }
	    db.close();
	  }
	  return all;
	})()`)
	if len(raw) < 100 {
		t.Fatalf("read only %d bytes from IndexedDB", len(raw))
	}
	for _, plain := range []string{"李四", "610102199001011234", "低保复核"} {
		if strings.Contains(raw, plain) {
			t.Errorf("IndexedDB holds %q in plain text", plain)
		}
	}

	t.Log("tablet A's tab is closed right after a save, and opened again")
	typeInto(t, a, "case-title", "第二个离线个案")
	click(t, a, "case-create")
	// Listed means committed (the first save's "saved" may still be shown).
	waitFor(t, a, 20*time.Second, "the second case saved", caseListed("第二个离线个案"))
	if err := chromedp.Cancel(a); err != nil {
		t.Fatal(err)
	}
	a2 := newTab(t, aBrowser)
	navigate(t, a2, srv.URL+"/cases")
	unlock(t, a2, "a-long-password")
	waitFor(t, a2, 30*time.Second, "both offline cases after reopening", caseListed(secret)+" && "+caseListed("第二个离线个案"))

	t.Log("the server is back: A sends its outbox, B gets the cases without a reload")
	srv2 := startServer(t, data, srv.Addr)
	backOnline(t, a2, b)
	waitFor(t, a2, 60*time.Second, "tablet A synced", `document.getElementById("net-status").textContent === "已同步" && !document.getElementById("case-list").innerText.includes("待同步")`)
	waitFor(t, b, 60*time.Second, "tablet B shows both cases", caseListed(secret)+" && "+caseListed("第二个离线个案"))

	t.Log("both tablets are revoked: at their next contact they wipe themselves")
	if code := srv2.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("server exit %d", code)
	}
	code, out, errs := runBinary(t, 10*time.Second, "device", "list", "--data", data, "--user", "wang")
	if code != 0 {
		t.Fatalf("device list: %d %s", code, errs)
	}
	revoked := 0
	for _, line := range strings.Split(out, "\n")[1:] {
		if f := strings.Fields(line); len(f) > 0 {
			if code, _, errs := runBinary(t, 10*time.Second, "device", "revoke", "--data", data, f[0]); code != 0 {
				t.Fatalf("revoke %s: %s", f[0], errs)
			}
			revoked++
		}
	}
	if revoked != 2 {
		t.Fatalf("revoked %d devices; want the two tablets:\n%s", revoked, out)
	}
	startServer(t, data, srv.Addr)
	backOnline(t, a2, b)
	for _, tab := range []context.Context{a2, b} {
		waitFor(t, tab, 60*time.Second, "the wiped tablet back at the first login, saying why", `document.getElementById("login-name") !== null && !document.getElementById("login-name").disabled && document.querySelector(".jz-known") === null && document.getElementById("login-message").textContent.includes("此设备已注销")`)
		if n := eval[int](t, tab, `indexedDB.databases().then((d) => d.filter((x) => x.name.startsWith("jiuzhu-u-")).length)`); n != 0 {
			t.Errorf("a revoked tablet still has %d user databases", n)
		}
	}
}
