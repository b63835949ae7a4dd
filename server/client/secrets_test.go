package client_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	gosync "sync"
	"testing"

	"jiuzhu/server"
	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

type lockedBuffer struct {
	mu gosync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Neither passwords nor session tokens reach the log, whatever happens.
func TestSecretsNeverLogged(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	s, err := server.New(server.Config{DataDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	h := httptest.NewServer(s.Handler())
	defer func() { h.Close(); s.Close() }()
	e := &env{srv: s, http: h}
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	d := e.login(t, "wang")
	newCase(t, d, "个案")
	syncOK(t, d)
	e.login(t, "wang")
	// A failed login, a bad token, a revoked device.
	if _, err := client.Login(context.Background(), h.URL, "wang", password+"-wrong"); err == nil {
		t.Fatal("wrong password accepted")
	}
	conn := raw(t, e)
	send(t, conn, encode(t, &sync.Hello{Token: d.Token + "x", Device: d.Session.Device()}))
	closedWith(t, conn)
	s.RevokeDevice(context.Background(), d.Session.Device())
	d.Sync(context.Background())
	out := logs.String()
	for _, want := range []string{"login failed", "sync closed"} {
		if !bytes.Contains([]byte(out), []byte(want)) {
			t.Errorf("the log lacks %q, so this test sees nothing:\n%s", want, out)
		}
	}
	for _, secret := range []string{d.Token, password} {
		if bytes.Contains([]byte(out), []byte(secret)) {
			t.Errorf("the log contains a secret:\n%s", out)
		}
	}
}
