//go:build !js

// These tests run a real server, which does not build for js/wasm.

package account_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"jiuzhu/app/account"
	"jiuzhu/app/local"
	"jiuzhu/app/syncer"
	"jiuzhu/server"
	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/shared/api"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
	"jiuzhu/shared/wsconn"
)

// testDevice is a device (mem keyring) talking to a real server.
func testDevice(t *testing.T, base string, kr *local.Keyring) (*account.Device, *statusBox) {
	t.Helper()
	box := &statusBox{}
	d := account.New(account.Config{
		Keyring: kr,
		App:     "test",
		Login: func(ctx context.Context, req api.LoginRequest) (api.LoginResponse, error) {
			var out api.LoginResponse
			b, _ := json.Marshal(req)
			resp, err := http.Post(base+"/api/login", "application/json", bytes.NewReader(b))
			if err != nil {
				return out, account.ErrNetwork
			}
			defer resp.Body.Close()
			if resp.StatusCode == 204 { // a password check
				return out, nil
			}
			if resp.StatusCode != 200 {
				e := &account.APIError{Status: resp.StatusCode}
				json.NewDecoder(resp.Body).Decode(&e.Body)
				return out, e
			}
			return out, json.NewDecoder(resp.Body).Decode(&out)
		},
		Dial: func(ctx context.Context) (syncer.Conn, error) {
			return wsconn.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/sync", http.Header{"Origin": {base}}, 2<<20)
		},
		OnStatus: box.set,
	})
	t.Cleanup(d.Lock)
	return d, box
}

type statusBox struct {
	mu gosync.Mutex
	st syncer.Status
}

func (b *statusBox) set(s syncer.Status) { b.mu.Lock(); b.st = s; b.mu.Unlock() }
func (b *statusBox) get() syncer.Status  { b.mu.Lock(); defer b.mu.Unlock(); return b.st }

func waitUntil(t *testing.T, what string, f func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if f() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// The device's life on a tablet: first login online (a wrong password
// leaves nothing behind), sync, lock, unlock offline, wrong password.
func TestDeviceLoginSyncLockUnlock(t *testing.T) {
	srv, err := server.New(server.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h := httptest.NewServer(srv.Handler())
	defer func() { h.Close(); srv.Close() }()
	ctx := context.Background()
	srv.AddUser(ctx, server.NewUser{Name: "wang", Password: "a-long-password", Role: store.RoleWorker, Team: "t1", Org: "620102"})
	kr := local.NewMemKeyring(local.KeyringOptions{Iterations: 1000})
	d, status := testDevice(t, h.URL, kr)

	if err := d.Login(ctx, "wang", "wrong-password", "平板"); err == nil {
		t.Fatal("login with a wrong password succeeded")
	} else {
		var ae *account.APIError
		if !errors.As(err, &ae) || ae.Body.Code != "login_failed" {
			t.Fatalf("wrong password online: %v", err)
		}
	}
	if known, _ := d.Known(ctx); len(known) != 0 {
		t.Fatalf("a failed login left %v on the tablet", known)
	}
	if err := d.Login(ctx, "wang", "a-long-password", "平板"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the first sync", func() bool { return status.get().State == syncer.UpToDate })

	// Another tablet's case arrives by poke.
	other, err := client.Login(ctx, h.URL, "wang", "a-long-password")
	if err != nil {
		t.Fatal(err)
	}
	var ent [10]byte
	rand.Read(ent[:])
	c := sync.MakeRecID(model.TypeCase, time.Now().UnixMilli(), ent)
	other.Edit(ctx,
		sync.Edit{Rec: c, Field: sync.FieldRoot, Value: model.Str(string(c))},
		sync.Edit{Rec: c, Field: "title", Value: model.Str("王某")},
		sync.Edit{Rec: c, Field: "worker", Value: model.Str(other.User.ID)})
	if _, err := other.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	has := func() bool {
		st := d.Store()
		if st == nil {
			return false
		}
		recs, _ := st.ListType(ctx, model.TypeCase)
		return len(recs) == 1 && recs[0].ID == c
	}
	waitUntil(t, "the case on the tablet", has)

	// Lock; the server goes away; unlock offline with the password.
	d.Lock()
	if d.Store() != nil {
		t.Fatal("still open after Lock")
	}
	h.Close()
	if err := d.Unlock(ctx, "wang", "not-it"); !errors.Is(err, account.ErrWrongPassword) {
		t.Fatalf("wrong password offline: %v", err)
	}
	if err := d.Login(ctx, "wang", "a-long-password", ""); err != nil { // a known user: unlocks offline
		t.Fatalf("offline unlock: %v", err)
	}
	if !has() {
		t.Fatal("the case is not on the tablet after unlocking offline")
	}
	waitUntil(t, "the status to say offline", func() bool { return status.get().State == syncer.Offline })
}

// A revoked device wipes the user's data and keyring entry at its next
// contact, and says so.
func TestDeviceRevokedWipes(t *testing.T) {
	srv, err := server.New(server.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h := httptest.NewServer(srv.Handler())
	defer func() { h.Close(); srv.Close() }()
	ctx := context.Background()
	srv.AddUser(ctx, server.NewUser{Name: "li", Password: "a-long-password", Role: store.RoleWorker, Org: "6201"})
	kr := local.NewMemKeyring(local.KeyringOptions{Iterations: 1000})
	d, status := testDevice(t, h.URL, kr)
	if err := d.Login(ctx, "li", "a-long-password", ""); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the first sync", func() bool { return status.get().State == syncer.UpToDate })
	if err := srv.RevokeDevice(ctx, d.Session().Device()); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the revoked status", func() bool { return status.get().State == syncer.Revoked })
	waitUntil(t, "the account to close", func() bool { return d.Store() == nil })
	if known, _ := d.Known(ctx); len(known) != 0 {
		t.Errorf("after revocation the tablet still knows %v", known)
	}
	if err := d.Unlock(ctx, "li", "a-long-password"); err == nil {
		t.Error("a wiped user could still unlock")
	}
}

// An expired session closes the account; logging in again renews it
// without losing the data on the tablet.
func TestDeviceRenewsExpiredSession(t *testing.T) {
	var mu gosync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv, err := server.New(server.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler), Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	h := httptest.NewServer(srv.Handler())
	defer func() { h.Close(); srv.Close() }()
	ctx := context.Background()
	srv.AddUser(ctx, server.NewUser{Name: "zhao", Password: "a-long-password", Role: store.RoleWorker, Org: "6201"})
	kr := local.NewMemKeyring(local.KeyringOptions{Iterations: 1000})
	d, status := testDevice(t, h.URL, kr)
	if err := d.Login(ctx, "zhao", "a-long-password", ""); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the first sync", func() bool { return status.get().State == syncer.UpToDate })
	device := d.Session().Device()
	d.Lock()
	mu.Lock()
	now = now.Add(91 * 24 * time.Hour)
	mu.Unlock()
	if err := d.Unlock(ctx, "zhao", "a-long-password"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the expired session", func() bool { return status.get().State == syncer.Unauthorized })
	waitUntil(t, "the account to close", func() bool { return d.Store() == nil })
	if err := d.Login(ctx, "zhao", "a-long-password", ""); err != nil {
		t.Fatalf("logging in again: %v", err)
	}
	waitUntil(t, "sync with the renewed session", func() bool { return status.get().State == syncer.UpToDate })
	if d.Session().Device() != device {
		t.Errorf("the tablet got a new device id %s (was %s)", d.Session().Device(), device)
	}
}

// After an administrator resets a worker's password, the new password does
// not open the tablet's data (it is locked with the previous one): the
// tablet tells a reset from a typing mistake by asking the server, asks for
// the previous password once, then opens with the new one from then on —
// on the same device, with nothing lost.
func TestDevicePasswordReset(t *testing.T) {
	srv, err := server.New(server.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h := httptest.NewServer(srv.Handler())
	defer func() { h.Close(); srv.Close() }()
	ctx := context.Background()
	u, err := srv.AddUser(ctx, server.NewUser{Name: "wang", Password: "a-long-password", Role: store.RoleWorker, Team: "t1", Org: "620102"})
	if err != nil {
		t.Fatal(err)
	}
	kr := local.NewMemKeyring(local.KeyringOptions{Iterations: 1000})
	d, status := testDevice(t, h.URL, kr)
	if err := d.Login(ctx, "wang", "a-long-password", "平板"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the first sync", func() bool { return status.get().State == syncer.UpToDate })
	var ent [10]byte
	rand.Read(ent[:])
	c := sync.MakeRecID(model.TypeCase, time.Now().UnixMilli(), ent)
	if _, err := d.Session().Edit(ctx, u.ID,
		sync.Edit{Rec: c, Field: sync.FieldRoot, Value: model.Str(string(c))},
		sync.Edit{Rec: c, Field: "title", Value: model.Str("离线记下的个案")},
		sync.Edit{Rec: c, Field: "worker", Value: model.Str(u.ID)}); err != nil {
		t.Fatal(err)
	}
	d.Lock()

	if err := srv.SetPassword(ctx, u.ID, "a-new-password"); err != nil {
		t.Fatal(err)
	}
	if err := d.Unlock(ctx, "wang", "a-new-pasword"); !errors.Is(err, account.ErrWrongPassword) {
		t.Fatalf("a mistyped new password: %v, want ErrWrongPassword", err)
	}
	if err := d.Login(ctx, "wang", "a-new-password", ""); !errors.Is(err, account.ErrPasswordChanged) {
		t.Fatalf("the new password: %v, want ErrPasswordChanged", err)
	}
	if err := d.AdoptPassword(ctx, "not-the-old-one"); !errors.Is(err, account.ErrWrongPassword) {
		t.Fatalf("a wrong previous password: %v", err)
	}
	if err := d.AdoptPassword(ctx, "a-long-password"); err != nil {
		t.Fatalf("the previous password: %v", err)
	}
	if r, err := d.Session().Record(ctx, c); err != nil || r == nil {
		t.Fatalf("the case written before the reset is gone: %v %v", r, err)
	}
	// The new session is for the same device (a new one would not match
	// the store's device): the case written before the reset goes up.
	waitUntil(t, "a sync with the new session", func() bool {
		recs, _ := d.Store().ListType(ctx, model.TypeCase)
		return status.get().State == syncer.UpToDate && status.get().Pending == 0 && len(recs) == 1
	})
	d.Lock()
	if err := d.Unlock(ctx, "wang", "a-long-password"); !errors.Is(err, account.ErrWrongPassword) {
		t.Fatalf("the previous password still opens the tablet: %v", err)
	}
	if err := d.Unlock(ctx, "wang", "a-new-password"); err != nil {
		t.Fatalf("the new password offline: %v", err)
	}
}
