package sync

import (
	"context"
	"errors"
	"testing"
	"time"
)

// scriptConn answers each request with the messages a function returns.
type scriptConn struct {
	codec  Codec
	answer func(Message) []Message
	queue  [][]byte
}

func (c *scriptConn) Send(_ context.Context, b []byte) error {
	m, err := c.codec.Decode(b)
	if err != nil {
		return err
	}
	for _, a := range c.answer(m) {
		ab, err := c.codec.Encode(a)
		if err != nil {
			return err
		}
		c.queue = append(c.queue, ab)
	}
	return nil
}

func (c *scriptConn) Recv(context.Context) ([]byte, error) {
	if len(c.queue) == 0 {
		return nil, context.DeadlineExceeded
	}
	b := c.queue[0]
	c.queue = c.queue[1:]
	return b, nil
}

func newTestSession(t *testing.T) (*Session, *MemClientStore) {
	t.Helper()
	st := NewMemClientStore("dev1")
	s, err := NewSession(context.Background(), st, &ManualTime{T: t0}, SessionConfig{Timeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return s, st
}

func TestSessionRevoked(t *testing.T) {
	t.Parallel()
	s, _ := newTestSession(t)
	c := &scriptConn{codec: Binary{}, answer: func(Message) []Message { return []Message{&Revoked{Reason: "lost"}} }}
	if _, err := s.Sync(context.Background(), c); !errors.Is(err, ErrRevoked) {
		t.Fatalf("Sync = %v, want ErrRevoked", err)
	}
}

func TestSessionRejectedKeptAndTimeout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, st := newTestSession(t)
	rec := rid("case", 1)
	if _, err := s.Edit(ctx, "u1", Edit{rec, "a", `1`}, Edit{rec, "b", `2`}); err != nil {
		t.Fatal(err)
	}
	srv := newSimServer(t0)
	c := &scriptConn{codec: Binary{}, answer: func(m Message) []Message {
		if p, ok := m.(*Push); ok { // the server refuses field b
			a := &Ack{ID: p.ID}
			for _, ch := range p.Changes {
				if ch.Field == "b" {
					a.Rejected = append(a.Rejected, Rejected{ch.Op, CodeDenied, "no"})
				} else {
					res, _ := srv.log.Apply(srv.store, Author{"dev1", "u1"}, t0, []Change{ch})
					a.Accepted = append(a.Accepted, res.Accepted...)
				}
			}
			return []Message{a}
		}
		return srv.handle(Author{"dev1", "u1"}, m)
	}}
	rep, err := s.Sync(ctx, c)
	if err != nil || rep.Pushed != 1 || rep.Rejected != 1 {
		t.Fatalf("Sync = %+v, %v", rep, err)
	}
	rej, _ := s.Rejected(ctx)
	if len(rej) != 1 || rej[0].Field != "b" || rej[0].Code != CodeDenied {
		t.Fatalf("rejected %+v", rej)
	}
	r, _ := s.Record(ctx, rec)
	if v, _ := r.Get("a"); v != `1` || r.Fields["a"].Seq == 0 {
		t.Fatalf("record %+v", r)
	}
	if _, ok := r.Get("b"); ok {
		t.Fatal("rejected change still shown in the record")
	}
	if err := st.DismissRejected(ctx, rej[0].Op); err != nil {
		t.Fatal(err)
	}
	// A server that never answers: Sync gives up with ErrTimeout, outbox kept.
	s.Edit(ctx, "u1", Edit{rec, "c", `3`})
	silent := &scriptConn{codec: Binary{}, answer: func(m Message) []Message {
		if _, ok := m.(*Hello); ok {
			return []Message{&Welcome{Epoch: 1}}
		}
		return nil
	}}
	if _, err := s.Sync(ctx, silent); !errors.Is(err, ErrTimeout) {
		t.Fatalf("Sync = %v, want ErrTimeout", err)
	}
	if out, _ := st.Outbox(ctx); len(out) != 1 {
		t.Fatalf("outbox %d, want 1", len(out))
	}
}

func TestSessionCounterDurable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := NewMemClientStore("dev1")
	mt := &ManualTime{T: t0}
	s1, _ := NewSession(ctx, st, mt, SessionConfig{})
	a, _ := s1.Edit(ctx, "u", Edit{rid("case", 1), "a", `1`})
	mt.Advance(-time.Hour) // the tablet's clock jumps back before the restart
	s2, _ := NewSession(ctx, st, mt, SessionConfig{})
	b, _ := s2.Edit(ctx, "u", Edit{rid("case", 1), "a", `2`})
	if b[0].Op.Counter != a[0].Op.Counter+1 || b[0].HLC <= a[0].HLC {
		t.Fatalf("after restart: %v %v, before %v %v", b[0].Op, b[0].HLC, a[0].Op, a[0].HLC)
	}
	if _, err := s2.Edit(ctx, "u", Edit{rid("case", 1), "a", `{`}); err == nil {
		t.Fatal("invalid JSON accepted")
	}
	if c, _ := s2.Edit(ctx, "u", Edit{rid("case", 1), "a", `3`}); c[0].Op.Counter != b[0].Op.Counter+1 {
		t.Fatal("a failed edit used up a counter")
	}
}

// A page's Drop removes the roots and everything under them, nothing else.
func TestMemClientStoreDrop(t *testing.T) {
	ctx := context.Background()
	st := NewMemClientStore("dev1")
	rec := func(id, root string) *Record {
		return &Record{ID: RecID(id), Fields: map[string]FieldState{FieldRoot: {Value: `"` + root + `"`}}}
	}
	const a, b = "case/01J0000000000000000000000A", "case/01J0000000000000000000000B"
	recs := []*Record{rec(a, a), rec("note/01J0000000000000000000000C", a), rec(b, b), rec("note/01J0000000000000000000000D", b)}
	if err := st.SavePage(ctx, ClientMeta{}, recs, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.SavePage(ctx, ClientMeta{}, nil, []RecID{a}); err != nil {
		t.Fatal(err)
	}
	got, _ := st.Records(ctx, []RecID{a, "note/01J0000000000000000000000C", b, "note/01J0000000000000000000000D"})
	if len(got) != 2 || got[b] == nil || got["note/01J0000000000000000000000D"] == nil {
		t.Errorf("after dropping %s: %v", a, got)
	}
}

func TestWithPending(t *testing.T) {
	a := &Record{ID: "case/01J0000000000000000000000A", Fields: map[string]FieldState{"title": {Value: `"old"`, HLC: 1, Op: Op{Device: "d", Counter: 1}}}}
	out := []Change{
		{Op: Op{Device: "d", Counter: 2}, Rec: a.ID, Field: "title", Value: `"new"`, HLC: 5},
		{Op: Op{Device: "d", Counter: 3}, Rec: "case/01J0000000000000000000000B", Field: "title", Value: `"b"`, HLC: 6},
		{Op: Op{Device: "d", Counter: 4}, Rec: "note/01J0000000000000000000000C", Field: "text", Value: `"x"`, HLC: 7},
	}
	got := WithPending([]*Record{a}, out, "case")
	if len(got) != 2 {
		t.Fatalf("got %d records", len(got))
	}
	if v, _ := got[0].Get("title"); v != `"new"` {
		t.Errorf("pending edit not applied: %s", v)
	}
	if v, _ := a.Get("title"); v != `"old"` {
		t.Error("WithPending changed its input")
	}
	if v, _ := got[1].Get("title"); got[1].ID != "case/01J0000000000000000000000B" || v != `"b"` {
		t.Errorf("new record from the outbox: %v", got[1])
	}
}
