// Command table runs every benchmark of ../shared/DESIGN.md's performance
// budget in one go and writes one table, each figure next to its baseline
// measured in the same run and its goal, to BENCHMARKS.md with a
// description of the machine. `make bench` builds what it needs and runs it.
//
// Usage: table [--out BENCHMARKS.md] [--bin bin/jiuzhu] [--quick]
//
// It runs, in this order: the WASM sizes (web/dist against build/minimal/dist,
// which `make size` builds), `jiuzhu bench sync` with 50 devices, `jiuzhu
// bench catchup` with 10,000 cases, `jiuzhu crashtest --rounds 20`, and the
// browser benchmarks of server/e2e (load against the minimal app, the
// device at 10,000 cases against 100, fieldwork). --quick runs small
// versions of each (to check the tool itself, not to report).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// row is one line of the table.
type row struct {
	what     string // what is measured
	jiuzhu   string // Jiuzhu's figure
	baseline string // what it is compared with, measured in the same run
	ratio    string // the figure the goal is about
	goal     string
	met      verdict
}

type verdict int

const (
	noGoal verdict = iota // informational
	met
	notMet
	notRun // the benchmark failed: see the notes
)

func (v verdict) String() string {
	return [...]string{"–", "✅ met", "❌ not met", "⚠️ not measured"}[v]
}

func check(ok bool) verdict {
	if ok {
		return met
	}
	return notMet
}

// bench is the state of one run of the tool.
type bench struct {
	root  string // the repository
	bin   string // the server binary
	out   string // the table's file (its own changes are not "uncommitted changes")
	quick bool
	log   io.Writer // progress, for the person waiting
	rows  []row
	notes []string // failures and remarks, printed under the table
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fs := flag.NewFlagSet("table", flag.ContinueOnError)
	out := fs.String("out", "BENCHMARKS.md", "file to write the table to")
	bin := fs.String("bin", "bin/jiuzhu", "the server binary (make build makes it)")
	quick := fs.Bool("quick", false, "small runs, to check the tool (figures not meaningful)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	root, err := os.Getwd()
	if err != nil {
		fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		fatal(errors.New("run it from the repository's root (make bench does)"))
	}
	if _, err := os.Stat(*bin); err != nil {
		fatal(fmt.Errorf("%s is missing: run `make build` first (make bench does): %w", *bin, err))
	}
	b := &bench{root: root, bin: *bin, out: *out, quick: *quick, log: os.Stderr}
	started := time.Now()
	b.sizes()
	b.syncBench(ctx)
	b.catchup(ctx)
	b.crash(ctx)
	b.browser(ctx)
	doc := b.document(started, time.Since(started))
	if err := os.WriteFile(*out, []byte(doc), 0o644); err != nil {
		fatal(err)
	}
	fmt.Print(doc)
	fmt.Fprintf(os.Stderr, "\nwritten to %s\n", *out)
	for _, r := range b.rows { // a goal not met is a finding; a benchmark that did not run is a failure
		if r.met == notRun {
			os.Exit(1)
		}
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench table:", err)
	os.Exit(1)
}

func (b *bench) add(r row) { b.rows = append(b.rows, r) }

func (b *bench) failed(what, goal string, err error) {
	b.add(row{what: what, jiuzhu: "–", baseline: "–", ratio: "–", goal: goal, met: notRun})
	b.notes = append(b.notes, fmt.Sprintf("%s: %v", what, err))
}

// sizes compares the app's WebAssembly with the minimal app's, built the
// same way (raw, brotli, gzip).
func (b *bench) sizes() {
	for _, v := range []struct{ label, file string }{
		{"brotli", "app.wasm.br"}, {"gzip", "app.wasm.gz"}, {"raw", "app.wasm"},
	} {
		what := "app.wasm size, " + v.label
		goal, budgeted := "≤ 1.5×", v.label != "raw"
		if !budgeted {
			goal = "(the budget is for what is sent: compressed)"
		}
		a, errA := fileSize(filepath.Join(b.root, "web/dist", v.file))
		m, errM := fileSize(filepath.Join(b.root, "build/minimal/dist", v.file))
		if err := errors.Join(errA, errM); err != nil {
			b.failed(what, goal, fmt.Errorf("%w (run `make size`)", err))
			continue
		}
		r := float64(a) / float64(m)
		v2 := noGoal
		if budgeted {
			v2 = check(r <= 1.5)
		}
		b.add(row{what, mib(a), "minimal go-app " + mib(m), fmt.Sprintf("%.2f×", r), goal, v2})
	}
}

func fileSize(path string) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

func mib(n int64) string { return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20)) }

// runJSON runs the server binary and decodes the JSON line it prints.
func (b *bench) runJSON(ctx context.Context, v any, args ...string) error {
	fmt.Fprintf(b.log, "\n== %s %s\n", b.bin, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, b.bin, args...)
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, b.log
	err := cmd.Run()
	if dec := json.Unmarshal(lastLine(stdout.Bytes()), v); dec != nil {
		return errors.Join(err, fmt.Errorf("its output is not the JSON line expected: %v", dec))
	}
	return err // the JSON is kept even when the command failed (crashtest losing changes)
}

func lastLine(out []byte) []byte {
	lines := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
	return lines[len(lines)-1]
}

func (b *bench) syncBench(ctx context.Context) {
	const what, goal = "bench sync, 50 devices: changes/s vs raw bbolt", "≥ 0.5"
	changes := "2000"
	if b.quick {
		changes = "100"
	}
	var res struct {
		Devices        int     `json:"devices"`
		Changes        int     `json:"changes"`
		PerSec         float64 `json:"changes_per_sec"`
		AckP50         float64 `json:"ack_p50_ms"`
		AckP99         float64 `json:"ack_p99_ms"`
		RawPerSec      float64 `json:"raw_bbolt_per_sec"`
		Ratio          float64 `json:"ratio"`
		RawSeqPerSec   float64 `json:"raw_bbolt_seq_keys_per_sec"`
		RatioSeqKeyed  float64 `json:"ratio_seq_keys"`
		SecondsElapsed float64 `json:"seconds"`
	}
	if err := b.runJSON(ctx, &res, "bench", "sync", "--devices", "50", "--changes", changes); err != nil {
		b.failed(what, goal, err)
		return
	}
	b.add(row{what, fmt.Sprintf("%.0f changes/s (ack p50 %.0f ms, p99 %.0f ms)", res.PerSec, res.AckP50, res.AckP99),
		fmt.Sprintf("raw bbolt, same writes: %.0f/s", res.RawPerSec), fmt.Sprintf("%.2f", res.Ratio), goal, check(res.Ratio >= 0.5)})
	b.add(row{"bench sync, against raw bbolt appending (sequence keys)", fmt.Sprintf("%.0f changes/s", res.PerSec),
		fmt.Sprintf("raw bbolt, sequence keys: %.0f/s", res.RawSeqPerSec), fmt.Sprintf("%.2f", res.RatioSeqKeyed), "(bbolt's cheapest write; informational)", noGoal})
}

func (b *bench) catchup(ctx context.Context) {
	const goal = "bytes-bound: pages of ≥ 128 KiB on average"
	cases := "10000"
	if b.quick {
		cases = "200"
	}
	what := "bench catchup, " + cases + " cases: a fresh device's first sync"
	var res struct {
		Cases          int     `json:"cases"`
		Seconds        float64 `json:"seconds"`
		Changes        int     `json:"changes"`
		Bytes          int64   `json:"bytes"`
		Pages          int     `json:"pages"`
		BytesPerChange float64 `json:"bytes_per_change"`
	}
	if err := b.runJSON(ctx, &res, "bench", "catchup", "--cases", cases); err != nil {
		b.failed(what, goal, err)
		return
	}
	perPage := float64(res.Bytes) / float64(max(res.Pages, 1))
	b.add(row{what, fmt.Sprintf("%.2f s for %d changes, %.1f MB (%.1f B/change)", res.Seconds, res.Changes, float64(res.Bytes)/1e6, res.BytesPerChange),
		fmt.Sprintf("%d round trips (pages)", res.Pages), fmt.Sprintf("%.0f KiB/page", perPage/1024), goal, check(perPage >= 128<<10 || b.quick)})
}

func (b *bench) crash(ctx context.Context) {
	const what, goal = "crashtest, server killed with SIGKILL while devices push", "lost 0, converged"
	rounds := "20"
	if b.quick {
		rounds = "2"
	}
	var res struct {
		Rounds    int  `json:"rounds"`
		Acked     int  `json:"acked"`
		Lost      int  `json:"lost"`
		Converged bool `json:"converged"`
	}
	err := b.runJSON(ctx, &res, "crashtest", "--rounds", rounds)
	if res.Rounds == 0 {
		b.failed(what, goal, err)
		return
	}
	if err != nil {
		b.notes = append(b.notes, fmt.Sprintf("%s: %v", what, err))
	}
	b.add(row{what, fmt.Sprintf("%d rounds, lost %d", res.Rounds, res.Lost), fmt.Sprintf("%d changes acked", res.Acked),
		fmt.Sprintf("lost %d, converged %v", res.Lost, res.Converged), goal, check(res.Lost == 0 && res.Converged && err == nil)})
}

// metrics holds what `go test -bench` reported, by benchmark and unit.
type metrics map[string]map[string]float64

// parseBench reads `go test -bench` output: lines such as
// "BenchmarkLoad-2   1   123 ns/op   3106 jiuzhu-first-ms   1.06 first-ratio".
func parseBench(r io.Reader, echo io.Writer) (metrics, error) {
	m := metrics{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(echo, line)
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			name = name[:i]
		}
		got := map[string]float64{}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				got[f[i+1]] = v
			}
		}
		m[name] = got
	}
	return m, sc.Err()
}

// browser runs the headless-Chromium benchmarks of server/e2e.
func (b *bench) browser(ctx context.Context) {
	args := []string{"test", "-count=1", "-run", "^$", "-bench", "BenchmarkLoad|BenchmarkDevice|BenchmarkFieldwork", "-benchtime", "1x", "-timeout", "60m", "./server/e2e"}
	fmt.Fprintf(b.log, "\n== go %s\n", strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = b.root
	if b.quick {
		cmd.Env = append(os.Environ(), "JIUZHU_DEVICE_CASES=300")
	}
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		fatal(err)
	}
	cmd.Stderr = b.log
	if err := cmd.Start(); err != nil {
		fatal(err)
	}
	m, perr := parseBench(pipe, b.log)
	err = errors.Join(cmd.Wait(), perr)
	if err != nil {
		b.notes = append(b.notes, fmt.Sprintf("the browser benchmarks: %v (the output above says which)", err))
	}
	b.loadRows(m["BenchmarkLoad"])
	b.deviceRows(m["BenchmarkDevice"])
	b.fieldworkRows(m["BenchmarkFieldwork"], m["BenchmarkDevice"])
}

// pair adds a row comparing a figure with its baseline (both in ms).
func (b *bench) pair(what string, got map[string]float64, key, baseKey, baseName, goal string, limit float64) {
	v, okV := got[key]
	base, okB := got[baseKey]
	if !okV || !okB || base == 0 {
		b.failed(what, goal, fmt.Errorf("no figures (%s, %s) in the benchmark's output", key, baseKey))
		return
	}
	r := v / base
	b.add(row{what, fmt.Sprintf("%.0f ms", v), fmt.Sprintf("%s %.0f ms", baseName, base), fmt.Sprintf("%.2f×", r), goal, check(r <= limit)})
}

func (b *bench) loadRows(got map[string]float64) {
	// Jiuzhu serves its own wasm fetch in go-app's loader (web/loader.go):
	// each load is compared with the minimal app as go-app serves it, and
	// with the minimal app served with Jiuzhu's loader (the same way).
	b.pair("first load to interactive, CPU 4× (median of 3)", got, "jiuzhu-first-ms", "minimal-first-ms", "minimal go-app", "≤ 1.5×", 1.5)
	b.pair("first load, against the minimal app with Jiuzhu's loader", got, "jiuzhu-first-ms", "minimal-loader-first-ms", "minimal, same loader", "≤ 1.5×", 1.5)
	b.pair("repeat load, offline from the service worker, CPU 4×", got, "jiuzhu-repeat-ms", "minimal-repeat-ms", "minimal go-app", "≤ 1.5×", 1.5)
	b.pair("repeat load, against the minimal app with Jiuzhu's loader", got, "jiuzhu-repeat-ms", "minimal-loader-repeat-ms", "minimal, same loader", "≤ 1.5×", 1.5)
}

func (b *bench) deviceRows(got map[string]float64) {
	cases := "10,000"
	if b.quick {
		cases = "300"
	}
	small := "at 100 cases"
	for _, d := range []struct{ what, key, goal string }{
		{"search keystroke to the list answering, CPU 4×", "keystroke", "≤ 1.5× and < 100 ms"},
		{"open a case with 50 service records, CPU 4×", "opencase", "≤ 1.5×"},
		{"unlock and show the case list, CPU 4×", "open", "(informational: decrypts the index)"},
		{"save one record (durable in IndexedDB), CPU 4×", "save", "≤ 1.5×"},
	} {
		what := d.what + " at " + cases + " cases"
		v, okV := got[d.key+"-ms"]
		base, okB := got[d.key+"-small-ms"]
		if !okV || !okB || base == 0 {
			b.failed(what, d.goal, fmt.Errorf("no %s figures in BenchmarkDevice's output", d.key))
			continue
		}
		r := v / base
		verdict := noGoal
		switch d.key {
		case "keystroke":
			verdict = check(r <= 1.5 && v < 100)
		case "opencase", "save":
			verdict = check(r <= 1.5)
		}
		b.add(row{what, fmt.Sprintf("%.1f ms", v), fmt.Sprintf("%s %.1f ms", small, base), fmt.Sprintf("%.2f×", r), d.goal, verdict})
	}
	if mb, ok := got["idb-MB"]; ok {
		b.add(row{"IndexedDB size at " + cases + " cases (each with its client, 5 service records)", fmt.Sprintf("%.1f MB", mb), "–", "–", "(informational)", noGoal})
	}
}

func (b *bench) fieldworkRows(got, device map[string]float64) {
	if tap, ok := got["tap-ms"]; ok {
		base := device["save-small-ms"]
		ratio := "–"
		if base > 0 {
			ratio = fmt.Sprintf("%.2f×", tap/base)
		}
		b.add(row{"attendance tap to saved, 30-member group, CPU 4×", fmt.Sprintf("%.1f ms", tap), fmt.Sprintf("saving a new case %.1f ms", base), ratio, "(informational: < 200 ms feels immediate)", noGoal})
	} else {
		b.failed("attendance tap to saved", "–", errors.New("no tap-ms in BenchmarkFieldwork's output"))
	}
	if ms, ok := got["photo-ms"]; ok {
		b.add(row{"photo: 4000×3000 camera JPEG resized, encrypted, stored, CPU 4×", fmt.Sprintf("%.0f ms", ms), fmt.Sprintf("%.0f KB kept of ~4,050 KB", got["photo-bytes"]/1000), "–", "(informational)", noGoal})
	}
}

// document is BENCHMARKS.md.
func (b *bench) document(started time.Time, took time.Duration) string {
	var w strings.Builder
	fmt.Fprintln(&w, "# Benchmarks")
	fmt.Fprintln(&w)
	fmt.Fprintf(&w, "Written by `make bench` on %s (commit %s), in %s. Every figure is compared with a baseline measured in the same run (these machines are noisy); the goals are those of the design's performance budget and the issues.\n\n",
		started.UTC().Format("2006-01-02 15:04 MST"), b.commit(), took.Round(time.Second))
	if b.quick {
		fmt.Fprintln(&w, "**Quick run (`--quick`): small sizes, to check the tool; the figures mean nothing.**")
		fmt.Fprintln(&w)
	}
	fmt.Fprintln(&w, "## Machine")
	fmt.Fprintln(&w)
	for _, l := range machine() {
		fmt.Fprintf(&w, "- %s\n", l)
	}
	fmt.Fprintln(&w)
	fmt.Fprintln(&w, "## Figures")
	fmt.Fprintln(&w)
	fmt.Fprintln(&w, "| what | Jiuzhu | baseline, same run | ratio | goal | |")
	fmt.Fprintln(&w, "|---|---:|---:|---:|---|---|")
	for _, r := range b.rows {
		fmt.Fprintf(&w, "| %s | %s | %s | %s | %s | %s |\n", r.what, r.jiuzhu, r.baseline, r.ratio, r.goal, r.met)
	}
	if len(b.notes) > 0 {
		fmt.Fprintln(&w)
		fmt.Fprintln(&w, "## Notes")
		fmt.Fprintln(&w)
		for _, n := range b.notes {
			fmt.Fprintf(&w, "- %s\n", strings.ReplaceAll(n, "\n", " "))
		}
	}
	fmt.Fprintln(&w)
	fmt.Fprintln(&w, "How each is measured: `app/bench/table` (this table), `app/bench/sizes` and `app/bench/minimal` (the baseline app), `jiuzhu bench sync|catchup` and `jiuzhu crashtest` (server/cmd/jiuzhu), and BenchmarkLoad, BenchmarkDevice, BenchmarkFieldwork in server/e2e (headless Chromium, CPU throttled 4× through the DevTools protocol).")
	return w.String()
}

func (b *bench) commit() string {
	out, err := exec.Command("git", "-C", b.root, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	args := []string{"-C", b.root, "status", "--porcelain", "--untracked-files=no", "--", "."}
	table := b.out
	if !filepath.IsAbs(table) {
		table = filepath.Join(b.root, table) // main runs from the root
	}
	if rel, err := filepath.Rel(b.root, table); err == nil && !strings.HasPrefix(rel, "..") {
		args = append(args, ":(exclude)"+filepath.ToSlash(rel)) // the table from the run before
	}
	if st, err := exec.Command("git", args...).Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		c += ", with uncommitted changes"
	}
	return c
}

// machine describes the computer: CPU, cores, memory, OS, Go and Chromium.
func machine() []string {
	var out []string
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	out = append(out, fmt.Sprintf("CPU: %s, %d logical cores", cpu, runtime.NumCPU()))
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "MemTotal:" {
				if kb, err := strconv.ParseFloat(f[1], 64); err == nil {
					out = append(out, fmt.Sprintf("Memory: %.1f GiB", kb/(1<<20)))
				}
			}
		}
	}
	osName := runtime.GOOS + "/" + runtime.GOARCH
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "PRETTY_NAME="); ok {
				osName = strings.Trim(v, `"`) + " (" + osName + ")"
			}
		}
	}
	if b, err := exec.Command("uname", "-r").Output(); err == nil {
		osName += ", kernel " + strings.TrimSpace(string(b))
	}
	out = append(out, "OS: "+osName)
	if b, err := exec.Command("go", "version").Output(); err == nil {
		out = append(out, "Go: "+strings.TrimSpace(string(b)))
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if b, err := exec.Command(name, "--version").Output(); err == nil {
			out = append(out, "Browser: "+strings.TrimSpace(string(b))+" (headless)")
			break
		}
	}
	return out
}
