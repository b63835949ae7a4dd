//go:build !(js && wasm)

package local

import "context"

// OpenKeyring returns ErrUnsupported outside the browser: use
// NewMemKeyring in native code and tests.
func OpenKeyring(context.Context, KeyringOptions) (*Keyring, error) { return nil, ErrUnsupported }

// RequestPersistence returns ErrUnsupported outside the browser.
func RequestPersistence(context.Context) (bool, error) { return false, ErrUnsupported }

// Estimate returns ErrUnsupported outside the browser.
func Estimate(context.Context) (usage, quota int64, err error) { return 0, 0, ErrUnsupported }
