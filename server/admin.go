package server

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"jiuzhu/server/store"
	"jiuzhu/server/store/bolt"
	jsync "jiuzhu/shared/sync"
)

// Account administration, for the CLI (on a data directory, with the
// server stopped: the store's lock says so when it is not) and for the
// running server (its admin pages come later; tests use it now).

// NewUser describes a user to create.
type NewUser struct {
	Name     string
	Password string
	Role     store.Role
	Team     string
	Org      string // administrative division code
}

var (
	loginName = regexp.MustCompile(`^[\p{L}\p{N}._@-]{2,64}$`)
	orgCode   = regexp.MustCompile(`^[0-9]{2}([0-9]{2}){0,2}([0-9]{3}){0,2}$`)
)

// Validate returns a message a person can act on, or nil.
func (u NewUser) Validate() error {
	switch {
	case !loginName.MatchString(u.Name):
		return fmt.Errorf("name %q: use 2–64 letters, digits or . _ @ -", u.Name)
	case !u.Role.Valid():
		return fmt.Errorf("role %q: use worker, supervisor or admin", u.Role)
	case !orgCode.MatchString(u.Org):
		return fmt.Errorf("org %q: use an administrative division code such as 62, 6201, 620102 or 620102001", u.Org)
	case u.Role == store.RoleSupervisor && strings.TrimSpace(u.Team) == "":
		return fmt.Errorf("a supervisor needs a --team")
	case len([]rune(u.Password)) < MinPasswordLen:
		return fmt.Errorf("password: at least %d characters", MinPasswordLen)
	}
	return nil
}

// AddUser creates a user in the store at dataDir and returns it.
func AddUser(ctx context.Context, dataDir string, nu NewUser) (u store.User, err error) {
	err = withStore(dataDir, func(st store.Store) error {
		u, err = addUser(ctx, st, nu)
		return err
	})
	return u, err
}

// AddUser creates a user in the running server's store.
func (s *Server) AddUser(ctx context.Context, nu NewUser) (store.User, error) {
	defer s.usersChanged()
	return addUser(ctx, s.store, nu)
}

func addUser(ctx context.Context, st store.Store, nu NewUser) (store.User, error) {
	if err := nu.Validate(); err != nil {
		return store.User{}, err
	}
	hash, err := HashPassword(nu.Password)
	if err != nil {
		return store.User{}, err
	}
	u := store.User{ID: newID(), Name: nu.Name, Role: nu.Role, Team: strings.TrimSpace(nu.Team), Org: nu.Org,
		PasswordHash: hash, Created: time.Now()}
	err = st.Update(ctx, func(tx store.Tx) error {
		if _, taken, err := tx.UserByName(u.Name); err != nil {
			return err
		} else if taken {
			return fmt.Errorf("user %q: %w", u.Name, store.ErrExists)
		}
		if err := tx.PutUser(u); err != nil {
			return err
		}
		_, err := tx.AppendAudit(store.AuditEntry{At: u.Created, Action: "user_add", Target: u.ID, Detail: string(u.Role)})
		return err
	})
	return u, err
}

// ListUsers returns every user of the store at dataDir.
func ListUsers(ctx context.Context, dataDir string) (users []store.User, err error) {
	err = withStore(dataDir, func(st store.Store) error {
		return st.View(ctx, func(tx store.ReadTx) error {
			users, err = tx.Users()
			return err
		})
	})
	return users, err
}

// ListDevices returns the devices of the named user, or all when name is "".
func ListDevices(ctx context.Context, dataDir, name string) (devices []store.Device, err error) {
	err = withStore(dataDir, func(st store.Store) error {
		return st.View(ctx, func(tx store.ReadTx) error {
			id := ""
			if name != "" {
				u, ok, err := tx.UserByName(name)
				if err != nil {
					return err
				}
				if !ok {
					return fmt.Errorf("no user %q", name)
				}
				id = u.ID
			}
			devices, err = tx.Devices(id)
			return err
		})
	})
	return devices, err
}

// RevokeDevice marks a device revoked: its next contact makes it wipe its
// data.
func RevokeDevice(ctx context.Context, dataDir, id string) error {
	return withStore(dataDir, func(st store.Store) error { return revokeDevice(ctx, st, id) })
}

// RevokeDevice revokes a device on the running server and closes its
// connections, which tell it to wipe itself.
func (s *Server) RevokeDevice(ctx context.Context, id string) error {
	if err := revokeDevice(ctx, s.store, id); err != nil {
		return err
	}
	s.hub.revoke(id)
	return nil
}

func revokeDevice(ctx context.Context, st store.Store, id string) error {
	return st.Update(ctx, func(tx store.Tx) error {
		d, ok, err := tx.Device(id)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("no device %q (see `jiuzhu device list`)", id)
		}
		if d.Revoked {
			return nil
		}
		d.Revoked, d.RevokedAt = true, time.Now()
		if err := tx.PutDevice(d); err != nil {
			return err
		}
		_, err = tx.AppendAudit(store.AuditEntry{At: d.RevokedAt, Device: d.ID, Action: "device_revoke", Target: d.ID})
		return err
	})
}

func withStore(dataDir string, fn func(store.Store) error) error {
	st, err := bolt.Open(dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}

// Locks, passwords and sessions. The server's methods (for the admin API)
// take a user id; the functions on a data directory (for the CLI, server
// stopped) a login name. Each is audited, naming who acted when ctx says
// (withActor), else no one: the command line.

// errUnknownUser is returned for a user id or name that has no account.
var errUnknownUser = errors.New("no such user")

// actor is who does an administrative action, for its audit entry.
type actor struct{ user, device string }

type actorKey struct{}

// withActor returns ctx saying that user, on device, does what is done
// with it: the audit entries of UnlockUser, SetPassword and
// LogoutEverywhere name them.
func withActor(ctx context.Context, user, device string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor{user, device})
}

func actorOf(ctx context.Context) actor {
	a, _ := ctx.Value(actorKey{}).(actor)
	return a
}

// findUser returns the user with id key, or with login name key when
// byName.
func findUser(tx store.ReadTx, key string, byName bool) (store.User, error) {
	var u store.User
	var ok bool
	var err error
	if byName {
		u, ok, err = tx.UserByName(key)
	} else {
		u, ok, err = tx.User(key)
	}
	switch {
	case err != nil:
		return u, err
	case !ok && byName:
		return u, fmt.Errorf("没有用户 %q（见 jiuzhu user list）/ no user %q (see `jiuzhu user list`): %w", key, key, errUnknownUser)
	case !ok:
		return u, fmt.Errorf("没有用户 %s / no user %s: %w", key, key, errUnknownUser)
	}
	return u, nil
}

// validPassword checks a new password as login will take it.
func validPassword(pw string) error {
	if len([]rune(pw)) < MinPasswordLen || len(pw) > maxPassLen {
		return fmt.Errorf("密码至少 %d 个字符，最多 %d 字节 / a password has at least %d characters and at most %d bytes",
			MinPasswordLen, maxPassLen, MinPasswordLen, maxPassLen)
	}
	return nil
}

// IsLocked reports whether u is locked out of logging in now, after too
// many failed logins.
func (s *Server) IsLocked(u store.User) bool {
	now := s.now()
	return u.Locked(now) || !s.limiter.lockedUntil(u.Name, now).IsZero()
}

// UnlockUser lifts a user's lockout after failed logins (there need not be
// one) and forgets the failures counted against their name.
func (s *Server) UnlockUser(ctx context.Context, userID string) error {
	u, err := unlockAccount(ctx, s.store, userID, false, s.now(), actorOf(ctx))
	if err != nil {
		return err
	}
	s.limiter.unlock(u.Name)
	s.refreshUsers() // the cached users hold the lock too; who sees what has not changed
	return nil
}

// UnlockUser lifts the lockout of the named user in the store at dataDir.
// It returns the user as they were (LockedUntil: the lock lifted, if any).
func UnlockUser(ctx context.Context, dataDir, name string) (u store.User, err error) {
	err = withStore(dataDir, func(st store.Store) error {
		u, err = unlockAccount(ctx, st, name, true, time.Now(), actor{})
		return err
	})
	return u, err
}

func unlockAccount(ctx context.Context, st store.Store, key string, byName bool, now time.Time, by actor) (was store.User, err error) {
	err = st.Update(ctx, func(tx store.Tx) error {
		u, err := findUser(tx, key, byName)
		if err != nil {
			return err
		}
		was = u
		detail := "was not locked"
		if u.Locked(now) {
			detail = "was locked until " + u.LockedUntil.UTC().Format(time.RFC3339)
		}
		if !u.LockedUntil.IsZero() {
			u.LockedUntil = time.Time{}
			if err := tx.PutUser(u); err != nil {
				return err
			}
		}
		_, err = tx.AppendAudit(store.AuditEntry{At: now, User: by.user, Device: by.device, Action: "user_unlock", Target: u.ID, Detail: detail})
		return err
	})
	return was, err
}

// LogoutEverywhere ends every session of a user: each of their devices
// must log in again at its next contact (connected ones are told at once).
// Their data stays on the devices: revoking a device is what wipes it.
func (s *Server) LogoutEverywhere(ctx context.Context, userID string) error {
	if _, _, err := endSessions(ctx, s.store, userID, false, s.now(), actorOf(ctx)); err != nil {
		return err
	}
	s.hub.loggedOut(userID)
	return nil
}

// LogoutEverywhere ends every session of the named user in the store at
// dataDir, and returns how many there were.
func LogoutEverywhere(ctx context.Context, dataDir, name string) (n int, err error) {
	err = withStore(dataDir, func(st store.Store) error {
		_, n, err = endSessions(ctx, st, name, true, time.Now(), actor{})
		return err
	})
	return n, err
}

func endSessions(ctx context.Context, st store.Store, key string, byName bool, now time.Time, by actor) (u store.User, n int, err error) {
	err = st.Update(ctx, func(tx store.Tx) error {
		if u, err = findUser(tx, key, byName); err != nil {
			return err
		}
		if n, err = deleteSessions(tx, u.ID); err != nil {
			return err
		}
		_, err = tx.AppendAudit(store.AuditEntry{At: now, User: by.user, Device: by.device, Action: "logout_everywhere",
			Target: u.ID, Detail: fmt.Sprintf("%d sessions ended", n)})
		return err
	})
	return u, n, err
}

// deleteSessions removes every session of a user and returns how many
// there were.
func deleteSessions(tx store.Tx, userID string) (int, error) {
	sessions, err := tx.Sessions(userID)
	if err != nil {
		return 0, err
	}
	for _, sess := range sessions {
		if err := tx.DeleteSession(sess.TokenHash); err != nil {
			return 0, err
		}
	}
	return len(sessions), nil
}

// SetPassword gives a user a new password (at least MinPasswordLen
// characters), ends their sessions as LogoutEverywhere does, and lifts a
// lockout: whoever locked the account by guessing now has a new password
// to guess.
func (s *Server) SetPassword(ctx context.Context, userID, password string) error {
	u, _, err := setPassword(ctx, s.store, userID, false, password, s.now(), actorOf(ctx))
	if err != nil {
		return err
	}
	s.limiter.unlock(u.Name)
	s.refreshUsers() // the cached users hold the old hash; who sees what has not changed
	s.hub.loggedOut(userID)
	return nil
}

// SetPassword gives the named user in the store at dataDir a new password,
// ending their sessions (it returns how many) and lifting a lockout.
func SetPassword(ctx context.Context, dataDir, name, password string) (n int, err error) {
	err = withStore(dataDir, func(st store.Store) error {
		_, n, err = setPassword(ctx, st, name, true, password, time.Now(), actor{})
		return err
	})
	return n, err
}

func setPassword(ctx context.Context, st store.Store, key string, byName bool, password string, now time.Time, by actor) (u store.User, n int, err error) {
	if err := validPassword(password); err != nil {
		return u, 0, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return u, 0, err
	}
	err = st.Update(ctx, func(tx store.Tx) error {
		if u, err = findUser(tx, key, byName); err != nil {
			return err
		}
		u.PasswordHash, u.LockedUntil = hash, time.Time{}
		if err := tx.PutUser(u); err != nil {
			return err
		}
		if n, err = deleteSessions(tx, u.ID); err != nil {
			return err
		}
		_, err = tx.AppendAudit(store.AuditEntry{At: now, User: by.user, Device: by.device, Action: "password_reset",
			Target: u.ID, Detail: fmt.Sprintf("%d sessions ended", n)})
		return err
	})
	return u, n, err
}

// loggedOut closes the sync connections of a user's devices, telling them
// their session is over: they ask for the password and log in again.
func (h *hub) loggedOut(user string) {
	h.mu.Lock()
	var targets []*syncConn
	for c := range h.conns {
		if c.dev.user.ID == user {
			targets = append(targets, c)
		}
	}
	h.mu.Unlock()
	for _, c := range targets {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c.send(ctx, &jsync.ErrorMsg{Code: errCodeUnauthorized, Message: "已退出登录，请重新登录。You were logged out; log in again."})
		c.conn.Close(CloseUnauthorized, "logged out: log in again")
		cancel()
	}
}

// warnWithoutAdmin tells whoever starts a server whose users include no
// enabled administrator how to create one: without one, nobody can manage
// the accounts from the app.
func (s *Server) warnWithoutAdmin(users []store.User) {
	for _, u := range users {
		if u.Role == store.RoleAdmin && !u.Disabled {
			return
		}
	}
	if len(users) > 0 {
		s.log.Warn("no enabled administrator: nobody can manage the accounts in the app; stop the server and create one with " +
			"`echo PASSWORD | jiuzhu user add --data DIR --name NAME --role admin --org CODE`")
	}
}
