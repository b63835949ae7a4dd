// Package shared_test checks the architecture's import rules (see
// ../shared/DESIGN.md, "Layout"): shared/'s pure packages do no I/O of their
// own, and the WebAssembly app links no server code.
package shared_test

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// forbiddenInShared may not be linked by any package under shared/ except
// shared/wsconn, the one websocket adapter.
var forbiddenInShared = []string{"go.etcd.io/bbolt", "net", "net/http"}

// syscall/js is linked on js/wasm by the standard library itself (time,
// syscall), so the rule for it is that no package outside the standard
// library imports it.
const jsPkg = "syscall/js"

// forbiddenInWasm may not be linked by the WebAssembly entry point.
var forbiddenInWasm = []string{"jiuzhu/server", "go.etcd.io/bbolt"}

// jsImporters lists the non-standard packages among pkg's dependencies that
// import syscall/js directly.
func jsImporters(t *testing.T, goos, goarch, pkg string) []string {
	t.Helper()
	var found []string
	for _, line := range goListLines(t, goos, goarch, "-deps", "-f", "{{.ImportPath}} {{.Standard}} {{join .Imports \",\"}}", pkg) {
		f := strings.Fields(line)
		if len(f) == 3 && f[1] == "false" && contains(strings.Split(f[2], ","), jsPkg) {
			found = append(found, f[0])
		}
	}
	return found
}

func goListLines(t *testing.T, goos, goarch string, args ...string) []string {
	t.Helper()
	return strings.Split(strings.TrimSpace(string(goListRaw(t, goos, goarch, args...))), "\n")
}

func goList(t *testing.T, goos, goarch string, args ...string) []string {
	t.Helper()
	return strings.Fields(string(goListRaw(t, goos, goarch, args...)))
}

func goListRaw(t *testing.T, goos, goarch string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch)
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list %v: %v\n%s", args, err, ee.Stderr)
		}
		t.Fatalf("go list %v: %v", args, err)
	}
	return out
}

func skipOnJS(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("runs the go command; the js/wasm test runner cannot")
	}
}

// matches reports whether dep is pkg or, for a module path, inside it.
func matches(dep, pkg string) bool {
	if strings.Contains(pkg, ".") || strings.HasPrefix(pkg, "jiuzhu/") {
		return dep == pkg || strings.HasPrefix(dep, pkg+"/")
	}
	return dep == pkg
}

// forbiddenImports may not be imported directly by a pure shared package:
// they reach the network, files, processes or the browser, or bring
// randomness that would make the merge nondeterministic.
func forbiddenImport(imp string) bool {
	switch imp {
	case "net", "os", "os/exec", "syscall", "syscall/js", "unsafe", "math/rand", "math/rand/v2":
		return true
	}
	return strings.HasPrefix(imp, "net/")
}

func TestSharedIsPure(t *testing.T) {
	skipOnJS(t)
	t.Parallel()
	pkgs := goList(t, runtime.GOOS, runtime.GOARCH, "jiuzhu/shared/...")
	checked := 0
	for _, pkg := range pkgs {
		if pkg == "jiuzhu/shared/wsconn" || strings.HasPrefix(pkg, "jiuzhu/shared/wsconn/") {
			continue
		}
		for _, target := range [][2]string{{runtime.GOOS, runtime.GOARCH}, {"js", "wasm"}} {
			checked++
			for _, dep := range goList(t, target[0], target[1], "-deps", pkg) {
				for _, bad := range forbiddenInShared {
					if matches(dep, bad) {
						t.Errorf("%s (%s/%s) links %s", pkg, target[0], target[1], dep)
					}
				}
			}
			for _, imp := range jsImporters(t, target[0], target[1], pkg) {
				t.Errorf("%s (%s/%s) links %s, which imports %s", pkg, target[0], target[1], imp, jsPkg)
			}
			// Only the standard library and this module.
			for _, line := range goListLines(t, target[0], target[1], "-deps", "-f", "{{.ImportPath}} {{.Standard}}", pkg) {
				path, std, _ := strings.Cut(line, " ")
				if std != "true" && !strings.HasPrefix(path, "jiuzhu/") {
					t.Errorf("%s (%s/%s) depends on module package %s", pkg, target[0], target[1], path)
				}
			}
			for _, imp := range goList(t, target[0], target[1], "-f", "{{join .Imports \" \"}}", pkg) {
				if forbiddenImport(imp) {
					t.Errorf("%s (%s/%s) imports %s", pkg, target[0], target[1], imp)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no shared packages found")
	}
}

func TestWasmLinksNoServer(t *testing.T) {
	skipOnJS(t)
	t.Parallel()
	deps := goList(t, "js", "wasm", "-deps", "jiuzhu/app/wasm")
	if len(deps) < 10 || !contains(deps, "jiuzhu/app") {
		t.Fatalf("go list found only %d deps of app/wasm, without jiuzhu/app", len(deps))
	}
	for _, dep := range deps {
		for _, bad := range forbiddenInWasm {
			if matches(dep, bad) {
				t.Errorf("app/wasm links %s", dep)
			}
		}
	}
}

// The checks above must be able to fail: the server itself links all of it.
func TestForbiddenListsBite(t *testing.T) {
	skipOnJS(t)
	t.Parallel()
	deps := goList(t, runtime.GOOS, runtime.GOARCH, "-deps", "jiuzhu/server/cmd/jiuzhu")
	for _, bad := range []string{"go.etcd.io/bbolt", "net/http", "jiuzhu/server"} {
		found := false
		for _, dep := range deps {
			found = found || matches(dep, bad)
		}
		if !found {
			t.Errorf("the server does not link %s: the check would not notice it", bad)
		}
	}
	// go-app imports syscall/js on js/wasm, so the app must be reported.
	if imps := jsImporters(t, "js", "wasm", "jiuzhu/app/wasm"); !contains(imps, "github.com/maxence-charriere/go-app/v10/pkg/app") {
		t.Errorf("syscall/js importers of app/wasm = %v; go-app missing, the check would not notice", imps)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
