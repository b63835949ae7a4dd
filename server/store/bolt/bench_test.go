package bolt

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

// benchBatch is the number of changes in one pushed batch.
const benchBatch = 100

var benchWho = sync.Author{Device: "01JN6Z8Q2V3W4X5Y6Z7A8B9C0D", User: "user-42"}

// fillBatch fills batch with the changes numbered from n on: realistic
// fields and values, eight fields to a new person record, as a device
// entering cases would push them.
func fillBatch(batch []sync.Change, n uint64) {
	fields := [...]string{"name", "phone", "address", "income_per_head", "categories", "stage_note", "root", "date"}
	values := [...]string{`"张小明"`, `"13800138000"`, `"甘肃省兰州市城关区东岗西路 12 号"`,
		`{"amount":45000,"area":"urban","per":"person","period":"month","unit":"yuan"}`,
		`["dibao","medical"]`, `"入户走访，了解家庭经济状况与就医需求，案主情绪稳定。"`, `"case/01JN6Z8Q2V3W4X5Y6Z7A8B9C0D"`, `"2025-03-01"`}
	var rec sync.RecID
	for i := range batch {
		k := n + uint64(i)
		if i == 0 || k%uint64(len(fields)) == 0 {
			r := k / uint64(len(fields))
			rec = sync.MakeRecID("person", t0.UnixMilli()+int64(r), [10]byte{byte(r >> 24), byte(r >> 16), byte(r >> 8), byte(r)})
		}
		f := k % uint64(len(fields))
		batch[i] = sync.Change{Op: sync.Op{Device: benchWho.Device, Counter: k + 1}, Rec: rec, Field: fields[f],
			Value: values[f], HLC: sync.MakeHLC(t0.UnixMilli(), 0) + sync.HLC(k), By: benchWho.User, Base: k}
	}
}

func reportChanges(b *testing.B) {
	b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "changes/s")
}

// BenchmarkCommit commits pushed batches the way the server does: one
// Update per batch running sync.Log.Apply, fsynced. Compare its changes/s
// with BenchmarkRawBolt's (the budget is at least half).
func BenchmarkCommit(b *testing.B) {
	db, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	l := &sync.Log{MaxSkew: time.Hour}
	batch := make([]sync.Change, benchBatch)
	var n uint64
	b.ReportAllocs()
	for b.Loop() {
		fillBatch(batch, n)
		n += benchBatch
		err := db.Update(ctx, func(tx store.Tx) error {
			res, err := l.Apply(tx, benchWho, t0, batch)
			if err == nil && len(res.Accepted) != benchBatch {
				b.Fatalf("rejected: %+v", res.Rejected)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	reportChanges(b)
}

// BenchmarkRawBolt writes the same batches with plain bbolt: one Update per
// batch, one key per change (its sequence) holding a value of the size of
// the change's log entry. It is the ceiling BenchmarkCommit is measured
// against.
func BenchmarkRawBolt(b *testing.B) {
	db, err := bbolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	name := []byte("raw")
	if err := db.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucket(name); return err }); err != nil {
		b.Fatal(err)
	}
	batch := make([]sync.Change, benchBatch)
	fillBatch(batch, 0)
	values := make([][]byte, benchBatch)
	for i := range batch {
		values[i] = appendEntry(nil, &sync.Entry{Seq: uint64(i + 1), Change: batch[i]})
	}
	var seq uint64
	var key [8]byte
	b.ReportAllocs()
	for b.Loop() {
		err := db.Update(func(tx *bbolt.Tx) error {
			bk := tx.Bucket(name)
			for _, v := range values {
				seq++
				if err := bk.Put(appendSeq(key[:0], seq), v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	reportChanges(b)
}
