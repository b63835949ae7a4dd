package local

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Blobs are the bytes of photos (and other attachments): the attachment
// record syncs like any record, its bytes are stored apart, named by the
// lowercase hex SHA-256 of the bytes (see Store.PutBlob).

// MaxBlobSize is the largest blob a store takes: 8 MiB. Photos are
// resized on the device to well under that.
const MaxBlobSize = 8 << 20

// checkSHA returns ErrBadSHA unless sha is 64 lowercase hex digits.
func checkSHA(sha string) error {
	if len(sha) != 2*sha256.Size {
		return badSHA(sha)
	}
	for i := range len(sha) {
		if c := sha[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return badSHA(sha)
		}
	}
	return nil
}

func badSHA(sha string) error {
	if len(sha) > 70 {
		sha = sha[:70] + "…"
	}
	return fmt.Errorf("%w, not %q", ErrBadSHA, sha)
}

// checkBlob checks a blob's name and size before it is stored (not its
// hash, which the stores compute each their own way).
func checkBlob(sha string, data []byte) error {
	if err := checkSHA(sha); err != nil {
		return err
	}
	if len(data) > MaxBlobSize {
		return fmt.Errorf("%w (%d bytes)", ErrBlobTooLarge, len(data))
	}
	return nil
}

// blobOp names an operation on a blob in errors, by the start of its name.
func blobOp(op, sha string) string {
	if len(sha) > 12 {
		sha = sha[:12] + "…"
	}
	return op + " " + sha
}

// blobKeyer turns a blob's name into the key it is stored under: an
// HMAC-SHA256 of the name under a key derived from the data key. Record
// ids are stored in the clear because they say nothing; a photo's SHA-256
// is a fingerprint of its content: whoever holds a copy of a photo could
// tell whether it is on a lost tablet. The HMAC keeps lookups by name
// possible and tells nothing without the data key.
type blobKeyer struct{ key []byte }

func newBlobKeyer(dataKey []byte) (blobKeyer, error) {
	k, err := hkdf.Key(sha256.New, dataKey, nil, "jiuzhu/blob-key", sha256.Size)
	if err != nil {
		return blobKeyer{}, err
	}
	return blobKeyer{key: k}, nil
}

// of returns the storage key of the blob named sha (64 hex digits).
func (b blobKeyer) of(sha string) string {
	m := hmac.New(sha256.New, b.key)
	m.Write([]byte(sha))
	return hex.EncodeToString(m.Sum(nil))
}

// Additional data for a blob's bytes (bound to its name) and for its
// entry in the pending queue (bound to its storage key).
func adBlob(sha string) []byte    { return append([]byte("jiuzhu/blob\x00"), sha...) }
func adBlobQueue(k string) []byte { return append([]byte("jiuzhu/blobq\x00"), k...) }
