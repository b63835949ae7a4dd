package mem

import "errors"

// Errors of the in-memory store, besides those of package store.
var (
	// ErrClosed is returned by Update, View and Ping after Close.
	ErrClosed = errors.New("store closed")
	// ErrInvalid means a write was given an empty key (a user, device or
	// session without its id, a user without a login name).
	ErrInvalid = errors.New("missing id")
	// ErrSeq means Append was given an entry whose Seq is not LastSeq()+1.
	ErrSeq = errors.New("log entry out of sequence")
)
