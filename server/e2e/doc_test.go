// Package e2e holds Jiuzhu's end-to-end tests: the real server binary as a
// child process, with a real bbolt file, driven over HTTP and through real
// headless Chromium (Debian's chromium package) with chromedp.
//
// They need the built app (web/dist/app.wasm): `make test` builds it first.
// Run them alone with `go test ./server/e2e`. `make bench` runs
// BenchmarkLoad, which times loading against a minimal go-app app.
package e2e
