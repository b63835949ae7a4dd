// Package api holds the wire types of the server's HTTP API (/api/…), shared
// by the server and the PWA so that both sides agree on them. It is pure:
// types only, no I/O.
package api

import "time"

// LoginRequest is the body of POST /api/login.
type LoginRequest struct {
	Name       string `json:"name"`
	Password   string `json:"password"`
	Device     string `json:"device,omitempty"`      // this tablet's device id for this user, if it has one
	DeviceName string `json:"device_name,omitempty"` // e.g. "张三的平板"
	App        string `json:"app,omitempty"`         // app version
	// Check only checks the password (limits and lockout as for a login):
	// the answer is 204 with no session or device. A tablet uses it to
	// tell a mistyped password from one an administrator reset.
	Check bool `json:"check,omitempty"`
}

// LoginResponse answers a successful login.
type LoginResponse struct {
	Token   string    `json:"token"`
	Device  string    `json:"device"`
	Expires time.Time `json:"expires"`
	User    UserInfo  `json:"user"`
}

// UserInfo is what a device learns about its user.
type UserInfo struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"` // worker, supervisor or admin
	Team string `json:"team"`
	Org  string `json:"org"`
}

// Error is the body of every /api error: a code for programs and a message
// for people, in Chinese (Message) and English (En).
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	En      string `json:"en"`
}

// Photo and file bytes ("blobs") travel over /api/blobs, apart from the sync
// websocket: an attachment record names its bytes by their SHA-256 (its
// sha256 field), and the bytes are uploaded in chunks that can resume.
const (
	// MaxBlob is the largest blob the server accepts, in bytes (8 MiB).
	MaxBlob = 8 << 20
	// BlobChunk is the largest chunk of one PUT /api/blobs/{sha}, in
	// bytes (256 KiB).
	BlobChunk = 256 << 10
)

// BlobStatus is the body of GET /api/blobs/{sha}/status and of the answers
// to PUT /api/blobs/{sha}: how many bytes of the blob the server holds from
// this user's upload, or, once Complete, the blob's whole length. A 409
// answer carries it too (with an Error's fields), telling the offset to
// resume from.
type BlobStatus struct {
	Size     int64 `json:"size"`
	Complete bool  `json:"complete"`
}
