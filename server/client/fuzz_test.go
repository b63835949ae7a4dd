package client_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"jiuzhu/server/store"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// FuzzServerMessage sends a logged-in connection any bytes after its hello.
// Whatever they are, the server answers or closes the connection, and keeps
// serving: no input crashes it or stops other devices.
func FuzzServerMessage(f *testing.F) {
	e := newEnv(f)
	e.user(f, "wang", store.RoleWorker, "t1", "620102")
	d := e.login(f, "wang")
	c := newCase(f, d, "个案")
	out, _ := d.Store.Outbox(context.Background())
	syncOK(f, d)
	for _, m := range []sync.Message{
		&sync.Push{ID: 1, Changes: out},
		&sync.Pull{ID: 2, Limit: 10},
		&sync.Pull{ID: 3, Cursor: sync.Cursor{Epoch: 9, Seq: 1 << 40}, Limit: 1 << 30},
		&sync.Push{ID: 4, Changes: []sync.Change{{Op: sync.Op{Device: d.Session.Device(), Counter: 99}, Rec: c, Field: "title", Value: model.Str("x"), HLC: 1, By: d.User.ID}}},
		&sync.Hello{Token: d.Token, Device: d.Session.Device()},
		&sync.Poke{},
	} {
		b, err := codec.Encode(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte{sync.ProtocolVersion})
	f.Add([]byte{sync.ProtocolVersion, byte(sync.TPush), 0xff, 0xff, 0xff, 0xff, 0x0f})
	hello, _ := codec.Encode(&sync.Hello{Token: d.Token, Device: d.Session.Device(), App: "fuzz", Cursor: sync.Cursor{Epoch: 1}})
	f.Fuzz(func(t *testing.T, frame []byte) {
		conn := raw(t, e)
		send(t, conn, hello)
		if _, ok := recv(t, conn).(*sync.Welcome); !ok {
			t.Fatal("no welcome")
		}
		conn.Send(context.Background(), frame)
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		for {
			b, err := conn.Recv(ctx)
			if err != nil {
				break // closed, or nothing more to say
			}
			if _, err := codec.Decode(b); err != nil {
				t.Fatalf("the server sent an undecodable message: %v", err)
			}
		}
		resp, err := http.Get(e.http.URL + "/healthz")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("server unhealthy after %x: %v", frame, err)
		}
		resp.Body.Close()
	})
}
