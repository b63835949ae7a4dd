package web

import (
	"bytes"
	"strings"
	"testing"
)

func TestRewriteLoader(t *testing.T) {
	goapp := []byte("const wasm = await instantiateStreaming(\n      fetchWithProgress(\"/web/app.wasm\", showProgress),\n      go.importObject\n    );\n")
	out, ok := RewriteLoader(goapp, "/web/app.wasm")
	if !ok {
		t.Fatal("go-app's call was not found")
	}
	s := string(out)
	for _, want := range []string{`jiuzhuFetchWasm("/web/app.wasm", showProgress),`, "async function jiuzhuFetchWasm(url, progress)", "navigator.serviceWorker.controller", "response.clone()"} {
		if !strings.Contains(s, want) {
			t.Errorf("the loader lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, `fetchWithProgress("/web/app.wasm"`) {
		t.Error("go-app's fetch is still called")
	}
	// Another go-app's loader is left as it is.
	other := []byte(`fetchWithProgress(wasmURL, showProgress)`)
	if got, ok := RewriteLoader(other, "/web/app.wasm"); ok || !bytes.Equal(got, other) {
		t.Errorf("an unknown loader was rewritten (%v): %s", ok, got)
	}
}
