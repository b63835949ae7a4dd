// Package server is Jiuzhu's HTTP server: it serves the PWA (pages,
// precompressed WebAssembly, static files, service worker), /healthz, and
// later /sync and /api. It owns no state outside its store.Store.
//
// Nothing here is compiled into the WebAssembly app; the dependency test in
// shared/ checks that app/wasm never links this package.
package server
