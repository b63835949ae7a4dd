package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseBench(t *testing.T) {
	out := `goos: linux
    device_test.go:149: device, CPU 4× throttled
BenchmarkLoad-2   	       1	9871234567 ns/op	      3106 jiuzhu-first-ms	      1570 jiuzhu-repeat-ms	      2920 minimal-first-ms	      1261 minimal-repeat-ms	         1.064 first-ratio
BenchmarkDevice 1 5 ns/op 37.3 keystroke-ms 36.5 keystroke-small-ms
BenchmarkBroken-2 --- FAIL
PASS
`
	m, err := parseBench(strings.NewReader(out), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := m["BenchmarkLoad"]["jiuzhu-first-ms"]; got != 3106 {
		t.Errorf("jiuzhu-first-ms = %v, want 3106", got)
	}
	if got := m["BenchmarkLoad"]["first-ratio"]; got != 1.064 {
		t.Errorf("first-ratio = %v, want 1.064", got)
	}
	if got := m["BenchmarkDevice"]["keystroke-small-ms"]; got != 36.5 {
		t.Errorf("keystroke-small-ms = %v, want 36.5", got)
	}
	if _, ok := m["BenchmarkBroken"]; ok {
		t.Error("a failed benchmark's line was read as figures")
	}
}

func TestRowsAndVerdicts(t *testing.T) {
	b := &bench{}
	b.loadRows(map[string]float64{"jiuzhu-first-ms": 3000, "minimal-first-ms": 2000, "jiuzhu-repeat-ms": 2000, "minimal-repeat-ms": 1000,
		"minimal-loader-first-ms": 2500, "minimal-loader-repeat-ms": 1600})
	if len(b.rows) != 4 || b.rows[0].met != met || b.rows[0].ratio != "1.50×" {
		t.Fatalf("first load row: %+v", b.rows)
	}
	if b.rows[1].met != met || b.rows[1].ratio != "1.20×" || !strings.Contains(b.rows[1].baseline, "2500 ms") {
		t.Errorf("first load against the same loader: %+v", b.rows[1])
	}
	if b.rows[2].met != notMet || b.rows[2].ratio != "2.00×" {
		t.Errorf("repeat load 2× should not meet ≤ 1.5×: %+v", b.rows[2])
	}
	if b.rows[3].met != met || b.rows[3].ratio != "1.25×" {
		t.Errorf("repeat load against the same loader: %+v", b.rows[3])
	}
	b.rows = nil
	b.deviceRows(map[string]float64{"keystroke-ms": 120, "keystroke-small-ms": 100})
	if b.rows[0].met != notMet {
		t.Errorf("a 120 ms keystroke meets the goal: %+v", b.rows[0])
	}
	if b.rows[1].met != notRun || len(b.notes) == 0 {
		t.Errorf("missing figures should be reported as not measured: %+v %v", b.rows[1], b.notes)
	}
	doc := b.document(time.Now(), time.Second)
	for _, want := range []string{"## Machine", "| what | Jiuzhu | baseline, same run | ratio | goal |", "❌ not met", "## Notes"} {
		if !strings.Contains(doc, want) {
			t.Errorf("BENCHMARKS.md lacks %q:\n%s", want, doc)
		}
	}
}

// The commit named in the table says "with uncommitted changes" for changes
// to the code, not for the table the run before wrote.
func TestCommitIgnoresItsOwnTable(t *testing.T) {
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q")
	write("BENCHMARKS.md", "old table\n")
	write("main.go", "package main\n")
	git("add", ".")
	git("commit", "-q", "-m", "first")
	b := &bench{root: dir, out: "BENCHMARKS.md"}
	write("BENCHMARKS.md", "the run before's table\n")
	if c := b.commit(); strings.Contains(c, "uncommitted") || c == "unknown" {
		t.Errorf("with only the table changed: %q", c)
	}
	write("main.go", "package main // changed\n")
	if c := b.commit(); !strings.Contains(c, "with uncommitted changes") {
		t.Errorf("with the code changed: %q", c)
	}
}
