package sync

import (
	"time"
)

// Author is the authenticated device and user a batch was pushed by.
type Author struct {
	Device string
	User   string
}

// Accepted acknowledges one change: the sequence it was committed with.
type Accepted struct {
	Op  Op
	Seq uint64
}

// Rejected reports a change the server refused, with a code (one of the
// Code constants) and a message a person can read.
type Rejected struct {
	Op      Op
	Code    string
	Message string
}

// Result is the outcome of Log.Apply for one batch.
type Result struct {
	Accepted []Accepted // in batch order; re-delivered ops carry their first sequence
	Rejected []Rejected // in batch order
	Entries  []Entry    // entries appended to the log, including conflict records
}

// Log is the server-side apply logic: for one pushed batch it skips ops
// already applied, validates each change, assigns sequences, merges into
// the state, detects conflicts and appends conflict records. It holds no
// state of its own; the server calls Apply inside its write transaction.
type Log struct {
	Schema   Schema        // domain rules; nil accepts every well-formed field
	MaxSkew  time.Duration // changes with an HLC further ahead of now are refused
	MaxValue int           // largest value in bytes (0: DefaultLimits.MaxValue)
	// Authorize, if set, is asked about every valid change before it is
	// applied (permissions, scope). A non-nil error rejects the change with
	// CodeDenied and the error's text.
	Authorize func(st StateReader, c *Change) error
}

// Apply applies batch, pushed by who at time now, to st.
// An error from st aborts the whole batch: the caller rolls back.
func (l *Log) Apply(st Store, who Author, now time.Time, batch []Change) (Result, error) {
	res := Result{Accepted: make([]Accepted, 0, len(batch)), Entries: make([]Entry, 0, len(batch))}
	last, err := st.LastSeq()
	if err != nil {
		return res, err
	}
	a := applier{log: l, st: st, who: who, now: now, last: last, res: &res}
	for i := range batch {
		if err := a.one(&batch[i]); err != nil {
			return Result{}, err
		}
	}
	return res, nil
}

type applier struct {
	log  *Log
	st   Store
	who  Author
	now  time.Time
	last uint64
	res  *Result
}

func (a *applier) reject(c *Change, code, msg string) {
	a.res.Rejected = append(a.res.Rejected, Rejected{Op: c.Op, Code: code, Message: msg})
}

func (a *applier) one(c *Change) error {
	if seq, ok, err := a.st.Applied(c.Op); err != nil {
		return err
	} else if ok {
		a.res.Accepted = append(a.res.Accepted, Accepted{Op: c.Op, Seq: seq})
		return nil
	}
	code, msg, err := a.check(c)
	if err != nil {
		return err
	}
	if code != "" {
		a.reject(c, code, msg)
		return nil
	}
	cur, hasCur, err := a.st.Field(c.Rec, c.Field)
	if err != nil {
		return err
	}
	in := write{Field: c.Field, FieldState: FieldState{Value: c.Value, HLC: c.HLC, Op: c.Op, By: c.By}}
	type pending struct {
		field, kind string
		x           write
	}
	var conflicts []pending
	if hasCur && a.concurrent(cur, c) && cur.Value != c.Value {
		kind := KindEdit
		if c.Field == FieldDeleted {
			kind = KindDelete
		}
		conflicts = append(conflicts, pending{c.Field, kind, write{c.Field, cur}})
	}
	if c.Field != FieldDeleted {
		del, ok, err := a.st.Field(c.Rec, FieldDeleted)
		if err != nil {
			return err
		}
		if ok && del.Value == ValueTrue && a.concurrent(del, c) {
			conflicts = append(conflicts, pending{FieldDeleted, KindDelete, write{FieldDeleted, del}})
		}
	} else if c.Value == ValueTrue {
		fields, err := a.st.Fields(c.Rec)
		if err != nil {
			return err
		}
		var edit write
		found := false
		for name, f := range fields {
			if name == FieldDeleted || !a.concurrent(f, c) {
				continue
			}
			if !found || f.Seq > edit.Seq {
				edit, found = write{name, f}, true
			}
		}
		if found {
			conflicts = append(conflicts, pending{FieldDeleted, KindDelete, edit})
		}
	}
	seq, err := a.commit(*c)
	if err != nil {
		return err
	}
	a.res.Accepted = append(a.res.Accepted, Accepted{Op: c.Op, Seq: seq})
	in.Seq = seq
	for _, p := range conflicts {
		if err := a.conflict(c.Rec, p.field, p.kind, p.x, in); err != nil {
			return err
		}
	}
	return nil
}

// concurrent reports whether committed write f was unseen by the author of
// c: committed after c's base, by another device.
func (a *applier) concurrent(f FieldState, c *Change) bool {
	return f.Seq > c.Base && f.Op.Device != c.Op.Device
}

// commit appends c with the next sequence and merges it into the state.
func (a *applier) commit(c Change) (uint64, error) {
	a.last++
	e := Entry{Seq: a.last, Change: c}
	if err := a.st.Append(e); err != nil {
		return 0, err
	}
	a.res.Entries = append(a.res.Entries, e)
	cur, ok, err := a.st.Field(c.Rec, c.Field)
	if err != nil {
		return 0, err
	}
	if next := StateOf(e); !ok || next.Beats(cur) {
		if err := a.st.SetField(c.Rec, c.Field, next); err != nil {
			return 0, err
		}
	}
	return e.Seq, nil
}

// conflict appends the conflict record between committed writes x and y.
func (a *applier) conflict(rec RecID, field, kind string, x, y write) error {
	hlc := max(x.HLC, y.HLC)
	id := ConflictID(x.Op, y.Op, hlc)
	root := rec
	if r, ok, err := a.st.Field(rec, FieldRoot); err != nil {
		return err
	} else if ok {
		if s, ok := UnquoteJSON(r.Value); ok && RecID(s).Valid() {
			root = RecID(s)
		}
	}
	for _, kv := range conflictFields(rec, root, field, kind, x, y) {
		c := Change{Op: Op{Device: ServerDevice, Counter: a.last + 1}, Rec: id, Field: kv[0],
			Value: kv[1], HLC: hlc, By: ServerDevice, Base: a.last}
		if _, err := a.commit(c); err != nil {
			return err
		}
	}
	return nil
}

// check validates c; it returns a rejection code and message, or "".
func (a *applier) check(c *Change) (code, msg string, err error) {
	maxValue := a.log.MaxValue
	if maxValue <= 0 {
		maxValue = DefaultLimits.MaxValue
	}
	if m := c.Check(maxValue); m != "" {
		return CodeBadChange, m, nil
	}
	if c.Op.Device != a.who.Device || c.Op.Device == ServerDevice || c.By != a.who.User {
		return CodeNotYours, "change not made by this device and user", nil
	}
	if c.HLC.Millis() > a.now.Add(a.log.MaxSkew).UnixMilli() {
		return CodeClock, "device clock is too far ahead of the server", nil
	}
	typ := c.Rec.Type()
	if typ == ConflictType {
		if c.Field != ConflictResolved && c.Field != ConflictChoice {
			return CodeConflict, "only resolved and choice of a conflict can be written", nil
		}
		if c.Field == ConflictResolved && c.Value != ValueTrue && c.Value != ValueFalse {
			return CodeConflict, "resolved must be true or false", nil
		}
		if _, ok, err := a.st.Field(c.Rec, ConflictRec); err != nil || !ok {
			return CodeConflict, "no such conflict", err
		}
	} else if a.log.Schema != nil {
		if c.Field != FieldDeleted {
			if err := a.log.Schema.CheckField(typ, c.Field, c.Value); err != nil {
				return CodeSchema, err.Error(), nil
			}
		}
		if a.log.Schema.AppendOnly(typ) {
			if c.Field == FieldDeleted {
				return CodeAppendOnly, "append-only records cannot be deleted", nil
			}
			if _, ok, err := a.st.Field(c.Rec, c.Field); err != nil || ok {
				return CodeAppendOnly, "append-only records cannot be changed", err
			}
		}
	}
	if a.log.Authorize != nil {
		if err := a.log.Authorize(a.st, c); err != nil {
			return CodeDenied, err.Error(), nil
		}
	}
	return "", "", nil
}

// ServerEdits commits changes the server makes itself, from what devices
// sent (a flag it derives, say): by ServerDevice, with the next sequences
// as their op counters (as conflict records are), each timed after now and
// after the field's current write so that it wins. They pass no schema or
// scope check and make no conflicts: the caller vouches for them.
func (l *Log) ServerEdits(st Store, now time.Time, edits []Edit) ([]Entry, error) {
	last, err := st.LastSeq()
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(edits))
	for _, e := range edits {
		cur, ok, err := st.Field(e.Rec, e.Field)
		if err != nil {
			return nil, err
		}
		hlc := MakeHLC(now.UnixMilli(), 0)
		if ok && cur.HLC >= hlc {
			hlc = cur.HLC + 1
		}
		last++
		en := Entry{Seq: last, Change: Change{Op: Op{Device: ServerDevice, Counter: last}, Rec: e.Rec, Field: e.Field,
			Value: e.Value, HLC: hlc, By: ServerDevice, Base: last - 1}}
		if err := st.Append(en); err != nil {
			return nil, err
		}
		if err := st.SetField(e.Rec, e.Field, StateOf(en)); err != nil {
			return nil, err
		}
		out = append(out, en)
	}
	return out, nil
}
