//go:build js && wasm

package local

import (
	"context"
	"encoding/hex"
	"syscall/js"
)

// Blobs in IndexedDB (see BlobStore). Two object stores:
//
//	blobs  key: the blob's storage key (blobKeyer: an HMAC of its name);
//	       value: the bytes sealed with WebCrypto's AES-GCM, bound to the name (adBlob)
//	blobq  key: auto-increment (the order blobs were put in);
//	       value {k: storage key, v: the name sealed with the sealer, bound to k}; unique index "k" on k
//
// Neither the name (a fingerprint of the photo) nor the bytes are stored
// in the clear. The bytes are hashed, sealed and opened by WebCrypto, in
// the sealer's format: native code, which uses the tablet's AES and SHA
// instructions where Go's crypto in WebAssembly cannot
// (TestIDBBlobTiming measures both for a 2 MiB photo).
const (
	storeBlobs = "blobs"
	storeBlobQ = "blobq"
)

// PutBlob implements Store. The bytes are hashed and sealed before the
// transaction (WebCrypto's promises cannot be awaited inside one), which
// then writes them and, for a pending blob, its queue entry.
func (s *idbStore) PutBlob(ctx context.Context, sha string, data []byte, pending bool) error {
	if err := checkBlob(sha, data); err != nil {
		return &Error{Op: "put blob", Err: err}
	}
	op := blobOp("put blob", sha)
	key, err := s.cryptoKey(ctx)
	if err != nil {
		return &Error{Op: op, Err: err}
	}
	plain := bytesToJS(data)
	hashing, err := subtleSHA256(plain)
	if err != nil {
		return &Error{Op: op, Err: err}
	}
	sealing, err := subtleSealJS(key, plain, adBlob(sha))
	if err != nil {
		return &Error{Op: op, Err: err}
	}
	sum, err := await(ctx, hashing)
	if err != nil {
		return &Error{Op: op, Err: err}
	}
	if hex.EncodeToString(bytesFromJS(sum)) != sha {
		return &Error{Op: op, Err: ErrBlobMismatch}
	}
	sealed, err := sealing.wait(ctx)
	if err != nil {
		return &Error{Op: op, Err: err}
	}
	k := s.blobKeys.of(sha)
	stores := []string{storeBlobs}
	// A downloaded blob can be downloaded again; a photo taken here is
	// the only copy.
	durability := relaxed
	var entry js.Value
	if pending {
		stores = append(stores, storeBlobQ)
		durability = strict
		entry = jsObject.New()
		entry.Set("k", k)
		entry.Set("v", bytesToJS(s.seal.seal([]byte(sha), adBlobQueue(k))))
	}
	return s.write(ctx, "put blob", stores, durability, func(t *tx) error {
		t.t.Call("objectStore", storeBlobs).Call("put", sealed, k)
		if pending {
			q := t.t.Call("objectStore", storeBlobQ)
			t.on(q.Call("index", "k").Call("getKey", k), func(found js.Value) {
				if found.IsUndefined() {
					q.Call("add", entry)
				}
			})
		}
		return nil
	})
}

// Blob implements Store.
func (s *idbStore) Blob(ctx context.Context, sha string) ([]byte, bool, error) {
	if err := checkSHA(sha); err != nil {
		return nil, false, &Error{Op: "read blob", Err: err}
	}
	op := blobOp("read blob", sha)
	key, err := s.cryptoKey(ctx)
	if err != nil {
		return nil, false, &Error{Op: op, Err: err}
	}
	var req js.Value
	if err := s.read(ctx, op, []string{storeBlobs}, func(t *tx) error {
		req = t.t.Call("objectStore", storeBlobs).Call("get", s.blobKeys.of(sha))
		return nil
	}); err != nil {
		return nil, false, err
	}
	v := req.Get("result")
	if v.IsUndefined() {
		return nil, false, nil
	}
	p, err := subtleOpen(key, v, adBlob(sha))
	if err != nil {
		return nil, false, &Error{Op: op, Err: err}
	}
	plain, err := await(ctx, p)
	if err != nil {
		if ctx.Err() == nil {
			err = ErrCorrupt // WebCrypto rejects altered or misplaced bytes
		}
		return nil, false, &Error{Op: op, Err: err}
	}
	return bytesFromJS(plain), true, nil
}

// PendingBlobs implements Store.
func (s *idbStore) PendingBlobs(ctx context.Context) ([]string, error) {
	var req js.Value
	if err := s.read(ctx, "read pending blobs", []string{storeBlobQ}, func(t *tx) error {
		req = t.t.Call("objectStore", storeBlobQ).Call("getAll")
		return nil
	}); err != nil {
		return nil, err
	}
	vals := req.Get("result")
	out := make([]string, 0, vals.Length())
	for i := range vals.Length() {
		v := vals.Index(i)
		k := v.Get("k")
		if k.Type() != js.TypeString {
			return nil, &Error{Op: "read pending blobs", Err: ErrCorrupt}
		}
		plain, err := s.seal.open(bytesFromJS(v.Get("v")), adBlobQueue(k.String()))
		if err == nil && checkSHA(string(plain)) != nil {
			err = ErrCorrupt
		}
		if err != nil {
			return nil, &Error{Op: "read pending blobs", Err: err}
		}
		out = append(out, string(plain))
	}
	return out, nil
}

// unqueue deletes the queue entry of the blob stored under k, if any,
// inside t.
func unqueue(t *tx, k string) {
	q := t.t.Call("objectStore", storeBlobQ)
	t.on(q.Call("index", "k").Call("getKey", k), func(found js.Value) {
		if !found.IsUndefined() {
			q.Call("delete", found)
		}
	})
}

// BlobUploaded implements Store. The transaction is relaxed: a mark lost
// to a power cut costs one more upload of the same bytes.
func (s *idbStore) BlobUploaded(ctx context.Context, sha string) error {
	if err := checkSHA(sha); err != nil {
		return &Error{Op: "blob uploaded", Err: err}
	}
	k := s.blobKeys.of(sha)
	return s.write(ctx, "blob uploaded", []string{storeBlobQ}, relaxed, func(t *tx) error {
		unqueue(t, k)
		return nil
	})
}

// DeleteBlob implements Store.
func (s *idbStore) DeleteBlob(ctx context.Context, sha string) error {
	if err := checkSHA(sha); err != nil {
		return &Error{Op: "delete blob", Err: err}
	}
	k := s.blobKeys.of(sha)
	return s.write(ctx, "delete blob", []string{storeBlobs, storeBlobQ}, strict, func(t *tx) error {
		t.t.Call("objectStore", storeBlobs).Call("delete", k)
		unqueue(t, k)
		return nil
	})
}
