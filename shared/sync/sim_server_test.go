package sync

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// simSchema is the schema of the simulation: "case" records with a few
// editable fields and append-only "note" records.
type simSchema struct{}

func (simSchema) AppendOnly(typ string) bool { return typ == "note" }

func (simSchema) CheckField(typ, field, value string) error {
	switch typ {
	case "case":
		switch field {
		case "a", "b", "c", FieldRoot:
			return nil
		}
	case "note":
		switch field {
		case "text", FieldRoot:
			return nil
		}
	}
	return fmt.Errorf("unknown field %s.%s", typ, field)
}

// simServer is the server model: a MemStore and a Log behind the protocol.
type simServer struct {
	store *MemStore
	log   *Log
	time  *ManualTime
	epoch uint64
	fail  error // first broken server-side invariant
}

func newSimServer(now time.Time) *simServer {
	return &simServer{
		store: NewMemStore(),
		log:   &Log{Schema: simSchema{}, MaxSkew: time.Hour},
		time:  &ManualTime{T: now},
		epoch: 1,
	}
}

// handle answers one request from an authenticated device.
func (s *simServer) handle(who Author, m Message) []Message {
	switch m := m.(type) {
	case *Hello:
		return []Message{&Welcome{ServerTime: s.time.T.UnixMilli(), Epoch: s.epoch, Reset: m.Cursor.Epoch != s.epoch}}
	case *Push:
		res, err := s.log.Apply(s.store, who, s.time.T, m.Changes)
		if err != nil {
			return []Message{&ErrorMsg{Code: "internal", Message: err.Error()}}
		}
		return []Message{&Ack{ID: m.ID, Accepted: res.Accepted, Rejected: res.Rejected}}
	case *Pull:
		if m.Cursor.Epoch != s.epoch {
			return []Message{&ErrorMsg{Code: "epoch", Message: "wrong epoch"}}
		}
		entries, more := s.store.Page(m.Cursor.Seq, int(m.Limit))
		to := m.Cursor
		for i, e := range entries {
			if e.Seq != m.Cursor.Seq+uint64(i)+1 && s.fail == nil {
				s.fail = fmt.Errorf("page skips: entry %d has seq %d after cursor %d", i, e.Seq, m.Cursor.Seq)
			}
			to.Seq = e.Seq
		}
		return []Message{&Page{ID: m.ID, From: m.Cursor, To: to, Entries: entries, More: more}}
	}
	return []Message{&ErrorMsg{Code: "unexpected", Message: m.Type().String()}}
}

var errSimClosed = errors.New("sim: connection closed")

// simConn is one faulty connection between a device and the server model:
// it drops, duplicates and reorders messages and may close after a budget.
// It is deterministic given its rand source and never blocks: Recv with
// nothing to deliver reports a timeout at once.
type simConn struct {
	rng      *rand.Rand
	srv      *simServer
	codec    Codec
	who      Author
	toServer [][]byte
	toClient [][]byte
	budget   int     // messages left before the connection drops; <0 = unlimited
	drop     float64 // probability of dropping a message
	dup      float64 // probability of duplicating a message
	reorder  bool
}

func (c *simConn) tick() error {
	if c.budget == 0 {
		return errSimClosed
	}
	if c.budget > 0 {
		c.budget--
	}
	return nil
}

func (c *simConn) deliver(q *[][]byte, b []byte) {
	if c.rng.Float64() < c.drop {
		return
	}
	*q = append(*q, b)
	if c.rng.Float64() < c.dup {
		*q = append(*q, b)
	}
}

func (c *simConn) take(q *[][]byte) []byte {
	i := 0
	if c.reorder {
		i = c.rng.IntN(len(*q))
	}
	b := (*q)[i]
	*q = append((*q)[:i], (*q)[i+1:]...)
	return b
}

func (c *simConn) Send(_ context.Context, b []byte) error {
	if err := c.tick(); err != nil {
		return err
	}
	c.deliver(&c.toServer, b)
	return nil
}

func (c *simConn) Recv(context.Context) ([]byte, error) {
	if err := c.tick(); err != nil {
		return nil, err
	}
	for len(c.toServer) > 0 {
		req, err := c.codec.Decode(c.take(&c.toServer))
		if err != nil {
			return nil, err
		}
		for _, resp := range c.srv.handle(c.who, req) {
			b, err := c.codec.Encode(resp)
			if err != nil {
				return nil, err
			}
			c.deliver(&c.toClient, b)
		}
		if c.rng.IntN(8) == 0 {
			b, _ := c.codec.Encode(&Poke{})
			c.deliver(&c.toClient, b)
		}
	}
	if len(c.toClient) == 0 {
		return nil, fmt.Errorf("sim: nothing to receive: %w", context.DeadlineExceeded)
	}
	return c.take(&c.toClient), nil
}
