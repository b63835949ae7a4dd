//go:build js && wasm

package local

import (
	"context"
	"crypto/rand"
	"syscall/js"
)

// WebCrypto's AES-GCM over the data key, for the large values where Go's
// AES in WebAssembly (about 35 MB/s, a quarter of that on a slow tablet)
// would show: the digest snapshot and blobs. The format is the sealer's: a
// 96-bit nonce, then ciphertext and 128-bit tag, with the same additional
// data.

var jsKeyRange = js.Global().Get("IDBKeyRange")

// cryptoKey imports the data key into WebCrypto once (not extractable).
func (s *idbStore) cryptoKey(ctx context.Context) (js.Value, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.subtle.Truthy() {
		return s.subtle, nil
	}
	subtle := js.Global().Get("crypto").Get("subtle")
	if subtle.IsUndefined() {
		return js.Value{}, ErrUnsupported
	}
	usages := jsArray.New(2)
	usages.SetIndex(0, "encrypt")
	usages.SetIndex(1, "decrypt")
	var p js.Value
	if err := try(func() { p = subtle.Call("importKey", "raw", bytesToJS(s.key), "AES-GCM", false, usages) }); err != nil {
		return js.Value{}, err
	}
	k, err := await(ctx, p)
	if err != nil {
		return js.Value{}, err
	}
	s.subtle = k
	return k, nil
}

func gcmParams(nonce, ad js.Value) js.Value {
	alg := jsObject.New()
	alg.Set("name", "AES-GCM")
	alg.Set("iv", nonce)
	alg.Set("additionalData", ad)
	return alg
}

// sealing is a WebCrypto encryption under way.
type sealing struct{ nonce, p js.Value }

// subtleSeal starts sealing plain.
func subtleSeal(key js.Value, plain, ad []byte) (sealing, error) {
	return subtleSealJS(key, bytesToJS(plain), ad)
}

// subtleSealJS starts sealing plain, a Uint8Array.
func subtleSealJS(key, plain js.Value, ad []byte) (sealing, error) {
	nonce := make([]byte, 12)
	rand.Read(nonce)
	n := bytesToJS(nonce)
	var p js.Value
	err := try(func() {
		p = js.Global().Get("crypto").Get("subtle").Call("encrypt", gcmParams(n, bytesToJS(ad)), key, plain)
	})
	return sealing{nonce: n, p: p}, err
}

// subtleSHA256 starts hashing data, a Uint8Array; the promise gives the
// SHA-256 as an ArrayBuffer.
func subtleSHA256(data js.Value) (js.Value, error) {
	var p js.Value
	err := try(func() { p = js.Global().Get("crypto").Get("subtle").Call("digest", "SHA-256", data) })
	return p, err
}

// wait waits for the encryption and returns the sealed bytes.
func (s sealing) wait(ctx context.Context) (js.Value, error) {
	ab, err := await(ctx, s.p)
	if err != nil {
		return js.Value{}, err
	}
	ct := jsUint8Array.New(ab)
	out := jsUint8Array.New(12 + ct.Length())
	out.Call("set", s.nonce, 0)
	out.Call("set", ct, 12)
	return out, nil
}

// subtleOpen starts opening a sealed Uint8Array or ArrayBuffer; the
// promise gives the plain bytes as an ArrayBuffer, or rejects.
func subtleOpen(key, sealed js.Value, ad []byte) (js.Value, error) {
	if sealed.InstanceOf(jsArrayBuffer) {
		sealed = jsUint8Array.New(sealed)
	}
	if !sealed.InstanceOf(jsUint8Array) || sealed.Length() < 12+16 {
		return js.Value{}, ErrCorrupt
	}
	var p js.Value
	err := try(func() {
		p = js.Global().Get("crypto").Get("subtle").Call("decrypt",
			gcmParams(sealed.Call("subarray", 0, 12), bytesToJS(ad)), key, sealed.Call("subarray", 12))
	})
	return p, err
}
