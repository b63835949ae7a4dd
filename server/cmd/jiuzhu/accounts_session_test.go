package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"jiuzhu/server"
	"jiuzhu/server/store"
	"jiuzhu/server/store/bolt"
)

// storeOf runs fn on the store in dir (the server stopped).
func storeOf(t *testing.T, dir string, fn func(tx store.Tx) error) {
	t.Helper()
	st, err := bolt.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// `user unlock`, `user logout` and `user passwd` act on a data directory
// with the server stopped, each audited; bad input says what to fix.
func TestUserUnlockLogoutPasswd(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := runWith(t, "a-long-password\n", "user", "add", "--data", dir, "--name", "wang", "--org", "620102"); code != 0 {
		t.Fatal(errs)
	}
	until := time.Now().Add(20 * time.Minute)
	var id string
	storeOf(t, dir, func(tx store.Tx) error {
		u, _, err := tx.UserByName("wang")
		id, u.LockedUntil = u.ID, until
		for i := range 2 {
			err = errors.Join(err, tx.PutSession(store.Session{TokenHash: []byte{byte(i + 1)}, User: u.ID, Device: "d",
				Created: time.Now(), Expires: until}))
		}
		return errors.Join(err, tx.PutUser(u))
	})

	code, out, _ := runWith(t, "", "user", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "LOCKED UNTIL") || !strings.Contains(out, until.Format("2006-01-02 15:04")) {
		t.Errorf("user list of a locked user: %d %q", code, out)
	}
	code, out, errs := runWith(t, "", "user", "unlock", "--data", dir, "wang")
	if code != 0 || !strings.Contains(out, "unlocked wang (was locked until "+until.Format("2006-01-02 15:04")) {
		t.Errorf("user unlock: %d %q %q", code, out, errs)
	}
	code, out, _ = runWith(t, "", "user", "unlock", "--data", dir, "wang")
	if code != 0 || !strings.Contains(out, "wang was not locked") {
		t.Errorf("user unlock again: %d %q", code, out)
	}
	code, out, _ = runWith(t, "", "user", "logout", "--data", dir, "wang")
	if code != 0 || !strings.Contains(out, "2 sessions ended") {
		t.Errorf("user logout: %d %q", code, out)
	}
	code, out, errs = runWith(t, "new-long-password\n", "user", "passwd", "--data", dir, "wang")
	if code != 0 || !strings.Contains(out, "set the password of wang: 0 sessions ended") {
		t.Errorf("user passwd: %d %q %q", code, out, errs)
	}

	for _, c := range []struct {
		input string
		args  []string
		code  int
		want  string
	}{
		{"", []string{"user", "unlock", "--data", dir}, 2, "Usage: jiuzhu user unlock"},
		{"", []string{"user", "logout", "--data", dir, "wang", "li"}, 2, "Usage: jiuzhu user logout"},
		{"", []string{"user", "passwd", "--data", dir}, 2, "Usage: jiuzhu user passwd"},
		{"", []string{"user", "unlock", "--data", dir, "nobody"}, 1, `no user "nobody"`},
		{"", []string{"user", "logout", "--data", dir, "nobody"}, 1, `no user "nobody"`},
		{"another-long-password\n", []string{"user", "passwd", "--data", dir, "nobody"}, 1, `no user "nobody"`},
		{"short\n", []string{"user", "passwd", "--data", dir, "wang"}, 1, "at least 8 characters"},
		{"", []string{"user", "passwd", "--data", dir, "wang"}, 1, "密码至少 8 个字符"},
		{"", []string{"user", "lock"}, 2, "user add|list|unlock|logout|passwd"},
	} {
		code, _, errs := runWith(t, c.input, c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("jiuzhu %v: exit %d, stderr %q; want %d with %q", c.args, code, errs, c.code, c.want)
		}
	}

	st, err := bolt.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var actions []string
	st.View(context.Background(), func(tx store.ReadTx) error {
		u, _, _ := tx.User(id)
		if !u.LockedUntil.IsZero() {
			t.Errorf("still locked: %+v", u)
		}
		if ok, _ := server.CheckPassword(u.PasswordHash, "new-long-password"); !ok {
			t.Error("the new password does not match")
		}
		if sessions, _ := tx.Sessions(id); len(sessions) != 0 {
			t.Errorf("sessions left: %+v", sessions)
		}
		return tx.Audit(0, func(a store.AuditEntry) (bool, error) {
			if a.Target == id && a.User == "" {
				actions = append(actions, a.Action+": "+a.Detail)
			}
			return true, nil
		})
	})
	want := []string{"user_add: worker", "user_unlock: was locked until " + until.UTC().Format(time.RFC3339), "user_unlock: was not locked",
		"logout_everywhere: 2 sessions ended", "password_reset: 0 sessions ended"}
	if strings.Join(actions, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit:\n%s\nwant\n%s", strings.Join(actions, "\n"), strings.Join(want, "\n"))
	}
}
