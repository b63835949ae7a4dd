package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// collectCSPViolations records every Content-Security-Policy violation of
// a page in window.__cspViolations, from its first script on.
const collectCSPViolations = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.effectiveDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
}, true);`

// The app runs under the server's strict Content-Security-Policy: a worker
// logs in, syncs, opens the case list, creates a case, has the client sign
// the consent (a data: image), records a community activity with a photo
// (a blob: image, uploaded over /api/blobs), and the policy is never
// violated. The policy is really enforced: an inline script and a style
// attribute put in the page are refused (go-app's Style() sets one, so the
// app must not use it), while styles set through the CSSOM are not.
func TestAppRunsUnderCSP(t *testing.T) {
	data := t.TempDir()
	addUser(t, data, "wang", "a-long-password", "worker", "t1", "620102")
	srv := startServer(t, data, "127.0.0.1:0")

	for _, path := range []string{"/", "/cases", "/app.js", "/web/app.css", "/app-worker.js", "/manifest.webmanifest"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if resp.StatusCode != http.StatusOK || !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("GET %s: %d, Content-Security-Policy %q", path, resp.StatusCode, csp)
		}
	}

	ctx, _ := newBrowser(t, "")
	onNewDocument(t, ctx, collectCSPViolations)
	violations := func(where string) {
		t.Helper()
		if v := eval[[]string](t, ctx, `window.__cspViolations || ["the listener is missing"]`); len(v) > 0 {
			t.Fatalf("%s: Content-Security-Policy violations:\n%s", where, strings.Join(v, "\n"))
		}
	}

	t.Log("log in: the app starts, syncs over the websocket and installs its service worker")
	navigate(t, ctx, srv.URL+"/cases")
	logIn(t, ctx, "wang", "a-long-password")
	appShows(t, ctx, "个案")
	waitFor(t, ctx, 30*time.Second, "the status to say synced", `document.getElementById("net-status").textContent.startsWith("已同步")`)
	waitFor(t, ctx, 60*time.Second, "the service worker to control the page", `navigator.serviceWorker.controller !== null`)
	violations("the case list")

	t.Log("a new case, its page, and the consent signed on the screen")
	typeInto(t, ctx, "case-title", "内容安全策略个案")
	click(t, ctx, "case-create")
	waitFor(t, ctx, 20*time.Second, "the case listed", caseListed("内容安全策略个案"))
	id := eval[string](t, ctx, `document.querySelector("#case-list .jz-row").dataset.id`)
	openInApp(t, ctx, `#case-list .jz-row[data-id="`+id+`"] a`)
	waitFor(t, ctx, 20*time.Second, "the case page", `document.getElementById("add-person") !== null`)
	violations("the new case")
	openInApp(t, ctx, "#add-person")
	waitFor(t, ctx, 20*time.Second, "the consent", `document.getElementById("c-signature-pad") !== null`)
	sign(t, ctx, "c-signature-pad")
	waitFor(t, ctx, 10*time.Second, "the signature in the form", `document.getElementById("c-signature").value.startsWith("data:image/png;base64,")`)
	saveRecord(t, ctx, map[string]string{"f-name": "李四", "f-id_number": "620102198001011239", "f-phone": "13912345678", "c-date": daysAgo(1), "c-separate": "true"},
		[]string{"c-scope-record", "c-scope-sensitive"})
	backToCase(t, ctx)
	openInApp(t, ctx, "#case-timeline li[data-type=consent] a")
	waitFor(t, ctx, 20*time.Second, "the saved signature shown", `document.getElementById("f-signature-image") !== null && document.getElementById("f-signature-image").src.startsWith("data:image/png;base64,") && document.getElementById("f-signature-image").naturalWidth > 0`)
	violations("the signed consent")

	t.Log("a community activity with a photo, shown from a blob: URL and uploaded")
	openInApp(t, ctx, "#nav-community")
	appShows(t, ctx, "社区活动")
	openInApp(t, ctx, "#new-community_activity")
	waitFor(t, ctx, 20*time.Second, "the activity form", `document.getElementById("f-aim") !== null`)
	saveRecord(t, ctx, map[string]string{"f-aim": "社区义诊", "f-date": daysAgo(0), "f-place": "东岗社区广场", "f-others_count": "40"}, nil)
	waitFor(t, ctx, 20*time.Second, "the photo button", `document.getElementById("photo-input") !== null`)
	choosePhoto(t, ctx, smallPhoto(t))
	waitFor(t, ctx, 30*time.Second, "the photo shown", `document.querySelector("#photo-list figure[data-shown=true] img") !== null && document.querySelector("#photo-list img").src.startsWith("blob:") && document.querySelector("#photo-list img").naturalWidth === 640`)
	waitFor(t, ctx, 30*time.Second, "the photo uploaded", `document.querySelector("#photo-list figure").dataset.upload === "uploaded"`)
	violations("the photo")

	t.Log("the policy is enforced: an inline script and a style attribute are refused, the CSSOM is not")
	ran := eval[bool](t, ctx, `(async () => {
		const s = document.createElement("script");
		s.textContent = "window.__inlineRan = true";
		document.head.appendChild(s);
		const p = document.createElement("p");
		p.id = "csp-probe";
		document.body.appendChild(p);
		p.setAttribute("style", "color: rgb(255, 0, 0)");
		await new Promise((r) => setTimeout(r, 200));
		return window.__inlineRan === true;
	})()`)
	if ran {
		t.Error("an inline script ran")
	}
	got := eval[[]string](t, ctx, `window.__cspViolations`)
	if len(got) != 2 || !strings.HasPrefix(got[0], "script-src-elem blocked inline") || !strings.HasPrefix(got[1], "style-src-attr blocked inline") {
		t.Errorf("violations of the probe: %q; want script-src-elem and style-src-attr", got)
	}
	if c := eval[string](t, ctx, `getComputedStyle(document.getElementById("csp-probe")).color`); c == "rgb(255, 0, 0)" {
		t.Error("a style attribute was applied")
	}
	cssom := eval[string](t, ctx, `(async () => {
		const p = document.getElementById("csp-probe");
		p.style.color = "rgb(0, 0, 255)";
		await new Promise((r) => setTimeout(r, 200));
		return getComputedStyle(p).color + " " + window.__cspViolations.length;
	})()`)
	if cssom != "rgb(0, 0, 255) 2" {
		t.Errorf("a style set through the CSSOM: %q, want it applied with no new violation", cssom)
	}
}

// smallPhoto writes a 640×480 JPEG, small enough to be kept as it is.
func smallPhoto(t testing.TB) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			img.Set(x, y, color.RGBA{uint8(x / 3), uint8(y / 2), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "IMG_0002.jpg")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
