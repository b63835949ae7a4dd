package sync

import (
	"context"
	"errors"
	stdsync "sync"
	"time"
)

// Conn is one connection to the server, carrying encoded messages. The
// session never dials: the caller connects (shared/wsconn) and passes the
// connection in. Recv returns an error wrapping context.DeadlineExceeded
// when ctx expires before a message arrives.
type Conn interface {
	Send(ctx context.Context, msg []byte) error
	Recv(ctx context.Context) ([]byte, error)
}

// SessionConfig tunes a Session. Zero fields take the defaults.
type SessionConfig struct {
	Token     string        // session token sent in Hello
	App       string        // app version sent in Hello
	Codec     Codec         // default Binary{}
	PushBatch int           // changes per Push (default 200)
	PullLimit uint32        // entries per Page asked for (default DefaultLimits.MaxBatch; the server also sizes pages by bytes)
	Retries   int           // resends of an unanswered request (default 3)
	Timeout   time.Duration // wait for each answer (default 30s)
	// OnPage, if set, is told after each pulled page is saved how many
	// entries this round has pulled so far (a first sync takes many pages:
	// lists can show what has arrived). Called on the syncing goroutine.
	OnPage func(pulled int)
}

// Edit is one local field change, made through Session.Edit.
type Edit struct {
	Rec   RecID
	Field string
	Value string // canonical JSON
}

// Report says what one Sync did.
type Report struct {
	Pushed   int  // changes accepted by the server
	Rejected int  // changes the server refused (now in the rejected list)
	Pulled   int  // entries received
	Dropped  int  // roots removed because they left the user's scope
	Poked    bool // the server poked during the sync
	Reset    bool // the server asked for a full re-download
}

// Session is a device's side of sync: it turns local edits into changes in
// the outbox, pushes them with retries, pulls pages and keeps the cursor,
// all through a ClientStore.
//
// Edits (Edit, Delete, Restore, Resolve) may come from any goroutine while
// one goroutine runs the sync rounds (Sync, Resync, Wait): the bookkeeping
// (counter, clock, cursor) is guarded by mu, and every store call that
// saves it holds mu, so a round can never write back a counter an edit has
// already moved past (which would reuse op ids). Two rounds must not run at
// once.
type Session struct {
	store ClientStore
	cfg   SessionConfig
	reqID uint32

	mu    stdsync.Mutex
	clock *Clock
	meta  ClientMeta
}

// NewSession loads the device's bookkeeping from store and returns its
// session. src is the physical time source for the clock.
func NewSession(ctx context.Context, store ClientStore, src TimeSource, cfg SessionConfig) (*Session, error) {
	meta, err := store.Meta(ctx)
	if err != nil {
		return nil, &Error{Op: "load meta", Err: err}
	}
	if !ValidDevice(meta.Device) || meta.Device == ServerDevice {
		return nil, &Error{Op: "load meta", Err: ErrBadOp}
	}
	if cfg.Codec == nil {
		cfg.Codec = Binary{}
	}
	if cfg.PushBatch <= 0 {
		cfg.PushBatch = 200
	}
	if cfg.PullLimit == 0 {
		cfg.PullLimit = uint32(DefaultLimits.MaxBatch)
	}
	if cfg.Retries <= 0 {
		cfg.Retries = 3
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Session{store: store, clock: NewClock(src, meta.Clock), cfg: cfg, meta: meta}, nil
}

// Device returns the device id.
func (s *Session) Device() string { s.mu.Lock(); defer s.mu.Unlock(); return s.meta.Device }

// Cursor returns the device's position in the server log.
func (s *Session) Cursor() Cursor { s.mu.Lock(); defer s.mu.Unlock(); return s.meta.Cursor }

// LastHLC returns the greatest HLC the device has issued or seen.
func (s *Session) LastHLC() HLC { s.mu.Lock(); defer s.mu.Unlock(); return s.clock.Last() }

// Edit records local edits by user by as new changes in the outbox (one
// atomic store call, with the counter and clock) and returns them.
func (s *Session) Edit(ctx context.Context, by string, edits ...Edit) ([]Change, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	meta := s.meta
	changes := make([]Change, 0, len(edits))
	for _, e := range edits {
		h, err := s.clock.Now()
		if err != nil {
			s.clock = NewClock(s.clock.src, s.meta.Clock)
			return nil, &Error{Op: "edit", Err: err}
		}
		meta.Counter++
		c := Change{Op: Op{Device: meta.Device, Counter: meta.Counter}, Rec: e.Rec, Field: e.Field,
			Value: e.Value, HLC: h, By: by, Base: meta.Cursor.Seq}
		if msg := c.Check(DefaultLimits.MaxValue); msg != "" {
			s.clock = NewClock(s.clock.src, s.meta.Clock)
			return nil, &Error{Op: "edit", Err: errors.New(msg)}
		}
		changes = append(changes, c)
	}
	meta.Clock = s.clock.Last()
	if err := s.store.Enqueue(ctx, meta, changes); err != nil {
		s.clock = NewClock(s.clock.src, s.meta.Clock)
		return nil, &Error{Op: "edit", Err: err}
	}
	s.meta = meta
	return changes, nil
}

// Delete marks a record deleted (a tombstone; its fields are kept).
func (s *Session) Delete(ctx context.Context, by string, rec RecID) ([]Change, error) {
	return s.Edit(ctx, by, Edit{Rec: rec, Field: FieldDeleted, Value: ValueTrue})
}

// Restore undoes a delete.
func (s *Session) Restore(ctx context.Context, by string, rec RecID) ([]Change, error) {
	return s.Edit(ctx, by, Edit{Rec: rec, Field: FieldDeleted, Value: ValueFalse})
}

// Resolve resolves a conflict record by choosing value for the conflicting
// field (for a delete conflict, "true" keeps the delete and "false"
// restores) and marking the conflict resolved: two new changes.
func (s *Session) Resolve(ctx context.Context, by string, conflict *Record, value string) ([]Change, error) {
	recV, ok1 := conflict.Get(ConflictRec)
	fieldV, ok2 := conflict.Get(ConflictField)
	rec, ok3 := UnquoteJSON(recV)
	field, ok4 := UnquoteJSON(fieldV)
	if conflict.ID.Type() != ConflictType || !(ok1 && ok2 && ok3 && ok4) {
		return nil, &Error{Op: "resolve", Err: ErrBadRecID}
	}
	return s.Edit(ctx, by,
		Edit{Rec: RecID(rec), Field: field, Value: value},
		Edit{Rec: conflict.ID, Field: ConflictChoice, Value: value},
		Edit{Rec: conflict.ID, Field: ConflictResolved, Value: ValueTrue})
}

// Record returns what the device shows for a record: its confirmed state
// with the pending outbox changes merged on top (nil if neither exists).
func (s *Session) Record(ctx context.Context, id RecID) (*Record, error) {
	// (WithPending does the same for a list.)
	recs, err := s.store.Records(ctx, []RecID{id})
	if err != nil {
		return nil, err
	}
	out, err := s.store.Outbox(ctx)
	if err != nil {
		return nil, err
	}
	r := recs[id]
	for _, c := range out {
		if c.Rec == id {
			if r == nil {
				r = NewRecord(id)
			}
			r.Apply(Entry{Change: c})
		}
	}
	return r, nil
}

// Rejected returns the changes the server refused, for the worker to see.
func (s *Session) Rejected(ctx context.Context) ([]RejectedChange, error) {
	return s.store.Rejected(ctx)
}

// WithPending returns recs (records of type typ, as confirmed) with the
// device's pending changes to that type applied over them, including
// records that exist only in the outbox so far: what a list on the device
// should show. recs are not modified.
func WithPending(recs []*Record, outbox []Change, typ string) []*Record {
	out := make([]*Record, 0, len(recs))
	byID := make(map[RecID]*Record, len(recs))
	for _, r := range recs {
		byID[r.ID] = r
		out = append(out, r)
	}
	copied := map[RecID]bool{}
	for _, c := range outbox {
		if c.Rec.Type() != typ {
			continue
		}
		r, ok := byID[c.Rec]
		switch {
		case !ok:
			r = NewRecord(c.Rec)
			byID[c.Rec] = r
			copied[c.Rec] = true
			out = append(out, r)
		case !copied[c.Rec]:
			r = r.Clone()
			byID[c.Rec] = r
			copied[c.Rec] = true
			for i := range out {
				if out[i].ID == c.Rec {
					out[i] = r
				}
			}
		}
		r.Apply(Entry{Change: c})
	}
	return out
}
