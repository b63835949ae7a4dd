package sync

import (
	"context"
	"errors"
)

// Sync runs one round over conn: hello/welcome, push the whole outbox in
// batches, then pull pages until the server has no more. Every request that
// gets no answer within the timeout is re-sent (the server ignores ops it
// has already applied) up to the retry limit, then Sync returns ErrTimeout
// and the outbox is kept for the next round. Acks and pages that arrive late
// or twice are harmless: merging is idempotent and the cursor only moves
// over a contiguous page. ErrRevoked means the caller must wipe the device.
func (s *Session) Sync(ctx context.Context, conn Conn) (Report, error) {
	var rep Report
	if err := s.hello(ctx, conn, &rep); err != nil {
		return rep, err
	}
	if err := s.push(ctx, conn, &rep); err != nil {
		return rep, err
	}
	return rep, s.pull(ctx, conn, &rep)
}

// Resync runs another round on a connection that has already said hello
// (Sync did): push the outbox, then pull until the server has no more.
func (s *Session) Resync(ctx context.Context, conn Conn) (Report, error) {
	var rep Report
	if err := s.push(ctx, conn, &rep); err != nil {
		return rep, err
	}
	return rep, s.pull(ctx, conn, &rep)
}

// Wait waits on an idle connection for the server's next word: it returns
// true when the server poked (new changes wait: call Resync), ErrRevoked,
// a *ServerError, or ctx's error when ctx ends first (the connection stays
// usable: cancel ctx to go and push a local edit).
func (s *Session) Wait(ctx context.Context, conn Conn) (poked bool, err error) {
	for {
		raw, err := conn.Recv(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			return false, &Error{Op: "receive", Err: err}
		}
		m, err := s.cfg.Codec.Decode(raw)
		if err != nil {
			return false, err
		}
		var rep Report
		if _, err := s.handle(ctx, m, &rep); err != nil {
			return false, err
		}
		if rep.Poked {
			return true, nil
		}
	}
}

// exchange sends req and waits for the answer done recognizes, handling
// whatever else arrives meanwhile. It re-sends on timeout.
func (s *Session) exchange(ctx context.Context, conn Conn, rep *Report, req Message, done func(Message) bool) error {
	b, err := s.cfg.Codec.Encode(req)
	if err != nil {
		return err
	}
	for try := 0; try <= s.cfg.Retries; try++ {
		if err := conn.Send(ctx, b); err != nil {
			return &Error{Op: "send " + req.Type().String(), Err: err}
		}
		for {
			rctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
			raw, err := conn.Recv(rctx)
			cancel()
			if err != nil {
				if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
					break // resend
				}
				return &Error{Op: "receive", Err: err}
			}
			m, err := s.cfg.Codec.Decode(raw)
			if err != nil {
				return err
			}
			ok, err := s.handle(ctx, m, rep)
			if err != nil {
				return err
			}
			if ok && done(m) {
				return nil
			}
		}
	}
	return &Error{Op: req.Type().String(), Err: ErrTimeout}
}

// handle processes any message from the server; it reports whether the
// message was one a request may be waiting for.
func (s *Session) handle(ctx context.Context, m Message, rep *Report) (bool, error) {
	switch m := m.(type) {
	case *Welcome:
		return true, nil
	case *Ack:
		return true, s.ack(ctx, m, rep)
	case *Page:
		if err := s.page(ctx, m, rep); err != nil {
			return true, err
		}
		if s.cfg.OnPage != nil { // outside the session's lock
			s.cfg.OnPage(rep.Pulled)
		}
		return true, nil
	case *Poke:
		rep.Poked = true
	case *Revoked:
		return false, ErrRevoked
	case *ErrorMsg:
		return false, &ServerError{Code: m.Code, Message: m.Message}
	default:
		return false, &Error{Op: "receive " + m.Type().String(), Err: ErrUnexpected}
	}
	return false, nil
}

func (s *Session) nextID() uint32 {
	s.reqID++
	return s.reqID
}

func (s *Session) hello(ctx context.Context, conn Conn, rep *Report) error {
	var w *Welcome
	err := s.exchange(ctx, conn, rep, &Hello{Token: s.cfg.Token, Device: s.Device(), App: s.cfg.App, Cursor: s.Cursor()},
		func(m Message) bool { w, _ = m.(*Welcome); return w != nil })
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if w.Reset || w.Epoch != s.meta.Cursor.Epoch {
		rep.Reset = true
		meta := s.meta
		meta.Cursor = Cursor{Epoch: w.Epoch}
		if err := s.store.SavePage(ctx, meta, nil, nil); err != nil {
			return err
		}
		s.meta = meta
	}
	return nil
}

func (s *Session) push(ctx context.Context, conn Conn, rep *Report) error {
	for {
		out, err := s.store.Outbox(ctx)
		if err != nil {
			return err
		}
		if len(out) == 0 {
			return nil
		}
		before := len(out)
		p := &Push{ID: s.nextID(), Changes: out[:pushCount(out, s.cfg.PushBatch, DefaultLimits.MaxMessage/2)]}
		if err := s.exchange(ctx, conn, rep, p, func(m Message) bool {
			a, ok := m.(*Ack)
			return ok && a.ID == p.ID
		}); err != nil {
			return err
		}
		out, err = s.store.Outbox(ctx)
		if err != nil {
			return err
		}
		if len(out) >= before {
			return &Error{Op: "push", Err: ErrUnexpected} // the ack settled nothing
		}
	}
}

// pushCount is how many changes from the head of out go in one push: at
// most max, and no more than about maxBytes encoded (at least one: a single
// change is within the limits by Change.Check), so long notes never make a
// push too large to send.
func pushCount(out []Change, max, maxBytes int) int {
	n, size := 0, 0
	for n < len(out) && n < max {
		c := &out[n]
		size += len(c.Rec) + len(c.Field) + len(c.Value) + len(c.By) + len(c.Op.Device) + 32
		if n > 0 && size > maxBytes {
			break
		}
		n++
	}
	return n
}

// ack settles the outbox changes an ack names: accepted ones become
// confirmed state, rejected ones move to the rejected list.
func (s *Session) ack(ctx context.Context, a *Ack, rep *Report) error {
	out, err := s.store.Outbox(ctx)
	if err != nil {
		return err
	}
	pending := make(map[Op]*Change, len(out))
	for i := range out {
		pending[out[i].Op] = &out[i]
	}
	var done []Op
	var ids []RecID
	var entries []Entry
	for _, x := range a.Accepted {
		if c := pending[x.Op]; c != nil {
			done = append(done, x.Op)
			entries = append(entries, Entry{Seq: x.Seq, Change: *c})
			ids = append(ids, c.Rec)
			delete(pending, x.Op)
		}
	}
	var rejected []RejectedChange
	for _, x := range a.Rejected {
		if c := pending[x.Op]; c != nil {
			rejected = append(rejected, RejectedChange{Change: *c, Code: x.Code, Message: x.Message})
			delete(pending, x.Op)
		}
	}
	if len(done) == 0 && len(rejected) == 0 {
		return nil
	}
	recs, err := s.merge(ctx, ids, entries)
	if err != nil {
		return err
	}
	if err := s.store.SaveAck(ctx, recs, done, rejected); err != nil {
		return err
	}
	rep.Pushed += len(done)
	rep.Rejected += len(rejected)
	return nil
}

// merge applies entries to the confirmed state of their records and
// returns the records that changed.
func (s *Session) merge(ctx context.Context, ids []RecID, entries []Entry) ([]*Record, error) {
	recs, err := s.store.Records(ctx, ids)
	if err != nil {
		return nil, err
	}
	changed := map[RecID]bool{}
	for _, e := range entries {
		r := recs[e.Rec]
		if r == nil {
			r = NewRecord(e.Rec)
			recs[e.Rec] = r
		}
		if r.Apply(e) {
			changed[e.Rec] = true
		} else if f := r.Fields[e.Field]; f.Op == e.Op && f.Seq == e.Seq {
			changed[e.Rec] = true // sequence recorded
		}
	}
	out := make([]*Record, 0, len(changed))
	for id := range changed {
		out = append(out, recs[id])
	}
	return out, nil
}

func (s *Session) pull(ctx context.Context, conn Conn, rep *Report) error {
	for {
		var got *Page
		p := &Pull{ID: s.nextID(), Cursor: s.Cursor(), Limit: s.cfg.PullLimit}
		if err := s.exchange(ctx, conn, rep, p, func(m Message) bool {
			pg, ok := m.(*Page)
			if ok && pg.ID == p.ID {
				got = pg
			}
			return got != nil
		}); err != nil {
			return err
		}
		if !got.More {
			return nil
		}
	}
}

// page merges a page's entries and moves the cursor over it if the page
// starts at or before the cursor (so no change is skipped), all in one
// store call.
func (s *Session) page(ctx context.Context, p *Page, rep *Report) error {
	if p.From.Epoch != s.Cursor().Epoch {
		return nil // a page from before an epoch change: ignore it
	}
	ids := make([]RecID, 0, len(p.Entries))
	for i := range p.Entries {
		ids = append(ids, p.Entries[i].Rec)
	}
	recs, err := s.merge(ctx, ids, p.Entries)
	if err != nil {
		return err
	}
	// The bookkeeping as it is now, edits included, under the lock until
	// it is saved.
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range p.Entries {
		s.clock.Observe(p.Entries[i].HLC)
	}
	meta := s.meta
	contiguous := p.From.Epoch == meta.Cursor.Epoch && p.To.Epoch == meta.Cursor.Epoch &&
		p.From.Seq <= meta.Cursor.Seq && p.To.Seq > meta.Cursor.Seq
	if contiguous {
		meta.Cursor = p.To
	}
	meta.Clock = s.clock.Last()
	if err := s.store.SavePage(ctx, meta, recs, p.Drop); err != nil {
		return err
	}
	s.meta = meta
	rep.Pulled += len(p.Entries)
	rep.Dropped += len(p.Drop)
	return nil
}
