package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jiuzhu/server"
	"jiuzhu/server/store/bolt"
)

// backupOf takes an offline copy of data into a new file.
func backupOf(t *testing.T, data string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "backup.db")
	if code, stdout, stderr := runCmd("backup", "--data", data, "--out", out); code != 0 {
		t.Fatalf("backup: exit %d\n%s%s", code, stdout, stderr)
	}
	return out
}

// Restore checks what it is given and where it goes: a file that is not
// a Jiuzhu database, a live database, a running server (by its socket or
// its lock) and an existing database without --force are refused, each
// with what to do, and nothing in the data directory changes.
func TestRestoreRefusals(t *testing.T) {
	t.Parallel()
	src := newData(t, 1)
	backup := backupOf(t, src)
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notDB, bytes.Repeat([]byte("not a database\n"), 1000), 0o600)
	good, _ := os.ReadFile(backup)
	short := filepath.Join(dir, "short.db")
	os.WriteFile(short, good[:len(good)/2], 0o600)

	target := newData(t, 2) // a database of its own
	before, _ := os.ReadFile(filepath.Join(target, bolt.FileName))
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--data", target}, 2, "--in FILE is required"},
		{[]string{"--data", target, "--in", filepath.Join(dir, "none.db")}, 1, "none.db does not exist"},
		{[]string{"--data", target, "--in", notDB}, 1, "is not a Jiuzhu database (invalid database): give a file made by jiuzhu backup"},
		{[]string{"--data", target, "--in", short}, 1, "is not a Jiuzhu database (cut short"},
		{[]string{"--data", target, "--in", backup}, 1, "already holds a database (jiuzhu.db, "},
		{[]string{"--data", target, "--in", backup}, 1, "2 users): restoring replaces it; pass --force to do so (it is then kept as " + filepath.Join(target, "jiuzhu.db.before-restore-")},
		{[]string{"--data", target, "--in", filepath.Join(target, bolt.FileName), "--force"}, 1, "is the database of " + target + " itself"},
		{[]string{"--data", filepath.Join(notDB, "x"), "--in", backup}, 1, "cannot create the data directory"},
	} {
		code, stdout, stderr := runCmd(append([]string{"restore"}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) || stdout != "" {
			t.Errorf("restore %v: exit %d, stderr %q; want exit %d saying %q", c.args, code, stderr, c.code, c.want)
		}
	}

	// A database held by a process (a server without a socket): refused,
	// even with --force, and so is a live database given as the backup.
	held, err := bolt.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd("restore", "--data", target, "--in", backup, "--force")
	if code != 1 || !strings.Contains(stderr, "is held by a running jiuzhu server: stop it first") {
		t.Errorf("restore over a held database: exit %d, %q", code, stderr)
	}
	code, _, stderr = runCmd("restore", "--data", t.TempDir(), "--in", filepath.Join(target, bolt.FileName))
	if code != 1 || !strings.Contains(stderr, "is held by a running server: it is a live database, not a backup") {
		t.Errorf("restore from a live database: exit %d, %q", code, stderr)
	}
	held.Close()

	// A running server (its socket answers): refused, with what to do.
	ls, err := startServer(context.Background(), server.Config{DataDir: target})
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCmd("restore", "--data", target, "--in", backup, "--force")
	ls.stop()
	if code != 1 || !strings.Contains(stderr, "a jiuzhu server is running on "+target) || !strings.Contains(stderr, "stop it first") {
		t.Errorf("restore under a running server: exit %d, %q", code, stderr)
	}
	after, _ := os.ReadFile(filepath.Join(target, bolt.FileName))
	if !bytes.Equal(before, after) {
		t.Error("a refused restore changed the database")
	}
	if kept, _ := filepath.Glob(filepath.Join(target, "jiuzhu.db.*")); len(kept) > 0 {
		t.Errorf("refused restores left %v", kept)
	}
}

// With --force, the database replaced is kept byte for byte beside the
// restored one, under a name of its own each time; the restored one
// holds the backup's data in a new epoch.
func TestRestoreForceKeepsReplaced(t *testing.T) {
	t.Parallel()
	backup := backupOf(t, newData(t, 1))
	want, err := bolt.Inspect(backup)
	if err != nil {
		t.Fatal(err)
	}
	target := newData(t, 0)
	db := filepath.Join(target, bolt.FileName)
	original, _ := os.ReadFile(db)
	staleSocket(t, target) // a server killed with -9 left it: no server runs
	var kept []string
	for range 2 {
		previous, _ := os.ReadFile(db)
		code, stdout, stderr := runCmd("restore", "--data", target, "--in", backup, "--force")
		if code != 0 {
			t.Fatalf("restore --force: exit %d\n%s%s", code, stdout, stderr)
		}
		_, name, ok := strings.Cut(stdout, "the database it replaced is kept as ")
		name, _, _ = strings.Cut(name, "\n")
		if !ok {
			t.Fatalf("restore does not say where the replaced database is: %s", stdout)
		}
		if b, err := os.ReadFile(name); err != nil || !bytes.Equal(b, previous) {
			t.Errorf("kept %s differs from the database it replaced (%v)", name, err)
		}
		kept = append(kept, name)
	}
	if kept[0] == kept[1] {
		t.Errorf("two restores kept their replaced databases under one name %s", kept[0])
	}
	if b, _ := os.ReadFile(kept[0]); !bytes.Equal(b, original) {
		t.Error("the first database was not kept")
	}
	got, err := bolt.Inspect(db)
	if err != nil {
		t.Fatal(err)
	}
	if got.LastSeq != want.LastSeq || got.Users != 1 || got.Epoch != want.Epoch+1 {
		t.Errorf("restored %+v, from backup %+v: want its data in epoch %d", got, want, want.Epoch+1)
	}
	if left, _ := filepath.Glob(filepath.Join(target, "*.restoring")); len(left) > 0 {
		t.Errorf("restore left %v", left)
	}
	// The server starts on it.
	ls, err := startServer(context.Background(), server.Config{DataDir: target})
	if err != nil {
		t.Fatal(err)
	}
	if err := ls.stop(); err != nil {
		t.Fatal(err)
	}
}
