package mem

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"time"

	"jiuzhu/server/store"
)

// partialKey names an upload in progress.
type partialKey struct{ user, sha string }

// partial is an upload in progress. A value is never changed in place: an
// append stores a new one (whose chunks list is a new array), so the undo
// log can put the old one back.
type partial struct {
	chunks  [][]byte
	size    int64
	updated time.Time
}

func (p partial) info(k partialKey) store.Partial {
	return store.Partial{User: k.user, SHA: k.sha, Size: p.size, Updated: p.updated}
}

// Blob implements store.ReadTx.
func (t *readTx) Blob(sha string) ([]byte, bool, error) {
	b, ok := t.d.blobs[sha]
	if !ok {
		return nil, false, nil
	}
	return append([]byte{}, b...), true, nil
}

// BlobSize implements store.ReadTx.
func (t *readTx) BlobSize(sha string) (int64, bool, error) {
	b, ok := t.d.blobs[sha]
	return int64(len(b)), ok, nil
}

// BlobUploaders implements store.ReadTx.
func (t *readTx) BlobUploaders(sha string) ([]string, error) {
	if len(t.d.blobUsers[sha]) == 0 {
		return nil, nil
	}
	return slices.Sorted(maps.Keys(t.d.blobUsers[sha])), nil
}

// Partial implements store.ReadTx.
func (t *readTx) Partial(user, sha string) (store.Partial, bool, error) {
	k := partialKey{user, sha}
	p, ok := t.d.partials[k]
	if !ok {
		return store.Partial{}, false, nil
	}
	return p.info(k), true, nil
}

// Partials implements store.ReadTx.
func (t *readTx) Partials(user string) ([]store.Partial, error) {
	var out []store.Partial
	for k, p := range t.d.partials {
		if k.user == user {
			out = append(out, p.info(k))
		}
	}
	slices.SortFunc(out, func(a, b store.Partial) int { return cmp.Compare(a.SHA, b.SHA) })
	return out, nil
}

// AppendPartial implements store.Tx.
func (t *tx) AppendPartial(user, sha string, offset int64, chunk []byte, now time.Time) (int64, error) {
	if user == "" || sha == "" {
		return 0, fmt.Errorf("upload %q of %q: %w", sha, user, ErrInvalid)
	}
	k := partialKey{user, sha}
	p := t.d.partials[k]
	if offset != p.size {
		return p.size, fmt.Errorf("chunk at %d of an upload at %d: %w", offset, p.size, store.ErrOffset)
	}
	next := partial{chunks: slices.Clip(p.chunks), size: p.size + int64(len(chunk)), updated: now.UTC()}
	if len(chunk) > 0 {
		next.chunks = append(next.chunks, bytes.Clone(chunk))
	}
	put(t, t.d.partials, k, next)
	return next.size, nil
}

// FinishBlob implements store.Tx.
func (t *tx) FinishBlob(user, sha string) (bool, error) {
	k := partialKey{user, sha}
	p, ok := t.d.partials[k]
	if !ok {
		return false, fmt.Errorf("upload %s of %s: %w", sha, user, store.ErrNoPartial)
	}
	del(t, t.d.partials, k)
	data := bytes.Join(p.chunks, nil)
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != sha {
		return false, nil
	}
	if _, have := t.d.blobs[sha]; !have {
		if data == nil {
			data = []byte{}
		}
		put(t, t.d.blobs, sha, data)
	}
	users := t.d.blobUsers[sha]
	if users == nil {
		users = map[string]struct{}{}
		put(t, t.d.blobUsers, sha, users)
	}
	put(t, users, user, struct{}{})
	return true, nil
}

// DeleteBlob implements store.Tx.
func (t *tx) DeleteBlob(sha string) (bool, error) {
	_, had := t.d.blobs[sha]
	del(t, t.d.blobs, sha)
	del(t, t.d.blobUsers, sha)
	for k := range t.d.partials {
		if k.sha == sha {
			del(t, t.d.partials, k)
		}
	}
	return had, nil
}

// DropPartial implements store.Tx.
func (t *tx) DropPartial(user, sha string) error {
	del(t, t.d.partials, partialKey{user, sha})
	return nil
}
