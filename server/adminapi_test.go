package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"jiuzhu/server"
	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/shared/api"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// adminEnv is a real server (bbolt in a temporary directory) behind a real
// HTTP listener, for the administration API.
type adminEnv struct {
	srv  *server.Server
	http *httptest.Server
	ids  map[string]string // user name → id
}

const adminTestPassword = "secret-password"

func newAdminEnv(t *testing.T) *adminEnv { return newAdminEnvAt(t, nil) }

// newAdminEnvAt is newAdminEnv with the server's clock (nil: time.Now).
func newAdminEnvAt(t *testing.T, now func() time.Time) *adminEnv {
	t.Helper()
	s, err := server.New(server.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	h := httptest.NewServer(s.Handler())
	t.Cleanup(func() { h.Close(); s.Close() })
	return &adminEnv{srv: s, http: h, ids: map[string]string{}}
}

// user creates an account (as the CLI does) and returns its id.
func (e *adminEnv) user(t *testing.T, name string, role store.Role, team, org string) string {
	t.Helper()
	u, err := e.srv.AddUser(context.Background(), server.NewUser{Name: name, Password: adminTestPassword, Role: role, Team: team, Org: org})
	if err != nil {
		t.Fatal(err)
	}
	e.ids[name] = u.ID
	return u.ID
}

func (e *adminEnv) login(t *testing.T, name string) *client.Device {
	t.Helper()
	d, err := client.Login(context.Background(), e.http.URL, name, adminTestPassword)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// call sends a request with a bearer token and a JSON body (when body is
// not nil), decodes a 2xx answer into out, and returns the status and the
// error body of any other answer.
func (e *adminEnv) call(t *testing.T, method, path, token string, body, out any) (int, api.Error) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.http.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var apiErr api.Error
	if resp.StatusCode/100 == 2 {
		if out != nil {
			if err := json.Unmarshal(raw, out); err != nil {
				t.Fatalf("%s %s: %v in %s", method, path, err, raw)
			}
		}
	} else {
		json.Unmarshal(raw, &apiErr)
		if strings.HasPrefix(path, "/api/") && (apiErr.Message == "" || apiErr.En == "") {
			t.Errorf("%s %s: %d without messages in both languages: %s", method, path, resp.StatusCode, raw)
		}
	}
	return resp.StatusCode, apiErr
}

// want fails the test unless the call answered status (and code, if set).
func want(t *testing.T, what string, status int, e api.Error, wantStatus int, wantCode string) {
	t.Helper()
	if status != wantStatus || wantCode != "" && e.Code != wantCode {
		t.Errorf("%s: %d %s (%s); want %d %s", what, status, e.Code, e.En, wantStatus, wantCode)
	}
}

func newRecID(typ string) sync.RecID {
	var ent [10]byte
	rand.Read(ent[:])
	return sync.MakeRecID(typ, time.Now().UnixMilli(), ent)
}

func syncDev(t *testing.T, d *client.Device) sync.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rep, err := d.Sync(ctx)
	if err != nil {
		t.Fatalf("sync %s: %v", d.User.Name, err)
	}
	return rep
}

// newCaseWithRecord creates, on d, a case owned by d's user with a
// service record in it, and returns both ids.
func newCaseWithRecord(t *testing.T, d *client.Device, title string) (sync.RecID, sync.RecID) {
	t.Helper()
	c, r := newRecID(model.TypeCase), newRecID(model.TypeServiceRecord)
	err := d.Edit(context.Background(),
		sync.Edit{Rec: c, Field: sync.FieldRoot, Value: model.Str(string(c))},
		sync.Edit{Rec: c, Field: "title", Value: model.Str(title)},
		sync.Edit{Rec: c, Field: "worker", Value: model.Str(d.User.ID)},
		sync.Edit{Rec: c, Field: "opened", Value: model.Str("2026-01-05")},
		sync.Edit{Rec: r, Field: sync.FieldRoot, Value: model.Str(string(c))},
		sync.Edit{Rec: r, Field: model.FieldParent, Value: model.Str(string(c))},
		sync.Edit{Rec: r, Field: "content", Value: model.Str("入户探访")},
	)
	if err != nil {
		t.Fatal(err)
	}
	return c, r
}

func names(users []api.AdminUser) []string {
	var out []string
	for _, u := range users {
		out = append(out, u.Name)
	}
	return out
}

// TestAdminScope: an administrator lists the users of their org unit and
// below, a supervisor their team (read only), a worker nothing.
func TestAdminScope(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	e.user(t, "admin6201", store.RoleAdmin, "", "6201")
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	e.user(t, "zhao", store.RoleSupervisor, "t1", "620103")
	e.user(t, "li", store.RoleWorker, "t1", "620103")
	e.user(t, "chen", store.RoleWorker, "t2", "620102")
	e.user(t, "ma", store.RoleWorker, "t1", "6202") // another city: not the admin's
	admin, sup, worker := e.login(t, "admin6201"), e.login(t, "zhao"), e.login(t, "wang")
	e.login(t, "ma")

	var users []api.AdminUser
	status, er := e.call(t, "GET", "/api/admin/users", admin.Token, nil, &users)
	want(t, "admin lists", status, er, 200, "")
	if got := names(users); !slices.Equal(got, []string{"admin6201", "chen", "li", "wang", "zhao"}) {
		t.Errorf("admin of 6201 sees %v", got)
	}
	for _, u := range users {
		if u.Name == "wang" && (u.Devices != 1 || u.LastSeen.IsZero() || u.Org != "620102" || u.Role != "worker" || u.Disabled || u.Locked) {
			t.Errorf("wang listed as %+v", u)
		}
	}
	status, er = e.call(t, "GET", "/api/admin/users", sup.Token, nil, &users)
	want(t, "supervisor lists", status, er, 200, "")
	if got := names(users); !slices.Equal(got, []string{"li", "ma", "wang", "zhao"}) {
		t.Errorf("supervisor of t1 sees %v", got)
	}

	// The supervisor reads but does not change.
	status, er = e.call(t, "PATCH", "/api/admin/users/"+e.ids["wang"], sup.Token, api.UserUpdate{Team: ptr("t2")}, nil)
	want(t, "supervisor PATCH", status, er, 403, "forbidden")
	status, er = e.call(t, "POST", "/api/admin/users", sup.Token, api.NewUserRequest{Name: "x1", Password: "long-enough", Role: "worker", Team: "t1", Org: "620103"}, nil)
	want(t, "supervisor POST", status, er, 403, "forbidden")
	status, er = e.call(t, "GET", "/api/admin/audit", sup.Token, nil, nil)
	want(t, "supervisor audit", status, er, 403, "forbidden")
	var devs []api.AdminDevice
	status, er = e.call(t, "GET", "/api/admin/devices", sup.Token, nil, &devs)
	want(t, "supervisor devices", status, er, 200, "")
	if len(devs) != 3 { // zhao's, wang's and ma's
		t.Errorf("supervisor sees %d devices, want 3: %+v", len(devs), devs)
	}

	// A worker gets 403 everywhere under /api/admin, but knows themself.
	for _, p := range []string{"/api/admin/users", "/api/admin/devices", "/api/admin/roots?user=" + e.ids["wang"], "/api/admin/audit"} {
		status, er = e.call(t, "GET", p, worker.Token, nil, nil)
		want(t, "worker GET "+p, status, er, 403, "forbidden")
	}
	status, er = e.call(t, "POST", "/api/admin/reassign", worker.Token, api.ReassignRequest{Roots: []string{"x"}, To: e.ids["wang"]}, nil)
	want(t, "worker reassign", status, er, 403, "forbidden")
	var me api.Me
	status, er = e.call(t, "GET", "/api/me", worker.Token, nil, &me)
	want(t, "worker me", status, er, 200, "")
	if me.User.Name != "wang" || me.User.ID != e.ids["wang"] || me.Device != worker.Session.Device() {
		t.Errorf("me = %+v", me)
	}
	status, er = e.call(t, "GET", "/api/me", "", nil, nil)
	want(t, "me without token", status, er, 401, "no_token")
	status, er = e.call(t, "GET", "/api/admin/users", "not-a-token", nil, nil)
	want(t, "bad token", status, er, 401, "")

	// Out of scope is as if it did not exist.
	status, er = e.call(t, "PATCH", "/api/admin/users/"+e.ids["ma"], admin.Token, api.UserUpdate{Team: ptr("t2")}, nil)
	want(t, "admin PATCH 6202 user", status, er, 404, "no_user")
	status, er = e.call(t, "GET", "/api/admin/devices?user="+e.ids["ma"], admin.Token, nil, nil)
	want(t, "admin devices of 6202 user", status, er, 404, "no_user")
	status, er = e.call(t, "GET", "/api/admin/roots?user="+e.ids["ma"], admin.Token, nil, nil)
	want(t, "admin roots of 6202 user", status, er, 404, "no_user")
	status, er = e.call(t, "GET", "/api/admin/devices", admin.Token, nil, &devs)
	want(t, "admin devices", status, er, 200, "")
	for _, d := range devs {
		if d.UserName == "ma" {
			t.Errorf("admin of 6201 sees a device of 6202: %+v", d)
		}
	}
	var maDev string
	e.call(t, "GET", "/api/admin/devices?user="+e.ids["ma"], sup.Token, nil, &devs)
	if len(devs) == 1 {
		maDev = devs[0].ID
	}
	status, er = e.call(t, "POST", "/api/admin/devices/"+maDev+"/revoke", admin.Token, nil, nil)
	want(t, "admin revokes a 6202 device", status, er, 404, "no_device")
}

func ptr[T any](v T) *T { return &v }

// TestAdminUsers: creating, changing and disabling accounts, with their
// checks and audit entries; a disabled user can neither log in nor sync,
// and an open connection of theirs is closed.
func TestAdminUsers(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	e.user(t, "admin6201", store.RoleAdmin, "", "6201")
	e.user(t, "boss", store.RoleAdmin, "", "62")
	admin := e.login(t, "admin6201")

	var u api.AdminUser
	status, er := e.call(t, "POST", "/api/admin/users", admin.Token,
		api.NewUserRequest{Name: "sun", Password: "a-long-password", Role: "worker", Team: " t1 ", Org: "620102"}, &u)
	want(t, "create", status, er, 201, "")
	if u.ID == "" || u.Name != "sun" || u.Team != "t1" || u.Org != "620102" || u.Role != "worker" || u.Created.IsZero() || u.Devices != 0 {
		t.Errorf("created %+v", u)
	}
	sun, err := client.Login(context.Background(), e.http.URL, "sun", "a-long-password")
	if err != nil {
		t.Fatalf("the new user cannot log in: %v", err)
	}

	for _, c := range []struct {
		what string
		req  any
		code int
		err  string
	}{
		{"name taken", api.NewUserRequest{Name: "sun", Password: "a-long-password", Role: "worker", Org: "620102"}, 409, "name_taken"},
		{"org of another city", api.NewUserRequest{Name: "qian", Password: "a-long-password", Role: "worker", Org: "6202"}, 403, "org_out_of_scope"},
		{"org above the admin's", api.NewUserRequest{Name: "qian", Password: "a-long-password", Role: "admin", Org: "62"}, 403, "org_out_of_scope"},
		{"bad org", api.NewUserRequest{Name: "qian", Password: "a-long-password", Role: "worker", Org: "620"}, 400, "bad_org"},
		{"bad role", api.NewUserRequest{Name: "qian", Password: "a-long-password", Role: "boss", Org: "620102"}, 400, "bad_role"},
		{"bad name", api.NewUserRequest{Name: "q", Password: "a-long-password", Role: "worker", Org: "620102"}, 400, "bad_name"},
		{"short password", api.NewUserRequest{Name: "qian", Password: "short", Role: "worker", Org: "620102"}, 400, "bad_password"},
		{"supervisor without team", api.NewUserRequest{Name: "qian", Password: "a-long-password", Role: "supervisor", Org: "620102"}, 400, "team_required"},
		{"unknown field", map[string]string{"name": "qian", "password": "a-long-password", "role": "worker", "org": "620102", "admin": "yes"}, 400, "bad_json"},
	} {
		status, er := e.call(t, "POST", "/api/admin/users", admin.Token, c.req, nil)
		want(t, c.what, status, er, c.code, c.err)
	}

	id := u.ID
	patch := func(what string, upd any, code int, errCode string) api.AdminUser {
		t.Helper()
		var out api.AdminUser
		status, er := e.call(t, "PATCH", "/api/admin/users/"+id, admin.Token, upd, &out)
		want(t, what, status, er, code, errCode)
		return out
	}
	patch("supervisor without team", api.UserUpdate{Role: ptr("supervisor"), Team: ptr("")}, 400, "team_required")
	patch("org out of scope", api.UserUpdate{Org: ptr("6202")}, 403, "org_out_of_scope")
	patch("nothing", map[string]any{}, 400, "nothing_to_change")
	patch("short password", api.UserUpdate{Password: ptr("short")}, 400, "bad_password")
	if got := patch("promote", api.UserUpdate{Role: ptr("supervisor"), Team: ptr("t2"), Org: ptr("620103")}, 200, ""); got.Role != "supervisor" || got.Team != "t2" || got.Org != "620103" {
		t.Errorf("after promotion: %+v", got)
	}
	var me api.Me
	e.call(t, "GET", "/api/me", sun.Token, nil, &me)
	if me.User.Role != "supervisor" || me.User.Team != "t2" {
		t.Errorf("the user's own view after the change: %+v", me.User)
	}

	// An administrator does not lock themself out.
	self := "/api/admin/users/" + e.ids["admin6201"]
	status, er = e.call(t, "PATCH", self, admin.Token, api.UserUpdate{Role: ptr("worker")}, nil)
	want(t, "own role", status, er, 400, "own_role")
	status, er = e.call(t, "PATCH", self, admin.Token, api.UserUpdate{Disabled: ptr(true)}, nil)
	want(t, "own account", status, er, 400, "own_account")
	// Nor reaches above their org.
	status, er = e.call(t, "PATCH", "/api/admin/users/"+e.ids["boss"], admin.Token, api.UserUpdate{Disabled: ptr(true)}, nil)
	want(t, "disable the province's admin", status, er, 404, "no_user")

	// Disabled: the open connection closes, and neither login nor sync
	// works; enabled again, both do.
	syncDev(t, sun)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := sun.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	if _, err := sun.Session.Sync(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if got := patch("disable", api.UserUpdate{Disabled: ptr(true)}, 200, ""); !got.Disabled {
		t.Errorf("after disabling: %+v", got)
	}
	var se *sync.ServerError
	if _, err := sun.Session.Wait(ctx, conn); !errors.As(err, &se) || se.Code != "unauthorized" {
		t.Errorf("open connection of a disabled user: %v, want an unauthorized error", err)
	}
	if _, err := client.Login(ctx, e.http.URL, "sun", "a-long-password"); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("a disabled user logs in: %v", err)
	}
	if _, err := sun.Sync(ctx); err == nil {
		t.Error("a disabled user syncs")
	}
	status, er = e.call(t, "GET", "/api/me", sun.Token, nil, nil)
	want(t, "disabled user's token", status, er, 401, "")
	patch("enable", api.UserUpdate{Disabled: ptr(false)}, 200, "")
	if _, err := sun.Sync(ctx); err != nil {
		t.Errorf("enabled again, sync: %v", err)
	}

	// Every change is audited with its author; never a password.
	var entries []api.AuditEntry
	status, er = e.call(t, "GET", "/api/admin/audit?target="+id, admin.Token, nil, &entries)
	want(t, "audit", status, er, 200, "")
	var got []string
	for _, a := range entries {
		if a.User != e.ids["admin6201"] && a.User != id {
			t.Errorf("entry by %q: %+v", a.User, a)
		}
		if strings.Contains(a.Detail, "a-long-password") {
			t.Errorf("a password in the audit: %+v", a)
		}
		got = append(got, a.Action+": "+a.Detail)
	}
	wantLog := []string{
		`user_update: disabled: "true" → "false"`,
		`user_update: disabled: "false" → "true"`,
		`user_update: role: "worker" → "supervisor"; team: "t1" → "t2"; org: "620102" → "620103"`,
		"user_add: name=sun role=worker team=t1 org=620102",
	}
	if !slices.Equal(got, wantLog) {
		t.Errorf("audit of the user, newest first:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantLog, "\n"))
	}
}

// TestAccountActions: resetting a password, lifting a lockout and logging
// out everywhere, through PATCH, each audited with the administrator.
func TestAccountActions(t *testing.T) {
	t.Parallel()
	var clock atomic.Int64 // the server's time, moved past the login throttle's waits
	clock.Store(time.Now().UnixNano())
	e := newAdminEnvAt(t, func() time.Time { return time.Unix(0, clock.Load()) })
	e.user(t, "admin", store.RoleAdmin, "", "6201")
	id := e.user(t, "wang", store.RoleWorker, "t1", "620102")
	admin, wang := e.login(t, "admin"), e.login(t, "wang")
	ctx := context.Background()
	path := "/api/admin/users/" + id
	user := func() api.AdminUser {
		var users []api.AdminUser
		e.call(t, "GET", "/api/admin/users", admin.Token, nil, &users)
		for _, u := range users {
			if u.ID == id {
				return u
			}
		}
		t.Fatal("wang not listed")
		return api.AdminUser{}
	}

	// Password reset: the old password and the old session end.
	var u api.AdminUser
	status, er := e.call(t, "PATCH", path, admin.Token, api.UserUpdate{Password: ptr("another-password")}, &u)
	want(t, "reset", status, er, 200, "")
	if status, _ := e.call(t, "GET", "/api/me", wang.Token, nil, nil); status != 401 {
		t.Errorf("the old session after a reset: %d", status)
	}
	if _, err := client.Login(ctx, e.http.URL, "wang", adminTestPassword); err == nil {
		t.Error("the old password still works")
	}
	wang, err := client.Login(ctx, e.http.URL, "wang", "another-password")
	if err != nil {
		t.Fatalf("the new password: %v", err)
	}

	// Log out everywhere.
	status, er = e.call(t, "PATCH", path, admin.Token, api.UserUpdate{Logout: true}, nil)
	want(t, "logout", status, er, 200, "")
	if status, _ := e.call(t, "GET", "/api/me", wang.Token, nil, nil); status != 401 {
		t.Errorf("a session after logging out everywhere: %d", status)
	}

	// Locked by guessing, unlocked by the administrator.
	for i := 0; ; i++ {
		_, err := client.Login(ctx, e.http.URL, "wang", "a-wrong-guess")
		if err != nil && strings.Contains(err.Error(), "423") {
			break
		}
		if i > 20 {
			t.Fatalf("not locked after %d failures: %v", i, err)
		}
		clock.Add(int64(65 * time.Second)) // past the longest wait before the lock (64 s)
	}
	if !user().Locked {
		t.Error("a locked user is not listed as locked")
	}
	status, er = e.call(t, "PATCH", path, admin.Token, api.UserUpdate{Unlock: true}, &u)
	want(t, "unlock", status, er, 200, "")
	if u.Locked || user().Locked {
		t.Errorf("still locked after the unlock: %+v", u)
	}
	if _, err := client.Login(ctx, e.http.URL, "wang", "another-password"); err != nil {
		t.Errorf("login after the unlock: %v", err)
	}

	var entries []api.AuditEntry
	e.call(t, "GET", "/api/admin/audit?user="+e.ids["admin"]+"&target="+id, admin.Token, nil, &entries)
	var got []string
	for _, a := range entries {
		got = append(got, a.Action)
		if strings.Contains(a.Detail, "password") && a.Action != "password_reset" || strings.Contains(a.Detail, "another-password") {
			t.Errorf("a password in the audit: %+v", a)
		}
	}
	if wantActions := []string{"user_unlock", "logout_everywhere", "password_reset"}; !slices.Equal(got, wantActions) {
		t.Errorf("the administrator's audit of wang: %v, want %v", got, wantActions)
	}
}

// TestTeamChangeRescopes: moving a worker to another team moves their
// cases from one supervisor's tablet to the other's.
func TestTeamChangeRescopes(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	e.user(t, "admin", store.RoleAdmin, "", "6201")
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	e.user(t, "sup1", store.RoleSupervisor, "t1", "620102")
	e.user(t, "sup2", store.RoleSupervisor, "t2", "620102")
	admin, wang, sup1, sup2 := e.login(t, "admin"), e.login(t, "wang"), e.login(t, "sup1"), e.login(t, "sup2")
	c, _ := newCaseWithRecord(t, wang, "王某个案")
	syncDev(t, wang)
	syncDev(t, sup1)
	syncDev(t, sup2)
	if !holds(sup1, c) || holds(sup2, c) {
		t.Fatalf("before: sup1 holds %v, sup2 holds %v", holds(sup1, c), holds(sup2, c))
	}
	status, er := e.call(t, "PATCH", "/api/admin/users/"+e.ids["wang"], admin.Token, api.UserUpdate{Team: ptr("t2")}, nil)
	want(t, "move to t2", status, er, 200, "")
	if rep := syncDev(t, sup1); rep.Dropped != 1 || holds(sup1, c) {
		t.Errorf("sup1 after the move: %+v, holds %v", rep, holds(sup1, c))
	}
	if syncDev(t, sup2); !holds(sup2, c) {
		t.Error("sup2 did not receive the moved worker's case")
	}
}

// holds reports whether d holds any record of root.
func holds(d *client.Device, root sync.RecID) bool {
	for id, r := range d.Store.All() {
		if id == root || sync.RootOf(r) == root {
			return true
		}
	}
	return false
}

// TestReassignEndToEnd: worker A's tablet has case X; an administrator
// reassigns X to worker B; B's connected tablet is poked and receives every
// record of X, A's drops it and A's offline edit to it is refused, and the
// supervisor of A's team loses it.
func TestReassignEndToEnd(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	e.user(t, "admin", store.RoleAdmin, "", "6201")
	e.user(t, "wa", store.RoleWorker, "t1", "620102")
	e.user(t, "wb", store.RoleWorker, "t2", "620102")
	e.user(t, "wb2", store.RoleWorker, "t2", "620103")
	e.user(t, "sup1", store.RoleSupervisor, "t1", "620102")
	e.user(t, "sup2", store.RoleSupervisor, "t2", "620102")
	e.user(t, "far", store.RoleWorker, "t2", "6202")
	e.user(t, "off", store.RoleWorker, "t2", "620102")
	admin, a, b, sup1 := e.login(t, "admin"), e.login(t, "wa"), e.login(t, "wb"), e.login(t, "sup1")
	sup2 := e.login(t, "sup2")
	x, rec := newCaseWithRecord(t, a, "张某临时救助")
	other, _ := newCaseWithRecord(t, a, "李某低保")
	syncDev(t, a)
	syncDev(t, sup1)
	if !holds(sup1, x) {
		t.Fatal("sup1 lacks the case before")
	}
	status, er := e.call(t, "PATCH", "/api/admin/users/"+e.ids["off"], admin.Token, api.UserUpdate{Disabled: ptr(true)}, nil)
	want(t, "disable off", status, er, 200, "")

	// B's tablet is online, waiting.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := b.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	if _, err := b.Session.Sync(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if holds(b, x) {
		t.Fatal("b holds the case before")
	}

	// Refusals first: nothing moves.
	for _, c := range []struct {
		what, token string
		req         api.ReassignRequest
		code        int
		err         string
	}{
		{"to another city", admin.Token, api.ReassignRequest{Roots: []string{string(x)}, To: e.ids["far"]}, 404, "no_user"},
		{"to a disabled user", admin.Token, api.ReassignRequest{Roots: []string{string(x)}, To: e.ids["off"]}, 400, "user_disabled"},
		{"unknown root", admin.Token, api.ReassignRequest{Roots: []string{string(x), string(newRecID(model.TypeCase))}, To: e.ids["wb"]}, 404, "no_root"},
		{"not a root", admin.Token, api.ReassignRequest{Roots: []string{string(rec)}, To: e.ids["wb"]}, 400, "not_root"},
		{"a type without an owner field", admin.Token, api.ReassignRequest{Roots: []string{string(newRecID(model.TypeSupervision))}, To: e.ids["wb"]}, 400, "not_reassignable"},
		{"a staff profile", admin.Token, api.ReassignRequest{Roots: []string{string(newRecID(model.TypeStaff))}, To: e.ids["wb"]}, 400, "not_reassignable"},
		{"not an id", admin.Token, api.ReassignRequest{Roots: []string{"case/x"}, To: e.ids["wb"]}, 400, "bad_root"},
		{"nothing", admin.Token, api.ReassignRequest{To: e.ids["wb"]}, 400, "no_roots"},
		{"supervisor, case of another team", sup2.Token, api.ReassignRequest{Roots: []string{string(x)}, To: e.ids["wb"]}, 404, "no_root"},
		{"supervisor, to another team", sup1.Token, api.ReassignRequest{Roots: []string{string(x)}, To: e.ids["wb"]}, 404, "no_user"},
	} {
		status, er := e.call(t, "POST", "/api/admin/reassign", c.token, c.req, nil)
		want(t, c.what, status, er, c.code, c.err)
	}

	// A edits the case offline, meanwhile.
	if err := a.Edit(ctx, sync.Edit{Rec: x, Field: "title", Value: model.Str("A 离线修改")}); err != nil {
		t.Fatal(err)
	}

	var moved []api.AdminRoot
	status, er = e.call(t, "POST", "/api/admin/reassign", admin.Token, api.ReassignRequest{Roots: []string{string(x)}, To: e.ids["wb"]}, &moved)
	want(t, "reassign", status, er, 200, "")
	if len(moved) != 1 || moved[0].ID != string(x) || moved[0].Worker != e.ids["wb"] || moved[0].Title != "张某临时救助" || moved[0].Type != model.TypeCase {
		t.Errorf("answer: %+v", moved)
	}

	// B's tablet is poked and receives the whole case.
	if poked, err := b.Session.Wait(ctx, conn); err != nil || !poked {
		t.Fatalf("b's connection: poked %v, %v", poked, err)
	}
	if _, err := b.Session.Resync(ctx, conn); err != nil {
		t.Fatal(err)
	}
	for _, id := range []sync.RecID{x, rec} {
		ra, _ := a.Record(ctx, id)
		rb, _ := b.Record(ctx, id)
		if rb == nil {
			t.Fatalf("b lacks %s", id)
		}
		for f, v := range ra.Fields {
			if id == x && (f == "worker" || f == "title") {
				continue
			}
			if got, _ := rb.Get(f); got != v.Value {
				t.Errorf("b's %s.%s = %s, want %s", id, f, got, v.Value)
			}
		}
	}
	if v, _ := field(t, b, x, "worker"); v != model.Str(e.ids["wb"]) {
		t.Errorf("b's copy names worker %s", v)
	}

	// A's edit is refused and A's tablet drops the case, not the other one.
	rep := syncDev(t, a)
	if rep.Rejected != 1 || rep.Dropped != 1 || holds(a, x) || !holds(a, other) {
		t.Errorf("a after the reassignment: %+v; holds x %v, other %v", rep, holds(a, x), holds(a, other))
	}
	if v, _ := field(t, b, x, "title"); v != model.Str("张某临时救助") {
		t.Errorf("the refused edit reached b: %s", v)
	}
	if rep := syncDev(t, sup1); rep.Dropped != 1 || holds(sup1, x) {
		t.Errorf("sup1 after: %+v, holds x %v", rep, holds(sup1, x))
	}
	if syncDev(t, sup2); !holds(sup2, x) {
		t.Error("sup2 lacks the case now in their team")
	}

	// The lists and the audit say so.
	var roots []api.AdminRoot
	e.call(t, "GET", "/api/admin/roots?user="+e.ids["wb"], admin.Token, nil, &roots)
	if len(roots) != 1 || roots[0].ID != string(x) {
		t.Errorf("b's roots: %+v", roots)
	}
	e.call(t, "GET", "/api/admin/roots?user="+e.ids["wa"], admin.Token, nil, &roots)
	if len(roots) != 1 || roots[0].ID != string(other) || roots[0].Title != "李某低保" {
		t.Errorf("a's roots: %+v", roots)
	}
	var entries []api.AuditEntry
	e.call(t, "GET", "/api/admin/audit?action=reassign", admin.Token, nil, &entries)
	if len(entries) != 1 || entries[0].Target != string(x) || entries[0].User != e.ids["admin"] || entries[0].UserName != "admin" ||
		!strings.Contains(entries[0].Detail, "from "+e.ids["wa"]) || !strings.Contains(entries[0].Detail, "to "+e.ids["wb"]) {
		t.Errorf("reassign audit: %+v", entries)
	}

	// A supervisor reassigns within their team; the same owner again is a
	// no-op.
	status, er = e.call(t, "POST", "/api/admin/reassign", sup2.Token, api.ReassignRequest{Roots: []string{string(x)}, To: e.ids["wb2"]}, &moved)
	want(t, "supervisor within team", status, er, 200, "")
	status, er = e.call(t, "POST", "/api/admin/reassign", sup2.Token, api.ReassignRequest{Roots: []string{string(x)}, To: e.ids["wb2"]}, &moved)
	want(t, "again", status, er, 200, "")
	if len(moved) != 1 || moved[0].Worker != e.ids["wb2"] {
		t.Errorf("after the supervisor's: %+v", moved)
	}
	e.call(t, "GET", "/api/admin/audit?action=reassign", admin.Token, nil, &entries)
	if len(entries) != 2 {
		t.Errorf("%d reassign entries, want 2 (the no-op is not one)", len(entries))
	}
	b2 := e.login(t, "wb2")
	if syncDev(t, b2); !holds(b2, x) {
		t.Error("b2 lacks the case")
	}
	if rep := syncDev(t, b); rep.Dropped != 1 || holds(b, x) {
		t.Errorf("b after the second move: %+v", rep)
	}

	// The history of the worker field tells the story.
	var hist []api.FieldChange
	status, er = e.call(t, "GET", "/api/history/"+string(x), b2.Token, nil, &hist)
	want(t, "history", status, er, 200, "")
	var workers []string
	for _, h := range hist {
		if h.Field == "worker" {
			workers = append(workers, h.Value+" by "+h.ByName)
		}
	}
	wantWorkers := []string{model.Str(e.ids["wa"]) + " by wa", model.Str(e.ids["wb"]) + " by server", model.Str(e.ids["wb2"]) + " by server"}
	if !slices.Equal(workers, wantWorkers) {
		t.Errorf("worker history %v, want %v", workers, wantWorkers)
	}
}

func field(t *testing.T, d *client.Device, rec sync.RecID, name string) (string, bool) {
	t.Helper()
	r, err := d.Record(context.Background(), rec)
	if err != nil {
		t.Fatal(err)
	}
	if r == nil {
		return "", false
	}
	return r.Get(name)
}

// TestRevokeDeviceAPI: an administrator revokes a device of theirs; it is
// told to wipe itself, and listed as revoked.
func TestRevokeDeviceAPI(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	e.user(t, "admin", store.RoleAdmin, "", "6201")
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	admin, wang := e.login(t, "admin"), e.login(t, "wang")
	newCaseWithRecord(t, wang, "个案")
	syncDev(t, wang)
	dev := wang.Session.Device()
	var d api.AdminDevice
	status, er := e.call(t, "POST", "/api/admin/devices/"+dev+"/revoke", admin.Token, nil, &d)
	want(t, "revoke", status, er, 200, "")
	if !d.Revoked || d.RevokedAt.IsZero() || d.User != e.ids["wang"] || d.UserName != "wang" {
		t.Errorf("revoked device: %+v", d)
	}
	if _, err := wang.Sync(context.Background()); !errors.Is(err, sync.ErrRevoked) {
		t.Errorf("the revoked tablet's sync: %v, want ErrRevoked", err)
	}
	var devs []api.AdminDevice
	e.call(t, "GET", "/api/admin/devices?user="+e.ids["wang"], admin.Token, nil, &devs)
	if len(devs) != 1 || !devs[0].Revoked {
		t.Errorf("listed: %+v", devs)
	}
	status, er = e.call(t, "POST", "/api/admin/devices/nope/revoke", admin.Token, nil, nil)
	want(t, "unknown device", status, er, 404, "no_device")
	var entries []api.AuditEntry
	e.call(t, "GET", "/api/admin/audit?action=device_revoke", admin.Token, nil, &entries)
	if len(entries) != 1 || entries[0].Target != dev || entries[0].User != e.ids["admin"] {
		t.Errorf("revoke audit: %+v", entries)
	}
}

// TestAuditListing: filters, paging newest first across the backward
// scan's windows, and the administrator's scope.
func TestAuditListing(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	e.user(t, "admin", store.RoleAdmin, "", "6201")
	e.user(t, "admin2", store.RoleAdmin, "", "6202")
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	admin, admin2, wang := e.login(t, "admin"), e.login(t, "admin2"), e.login(t, "wang")
	c, _ := newCaseWithRecord(t, wang, "个案")
	syncDev(t, wang)
	// Many entries: history views are audited.
	const views = 600
	for range views {
		if status, er := e.call(t, "GET", "/api/history/"+string(c), wang.Token, nil, nil); status != 200 {
			t.Fatalf("history: %d %s", status, er.En)
		}
	}
	e.call(t, "GET", "/api/history/"+string(c), admin2.Token, nil, nil) // 404, not audited
	e.call(t, "GET", "/api/admin/users", admin2.Token, nil, nil)

	// Paging: every page newest first, pages in order, nothing twice.
	var all []api.AuditEntry
	before := ""
	for {
		var page []api.AuditEntry
		status, er := e.call(t, "GET", "/api/admin/audit?limit=250"+before, admin.Token, nil, &page)
		want(t, "page", status, er, 200, "")
		if len(page) == 0 {
			break
		}
		all = append(all, page...)
		before = fmt.Sprintf("&before=%d", page[len(page)-1].Seq)
	}
	for i := 1; i < len(all); i++ {
		if all[i].Seq >= all[i-1].Seq {
			t.Fatalf("entry %d: seq %d after %d", i, all[i].Seq, all[i-1].Seq)
		}
	}
	count := map[string]int{}
	for _, a := range all {
		count[a.Action]++
		if a.User == e.ids["admin2"] {
			t.Errorf("admin of 6201 sees an entry of 6202's admin: %+v", a)
		}
	}
	// user_add ×3 (by the CLI: system entries about users; admin2 is not
	// the admin's), logins ×2 (admin, wang), views.
	if count["history_view"] != views || count["login"] != 2 || count["user_add"] != 2 {
		t.Errorf("admin sees %v", count)
	}

	// Filters.
	var page []api.AuditEntry
	e.call(t, "GET", "/api/admin/audit?action=login&user="+e.ids["wang"], admin.Token, nil, &page)
	if len(page) != 1 || page[0].User != e.ids["wang"] || page[0].UserName != "wang" || page[0].Action != "login" || page[0].Device != wang.Session.Device() {
		t.Errorf("wang's logins: %+v", page)
	}
	e.call(t, "GET", "/api/admin/audit?limit=3&target="+string(c), admin.Token, nil, &page)
	if len(page) != 3 || page[0].Target != string(c) || page[0].Seq <= page[2].Seq {
		t.Errorf("views of the case, limit 3: %+v", page)
	}
	today := time.Now().Format(time.DateOnly)
	yesterday := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	e.call(t, "GET", "/api/admin/audit?action=login&from="+today+"&to="+today, admin.Token, nil, &page)
	if len(page) != 2 {
		t.Errorf("today's logins: %d, want 2", len(page))
	}
	e.call(t, "GET", "/api/admin/audit?to="+yesterday, admin.Token, nil, &page)
	if len(page) != 0 {
		t.Errorf("entries up to yesterday: %d, want 0", len(page))
	}
	e.call(t, "GET", "/api/admin/audit?from="+time.Now().AddDate(0, 0, 1).Format(time.DateOnly), admin.Token, nil, &page)
	if len(page) != 0 {
		t.Errorf("entries from tomorrow: %d, want 0", len(page))
	}

	// The other city's admin sees their own, not 6201's.
	e.call(t, "GET", "/api/admin/audit?limit=1000", admin2.Token, nil, &page)
	for _, a := range page {
		if a.User == e.ids["wang"] || a.User == e.ids["admin"] || a.Target == e.ids["wang"] {
			t.Errorf("admin of 6202 sees %+v", a)
		}
	}
	if len(page) != 2 { // their own user_add and login
		t.Errorf("admin of 6202 sees %d entries, want 2: %+v", len(page), page)
	}

	for _, q := range []string{"limit=0", "limit=1001", "limit=x", "before=0", "before=-1", "from=2026-13-01", "to=today"} {
		status, er := e.call(t, "GET", "/api/admin/audit?"+q, admin.Token, nil, nil)
		want(t, q, status, er, 400, "")
	}
}

// TestAuditIsReadOnly: no interface changes or removes an audit entry.
func TestAuditIsReadOnly(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	e.user(t, "admin", store.RoleAdmin, "", "6201")
	admin := e.login(t, "admin")
	var before []api.AuditEntry
	e.call(t, "GET", "/api/admin/audit", admin.Token, nil, &before)
	if len(before) == 0 {
		t.Fatal("no audit entries")
	}
	seq := fmt.Sprint(before[0].Seq)
	for _, method := range []string{"PUT", "PATCH", "DELETE", "POST"} {
		for _, p := range []string{"/api/admin/audit", "/api/admin/audit/" + seq, "/api/admin/audit?before=" + seq} {
			status, _ := e.call(t, method, p, admin.Token, api.AuditEntry{Action: "nothing happened"}, nil)
			if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, want 404 or 405", method, p, status)
			}
		}
	}
	for _, method := range []string{"PUT", "PATCH", "DELETE", "POST"} {
		if status, _ := e.call(t, method, "/api/history/case/x", admin.Token, nil, nil); status != 404 && status != 405 {
			t.Errorf("%s history: %d", method, status)
		}
	}
	var after []api.AuditEntry
	e.call(t, "GET", "/api/admin/audit", admin.Token, nil, &after)
	if !slices.Equal(after, before) {
		t.Errorf("the audit changed:\n%+v\nwas\n%+v", after, before)
	}
}

// TestFieldHistory: a corrected field keeps every value with its author,
// for whoever sees the record, and nobody else.
func TestFieldHistory(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	e.user(t, "zhao", store.RoleSupervisor, "t1", "620102")
	e.user(t, "li", store.RoleWorker, "t2", "620102")
	wang, zhao, li := e.login(t, "wang"), e.login(t, "zhao"), e.login(t, "li")
	c, rec := newCaseWithRecord(t, wang, "甲")
	syncDev(t, wang)
	ctx := context.Background()
	if err := wang.Edit(ctx, sync.Edit{Rec: c, Field: "title", Value: model.Str("乙")}); err != nil {
		t.Fatal(err)
	}
	syncDev(t, wang)
	syncDev(t, zhao)
	if err := zhao.Edit(ctx, sync.Edit{Rec: c, Field: "title", Value: model.Str("丙")}); err != nil {
		t.Fatal(err)
	}
	syncDev(t, zhao)

	var hist []api.FieldChange
	status, er := e.call(t, "GET", "/api/history/"+string(c), wang.Token, nil, &hist)
	want(t, "history", status, er, 200, "")
	var titles []string
	fields := map[string]bool{}
	for i, h := range hist {
		fields[h.Field] = true
		if h.Field == "title" {
			titles = append(titles, h.Value+" "+h.ByName+" "+h.By)
			if h.At.IsZero() || h.Device == "" {
				t.Errorf("change %d without time or device: %+v", i, h)
			}
		}
		if i > 0 && h.At.Before(hist[i-1].At) {
			t.Errorf("change %d is older than the one before", i)
		}
	}
	wantTitles := []string{
		model.Str("甲") + " wang " + e.ids["wang"],
		model.Str("乙") + " wang " + e.ids["wang"],
		model.Str("丙") + " zhao " + e.ids["zhao"],
	}
	if !slices.Equal(titles, wantTitles) {
		t.Errorf("title history\n%v\nwant\n%v", titles, wantTitles)
	}
	for _, f := range []string{"root", "title", "worker", "opened"} {
		if !fields[f] {
			t.Errorf("no history of %s", f)
		}
	}
	var escaped []api.FieldChange // the id as one escaped path segment, as url.PathEscape gives it
	status, er = e.call(t, "GET", "/api/history/"+url.PathEscape(string(c)), wang.Token, nil, &escaped)
	want(t, "history, escaped id", status, er, 200, "")
	if len(escaped) != len(hist) {
		t.Errorf("escaped id: %d changes, want %d", len(escaped), len(hist))
	}
	status, er = e.call(t, "GET", "/api/history/"+string(rec), zhao.Token, nil, &hist)
	want(t, "supervisor, a child record", status, er, 200, "")
	if len(hist) != 3 || hist[0].ByName != "wang" {
		t.Errorf("the service record's history: %+v", hist)
	}
	for _, c := range []struct{ who, token, path string }{
		{"another team's worker", li.Token, string(c)},
		{"unknown record", wang.Token, string(newRecID(model.TypeCase))},
		{"not a record id", wang.Token, "case/not-an-id"},
	} {
		status, er := e.call(t, "GET", "/api/history/"+c.path, c.token, nil, nil)
		want(t, c.who, status, er, 404, "")
	}
}
