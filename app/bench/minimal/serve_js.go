//go:build js && wasm

package main

// In the browser RunWhenOnBrowser never returns; there is nothing to serve.
func serve() {}
