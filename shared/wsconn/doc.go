// Package wsconn is the one thin adapter between coder/websocket and the
// sync core's Conn interface, used by the server, by native clients (tests,
// benchmarks) and by the PWA in the browser (coder/websocket compiles to
// js/wasm over the browser's WebSocket). It is the only package under
// shared/ that touches the network; everything it carries is opaque bytes.
package wsconn
