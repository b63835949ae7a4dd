package store

import "errors"

// Errors returned when a store cannot be opened. Implementations wrap them
// (with %w) in an *OpenError that names the path.
var (
	// ErrLocked means another process holds the store.
	ErrLocked = errors.New("in use by another jiuzhu server")
	// ErrNewerSchema means the data was written by a newer version of the
	// server than this one.
	ErrNewerSchema = errors.New("written by a newer version of jiuzhu")
)

// OpenError is returned when the store at Path cannot be opened.
type OpenError struct {
	Path string
	Err  error
}

func (e *OpenError) Error() string {
	return "data store " + e.Path + ": " + e.Err.Error()
}

func (e *OpenError) Unwrap() error { return e.Err }

// ErrExists is returned by PutUser when the login name belongs to another
// user.
var ErrExists = errors.New("already exists")

// Errors of the blob uploads (Tx.AppendPartial, Tx.FinishBlob).
var (
	// ErrOffset means a chunk did not start where the upload stands.
	ErrOffset = errors.New("chunk does not start at the upload's size")
	// ErrNoPartial means there is no such upload in progress.
	ErrNoPartial = errors.New("no such upload in progress")
)
