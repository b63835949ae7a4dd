package store

import "time"

// Role is what a user may do and see.
type Role string

// The roles (see ../shared/DESIGN.md "Security model").
const (
	RoleWorker     Role = "worker"     // 社工: the roots assigned to them
	RoleSupervisor Role = "supervisor" // 督导: their team's roots
	RoleAdmin      Role = "admin"      // 管理员: their org unit's subtree
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	return r == RoleWorker || r == RoleSupervisor || r == RoleAdmin
}

// User is an account.
type User struct {
	ID           string // stable id (ULID)
	Name         string // login name, unique
	Role         Role
	Team         string // team name; supervisors see their team
	Org          string // org unit: administrative division code, e.g. "620102"
	PasswordHash string // argon2id, in the PHC string format
	Disabled     bool
	Created      time.Time
	// LockedUntil is when a lockout after too many failed logins ends
	// (zero: never locked). An administrator's unlock sets it back to zero.
	LockedUntil time.Time
}

// Locked reports whether u is locked out of logging in at now.
func (u User) Locked(now time.Time) bool { return now.Before(u.LockedUntil) }

// Session is a login: a random token given to the device, stored hashed.
// It ends at Expires, or earlier when it goes unused too long after
// LastUsed; the server moves Expires later while the device keeps using it.
type Session struct {
	TokenHash []byte // SHA-256 of the token
	User      string
	Device    string
	Created   time.Time
	Expires   time.Time
	LastUsed  time.Time // when a device last presented the token (zero: not since Created)
}

// Device is a tablet (or a native client) registered to a user.
type Device struct {
	ID        string
	User      string
	Name      string // what the user calls it, from the login form
	App       string // app version last seen
	Created   time.Time
	LastSeen  time.Time
	Revoked   bool
	RevokedAt time.Time
	// Restored: the device last synced before the log was restored from
	// a backup, so the ops it had acknowledged after the backup are gone:
	// its next push may skip ahead of its counter (once).
	Restored bool
}

// AuditEntry is one append-only audit record.
type AuditEntry struct {
	Seq    uint64
	At     time.Time
	User   string // who (user id), "" for the system
	Device string
	Action string // e.g. "login", "login_failed", "push", "device_revoke"
	Target string // what it was done to (record id, user id, device id)
	Detail string
}

// Partial is an upload of a blob in progress: the bytes a user has sent so
// far of the blob whose SHA-256 is SHA.
type Partial struct {
	User    string
	SHA     string    // lowercase hex, as the uploader named it
	Size    int64     // bytes received
	Updated time.Time // when the last chunk arrived (UTC)
}
