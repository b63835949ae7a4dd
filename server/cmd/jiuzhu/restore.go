package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"jiuzhu/server"
	"jiuzhu/server/store"
	"jiuzhu/server/store/bolt"
)

const restoreUsage = `Usage: jiuzhu restore --data DIR --in FILE [--force]

Puts the backup FILE (made by jiuzhu backup) in place as the database of
DIR, with the server stopped. FILE is checked first: it must open as a
Jiuzhu database. A database already in DIR is replaced only with --force,
and is then kept beside it as jiuzhu.db.before-restore-TIME. The restored
database starts a new epoch of the change log: every tablet downloads its
data again at its next sync.

Flags:`

// restoreResult is what a restore did.
type restoreResult struct {
	info bolt.BackupInfo // the database now in place
	kept string          // where the replaced one is kept ("" when there was none)
}

func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := toolFlags("restore", stderr)
	data := fs.String("data", "./data", "the server's data directory (created when missing; the server must be stopped)")
	in := fs.String("in", "", "the backup to restore (a file made by jiuzhu backup)")
	force := fs.Bool("force", false, "replace the database DIR holds (it is kept beside it)")
	if code := parseTool(fs, args, restoreUsage, func() string {
		if *in == "" {
			return "--in FILE is required: the backup to restore"
		}
		return ""
	}); code >= 0 {
		return code
	}
	res, err := restore(ctx, *data, *in, *force, time.Now())
	if err != nil {
		return fail(stderr, "restore", err)
	}
	i := res.info
	fmt.Fprintf(stdout, "restored %s into %s: %d bytes, log sequence %d (new epoch %d), %d users, %d devices, %d photos\n",
		*in, filepath.Join(*data, bolt.FileName), i.Size, i.LastSeq, i.Epoch, i.Users, i.Devices, i.Blobs)
	if res.kept != "" {
		fmt.Fprintf(stdout, "the database it replaced is kept as %s\n", res.kept)
	}
	fmt.Fprintln(stdout, "start the server: every tablet downloads its data again at its next sync")
	return 0
}

// restore copies the backup in into dataDir as its database.
func restore(ctx context.Context, dataDir, in string, force bool, now time.Time) (restoreResult, error) {
	var res restoreResult
	want, err := checkBackup(in)
	if err != nil {
		return res, err
	}
	if fi, err := os.Stat(dataDir); err != nil {
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return res, fmt.Errorf("cannot create the data directory: %w", err)
		}
	} else if !fi.IsDir() {
		return res, fmt.Errorf("--data %s is not a directory", dataDir)
	}
	if serving, err := server.Serving(ctx, dataDir); err != nil {
		return res, fmt.Errorf("checking for a server on %s: %w", dataDir, err)
	} else if serving {
		return res, fmt.Errorf("a jiuzhu server is running on %s (it answers on %s): stop it first "+
			"(e.g. systemctl stop jiuzhu), then run restore again", dataDir, filepath.Join(dataDir, server.SocketName))
	}
	db := filepath.Join(dataDir, bolt.FileName)
	old, err := os.Stat(db)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return res, err
	}
	if exists {
		if inFi, err := os.Stat(in); err == nil && os.SameFile(inFi, old) {
			return res, fmt.Errorf("--in %s is the database of %s itself: give a backup", in, dataDir)
		}
		// Hold the old file (a shared lock) until it is replaced: no server
		// can start on it meanwhile.
		held, err := bolt.OpenReadOnly(db)
		var desc string
		switch {
		case errors.Is(err, store.ErrLocked):
			return res, fmt.Errorf("%s is held by a running jiuzhu server: stop it first (e.g. systemctl stop jiuzhu), then run restore again", db)
		case err != nil:
			desc = fmt.Sprintf("%d bytes, unreadable: %v", old.Size(), err)
		default:
			defer held.Close()
			if i, err := held.Info(); err != nil {
				desc = fmt.Sprintf("%d bytes, unreadable: %v", old.Size(), err)
			} else {
				desc = fmt.Sprintf("%d bytes, log sequence %d, %d users", i.Size, i.LastSeq, i.Users)
			}
		}
		if !force {
			return res, fmt.Errorf("%s already holds a database (%s, %s): restoring replaces it; "+
				"pass --force to do so (it is then kept as %s)", dataDir, bolt.FileName, desc, filepath.Join(dataDir, bolt.RestoredName(now)))
		}
	}

	tmp := db + ".restoring"
	if err := copyFile(in, tmp); err != nil {
		os.Remove(tmp)
		return res, err
	}
	res.info, err = bolt.MarkRestored(tmp)
	if err == nil && (res.info.LastSeq != want.LastSeq || res.info.Users != want.Users || res.info.Blobs != want.Blobs) {
		err = fmt.Errorf("the copy holds %+v, the backup %+v", res.info, want)
	}
	if err != nil {
		os.Remove(tmp)
		return res, fmt.Errorf("the copy of %s in %s did not check out, nothing was replaced: %w", in, dataDir, err)
	}
	if exists {
		if res.kept, err = keepAside(db, now); err != nil {
			os.Remove(tmp)
			return res, err
		}
	}
	if err := os.Rename(tmp, db); err != nil {
		return res, fmt.Errorf("putting the backup in place (%s is kept as %s): %w", db, res.kept, err)
	}
	return res, syncDir(dataDir)
}

// checkBackup checks that in is a Jiuzhu database this build can serve,
// with errors that say what to do.
func checkBackup(in string) (bolt.BackupInfo, error) {
	info, err := bolt.Inspect(in)
	reason := err
	if oe := (*store.OpenError)(nil); errors.As(err, &oe) {
		reason = oe.Err // the path is in the message already
	}
	switch {
	case err == nil:
		return info, nil
	case errors.Is(err, fs.ErrNotExist):
		return info, fmt.Errorf("--in %s does not exist", in)
	case errors.Is(err, store.ErrLocked):
		return info, fmt.Errorf("--in %s is held by a running server: it is a live database, not a backup; "+
			"take a copy of it with jiuzhu backup and restore that", in)
	case errors.Is(err, store.ErrNewerSchema):
		return info, fmt.Errorf("--in %s was written by a newer jiuzhu (%v): restore it with that version", in, reason)
	case errors.Is(err, bolt.ErrNotDatabase), errors.Is(err, bolt.ErrCorrupt):
		why := strings.TrimPrefix(reason.Error(), bolt.ErrNotDatabase.Error()+": ")
		return info, fmt.Errorf("--in %s is not a Jiuzhu database (%s): give a file made by jiuzhu backup", in, why)
	}
	return info, err
}

// keepAside gives the database at db a second name,
// jiuzhu.db.before-restore-TIME (-2, -3, … when taken), and returns it. A
// hard link keeps db in place until the restored file replaces it; where
// the file system has none, the file is renamed.
func keepAside(db string, now time.Time) (string, error) {
	base := filepath.Join(filepath.Dir(db), bolt.RestoredName(now))
	for n := 1; n < 100; n++ {
		keep := base
		if n > 1 {
			keep = fmt.Sprintf("%s-%d", base, n)
		}
		err := os.Link(db, keep)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			if _, serr := os.Lstat(keep); !errors.Is(serr, fs.ErrNotExist) {
				continue
			}
			if err := os.Rename(db, keep); err != nil {
				return "", fmt.Errorf("keeping %s aside as %s: %w", db, keep, err)
			}
		}
		return keep, nil
	}
	return "", fmt.Errorf("keeping %s aside: %s and 98 more names are taken", db, base)
}

// copyFile copies src to dst (created or truncated, mode 0600) and flushes
// it to disk.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copying %s to %s: %w", src, dst, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("flushing %s to disk: %w", dst, err)
	}
	return out.Close()
}
