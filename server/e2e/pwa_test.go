package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestPWAOffline follows one tablet through the app's life: first visit
// online, offline reloads and cold starts on deep links with the server
// stopped, then a new version on the server and the update banner.
func TestPWAOffline(t *testing.T) {
	data := t.TempDir()
	addUser(t, data, "wang", "a-long-password", "worker", "t1", "620102")
	srv := startServer(t, data, "127.0.0.1:0")
	profile := t.TempDir()
	ctx, stopBrowser := newBrowser(t, profile)

	t.Log("first visit: log in online, then the home page renders in Chinese")
	onNewDocument(t, ctx, loaderLabels)
	navigate(t, ctx, srv.URL+"/")
	waitFor(t, ctx, 60*time.Second, "the login form in Chinese", `document.getElementById("page-title") && document.getElementById("page-title").textContent === "登录"`)
	logIn(t, ctx, "wang", "wrong-password")
	waitFor(t, ctx, 30*time.Second, "the wrong-password message", `document.getElementById("login-message") && document.getElementById("login-message").textContent.includes("用户名或密码错误")`)
	logIn(t, ctx, "wang", "a-long-password")
	appShows(t, ctx, "欢迎使用救助社工")
	if lang := eval[string](t, ctx, `document.documentElement.lang`); lang != "zh-CN" {
		t.Errorf("html lang = %q", lang)
	}
	waitFor(t, ctx, 20*time.Second, "the status to say synced", `document.getElementById("net-status").textContent.startsWith("已同步")`)
	// Over the network the loader counts app.wasm's bytes as they come.
	if got := eval[[]string](t, ctx, `window.__jzLabels`); !slices.ContainsFunc(got, midway) {
		t.Errorf("the first load's progress went %q; want a step between 0%% and 100%%", got)
	}

	t.Log("the service worker installs and precaches local URLs only")
	waitFor(t, ctx, 60*time.Second, "the service worker to control the page", `navigator.serviceWorker.controller !== null`)
	time.Sleep(time.Second) // the first worker's activation is no update
	if eval[bool](t, ctx, `document.getElementById("update-banner") !== null`) {
		t.Error("the first visit shows the update banner")
	}
	caches := eval[map[string][]string](t, ctx, cachedURLs)
	version := healthVersion(t, srv.URL)
	urls := caches["app-"+version]
	if len(caches) != 1 || len(urls) == 0 {
		t.Fatalf("caches = %v; want one, app-%s", caches, version)
	}
	for _, u := range urls {
		if !strings.HasPrefix(u, srv.URL+"/") {
			t.Errorf("precached URL %s is not on %s", u, srv.URL)
		}
	}
	for _, want := range []string{"/", "/web/app.wasm", "/app.js", "/wasm_exec.js", "/web/app.css", "/manifest.webmanifest"} {
		if !containsStr(urls, srv.URL+want) {
			t.Errorf("precache lacks %s", want)
		}
	}

	t.Log("the language switch is remembered across reloads")
	click(t, ctx, "lang-switch")
	appShows(t, ctx, "Welcome to Jiuzhu")
	reload(t, ctx)
	unlock(t, ctx, "a-long-password")
	appShows(t, ctx, "Welcome to Jiuzhu")
	if lang := eval[string](t, ctx, `document.documentElement.lang`); lang != "en" {
		t.Errorf("after switching, html lang = %q", lang)
	}
	click(t, ctx, "lang-switch")
	appShows(t, ctx, "欢迎使用救助社工")

	t.Log("server stopped: reloading / renders the app and says offline")
	if code := srv.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("server exit %d", code)
	}
	reload(t, ctx)
	unlock(t, ctx, "wrong-password")
	// From the service worker's cache the file is local: no counting.
	if got := eval[[]string](t, ctx, `window.__jzLabels`); slices.ContainsFunc(got, midway) || !slices.Contains(got, "正在加载 100%") {
		t.Errorf("the offline start's progress went %q; want straight to 100%%", got)
	}
	waitFor(t, ctx, 30*time.Second, "the offline wrong-password message", `document.getElementById("login-message") && document.getElementById("login-message").textContent.includes("密码错误")`)
	unlock(t, ctx, "a-long-password")
	appShows(t, ctx, "欢迎使用救助社工")
	waitFor(t, ctx, 20*time.Second, "the status to say offline", `document.getElementById("net-status").textContent.startsWith("离线")`)

	t.Log("server stopped: in-app navigation works")
	click(t, ctx, "nav-groups")
	appShows(t, ctx, "小组工作")

	t.Log("server stopped, browser restarted: cold starts on deep links")
	stopBrowser()
	ctx, stopBrowser = newBrowser(t, profile)
	navigate(t, ctx, srv.URL+"/cases")
	unlock(t, ctx, "a-long-password")
	appShows(t, ctx, "个案")
	tab := newTab(t, ctx)
	navigate(t, tab, srv.URL+"/no/such/page")
	unlock(t, tab, "a-long-password")
	appShows(t, tab, "页面不存在")

	t.Log("a new build on the server: the update banner appears")
	web := filepath.Join(t.TempDir(), "web")
	copyDir(t, filepath.Join(root, "web", "static"), filepath.Join(web, "static"))
	copyDir(t, filepath.Join(root, "web", "dist"), filepath.Join(web, "dist"))
	css := filepath.Join(web, "static", "app.css")
	b, _ := os.ReadFile(css)
	os.WriteFile(css, append(b, "\n/* next build */\n"...), 0o644)
	srv2 := startServer(t, data, srv.Addr, "--web", web)
	version2 := healthVersion(t, srv2.URL)
	if version2 == version {
		t.Fatalf("the changed build has the same version %s", version)
	}
	reload(t, ctx)
	unlock(t, ctx, "a-long-password")
	appShows(t, ctx, "个案")
	waitFor(t, ctx, 60*time.Second, "the update banner", `document.getElementById("update-banner") !== null && document.getElementById("update-banner").textContent.includes("新版本可用")`)
	click(t, ctx, "update-reload")
	unlock(t, ctx, "a-long-password")
	appShows(t, ctx, "个案")
	caches = eval[map[string][]string](t, ctx, cachedURLs)
	if _, ok := caches["app-"+version2]; !ok || len(caches) != 1 {
		t.Errorf("after the update, caches = %v; want only app-%s", keys(caches), version2)
	}
	if sw := eval[string](t, ctx, `fetch("/app-worker.js").then((r) => r.text())`); !strings.Contains(sw, version2) {
		t.Errorf("the page's worker is not the new version")
	}
}

// loaderLabels keeps, in window.__jzLabels, every text go-app's loader label
// shows while app.wasm loads.
const loaderLabels = `(() => {
  window.__jzLabels = [];
  new MutationObserver(() => {
    const l = document.getElementById("app-wasm-loader-label");
    if (l && window.__jzLabels[window.__jzLabels.length - 1] !== l.textContent) window.__jzLabels.push(l.textContent);
  }).observe(document, { childList: true, subtree: true, characterData: true });
})();`

// midway reports whether a loader label shows a percentage strictly between
// 0 and 100.
func midway(label string) bool {
	var p int
	_, err := fmt.Sscanf(label, "正在加载 %d%%", &p)
	return err == nil && p > 0 && p < 100
}

// On Apple browsers there is no install prompt: the install button explains
// Add to Home Screen instead.
func TestInstallOnAppleExplainsSteps(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	addUser(t, data, "li", "a-long-password", "worker", "t1", "620102")
	srv := startServer(t, data, "127.0.0.1:0")
	ctx, _ := newBrowser(t, "")
	userAgent(t, ctx, "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
	navigate(t, ctx, srv.URL+"/")
	logIn(t, ctx, "li", "a-long-password")
	appShows(t, ctx, "欢迎使用救助社工")
	click(t, ctx, "install")
	waitFor(t, ctx, 10*time.Second, "the Add to Home Screen steps", `document.getElementById("install-title") && document.body.innerText.includes("添加到主屏幕")`)
}

func healthVersion(t *testing.T, url string) string {
	t.Helper()
	status, body := httpGet(t, url+"/healthz")
	var h struct{ Version string }
	if err := json.Unmarshal([]byte(body), &h); err != nil || status != 200 || h.Version == "" {
		t.Fatalf("healthz: %d %s", status, body)
	}
	return h.Version
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func keys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
