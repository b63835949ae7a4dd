//go:build js && wasm

package local

import (
	"context"
	"errors"
	"syscall/js"
)

// KeyringDB is the IndexedDB database that holds the keyring: one entry per
// user with a store on this tablet.
const KeyringDB = "jiuzhu-keyring"

const storeUsers = "users"

// OpenKeyring opens this tablet's keyring in IndexedDB. Keys are derived
// from passwords with PBKDF2-SHA256 in WebCrypto.
func OpenKeyring(ctx context.Context, opt KeyringOptions) (*Keyring, error) {
	c, err := openDB(ctx, KeyringDB, 1, func(db js.Value, old int) {
		if old < 1 {
			unique := jsObject.New()
			unique.Set("unique", true)
			db.Call("createObjectStore", storeUsers).Call("createIndex", "name", "name", unique)
		}
	})
	if err != nil {
		return nil, err
	}
	return newKeyring(&idbBackend{c: c}, opt), nil
}

type idbBackend struct {
	c *conn
}

func (b *idbBackend) entries(ctx context.Context) ([]entry, error) {
	var req js.Value
	if err := b.c.run(ctx, []string{storeUsers}, "readonly", "", func(t *tx) error {
		req = t.t.Call("objectStore", storeUsers).Call("getAll")
		return nil
	}); err != nil {
		return nil, err
	}
	vals := req.Get("result")
	out := make([]entry, 0, vals.Length())
	for i := range vals.Length() {
		v := vals.Index(i)
		out = append(out, entry{User: v.Get("user").String(), Name: v.Get("name").String(),
			Salt: bytesFromJS(v.Get("salt")), Iter: v.Get("iter").Int(),
			Wrapped: bytesFromJS(v.Get("wrapped")), Secret: bytesFromJS(v.Get("secret"))})
	}
	return out, nil
}

func (b *idbBackend) put(ctx context.Context, e entry, create bool) error {
	o := jsObject.New()
	o.Set("user", e.User)
	o.Set("name", e.Name)
	o.Set("salt", bytesToJS(e.Salt))
	o.Set("iter", e.Iter)
	o.Set("wrapped", bytesToJS(e.Wrapped))
	o.Set("secret", bytesToJS(e.Secret))
	err := b.c.run(ctx, []string{storeUsers}, "readwrite", strict, func(t *tx) error {
		st := t.t.Call("objectStore", storeUsers)
		if create {
			st.Call("add", o, e.User) // fails on a taken user id or name
		} else {
			st.Call("put", o, e.User)
		}
		return nil
	})
	if errors.Is(err, ErrDuplicateOp) {
		return ErrExists
	}
	return err
}

func (b *idbBackend) remove(ctx context.Context, user string) error {
	return b.c.run(ctx, []string{storeUsers}, "readwrite", strict, func(t *tx) error {
		t.t.Call("objectStore", storeUsers).Call("delete", user)
		return nil
	})
}

func (b *idbBackend) deleteStore(ctx context.Context, user string) error {
	return deleteDB(ctx, DBName(user))
}

// derive derives a 256-bit key with PBKDF2-SHA256 in WebCrypto (native
// code: about 20× faster than Go's PBKDF2 in WebAssembly).
func (b *idbBackend) derive(ctx context.Context, password string, salt []byte, iter int) ([]byte, error) {
	subtle := js.Global().Get("crypto").Get("subtle")
	if subtle.IsUndefined() {
		return nil, ErrUnsupported // not a secure context
	}
	usages := jsArray.New(1)
	usages.SetIndex(0, "deriveBits")
	var p js.Value
	if err := try(func() {
		p = subtle.Call("importKey", "raw", bytesToJS([]byte(password)), "PBKDF2", false, usages)
	}); err != nil {
		return nil, err
	}
	base, err := await(ctx, p)
	if err != nil {
		return nil, err
	}
	alg := jsObject.New()
	alg.Set("name", "PBKDF2")
	alg.Set("hash", "SHA-256")
	alg.Set("salt", bytesToJS(salt))
	alg.Set("iterations", iter)
	if err := try(func() { p = subtle.Call("deriveBits", alg, base, KeySize*8) }); err != nil {
		return nil, err
	}
	bits, err := await(ctx, p)
	if err != nil {
		return nil, err
	}
	return bytesFromJS(bits), nil
}

func (b *idbBackend) openStore(ctx context.Context, user string, key []byte, device string, dg *Digester) (Store, error) {
	return openIDBStore(ctx, user, key, device, dg)
}
