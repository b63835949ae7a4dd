package localtest

import (
	"errors"
	"slices"
	"testing"

	"jiuzhu/app/local"
	"jiuzhu/shared/sync"
)

// KeyringHarness is called once per test; the func it returns opens the
// keyring of one tablet (the same storage on every call, as after a reload).
type KeyringHarness func(t *testing.T) (open func() *local.Keyring)

// RunKeyring runs the Keyring contract. Tests share the harness's storage
// only through users they create themselves (unique ids and names).
func RunKeyring(t *testing.T, h KeyringHarness) {
	tests := []struct {
		name string
		f    func(*testing.T, func() *local.Keyring)
	}{
		{"CreateThenUnlock", testCreateUnlock},
		{"WrongPasswordChangesNothing", testWrongPassword},
		{"UnknownNameAndDuplicates", testUnknownAndDuplicate},
		{"WipeRemovesEntryAndData", testKeyringWipe},
		{"ChangeTokenAndPassword", testChangeToken},
		{"TwoUsersTwoStores", testTwoUsers},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.f(t, h(t))
		})
	}
}

func hasUser(us []local.User, id, name string) bool {
	return slices.Contains(us, local.User{ID: id, Name: name})
}

func testCreateUnlock(t *testing.T, open func() *local.Keyring) {
	ctx := ctxT(t)
	kr := open()
	user := "u" + newUser()
	name := "社工" + user
	u, err := kr.Create(ctx, user, name, "pässwörd 1", "token-"+user, "dev-"+user)
	must(t, err)
	s, err := u.Open(ctx)
	must(t, err)
	id := RecID("case")
	must(t, s.SavePage(ctx, sync.ClientMeta{Device: u.Device, Cursor: sync.Cursor{Seq: 1}}, []*sync.Record{Rec(id, id, 5)}, nil))
	must(t, s.Close())

	kr = open() // as after a reload
	us, err := kr.Users(ctx)
	must(t, err)
	if !hasUser(us, user, name) {
		t.Fatalf("Users() = %v lacks %s", us, user)
	}
	u2, err := kr.Unlock(ctx, name, "pässwörd 1")
	must(t, err)
	if u2.User != user || u2.Name != name || u2.Token != "token-"+user || u2.Device != "dev-"+user {
		t.Fatalf("unlocked %+v", u2)
	}
	s, err = u2.Open(ctx)
	must(t, err)
	defer s.Close()
	m, err := s.Meta(ctx)
	must(t, err)
	got, err := s.Records(ctx, []sync.RecID{id})
	must(t, err)
	if m.Device != u.Device || m.Cursor.Seq != 1 || got[id] == nil {
		t.Fatalf("after unlock: meta %+v, record %v", m, got[id])
	}
	must(t, kr.Wipe(ctx, user))
}

func testWrongPassword(t *testing.T, open func() *local.Keyring) {
	ctx := ctxT(t)
	kr := open()
	user := "u" + newUser()
	_, err := kr.Create(ctx, user, "n"+user, "right", "tok", "dev")
	must(t, err)
	for _, pw := range []string{"wrong", "", "Right", "right "} {
		if _, err := kr.Unlock(ctx, "n"+user, pw); !errors.Is(err, local.ErrWrongPassword) {
			t.Fatalf("Unlock(%q) = %v, want ErrWrongPassword", pw, err)
		}
	}
	u, err := kr.Unlock(ctx, "n"+user, "right")
	must(t, err)
	if u.Token != "tok" {
		t.Fatalf("token = %q", u.Token)
	}
	must(t, kr.Wipe(ctx, user))
}

func testUnknownAndDuplicate(t *testing.T, open func() *local.Keyring) {
	ctx := ctxT(t)
	kr := open()
	user := "u" + newUser()
	if _, err := kr.Unlock(ctx, "n"+user, "pw"); !errors.Is(err, local.ErrNoUser) {
		t.Fatalf("Unlock of an unknown name = %v, want ErrNoUser", err)
	}
	_, err := kr.Create(ctx, user, "n"+user, "pw", "tok", "dev")
	must(t, err)
	if _, err := kr.Create(ctx, user, "other"+user, "pw", "tok", "dev"); !errors.Is(err, local.ErrExists) {
		t.Fatalf("Create of the same user = %v, want ErrExists", err)
	}
	if _, err := kr.Create(ctx, "x"+user, "n"+user, "pw", "tok", "dev"); !errors.Is(err, local.ErrExists) {
		t.Fatalf("Create of the same name = %v, want ErrExists", err)
	}
	must(t, kr.Wipe(ctx, user))
}

func testKeyringWipe(t *testing.T, open func() *local.Keyring) {
	ctx := ctxT(t)
	kr := open()
	user := "u" + newUser()
	u, err := kr.Create(ctx, user, "n"+user, "pw", "tok", "dev")
	must(t, err)
	s, err := u.Open(ctx)
	must(t, err)
	id := RecID("case")
	must(t, s.SavePage(ctx, sync.ClientMeta{Device: "dev"}, []*sync.Record{Rec(id, id, 4)}, nil))
	photo, data := newBlob(3000)
	must(t, s.PutBlob(ctx, photo, data, true))
	must(t, kr.Wipe(ctx, user)) // with the store still open
	if _, err := s.Meta(ctx); !errors.Is(err, local.ErrClosed) {
		t.Errorf("a store open during Wipe: Meta = %v, want ErrClosed", err)
	}
	if us, _ := kr.Users(ctx); hasUser(us, user, "n"+user) {
		t.Fatalf("Users() after wipe = %v", us)
	}
	if _, err := kr.Unlock(ctx, "n"+user, "pw"); !errors.Is(err, local.ErrNoUser) {
		t.Fatalf("Unlock after wipe = %v, want ErrNoUser", err)
	}
	u, err = kr.Create(ctx, user, "n"+user, "pw2", "tok2", "dev2")
	must(t, err)
	s, err = u.Open(ctx)
	must(t, err)
	defer s.Close()
	if got, _ := s.ListType(ctx, "case"); len(got) != 0 {
		t.Fatalf("a new store after wipe holds %d old records", len(got))
	}
	if m, _ := s.Meta(ctx); m != (sync.ClientMeta{Device: "dev2"}) {
		t.Fatalf("meta of the new store = %+v", m)
	}
	noBlob(t, s, photo)
	pendingAre(t, s)
	must(t, kr.Wipe(ctx, user))
}

func testChangeToken(t *testing.T, open func() *local.Keyring) {
	ctx := ctxT(t)
	kr := open()
	user := "u" + newUser()
	u, err := kr.Create(ctx, user, "n"+user, "pw", "tok", "dev")
	must(t, err)
	must(t, kr.ChangeToken(ctx, u, "tok2", "dev"))
	must(t, kr.ChangePassword(ctx, u, "pw2"))
	kr = open()
	if _, err := kr.Unlock(ctx, "n"+user, "pw"); !errors.Is(err, local.ErrWrongPassword) {
		t.Fatalf("old password after change: %v", err)
	}
	u2, err := kr.Unlock(ctx, "n"+user, "pw2")
	must(t, err)
	if u2.Token != "tok2" {
		t.Fatalf("token = %q", u2.Token)
	}
	must(t, kr.Wipe(ctx, user))
}

func testTwoUsers(t *testing.T, open func() *local.Keyring) {
	ctx := ctxT(t)
	kr := open()
	a, b := "u"+newUser(), "u"+newUser()
	ua, err := kr.Create(ctx, a, "n"+a, "pa", "ta", "da")
	must(t, err)
	ub, err := kr.Create(ctx, b, "n"+b, "pb", "tb", "db")
	must(t, err)
	sa, err := ua.Open(ctx)
	must(t, err)
	defer sa.Close()
	sb, err := ub.Open(ctx)
	must(t, err)
	defer sb.Close()
	id := RecID("case")
	must(t, sa.SavePage(ctx, sync.ClientMeta{Device: "da"}, []*sync.Record{Rec(id, id, 4)}, nil))
	if got, _ := sb.Records(ctx, []sync.RecID{id}); len(got) != 0 {
		t.Fatal("user b sees user a's record")
	}
	if _, err := kr.Unlock(ctx, "n"+a, "pb"); !errors.Is(err, local.ErrWrongPassword) {
		t.Fatalf("b's password unlocks a: %v", err)
	}
	must(t, kr.Wipe(ctx, b))
	if got, _ := sa.Records(ctx, []sync.RecID{id}); len(got) != 1 {
		t.Fatal("wiping b removed a's record")
	}
	must(t, kr.Wipe(ctx, a))
}
