package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"

	"jiuzhu/server"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	data := fs.String("data", "./data", "directory for the database file")
	webDir := fs.String("web", "", "serve web files from this directory (with static/ and dist/) instead of the embedded copy; for development")
	logJSON := fs.Bool("log-json", false, "write the log as JSON lines")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: jiuzhu serve [--addr 127.0.0.1:8080] [--data ./data]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "jiuzhu serve: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}

	var h slog.Handler = slog.NewTextHandler(stderr, nil)
	if *logJSON {
		h = slog.NewJSONHandler(stderr, nil)
	}
	lg := slog.New(h)

	cfg := server.Config{DataDir: *data, Logger: lg}
	if *webDir != "" {
		st, err := os.Stat(*webDir)
		if err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "jiuzhu serve: --web %s is not a directory\n", *webDir)
			return 2
		}
		cfg.Web = os.DirFS(*webDir)
	}
	srv, err := server.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "jiuzhu serve: %v\n", err)
		return 1
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "jiuzhu serve: cannot listen on %s: %v\n", *addr, err)
		return 1
	}
	fmt.Fprintf(stdout, "jiuzhu %s: data in %s\n", srv.Version(), *data)
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	if err := srv.Serve(ctx, ln); err != nil {
		fmt.Fprintf(stderr, "jiuzhu serve: %v\n", err)
		return 1
	}
	lg.Info("stopped", "data", *data)
	return 0
}
