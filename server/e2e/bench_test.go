package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// readyMarker records, in window.__jzReady, the time (ms since navigation
// start) at which go-app removed its loader: the WebAssembly app has started
// and rendered its first page. It is the same point for any go-app app.
const readyMarker = `(() => {
  let seen = false;
  const check = () => {
    if (document.getElementById("app-wasm-loader")) { seen = true; return; }
    if (seen && window.__jzReady === undefined) { window.__jzReady = performance.now(); }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
})();`

// loadTimes are one app's first and repeat (offline, cached) load times.
type loadTimes struct{ first, repeat []float64 }

// BenchmarkLoad measures navigation-to-interactive for Jiuzhu and for the
// minimal go-app app (app/bench/minimal, built by `make size`), in the same
// run, with the CPU throttled 4×: first load on a fresh profile, then a
// reload with the server stopped (served by the service worker). Run it with
// `make bench`.
func BenchmarkLoad(b *testing.B) {
	minimalWeb := filepath.Join(root, "build", "minimal")
	if _, err := os.Stat(filepath.Join(minimalWeb, "dist", "app.wasm.br")); err != nil {
		b.Fatalf("the minimal app is not built: run `make size` (make bench does) first: %v", err)
	}
	minimalBin := filepath.Join(b.TempDir(), "minimal")
	if err := goBuild(minimalBin, "./app/bench/minimal"); err != nil {
		b.Fatal(err)
	}
	apps := []struct {
		name  string
		start func() (*proc, error)
	}{
		{"jiuzhu", func() (*proc, error) { return tryStartServer(b.TempDir(), "127.0.0.1:0") }},
		{"minimal", func() (*proc, error) { return startProc(minimalBin, "--addr", "127.0.0.1:0", "--web", minimalWeb) }},
		{"minimal-loader", func() (*proc, error) {
			return startProc(minimalBin, "--addr", "127.0.0.1:0", "--web", minimalWeb, "--loader", "jiuzhu")
		}},
	}
	const rounds = 3
	results := map[string]*loadTimes{}
	for i := 0; i < b.N; i++ {
		for r := 0; r < rounds; r++ {
			for _, app := range apps { // interleaved, so drift affects both alike
				first, repeat := measureLoad(b, app.start)
				lt := results[app.name]
				if lt == nil {
					lt = &loadTimes{}
					results[app.name] = lt
				}
				lt.first = append(lt.first, first)
				lt.repeat = append(lt.repeat, repeat)
			}
		}
	}
	j, m, ml := results["jiuzhu"], results["minimal"], results["minimal-loader"]
	jf, jr, mf, mr := median(j.first), median(j.repeat), median(m.first), median(m.repeat)
	lf, lr := median(ml.first), median(ml.repeat)
	b.ReportMetric(jf, "jiuzhu-first-ms")
	b.ReportMetric(jr, "jiuzhu-repeat-ms")
	b.ReportMetric(mf, "minimal-first-ms")
	b.ReportMetric(mr, "minimal-repeat-ms")
	b.ReportMetric(lf, "minimal-loader-first-ms")
	b.ReportMetric(lr, "minimal-loader-repeat-ms")
	b.ReportMetric(jf/mf, "first-ratio")
	b.ReportMetric(jr/mr, "repeat-ratio")
	b.ReportMetric(jf/lf, "first-ratio-same-loader")
	b.ReportMetric(jr/lr, "repeat-ratio-same-loader")
	fmt.Printf("\n| load to interactive, CPU 4× (median of %d) | Jiuzhu | minimal go-app | ratio | minimal, Jiuzhu's loader | ratio | goal |\n", len(j.first))
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|")
	fmt.Printf("| first load | %.0f ms | %.0f ms | %.2f× | %.0f ms | %.2f× | ≤ 1.5× |\n", jf, mf, jf/mf, lf, jf/lf)
	fmt.Printf("| repeat load, offline | %.0f ms | %.0f ms | %.2f× | %.0f ms | %.2f× | ≤ 1.5× |\n", jr, mr, jr/mr, lr, jr/lr)
	fmt.Printf("samples (ms): jiuzhu first %v repeat %v; minimal first %v repeat %v; minimal with Jiuzhu's loader first %v repeat %v\n\n",
		round(j.first), round(j.repeat), round(m.first), round(m.repeat), round(ml.first), round(ml.repeat))
}

// measureLoad starts the app's server, loads it in a fresh browser with the
// CPU throttled 4×, waits for the service worker to hold the app, stops the
// server and reloads.
func measureLoad(b *testing.B, start func() (*proc, error)) (first, repeat float64) {
	p, err := start()
	if err != nil {
		b.Fatal(err)
	}
	defer p.kill()
	ctx, stop := newBrowser(b, "")
	defer stop()
	onNewDocument(b, ctx, readyMarker)
	cpuThrottle(b, ctx, 4)
	navigate(b, ctx, p.URL+"/")
	waitFor(b, ctx, 120*time.Second, "the app to start", `window.__jzReady !== undefined`)
	first = eval[float64](b, ctx, `window.__jzReady`)
	waitFor(b, ctx, 120*time.Second, "the service worker to hold app.wasm", `(async () => {
	  if (!navigator.serviceWorker.controller) return false;
	  for (const k of await caches.keys()) {
	    for (const r of await (await caches.open(k)).keys()) {
	      if (r.url.endsWith("/web/app.wasm")) return true;
	    }
	  }
	  return false;
	})()`)
	p.stop(b, syscall.SIGTERM)
	reload(b, ctx)
	waitFor(b, ctx, 120*time.Second, "the app to start offline", `window.__jzReady !== undefined`)
	repeat = eval[float64](b, ctx, `window.__jzReady`)
	return first, repeat
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func round(v []float64) []int {
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x + 0.5)
	}
	return out
}
