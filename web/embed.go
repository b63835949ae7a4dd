// Package web holds the PWA's static files and, after `make build`, its
// compiled WebAssembly, embedded into the server binary so that a deployment
// is one file plus its data folder.
//
// static/ is written by hand (icons, CSS). dist/ is the build output
// (app.wasm, app.wasm.br, app.wasm.gz); it is git-ignored except for a
// .gitkeep, so the package compiles before the first build and the server
// then answers requests for app.wasm with a message saying to build it.
//
// loader.js is the wasm fetch that RewriteLoader (loader.go) puts into
// go-app's /app.js.
//
// Assets (assets.go) serves these files from memory: app.wasm in the best
// precompressed encoding the browser accepts, everything with an ETag. The
// package has no routes and no go-app dependency; the server and the
// benchmark's minimal app both use it.
package web

import (
	"embed"
	"io/fs"
)

//go:embed static all:dist
var files embed.FS

// Static returns the hand-written files (icons, CSS), rooted at static/.
func Static() fs.FS { return sub("static") }

// Dist returns the build outputs (app.wasm and its compressed copies),
// rooted at dist/.
func Dist() fs.FS { return sub("dist") }

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // dir is a constant that go:embed has checked
	}
	return f
}
