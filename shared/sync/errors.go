package sync

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers test them with errors.Is.
var (
	// ErrClockOverflow is returned when a clock would pass the 48-bit
	// millisecond range of an HLC.
	ErrClockOverflow = errors.New("sync: hybrid logical clock overflow")
	// ErrBadOp reports a malformed op ("deviceID:counter").
	ErrBadOp = errors.New("sync: malformed op")
	// ErrBadRecID reports a malformed record id ("type/ULID").
	ErrBadRecID = errors.New("sync: malformed record id")
	// ErrTooLarge reports a message, batch, string or value over its limit.
	ErrTooLarge = errors.New("sync: over size limit")
	// ErrMalformed reports bytes that are not a valid message.
	ErrMalformed = errors.New("sync: malformed message")
	// ErrVersion reports a message of an unsupported protocol version.
	ErrVersion = errors.New("sync: unsupported protocol version")
	// ErrRevoked is returned by Session.Sync when the server says this
	// device is revoked: the caller must wipe the device's local data.
	ErrRevoked = errors.New("sync: device revoked")
	// ErrTimeout is returned by Session.Sync when the server did not answer
	// after all retries.
	ErrTimeout = errors.New("sync: no answer from server")
	// ErrUnexpected reports a protocol message that is not valid at this
	// point of the session.
	ErrUnexpected = errors.New("sync: unexpected message")
)

// Error adds the operation that failed to an underlying error.
type Error struct {
	Op  string // what was being done, e.g. "decode push"
	Err error  // the underlying error, often one of the sentinels above
}

func (e *Error) Error() string { return fmt.Sprintf("sync: %s: %v", e.Op, e.Err) }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// ServerError is an error message sent by the server (Error message).
type ServerError struct {
	Code    string
	Message string
}

func (e *ServerError) Error() string { return "sync: server error " + e.Code + ": " + e.Message }

// Rejection codes used in Rejected.Code by Log.Apply.
const (
	CodeBadChange  = "bad_change"      // structurally invalid change
	CodeNotYours   = "not_yours"       // op device or author is not the pushing device or user
	CodeClock      = "clock"           // hlc too far in the future of the server clock
	CodeSchema     = "schema"          // unknown type or field, or invalid value
	CodeAppendOnly = "append_only"     // rewrite or delete of an append-only record's field
	CodeConflict   = "conflict_record" // client write to a server-owned conflict field
	CodeDenied     = "denied"          // refused by the server's policy hook (permissions, scope)
)
