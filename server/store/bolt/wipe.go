package bolt

import (
	"context"
	"encoding/binary"

	bbolt "go.etcd.io/bbolt"
)

// Wiping free space. bbolt never changes a page in place: a transaction
// writes the pages it changes to free pages and frees the old ones, which
// keep their bytes until a later transaction reuses them. So after values
// are erased (Tx.ScrubLog, Tx.DeleteBlob: a purge), copies of them may
// still be in free pages of the file, readable by whoever has the file or a
// copy of it (Backup copies pages as they are). WipeFree overwrites those
// pages.

// bucketWipe is the bucket WipeFree fills the free pages with, and drops.
var bucketWipe = []byte("wipe")

// wipeMargin is how many pages more than the free ones WipeFree writes:
// the branch pages of its bucket and the free list take some of the free
// pages too. The file grows by at most about as much.
const wipeMargin = 16

// WipeFree overwrites the free pages of the file with zeros, so that no
// bytes of data changed or deleted before (a purge's old values) stay in
// it, and returns how many pages were free. In one write it fills a bucket
// with zero values, two to a page, as many pages as are free (bbolt takes
// free pages before it grows the file); in a second one it drops the bucket,
// whose pages become free, holding zeros. A page that a read transaction
// begun before the last write may still see is not free yet and keeps its
// bytes: call WipeFree right after the erasing write. It writes as much as
// the free space: it is for a rare erasure, not for every write.
func (d *DB) WipeFree(ctx context.Context) (pages int, err error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	// A write frees the pages no reader can still see; its end counts them.
	if err := d.db.Update(func(btx *bbolt.Tx) error { return dropWipe(btx) }); err != nil {
		return 0, err
	}
	free := d.db.Stats().FreePageN
	if free == 0 {
		return 0, nil
	}
	size := d.db.Info().PageSize
	// A leaf page holds a 16-byte header and, per value, a 16-byte element
	// header, the 8-byte key and the value: two fill it exactly, and a leaf
	// with more than two is split (FillPercent 1) into pages of two.
	zeros := make([]byte, (size-16)/2-16-8)
	err = d.db.Update(func(btx *bbolt.Tx) error {
		b, err := btx.CreateBucket(bucketWipe)
		if err != nil {
			return err
		}
		b.FillPercent = 1
		var key [8]byte
		for i := range 2 * (free + wipeMargin) {
			binary.BigEndian.PutUint64(key[:], uint64(i))
			if err := b.Put(key[:], zeros); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return free, d.db.Update(func(btx *bbolt.Tx) error { return dropWipe(btx) })
}

// dropWipe deletes WipeFree's bucket if it is there (a crash may leave it).
func dropWipe(btx *bbolt.Tx) error {
	if btx.Bucket(bucketWipe) == nil {
		return nil
	}
	return btx.DeleteBucket(bucketWipe)
}
