package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// fakeWasm is a stand-in for app.wasm: the server treats it as opaque bytes.
var fakeWasm = bytes.Repeat([]byte("\x00asm-jiuzhu-"), 4096)

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// webFS lays out static/ and dist/ as the repository's web/ does.
func webFS(t *testing.T, withRaw bool) fstest.MapFS {
	m := fstest.MapFS{
		"static/app.css":                     {Data: []byte("body{}")},
		"static/jiuzhu.js":                   {Data: []byte("window.jiuzhuUpdated = false;")},
		"static/icons/icon.svg":              {Data: []byte("<svg/>")},
		"static/icons/icon-192.png":          {Data: []byte("png192")},
		"static/icons/icon-512.png":          {Data: []byte("png512")},
		"static/icons/icon-maskable-512.png": {Data: []byte("pngmask")},
		"dist/app.wasm.br":                   {Data: []byte("brotli-bytes")},
		"dist/app.wasm.gz":                   {Data: gz(t, fakeWasm)},
	}
	if withRaw {
		m["dist/app.wasm"] = &fstest.MapFile{Data: fakeWasm}
	}
	return m
}

func newTestServer(t *testing.T, web fstest.MapFS) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(Config{DataDir: t.TempDir(), Web: web, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })
	return s, ts
}

func get(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// A bare transport: no automatic gzip, so Content-Encoding is visible.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	s, ts := newTestServer(t, webFS(t, true))
	resp, body := get(t, ts.URL+"/healthz")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var h health
	if err := json.Unmarshal(body, &h); err != nil {
		t.Fatal(err)
	}
	if h.Status != "ok" || h.DB != "ok" || h.Version != s.Version() || h.Version == "" {
		t.Errorf("healthz = %+v, version %q", h, s.Version())
	}
	// With the store closed the check fails and says so.
	s.store.Close()
	resp, body = get(t, ts.URL+"/healthz")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), `"db":"error"`) {
		t.Errorf("closed store: %d %s", resp.StatusCode, body)
	}
}

func TestWasmEncodings(t *testing.T) {
	t.Parallel()
	_, ts := newTestServer(t, webFS(t, true))
	for _, c := range []struct{ accept, enc, body string }{
		{"gzip, deflate, br, zstd", "br", "brotli-bytes"},
		{"br;q=0, gzip", "gzip", ""},
		{"gzip;q=0.5", "gzip", ""},
		{"", "", string(fakeWasm)},
		{"identity", "", string(fakeWasm)},
	} {
		resp, body := get(t, ts.URL+"/web/app.wasm", "Accept-Encoding", c.accept)
		if resp.StatusCode != 200 {
			t.Fatalf("%q: status %d", c.accept, resp.StatusCode)
		}
		if got := resp.Header.Get("Content-Encoding"); got != c.enc {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", c.accept, got, c.enc)
		}
		if got := resp.Header.Get("Content-Type"); got != "application/wasm" {
			t.Errorf("Content-Type %q", got)
		}
		if got := resp.Header.Get("Vary"); got != "Accept-Encoding" {
			t.Errorf("Vary %q", got)
		}
		if c.body != "" && string(body) != c.body {
			t.Errorf("%q: wrong body (%d bytes)", c.accept, len(body))
		}
		if c.enc == "gzip" {
			r, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(r)
			if !bytes.Equal(raw, fakeWasm) {
				t.Errorf("gzip body does not decode to app.wasm")
			}
		}
		// Revalidation answers 304 for the same variant.
		resp2, _ := get(t, ts.URL+"/web/app.wasm", "Accept-Encoding", c.accept, "If-None-Match", resp.Header.Get("ETag"))
		if resp2.StatusCode != http.StatusNotModified {
			t.Errorf("%q: revalidation status %d", c.accept, resp2.StatusCode)
		}
	}
}

// The loader's progress bar needs the uncompressed size, also when only the
// compressed copies were deployed.
func TestWasmContentLength(t *testing.T) {
	t.Parallel()
	for _, withRaw := range []bool{true, false} {
		_, ts := newTestServer(t, webFS(t, withRaw))
		_, js := get(t, ts.URL+"/app.js")
		want := `const goappWasmContentLength = "` + strconv.Itoa(len(fakeWasm)) + `"`
		if !strings.Contains(string(js), want) {
			t.Errorf("raw=%v: app.js lacks %s", withRaw, want)
		}
	}
}

func TestWasmNotBuilt(t *testing.T) {
	t.Parallel()
	web := webFS(t, false)
	delete(web, "dist/app.wasm.br")
	delete(web, "dist/app.wasm.gz")
	web["dist/.gitkeep"] = &fstest.MapFile{}
	_, ts := newTestServer(t, web)
	resp, body := get(t, ts.URL+"/web/app.wasm")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "make build") {
		t.Errorf("unbuilt wasm: %d %q", resp.StatusCode, body)
	}
}

func TestVersionIsContentHash(t *testing.T) {
	t.Parallel()
	a, _ := newTestServer(t, webFS(t, true))
	b, _ := newTestServer(t, webFS(t, true))
	if a.Version() != b.Version() {
		t.Errorf("same files, versions %s and %s", a.Version(), b.Version())
	}
	changed := webFS(t, true)
	changed["static/app.css"] = &fstest.MapFile{Data: []byte("body{color:red}")}
	c, _ := newTestServer(t, changed)
	if c.Version() == a.Version() {
		t.Errorf("changed CSS, same version %s", a.Version())
	}
}

func TestPagesAndNotFound(t *testing.T) {
	t.Parallel()
	_, ts := newTestServer(t, webFS(t, true))
	for _, c := range []struct {
		path, want string
		status     int
	}{
		// Prerendered, every page is the login screen (no account is open
		// on the server); the app then routes itself in the browser.
		{"/", `id="login-form"`, 200},
		{"/cases", `id="login-form"`, 200},
		{"/review", `id="login-form"`, 200},
		{"/no/such/page", `id="login-form"`, 404},
	} {
		resp, body := get(t, ts.URL+c.path)
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", c.path, resp.StatusCode, c.status)
		}
		if !strings.Contains(string(body), c.want) || !strings.Contains(string(body), `lang="zh-CN"`) {
			t.Errorf("%s: page lacks %q or lang=zh-CN", c.path, c.want)
		}
	}
	resp, body := get(t, ts.URL+"/robots.txt")
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Disallow: /") {
		t.Errorf("robots.txt: %d %q", resp.StatusCode, body)
	}
}

// fetchRef finds what a browser fetches from a page or a stylesheet, and any
// absolute URL in a script or the manifest. (go-app's og:url and og:image
// meta tags are not fetched; without a configured domain they hold no host.)
var fetchRef = regexp.MustCompile(`(?:src|href)="([^"]*)"|url\(([^)]*)\)|["'](https?://[^"']*)["']`)

// Nothing the page, the manifest or the service worker refers to may live on
// another host: the worker's install would fail and offline use with it.
func TestOnlyLocalResources(t *testing.T) {
	t.Parallel()
	_, ts := newTestServer(t, webFS(t, true))
	for _, path := range []string{"/", "/cases", "/manifest.webmanifest", "/app-worker.js", "/app.js", "/wasm_exec.js", "/web/app.css", "/app.css"} {
		_, body := get(t, ts.URL+path)
		for _, m := range fetchRef.FindAllStringSubmatch(string(body), -1) {
			if ref := m[1] + m[2] + m[3]; strings.Contains(ref, "//") {
				t.Errorf("%s refers to another host: %q", path, ref)
			}
		}
	}
	// The precache list: every entry is a local path, and each one is served.
	_, sw := get(t, ts.URL+"/app-worker.js")
	list := regexp.MustCompile(`const resourcesToCache = (\[.*\]);`).FindSubmatch(sw)
	if list == nil {
		t.Fatal("worker has no resourcesToCache")
	}
	var urls []string
	if err := json.Unmarshal(list[1], &urls); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/", "/web/app.wasm", "/app.js", "/wasm_exec.js", "/web/app.css", "/web/icons/icon.svg"} {
		if !contains(urls, want) {
			t.Errorf("precache lacks %s: %v", want, urls)
		}
	}
	for _, u := range urls {
		if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
			t.Errorf("precache entry %q is not a local path", u)
			continue
		}
		resp, _ := get(t, ts.URL+u, "Accept-Encoding", "br")
		if resp.StatusCode != 200 {
			t.Errorf("precache entry %s: status %d", u, resp.StatusCode)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestParseAcceptEncodingIgnoresJunk(t *testing.T) {
	t.Parallel()
	_, ts := newTestServer(t, webFS(t, true))
	for _, h := range []string{";;;", "br;q=abc", ",,,", "BR", "gzip;q=0,br;q=0"} {
		resp, _ := get(t, ts.URL+"/web/app.wasm", "Accept-Encoding", h)
		if resp.StatusCode != 200 {
			t.Errorf("Accept-Encoding %q: status %d", h, resp.StatusCode)
		}
	}
}

// /app.js is go-app's loader with Jiuzhu's wasm fetch (web/loader.go), which
// the pinned go-app version must still allow.
func TestAppJSHasJiuzhuLoader(t *testing.T) {
	t.Parallel()
	_, ts := newTestServer(t, webFS(t, true))
	_, js := get(t, ts.URL+"/app.js")
	if !strings.Contains(string(js), `jiuzhuFetchWasm("/web/app.wasm", showProgress)`) || strings.Contains(string(js), `fetchWithProgress("/web/app.wasm"`) {
		t.Errorf("app.js does not fetch app.wasm with Jiuzhu's loader:\n%s", js)
	}
}
