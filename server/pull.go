package server

import (
	"context"
	"slices"
	"time"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

const (
	// scanBudget bounds how many log entries one page may read past, so
	// that a user with a small scope on a large log still gets an answer
	// quickly (with More set) instead of a scan of the whole log.
	scanBudget = 50000
	// flushEvery is how many confirmed roots a connection gathers before it
	// writes them to the store (and at its end): one fsync per page would
	// make a large catch-up slow.
	flushEvery = 2000
)

// pullState is what one connection remembers between pulls.
//
// held is what the device holds, as far as this connection knows: the
// roots recorded in the store plus those sent since. A device asks for the
// next page only after it has stored the last one, so what the last page
// carried (pending) is confirmed by the next pull, and written to the store
// in batches (unsaved). If the connection dies first, the store still says
// the device lacks those roots, and they are sent again: harmless.
type pullState struct {
	loaded  bool
	gen     uint64 // scopeGen when visible was computed
	visible []sync.RecID
	held    map[sync.RecID]bool

	pendingAdd, pendingDrop []sync.RecID
	unsavedAdd, unsavedDrop []sync.RecID

	// partial is a root whose snapshot is larger than a page, being sent
	// in parts; partialOff entries of it have gone.
	partial    sync.RecID
	partialOff int
	// freshTo is, while a new device downloads its first snapshots, the log
	// position those snapshots are at least as new as.
	freshTo uint64
}

// pull answers one Pull: first the roots that left the user's scope (drop)
// and the whole state of those that entered it, then the log after the
// cursor, filtered to the user's scope. Pages are bounded by entries and by
// bytes.
func (s *Server) pull(ctx context.Context, dev deviceIdentity, ps *pullState, p *sync.Pull) (*sync.Page, error) {
	ps.unsavedAdd = append(ps.unsavedAdd, ps.pendingAdd...)
	ps.unsavedDrop = append(ps.unsavedDrop, ps.pendingDrop...)
	ps.pendingAdd, ps.pendingDrop = nil, nil
	if len(ps.unsavedAdd)+len(ps.unsavedDrop) >= flushEvery {
		if err := s.flushPull(ctx, dev, ps); err != nil {
			return nil, err
		}
	}
	limit := int(p.Limit)
	if limit <= 0 || limit > s.limits.MaxBatch {
		limit = s.limits.MaxBatch
	}
	b := pageBudget{entries: limit, bytes: s.limits.MaxMessage / 2}
	page := &sync.Page{ID: p.ID, From: p.Cursor, To: p.Cursor}
	err := s.store.View(ctx, func(tx store.ReadTx) error {
		epoch, err := tx.Epoch()
		if err != nil {
			return err
		}
		if p.Cursor.Epoch != epoch {
			return nil // the device must start again from a new Welcome (Reset)
		}
		last, err := tx.LastSeq()
		if err != nil {
			return err
		}
		if err := s.loadScope(tx, dev, ps); err != nil {
			return err
		}
		entering, leaving := ps.diff()
		for _, r := range leaving {
			delete(ps.held, r)
		}
		page.Drop, ps.pendingDrop = leaving, leaving
		if len(entering) > 0 {
			if len(ps.held) == 0 && p.Cursor.Seq == 0 && ps.freshTo == 0 {
				ps.freshTo = last
			}
			done, err := s.snapshots(tx, ps, page, entering, &b)
			if err != nil {
				return err
			}
			page.More = true
			if done && ps.freshTo > 0 {
				// A new device now holds everything in its scope as of
				// freshTo or later: it need not read the log before that.
				page.To = sync.Cursor{Epoch: epoch, Seq: ps.freshTo}
				ps.freshTo = 0
			}
			return nil
		}
		return logPage(tx, page, ps.visible, &b, last)
	})
	if err != nil {
		return nil, err
	}
	// A page carrying drops or snapshots always says More: the device's
	// next pull is what confirms it stored them.
	if len(ps.pendingAdd) > 0 || len(ps.pendingDrop) > 0 || ps.partial != "" {
		page.More = true
	} else if err := s.flushPull(ctx, dev, ps); err != nil {
		// The snapshots are over: what the device confirmed is saved
		// before it hears so, not when its connection closes, so that its
		// next connection (which may come first) does not send them again.
		return nil, err
	}
	return page, nil
}

// loadScope (re)computes what the user sees when the scope may have changed
// since, and on the first pull what the device holds.
func (s *Server) loadScope(tx store.ReadTx, dev deviceIdentity, ps *pullState) error {
	gen := s.scopeGen.Load()
	if !ps.loaded {
		held, err := tx.DeviceRoots(dev.device)
		if err != nil {
			return err
		}
		ps.held = make(map[sync.RecID]bool, len(held))
		for _, r := range held {
			ps.held[r] = true
		}
	}
	if !ps.loaded || gen != ps.gen {
		users, err := s.userList(tx)
		if err != nil {
			return err
		}
		if ps.visible, err = visibleRoots(tx, dev.user, users); err != nil {
			return err
		}
		ps.gen, ps.loaded = gen, true
	}
	return nil
}

// diff returns the visible roots the device does not hold (sorted, the
// partially sent one first) and those it holds but may no longer see.
func (ps *pullState) diff() (entering, leaving []sync.RecID) {
	see := make(map[sync.RecID]bool, len(ps.visible))
	for _, r := range ps.visible {
		see[r] = true
		if !ps.held[r] && r != ps.partial {
			entering = append(entering, r)
		}
	}
	if ps.partial != "" {
		if see[ps.partial] {
			entering = append([]sync.RecID{ps.partial}, entering...)
		} else {
			ps.partial, ps.partialOff = "", 0
		}
	}
	for r := range ps.held {
		if !see[r] {
			leaving = append(leaving, r)
		}
	}
	slices.Sort(leaving)
	return entering, leaving
}

// snapshots adds whole roots to the page while the budget lasts, splitting
// a root larger than a page across pages. It reports whether every
// entering root has now been sent.
func (s *Server) snapshots(tx store.ReadTx, ps *pullState, page *sync.Page, entering []sync.RecID, b *pageBudget) (bool, error) {
	for i, root := range entering {
		entries, err := snapshot(tx, root)
		if err != nil {
			return false, err
		}
		off := 0
		if root == ps.partial {
			off = min(ps.partialOff, len(entries))
		}
		n := b.fit(entries[off:], len(page.Entries) == 0)
		page.Entries = append(page.Entries, entries[off:off+n]...)
		if off+n < len(entries) {
			if n > 0 || off > 0 {
				ps.partial, ps.partialOff = root, off+n
			}
			return false, nil
		}
		ps.partial, ps.partialOff = "", 0
		ps.held[root] = true
		ps.pendingAdd = append(ps.pendingAdd, root)
		if b.full() && i+1 < len(entering) {
			return false, nil
		}
	}
	return true, nil
}

// flushPull writes the roots a device has confirmed to the store.
func (s *Server) flushPull(ctx context.Context, dev deviceIdentity, ps *pullState) error {
	if len(ps.unsavedAdd) == 0 && len(ps.unsavedDrop) == 0 {
		return nil
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		return tx.SetDeviceRoots(dev.device, ps.unsavedAdd, ps.unsavedDrop)
	})
	if err == nil {
		ps.unsavedAdd, ps.unsavedDrop = nil, nil
	}
	return err
}

// finishPull saves what a closing connection's device confirmed.
func (s *Server) finishPull(dev deviceIdentity, ps *pullState) {
	if dev.device == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.flushPull(ctx, dev, ps); err != nil {
		s.log.Warn("saving the roots a device holds", "device", dev.device, "err", err)
	}
}

// pageBudget bounds a page by entries and by (estimated) encoded bytes.
type pageBudget struct{ entries, bytes int }

// entrySize over-estimates an entry's encoded size (the codec interns
// repeated ids, so the real size is smaller).
func entrySize(e *sync.Entry) int {
	return len(e.Rec) + len(e.Field) + len(e.Value) + len(e.By) + len(e.Op.Device) + 24
}

// fit returns how many of entries fit, taking at least one when first is
// set so that every page makes progress, and charges them.
func (b *pageBudget) fit(entries []sync.Entry, first bool) int {
	n := 0
	for i := range entries {
		size := entrySize(&entries[i])
		if b.entries <= 0 || size > b.bytes && !(first && n == 0) {
			break
		}
		b.entries--
		b.bytes -= size
		n++
	}
	return n
}

func (b *pageBudget) full() bool { return b.entries <= 0 || b.bytes <= 0 }

// logPage fills page with the log entries after its cursor whose root the
// user sees.
func logPage(tx store.ReadTx, page *sync.Page, visible []sync.RecID, b *pageBudget, last uint64) error {
	see := make(map[sync.RecID]bool, len(visible))
	for _, r := range visible {
		see[r] = true
	}
	roots := map[sync.RecID]sync.RecID{}
	scanned := 0
	to := page.From.Seq
	err := tx.Log(page.From.Seq, func(e sync.Entry) (bool, error) {
		root, ok := roots[e.Rec]
		if !ok {
			var err error
			if root, err = rootOf(tx, e.Rec); err != nil {
				return false, err
			}
			roots[e.Rec] = root
		}
		if see[root] {
			if b.fit([]sync.Entry{e}, len(page.Entries) == 0) == 0 {
				return false, nil
			}
			page.Entries = append(page.Entries, e)
		}
		to = e.Seq
		scanned++
		return !b.full() && scanned < scanBudget, nil
	})
	if err != nil {
		return err
	}
	page.To = sync.Cursor{Epoch: page.From.Epoch, Seq: to}
	page.More = to < last
	return nil
}

// snapshot returns the whole current state of root and its records as
// entries, each with the sequence it was committed with, in a fixed order
// (records, then fields, by name).
func snapshot(tx store.ReadTx, root sync.RecID) ([]sync.Entry, error) {
	recs, err := tx.RootRecords(root)
	if err != nil {
		return nil, err
	}
	var out []sync.Entry
	for _, rec := range recs {
		fields, err := tx.Fields(rec)
		if err != nil {
			return nil, err
		}
		names := make([]string, 0, len(fields))
		for name := range fields {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			f := fields[name]
			out = append(out, sync.Entry{Seq: f.Seq, Change: sync.Change{
				Op: f.Op, Rec: rec, Field: name, Value: f.Value, HLC: f.HLC, By: f.By,
			}})
		}
	}
	return out, nil
}
