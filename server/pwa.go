package server

import (
	"bytes"
	_ "embed"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app"
	"jiuzhu/shared/i18n"
	"jiuzhu/web"
)

//go:embed app-worker.js
var serviceWorker string

// Icons and other files the service worker precaches besides go-app's own
// list (which has the PNG icons, styles, app.js, wasm_exec.js, app.wasm
// and "/"). Every one is local: a single unreachable URL would make the
// worker's install fail and the app would not work offline.
var (
	iconDefault  = "/web/icons/icon-192.png"
	iconLarge    = "/web/icons/icon-512.png"
	iconMaskable = "/web/icons/icon-maskable-512.png"
	iconSVG      = "/web/icons/icon.svg"
	extraCached  = []string{iconSVG}
)

// cachedFiles is what the service worker precaches besides go-app's list:
// the extra icons, and the administrative division tables
// (app/divisions.go), which the tablet reads offline too.
func cachedFiles(a *web.Assets) []string {
	out := slices.Clone(extraCached)
	for _, n := range a.StaticNames("divisions/") {
		out = append(out, "/web/"+n)
	}
	return out
}

// pwa serves the app: go-app's pages and generated files, our static files,
// and app.wasm precompressed.
type pwa struct {
	goapp  *goapp.Handler
	assets *web.Assets
	appJS  []byte // go-app's /app.js with Jiuzhu's wasm fetch (web.RewriteLoader)
}

// routesRegistered guards app.Register, which fills go-app's global route
// table and must run once per process.
var routesRegistered = make(chan struct{}, 1)

func registerRoutes() {
	select {
	case routesRegistered <- struct{}{}:
		app.Register()
	default:
	}
}

func newPWA(a *web.Assets, log *slog.Logger) *pwa {
	registerRoutes()
	zh := func(k i18n.Key) string { return i18n.T(i18n.ZH, k) }
	h := &goapp.Handler{
		Name:            zh(i18n.AppName) + " Jiuzhu",
		ShortName:       zh(i18n.AppName),
		Title:           zh(i18n.AppName),
		Description:     zh(i18n.AppTagline),
		Lang:            string(i18n.ZH),
		LoadingLabel:    zh(i18n.AppLoading) + " {progress}%",
		BackgroundColor: "#0f766e",
		ThemeColor:      "#0f766e",
		Icon: goapp.Icon{
			Default:  iconDefault,
			Large:    iconLarge,
			Maskable: iconMaskable,
			SVG:      iconSVG,
		},
		Styles:                []string{"/web/app.css"},
		Scripts:               []string{"/web/jiuzhu.js defer"},
		CacheableResources:    cachedFiles(a),
		Resources:             localResources{},
		Version:               a.Version(),
		ServiceWorkerTemplate: serviceWorker,
	}
	if n := a.WasmSize(); n > 0 {
		h.WasmContentLength = strconv.FormatInt(n, 10)
	}
	p := &pwa{goapp: h, assets: a}
	rec := &pageRecorder{header: http.Header{}, status: http.StatusOK}
	req, _ := http.NewRequest(http.MethodGet, "/app.js", nil) // a constant, valid URL
	h.ServeHTTP(rec, req)
	var ok bool
	if p.appJS, ok = web.RewriteLoader(rec.body.Bytes(), "/web/app.wasm"); !ok {
		log.Warn("go-app's app.js has no fetchWithProgress call to replace: serving it unchanged (the app starts, more slowly)")
	}
	return p
}

func (p *pwa) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case path == "/web/app.wasm" || path == "/app.wasm":
		p.assets.ServeWasm(w, r)
	case strings.HasPrefix(path, "/web/"):
		p.assets.ServeStatic(w, r, strings.TrimPrefix(path, "/web/"))
	case path == "/robots.txt":
		// A private records system: nothing here is for search engines.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("User-agent: *\nDisallow: /\n"))
	case path == "/sitemap.xml" || path == "/ads.txt":
		http.NotFound(w, r)
	case path == "/app.js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Length", strconv.Itoa(len(p.appJS)))
		if r.Method != http.MethodHead {
			w.Write(p.appJS)
		}
	case goappFile(path):
		p.goapp.ServeHTTP(w, r)
	case app.IsRoute(path):
		p.servePage(w, r, http.StatusOK)
	default:
		// Unknown paths get the app (which shows its not-found page, also
		// offline) with a 404 status.
		p.servePage(w, r, http.StatusNotFound)
	}
}

// ogMeta matches the Open Graph tags go-app writes into every page. Jiuzhu is
// a private records system with no public pages to share, and without a
// public domain their URLs would be "https://" with no host; they are
// removed.
// (go-app writes attributes in no fixed order.)
var ogMeta = regexp.MustCompile(`\s*<meta [^>]*property="og:[^>]*>`)

// servePage renders the page at r's path with go-app and answers with it,
// without the Open Graph tags, under the given status.
func (p *pwa) servePage(w http.ResponseWriter, r *http.Request, status int) {
	rec := &pageRecorder{header: http.Header{}, status: http.StatusOK}
	p.goapp.ServeHTTP(rec, r)
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	if rec.status != http.StatusOK {
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
		return
	}
	body := ogMeta.ReplaceAll(rec.body.Bytes(), nil)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// goappFile reports whether go-app generates the file at path.
func goappFile(path string) bool {
	switch path {
	case "/app.js", "/goapp.js", "/app-worker.js", "/wasm_exec.js", "/app.css",
		"/manifest.webmanifest", "/manifest.json":
		return true
	}
	return false
}

// localResources resolves /web/ paths to themselves: every resource is
// served by this server, never from another host.
type localResources struct{}

func (localResources) Resolve(location string) string {
	if location == "" {
		return "/"
	}
	return location
}

// pageRecorder holds a page go-app has rendered, to be edited before it is
// sent.
type pageRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (p *pageRecorder) Header() http.Header         { return p.header }
func (p *pageRecorder) WriteHeader(code int)        { p.status = code }
func (p *pageRecorder) Write(b []byte) (int, error) { return p.body.Write(b) }
