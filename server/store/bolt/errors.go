package bolt

import "errors"

// Errors of the bbolt store, besides those of package store.
var (
	// ErrCorrupt means a stored value does not decode: the file was
	// damaged or written by a broken build.
	ErrCorrupt = errors.New("corrupt value in the data store")
	// ErrInvalid means a write was given an empty key (a user, device or
	// session without its id, a user without a login name).
	ErrInvalid = errors.New("missing id")
	// ErrSeq means Append was given an entry whose Seq is not LastSeq()+1.
	ErrSeq = errors.New("log entry out of sequence")
)
