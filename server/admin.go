package server

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"jiuzhu/server/store"
	"jiuzhu/server/store/bolt"
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
