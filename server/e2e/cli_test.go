package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestBadFlagsPrintUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"serve", "--bogus"},
		{"serve", "--addr"},
		{"serve", "extra-argument"},
		{"no-such-command"},
		{},
		{"version", "extra"},
	} {
		code, _, stderr := runBinary(t, 10*time.Second, args...)
		if code != 2 {
			t.Errorf("jiuzhu %v: exit %d, want 2", args, code)
		}
		if !strings.Contains(stderr, "Usage") {
			t.Errorf("jiuzhu %v: stderr has no usage:\n%s", args, stderr)
		}
	}
}

func TestVersionAndHealthzAgree(t *testing.T) {
	t.Parallel()
	code, out, _ := runBinary(t, 10*time.Second, "version")
	if code != 0 || !strings.HasPrefix(out, "jiuzhu ") {
		t.Fatalf("version: exit %d, %q", code, out)
	}
	version := strings.Fields(out)[1]
	p := startServer(t, t.TempDir(), "127.0.0.1:0")
	status, body := httpGet(t, p.URL+"/healthz")
	var h struct{ Status, Version, DB string }
	if err := json.Unmarshal([]byte(body), &h); err != nil || status != 200 {
		t.Fatalf("healthz: %d %s", status, body)
	}
	if h.Status != "ok" || h.DB != "ok" || h.Version != version {
		t.Errorf("healthz %+v; `jiuzhu version` says %s", h, version)
	}
}

func TestUnwritableDataDirFailsFast(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	dirs := []string{filepath.Join(file, "data")}
	if os.Geteuid() != 0 { // root may write anywhere
		ro := filepath.Join(t.TempDir(), "read-only")
		os.Mkdir(ro, 0o500)
		dirs = append(dirs, filepath.Join(ro, "data"))
	}
	for _, dir := range dirs {
		start := time.Now()
		code, _, stderr := runBinary(t, 10*time.Second, "serve", "--addr", "127.0.0.1:0", "--data", dir)
		if code != 1 || !strings.Contains(stderr, dir) {
			t.Errorf("data %s: exit %d, stderr %q; want exit 1 naming the path", dir, code, stderr)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v to fail", d)
		}
	}
}

func TestSecondServerOnSameDataFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first := startServer(t, dir, "127.0.0.1:0")
	start := time.Now()
	code, _, stderr := runBinary(t, 10*time.Second, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	if code != 1 {
		t.Errorf("second server: exit %d, want 1", code)
	}
	if !strings.Contains(stderr, "in use by another jiuzhu server") || !strings.Contains(stderr, filepath.Join(dir, "jiuzhu.db")) {
		t.Errorf("second server's message does not say the data is in use: %q", stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second server took %v to give up", d)
	}
	// The first is unharmed.
	if status, _ := httpGet(t, first.URL+"/healthz"); status != 200 {
		t.Errorf("first server: healthz %d", status)
	}
}

func TestSignalsShutDownCleanly(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		dir := t.TempDir()
		p := startServer(t, dir, "127.0.0.1:0")
		if status, _ := httpGet(t, p.URL+"/healthz"); status != 200 {
			t.Fatalf("healthz %d", status)
		}
		if code := p.stop(t, sig); code != 0 {
			t.Errorf("%v: exit %d\n%s", sig, code, p.stderr)
		}
		// The database was closed: a new server opens it at once.
		again, err := tryStartServer(dir, "127.0.0.1:0")
		if err != nil {
			t.Fatalf("after %v the data directory is still locked: %v", sig, err)
		}
		again.kill()
	}
}
