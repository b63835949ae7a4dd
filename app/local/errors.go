package local

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers test them with errors.Is.
var (
	// ErrQuota means the browser refused to store more data: the device's
	// storage for this app is full. Nothing of the failed call was written.
	ErrQuota = errors.New("local: device storage is full (quota exceeded); nothing was saved: free space on the tablet or sync and remove finished cases")
	// ErrWrongPassword is returned by Keyring.Unlock when the password does
	// not unwrap the user's data key. Nothing is changed.
	ErrWrongPassword = errors.New("local: wrong password")
	// ErrNoUser is returned when the keyring has no entry for a login name
	// or user id: that user has no data on this tablet (log in online first).
	ErrNoUser = errors.New("local: no data for this user on this device")
	// ErrExists is returned by Keyring.Create when the user or login name
	// already has an entry on this tablet.
	ErrExists = errors.New("local: user already has data on this device")
	// ErrClosed is returned by a Store after Close, or after its database
	// was deleted or upgraded elsewhere.
	ErrClosed = errors.New("local: store is closed")
	// ErrDuplicateOp is returned by Enqueue when a change's op is already in
	// the outbox (or twice in the batch). Nothing is enqueued.
	ErrDuplicateOp = errors.New("local: duplicate op in outbox")
	// ErrCorrupt means a stored value could not be decrypted or decoded:
	// it was altered, or sealed with another key.
	ErrCorrupt = errors.New("local: stored value is corrupt or sealed with another key")
	// ErrAborted means the storage transaction was aborted; nothing of it
	// was written.
	ErrAborted = errors.New("local: storage transaction aborted")
	// ErrUnsupported is returned where the platform has no such storage
	// (IndexedDB and WebCrypto outside the browser).
	ErrUnsupported = errors.New("local: not supported on this platform")
	// ErrBadSHA is returned by the blob methods for a blob name that is
	// not the 64 lowercase hexadecimal digits of a SHA-256. Nothing is
	// changed.
	ErrBadSHA = errors.New("local: a blob's name must be the 64 lowercase hexadecimal digits of its SHA-256")
	// ErrBlobMismatch is returned by PutBlob when the SHA-256 of the bytes
	// is not the name given: they were damaged (a broken download, say) or
	// given the wrong name. Nothing is saved.
	ErrBlobMismatch = errors.New("local: the blob's bytes do not match its SHA-256 (damaged or misnamed); nothing was saved")
	// ErrBlobTooLarge is returned by PutBlob for more than MaxBlobSize
	// bytes. Nothing is saved.
	ErrBlobTooLarge = errors.New("local: the blob is larger than 8 MiB; nothing was saved")
)

// Error adds the operation that failed to an underlying error.
type Error struct {
	Op  string // what was being done, e.g. "save page"
	Err error  // the underlying error, often one of the sentinels above
}

func (e *Error) Error() string { return fmt.Sprintf("local: %s: %v", e.Op, e.Err) }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// DOMError is an error the browser reported (a DOMException or Error) that
// has no sentinel of its own.
type DOMError struct {
	Name    string // e.g. "UnknownError"
	Message string
}

func (e *DOMError) Error() string { return e.Name + ": " + e.Message }

// domError maps a browser error, by its name, to a sentinel where one fits
// (QuotaExceededError to ErrQuota, and so on), or to a *DOMError.
func domError(name, message string) error {
	switch name {
	case "QuotaExceededError":
		return fmt.Errorf("%w (%s)", ErrQuota, message)
	case "ConstraintError":
		// The unique indexes are the outbox's op index and the blob
		// queue's key index; the blob writes check theirs first.
		return ErrDuplicateOp
	case "AbortError":
		return ErrAborted
	case "InvalidStateError", "TransactionInactiveError":
		return ErrClosed
	case "OperationError":
		return ErrCorrupt // WebCrypto: decryption failed
	}
	return &DOMError{Name: name, Message: message}
}
