package app

import (
	"context"
	stdsync "sync"
	"sync/atomic"

	"jiuzhu/app/caseindex"
	"jiuzhu/app/local"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// caseList is the open account's index of cases: built from the store's
// digests when the account opens, then kept current by reading only the
// digests written since, and the tablet's unsent edits laid over them. A
// search keystroke asks the index, never the store.
type caseList struct {
	mu    stdsync.Mutex // one refresh at a time
	store local.Store   // the store idx follows
	idx   *caseindex.Index
	pos   local.DigestPos
	last  atomic.Pointer[caseindex.Index] // idx as of the last refresh, for readers on the UI goroutine
}

var theCases caseList

// refresh brings the index up to date with st and returns it. It reads
// the outbox before the digests: an acknowledgement that lands between the
// two reads then shows the edit in both rather than in neither.
func (c *caseList) refresh(ctx context.Context, st local.Store) (*caseindex.Index, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.store != st || c.idx == nil {
		c.store, c.idx, c.pos = st, caseindex.New(), local.DigestPos{}
	}
	out, err := st.Outbox(ctx)
	if err != nil {
		return nil, err
	}
	ds, next, full, err := st.Digests(ctx, c.pos)
	if err != nil {
		return nil, err
	}
	if full {
		c.idx.Reset()
	}
	c.idx.Apply(ds)
	c.pos = next
	overlay, err := pendingDigests(ctx, st, out)
	if err != nil {
		return nil, err
	}
	c.idx.SetOverlay(overlay)
	c.last.Store(c.idx)
	return c.idx, nil
}

// stage returns a case's stage as the index derives it (new when the case
// is not in the index yet).
func (c *caseList) stage(ctx context.Context, st local.Store, root sync.RecID) string {
	if idx, err := c.refresh(ctx, st); err == nil {
		if card, ok := idx.Card(root); ok {
			return card.Stage
		}
	}
	return model.StageNew
}

// pendingDigests returns the digests of the records the outbox changes, as
// they stand with those changes applied.
func pendingDigests(ctx context.Context, st local.Store, out []sync.Change) ([]local.Digest, error) {
	if len(out) == 0 {
		return nil, nil
	}
	var ids []sync.RecID
	seen := map[sync.RecID]bool{}
	for _, ch := range out {
		if !seen[ch.Rec] {
			seen[ch.Rec] = true
			ids = append(ids, ch.Rec)
		}
	}
	recs, err := st.Records(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, ch := range out {
		r := recs[ch.Rec]
		if r == nil {
			r = sync.NewRecord(ch.Rec)
			recs[ch.Rec] = r
		}
		r.Apply(sync.Entry{Change: ch})
	}
	ds := make([]local.Digest, 0, len(ids))
	for _, id := range ids {
		r := recs[id]
		ds = append(ds, local.Digest{ID: id, Root: sync.RootOf(r), Data: caseindex.Digest(r)})
	}
	return ds, nil
}

// forget drops the index (the account locked: nothing of it stays in
// memory).
func (c *caseList) forget() {
	c.mu.Lock()
	c.store, c.idx, c.pos = nil, nil, local.DigestPos{}
	c.last.Store(nil)
	c.mu.Unlock()
}
