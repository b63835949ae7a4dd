package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// One worker on a tablet: a client signs the consent with a finger; the
// case gets a case-management team and a note of their meeting with the
// members picked; a household's income is compared with the local
// standard; the same person registered in a second case is found on the
// tablet and the two records merged; and a form stays usable with the
// on-screen keyboard open.
func TestCaseManagementOnTablet(t *testing.T) {
	data := t.TempDir()
	addUser(t, data, "wang", "a-long-password", "worker", "t1", "620102")
	srv := startServer(t, data, "127.0.0.1:0")
	a, _ := newBrowser(t, "")
	navigate(t, a, srv.URL+"/cases")
	logIn(t, a, "wang", "a-long-password")
	appShows(t, a, "个案")
	openCase := func(title string) {
		typeInto(t, a, "case-title", title)
		click(t, a, "case-create")
		waitFor(t, a, 20*time.Second, "the case listed", caseListed(title))
		id := eval[string](t, a, `[...document.querySelectorAll("#case-list .jz-row")].find(r => r.innerText.includes(`+quote(title)+`)).dataset.id`)
		openInApp(t, a, `#case-list .jz-row[data-id="`+id+`"] a`)
		waitFor(t, a, 20*time.Second, "the case page", `document.getElementById("add-person") !== null`)
	}

	t.Log("the client signs the consent on the screen")
	openCase("李四个案")
	openInApp(t, a, "#add-person")
	waitFor(t, a, 20*time.Second, "the consent", `document.getElementById("c-signature-pad") !== null`)
	sign(t, a, "c-signature-pad")
	waitFor(t, a, 10*time.Second, "the signature in the form", `document.getElementById("c-signature").value.startsWith("data:image/png;base64,")`)
	click(t, a, "c-signature-clear")
	waitFor(t, a, 10*time.Second, "the signature cleared", `document.getElementById("c-signature").value === ""`)
	sign(t, a, "c-signature-pad")
	saveRecord(t, a, map[string]string{"f-name": "李四", "f-id_number": "620102198001011239", "f-phone": "13912345678", "c-date": daysAgo(1), "c-separate": "true"},
		[]string{"c-scope-record", "c-scope-sensitive"})
	backToCase(t, a)
	openInApp(t, a, "#case-timeline li[data-type=consent] a")
	waitFor(t, a, 20*time.Second, "the saved signature shown", `document.getElementById("f-signature-image") !== null && document.getElementById("f-signature-image").src.startsWith("data:image/png;base64,") && document.getElementById("f-signature-image").naturalWidth === 480`)
	backToCase(t, a)

	t.Log("a case-management team, and a note of their meeting with two of them")
	for _, m := range [][3]string{{"王医生", "全科医生", "城关区社区卫生服务中心"}, {"赵老师", "班主任", "城关区第一小学"}, {"钱律师", "律师", "法律援助中心"}} {
		addRecord(t, a, "team_member", map[string]string{"f-name": m[0], "f-profession": m[1], "f-organisation": m[2]}, nil, true)
		backToCase(t, a)
	}
	openInApp(t, a, "#add-team_note")
	waitFor(t, a, 20*time.Second, "the members to pick", `document.querySelectorAll("#f-participants input[type=checkbox]").length === 3`)
	picked := eval[[]string](t, a, `(() => {
		const out = [];
		for (const box of document.querySelectorAll("#f-participants input[type=checkbox]")) {
			const label = box.closest("label").innerText;
			if (label.includes("王医生") || label.includes("赵老师")) { box.click(); out.push(box.value); }
		}
		return out;
	})()`)
	if len(picked) != 2 {
		t.Fatalf("picked %v, want two team members", picked)
	}
	saveRecord(t, a, map[string]string{"f-date": daysAgo(0), "f-text": "协调就医与孩子上学"}, nil)
	waitFor(t, a, 10*time.Second, "the two members kept", `[...document.querySelectorAll("#f-participants input:checked")].map(b => b.value).sort().join() === `+quote(strings.Join(slices.Sorted(slices.Values(picked)), ",")))
	backToCase(t, a)

	t.Log("the household's income per head against the local standard")
	addRecord(t, a, "household", map[string]string{"f-address": "城关区张掖路1号", "f-area": "urban", "f-size": "2", "f-income_per_head-amount": "500", "f-dibao_standard-amount": "770"}, nil, true)
	waitFor(t, a, 10*time.Second, "the comparison", `document.getElementById("household-standing") !== null && document.getElementById("household-standing").innerText.includes("低于当地低保标准 770.00 元（差 270.00 元）")`)
	backToCase(t, a)

	t.Log("the same person registered in a second case: found on the tablet and merged")
	openInApp(t, a, "#nav-cases")
	waitFor(t, a, 20*time.Second, "the list", caseListed("李四个案"))
	openCase("李四复核")
	openInApp(t, a, "#add-person")
	waitFor(t, a, 20*time.Second, "the form", `document.getElementById("f-id_number") !== null`)
	setControls(t, a, map[string]string{"f-id_number": "620102198001011239"})
	waitFor(t, a, 10*time.Second, "the duplicate warning while typing", `document.getElementById("record-dup") !== null && document.getElementById("record-dup").textContent.includes("李四个案")`)
	saveRecord(t, a, map[string]string{"f-name": "李四", "f-address": "城关区张掖路1号", "f-phone": "13800000000", "c-date": daysAgo(0), "c-separate": "true"},
		[]string{"c-scope-record", "c-scope-sensitive"})
	openInApp(t, a, "#record-merge")
	waitFor(t, a, 20*time.Second, "the comparison", `document.getElementById("merge-table") !== null`)
	rows := eval[[]string](t, a, `[...document.querySelectorAll("#merge-table tr[data-field]")].map(r => r.dataset.field)`)
	if strings.Join(rows, ",") != "phone,address" {
		t.Fatalf("the merge compares %v, want phone and address (the rest agree)", rows)
	}
	if bad := eval[[]string](t, a, layoutProblems); len(bad) > 0 {
		t.Errorf("merge page: %s", strings.Join(bad, "; "))
	}
	click(t, a, "m-phone-b") // the first case's number is the right one
	click(t, a, "merge-save")
	waitFor(t, a, 20*time.Second, "merged", `document.getElementById("merge-same") !== null && document.getElementById("merge-msg").textContent === "已合并，保存在本机。"`)
	for _, side := range []string{"merge-a", "merge-b"} {
		openInApp(t, a, "#"+side)
		waitFor(t, a, 20*time.Second, "the merged person on "+side, `document.getElementById("f-phone") !== null && document.getElementById("f-phone").value === "13912345678" && document.getElementById("f-address").value === "城关区张掖路1号"`)
		if side == "merge-a" {
			eval[bool](t, a, `(() => { history.back(); return true; })()`)
			waitFor(t, a, 20*time.Second, "the merge page again", `document.getElementById("merge-b") !== null`)
		}
	}

	t.Log("the on-screen keyboard: the field being typed into stays in view")
	backToCase(t, a)
	openInApp(t, a, "#add-service_record")
	waitFor(t, a, 20*time.Second, "the form", `document.getElementById("f-next_step") !== null`)
	metrics(t, a, 768, 1024)
	// The field is near the bottom of the screen when the worker taps it;
	// then the keyboard takes the lower 400 px.
	eval[bool](t, a, `(() => { const el = document.getElementById("f-next_step"); window.scrollBy(0, el.getBoundingClientRect().bottom - window.innerHeight + 20); el.focus({ preventScroll: true }); return true; })()`)
	if bottom := eval[float64](t, a, `document.getElementById("f-next_step").getBoundingClientRect().bottom`); bottom < 624 {
		t.Fatalf("the field is at %.0f px before the keyboard opens; the test wants it where the keyboard will be", bottom)
	}
	metrics(t, a, 768, 624)
	waitFor(t, a, 10*time.Second, "the field above the keyboard", `(() => { const r = document.getElementById("f-next_step").getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; })()`)
	eval[bool](t, a, `(() => { document.getElementById("record-save").scrollIntoView({ block: "center" }); return true; })()`)
	if !eval[bool](t, a, `(() => { const b = document.getElementById("record-save"), r = b.getBoundingClientRect(); return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === b; })()`) {
		t.Error("with the keyboard open, the save button cannot be reached")
	}
	if bad := eval[[]string](t, a, layoutProblems); len(bad) > 0 {
		t.Errorf("with the keyboard open: %s", strings.Join(bad, "; "))
	}
}

// sign draws a stroke across the canvas with a finger (touch events).
func sign(t testing.TB, ctx context.Context, id string) {
	t.Helper()
	r := eval[[]float64](t, ctx, fmt.Sprintf(`(() => { const c = document.getElementById(%q); c.scrollIntoView({ block: "center" }); const r = c.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`, id))
	x, y, w, h := r[0], r[1], r[2], r[3]
	touch := func(typ input.DispatchTouchEventType, px, py float64) {
		p := input.DispatchTouchEventParams{Type: typ, TouchPoints: []*input.TouchPoint{}}
		if typ != input.DispatchTouchEventTypeTouchEnd {
			p.TouchPoints = []*input.TouchPoint{{X: px, Y: py}}
		}
		if _, err := chromedp.Call(ctx, input.DispatchTouchEvent, p); err != nil {
			t.Fatal(err)
		}
	}
	touch(input.DispatchTouchEventTypeTouchStart, x+w*0.1, y+h*0.7)
	for i := 1; i <= 20; i++ {
		f := float64(i) / 20
		touch(input.DispatchTouchEventTypeTouchMove, x+w*(0.1+0.8*f), y+h*(0.7-0.4*f*(1-f)*4))
	}
	touch(input.DispatchTouchEventTypeTouchEnd, 0, 0)
}

// metrics sets the screen size (a tablet, portrait or landscape; a smaller
// height is the on-screen keyboard).
func metrics(t testing.TB, ctx context.Context, w, h int64) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: w, Height: h, DeviceScaleFactor: 1, Mobile: true}); err != nil {
		t.Fatal(err)
	}
}
