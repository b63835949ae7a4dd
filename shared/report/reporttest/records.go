package reporttest

import (
	"jiuzhu/shared/sync"
)

// Records merges edits into records, as a replica holds them after
// receiving them in order.
func Records(edits []sync.Edit) []*sync.Record {
	byID := map[sync.RecID]*sync.Record{}
	var order []sync.RecID
	for i, e := range edits {
		r := byID[e.Rec]
		if r == nil {
			r = sync.NewRecord(e.Rec)
			byID[e.Rec] = r
			order = append(order, e.Rec)
		}
		r.Apply(sync.Entry{Seq: uint64(i + 1), Change: sync.Change{
			Op: sync.Op{Device: "reporttest", Counter: uint64(i + 1)}, Rec: e.Rec, Field: e.Field, Value: e.Value,
			HLC: sync.MakeHLC(1735689600000, 0) + sync.HLC(i), By: "reporttest",
		}})
	}
	out := make([]*sync.Record, len(order))
	for i, id := range order {
		out[i] = byID[id]
	}
	return out
}
