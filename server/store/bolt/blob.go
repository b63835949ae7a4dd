package bolt

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

	"jiuzhu/server/store"
)

// Blobs and uploads in progress (the buckets are in keys.go). Chunks are
// stored as they arrive, each under its offset; reading a blob or finishing
// an upload checks that they follow one another with no gap.

// partialKey appends the partials key of (user, sha).
func partialKey(dst []byte, user, sha string) []byte { return appendPair(dst, user, sha) }

// chunkPrefix appends the prefix of the partchunks keys of (user, sha).
func chunkPrefix(dst []byte, user, sha string) []byte {
	return appendPrefixed(appendPrefixed(dst, user), sha)
}

// encodePartial is the value of a partials key.
func encodePartial(size int64, updated time.Time) []byte {
	v := appendSeq(make([]byte, 0, 16), uint64(size))
	return appendSeq(v, uint64(updated.UnixNano()))
}

// decodePartial decodes a partials value.
func decodePartial(user, sha string, v []byte) (store.Partial, error) {
	if len(v) != 16 {
		return store.Partial{}, fmt.Errorf("upload %s of %s: %w", sha, user, ErrCorrupt)
	}
	size, _ := beUint64(v[:8])
	ns, _ := beUint64(v[8:])
	return store.Partial{User: user, SHA: sha, Size: int64(size), Updated: time.Unix(0, int64(ns)).UTC()}, nil
}

// chunks calls fn with each chunk under prefix p of bucket i, checking
// that each starts where the one before ended; it returns their total
// length.
func (t *readTx) chunks(i int, p []byte, what string, fn func(chunk []byte)) (int64, error) {
	var n int64
	err := t.scanRaw(i, p, func(rest, v []byte) error {
		off, ok := beUint64(rest)
		if !ok || off != uint64(n) {
			return fmt.Errorf("%s: chunk at %x after %d bytes: %w", what, rest, n, ErrCorrupt)
		}
		fn(v)
		n += int64(len(v))
		return nil
	})
	return n, err
}

// Blob implements store.ReadTx.
func (t *readTx) Blob(sha string) ([]byte, bool, error) {
	size, ok, err := t.BlobSize(sha)
	if !ok || err != nil {
		return nil, false, err
	}
	out := make([]byte, 0, size)
	n, err := t.chunks(bBlobs, appendPrefixed(nil, sha), "blob "+sha, func(c []byte) { out = append(out, c...) })
	if err == nil && n != size {
		err = fmt.Errorf("blob %s: %d bytes, its length says %d: %w", sha, n, size, ErrCorrupt)
	}
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// BlobSize implements store.ReadTx.
func (t *readTx) BlobSize(sha string) (int64, bool, error) {
	if sha == "" {
		return 0, false, nil
	}
	v, err := t.get(bBlobSizes, []byte(sha))
	if v == nil || err != nil {
		return 0, false, err
	}
	n, ok := beUint64(v)
	if !ok {
		return 0, false, fmt.Errorf("length of blob %s: %w", sha, ErrCorrupt)
	}
	return int64(n), true, nil
}

// BlobUploaders implements store.ReadTx.
func (t *readTx) BlobUploaders(sha string) ([]string, error) {
	var out []string
	err := t.scan(bBlobUsers, sha, func(user, _ []byte) error {
		out = append(out, string(user))
		return nil
	})
	return out, err
}

// Partial implements store.ReadTx.
func (t *readTx) Partial(user, sha string) (store.Partial, bool, error) {
	t.key = partialKey(t.key[:0], user, sha)
	v, err := t.get(bPartials, t.key)
	if v == nil || err != nil {
		return store.Partial{}, false, err
	}
	p, err := decodePartial(user, sha, v)
	return p, err == nil, err
}

// Partials implements store.ReadTx.
func (t *readTx) Partials(user string) ([]store.Partial, error) {
	var out []store.Partial
	err := t.scan(bPartials, user, func(sha, v []byte) error {
		p, err := decodePartial(user, string(sha), v)
		out = append(out, p)
		return err
	})
	return out, err
}

// AppendPartial implements store.Tx.
func (t *tx) AppendPartial(user, sha string, offset int64, chunk []byte, now time.Time) (int64, error) {
	if user == "" || sha == "" {
		return 0, fmt.Errorf("upload %q of %q: %w", sha, user, ErrInvalid)
	}
	p, _, err := t.Partial(user, sha)
	if err != nil {
		return 0, err
	}
	if offset != p.Size {
		return p.Size, fmt.Errorf("chunk at %d of an upload at %d: %w", offset, p.Size, store.ErrOffset)
	}
	if len(chunk) > 0 {
		t.key = appendSeq(chunkPrefix(t.key[:0], user, sha), uint64(offset))
		if err := t.put(bPartChunks, t.key, bytes.Clone(chunk)); err != nil {
			return 0, err
		}
	}
	size := offset + int64(len(chunk))
	t.key = partialKey(t.key[:0], user, sha)
	if err := t.put(bPartials, t.key, encodePartial(size, now)); err != nil {
		return 0, err
	}
	return size, nil
}

// FinishBlob implements store.Tx.
func (t *tx) FinishBlob(user, sha string) (bool, error) {
	p, ok, err := t.Partial(user, sha)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, fmt.Errorf("upload %s of %s: %w", sha, user, store.ErrNoPartial)
	}
	h := sha256.New()
	var parts [][]byte
	n, err := t.chunks(bPartChunks, chunkPrefix(nil, user, sha), "upload "+sha+" of "+user, func(c []byte) {
		h.Write(c)
		parts = append(parts, c)
	})
	if err == nil && n != p.Size {
		err = fmt.Errorf("upload %s of %s: %d bytes, its size says %d: %w", sha, user, n, p.Size, ErrCorrupt)
	}
	if err != nil {
		return false, err
	}
	if hex.EncodeToString(h.Sum(nil)) != sha {
		return false, t.DropPartial(user, sha)
	}
	_, have, err := t.BlobSize(sha)
	if err != nil {
		return false, err
	}
	if !have {
		var off int64
		for _, c := range parts {
			key := appendSeq(appendPrefixed(nil, sha), uint64(off))
			if err := t.put(bBlobs, key, bytes.Clone(c)); err != nil {
				return false, err
			}
			off += int64(len(c))
		}
		if err := t.put(bBlobSizes, []byte(sha), appendSeq(nil, uint64(off))); err != nil {
			return false, err
		}
	}
	if err := t.mark(bBlobUsers, sha, user, true); err != nil {
		return false, err
	}
	return true, t.DropPartial(user, sha)
}

// DeleteBlob implements store.Tx. Uploads in progress are keyed by user
// first: it reads every one (there are at most a few dozen per user).
func (t *tx) DeleteBlob(sha string) (bool, error) {
	_, had, err := t.BlobSize(sha)
	if err != nil || sha == "" {
		return false, err
	}
	if err := t.deletePrefix(bBlobs, appendPrefixed(nil, sha)); err != nil {
		return false, err
	}
	if err := t.deletePrefix(bBlobUsers, appendPrefixed(nil, sha)); err != nil {
		return false, err
	}
	sizes, err := t.bucket(bBlobSizes)
	if err != nil {
		return false, err
	}
	if err := sizes.Delete([]byte(sha)); err != nil {
		return false, err
	}
	pb, err := t.bucket(bPartials)
	if err != nil {
		return false, err
	}
	var users []string
	c := pb.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n, i := binary.Uvarint(k)
		if i <= 0 || n > uint64(len(k)-i) {
			return false, fmt.Errorf("upload key %x: %w", k, ErrCorrupt)
		}
		if string(k[i+int(n):]) == sha {
			users = append(users, string(k[i:i+int(n)]))
		}
	}
	for _, u := range users {
		if err := t.DropPartial(u, sha); err != nil {
			return false, err
		}
	}
	return had, nil
}

// deletePrefix deletes every key of bucket i that starts with p.
func (t *tx) deletePrefix(i int, p []byte) error {
	b, err := t.bucket(i)
	if err != nil {
		return err
	}
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// DropPartial implements store.Tx.
func (t *tx) DropPartial(user, sha string) error {
	b, err := t.bucket(bPartChunks)
	if err != nil {
		return err
	}
	var keys [][]byte
	p := chunkPrefix(nil, user, sha)
	c := b.Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	pb, err := t.bucket(bPartials)
	if err != nil {
		return err
	}
	return pb.Delete(partialKey(nil, user, sha))
}
