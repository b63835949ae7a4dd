package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	stdsync "sync"
	"sync/atomic"
	"testing"
	"time"

	"jiuzhu/server"
	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/server/store/bolt"
	"jiuzhu/shared/sync"
)

// scrapeMetrics reads base's /metrics as name{labels} → value.
func scrapeMetrics(t *testing.T, base string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.LastIndexByte(line, ' '); i > 0 && !strings.HasPrefix(line, "#") {
			v, err := strconv.ParseFloat(line[i+1:], 64)
			if err == nil {
				out[line[:i]] = v
			}
		}
	}
	return out
}

// waitAccepted waits until the server has accepted at least n changes.
func waitAccepted(t *testing.T, base string, n float64) {
	t.Helper()
	for start := time.Now(); time.Since(start) < 60*time.Second; time.Sleep(20 * time.Millisecond) {
		if scrapeMetrics(t, base)["jiuzhu_changes_accepted_total"] >= n {
			return
		}
	}
	t.Fatalf("the server did not accept %v changes within 60 s", n)
}

// blobRequest sends a photo request with a device's token.
func blobRequest(t *testing.T, method, url, token string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

var seqRE = regexp.MustCompile(`log sequence (\d+) \(epoch (\d+)\)`)

// The test: a backup taken through the CLI while devices push
// continuously restores into a new data directory whose server serves
// exactly the state of the log up to the backup's sequence: a fresh
// device pulls the records that log makes, the users and their sessions
// are there, and so is a photo.
func TestBackupUnderLoadRestores(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	data, data2, out := filepath.Join(dir, "data"), filepath.Join(dir, "restored"), filepath.Join(dir, "backup.db")
	ls, err := startServer(ctx, server.Config{DataDir: data, RatePerDevice: 1e9})
	if err != nil {
		t.Fatal(err)
	}
	defer ls.stop()
	users := []server.NewUser{
		{Name: "admin", Role: store.RoleAdmin, Org: "62"},
		{Name: "wang", Role: store.RoleWorker, Team: "t1", Org: "620102"},
		{Name: "li", Role: store.RoleWorker, Team: "t1", Org: "620102"},
	}
	for _, u := range users {
		u.Password = toolPassword
		if _, err := ls.srv.AddUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	// Two tablets for each worker: they edit the same cases, so conflict
	// records are logged too.
	var base atomic.Pointer[string]
	base.Store(&ls.URL)
	var devs []*crashDevice
	for i, name := range []string{"wang", "wang", "li", "li"} {
		d, err := client.Login(ctx, ls.URL, name, toolPassword)
		if err != nil {
			t.Fatal(err)
		}
		if err := withSession(ctx, d, sync.SessionConfig{Timeout: 10 * time.Second, Retries: 1}); err != nil {
			t.Fatal(err)
		}
		devs = append(devs, &crashDevice{d: d, r: rand.New(rand.NewPCG(9, uint64(i))), base: &base})
	}
	photo := make([]byte, 200<<10)
	for i := range photo {
		photo[i] = byte(i * 31 >> 3)
	}
	sum := sha256.Sum256(photo)
	sha := hex.EncodeToString(sum[:])
	if code, b := blobRequest(t, "PUT", fmt.Sprintf("%s/api/blobs/%s?offset=0&total=%d", ls.URL, sha, len(photo)), devs[0].d.Token, photo); code != 200 {
		t.Fatalf("photo upload: %d %s", code, b)
	}

	loopCtx, stopLoops := context.WithCancel(ctx)
	var wg stdsync.WaitGroup
	errs := make([]error, len(devs))
	for i, cd := range devs {
		wg.Go(func() { errs[i] = cd.loop(loopCtx) })
	}
	waitAccepted(t, ls.URL, 150)
	var stdout, stderr bytes.Buffer
	began := time.Now()
	code := run(ctx, []string{"backup", "--data", data, "--out", out}, &stdout, &stderr)
	took := time.Since(began)
	if code != 0 {
		stopLoops()
		wg.Wait()
		t.Fatalf("backup: exit %d\n%s%s", code, &stdout, &stderr)
	}
	m := seqRE.FindStringSubmatch(stdout.String())
	if m == nil || !strings.Contains(stdout.String(), "online, from the running server") {
		t.Fatalf("backup's output lacks an online copy's log sequence:\n%s", &stdout)
	}
	backupSeq, _ := strconv.ParseUint(m[1], 10, 64)
	epoch, _ := strconv.ParseUint(m[2], 10, 64)
	// The devices go on pushing after the copy.
	waitAccepted(t, ls.URL, scrapeMetrics(t, ls.URL)["jiuzhu_changes_accepted_total"]+150)
	stopLoops()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("device %d: %v", i, err)
		}
	}
	backupMetric := scrapeMetrics(t, ls.URL)["jiuzhu_last_backup_timestamp_seconds"]
	if err := ls.stop(); err != nil {
		t.Fatal(err)
	}
	if backupMetric < float64(began.Unix()) {
		t.Errorf("jiuzhu_last_backup_timestamp_seconds %v, before the backup began (%d)", backupMetric, began.Unix())
	}
	fi, _ := os.Stat(out)
	t.Logf("backup under load: %s in %v", strings.ReplaceAll(strings.TrimSpace(stdout.String()), "\n", "; "), took.Round(time.Millisecond))
	if fi == nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode %v, want 0600 (it holds every record)", fi)
	}

	// What the original log holds up to the backup's sequence.
	want := map[sync.RecID]*sync.Record{}
	var last uint64
	var wantUsers []string
	orig, err := bolt.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	err = orig.View(ctx, func(tx store.ReadTx) error {
		us, err := tx.Users()
		for _, u := range us {
			wantUsers = append(wantUsers, u.ID+" "+u.Name)
		}
		if err != nil {
			return err
		}
		return tx.Log(0, func(e sync.Entry) (bool, error) {
			last = e.Seq
			if e.Seq <= backupSeq {
				r := want[e.Rec]
				if r == nil {
					r = sync.NewRecord(e.Rec)
					want[e.Rec] = r
				}
				r.Apply(e)
			}
			return true, nil
		})
	})
	orig.Close()
	if err != nil {
		t.Fatal(err)
	}
	if backupSeq < 150 || last < backupSeq+150 {
		t.Fatalf("backup at sequence %d of %d: not taken in the middle of the load", backupSeq, last)
	}

	code = run(ctx, []string{"restore", "--data", data2, "--in", out}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("restore: exit %d\n%s%s", code, &stdout, &stderr)
	}
	restored, err := server.ListUsers(ctx, data2)
	if err != nil {
		t.Fatal(err)
	}
	var gotUsers []string
	for _, u := range restored {
		gotUsers = append(gotUsers, u.ID+" "+u.Name)
	}
	if fmt.Sprint(gotUsers) != fmt.Sprint(wantUsers) {
		t.Errorf("restored users %v, want %v", gotUsers, wantUsers)
	}

	ls2, err := startServer(ctx, server.Config{DataDir: data2})
	if err != nil {
		t.Fatal(err)
	}
	defer ls2.stop()
	fresh, err := client.Login(ctx, ls2.URL, "admin", toolPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fresh.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	got := fresh.Store.All()
	if diff := diffRecords(got, want); diff != "" {
		t.Errorf("a fresh device on the restored server differs from the log up to %d: %s", backupSeq, diff)
	}
	if c := fresh.Session.Cursor(); c != (sync.Cursor{Epoch: epoch + 1, Seq: backupSeq}) {
		t.Errorf("fresh device's cursor %+v, want epoch %d (one past the backup's) at sequence %d", c, epoch+1, backupSeq)
	}
	t.Logf("%d records as of sequence %d (of %d in the original log)", len(want), backupSeq, last)
	// The tablets' sessions survive: each may still call the API, and the
	// photo's uploader may download it.
	for i, cd := range devs {
		if code, b := blobRequest(t, "GET", ls2.URL+"/api/me", cd.d.Token, nil); code != 200 {
			t.Errorf("device %d's session on the restored server: %d %s", i, code, b)
		}
	}
	if code, b := blobRequest(t, "GET", ls2.URL+"/api/blobs/"+sha, devs[0].d.Token, nil); code != 200 || !bytes.Equal(b, photo) {
		t.Errorf("the photo on the restored server: %d, %d bytes, equal %v", code, len(b), bytes.Equal(b, photo))
	}
	// The tablets synced changes after the backup, which the restored log
	// has not got: their op counters are ahead of the server's. They go on
	// syncing: their new changes are accepted, not refused as gaps.
	base.Store(&ls2.URL)
	for i, cd := range devs {
		if err := cd.edit(ctx); err != nil {
			t.Fatal(err)
		}
		if err := cd.settle(ctx); err != nil {
			t.Fatalf("device %d on the restored server: %v", i, err)
		}
		rejected, err := cd.d.Session.Rejected(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rejected {
			if r.Code == "gap" {
				t.Errorf("device %d's change after the restore refused as a gap: %s", i, r.Message)
			}
		}
		if cd.d.Session.Cursor().Epoch != epoch+1 {
			t.Errorf("device %d is on epoch %d after the restore, want %d", i, cd.d.Session.Cursor().Epoch, epoch+1)
		}
	}
}

// runCmd runs the binary's command line and returns its exit code and
// output.
func runCmd(args ...string) (int, string, string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// newData makes a data directory with a database of n users, closed.
func newData(t *testing.T, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	for i := range n {
		if _, err := server.AddUser(context.Background(), dir, server.NewUser{Name: fmt.Sprintf("user%d", i),
			Password: toolPassword, Role: store.RoleWorker, Team: "t", Org: "620102"}); err != nil {
			t.Fatal(err)
		}
	}
	if n == 0 {
		db, err := bolt.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	return dir
}

// Bad input to backup is refused with a message that says what to do,
// and leaves no file behind.
func TestBackupRefusals(t *testing.T) {
	t.Parallel()
	data := newData(t, 1)
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.db")
	os.WriteFile(existing, []byte("keep me"), 0o600)
	noDB := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--data", data}, 2, "--out FILE is required"},
		{[]string{"--data", filepath.Join(dir, "nope"), "--out", filepath.Join(dir, "a.db")}, 1, "does not exist: give --data the server's data directory"},
		{[]string{"--data", file, "--out", filepath.Join(dir, "a.db")}, 1, "is not a directory"},
		{[]string{"--data", noDB, "--out", filepath.Join(dir, "a.db")}, 1, "no database in " + noDB},
		{[]string{"--data", data, "--out", filepath.Join(dir, "missing", "a.db")}, 1, "the directory of --out, " + filepath.Join(dir, "missing") + ", does not exist: create it first"},
		{[]string{"--data", data, "--out", existing}, 1, existing + " already exists: choose another name, or pass --force"},
		{[]string{"--data", data, "--out", dir}, 1, "is a directory: name a file in it"},
		{[]string{"--data", data, "--out", filepath.Join(data, bolt.FileName), "--force"}, 1, "is the database itself"},
		{[]string{"--data", data, "--out", filepath.Join(data, bolt.FileName)}, 1, "is the database itself"},
	} {
		code, stdout, stderr := runCmd(append([]string{"backup"}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) || stdout != "" {
			t.Errorf("backup %v: exit %d, stderr %q; want exit %d saying %q", c.args, code, stderr, c.code, c.want)
		}
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Errorf("a refused backup changed --out: %q", b)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(left) > 0 {
		t.Errorf("refused backups left %v", left)
	}
	// --force replaces the file with a copy.
	if code, stdout, stderr := runCmd("backup", "--data", data, "--out", existing, "--force"); code != 0 || !strings.Contains(stdout, "offline: no server was running") {
		t.Fatalf("backup --force: exit %d\n%s%s", code, stdout, stderr)
	}
	if info, err := bolt.Inspect(existing); err != nil || info.Users != 1 {
		t.Errorf("the forced copy: %+v %v", info, err)
	}
}

// With the database held by a process that has no control socket (an
// older server), backup says so instead of waiting or copying a file in
// use; a socket file left by a killed server does not stop an offline
// copy.
func TestBackupLockedAndStaleSocket(t *testing.T) {
	t.Parallel()
	data := newData(t, 2)
	db, err := bolt.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "b.db")
	code, _, stderr := runCmd("backup", "--data", data, "--out", out)
	db.Close()
	if code != 1 || !strings.Contains(stderr, "held by a running server that does not answer on "+filepath.Join(data, server.SocketName)) {
		t.Errorf("backup of a held database: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(out + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("the failed backup left %s.tmp", out)
	}
	staleSocket(t, data)
	if code, stdout, stderr := runCmd("backup", "--data", data, "--out", out); code != 0 || !strings.Contains(stdout, "offline") || !strings.Contains(stdout, "2 users") {
		t.Errorf("backup beside a stale socket: exit %d\n%s%s", code, stdout, stderr)
	}
}

// While the server streams one copy, a second backup is refused at once
// as busy, and the first one still completes.
func TestBackupBusy(t *testing.T) {
	t.Parallel()
	data := newData(t, 1)
	// 4 MiB of an upload in progress: more than the socket buffers hold,
	// so a copy whose reader waits keeps the server busy.
	db, err := bolt.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("jiuzhu-"), (256<<10)/7)
	err = db.Update(context.Background(), func(tx store.Tx) error {
		var off int64
		for range 16 {
			n, err := tx.AppendPartial("u", strings.Repeat("a", 64), off, chunk, time.Now())
			if err != nil {
				return err
			}
			off = n
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ls, err := startServer(ctx, server.Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer ls.stop()

	pr, pw := io.Pipe()
	first := make(chan error, 1)
	var n atomic.Int64
	go func() {
		_, err := server.RequestBackup(ctx, data, writerFunc(func(p []byte) (int, error) {
			n.Add(int64(len(p)))
			return pw.Write(p)
		}))
		pw.Close()
		first <- err
	}()
	// Read a little, then stall the first copy.
	if _, err := io.ReadFull(pr, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "b.db")
	code, _, stderr := runCmd("backup", "--data", data, "--out", out)
	if code != 1 || !strings.Contains(stderr, "the server is busy: the server is taking another backup; try again when that has finished") {
		t.Errorf("second backup: exit %d, %q; want busy", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused backup wrote %s", out)
	}
	io.Copy(io.Discard, pr)
	if err := <-first; err != nil {
		t.Fatalf("the first copy: %v", err)
	}
	if n.Load() < 4<<20 {
		t.Errorf("the first copy has %d bytes, want over 4 MiB", n.Load())
	}
	// Free again once the first copy's handler has ended (just after its
	// last byte arrived).
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		code, stdout, stderr := runCmd("backup", "--data", data, "--out", out)
		if code == 0 && strings.Contains(stdout, "online") {
			break
		}
		if !strings.Contains(stderr, "busy") || time.Since(start) > 10*time.Second {
			t.Fatalf("backup after the busy one: exit %d\n%s%s", code, stdout, stderr)
		}
	}
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// staleSocket leaves a socket file in dir with nobody listening, as a
// server killed with -9 does.
func staleSocket(t *testing.T, dir string) {
	t.Helper()
	ln, err := net.Listen("unix", filepath.Join(dir, server.SocketName))
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
}

// A data directory whose path is too long for a unix socket still serves;
// backup then cannot reach the server and says why, and restore is held
// off by the database's lock.
func TestBackupLongPath(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), strings.Repeat("d", 60), strings.Repeat("e", 60))
	ls, err := startServer(context.Background(), server.Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer ls.stop()
	if _, err := os.Stat(filepath.Join(data, server.SocketName)); !os.IsNotExist(err) {
		t.Fatalf("a socket at a %d-byte path: %v", len(filepath.Join(data, server.SocketName)), err)
	}
	code, _, stderr := runCmd("backup", "--data", data, "--out", filepath.Join(t.TempDir(), "b.db"))
	if code != 1 || !strings.Contains(stderr, "path is too long for a socket") {
		t.Errorf("backup: exit %d, %q", code, stderr)
	}
	code, _, stderr = runCmd("restore", "--data", data, "--in", backupOf(t, newData(t, 0)), "--force")
	if code != 1 || !strings.Contains(stderr, "is held by a running jiuzhu server: stop it first") {
		t.Errorf("restore: exit %d, %q", code, stderr)
	}
}
