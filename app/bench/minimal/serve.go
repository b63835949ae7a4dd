//go:build !(js && wasm)

package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/web"
)

// serve serves the minimal app the way the Jiuzhu server serves its own:
// precompressed app.wasm from --web DIR/dist, local icons (Jiuzhu's, so the
// service worker's install does not fail on go-app's remote default icon),
// and go-app's default service worker. go-app's own /app.js by default;
// with --loader jiuzhu, the one Jiuzhu serves (web.RewriteLoader), so that
// the benchmark can tell what the loader gains from what the app costs.
func serve() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	dir := flag.String("web", "", "directory holding dist/app.wasm(.br,.gz)")
	loader := flag.String("loader", "goapp", "how /app.js fetches app.wasm: goapp (go-app's own) or jiuzhu (web.RewriteLoader, as the Jiuzhu server serves it)")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "usage: minimal --web DIR [--addr HOST:PORT]")
		os.Exit(2)
	}
	assets, err := web.Load(web.Static(), os.DirFS(*dir+"/dist"))
	if err != nil {
		log.Fatal(err)
	}
	h := &goapp.Handler{
		Name:               "minimal",
		Icon:               goapp.Icon{Default: "/web/icons/icon-192.png", SVG: "/web/icons/icon.svg"},
		Resources:          goapp.LocalDir(""),
		Version:            assets.Version(),
		WasmContentLength:  fmt.Sprint(assets.WasmSize()),
		CacheableResources: []string{"/web/icons/icon.svg"},
	}
	var appJS []byte
	switch *loader {
	case "goapp":
	case "jiuzhu":
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/app.js", nil))
		var ok bool
		if appJS, ok = web.RewriteLoader(rec.Body.Bytes(), "/web/app.wasm"); !ok {
			log.Fatal("go-app's app.js has no fetchWithProgress call to replace")
		}
	default:
		fmt.Fprintf(os.Stderr, "minimal: --loader is goapp or jiuzhu, not %q\n", *loader)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	log.Fatal(http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/web/app.wasm" || p == "/app.wasm":
			assets.ServeWasm(w, r)
		case p == "/app.js" && appJS != nil:
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			w.Write(appJS)
		case strings.HasPrefix(p, "/web/"):
			assets.ServeStatic(w, r, strings.TrimPrefix(p, "/web/"))
		default:
			h.ServeHTTP(w, r)
		}
	})))
}
