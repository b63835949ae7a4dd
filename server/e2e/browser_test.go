package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's chromium.
func chromiumPath(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no chromium on PATH: install it (Debian: apt-get install chromium); `make test` does when run as root")
	return ""
}

// newBrowser starts headless Chromium with its own profile in profileDir
// (a fresh one when empty) and returns the context of its first tab. The
// browser stops at the end of the test, or when stop is called.
func newBrowser(t testing.TB, profileDir string) (ctx context.Context, stop func()) {
	t.Helper()
	if profileDir == "" {
		profileDir = t.TempDir()
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.UserDataDir(profileDir),
		chromedp.WindowSize(1024, 768),
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-default-browser-check", true),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil {
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("starting chromium: %v", err)
	}
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			cancelBrowser()
			cancelAlloc()
		}
	}
	t.Cleanup(stop)
	return bctx, stop
}

// newTab opens another tab in the browser of ctx.
func newTab(t testing.TB, ctx context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatal(err)
	}
	return tab
}

// within runs actions with a time limit, failing the test with what was
// being waited for.
func within(t testing.TB, ctx context.Context, limit time.Duration, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression (awaiting a promise) and decodes
// its value.
func eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript predicate until it is truthy. A navigation
// during the wait (a reload the page itself starts) restarts the polling in
// the new document.
func waitFor(t testing.TB, ctx context.Context, limit time.Duration, what, predicate string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	var err error
	for time.Now().Before(deadline) {
		c, cancel := context.WithTimeout(ctx, time.Until(deadline)+5*time.Second)
		_, err = chromedp.Run(c, chromedp.Poll[chromedp.Void](predicate,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(time.Until(deadline))))
		cancel()
		if err == nil || !navigatedAway(err) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + " | " + document.title + " | " + (document.body ? document.body.innerText.slice(0, 300) : "")`))
		t.Fatalf("waiting for %s (%s): %v\npage: %s", what, predicate, err, state)
	}
}

// backOnline tells each tab that the network is back, as a tablet that comes
// into coverage hears: the app syncs at once instead of at the end of its
// reconnection backoff (up to 30 s), which a test's wait would spend.
func backOnline(t testing.TB, tabs ...context.Context) {
	t.Helper()
	for _, tab := range tabs {
		eval[bool](t, tab, `(() => { window.dispatchEvent(new Event("online")); return true; })()`)
	}
}

// navigatedAway reports whether err says the page's JavaScript context went
// away under the poll, as it does when the page navigates.
func navigatedAway(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Cannot find context") || strings.Contains(msg, "Execution context was destroyed") ||
		strings.Contains(msg, "Inspected target navigated")
}

// appShows waits until the WebAssembly app has started (go-app removes its
// loader) and the page heading reads title.
func appShows(t testing.TB, ctx context.Context, title string) {
	t.Helper()
	waitFor(t, ctx, 60*time.Second, "the app to show "+strconv.Quote(title),
		fmt.Sprintf(`!document.getElementById("app-wasm-loader") && document.getElementById("page-title") && document.getElementById("page-title").textContent === %q`, title))
}

func navigate(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	within(t, ctx, 60*time.Second, "navigating to "+url, chromedp.Navigate(url))
}

func reload(t testing.TB, ctx context.Context) {
	t.Helper()
	within(t, ctx, 60*time.Second, "reloading", chromedp.Reload())
}

// click waits for the element with the id to be visible and clicks it. The
// click is dispatched to the element itself, not to screen coordinates, so
// that a control appearing in the header meanwhile cannot take it.
func click(t testing.TB, ctx context.Context, id string) {
	t.Helper()
	within(t, ctx, 20*time.Second, "waiting for #"+id, chromedp.WaitVisible(chromedp.ID(id)))
	eval[chromedp.Void](t, ctx, fmt.Sprintf(`document.getElementById(%q).click()`, id))
}

func cpuThrottle(t testing.TB, ctx context.Context, rate float64) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: rate}); err != nil {
		t.Fatal(err)
	}
}

func userAgent(t testing.TB, ctx context.Context, ua string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua}); err != nil {
		t.Fatal(err)
	}
}

func onNewDocument(t testing.TB, ctx context.Context, js string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: js}); err != nil {
		t.Fatal(err)
	}
}

// cachedURLs lists every URL held in the page's Cache Storage, by cache.
const cachedURLs = `(async () => {
  const out = {};
  for (const k of await caches.keys()) {
    out[k] = (await (await caches.open(k)).keys()).map((r) => r.url);
  }
  return out;
})()`

// typeInto sets an input's value as typing would (go-app listens to input
// events).
func typeInto(t testing.TB, ctx context.Context, id, value string) {
	t.Helper()
	within(t, ctx, 20*time.Second, "waiting for #"+id, chromedp.WaitVisible(chromedp.ID(id)))
	eval[chromedp.Void](t, ctx, fmt.Sprintf(`(() => { const el = document.getElementById(%q); el.value = %q; el.dispatchEvent(new Event("input", { bubbles: true })); })()`, id, value))
}

// logIn fills the first-login form and submits it.
func logIn(t testing.TB, ctx context.Context, name, password string) {
	t.Helper()
	waitFor(t, ctx, 60*time.Second, "the live login form", `document.getElementById("login-name") !== null && !document.getElementById("login-name").disabled`)
	typeInto(t, ctx, "login-name", name)
	typeInto(t, ctx, "login-password", password)
	click(t, ctx, "login-submit")
}

// unlock enters the password on the unlock screen of a known user.
func unlock(t testing.TB, ctx context.Context, password string) {
	t.Helper()
	waitFor(t, ctx, 60*time.Second, "the live unlock screen", `document.getElementById("login-password") !== null && !document.getElementById("login-password").disabled && document.getElementById("login-name") === null`)
	typeInto(t, ctx, "login-password", password)
	click(t, ctx, "login-submit")
}
