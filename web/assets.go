package web

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
)

// asset is one file served under /web/, held in memory.
type asset struct {
	body  []byte
	etag  string
	ctype string
}

// wasmAsset is app.wasm with its precompressed copies; any may be absent.
type wasmAsset struct {
	raw, br, gz *asset
	rawSize     int64 // uncompressed size, for the loader's progress bar
}

// Assets is the content of web/: hand-written static files and the build
// outputs, loaded into memory once at start and served from there.
type Assets struct {
	static  map[string]*asset // key: path below /web/, e.g. "icons/icon.svg"
	wasm    wasmAsset
	version string // content hash of everything above
}

// Load reads static (icons, CSS) and dist (app.wasm and its .br/.gz), as
// returned by Static and Dist or laid out the same way on disk.
func Load(static, dist fs.FS) (*Assets, error) {
	a := &Assets{static: map[string]*asset{}}
	h := sha256.New()
	add := func(fsys fs.FS, prefix string, keep func(name string, as *asset)) error {
		names, err := listFiles(fsys)
		if err != nil {
			return err
		}
		for _, name := range names {
			body, err := fs.ReadFile(fsys, name)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(body)
			// Length-prefix each part so that no two trees hash alike.
			fmt.Fprintf(h, "%s/%s\x00%d\x00", prefix, name, len(body))
			h.Write(sum[:])
			ctype := mime.TypeByExtension(path.Ext(name))
			if ctype == "" {
				ctype = "application/octet-stream"
			}
			keep(name, &asset{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, ctype: ctype})
		}
		return nil
	}
	if err := add(static, "static", func(name string, as *asset) { a.static[name] = as }); err != nil {
		return nil, fmt.Errorf("reading static files: %w", err)
	}
	if err := add(dist, "dist", func(name string, as *asset) {
		as.ctype = "application/wasm"
		switch name {
		case "app.wasm":
			a.wasm.raw = as
		case "app.wasm.br":
			a.wasm.br = as
		case "app.wasm.gz":
			a.wasm.gz = as
		}
	}); err != nil {
		return nil, fmt.Errorf("reading the built app: %w", err)
	}
	switch {
	case a.wasm.raw != nil:
		a.wasm.rawSize = int64(len(a.wasm.raw.body))
	case a.wasm.gz != nil && len(a.wasm.gz.body) >= 4:
		// gzip's trailer holds the uncompressed size (mod 2^32; app.wasm is far smaller).
		b := a.wasm.gz.body
		a.wasm.rawSize = int64(binary.LittleEndian.Uint32(b[len(b)-4:]))
	}
	a.version = hex.EncodeToString(h.Sum(nil))[:16]
	return a, nil
}

func listFiles(fsys fs.FS) ([]string, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	return names, err
}

// StaticNames lists the static files whose names start with prefix, in
// order.
func (a *Assets) StaticNames(prefix string) []string {
	var out []string
	for name := range a.static {
		if strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// Version is the content hash of all the files: a new build has a new one.
func (a *Assets) Version() string { return a.version }

// WasmSize is app.wasm's uncompressed size in bytes (0 when not built). The
// loader needs it for its progress bar because the transfer is compressed.
func (a *Assets) WasmSize() int64 { return a.wasm.rawSize }

// Built reports whether any form of app.wasm is present.
func (a *Assets) Built() bool { return a.wasm.raw != nil || a.wasm.br != nil || a.wasm.gz != nil }

// ServeWasm answers with the best encoding the client accepts: brotli, then
// gzip, then identity.
func (a *Assets) ServeWasm(w http.ResponseWriter, r *http.Request) {
	if !a.Built() {
		http.Error(w, "app.wasm has not been built: run `make build` (or `make run`) and restart the server", http.StatusServiceUnavailable)
		return
	}
	w.Header().Add("Vary", "Accept-Encoding")
	accept := parseAcceptEncoding(r.Header.Get("Accept-Encoding"))
	var (
		as  *asset
		enc string
	)
	switch {
	case a.wasm.br != nil && accept["br"]:
		as, enc = a.wasm.br, "br"
	case a.wasm.gz != nil && accept["gzip"]:
		as, enc = a.wasm.gz, "gzip"
	case a.wasm.raw != nil:
		as = a.wasm.raw
	default:
		http.Error(w, "app.wasm is only available compressed (br or gzip) and the request accepts neither", http.StatusNotAcceptable)
		return
	}
	if enc != "" {
		w.Header().Set("Content-Encoding", enc)
	}
	serveAsset(w, r, as)
}

// ServeStatic answers with the static file name (a path below static/).
func (a *Assets) ServeStatic(w http.ResponseWriter, r *http.Request, name string) {
	as, ok := a.static[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	serveAsset(w, r, as)
}

func serveAsset(w http.ResponseWriter, r *http.Request, as *asset) {
	h := w.Header()
	h.Set("Content-Type", as.ctype)
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", as.etag)
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, as.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(as.body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(as.body)
	}
}

// parseAcceptEncoding returns the codings the header accepts (q > 0).
func parseAcceptEncoding(h string) map[string]bool {
	ok := map[string]bool{}
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		accepted := true
		for _, p := range strings.Split(params, ";") {
			k, v, found := strings.Cut(strings.TrimSpace(p), "=")
			if found && strings.EqualFold(strings.TrimSpace(k), "q") {
				q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				accepted = err == nil && q > 0
			}
		}
		ok[name] = accepted
	}
	return ok
}
