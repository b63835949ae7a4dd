package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	stdsync "sync"
	"sync/atomic"
	"syscall"
	"time"

	"jiuzhu/server"
	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// crashResult is what crashtest prints.
type crashResult struct {
	Rounds    int     `json:"rounds"`
	Devices   int     `json:"devices"`
	Acked     int     `json:"acked"`        // changes the devices saw acknowledged as accepted
	Lost      int     `json:"lost"`         // acked changes the server no longer has (or has older)
	Rejected  int     `json:"rejected"`     // changes the server refused
	Failed    int     `json:"failed_syncs"` // sync rounds cut short (the server died or was restarting)
	Records   int     `json:"records"`      // records a fresh device downloads at the end
	Converged bool    `json:"converged"`
	Seconds   float64 `json:"seconds"`
}

const crashUsage = `Usage: jiuzhu crashtest --rounds R [--devices D] [--data DIR] [--seed S]

Runs the server as a child process (this binary's serve command) on DIR
(default a temporary directory) while D native devices of one worker edit
and sync continuously, kills the server with SIGKILL at a random moment of
each of R rounds and restarts it on the same data. At the end every device
syncs until its outbox is empty, then once more, and a fresh device
downloads everything. Checks that (a) every change a device saw acked is on
the server (its field holds that write or a later one) and (b) all devices
hold exactly what the fresh device holds. Prints one JSON line; exits 1 if
anything acked was lost or the devices did not converge.`

func runCrashtest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := toolFlags("crashtest", stderr)
	rounds := fs.Int("rounds", 10, "server kills")
	devices := fs.Int("devices", 4, "devices editing and syncing")
	data := fs.String("data", "", "data directory (default: a temporary directory, removed afterwards)")
	seed := fs.Uint64("seed", 0, "seed of the kill times and edits (0: from the clock; printed on failure)")
	if code := parseTool(fs, args, crashUsage, func() string {
		switch {
		case *rounds < 1:
			return "--rounds must be at least 1"
		case *devices < 1:
			return "--devices must be at least 1"
		}
		return ""
	}); code >= 0 {
		return code
	}
	if *seed == 0 {
		*seed = uint64(time.Now().UnixNano())
	}
	res, err := crashtest(ctx, *data, *rounds, *devices, *seed, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "jiuzhu crashtest: seed %d: %v\n", *seed, err)
		return 1
	}
	if err := writeJSON(stdout, res); err != nil {
		return fail(stderr, "crashtest", err)
	}
	if res.Lost > 0 || !res.Converged {
		fmt.Fprintf(stderr, "jiuzhu crashtest: FAILED (seed %d): %d acked changes lost, converged %v\n", *seed, res.Lost, res.Converged)
		return 1
	}
	return 0
}

func crashtest(ctx context.Context, dirFlag string, rounds, nDev int, seed uint64, stderr io.Writer) (crashResult, error) {
	res := crashResult{Rounds: rounds, Devices: nDev}
	start := time.Now()
	dir, cleanup, err := dataDir(dirFlag, "jiuzhu-crashtest-*")
	if err != nil {
		return res, err
	}
	defer cleanup()
	dir = filepath.Join(dir, "server")
	name := "crash" + time.Now().Format("150405.000")
	if _, err := server.AddUser(ctx, dir, server.NewUser{Name: name, Password: toolPassword, Role: store.RoleWorker,
		Team: "team1", Org: "620102"}); err != nil {
		return res, err
	}
	exe, err := os.Executable()
	if err != nil {
		return res, err
	}
	child, err := startChild(ctx, exe, dir)
	if err != nil {
		return res, err
	}
	defer func() {
		if child != nil {
			child.kill()
		}
	}()
	var base atomic.Pointer[string]
	base.Store(&child.url)

	devs := make([]*crashDevice, nDev)
	for i := range devs {
		d, err := client.Login(ctx, child.url, name, toolPassword)
		if err != nil {
			return res, err
		}
		if err := withSession(ctx, d, sync.SessionConfig{Timeout: 2 * time.Second, Retries: 1}); err != nil {
			return res, err
		}
		devs[i] = &crashDevice{d: d, r: rand.New(rand.NewPCG(seed, uint64(i)+1)), base: &base}
	}

	// Devices edit and sync until the last kill; the server dies under them.
	loopCtx, stopLoops := context.WithCancel(ctx)
	var wg stdsync.WaitGroup
	errs := make([]error, nDev)
	for i, cd := range devs {
		wg.Go(func() { errs[i] = cd.loop(loopCtx) })
	}
	r := rand.New(rand.NewPCG(seed, 0))
	for round := range rounds {
		select {
		case <-time.After(time.Duration(50+r.IntN(1450)) * time.Millisecond):
		case <-ctx.Done():
			stopLoops()
			wg.Wait()
			return res, ctx.Err()
		}
		child.kill()
		if child, err = startChild(ctx, exe, dir); err != nil {
			stopLoops()
			wg.Wait()
			return res, fmt.Errorf("restart %d: %w", round+1, err)
		}
		base.Store(&child.url)
	}
	stopLoops()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return res, fmt.Errorf("device %d: %w", i, err)
		}
	}

	// Everyone pushes what is left and pulls; then everyone pulls again, so
	// each device has seen every other's last pushes.
	for pass := range 2 {
		for i, cd := range devs {
			if err := cd.settle(ctx); err != nil {
				return res, fmt.Errorf("final sync %d of device %d: %w", pass+1, i, err)
			}
		}
	}
	fresh, err := client.Login(ctx, child.url, name, toolPassword)
	if err != nil {
		return res, err
	}
	if _, err := fresh.Sync(ctx); err != nil {
		return res, fmt.Errorf("fresh device: %w", err)
	}
	want := fresh.Store.All()
	res.Records = len(want)
	res.Converged = true
	for i, cd := range devs {
		res.Acked += len(cd.acked)
		res.Rejected += cd.rejected
		res.Failed += cd.failed
		lost := lostChanges(cd.acked, want)
		for _, c := range lost[:min(len(lost), 5)] {
			fmt.Fprintf(stderr, "lost: device %d's acked %s %s.%s = %s (server has %+v)\n", i, c.Op, c.Rec, c.Field, c.Value, want[c.Rec])
		}
		res.Lost += len(lost)
		if diff := diffRecords(cd.d.Store.All(), want); diff != "" {
			res.Converged = false
			fmt.Fprintf(stderr, "device %d differs from a fresh device: %s\n", i, diff)
		}
		if out, _ := cd.d.Store.Outbox(ctx); len(out) > 0 {
			res.Converged = false
			fmt.Fprintf(stderr, "device %d still has %d changes in its outbox\n", i, len(out))
		}
	}
	if err := child.stop(); err != nil {
		return res, err
	}
	res.Seconds = round2(time.Since(start).Seconds())
	return res, nil
}

// lostChanges returns the acked changes that state (the server's, as a
// fresh device downloads it) does not hold: their field is missing or holds
// an earlier write. A later write (greater (HLC, op)) keeps the change as
// merged, so it is not lost.
func lostChanges(acked []sync.Change, state map[sync.RecID]*sync.Record) []sync.Change {
	var lost []sync.Change
	for _, c := range acked {
		r := state[c.Rec]
		if r == nil {
			lost = append(lost, c)
			continue
		}
		f, ok := r.Fields[c.Field]
		if !ok || sync.Compare(f.HLC, f.Op, c.HLC, c.Op) < 0 {
			lost = append(lost, c)
		}
	}
	return lost
}

// diffRecords describes the first differences between two devices'
// records ("" when they are equal).
func diffRecords(got, want map[sync.RecID]*sync.Record) string {
	var out []string
	for id, w := range want {
		g := got[id]
		switch {
		case g == nil:
			out = append(out, fmt.Sprintf("missing %s", id))
		case !g.Equal(w):
			for _, f := range slices.Sorted(maps.Keys(w.Fields)) {
				if gf, ok := g.Fields[f]; !ok || gf != w.Fields[f] {
					out = append(out, fmt.Sprintf("%s.%s = %s (%s), want %s (%s)", id, f, gf.Value, gf.Op, w.Fields[f].Value, w.Fields[f].Op))
				}
			}
			for f, gf := range g.Fields {
				if _, ok := w.Fields[f]; !ok {
					out = append(out, fmt.Sprintf("%s.%s = %s: extra field", id, f, gf.Value))
				}
			}
		}
	}
	for id := range got {
		if want[id] == nil {
			out = append(out, fmt.Sprintf("extra %s", id))
		}
	}
	slices.Sort(out)
	if len(out) > 3 {
		out = append(out[:3], fmt.Sprintf("… %d differences in all", len(out)))
	}
	return strings.Join(out, "; ")
}

// crashDevice is one device of the crash test, with what it saw acked.
type crashDevice struct {
	d        *client.Device
	r        *rand.Rand
	base     *atomic.Pointer[string] // the current server's URL
	cases    []sync.RecID            // cases it knows: its own and those it pulled
	acked    []sync.Change
	rejected int
	failed   int // sync rounds that failed
}

// maxOutbox bounds what a device queues while the server is down.
const maxOutbox = 400

// loop edits and syncs until ctx ends. Sync errors (the server is dead or
// restarting) are expected: it backs off and tries again.
func (cd *crashDevice) loop(ctx context.Context) error {
	backoff := 20 * time.Millisecond
	for ctx.Err() == nil {
		out, err := cd.d.Store.Outbox(ctx)
		if err != nil {
			return err
		}
		if len(out) < maxOutbox {
			if err := cd.edit(ctx); err != nil {
				return err
			}
		}
		if err := cd.sync(ctx); err != nil {
			if ctx.Err() == nil {
				cd.failed++
			}
			sleep(ctx, backoff)
			backoff = min(2*backoff, 500*time.Millisecond)
			continue
		}
		backoff = 20 * time.Millisecond
		sleep(ctx, time.Duration(cd.r.IntN(30))*time.Millisecond)
	}
	return nil
}

// sync runs one round against the current server and records the changes
// that left the outbox acked (not rejected): the outbox shrinks only on an
// ack, whether or not the round finished.
func (cd *crashDevice) sync(ctx context.Context) error {
	before, err := cd.d.Store.Outbox(ctx)
	if err != nil {
		return err
	}
	cd.d.Base = *cd.base.Load()
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	rep, err := cd.d.Sync(sctx)
	cancel()
	after, oerr := cd.d.Store.Outbox(ctx)
	if oerr != nil {
		return oerr
	}
	rejected, rerr := cd.d.Session.Rejected(ctx)
	if rerr != nil {
		return rerr
	}
	left := map[sync.Op]bool{}
	for _, c := range after {
		left[c.Op] = true
	}
	for _, c := range rejected {
		left[c.Op] = true
	}
	for _, c := range before {
		if !left[c.Op] {
			cd.acked = append(cd.acked, c)
		}
	}
	cd.rejected = len(rejected)
	if err == nil && rep.Pulled > 0 {
		cd.cases = cd.cases[:0]
		for id := range cd.d.Store.All() {
			if id.Type() == model.TypeCase {
				cd.cases = append(cd.cases, id)
			}
		}
		slices.Sort(cd.cases)
	}
	return err
}

// settle syncs until a round succeeds with the outbox empty.
func (cd *crashDevice) settle(ctx context.Context) error {
	var err error
	for try := 0; try < 20; try++ {
		if err = cd.sync(ctx); err == nil {
			out, oerr := cd.d.Store.Outbox(ctx)
			if oerr != nil {
				return oerr
			}
			if len(out) == 0 {
				return nil
			}
		}
		sleep(ctx, 100*time.Millisecond)
	}
	return err
}

// edit makes one to eight local edits: new cases, new service records
// under known cases, and edits of known cases' fields — the same fields
// other devices edit, so concurrent writes and conflicts happen.
func (cd *crashDevice) edit(ctx context.Context) error {
	var edits []sync.Edit
	ms := time.Now().UnixMilli()
	user := cd.d.User.ID
	for range 1 + cd.r.IntN(8) {
		switch k := cd.r.IntN(10); {
		case k < 2 || len(cd.cases) == 0:
			id := cd.recID(model.TypeCase, ms)
			cd.cases = append(cd.cases, id)
			edits = append(edits,
				sync.Edit{Rec: id, Field: sync.FieldRoot, Value: model.Str(string(id))},
				sync.Edit{Rec: id, Field: "title", Value: model.Str(fmt.Sprintf("个案 %d", cd.r.IntN(1000)))},
				sync.Edit{Rec: id, Field: "worker", Value: model.Str(user)},
				sync.Edit{Rec: id, Field: "opened", Value: model.Str("2026-11-01")})
		case k < 7:
			c := cd.cases[cd.r.IntN(len(cd.cases))]
			field, value := "title", model.Str(fmt.Sprintf("标题 %d", cd.r.IntN(1000)))
			if cd.r.IntN(2) == 0 {
				field, value = "division", model.Str(fmt.Sprintf("6201%02d", cd.r.IntN(12)))
			}
			edits = append(edits, sync.Edit{Rec: c, Field: field, Value: value})
		default:
			c := cd.cases[cd.r.IntN(len(cd.cases))]
			s := cd.recID(model.TypeServiceRecord, ms)
			edits = append(edits,
				sync.Edit{Rec: s, Field: sync.FieldRoot, Value: model.Str(string(c))},
				sync.Edit{Rec: s, Field: model.FieldParent, Value: model.Str(string(c))},
				sync.Edit{Rec: s, Field: "date", Value: model.Str("2026-11-02")},
				sync.Edit{Rec: s, Field: "content", Value: model.Str(fmt.Sprintf("入户探访，记录 %d", cd.r.IntN(1000)))})
		}
	}
	return cd.d.Edit(ctx, edits...)
}

func (cd *crashDevice) recID(typ string, ms int64) sync.RecID {
	var ent [10]byte
	for i := range ent {
		ent[i] = byte(cd.r.Uint32())
	}
	return sync.MakeRecID(typ, ms, ent)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// childServer is `jiuzhu serve` running as a child process.
type childServer struct {
	cmd    *exec.Cmd
	url    string
	stderr *tailBuffer
	done   chan struct{} // closed when the process has exited
}

// startChild runs exe serve on dir on a free loopback port and waits for
// its "listening on" line.
func startChild(ctx context.Context, exe, dir string) (*childServer, error) {
	cmd := exec.Command(exe, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c := &childServer{cmd: cmd, stderr: &tailBuffer{}, done: make(chan struct{})}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, u, ok := strings.Cut(sc.Text(), "listening on "); ok {
				urls <- strings.TrimSpace(u)
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() { cmd.Wait(); close(c.done) }()
	select {
	case c.url = <-urls:
		return c, nil
	case <-c.done:
		return nil, fmt.Errorf("server exited before listening: %s", c.stderr)
	case <-time.After(20 * time.Second):
	case <-ctx.Done():
	}
	c.kill()
	return nil, fmt.Errorf("server did not start listening: %s", c.stderr)
}

// kill sends SIGKILL and waits for the process to be gone (its lock on the
// database released).
func (c *childServer) kill() {
	c.cmd.Process.Kill()
	<-c.done
}

// stop asks the server to shut down (SIGTERM) and waits, killing it if it
// takes longer than 15 s.
func (c *childServer) stop() error {
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
		return nil
	case <-time.After(15 * time.Second):
		c.kill()
		return fmt.Errorf("server ignored SIGTERM: %s", c.stderr)
	}
}

// tailBuffer keeps the last 4 KiB written to it.
type tailBuffer struct {
	mu  stdsync.Mutex
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if n := len(t.buf) - 4096; n > 0 {
		t.buf = t.buf[n:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}
