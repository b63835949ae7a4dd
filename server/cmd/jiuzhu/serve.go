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
	"time"

	"jiuzhu/server"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	data := fs.String("data", "./data", "directory for the database file")
	webDir := fs.String("web", "", "serve web files from this directory (with static/ and dist/) instead of the embedded copy; for development")
	logJSON := fs.Bool("log-json", false, "write the log as JSON lines")
	tlsCert := fs.String("tls-cert", "", "serve HTTPS on --addr with this certificate (PEM, with its chain); needs --tls-key")
	tlsKey := fs.String("tls-key", "", "the certificate's private key (PEM)")
	redirect := fs.String("http-redirect", "", "with TLS, also listen on this address (e.g. :80) and send every request there to https")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: jiuzhu serve [--addr 127.0.0.1:8080] [--data ./data] [--tls-cert FILE --tls-key FILE [--http-redirect :80]]")
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
	if (*tlsCert == "") != (*tlsKey == "") {
		fmt.Fprintln(stderr, "jiuzhu serve: --tls-cert 和 --tls-key 必须同时指定 / --tls-cert and --tls-key go together")
		fs.Usage()
		return 2
	}
	if *redirect != "" && *tlsCert == "" {
		fmt.Fprintln(stderr, "jiuzhu serve: --http-redirect 需要 --tls-cert 和 --tls-key / --http-redirect needs --tls-cert and --tls-key")
		fs.Usage()
		return 2
	}
	var cert *server.Certificate
	if *tlsCert != "" {
		var err error
		if cert, err = server.LoadCertificate(*tlsCert, *tlsKey); err != nil {
			fmt.Fprintf(stderr, "jiuzhu serve: %v\n", err)
			return 1
		}
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
	var redirectLn net.Listener
	if *redirect != "" {
		if redirectLn, err = net.Listen("tcp", *redirect); err != nil {
			ln.Close()
			fmt.Fprintf(stderr, "jiuzhu serve: cannot listen on %s (--http-redirect): %v\n", *redirect, err)
			return 1
		}
	}
	fmt.Fprintf(stdout, "jiuzhu %s: data in %s\n", srv.Version(), *data)
	if cert == nil {
		fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
		err = srv.Serve(ctx, ln)
	} else {
		if leaf := cert.Leaf(); time.Now().After(leaf.NotAfter) {
			lg.Warn("the TLS certificate has expired: browsers will refuse it", "cert", *tlsCert, "not_after", leaf.NotAfter)
		}
		err = serveTLS(ctx, srv, cert, ln, redirectLn, stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "jiuzhu serve: %v\n", err)
		return 1
	}
	lg.Info("stopped", "data", *data)
	return 0
}

// serveTLS serves HTTPS on ln and, when redirectLn is not nil, the redirect
// to it on redirectLn, until ctx is cancelled or either fails.
func serveTLS(ctx context.Context, srv *server.Server, cert *server.Certificate, ln, redirectLn net.Listener, stdout io.Writer) error {
	fmt.Fprintf(stdout, "listening on https://%s\n", ln.Addr())
	if redirectLn == nil {
		return srv.ServeTLS(ctx, ln, cert)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	fmt.Fprintf(stdout, "redirecting http://%s to https (port %s)\n", redirectLn.Addr(), port)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 2)
	go func() { errc <- srv.ServeTLS(ctx, ln, cert); cancel() }()
	go func() { errc <- srv.ServeRedirect(ctx, redirectLn, port); cancel() }()
	return errors.Join(<-errc, <-errc)
}
