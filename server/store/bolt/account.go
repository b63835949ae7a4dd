package bolt

import (
	"encoding/json"
	"fmt"
	"time"

	"jiuzhu/server/store"
)

// The stored forms of the account types: JSON with short, fixed names, so
// that renaming a Go field never changes the file format. Times are stored
// and returned in UTC. Fields added since schema 2 (a user's locked_until,
// a session's last_used) are left out when zero, so records written before
// them read as not locked and not used since login: they needed no schema
// change.

type userRec struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Role     string    `json:"role"`
	Team     string    `json:"team,omitempty"`
	Org      string    `json:"org,omitempty"`
	Password string    `json:"pw,omitempty"`
	Disabled bool      `json:"disabled,omitempty"`
	Created  time.Time `json:"created"`
	Locked   time.Time `json:"locked_until,omitzero"`
}

func encodeUser(u store.User) ([]byte, error) {
	return json.Marshal(userRec{ID: u.ID, Name: u.Name, Role: string(u.Role), Team: u.Team, Org: u.Org,
		Password: u.PasswordHash, Disabled: u.Disabled, Created: u.Created.UTC(), Locked: u.LockedUntil.UTC()})
}

func decodeUser(b []byte) (store.User, error) {
	var r userRec
	if err := json.Unmarshal(b, &r); err != nil {
		return store.User{}, fmt.Errorf("user: %w: %v", ErrCorrupt, err)
	}
	return store.User{ID: r.ID, Name: r.Name, Role: store.Role(r.Role), Team: r.Team, Org: r.Org,
		PasswordHash: r.Password, Disabled: r.Disabled, Created: r.Created, LockedUntil: r.Locked}, nil
}

type sessionRec struct {
	TokenHash []byte    `json:"token"`
	User      string    `json:"user"`
	Device    string    `json:"device"`
	Created   time.Time `json:"created"`
	Expires   time.Time `json:"expires"`
	LastUsed  time.Time `json:"last_used,omitzero"`
}

func encodeSession(s store.Session) ([]byte, error) {
	return json.Marshal(sessionRec{TokenHash: s.TokenHash, User: s.User, Device: s.Device,
		Created: s.Created.UTC(), Expires: s.Expires.UTC(), LastUsed: s.LastUsed.UTC()})
}

func decodeSession(b []byte) (store.Session, error) {
	var r sessionRec
	if err := json.Unmarshal(b, &r); err != nil {
		return store.Session{}, fmt.Errorf("session: %w: %v", ErrCorrupt, err)
	}
	return store.Session{TokenHash: r.TokenHash, User: r.User, Device: r.Device, Created: r.Created, Expires: r.Expires,
		LastUsed: r.LastUsed}, nil
}

type deviceRec struct {
	ID        string    `json:"id"`
	User      string    `json:"user"`
	Name      string    `json:"name,omitempty"`
	App       string    `json:"app,omitempty"`
	Created   time.Time `json:"created"`
	LastSeen  time.Time `json:"last_seen"`
	Revoked   bool      `json:"revoked,omitempty"`
	RevokedAt time.Time `json:"revoked_at"`
	Restored  bool      `json:"restored,omitempty"`
}

func encodeDevice(d store.Device) ([]byte, error) {
	return json.Marshal(deviceRec{ID: d.ID, User: d.User, Name: d.Name, App: d.App, Created: d.Created.UTC(),
		LastSeen: d.LastSeen.UTC(), Revoked: d.Revoked, RevokedAt: d.RevokedAt.UTC(), Restored: d.Restored})
}

func decodeDevice(b []byte) (store.Device, error) {
	var r deviceRec
	if err := json.Unmarshal(b, &r); err != nil {
		return store.Device{}, fmt.Errorf("device: %w: %v", ErrCorrupt, err)
	}
	return store.Device{ID: r.ID, User: r.User, Name: r.Name, App: r.App, Created: r.Created,
		LastSeen: r.LastSeen, Revoked: r.Revoked, RevokedAt: r.RevokedAt, Restored: r.Restored}, nil
}

type auditRec struct {
	At     time.Time `json:"at"`
	User   string    `json:"user,omitempty"`
	Device string    `json:"device,omitempty"`
	Action string    `json:"action"`
	Target string    `json:"target,omitempty"`
	Detail string    `json:"detail,omitempty"`
}

func encodeAudit(a store.AuditEntry) ([]byte, error) {
	return json.Marshal(auditRec{At: a.At.UTC(), User: a.User, Device: a.Device, Action: a.Action,
		Target: a.Target, Detail: a.Detail})
}

func decodeAudit(seq uint64, b []byte) (store.AuditEntry, error) {
	var r auditRec
	if err := json.Unmarshal(b, &r); err != nil {
		return store.AuditEntry{}, fmt.Errorf("audit entry %d: %w: %v", seq, ErrCorrupt, err)
	}
	return store.AuditEntry{Seq: seq, At: r.At, User: r.User, Device: r.Device, Action: r.Action,
		Target: r.Target, Detail: r.Detail}, nil
}
