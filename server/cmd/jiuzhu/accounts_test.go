package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"jiuzhu/server/store"
	"jiuzhu/server/store/bolt"
)

func runWith(t *testing.T, input string, args ...string) (int, string, string) {
	t.Helper()
	stdin = strings.NewReader(input)
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUserAddListAndBadInput(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runWith(t, "a-long-password\n", "user", "add", "--data", dir, "--name", "wang", "--role", "worker", "--team", "t1", "--org", "620102")
	if code != 0 || !strings.Contains(out, "added user wang") {
		t.Fatalf("user add: %d %q %q", code, out, errs)
	}
	for _, c := range []struct {
		input string
		args  []string
		code  int
		want  string
	}{
		{"a-long-password\n", []string{"user", "add", "--data", dir, "--name", "wang", "--org", "620102"}, 1, "already exists"},
		{"short\n", []string{"user", "add", "--data", dir, "--name", "li", "--org", "620102"}, 1, "at least 8"},
		{"a-long-password\n", []string{"user", "add", "--data", dir, "--name", "li", "--role", "boss", "--org", "620102"}, 1, "use worker, supervisor or admin"},
		{"a-long-password\n", []string{"user", "add", "--data", dir, "--name", "li", "--org", "gansu"}, 1, "administrative division code"},
		{"a-long-password\n", []string{"user", "add", "--data", dir, "--name", "li", "--role", "supervisor", "--org", "6201"}, 1, "needs a --team"},
		{"a-long-password\n", []string{"user", "add", "--data", dir, "--name", "x", "--org", "6201"}, 1, "2–64"},
		{"", []string{"user", "add", "--bogus"}, 2, "Usage"},
		{"", []string{"user"}, 2, "Usage"},
		{"", []string{"user", "remove"}, 2, "unknown subcommand"},
		{"", []string{"device", "revoke", "--data", dir, "no-such-device"}, 1, "no device"},
		{"", []string{"device", "revoke", "--data", dir}, 2, "Usage"},
		{"", []string{"device", "list", "--data", dir, "--user", "nobody"}, 1, "no user"},
	} {
		code, _, errs := runWith(t, c.input, c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("jiuzhu %v: exit %d, stderr %q; want %d with %q", c.args, code, errs, c.code, c.want)
		}
	}
	code, out, _ = runWith(t, "", "user", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "wang") || !strings.Contains(out, "620102") || strings.Contains(out, "argon2") {
		t.Errorf("user list: %d %q", code, out)
	}
	code, out, _ = runWith(t, "", "device", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "REVOKED") {
		t.Errorf("device list: %d %q", code, out)
	}
}

// demo gives a user generated cases (the browser tests see them arrive on
// a tablet); bad input is refused with a message saying what to fix.
func TestDemo(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := runWith(t, "a-long-password\n", "user", "add", "--data", dir, "--name", "wang", "--org", "620102"); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := runWith(t, "", "demo", "--data", dir, "--user", "wang", "--cases", "3")
	if code != 0 || !strings.Contains(out, "gave wang 3 generated cases (210 field values)") {
		t.Fatalf("demo: %d %q %q", code, out, errs)
	}
	// A second load into the same directory, for another worker, is whole
	// too (op ids of one load must not pass for another's).
	if code, _, errs := runWith(t, "a-long-password\n", "user", "add", "--data", dir, "--name", "li", "--org", "620102"); code != 0 {
		t.Fatal(errs)
	}
	if code, _, errs := runWith(t, "", "demo", "--data", dir, "--user", "li", "--cases", "5", "--seed", "2"); code != 0 {
		t.Fatal(errs)
	}
	st, err := bolt.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	err = st.View(context.Background(), func(tx store.ReadTx) error {
		for name, want := range map[string]int{"wang": 3, "li": 5} {
			u, _, err := tx.UserByName(name)
			if err != nil {
				return err
			}
			roots, err := tx.Assigned(u.ID)
			if err != nil {
				return err
			}
			if len(roots) != want {
				t.Errorf("%s has %d cases, want %d", name, len(roots), want)
			}
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"demo", "--data", dir, "--user", "nobody"}, 1, `no user "nobody"`},
		{[]string{"demo", "--data", dir}, 2, "--user is required"},
		{[]string{"demo", "--data", dir, "--user", "wang", "--cases", "0"}, 2, "--cases must be"},
	} {
		code, _, errs := runWith(t, "", c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("jiuzhu %v: exit %d, stderr %q; want %d with %q", c.args, code, errs, c.code, c.want)
		}
	}
}
