package local

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
)

// KeySize is the size of a data key and of a password-derived key: 256 bits.
const KeySize = 32

// sealer encrypts and authenticates stored values with AES-256-GCM, a fresh
// random 96-bit nonce per value (stored in front of the ciphertext). The
// additional data binds a value to where it is stored (its store and key),
// so values cannot be swapped between records unnoticed.
//
// Go's AES-GCM was chosen over WebCrypto's: it runs synchronously, so
// values are sealed and opened inside one IndexedDB transaction without
// awaiting a promise per value, and it is fast enough in WebAssembly
// (measured by TestBenchInBrowser). The large values, the digest snapshot
// and blobs, are sealed in the same format by WebCrypto (see subtle_js.go).
type sealer struct {
	aead cipher.AEAD
}

func newSealer(key []byte) (*sealer, error) {
	if len(key) != KeySize {
		return nil, ErrCorrupt
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// seal returns nonce || ciphertext || tag.
func (s *sealer) seal(plain, ad []byte) []byte {
	ns := s.aead.NonceSize()
	out := make([]byte, ns, ns+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(out[:ns]); err != nil {
		panic("local: no randomness: " + err.Error()) // crypto/rand never fails on supported platforms
	}
	return s.aead.Seal(out, out[:ns], plain, ad)
}

// open reverses seal; it returns ErrCorrupt if the value was altered, sealed
// with another key or stored under another name.
func (s *sealer) open(sealed, ad []byte) ([]byte, error) {
	ns := s.aead.NonceSize()
	if len(sealed) < ns+s.aead.Overhead() {
		return nil, ErrCorrupt
	}
	plain, err := s.aead.Open(nil, sealed[:ns], sealed[ns:], ad)
	if err != nil {
		return nil, ErrCorrupt
	}
	return plain, nil
}

// newKey returns a random 256-bit key.
func newKey() []byte {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic("local: no randomness: " + err.Error())
	}
	return k
}

// Additional data for each kind of stored value.
func adRecord(id string) []byte   { return append([]byte("jiuzhu/rec\x00"), id...) }
func adOutbox(op string) []byte   { return append([]byte("jiuzhu/out\x00"), op...) }
func adReject(op string) []byte   { return append([]byte("jiuzhu/rej\x00"), op...) }
func adMeta() []byte              { return []byte("jiuzhu/meta") }
func adWrap(user string) []byte   { return append([]byte("jiuzhu/wrap\x00"), user...) }
func adSecret(user string) []byte { return append([]byte("jiuzhu/secret\x00"), user...) }
