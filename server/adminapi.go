package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"jiuzhu/server/store"
	"jiuzhu/shared/api"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// The administration API (wire types in shared/api/admin.go):
//
//	GET   /api/me                        → api.Me                (anyone logged in)
//	GET   /api/admin/users               → []api.AdminUser       (admin, supervisor)
//	POST  /api/admin/users               api.NewUserRequest → api.AdminUser (admin)
//	PATCH /api/admin/users/{id}          api.UserUpdate → api.AdminUser     (admin)
//	GET   /api/admin/devices[?user=ID]   → []api.AdminDevice     (admin, supervisor)
//	POST  /api/admin/devices/{id}/revoke → api.AdminDevice       (admin)
//	GET   /api/admin/roots?user=ID       → []api.AdminRoot       (admin, supervisor)
//	POST  /api/admin/reassign            api.ReassignRequest → []api.AdminRoot (admin, supervisor)
//	GET   /api/admin/audit?…             → []api.AuditEntry      (admin)
//	GET   /api/history/{rec}             → []api.FieldChange     (anyone who sees the record)
//
// Scope follows scope.go's canSee, the rule that decides what devices
// receive: an administrator manages the users whose org unit is theirs or
// below it (division-code prefix); a supervisor reads (never changes) their
// team's users, devices and roots, and may reassign roots within their
// team, as they may on a tablet; a worker gets 403. A user, device or root
// out of the caller's scope is answered 404, as if it did not exist.
//
// The audit trail is read only: no route changes or removes an entry
// (store.Tx has no way to). An administrator reads the entries written by
// the users they manage, and the system's own entries (no user: the CLI,
// failed logins) about a user or device they manage, or about nothing
// known (a failed login under a name nobody has). Entries by a user are
// scoped by where the user is now.

// Limits of the administration API's input.
const (
	maxReassign   = 1000 // roots in one reassignment
	maxTeamLen    = 64   // characters of a team name
	maxAuditLimit = 1000 // entries in one audit page
	defAuditLimit = 100
	maxQueryID    = 128 // bytes of an id in a query or path
)

// refusal is an answer other than success decided inside a transaction
// (returning it also rolls the transaction back).
type refusal struct {
	status       int
	code, zh, en string
}

func (e *refusal) Error() string { return e.en }

func refuse(status int, code, zh, en string) *refusal { return &refusal{status, code, zh, en} }

// Refusals shared by several routes.
var (
	errNoUser     = refuse(http.StatusNotFound, "no_user", "没有这个用户，或不在您的管理范围内。", "No such user, or not one you manage.")
	errNoDevice   = refuse(http.StatusNotFound, "no_device", "没有这台设备，或不在您的管理范围内。", "No such device, or not one you manage.")
	errAdminsOnly = refuse(http.StatusForbidden, "forbidden", "只有管理员可以这样做。", "Only an administrator may do this.")
	errStaffOnly  = refuse(http.StatusForbidden, "forbidden", "只有督导或管理员可以这样做。", "Only a supervisor or an administrator may do this.")
)

// answerErr writes err: a refusal as itself, anything else as a 500.
func (s *Server) answerErr(w http.ResponseWriter, what string, err error) {
	var r *refusal
	if errors.As(err, &r) {
		writeAPIError(w, r.status, r.code, r.zh, r.en)
		return
	}
	s.internalError(w, what, err)
}

// caller authenticates an administration request and checks the caller's
// role: admin always, supervisor when supervisors may, worker never.
func (s *Server) caller(w http.ResponseWriter, r *http.Request, supervisors bool) (bearer, bool) {
	b, ok := s.authBearer(w, r)
	if !ok {
		return bearer{}, false
	}
	switch {
	case b.user.Role == store.RoleAdmin, b.user.Role == store.RoleSupervisor && supervisors:
		return b, true
	case supervisors:
		s.answerErr(w, "", errStaffOnly)
	default:
		s.answerErr(w, "", errAdminsOnly)
	}
	return bearer{}, false
}

// me answers GET /api/me.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	b, ok := s.authBearer(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, api.Me{User: userInfo(b.user), Device: b.device})
}

// ---- users ----

// adminUser is how the API shows u; devs are u's devices.
func (s *Server) adminUser(tx store.ReadTx, u store.User, devs []store.Device) (api.AdminUser, error) {
	au := api.AdminUser{UserInfo: userInfo(u), Disabled: u.Disabled, Created: u.Created, Locked: s.IsLocked(u)}
	for _, d := range devs {
		if d.LastSeen.After(au.LastSeen) {
			au.LastSeen = d.LastSeen
		}
		if !d.Revoked {
			au.Devices++
		}
	}
	roots, err := tx.Assigned(u.ID)
	au.Roots = len(roots)
	return au, err
}

// adminUserByID reads one user as the API shows them.
func (s *Server) adminUserByID(tx store.ReadTx, id string) (api.AdminUser, error) {
	u, ok, err := tx.User(id)
	if err != nil || !ok {
		return api.AdminUser{}, orErr(err, errNoUser)
	}
	devs, err := tx.Devices(id)
	if err != nil {
		return api.AdminUser{}, err
	}
	return s.adminUser(tx, u, devs)
}

// orErr returns err when it is set, else otherwise.
func orErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// listUsers answers GET /api/admin/users: the users in the caller's scope,
// by name.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caller(w, r, true)
	if !ok {
		return
	}
	out := []api.AdminUser{}
	err := s.store.View(r.Context(), func(tx store.ReadTx) error {
		users, err := tx.Users()
		if err != nil {
			return err
		}
		all, err := tx.Devices("")
		if err != nil {
			return err
		}
		devs := map[string][]store.Device{}
		for _, d := range all {
			devs[d.User] = append(devs[d.User], d)
		}
		for _, u := range visibleOwners(c.user, users) {
			au, err := s.adminUser(tx, u, devs[u.ID])
			if err != nil {
				return err
			}
			out = append(out, au)
		}
		return nil
	})
	if err != nil {
		s.internalError(w, "admin users", err)
		return
	}
	slices.SortFunc(out, func(a, b api.AdminUser) int { return strings.Compare(a.Name, b.Name) })
	writeJSON(w, http.StatusOK, out)
}

// checkAccount checks what an account would be, in both languages, by the
// rules of NewUser.Validate (name, role, org code, a supervisor's team),
// and that its org unit is within the administrator's.
func checkAccount(admin store.User, name string, role store.Role, team, org string) *refusal {
	switch {
	case !loginName.MatchString(name):
		return refuse(http.StatusBadRequest, "bad_name", "用户名应为 2–64 个字母、数字或 . _ @ -。",
			"The name must be 2–64 letters, digits or . _ @ -.")
	case !role.Valid():
		return refuse(http.StatusBadRequest, "bad_role", "角色应为 worker（社工）、supervisor（督导）或 admin（管理员）。",
			"The role must be worker, supervisor or admin.")
	case !orgCode.MatchString(org):
		return refuse(http.StatusBadRequest, "bad_org", "机构应为行政区划代码，如 62、6201、620102 或 620102001。",
			"The org unit must be an administrative division code such as 62, 6201, 620102 or 620102001.")
	case !strings.HasPrefix(org, admin.Org):
		return refuse(http.StatusForbidden, "org_out_of_scope",
			fmt.Sprintf("只能把用户放在您的机构（%s）或其下级区划中。", admin.Org),
			fmt.Sprintf("Users can only be placed in your org unit (%s) or below it.", admin.Org))
	case utf8.RuneCountInString(team) > maxTeamLen:
		return refuse(http.StatusBadRequest, "bad_team", fmt.Sprintf("团队名称最多 %d 个字。", maxTeamLen),
			fmt.Sprintf("A team name has at most %d characters.", maxTeamLen))
	case role == store.RoleSupervisor && team == "":
		return refuse(http.StatusBadRequest, "team_required", "督导必须属于一个团队。", "A supervisor needs a team.")
	}
	return nil
}

// checkPassword checks a new password's length.
func checkPassword(pw string) *refusal {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLen || len(pw) > maxPassLen {
		return refuse(http.StatusBadRequest, "bad_password",
			fmt.Sprintf("密码至少 %d 个字符，最多 %d 字节。", MinPasswordLen, maxPassLen),
			fmt.Sprintf("A password has at least %d characters and at most %d bytes.", MinPasswordLen, maxPassLen))
	}
	return nil
}

// addUserAPI answers POST /api/admin/users.
func (s *Server) addUserAPI(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caller(w, r, false)
	if !ok {
		return
	}
	var req api.NewUserRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	req.Name, req.Team = strings.TrimSpace(req.Name), strings.TrimSpace(req.Team)
	role := store.Role(req.Role)
	if bad := checkAccount(c.user, req.Name, role, req.Team, req.Org); bad != nil {
		s.answerErr(w, "", bad)
		return
	}
	if bad := checkPassword(req.Password); bad != nil {
		s.answerErr(w, "", bad)
		return
	}
	hash, err := HashPassword(req.Password)
	if err != nil {
		s.internalError(w, "hash password", err)
		return
	}
	now := s.now()
	u := store.User{ID: newID(), Name: req.Name, Role: role, Team: req.Team, Org: req.Org, PasswordHash: hash, Created: now}
	var out api.AdminUser
	err = s.store.Update(r.Context(), func(tx store.Tx) error {
		if _, taken, err := tx.UserByName(u.Name); err != nil || taken {
			return orErr(err, refuse(http.StatusConflict, "name_taken", "这个用户名已被使用。", "That name is taken."))
		}
		if err := tx.PutUser(u); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(store.AuditEntry{At: now, User: c.user.ID, Device: c.device, Action: "user_add",
			Target: u.ID, Detail: fmt.Sprintf("name=%s role=%s team=%s org=%s", u.Name, u.Role, u.Team, u.Org)}); err != nil {
			return err
		}
		out, err = s.adminUser(tx, u, nil)
		return err
	})
	if err != nil {
		s.answerErr(w, "add user", err)
		return
	}
	s.usersChanged()
	writeJSON(w, http.StatusCreated, out)
}

// updateUserAPI answers PATCH /api/admin/users/{id}: role, team, org and
// disabled change in one transaction with their audit entry; then the
// password is reset (SetPassword), the lockout lifted (UnlockUser) and the
// sessions ended (LogoutEverywhere), each audited on its own.
func (s *Server) updateUserAPI(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caller(w, r, false)
	if !ok {
		return
	}
	id := r.PathValue("id")
	var req api.UserUpdate
	if !decodeJSON(w, r, &req) {
		return
	}
	if req.Role == nil && req.Team == nil && req.Org == nil && req.Disabled == nil && req.Password == nil && !req.Unlock && !req.Logout {
		writeAPIError(w, http.StatusBadRequest, "nothing_to_change", "请求中没有要修改的内容。", "The request changes nothing.")
		return
	}
	if req.Password != nil {
		if bad := checkPassword(*req.Password); bad != nil {
			s.answerErr(w, "", bad)
			return
		}
	}
	var before, after store.User
	err := s.store.Update(r.Context(), func(tx store.Tx) error {
		u, ok, err := tx.User(id)
		if err != nil || !ok || !canSee(c.user, u) {
			return orErr(err, errNoUser)
		}
		before, after = u, u
		if req.Role != nil {
			after.Role = store.Role(*req.Role)
		}
		if req.Team != nil {
			after.Team = strings.TrimSpace(*req.Team)
		}
		if req.Org != nil {
			after.Org = *req.Org
		}
		if req.Disabled != nil {
			after.Disabled = *req.Disabled
		}
		if u.ID == c.user.ID && after.Role != store.RoleAdmin {
			return refuse(http.StatusBadRequest, "own_role", "您不能取消自己的管理员角色，请让另一位管理员操作。",
				"You cannot remove your own administrator role; ask another administrator.")
		}
		if u.ID == c.user.ID && after.Disabled {
			return refuse(http.StatusBadRequest, "own_account", "您不能停用自己的账号。", "You cannot disable your own account.")
		}
		if after == before {
			return nil
		}
		if bad := checkAccount(c.user, after.Name, after.Role, after.Team, after.Org); bad != nil {
			return bad
		}
		if err := tx.PutUser(after); err != nil {
			return err
		}
		_, err = tx.AppendAudit(store.AuditEntry{At: s.now(), User: c.user.ID, Device: c.device, Action: "user_update",
			Target: u.ID, Detail: userChanges(before, after)})
		return err
	})
	if err != nil {
		s.answerErr(w, "update user", err)
		return
	}
	if after != before {
		s.accountChanged(before, after)
	}
	// These audit themselves, naming the administrator (withActor), and
	// close the user's connections when they end sessions.
	ctx := withActor(r.Context(), c.user.ID, c.device)
	if req.Password != nil {
		if err := s.SetPassword(ctx, id, *req.Password); err != nil {
			s.answerErr(w, "reset password", err)
			return
		}
	}
	if req.Unlock {
		if err := s.UnlockUser(ctx, id); err != nil {
			s.answerErr(w, "unlock user", err)
			return
		}
	}
	if req.Logout {
		if err := s.LogoutEverywhere(ctx, id); err != nil {
			s.answerErr(w, "log out everywhere", err)
			return
		}
	}
	var out api.AdminUser
	err = s.store.View(ctx, func(tx store.ReadTx) (err error) {
		out, err = s.adminUserByID(tx, id)
		return err
	})
	if err != nil {
		s.answerErr(w, "read user", err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// userChanges describes what changed in an account, for the audit (never
// the password).
func userChanges(a, b store.User) string {
	var out []string
	add := func(name, x, y string) {
		if x != y {
			out = append(out, fmt.Sprintf("%s: %q → %q", name, x, y))
		}
	}
	add("role", string(a.Role), string(b.Role))
	add("team", a.Team, b.Team)
	add("org", a.Org, b.Org)
	add("disabled", strconv.FormatBool(a.Disabled), strconv.FormatBool(b.Disabled))
	return strings.Join(out, "; ")
}

// accountChanged makes a change of role, team, org or disabled take
// effect at once: the user cache is dropped (every connection recomputes
// its scope at its next pull), the user's own connections are closed (they
// were authenticated as the account was; a disabled user is told to log
// in again, anyone else reconnects as they are now), and the connections
// of those who saw the user before or see them now are poked, to receive
// or drop the user's roots.
func (s *Server) accountChanged(before, after store.User) {
	s.usersChanged()
	s.endConns(after.ID, after.Disabled)
	s.pokeViewers(before, after)
}

// userConns returns the connections of a user's devices.
func (h *hub) userConns(user string) []*syncConn {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []*syncConn
	for c := range h.conns {
		if c.dev.user.ID == user {
			out = append(out, c)
		}
	}
	return out
}

// endConns closes the sync connections of a user's devices: when the
// account is disabled, telling them to log in again (where they hear it is
// disabled), else asking them to reconnect.
func (s *Server) endConns(user string, disabled bool) {
	for _, c := range s.hub.userConns(user) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if disabled {
			c.send(ctx, &sync.ErrorMsg{Code: errCodeUnauthorized, Message: "该账号已停用，请联系管理员。This account is disabled; ask an administrator."})
			c.conn.Close(CloseUnauthorized, "account disabled")
		} else {
			c.conn.Close(websocket.StatusServiceRestart, "account changed: sync again")
		}
		cancel()
	}
}

// pokeViewers pokes the connections whose user sees any of users.
func (s *Server) pokeViewers(users ...store.User) {
	s.hub.mu.Lock()
	var targets []*syncConn
	for c := range s.hub.conns {
		for _, u := range users {
			if canSee(c.dev.user, u) {
				targets = append(targets, c)
				break
			}
		}
	}
	s.hub.mu.Unlock()
	for _, c := range targets {
		c.poke()
	}
}

// ---- devices ----

func adminDevice(d store.Device, owner store.User) api.AdminDevice {
	return api.AdminDevice{ID: d.ID, User: d.User, UserName: owner.Name, Name: d.Name, App: d.App,
		Created: d.Created, LastSeen: d.LastSeen, Revoked: d.Revoked, RevokedAt: d.RevokedAt}
}

// listDevices answers GET /api/admin/devices[?user=ID]: the devices of the
// users in the caller's scope (of one of them), newest first.
func (s *Server) listDevices(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caller(w, r, true)
	if !ok {
		return
	}
	only := r.URL.Query().Get("user")
	out := []api.AdminDevice{}
	err := s.store.View(r.Context(), func(tx store.ReadTx) error {
		users, err := s.userMap(tx)
		if err != nil {
			return err
		}
		if u, ok := users[only]; only != "" && (!ok || !canSee(c.user, u)) {
			return errNoUser
		}
		devs, err := tx.Devices(only)
		if err != nil {
			return err
		}
		for _, d := range devs {
			if u, ok := users[d.User]; ok && canSee(c.user, u) {
				out = append(out, adminDevice(d, u))
			}
		}
		return nil
	})
	if err != nil {
		s.answerErr(w, "admin devices", err)
		return
	}
	slices.SortFunc(out, func(a, b api.AdminDevice) int { return b.Created.Compare(a.Created) })
	writeJSON(w, http.StatusOK, out)
}

// revokeDeviceAPI answers POST /api/admin/devices/{id}/revoke. It does
// what revokeDevice does (which audits no actor, for the CLI), in one
// transaction with the scope check and the audit entry naming the
// administrator, then closes the device's connections, which wipe it.
func (s *Server) revokeDeviceAPI(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caller(w, r, false)
	if !ok {
		return
	}
	id := r.PathValue("id")
	var out api.AdminDevice
	err := s.store.Update(r.Context(), func(tx store.Tx) error {
		d, ok, err := tx.Device(id)
		if err != nil || !ok {
			return orErr(err, errNoDevice)
		}
		u, ok, err := tx.User(d.User)
		if err != nil || !ok || !canSee(c.user, u) {
			return orErr(err, errNoDevice)
		}
		if !d.Revoked {
			d.Revoked, d.RevokedAt = true, s.now()
			if err := tx.PutDevice(d); err != nil {
				return err
			}
			if _, err := tx.AppendAudit(store.AuditEntry{At: d.RevokedAt, User: c.user.ID, Device: c.device,
				Action: "device_revoke", Target: d.ID, Detail: "user " + u.ID}); err != nil {
				return err
			}
		}
		out = adminDevice(d, u)
		return nil
	})
	if err != nil {
		s.answerErr(w, "revoke device", err)
		return
	}
	s.hub.revoke(id)
	writeJSON(w, http.StatusOK, out)
}

// ---- roots and reassignment ----

// titleFields are the fields that name a root, by type: the first one the
// type has is its title.
var titleFields = []string{"title", "name", "aim", "topic", "date"}

// adminRoot is how the API shows a root.
func (s *Server) adminRoot(st sync.StateReader, root sync.RecID) (api.AdminRoot, error) {
	ar := api.AdminRoot{ID: string(root), Type: root.Type()}
	owner, err := ownerOf(st, s.reg, root)
	if err != nil {
		return ar, err
	}
	ar.Worker = owner
	if t, ok := s.reg.Type(root.Type()); ok {
		for _, name := range titleFields {
			if _, ok := t.Field(name); !ok {
				continue
			}
			f, ok, err := st.Field(root, name)
			if err != nil {
				return ar, err
			}
			if ok {
				ar.Title, _ = sync.UnquoteJSON(f.Value)
			}
			break
		}
	}
	del, ok, err := st.Field(root, sync.FieldDeleted)
	ar.Deleted = ok && del.Value == sync.ValueTrue
	return ar, err
}

// listRoots answers GET /api/admin/roots?user=ID: the roots assigned to a
// user in the caller's scope.
func (s *Server) listRoots(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caller(w, r, true)
	if !ok {
		return
	}
	id := r.URL.Query().Get("user")
	if id == "" {
		writeAPIError(w, http.StatusBadRequest, "user_required", "请指定用户（user=用户编号）。", "Name a user (user=ID).")
		return
	}
	out := []api.AdminRoot{}
	err := s.store.View(r.Context(), func(tx store.ReadTx) error {
		u, ok, err := tx.User(id)
		if err != nil || !ok || !canSee(c.user, u) {
			return orErr(err, errNoUser)
		}
		roots, err := tx.Assigned(id)
		if err != nil {
			return err
		}
		for _, root := range roots {
			ar, err := s.adminRoot(tx, root)
			if err != nil {
				return err
			}
			out = append(out, ar)
		}
		return nil
	})
	if err != nil {
		s.answerErr(w, "admin roots", err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// reassign answers POST /api/admin/reassign. Each root's owner field (its
// type's Owner: a case's, group's or activity's worker) is set to the
// target user by a server-authored edit (sync.Log.ServerEdits: it wins
// over the field's current write and merges with the tablets' edits by the
// usual order), and the owner index follows (index, as for a push). Scope
// changes at once: connections recompute it at their next pull, where the
// old owner's devices are sent the root as a drop and the new owner's its
// whole state, and the devices of everyone who saw the root before or
// sees it now are poked.
//
// An administrator reassigns the roots of the users they manage, to any
// enabled user they manage; a supervisor, within their team (as the sync
// authorizer lets them on a tablet). A staff profile describes its own
// account and is never reassigned; roots without an owner field
// (supervision, training, volunteer records: their creator's) cannot be.
// The request is all or nothing; a root already the target's is left.
func (s *Server) reassign(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caller(w, r, true)
	if !ok {
		return
	}
	var req api.ReassignRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	roots := make([]sync.RecID, 0, len(req.Roots))
	for _, v := range req.Roots {
		id := sync.RecID(v)
		if !id.Valid() {
			writeAPIError(w, http.StatusBadRequest, "bad_root", fmt.Sprintf("%q 不是记录编号。", v), fmt.Sprintf("%q is not a record id.", v))
			return
		}
		roots = append(roots, id)
	}
	slices.Sort(roots)
	roots = slices.Compact(roots)
	switch {
	case len(roots) == 0:
		writeAPIError(w, http.StatusBadRequest, "no_roots", "请选择要转交的记录。", "Choose the records to reassign.")
		return
	case len(roots) > maxReassign:
		writeAPIError(w, http.StatusBadRequest, "too_many", fmt.Sprintf("一次最多转交 %d 条记录。", maxReassign),
			fmt.Sprintf("At most %d records at a time.", maxReassign))
		return
	}
	var (
		out     []api.AdminRoot
		users   map[string]store.User
		touched = map[sync.RecID][]string{}
		moved   int
	)
	err := s.store.Update(r.Context(), func(tx store.Tx) error {
		var err error
		if users, err = s.userMap(tx); err != nil {
			return err
		}
		to, ok := users[req.To]
		if !ok || !canSee(c.user, to) {
			return errNoUser
		}
		if to.Disabled {
			return refuse(http.StatusBadRequest, "user_disabled", "该用户已停用，不能接收记录。", "That user is disabled and cannot receive records.")
		}
		var edits []sync.Edit
		var from []string
		for _, root := range roots {
			edit, owner, err := s.reassignEdit(tx, c.user, users, root, to)
			if err != nil {
				return err
			}
			if edit != nil {
				edits, from = append(edits, *edit), append(from, owner)
			}
		}
		if len(edits) > 0 {
			entries, err := s.syncLog.ServerEdits(tx, s.now(), edits)
			if err != nil {
				return err
			}
			if _, err := s.index(tx, entries, touched); err != nil {
				return err
			}
		}
		for i, e := range edits {
			if _, err := tx.AppendAudit(store.AuditEntry{At: s.now(), User: c.user.ID, Device: c.device, Action: "reassign",
				Target: string(e.Rec), Detail: fmt.Sprintf("from %s (%s) to %s (%s)", from[i], users[from[i]].Name, to.ID, to.Name)}); err != nil {
				return err
			}
		}
		moved = len(edits)
		for _, root := range roots {
			ar, err := s.adminRoot(tx, root)
			if err != nil {
				return err
			}
			out = append(out, ar)
		}
		return nil
	})
	if err != nil {
		s.answerErr(w, "reassign", err)
		return
	}
	if moved > 0 {
		// As the committer does: scope is known to have changed before
		// anyone is poked.
		s.scopeGen.Add(1)
		s.hub.poke(nil, touched, users)
	}
	writeJSON(w, http.StatusOK, out)
}

// reassignEdit checks that caller may move root to user to, and returns
// the edit that does it (nil when root is to's already) with root's owner.
// A root the caller may not move is a *refusal.
func (s *Server) reassignEdit(tx store.ReadTx, caller store.User, users map[string]store.User, root sync.RecID, to store.User) (*sync.Edit, string, error) {
	notFound := refuse(http.StatusNotFound, "no_root", fmt.Sprintf("没有记录 %s，或不在您的管理范围内。", root),
		fmt.Sprintf("No record %s, or not one you manage.", root))
	t, ok := s.reg.Type(root.Type())
	if !ok || !t.Root {
		return nil, "", refuse(http.StatusBadRequest, "not_root", fmt.Sprintf("%s 不是个案、小组或活动等根记录。", root),
			fmt.Sprintf("%s is not a root record (case, group, activity…).", root))
	}
	if t.Owner == "" || t.Name == model.TypeStaff {
		return nil, "", refuse(http.StatusBadRequest, "not_reassignable", fmt.Sprintf("%s类记录不能转交。", t.Label.Zh),
			fmt.Sprintf("%s records cannot be reassigned.", t.Label.En))
	}
	if _, exists, err := tx.Field(root, sync.FieldRoot); err != nil || !exists {
		return nil, "", orErr(err, notFound)
	}
	owner, err := ownerOf(tx, s.reg, root)
	if err != nil {
		return nil, "", err
	}
	if o, ok := users[owner]; !ok || !canSee(caller, o) {
		return nil, "", notFound
	}
	if owner == to.ID {
		return nil, owner, nil
	}
	return &sync.Edit{Rec: root, Field: t.Owner, Value: model.Str(to.ID)}, owner, nil
}

// ---- audit ----

// auditFilter is what GET /api/admin/audit asks for.
type auditFilter struct {
	user, action, target string
	from, to             time.Time // to is exclusive (the day after the given one)
	before               uint64
	limit                int
}

// parseAuditFilter reads the query; dates are days in the server's time
// zone.
func parseAuditFilter(r *http.Request) (auditFilter, *refusal) {
	q := r.URL.Query()
	f := auditFilter{user: q.Get("user"), action: q.Get("action"), target: q.Get("target"), limit: defAuditLimit}
	day := func(name string) (time.Time, *refusal) {
		v := q.Get(name)
		if v == "" {
			return time.Time{}, nil
		}
		t, err := time.ParseInLocation(time.DateOnly, v, time.Local)
		if err != nil {
			return t, refuse(http.StatusBadRequest, "bad_date", fmt.Sprintf("%s 应为日期 YYYY-MM-DD。", name),
				fmt.Sprintf("%s must be a date, YYYY-MM-DD.", name))
		}
		return t, nil
	}
	var bad *refusal
	if f.from, bad = day("from"); bad != nil {
		return f, bad
	}
	if f.to, bad = day("to"); bad != nil {
		return f, bad
	}
	if !f.to.IsZero() {
		f.to = f.to.AddDate(0, 0, 1)
	}
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n == 0 {
			return f, refuse(http.StatusBadRequest, "bad_before", "before 应为正整数（上一页最后一条的 seq）。",
				"before must be a positive integer (the seq of the previous page's last entry).")
		}
		f.before = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxAuditLimit {
			return f, refuse(http.StatusBadRequest, "bad_limit", fmt.Sprintf("limit 应为 1 到 %d 之间的整数。", maxAuditLimit),
				fmt.Sprintf("limit must be an integer from 1 to %d.", maxAuditLimit))
		}
		f.limit = n
	}
	if len(f.user) > maxQueryID || len(f.target) > maxQueryID || len(f.action) > maxQueryID {
		return f, refuse(http.StatusBadRequest, "bad_query", "查询条件过长。", "A filter is too long.")
	}
	return f, nil
}

// match reports whether a passes the filter's own conditions (not scope).
func (f *auditFilter) match(a store.AuditEntry) bool {
	return (f.user == "" || a.User == f.user) && (f.action == "" || a.Action == f.action) &&
		(f.target == "" || a.Target == f.target) && (f.from.IsZero() || !a.At.Before(f.from)) &&
		(f.to.IsZero() || a.At.Before(f.to))
}

// auditScope decides which audit entries an administrator may read (see
// the top of this file).
type auditScope struct {
	admin   store.User
	users   map[string]store.User
	byName  map[string]store.User
	devices map[string]string // device → user
}

func (sc *auditScope) sees(a store.AuditEntry) bool {
	if a.User != "" {
		u, ok := sc.users[a.User]
		return ok && canSee(sc.admin, u)
	}
	if u, ok := sc.users[a.Target]; ok {
		return canSee(sc.admin, u)
	}
	if u, ok := sc.byName[a.Target]; ok { // a failed login names the account
		return canSee(sc.admin, u)
	}
	if owner, ok := sc.devices[orElse(a.Target, a.Device)]; ok {
		return canSee(sc.admin, sc.users[owner])
	}
	return true // about nothing known: the system's own
}

// orElse returns a when it is set, else b.
func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// auditSlack is how far audit times may run against sequence order (a
// time is taken before its entry's transaction waits for the write lock):
// a backward scan stops this far before the from date.
const auditSlack = time.Hour

// listAudit answers GET /api/admin/audit: the entries the administrator may
// read that pass the filters, newest first, limit at most, with sequence
// below before. It reads the trail backwards in growing windows, so the
// first page costs little however long the trail.
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caller(w, r, false)
	if !ok {
		return
	}
	f, bad := parseAuditFilter(r)
	if bad != nil {
		s.answerErr(w, "", bad)
		return
	}
	out := []api.AuditEntry{}
	err := s.store.View(r.Context(), func(tx store.ReadTx) error {
		sc := auditScope{admin: c.user, users: map[string]store.User{}, byName: map[string]store.User{}, devices: map[string]string{}}
		users, err := tx.Users()
		if err != nil {
			return err
		}
		for _, u := range users {
			sc.users[u.ID], sc.byName[u.Name] = u, u
		}
		devs, err := tx.Devices("")
		if err != nil {
			return err
		}
		for _, d := range devs {
			sc.devices[d.ID] = d.User
		}
		return auditBackward(tx, f.before, func(a store.AuditEntry) bool {
			if !f.from.IsZero() && a.At.Before(f.from.Add(-auditSlack)) {
				return false
			}
			if f.match(a) && sc.sees(a) {
				out = append(out, api.AuditEntry{Seq: a.Seq, At: a.At, User: a.User, UserName: sc.users[a.User].Name,
					Device: a.Device, Action: a.Action, Target: a.Target, Detail: a.Detail})
			}
			return len(out) < f.limit
		})
	})
	if err != nil {
		s.internalError(w, "audit", err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// auditBackward calls fn with the audit entries whose sequence is below
// before (0: every entry), newest first, until fn returns false.
func auditBackward(tx store.ReadTx, before uint64, fn func(store.AuditEntry) bool) error {
	if before == 0 {
		last, err := lastAuditSeq(tx)
		if err != nil {
			return err
		}
		before = last + 1
	}
	hi, window := before, uint64(256) // entries below hi are still to read
	for hi > 1 {
		lo := hi - min(window, hi-1) // read [lo, hi)
		var chunk []store.AuditEntry
		err := tx.Audit(lo-1, func(a store.AuditEntry) (bool, error) {
			if a.Seq >= hi {
				return false, nil
			}
			chunk = append(chunk, a)
			return true, nil
		})
		if err != nil {
			return err
		}
		for i := len(chunk) - 1; i >= 0; i-- {
			if !fn(chunk[i]) {
				return nil
			}
		}
		hi, window = lo, min(2*window, 1<<14)
	}
	return nil
}

// lastAuditSeq finds the greatest audit sequence (0 when there is none) by
// asking whether an entry follows a sequence: doubling, then bisecting.
func lastAuditSeq(tx store.ReadTx) (uint64, error) {
	after := func(seq uint64) (bool, error) {
		found := false
		err := tx.Audit(seq, func(store.AuditEntry) (bool, error) { found = true; return false, nil })
		return found, err
	}
	hi := uint64(1024)
	for {
		more, err := after(hi)
		if err != nil {
			return 0, err
		}
		if !more {
			break
		}
		hi *= 2
	}
	lo := uint64(0) // the answer is the least seq in [lo, hi] with nothing after it
	for lo < hi {
		mid := lo + (hi-lo)/2
		more, err := after(mid)
		if err != nil {
			return 0, err
		}
		if more {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// ---- field history ----

// history answers GET /api/history/{rec}: every write of the record's
// fields committed to the log, in the order the merge ranks them (so each
// field's last change is its current value), to a user who sees the
// record's root; anyone else is told 404. Fields whose writes were
// compacted out of the log appear with their current value. It reads the
// whole log (there is no index of entries by record), and is audited as a
// view of the record.
func (s *Server) history(w http.ResponseWriter, r *http.Request) {
	b, ok := s.authBearer(w, r)
	if !ok {
		return
	}
	rec := sync.RecID(r.PathValue("rec"))
	notFound := refuse(http.StatusNotFound, "not_found", "没有这条记录，或您无权查看。", "No such record, or you may not see it.")
	if !rec.Valid() {
		s.answerErr(w, "", notFound)
		return
	}
	var out []api.FieldChange
	err := s.store.View(r.Context(), func(tx store.ReadTx) error {
		root, err := rootOf(tx, rec)
		if err != nil || root == "" {
			return orErr(err, notFound)
		}
		owner, err := ownerOf(tx, s.reg, root)
		if err != nil {
			return err
		}
		users, err := s.userMap(tx)
		if err != nil {
			return err
		}
		if o, ok := users[owner]; !ok || !canSee(b.user, o) {
			return notFound
		}
		var entries []sync.Entry
		logged := map[uint64]bool{}
		err = tx.Log(0, func(e sync.Entry) (bool, error) {
			if e.Rec == rec {
				entries = append(entries, e)
				logged[e.Seq] = true
			}
			return true, nil
		})
		if err != nil {
			return err
		}
		fields, err := tx.Fields(rec)
		if err != nil {
			return err
		}
		for name, f := range fields {
			if !logged[f.Seq] {
				entries = append(entries, sync.Entry{Seq: f.Seq, Change: sync.Change{Op: f.Op, Rec: rec, Field: name, Value: f.Value, HLC: f.HLC, By: f.By}})
			}
		}
		slices.SortFunc(entries, func(x, y sync.Entry) int { return sync.Compare(x.HLC, x.Op, y.HLC, y.Op) })
		out = make([]api.FieldChange, 0, len(entries))
		for _, e := range entries {
			out = append(out, api.FieldChange{Field: e.Field, Value: e.Value, By: e.By, ByName: authorName(users, e.By),
				At: e.HLC.Time(), Device: e.Op.Device})
		}
		return nil
	})
	if err != nil {
		s.answerErr(w, "history", err)
		return
	}
	s.audit(r.Context(), store.AuditEntry{User: b.user.ID, Device: b.device, Action: "history_view", Target: string(rec)})
	writeJSON(w, http.StatusOK, out)
}

// authorName is the name of a change's author: a user's login name, or
// "server" for the server's own edits.
func authorName(users map[string]store.User, by string) string {
	if by == sync.ServerDevice {
		return "server"
	}
	return users[by].Name
}
