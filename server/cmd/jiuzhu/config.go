package main

// Configuration from the environment, and the log. Every flag of `serve`
// can also be given as an environment variable named after it (--addr is
// JIUZHU_ADDR, --tls-cert JIUZHU_TLS_CERT): handy in a systemd unit or a
// container. A flag on the command line wins over its variable; an empty
// variable counts as unset; a variable whose value the flag refuses is an
// error naming the variable.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strings"
)

// lookupEnv reads the environment; tests pass their own.
type lookupEnv func(name string) (string, bool)

// envName is the environment variable of a flag.
func envName(flagName string) string {
	return "JIUZHU_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// applyEnv sets each flag of fs not given on the command line from its
// environment variable, when that is set and not empty. It returns the
// flags so set (flag → variable), or an error naming the first variable
// whose value its flag refuses.
func applyEnv(fs *flag.FlagSet, lookup lookupEnv) (map[string]string, error) {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	fromEnv := map[string]string{}
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		v, ok := lookup(name)
		if given[f.Name] || !ok || v == "" {
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			errs = append(errs, fmt.Errorf("environment variable %s=%q: %v", name, v, err))
			return
		}
		fromEnv[f.Name] = name
	})
	return fromEnv, errors.Join(errs...)
}

// printFlags writes fs's flags, each with its environment variable, its
// meaning and its default.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		typ, usage := flag.UnquoteUsage(f)
		if typ != "" {
			typ = " " + typ
		}
		fmt.Fprintf(w, "  --%s%s    (env %s)\n", f.Name, typ, envName(f.Name))
		fmt.Fprintf(w, "        %s", strings.ReplaceAll(usage, "\n", "\n        "))
		if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(w, " (default %q)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

// logFormat is the --log-format flag: text or json.
type logFormat string

func (f *logFormat) String() string { return string(*f) }

func (f *logFormat) Set(s string) error {
	switch s {
	case "text", "json":
		*f = logFormat(s)
		return nil
	}
	return fmt.Errorf("log format %q: use text or json", s)
}

// newLogger returns the server's logger: text or JSON lines on w, from
// level up.
func newLogger(w io.Writer, format logFormat, level slog.Leveler) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// logLevel is the --log-level flag: debug, info, warn or error.
type logLevel struct{ l slog.Level }

func (l *logLevel) String() string { return strings.ToLower(l.l.String()) }

func (l *logLevel) Set(s string) error {
	switch strings.ToLower(s) {
	case "debug":
		l.l = slog.LevelDebug
	case "info":
		l.l = slog.LevelInfo
	case "warn", "warning":
		l.l = slog.LevelWarn
	case "error":
		l.l = slog.LevelError
	default:
		return fmt.Errorf("log level %q: use debug, info, warn or error", s)
	}
	return nil
}

// prefixList is the --metrics-allow flag: networks (CIDR) or single
// addresses, comma-separated; "none" for none.
type prefixList struct{ p []netip.Prefix }

func (l *prefixList) String() string {
	if l.p == nil {
		return ""
	}
	if len(l.p) == 0 {
		return "none"
	}
	s := make([]string, len(l.p))
	for i, p := range l.p {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

func (l *prefixList) Set(s string) error {
	if strings.TrimSpace(s) == "none" {
		l.p = []netip.Prefix{}
		return nil
	}
	var out []netip.Prefix
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			a, aerr := netip.ParseAddr(part)
			if aerr != nil {
				return fmt.Errorf("%q is neither a network (10.0.0.0/8, fd00::/8) nor an address", part)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	if len(out) == 0 {
		return fmt.Errorf("no network given: name at least one, or none")
	}
	l.p = out
	return nil
}

// readToken reads a bearer token from a file: its first line, which must
// not be empty. It warns when others than the owner may read the file.
func readToken(path string, lg *slog.Logger) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading the metrics token: %w", err)
	}
	token, _, _ := strings.Cut(string(b), "\n")
	token = strings.TrimSpace(token)
	if len(token) < 16 {
		return "", fmt.Errorf("the metrics token in %s is empty or shorter than 16 characters: put a long random one there (e.g. `openssl rand -hex 32 > %s`)", path, path)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		lg.Warn("the metrics token file may be read by other users: chmod 600 it", "file", path, "mode", fi.Mode().Perm().String())
	}
	return token, nil
}
