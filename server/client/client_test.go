package client_test

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"jiuzhu/server"
	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// env is a real server (bbolt in a temporary directory) behind a real HTTP
// listener, with its users.
type env struct {
	srv  *server.Server
	http *httptest.Server
}

const password = "secret-password"

func newEnv(t testing.TB) *env {
	t.Helper()
	s, err := server.New(server.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h := httptest.NewServer(s.Handler())
	t.Cleanup(func() { h.Close(); s.Close() })
	return &env{srv: s, http: h}
}

func (e *env) user(t testing.TB, name string, role store.Role, team, org string) {
	t.Helper()
	if _, err := e.srv.AddUser(context.Background(), server.NewUser{Name: name, Password: password, Role: role, Team: team, Org: org}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) login(t testing.TB, name string) *client.Device {
	t.Helper()
	d, err := client.Login(context.Background(), e.http.URL, name, password)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newRec(typ string) sync.RecID {
	var ent [10]byte
	rand.Read(ent[:])
	return sync.MakeRecID(typ, time.Now().UnixMilli(), ent)
}

func syncOK(t testing.TB, d *client.Device) sync.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rep, err := d.Sync(ctx)
	if err != nil {
		t.Fatalf("sync %s: %v", d.User.Name, err)
	}
	return rep
}

// newCase creates a case owned by d's user, with a title.
func newCase(t testing.TB, d *client.Device, title string) sync.RecID {
	t.Helper()
	id := newRec(model.TypeCase)
	err := d.Edit(context.Background(),
		sync.Edit{Rec: id, Field: sync.FieldRoot, Value: model.Str(string(id))},
		sync.Edit{Rec: id, Field: "title", Value: model.Str(title)},
		sync.Edit{Rec: id, Field: "worker", Value: model.Str(d.User.ID)},
		sync.Edit{Rec: id, Field: "opened", Value: model.Str("2026-11-01")},
	)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func field(t testing.TB, d *client.Device, rec sync.RecID, name string) (string, bool) {
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

// conflicts returns the conflict records a device holds.
func conflicts(t testing.TB, d *client.Device) map[sync.RecID]*sync.Record {
	t.Helper()
	out := map[sync.RecID]*sync.Record{}
	for id, r := range d.Store.All() {
		if id.Type() == sync.ConflictType {
			out[id] = r
		}
	}
	return out
}

func TestDevicesConverge(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	e.user(t, "li", store.RoleWorker, "t2", "620103")
	e.user(t, "zhao", store.RoleSupervisor, "t1", "620102")
	a, b := e.login(t, "wang"), e.login(t, "wang") // one worker, two tablets
	other, sup := e.login(t, "li"), e.login(t, "zhao")

	c := newCase(t, a, "王某低保个案")
	if rep := syncOK(t, a); rep.Pushed != 4 || rep.Rejected != 0 {
		t.Fatalf("a pushed %+v", rep)
	}
	syncOK(t, b)
	syncOK(t, sup)
	syncOK(t, other)
	if v, _ := field(t, b, c, "title"); v != model.Str("王某低保个案") {
		t.Errorf("tablet b: title %q", v)
	}
	if v, _ := field(t, sup, c, "title"); v != model.Str("王某低保个案") {
		t.Errorf("supervisor: title %q", v)
	}
	if _, ok := field(t, other, c, "title"); ok {
		t.Error("a worker of another team received the case")
	}

	// Both tablets edit the title offline, then sync in turn.
	if err := a.Edit(context.Background(), sync.Edit{Rec: c, Field: "title", Value: model.Str("标题A")}); err != nil {
		t.Fatal(err)
	}
	if err := b.Edit(context.Background(), sync.Edit{Rec: c, Field: "title", Value: model.Str("标题B")}); err != nil {
		t.Fatal(err)
	}
	syncOK(t, a)
	syncOK(t, b)
	syncOK(t, a)
	syncOK(t, sup)
	va, _ := field(t, a, c, "title")
	vb, _ := field(t, b, c, "title")
	vs, _ := field(t, sup, c, "title")
	if va != vb || va != vs {
		t.Fatalf("titles differ: %s %s %s", va, vb, vs)
	}
	ca, cb, cs := conflicts(t, a), conflicts(t, b), conflicts(t, sup)
	if len(ca) != 1 || len(cb) != 1 || len(cs) != 1 {
		t.Fatalf("conflicts: a %d, b %d, supervisor %d; want 1 each", len(ca), len(cb), len(cs))
	}
	for id, r := range ca {
		if !r.Equal(cb[id]) || !r.Equal(cs[id]) {
			t.Errorf("conflict %s differs between devices", id)
		}
	}

	// Resolving on b clears it on a.
	for _, r := range cb {
		if _, err := b.Session.Resolve(context.Background(), b.User.ID, r, model.Str("标题A")); err != nil {
			t.Fatal(err)
		}
	}
	syncOK(t, b)
	syncOK(t, a)
	for id := range ca {
		if v, _ := field(t, a, id, sync.ConflictResolved); v != sync.ValueTrue {
			t.Errorf("conflict %s not resolved on a: %q", id, v)
		}
	}
	if v, _ := field(t, a, c, "title"); v != model.Str("标题A") {
		t.Errorf("after resolution a has %s", v)
	}
}

func TestOutOfScopeWritesRejected(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	e.user(t, "li", store.RoleWorker, "t2", "620103")
	a, other := e.login(t, "wang"), e.login(t, "li")
	c := newCase(t, a, "个案")
	syncOK(t, a)
	if err := other.Edit(context.Background(), sync.Edit{Rec: c, Field: "title", Value: model.Str("改")}); err != nil {
		t.Fatal(err)
	}
	if rep := syncOK(t, other); rep.Rejected != 1 {
		t.Fatalf("out-of-scope edit: %+v", rep)
	}
	rej, _ := other.Session.Rejected(context.Background())
	if len(rej) != 1 || rej[0].Code != sync.CodeDenied {
		t.Fatalf("rejected %+v", rej)
	}
	syncOK(t, a)
	if v, _ := field(t, a, c, "title"); v != model.Str("个案") {
		t.Errorf("the owner's case changed to %s", v)
	}
}

func TestReassignMovesCase(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	e.user(t, "li", store.RoleWorker, "t1", "620102")
	e.user(t, "zhao", store.RoleSupervisor, "t1", "620102")
	a, b, sup := e.login(t, "wang"), e.login(t, "li"), e.login(t, "zhao")
	c := newCase(t, a, "个案")
	note := newRec(model.TypeServiceRecord)
	if err := a.Edit(context.Background(),
		sync.Edit{Rec: note, Field: sync.FieldRoot, Value: model.Str(string(c))},
		sync.Edit{Rec: note, Field: model.FieldParent, Value: model.Str(string(c))},
		sync.Edit{Rec: note, Field: "content", Value: model.Str("入户探访")},
	); err != nil {
		t.Fatal(err)
	}
	syncOK(t, a)
	syncOK(t, b)
	if _, ok := field(t, b, note, "content"); ok {
		t.Fatal("li has wang's case before reassignment")
	}
	syncOK(t, sup)
	if err := sup.Edit(context.Background(), sync.Edit{Rec: c, Field: "worker", Value: model.Str(b.User.ID)}); err != nil {
		t.Fatal(err)
	}
	if rep := syncOK(t, sup); rep.Rejected != 0 {
		rej, _ := sup.Session.Rejected(context.Background())
		t.Fatalf("reassignment rejected: %+v", rej)
	}
	syncOK(t, b)
	if v, _ := field(t, b, note, "content"); v != model.Str("入户探访") {
		t.Errorf("new worker lacks the service record: %q", v)
	}
	rep := syncOK(t, a)
	if rep.Dropped != 1 {
		t.Errorf("old worker's report %+v: want one root dropped", rep)
	}
	if _, ok := field(t, a, note, "content"); ok {
		t.Error("old worker still holds the service record")
	}
	// A worker cannot give a case away.
	if err := b.Edit(context.Background(), sync.Edit{Rec: c, Field: "worker", Value: model.Str(a.User.ID)}); err != nil {
		t.Fatal(err)
	}
	if rep := syncOK(t, b); rep.Rejected != 1 {
		t.Errorf("worker reassigning: %+v", rep)
	}
}
