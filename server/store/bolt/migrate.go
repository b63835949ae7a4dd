package bolt

import (
	"encoding/binary"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"jiuzhu/server/store"
)

// migrations bring a file from schema version i to i+1; index i holds the
// step from i. They run in one transaction each, in order, at Open. A
// migration is never edited once released: add a new one.
var migrations = []func(tx *bbolt.Tx) error{
	// 0 → 1: the meta bucket, which holds the schema version.
	func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketMeta)
		return err
	},
	// 1 → 2: the change log, the merged state and the scope indexes, the
	// accounts and the audit trail (keys.go); the log's epoch starts at 1.
	func(tx *bbolt.Tx) error {
		for _, name := range []string{"log", "ops", "counters", "state", "roots", "assigned", "devroots",
			"users", "usernames", "sessions", "devices", "userdevices", "audit"} {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keyEpoch, binary.BigEndian.AppendUint64(nil, 1))
	},
	// 2 → 3: the index of records by key (IndexKey).
	func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists([]byte("keyed"))
		return err
	},
	// 3 → 4: the blobs and the uploads in progress (blob.go).
	func(tx *bbolt.Tx) error {
		for _, name := range []string{"blobs", "blobsizes", "blobusers", "partials", "partchunks"} {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return err
			}
		}
		return nil
	},
}

// SchemaVersion is the version this build writes.
var SchemaVersion = uint64(len(migrations))

func (d *DB) migrate() error {
	var have uint64
	if err := d.db.View(func(tx *bbolt.Tx) error { have = schemaVersion(tx); return nil }); err != nil {
		return err
	}
	if have > SchemaVersion {
		return fmt.Errorf("schema version %d, this build knows up to %d: %w", have, SchemaVersion, store.ErrNewerSchema)
	}
	for v := have; v < SchemaVersion; v++ {
		err := d.db.Update(func(tx *bbolt.Tx) error {
			if err := migrations[v](tx); err != nil {
				return err
			}
			var buf [8]byte
			binary.BigEndian.PutUint64(buf[:], v+1)
			return tx.Bucket(bucketMeta).Put(keySchema, buf[:])
		})
		if err != nil {
			return fmt.Errorf("migration %d→%d: %w", v, v+1, err)
		}
	}
	return d.db.View(func(tx *bbolt.Tx) error {
		for _, name := range dataBuckets {
			if tx.Bucket(name) == nil {
				return fmt.Errorf("bucket %s missing: %w", name, ErrCorrupt)
			}
		}
		return nil
	})
}
