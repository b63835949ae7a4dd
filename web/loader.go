package web

import (
	"bytes"
	_ "embed"
)

// go-app's loader (/app.js) fetches app.wasm through fetchWithProgress: a
// JavaScript loop that copies every chunk into a new stream and rewrites the
// progress label on each one, on the page's main thread, before the browser
// may compile it. On a tablet starting offline that loop cost about half a
// second of an 11 MB module's start (measured: BenchmarkLoad). Jiuzhu's
// loader (loader.js) hands the response to the compiler as it is and counts
// progress on a clone, only when the file comes over the network.

//go:embed loader.js
var wasmLoader []byte

// RewriteLoader returns go-app's app.js with its fetch of the wasm at url
// replaced by Jiuzhu's, and whether it found the call (a go-app whose loader
// changed is left as it is: it still works, only slower).
func RewriteLoader(appJS []byte, url string) ([]byte, bool) {
	call := []byte(`fetchWithProgress("` + url + `", showProgress)`)
	if !bytes.Contains(appJS, call) {
		return appJS, false
	}
	out := bytes.Replace(appJS, call, []byte(`jiuzhuFetchWasm("`+url+`", showProgress)`), 1)
	out = append(out, '\n')
	return append(out, wasmLoader...), true
}
