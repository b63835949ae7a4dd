package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The casework screens in Chinese and English, portrait (768×1024) and
// landscape (1024×768): each is saved as a screenshot under
// build/screenshots, and checked: nothing wider than the screen, no text
// cut off in its box, no catalog key shown instead of a label, and touch
// targets at least 44 px high.
func TestScreens(t *testing.T) {
	data := t.TempDir()
	addUser(t, data, "wang", "a-long-password", "worker", "t1", "620102")
	demo(t, data, "wang", 20, 3)
	srv := startServer(t, data, "127.0.0.1:0")
	ctx, _ := newBrowser(t, "")
	navigate(t, ctx, srv.URL+"/cases")
	logIn(t, ctx, "wang", "a-long-password")
	waitFor(t, ctx, 60*time.Second, "the cases", caseCount(20))
	id := eval[string](t, ctx, `document.querySelector("#case-list .jz-row").dataset.id`)
	// A group with members and a session, for the group pages.
	openInApp(t, ctx, "#nav-groups")
	openInApp(t, ctx, "#new-group")
	waitFor(t, ctx, 20*time.Second, "the group form", `document.getElementById("f-name") !== null`)
	saveRecord(t, ctx, map[string]string{"f-name": "邻里互助支持小组", "f-type": "support", "f-start": daysAgo(10)}, nil)
	for _, m := range []string{"张一", "李二", "欧阳三丰"} {
		openInApp(t, ctx, "#add-group_member")
		waitFor(t, ctx, 20*time.Second, "the member form", `document.getElementById("f-name") !== null && document.getElementById("f-name").value === ""`)
		saveRecord(t, ctx, map[string]string{"f-name": m}, nil)
		openInApp(t, ctx, "#record-back")
		waitFor(t, ctx, 20*time.Second, "the group page", `document.getElementById("add-group_session") !== null`)
	}
	openInApp(t, ctx, "#add-group_session")
	waitFor(t, ctx, 20*time.Second, "the session form", `document.getElementById("f-number") !== null`)
	saveRecord(t, ctx, map[string]string{"f-number": "1", "f-date": daysAgo(1), "f-stage": "forming"}, nil)
	waitFor(t, ctx, 20*time.Second, "the grid", `document.querySelectorAll("#att-grid li").length === 3`)
	click(t, ctx, "att-0")
	dir := filepath.Join(root, "build", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	pages := []struct {
		name  string
		open  func()
		ready string
	}{
		{"cases", func() { openInApp(t, ctx, "#nav-cases") }, `document.getElementById("case-list") !== null`},
		{"case", func() { openInApp(t, ctx, `#case-list .jz-row[data-id="`+id+`"] a`) }, `document.getElementById("case-timeline") !== null`},
		{"new-person", func() { openInApp(t, ctx, "#add-person") }, `document.getElementById("consent") !== null`},
		{"service-record", func() {
			openInApp(t, ctx, "#record-back")
			waitFor(t, ctx, 20*time.Second, "the case page", `document.getElementById("case-timeline") !== null`)
			openInApp(t, ctx, "#case-timeline li[data-type=service_record] a")
		}, `document.getElementById("record-form") !== null && document.getElementById("f-content") !== null`},
		{"review", func() { openInApp(t, ctx, "#net-status") }, `document.getElementById("no-conflicts") !== null`},
		{"groups", func() { openInApp(t, ctx, "#nav-groups") }, `document.getElementById("list-group") !== null`},
		{"session", func() {
			openInApp(t, ctx, "#list-group a")
			waitFor(t, ctx, 20*time.Second, "the group page", `document.querySelector(".jz-rows a[href*='group_session']") !== null`)
			openInApp(t, ctx, ".jz-rows a[href*='group_session']")
		}, `document.querySelectorAll("#att-grid li").length === 3 && document.getElementById("photo-input") !== null`},
		{"supervision", func() { openInApp(t, ctx, "#nav-supervision") }, `document.getElementById("hours") !== null`},
	}
	for _, lang := range []string{"zh-CN", "en"} {
		if lang == "en" {
			click(t, ctx, "lang-switch")
			waitFor(t, ctx, 10*time.Second, "English", `document.documentElement.lang === "en"`)
		}
		for _, size := range [][2]int64{{768, 1024}, {1024, 768}} {
			if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
				Width: size[0], Height: size[1], DeviceScaleFactor: 1, Mobile: true}); err != nil {
				t.Fatal(err)
			}
			for _, p := range pages {
				p.open()
				waitFor(t, ctx, 20*time.Second, p.name, p.ready)
				name := fmt.Sprintf("%s-%dx%d-%s", lang, size[0], size[1], p.name)
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
				if bad := eval[[]string](t, ctx, layoutProblems); len(bad) > 0 {
					t.Errorf("%s: %s", name, strings.Join(bad, "; "))
				}
			}
		}
	}
	t.Logf("screenshots in %s", dir)
}

// layoutProblems lists what is wrong with the page's layout: a page wider
// than the screen, text cut off in its box, a catalog key where a label
// belongs, a control lower than a touch target.
const layoutProblems = `(() => {
  const out = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    out.push("page " + document.documentElement.scrollWidth + "px wide on a " + window.innerWidth + "px screen");
  }
  for (const el of document.querySelectorAll("body *")) {
    const cs = getComputedStyle(el);
    if (cs.display === "none" || cs.visibility === "hidden" || el.closest("svg") || el.closest(".jz-visually-hidden")) continue; // screen-reader-only labels and the camera input behind its button
    const text = Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join("");
    if (text && el.scrollWidth > el.clientWidth + 1 && cs.overflowX !== "auto" && cs.overflowX !== "scroll" && el.clientWidth > 0) {
      out.push("text cut off in <" + el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + ">: " + text.slice(0, 30));
    }
    if (/^(nav|cases|case|form|record|review|app|desc|login|status|storage|section|merge|household|div|att|vol|cert|hours|photo|my|sync|admin|person|history)\.[a-z_]+$/.test(text)) {
      out.push("catalog key shown: " + text);
    }
    if (el.matches("button, select, input:not([type=checkbox]):not([type=radio]), textarea, .button") && el.getBoundingClientRect().height < 44) {
      out.push("touch target " + Math.round(el.getBoundingClientRect().height) + "px high: <" + el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + ">");
    }
  }
  return out.slice(0, 12);
})()`
