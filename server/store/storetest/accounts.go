package storetest

import (
	"bytes"
	"errors"
	"reflect"
	"time"

	"jiuzhu/server/store"
)

var t0 = time.Date(2025, 3, 1, 8, 0, 0, 123456789, time.UTC)

func user(id, name string) store.User {
	return store.User{ID: id, Name: name, Role: store.RoleWorker, Team: "城关一队", Org: "620102",
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA", Created: t0}
}

func testUsers(e *env) {
	u1, u2, u3 := user("u1", "alice"), user("u2", "bob"), user("u3", "alice")
	u2.Role, u2.Disabled = store.RoleSupervisor, true
	u1.LockedUntil = t0.Add(30 * time.Minute) // locked out after failed logins
	e.update(func(tx store.Tx) error {
		e.check(tx.PutUser(u2))
		e.check(tx.PutUser(u1))
		return nil
	})
	err := e.s.Update(e.ctx, func(tx store.Tx) error { return tx.PutUser(u3) })
	if !errors.Is(err, store.ErrExists) {
		e.t.Fatalf("PutUser with a taken name: %v, want ErrExists", err)
	}
	for _, bad := range []store.User{user("", "carol"), user("u4", "")} {
		if err := e.s.Update(e.ctx, func(tx store.Tx) error { return tx.PutUser(bad) }); err == nil {
			e.t.Errorf("PutUser(%+v) succeeded", bad)
		}
	}
	lookup := func(tx store.ReadTx, name string, want *store.User) {
		e.t.Helper()
		got, ok, err := tx.UserByName(name)
		e.check(err)
		switch {
		case want == nil && ok:
			e.t.Errorf("UserByName(%s) = %+v, want none", name, got)
		case want != nil && (!ok || !reflect.DeepEqual(got, *want)):
			e.t.Errorf("UserByName(%s) = %+v, %v; want %+v", name, got, ok, *want)
		}
	}
	e.view(func(tx store.ReadTx) error {
		got, ok, err := tx.User("u2")
		if err != nil || !ok || !reflect.DeepEqual(got, u2) {
			e.t.Errorf("User(u2) = %+v, %v, %v; want %+v", got, ok, err, u2)
		}
		if _, ok, _ := tx.User("u3"); ok {
			e.t.Error("refused user u3 was stored")
		}
		lookup(tx, "alice", &u1)
		lookup(tx, "bob", &u2)
		lookup(tx, "alic", nil)
		all, err := tx.Users()
		if e.check(err); !reflect.DeepEqual(all, []store.User{u1, u2}) {
			e.t.Errorf("Users = %+v", all)
		}
		return nil
	})
	// Renaming frees the old name; replacing under the same name is fine;
	// an unlock clears the lockout.
	u1.Name, u1.LockedUntil = "alice2", time.Time{}
	u2.Team = "七里河"
	e.update(func(tx store.Tx) error {
		e.check(tx.PutUser(u1))
		e.check(tx.PutUser(u2))
		lookup(tx, "alice", nil)
		return tx.PutUser(u3)
	})
	e.view(func(tx store.ReadTx) error {
		lookup(tx, "alice", &u3)
		lookup(tx, "alice2", &u1)
		lookup(tx, "bob", &u2)
		all, err := tx.Users()
		if e.check(err); !reflect.DeepEqual(all, []store.User{u1, u2, u3}) {
			e.t.Errorf("Users = %+v", all)
		}
		return nil
	})
}

func testSessions(e *env) {
	h1, h2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	h3 := append(bytes.Repeat([]byte{1}, 31), 0)
	s1 := store.Session{TokenHash: bytes.Clone(h1), User: "u1", Device: "d1", Created: t0, Expires: t0.Add(time.Hour)}
	s2 := store.Session{TokenHash: bytes.Clone(h2), User: "u2", Device: "d2", Created: t0,
		Expires: t0.Add(24 * time.Hour).In(time.FixedZone("CST", 8*3600)), LastUsed: t0.Add(time.Minute)}
	s3 := store.Session{TokenHash: bytes.Clone(h3), User: "u1", Device: "d3", Created: t0, Expires: t0.Add(time.Hour),
		LastUsed: t0.Add(2 * time.Minute).In(time.FixedZone("CST", 8*3600))}
	e.update(func(tx store.Tx) error {
		e.check(tx.PutSession(s1))
		e.check(tx.PutSession(s2))
		e.check(tx.PutSession(s3))
		return nil
	})
	s1.TokenHash[0] = 9 // the store kept its own copy
	s1.TokenHash = h1
	if err := e.s.Update(e.ctx, func(tx store.Tx) error { return tx.PutSession(store.Session{User: "u1"}) }); err == nil {
		e.t.Error("PutSession without a token hash succeeded")
	}
	same := func(a, b store.Session) bool {
		return bytes.Equal(a.TokenHash, b.TokenHash) && a.User == b.User && a.Device == b.Device &&
			a.Created.Equal(b.Created) && a.Expires.Equal(b.Expires) && a.LastUsed.Equal(b.LastUsed)
	}
	sessions := func(tx store.ReadTx, user string, want ...store.Session) {
		e.t.Helper()
		got, err := tx.Sessions(user)
		e.check(err)
		ok := len(got) == len(want)
		for i := 0; ok && i < len(got); i++ {
			ok = same(got[i], want[i])
		}
		if !ok {
			e.t.Errorf("Sessions(%q) = %+v\nwant %+v", user, got, want)
		}
	}
	e.view(func(tx store.ReadTx) error {
		sessions(tx, "u1", s3, s1) // in token hash order
		sessions(tx, "u2", s2)
		sessions(tx, "u9")
		sessions(tx, "", s3, s1, s2)
		if all, _ := tx.Sessions(""); len(all) > 0 {
			all[0].TokenHash[0] = 7 // a copy: the store's is unchanged
		}
		for _, want := range []store.Session{s1, s2, s3} {
			got, ok, err := tx.Session(want.TokenHash)
			if err != nil || !ok || !same(got, want) {
				e.t.Errorf("Session(%x) = %+v, %v, %v; want %+v", want.TokenHash, got, ok, err, want)
			}
		}
		if _, ok, _ := tx.Session(h1[:31]); ok {
			e.t.Error("Session found by a prefix of its hash")
		}
		return nil
	})
	s2.Expires = t0.Add(48 * time.Hour)
	e.update(func(tx store.Tx) error {
		e.check(tx.DeleteSession(h1))
		e.check(tx.DeleteSession(h1))
		e.check(tx.DeleteSession([]byte("unknown")))
		return tx.PutSession(s2)
	})
	e.view(func(tx store.ReadTx) error {
		if _, ok, _ := tx.Session(h1); ok {
			e.t.Error("deleted session found")
		}
		if got, ok, err := tx.Session(h2); err != nil || !ok || !same(got, s2) {
			e.t.Errorf("Session(h2) = %+v, %v, %v; want %+v", got, ok, err, s2)
		}
		sessions(tx, "u1", s3)
		sessions(tx, "", s3, s2)
		return nil
	})
}

func testDevices(e *env) {
	dev := func(id, user string) store.Device {
		return store.Device{ID: id, User: user, Name: "平板 " + id, App: "1.0.0", Created: t0, LastSeen: t0.Add(time.Minute)}
	}
	d1, d2, d3, d10 := dev("d1", "u1"), dev("d2", "u2"), dev("d3", "u1"), dev("d10", "u10")
	e.update(func(tx store.Tx) error {
		for _, d := range []store.Device{d3, d10, d2, d1} {
			e.check(tx.PutDevice(d))
		}
		return nil
	})
	if err := e.s.Update(e.ctx, func(tx store.Tx) error { return tx.PutDevice(dev("", "u1")) }); err == nil {
		e.t.Error("PutDevice without an id succeeded")
	}
	devices := func(tx store.ReadTx, user string, want ...store.Device) {
		e.t.Helper()
		got, err := tx.Devices(user)
		e.check(err)
		if len(got) != 0 || len(want) != 0 {
			if !reflect.DeepEqual(got, want) {
				e.t.Errorf("Devices(%q) = %+v\nwant %+v", user, got, want)
			}
		}
	}
	e.view(func(tx store.ReadTx) error {
		devices(tx, "u1", d1, d3)
		devices(tx, "u2", d2)
		devices(tx, "u10", d10)
		devices(tx, "u", []store.Device{}...)
		devices(tx, "", d1, d10, d2, d3)
		if got, ok, err := tx.Device("d3"); err != nil || !ok || !reflect.DeepEqual(got, d3) {
			e.t.Errorf("Device(d3) = %+v, %v, %v", got, ok, err)
		}
		return nil
	})
	// Moving a device to another user, and revoking one.
	d3.User = "u2"
	d1.Revoked, d1.RevokedAt = true, t0.Add(time.Hour)
	e.update(func(tx store.Tx) error {
		e.check(tx.PutDevice(d3))
		e.check(tx.PutDevice(d1))
		return nil
	})
	e.view(func(tx store.ReadTx) error {
		devices(tx, "u1", d1)
		devices(tx, "u2", d2, d3)
		devices(tx, "", d1, d10, d2, d3)
		return nil
	})
}

func testAudit(e *env) {
	a := func(action, target string) store.AuditEntry {
		return store.AuditEntry{At: t0, User: "u1", Device: "d1", Action: action, Target: target, Detail: "细节"}
	}
	var want []store.AuditEntry
	add := func(tx store.Tx, x store.AuditEntry) {
		e.t.Helper()
		seq, err := tx.AppendAudit(x)
		e.check(err)
		if len(want) > 0 && seq <= want[len(want)-1].Seq {
			e.t.Errorf("audit seq %d after %d", seq, want[len(want)-1].Seq)
		}
		x.Seq = seq
		want = append(want, x)
	}
	e.update(func(tx store.Tx) error {
		add(tx, a("login", "u1"))
		add(tx, a("push", "case/1"))
		return nil
	})
	boom := errors.New("boom")
	err := e.s.Update(e.ctx, func(tx store.Tx) error {
		_, err := tx.AppendAudit(a("rolled_back", ""))
		e.check(err)
		return boom
	})
	if !errors.Is(err, boom) {
		e.t.Fatalf("Update = %v, want boom", err)
	}
	e.update(func(tx store.Tx) error {
		add(tx, store.AuditEntry{Action: "device_revoke"})
		return nil
	})
	e.view(func(tx store.ReadTx) error {
		if got := auditOf(e, tx, 0); !reflect.DeepEqual(got, want) {
			e.t.Errorf("Audit(0):\n got %+v\nwant %+v", got, want)
		}
		if got := auditOf(e, tx, want[0].Seq); !reflect.DeepEqual(got, want[1:]) {
			e.t.Errorf("Audit(%d) = %+v", want[0].Seq, got)
		}
		if got := auditOf(e, tx, want[2].Seq); len(got) != 0 {
			e.t.Errorf("Audit(last) = %+v", got)
		}
		n := 0
		e.check(tx.Audit(0, func(store.AuditEntry) (bool, error) { n++; return false, nil }))
		if n != 1 {
			e.t.Errorf("Audit went on after false: %d calls", n)
		}
		return nil
	})
}
