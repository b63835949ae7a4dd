package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiuzhu/server/store"
	"jiuzhu/shared/api"
)

// Limits on the login API's input.
const (
	maxAPIBody    = 16 << 10
	maxNameLen    = 64
	maxPassLen    = 256
	maxDeviceName = 100
)

// apiError is the JSON body of every /api error.
type apiError = api.Error

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeAPIError(w http.ResponseWriter, status int, code, zh, en string) {
	writeJSON(w, status, apiError{Code: code, Message: zh, En: en})
}

// The login API's wire types are shared with the PWA.
type (
	LoginRequest  = api.LoginRequest
	LoginResponse = api.LoginResponse
	UserInfo      = api.UserInfo
)

func userInfo(u store.User) UserInfo {
	return UserInfo{ID: u.ID, Name: u.Name, Role: string(u.Role), Team: u.Team, Org: u.Org}
}

// errLoginFailed is the one answer for a wrong name or a wrong password.
var errLoginFailed = errors.New("wrong name or password")

// login checks a name and password and opens a session on a device: the
// given one if it is this user's and not revoked, else a new one. Failed
// logins slow the next ones and then lock the account (limiter.go); a
// locked account is refused whatever the password, without checking it.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var req LoginRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || req.Password == "" || len(req.Name) > maxNameLen || len(req.Password) > maxPassLen ||
		utf8.RuneCountInString(req.DeviceName) > maxDeviceName || len(req.Device) > 64 || len(req.App) > 64 {
		writeAPIError(w, http.StatusBadRequest, "bad_request", "请输入用户名和密码。", "Enter a name and a password.")
		return
	}
	ctx, now, addr := r.Context(), s.now(), clientAddr(r)
	var u store.User
	var found bool
	if err := s.store.View(ctx, func(tx store.ReadTx) (err error) {
		u, found, err = tx.UserByName(req.Name)
		return err
	}); err != nil {
		s.internalError(w, "login", err)
		return
	}
	if found && u.Locked(now) {
		s.writeLocked(w, u.LockedUntil, now)
		return
	}
	wait, until := s.limiter.begin(req.Name, addr, now)
	if !until.IsZero() {
		s.writeLocked(w, until, now)
		return
	}
	if wait > 0 {
		w.Header().Set("Retry-After", retryAfter(wait))
		n := strconv.Itoa(waitSeconds(wait))
		writeAPIError(w, http.StatusTooManyRequests, "too_many_attempts",
			"登录失败次数过多，请 "+n+" 秒后再试。", "Too many failed logins; try again in "+n+" s.")
		return
	}
	resp, err := s.openSession(ctx, req, u, found)
	until = s.limiter.end(req.Name, addr, now, errors.Is(err, errLoginFailed))
	switch {
	case errors.Is(err, errLoginFailed):
		s.log.Info("login failed", "name", req.Name, "remote", r.RemoteAddr)
		s.audit(ctx, store.AuditEntry{At: now, Action: "login_failed", Target: req.Name})
		if !until.IsZero() {
			s.lockOut(ctx, req.Name, until)
			s.writeLocked(w, until, s.now())
			return
		}
		writeAPIError(w, http.StatusUnauthorized, "login_failed", "用户名或密码错误。", "Wrong name or password.")
	case errors.Is(err, errDisabled):
		writeAPIError(w, http.StatusForbidden, "disabled", "该账号已停用，请联系管理员。", "This account is disabled; ask an administrator.")
	case errors.Is(err, errDeviceRevoked):
		writeAPIError(w, http.StatusForbidden, "device_revoked", "这台设备已被注销，请联系管理员。", "This device has been revoked; ask an administrator.")
	case err != nil:
		s.internalError(w, "login", err)
	case req.Check:
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusOK, resp)
	}
}

// writeLocked answers a login for an account locked until until.
func (s *Server) writeLocked(w http.ResponseWriter, until, now time.Time) {
	at := lockEnd(until)
	w.Header().Set("Retry-After", retryAfter(until.Sub(now)))
	writeAPIError(w, http.StatusLocked, "account_locked",
		"登录失败次数过多，该账号已锁定至 "+at+"。届时可再试，或请管理员解锁。",
		"Too many failed logins: this account is locked until "+at+". Try again then, or ask an administrator to unlock it.")
}

// lockEnd is the end of a lock as the answer shows it: to the minute
// (rounded up), in the server's time zone, with its offset from UTC.
func lockEnd(until time.Time) string {
	return until.Add(time.Minute - 1).Truncate(time.Minute).Local().Format("2006-01-02 15:04 (UTC-07:00)")
}

// lockOut stores the lock the limiter put on name, when name is an
// account's, so that it survives a restart, and audits it either way.
func (s *Server) lockOut(ctx context.Context, name string, until time.Time) {
	detail := fmt.Sprintf("locked until %s after %d failed logins within %d minutes",
		until.UTC().Format(time.RFC3339), lockAfter, int(nameThrottle.window.Minutes()))
	s.log.Warn("login locked", "name", name, "until", until)
	// The lock is kept even if the client has gone meanwhile.
	err := s.store.Update(context.WithoutCancel(ctx), func(tx store.Tx) error {
		a := store.AuditEntry{At: s.now(), Action: "login_locked", Target: name, Detail: detail}
		u, ok, err := tx.UserByName(name)
		if err != nil {
			return err
		}
		if ok {
			a.Target = u.ID
			if until.After(u.LockedUntil) {
				u.LockedUntil = until
				if err := tx.PutUser(u); err != nil {
					return err
				}
			}
		}
		_, err = tx.AppendAudit(a)
		return err
	})
	if err != nil {
		s.log.Error("login lock", "name", name, "err", err)
	}
	s.refreshUsers() // the cached users hold the lock too; who sees what has not changed
}

// openSession checks the password of u (found: the name is an account's;
// else a filler hash is checked, so that a wrong name takes as long as a
// wrong password) and opens a session, dropping the user's sessions that
// have ended.
func (s *Server) openSession(ctx context.Context, req LoginRequest, u store.User, found bool) (LoginResponse, error) {
	hash := dummyHash
	if found {
		hash = u.PasswordHash
	}
	ok, err := CheckPassword(hash, req.Password)
	if err != nil && found {
		return LoginResponse{}, err
	}
	if !found || !ok {
		return LoginResponse{}, errLoginFailed
	}
	if u.Disabled {
		return LoginResponse{}, errDisabled
	}
	if req.Check {
		return LoginResponse{}, nil // the password is right; no session wanted
	}
	token, th, err := newToken()
	if err != nil {
		return LoginResponse{}, err
	}
	now := s.now()
	resp := LoginResponse{Token: token, Expires: now.Add(sessionTTL), User: userInfo(u)}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		d, ok, err := tx.Device(req.Device)
		if err != nil {
			return err
		}
		switch {
		case req.Device != "" && ok && d.User == u.ID && d.Revoked:
			return errDeviceRevoked
		case req.Device == "" || !ok || d.User != u.ID:
			d = store.Device{ID: newID(), User: u.ID, Name: req.DeviceName, Created: now}
		}
		d.LastSeen, d.App = now, req.App
		if req.DeviceName != "" {
			d.Name = req.DeviceName
		}
		if err := tx.PutDevice(d); err != nil {
			return err
		}
		resp.Device = d.ID
		old, err := tx.Sessions(u.ID)
		if err != nil {
			return err
		}
		for _, sess := range old {
			if !sessionLive(sess, now) {
				if err := tx.DeleteSession(sess.TokenHash); err != nil {
					return err
				}
			}
		}
		sess := store.Session{TokenHash: th, User: u.ID, Device: d.ID, Created: now, Expires: resp.Expires, LastUsed: now}
		if err := tx.PutSession(sess); err != nil {
			return err
		}
		_, err = tx.AppendAudit(store.AuditEntry{At: now, User: u.ID, Device: d.ID, Action: "login"})
		return err
	})
	return resp, err
}

// logoutRequest is the optional body of POST /api/logout: with Everywhere
// the user's sessions on every device end, not just this one.
type logoutRequest struct {
	Everywhere bool `json:"everywhere"`
}

// logout ends the session whose token is in the Authorization header (an
// unknown or ended one is not an error), or, with {"everywhere": true},
// every session of its user: their devices must all log in again.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	token := bearerToken(r)
	if token == "" {
		writeAPIError(w, http.StatusUnauthorized, "no_token", "缺少登录凭据。", "Missing session token.")
		return
	}
	var req logoutRequest
	if !decodeOptionalJSON(w, r, &req) {
		return
	}
	ctx := r.Context()
	if req.Everywhere {
		var a authorized
		err := s.store.View(ctx, func(tx store.ReadTx) (err error) {
			a, err = checkToken(tx, token, s.now())
			return err
		})
		if err != nil {
			s.writeAuthError(w, err)
			return
		}
		if err := s.LogoutEverywhere(withActor(ctx, a.user.ID, a.device.ID), a.user.ID); err != nil {
			s.internalError(w, "logout everywhere", err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		sess, found, err := tx.Session(hashToken(token))
		if err != nil || !found {
			return err
		}
		if err := tx.DeleteSession(sess.TokenHash); err != nil {
			return err
		}
		_, err = tx.AppendAudit(store.AuditEntry{At: s.now(), User: sess.User, Device: sess.Device, Action: "logout"})
		return err
	})
	if err != nil {
		s.internalError(w, "logout", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// decodeOptionalJSON is decodeJSON for a body that may also be empty
// (leaving v as it is).
func decodeOptionalJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeAPIError(w, http.StatusRequestEntityTooLarge, "too_large", "请求过大。", "Request too large.")
		return false
	case err != nil:
		writeAPIError(w, http.StatusBadRequest, "bad_json", "请求格式错误："+err.Error(), "Malformed request: "+err.Error())
		return false
	case len(bytes.TrimSpace(b)) == 0:
		return true
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return decodeJSON(w, r, v)
}

// decodeJSON reads a small JSON body into v, answering 400 or 413 itself.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxAPIBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeAPIError(w, http.StatusRequestEntityTooLarge, "too_large", "请求过大。", "Request too large.")
			return false
		}
		writeAPIError(w, http.StatusBadRequest, "bad_json", "请求格式错误："+err.Error(), "Malformed request: "+err.Error())
		return false
	}
	return true
}

// audit appends an audit entry outside any other transaction, logging (not
// returning) a failure: the action it records has already been answered.
func (s *Server) audit(ctx context.Context, a store.AuditEntry) {
	if a.At.IsZero() {
		a.At = s.now()
	}
	if err := s.store.Update(ctx, func(tx store.Tx) error { _, err := tx.AppendAudit(a); return err }); err != nil {
		s.log.Error("audit", "action", a.Action, "err", err)
	}
}
