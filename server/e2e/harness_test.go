package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	// root is the repository's root directory.
	root string
	// binPath is the server binary built for this run.
	binPath string
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	var err error
	if root, err = filepath.Abs("../.."); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	if _, err := os.Stat(filepath.Join(root, "web/dist/app.wasm")); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: web/dist/app.wasm is missing: run `make build` first (`make test` does)")
		return 1
	}
	dir, err := os.MkdirTemp("", "jiuzhu-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binPath = filepath.Join(dir, "jiuzhu")
	if err := goBuild(binPath, "./server/cmd/jiuzhu"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	return m.Run()
}

// goBuild builds the package at pkg (relative to root) into out.
func goBuild(out, pkg string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

// syncBuffer is a bytes.Buffer safe for a process writing while a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// proc is a running server process.
type proc struct {
	cmd    *exec.Cmd
	URL    string // http://host:port
	Addr   string // host:port
	stderr *syncBuffer
	done   chan struct{}
	err    error // the Wait error, once done is closed
}

// startServer runs `jiuzhu serve` with --data dataDir and --addr addr (port
// 0 for a free one) plus extra flags, and waits for its listening line.
func startServer(t testing.TB, dataDir, addr string, extra ...string) *proc {
	t.Helper()
	p, err := tryStartServer(dataDir, addr, extra...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.kill() })
	return p
}

func tryStartServer(dataDir, addr string, extra ...string) (*proc, error) {
	args := append([]string{"serve", "--data", dataDir, "--addr", addr}, extra...)
	return startProc(binPath, args...)
}

// startProc runs a binary that prints "listening on http://HOST:PORT".
func startProc(bin string, args ...string) (*proc, error) {
	cmd := exec.Command(bin, args...)
	p := &proc{cmd: cmd, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				urls <- u
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() { p.err = cmd.Wait(); close(p.done) }()
	select {
	case u := <-urls:
		p.URL = u
		p.Addr = strings.TrimPrefix(u, "http://")
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("%s exited before listening: %v\n%s", filepath.Base(bin), p.err, p.stderr)
	case <-time.After(30 * time.Second):
		p.kill()
		return nil, fmt.Errorf("%s did not start listening within 30 s\n%s", filepath.Base(bin), p.stderr)
	}
}

// stop sends sig and waits for the process to exit; it returns the exit code.
func (p *proc) stop(t testing.TB, sig syscall.Signal) int {
	t.Helper()
	p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		p.kill()
		t.Fatalf("server did not exit within 15 s of %v\n%s", sig, p.stderr)
	}
	return exitCode(p.err)
}

func (p *proc) kill() {
	select {
	case <-p.done:
	default:
		p.cmd.Process.Kill()
		<-p.done
	}
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// runBinary runs the server binary to completion with a time limit.
func runBinary(t testing.TB, limit time.Duration, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("jiuzhu %v did not finish within %v (hang)", args, limit)
	}
	return exitCode(err), o.String(), e.String()
}

// httpGet fetches url and returns the status and body.
func httpGet(t testing.TB, url string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// copyDir copies the tree at src to dst.
func copyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// addUser creates a user in a data directory (the server must be stopped).
func addUser(t testing.TB, dataDir, name, password, role, team, org string) {
	t.Helper()
	cmd := exec.Command(binPath, "user", "add", "--data", dataDir, "--name", name, "--role", role, "--team", team, "--org", org)
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("user add %s: %v\n%s", name, err, out)
	}
}
