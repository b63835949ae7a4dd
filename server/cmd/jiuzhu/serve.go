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
	"slices"
	"time"

	"jiuzhu/server"
)

const serveUsage = `Usage: jiuzhu serve [--addr 127.0.0.1:8080] [--data ./data] [--tls-cert FILE --tls-key FILE [--http-redirect :80]]

Serves the app, /sync, /api, /healthz and /metrics. Every flag can also be
set by the environment variable shown beside it; a flag on the command line
wins over its variable, and an empty variable counts as unset.

Flags:`

// serveOptions are serve's settings, from its flags and the environment.
type serveOptions struct {
	addr, data, webDir        string
	tlsCert, tlsKey, redirect string
	logFormat                 logFormat
	logJSON                   bool
	logLevel                  logLevel
	metricsAllow              prefixList
	metricsTokenFile          string
	fromEnv                   map[string]string // flag → the variable that set it
}

// from says where a flag's value came from, for messages: " (from
// JIUZHU_ADDR)" when its variable set it, else "".
func (o *serveOptions) from(flag string) string {
	if v, ok := o.fromEnv[flag]; ok {
		return " (from " + v + ")"
	}
	return ""
}

// parseServe reads serve's flags from args, and those not given there from
// the environment. It returns -1 to go on, or the exit code.
func parseServe(args []string, lookup lookupEnv, stderr io.Writer) (*serveOptions, int) {
	o := &serveOptions{logFormat: "text", logLevel: logLevel{slog.LevelInfo}}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on (port 0 picks a free one)")
	fs.StringVar(&o.data, "data", "./data", "`directory` for the database file")
	fs.StringVar(&o.webDir, "web", "", "serve web files from this `directory` (with static/ and dist/) instead of the embedded copy; for development")
	fs.Var(&o.logFormat, "log-format", "the log's `format`: text (key=value lines) or json (one JSON object a line)")
	fs.BoolVar(&o.logJSON, "log-json", false, "the same as --log-format json (kept for old scripts)")
	fs.Var(&o.logLevel, "log-level", "the least important `level` logged: debug, info, warn or error")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "serve HTTPS on --addr with this certificate `file` (PEM, with its chain); needs --tls-key")
	fs.StringVar(&o.tlsKey, "tls-key", "", "the certificate's private key `file` (PEM)")
	fs.StringVar(&o.redirect, "http-redirect", "", "with TLS, also listen on this `address` (e.g. :80) and send every request there to https")
	o.metricsAllow.p = slices.Clone(server.DefaultMetricsAllow)
	fs.Var(&o.metricsAllow, "metrics-allow", "`networks` (CIDR) or addresses, comma-separated, that may read /metrics without a token, or none;\nrequests relayed by a reverse proxy never qualify by address")
	fs.StringVar(&o.metricsTokenFile, "metrics-token-file", "", "a `file` holding a bearer token with which /metrics may be read from anywhere")
	fs.Usage = func() {
		fmt.Fprintln(stderr, serveUsage)
		printFlags(stderr, fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, 0
		}
		return nil, 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "jiuzhu serve: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return nil, 2
	}
	var err error
	if o.fromEnv, err = applyEnv(fs, lookup); err != nil {
		fmt.Fprintf(stderr, "jiuzhu serve: %v\n", err)
		return nil, 2
	}
	if o.logJSON {
		o.logFormat = "json"
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		fmt.Fprintln(stderr, "jiuzhu serve: --tls-cert 和 --tls-key 必须同时指定 / --tls-cert and --tls-key go together"+o.from("tls-cert")+o.from("tls-key"))
		fs.Usage()
		return nil, 2
	}
	if o.redirect != "" && o.tlsCert == "" {
		fmt.Fprintln(stderr, "jiuzhu serve: --http-redirect 需要 --tls-cert 和 --tls-key / --http-redirect needs --tls-cert and --tls-key"+o.from("http-redirect"))
		fs.Usage()
		return nil, 2
	}
	return o, -1
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, code := parseServe(args, os.LookupEnv, stderr)
	if code >= 0 {
		return code
	}
	lg := newLogger(stderr, o.logFormat, o.logLevel.l)
	var cert *server.Certificate
	if o.tlsCert != "" {
		var err error
		if cert, err = server.LoadCertificate(o.tlsCert, o.tlsKey); err != nil {
			fmt.Fprintf(stderr, "jiuzhu serve: %v\n", err)
			return 1
		}
	}

	cfg := server.Config{DataDir: o.data, Logger: lg, MetricsAllow: o.metricsAllow.p}
	if o.metricsTokenFile != "" {
		var err error
		if cfg.MetricsToken, err = readToken(o.metricsTokenFile, lg); err != nil {
			fmt.Fprintf(stderr, "jiuzhu serve: --metrics-token-file%s: %v\n", o.from("metrics-token-file"), err)
			return 1
		}
	}
	if o.webDir != "" {
		st, err := os.Stat(o.webDir)
		if err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "jiuzhu serve: --web %s%s is not a directory\n", o.webDir, o.from("web"))
			return 2
		}
		cfg.Web = os.DirFS(o.webDir)
	}
	srv, err := server.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "jiuzhu serve: %v\n", err)
		return 1
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		fmt.Fprintf(stderr, "jiuzhu serve: cannot listen on %s%s: %v\n", o.addr, o.from("addr"), err)
		return 1
	}
	var redirectLn net.Listener
	if o.redirect != "" {
		if redirectLn, err = net.Listen("tcp", o.redirect); err != nil {
			ln.Close()
			fmt.Fprintf(stderr, "jiuzhu serve: cannot listen on %s (--http-redirect%s): %v\n", o.redirect, o.from("http-redirect"), err)
			return 1
		}
	}
	fmt.Fprintf(stdout, "jiuzhu %s: data in %s\n", srv.Version(), o.data)
	lg.Info("serving", "version", srv.Version(), "data", o.data, "addr", ln.Addr().String(), "tls", cert != nil,
		"metrics_allow", o.metricsAllow.String(), "metrics_token", cfg.MetricsToken != "")
	if cert == nil {
		fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
		err = srv.Serve(ctx, ln)
	} else {
		if leaf := cert.Leaf(); time.Now().After(leaf.NotAfter) {
			lg.Warn("the TLS certificate has expired: browsers will refuse it", "cert", o.tlsCert, "not_after", leaf.NotAfter)
		}
		err = serveTLS(ctx, srv, cert, ln, redirectLn, stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "jiuzhu serve: %v\n", err)
		return 1
	}
	lg.Info("stopped", "data", o.data)
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
