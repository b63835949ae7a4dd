package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"jiuzhu/server/store"
	"jiuzhu/shared/api"
)

// How long a login lasts. Tablets may be offline for weeks; the token is only
// needed to sync, and the app locks itself with the password meanwhile.
const sessionTTL = 90 * 24 * time.Hour

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
// given one if it is this user's and not revoked, else a new one.
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
	if wait := s.limiter.blocked(req.Name, s.now()); wait > 0 {
		w.Header().Set("Retry-After", retryAfter(wait))
		writeAPIError(w, http.StatusTooManyRequests, "too_many_attempts",
			"登录失败次数过多，请稍后再试。", "Too many failed logins; try again later.")
		return
	}
	resp, err := s.openSession(r.Context(), req)
	switch {
	case errors.Is(err, errLoginFailed):
		s.limiter.failed(req.Name, s.now())
		s.log.Info("login failed", "name", req.Name, "remote", r.RemoteAddr)
		s.audit(r.Context(), store.AuditEntry{Action: "login_failed", Target: req.Name})
		writeAPIError(w, http.StatusUnauthorized, "login_failed", "用户名或密码错误。", "Wrong name or password.")
	case errors.Is(err, errDisabled):
		writeAPIError(w, http.StatusForbidden, "disabled", "该账号已停用，请联系管理员。", "This account is disabled; ask an administrator.")
	case errors.Is(err, errDeviceRevoked):
		writeAPIError(w, http.StatusForbidden, "device_revoked", "这台设备已被注销，请联系管理员。", "This device has been revoked; ask an administrator.")
	case err != nil:
		s.log.Error("login", "err", err)
		writeAPIError(w, http.StatusInternalServerError, "internal", "服务器出错，请稍后再试。", "Server error; try again later.")
	default:
		s.limiter.succeeded(req.Name)
		writeJSON(w, http.StatusOK, resp)
	}
}

var (
	errDisabled      = errors.New("user disabled")
	errDeviceRevoked = errors.New("device revoked")
)

func (s *Server) openSession(ctx context.Context, req LoginRequest) (LoginResponse, error) {
	var u store.User
	var found bool
	if err := s.store.View(ctx, func(tx store.ReadTx) (err error) {
		u, found, err = tx.UserByName(req.Name)
		return err
	}); err != nil {
		return LoginResponse{}, err
	}
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
		if err := tx.PutSession(store.Session{TokenHash: th, User: u.ID, Device: d.ID, Created: now, Expires: resp.Expires}); err != nil {
			return err
		}
		_, err = tx.AppendAudit(store.AuditEntry{At: now, User: u.ID, Device: d.ID, Action: "login"})
		return err
	})
	return resp, err
}

// logout ends the session whose token is in the Authorization header.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		writeAPIError(w, http.StatusUnauthorized, "no_token", "缺少登录凭据。", "Missing session token.")
		return
	}
	err := s.store.Update(r.Context(), func(tx store.Tx) error {
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
		s.log.Error("logout", "err", err)
		writeAPIError(w, http.StatusInternalServerError, "internal", "服务器出错，请稍后再试。", "Server error; try again later.")
		return
	}
	w.WriteHeader(http.StatusNoContent)
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
