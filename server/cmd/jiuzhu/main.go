// Command jiuzhu is the Jiuzhu server: one binary that serves the PWA,
// syncs devices and administers the data. Run `jiuzhu help` for commands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand of the binary.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"serve", "serve the app (PWA) and its health check", runServe},
		{"user", "add or list users (server stopped)", runUser},
		{"device", "list or revoke devices (server stopped)", runDevice},
		{"backup", "copy the database to a file, while the server runs or not", runBackup},
		{"restore", "put a backup in place as the database (server stopped)", runRestore},
		{"demo", "give a user generated cases of fictional people (server stopped)", runDemo},
		{"version", "print the build version", runVersion},
		{"bench", "benchmark sync throughput (bench sync) and catch-up (bench catchup)", runBench},
		{"crashtest", "kill -9 a child server while devices push; check nothing acked is lost", runCrashtest},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and returns the process's exit code: 0 on
// success, 1 on failure, 2 on a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "jiuzhu: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: jiuzhu <command> [flags]")
	fmt.Fprintln(w, "\nJiuzhu (救助社工) server: serves the social-work records app and syncs its devices.")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `jiuzhu <command> -h` for a command's flags.")
}
