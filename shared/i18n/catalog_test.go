package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// Every key has a label in both languages, and no two keys share a name.
func TestCatalogComplete(t *testing.T) {
	t.Parallel()
	for k, e := range catalog {
		if strings.TrimSpace(e.zh) == "" || strings.TrimSpace(e.en) == "" {
			t.Errorf("key %q lacks a label: zh=%q en=%q", k, e.zh, e.en)
		}
	}
}

// Every Key constant declared in the package is in the catalog.
func TestEveryKeyInCatalog(t *testing.T) {
	if testingOnJS() {
		t.Skip("reads source files; not available to the js/wasm test runner")
	}
	t.Parallel()
	fset := token.NewFileSet()
	files, err := filepath.Glob("catalog*.go")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		n += countKeys(t, f)
	}
	if n != len(catalog) {
		t.Errorf("%d key constants but %d catalog entries", n, len(catalog))
	}
}

// countKeys checks that each Key constant of f is in the catalog and
// returns how many there are.
func countKeys(t *testing.T, f *ast.File) int {
	n := 0
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, name := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok {
					continue
				}
				n++
				key := Key(strings.Trim(lit.Value, `"`))
				if _, ok := catalog[key]; !ok {
					t.Errorf("constant %s (%s) has no catalog entry", name.Name, key)
				}
			}
		}
	}
	return n
}

func TestT(t *testing.T) {
	t.Parallel()
	if got := T(ZH, NavCases); got != "个案" {
		t.Errorf("T(ZH, NavCases) = %q", got)
	}
	if got := T(EN, NavCases); got != "Cases" {
		t.Errorf("T(EN, NavCases) = %q", got)
	}
	if got := T(EN, Key("no.such.key")); got != "no.such.key" {
		t.Errorf("unknown key = %q, want the key itself", got)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want Lang
		ok   bool
	}{
		{"", ZH, false}, {"zh", ZH, true}, {"zh-CN", ZH, true}, {"zh-Hans", ZH, true},
		{"en", EN, true}, {"en-US", EN, true}, {"fr", ZH, false}, {"e", ZH, false},
	}
	for _, c := range cases {
		got, ok := Parse(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("Parse(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
