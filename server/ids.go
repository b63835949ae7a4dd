package server

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newID returns a random 16-character id (80 bits) for users and devices.
// Device ids appear in every change a device makes, so they are kept short.
func newID() string {
	b := make([]byte, 10)
	rand.Read(b)
	return strings.ToLower(idEncoding.EncodeToString(b))
}
