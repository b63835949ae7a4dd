package server

import (
	"context"
	"slices"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

// scanBudget bounds how many log entries one page may read past, so that a
// user with a small scope on a large log still gets an answer quickly (with
// More set) instead of a scan of the whole log.
const scanBudget = 20000

// pullState is what one connection remembers between pulls: the roots whose
// state, and the drops, the last page carried. A device asks for the next
// page only after it has stored the last one, so they are recorded as on the
// device when the next pull arrives, and sent again after a reconnect if it
// never does.
type pullState struct {
	sent, dropped []sync.RecID
	// freshTo is, while a new device downloads its first snapshots, the log
	// position those snapshots are at least as new as.
	freshTo uint64
}

// pull answers one Pull: first the roots that left the user's scope (drop)
// and the whole state of those that entered it, then the log after the
// cursor, filtered to the user's scope.
func (s *Server) pull(ctx context.Context, dev deviceIdentity, ps *pullState, p *sync.Pull) (*sync.Page, error) {
	if len(ps.sent) > 0 || len(ps.dropped) > 0 {
		if err := s.store.Update(ctx, func(tx store.Tx) error {
			return tx.SetDeviceRoots(dev.device, ps.sent, ps.dropped)
		}); err != nil {
			return nil, err
		}
		ps.sent, ps.dropped = nil, nil
	}
	limit := int(p.Limit)
	if limit <= 0 || limit > s.limits.MaxBatch {
		limit = s.limits.MaxBatch
	}
	page := &sync.Page{ID: p.ID, From: p.Cursor, To: p.Cursor}
	err := s.store.View(ctx, func(tx store.ReadTx) error {
		epoch, err := tx.Epoch()
		if err != nil {
			return err
		}
		if p.Cursor.Epoch != epoch {
			// The device must start again from a new Welcome (Reset).
			return nil
		}
		last, err := tx.LastSeq()
		if err != nil {
			return err
		}
		visible, err := visibleRoots(tx, dev.user)
		if err != nil {
			return err
		}
		sent, err := tx.DeviceRoots(dev.device)
		if err != nil {
			return err
		}
		entering, leaving := diff(visible, sent)
		page.Drop = leaving
		ps.dropped = leaving
		// A page that carries drops or snapshots always says More: the
		// device's next pull is what confirms it stored them.
		defer func() {
			if len(ps.sent) > 0 || len(ps.dropped) > 0 {
				page.More = true
			}
		}()
		if len(entering) > 0 {
			if len(sent) == 0 && p.Cursor.Seq == 0 && ps.freshTo == 0 {
				ps.freshTo = last
			}
			n := 0
			for _, root := range entering {
				if n >= limit {
					break
				}
				entries, err := snapshot(tx, root)
				if err != nil {
					return err
				}
				page.Entries = append(page.Entries, entries...)
				ps.sent = append(ps.sent, root)
				n += len(entries)
			}
			page.More = true
			if len(ps.sent) == len(entering) && ps.freshTo > 0 {
				// A new device now holds everything in its scope as of
				// freshTo or later: it need not read the log before that.
				page.To = sync.Cursor{Epoch: epoch, Seq: ps.freshTo}
				ps.freshTo = 0
			}
			return nil
		}
		return s.logPage(tx, page, visible, limit, last)
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// logPage fills page with the log entries after its cursor whose root the
// user sees.
func (s *Server) logPage(tx store.ReadTx, page *sync.Page, visible []sync.RecID, limit int, last uint64) error {
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
			page.Entries = append(page.Entries, e)
		}
		to = e.Seq
		scanned++
		return len(page.Entries) < limit && scanned < scanBudget, nil
	})
	if err != nil {
		return err
	}
	page.To = sync.Cursor{Epoch: page.From.Epoch, Seq: to}
	page.More = to < last
	return nil
}

// snapshot returns the whole current state of root and its records as
// entries, each with the sequence it was committed with.
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

// diff returns what is in want but not in have, and the reverse; both
// inputs are sorted.
func diff(want, have []sync.RecID) (add, remove []sync.RecID) {
	i, j := 0, 0
	for i < len(want) || j < len(have) {
		switch {
		case j == len(have) || i < len(want) && want[i] < have[j]:
			add = append(add, want[i])
			i++
		case i == len(want) || have[j] < want[i]:
			remove = append(remove, have[j])
			j++
		default:
			i++
			j++
		}
	}
	return add, remove
}
