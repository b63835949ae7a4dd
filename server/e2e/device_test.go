package e2e

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A tablet whose worker has many cases: the browser pulls them all, the
// list says how many, and search finds cases by the last digits of the
// client's ID number, by surname in hanzi and in pinyin — in a real
// browser, over what the tablet synced.
func TestCaseSearchInBrowser(t *testing.T) {
	data := t.TempDir()
	addUser(t, data, "wang", "a-long-password", "worker", "t1", "620102")
	demo(t, data, "wang", 300, 7)
	srv := startServer(t, data, "127.0.0.1:0")
	ctx, _ := newBrowser(t, "")
	navigate(t, ctx, srv.URL+"/cases")
	logIn(t, ctx, "wang", "a-long-password")
	waitFor(t, ctx, 120*time.Second, "all 300 cases listed", caseCount(300))

	first := eval[string](t, ctx, `document.querySelector("#case-list .jz-client").textContent.replace(/^ · /, "")`)
	last4 := first[len(first)-4:]
	search(t, ctx, last4)
	rows := listedClients(t, ctx)
	if len(rows) == 0 {
		t.Fatalf("searching the last digits %q found nothing: %s", last4, eval[string](t, ctx, `document.getElementById("case-count").outerHTML + document.getElementById("case-search").value`))
	}
	// The digits match the end of an ID number or part of a phone (not
	// shown): the client they came from is among those found.
	if !slices.Contains(rows, first) {
		t.Errorf("searching %q did not list %q: %v", last4, first, rows)
	}
	for _, q := range []string{"王", "wang"} {
		search(t, ctx, q)
		rows := listedClients(t, ctx)
		if len(rows) == 0 {
			t.Fatalf("searching %q found nobody named 王", q)
		}
		for _, r := range rows {
			if !strings.Contains(r, "王") {
				t.Errorf("searching %q listed %q", q, r)
			}
		}
	}
	search(t, ctx, "")
	waitFor(t, ctx, 10*time.Second, "every case again", caseCount(300))

	// The generated cases have service records and nothing due: filters
	// narrow the list and widen it again.
	eval[bool](t, ctx, `(() => { document.getElementById("case-due").click(); return true; })()`)
	waitFor(t, ctx, 10*time.Second, "nothing due this week", caseCount(0))
	eval[bool](t, ctx, `(() => { document.getElementById("case-due").click(); return true; })()`)
	waitFor(t, ctx, 10*time.Second, "every case again", caseCount(300))
	setControls(t, ctx, map[string]string{"case-stage": "intervention"})
	waitFor(t, ctx, 10*time.Second, "every case is in intervention", caseCount(300))
	setControls(t, ctx, map[string]string{"case-stage": "closed"})
	waitFor(t, ctx, 10*time.Second, "none closed", caseCount(0))
	setControls(t, ctx, map[string]string{"case-stage": "*"})
	waitFor(t, ctx, 10*time.Second, "every case again", caseCount(300))

	t.Log("registering a person whose ID number another case's client has: a warning while typing")
	ids := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#case-list .jz-row"), r => r.dataset.id).slice(0, 2)`)
	openInApp(t, ctx, `#case-list .jz-row[data-id="`+ids[0]+`"] a`)
	openInApp(t, ctx, `#case-timeline li[data-type=person] a`)
	waitFor(t, ctx, 20*time.Second, "the client's page, the ID number masked", `document.getElementById("f-id_number-reveal") !== null`)
	click(t, ctx, "f-id_number-reveal") // shown in full (and the view audited)
	waitFor(t, ctx, 20*time.Second, "the full ID number", `document.getElementById("f-id_number") !== null && document.getElementById("f-id_number").value.length === 18`)
	idNumber := eval[string](t, ctx, `document.getElementById("f-id_number").value`)
	openInApp(t, ctx, "#nav-cases")
	openInApp(t, ctx, `#case-list .jz-row[data-id="`+ids[1]+`"] a`)
	openInApp(t, ctx, "#add-person")
	waitFor(t, ctx, 20*time.Second, "the new person form", `document.getElementById("consent") !== null`)
	typeInto(t, ctx, "f-id_number", idNumber)
	waitFor(t, ctx, 10*time.Second, "the duplicate warning", `document.getElementById("record-dup") !== null && document.getElementById("record-dup").textContent.includes("可能重复")`)
}

// caseCount is the predicate that the case list says it has n cases.
func caseCount(n int) string {
	return fmt.Sprintf(`document.getElementById("case-count") !== null && document.getElementById("case-count").textContent === %q`, fmt.Sprintf("共 %d 个个案", n))
}

// search types q into the case search box and waits for the list to answer
// it.
func search(t testing.TB, ctx context.Context, q string) {
	t.Helper()
	typeInto(t, ctx, "case-search", q)
	waitFor(t, ctx, 10*time.Second, "the list answering "+q, `(document.getElementById("case-count").dataset.q || "") === `+quote(q))
}

// listedClients returns the client (name and masked ID) of each listed case.
func listedClients(t testing.TB, ctx context.Context) []string {
	return eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#case-list .jz-client"), e => e.textContent.replace(/^ · /, ""))`)
}

// demo gives a user n generated cases (the server must be stopped).
func demo(t testing.TB, data, user string, n int, seed int, extra ...string) {
	t.Helper()
	args := append([]string{"demo", "--data", data, "--user", user, "--cases", strconv.Itoa(n), "--seed", strconv.Itoa(seed)}, extra...)
	if code, out, errOut := runBinary(t, 5*time.Minute, args...); code != 0 {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errOut)
	}
}

// deviceFigures are one tablet's measurements (milliseconds, bytes).
type deviceFigures struct {
	cases     int
	catchup   float64   // first sync of every case, unthrottled
	open      []float64 // unlock to the case list shown
	keystroke []float64 // one search keystroke to the list answering it
	save      []float64 // saving a new case to "saved"
	openCase  []float64 // a case with 50 service records, from the list to its page with every record
	idbBytes  float64
}

// BenchmarkDevice measures a tablet with 10,000 cases (each with its
// client and five service records: 70,000 records) next to one with 100, in
// the same run, headless Chromium with the CPU throttled 4×: unlocking
// and opening the case list, a search keystroke, saving one record, and
// the size of the tablet's storage. JIUZHU_DEVICE_CASES overrides 10,000.
// Run it with `make bench`.
func BenchmarkDevice(b *testing.B) {
	big := 10000
	if v, err := strconv.Atoi(os.Getenv("JIUZHU_DEVICE_CASES")); err == nil && v > 0 {
		big = v
	}
	data := b.TempDir()
	addUser(b, data, "small", "a-long-password", "worker", "t1", "620102")
	addUser(b, data, "big", "a-long-password", "worker", "t1", "620102")
	// Each also gets one case with 50 service records (titled …多次服务个案).
	demo(b, data, "small", 100, 1, "--busy", "50")
	demo(b, data, "big", big, 2, "--busy", "50")
	srv := startServer(b, data, "127.0.0.1:0")
	for i := 0; i < b.N; i++ {
		var figs []deviceFigures
		for _, u := range []struct {
			name string
			n    int
		}{{"small", 100}, {"big", big}} {
			figs = append(figs, measureDevice(b, srv.URL, u.name, u.n+1))
		}
		small, large := figs[0], figs[1]
		b.Logf("device, CPU 4× throttled, median ms   %d cases | %d cases | ratio", small.cases, large.cases)
		row := func(what string, s, l float64) {
			b.Logf("  %-34s %10.1f | %10.1f | %.2f×", what, s, l, l/s)
		}
		row("unlock and open the case list", median(small.open), median(large.open))
		row("search keystroke", median(small.keystroke), median(large.keystroke))
		row("save one record (durable)", median(small.save), median(large.save))
		row("open a case with 50 service records", median(small.openCase), median(large.openCase))
		row("IndexedDB size (MB)", small.idbBytes/1e6, large.idbBytes/1e6)
		row("first sync, unthrottled (s)", small.catchup/1000, large.catchup/1000)
		b.ReportMetric(median(large.open), "open-ms")
		b.ReportMetric(median(large.keystroke), "keystroke-ms")
		b.ReportMetric(median(large.save), "save-ms")
		b.ReportMetric(median(large.openCase), "opencase-ms")
		b.ReportMetric(large.idbBytes/1e6, "idb-MB")
		b.ReportMetric(median(small.open), "open-small-ms")
		b.ReportMetric(median(small.keystroke), "keystroke-small-ms")
		b.ReportMetric(median(small.save), "save-small-ms")
		b.ReportMetric(median(small.openCase), "opencase-small-ms")
		b.ReportMetric(median(large.open)/median(small.open), "open-ratio")
		b.ReportMetric(median(large.keystroke)/median(small.keystroke), "keystroke-ratio")
	}
}

// measureDevice logs user in on a fresh profile, waits for every case, then
// measures with the CPU throttled 4×.
func measureDevice(b *testing.B, url, user string, n int) deviceFigures {
	f := deviceFigures{cases: n}
	ctx, stop := newBrowser(b, "")
	defer stop()
	navigate(b, ctx, url+"/cases")
	start := time.Now()
	logIn(b, ctx, user, "a-long-password")
	for !eval[bool](b, ctx, caseCount(n)) {
		if time.Since(start) > 20*time.Minute {
			b.Fatalf("%s: not all %d cases after 20 minutes", user, n)
		}
		time.Sleep(2 * time.Second)
		progress("%s: %s, %s", user, eval[string](b, ctx, `(document.getElementById("case-count") || {}).textContent`),
			eval[string](b, ctx, `(document.getElementById("net-status") || {}).textContent`))
	}
	f.catchup = float64(time.Since(start).Milliseconds())
	progress("%s: %d cases synced in %.1f s", user, n, f.catchup/1000)
	f.idbBytes = eval[float64](b, ctx, `navigator.storage.estimate().then(e => e.usageDetails && e.usageDetails.indexedDB || e.usage)`)

	cpuThrottle(b, ctx, 4)
	defer cpuThrottle(b, ctx, 1)
	for range 3 {
		reload(b, ctx)
		waitFor(b, ctx, 60*time.Second, "the live unlock screen", `document.getElementById("login-password") !== null && !document.getElementById("login-password").disabled`)
		typeInto(b, ctx, "login-password", "a-long-password")
		f.open = append(f.open, timed(b, ctx, `document.getElementById("login-submit").click()`, caseCount(n)))
	}
	progress("%s: unlock and open %v ms", user, round(f.open))
	// Keystrokes as a worker types them: a surname in pinyin, then the
	// last digits of an ID number.
	typed := ""
	for _, k := range []string{"w", "a", "n", "g", "", "1", "2", "3", "4"} {
		if k == "" {
			typed = ""
			continue
		}
		typed += k
		f.keystroke = append(f.keystroke, timed(b, ctx,
			fmt.Sprintf(`(() => { const el = document.getElementById("case-search"); el.value = %q; el.dispatchEvent(new Event("input", { bubbles: true })); })()`, typed),
			`(document.getElementById("case-count").dataset.q || "") === `+quote(typed)))
	}
	for i := range 5 {
		title := fmt.Sprintf("测量保存 %d", i)
		typeInto(b, ctx, "case-title", title)
		f.save = append(f.save, timed(b, ctx, `document.getElementById("case-create").click()`,
			`document.getElementById("case-message") !== null && document.getElementById("case-message").textContent === "已保存在本机。" && document.getElementById("case-title").value === ""`))
	}
	for range 5 { // the first opening reads from a cold cache: five, and the median
		search(b, ctx, "多次服务个案")
		waitFor(b, ctx, 10*time.Second, "the busy case listed", caseCount(1))
		f.openCase = append(f.openCase, timed(b, ctx, `document.querySelector("#case-list .jz-row a").click()`,
			`document.getElementById("case-timeline") !== null && document.querySelectorAll("#case-timeline li").length === 51`))
		openInApp(b, ctx, "#case-back")
	}
	progress("%s: keystrokes %v ms, saves %v ms, open a busy case %v ms", user, round(f.keystroke), round(f.save), round(f.openCase))
	return f
}

// progress tells the person running a long benchmark where it is.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "device bench: "+format+"\n", args...)
}

// timed runs action in the page and returns the milliseconds until done
// (a predicate) holds, measured in the page, polling every animation frame.
func timed(t testing.TB, ctx context.Context, action, done string) float64 {
	t.Helper()
	return eval[float64](t, ctx, fmt.Sprintf(`new Promise((ok, fail) => {
	  const t0 = performance.now();
	  %s;
	  const until = t0 + 60000;
	  const poll = () => {
	    let d = false;
	    try { d = (%s); } catch (e) {}
	    if (d) { ok(performance.now() - t0); return; }
	    if (performance.now() > until) { fail(new Error("timed out")); return; }
	    setTimeout(poll, 1);
	  };
	  poll();
	})`, action, done))
}
