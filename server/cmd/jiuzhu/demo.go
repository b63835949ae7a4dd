package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"jiuzhu/server"
)

const demoUsage = "Usage: jiuzhu demo --user NAME [--cases 100] [--busy 0] [--seed 1] [--data ./data]"

// runDemo gives a user a generated caseload of fictional people (cases,
// clients, service records), for trying the app on a tablet and for the
// device benchmarks. The server must be stopped.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, data := dataFlags("demo", stderr)
	name := fs.String("user", "", "login name of the worker who gets the cases")
	cases := fs.Int("cases", 100, "how many cases")
	seed := fs.Uint64("seed", 1, "seed of the generated caseload (the same seed gives the same people)")
	busy := fs.Int("busy", 0, "also add one case with this many service records, titled …"+busyTitle)
	if code := parseTool(fs, args, demoUsage, func() string {
		switch {
		case *name == "":
			return "--user is required"
		case *cases < 1 || *cases > 1_000_000:
			return "--cases must be 1 to 1000000"
		case *busy < 0 || *busy > 10_000:
			return "--busy must be 0 to 10000"
		}
		return ""
	}); code >= 0 {
		return code
	}
	users, err := server.ListUsers(ctx, *data)
	if err != nil {
		return fail(stderr, "demo", err)
	}
	id := ""
	for _, u := range users {
		if u.Name == *name {
			id = u.ID
		}
	}
	if id == "" {
		return fail(stderr, "demo", fmt.Errorf("no user %q in %s (add one with `jiuzhu user add`)", *name, *data))
	}
	start := time.Now()
	n, err := loadCaseload(ctx, *data, id, *cases, *seed, *busy)
	if err != nil {
		return fail(stderr, "demo", err)
	}
	more := ""
	if *busy > 0 {
		more = fmt.Sprintf(", and one with %d service records", *busy)
	}
	fmt.Fprintf(stdout, "gave %s %d generated cases%s (%d field values) in %.1f s\n", *name, *cases, more, n, time.Since(start).Seconds())
	return 0
}
