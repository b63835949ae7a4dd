package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

// appendN appends n log entries (one transaction each) after the log's
// last one, each setting the title of its own record, and a user per ten.
func appendN(t *testing.T, db *DB, n int) {
	t.Helper()
	for range n {
		err := db.Update(context.Background(), func(tx store.Tx) error {
			last, err := tx.LastSeq()
			if err != nil {
				return err
			}
			seq := last + 1
			rec := sync.MakeRecID("case", 1700000000000, [10]byte{byte(seq >> 8), byte(seq)})
			e := sync.Entry{Seq: seq, Change: sync.Change{Op: sync.Op{Device: "dev", Counter: seq}, Rec: rec,
				Field: "title", Value: fmt.Sprintf(`"case %d"`, seq), HLC: sync.HLC(seq << 16), By: "u"}}
			if err := tx.Append(e); err != nil {
				return err
			}
			if err := tx.SetField(rec, "title", sync.StateOf(e)); err != nil {
				return err
			}
			if seq%10 == 0 {
				return tx.PutUser(store.User{ID: fmt.Sprintf("u%d", seq), Name: fmt.Sprintf("user%d", seq), Role: store.RoleWorker, Org: "62"})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// checkCopy opens a copy as a store and checks that it holds exactly the
// log up to info.LastSeq, each entry's record state with it.
func checkCopy(t *testing.T, dir string, info BackupInfo) {
	t.Helper()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(context.Background(), func(tx store.ReadTx) error {
		var want uint64 = 1
		if err := tx.Log(0, func(e sync.Entry) (bool, error) {
			if e.Seq != want {
				return false, fmt.Errorf("log entry %d where %d was due", e.Seq, want)
			}
			f, ok, err := tx.Field(e.Rec, e.Field)
			if err != nil || !ok || f.Value != e.Value {
				return false, fmt.Errorf("entry %d: state %+v %v %v, want %s", e.Seq, f, ok, err, e.Value)
			}
			want++
			return true, nil
		}); err != nil {
			return err
		}
		if want-1 != info.LastSeq {
			return fmt.Errorf("the copy's log ends at %d, its description says %d", want-1, info.LastSeq)
		}
		users, err := tx.Users()
		if err == nil && len(users) != info.Users {
			err = fmt.Errorf("%d users in the copy, %d described", len(users), info.Users)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Copies taken while another goroutine commits are each a consistent
// database: the whole log up to a point, with the state it made.
func TestBackupDuringWrites(t *testing.T) {
	t.Parallel()
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	appendN(t, db, 20)
	done := make(chan struct{})
	go func() { defer close(done); appendN(t, db, 150) }()
	var infos []BackupInfo
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true // one more copy, of the whole log
		case <-time.After(20 * time.Millisecond):
		}
		dir := filepath.Join(t.TempDir(), "copy")
		os.Mkdir(dir, 0o700)
		var buf bytes.Buffer
		var announced BackupInfo
		info, err := db.Backup(&buf, func(i BackupInfo) error { announced = i; return nil })
		if err != nil {
			t.Fatal(err)
		}
		if announced != info || int64(buf.Len()) != info.Size {
			t.Fatalf("announced %+v, returned %+v, wrote %d bytes", announced, info, buf.Len())
		}
		if err := os.WriteFile(filepath.Join(dir, FileName), buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := Inspect(filepath.Join(dir, FileName))
		if err != nil || got != info {
			t.Fatalf("inspect the copy: %+v %v, want %+v", got, err, info)
		}
		checkCopy(t, dir, info)
		infos = append(infos, info)
	}
	last := infos[len(infos)-1].LastSeq
	mid := 0
	for _, i := range infos {
		if i.LastSeq > 20 && i.LastSeq < 170 {
			mid++
		}
	}
	t.Logf("%d copies, log sequences %d … %d", len(infos), infos[0].LastSeq, last)
	if last != 170 || mid == 0 && len(infos) > 2 {
		t.Errorf("no copy was taken while the writes went on, or the last is not the whole log: %+v", infos)
	}
}

// An offline copy (OpenReadOnly) needs the file free; a served file is
// locked, and Inspect says so.
func TestReadOnlyLockedAndCopy(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, db, 12)
	path := filepath.Join(dir, FileName)
	if _, err := Inspect(path); !errors.Is(err, store.ErrLocked) {
		t.Errorf("inspect a served file: %v, want ErrLocked", err)
	}
	db.Close()
	r, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// A shared lock: a server cannot open the file meanwhile.
	if _, err := Open(dir); !errors.Is(err, store.ErrLocked) {
		t.Errorf("open while read-only held: %v, want ErrLocked", err)
	}
	var buf bytes.Buffer
	info, err := r.Backup(&buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	if info.LastSeq != 12 || info.Users != 1 || info.Epoch != 1 || info.Schema != SchemaVersion {
		t.Errorf("copy of a 12-entry log: %+v", info)
	}
	cdir := t.TempDir()
	os.WriteFile(filepath.Join(cdir, FileName), buf.Bytes(), 0o600)
	checkCopy(t, cdir, info)
}

// Files that are not Jiuzhu databases are refused with a reason, never a
// crash: empty, random, cut short, damaged, another bbolt file, a newer
// schema.
func TestInspectRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := Open(filepath.Join(dir, "good"))
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, db, 40)
	var good bytes.Buffer
	if _, err := db.Backup(&good, nil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	random := make([]byte, 64<<10)
	for i := range random {
		random[i] = byte(i*7 + i>>8)
	}
	damaged := bytes.Clone(good.Bytes())
	for i := 2 * 4096; i < len(damaged); i += 5 {
		damaged[i] ^= 0x5a
	}
	other := filepath.Join(dir, "other.db")
	ob, err := bbolt.Open(other, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	ob.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucket([]byte("things")); return err })
	ob.Close()
	newer := write("newer.db", good.Bytes())
	nb, err := bbolt.Open(newer, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	nb.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint64(nil, SchemaVersion+1))
	})
	nb.Close()

	for _, c := range []struct {
		path string
		want error
		text string
	}{
		{write("empty.db", nil), ErrNotDatabase, "empty"},
		{write("random.db", random), ErrNotDatabase, "invalid database"},
		{write("short.db", good.Bytes()[:len(good.Bytes())-4096]), ErrNotDatabase, "cut short"},
		{write("damaged.db", damaged), ErrCorrupt, "damaged"},
		{other, ErrNotDatabase, "no meta bucket"},
		{newer, store.ErrNewerSchema, fmt.Sprint(SchemaVersion + 1)},
		{filepath.Join(dir, "missing.db"), os.ErrNotExist, "missing.db"},
	} {
		_, err := Inspect(c.path)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) || !strings.Contains(err.Error(), c.path) {
			t.Errorf("%s: %v, want %v saying %q and naming the file", filepath.Base(c.path), err, c.want, c.text)
		}
		if _, err := MarkRestored(c.path); err == nil {
			t.Errorf("%s: MarkRestored accepted it", filepath.Base(c.path))
		}
	}
	if info, err := Inspect(write("copy.db", good.Bytes())); err != nil || info.LastSeq != 40 {
		t.Errorf("the good copy: %+v %v", info, err)
	}
}

// MarkRestored moves the epoch on by one and changes nothing else.
func TestMarkRestored(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, db, 15)
	db.Close()
	path := filepath.Join(dir, FileName)
	before, err := Inspect(path)
	if err != nil {
		t.Fatal(err)
	}
	after, err := MarkRestored(path)
	if err != nil {
		t.Fatal(err)
	}
	want := before
	want.Epoch++
	want.Size = after.Size // a write may grow the file
	if after != want || after.Epoch != 2 {
		t.Errorf("after MarkRestored %+v, want %+v", after, want)
	}
	checkCopy(t, dir, after)
}
