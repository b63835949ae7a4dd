package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"jiuzhu/server"
	"jiuzhu/server/store"
	"jiuzhu/server/store/bolt"
)

const backupUsage = `Usage: jiuzhu backup --data DIR --out FILE [--force]

Copies the database in DIR to FILE: a consistent copy, taken while the
server serves (it is asked for it through DIR/jiuzhu.sock) or, with no
server running, read from the file directly. The copy is written to
FILE.tmp, flushed to disk, checked (it opens and holds Jiuzhu's data) and
only then renamed to FILE. FILE is readable by its owner only: it holds
every record.

Flags:`

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := toolFlags("backup", stderr)
	data := fs.String("data", "./data", "the server's data directory (the server may be running)")
	out := fs.String("out", "", "the file to write the copy to (its directory must exist)")
	force := fs.Bool("force", false, "replace --out when it exists")
	if code := parseTool(fs, args, backupUsage, func() string {
		if *out == "" {
			return "--out FILE is required: the file to write the copy to"
		}
		return ""
	}); code >= 0 {
		return code
	}
	start := time.Now()
	info, online, err := backup(ctx, *data, *out, *force)
	if err != nil {
		return fail(stderr, "backup", err)
	}
	how := "offline: no server was running"
	if online {
		how = "online, from the running server"
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%s) in %.2f s\n", filepath.Join(*data, bolt.FileName), *out, how, time.Since(start).Seconds())
	fmt.Fprintf(stdout, "%d bytes, log sequence %d (epoch %d), %d users, %d devices, %d photos, schema %d\n",
		info.Size, info.LastSeq, info.Epoch, info.Users, info.Devices, info.Blobs, info.Schema)
	return 0
}

// backup copies the database of dataDir to out (through out+".tmp") and
// reports what the copy holds and whether a running server made it.
func backup(ctx context.Context, dataDir, out string, force bool) (info bolt.BackupInfo, online bool, err error) {
	db, err := checkDataDir(dataDir)
	if err != nil {
		return info, false, err
	}
	if err := checkOut(db, out, force); err != nil {
		return info, false, err
	}
	tmp := out + ".tmp"
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(tmp, flags, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return info, false, fmt.Errorf("%s exists: another backup to %s may be running; if none is, remove it or pass --force", tmp, out)
	}
	if err != nil {
		return info, false, err
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(tmp)
		}
	}()

	info, err = server.RequestBackup(ctx, dataDir, f)
	online = err == nil
	switch {
	case errors.Is(err, server.ErrNoServer):
		info, err = offlineBackup(db, f)
	case errors.Is(err, server.ErrBusy):
		return info, true, fmt.Errorf("the server is busy: %w; try again when that has finished", err)
	case err != nil:
		return info, true, err
	}
	if err != nil {
		return info, online, err
	}
	if err := f.Sync(); err != nil {
		return info, online, fmt.Errorf("flushing %s to disk: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return info, online, err
	}
	done = true
	if err := verifyCopy(tmp, info); err != nil {
		os.Remove(tmp)
		return info, online, err
	}
	if !force {
		// Refuse, still, an --out that appeared meanwhile: a hard link
		// fails when the name is taken, where a rename would replace it.
		err = os.Link(tmp, out)
		switch {
		case errors.Is(err, fs.ErrExist):
			os.Remove(tmp)
			return info, online, fmt.Errorf("%s appeared while the copy was taken: not replaced (pass --force to replace it)", out)
		case err != nil: // a file system without hard links
			err = os.Rename(tmp, out)
		default:
			err = os.Remove(tmp)
		}
	} else {
		err = os.Rename(tmp, out)
	}
	if err != nil {
		return info, online, err
	}
	return info, online, syncDir(filepath.Dir(out))
}

// offlineBackup copies the database file at db to w, with no server
// running (or one that does not answer on the socket).
func offlineBackup(db string, w io.Writer) (bolt.BackupInfo, error) {
	r, err := bolt.OpenReadOnly(db)
	if errors.Is(err, store.ErrLocked) {
		return bolt.BackupInfo{}, fmt.Errorf("%s is held by a running server that does not answer on %s "+
			"(a jiuzhu older than this one, or its data directory's path is too long for a socket): "+
			"stop it and run backup again, or upgrade it", db, filepath.Join(filepath.Dir(db), server.SocketName))
	}
	if err != nil {
		return bolt.BackupInfo{}, err
	}
	defer r.Close()
	return r.Backup(w, nil)
}

// checkDataDir checks that dir is a data directory with a database in it,
// and returns the database's path.
func checkDataDir(dir string) (string, error) {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("data directory %s does not exist: give --data the server's data directory", dir)
	case err != nil:
		return "", err
	case !fi.IsDir():
		return "", fmt.Errorf("--data %s is not a directory: give the server's data directory", dir)
	}
	db := filepath.Join(dir, bolt.FileName)
	if _, err := os.Stat(db); errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("no database in %s (%s does not exist): is it the server's data directory?", dir, bolt.FileName)
	} else if err != nil {
		return "", err
	}
	return db, nil
}

// checkOut checks that out may be written: its directory exists, it is not
// a directory nor the database itself, and it does not exist unless force.
func checkOut(db, out string, force bool) error {
	dir := filepath.Dir(out)
	if fi, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("the directory of --out, %s, does not exist: create it first", dir)
	} else if err != nil {
		return err
	} else if !fi.IsDir() {
		return fmt.Errorf("the directory of --out, %s, is not a directory", dir)
	}
	fi, err := os.Stat(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if a, b := absPath(out), absPath(db); a == b {
			return fmt.Errorf("--out %s is the database itself: write the copy elsewhere", out)
		}
		return nil
	case err != nil:
		return err
	case fi.IsDir():
		return fmt.Errorf("--out %s is a directory: name a file in it, e.g. %s", out, filepath.Join(out, "jiuzhu-"+time.Now().Format("20060102")+".db"))
	}
	if dbi, err := os.Stat(db); err == nil && os.SameFile(fi, dbi) {
		return fmt.Errorf("--out %s is the database itself: write the copy elsewhere", out)
	}
	if !force {
		return fmt.Errorf("%s already exists: choose another name, or pass --force to replace it", out)
	}
	return nil
}

// verifyCopy checks that the copy at path opens as a Jiuzhu database and
// holds what the copy was said to hold.
func verifyCopy(path string, want bolt.BackupInfo) error {
	got, err := bolt.Inspect(path)
	if err != nil {
		return fmt.Errorf("the copy does not open as a Jiuzhu database, so it was removed: %w", err)
	}
	if got != want {
		return fmt.Errorf("the copy was removed: it holds %+v, the source said %+v", got, want)
	}
	return nil
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// syncDir flushes a directory, so that a rename in it survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("flushing %s to disk: %w", dir, err)
	}
	return nil
}
