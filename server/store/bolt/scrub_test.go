package bolt

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

// fillLog appends n entries after the log's last, over records rec/0 to
// rec/(recs-1) in turn, in transactions of 10,000; value gives each its
// value.
func fillLog(t testing.TB, d *DB, n, recs int, value func(i int) string) {
	t.Helper()
	ctx := context.Background()
	for from := 0; from < n; from += 10000 {
		err := d.Update(ctx, func(tx store.Tx) error {
			last, err := tx.LastSeq()
			if err != nil {
				return err
			}
			for i := from; i < min(from+10000, n); i++ {
				last++
				e := sync.Entry{Seq: last, Change: sync.Change{Op: sync.Op{Device: "dev-1", Counter: last},
					Rec: sync.RecID(fmt.Sprintf("person/%d", i%recs)), Field: "note", Value: value(i),
					HLC: sync.MakeHLC(1740816000000+int64(last), 0), By: "user-1", Base: last - 1}}
				if err := tx.Append(e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestWipeFree: values scrubbed from the log stay in the file's free pages
// until WipeFree overwrites them; then the raw file no longer holds them,
// every other byte of data is intact, and the file grew by little.
func TestWipeFree(t *testing.T) {
	t.Parallel()
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	secret := "案主住址：城关镇幸福巷17号"
	fillLog(t, d, 20000, 500, func(i int) string {
		if i%500 == 7 {
			return fmt.Sprintf("%q", secret)
		}
		return fmt.Sprintf(`"note %d"`, i)
	})
	ctx := context.Background()
	err = d.Update(ctx, func(tx store.Tx) error {
		old, err := tx.ScrubLog([]sync.RecID{"person/7"})
		if len(old) != 40 {
			t.Errorf("scrubbed %d entries, want 40", len(old))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	raw := func() []byte {
		b, err := os.ReadFile(d.Path())
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	before := raw()
	if !bytes.Contains(before, []byte(secret)) {
		t.Fatal("the scrubbed values are not in the free pages: this test proves nothing")
	}
	pages, err := d.WipeFree(ctx)
	if err != nil {
		t.Fatal(err)
	}
	after := raw()
	if n := bytes.Count(after, []byte(secret)); n != 0 || pages == 0 {
		t.Errorf("after wiping %d free pages the file holds the scrubbed value %d times", pages, n)
	}
	if grew := len(after) - len(before); grew > 2*wipeMargin*d.db.Info().PageSize {
		t.Errorf("the file grew by %d bytes, from %d", grew, len(before))
	}
	t.Logf("%d free pages wiped; the file went from %d to %d bytes", pages, len(before), len(after))

	// Everything else is intact, and bbolt finds the file consistent.
	err = d.View(ctx, func(tx store.ReadTx) error {
		n := 0
		err := tx.Log(0, func(e sync.Entry) (bool, error) {
			n++
			want := fmt.Sprintf(`"note %d"`, e.Seq-1)
			if e.Rec == "person/7" {
				want = sync.ValueNull
			}
			if e.Value != want {
				t.Errorf("entry %d = %s, want %s", e.Seq, e.Value, want)
			}
			return true, nil
		})
		if n != 20000 {
			t.Errorf("%d entries after the wipe", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = d.db.View(func(btx *bbolt.Tx) error {
		for err := range btx.Check() {
			t.Errorf("bbolt check: %v", err)
		}
		if btx.Bucket(bucketWipe) != nil {
			t.Error("the wipe's bucket is left")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkScrubLog scrubs the 100 entries of one record out of a log of
// 200,000 (a purge of a file with a few dozen records touches about that
// many): the whole log is read, as there is no index of entries by record.
func BenchmarkScrubLog(b *testing.B) {
	d, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	fillLog(b, d, 200000, 2000, func(i int) string {
		return fmt.Sprintf(`"入户走访，了解家庭经济状况与就医需求 %d"`, i)
	})
	ctx := context.Background()
	i := 0
	for b.Loop() {
		err := d.Update(ctx, func(tx store.Tx) error {
			old, err := tx.ScrubLog([]sync.RecID{sync.RecID(fmt.Sprintf("person/%d", i%2000))})
			if err == nil && i < 2000 && len(old) != 100 {
				b.Fatalf("scrubbed %d entries, want 100", len(old))
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		i++
	}
}
