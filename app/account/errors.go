package account

import "errors"

// ErrWrongPassword is returned when a password does not unlock the data on
// the tablet. Nothing is changed.
var ErrWrongPassword = errors.New("wrong password")
