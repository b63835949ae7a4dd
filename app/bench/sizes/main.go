// Command sizes prints the raw, brotli and gzip sizes of Jiuzhu's app.wasm
// next to those of the minimal go-app app, with their ratios, as a Markdown
// table. Usage: sizes JIUZHU_DIST MINIMAL_DIST. `make size` runs it.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// goal is the budget of ../shared/DESIGN.md: within 1.5× of the minimal app.
const goal = 1.5

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: sizes JIUZHU_DIST MINIMAL_DIST")
		os.Exit(2)
	}
	fmt.Println("| app.wasm | Jiuzhu | minimal go-app | ratio | goal |")
	fmt.Println("|---|---:|---:|---:|---:|")
	failed := false
	for _, v := range []struct{ label, file string }{
		{"raw", "app.wasm"}, {"brotli", "app.wasm.br"}, {"gzip", "app.wasm.gz"},
	} {
		a, errA := size(filepath.Join(os.Args[1], v.file))
		b, errB := size(filepath.Join(os.Args[2], v.file))
		if errA != nil || errB != nil {
			fmt.Printf("| %s | %s | %s | – | ≤ %.1f× |\n", v.label, show(a, errA), show(b, errB), goal)
			continue
		}
		r := float64(a) / float64(b)
		mark, budget := "", fmt.Sprintf("≤ %.1f×", goal)
		switch {
		case v.label == "raw":
			budget = "(the budget is for what is sent: compressed)"
		case r > goal:
			mark, failed = " (over)", true
		}
		fmt.Printf("| %s | %s | %s | %.2f×%s | %s |\n", v.label, mib(a), mib(b), r, mark, budget)
	}
	if failed {
		fmt.Println("\nThe compressed app is over its budget.")
	}
}

func size(path string) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

func show(n int64, err error) string {
	if err != nil {
		return "missing"
	}
	return mib(n)
}

func mib(n int64) string { return fmt.Sprintf("%.2f MiB (%d B)", float64(n)/(1<<20), n) }
