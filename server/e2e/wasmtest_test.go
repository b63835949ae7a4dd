package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestAppLocalInBrowser runs the tests of app/local/... compiled to
// WebAssembly in headless Chromium: IndexedDB, WebCrypto and the contract
// suite against the real browser. Each package's test binary is served from
// 127.0.0.1 (a secure context) with wasm_exec.js and a page that runs it
// with -test.v, collects what it prints and its exit code.
//
// JIUZHU_WASMTEST_RUN sets -test.run in the browser. JIUZHU_LOCAL_BENCH=1
// also runs the measurements, with the CPU throttled 4×.
func TestAppLocalInBrowser(t *testing.T) {
	runWasmTests(t, "./app/local/...")
}

// wasmTestPage runs /t/<name>.wasm as a Go test binary. Output goes to
// window.__out, the exit code to window.__exit.
const wasmTestPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>wasm test</title>
<script src="/wasm_exec.js"></script>
<script>
(async () => {
  const cfg = await (await fetch("/config.json" + location.search)).json();
  const dec = new TextDecoder("utf-8");
  window.__out = "";
  globalThis.fs.writeSync = function (fd, buf) {
    window.__out += dec.decode(buf, { stream: true });
    return buf.length;
  };
  const go = new Go();
  go.argv = ["x.wasm"].concat(cfg.args);
  go.env = cfg.env;
  go.exit = (code) => { window.__exit = code; };
  try {
    const { instance } = await WebAssembly.instantiateStreaming(fetch(cfg.wasm), go.importObject);
    await go.run(instance);
    if (window.__exit === undefined) window.__exit = 0;
  } catch (e) {
    window.__out += "\nwasm test page: " + e + "\n";
    window.__exit = -1;
  }
})();
</script></head><body>running</body></html>`

// runWasmTests compiles the test binary of each package matching pattern
// (relative to the repository root) for js/wasm and runs it in Chromium.
func runWasmTests(t *testing.T, pattern string) {
	bench := os.Getenv("JIUZHU_LOCAL_BENCH") != ""
	dir := t.TempDir()
	pkgs := goListTests(t, pattern)
	if len(pkgs) == 0 {
		t.Fatalf("no packages with tests match %s", pattern)
	}
	for i, pkg := range pkgs {
		out := filepath.Join(dir, fmt.Sprintf("p%d.wasm", i))
		cmd := exec.Command("go", "test", "-c", "-o", out, pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("GOOS=js GOARCH=wasm go test -c %s: %v\n%s", pkg, err, b)
		}
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	wasmExec := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js")

	args := []string{"-test.v", "-test.timeout=240s"}
	if run := os.Getenv("JIUZHU_WASMTEST_RUN"); run != "" {
		args = append(args, "-test.run="+run)
	}
	env := map[string]string{}
	if bench {
		env["JIUZHU_LOCAL_BENCH"] = "1"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(wasmTestPage))
	})
	mux.HandleFunc("/wasm_exec.js", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, wasmExec) })
	mux.HandleFunc("/config.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		wasm := "/t/p" + r.URL.Query().Get("p") + ".wasm" // the page's ?p= names the package
		json.NewEncoder(w).Encode(map[string]any{"wasm": wasm, "args": args, "env": env})
	})
	mux.HandleFunc("/t/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/wasm")
		w.Header().Set("Cache-Control", "no-store")
		http.ServeFile(w, r, filepath.Join(dir, filepath.Base(r.URL.Path)))
	})
	srv := httptest.NewServer(mux) // listens on 127.0.0.1: a secure context
	defer srv.Close()

	ctx, _ := newBrowser(t, "")
	if bench {
		cpuThrottle(t, ctx, 4)
	}
	for i, pkg := range pkgs {
		t.Run(strings.ReplaceAll(pkg, "/", "_"), func(t *testing.T) {
			out, code := runWasmPage(t, ctx, srv.URL+"/?p="+fmt.Sprint(i), 270*time.Second)
			for _, line := range strings.Split(out, "\n") {
				if strings.Contains(line, "MEASURE") || strings.Contains(line, "persistent storage") {
					t.Log(strings.TrimSpace(line))
				}
			}
			if code != 0 {
				t.Fatalf("%s in Chromium: exit code %d\n%s", pkg, code, out)
			}
			if testing.Verbose() {
				t.Logf("%s in Chromium:\n%s", pkg, out)
			}
		})
	}
}

// runWasmPage loads the test page and waits for the test binary to exit.
func runWasmPage(t *testing.T, ctx context.Context, url string, limit time.Duration) (string, int) {
	navigate(t, ctx, url)
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		// A page busy in WebAssembly (a benchmark filling the store with
		// the CPU throttled) answers late.
		c, cancel := context.WithTimeout(ctx, 90*time.Second)
		v, err := chromedp.Run(c, chromedp.Evaluate[struct {
			Done bool
			Code int
		}](`({Done: window.__exit !== undefined, Code: window.__exit || 0})`))
		cancel()
		if err != nil {
			t.Fatalf("polling the test page: %v", err)
		}
		if v.Done {
			return eval[string](t, ctx, `window.__out`), v.Code
		}
		time.Sleep(200 * time.Millisecond)
	}
	out, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`window.__out || ""`))
	t.Fatalf("the tests did not finish within %v; output so far:\n%s", limit, out)
	return "", -1
}

// goListTests lists the packages matching pattern that have tests, as
// built for js/wasm.
func goListTests(t *testing.T, pattern string) []string {
	cmd := exec.Command("go", "list", "-f", "{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}", pattern)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", pattern, err, stderr.String())
	}
	return strings.Fields(string(b))
}
