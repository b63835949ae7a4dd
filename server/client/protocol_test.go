package client_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"jiuzhu/server"
	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
	"jiuzhu/shared/wsconn"
)

var codec = sync.Binary{}

func encode(t testing.TB, m sync.Message) []byte {
	t.Helper()
	b, err := codec.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// raw opens a websocket to /sync without the session, to send anything.
func raw(t testing.TB, e *env) *wsconn.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(e.http.URL, "http") + "/sync"
	c, err := wsconn.Dial(ctx, url, http.Header{"Origin": {e.http.URL}}, 4<<20)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// closedWith reads until the server closes, and returns the close status
// and reason, and any error message it sent first.
func closedWith(t testing.TB, c *wsconn.Conn) (websocket.StatusCode, string, *sync.ErrorMsg) {
	t.Helper()
	var msg *sync.ErrorMsg
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		b, err := c.Recv(ctx)
		cancel()
		if err != nil {
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code, ce.Reason, msg
			}
			t.Fatalf("connection ended without a close status: %v", err)
		}
		if m, err := codec.Decode(b); err == nil {
			if em, ok := m.(*sync.ErrorMsg); ok {
				msg = em
			}
		}
	}
}

func send(t testing.TB, c *wsconn.Conn, b []byte) {
	t.Helper()
	if err := c.Send(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}

func recv(t testing.TB, c *wsconn.Conn) sync.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := c.Recv(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m, err := codec.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// stillServing checks that the server answers and a real device syncs.
func stillServing(t testing.TB, e *env, d interface {
	Sync(context.Context) (sync.Report, error)
}) {
	t.Helper()
	resp, err := http.Get(e.http.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz after bad input: %v %v", resp, err)
	}
	resp.Body.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := d.Sync(ctx); err != nil {
		t.Fatalf("a good device cannot sync after bad input: %v", err)
	}
}

func TestBadInputClosesWithReason(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	good := e.login(t, "wang")
	newCase(t, good, "个案")
	syncOK(t, good)
	other := e.login(t, "wang")
	hello := func(token, device string) []byte {
		return encode(t, &sync.Hello{Token: token, Device: device, App: "test"})
	}
	oldVersion := hello(other.Token, other.Session.Device())
	oldVersion[0] = sync.ProtocolVersion - 1

	cases := []struct {
		name   string
		frames [][]byte
		code   websocket.StatusCode
		reason string
		errMsg string
	}{
		{"malformed frame", [][]byte{{sync.ProtocolVersion, byte(sync.THello), 0xff, 0xff, 0xff}}, websocket.StatusProtocolError, "malformed", "protocol"},
		{"newer protocol", [][]byte{{sync.ProtocolVersion + 1, byte(sync.THello)}}, websocket.StatusProtocolError, "server needs updating", "protocol"},
		{"empty frame", [][]byte{{}}, websocket.StatusProtocolError, "malformed", "protocol"},
		{"unknown message type", [][]byte{{sync.ProtocolVersion, 200}}, websocket.StatusProtocolError, "malformed", "protocol"},
		{"push before hello", [][]byte{encode(t, &sync.Push{ID: 1})}, websocket.StatusProtocolError, "expected hello", "protocol"},
		{"older protocol", [][]byte{oldVersion}, server.CloseUpdateRequired, "update", "update_required"},
		{"bad token", [][]byte{hello("not-a-token", other.Session.Device())}, server.CloseUnauthorized, "log in again", "unauthorized"},
		{"token of another device", [][]byte{hello(other.Token, good.Session.Device())}, server.CloseUnauthorized, "log in again", "unauthorized"},
		{"oversize message", [][]byte{bytes.Repeat([]byte{1}, sync.DefaultLimits.MaxMessage+4096)}, websocket.StatusMessageTooBig, "", ""},
		{"server message from a device", [][]byte{hello(other.Token, other.Session.Device()), encode(t, &sync.Poke{})}, websocket.StatusProtocolError, "unexpected poke", "protocol"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn := raw(t, e)
			for _, f := range c.frames {
				conn.Send(context.Background(), f)
			}
			code, reason, msg := closedWith(t, conn)
			if code != c.code || !strings.Contains(reason, c.reason) {
				t.Errorf("closed with %d %q; want %d with %q", code, reason, c.code, c.reason)
			}
			if c.errMsg != "" && (msg == nil || msg.Code != c.errMsg) {
				t.Errorf("error message %+v; want code %q", msg, c.errMsg)
			}
			stillServing(t, e, good)
		})
	}
}

func TestTextFrameRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.http.URL, "http")+"/sync",
		&websocket.DialOptions{HTTPHeader: http.Header{"Origin": {e.http.URL}}, Subprotocols: []string{wsconn.Subprotocol}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	ws.Write(ctx, websocket.MessageText, []byte(`{"t":"hello"}`))
	_, _, err = ws.Read(ctx)
	if got := websocket.CloseStatus(err); got != websocket.StatusUnsupportedData {
		t.Errorf("text frame: close status %d (%v)", got, err)
	}
}

func TestForeignOriginRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	d := e.login(t, "wang")
	d.Origin = "http://evil.example"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := d.Sync(ctx); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("sync from a foreign origin: %v; want 403", err)
	}
}

func TestRevokedDeviceTold(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	d := e.login(t, "wang")
	newCase(t, d, "个案")
	syncOK(t, d)
	if err := e.srv.RevokeDevice(context.Background(), d.Session.Device()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := d.Sync(ctx); !errors.Is(err, sync.ErrRevoked) {
		t.Fatalf("revoked device's sync: %v; want ErrRevoked", err)
	}
	// A revoked device cannot log in again under its id.
	if _, err := client.Login(ctx, e.http.URL, "wang", "wrong-password"); err == nil {
		t.Error("login with a wrong password succeeded")
	}
}

func TestBadChangesRejectedNothingLost(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	d := e.login(t, "wang")
	c := newCase(t, d, "个案")
	syncOK(t, d)
	// An invalid value and a valid one in the same batch.
	if err := d.Edit(context.Background(),
		sync.Edit{Rec: c, Field: "opened", Value: model.Str("not a date")},
		sync.Edit{Rec: c, Field: "no_such_field", Value: model.Str("x")},
		sync.Edit{Rec: c, Field: "title", Value: model.Str("新标题")},
	); err != nil {
		t.Fatal(err)
	}
	rep := syncOK(t, d)
	if rep.Pushed != 1 || rep.Rejected != 2 {
		t.Fatalf("report %+v; want 1 pushed, 2 rejected", rep)
	}
	rej, _ := d.Session.Rejected(context.Background())
	for _, r := range rej {
		if r.Code != sync.CodeSchema || r.Message == "" {
			t.Errorf("rejected %+v; want a schema rejection with a message", r)
		}
	}
	other := e.login(t, "wang")
	syncOK(t, other)
	if v, _ := field(t, other, c, "title"); v != model.Str("新标题") {
		t.Errorf("valid change in a batch with bad ones: %q", v)
	}
	if v, _ := field(t, other, c, "opened"); v != model.Str("2026-11-01") {
		t.Errorf("opened %q; the bad value must not land", v)
	}
}

func TestFutureClockRejected(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	d := e.login(t, "wang")
	c := newCase(t, d, "个案")
	syncOK(t, d)
	future := &sync.ManualTime{T: time.Now().Add(48 * time.Hour)}
	s, err := sync.NewSession(context.Background(), d.Store, future, sync.SessionConfig{Token: d.Token, App: "test"})
	if err != nil {
		t.Fatal(err)
	}
	d.Session = s
	if err := d.Edit(context.Background(), sync.Edit{Rec: c, Field: "title", Value: model.Str("未来")}); err != nil {
		t.Fatal(err)
	}
	syncOK(t, d)
	rej, _ := d.Session.Rejected(context.Background())
	if len(rej) != 1 || rej[0].Code != sync.CodeClock {
		t.Errorf("future clock: rejected %+v", rej)
	}
}

func TestReplayAndGap(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	d := e.login(t, "wang")
	c := newCase(t, d, "个案")
	out, _ := d.Store.Outbox(context.Background())
	syncOK(t, d)
	conn := raw(t, e)
	send(t, conn, encode(t, &sync.Hello{Token: d.Token, Device: d.Session.Device(), App: "test", Cursor: d.Session.Cursor()}))
	if _, ok := recv(t, conn).(*sync.Welcome); !ok {
		t.Fatal("no welcome")
	}
	// The same ops again: acknowledged again with their sequences, applied once.
	send(t, conn, encode(t, &sync.Push{ID: 1, Changes: out}))
	ack := recv(t, conn).(*sync.Ack)
	if len(ack.Accepted) != len(out) || len(ack.Rejected) != 0 {
		t.Fatalf("replayed batch: %+v", ack)
	}
	// The same op id for another change: refused, never taken for a
	// re-delivery (that would lose the change silently).
	reused := out[1]
	reused.Value = model.Str("换了内容")
	send(t, conn, encode(t, &sync.Push{ID: 3, Changes: []sync.Change{reused}}))
	ack = recv(t, conn).(*sync.Ack)
	if len(ack.Rejected) != 1 || ack.Rejected[0].Code != "op_reused" {
		t.Fatalf("reused op: %+v", ack)
	}
	// An op far ahead of the device's counter: a gap.
	gap := out[1]
	gap.Op.Counter += 10
	gap.Value = model.Str("跳号")
	send(t, conn, encode(t, &sync.Push{ID: 2, Changes: []sync.Change{gap}}))
	ack = recv(t, conn).(*sync.Ack)
	if len(ack.Rejected) != 1 || ack.Rejected[0].Code != "gap" {
		t.Fatalf("gap: %+v", ack)
	}
	syncOK(t, d)
	if v, _ := field(t, d, c, "title"); v != model.Str("个案") {
		t.Errorf("title %q after replay and gap", v)
	}
}

func TestPokeReachesConnectedDevice(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	e.user(t, "zhao", store.RoleSupervisor, "t1", "620102")
	e.user(t, "li", store.RoleWorker, "t2", "620103")
	d, sup, other := e.login(t, "wang"), e.login(t, "zhao"), e.login(t, "li")
	listen := func(token, device string) *wsconn.Conn {
		conn := raw(t, e)
		send(t, conn, encode(t, &sync.Hello{Token: token, Device: device, App: "test"}))
		if _, ok := recv(t, conn).(*sync.Welcome); !ok {
			t.Fatal("no welcome")
		}
		return conn
	}
	supConn := listen(sup.Token, sup.Session.Device())
	otherConn := listen(other.Token, other.Session.Device())
	newCase(t, d, "个案")
	syncOK(t, d)
	if _, ok := recv(t, supConn).(*sync.Poke); !ok {
		t.Error("the supervisor's connected tablet was not poked")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if b, err := otherConn.Recv(ctx); err == nil {
		m, _ := codec.Decode(b)
		t.Errorf("a device outside the scope got %v", m.Type())
	}
}
