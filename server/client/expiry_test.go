package client_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	gosync "sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"jiuzhu/server"
	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

// fakeClock is a server clock a test moves.
type fakeClock struct {
	mu gosync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// An expired session is refused with a reason saying to log in again; a
// new login works.
func TestExpiredTokenRefused(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Now()}
	s, err := server.New(server.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler), Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	h := httptest.NewServer(s.Handler())
	t.Cleanup(func() { h.Close(); s.Close() })
	e := &env{srv: s, http: h}
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	d := e.login(t, "wang")
	syncOK(t, d)
	clock.add(91 * 24 * time.Hour)
	conn := raw(t, e)
	send(t, conn, encode(t, &sync.Hello{Token: d.Token, Device: d.Session.Device()}))
	code, reason, msg := closedWith(t, conn)
	if code != server.CloseUnauthorized || msg == nil || msg.Code != "unauthorized" {
		t.Errorf("expired token: %d %q %+v", code, reason, msg)
	}
	if code := websocket.StatusCode(code); code != 4001 {
		t.Errorf("close code %d", code)
	}
	fresh := e.login(t, "wang")
	if _, err := fresh.Sync(context.Background()); err != nil {
		t.Errorf("after logging in again: %v", err)
	}
}
