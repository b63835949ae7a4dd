package bolt

import (
	"strings"
	"testing"
	"time"

	"jiuzhu/server/store"
)

// Records written before lockouts and idle expiry existed read as not
// locked and not used since login; zero times are not written at all.
func TestAccountRecordsBeforeLockouts(t *testing.T) {
	u, err := decodeUser([]byte(`{"id":"u1","name":"wang","role":"worker","org":"620102","pw":"$argon2id$x","created":"2025-03-01T08:00:00Z"}`))
	if err != nil || u.Name != "wang" || !u.LockedUntil.IsZero() || u.Locked(time.Now()) {
		t.Errorf("old user record: %+v, %v", u, err)
	}
	s, err := decodeSession([]byte(`{"token":"AQID","user":"u1","device":"d1","created":"2025-03-01T08:00:00Z","expires":"2025-05-30T08:00:00Z"}`))
	if err != nil || s.User != "u1" || !s.LastUsed.IsZero() {
		t.Errorf("old session record: %+v, %v", s, err)
	}
	b, err := encodeUser(store.User{ID: "u1", Name: "wang", Role: store.RoleWorker})
	if err != nil || strings.Contains(string(b), "locked") {
		t.Errorf("unlocked user written as %s (%v)", b, err)
	}
	b, err = encodeSession(store.Session{TokenHash: []byte{1}, User: "u1"})
	if err != nil || strings.Contains(string(b), "last_used") {
		t.Errorf("unused session written as %s (%v)", b, err)
	}
	until := time.Date(2025, 3, 1, 8, 30, 0, 0, time.FixedZone("CST", 8*3600))
	b, _ = encodeUser(store.User{ID: "u1", Name: "wang", LockedUntil: until})
	if u, err := decodeUser(b); err != nil || !u.LockedUntil.Equal(until) || u.LockedUntil.Location() != time.UTC {
		t.Errorf("locked user read back as %+v (%v) from %s", u, err, b)
	}
}
