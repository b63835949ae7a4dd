package client_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"jiuzhu/server/store"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// oldCodec speaks an older protocol version, as an app that was offline
// through a server upgrade would.
type oldCodec struct{ sync.Binary }

func (c oldCodec) Encode(m sync.Message) ([]byte, error) {
	b, err := c.Binary.Encode(m)
	if err == nil {
		b[0] = sync.ProtocolVersion - 1
	}
	return b, err
}

// A client too old to sync is told to update, and its outbox is kept.
func TestTooOldClientKeepsOutbox(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	d := e.login(t, "wang")
	newCase(t, d, "离线时写的个案")
	old, err := sync.NewSession(context.Background(), d.Store, sync.TimeFunc(nowFunc), sync.SessionConfig{Token: d.Token, Codec: oldCodec{}})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := d.Dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = old.Sync(context.Background(), conn)
	conn.CloseNow()
	var se *sync.ServerError
	if !errors.As(err, &se) || se.Code != "update_required" {
		t.Fatalf("old client's sync: %v; want the server's update_required", err)
	}
	if out, _ := d.Store.Outbox(context.Background()); len(out) != 4 {
		t.Fatalf("outbox has %d changes after the refusal; want all 4 kept", len(out))
	}
	// Updated, the same device sends them.
	if rep := syncOK(t, d); rep.Pushed != 4 {
		t.Errorf("after updating: %+v", rep)
	}
}

// Fields a device's app does not know (a newer app wrote them) are kept
// when it edits the record: merging is per field.
func TestUnknownFieldsKept(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	newer, older := e.login(t, "wang"), e.login(t, "wang")
	c := newCase(t, newer, "个案")
	if err := newer.Edit(context.Background(), sync.Edit{Rec: c, Field: "division", Value: model.Str("620102001")}); err != nil {
		t.Fatal(err)
	}
	syncOK(t, newer)
	syncOK(t, older)
	// The older app changes only the field it knows.
	if err := older.Edit(context.Background(), sync.Edit{Rec: c, Field: "title", Value: model.Str("旧版改的标题")}); err != nil {
		t.Fatal(err)
	}
	syncOK(t, older)
	syncOK(t, newer)
	for _, d := range []interface {
		Record(context.Context, sync.RecID) (*sync.Record, error)
	}{newer, older} {
		r, _ := d.Record(context.Background(), c)
		if v, _ := r.Get("division"); v != model.Str("620102001") {
			t.Errorf("division lost: %q", v)
		}
		if v, _ := r.Get("title"); v != model.Str("旧版改的标题") {
			t.Errorf("title %q", v)
		}
	}
}

func nowFunc() time.Time { return time.Now() }
