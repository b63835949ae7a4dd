package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// env is a fixed environment for parseServe.
func env(kv ...string) lookupEnv {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(name string) (string, bool) { v, ok := m[name]; return v, ok }
}

// Every serve flag can come from its variable; a flag on the command line
// wins; an empty variable counts as unset.
func TestServeEnvAndFlags(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	o, code := parseServe(nil, env(
		"JIUZHU_ADDR", "0.0.0.0:9000",
		"JIUZHU_DATA", "/var/lib/jiuzhu",
		"JIUZHU_LOG_FORMAT", "json",
		"JIUZHU_LOG_LEVEL", "WARN",
		"JIUZHU_METRICS_ALLOW", "10.0.0.0/8, 192.168.1.7",
		"JIUZHU_METRICS_TOKEN_FILE", "/etc/jiuzhu/token",
		"JIUZHU_WEB", "",
	), &stderr)
	if code != -1 {
		t.Fatalf("exit %d: %s", code, &stderr)
	}
	if o.addr != "0.0.0.0:9000" || o.data != "/var/lib/jiuzhu" || o.logFormat != "json" || o.logLevel.String() != "warn" ||
		o.metricsAllow.String() != "10.0.0.0/8,192.168.1.7/32" || o.metricsTokenFile != "/etc/jiuzhu/token" || o.webDir != "" {
		t.Errorf("from the environment: %+v", o)
	}
	if o.from("addr") != " (from JIUZHU_ADDR)" || o.from("web") != "" {
		t.Errorf("sources: %v", o.fromEnv)
	}

	o, code = parseServe([]string{"--addr", "127.0.0.1:7000", "--log-format", "text", "--metrics-allow", "none"},
		env("JIUZHU_ADDR", "0.0.0.0:9000", "JIUZHU_LOG_FORMAT", "json", "JIUZHU_METRICS_ALLOW", "10.0.0.0/8", "JIUZHU_DATA", "/srv/j"), &stderr)
	if code != -1 {
		t.Fatalf("exit %d: %s", code, &stderr)
	}
	if o.addr != "127.0.0.1:7000" || o.logFormat != "text" || o.metricsAllow.p == nil || len(o.metricsAllow.p) != 0 || o.data != "/srv/j" {
		t.Errorf("flags over the environment: %+v", o)
	}
	if o.from("addr") != "" || o.from("data") == "" {
		t.Errorf("sources: %v", o.fromEnv)
	}

	// Defaults with nothing set: loopback for /metrics, text logs at info.
	o, _ = parseServe(nil, env(), &stderr)
	if o.addr != "127.0.0.1:8080" || o.logFormat != "text" || o.logLevel.String() != "info" || o.metricsAllow.String() != "127.0.0.0/8,::1/128" {
		t.Errorf("defaults: %+v", o)
	}
	// The old --log-json still works.
	if o, _ = parseServe([]string{"--log-json"}, env(), &stderr); o.logFormat != "json" {
		t.Errorf("--log-json gave format %q", o.logFormat)
	}
}

// A variable whose value its flag refuses is an error naming the variable
// and saying what it accepts; so is a bad flag.
func TestServeBadEnv(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		env  []string
		want []string
	}{
		{nil, []string{"JIUZHU_LOG_LEVEL", "verbose"}, []string{"JIUZHU_LOG_LEVEL=\"verbose\"", "use debug, info, warn or error"}},
		{nil, []string{"JIUZHU_LOG_FORMAT", "xml"}, []string{"JIUZHU_LOG_FORMAT=\"xml\"", "use text or json"}},
		{nil, []string{"JIUZHU_LOG_JSON", "maybe"}, []string{"JIUZHU_LOG_JSON=\"maybe\""}},
		{nil, []string{"JIUZHU_METRICS_ALLOW", "10.0.0.0/33"}, []string{"JIUZHU_METRICS_ALLOW=\"10.0.0.0/33\"", "neither a network"}},
		{nil, []string{"JIUZHU_TLS_CERT", "/etc/cert.pem"}, []string{"--tls-cert and --tls-key go together (from JIUZHU_TLS_CERT)"}},
		{[]string{"--log-level", "loud"}, nil, []string{"invalid value \"loud\" for flag -log-level", "use debug, info, warn or error"}},
		{[]string{"--metrics-allow", ","}, nil, []string{"no network given"}},
	} {
		var stderr bytes.Buffer
		_, code := parseServe(c.args, env(c.env...), &stderr)
		if code != 2 {
			t.Errorf("%v %v: exit %d, want 2", c.args, c.env, code)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr.String(), w) {
				t.Errorf("%v %v: %q lacks %q", c.args, c.env, &stderr, w)
			}
		}
	}
	// A token file that is missing or too short stops serve before it
	// listens.
	dir := t.TempDir()
	short := filepath.Join(dir, "token")
	os.WriteFile(short, []byte("abc\n"), 0o600)
	for file, want := range map[string]string{short: "shorter than 16 characters", filepath.Join(dir, "none"): "no such file"} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--metrics-token-file", file}, &stdout, &stderr)
		if code != 1 || !strings.Contains(stderr.String(), want) || strings.Contains(stdout.String(), "listening") {
			t.Errorf("token file %s: exit %d, %q", file, code, &stderr)
		}
	}
}

// serve -h lists every flag with its variable.
func TestServeHelpListsVariables(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"serve", "-h"}, &stdout, &stderr); code != 0 {
		t.Fatalf("serve -h: exit %d", code)
	}
	help := stderr.String()
	n := 0
	for _, line := range strings.Split(help, "\n") {
		if m := regexp.MustCompile(`^  --([a-z-]+)\b.*\(env (JIUZHU_[A-Z_]+)\)$`).FindStringSubmatch(line); m != nil {
			n++
			if m[2] != envName(m[1]) {
				t.Errorf("--%s listed with %s", m[1], m[2])
			}
		}
	}
	for _, f := range []string{"addr", "data", "tls-cert", "tls-key", "http-redirect", "log-format", "log-level", "metrics-allow", "metrics-token-file", "web"} {
		if !strings.Contains(help, "--"+f+" ") || !strings.Contains(help, envName(f)) {
			t.Errorf("serve -h lacks --%s or %s:\n%s", f, envName(f), help)
		}
	}
	if n < 10 {
		t.Errorf("serve -h lists %d flags with their variables:\n%s", n, help)
	}
}

// serve configured by the environment alone: it listens where
// JIUZHU_ADDR says, keeps its data where JIUZHU_DATA says, and logs JSON
// lines (JIUZHU_LOG_FORMAT) at debug level, each a valid JSON object.
// Not parallel: it sets the process's environment.
func TestServeFromEnvironmentLogsJSON(t *testing.T) {
	data := filepath.Join(t.TempDir(), "from-env")
	t.Setenv("JIUZHU_ADDR", "127.0.0.1:0")
	t.Setenv("JIUZHU_DATA", data)
	t.Setenv("JIUZHU_LOG_FORMAT", "json")
	t.Setenv("JIUZHU_LOG_LEVEL", "debug")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout lines
	var stderr lines
	exit := make(chan int, 1)
	go func() { exit <- run(ctx, []string{"serve"}, &stdout, &stderr) }()
	addr := stdout.find(t, regexp.MustCompile(`listening on http://(\S+)`))
	// A failed login logs at info; /metrics from loopback is allowed.
	resp, err := http.Post("http://"+addr+"/api/login", "application/json", strings.NewReader(`{"name":"nobody","password":"wrong-password"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/metrics from loopback: %s", resp.Status)
	}
	cancel()
	select {
	case code := <-exit:
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := os.Stat(filepath.Join(data, "jiuzhu.db")); err != nil {
		t.Errorf("no database where JIUZHU_DATA says: %v", err)
	}
	stderr.mu.Lock()
	log := stderr.b.String()
	stderr.mu.Unlock()
	msgs := map[string]bool{}
	levels := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("log line is not JSON: %q (%v)", line, err)
			continue
		}
		if _, err := time.Parse(time.RFC3339Nano, rec["time"].(string)); err != nil {
			t.Errorf("log line's time: %v", rec["time"])
		}
		msgs[rec["msg"].(string)] = true
		levels[rec["level"].(string)] = true
	}
	for _, m := range []string{"serving", "login failed", "stopped", "control socket listening"} {
		if !msgs[m] {
			t.Errorf("no %q in the log:\n%s", m, log)
		}
	}
	if !levels["DEBUG"] || !levels["INFO"] || !levels["WARN"] {
		t.Errorf("levels logged %v, want DEBUG, INFO and WARN at --log-level debug", levels)
	}
}

// --log-level warn leaves out info and debug.
func TestServeLogLevel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr lines
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--log-level", "warn"}, &stdout, &stderr)
	}()
	stdout.find(t, regexp.MustCompile(`listening on http://(\S+)`))
	cancel()
	<-exit
	stderr.mu.Lock()
	log := stderr.b.String()
	stderr.mu.Unlock()
	if !strings.Contains(log, "level=WARN") || strings.Contains(log, "level=INFO") || strings.Contains(log, "level=DEBUG") {
		t.Errorf("--log-level warn logged:\n%s", log)
	}
}
