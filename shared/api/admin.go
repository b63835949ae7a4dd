package api

import "time"

// The administration API (/api/admin/…, and /api/me, /api/history). Every
// call carries "Authorization: Bearer <token>" (the session token of
// /api/login, as /sync and /api/blobs). Administrators manage the users of
// their org unit and every division below it; supervisors may read (not
// change) what concerns their team; workers get 403. Every change is
// audited. Errors are Error bodies with the usual HTTP statuses (400 bad
// input, 401 no or bad token, 403 not allowed, 404 not found or not in
// scope, 409 conflict such as a name already taken).

// Me is the body of GET /api/me: the token's user and device.
type Me struct {
	User   UserInfo `json:"user"`
	Device string   `json:"device"`
}

// AdminUser is a user as GET /api/admin/users lists them (those in the
// caller's scope, by name).
type AdminUser struct {
	UserInfo
	Disabled bool      `json:"disabled"`
	Locked   bool      `json:"locked"` // too many failed logins: unlock with UserUpdate.Unlock
	Created  time.Time `json:"created"`
	LastSeen time.Time `json:"last_seen"` // latest of their devices' (zero: never)
	Devices  int       `json:"devices"`   // devices not revoked
	Roots    int       `json:"roots"`     // cases, groups, activities… assigned to them
}

// NewUserRequest is the body of POST /api/admin/users (answer: AdminUser).
type NewUserRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
	Role     string `json:"role"`
	Team     string `json:"team"`
	Org      string `json:"org"`
}

// UserUpdate is the body of PATCH /api/admin/users/{id}: the fields set
// change (answer: AdminUser). Password resets the password (and ends the
// user's sessions); Unlock lifts a lockout after failed logins; Logout
// ends every session of the user on every device ("log out everywhere").
type UserUpdate struct {
	Role     *string `json:"role,omitempty"`
	Team     *string `json:"team,omitempty"`
	Org      *string `json:"org,omitempty"`
	Disabled *bool   `json:"disabled,omitempty"`
	Password *string `json:"password,omitempty"`
	Unlock   bool    `json:"unlock,omitempty"`
	Logout   bool    `json:"logout,omitempty"`
}

// AdminDevice is a device as GET /api/admin/devices[?user=ID] lists them.
// POST /api/admin/devices/{id}/revoke revokes one (the tablet wipes its
// data at its next contact).
type AdminDevice struct {
	ID        string    `json:"id"`
	User      string    `json:"user"` // user id
	UserName  string    `json:"user_name"`
	Name      string    `json:"name"`
	App       string    `json:"app"`
	Created   time.Time `json:"created"`
	LastSeen  time.Time `json:"last_seen"`
	Revoked   bool      `json:"revoked"`
	RevokedAt time.Time `json:"revoked_at"`
}

// AdminRoot is a root record (case, group, community activity…) as GET
// /api/admin/roots?user=ID lists those assigned to a user.
type AdminRoot struct {
	ID     string `json:"id"`
	Type   string `json:"type"`
	Title  string `json:"title"`  // the case's title, the group's name, the activity's aim…
	Worker string `json:"worker"` // user id it is assigned to
	// Deleted is set for a root in the bin (its _deleted field is true):
	// still assigned, and restorable.
	Deleted bool `json:"deleted,omitempty"`
}

// ReassignRequest is the body of POST /api/admin/reassign: the roots move
// to user To (answer: the AdminRoots as they are now). The new worker's
// tablets receive the whole root at their next sync; the old worker's drop
// it.
type ReassignRequest struct {
	Roots []string `json:"roots"`
	To    string   `json:"to"`
}

// AuditEntry is one audit record as GET /api/admin/audit lists them, newest
// first. Filters (query parameters, all optional): user (id), action,
// target (record, user or device id), from and to (YYYY-MM-DD, inclusive),
// before (a Seq: the next page), limit (default 100, at most 1000).
type AuditEntry struct {
	Seq      uint64    `json:"seq"`
	At       time.Time `json:"at"`
	User     string    `json:"user"`
	UserName string    `json:"user_name"`
	Device   string    `json:"device"`
	Action   string    `json:"action"`
	Target   string    `json:"target"`
	Detail   string    `json:"detail"`
}

// FieldChange is one change of a record's field as GET /api/history/{rec}
// lists them, oldest first: every value the field has had, who wrote it and
// when (corrections keep their history). Only for records in the caller's
// scope.
type FieldChange struct {
	Field  string    `json:"field"`
	Value  string    `json:"value"` // canonical JSON
	By     string    `json:"by"`    // user id
	ByName string    `json:"by_name"`
	At     time.Time `json:"at"` // the change's hybrid logical clock, as wall time
	Device string    `json:"device"`
}

// RetentionRoot is an archived file whose retention period has run out, as
// GET /api/admin/retention lists them (administrators: the files of the
// users they manage, oldest expiry first). POST /api/admin/retention/purge
// (PurgeRequest → PurgeResult) purges one.
type RetentionRoot struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	Worker     string `json:"worker"` // user id it is assigned to
	WorkerName string `json:"worker_name"`
	Class      string `json:"class"`    // retention class (model.RetentionClass): long, short…
	Years      int    `json:"years"`    // the class's period
	End        string `json:"end"`      // YYYY-MM-DD the period counts from (a case's closing date)
	Expires    string `json:"expires"`  // YYYY-MM-DD, the first day it may be purged
	Archived   string `json:"archived"` // YYYY-MM-DD
	Records    int    `json:"records"`  // records in the file, the root included
}

// PurgeRequest is the body of POST /api/admin/retention/purge. Confirm is
// what the administrator typed to confirm: the file's title exactly (its
// id when it has no title).
type PurgeRequest struct {
	Root    string `json:"root"`
	Confirm string `json:"confirm"`
}

// PurgeResult is the answer to a purge: the file's records were blanked and
// deleted, it left every device's scope, and the audit trail says so.
type PurgeResult struct {
	Root    string `json:"root"`
	Records int    `json:"records"`
}
