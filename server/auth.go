package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"jiuzhu/server/store"
)

// Password hashing: argon2id with at least OWASP's minimum (19 MiB, t=2,
// p=1), stored in the PHC string format so parameters can rise later.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// ErrBadHash is returned for a stored password hash that cannot be parsed.
var ErrBadHash = errors.New("stored password hash is not argon2id")

// MinPasswordLen is the shortest password accepted when one is set.
const MinPasswordLen = 8

// HashPassword returns the argon2id hash of password in PHC format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the PHC hash.
func CheckPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrBadHash
	}
	var version int
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false, ErrBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, ErrBadHash
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is checked against when a login names no user, so that a wrong
// name takes as long as a wrong password.
var dummyHash, _ = HashPassword("no such user: constant-time filler")

// newToken returns a random session token and its hash. Only the hash is
// stored.
func newToken() (token string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Session lifetimes. Tablets may be offline for weeks, and the token is only
// needed to sync (the app locks itself with the password meanwhile), so a
// login lasts long, and a tablet in use keeps it for good: each use moves
// the session's end later. One left unused ends anyway.
const (
	// sessionTTL is how long a login lasts from the login or its last
	// renewal.
	sessionTTL = 90 * 24 * time.Hour
	// sessionIdle ends a session not used for this long, whatever its
	// expiry.
	sessionIdle = 30 * 24 * time.Hour
	// sessionRenew: a session used when less than this is left of it is
	// renewed for another sessionTTL.
	sessionRenew = 30 * 24 * time.Hour
	// sessionTouch is how stale a session's last use may be before an /api
	// call records a new one (/sync's hello always does: it writes anyway).
	sessionTouch = time.Hour
)

// Why a session token is refused.
var (
	errSessionExpired = errors.New("session unknown, ended or expired")
	errDeviceRevoked  = errors.New("device revoked")
	errDisabled       = errors.New("user disabled")
)

// sessionLive reports whether sess may still be used at now: before its
// expiry, and used (or created) within sessionIdle.
func sessionLive(sess store.Session, now time.Time) bool {
	last := sess.LastUsed
	if last.Before(sess.Created) {
		last = sess.Created
	}
	return now.Before(sess.Expires) && now.Sub(last) < sessionIdle
}

// used returns sess after a use at now (its last use recorded, renewed when
// less than sessionRenew is left of it), and whether that is worth
// writing: when always is set, when it is renewed, or when its last use
// was sessionTouch ago or more.
func used(sess store.Session, now time.Time, always bool) (store.Session, bool) {
	write := always || now.Sub(sess.LastUsed) >= sessionTouch
	sess.LastUsed = now
	if sess.Expires.Sub(now) < sessionRenew {
		sess.Expires, write = now.Add(sessionTTL), true
	}
	return sess, write
}

// authorized is whom a session token stands for.
type authorized struct {
	session store.Session
	device  store.Device
	user    store.User
}

// checkToken looks up a session token and checks it at now: the session
// live, its device not revoked, its user enabled. It returns
// errSessionExpired, errDeviceRevoked or errDisabled when they are not.
func checkToken(tx store.ReadTx, token string, now time.Time) (authorized, error) {
	var a authorized
	sess, ok, err := tx.Session(hashToken(token))
	if err != nil {
		return a, err
	}
	if !ok || !sessionLive(sess, now) {
		return a, errSessionExpired
	}
	d, ok, err := tx.Device(sess.Device)
	if err != nil {
		return a, err
	}
	if !ok || d.User != sess.User {
		return a, errSessionExpired
	}
	if d.Revoked {
		return a, errDeviceRevoked
	}
	u, ok, err := tx.User(sess.User)
	if err != nil {
		return a, err
	}
	if !ok {
		return a, errSessionExpired
	}
	if u.Disabled {
		return a, errDisabled
	}
	return authorized{session: sess, device: d, user: u}, nil
}

// useToken checks a session token inside a write transaction and records
// the use, renewing the session when it is due (/sync's hello).
func useToken(tx store.Tx, token string, now time.Time) (authorized, error) {
	a, err := checkToken(tx, token, now)
	if err != nil {
		return a, err
	}
	a.session, _ = used(a.session, now, true)
	return a, tx.PutSession(a.session)
}

// authToken checks a session token for an /api call and records the use,
// writing only when the last use is stale or the session is due for
// renewal, so that most calls only read.
func (s *Server) authToken(ctx context.Context, token string) (authorized, error) {
	now := s.now()
	var a authorized
	err := s.store.View(ctx, func(tx store.ReadTx) (err error) {
		a, err = checkToken(tx, token, now)
		return err
	})
	if err != nil {
		return a, err
	}
	if _, write := used(a.session, now, false); !write {
		return a, nil
	}
	err = s.store.Update(ctx, func(tx store.Tx) (err error) {
		a, err = useToken(tx, token, now)
		return err
	})
	return a, err
}

// bearerToken returns the token of a request's "Authorization: Bearer"
// header, or "".
func bearerToken(r *http.Request) string {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return strings.TrimSpace(token)
}

// writeAuthError answers an /api call whose token was refused (err from
// authToken), or a server error.
func (s *Server) writeAuthError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, errSessionExpired):
		writeAPIError(w, http.StatusUnauthorized, "session_expired",
			"登录已过期或已退出，请重新登录。", "Your session has expired or was ended; log in again.")
	case errors.Is(err, errDeviceRevoked):
		writeAPIError(w, http.StatusUnauthorized, "device_revoked",
			"这台设备已被注销，请联系管理员。", "This device has been revoked; ask an administrator.")
	case errors.Is(err, errDisabled):
		writeAPIError(w, http.StatusUnauthorized, "disabled",
			"该账号已停用，请联系管理员。", "This account is disabled; ask an administrator.")
	default:
		s.log.Error("session check", "err", err)
		writeAPIError(w, http.StatusInternalServerError, "internal", "服务器出错，请稍后再试。", "Server error; try again later.")
	}
}
