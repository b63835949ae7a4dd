package bolt

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

var t0 = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)

// state is what the durability tests compare across a reopen.
type state struct {
	Last, Epoch, Counter uint64
	Log                  []sync.Entry
	Fields               map[string]sync.FieldState
	Roots, Assigned      []sync.RecID
	DevRoots             []sync.RecID
	Users                []store.User
	Session              store.Session
	Devices              []store.Device
	Audit                []store.AuditEntry
}

func readState(t *testing.T, db *DB, rec sync.RecID) state {
	t.Helper()
	var s state
	err := db.View(context.Background(), func(tx store.ReadTx) error {
		var errs [12]error
		s.Last, errs[0] = tx.LastSeq()
		s.Epoch, errs[1] = tx.Epoch()
		s.Counter, errs[2] = tx.DeviceCounter("devA")
		errs[3] = tx.Log(0, func(e sync.Entry) (bool, error) { s.Log = append(s.Log, e); return true, nil })
		s.Fields, errs[4] = tx.Fields(rec)
		s.Roots, errs[5] = tx.RootRecords(rec)
		s.Assigned, errs[6] = tx.Assigned("u1")
		s.DevRoots, errs[7] = tx.DeviceRoots("devA")
		s.Users, errs[8] = tx.Users()
		s.Session, _, errs[9] = tx.Session([]byte("hash"))
		s.Devices, errs[10] = tx.Devices("u1")
		errs[11] = tx.Audit(0, func(a store.AuditEntry) (bool, error) { s.Audit = append(s.Audit, a); return true, nil })
		return errors.Join(errs[:]...)
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDurable checks that what an Update committed is there after Close
// and Open, and that an Update whose function failed left nothing, neither
// before nor after the reopen.
func TestDurable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	rec := sync.MakeRecID("case", t0.UnixMilli(), [10]byte{1})
	who := sync.Author{Device: "devA", User: "u1"}
	batch := func(from uint64, n int) []sync.Change {
		var out []sync.Change
		for i := range n {
			out = append(out, sync.Change{Op: sync.Op{Device: who.Device, Counter: from + uint64(i)}, Rec: rec,
				Field: "f" + string(rune('a'+i)), Value: `"v"`, HLC: sync.MakeHLC(t0.UnixMilli(), uint16(from)+uint16(i)), By: who.User})
		}
		return out
	}
	l := &sync.Log{MaxSkew: time.Hour}
	err = db.Update(ctx, func(tx store.Tx) error {
		if _, err := l.Apply(tx, who, t0, batch(1, 3)); err != nil {
			return err
		}
		for _, err := range []error{
			tx.IndexRoot(rec, rec), tx.Assign(rec, "u1", true), tx.SetDeviceRoots("devA", []sync.RecID{rec}, nil),
			tx.PutUser(store.User{ID: "u1", Name: "alice", Role: store.RoleWorker, Created: t0}),
			tx.PutSession(store.Session{TokenHash: []byte("hash"), User: "u1", Device: "devA", Expires: t0.Add(time.Hour)}),
			tx.PutDevice(store.Device{ID: "devA", User: "u1", Created: t0}),
		} {
			if err != nil {
				return err
			}
		}
		_, err := tx.AppendAudit(store.AuditEntry{At: t0, User: "u1", Action: "login"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	committed := readState(t, db, rec)
	if committed.Last != 3 || committed.Counter != 3 || len(committed.Fields) != 3 || len(committed.Audit) != 1 {
		t.Fatalf("committed state incomplete: %+v", committed)
	}

	boom := errors.New("boom")
	err = db.Update(ctx, func(tx store.Tx) error {
		if _, err := l.Apply(tx, who, t0, batch(4, 3)); err != nil {
			return err
		}
		_ = tx.Assign(rec, "u1", false)
		_ = tx.PutUser(store.User{ID: "u1", Name: "alice2"})
		_ = tx.DeleteSession([]byte("hash"))
		_ = tx.PutDevice(store.Device{ID: "devA", User: "u2"})
		_, _ = tx.AppendAudit(store.AuditEntry{Action: "x"})
		return boom
	})
	if err != boom {
		t.Fatalf("failed Update returned %v", err)
	}
	if got := readState(t, db, rec); !reflect.DeepEqual(got, committed) {
		t.Errorf("after a failed Update:\n got %+v\nwant %+v", got, committed)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := readState(t, db, rec); !reflect.DeepEqual(got, committed) {
		t.Errorf("after reopen:\n got %+v\nwant %+v", got, committed)
	}
	if db.Size() <= 0 {
		t.Errorf("Size = %d", db.Size())
	}
	// Re-delivered ops keep their sequences, and the log goes on where it
	// stopped.
	err = db.Update(ctx, func(tx store.Tx) error {
		res, err := l.Apply(tx, who, t0, batch(1, 4))
		want := []sync.Accepted{{Op: sync.Op{Device: "devA", Counter: 1}, Seq: 1}, {Op: sync.Op{Device: "devA", Counter: 2}, Seq: 2},
			{Op: sync.Op{Device: "devA", Counter: 3}, Seq: 3}, {Op: sync.Op{Device: "devA", Counter: 4}, Seq: 4}}
		if err == nil && (!reflect.DeepEqual(res.Accepted, want) || len(res.Entries) != 1) {
			t.Errorf("after reopen, Apply = %+v", res)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMigrateFromVersion1 opens a file that the first release wrote (only
// the meta bucket) and checks it is brought up to date.
func TestMigrateFromVersion1(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bdb, err := bbolt.Open(dir+"/"+FileName, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.Update(func(tx *bbolt.Tx) error {
		if err := migrations[0](tx); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, appendSeq(nil, 1))
	})
	bdb.Close()
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(context.Background(), func(tx store.ReadTx) error {
		if v := schemaVersion(tx.(*readTx).btx); v != SchemaVersion {
			t.Errorf("schema version %d, want %d", v, SchemaVersion)
		}
		if e, err := tx.Epoch(); err != nil || e != 1 {
			t.Errorf("Epoch = %d, %v", e, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMissingBucketIsCorrupt checks that a file that lost a bucket is
// refused at Open, and that reads needing it fail with ErrCorrupt rather
// than panicking.
func TestMissingBucketIsCorrupt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.db.Update(func(tx *bbolt.Tx) error { return tx.DeleteBucket(bucketState) }); err != nil {
		t.Fatal(err)
	}
	err = db.View(context.Background(), func(tx store.ReadTx) error {
		_, err := tx.Fields("a/1")
		return err
	})
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("View = %v, want ErrCorrupt", err)
	}
	err = db.Update(context.Background(), func(tx store.Tx) error {
		return tx.SetField("a/1", "x", sync.FieldState{})
	})
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("Update = %v, want ErrCorrupt", err)
	}
	db.Close()
	_, err = Open(dir)
	var oe *store.OpenError
	if !errors.Is(err, ErrCorrupt) || !errors.As(err, &oe) {
		t.Errorf("Open = %v, want an OpenError with ErrCorrupt", err)
	}
}
